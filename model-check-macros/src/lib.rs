//! Attribute macros for [model-check](https://docs.rs/model-check): `#[model_test]`.
//!
//! Use it through `model_check` (`use model_check::prelude::*;` or
//! `model_check::model_test`), never directly: the generated code names
//! `::model_check::__private_v0_1_0` paths only.
//!
//! The crate is a pipeline, one module per stage: `args` parses the attribute's arguments,
//! `item` checks the function and sorts its attributes, `expand` writes the test. Every stage
//! pushes its spanned errors into one `errors::Errors`, so a user sees all the mistakes at
//! once; on error the output is those errors plus the function unchanged, so the IDE keeps
//! seeing it.
#![forbid(unsafe_code)]

mod args;
mod errors;
mod expand;
mod item;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Turns a function into a model test: an ordinary `#[test]` that `cargo test` runs, also
/// registered with model-check's test registry so the whole suite can be listed, filtered by
/// tag and run in-process.
///
/// The function is a free `fn` with no parameters, not `async`, `const`, `unsafe`, `extern`
/// or generic, and returns anything the runtime can run (`model_check::Testable`: a check, a
/// suite, a `Result` of one).
///
/// ```ignore
/// use model_check::prelude::*;
///
/// /// Flipping `sex` never changes the decision.
/// #[model_test(seed = 7, tags = ["fairness", "slow"], ignore = "needs the full data set")]
/// fn sex_never_flips() -> Check {
///     // ...
/// }
/// ```
///
/// # Arguments
///
/// All optional, in any order, each at most once:
///
/// - `seed = N`: an integer literal (a `u64`); the test's seed instead of the one derived from
///   its name.
/// - `tags = ["fairness", "slow"]`: string literals, non-empty and distinct, to select tests
///   by.
/// - `ignore` or `ignore = "reason"`: the test is ignored unless asked for, by `cargo test`
///   and by the registry alike. Write this rather than a separate `#[ignore]` (which is an
///   error), so the registry knows.
///
/// A second test attribute (`#[test]`, `#[tokio::test]`, `#[rstest]`, ...), `#[ignore]` or
/// `#[should_panic]` on the function is an error, also inside `#[cfg_attr(...)]`.
///
/// # Expansion
///
/// For the function above (with `#[allow(unused)]` standing for any other attribute):
///
/// ```text
/// /// Flipping `sex` never changes the decision.
/// #[::core::prelude::v1::test]
/// #[ignore = "needs the full data set"]      // `#[ignore]` for a bare `ignore`
/// #[allow(non_snake_case)]
/// fn sex_never_flips() {
///     ::model_check::__private_v0_1_0::run_test(&__MODEL_CHECK_META_sex_never_flips,
///                                        __model_check_plan_sex_never_flips)
/// }
///
/// #[doc(hidden)]
/// #[allow(non_upper_case_globals)]
/// static __MODEL_CHECK_META_sex_never_flips: ::model_check::__private_v0_1_0::TestMeta =
///     ::model_check::__private_v0_1_0::TestMeta {
///         function: "sex_never_flips",
///         module_path: ::core::module_path!(),
///         file: ::core::file!(),
///         line: ::core::line!(),                    // the line of `sex_never_flips`
///         package: ::core::env!("CARGO_PKG_NAME"),
///         tags: &["fairness", "slow"],
///         seed: ::core::option::Option::Some(7u64),  // `None` without `seed`
///         ignore: ::core::option::Option::Some("needs the full data set"),
///                                                    // `Some("")` for a bare `ignore`
///     };
///
/// #[doc(hidden)]
/// fn __model_check_plan_sex_never_flips() -> ::model_check::__private_v0_1_0::Planned {
///     #[allow(unused)]
///     fn sex_never_flips() -> Check {
///         // ...
///     }
///     ::model_check::__private_v0_1_0::plan(sex_never_flips())
/// }
///
/// ::model_check::__private_v0_1_0::inventory::submit! {
///     ::model_check::__private_v0_1_0::Registration {
///         meta: &__MODEL_CHECK_META_sex_never_flips,
///         plan: __model_check_plan_sex_never_flips,
///     }
/// }
/// ```
///
/// The user's function is nested in the plan function unchanged but for its visibility and
/// docs, so its body resolves names as before and its attributes (lints, `#[cfg_attr]`) apply
/// to it. Its `#[cfg]`s go on all four items, so a configured-out test disappears entirely.
/// Outside `cfg(test)` the `#[test]` function does not exist, but the registration does: a
/// program linking the tests can still run them.
#[proc_macro_attribute]
pub fn model_test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
