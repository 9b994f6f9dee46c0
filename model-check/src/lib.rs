//! # model-check
//!
//! Systematic error analysis of machine-learning models as ordinary Rust tests.
//!
//! Aggregate metrics hide where models fail: a churn model that is 90% accurate overall can
//! be 60% accurate for seniors. model-check measures models per cohort, with a confidence
//! interval on every rate, so such pockets are found and then pinned down by tests that run
//! under `cargo test` on every change.
//!
//! The pieces:
//!
//! - [`Model`](model::Model): a batched predictor with an identity; adapters wrap a closure,
//!   a function over an `ndarray` matrix (feature `ndarray`), or a table of predictions
//!   computed elsewhere ([`PredictionTable`](model::PredictionTable)).
//! - [`Features`](data::Features) (with `#[derive(Features)]`): typed, compiler-checked
//!   tabular features.
//! - [`Dataset`](data::Dataset): rows, labels (or none: an unlabelled batch), row ids and
//!   tags, loaded from CSV with serde.
//! - [`metrics`]: mergeable one-pass accumulators that match scikit-learn, with Wilson
//!   intervals.
//! - [`Cohort`](cohort::Cohort): named subsets of rows, evaluated together in one pass.
//! - [`check`], [`check_data`](expect::check_data) and
//!   [`against`](expect::CheckBuilder::against): a model on data, data alone, data against a
//!   reference — each with [expectations](expect) that return [findings](outcome::Finding).
//!
//! ## Modules, from the leaves up
//!
//! A module imports only from modules listed before it (a test in `tests/layers.rs` fails on
//! any import cycle).
//!
//! | module | what it holds |
//! |---|---|
//! | [`fmt`] | numbers, rates and intervals as every renderer shows them (leaf) |
//! | [`rng`] | the one seeded RNG and seed derivation (leaf) |
//! | [`stats`] | Wilson, Newcombe, binomial and McNemar tests, the bootstrap, DeLong, FDR, drift distances and tests (leaf) |
//! | [`config`] | every `MODEL_CHECK_*` variable, CI detection, seed resolution |
//! | [`data`] | `Features`, `Dataset`, labels, CSV and Parquet loading (feature `parquet`), encoding |
//! | [`model`] | the `Model` trait, outputs, adapters, and the one prediction path (batched, panic-safe, counted, predict-once cache) |
//! | [`adapters`] | models of smartcore, linfa, ONNX (tract) and candle as `Model`s (features `smartcore`, `linfa`, `onnx`, `candle`) |
//! | [`perturb`] | tabular, text and image augmenters, templates, lexicons |
//! | [`metrics`] | mergeable one-pass accumulators |
//! | [`cohort`] | named row subsets, evaluated in one pass |
//! | [`outcome`] | `Verdict`, `Evidence` (unit, method, interval, p-value, tables), `Finding`, `Example`, `Outcome` |
//! | [`search`] | flip search: bisection, multi-feature search, shrinking |
//! | [`explain`] | permutation importance, ICE and partial dependence, robustness curves, Shapley values (exact or sampled), token attributions |
//! | [`baseline`] | recorded runs of a model, kept as reviewable files |
//! | [`profile`] | the schema of a reference (types, ranges, levels, missing shares), kept as a reviewable file |
//! | [`expect`] | checks, the `Expectation` trait, one file per expectation kind |
//! | [`monitor`] | drift and data checks over streams, from mergeable sketches |
//! | [`diff`] | what changed between two models on the same rows |
//! | [`discover`] | slice discovery: the pockets where a model fails, with false discoveries controlled |
//! | [`report`] | text, JSON (schema v2), JUnit and offline HTML renderings of what ran |
//! | [`runner`] | `#[model_test]` registration, seeds, running tests and writing reports |
//! | `harness` | a libtest-mimic `main` (feature `harness`) |
//!
//! ```
//! use model_check::prelude::*;
//!
//! #[derive(Features, Clone, serde::Deserialize)]
//! struct Customer {
//!     contract: String,
//!     tenure: f64,
//! }
//!
//! let rows = vec![
//!     Customer { contract: "Month-to-month".into(), tenure: 2.0 },
//!     Customer { contract: "Two year".into(), tenure: 60.0 },
//!     Customer { contract: "Month-to-month".into(), tenure: 30.0 },
//! ];
//! let data = Dataset::from_rows(rows, Labels::classes(["Yes", "No", "No"])?)?;
//!
//! // A hand-written scorer: short tenure on a monthly contract churns.
//! let model = Classifier::from_fn(
//!     ModelInfo::new("rule", "1"),
//!     ["No", "Yes"],
//!     |batch: &[Customer]| {
//!         Ok(batch.iter()
//!             .map(|c| if c.contract == "Month-to-month" && c.tenure < 12.0 { vec![0.2, 0.8] } else { vec![0.9, 0.1] })
//!             .collect())
//!     },
//! )?;
//!
//! let cohorts = [Cohort::all(), Cohort::category(Customer::CONTRACT, "Month-to-month")];
//! let report = evaluate_classifier(&model, &data, &cohorts)?;
//! assert_eq!(report[0].metrics.accuracy().rate(), Some(1.0));
//! assert_eq!(report[1].n(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod adapters;
pub mod baseline;
pub mod cohort;
pub mod config;
pub mod data;
pub mod diff;
pub mod discover;
pub mod expect;
pub mod explain;
pub mod fmt;
#[cfg(feature = "harness")]
pub mod harness;
pub mod metrics;
pub mod model;
pub mod monitor;
pub mod outcome;
pub mod perturb;
pub mod profile;
pub mod report;
pub mod rng;
pub mod runner;
pub mod search;
pub mod stats;

pub use expect::{Check, Suite, Testable, check};
pub use model_check_derive::{Categorical, Features};
pub use model_check_macros::model_test;

/// The names most tests need, in one import.
pub mod prelude {
    pub use crate::baseline::{Baseline, BaselineRecord, UpdateMode};
    pub use crate::cohort::{
        Cohort, CohortError, CohortMetrics, EvalError, evaluate_classifier, evaluate_regressor,
    };
    pub use crate::data::{
        Categorical, CsvOptions, DataError, Dataset, Encoder, Encoding, Feature, FeatureSpec,
        Features, Labels, Schema, TextCsvOptions, Value,
    };
    pub use crate::diff::ModelDiff;
    pub use crate::expect::{
        Check, CheckBuilder, Evidence, Example, Expectation, Finding, Findings, Method, Outcome,
        Suite, Testable, Unit, Verdict, accuracy, allowed_levels, attribution, brier_score, check,
        check_data, churn, confidence, conflicting_labels, directional, drift, drift_tests,
        duplicate_rows, estimated_accuracy, expected_calibration_error, expected_cost, f_beta, f1,
        false_negative_rate, false_positive_rate, flip, gap, importance, in_range, invariant,
        label_drift, label_share, leaked_rows, log_loss, mae, matches_profile, missing_rate,
        monotone, no_regression, population_stability, precision, prediction_drift, r2, recall,
        reference_gap, rmse, roc_auc, row_count, token_drives, unique_values, unit_cases,
    };
    pub use crate::metrics::{
        Average, ClassificationMetrics, Interval, Proportion, RegressionMetrics,
    };
    pub use crate::model::{
        Classes, Classifier, Model, ModelError, ModelInfo, PredictionTable, Probabilities,
        Regressor, decide_at,
    };
    pub use crate::perturb::{
        Augmenter, CsvColumns, SettingError, Template, Templates, augment, change_case,
        change_numbers, contractions, noise, punctuation, resample, shift, swap_names, swap_places,
        swap_protected, swap_words, synonyms, typos, write_csv,
    };
    pub use model_check_derive::{Categorical, Features};
    pub use model_check_macros::model_test;
}

/// Paths used by generated code; not part of the public API. The name carries the version:
/// the macro crates are pinned to this exact version (`=`), and code generated by another
/// version fails to compile with a clear path error rather than misbehaving.
#[doc(hidden)]
pub mod __private_v0_1_0 {
    pub use crate::data::features::{
        Categorical, CategoryCode, Feature, FeatureSpec, FeatureValue, Features, NumberType,
        Schema, Value, ValueError, categorical_from_value, categorical_to_value,
    };
    pub use core::option::Option;
    pub use core::panic;
    pub use core::result::Result;

    pub use crate::expect::Planned;
    pub use crate::runner::{Registration, TestMeta, plan, run_test};
    pub use inventory;
}

// The README's code compiles as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
