//! Attribute macros for model-check.
//!
//! This crate will hold `#[model_test]`, which turns a function returning a check into an
//! ordinary `#[test]` registered with model-check's test registry. Depend on `model-check`,
//! which re-exports what this crate provides; do not depend on this crate directly.
#![forbid(unsafe_code)]
