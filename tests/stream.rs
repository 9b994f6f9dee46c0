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

/// Telco streamed 300 rows at a time into a sketch gives exactly the profile of the file in
/// memory (extremes, levels, missing shares and class shares are kept exactly), and its
/// sketched drift between contracts agrees with the in-memory drift within the rank error
/// it reports.
#[test]
fn a_sketched_stream_profiles_exactly_and_drifts_within_its_rank_error() {
    use model_check::monitor::DataSketch;
    use model_check::profile::Profile;
    let sketch = DataSketch::<Customer>::of_source(telco_stream(300), 300).unwrap();
    let mut expected = Profile::infer(&telco("churn"));
    expected.dataset = sketch.to_profile().dataset.clone();
    assert_eq!(sketch.to_profile(), expected);

    // Month-to-month against two-year contracts: sketched with a small capacity, so that
    // compactions happen, against the exact statistic in memory.
    let all = telco("churn");
    let contract = |c: &str| -> Dataset<Customer> {
        let rows: Vec<usize> = (0..all.len())
            .filter(|&r| all.rows()[r].contract == c)
            .collect();
        all.subset(&rows).unwrap()
    };
    let (monthly, two_year) = (contract("Month-to-month"), contract("Two year"));
    let sketch_of = |d: &Dataset<Customer>| {
        let mut s = DataSketch::<Customer>::with_capacity("contract", 64);
        s.add(d);
        s
    };
    let finding = sketch_of(&monthly).drift(&sketch_of(&two_year), Customer::TENURE, 0.1);
    let exact = check_data(monthly.clone())
        .against(two_year.clone())
        .expect(drift(Customer::TENURE).at_most(0.1))
        .run(1)
        .outcomes
        .remove(0);
    let slack = finding.evidence.method.param("rank_error").unwrap();
    assert!(slack > 0.0, "the small sketch compacted");
    let (d, exact_d) = (
        finding.evidence.estimate.unwrap(),
        exact.evidence.estimate.unwrap(),
    );
    assert!((d - exact_d).abs() <= slack, "{d} vs {exact_d} ± {slack}");
    // Both see tenure drift far beyond 0.1 between the contracts.
    assert_eq!(
        (finding.verdict, exact.verdict),
        (Verdict::Fail, Verdict::Fail)
    );
    let interval = finding.evidence.interval.unwrap();
    let exact_interval = exact.evidence.interval.unwrap();
    assert!(interval.width() > exact_interval.width());
    assert!(
        finding
            .note
            .as_deref()
            .unwrap()
            .contains("widens the DKW bound")
    );
}

/// Millions of values never held at once: the sketch keeps a bounded number of values
/// (growing with the logarithm of the rows, not the rows), sketches of three shards merge
/// into the same counts as the whole, and two streams of one distribution pass
/// "drift ≤ 0.02" with room to spare.
#[test]
fn streams_of_millions_of_rows_sketch_in_bounded_memory_and_merge() {
    use model_check::monitor::DataSketch;
    #[derive(Features)]
    struct Reading {
        volts: f64,
    }
    // A deterministic scramble of [0, 1): no two streams alike, no randomness to seed.
    let stream = |seed: u64, n: u64| {
        Batches::new(
            "readings",
            (0..n).map(move |i| {
                let x = (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed) >> 11;
                (
                    Reading {
                        volts: x as f64 / (1u64 << 53) as f64,
                    },
                    (),
                )
            }),
        )
    };
    let small = DataSketch::<Reading>::of_source(stream(1, 100_000), 65_536).unwrap();
    let large = DataSketch::<Reading>::of_source(stream(1, 3_000_000), 65_536).unwrap();
    let other = DataSketch::<Reading>::of_source(stream(2, 3_000_000), 65_536).unwrap();
    println!(
        "retained values: {} for 100,000 rows, {} for 3,000,000",
        small.retained(),
        large.retained()
    );
    assert!(large.retained() < 4096 * 12, "{}", large.retained());
    assert!(large.retained() < 3 * small.retained());
    let finding = large.drift(&other, Reading::VOLTS, 0.02);
    assert_eq!(finding.verdict, Verdict::Pass, "{finding:?}");

    let mut shards = DataSketch::<Reading>::of_source(stream(1, 1_000_000), 65_536).unwrap();
    for part in 1..3u64 {
        let rows = (part * 1_000_000..(part + 1) * 1_000_000).map(|i| {
            let x = (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 1) >> 11;
            (
                Reading {
                    volts: x as f64 / (1u64 << 53) as f64,
                },
                (),
            )
        });
        shards.merge(&DataSketch::of_source(Batches::new("readings", rows), 65_536).unwrap());
    }
    assert_eq!(shards.rows(), large.rows());
    assert_eq!(shards.to_profile(), large.to_profile());
    let merged = shards.drift(&large, Reading::VOLTS, 0.02);
    let slack = merged.evidence.method.param("rank_error").unwrap();
    assert!(merged.evidence.estimate.unwrap() <= slack, "{merged:?}");
}
