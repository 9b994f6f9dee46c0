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

use libtest_mimic::{Arguments, Trial};

use crate::runner::{execute, registered};

/// Parses the command line like libtest and runs the registered model tests; exits with
/// libtest's status (101 when a test failed).
pub fn main() -> ! {
    let arguments = Arguments::from_args();
    let trials = registered()
        .into_iter()
        .map(|registration| {
            let (meta, plan) = (registration.meta, registration.plan);
            Trial::test(meta.name(), move || execute(meta, plan).map_err(Into::into))
                .with_ignored_flag(meta.is_ignored())
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit()
}
