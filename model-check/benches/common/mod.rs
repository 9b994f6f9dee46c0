//! What every bench shares: the seeded synthetic data, the logistic model, a model wrapper
//! that counts the rows it is asked about, a tiny timing harness (median of repetitions,
//! ratio to the raw cost of predicting) and peak-memory readings.
//!
//! Knobs, all environment variables: `MODEL_CHECK_BENCH_ROWS` (rows, default 1,000,000) and
//! `MODEL_CHECK_BENCH_REPS` (repetitions per measurement, default 3); the benches add their
//! own.

// Each bench uses part of this module.
#![allow(dead_code)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use model_check::Features;
use model_check::cohort::{BATCH_SIZE, Cohort};
use model_check::data::{Dataset, Labels};
use model_check::model::{Classifier, Model, ModelError, ModelInfo, Probabilities};
use model_check::outcome::{CheckReport, Verdict};
use rand::RngExt;
use rand_distr::StandardNormal;

/// The seed of the synthetic data.
pub const DATA_SEED: u64 = 11;

/// The seed checks run with.
pub const CHECK_SEED: u64 = 42;

/// The classes, in the model's order.
pub const CLASSES: [&str; 2] = ["No", "Yes"];

/// The levels of the 5-level text feature.
pub const REGIONS: [&str; 5] = ["north", "south", "east", "west", "central"];

/// The levels of the 12-level text feature.
pub const SEGMENTS: [&str; 12] = [
    "basic",
    "standard",
    "plus",
    "premium",
    "family",
    "student",
    "senior",
    "business",
    "enterprise",
    "trial",
    "legacy",
    "partner",
];

/// The weights of the ten numeric features in the linear score.
const WEIGHTS: [f64; 10] = [1.2, -0.9, 0.8, 0.6, -0.5, 0.4, 0.3, -0.3, 0.2, 0.1];
const INTERCEPT: f64 = -0.2;
const REGION_EFFECT: [f64; 5] = [-0.8, 0.0, 0.4, 0.8, -0.4];

/// One synthetic row: ten standard-normal numbers and two categorical texts.
#[derive(Features, Clone, Debug)]
pub struct Row {
    pub x0: f64,
    pub x1: f64,
    pub x2: f64,
    pub x3: f64,
    pub x4: f64,
    pub x5: f64,
    pub x6: f64,
    pub x7: f64,
    pub x8: f64,
    pub x9: f64,
    pub region: String,
    pub segment: String,
}

fn region_effect(region: &str) -> f64 {
    REGIONS
        .iter()
        .position(|&r| r == region)
        .map_or(0.0, |i| REGION_EFFECT[i])
}

/// Evenly spaced from −1.1 (the first level) to 1.1 (the last).
fn segment_effect(segment: &str) -> f64 {
    SEGMENTS
        .iter()
        .position(|&s| s == segment)
        .map_or(0.0, |i| -1.1 + 2.2 * i as f64 / 11.0)
}

/// The linear score: its standard deviation is about 2.2, so a model predicting the more
/// probable class of `sigmoid(score)` is right about 79% of the time.
pub fn score(row: &Row) -> f64 {
    let x = [
        row.x0, row.x1, row.x2, row.x3, row.x4, row.x5, row.x6, row.x7, row.x8, row.x9,
    ];
    let linear: f64 = x.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum();
    INTERCEPT + linear + region_effect(&row.region) + segment_effect(&row.segment)
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The model's own work on a batch, as a user's closure does it: `[P(No), P(Yes)]` per row.
pub fn predict_batch(batch: &[Row]) -> Result<Vec<Vec<f64>>, ModelError> {
    Ok(batch
        .iter()
        .map(|row| {
            let p = sigmoid(score(row));
            vec![1.0 - p, p]
        })
        .collect())
}

/// `n` rows and their labels, drawn with `seed`: each label is `Yes` with probability
/// `sigmoid(score)`. The first `k` rows do not depend on `n`.
pub fn rows(n: usize, seed: u64) -> (Vec<Row>, Vec<&'static str>) {
    let mut rng = model_check::rng::seeded_rng(seed);
    let mut rows = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let mut x = [0.0; 10];
        for v in &mut x {
            *v = rng.sample(StandardNormal);
        }
        let row = Row {
            x0: x[0],
            x1: x[1],
            x2: x[2],
            x3: x[3],
            x4: x[4],
            x5: x[5],
            x6: x[6],
            x7: x[7],
            x8: x[8],
            x9: x[9],
            region: REGIONS[rng.random_range(0..REGIONS.len())].to_string(),
            segment: SEGMENTS[rng.random_range(0..SEGMENTS.len())].to_string(),
        };
        let yes = rng.random::<f64>() < sigmoid(score(&row));
        labels.push(CLASSES[usize::from(yes)]);
        rows.push(row);
    }
    (rows, labels)
}

/// `n` rows as a dataset (labels over the declared classes, no per-row `String` labels).
pub fn dataset(n: usize, seed: u64) -> Dataset<Row> {
    let (rows, labels) = rows(n, seed);
    let labels = Labels::with_classes(CLASSES, labels).expect("labels are classes");
    Dataset::from_rows(rows, labels)
        .expect("finite rows")
        .named(format!("synthetic-{n}"))
}

/// The logistic model over the same linear score, as `Classifier::from_fn` wraps a closure.
pub fn logit(info: ModelInfo) -> impl Model<Input = Row, Output = Probabilities> + 'static {
    Classifier::from_fn(info, CLASSES, |batch: &[Row]| predict_batch(batch))
        .expect("two distinct classes")
}

/// The ten cohorts: categories of both text features, numeric ranges, and two `and`s.
pub fn cohorts() -> Vec<Cohort<Row>> {
    vec![
        Cohort::all(),
        Cohort::category(Row::REGION, "north"),
        Cohort::category(Row::REGION, "west"),
        Cohort::category(Row::SEGMENT, "premium"),
        Cohort::category(Row::SEGMENT, "trial"),
        Cohort::range(Row::X0, 0.0..1.0),
        Cohort::range(Row::X1, ..-1.0),
        Cohort::range(Row::X2, -0.5..=0.5),
        Cohort::category(Row::REGION, "north").and(Cohort::range(Row::X0, 0.0..1.0)),
        Cohort::category(Row::SEGMENT, "premium").and(Cohort::category(Row::REGION, "east")),
    ]
}

/// Counts of what a model was asked, shared with the bench that reads them.
#[derive(Clone, Default)]
pub struct Counter {
    rows: Arc<AtomicU64>,
    calls: Arc<AtomicU64>,
}

impl Counter {
    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The rows and calls made since `before`.
    pub fn since(&self, before: (u64, u64)) -> (u64, u64) {
        (self.rows() - before.0, self.calls() - before.1)
    }

    pub fn now(&self) -> (u64, u64) {
        (self.rows(), self.calls())
    }
}

/// A model that counts the rows and calls it is asked for.
pub struct Counting<M> {
    inner: M,
    counter: Counter,
}

impl<M> Counting<M> {
    pub fn new(inner: M, counter: Counter) -> Self {
        Counting { inner, counter }
    }
}

impl<M: Model> Model for Counting<M> {
    type Input = M::Input;
    type Output = M::Output;

    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    fn predict(&self, batch: &[M::Input]) -> Result<Vec<M::Output>, ModelError> {
        self.counter
            .rows
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        self.counter.calls.fetch_add(1, Ordering::Relaxed);
        self.inner.predict(batch)
    }
}

/// The counted logistic model with identity `logit@version`: a new version is a new model
/// to the predict-once cache.
pub fn counted_logit(
    version: String,
    counter: Counter,
) -> Counting<impl Model<Input = Row, Output = Probabilities> + 'static> {
    Counting::new(logit(ModelInfo::new("logit", version)), counter)
}

/// An environment variable read as a number, or `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// The rows the benches use (`MODEL_CHECK_BENCH_ROWS`, default 1,000,000).
pub fn bench_rows() -> usize {
    env_usize("MODEL_CHECK_BENCH_ROWS", 1_000_000).max(1)
}

/// Repetitions per measurement (`MODEL_CHECK_BENCH_REPS`, default 3).
pub fn bench_reps() -> usize {
    env_usize("MODEL_CHECK_BENCH_REPS", 3).max(1)
}

/// Repetitions of a measurement, each paired with a raw predict timed just before it, so a
/// ratio compares times taken under the same load.
pub struct Timed<T> {
    times: Vec<Duration>,
    raw_per_row: Vec<f64>,
    /// What the last repetition returned.
    pub last: T,
}

impl<T> Timed<T> {
    /// The median time.
    pub fn median(&self) -> Duration {
        median(&self.times)
    }

    /// The median over repetitions of its time over the raw cost of predicting `rows` rows
    /// (from the raw predict timed just before it).
    pub fn ratio(&self, rows: u64) -> f64 {
        ratio(&self.times, &self.raw_per_row, rows)
    }
}

/// The median of some durations.
pub fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

/// The median of `times[i] / (raw_per_row[i] × rows)`.
pub fn ratio(times: &[Duration], raw_per_row: &[f64], rows: u64) -> f64 {
    let mut ratios: Vec<f64> = times
        .iter()
        .zip(raw_per_row)
        .map(|(t, raw)| t.as_secs_f64() / (raw * rows as f64))
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Runs `f(rep)` `reps` times, each right after a raw predict of `raw_rows`.
pub fn time<T>(reps: usize, raw_rows: &[Row], mut f: impl FnMut(usize) -> T) -> Timed<T> {
    let mut times = Vec::with_capacity(reps);
    let mut raw_per_row = Vec::with_capacity(reps);
    let mut last = None;
    for rep in 0..reps {
        raw_per_row.push(raw_once(raw_rows));
        let started = Instant::now();
        let out = black_box(f(rep));
        times.push(started.elapsed());
        last = Some(out);
    }
    Timed {
        times,
        raw_per_row,
        last: last.expect("at least one repetition"),
    }
}

/// The raw cost: the closure itself on every row, in batches of `BATCH_SIZE`.
pub fn raw_predict(rows: &[Row]) -> f64 {
    rows.chunks(BATCH_SIZE)
        .map(|batch| {
            let out = predict_batch(black_box(batch)).expect("the closure never fails");
            out.iter().map(|p| p[1]).sum::<f64>()
        })
        .sum()
}

/// Every paired raw cost measured so far, in seconds per row.
static PAIRED: std::sync::Mutex<Vec<f64>> = std::sync::Mutex::new(Vec::new());

/// The raw cost of `rows` now, in seconds per row: the faster of two raw predicts, so the
/// caches are as warm as for the baseline's repetitions.
pub fn raw_once(rows: &[Row]) -> f64 {
    let per_row = (0..2)
        .map(|_| {
            let started = Instant::now();
            black_box(raw_predict(rows));
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
        / rows.len() as f64;
    PAIRED.lock().expect("not poisoned").push(per_row);
    per_row
}

/// Prints (and forgets) the raw predicts the ratios above were paired with, as the cost of
/// `rows` rows.
pub fn paired_raw_summary(rows: usize) {
    let mut paired = std::mem::take(&mut *PAIRED.lock().expect("not poisoned"));
    if paired.is_empty() {
        return;
    }
    paired.sort_by(f64::total_cmp);
    let at = |x: f64| Duration::from_secs_f64(x * rows as f64);
    println!(
        "(× raw: the median over repetitions of time / a raw predict timed just before each; those {} raw predicts of {rows} rows: median {}, range {}–{})",
        paired.len(),
        show(at(paired[paired.len() / 2])),
        show(at(paired[0])),
        show(at(paired[paired.len() - 1])),
    );
}

/// Times the raw predict of `rows` (at least five repetitions: it is every ratio's unit)
/// and prints its line.
pub fn raw_baseline(rows: &[Row], reps: usize) {
    let times: Vec<Duration> = (0..reps.max(5))
        .map(|_| {
            let started = Instant::now();
            black_box(raw_predict(rows));
            started.elapsed()
        })
        .collect();
    line(
        "raw predict (closure, 4096-row batches)",
        median(&times),
        1.0,
        &format!(
            "rows {} calls {}",
            rows.len(),
            rows.len().div_ceil(BATCH_SIZE)
        ),
    );
}

/// Prints the header of a bench.
pub fn header(bench: &str, rows: usize, reps: usize) {
    println!("== {bench}: {rows} rows, median of {reps}");
    println!(
        "{:<58} {:>10} {:>9}  counts",
        "measurement", "median", "× raw"
    );
}

/// One measurement: its name, median, ratio to the raw cost of the same rows, and counts.
pub fn line(name: &str, median: Duration, ratio: f64, counts: &str) {
    println!("{name:<58} {:>10} {:>8.2}×  {counts}", show(median), ratio);
}

/// A duration with three significant figures and a unit.
pub fn show(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// The verdicts of a report, counted: `pass 18 fail 2`; a bench whose checks error panics,
/// since it would be timing the error path.
pub fn verdicts(report: &CheckReport) -> String {
    let count = |v: Verdict| report.outcomes.iter().filter(|o| o.verdict == v).count();
    if let Some(o) = report.outcomes.iter().find(|o| o.verdict == Verdict::Error) {
        panic!(
            "{} on {} errored: {}",
            o.expectation,
            o.cohort,
            o.note.as_deref().unwrap_or("")
        );
    }
    format!(
        "pass {} fail {} inconclusive {}",
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Inconclusive)
    )
}

/// `VmRSS` and `VmHWM` (peak) of this process, in bytes (Linux; zeros elsewhere).
pub fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak (`VmHWM`) to the current RSS (Linux ≥ 4.0); whether it could.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Bytes per row, for a memory line.
pub fn per_row(bytes: u64, rows: usize) -> f64 {
    bytes as f64 / rows as f64
}
