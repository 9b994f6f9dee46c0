//! Invariance and flip search on a seeded sample: how many rows the model is asked to
//! predict, against the rows the expectation needs, and the time against the raw cost of
//! predicting those rows. See `benches/README.md`.
//!
//! Each repetition has a fresh model identity and runs the check twice: cold (nothing
//! cached: what a test run pays) and warm (the same check again, the dataset's predictions
//! cached). The warm run asks only for the inputs the expectation generates (and a few
//! spot-checked rows), so the rows a check needs are the sample plus the warm run's rows.
//! `MODEL_CHECK_BENCH_SAMPLE` sets the sample (default 10000).

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::{Counter, Row, bench_reps, bench_rows, line, median, ratio};
use model_check::data::Dataset;
use model_check::expect::{Expectation, check, flip, invariant};
use model_check::model::{Model, Probabilities};
use model_check::perturb::noise;

struct Setup<'a> {
    data: &'a Arc<Dataset<Row>>,
    sample: usize,
    reps: usize,
}

fn measure<M, E>(
    setup: &Setup<'_>,
    name: &str,
    model: impl Fn(usize) -> M,
    counter: &Counter,
    expectation: impl Fn() -> E,
) where
    M: Model<Input = Row, Output = Probabilities> + 'static,
    E: Expectation<M> + 'static,
{
    let mut raw = Vec::new();
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut counts = None;
    let mut verdict = String::new();
    for rep in 0..setup.reps {
        raw.push(common::raw_once(setup.data.rows()));
        let check = check(model(rep), Arc::clone(setup.data))
            .sample(setup.sample)
            .expect(expectation());
        let before = counter.now();
        let started = Instant::now();
        let report = check.run(common::CHECK_SEED);
        cold.push(started.elapsed());
        let cold_asked = counter.since(before);
        verdict = common::verdicts(&report);

        let before = counter.now();
        let started = Instant::now();
        let report = check.run(common::CHECK_SEED);
        warm.push(started.elapsed());
        let warm_asked = counter.since(before);
        common::verdicts(&report);
        counts = Some((cold_asked, warm_asked));
    }
    let ((cold_rows, cold_calls), (warm_rows, warm_calls)) = counts.expect("one repetition");
    let needed = setup.sample as u64 + warm_rows;
    line(
        &format!("{name} (cold)"),
        median(&cold),
        ratio(&cold, &raw, needed),
        &format!(
            "rows asked {cold_rows} calls {cold_calls}; rows needed {needed} ({:.1}× asked/needed); {verdict}",
            cold_rows as f64 / needed as f64
        ),
    );
    line(
        &format!("{name} (warm cache)"),
        median(&warm),
        ratio(&warm, &raw, needed),
        &format!("rows asked {warm_rows} calls {warm_calls}"),
    );
}

fn main() {
    let n = bench_rows();
    let reps = bench_reps();
    let sample = common::env_usize("MODEL_CHECK_BENCH_SAMPLE", 10_000).clamp(1, n);
    common::header("perturbation", n, reps);
    let data = Arc::new(common::dataset(n, common::DATA_SEED));
    common::raw_baseline(data.rows(), reps);
    let setup = Setup {
        data: &data,
        sample,
        reps,
    };
    println!(
        "(below, × raw is against the raw cost of the rows each check needs: the sample of {sample} plus the inputs it generates, at the per-row raw cost of all {n} rows)"
    );
    let counter = Counter::default();
    let model = |what: &'static str| {
        let counter = counter.clone();
        move |rep: usize| common::counted_logit(format!("{what}-rep{rep}"), counter.clone())
    };
    measure(
        &setup,
        &format!("sample({sample}) invariant(noise(0.1))"),
        model("noise"),
        &counter,
        || invariant(noise(0.1)),
    );
    measure(
        &setup,
        &format!("sample({sample}) flip(x0).never()"),
        model("flip-x0"),
        &counter,
        || flip(Row::X0).never(),
    );
    measure(
        &setup,
        &format!("sample({sample}) flip(segment).never()"),
        model("flip-segment"),
        &counter,
        || flip(Row::SEGMENT).never(),
    );
    common::paired_raw_summary(n);
}
