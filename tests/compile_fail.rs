//! Every misuse of `#[derive(Features)]` and `#[derive(Categorical)]` fails to compile with
//! an error pointing at the offending token; the expected output is in `tests/ui/*.stderr`.
//!
//! Regenerate after an intended change with `TRYBUILD=overwrite cargo test --test
//! compile_fail`, then read the diff.

#[test]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
