#![cfg(feature = "onnx")]
//! The `onnx` adapter on the Telco churn data, against onnxruntime: scikit-learn models
//! exported by `fixtures/onnx/export.py` (a logistic regression, random forests of 10, 30
//! and 100 trees, a linear regression), whose onnxruntime outputs on the 1,760 test rows are
//! stored next to them. tract's probabilities are onnxruntime's to 1e-6 and its labels are
//! onnxruntime's; model-check's own `Encoder` writes the script's matrix to the bit; a check
//! on the ONNX model reaches the same outcomes as on the stored predictions served by a
//! `PredictionTable`; bad files, widths, operators and outputs are typed errors.

use std::collections::HashMap;
use std::error::Error as _;
use std::path::PathBuf;

use model_check::adapters::Flat;
use model_check::adapters::onnx::{OnnxClassifier, OnnxError, OnnxGraph, OnnxRegressor};
use model_check::model::{EncodeRow, ModelError};
use model_check::prelude::*;
use serde::Deserialize;

const TELCO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/data/telco_churn.csv"
);
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/onnx");
/// The classifiers the tests run: tract's forests cost about the square of their size (the
/// 100-tree forest is the bench's, `model-check/benches/onnx.rs`).
const CLASSIFIERS: [&str; 3] = ["lr", "forest10", "forest30"];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(FIXTURES).join(name)
}

/// A Telco customer, every column but the label; `rownames` is the row id, not a feature.
#[derive(Features, Deserialize, Debug, Clone)]
struct Customer {
    #[features(skip)]
    rownames: u32,
    female: u8,
    senior_citizen: u8,
    partner: u8,
    dependents: u8,
    tenure: u32,
    phone_service: u8,
    multiple_lines: String,
    internet_service: String,
    online_security: String,
    online_backup: String,
    device_protection: String,
    tech_support: String,
    streaming_tv: String,
    streaming_movies: String,
    contract: String,
    paperless_billing: u8,
    payment_method: String,
    monthly_charges: f64,
    total_charges: Option<f64>,
}

/// The regressor's customer: without `monthly_charges` (its target) and `total_charges`.
#[derive(Features, Deserialize, Debug, Clone)]
struct Account {
    female: u8,
    senior_citizen: u8,
    partner: u8,
    dependents: u8,
    tenure: u32,
    phone_service: u8,
    multiple_lines: String,
    internet_service: String,
    online_security: String,
    online_backup: String,
    device_protection: String,
    tech_support: String,
    streaming_tv: String,
    streaming_movies: String,
    contract: String,
    paperless_billing: u8,
    payment_method: String,
}

/// The script's split: test rows are those whose `rownames` is a multiple of 4.
fn split<R: Features + Clone + for<'de> Deserialize<'de>>(
    options: CsvOptions,
) -> (Dataset<R>, Dataset<R>) {
    let data: Dataset<R> = Dataset::from_csv(TELCO, options.id("rownames")).unwrap();
    let ids = data.ids().unwrap().to_vec();
    let (test, train): (Vec<usize>, Vec<usize>) =
        (0..data.len()).partition(|&r| ids[r].parse::<u32>().unwrap() % 4 == 0);
    (data.subset(&train).unwrap(), data.subset(&test).unwrap())
}

fn churn() -> (Dataset<Customer>, Dataset<Customer>) {
    split(CsvOptions::classify("churn"))
}

/// A CSV fixture: its header and its records.
fn read_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(fixture(name)).unwrap();
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    let records = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, records)
}

/// The script's test matrix: row ids, column names, float32 rows.
fn test_matrix() -> (Vec<String>, Vec<String>, Vec<Vec<f32>>) {
    let (headers, records) = read_csv("test_matrix.csv");
    let ids = records.iter().map(|r| r[0].clone()).collect();
    let rows = records
        .iter()
        .map(|r| r[1..].iter().map(|v| v.parse::<f32>().unwrap()).collect())
        .collect();
    (ids, headers[1..].to_vec(), rows)
}

/// The matrix's rows as the adapter's `Flat` input.
fn flat(rows: &[Vec<f32>]) -> Vec<Vec<f64>> {
    rows.iter()
        .map(|r| r.iter().map(|&v| f64::from(v)).collect())
        .collect()
}

/// onnxruntime's outputs for a classifier: per row, its label and (P(No), P(Yes)) as
/// float32, and scikit-learn's P(Yes).
struct Stored {
    ids: Vec<String>,
    labels: Vec<String>,
    p: Vec<[f64; 2]>,
    sklearn_yes: Vec<f64>,
}

fn stored(model: &str) -> Stored {
    let (headers, records) = read_csv(&format!("{model}_predictions.csv"));
    assert_eq!(headers, ["rownames", "label", "No", "Yes", "sklearn_Yes"]);
    let f32_at = |r: &Vec<String>, i: usize| f64::from(r[i].parse::<f32>().unwrap());
    Stored {
        ids: records.iter().map(|r| r[0].clone()).collect(),
        labels: records.iter().map(|r| r[1].clone()).collect(),
        p: records
            .iter()
            .map(|r| [f32_at(r, 2), f32_at(r, 3)])
            .collect(),
        sklearn_yes: records.iter().map(|r| r[4].parse().unwrap()).collect(),
    }
}

fn classifier<I, E: EncodeRow<I>>(model: &str, encoder: E) -> OnnxClassifier<I, E> {
    let graph = OnnxGraph::from_path(fixture(&format!("{model}.onnx"))).unwrap();
    OnnxClassifier::new(ModelInfo::new(model, "onnx"), graph, ["No", "Yes"], encoder).unwrap()
}

/// The `OnnxError` inside a model error.
fn onnx_error(e: &ModelError) -> &OnnxError {
    e.source()
        .and_then(|s| s.downcast_ref::<OnnxError>())
        .unwrap_or_else(|| panic!("not an ONNX error: {e}"))
}

#[test]
fn the_encoder_writes_the_scripts_matrix() {
    let (train, test) = churn();
    let (ids, columns, rows) = test_matrix();
    assert_eq!((train.len(), test.len()), (5283, 1760));
    assert_eq!(test.ids().unwrap(), ids.as_slice());

    let encoder = Encoder::fit_standardized(&train);
    assert_eq!(encoder.columns(), columns.as_slice());
    let ours = encoder.encode_all(test.rows());
    for (r, (mine, theirs)) in ours.iter().zip(&rows).enumerate() {
        let mine: Vec<f32> = mine.iter().map(|&v| v as f32).collect();
        assert_eq!(&mine, theirs, "row {r} (id {})", ids[r]);
    }
    // The missing total charges (11 customers) are among the rows compared.
    let gaps = test
        .rows()
        .iter()
        .filter(|c| c.total_charges.is_none())
        .count();
    assert!(gaps > 0, "no test row has a gap");

    // The regressor's encoding is the same matrix without its two columns.
    let (train, test) = split::<Account>(CsvOptions::regress("monthly_charges"));
    let encoder = Encoder::fit_standardized(&train);
    let keep: Vec<usize> = (0..columns.len())
        .filter(|&j| !["monthly_charges", "total_charges"].contains(&columns[j].as_str()))
        .collect();
    let kept: Vec<&String> = keep.iter().map(|&j| &columns[j]).collect();
    assert_eq!(encoder.columns().iter().collect::<Vec<_>>(), kept);
    for (r, mine) in encoder.encode_all(test.rows()).iter().enumerate() {
        let theirs: Vec<f32> = keep.iter().map(|&j| rows[r][j]).collect();
        let mine: Vec<f32> = mine.iter().map(|&v| v as f32).collect();
        assert_eq!(mine, theirs, "row {r}");
    }
}

#[test]
fn tract_is_onnxruntime_on_every_test_row() {
    let (ids, _, rows) = test_matrix();
    let x = flat(&rows);
    let (train, test) = churn();
    let encoder = Encoder::fit_standardized(&train);
    for name in CLASSIFIERS {
        let want = stored(name);
        assert_eq!(want.ids, ids);
        let t = std::time::Instant::now();
        let model = classifier(name, Flat);
        assert_eq!(model.input_width(), 40);
        let built = t.elapsed();
        let (p, labels) = model.predict_labels(&x).unwrap();
        println!(
            "{name}: built in {built:?}, {} rows in {:?}",
            x.len(),
            t.elapsed() - built
        );
        assert_eq!(p.len(), x.len());

        let mut worst = 0.0_f64;
        let mut sklearn = 0.0_f64;
        for (r, (got, want_p)) in p.iter().zip(&want.p).enumerate() {
            for (g, w) in got.as_slice().iter().zip(want_p) {
                worst = worst.max((g - w).abs());
            }
            sklearn = sklearn.max((got.as_slice()[1] - want.sklearn_yes[r]).abs());
        }
        assert!(
            worst <= 1e-6,
            "{name}: tract and onnxruntime differ by {worst:e}"
        );
        assert!(
            sklearn <= 1e-6,
            "{name}: tract and scikit-learn differ by {sklearn:e}"
        );
        let disagree: Vec<usize> = (0..labels.len())
            .filter(|&r| labels[r] != want.labels[r])
            .collect();
        let yes = |l: &[String]| l.iter().filter(|l| *l == "Yes").count();
        let argmax_yes = p.iter().filter(|p| p.label() == "Yes").count();
        assert!(
            disagree.is_empty(),
            "{name}: labels differ at {} rows; tract Yes {}, onnxruntime Yes {}, argmax Yes {argmax_yes}; first: {:?}",
            disagree.len(),
            yes(&labels),
            yes(&want.labels),
            disagree
                .iter()
                .take(3)
                .map(|&r| (&labels[r], &want.labels[r], p[r].as_slice()))
                .collect::<Vec<_>>()
        );
        // The most probable class is the graph's label on these rows (no ties).
        let argmax = (0..p.len()).filter(|&r| p[r].label() != labels[r]).count();
        assert_eq!(argmax, 0, "{name}");
        println!(
            "{name}: max |tract - onnxruntime| = {worst:.3e}, max |tract - scikit-learn| = {sklearn:.3e}, labels equal on {} rows",
            labels.len()
        );

        // Through the Encoder, from the Telco rows: the same probabilities.
        let encoded = classifier(name, encoder.clone());
        let through = encoded.predict(test.rows()).unwrap();
        assert_eq!(through, p, "{name}: Encoder rows and the stored matrix");

        // Any batching gives the same outputs, bit for bit.
        let sizes: &[usize] = if name == "forest30" {
            &[256]
        } else {
            &[1, 7, 256]
        };
        for &size in sizes {
            let batched: Vec<Probabilities> = x
                .chunks(size)
                .flat_map(|chunk| model.predict(chunk).unwrap())
                .collect();
            assert_eq!(batched, p, "{name}: batches of {size}");
        }
        assert!(model.predict(&[]).unwrap().is_empty());
    }
}

#[test]
fn the_regressor_is_onnxruntime() {
    let (headers, records) = read_csv("linreg_predictions.csv");
    assert_eq!(headers, ["rownames", "prediction", "sklearn"]);
    let want: Vec<f64> = records
        .iter()
        .map(|r| f64::from(r[1].parse::<f32>().unwrap()))
        .collect();
    let sklearn: Vec<f64> = records.iter().map(|r| r[2].parse().unwrap()).collect();

    let (train, test) = split::<Account>(CsvOptions::regress("monthly_charges"));
    let graph = OnnxGraph::from_path(fixture("linreg.onnx")).unwrap();
    assert_eq!(graph.operators(), ["LinearRegressor"]);
    let model = OnnxRegressor::new(
        ModelInfo::new("linreg", "onnx"),
        graph,
        Encoder::fit_standardized(&train),
    )
    .unwrap();
    assert_eq!(model.input_width(), 38);
    let got = model.predict(test.rows()).unwrap();
    // Both are float32 sums of 38 products of values up to ~60: a few float32 ulps apart.
    let worst = got
        .iter()
        .zip(&want)
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    let ulp = f64::from(f32::EPSILON) * 128.0;
    assert!(
        worst <= 4.0 * ulp,
        "tract and onnxruntime differ by {worst:e}"
    );
    let vs_sklearn = got
        .iter()
        .zip(&sklearn)
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(vs_sklearn < 1e-3, "{vs_sklearn:e}");
    println!("linreg: max |tract - onnxruntime| = {worst:.3e}, vs scikit-learn {vs_sklearn:.3e}");

    // model-check's MAE is the one computed from tract's predictions.
    let targets = test.labels().targets().unwrap();
    let mean_error: f64 = got
        .iter()
        .zip(targets)
        .map(|(p, y)| (p - y).abs())
        .sum::<f64>()
        / targets.len() as f64;
    let outcome = check(model, test.clone())
        .expect(mae().at_most(10.0))
        .run(1)
        .outcomes
        .remove(0);
    let estimate = outcome.evidence.estimate.unwrap();
    assert!(
        (estimate - mean_error).abs() < 1e-9,
        "{estimate} vs {mean_error}"
    );
}

/// Every outcome of the same checks, for a model over Telco customers.
fn outcomes<M>(model: M, data: &Dataset<Customer>) -> Vec<Outcome>
where
    M: Model<Input = Customer, Output = Probabilities> + 'static,
{
    let builder = check(model, data.clone());
    let expectations = || -> Vec<Box<dyn Expectation<M>>> {
        vec![
            Box::new(accuracy().at_least(0.78)),
            Box::new(recall("Yes").at_least(0.5)),
            Box::new(precision("Yes").at_least(0.6)),
            Box::new(f1("Yes").at_least(0.55)),
            Box::new(false_positive_rate("Yes").at_most(0.1)),
        ]
    };
    let cohorts = [
        Cohort::all(),
        Cohort::category(Customer::CONTRACT, "Month-to-month"),
        Cohort::category(Customer::INTERNET_SERVICE, "Fiber optic"),
        Cohort::category(Customer::PAYMENT_METHOD, "Electronic check"),
        Cohort::range(Customer::TENURE, ..12.0),
        Cohort::range(Customer::SENIOR_CITIZEN, 1.0..),
    ];
    let mut out = Vec::new();
    for cohort in cohorts {
        let report = builder.clone().on(cohort).expect_all(expectations()).run(7);
        out.extend(report.outcomes);
    }
    out
}

#[test]
fn a_check_on_the_onnx_model_is_a_check_on_its_stored_predictions() {
    let (train, test) = churn();
    for name in ["lr", "forest10"] {
        let onnx = classifier(name, Encoder::fit_standardized(&train));
        // A distinct identity: predictions are cached per model identity.
        let table = PredictionTable::classifier_csv_columns(
            ModelInfo::new(name, "stored"),
            fixture(&format!("{name}_predictions.csv")),
            "rownames",
            &["No", "Yes"],
        )
        .unwrap()
        .keyed_by(|c: &Customer| c.rownames.to_string());

        let ours = outcomes(onnx, &test);
        let theirs = outcomes(table, &test);
        assert_eq!(ours.len(), 30);
        let mut verdicts: HashMap<String, usize> = HashMap::new();
        for (a, b) in ours.iter().zip(&theirs) {
            let at = format!("{name}: {} on {}", a.expectation, a.cohort);
            assert_eq!(
                (&a.expectation, &a.cohort, &a.subject),
                (&b.expectation, &b.cohort, &b.subject)
            );
            assert_eq!(a.verdict, b.verdict, "{at}");
            let (x, y) = (&a.evidence, &b.evidence);
            assert_eq!(
                (x.estimate, x.n, x.threshold, x.p_value),
                (y.estimate, y.n, y.threshold, y.p_value),
                "{at}"
            );
            assert_eq!(
                x.interval.map(|i| (i.lo, i.hi)),
                y.interval.map(|i| (i.lo, i.hi)),
                "{at}"
            );
            let rows = |o: &Outcome| o.examples.iter().map(|e| e.row).collect::<Vec<_>>();
            assert_eq!(rows(a), rows(b), "{at}");
            assert_eq!(a.note, b.note, "{at}");
            *verdicts.entry(format!("{:?}", a.verdict)).or_default() += 1;
        }
        // Not every verdict alike: the checks tell the models' cohorts apart.
        assert!(verdicts.len() >= 2, "{name}: {verdicts:?}");
        println!("{name}: {verdicts:?}");
    }
}

#[test]
fn unreadable_and_corrupt_files_are_typed_errors() {
    let missing = fixture("no-such-model.onnx");
    let err = OnnxGraph::from_path(&missing).unwrap_err();
    assert!(
        matches!(&err, OnnxError::Unreadable { path, .. } if *path == missing),
        "{err}"
    );
    assert!(err.to_string().contains("no-such-model.onnx"), "{err}");

    // The logistic regression's file cut in half, and a CSV file.
    let bytes = std::fs::read(fixture("lr.onnx")).unwrap();
    let dir = std::env::temp_dir().join(format!("model-check-onnx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cut = dir.join("cut.onnx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    for path in [cut, fixture("test_matrix.csv")] {
        let err = OnnxGraph::from_path(&path).unwrap_err();
        assert!(matches!(err, OnnxError::NotOnnx { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with(&format!("{} is not an ONNX model", path.display())),
            "{err}"
        );
    }
    assert!(matches!(
        OnnxGraph::from_bytes(b"").unwrap_err(),
        OnnxError::NotOnnx { .. }
    ));
    // The whole bytes are a model.
    assert_eq!(
        OnnxGraph::from_bytes(&bytes).unwrap().input_width(),
        Some(40)
    );
}

#[test]
fn an_unsupported_operator_is_named() {
    let graph = OnnxGraph::from_path(fixture("scaler_lr.onnx")).unwrap();
    assert_eq!(graph.operators(), ["Scaler", "LinearClassifier"]);
    let err = OnnxClassifier::<Vec<f64>, _>::new(
        ModelInfo::new("scaler-lr", "onnx"),
        graph,
        ["No", "Yes"],
        Flat,
    )
    .unwrap_err();
    match onnx_error(&err) {
        OnnxError::UnsupportedOperator {
            operator, domain, ..
        } => assert_eq!(
            (operator.as_str(), domain.as_str()),
            ("Scaler", "ai.onnx.ml")
        ),
        other => panic!("{other}"),
    }
    let message = err.to_string();
    assert!(message.contains("model `scaler-lr@onnx`"), "{message}");
    assert!(
        message.contains("operator `Scaler` (ai.onnx.ml)"),
        "{message}"
    );
    assert!(message.contains("scaler_lr.onnx"), "{message}");
}

#[test]
fn a_wrong_width_a_missing_output_and_wrong_classes_are_typed_errors() {
    let (_, _, rows) = test_matrix();
    let x = flat(&rows[..3]);
    let model = classifier("lr", Flat);
    let short: Vec<Vec<f64>> = x.iter().map(|r| r[..39].to_vec()).collect();
    let err = model.predict(&short).unwrap_err();
    assert!(
        matches!(
            onnx_error(&err),
            OnnxError::InputWidth {
                expected: 40,
                given: 39
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("39 columns"), "{err}");
    // Rows of different widths within a batch: the encoder's own error, naming the row.
    let mixed = vec![x[0].clone(), short[1].clone()];
    let err = model.predict(&mixed).unwrap_err();
    assert!(err.to_string().contains("input 1"), "{err}");

    let lr = || OnnxGraph::from_path(fixture("lr.onnx")).unwrap();
    let info = ModelInfo::new("lr", "onnx");
    let err = OnnxClassifier::<Vec<f64>, _>::new(
        info.clone(),
        lr().probabilities_output("output_probability"),
        ["No", "Yes"],
        Flat,
    )
    .unwrap_err();
    match onnx_error(&err) {
        OnnxError::OutputMissing { name, available } => {
            assert_eq!(name, "output_probability");
            assert_eq!(available, &["label", "probabilities"]);
        }
        other => panic!("{other}"),
    }
    // Integer labels: as many classes as labels.
    assert_eq!(lr().class_labels().unwrap(), ["0", "1"]);
    let err = OnnxClassifier::<Vec<f64>, _>::new(info.clone(), lr(), ["No", "Yes", "Maybe"], Flat)
        .unwrap_err();
    assert!(
        matches!(onnx_error(&err), OnnxError::Classes { model, .. } if model == &["0", "1"]),
        "{err}"
    );
    // String labels: tract cannot run them; the error says what to do instead.
    let strings = OnnxGraph::from_path(fixture("lr_strings.onnx")).unwrap();
    assert_eq!(strings.class_labels().unwrap(), ["No", "Yes"]);
    let err =
        OnnxClassifier::<Vec<f64>, _>::new(info.clone(), strings, ["No", "Yes"], Flat).unwrap_err();
    match onnx_error(&err) {
        OnnxError::StringClassLabels {
            operator, labels, ..
        } => assert_eq!(
            (operator.as_str(), labels.as_slice()),
            (
                "LinearClassifier",
                &["No".to_string(), "Yes".to_string()][..]
            )
        ),
        other => panic!("{other}"),
    }
    assert!(
        err.to_string().contains("fit the model on class indices"),
        "{err}"
    );
    // The graph has no label output: `predict_labels` says so.
    let passthrough = OnnxGraph::from_path(fixture("passthrough.onnx")).unwrap();
    let model = OnnxClassifier::new(info, passthrough, ["No", "Yes"], Flat).unwrap();
    let err = model.predict_labels(&[[0.5, 0.5]]).unwrap_err();
    assert!(
        matches!(onnx_error(&err), OnnxError::OutputMissing { name, .. } if name == "label"),
        "{err}"
    );
}

#[test]
fn outputs_that_are_not_probabilities_or_are_nan_are_typed_errors() {
    let graph = OnnxGraph::from_path(fixture("passthrough.onnx")).unwrap();
    let model = OnnxClassifier::new(
        ModelInfo::new("passthrough", "onnx"),
        graph,
        ["No", "Yes"],
        Flat,
    )
    .unwrap();
    // Within the tolerance: probabilities; beyond it, or outside [0, 1]: not.
    assert!(model.predict(&[[0.5, 0.50001]]).is_ok());
    for (row, reason) in [
        ([0.5, 0.6], "sum to 1.1"),
        ([1.5, -0.5], "1.5 is outside [0, 1]"),
    ] {
        let err = model.predict(&[[0.25, 0.75], row]).unwrap_err();
        match onnx_error(&err) {
            OnnxError::NotProbabilities { row: 1, values, .. } => {
                assert_eq!(values.len(), 2);
            }
            other => panic!("{other}"),
        }
        assert!(err.to_string().contains(reason), "{err}");
        assert!(err.to_string().contains("input 1 of the batch"), "{err}");
    }
    let err = model.predict(&[[0.25, 0.75], [0.5, f64::NAN]]).unwrap_err();
    assert!(
        matches!(
            onnx_error(&err),
            OnnxError::NaN { tensor, row: 1, column: 1 } if tensor == "input"
        ),
        "{err}"
    );

    // A regressor's NaN: ∞ + (−∞) in the graph's own sum.
    let sum = OnnxGraph::from_path(fixture("sum.onnx")).unwrap();
    let model = OnnxRegressor::new(ModelInfo::new("sum", "onnx"), sum, Flat).unwrap();
    assert_eq!(model.predict(&[[1.0, 2.0]]).unwrap(), [3.0]);
    let err = model
        .predict(&[[1.0, 2.0], [f64::INFINITY, f64::NEG_INFINITY]])
        .unwrap_err();
    assert!(
        matches!(
            onnx_error(&err),
            OnnxError::NaN { tensor, row: 1, column: 0 } if tensor == "variable"
        ),
        "{err}"
    );
    // An infinite prediction is the regressor's own check.
    let err = model.predict(&[[f64::INFINITY, 1.0]]).unwrap_err();
    assert!(err.to_string().contains("inf"), "{err}");
}
