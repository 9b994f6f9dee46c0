//! The `onnx` adapter's cost (feature `onnx`, tract-onnx 0.23) per model kind, against
//! onnxruntime's on the same files and rows: the scikit-learn models of
//! `adapter-tests/fixtures/onnx/` (a logistic regression, random forests of 10, 30 and 100
//! trees of depth ≤ 8) on their 1,760 Telco test rows. onnxruntime's times are read from
//! the fixture's `meta.json`, measured by `export.py` (one thread, median of 21 runs).
//!
//! Lines, per model: the adapter's `predict` on all rows in one batch (one tract run);
//! tract alone on the same ready-made float32 tensor, through the plan the adapter compiles
//! (a symbolic batch dimension) and through a plan compiled for exactly that batch size;
//! `predict` on one row at a time (the mean over the first 100 rows); then the largest
//! difference from onnxruntime's stored probabilities. Last, the table of tract
//! against onnxruntime. `MODEL_CHECK_BENCH_REPS` sets the repetitions (default 3).
//!
//! ```sh
//! cargo bench -p model-check --features onnx --bench onnx
//! ```

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{bench_reps, median, show};
use model_check::adapters::Flat;
use model_check::adapters::onnx::{OnnxClassifier, OnnxGraph};
use model_check::model::{Model, ModelInfo, Probabilities};
use serde_json::Value as Json;
use tract_onnx::prelude::{
    Datum, Framework, InferenceFact, InferenceModelExt, IntoRunnable, Tensor, ToDim, tvec,
};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../adapter-tests/fixtures/onnx"
);
const MODELS: [&str; 4] = ["lr", "forest10", "forest30", "forest100"];
/// Rows predicted one at a time.
const SINGLE_ROWS: usize = 100;

/// A CSV fixture's records, header skipped.
fn records(name: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(format!("{FIXTURES}/{name}"))
        .expect("the fixture")
        .records()
        .map(|r| r.expect("a record"))
        .collect()
}

fn f32_cell(r: &csv::StringRecord, i: usize) -> f32 {
    r[i].parse().expect("a float32")
}

/// The median of `reps` timings of `f`.
fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let started = Instant::now();
        black_box(f());
        times.push(started.elapsed());
    }
    median(&times)
}

/// tract directly, no adapter: the graph compiled for `rows × width` inputs (a symbolic
/// batch dimension when `symbolic`, as the adapter compiles it, else exactly `rows`), run
/// once per call on the ready-made float32 tensor.
fn tract_plan(
    name: &str,
    rows: usize,
    width: usize,
    x: &[f32],
    symbolic: bool,
) -> impl FnMut() -> usize {
    let model = tract_onnx::onnx()
        .model_for_path(format!("{FIXTURES}/{name}.onnx"))
        .expect("tract reads the graph");
    let batch = if symbolic {
        model.sym("N").to_dim()
    } else {
        rows.to_dim()
    };
    let plan = model
        .with_input_fact(
            0,
            InferenceFact::dt_shape(f32::datum_type(), tvec![batch, width.to_dim()]),
        )
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .expect("tract compiles the graph");
    let input = Tensor::from_shape(&[rows, width], x).expect("a tensor");
    move || {
        let out = plan.run(tvec![input.clone().into()]).expect("tract runs");
        out.len()
    }
}

fn main() {
    let reps = bench_reps();
    let meta: Json = serde_json::from_str(
        &std::fs::read_to_string(format!("{FIXTURES}/meta.json")).expect("meta.json"),
    )
    .expect("JSON");
    let matrix = records("test_matrix.csv");
    let width = matrix[0].len() - 1;
    let x: Vec<Vec<f64>> = matrix
        .iter()
        .map(|r| (1..=width).map(|i| f64::from(f32_cell(r, i))).collect())
        .collect();
    let flat32: Vec<f32> = x.iter().flatten().map(|&v| v as f32).collect();
    let rows = x.len();
    println!(
        "onnx bench: {rows} rows × {width} columns, {reps} repetitions; onnxruntime {} (one thread), tract-onnx 0.23.9",
        meta["versions"]["onnxruntime"].as_str().unwrap_or("?")
    );
    println!("{:<44} {:>10} {:>12}", "measurement", "median", "per row");
    let mut table = Vec::new();
    for name in MODELS {
        let graph = OnnxGraph::from_path(format!("{FIXTURES}/{name}.onnx")).expect("the graph");
        let model = OnnxClassifier::new(ModelInfo::new(name, "onnx"), graph, ["No", "Yes"], Flat)
            .expect("the model");

        let mut last: Vec<Probabilities> = Vec::new();
        let batch = time(reps, || {
            last = model.predict(&x).expect("predicts");
            last.len()
        });
        let symbolic = time(reps, tract_plan(name, rows, width, &flat32, true));
        let concrete = time(reps, tract_plan(name, rows, width, &flat32, false));
        let single = time(reps, || {
            for row in x.iter().take(SINGLE_ROWS) {
                black_box(model.predict(std::slice::from_ref(row)).expect("predicts"));
            }
        }) / SINGLE_ROWS as u32;

        let stored = records(&format!("{name}_predictions.csv"));
        let worst = last
            .iter()
            .zip(&stored)
            .flat_map(|(p, r)| {
                let want = [f64::from(f32_cell(r, 2)), f64::from(f32_cell(r, 3))];
                (0..2).map(move |c| (p.as_slice()[c] - want[c]).abs())
            })
            .fold(0.0_f64, f64::max);

        let per_row = |d: Duration| format!("{:.0} ns", d.as_secs_f64() * 1e9 / rows as f64);
        println!(
            "{:<44} {:>10} {:>12}",
            format!("{name}: predict, one batch of {rows}"),
            show(batch),
            per_row(batch)
        );
        println!(
            "{:<44} {:>10} {:>12}",
            format!("{name}: tract alone, symbolic batch"),
            show(symbolic),
            per_row(symbolic)
        );
        println!(
            "{:<44} {:>10} {:>12}",
            format!("{name}: tract alone, plan for exactly {rows} rows"),
            show(concrete),
            per_row(concrete)
        );
        println!(
            "{:<44} {:>10} {:>12}",
            format!("{name}: predict, one row per call"),
            show(single),
            ""
        );
        println!("{name}: max |tract − onnxruntime| = {worst:.3e}");

        let ort = &meta["models"][name];
        let seconds = |key: &str| Duration::from_secs_f64(ort[key].as_f64().expect("a time"));
        table.push((
            name,
            batch,
            seconds("onnxruntime_seconds_batch"),
            single,
            seconds("onnxruntime_seconds_one_row"),
        ));
    }

    println!();
    println!(
        "| model | rows | tract | onnxruntime | ratio | tract, 1 row | onnxruntime, 1 row | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, batch, ort_batch, single, ort_single) in table {
        println!(
            "| {name} | {rows} | {} | {} | {:.1}× | {} | {} | {:.1}× |",
            show(batch),
            show(ort_batch),
            batch.as_secs_f64() / ort_batch.as_secs_f64(),
            show(single),
            show(ort_single),
            single.as_secs_f64() / ort_single.as_secs_f64(),
        );
    }
}
