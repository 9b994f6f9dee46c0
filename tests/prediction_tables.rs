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
