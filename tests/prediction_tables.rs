//! Predictions computed elsewhere: one probability column for a binary model, tables held in
//! memory, and the label column left in by mistake — on scikit-learn's Telco predictions.

mod common;

use std::collections::HashMap;
use std::sync::LazyLock;

use common::{Customer, oracle, telco};
use model_check::prelude::*;

static TELCO: LazyLock<Dataset<Customer>> = LazyLock::new(|| telco("churn"));

/// scikit-learn's predictions by row id: (P(No), P(Yes)).
fn sklearn_rows() -> Vec<(String, f64, f64)> {
    let mut reader = csv::Reader::from_path(oracle("telco_binary_predictions.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, no, yes) = (at("rownames"), at("No"), at("Yes"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[id].to_string(),
                r[no].parse().unwrap(),
                r[yes].parse().unwrap(),
            )
        })
        .collect()
}

fn temp(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("model-check-tables-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn accuracy_of(model: impl Model<Input = Customer, Output = Probabilities> + 'static) -> Outcome {
    check(model, &*TELCO)
        .expect(accuracy().at_least(0.7))
        .run(1)
        .outcomes
        .remove(0)
}

#[test]
fn one_probability_column_reads_as_a_binary_classifier() {
    let rows = sklearn_rows();
    let mut csv = String::from("rownames,churn,p_yes\n");
    for (id, _, yes) in &rows {
        csv.push_str(&format!("{id},ignored,{yes}\n"));
    }
    let path = temp("binary.csv", &csv);
    let table = PredictionTable::binary_csv(
        ModelInfo::new("sklearn-lr", "binary"),
        &path,
        "rownames",
        "p_yes",
        ["No", "Yes"],
    )
    .unwrap();
    assert_eq!(table.len(), 7043);
    for (id, no, yes) in &rows {
        let p = table.get(id).unwrap();
        assert_eq!(p.of("Yes"), Some(*yes));
        assert!((p.of("No").unwrap() - no).abs() < 1e-12, "{id}");
    }
    // The same verdict and accuracy as the two-column table.
    let one = accuracy_of(table.keyed_by(|c: &Customer| c.rownames.to_string()));
    let two = accuracy_of(common::sklearn_churn_model());
    assert_eq!(one.evidence.estimate, two.evidence.estimate);
    assert_eq!(one.verdict, Verdict::Pass);

    // A value outside [0, 1] names its file, line and column.
    let bad = temp("bad-binary.csv", "rownames,p_yes\n1,0.4\n2,1.3\n");
    let err = PredictionTable::binary_csv(
        ModelInfo::new("m", "1"),
        &bad,
        "rownames",
        "p_yes",
        ["No", "Yes"],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("bad-binary.csv:3, field `p_yes`"), "{err}");
    assert!(err.contains("1.3 is not a probability of `Yes`"), "{err}");
}

#[test]
fn a_table_held_in_memory_is_a_model() {
    let rows = sklearn_rows();
    let classes = Classes::new(["No", "Yes"]).unwrap();
    let table = PredictionTable::classifier_rows(
        ModelInfo::new("sklearn-lr", "memory"),
        &classes,
        rows.iter()
            .map(|(id, no, yes)| (id.clone(), vec![*no, *yes])),
    )
    .unwrap();
    let memory = accuracy_of(table.keyed_by(|c: &Customer| c.rownames.to_string()));
    assert_eq!(
        memory.evidence.estimate,
        accuracy_of(common::sklearn_churn_model()).evidence.estimate
    );
    let binary = PredictionTable::binary_rows(
        ModelInfo::new("sklearn-lr", "memory-binary"),
        ["No", "Yes"],
        rows.iter().map(|(id, _, yes)| (id.clone(), *yes)),
    )
    .unwrap();
    assert_eq!(binary.len(), 7043);

    // Bad rows are errors naming the row.
    let err = PredictionTable::classifier_rows(
        ModelInfo::new("m", "1"),
        &classes,
        [("a", vec![0.5, 0.6])],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("row \"a\""), "{err}");
    let err = PredictionTable::binary_rows(
        ModelInfo::new("m", "1"),
        ["No", "Yes"],
        [("a", 0.1), ("a", 0.2)],
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::DuplicateId { ref id, .. } if id == "a"),
        "{err}"
    );
    let err = PredictionTable::regressor_rows(ModelInfo::new("m", "1"), [("x", f64::NAN)])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("row \"x\": NaN is not a finite number"),
        "{err}"
    );
    let empty: [(&str, f64); 0] = [];
    assert!(PredictionTable::regressor_rows(ModelInfo::new("m", "1"), empty).is_err());
    let values: HashMap<&str, f64> = [("p", 1.5)].into_iter().collect();
    assert_eq!(
        PredictionTable::regressor_rows(ModelInfo::new("m", "1"), values)
            .unwrap()
            .get("p"),
        Some(&1.5)
    );
}

#[test]
fn a_label_column_left_in_a_prediction_table_is_named() {
    let path = temp(
        "with-label.csv",
        "rownames,churn,No,Yes\n1,Yes,0.2,0.8\n2,No,0.9,0.1\n",
    );
    let err = PredictionTable::classifier_csv(ModelInfo::new("m", "1"), &path, "rownames")
        .unwrap_err()
        .to_string();
    assert!(err.contains("with-label.csv:2, field `churn`"), "{err}");
    assert!(err.contains("if `churn` is the label"), "{err}");
    assert!(err.contains("classifier_csv_columns"), "{err}");
    // Naming the class columns reads the same file.
    let table = PredictionTable::classifier_csv_columns(
        ModelInfo::new("m", "1"),
        &path,
        "rownames",
        &["No", "Yes"],
    )
    .unwrap();
    assert_eq!(table.get("1").unwrap().of("Yes"), Some(0.8));
}

#[test]
fn a_decision_threshold_changes_every_decision_and_no_probability() {
    let rows = sklearn_rows();
    let truth: HashMap<String, bool> = TELCO
        .rows()
        .iter()
        .enumerate()
        .map(|(r, c)| {
            (
                c.rownames.to_string(),
                TELCO.labels().class_of(r) == Some("Yes"),
            )
        })
        .collect();
    // By hand: predict Yes when P(Yes) ≥ 0.3 (scikit-learn's `predict_proba(X)[:, 1] >= 0.3`).
    let (mut right, mut churners, mut caught) = (0u64, 0u64, 0u64);
    for (id, _, yes) in &rows {
        let said_yes = *yes >= 0.3;
        let is_yes = truth[id];
        right += u64::from(said_yes == is_yes);
        churners += u64::from(is_yes);
        caught += u64::from(is_yes && said_yes);
    }
    let cautious = || decide_at(common::sklearn_churn_model(), "Yes", 0.3).unwrap();
    let report = check(cautious(), &*TELCO)
        .expect_all([
            accuracy().at_least(0.5),
            recall("Yes").at_least(0.5),
            roc_auc("Yes").at_least(0.5),
        ])
        .run(1);
    let estimate = |i: usize| report.outcomes[i].evidence.estimate.unwrap();
    assert_eq!(estimate(0), right as f64 / 7043.0);
    assert_eq!(estimate(1), caught as f64 / churners as f64);
    // Probabilities are untouched: the AUC is the plain model's.
    let plain = check(common::sklearn_churn_model(), &*TELCO)
        .expect(roc_auc("Yes").at_least(0.5))
        .run(1);
    assert_eq!(estimate(2), plain.outcomes[0].evidence.estimate.unwrap());
    // A lower threshold catches more churners than the most-probable-class rule.
    let default_recall = check(common::sklearn_churn_model(), &*TELCO)
        .expect(recall("Yes").at_least(0.5))
        .run(1)
        .outcomes[0]
        .evidence
        .estimate
        .unwrap();
    assert!(
        estimate(1) > default_recall + 0.1,
        "{} vs {default_recall}",
        estimate(1)
    );
    assert_eq!(
        report.outcomes[0].model.as_ref().unwrap().to_string(),
        "sklearn-logistic-regression@oracle (`Yes` at p ≥ 0.3)"
    );

    // Cohort metrics follow the threshold too.
    let cohorts = evaluate_classifier(&cautious(), &*TELCO, &[Cohort::all()]).unwrap();
    assert_eq!(
        cohorts[0].metrics.accuracy().rate(),
        Some(right as f64 / 7043.0)
    );

    // A baseline records the threshold and reads back the same decisions.
    let record =
        model_check::baseline::BaselineRecord::record(&cautious(), &*TELCO, &[Cohort::all()])
            .unwrap();
    let text = record.to_json();
    assert!(
        text.contains("\"decision\": {\"class\":\"Yes\",\"at\":0.3}"),
        "{}",
        &text[..400]
    );
    let again = model_check::baseline::BaselineRecord::from_json(&text, "cautious.json").unwrap();
    assert_eq!(again, record);

    // Bad thresholds and classes are errors naming them.
    assert!(decide_at(common::sklearn_churn_model(), "Yes", 1.5).is_err());
    let unknown = check(
        decide_at(common::sklearn_churn_model(), "Maybe", 0.5).unwrap(),
        &*TELCO,
    )
    .expect(accuracy().at_least(0.5))
    .run(1);
    assert_eq!(unknown.outcomes[0].verdict, Verdict::Error);
    assert!(
        unknown.outcomes[0]
            .note
            .as_deref()
            .unwrap()
            .contains("`Maybe`, which is not a class")
    );
}
