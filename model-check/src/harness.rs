//! A ready `main` for test targets that run only model tests (feature `harness`).
//!
//! `#[model_test]` functions are ordinary `#[test]`s, so the default harness runs them. A
//! target declared with `harness = false` can instead hand its `main` to
//! `model_check::harness::main`, which runs every registered model test through
//! [libtest-mimic](https://docs.rs/libtest-mimic): the same command-line interface as the
//! default harness (`--list --format terse`, `--exact`, `--ignored`, `--include-ignored`,
//! name filters), so `cargo test` and `cargo nextest run` list and run the tests by the same
//! names.
//!
//! ```toml
//! [[test]]
//! name = "model_suite"
//! harness = false
//!
//! [dev-dependencies]
//! model-check = { version = "0.1", features = ["harness"] }
//! ```
//!
//! ```no_run
//! // tests/model_suite.rs
//! # use model_check::prelude::*;
//! # fn churn_model() -> impl Model<Input = f64, Output = f64> + 'static { Regressor::from_fn(ModelInfo::new("m", "1"), |x: &[f64]| Ok(x.to_vec())) }
//! # fn validation() -> Dataset<f64> { Dataset::from_inputs(vec![1.0, 2.0], Labels::values(vec![1.0, 2.0]).unwrap()).unwrap() }
//! #[model_test]
//! fn mae_is_small() -> Check {
//!     check(churn_model(), validation()).expect(mae().at_most(1.0))
//! }
//!
//! fn main() {
//!     model_check::harness::main()
//! }
//! ```
//!
//! Only the registrations linked into the binary run: the tests of the target itself and of
//! the crates it names (see [`crate::runner`]).

use libtest_mimic::{Arguments, Completion, Trial};

use crate::expect::Planned;
use crate::runner::{TestMeta, execute, registered};

/// Parses the command line like libtest and runs the registered model tests; exits with
/// libtest's status (101 when a test failed).
pub fn main() -> ! {
    let arguments = Arguments::from_args();
    let trials = registered()
        .into_iter()
        .map(|registration| trial(registration.meta, registration.plan, &arguments))
        .collect();
    libtest_mimic::run(&arguments, trials).exit()
}

/// The libtest-mimic trial of one model test.
///
/// libtest-mimic prints no reason for a trial flagged as ignored, so when ignored tests are
/// not asked for (`--ignored`, `--include-ignored`) and the tests are run rather than listed,
/// an ignored test is a trial that ignores itself at run time with its reason, as libtest
/// prints `ignored, <reason>`. Listing keeps the flag, so `--list --ignored` (which
/// cargo-nextest uses) still finds it.
fn trial(meta: &'static TestMeta, plan: fn() -> Planned, arguments: &Arguments) -> Trial {
    let runs_ignored = arguments.ignored || arguments.include_ignored;
    match meta.ignore {
        Some(reason) if !runs_ignored && !arguments.list => {
            Trial::ignorable_test(meta.name(), move || {
                Ok(if reason.is_empty() {
                    Completion::ignored()
                } else {
                    Completion::ignored_with(reason)
                })
            })
        }
        _ => Trial::test(meta.name(), move || execute(meta, plan).map_err(Into::into))
            .with_ignored_flag(meta.is_ignored()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static IGNORED: TestMeta = TestMeta {
        function: "slow",
        module_path: "suite::m",
        file: "tests/suite.rs",
        line: 1,
        package: "pkg",
        bin: None,
        tags: &[],
        seed: None,
        ignore: Some("needs the full dataset"),
    };

    fn never_built() -> Planned {
        panic!("an ignored test is not built")
    }

    fn arguments(args: &[&str]) -> Arguments {
        Arguments::from_iter(std::iter::once("harness").chain(args.iter().copied()))
    }

    #[test]
    fn an_ignored_test_is_ignored_with_its_reason_and_still_listed() {
        let run = arguments(&["--quiet"]);
        let t = trial(&IGNORED, never_built, &run);
        // Ignored at run time (with its reason), not by the flag libtest-mimic prints bare.
        assert!(!t.has_ignored_flag());
        let conclusion = libtest_mimic::run(&run, vec![t]);
        assert_eq!((conclusion.num_ignored, conclusion.num_passed), (1, 0));

        // Listing and `--ignored` see the flag.
        for args in [&["--list"][..], &["--ignored", "--list"]] {
            assert!(trial(&IGNORED, never_built, &arguments(args)).has_ignored_flag());
        }
    }
}
