//! Streaming a Parquet file through `ParquetSource` in flat memory (feature `parquet`).
//!
//! Writes synthetic files of 1M and 10M rows (ten standard-normal floats, two text columns
//! and a `Yes`/`No` label drawn from a logistic score, seed 11; snappy, row groups of
//! 1,048,576 rows, the arrow writer's default) into a temporary directory, then streams each
//! through `evaluate_classifier_stream` with a logistic model over the same score, at two
//! batch sizes, and loads it whole (`Dataset::from_parquet`) for contrast. Each run is a
//! fresh process (this executable again), so its peak RSS (`VmHWM` from `/proc/self/status`)
//! is the run's own and nothing the writer allocated: the streaming peak follows the batch
//! size, not the rows or the file; the whole load's grows with the rows.
//!
//! ```sh
//! cargo bench -p model-check --bench parquet_stream --features parquet
//! MODEL_CHECK_BENCH_PARQUET_ROWS=200000,2000000 cargo bench -p model-check --bench parquet_stream --features parquet
//! ```
//!
//! Knobs: `MODEL_CHECK_BENCH_PARQUET_ROWS` (comma-separated file sizes, default
//! `1000000,10000000`) and `MODEL_CHECK_BENCH_PARQUET_BATCHES` (comma-separated batch sizes,
//! default `8192,65536`): each batch size is both the reader's record batch and the dataset
//! batch the source hands out.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use model_check::Features;
use model_check::cohort::{Cohort, evaluate_classifier_stream};
use model_check::data::Dataset;
use model_check::data::parquet::arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use model_check::data::parquet::parquet::arrow::ArrowWriter;
use model_check::data::parquet::parquet::basic::Compression;
use model_check::data::parquet::parquet::file::properties::WriterProperties;
use model_check::data::parquet::{ParquetOptions, ParquetSource};
use model_check::model::{Classifier, ModelInfo};
use rand::RngExt;
use rand_distr::StandardNormal;

use common::{REGIONS, SEGMENTS, memory, show, sigmoid};

/// `common::Row` with `Deserialize`, read back from the file.
#[derive(Features, serde::Deserialize, Clone, Debug)]
struct Row {
    x0: f64,
    x1: f64,
    x2: f64,
    x3: f64,
    x4: f64,
    x5: f64,
    x6: f64,
    x7: f64,
    x8: f64,
    x9: f64,
    region: String,
    segment: String,
}

const WEIGHTS: [f64; 10] = [1.2, -0.9, 0.8, 0.6, -0.5, 0.4, 0.3, -0.3, 0.2, 0.1];

fn score(x: &[f64; 10], region: usize, segment: usize) -> f64 {
    let linear: f64 = x.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum();
    -0.2 + linear + [-0.8, 0.0, 0.4, 0.8, -0.4][region] - 1.1 + 2.2 * segment as f64 / 11.0
}

fn row_score(row: &Row) -> f64 {
    let x = [
        row.x0, row.x1, row.x2, row.x3, row.x4, row.x5, row.x6, row.x7, row.x8, row.x9,
    ];
    let level = |levels: &[&str], v: &str| levels.iter().position(|&l| l == v).unwrap_or(0);
    score(
        &x,
        level(&REGIONS, &row.region),
        level(&SEGMENTS, &row.segment),
    )
}

/// Writes `n` synthetic rows, 65,536 at a time (never all in memory).
fn write_file(path: &Path, n: usize) {
    const CHUNK: usize = 65_536;
    let mut rng = model_check::rng::seeded_rng(common::DATA_SEED);
    let mut names: Vec<String> = (0..10).map(|i| format!("x{i}")).collect();
    names.extend(["region", "segment", "churn"].map(String::from));
    let mut writer = None;
    let mut written = 0;
    while written < n {
        let m = CHUNK.min(n - written);
        let mut x: Vec<Vec<f64>> = (0..10).map(|_| Vec::with_capacity(m)).collect();
        let (mut regions, mut segments, mut labels) = (
            Vec::with_capacity(m),
            Vec::with_capacity(m),
            Vec::with_capacity(m),
        );
        for _ in 0..m {
            let mut v = [0.0; 10];
            for (j, value) in v.iter_mut().enumerate() {
                *value = rng.sample(StandardNormal);
                x[j].push(*value);
            }
            let region = rng.random_range(0..REGIONS.len());
            let segment = rng.random_range(0..SEGMENTS.len());
            let yes = rng.random::<f64>() < sigmoid(score(&v, region, segment));
            regions.push(REGIONS[region]);
            segments.push(SEGMENTS[segment]);
            labels.push(if yes { "Yes" } else { "No" });
        }
        let mut columns: Vec<ArrayRef> = x
            .into_iter()
            .map(|c| Arc::new(Float64Array::from(c)) as ArrayRef)
            .collect();
        for texts in [regions, segments, labels] {
            columns.push(Arc::new(StringArray::from(texts)));
        }
        let batch = RecordBatch::try_from_iter(names.iter().cloned().zip(columns))
            .expect("columns of one length");
        let writer = writer.get_or_insert_with(|| {
            let properties = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build();
            ArrowWriter::try_new(
                std::fs::File::create(path).expect("the temporary directory is writable"),
                batch.schema(),
                Some(properties),
            )
            .expect("a writer")
        });
        writer.write(&batch).expect("writes");
        written += m;
    }
    writer.expect("at least one row").close().expect("closes");
}

fn list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(|v| {
            v.trim()
                .replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("{name}: {v:?} is not a number"))
        })
        .collect()
}

/// The model: the logistic score the labels were drawn from.
fn logit() -> impl model_check::model::Model<Input = Row, Output = model_check::model::Probabilities>
{
    Classifier::from_fn(
        ModelInfo::new("logit", "parquet"),
        common::CLASSES,
        |batch: &[Row]| {
            Ok(batch
                .iter()
                .map(|row| {
                    let p = sigmoid(row_score(row));
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .expect("two classes")
}

const CHILD: &str = "--parquet-stream-child";

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

/// In a fresh process (so no earlier allocation inflates its RSS): streams `path` in
/// batches of `batch` rows (`0`: loads it whole with `Dataset::from_parquet`, for contrast)
/// and prints one line.
fn child(path: &Path, rows: usize, batch: usize) {
    let (rss_start, _) = memory();
    let model = logit();
    let cohorts = [
        Cohort::all(),
        Cohort::category(Row::REGION, "north"),
        Cohort::category(Row::SEGMENT, "premium"),
        Cohort::range(Row::X0, 0.0..1.0),
    ];
    let options = ParquetOptions::classify("churn").classes(common::CLASSES);
    let started = Instant::now();
    let metrics = if batch == 0 {
        let data: Dataset<Row> = Dataset::from_parquet(path, options).expect("loads");
        model_check::cohort::evaluate_classifier(&model, &data, &cohorts).expect("evaluates")
    } else {
        let source = ParquetSource::<Row>::open(path, options.batch_size(batch)).expect("opens");
        evaluate_classifier_stream(&model, BatchSize(source, batch), &cohorts).expect("evaluates")
    };
    let elapsed = started.elapsed();
    let (_, hwm) = memory();
    assert_eq!(metrics[0].n(), rows as u64);
    let file_size = std::fs::metadata(path).map_or(0, |m| m.len());
    let how = match batch {
        0 => "whole".to_string(),
        b => b.to_string(),
    };
    println!(
        "{rows:>11} {:>9.1} {how:>7} {:>10} {:>9.1} MiB {:>9.1} MiB  accuracy {:.4}, AUC {:.4}",
        mib(file_size),
        show(elapsed),
        mib(hwm),
        mib(rss_start),
        metrics[0].metrics.accuracy().rate().unwrap_or(f64::NAN),
        metrics[0].metrics.roc_auc(1).unwrap_or(f64::NAN),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == CHILD) {
        let arg = |k: usize| args.get(at + k).expect("child arguments");
        let number = |k: usize| arg(k).parse().expect("a number");
        return child(Path::new(arg(1)), number(2), number(3));
    }
    let sizes = list("MODEL_CHECK_BENCH_PARQUET_ROWS", "1000000,10000000");
    let batch_sizes = list("MODEL_CHECK_BENCH_PARQUET_BATCHES", "8192,65536");
    let dir = std::env::temp_dir().join(format!("mc-parquet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let exe = std::env::current_exe().expect("this bench's executable");
    println!(
        "== parquet_stream: evaluate_classifier_stream over ParquetSource (4 cohorts), each run in a fresh process"
    );
    println!(
        "{:>11} {:>9} {:>7} {:>10} {:>13} {:>13}  result",
        "rows", "file MiB", "batch", "time", "peak VmHWM", "VmRSS at start"
    );
    for &n in &sizes {
        let path = dir.join(format!("synthetic-{n}.parquet"));
        let started = Instant::now();
        write_file(&path, n);
        let written = started.elapsed();
        // The whole load last: it is the contrast, and the slowest.
        for batch in batch_sizes.iter().copied().chain([0]) {
            let status = std::process::Command::new(&exe)
                .arg(CHILD)
                .arg(&path)
                .arg(n.to_string())
                .arg(batch.to_string())
                .status()
                .expect("runs the child");
            assert!(status.success(), "the child run failed: {status}");
        }
        println!("  (writing the {n}-row file took {})", show(written));
        std::fs::remove_file(&path).ok();
    }
    std::fs::remove_dir_all(&dir).ok();
    println!(
        "(batch: rows per Arrow record batch read and per dataset batch evaluated; whole: Dataset::from_parquet then evaluate_classifier)"
    );
}

/// A source that asks its inner source for `max` rows whatever it is asked for, so the batch
/// size of a run is the bench's.
struct BatchSize<S>(S, usize);

impl<S: model_check::data::Source> model_check::data::Source for BatchSize<S> {
    type Row = S::Row;

    fn next_batch(
        &mut self,
        _max: usize,
    ) -> Result<Option<model_check::data::Dataset<S::Row>>, model_check::data::DataError> {
        self.0.next_batch(self.1)
    }
}
