//! Slice discovery against the raw cost of predicting every row: the synthetic rows of
//! `common` (10 numbers, 2 texts), 10 quantile bins, minimum support 1%, conjunctions of up
//! to 3 features, at a Telco-sized 2,110 rows and at `MODEL_CHECK_BENCH_ROWS`; then the
//! issue's size, 20 numeric features (`Wide`, seeded standard normals, a logistic label).

mod common;

use common::{bench_reps, line, time};
use model_check::discover::discover;
use model_check::prelude::*;
use rand::RngExt;

/// Twenty standard-normal features.
#[derive(Features, Clone)]
#[rustfmt::skip]
struct Wide {
    x0: f64, x1: f64, x2: f64, x3: f64, x4: f64, x5: f64, x6: f64, x7: f64, x8: f64, x9: f64,
    x10: f64, x11: f64, x12: f64, x13: f64, x14: f64, x15: f64, x16: f64, x17: f64, x18: f64,
    x19: f64,
}

/// `n` wide rows and labels: `Yes` with probability `sigmoid(x0 − x1 + 0.5 x2)`.
fn wide(
    n: usize,
) -> (
    Dataset<Wide>,
    impl Model<Input = Wide, Output = Probabilities>,
) {
    let mut rng = model_check::rng::seeded_rng(common::DATA_SEED);
    let mut rows = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    let score = |w: &Wide| w.x0 - w.x1 + 0.5 * w.x2;
    for _ in 0..n {
        let mut x = [0.0; 20];
        for v in &mut x {
            // Box–Muller: one standard normal from two uniforms.
            let (u, t): (f64, f64) = (rng.random_range(f64::EPSILON..1.0), rng.random());
            *v = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * t).cos();
        }
        #[rustfmt::skip]
        let row = Wide {
            x0: x[0], x1: x[1], x2: x[2], x3: x[3], x4: x[4], x5: x[5], x6: x[6], x7: x[7],
            x8: x[8], x9: x[9], x10: x[10], x11: x[11], x12: x[12], x13: x[13], x14: x[14],
            x15: x[15], x16: x[16], x17: x[17], x18: x[18], x19: x[19],
        };
        let yes = rng.random::<f64>() < common::sigmoid(score(&row));
        labels.push(if yes { "Yes" } else { "No" });
        rows.push(row);
    }
    let data = Dataset::from_rows(rows, Labels::with_classes(["No", "Yes"], labels).unwrap())
        .expect("finite rows");
    let model = Classifier::from_fn(
        ModelInfo::new("wide-logit", "1"),
        ["No", "Yes"],
        move |b: &[Wide]| {
            Ok(b.iter()
                .map(|w| {
                    let p = common::sigmoid(0.9 * score(w));
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .expect("two classes");
    (data, model)
}

fn main() {
    let n = common::bench_rows();
    let reps = bench_reps();
    common::header("discovery", n, reps);
    for rows in [2110, n] {
        let data = common::dataset(rows, common::DATA_SEED);
        common::raw_baseline(data.rows(), reps);
        let model = common::logit(model_check::model::ModelInfo::new("logit", "1"));
        for terms in [2, 3] {
            let run = time(reps, data.rows(), |_| {
                discover(&model, &data)
                    .max_terms(terms)
                    .min_share(0.01)
                    .run()
                    .expect("searches")
            });
            let report = &run.last;
            line(
                &format!("discover, {rows} rows, up to {terms} features"),
                run.median(),
                run.ratio(rows as u64),
                &format!(
                    "{} candidates, {} tests, {} pockets; {} model calls",
                    report.candidates,
                    report.family,
                    report.findings.len(),
                    report.model_calls
                ),
            );
        }
        common::paired_raw_summary(rows);
    }
    let (data, model) = wide(n);
    // The wide model's own cost: its batched predict of every row, the faster of two.
    let raw = (0..2)
        .map(|_| {
            let started = std::time::Instant::now();
            for batch in data.rows().chunks(model_check::cohort::BATCH_SIZE) {
                std::hint::black_box(model.predict(batch).expect("predicts"));
            }
            started.elapsed()
        })
        .min()
        .expect("two runs");
    for terms in [2, 3] {
        let started = std::time::Instant::now();
        let report = discover(&model, &data)
            .max_terms(terms)
            .min_share(0.01)
            .run()
            .expect("searches");
        line(
            &format!("discover, {n} rows x 20 numbers, up to {terms} features"),
            started.elapsed(),
            started.elapsed().as_secs_f64() / raw.as_secs_f64(),
            &format!(
                "{} candidates, {} tests, {} pockets; {} model calls",
                report.candidates,
                report.family,
                report.findings.len(),
                report.model_calls
            ),
        );
    }
}
