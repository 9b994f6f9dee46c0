//! Derive macros for [model-check](https://docs.rs/model-check): `#[derive(Features)]` and
//! `#[derive(Categorical)]`.
//!
//! Use them through `model_check` (`use model_check::prelude::*;`), never directly: the
//! generated code names `::model_check::__private_v0_1_0` paths only.
//!
//! The crate is a pipeline, one module per stage: `attr` parses `#[features(...)]`
//! attributes, `ast` turns the `syn` input into a typed description of the row or enum
//! (classifying each field type with `ty`), `valid` checks the rules that span several
//! fields or keys, and `expand` writes the impls. Every stage pushes its spanned errors into
//! one `errors::Errors`, so a user sees all the mistakes at once; `fallback` then emits stub
//! impls so those errors are not buried under "trait not implemented" cascades.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod errors;
mod expand;
mod fallback;
mod ty;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Implements `Features` for a struct with named fields, and adds one typed handle per
/// feature: an associated const named after the field in upper snake case
/// (`Customer::MONTHLY_CHARGES`), with the field's visibility.
///
/// Each field's type decides its feature:
///
/// | field type | feature |
/// |---|---|
/// | `f32`, `f64` | numeric (float) |
/// | `i8` … `i64`, `isize`, `u8` … `u64`, `usize` | numeric (integer) |
/// | `bool` | numeric, 0 or 1 |
/// | `String` | categorical, levels learned from data |
/// | any other plain type name, e.g. `Contract` | categorical with the levels of its `#[derive(Categorical)]` |
/// | `Option<T>` of the above | the same, possibly missing |
///
/// The classification is syntactic: a type alias of `f64` is read as an enum name and fails
/// with "`Money: Categorical` is not satisfied". Any other type (references, tuples, `Vec<T>`,
/// …) is a compile error; mark such fields `#[features(skip)]`.
///
/// Field attributes, combinable and repeatable (`#[features(protected, range = 18..=99)]`):
///
/// - `skip`: the field is not a feature (takes no other key).
/// - `categorical`: an integer or `bool` field is a category code (levels are the decimal
///   spellings of its values) instead of a number.
/// - `range = LO..=HI`: the declared inclusive range of a numeric feature; numeric literals,
///   optionally negative.
/// - `protected`: a protected (sensitive) attribute, for fairness checks.
/// - `rename = "name"`: the feature's name in data files and reports (default: the field
///   name, without `r#`); `Dataset::from_csv` reads the field from the column of that name.
///
/// ```ignore
/// #[derive(Features)]
/// struct Customer {
///     contract: Contract,
///     #[features(range = 0..=72)]
///     tenure: u32,
///     total_charges: Option<f64>,
///     #[features(protected, rename = "gender")]
///     female: bool,
///     #[features(skip)]
///     customer_id: String,
/// }
/// ```
#[proc_macro_derive(Features, attributes(features))]
pub fn derive_features(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_features(&input).into()
}

/// Implements `Categorical` (and `FeatureValue`) for a field-less enum, so it can be the type
/// of a categorical feature whose levels are known at compile time.
///
/// A level is named after its variant; `#[features(rename = "Month-to-month")]` on a variant
/// names it otherwise. `LEVELS` lists the levels in declaration order.
///
/// ```ignore
/// #[derive(Categorical, Clone, Copy)]
/// enum Contract {
///     #[features(rename = "Month-to-month")]
///     MonthToMonth,
///     #[features(rename = "One year")]
///     OneYear,
/// }
/// ```
#[proc_macro_derive(Categorical, attributes(features))]
pub fn derive_categorical(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_categorical(&input).into()
}
