//! UCI Adult and an income model trained on it: shared by `examples/fairness` and
//! `tests/fairness.rs`, so the test asserts facts about the very model the example reports on.
//!
//! The data is the UCI Adult test file (`examples/data/adult.test`, see `PROVENANCE.md`
//! there): 16,281 people from the 1994 US census, each with whether they earn more than
//! $50,000 a year. A seeded 30/70 split trains a smartcore logistic regression on 30% and
//! keeps 70% for the fairness checks.
#![allow(dead_code)] // each of the example and the test uses part of this module

use std::sync::Arc;

use model_check::expect::ClassMetric;
use model_check::prelude::*;
use serde::Deserialize;
use smartcore::linalg::basic::arrays::{Array, Array2};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::numbers::realnum::RealNumber;

/// The copy of the UCI Adult test file in the repository.
pub const ADULT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/adult.test");

/// The copy of the UCI Adult training file, read only by the data unit tests (the model
/// trains on a split of the test file, as before).
pub const ADULT_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/adult.data");

/// The file has no header line; these are the column names of `adult.names`, in order.
pub const COLUMNS: [&str; 15] = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
    "income",
];

/// The classes: `>50K` is the positive one (a "selection").
pub const LOW: &str = "<=50K";
pub const HIGH: &str = ">50K";

/// Seed of the train/test split: the same seed gives the same split, model and report.
pub const SPLIT_SEED: u64 = 42;

/// The share of rows the model is trained on; the rest — 70%, so that the small groups of
/// `race` have as many rows as this file allows — is held out for the checks.
pub const TRAIN_FRACTION: f64 = 0.3;

/// L2 penalty `alpha / 2 · |w|²` on the summed log loss (scikit-learn's `C = 0.1`). At
/// `alpha = 1` on 60% of the rows, smartcore's L-BFGS (whose tolerances and iteration cap
/// cannot be set) took some 40 s; at 10 on 30% it takes about 5, and held-out accuracy stays
/// within half a point (85.0% against 85.2%).
pub const ALPHA: f64 = 10.0;

/// One person. `income` is the label, and `fnlwgt` (a census sampling weight, not a trait of
/// the person) is not read: serde ignores columns the struct does not name.
#[derive(Features, Deserialize, Debug, Clone)]
pub struct Person {
    #[features(range = 17..=90)]
    pub age: u32,
    pub workclass: Option<String>,
    pub education: String,
    #[features(range = 1..=16)]
    pub education_num: u32,
    pub marital_status: String,
    pub occupation: Option<String>,
    pub relationship: String,
    #[features(protected)]
    pub race: String,
    #[features(protected)]
    pub sex: String,
    pub capital_gain: f64,
    pub capital_loss: f64,
    pub hours_per_week: f64,
    pub native_country: Option<String>,
}

/// How the file is read: no header, a comment line, padded cells, `?` for missing, and
/// labels written `>50K.` (with a dot) in this file.
pub fn csv_options() -> CsvOptions {
    CsvOptions::classify("income")
        .headers(COLUMNS)
        .comment(b'|')
        .trim()
        .missing("?")
        .classes([LOW, HIGH])
        .map_label(|l| l.trim_end_matches('.').to_string())
}

/// All 16,281 people.
pub fn load() -> Result<Dataset<Person>, DataError> {
    Dataset::from_csv(ADULT, csv_options())
}

/// The 32,561 people of the training file (same options: it has no comment line and no dot
/// after its labels, which the options take in their stride).
pub fn load_data_file() -> Result<Dataset<Person>, DataError> {
    Ok(Dataset::from_csv(ADULT_DATA, csv_options())?.named("adult.data"))
}

/// The data unit tests of the fairness example on the two files, no model involved: `?`
/// values, repeated people, people of the test file also in the training file, identical
/// people with different labels, and the test file against the training file's profile and
/// distributions.
pub fn data_tests(
    test_file: Dataset<Person>,
    data_file: Dataset<Person>,
) -> model_check::expect::CheckReport {
    let profile = model_check::profile::Profile::infer(&data_file);
    type Data = model_check::expect::NoModel<Person>;
    let expectations: Vec<Box<dyn Expectation<Data>>> = vec![
        Box::new(missing_rate(Person::WORKCLASS).at_most(0.1)),
        Box::new(missing_rate(Person::OCCUPATION).at_most(0.1)),
        Box::new(missing_rate(Person::NATIVE_COUNTRY).at_most(0.1)),
        Box::new(duplicate_rows().at_most(0.01)),
        Box::new(leaked_rows().at_most(0.01)),
        Box::new(conflicting_labels().at_most(0.01)),
        Box::new(matches_profile(&profile)),
        Box::new(drift(Person::AGE).at_most(0.05)),
        Box::new(drift(Person::OCCUPATION).at_most(0.05)),
    ];
    check_data(test_file)
        .against(data_file)
        .max_examples(2)
        .expect_all(expectations)
        .run(7)
}

type Logit = LogisticRegression<f64, i32, DenseMatrix<f64>, Vec<i32>>;

/// A fitted encoder (standardised numbers, one-hot categories) and logistic regression.
pub struct Trained {
    pub encoder: Encoder<Person>,
    lr: Logit,
}

impl Trained {
    /// Fits the encoder and the logistic regression (`>50K` = 1) on `train`.
    pub fn fit(train: &Dataset<Person>) -> Result<Trained, Box<dyn std::error::Error>> {
        let encoder = Encoder::fit_standardized(train);
        let x = matrix(&encoder, train.rows())?;
        let high = train.labels().indicator(HIGH).ok_or("no class >50K")?;
        let y: Vec<i32> = high.into_iter().map(i32::from).collect();
        let lr = LogisticRegression::fit(
            &x,
            &y,
            LogisticRegressionParameters::default().with_alpha(ALPHA),
        )?;
        Ok(Trained { encoder, lr })
    }

    /// `P(>50K)` for each row: the sigmoid of the learned linear score, computed with the
    /// same smartcore operations as `LogisticRegression::predict` (which gives labels only).
    pub fn probability(&self, rows: &[Person]) -> Result<Vec<f64>, ModelError> {
        let x = matrix(&self.encoder, rows)?;
        let intercept = *self.lr.intercept().get((0, 0));
        let scores = x.ab(false, self.lr.coefficients(), true);
        Ok(scores
            .iterator(0)
            .map(|&z| (z + intercept).sigmoid())
            .collect())
    }

    /// smartcore's own predicted labels (1 = `>50K`), to check the wrapped model against.
    pub fn smartcore_predict(&self, rows: &[Person]) -> Result<Vec<i32>, ModelError> {
        let x = matrix(&self.encoder, rows)?;
        self.lr.predict(&x).map_err(ModelError::failed)
    }
}

/// The encoded rows as a smartcore matrix.
fn matrix(encoder: &Encoder<Person>, rows: &[Person]) -> Result<DenseMatrix<f64>, ModelError> {
    DenseMatrix::new(
        rows.len(),
        encoder.width(),
        encoder.encode_flat(rows),
        false,
    )
    .map_err(ModelError::failed)
}

/// The trained model as a model-check classifier over `[<=50K, >50K]`. Every call returns
/// a wrapper of the same type and identity around the same fit, so checks built from
/// separate calls share one prediction per row.
pub fn classifier(
    trained: Arc<Trained>,
) -> impl Model<Input = Person, Output = Probabilities> + 'static {
    Classifier::from_fn(
        ModelInfo::new("adult-logistic-regression", "smartcore-0.7"),
        [LOW, HIGH],
        move |batch: &[Person]| {
            Ok(trained
                .probability(batch)?
                .into_iter()
                .map(|p| vec![1.0 - p, p])
                .collect())
        },
    )
    .expect("two distinct class names")
}

/// Everything the checks need: the data, its split, and the fitted model.
pub struct Adult {
    /// Rows in the file.
    pub rows: usize,
    pub train: Dataset<Person>,
    /// The held-out rows, shared by every check (so they share predictions).
    pub test: Arc<Dataset<Person>>,
    pub trained: Arc<Trained>,
}

impl Adult {
    /// Loads the file, splits it with [`SPLIT_SEED`] and trains the model.
    pub fn build() -> Result<Adult, Box<dyn std::error::Error>> {
        let data = load()?;
        let (train, test) = data.split(TRAIN_FRACTION, SPLIT_SEED)?;
        let trained = Arc::new(Trained::fit(&train)?);
        Ok(Adult {
            rows: data.len(),
            train,
            test: Arc::new(test),
            trained,
        })
    }

    /// The model, wrapped for model-check.
    pub fn model(&self) -> impl Model<Input = Person, Output = Probabilities> + 'static {
        classifier(self.trained.clone())
    }
}

/// The levels of a text feature in `data` with their row counts, most frequent first.
pub fn levels(data: &Dataset<Person>, feature: Feature<Person, String>) -> Vec<(String, usize)> {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for row in data.rows() {
        *counts.entry(feature.get(row)).or_default() += 1;
    }
    let mut levels: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(l, n)| (l.to_string(), n))
        .collect();
    levels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    levels
}

/// One check per pair of levels of `feature` in the held-out rows, each pair in alphabetical
/// order: the gap in `metric` between the two groups may be at most `tolerance`. Each pair's
/// verdict comes from its own Newcombe interval. Inconclusive verdicts are allowed: these
/// checks report, they do not gate. (The pair is ordered because `Gap::between(a, b)`
/// reports the rate of the cohort whose *name* sorts first minus the other's, not `a − b`.)
pub fn pair_gaps(
    adult: &Adult,
    metric: fn() -> ClassMetric,
    feature: Feature<Person, String>,
    tolerance: f64,
) -> Vec<((String, String), Check)> {
    let mut names: Vec<String> = levels(&adult.test, feature)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    names.sort();
    let mut checks = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            let pair = check(adult.model(), adult.test.clone())
                .expect(
                    gap(metric())
                        .between(
                            Cohort::category(feature, a.as_str()),
                            Cohort::category(feature, b.as_str()),
                        )
                        .at_most(tolerance),
                )
                .allow_inconclusive();
            checks.push(((a.clone(), b.clone()), pair));
        }
    }
    checks
}

/// `false_positive_rate(">50K")`, as a function for [`pair_gaps`].
pub fn fpr() -> ClassMetric {
    false_positive_rate(HIGH)
}

/// `false_negative_rate(">50K")`, as a function for [`pair_gaps`].
pub fn fnr() -> ClassMetric {
    false_negative_rate(HIGH)
}
