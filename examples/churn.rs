//! Error analysis of a churn model, cohort by cohort.
//!
//! Trains a smartcore logistic regression on 75% of the IBM Telco customer churn data
//! (`examples/data/telco_churn.csv`, see `PROVENANCE.md` there), then evaluates it on the
//! held-out 25% for the whole test set and for cohorts — contract type, seniors, tenure
//! bands, payment method — with a Wilson 95% interval on every rate. Aggregate accuracy
//! looks fine; the cohorts show where the model misses churners.
//!
//! Run it with `cargo run --example churn`.

use model_check::metrics::{ClassificationMetrics, Proportion};
use model_check::prelude::*;
use serde::Deserialize;
use smartcore::linalg::basic::arrays::{Array, Array2};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::numbers::realnum::RealNumber;

/// The copy of the Telco churn data in the repository.
const TELCO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/telco_churn.csv");

/// Seed of the train/test split: the same seed gives the same split and the same report.
const SEED: u64 = 42;

/// L2 penalty `alpha / 2 · |w|²` on the summed log loss: scikit-learn's default `C = 1`.
const ALPHA: f64 = 1.0;

/// One Telco customer; `churn` is the label and `rownames` the row id, neither a field.
#[derive(Features, Deserialize, Debug, Clone)]
struct Customer {
    #[features(protected)]
    female: u8,
    #[features(protected)]
    senior_citizen: u8,
    partner: u8,
    dependents: u8,
    #[features(range = 0..=72)]
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
/// with the same smartcore operations as `LogisticRegression::predict`.
fn churn_probability(lr: &Logit, x: &DenseMatrix<f64>) -> Vec<f64> {
    let intercept = *lr.intercept().get((0, 0));
    let scores = x.ab(false, lr.coefficients(), true);
    scores
        .iterator(0)
        .map(|&z| (z + intercept).sigmoid())
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data: Dataset<Customer> =
        Dataset::from_csv(TELCO, CsvOptions::classify("churn").id("rownames"))?;
    let (train, test) = data.split(0.75, SEED)?;

    // Train: standardised numeric features, one-hot categories, churn Yes = 1, No = 0.
    let encoder = Encoder::fit_standardized(&train);
    let x_train = matrix(&encoder, train.rows())?;
    let churned = train.labels().indicator("Yes").ok_or("no class Yes")?;
    let y_train: Vec<i32> = churned.into_iter().map(i32::from).collect();
    let lr: Logit = LogisticRegression::fit(
        &x_train,
        &y_train,
        LogisticRegressionParameters::default().with_alpha(ALPHA),
    )?;

    // smartcore's own predictions on the test split, to check the wrapped model against.
    let x_test = matrix(&encoder, test.rows())?;
    let smartcore_predicts: Vec<i32> = lr.predict(&x_test)?;

    // smartcore has no `predict_proba` for logistic regression: the probabilities are the
    // sigmoid of its coefficients and intercept, computed batch by batch.
    let columns = encoder.width();
    let model = Classifier::from_fn(
        ModelInfo::new("churn-logistic-regression", "smartcore-0.7"),
        ["No", "Yes"],
        move |batch: &[Customer]| {
            let x = matrix(&encoder, batch)?;
            Ok(churn_probability(&lr, &x)
                .into_iter()
                .map(|p| vec![1.0 - p, p])
                .collect())
        },
    )?;
    let yes = model
        .classes()
        .index_of("Yes")
        .expect("a class of the model");

    // They are the model's probabilities: at 0.5 they give exactly smartcore's predictions.
    let wrapped_predicts: Vec<i32> = model
        .predict(test.rows())?
        .iter()
        .map(|p| i32::from(p.predicted() == yes))
        .collect();
    assert_eq!(
        wrapped_predicts, smartcore_predicts,
        "the wrapped model disagrees with smartcore's predict"
    );

    let cohorts = [
        Cohort::all(),
        Cohort::category(Customer::CONTRACT, "Month-to-month"),
        Cohort::category(Customer::CONTRACT, "One year"),
        Cohort::category(Customer::CONTRACT, "Two year"),
        Cohort::equals(Customer::SENIOR_CITIZEN, 1),
        Cohort::equals(Customer::SENIOR_CITIZEN, 0),
        Cohort::range(Customer::TENURE, 0.0..12.0),
        Cohort::range(Customer::TENURE, 12.0..24.0),
        Cohort::range(Customer::TENURE, 24.0..48.0),
        Cohort::range(Customer::TENURE, 48.0..=72.0),
        Cohort::category(Customer::PAYMENT_METHOD, "Electronic check"),
    ];
    let report = evaluate_classifier(&model, &test, &cohorts)?;

    println!(
        "model    {} (L2 alpha = {ALPHA}, {columns} encoded columns)",
        model.info()
    );
    println!(
        "data     {} customers: {} train / {} test (split 75/25, seed {SEED})",
        data.len(),
        train.len(),
        test.len()
    );
    println!(
        "metrics  on the test split, Wilson 95% intervals in [..]; churn recall = share of churners\n         flagged, churn FPR = share of non-churners flagged\n"
    );
    print_table(&report, yes);

    let overall = &report[0].metrics;
    println!(
        "\noverall  log loss {}   Brier {}   ECE {}",
        number(overall.log_loss()),
        number(overall.brier()),
        number(overall.expected_calibration_error())
    );

    // The cohort whose churners the model misses most, against the whole test split.
    let worst = report[1..]
        .iter()
        .filter_map(|c| Some((c, c.metrics.recall(yes).rate()?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c);
    if let Some(worst) = worst {
        let (cohort, all) = (worst.metrics.recall(yes), overall.recall(yes));
        let separated = match (cohort.wilson(), all.wilson()) {
            (Some(c), Some(a)) if c.hi < a.lo || a.hi < c.lo => "do not overlap",
            _ => "overlap",
        };
        println!(
            "lowest churn recall  {}: {} of {} churners caught, {}",
            worst.cohort,
            cohort.successes(),
            cohort.n(),
            rate(cohort)
        );
        println!(
            "                     vs {} overall; the intervals {separated}",
            rate(all)
        );
    }
    Ok(())
}

/// One row per cohort, columns aligned; `yes` is the churn class's index.
fn print_table(report: &[CohortMetrics<ClassificationMetrics>], yes: usize) {
    let header = [
        "cohort",
        "n",
        "accuracy",
        "churn recall",
        "churn FPR",
        "ROC AUC",
    ];
    let mut rows = vec![header.map(String::from)];
    rows.extend(report.iter().map(|c| {
        let m = &c.metrics;
        [
            c.cohort.clone(),
            c.n().to_string(),
            rate(m.accuracy()),
            rate(m.recall(yes)),
            rate(m.false_positive_rate(yes)),
            number(m.roc_auc(yes)),
        ]
    }));
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for (k, row) in rows.iter().enumerate() {
        // The cohort name left-aligned, the numbers right-aligned.
        let mut line = format!("{:<w$}", row[0], w = widths[0]);
        for (cell, w) in row.iter().zip(&widths).skip(1) {
            line += &format!("  {cell:>w$}");
        }
        println!("{line}");
        if k == 0 {
            println!("{}", "-".repeat(line.chars().count()));
        }
    }
}

/// `80.1% [78.2–81.9]`, or `n/a` when there are no trials.
fn rate(p: Proportion) -> String {
    format!("{p:#}")
}

/// A number to three decimals, or `n/a` when undefined.
fn number(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |x| format!("{x:.3}"))
}
