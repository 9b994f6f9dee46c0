//! JSON reports follow their committed schema, `model-check/schema/test-report.v2.json`
//! (read through `model_check::report::JSON_SCHEMA`): reports of every kind of expectation
//! and of every verdict validate, reports of registered `#[model_test]`s (derived seeds,
//! tags, a test that cannot build its checks) validate, hand-made evidence with every
//! optional field validates, and the schema is not vacuous: malformed reports are rejected.
//! Reports of schema v1 are refused by the readers, and every report reads back unchanged.
//!
//! The models are hand-written rules over small synthetic data, so these tests are fast.

use std::sync::LazyLock;

use model_check::baseline::{Baseline, UpdateMode};
use model_check::expect::{
    Cell, CheckReport, Column, Evidence, Example, ExampleEdit, Finding, Method, Outcome, Plot,
    ScoreChange, Table, Unit, check_data, churn, missing_rate, no_regression, reference_gap,
};
use model_check::prelude::*;
use model_check::report::{JSON_SCHEMA, SCHEMA, SuiteReport, TestReport};
use model_check::runner::{Filter, SeedSource, run_registered};
use serde_json::json;

#[derive(Features, Clone, Debug)]
struct Applicant {
    #[features(range = 0.0..=1.0)]
    score: f64,
    #[features(range = 0..=72)]
    tenure: u32,
    region: String,
    #[features(protected)]
    member: bool,
}

const APPROVE: &str = "approve";

/// 600 applicants over a grid of scores; approved when the score is above 0.5, except that
/// every ninth label is the other one (so no model is perfect).
fn applicants(n: usize, offset: usize) -> Dataset<Applicant> {
    let rows: Vec<Applicant> = (0..n)
        .map(|i| Applicant {
            score: ((i * 37 + offset) % 100) as f64 / 100.0 + 0.005,
            tenure: ((i * 11) % 73) as u32,
            region: if i % 2 == 0 { "north" } else { "south" }.into(),
            member: i % 3 == 0,
        })
        .collect();
    let labels = rows.iter().enumerate().map(|(i, a)| {
        if (a.score > 0.5) != (i % 9 == 0) {
            APPROVE
        } else {
            "reject"
        }
    });
    Dataset::from_rows(
        rows.clone(),
        Labels::with_classes([APPROVE, "reject"], labels).unwrap(),
    )
    .unwrap()
    .with_ids((0..n).map(|i| format!("a{i}")))
    .unwrap()
}

static DATA: LazyLock<Dataset<Applicant>> = LazyLock::new(|| applicants(600, 0));

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `P(approve)` rises with the score, and a little for members (so flipping `member`
/// changes some predictions).
fn rule(version: &str, cutoff: f64) -> impl Model<Input = Applicant, Output = Probabilities> {
    Classifier::from_fn(
        ModelInfo::new("score-rule", version),
        [APPROVE, "reject"],
        move |batch: &[Applicant]| {
            Ok(batch
                .iter()
                .map(|a| {
                    let p = sigmoid(12.0 * (a.score - cutoff) + if a.member { 0.8 } else { 0.0 });
                    vec![p, 1.0 - p]
                })
                .collect())
        },
    )
    .unwrap()
}

fn model() -> impl Model<Input = Applicant, Output = Probabilities> {
    rule("1", 0.5)
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(JSON_SCHEMA).expect("the committed schema is JSON");
    jsonschema::meta::validate(&schema).expect("the schema is a valid JSON Schema");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(validator);

/// The schema's complaints about `json`, one line each.
fn errors(json: &serde_json::Value) -> Vec<String> {
    VALIDATOR
        .iter_errors(json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Asserts that `report` as JSON follows the schema and reads back unchanged; returns the
/// JSON.
fn assert_valid(report: &TestReport) -> serde_json::Value {
    let text = report.to_json();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors = errors(&json);
    assert!(
        errors.is_empty(),
        "{}:\n{}\n{text}",
        report.test,
        errors.join("\n")
    );
    assert_eq!(
        TestReport::from_json(&text).as_ref(),
        Ok(report),
        "{} reads back unchanged",
        report.test
    );
    json
}

/// Runs `check` with a fixed seed and validates its report; returns the report.
fn report_of(name: &str, check: Check) -> TestReport {
    let run: CheckReport = check.run(11);
    let report = TestReport::from_run(name, "model-check-schema-tests", &run);
    assert_eq!(report.schema, SCHEMA);
    assert_valid(&report);
    report
}

/// The checks of every kind of expectation the crate has, by name.
fn checks_of_every_kind() -> Vec<(&'static str, Check)> {
    let on = || check(model(), &*DATA);
    vec![
        ("accuracy_wilson", on().expect(accuracy().at_least(0.8))),
        ("recall_wilson", on().expect(recall(APPROVE).at_least(0.95))),
        (
            "roc_auc_delong",
            on().expect(roc_auc(APPROVE).at_least(0.8)),
        ),
        ("f1_bootstrap", on().expect(f1(APPROVE).at_least(0.8))),
        (
            "log_loss_bootstrap",
            on().expect(log_loss().at_most(0.6).resamples(200)),
        ),
        (
            "point_estimate",
            on().expect(accuracy().at_least(0.8).point_estimate()),
        ),
        (
            "gap_newcombe",
            on().expect(gap(accuracy()).across(Applicant::REGION).at_most(0.1)),
        ),
        (
            "gap_of_recall_across_members",
            on().expect(gap(recall(APPROVE)).across(Applicant::MEMBER).at_most(0.2)),
        ),
        ("confidence", on().expect(confidence(0.9))),
        (
            "confidence_of_true_label",
            on().expect(confidence(0.5).of_true_label().pass_rate(0.8)),
        ),
        (
            "invariant_noise",
            on().expect(invariant(noise(0.05).on(Applicant::SCORE)).max_failure_rate(0.01)),
        ),
        (
            "invariant_to_tenure",
            on().expect(invariant(noise(0.2).on(Applicant::TENURE))),
        ),
        (
            "directional_shift",
            on().expect(directional(shift(Applicant::SCORE, 0.1)).must_not_lower(APPROVE)),
        ),
        ("flip_never", on().expect(flip(Applicant::MEMBER).never())),
        (
            "flip_min_distance",
            on().expect(flip(Applicant::SCORE).min_distance(0.2)),
        ),
        (
            "unit_cases",
            on().expect(
                unit_cases(50)
                    .set(Applicant::REGION, "south".to_string())
                    .range(Applicant::SCORE, 0.8, 1.0)
                    .predict(APPROVE),
            ),
        ),
        (
            "unit_cases_that_fail",
            on().expect(
                unit_cases(50)
                    .range(Applicant::SCORE, 0.0, 0.3)
                    .predict(APPROVE),
            ),
        ),
        (
            "cohort_and_sample",
            on().on(Cohort::category(Applicant::REGION, "north"))
                .sample(200)
                .max_examples(2)
                .expect(precision(APPROVE).at_least(0.5)),
        ),
        (
            "error_unknown_class",
            on().expect(recall("maybe").at_least(0.5)),
        ),
        (
            "inconclusive",
            on().sample(40).expect(accuracy().at_least(0.88)),
        ),
        (
            "inconclusive_allowed",
            on().sample(40)
                .expect(accuracy().at_least(0.88))
                .allow_inconclusive(),
        ),
    ]
}

#[test]
fn reports_of_every_kind_of_expectation_follow_the_schema() {
    let mut verdicts = Vec::new();
    for (name, check) in checks_of_every_kind() {
        let report = report_of(name, check);
        assert!(!report.outcomes.is_empty(), "{name}");
        verdicts.extend(report.outcomes.iter().map(|o| o.verdict));
        match name {
            "error_unknown_class" => {
                assert_eq!(report.verdict, Verdict::Error);
                let note = report.outcomes[0].note.as_deref().unwrap();
                assert!(note.contains("maybe"), "{note}");
            }
            "inconclusive" => assert_eq!(report.verdict, Verdict::Inconclusive),
            "inconclusive_allowed" => {
                assert_eq!(report.verdict, Verdict::Inconclusive);
                assert!(report.passed && report.outcomes[0].inconclusive_allowed);
            }
            "point_estimate" => assert_eq!(
                report.outcomes[0].evidence.method.name,
                Method::POINT_ESTIMATE
            ),
            "roc_auc_delong" => {
                assert!(report.outcomes[0].evidence.method.is(Method::DELONG))
            }
            "f1_bootstrap" => {
                assert!(report.outcomes[0].evidence.method.is(Method::BOOTSTRAP))
            }
            "gap_newcombe" => assert!(report.outcomes[0].evidence.method.is(Method::NEWCOMBE)),
            "accuracy_wilson" => assert!(report.outcomes[0].evidence.method.is(Method::WILSON)),
            "flip_never" => {
                assert_eq!(report.verdict, Verdict::Fail, "the model reads `member`");
                assert!(report.outcomes[0].examples[0].score.is_some());
                assert!(!report.outcomes[0].examples[0].edits.is_empty());
            }
            _ => {}
        }
    }
    for verdict in [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Inconclusive,
        Verdict::Error,
    ] {
        assert!(verdicts.contains(&verdict), "some report is {verdict:?}");
    }
}

#[test]
fn a_panicking_model_and_a_regression_model_write_valid_reports() {
    let exploding = Classifier::from_fn(
        ModelInfo::new("exploding", "1"),
        [APPROVE, "reject"],
        |_: &[Applicant]| panic!("weights are corrupt"),
    )
    .unwrap();
    let report = report_of(
        "panicking_model",
        check(exploding, &*DATA).expect(accuracy().at_least(0.5)),
    );
    assert_eq!(report.verdict, Verdict::Error);

    let tenures: Vec<f64> = DATA.rows().iter().map(|a| f64::from(a.tenure)).collect();
    let data = Dataset::from_rows(DATA.rows().to_vec(), Labels::values(tenures).unwrap()).unwrap();
    let regressor = Regressor::from_fn(ModelInfo::new("tenure-guess", "1"), |b: &[Applicant]| {
        Ok(b.iter()
            .map(|a| f64::from(a.tenure) + 2.0 * a.score)
            .collect())
    });
    let report = report_of(
        "regression_metrics",
        check(regressor, data).expect_all([mae().at_most(5.0), rmse().at_most(5.0)]),
    );
    assert_eq!(report.outcomes.len(), 2);
}

#[test]
fn reports_of_data_checks_reference_gaps_and_baselines_follow_the_schema() {
    #[derive(Features, Clone)]
    struct Row {
        income: Option<f64>,
    }
    let rows: Vec<Row> = (0..200)
        .map(|i| Row {
            income: (i % 20 >= 3).then_some(1.0),
        })
        .collect();
    let report = report_of(
        "missing_rate",
        check_data(Dataset::unlabelled(rows).unwrap())
            .expect(missing_rate(Row::INCOME).at_most(0.05)),
    );
    assert_eq!(report.verdict, Verdict::Fail);
    let json = assert_valid(&report);
    assert_eq!(json["outcomes"][0]["model"], json!(null), "no model");

    let reference = applicants(600, 50);
    let report = report_of(
        "reference_gap",
        check(model(), &*DATA)
            .against(reference)
            .expect(reference_gap(accuracy()).at_most(0.05)),
    );
    assert_ne!(report.verdict, Verdict::Error, "{}", report.to_text());

    // Record a baseline of the first version, then compare a second one with it.
    let dir = std::env::temp_dir().join(format!(
        "model-check-schema-baseline-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let record = Baseline::path(dir.join("score-rule.json"))
        .update_mode(UpdateMode::New)
        .ci(false);
    report_of(
        "baseline_recorded",
        check(model(), &*DATA).expect(no_regression(&record).max_drop(0.0)),
    );
    let compare = Baseline::path(dir.join("score-rule.json"))
        .update_mode(UpdateMode::No)
        .ci(false);
    let report = report_of(
        "no_regression",
        check(rule("2", 0.56), &*DATA)
            .expect(no_regression(&compare).max_drop(0.0))
            .and(check(rule("2", 0.56), &*DATA).expect(churn(&compare).at_most(0.01))),
    );
    assert!(
        report.outcomes.iter().all(|o| o.verdict != Verdict::Error),
        "{}",
        report.to_text()
    );
    assert!(
        report.outcomes[0].evidence.method.is(Method::MCNEMAR),
        "{}",
        report.to_json()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hand_made_evidence_with_every_optional_field_follows_the_schema() {
    let ms = || Unit::Other("ms".into());
    let mut latency = Table::new(
        "latency by batch size",
        [
            Column::text("batch"),
            Column::number("latency", ms()),
            Column::number("lo", ms()),
            Column::number("hi", ms()),
        ],
    );
    latency
        .push(["small".into(), 12.0.into(), 10.0.into(), 14.5.into()])
        .unwrap();
    latency
        .push([
            "large".into(),
            Cell::Missing,
            None::<f64>.into(),
            40u64.into(),
        ])
        .unwrap();
    let latency = latency.with_plot(Plot::Intervals {
        label: "batch".into(),
        estimate: "latency".into(),
        lo: "lo".into(),
        hi: "hi".into(),
        threshold: Some(20.0),
    });
    let mut histogram = Table::new(
        "latencies",
        [
            Column::number("lo", ms()),
            Column::number("hi", ms()),
            Column::number("count", Unit::Count),
        ],
    );
    for bin in 0..60u64 {
        histogram
            .push([(bin as f64).into(), (bin as f64 + 1.0).into(), bin.into()])
            .unwrap();
    }
    assert!(histogram.truncated());
    let histogram = histogram.with_plot(Plot::Histogram {
        lo: "lo".into(),
        hi: "hi".into(),
        count: "count".into(),
        reference: None,
    });
    let mut bars = Table::new(
        "share slow",
        [
            Column::text("region"),
            Column::number("share", Unit::Proportion),
        ],
    );
    bars.push(["north".into(), 0.1.into()]).unwrap();
    let bars = bars.with_plot(Plot::Bars {
        label: "region".into(),
        value: "share".into(),
    });
    let mut matrix = Table::new(
        "confusion",
        [
            Column::text("true"),
            Column::text("predicted"),
            Column::number("rows", Unit::Count),
        ],
    );
    matrix
        .push(["fast".into(), "slow".into(), 3usize.into()])
        .unwrap();
    let matrix = matrix.with_plot(Plot::Matrix {
        row: "true".into(),
        column: "predicted".into(),
        value: "rows".into(),
    });
    let mut plain = Table::new("no plot", [Column::number("gap", Unit::Points)]);
    plain.push([0.05.into()]).unwrap();

    let evidence = Evidence::new(ms(), Method::new("permutation").with("permutations", 500.0))
        .estimate(12.0)
        .interval(10.0, 14.5)
        .n(40)
        .threshold(20.0)
        .p_value(0.003)
        .adjusted_p_value(0.012)
        .rows_needed(80)
        .table(latency)
        .table(histogram)
        .table(bars)
        .table(matrix)
        .table(plain);
    let mut edit = ExampleEdit::new("score", 0.42, 0.9);
    edit.flips_at = Some(0.47);
    let variant = Example::variant(
        3,
        Some("a3"),
        vec![edit, ExampleEdit::new("region", "north", "south")],
        ScoreChange {
            name: "P(approve)".into(),
            before: 0.31,
            after: 0.68,
            label_before: Some("reject".into()),
            label_after: Some(APPROVE.into()),
        },
    )
    .with_variant_text("a variant, as text")
    .with_remark("distance 0.48");
    let unlabelled = Example::variant(
        4,
        None,
        Vec::new(),
        ScoreChange {
            name: "tenure".into(),
            before: 12.0,
            after: 14.0,
            label_before: None,
            label_after: None,
        },
    );
    let finding = Finding::new(Verdict::Pass, evidence)
        .with_subject("batch size")
        .with_examples(vec![
            Example::row(7, Some("a7"), "took 40 ms").with_remark("the slowest"),
            Example::row(8, None, "took 39 ms"),
            variant,
            unlabelled,
        ])
        .with_note("latency in milliseconds");
    let seed = u64::MAX;
    let info = ModelInfo::new("timer", "1");
    let recorded = Outcome::record(
        finding.clone(),
        Some(&info),
        "fast enough",
        "all rows",
        seed,
    );
    let of_data = Outcome::record(
        Finding::new(Verdict::Fail, Evidence::none()),
        None,
        "data alone",
        "",
        0,
    );

    let mut report = TestReport::from_run(
        "hand_made",
        "model-check-schema-tests",
        &check(model(), &*DATA)
            .expect(accuracy().at_least(0.5))
            .run(seed),
    );
    report.outcomes.push(recorded);
    report.outcomes.push(of_data);
    report.error = Some("shown for the schema's sake".into());
    // A report with an error is an error, which reading checks.
    report.verdict = Verdict::Error;
    report.passed = false;
    report.tags = vec!["latency".into()];
    let json = assert_valid(&report);

    // Seeds beyond 2^53 survive as strings; the unit of its own is `{"other": "ms"}`.
    assert_eq!(json["seed"], json!("18446744073709551615"));
    let outcome = &json["outcomes"][1];
    assert_eq!(outcome["seed"], json!("18446744073709551615"));
    assert_eq!(outcome["evidence"]["unit"], json!({ "other": "ms" }));
    assert_eq!(outcome["evidence"]["p_value"], json!(0.003));
    assert_eq!(outcome["evidence"]["adjusted_p_value"], json!(0.012));
    assert_eq!(
        outcome["evidence"]["method"]["params"],
        json!({ "permutations": 500.0 })
    );
    let tables = &outcome["evidence"]["tables"];
    assert_eq!(tables[0]["plot"]["kind"], json!("intervals"));
    assert_eq!(tables[0]["rows"][1], json!(["large", null, null, 40.0]));
    assert_eq!(tables[1]["total_rows"], json!(60));
    assert_eq!(tables[1]["rows"].as_array().unwrap().len(), 50);
    assert_eq!(tables[4]["plot"], json!(null));
    assert_eq!(outcome["examples"][2]["edits"][0]["flips_at"], json!(0.47));
    assert!(
        outcome["examples"][1].get("edits").is_none(),
        "empty lists are left out"
    );
    assert!(json["outcomes"][2]["evidence"].get("tables").is_none());
    assert!(
        json["outcomes"][2]["evidence"]["method"]
            .get("params")
            .is_none()
    );
}

// Registered model tests, run in-process by `registered_model_tests_write_valid_reports`:
// their reports carry what `TestReport::from_run` leaves empty (file, line, tags, derived
// seeds, the command that reproduces them, a test function's error).

#[model_test(tags = ["schema", "smoke"])]
fn a_registered_test_with_a_derived_seed() -> Check {
    check(model(), &*DATA).expect(accuracy().at_least(0.8))
}

#[model_test(seed = 7, tags = ["schema"])]
fn a_registered_test_with_a_seed() -> Check {
    check(model(), &*DATA)
        .sample(300)
        .expect(roc_auc(APPROVE).at_least(0.6))
}

#[model_test(tags = ["schema"])]
fn a_registered_suite() -> Suite {
    [
        check(model(), &*DATA).expect(accuracy().at_least(0.6)),
        check(model(), &*DATA)
            .on(Cohort::category(Applicant::REGION, "south"))
            .expect(false_positive_rate(APPROVE).at_most(0.5)),
    ]
    .into_iter()
    .collect()
}

#[model_test(
    ignore = "fails on purpose; its report is validated by registered_model_tests_write_valid_reports"
)]
fn a_registered_test_that_cannot_build_its_checks() -> Result<Check, String> {
    Err("no model file".to_string())
}

#[test]
fn registered_model_tests_write_valid_reports() {
    let suite = run_registered(&Filter::all().include_ignored());
    assert_eq!(suite.tests.len(), 4);
    for report in &suite.tests {
        let json = assert_valid(report);
        assert!(json["seed"].is_string());
        assert!(report.line > 0 && report.file.ends_with("schema.rs"));
        assert!(!report.reproduce.is_empty());
    }
    let by_name = |name: &str| {
        suite
            .tests
            .iter()
            .find(|t| t.test.ends_with(name))
            .unwrap_or_else(|| panic!("{name} is registered"))
    };
    let unbuildable = by_name("a_registered_test_that_cannot_build_its_checks");
    assert_eq!(
        unbuildable.error.as_deref(),
        Some("could not build its checks: no model file")
    );
    assert!(!unbuildable.passed);
    if std::env::var_os("MODEL_CHECK_SEED").is_none() {
        assert_eq!(
            by_name("a_registered_test_with_a_derived_seed").seed_source,
            SeedSource::Derived
        );
        let seeded = by_name("a_registered_test_with_a_seed");
        assert_eq!(
            (seeded.seed, seeded.seed_source),
            (7, SeedSource::Attribute)
        );
    }
    assert_eq!(by_name("a_registered_suite").outcomes.len(), 2);
}

#[test]
fn only_the_run_statistics_differ_between_runs_with_one_seed() {
    let run = || {
        let check = check(model(), &*DATA)
            .sample(300)
            .expect(roc_auc(APPROVE).at_least(0.6))
            .and(check(model(), &*DATA).expect(invariant(noise(0.05).on(Applicant::SCORE))));
        TestReport::from_run("twice", "model-check-schema-tests", &check.run(5))
    };
    let mut first = run();
    let mut second = run();
    assert_valid(&first);
    first.run = Default::default();
    second.run = Default::default();
    assert_eq!(first.to_json(), second.to_json());
}

/// A valid report to break, as JSON.
fn valid_json() -> serde_json::Value {
    let report = report_of(
        "to_break",
        check(model(), &*DATA)
            .expect(flip(Applicant::MEMBER).never())
            .and(
                check(model(), &*DATA)
                    .expect(gap(accuracy()).across(Applicant::REGION).at_most(0.1)),
            ),
    );
    assert_valid(&report)
}

/// A change that breaks a valid report.
type Breakage = fn(&mut serde_json::Value);

#[test]
fn the_schema_is_not_vacuous() {
    let valid = valid_json();
    assert!(errors(&valid).is_empty());
    let broken: Vec<(&str, Breakage)> = vec![
        ("the seed as a number", |j| j["seed"] = json!(11)),
        ("an outcome's seed as a number", |j| {
            j["outcomes"][0]["seed"] = json!(3)
        }),
        ("a seed of non-digits", |j| j["seed"] = json!("-1")),
        ("a missing `run`", |j| {
            j.as_object_mut().unwrap().remove("run");
        }),
        ("v1's run statistics at the top level", |j| {
            let run = j.as_object_mut().unwrap().remove("run").unwrap();
            j["model_calls"] = run["model_calls"].clone();
            j["duration_ms"] = run["duration_ms"].clone();
        }),
        ("a missing `seed`", |j| {
            j.as_object_mut().unwrap().remove("seed");
        }),
        ("an unknown field", |j| j["extra"] = json!(true)),
        ("an unknown field of the evidence", |j| {
            j["outcomes"][0]["evidence"]["confidence"] = json!(0.95)
        }),
        ("an unknown field of `run`", |j| {
            j["run"]["cpu_ms"] = json!(1.0)
        }),
        ("a wrong verdict", |j| j["verdict"] = json!("passed")),
        ("a wrong outcome verdict", |j| {
            j["outcomes"][0]["verdict"] = json!("PASS")
        }),
        ("another schema", |j| {
            j["schema"] = json!("model-check/test-report/v1")
        }),
        ("a wrong seed source", |j| {
            j["seed_source"] = json!("random")
        }),
        ("an unknown unit", |j| {
            j["outcomes"][0]["evidence"]["unit"] = json!("percent")
        }),
        ("an `other` unit without a name", |j| {
            j["outcomes"][0]["evidence"]["unit"] = json!({ "other": 1 })
        }),
        ("a missing `p_value`", |j| {
            j["outcomes"][0]["evidence"]
                .as_object_mut()
                .unwrap()
                .remove("p_value");
        }),
        ("a negative row count", |j| {
            j["outcomes"][0]["evidence"]["n"] = json!(-1)
        }),
        ("a model without a version", |j| {
            j["outcomes"][0]["model"] = json!({ "name": "score-rule" })
        }),
        ("an example without its detail", |j| {
            j["outcomes"][0]["examples"][0]
                .as_object_mut()
                .unwrap()
                .remove("detail");
        }),
        ("a boolean cell", |j| {
            j["outcomes"][0]["evidence"]["tables"] = json!([{
                "name": "t", "columns": [{ "name": "x", "unit": null }],
                "rows": [[true]], "total_rows": 1, "plot": null
            }])
        }),
        ("an unknown plot kind", |j| {
            j["outcomes"][0]["evidence"]["tables"] = json!([{
                "name": "t", "columns": [{ "name": "x", "unit": "count" }],
                "rows": [[1.0]], "total_rows": 1,
                "plot": { "kind": "pie", "label": "x", "value": "x" }
            }])
        }),
        ("a plot missing a column it reads", |j| {
            j["outcomes"][0]["evidence"]["tables"] = json!([{
                "name": "t", "columns": [{ "name": "x", "unit": "count" }],
                "rows": [[1.0]], "total_rows": 1,
                "plot": { "kind": "bars", "label": "x" }
            }])
        }),
    ];
    for (what, breaks) in &broken {
        let mut json = valid.clone();
        breaks(&mut json);
        assert_ne!(json, valid, "{what} changes the report");
        assert!(!VALIDATOR.is_valid(&json), "{what} is rejected");
    }
    // A well-formed table, by contrast, validates: the rejections above are for what broke.
    let mut json = valid.clone();
    json["outcomes"][0]["evidence"]["tables"] = json!([{
        "name": "t", "columns": [{ "name": "x", "unit": { "other": "ms" } }],
        "rows": [[1.0], [null], ["n/a"]], "total_rows": 3,
        "plot": { "kind": "bars", "label": "x", "value": "x" }
    }]);
    assert_eq!(errors(&json), Vec::<String>::new());
}

/// A report as model-check 0.1 wrote it (schema v1): a numeric seed and the run statistics
/// at the top level.
const V1_REPORT: &str = r#"{
  "schema": "model-check/test-report/v1",
  "test": "overall_accuracy_is_at_least_75_percent",
  "package": "model-check-workspace",
  "binary": "model_tests",
  "file": "tests/model_tests.rs",
  "line": 27,
  "tags": ["smoke"],
  "seed": 1234567890123,
  "seed_source": "derived",
  "reproduce": "MODEL_CHECK_SEED=1234567890123 cargo test --test model_tests -- --exact overall_accuracy_is_at_least_75_percent",
  "verdict": "pass",
  "passed": true,
  "model_calls": 2,
  "duration_ms": 3.5,
  "error": null,
  "outcomes": [
    {
      "model": { "name": "churn-logreg", "version": "1" },
      "expectation": "accuracy is at least 75%",
      "cohort": "all rows",
      "verdict": "pass",
      "evidence": {
        "estimate": 0.8,
        "interval": { "lo": 0.79, "hi": 0.81 },
        "n": 7043,
        "threshold": 0.75,
        "method": { "kind": "wilson" },
        "rows_needed": null
      },
      "examples": [],
      "note": null,
      "inconclusive_allowed": false
    }
  ]
}"#;

#[test]
fn v1_reports_are_refused_with_their_version() {
    let error = TestReport::from_json(V1_REPORT).unwrap_err();
    assert!(error.contains("model-check/test-report/v1"), "{error}");
    assert!(
        error.contains(SCHEMA),
        "names the version it reads: {error}"
    );

    let v1: serde_json::Value = serde_json::from_str(V1_REPORT).unwrap();
    assert!(
        !VALIDATOR.is_valid(&v1),
        "the v2 schema rejects a v1 report"
    );

    let dir = std::env::temp_dir().join(format!("model-check-schema-v1-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A current report beside it does not hide the old one.
    let current = TestReport::from_run(
        "current",
        "model-check-schema-tests",
        &check(model(), &*DATA)
            .expect(accuracy().at_least(0.5))
            .run(1),
    );
    current.write_to(&dir).unwrap();
    std::fs::write(dir.join("old.model_tests.overall.json"), V1_REPORT).unwrap();
    let error = SuiteReport::read_dir(&dir).unwrap_err().to_string();
    assert!(error.contains("old.model_tests.overall.json"), "{error}");
    assert!(error.contains("v1"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reading_a_report_refuses_what_the_schema_refuses() {
    let valid = valid_json();
    assert!(TestReport::from_json(&valid.to_string()).is_ok());
    // (what, whether the JSON Schema can say so, the breakage): consistency between the
    // verdict, `passed` and the outcomes is beyond a schema, and reading checks it.
    let breakages: [(&str, bool, Breakage); 6] = [
        ("an unknown field", true, |j| {
            j["surprise"] = serde_json::json!(1);
        }),
        ("a signed seed", true, |j| {
            j["seed"] = serde_json::json!("+7");
        }),
        ("a negative duration", true, |j| {
            j["run"]["duration_ms"] = serde_json::json!(-1.0);
        }),
        ("passed with a failing verdict", false, |j| {
            j["passed"] = serde_json::json!(true);
        }),
        ("a verdict its outcomes do not give", false, |j| {
            j["verdict"] = serde_json::json!("pass");
        }),
        ("an unknown field in evidence", true, |j| {
            j["outcomes"][0]["evidence"]["extra"] = serde_json::json!(null);
        }),
    ];
    for (what, by_schema, breakage) in breakages {
        let mut broken = valid.clone();
        breakage(&mut broken);
        assert_eq!(
            !errors(&broken).is_empty(),
            by_schema,
            "the schema and {what}"
        );
        let err = TestReport::from_json(&broken.to_string());
        assert!(err.is_err(), "reading refuses {what}");
    }
}
