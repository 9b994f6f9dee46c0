//! The Telco customer churn data, shared by the end-to-end tests.
#![allow(dead_code)]

use model_check::prelude::*;

pub use churn_example::TELCO;

/// The Clopper–Pearson 95% lower bound of a proportion `x / n`, by bisection on the
/// binomial tail.
pub fn clopper_pearson_lower(x: u64, n: u64) -> f64 {
    if x == 0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if model_check::stats::binomial_upper_tail(x, n, mid) < 0.025 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

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

/// The 2,110 test rows of the split Giskard and Deepchecks were run on (70/30, seed 0,
/// stratified; `tests/oracles/telco_peer_split.py`), in the exported order, and that
/// scikit-learn logistic regression served from its exported predictions.
pub fn peer_split() -> (
    Dataset<Customer>,
    impl Model<Input = Customer, Output = Probabilities> + 'static,
) {
    let all = telco("churn");
    let table = PredictionTable::binary_csv(
        ModelInfo::new("peers-lr", "sklearn"),
        oracle("telco_peer_split.csv"),
        "rownames",
        "p_yes",
        ["No", "Yes"],
    )
    .expect("the exported predictions load");
    let ids: Vec<String> = std::fs::read_to_string(oracle("telco_peer_split.csv"))
        .expect("the export is there")
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default().to_string())
        .collect();
    let position: std::collections::HashMap<&str, usize> = (0..all.len())
        .map(|i| (all.id(i).unwrap_or_default(), i))
        .collect();
    let rows: Vec<usize> = ids.iter().map(|id| position[id.as_str()]).collect();
    let test = all
        .subset(&rows)
        .expect("rows of Telco")
        .named("telco test split");
    (test, table.keyed_by(|c: &Customer| c.rownames.to_string()))
}
