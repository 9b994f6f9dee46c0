//! Metric parity with scikit-learn and statsmodels on the Telco churn data.
//!
//! `tests/oracles/generate.py` trained real scikit-learn models (a churn classifier, a
//! three-class contract classifier and a monthly-charges regressor), wrote their predictions
//! for every row, and computed reference metrics for several cohorts with scikit-learn,
//! statsmodels and numpy. Here the same predictions go through model-check — loaded with
//! `PredictionTable`, evaluated per cohort in one pass — and every number must agree to 1e-9.

mod common;

use common::{Customer, TELCO, oracle, telco};
use model_check::metrics::{Average, ClassificationMetrics, Interval, Proportion, RankCounts};
use model_check::prelude::*;
use serde_json::Value as Json;

const TOLERANCE: f64 = 1e-9;

thread_local! {
    /// The largest difference seen by this test's comparisons (`--nocapture` prints it).
    static WORST: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

fn report_worst(test: &str) {
    eprintln!(
        "{test}: largest difference from the reference {:e}",
        WORST.get()
    );
}

fn reference() -> Json {
    let text = std::fs::read_to_string(oracle("reference.json")).expect("reference.json");
    serde_json::from_str(&text).expect("reference.json parses")
}

#[track_caller]
fn close(what: &str, ours: f64, theirs: &Json) {
    let theirs = theirs
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: reference {theirs} is not a number"));
    WORST.set(WORST.get().max((ours - theirs).abs()));
    assert!(
        (ours - theirs).abs() <= TOLERANCE,
        "{what}: model-check {ours} vs reference {theirs} (diff {:e})",
        (ours - theirs).abs()
    );
}

#[track_caller]
fn close_interval(what: &str, ours: Option<Interval>, theirs: &Json) {
    let ours = ours.unwrap_or_else(|| panic!("{what}: no interval"));
    close(&format!("{what} lower"), ours.lo, &theirs[0]);
    close(&format!("{what} upper"), ours.hi, &theirs[1]);
}

/// The cohorts of the reference file, by the names it uses.
fn cohorts() -> Vec<Cohort<Customer>> {
    vec![
        Cohort::all(),
        Cohort::predicate("test", |c: &Customer| c.rownames.is_multiple_of(5)),
        Cohort::equals(Customer::SENIOR_CITIZEN, 1),
        Cohort::range(Customer::TENURE, ..12.0),
        Cohort::category(Customer::PAYMENT_METHOD, "Electronic check"),
        Cohort::category(Customer::CONTRACT, "Month-to-month"),
    ]
}

fn reference_name(cohort: &str) -> &str {
    match cohort {
        "senior_citizen = 1" => "senior_citizen=1",
        "tenure in (-inf, 12)" => "tenure<12",
        "payment_method = Electronic check" => "payment_method=Electronic check",
        "contract = Month-to-month" => "contract=Month-to-month",
        other => other,
    }
}

fn check_classification(what: &str, m: &ClassificationMetrics, r: &Json, binary: bool) {
    let k = m.classes().len();
    assert_eq!(m.n(), r["n"].as_u64().unwrap(), "{what}: n");
    close(
        &format!("{what} accuracy"),
        m.accuracy().rate().unwrap(),
        &r["accuracy"],
    );
    close_interval(
        &format!("{what} accuracy Wilson"),
        m.accuracy().wilson(),
        &r["accuracy_wilson"],
    );
    let confusion: Vec<Vec<u64>> = serde_json::from_value(r["confusion"].clone()).unwrap();
    assert_eq!(m.confusion_matrix(), confusion, "{what}: confusion matrix");
    for c in 0..k {
        let class = m.classes().name(c).to_string();
        let w = format!("{what} [{class}]");
        assert_eq!(
            m.support(c),
            r["support"][c].as_u64().unwrap(),
            "{w} support"
        );
        close(
            &format!("{w} precision"),
            m.precision(c).rate_or_zero(),
            &r["precision"][c],
        );
        close(
            &format!("{w} recall"),
            m.recall(c).rate_or_zero(),
            &r["recall"][c],
        );
        close(&format!("{w} f1"), m.f1(c).unwrap(), &r["f1"][c]);
        close(
            &format!("{w} fpr"),
            m.false_positive_rate(c).rate().unwrap(),
            &r["fpr"][c],
        );
        close(
            &format!("{w} fnr"),
            m.false_negative_rate(c).rate().unwrap(),
            &r["fnr"][c],
        );
        close_interval(
            &format!("{w} recall Wilson"),
            m.recall(c).wilson(),
            &r["recall_wilson"][c],
        );
        close_interval(
            &format!("{w} fpr Wilson"),
            m.false_positive_rate(c).wilson(),
            &r["fpr_wilson"][c],
        );
        close(
            &format!("{w} roc auc"),
            m.roc_auc(c).unwrap(),
            &r["roc_auc"][c],
        );
    }
    for (average, name) in [
        (Average::Macro, "macro"),
        (Average::Micro, "micro"),
        (Average::Weighted, "weighted"),
    ] {
        close(
            &format!("{what} precision {name}"),
            m.precision_average(average).unwrap(),
            &r[format!("precision_{name}")],
        );
        close(
            &format!("{what} recall {name}"),
            m.recall_average(average).unwrap(),
            &r[format!("recall_{name}")],
        );
        close(
            &format!("{what} f1 {name}"),
            m.f1_average(average).unwrap(),
            &r[format!("f1_{name}")],
        );
    }
    close(
        &format!("{what} log loss"),
        m.log_loss().unwrap(),
        &r["log_loss"],
    );
    let brier_key = if binary { "brier" } else { "brier_multiclass" };
    close(&format!("{what} brier"), m.brier().unwrap(), &r[brier_key]);
    close(
        &format!("{what} ece"),
        m.expected_calibration_error().unwrap(),
        &r["ece"],
    );
}

/// The Telco columns the contract model's cohorts need; `contract` is the label here, so
/// it is not a feature.
#[derive(Features, serde::Deserialize, Debug, Clone)]
struct Subscriber {
    #[features(skip)]
    rownames: u32,
    senior_citizen: u8,
    tenure: u32,
    payment_method: String,
}

fn run_classification(section: &str, label: &str, binary: bool) {
    let reference = reference();
    let r = &reference[section];
    if !binary {
        return run_multiclass(r, label);
    }
    let data = telco(label);
    let table = PredictionTable::classifier_csv(
        ModelInfo::new(format!("sklearn-{section}"), "oracle"),
        oracle(r["predictions"].as_str().unwrap()),
        "rownames",
    )
    .unwrap();
    let expected_classes: Vec<String> = serde_json::from_value(r["classes"].clone()).unwrap();
    let model = table.keyed_by(|c: &Customer| c.rownames.to_string());
    let cohorts: Vec<_> = cohorts()
        .into_iter()
        .filter(|c| r["cohorts"].get(reference_name(c.name())).is_some())
        .collect();
    assert!(cohorts.len() >= 5, "every reference cohort is evaluated");
    let results = evaluate_classifier(&model, &data, &cohorts).unwrap();
    for result in &results {
        assert_eq!(result.metrics.classes().names(), expected_classes);
        let name = reference_name(&result.cohort);
        check_classification(
            &format!("{section} `{name}`"),
            &result.metrics,
            &r["cohorts"][name],
            binary,
        );
    }
    report_worst(section);
}

fn run_multiclass(r: &Json, label: &str) {
    let data: Dataset<Subscriber> =
        Dataset::from_csv(TELCO, CsvOptions::classify(label).id("rownames")).unwrap();
    let model = PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-multiclass", "oracle"),
        oracle(r["predictions"].as_str().unwrap()),
        "rownames",
    )
    .unwrap()
    .keyed_by(|s: &Subscriber| s.rownames.to_string());
    let cohorts = vec![
        Cohort::all(),
        Cohort::predicate("test", |s: &Subscriber| s.rownames.is_multiple_of(5)),
        Cohort::equals(Subscriber::SENIOR_CITIZEN, 1),
        Cohort::range(Subscriber::TENURE, ..12.0),
        Cohort::category(Subscriber::PAYMENT_METHOD, "Electronic check"),
    ];
    let expected_classes: Vec<String> = serde_json::from_value(r["classes"].clone()).unwrap();
    let results = evaluate_classifier(&model, &data, &cohorts).unwrap();
    assert_eq!(results.len(), r["cohorts"].as_object().unwrap().len());
    for result in &results {
        assert_eq!(result.metrics.classes().names(), expected_classes);
        let name = reference_name(&result.cohort);
        check_classification(
            &format!("multiclass `{name}`"),
            &result.metrics,
            &r["cohorts"][name],
            false,
        );
    }
    report_worst("multiclass");
}

#[test]
fn binary_churn_metrics_match_scikit_learn() {
    run_classification("binary", "churn", true);
}

#[test]
fn multiclass_contract_metrics_match_scikit_learn() {
    run_classification("multiclass", "contract", false);
}

/// The Telco columns the charges model's cohorts need; `monthly_charges` is the label.
#[derive(Features, serde::Deserialize, Debug, Clone)]
struct Account {
    #[features(skip)]
    rownames: u32,
    senior_citizen: u8,
    tenure: u32,
    payment_method: String,
    contract: String,
}

#[test]
fn regression_metrics_match_scikit_learn() {
    let reference = reference();
    let r = &reference["regression"];
    let data: Dataset<Account> =
        Dataset::from_csv(TELCO, CsvOptions::regress("monthly_charges").id("rownames")).unwrap();
    let model = PredictionTable::regressor_csv(
        ModelInfo::new("sklearn-linear", "oracle"),
        oracle(r["predictions"].as_str().unwrap()),
        "rownames",
        "prediction",
    )
    .unwrap()
    .keyed_by(|a: &Account| a.rownames.to_string());
    let cohorts = vec![
        Cohort::all(),
        Cohort::predicate("test", |a: &Account| a.rownames.is_multiple_of(5)),
        Cohort::equals(Account::SENIOR_CITIZEN, 1),
        Cohort::range(Account::TENURE, ..12.0),
        Cohort::category(Account::PAYMENT_METHOD, "Electronic check"),
        Cohort::category(Account::CONTRACT, "Month-to-month"),
    ];
    assert_eq!(cohorts.len(), r["cohorts"].as_object().unwrap().len());
    let results = evaluate_regressor(&model, &data, &cohorts).unwrap();
    for result in &results {
        let name = reference_name(&result.cohort);
        let expected = &r["cohorts"][name];
        let m = &result.metrics;
        assert_eq!(m.n(), expected["n"].as_u64().unwrap(), "{name}: n");
        close(&format!("{name} mae"), m.mae().unwrap(), &expected["mae"]);
        close(&format!("{name} mse"), m.mse().unwrap(), &expected["mse"]);
        close(
            &format!("{name} rmse"),
            m.rmse().unwrap(),
            &expected["rmse"],
        );
        close(&format!("{name} r2"), m.r2().unwrap(), &expected["r2"]);
    }
    report_worst("regression");
}

#[test]
fn wilson_intervals_match_statsmodels() {
    let reference = reference();
    let cases = reference["wilson"].as_array().unwrap();
    assert!(cases.len() >= 8);
    for case in cases {
        let (count, nobs) = (
            case["count"].as_u64().unwrap(),
            case["nobs"].as_u64().unwrap(),
        );
        let ci = Proportion::new(count, nobs).wilson().unwrap();
        close(
            &format!("wilson({count}, {nobs}) lower"),
            ci.lo,
            &case["lo"],
        );
        close(
            &format!("wilson({count}, {nobs}) upper"),
            ci.hi,
            &case["hi"],
        );
    }
    report_worst("wilson");
}

#[test]
fn newcombe_gap_intervals_match_statsmodels() {
    let reference = reference();
    let cases = reference["newcombe"].as_array().unwrap();
    assert!(cases.len() >= 7);
    for case in cases {
        let n = |k: &str| case[k].as_u64().unwrap();
        let ci = model_check::expect::newcombe_difference(
            Proportion::new(n("count1"), n("nobs1")),
            Proportion::new(n("count2"), n("nobs2")),
        )
        .unwrap();
        let what = format!("newcombe({case})");
        close(&format!("{what} lower"), ci.lo, &case["lo"]);
        close(&format!("{what} upper"), ci.hi, &case["hi"]);
    }
    report_worst("newcombe");
}

#[test]
fn roc_auc_with_tied_scores_matches_scikit_learn() {
    // Rounding the churn probabilities to one decimal makes thousands of ties.
    let reference = reference();
    let table = PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-binary", "oracle"),
        oracle("telco_binary_predictions.csv"),
        "rownames",
    )
    .unwrap();
    let data = telco("churn");
    let mut counts = RankCounts::default();
    for (row, customer) in data.rows().iter().enumerate() {
        let p = table
            .get(&customer.rownames.to_string())
            .unwrap()
            .of("Yes")
            .unwrap();
        counts.add(
            (p * 10.0).round_ties_even() / 10.0,
            data.labels().class_of(row) == Some("Yes"),
        );
    }
    close(
        "auc of rounded scores",
        counts.auc().unwrap(),
        &reference["binary"]["roc_auc_rounded_probabilities"],
    );
}

#[test]
fn merged_partial_metrics_equal_metrics_over_the_union() {
    let data = telco("churn");
    let table = PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-binary", "oracle"),
        oracle("telco_binary_predictions.csv"),
        "rownames",
    )
    .unwrap();
    let model = table.keyed_by(|c: &Customer| c.rownames.to_string());
    let halves = [
        Cohort::all(),
        Cohort::predicate("even", |c: &Customer| c.rownames.is_multiple_of(2)),
        Cohort::predicate("odd", |c: &Customer| !c.rownames.is_multiple_of(2)),
    ];
    let results = evaluate_classifier(&model, &data, &halves).unwrap();
    let mut merged = results[1].metrics.clone();
    merged.merge(&results[2].metrics).unwrap();
    let whole = &results[0].metrics;
    assert_eq!(merged.confusion_matrix(), whole.confusion_matrix());
    for (a, b) in [
        (merged.log_loss(), whole.log_loss()),
        (merged.brier(), whole.brier()),
        (
            merged.expected_calibration_error(),
            whole.expected_calibration_error(),
        ),
        (merged.roc_auc(1), whole.roc_auc(1)),
    ] {
        assert!((a.unwrap() - b.unwrap()).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn a_deliberately_wrong_metric_fails_the_comparison() {
    // The parity check is not vacuous: an off-by-one-row accuracy is caught.
    let reference = reference();
    let r = &reference["binary"]["cohorts"]["all"];
    let n = r["n"].as_u64().unwrap();
    let correct = (r["accuracy"].as_f64().unwrap() * n as f64).round() as u64;
    let wrong = Proportion::new(correct - 1, n).rate().unwrap();
    let caught = std::panic::catch_unwind(|| close("accuracy", wrong, &r["accuracy"]));
    assert!(caught.is_err());
    close(
        "accuracy",
        Proportion::new(correct, n).rate().unwrap(),
        &r["accuracy"],
    );
}

/// F-beta and expected cost against scikit-learn (`tests/oracles/fbeta_cost.py`): the
/// point estimates the thresholds report, per cohort, and a verdict each way.
#[test]
fn f_beta_and_expected_cost_match_scikit_learn() {
    let text = std::fs::read_to_string(oracle("fbeta_cost.json")).unwrap();
    let reference: serde_json::Value = serde_json::from_str(&text).unwrap();
    let data = telco("churn");
    let costs = [
        ("No", "Yes", 50.0),
        ("Yes", "No", 500.0),
        ("Yes", "Yes", -20.0),
    ];
    let cohorts = [
        ("all", Cohort::all()),
        (
            "senior_citizen = 1",
            Cohort::equals(Customer::SENIOR_CITIZEN, 1),
        ),
        (
            "contract = Two year",
            Cohort::category(Customer::CONTRACT, "Two year"),
        ),
    ];
    for (name, cohort) in cohorts {
        let expected = &reference["cohorts"][name];
        // Thresholds each metric can take (F-beta is at most 1); only the estimates matter.
        for (metric, key, threshold) in [
            (f_beta("Yes", 2.0), "f_beta_2", 1.0),
            (f_beta("Yes", 0.5), "f_beta_0_5", 1.0),
            (expected_cost(costs), "expected_cost", 1e6),
        ] {
            let outcome = check(common::sklearn_churn_model(), data.clone())
                .on(cohort.clone())
                .expect(metric.at_most(threshold).resamples(200))
                .run(3)
                .outcomes
                .remove(0);
            let got = outcome.evidence.estimate.unwrap();
            let want = expected[key].as_f64().unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "{name} {key}: {got} vs scikit-learn {want}"
            );
            assert_eq!(outcome.evidence.n, expected["n"].as_u64().unwrap());
        }
    }

    // A verdict each way on all rows: the cost is about 60 per customer (CI a few units wide).
    let verdict = |max: f64| {
        check(common::sklearn_churn_model(), data.clone())
            .expect(expected_cost(costs).at_most(max))
            .run(3)
            .outcomes
            .remove(0)
    };
    let affordable = verdict(70.0);
    assert_eq!(affordable.verdict, Verdict::Pass, "{affordable}");
    let ci = affordable.evidence.interval.unwrap();
    assert!(ci.lo < 60.18 && 60.18 < ci.hi, "{ci:?}");
    assert_eq!(verdict(50.0).verdict, Verdict::Fail);
    // A class the model does not know is a setting error naming it.
    let unknown = check(common::sklearn_churn_model(), data.clone())
        .expect(expected_cost([("Maybe", "No", 1.0)]).at_most(1.0))
        .run(3)
        .outcomes
        .remove(0);
    assert_eq!(unknown.verdict, Verdict::Error);
    assert!(unknown.note.unwrap().contains("\"Maybe\" is not a class"));
}

#[test]
fn metrics_without_auc_equal_those_with_it_bit_for_bit() {
    let data = telco("churn");
    let model = common::sklearn_churn_model();
    let predictions = model.predict(data.rows()).unwrap();
    let classes = predictions[0].classes().clone();
    let (mut with, mut without) = (
        ClassificationMetrics::new(classes.clone()),
        ClassificationMetrics::without_auc(classes.clone()),
    );
    for (r, p) in predictions.iter().enumerate() {
        let t = classes
            .index_of(data.labels().class_of(r).unwrap())
            .unwrap();
        with.add_output(t, p).unwrap();
        without.add_output(t, p).unwrap();
    }
    assert!(with.tracks_auc() && !without.tracks_auc());
    assert!(with.roc_auc(1).is_some());
    assert_eq!(without.roc_auc(1), None);
    assert_eq!(with.confusion_matrix(), without.confusion_matrix());
    assert_eq!(with.log_loss(), without.log_loss());
    assert_eq!(with.brier(), without.brier());
    assert_eq!(
        with.expected_calibration_error(),
        without.expected_calibration_error()
    );
    assert_eq!(with.f1(1), without.f1(1));
    // Merging with an accumulator that did not track the AUC forgets it.
    with.merge(&without).unwrap();
    assert_eq!(with.roc_auc(1), None);
}
