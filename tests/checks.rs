//! The three shapes of check on real data (Telco churn): data alone (`check_data`), a model
//! on data (`check`), and data against a reference (`check(..).against(..)`); unlabelled
//! batches; several expectations on one check; expectations behind `Box<dyn Expectation>`.

mod common;

use std::sync::LazyLock;

use common::{Customer, telco};
use model_check::expect::Cell;
use model_check::metrics::Proportion;
use model_check::prelude::*;

static TELCO: LazyLock<Dataset<Customer>> = LazyLock::new(|| telco("churn"));

fn churn_model() -> impl Model<Input = Customer, Output = Probabilities> + 'static {
    common::sklearn_churn_model()
}

#[test]
fn missing_total_charges_are_a_data_unit_test_with_a_wilson_interval() {
    // Telco leaves `TotalCharges` blank for the 11 customers who have not been billed yet
    // (tenure 0): 11 of 7043 rows, 0.156%.
    let missing = TELCO
        .rows()
        .iter()
        .filter(|c| c.total_charges.is_none())
        .count() as u64;
    assert_eq!(missing, 11);
    let ci = Proportion::new(11, 7043).wilson().unwrap();

    let run = |max: f64| {
        check_data(&*TELCO)
            .expect(missing_rate(Customer::TOTAL_CHARGES).at_most(max))
            .run(1)
    };
    // The interval [0.087%, 0.28%] is wholly below 1%, straddles 0.1%, is wholly above 0.05%.
    let pass = run(0.01);
    let outcome = &pass.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Pass, "{outcome}");
    assert!(
        outcome.model.is_none(),
        "a check of data alone has no model"
    );
    assert_eq!(pass.model_calls, 0);
    assert_eq!(outcome.evidence.estimate, Some(11.0 / 7043.0));
    assert_eq!(outcome.evidence.interval, Some(ci));
    assert_eq!(outcome.evidence.unit, Unit::Proportion);
    assert!(outcome.evidence.method.is(Method::WILSON));
    assert_eq!(
        outcome.expectation,
        "`total_charges` is missing in at most 1% of rows"
    );
    assert_eq!(outcome.examples.len(), 5);
    for example in &outcome.examples {
        assert!(TELCO.rows()[example.row].total_charges.is_none());
        assert_eq!(TELCO.rows()[example.row].tenure, 0);
    }

    let undecided = run(0.001);
    assert_eq!(undecided.outcomes[0].verdict, Verdict::Inconclusive);
    let needed = undecided.outcomes[0].evidence.rows_needed.unwrap();
    assert!(needed > 7043, "{needed}");
    assert_eq!(run(0.0005).outcomes[0].verdict, Verdict::Fail);

    // On a cohort: every customer with a tenure of 0 misses it.
    let new = check_data(&*TELCO)
        .on(Cohort::range(Customer::TENURE, 0.0..=0.0))
        .expect(missing_rate(Customer::TOTAL_CHARGES).at_most(0.5))
        .run(1);
    assert_eq!(new.outcomes[0].verdict, Verdict::Fail);
    assert_eq!(new.outcomes[0].evidence.estimate, Some(1.0));
    assert_eq!(new.outcomes[0].evidence.n, 11);
}

#[test]
fn an_unlabelled_batch_is_a_dataset_and_label_free_expectations_run_on_it() {
    let batch = Dataset::unlabelled(TELCO.rows()[..2000].to_vec()).unwrap();
    assert!(!batch.labels().is_labelled());
    let batch = std::sync::Arc::new(batch);

    // Flips need no labels.
    let flips = check(churn_model(), batch.clone())
        .expect(flip(Customer::SENIOR_CITIZEN).max_rate(0.5))
        .run(1);
    assert_eq!(flips.outcomes[0].verdict, Verdict::Pass, "{flips:?}");
    assert_eq!(flips.outcomes[0].evidence.n, 2000);

    // Accuracy does, and says so.
    let accuracy = check(churn_model(), batch.clone())
        .expect(accuracy().at_least(0.7))
        .run(1);
    let outcome = &accuracy.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Error);
    assert!(
        outcome.note.as_deref().unwrap().contains("has no labels"),
        "{outcome}"
    );

    // Data unit tests too.
    let data = check_data(batch)
        .expect(missing_rate(Customer::TOTAL_CHARGES).at_most(0.01))
        .run(1);
    assert_eq!(data.outcomes[0].verdict, Verdict::Pass);
}

/// The split the drop is measured on: customers with at least a year's tenure are the
/// reference; the newest customers (under 6 months) are today's batch.
fn split() -> (Dataset<Customer>, Dataset<Customer>) {
    let rows = |keep: fn(&Customer) -> bool| -> Vec<usize> {
        (0..TELCO.len())
            .filter(|&r| keep(&TELCO.rows()[r]))
            .collect()
    };
    let reference = TELCO.subset(&rows(|c| c.tenure >= 12)).unwrap();
    let current = TELCO.subset(&rows(|c| c.tenure < 6)).unwrap();
    (reference, current)
}

/// The accuracy of the churn model on a dataset, counted by hand from its predictions.
fn accuracy_by_hand(data: &Dataset<Customer>) -> Proportion {
    let model = churn_model();
    let predictions = model.predict(data.rows()).unwrap();
    let right = predictions
        .iter()
        .enumerate()
        .filter(|(r, p)| Some(p.label()) == data.labels().class_of(*r))
        .count();
    Proportion::new(right as u64, data.len() as u64)
}

#[test]
fn the_accuracy_drop_from_a_reference_is_decided_on_a_newcombe_interval() {
    let (reference, current) = split();
    let before = accuracy_by_hand(&reference);
    let after = accuracy_by_hand(&current);
    let drop = before.rate().unwrap() - after.rate().unwrap();
    // Newcombe's interval is checked against statsmodels in `tests/expectations.rs`.
    let ci = model_check::expect::newcombe_difference(before, after).unwrap();
    assert!(drop > 0.05, "the newest customers are harder: {drop}");

    let run = |d: f64| {
        check(churn_model(), current.clone())
            .against(reference.clone())
            .expect(reference_gap(accuracy()).at_most(d))
            .run(1)
    };
    let report = run(0.02);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail, "{outcome}");
    assert!((outcome.evidence.estimate.unwrap() - drop).abs() < 1e-15);
    assert_eq!(outcome.evidence.interval, Some(ci));
    assert_eq!(outcome.evidence.unit, Unit::Points);
    assert_eq!(outcome.evidence.n, (reference.len() + current.len()) as u64);
    assert_eq!(
        outcome.expectation,
        "accuracy drops by at most 2 points from the reference"
    );
    // Both accuracies, with their Wilson intervals, are in the detail table.
    let table = &outcome.evidence.tables[0];
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0][1], Cell::Number(before.rate().unwrap()));
    assert_eq!(table.rows[1][1], Cell::Number(after.rate().unwrap()));
    assert_eq!(table.rows[1][4], Cell::Number(current.len() as f64));

    // A tolerance inside the interval cannot decide; one above it passes.
    let inside = (ci.lo + ci.hi) / 2.0;
    assert_eq!(run(inside).outcomes[0].verdict, Verdict::Inconclusive);
    assert_eq!(run(ci.hi + 0.01).outcomes[0].verdict, Verdict::Pass);

    // The other way round the rate rises: a gain never fails.
    let gain = check(churn_model(), reference.clone())
        .against(current.clone())
        .expect(reference_gap(accuracy()).at_most(0.0))
        .run(1);
    assert_eq!(gain.outcomes[0].verdict, Verdict::Pass);
    assert!(gain.outcomes[0].evidence.estimate.unwrap() < 0.0);
}

#[test]
fn an_expectation_that_needs_a_reference_says_so() {
    let report = check(churn_model(), &*TELCO)
        .expect(reference_gap(accuracy()).at_most(0.05))
        .run(1);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Error);
    assert!(
        outcome
            .note
            .as_deref()
            .unwrap()
            .contains(".against(reference)"),
        "{outcome}"
    );
}

#[test]
fn several_expectations_share_one_check_and_boxed_expectations_work() {
    let seniors = Cohort::equals(Customer::SENIOR_CITIZEN, 1);
    let expectations: Vec<Box<dyn Expectation<_>>> = vec![
        Box::new(accuracy().at_least(0.5)),
        Box::new(recall("Yes").at_least(0.2)),
        Box::new(missing_rate(Customer::TOTAL_CHARGES).at_most(0.05)),
    ];
    let together = check(churn_model(), &*TELCO)
        .on(seniors.clone())
        .sample(800)
        .expect_all(expectations)
        .run(3);
    assert_eq!(together.outcomes.len(), 3);
    // The same as one check per expectation, on the same sample with the same seed.
    let alone = check(churn_model(), &*TELCO)
        .on(seniors)
        .sample(800)
        .expect(Box::new(recall("Yes").at_least(0.2)) as Box<dyn Expectation<_>>)
        .run(3);
    assert_eq!(together.outcomes[1], alone.outcomes[0]);
    assert_eq!(
        together.outcomes[1].cohort,
        "senior_citizen = 1 (sample of 800)"
    );
    assert!(together.passed(), "{together:?}");
}

#[test]
fn a_sample_larger_than_the_cohort_uses_every_row_and_says_so() {
    let report = check(churn_model(), &*TELCO)
        .on(Cohort::category(Customer::CONTRACT, "Two year"))
        .sample(5000)
        .expect(accuracy().at_least(0.5))
        .run(1);
    let outcome = &report.outcomes[0];
    let two_year = TELCO
        .rows()
        .iter()
        .filter(|c| c.contract == "Two year")
        .count();
    assert_eq!(outcome.evidence.n, two_year as u64);
    assert_eq!(
        outcome.cohort,
        format!("contract = Two year (all {two_year} rows: fewer than the sample of 5000)")
    );
}

/// The churn model, declaring a small batch and recording the size of every batch it gets.
struct SmallBatches {
    inner: Box<dyn Model<Input = Customer, Output = Probabilities> + Send + Sync>,
    info: ModelInfo,
    largest: std::sync::atomic::AtomicUsize,
    calls: std::sync::atomic::AtomicUsize,
}

impl Model for SmallBatches {
    type Input = Customer;
    type Output = Probabilities;
    fn info(&self) -> &ModelInfo {
        &self.info
    }
    fn predict(&self, batch: &[Customer]) -> Result<Vec<Probabilities>, ModelError> {
        use std::sync::atomic::Ordering::Relaxed;
        self.largest.fetch_max(batch.len(), Relaxed);
        self.calls.fetch_add(1, Relaxed);
        self.inner.predict(batch)
    }
    fn batch_size(&self) -> usize {
        250
    }
}

#[test]
fn a_model_gets_batches_no_larger_than_it_asks_for() {
    use std::sync::atomic::Ordering::Relaxed;
    let model = || {
        std::sync::Arc::new(SmallBatches {
            inner: Box::new(churn_model()),
            info: ModelInfo::new("small-batches", "1"),
            largest: Default::default(),
            calls: Default::default(),
        })
    };
    let cohort_model = model();
    evaluate_classifier(&cohort_model, &*TELCO, &[Cohort::all()]).unwrap();
    assert_eq!(cohort_model.largest.load(Relaxed), 250);
    assert_eq!(cohort_model.calls.load(Relaxed), 7043_usize.div_ceil(250));

    let checked = model();
    let report = check(checked.clone(), &*TELCO)
        .sample(1500)
        .expect_all([
            Box::new(accuracy().at_least(0.5)) as Box<dyn Expectation<_>>,
            Box::new(flip(Customer::SENIOR_CITIZEN).max_rate(0.5)),
            Box::new(invariant(noise(0.1)).max_failure_rate(0.5)),
        ])
        .run(1);
    assert_eq!(report.outcomes.len(), 3);
    assert!(
        report.outcomes.iter().all(|o| o.verdict != Verdict::Error),
        "{report:?}"
    );
    assert_eq!(checked.largest.load(Relaxed), 250);
    assert_eq!(report.model_calls, checked.calls.load(Relaxed) as u64);
}

/// The churn model with a last bit that depends on the batch it is given: the probability
/// of `Yes` moves by one ulp for batches of an odd length. Counts the rows it predicts.
struct BatchDependent {
    inner: Box<dyn Model<Input = Customer, Output = Probabilities> + Send + Sync>,
    info: ModelInfo,
    rows: std::sync::atomic::AtomicUsize,
}

impl Model for BatchDependent {
    type Input = Customer;
    type Output = Probabilities;
    fn info(&self) -> &ModelInfo {
        &self.info
    }
    fn predict(&self, batch: &[Customer]) -> Result<Vec<Probabilities>, ModelError> {
        self.rows
            .fetch_add(batch.len(), std::sync::atomic::Ordering::Relaxed);
        let outputs = self.inner.predict(batch)?;
        let classes = outputs[0].classes().clone();
        let odd = batch.len() % 2 == 1;
        outputs
            .iter()
            .map(|p| {
                let yes = p.as_slice()[1];
                let yes = if odd {
                    f64::from_bits(yes.to_bits() ^ 1).clamp(0.0, 1.0)
                } else {
                    yes
                };
                Probabilities::new(&classes, vec![1.0 - yes, yes])
            })
            .collect()
    }
    fn batch_size(&self) -> usize {
        400
    }
}

#[test]
fn a_sample_predicts_its_own_rows_whatever_ran_before() {
    use std::sync::atomic::Ordering::Relaxed;
    let model = |version: &str| {
        std::sync::Arc::new(BatchDependent {
            inner: Box::new(churn_model()),
            info: ModelInfo::new("batch-dependent", version),
            rows: Default::default(),
        })
    };
    let sampled = |m: std::sync::Arc<BatchDependent>| {
        check(m, &*TELCO)
            .sample(701)
            .expect_all([
                Box::new(accuracy().at_least(0.5)) as Box<dyn Expectation<_>>,
                Box::new(log_loss().at_most(0.9)),
            ])
            .run(5)
    };
    // Alone: the 701 sampled rows are predicted once, for both expectations (the second
    // predicts one 400-row block of them again to confirm the cached outputs are this
    // model's), not every 400-row block of the dataset they fall in (all 18 of them).
    let alone = model("1");
    let first = sampled(alone.clone());
    assert!(first.passed(), "{first:?}");
    let predicted = alone.rows.load(Relaxed);
    assert_eq!(predicted, 701 + 400);
    // After a check of every row (whose blocks of 400 give other last bits to an odd final
    // block), the sample's outcomes are the same, bit for bit.
    let after = model("2");
    let everything = check(after.clone(), &*TELCO)
        .expect(accuracy().at_least(0.5))
        .run(5);
    assert!(everything.passed());
    let second = sampled(after);
    for (a, b) in first.outcomes.iter().zip(&second.outcomes) {
        assert_eq!(a.evidence, b.evidence);
        assert_eq!(a.verdict, b.verdict);
    }
}
