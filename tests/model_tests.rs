//! `#[model_test]` end to end: passing, failing, inconclusive, ignored and tagged model tests
//! on a real churn model (scikit-learn's logistic regression, its predictions committed in
//! `tests/oracles/`), their registration, seeds, reports and the predict-once cache.
//!
//! Tests that fail on purpose are ignored (so `cargo test` passes); `failing_tests_fail`
//! runs each in a child process, as `cargo test -- --ignored` would, and asserts that it
//! fails with a readable report, and the registry tests run them in-process.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;

use common::{Customer, telco};
use model_check::prelude::*;
use model_check::report::{SuiteReport, TestReport};
use model_check::runner::{Filter, registered, run_registered};

static TELCO: LazyLock<Dataset<Customer>> = LazyLock::new(|| telco("churn"));

fn churn_model() -> impl Model<Input = Customer, Output = Probabilities> + 'static {
    common::sklearn_churn_model()
}

#[model_test(tags = ["smoke"])]
fn overall_accuracy_is_at_least_75_percent() -> Check {
    check(churn_model(), &*TELCO).expect(accuracy().at_least(0.75))
}

const FAILS: &str = "fails on purpose; asserted by failing_tests_fail";

#[model_test(tags = ["cohort", "must_fail"], ignore = "fails on purpose; asserted by failing_tests_fail")]
fn two_year_customers_churn_is_caught() -> Check {
    check(churn_model(), &*TELCO)
        .on(Cohort::category(Customer::CONTRACT, "Two year"))
        .expect(recall("Yes").at_least(0.5))
}

#[model_test(tags = ["cohort", "must_fail"], ignore = "fails on purpose; asserted by failing_tests_fail")]
fn a_small_sample_cannot_decide_a_close_threshold() -> Check {
    check(churn_model(), &*TELCO)
        .sample(60)
        .expect(accuracy().at_least(0.79))
}

#[model_test(tags = ["cohort"])]
fn inconclusive_may_be_allowed() -> Check {
    check(churn_model(), &*TELCO)
        .sample(60)
        .expect(accuracy().at_least(0.79))
        .allow_inconclusive()
}

#[model_test(seed = 7, tags = ["sampled"])]
fn sampled_auc_clears_0_8() -> Check {
    check(churn_model(), &*TELCO)
        .sample(1500)
        .expect(roc_auc("Yes").at_least(0.8))
}

#[model_test(ignore = "shows the ignore flag; passes when run")]
fn ignored_test_still_registers() -> Check {
    check(churn_model(), &*TELCO).expect(accuracy().at_least(0.5))
}

#[model_test(tags = ["suite"])]
fn a_suite_of_checks_on_one_model() -> Suite {
    let seniors = check(churn_model(), &*TELCO).on(Cohort::equals(Customer::SENIOR_CITIZEN, 1));
    [
        seniors.clone().expect(accuracy().at_least(0.6)),
        seniors.expect(false_positive_rate("Yes").at_most(0.4)),
        check(churn_model(), &*TELCO).expect(log_loss().at_most(0.5)),
    ]
    .into_iter()
    .collect()
}

#[model_test(tags = ["must_fail"], ignore = "fails on purpose; asserted by failing_tests_fail")]
fn a_test_that_cannot_build_its_checks_fails_with_the_reason() -> Result<Check, String> {
    Err("no model file".to_string())
}

#[model_test(tags = ["must_fail"], ignore = "fails on purpose; asserted by failing_tests_fail")]
fn a_panicking_model_is_named() -> Check {
    let model = Classifier::from_fn(
        ModelInfo::new("exploding", "1"),
        ["No", "Yes"],
        |_: &[Customer]| panic!("weights are corrupt"),
    )
    .unwrap();
    check(model, &*TELCO).expect(accuracy().at_least(0.5))
}

#[test]
fn the_registry_lists_every_model_test_with_its_metadata() {
    let all = registered();
    let names: Vec<String> = all.iter().map(|r| r.meta.name()).collect();
    for expected in [
        "overall_accuracy_is_at_least_75_percent",
        "two_year_customers_churn_is_caught",
        "a_small_sample_cannot_decide_a_close_threshold",
        "inconclusive_may_be_allowed",
        "sampled_auc_clears_0_8",
        "ignored_test_still_registers",
        "a_suite_of_checks_on_one_model",
        "a_test_that_cannot_build_its_checks_fails_with_the_reason",
        "a_panicking_model_is_named",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} is registered: {names:?}"
        );
    }
    assert_eq!(
        all.len(),
        9,
        "exactly the model tests of this file: {names:?}"
    );
    let sampled = all
        .iter()
        .find(|r| r.meta.name() == "sampled_auc_clears_0_8")
        .unwrap();
    assert_eq!(sampled.meta.seed, Some(7));
    assert_eq!(sampled.meta.tags, ["sampled"]);
    assert!(sampled.meta.file.ends_with("model_tests.rs"));
    let ignored = all
        .iter()
        .find(|r| r.meta.name() == "ignored_test_still_registers")
        .unwrap();
    assert_eq!(
        ignored.meta.ignore,
        Some("shows the ignore flag; passes when run")
    );
    for must_fail in all.iter().filter(|r| r.meta.has_tag("must_fail")) {
        assert_eq!(must_fail.meta.ignore, Some(FAILS));
    }
}

#[test]
fn a_bad_seed_or_report_directory_is_an_error_that_says_so() {
    let run = |env: &[(&str, &str)]| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "overall_accuracy_is_at_least_75_percent"])
            .env_remove("MODEL_CHECK_SEED")
            .env_remove("MODEL_CHECK_REPORT");
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), printed)
    };
    let (passed, printed) = run(&[("MODEL_CHECK_SEED", "banana")]);
    assert!(!passed, "{printed}");
    assert!(
        printed
            .contains("the seed could not be resolved: MODEL_CHECK_SEED=\"banana\" is not a seed"),
        "{printed}"
    );
    assert!(!printed.contains("seed 0"), "no seed was used: {printed}");
    assert!(!printed.contains("reproduce: )"), "{printed}");

    // An empty MODEL_CHECK_REPORT would write into the package root: refused.
    let (passed, printed) = run(&[("MODEL_CHECK_REPORT", "")]);
    assert!(!passed, "{printed}");
    assert!(
        printed.contains("MODEL_CHECK_REPORT=\"\" names no directory"),
        "{printed}"
    );
    let stray = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("model-check-workspace.model_tests.overall_accuracy_is_at_least_75_percent.json");
    assert!(!stray.exists(), "no report in the package root");
}

#[test]
fn failing_tests_fail() {
    for (test, expected) in [
        (
            "two_year_customers_churn_is_caught",
            "model test `two_year_customers_churn_is_caught` FAILED",
        ),
        (
            "a_small_sample_cannot_decide_a_close_threshold",
            "INCONCLUSIVE",
        ),
        (
            "a_test_that_cannot_build_its_checks_fails_with_the_reason",
            "could not build its checks: no model file",
        ),
        (
            "a_panicking_model_is_named",
            "model `exploding@1` panicked: weights are corrupt",
        ),
    ] {
        let output = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", test])
            .env_remove("MODEL_CHECK_SEED")
            .env_remove("MODEL_CHECK_REPORT")
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!output.status.success(), "{test} must fail:\n{printed}");
        assert!(
            printed.contains(expected),
            "{test} prints {expected:?}:\n{printed}"
        );
        assert!(
            printed.contains("reproduce: MODEL_CHECK_SEED="),
            "{test} prints its seed:\n{printed}"
        );
    }
}

#[test]
fn the_registry_runs_tests_in_process_by_tag() {
    let suite = run_registered(&Filter::all().tag("cohort").include_ignored());
    let verdicts: Vec<(&str, Verdict, bool)> = suite
        .tests
        .iter()
        .map(|t| (t.test.as_str(), t.verdict, t.passed))
        .collect();
    assert_eq!(
        verdicts,
        [
            (
                "a_small_sample_cannot_decide_a_close_threshold",
                Verdict::Inconclusive,
                false
            ),
            ("inconclusive_may_be_allowed", Verdict::Inconclusive, true),
            ("two_year_customers_churn_is_caught", Verdict::Fail, false),
        ]
    );
    let failed = &suite.tests[2];
    let outcome = &failed.outcomes[0];
    assert_eq!(outcome.cohort, "contract = Two year");
    assert_eq!(
        outcome.model.as_ref().unwrap().name(),
        "sklearn-logistic-regression"
    );
    assert!(outcome.evidence.interval.unwrap().hi < 0.5);
    assert_eq!(outcome.examples.len(), 5, "bounded examples");
    // The inconclusive test says how many rows would decide it.
    let inconclusive = &suite.tests[0].outcomes[0];
    assert!(inconclusive.evidence.rows_needed.unwrap() > 60);
}

#[test]
fn ignored_tests_run_only_when_asked() {
    let without = run_registered(&Filter::all());
    assert!(
        without.tests.iter().all(|t| t.passed),
        "every test not ignored passes"
    );
    assert_eq!(without.tests.len(), 4);
    assert!(
        run_registered(&Filter::all().name("ignored_test"))
            .tests
            .is_empty()
    );
    let with = run_registered(&Filter::all().name("ignored_test").include_ignored());
    assert_eq!(with.tests.len(), 1);
    assert!(with.tests[0].passed);
}

#[test]
fn a_failure_reads_like_a_report() {
    let suite = run_registered(&Filter::all().name("two_year_customers").include_ignored());
    let text = suite.tests[0].to_text();
    assert!(
        text.starts_with("model test `two_year_customers_churn_is_caught` FAILED (seed "),
        "{text}"
    );
    assert!(text.contains("reproduce: MODEL_CHECK_SEED="), "{text}");
    assert!(
        text.contains("--test model_tests -- --exact two_year_customers_churn_is_caught"),
        "{text}"
    );
    assert!(
        text.contains("[FAIL] recall of `Yes` is at least 50%"),
        "{text}"
    );
    assert!(text.contains("cohort      contract = Two year"), "{text}");
    assert!(text.contains("Wilson"), "{text}");
    assert!(text.contains("true Yes, predicted No (P(Yes) = "), "{text}");
}

/// Runs one test of this binary in a child process with the given environment, and returns
/// the JSON report it wrote.
fn run_child(test: &str, env: &[(&str, &str)]) -> TestReport {
    let dir = std::env::temp_dir().join(format!(
        "model-check-child-{}-{}",
        std::process::id(),
        env.iter()
            .map(|(k, v)| format!("{k}{v}"))
            .collect::<String>()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", test, "--test-threads", "1"])
        .env("MODEL_CHECK_REPORT", &dir)
        .env_remove("MODEL_CHECK_SEED");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let suite = SuiteReport::read_dir(&dir).unwrap();
    assert_eq!(suite.tests.len(), 1);
    suite.tests.into_iter().next().unwrap()
}

/// The report without its run statistics (model calls and wall-clock time), the one part
/// that is not reproducible.
fn without_time(mut report: TestReport) -> TestReport {
    report.run = Default::default();
    report
}

#[test]
fn the_same_seed_gives_the_same_report_and_another_seed_another_sample() {
    let first = without_time(run_child("sampled_auc_clears_0_8", &[]));
    let second = without_time(run_child("sampled_auc_clears_0_8", &[]));
    assert_eq!(first.seed, 7);
    assert_eq!(first.to_json(), second.to_json(), "bit for bit");

    let other = without_time(run_child(
        "sampled_auc_clears_0_8",
        &[("MODEL_CHECK_SEED", "8")],
    ));
    assert_eq!(other.seed, 8);
    assert_eq!(
        other.seed_source,
        model_check::runner::SeedSource::Environment
    );
    let auc = |r: &TestReport| r.outcomes[0].evidence.estimate.unwrap();
    assert_ne!(auc(&first), auc(&other), "a different sample of 1500 rows");
    assert!(other.reproduce.starts_with("MODEL_CHECK_SEED=8 cargo test"));
}

#[test]
fn a_derived_seed_is_stable_and_printed() {
    let report = run_child("overall_accuracy_is_at_least_75_percent", &[]);
    assert_eq!(
        report.seed,
        model_check::runner::derive_seed("overall_accuracy_is_at_least_75_percent")
    );
    assert_eq!(report.run.model_calls, 2, "7043 rows in batches of 4096");
}

#[test]
fn predictions_are_shared_within_a_process() {
    // Two checks on the same model identity and rows: the second predicts only the three
    // rows that confirm the cached outputs are this model's.
    let first = check(churn_model(), &*TELCO)
        .expect(accuracy().at_least(0.5))
        .run(1);
    let second = check(churn_model(), &*TELCO)
        .on(Cohort::equals(Customer::SENIOR_CITIZEN, 1))
        .expect(recall("Yes").at_least(0.1))
        .run(1);
    assert!(first.model_calls <= 3);
    assert_eq!(second.model_calls, 1);
    assert!(first.passed() && second.passed());
}

fn reports_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("model-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn two_models_with_one_identity_are_caught_not_confused() {
    let constant = |p: f64| {
        Classifier::from_fn(
            ModelInfo::new("same-name", "1"),
            ["No", "Yes"],
            move |b: &[Customer]| Ok(vec![vec![1.0 - p, p]; b.len()]),
        )
        .unwrap()
    };
    let first = check(constant(0.9), &*TELCO)
        .expect(recall("Yes").at_least(0.5))
        .run(1);
    assert!(first.passed());
    let second = check(constant(0.1), &*TELCO)
        .expect(recall("Yes").at_least(0.5))
        .run(1);
    let outcome = &second.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Error);
    assert!(
        outcome
            .note
            .as_deref()
            .unwrap()
            .contains("two different models share the identity `same-name@1`"),
        "{:?}",
        outcome.note
    );
}

#[test]
fn reports_merge_and_render_as_junit() {
    let dir = reports_dir("junit");
    let suite = run_registered(&Filter::all().include_ignored());
    for report in &suite.tests {
        report.write_to(&dir).unwrap();
    }
    let merged = SuiteReport::read_dir(&dir).unwrap();
    assert_eq!(merged.tests.len(), 9);
    assert_eq!(merged, suite, "writing and reading loses nothing");

    let xml = merged.to_junit();
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 9);
    for test in &merged.tests {
        assert!(
            cases
                .iter()
                .any(|c| c.attribute("name") == Some(test.test.as_str())),
            "{} is named in the XML",
            test.test
        );
    }
    let suite_node = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite_node.attribute("tests"), Some("9"));
    assert_eq!(
        suite_node.attribute("failures"),
        Some("2"),
        "the failing and the inconclusive test"
    );
    assert_eq!(
        suite_node.attribute("errors"),
        Some("2"),
        "the panicking model and the unbuildable test"
    );
}
