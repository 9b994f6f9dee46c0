//! Every misuse of `#[derive(Features)]`, `#[derive(Categorical)]` and `#[model_test]` fails
//! to compile with an error pointing at the offending token; the expected output is in
//! `tests/ui/*.stderr` and `tests/ui/model_test/*.stderr`.
//!
//! Regenerate after an intended change with `TRYBUILD=overwrite cargo test --test
//! compile_fail`, then read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.compile_fail("tests/ui/model_test/*.rs");
}
