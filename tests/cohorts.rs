//! Cohorts on the Telco data: composition, tags, and one pass with batched predictions.

mod common;

use std::cell::Cell;

use approx::assert_abs_diff_eq;
use common::{Customer, oracle, telco};
use model_check::cohort::BATCH_SIZE;
use model_check::model::{Model, ModelError, ModelInfo, Probabilities};
use model_check::prelude::*;

/// Wraps a model and counts its calls and the rows it was asked about.
struct Counting<M> {
    inner: M,
    calls: Cell<usize>,
    rows: Cell<usize>,
}

impl<M: Model> Model for Counting<M> {
    type Input = M::Input;
    type Output = M::Output;
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }
    fn predict(&self, batch: &[M::Input]) -> Result<Vec<M::Output>, ModelError> {
        self.calls.set(self.calls.get() + 1);
        self.rows.set(self.rows.get() + batch.len());
        self.inner.predict(batch)
    }
}

fn sklearn_churn_model() -> Counting<impl Model<Input = Customer, Output = Probabilities>> {
    let table = PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-lr", "oracle"),
        oracle("telco_binary_predictions.csv"),
        "rownames",
    )
    .unwrap();
    Counting {
        inner: table.keyed_by(|c: &Customer| c.rownames.to_string()),
        calls: Cell::new(0),
        rows: Cell::new(0),
    }
}

#[test]
fn many_cohorts_cost_one_prediction_per_row() {
    let mut data = telco("churn");
    data.tag_where("fiber", |c| c.internet_service == "Fiber optic");
    let model = sklearn_churn_model();
    let monthly = Cohort::category(Customer::CONTRACT, "Month-to-month");
    let seniors = Cohort::equals(Customer::SENIOR_CITIZEN, 1);
    let cohorts = vec![
        Cohort::all(),
        monthly.clone(),
        seniors.clone(),
        Cohort::tag("fiber"),
        monthly.clone().and(seniors.clone()),
        monthly.clone().or(seniors.clone()),
        monthly.clone().not(),
        Cohort::range(Customer::TENURE, 12.0..=24.0),
        Cohort::range(Customer::TOTAL_CHARGES, ..),
    ];
    let results = evaluate_classifier(&model, &data, &cohorts).unwrap();
    assert_eq!(
        model.rows.get(),
        data.len(),
        "every row is predicted exactly once"
    );
    assert_eq!(
        model.calls.get(),
        data.len().div_ceil(BATCH_SIZE),
        "in batches"
    );

    // Each cohort's metrics equal those computed on the cohort's rows alone.
    for (cohort, result) in cohorts.iter().zip(&results) {
        let rows = cohort.rows(&data).unwrap();
        assert_eq!(result.n(), rows.len() as u64, "{}", cohort.name());
        let alone =
            evaluate_classifier(&model, &data.subset(&rows).unwrap(), &[Cohort::all()]).unwrap();
        let alone = &alone[0].metrics;
        assert_eq!(
            result.metrics.confusion_matrix(),
            alone.confusion_matrix(),
            "{}",
            cohort.name()
        );
        assert_abs_diff_eq!(
            result.metrics.log_loss().unwrap(),
            alone.log_loss().unwrap(),
            epsilon = 1e-12
        );
    }

    // Set algebra holds on the real data.
    let n = |i: usize| results[i].n();
    assert_eq!(n(0), 7043);
    assert_eq!(n(1), 3875, "month-to-month customers");
    assert_eq!(n(2), 1142, "senior citizens");
    assert_eq!(n(5), n(1) + n(2) - n(4), "|A or B| = |A| + |B| - |A and B|");
    assert_eq!(n(6), n(0) - n(1), "not A");
    assert_eq!(n(3), 3096, "fiber-optic customers, by tag");
    // The 11 customers without total charges lie in no range, not even an unbounded one.
    assert_eq!(n(8), 7043 - 11);
}

#[test]
fn cohort_names_read_like_their_rules() {
    let monthly = Cohort::<Customer>::category(Customer::CONTRACT, "Month-to-month");
    let seniors = Cohort::equals(Customer::SENIOR_CITIZEN, 1);
    assert_eq!(monthly.name(), "contract = Month-to-month");
    assert_eq!(seniors.name(), "senior_citizen = 1");
    assert_eq!(
        monthly.clone().and(seniors.clone().not()).name(),
        "contract = Month-to-month and not senior_citizen = 1"
    );
    assert_eq!(
        monthly
            .clone()
            .or(seniors.clone())
            .and(Cohort::tag("new"))
            .name(),
        "(contract = Month-to-month or senior_citizen = 1) and tag new"
    );
    assert_eq!(monthly.named("monthly").name(), "monthly");
    assert_eq!(
        Cohort::<Customer>::range(Customer::TENURE, 0.0..12.0).name(),
        "tenure in [0, 12)"
    );
}

#[test]
fn an_empty_cohort_has_undefined_rates_not_zero() {
    let data = telco("churn");
    let model = sklearn_churn_model();
    let nobody = Cohort::range(Customer::TENURE, 100.0..);
    let results = evaluate_classifier(&model, &data, &[nobody]).unwrap();
    let m = &results[0].metrics;
    assert_eq!(m.n(), 0);
    assert_eq!(m.accuracy().rate(), None);
    assert_eq!(m.accuracy().wilson(), None);
    assert_eq!(m.roc_auc(1), None);
    assert_eq!(m.log_loss(), None);
}

#[test]
fn tags_survive_sampling_and_subsets() {
    let mut data = telco("churn");
    data.tag_where("seniors", |c| c.senior_citizen == 1);
    let sample = data.sample(500, 11).unwrap();
    assert_eq!(sample.len(), 500);
    let seniors = sample.tag("seniors").unwrap();
    assert!(
        seniors
            .iter()
            .all(|&i| sample.rows()[i].senior_citizen == 1)
    );
    let expected = sample
        .rows()
        .iter()
        .filter(|c| c.senior_citizen == 1)
        .count();
    assert_eq!(seniors.len(), expected);
    // Ids follow their rows.
    for (i, row) in sample.rows().iter().enumerate() {
        assert_eq!(sample.id(i), Some(row.rownames.to_string().as_str()));
    }
    // The same seed draws the same customers.
    assert_eq!(data.sample(500, 11).unwrap().ids(), sample.ids());
}
