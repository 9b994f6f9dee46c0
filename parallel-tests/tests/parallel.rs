//! `evaluate_*_parallel` gives `evaluate_*`'s numbers, bit for bit, at any thread count.

use model_check::cohort::{evaluate_classifier_parallel, evaluate_regressor_parallel};
use model_check::metrics::ClassificationMetrics;
use model_check::prelude::*;
use model_check::rng::seeded_rng;
use rand::RngExt;

#[derive(Features, Clone)]
struct Row {
    x: f64,
    y: f64,
    region: String,
}

/// 300,000 seeded rows (five chunks of 65,536 and a partial one), a label drawn from a
/// logistic model of them, and a regression target.
fn data() -> (Vec<Row>, Vec<&'static str>, Vec<f64>) {
    let mut rng = seeded_rng(21);
    let regions = ["north", "south", "east", "west"];
    let mut rows = Vec::new();
    let (mut classes, mut targets) = (Vec::new(), Vec::new());
    for _ in 0..300_000 {
        let row = Row {
            x: rng.random_range(-3.0..3.0),
            y: rng.random_range(-1.0..1.0),
            region: regions[rng.random_range(0..4)].to_string(),
        };
        let p = 1.0 / (1.0 + (-(row.x + 0.5 * row.y)).exp());
        classes.push(if rng.random_range(0.0..1.0) < p {
            "yes"
        } else {
            "no"
        });
        targets.push(2.0 * row.x - row.y + rng.random_range(-0.5..0.5));
        rows.push(row);
    }
    (rows, classes, targets)
}

fn cohorts() -> Vec<Cohort<Row>> {
    vec![
        Cohort::all(),
        Cohort::category(Row::REGION, "north"),
        Cohort::range(Row::X, 0.0..1.5),
        Cohort::category(Row::REGION, "east").and(Cohort::range(Row::Y, ..0.0)),
        Cohort::predicate("tails", |r: &Row| r.x.abs() > 2.9),
    ]
}

fn bits(m: &ClassificationMetrics) -> Vec<u64> {
    let mut v = vec![
        m.log_loss().unwrap().to_bits(),
        m.brier().unwrap().to_bits(),
    ];
    v.extend((0..2).map(|c| m.roc_auc(c).unwrap().to_bits()));
    v.push(m.expected_calibration_error().unwrap().to_bits());
    v
}

fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn a_classifier_evaluated_on_1_2_and_7_threads_gives_the_sequential_numbers_bit_for_bit() {
    let (rows, classes, _) = data();
    let data = Dataset::from_rows(rows, Labels::classes(classes).unwrap()).unwrap();
    let model = Classifier::from_fn(
        ModelInfo::new("logit", "1"),
        ["no", "yes"],
        |b: &[Row]| {
            Ok(b.iter()
                .map(|r| {
                    let p = 1.0 / (1.0 + (-(0.9 * r.x + 0.4 * r.y)).exp());
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .unwrap();
    let sequential = evaluate_classifier(&model, &data, &cohorts()).unwrap();
    for threads in [1, 2, 7] {
        let parallel = on_threads(threads, || {
            evaluate_classifier_parallel(&model, &data, &cohorts()).unwrap()
        });
        assert_eq!(parallel, sequential, "{threads} threads");
        for (p, s) in parallel.iter().zip(&sequential) {
            assert_eq!(
                bits(&p.metrics),
                bits(&s.metrics),
                "{threads} threads, {}",
                p.cohort
            );
        }
    }
    assert_eq!(sequential[0].metrics.n(), 300_000);
}

#[test]
fn a_regressor_evaluated_on_1_2_and_7_threads_gives_the_sequential_numbers_bit_for_bit() {
    let (rows, _, targets) = data();
    let data = Dataset::from_rows(rows, Labels::values(targets).unwrap()).unwrap();
    let model = Regressor::from_fn(ModelInfo::new("linear", "1"), |b: &[Row]| {
        Ok(b.iter().map(|r| 1.9 * r.x - 1.1 * r.y).collect())
    });
    let sequential = evaluate_regressor(&model, &data, &cohorts()).unwrap();
    for threads in [1, 2, 7] {
        let parallel = on_threads(threads, || {
            evaluate_regressor_parallel(&model, &data, &cohorts()).unwrap()
        });
        for (p, s) in parallel.iter().zip(&sequential) {
            let numbers = |m: &model_check::metrics::RegressionMetrics| {
                [m.mae(), m.rmse(), m.r2()].map(|x| x.unwrap().to_bits())
            };
            assert_eq!(
                numbers(&p.metrics),
                numbers(&s.metrics),
                "{threads} threads"
            );
            assert_eq!(p.metrics.n(), s.metrics.n());
        }
    }
}
