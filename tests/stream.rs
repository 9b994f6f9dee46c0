//! Streaming evaluation: Telco read from CSV a few hundred rows at a time gives the metrics
//! of the whole file in memory, its binned AUC within the bound it reports.

mod common;

use common::{Customer, TELCO, sklearn_churn_model, telco};
use model_check::cohort::{CohortError, evaluate_classifier_stream, evaluate_regressor_stream};
use model_check::data::{Batches, CsvSource, DataError, Source};
use model_check::prelude::*;

/// A source that hands out at most `cap` rows at a time, whatever is asked for.
struct Capped<S> {
    inner: S,
    cap: usize,
    batches: usize,
}

impl<S: Source> Source for Capped<S> {
    type Row = S::Row;
    fn next_batch(&mut self, max: usize) -> Result<Option<Dataset<S::Row>>, DataError> {
        let batch = self.inner.next_batch(max.min(self.cap))?;
        self.batches += usize::from(batch.is_some());
        Ok(batch)
    }
}

fn telco_stream(cap: usize) -> Capped<CsvSource<Customer>> {
    Capped {
        inner: CsvSource::open(TELCO, CsvOptions::classify("churn").id("rownames")).unwrap(),
        cap,
        batches: 0,
    }
}

fn cohorts() -> Vec<Cohort<Customer>> {
    vec![
        Cohort::all(),
        Cohort::category(Customer::CONTRACT, "Month-to-month"),
        Cohort::range(Customer::TENURE, 0.0..6.0),
        Cohort::equals(Customer::SENIOR_CITIZEN, 1)
            .and(Cohort::category(Customer::INTERNET_SERVICE, "Fiber optic")),
    ]
}

#[test]
fn a_streamed_csv_gives_the_in_memory_metrics_and_a_bounded_auc() {
    let model = sklearn_churn_model();
    let whole = evaluate_classifier(&model, &telco("churn"), &cohorts()).unwrap();
    let mut source = telco_stream(500);
    let streamed = evaluate_classifier_stream(&model, &mut source, &cohorts()).unwrap();
    assert_eq!(source.batches, 7043_usize.div_ceil(500));
    for (w, s) in whole.iter().zip(&streamed) {
        let (w, s) = (&w.metrics, &s.metrics);
        assert_eq!(w.n(), s.n());
        assert_eq!(w.confusion_matrix(), s.confusion_matrix());
        assert_eq!(w.accuracy(), s.accuracy());
        for (a, b) in [(w.log_loss(), s.log_loss()), (w.brier(), s.brier())] {
            let (a, b) = (a.unwrap(), b.unwrap());
            assert!((a - b).abs() <= 1e-12 * a.abs(), "{a} vs {b}");
        }
        for class in 0..2 {
            let (exact, binned) = (w.roc_auc(class).unwrap(), s.roc_auc(class).unwrap());
            let bound = s.roc_auc_error_bound(class).unwrap();
            assert_eq!(w.roc_auc_error_bound(class), Some(0.0));
            assert!(
                (exact - binned).abs() <= bound,
                "{exact} vs {binned} ± {bound}"
            );
            assert!(bound < 1e-3, "10,000 bins: bound {bound}");
        }
    }
}

#[test]
fn a_level_missing_from_some_batches_is_empty_there_and_a_typo_is_still_an_error() {
    let model = sklearn_churn_model();
    // Some 10-row batches of Telco hold no "Two year" contract.
    let data = telco("churn");
    let lacking = data
        .rows()
        .chunks(10)
        .filter(|b| b.iter().all(|c| c.contract != "Two year"))
        .count();
    assert!(lacking > 10, "{lacking}");
    let two_year = [Cohort::category(Customer::CONTRACT, "Two year")];
    let whole = evaluate_classifier(&model, &telco("churn"), &two_year).unwrap();
    let streamed = evaluate_classifier_stream(&model, telco_stream(10), &two_year).unwrap();
    assert_eq!(whole[0].metrics.n(), streamed[0].metrics.n());
    let typo = [Cohort::category(Customer::CONTRACT, "Two years")];
    match evaluate_classifier_stream(&model, telco_stream(1000), &typo) {
        Err(EvalError::Cohort(CohortError::UnknownLevel(level))) => {
            assert_eq!(level.suggestion.as_deref(), Some("Two year"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_error_in_a_later_batch_names_its_row_in_the_stream() {
    #[derive(Features)]
    struct Point {
        x: f64,
    }
    let model = Regressor::from_fn(ModelInfo::new("double", "1"), |b: &[Point]| {
        Ok(b.iter()
            .map(|p| if p.x == 1234.0 { f64::NAN } else { 2.0 * p.x })
            .collect())
    });
    let rows = (0..5000).map(|i| (Point { x: f64::from(i) }, 2.0 * f64::from(i) + 1.0));
    let batches = Capped {
        inner: Batches::new("points", rows),
        cap: 1000,
        batches: 0,
    };
    let err = evaluate_regressor_stream(&model, batches, &[Cohort::all()]).unwrap_err();
    // Row 234 of the second batch.
    assert!(err.to_string().contains("row 1234"), "{err}");

    let rows = (0..5000).map(|i| (Point { x: f64::from(i) }, 2.0 * f64::from(i) + 1.0));
    let report = evaluate_regressor_stream(
        &Regressor::from_fn(ModelInfo::new("double", "2"), |b: &[Point]| {
            Ok(b.iter().map(|p| 2.0 * p.x).collect())
        }),
        Capped {
            inner: Batches::new("points", rows),
            cap: 333,
            batches: 0,
        },
        &[Cohort::all(), Cohort::range(Point::X, ..100.0)],
    )
    .unwrap();
    assert_eq!(report[0].metrics.n(), 5000);
    assert_eq!(report[1].metrics.n(), 100);
    assert_eq!(report[0].metrics.mae(), Some(1.0));
}
