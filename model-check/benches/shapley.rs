//! Exact Shapley values for 12 features × 100 explained rows × 100 background rows, on the
//! scikit-learn logistic regression of `tests/oracles/shapley.json` (the rows shap's
//! `Exact` explainer was timed on, by `tests/oracles/shapley.py`), against the raw cost of
//! predicting the same number of rows, measured in the same run.
//!
//! Lines: the raw predict (the scoring function alone, writing one probability pair per row
//! into a flat matrix, on one 4,096-row batch in cache, as the explainer's batches are when
//! predicted: the model's floor); the model's `predict` (the same, returned as
//! `Probabilities::batch`); `Shapley::exact_rows` on the 100 rows, with its model calls and
//! rows, its ratio to the raw cost of those rows, its largest difference from shap's values
//! and its speed-up on shap's time; and `Shapley::sampled_rows` with 100 permutations.
//! `MODEL_CHECK_BENCH_REPS` sets the repetitions (default 3).

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{bench_reps, line, median, show};
use model_check::data::Value;
use model_check::explain::{Shapley, ShapleyValues};
use model_check::model::{BATCH_SIZE, Classes, Model, ModelError, ModelInfo, Probabilities};
use model_check::prelude::Features;
use serde_json::Value as Json;

/// The twelve Telco columns of the oracle, in its order.
#[derive(Features, Clone, Default)]
struct Telco {
    female: f64,
    senior_citizen: f64,
    partner: f64,
    dependents: f64,
    tenure: f64,
    phone_service: f64,
    paperless_billing: f64,
    monthly_charges: f64,
    total_charges: f64,
    online_security: f64,
    tech_support: f64,
    month_to_month: f64,
}

/// The exported pipeline: `P(Yes) = sigmoid(intercept + Σ coef_i (x_i − mean_i) / scale_i)`.
struct Logistic {
    info: ModelInfo,
    classes: Classes,
    mean: [f64; 12],
    scale: [f64; 12],
    coef: [f64; 12],
    intercept: f64,
}

impl Logistic {
    fn p_yes(&self, row: &Telco) -> f64 {
        let x = [
            row.female,
            row.senior_citizen,
            row.partner,
            row.dependents,
            row.tenure,
            row.phone_service,
            row.paperless_billing,
            row.monthly_charges,
            row.total_charges,
            row.online_security,
            row.tech_support,
            row.month_to_month,
        ];
        let mut z = self.intercept;
        for (i, x) in x.into_iter().enumerate() {
            z += self.coef[i] * ((x - self.mean[i]) / self.scale[i]);
        }
        1.0 / (1.0 + (-z).exp())
    }

    /// The raw work: `[P(No), P(Yes)]` per row, flat.
    fn score(&self, batch: &[Telco]) -> Vec<f64> {
        let mut out = Vec::with_capacity(2 * batch.len());
        for row in batch {
            let p = self.p_yes(row);
            out.extend([1.0 - p, p]);
        }
        out
    }
}

impl Model for Logistic {
    type Input = Telco;
    type Output = Probabilities;
    fn info(&self) -> &ModelInfo {
        &self.info
    }
    fn predict(&self, batch: &[Telco]) -> Result<Vec<Probabilities>, ModelError> {
        Probabilities::batch(&self.classes, self.score(batch))
    }
}

fn numbers(json: &Json) -> Vec<f64> {
    json.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn twelve(json: &Json) -> [f64; 12] {
    numbers(json).try_into().expect("twelve numbers")
}

fn rows(json: &Json) -> Vec<Telco> {
    json.as_array()
        .expect("rows")
        .iter()
        .map(|values| {
            let mut row = Telco::default();
            for (i, x) in numbers(values).into_iter().enumerate() {
                row.set_value(i, Value::Number(x)).expect("a number");
            }
            row
        })
        .collect()
}

/// How many times the raw baselines predict their batch.
const RAW_REPEATS: usize = 100;

/// The raw cost now, in seconds per row: the faster of two runs of the scoring function on
/// `batch` (one batch of `BATCH_SIZE` rows, in cache as the explainer's batches are when
/// they are predicted), `RAW_REPEATS` times each.
fn raw_per_row(model: &Logistic, batch: &[Telco]) -> f64 {
    (0..2)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..RAW_REPEATS {
                black_box(model.score(black_box(batch)));
            }
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
        / (RAW_REPEATS * batch.len()) as f64
}

/// Median of `times[i] / (raw[i] × rows)`.
fn ratio(times: &[Duration], raw: &[f64], rows: u64) -> f64 {
    let mut ratios: Vec<f64> = times
        .iter()
        .zip(raw)
        .map(|(t, r)| t.as_secs_f64() / (r * rows as f64))
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Repeats `explain`, each time after a raw measurement; the median time, the ratio to the
/// raw cost of the rows predicted, and the last result.
fn measure(
    reps: usize,
    model: &Logistic,
    raw_batch: &[Telco],
    mut explain: impl FnMut() -> Vec<ShapleyValues>,
) -> (Duration, f64, Vec<ShapleyValues>) {
    let mut times = Vec::new();
    let mut raw = Vec::new();
    let mut last = Vec::new();
    for _ in 0..reps {
        raw.push(raw_per_row(model, raw_batch));
        let started = Instant::now();
        last = black_box(explain());
        times.push(started.elapsed());
    }
    let rows: u64 = last.iter().map(|e| e.model_rows).sum();
    (median(&times), ratio(&times, &raw, rows), last)
}

fn main() {
    let reps = bench_reps();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/oracles/shapley.json");
    let oracle: Json =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the oracle")).expect("JSON");
    let case = &oracle["logistic"];
    let timing = &oracle["timing"];
    let model = Logistic {
        info: ModelInfo::new("telco-logistic", "sklearn"),
        classes: Classes::new(["No", "Yes"]).expect("two classes"),
        mean: twelve(&case["mean"]),
        scale: twelve(&case["scale"]),
        coef: twelve(&case["coef"]),
        intercept: case["intercept"].as_f64().expect("a number"),
    };
    let background = rows(&case["background"]);
    let explained = rows(&timing["rows"]);
    let shap_seconds = numbers(&timing["seconds"]);
    let shap_best = shap_seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let shap_version = oracle["versions"]["shap"].as_str().unwrap_or("?");

    // The raw baselines' batch: the background, cycled to one full batch.
    let raw_batch: Vec<Telco> = background
        .iter()
        .cycle()
        .take(BATCH_SIZE)
        .cloned()
        .collect();
    let raw_rows = RAW_REPEATS * raw_batch.len();
    println!(
        "== shapley: 12 features, {} explained rows, {} background rows, median of {reps}",
        explained.len(),
        background.len()
    );
    println!(
        "{:<58} {:>10} {:>9}  counts",
        "measurement", "median", "× raw"
    );
    let raw: Vec<f64> = (0..reps.max(5))
        .map(|_| raw_per_row(&model, &raw_batch))
        .collect();
    let mut sorted = raw.clone();
    sorted.sort_by(f64::total_cmp);
    let raw_median = sorted[sorted.len() / 2];
    line(
        "raw predict (scoring function, one 4096-row batch × 100)",
        Duration::from_secs_f64(raw_median * raw_rows as f64),
        1.0,
        &format!("rows {raw_rows} ({:.1} ns per row)", raw_median * 1e9),
    );
    let predict: Vec<Duration> = (0..reps.max(5))
        .map(|_| {
            let started = Instant::now();
            for _ in 0..RAW_REPEATS {
                black_box(model.predict(black_box(&raw_batch)).expect("valid"));
            }
            started.elapsed()
        })
        .collect();
    line(
        "Model::predict (Probabilities::batch), the same",
        median(&predict),
        median(&predict).as_secs_f64() / (raw_median * raw_rows as f64),
        &format!("rows {raw_rows}"),
    );

    let shapley = Shapley::new(&model, &background).class("Yes");
    let (time, ratio, exact) = measure(reps, &model, &raw_batch, || {
        shapley.exact_rows(&explained).expect("explained")
    });
    let calls: u64 = exact.iter().map(|e| e.model_calls).sum();
    let rows: u64 = exact.iter().map(|e| e.model_rows).sum();
    let shap_values: Vec<Vec<f64>> = timing["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(numbers)
        .collect();
    let worst = exact
        .iter()
        .zip(&shap_values)
        .flat_map(|(e, s)| e.values.iter().zip(s).map(|(a, b)| (a - b).abs()))
        .fold(0.0, f64::max);
    let gap = exact
        .iter()
        .map(|e| e.additivity_gap.abs())
        .fold(0.0, f64::max);
    line(
        "Shapley::exact_rows, 100 rows × 2^12 coalitions × 100",
        time,
        ratio,
        &format!(
            "calls {calls} rows {rows}; largest |φ − shap| {worst:.1e}, additivity gap ≤ {gap:.1e}"
        ),
    );
    println!(
        "  shap {shap_version} Exact on the same rows: {} (runs {}) — model-check {:.1}× faster",
        show(Duration::from_secs_f64(shap_best)),
        shap_seconds
            .iter()
            .map(|s| show(Duration::from_secs_f64(*s)))
            .collect::<Vec<_>>()
            .join(", "),
        shap_best / time.as_secs_f64()
    );

    let (time, ratio, sampled) = measure(reps, &model, &raw_batch, || {
        shapley
            .sampled_rows(&explained, 100, 42)
            .expect("explained")
    });
    let calls: u64 = sampled.iter().map(|e| e.model_calls).sum();
    let rows: u64 = sampled.iter().map(|e| e.model_rows).sum();
    let (mut within, mut cases) = (0, 0);
    let mut se_sum = 0.0;
    for (s, e) in sampled.iter().zip(&exact) {
        for i in 0..12 {
            cases += 1;
            within += usize::from((s.values[i] - e.values[i]).abs() <= 2.0 * s.std_errors[i]);
            se_sum += s.std_errors[i];
        }
    }
    line(
        "Shapley::sampled_rows, 100 permutations",
        time,
        ratio,
        &format!(
            "calls {calls} rows {rows}; exact within ±2 SE in {within} of {cases}, mean SE {:.1e}",
            se_sum / cases as f64
        ),
    );
}
