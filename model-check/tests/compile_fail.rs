//! Every misuse of `#[derive(Features)]`, `#[derive(Categorical)]` and `#[model_test]` fails
//! to compile with an error pointing at the offending token; the expected output is in
//! `tests/ui/*.stderr` and `tests/ui/model_test/*.stderr`.
//!
//! Regenerate after an intended change with `TRYBUILD=overwrite cargo test --test
//! compile_fail`, then read the diff.
//!
//! The expected output is rustc's under the default features: with an adapter or format
//! feature on, its list of "other types" implementing a trait is drawn from a larger
//! dependency graph and reads differently, so the test runs without them (`.ci/run` runs it
//! in the default `cargo test --workspace`).

#[test]
#[cfg_attr(
    any(
        feature = "smartcore",
        feature = "linfa",
        feature = "onnx",
        feature = "candle",
        feature = "parquet"
    ),
    ignore = "rustc's diagnostics list other implementors from the whole dependency graph; run without the adapter and format features"
)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.compile_fail("tests/ui/model_test/*.rs");
}
