//! The churn model of the `churn` example, shared with its end-to-end test
//! (`tests/churn.rs`): the Telco data, a seeded split, and a smartcore logistic regression
//! wrapped as a model-check classifier.

use model_check::prelude::*;
use serde::Deserialize;
use smartcore::linalg::basic::arrays::{Array, Array2};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::numbers::realnum::RealNumber;
use smartcore::tree::decision_tree_classifier::{
    DecisionTreeClassifier, DecisionTreeClassifierParameters,
};

/// The copy of the Telco churn data in the repository (`examples/data/PROVENANCE.md`).
pub const TELCO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/telco_churn.csv");

/// Seed of the train/test split: the same seed gives the same split and the same report.
pub const SEED: u64 = 42;

/// L2 penalty `alpha / 2 · |w|²` on the summed log loss: scikit-learn's default `C = 1`.
pub const ALPHA: f64 = 1.0;

/// One Telco customer; `churn` is the label and `rownames` the row id, neither a feature
/// (the id is read, skipped, so that predictions computed elsewhere can be keyed by it).
#[derive(Features, Deserialize, Debug, Clone)]
pub struct Customer {
    // Read by the tests, which key scikit-learn's committed predictions by it.
    #[allow(dead_code)]
    #[features(skip)]
    pub rownames: u32,
    #[features(protected)]
    pub female: u8,
    #[features(protected)]
    pub senior_citizen: u8,
    pub partner: u8,
    pub dependents: u8,
    #[features(range = 0..=72)]
    pub tenure: u32,
    pub phone_service: u8,
    pub multiple_lines: String,
    pub internet_service: String,
    pub online_security: String,
    pub online_backup: String,
    pub device_protection: String,
    pub tech_support: String,
    pub streaming_tv: String,
    pub streaming_movies: String,
    pub contract: String,
    pub paperless_billing: u8,
    pub payment_method: String,
    #[features(range = 0..=200)]
    pub monthly_charges: f64,
    pub total_charges: Option<f64>,
}

type Logit = LogisticRegression<f64, i32, DenseMatrix<f64>, Vec<i32>>;

/// The encoded rows as a smartcore matrix, one row per customer.
fn matrix(encoder: &Encoder<Customer>, rows: &[Customer]) -> Result<DenseMatrix<f64>, ModelError> {
    DenseMatrix::new(
        rows.len(),
        encoder.width(),
        encoder.encode_flat(rows),
        false,
    )
    .map_err(ModelError::failed)
}

/// `P(churn = Yes)` for each row of `x`: the sigmoid of the learned linear score, computed
/// with the same smartcore operations as `LogisticRegression::predict` (smartcore 0.7 has no
/// `predict_proba` for logistic regression).
fn churn_probability(lr: &Logit, x: &DenseMatrix<f64>) -> Vec<f64> {
    let intercept = *lr.intercept().get((0, 0));
    let scores = x.ab(false, lr.coefficients(), true);
    scores
        .iterator(0)
        .map(|&z| (z + intercept).sigmoid())
        .collect()
}

/// The trained churn model and the data it was trained and is tested on.
pub struct Trained<M> {
    /// The whole data set.
    pub data: Dataset<Customer>,
    /// 75% of the rows, seeded by [`SEED`].
    pub train: Dataset<Customer>,
    /// The held-out 25%.
    pub test: Dataset<Customer>,
    /// The model, answering `No` / `Yes`.
    pub model: M,
    /// The number of encoded columns the regression sees.
    pub columns: usize,
}

/// Loads the Telco data, splits it, and trains the logistic regression (penalty [`ALPHA`])
/// on the training split; checks that the wrapped probabilities reproduce smartcore's own
/// predictions.
pub fn train() -> Result<
    Trained<impl Model<Input = Customer, Output = Probabilities> + Clone + 'static>,
    Box<dyn std::error::Error>,
> {
    train_with(ALPHA, "v1")
}

/// Like [`train`], with the L2 penalty `alpha`, naming the model's version `version`.
pub fn train_with(
    alpha: f64,
    version: &str,
) -> Result<
    Trained<impl Model<Input = Customer, Output = Probabilities> + Clone + 'static>,
    Box<dyn std::error::Error>,
> {
    let data: Dataset<Customer> =
        Dataset::from_csv(TELCO, CsvOptions::classify("churn").id("rownames"))?;
    let (train, test) = data.split(0.75, SEED)?;

    // Standardised numeric features, one-hot categories, churn Yes = 1, No = 0.
    let encoder = Encoder::fit_standardized(&train);
    let x_train = matrix(&encoder, train.rows())?;
    let churned = train.labels().indicator("Yes").ok_or("no class Yes")?;
    let y_train: Vec<i32> = churned.into_iter().map(i32::from).collect();
    let lr: Logit = LogisticRegression::fit(
        &x_train,
        &y_train,
        LogisticRegressionParameters::default().with_alpha(alpha),
    )?;
    let smartcore_predicts: Vec<i32> = lr.predict(&matrix(&encoder, test.rows())?)?;

    let columns = encoder.width();
    let shared = std::sync::Arc::new((encoder, lr));
    let model = Classifier::from_fn(
        ModelInfo::new("churn-logistic-regression", version),
        ["No", "Yes"],
        move |batch: &[Customer]| {
            let (encoder, lr) = &*shared;
            let x = matrix(encoder, batch)?;
            Ok(churn_probability(lr, &x)
                .into_iter()
                .map(|p| vec![1.0 - p, p])
                .collect())
        },
    )?;

    // The wrapped probabilities are the model's: at 0.5 they give smartcore's predictions.
    let wrapped: Vec<i32> = model
        .predict(test.rows())?
        .iter()
        .map(|p| i32::from(p.label() == "Yes"))
        .collect();
    if wrapped != smartcore_predicts {
        return Err("the wrapped model disagrees with smartcore's predict".into());
    }
    Ok(Trained {
        data,
        train,
        test,
        model,
        columns,
    })
}

/// Trees in the forest: odd, so votes never tie.
pub const TREES: usize = 25;

type Tree = DecisionTreeClassifier<f64, i32, DenseMatrix<f64>, Vec<i32>>;

/// A second model version of another kind: a random forest of [`TREES`] depth-8 trees, each
/// fitted on a seeded bootstrap sample of the training split; P(churn) is the share of trees
/// voting Yes. (smartcore 0.7's forest has no `predict_proba`, so the bagging is done here
/// over its decision trees.)
pub fn train_forest(
    trained_on: &Dataset<Customer>,
    version: &str,
) -> Result<
    impl Model<Input = Customer, Output = Probabilities> + Clone + 'static,
    Box<dyn std::error::Error>,
> {
    use rand::{RngExt, SeedableRng};

    let encoder = Encoder::fit(trained_on);
    let x = encoder.encode_flat(trained_on.rows());
    let width = encoder.width();
    let churned = trained_on.labels().indicator("Yes").ok_or("no class Yes")?;
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(SEED);
    let mut trees: Vec<Tree> = Vec::with_capacity(TREES);
    for _ in 0..TREES {
        let sample: Vec<usize> = (0..trained_on.len())
            .map(|_| rng.random_range(0..trained_on.len()))
            .collect();
        let xs: Vec<f64> = sample
            .iter()
            .flat_map(|&r| x[r * width..(r + 1) * width].iter().copied())
            .collect();
        let ys: Vec<i32> = sample.iter().map(|&r| i32::from(churned[r])).collect();
        let xs = DenseMatrix::new(sample.len(), width, xs, false)?;
        // smartcore shuffles candidate features with an unseeded generator unless given a
        // seed, which makes trees (and every finding about them) differ from run to run.
        let mut parameters = DecisionTreeClassifierParameters::default()
            .with_max_depth(8)
            .with_min_samples_leaf(5);
        parameters.seed = Some(SEED + trees.len() as u64);
        trees.push(Tree::fit(&xs, &ys, parameters)?);
    }
    let shared = std::sync::Arc::new((encoder, trees));
    Ok(Classifier::from_fn(
        ModelInfo::new("churn-random-forest", version),
        ["No", "Yes"],
        move |batch: &[Customer]| {
            let (encoder, trees) = &*shared;
            let x = matrix(encoder, batch)?;
            let mut yes = vec![0usize; batch.len()];
            for tree in trees {
                for (votes, label) in yes
                    .iter_mut()
                    .zip(tree.predict(&x).map_err(ModelError::failed)?)
                {
                    *votes += usize::from(label == 1);
                }
            }
            Ok(yes
                .into_iter()
                .map(|v| {
                    let p = v as f64 / trees.len() as f64;
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )?)
}
