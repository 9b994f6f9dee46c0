//! Ten checks — accuracy and recall of `Yes` on each of the ten cohorts — against the raw
//! cost of predicting every row. See `benches/README.md`.
//!
//! Predictions are cached per process by model identity, so each repetition gets a fresh
//! identity (`logit@rep{i}`): every repetition pays for its predictions, as a test run
//! does. The same suite run again on the last identity is the warm-cache figure.

mod common;

use std::sync::Arc;

use common::{Counter, Row, bench_reps, bench_rows, line, memory, per_row, time};
use model_check::data::Dataset;
use model_check::expect::{accuracy, check, recall};
use model_check::model::{Model, Probabilities};
use model_check::{Check, Suite};

fn suite<M>(model: &Arc<M>, data: &Arc<Dataset<Row>>) -> Suite
where
    M: Model<Input = Row, Output = Probabilities> + 'static,
{
    common::cohorts()
        .into_iter()
        .map(|cohort| -> Check {
            check(Arc::clone(model), Arc::clone(data))
                .on(cohort)
                .expect_all([accuracy().at_least(0.7), recall("Yes").at_least(0.6)])
        })
        .collect()
}

fn main() {
    let n = bench_rows();
    let reps = bench_reps();
    common::header("checks", n, reps);
    let data = Arc::new(common::dataset(n, common::DATA_SEED));
    let rows = data.rows();
    common::raw_baseline(rows, reps);

    let counter = Counter::default();
    let (rss_before, _) = memory();
    let cold = time(reps, rows, |rep| {
        let model = Arc::new(common::counted_logit(format!("rep{rep}"), counter.clone()));
        let suite = suite(&model, &data);
        let before = counter.now();
        let report = suite.run(common::CHECK_SEED);
        (report, counter.since(before), suite)
    });
    let (rss_after, _) = memory();
    let (report, (asked, calls), suite) = &cold.last;
    line(
        "10 checks x [accuracy, recall Yes] (fresh identity)",
        cold.median(),
        cold.ratio(n as u64),
        &format!("rows {asked} calls {calls}; {}", common::verdicts(report)),
    );

    let warm = time(reps, rows, |_| {
        let before = counter.now();
        let report = suite.run(common::CHECK_SEED);
        (report, counter.since(before))
    });
    let (report, (asked, calls)) = &warm.last;
    line(
        "10 checks x [accuracy, recall Yes] (warm cache)",
        warm.median(),
        warm.ratio(n as u64),
        &format!("rows {asked} calls {calls}; {}", common::verdicts(report)),
    );
    common::paired_raw_summary(n);
    println!(
        "memory: RSS grew {:.0} B/row per fresh identity ({reps} identities; the predict-once cache keeps every identity's outputs)",
        per_row(rss_after.saturating_sub(rss_before), n) / reps as f64,
    );
}
