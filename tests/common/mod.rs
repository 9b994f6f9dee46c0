//! The Telco customer churn data, shared by the end-to-end tests.
#![allow(dead_code)]

use model_check::prelude::*;

pub use churn_example::TELCO;

/// A file under `tests/oracles/`.
pub fn oracle(file: &str) -> String {
    format!("{}/tests/oracles/{file}", env!("CARGO_MANIFEST_DIR"))
}

/// The churn example's model code (`examples/churn/model.rs`), whose `Customer` every test
/// on Telco shares.
#[path = "../../examples/churn/model.rs"]
pub mod churn_example;

pub use churn_example::Customer;

/// The Telco data with `label` as the class label and `rownames` as row ids.
pub fn telco(label: &str) -> Dataset<Customer> {
    Dataset::from_csv(TELCO, CsvOptions::classify(label).id("rownames")).expect("telco loads")
}

/// scikit-learn's churn classifier (`tests/oracles/generate.py`), served from its committed
/// predictions for every Telco row.
pub fn sklearn_churn_model() -> impl Model<Input = Customer, Output = Probabilities> + 'static {
    PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-logistic-regression", "oracle"),
        oracle("telco_binary_predictions.csv"),
        "rownames",
    )
    .expect("the oracle predictions load")
    .keyed_by(|c: &Customer| c.rownames.to_string())
}

/// A smartcore logistic regression (L2 alpha = 1, standardised features) trained on
/// `train`, answering `No` / `Yes` with the sigmoid of its linear score — the probabilities
/// behind smartcore's own `predict`.
pub fn telco_logistic(
    train: &Dataset<Customer>,
    info: ModelInfo,
) -> impl Model<Input = Customer, Output = Probabilities> + 'static + use<> {
    use smartcore::linalg::basic::arrays::{Array, Array2};
    use smartcore::linalg::basic::matrix::DenseMatrix;
    use smartcore::linear::logistic_regression::{
        LogisticRegression, LogisticRegressionParameters,
    };
    use smartcore::numbers::realnum::RealNumber;

    type Logit = LogisticRegression<f64, i32, DenseMatrix<f64>, Vec<i32>>;
    let encoder = Encoder::fit_standardized(train);
    let matrix = move |encoder: &Encoder<Customer>, rows: &[Customer]| {
        DenseMatrix::new(
            rows.len(),
            encoder.width(),
            encoder.encode_flat(rows),
            false,
        )
        .unwrap()
    };
    let y: Vec<i32> = train
        .labels()
        .indicator("Yes")
        .unwrap()
        .into_iter()
        .map(i32::from)
        .collect();
    let lr: Logit = LogisticRegression::fit(
        &matrix(&encoder, train.rows()),
        &y,
        LogisticRegressionParameters::default().with_alpha(1.0),
    )
    .unwrap();
    Classifier::from_fn(info, ["No", "Yes"], move |batch: &[Customer]| {
        let x = matrix(&encoder, batch);
        let intercept = *lr.intercept().get((0, 0));
        Ok(x.ab(false, lr.coefficients(), true)
            .iterator(0)
            .map(|&z| {
                let p = (z + intercept).sigmoid();
                vec![1.0 - p, p]
            })
            .collect())
    })
    .unwrap()
}
