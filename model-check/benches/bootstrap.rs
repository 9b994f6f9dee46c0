//! A ROC AUC threshold (`roc_auc("Yes").at_least(0.5)`, decided on DeLong's interval since
//! issue 11; a 1000-resample percentile bootstrap before) and a 1000-resample bootstrap F1
//! threshold (`f1("Yes")`, the bootstrap that remains), against the raw cost of predicting
//! the same rows. See `benches/README.md`.
//!
//! Sizes: `MODEL_CHECK_BENCH_BOOTSTRAP_ROWS`, a comma-separated list (default 100000; each
//! at most `MODEL_CHECK_BENCH_ROWS`). Each repetition has a fresh model identity, so it
//! predicts its rows; the warm figure reruns the last one on cached predictions, which is
//! the bootstrap alone.

mod common;

use std::sync::Arc;

use common::{Counter, bench_reps, bench_rows, line, time};
use model_check::expect::{DEFAULT_RESAMPLES, check, f1, roc_auc};

fn main() {
    let reps = bench_reps();
    let max = bench_rows();
    let sizes: Vec<usize> = std::env::var("MODEL_CHECK_BENCH_BOOTSTRAP_ROWS")
        .unwrap_or_else(|_| "100000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .replace('_', "")
                .parse::<usize>()
                .expect("MODEL_CHECK_BENCH_BOOTSTRAP_ROWS is a list of numbers")
                .clamp(1, max)
        })
        .collect();
    for n in sizes {
        common::header("bootstrap", n, reps);
        let data = Arc::new(common::dataset(n, common::DATA_SEED));
        let rows = data.rows();
        common::raw_baseline(rows, reps);
        let ns_per_row_resample = |t: std::time::Duration| {
            t.as_secs_f64() * 1e9 / (n as f64 * f64::from(DEFAULT_RESAMPLES))
        };

        let counter = Counter::default();
        let cold = time(reps, rows, |rep| {
            let model = common::counted_logit(format!("auc-{n}-rep{rep}"), counter.clone());
            let check = check(model, Arc::clone(&data)).expect(roc_auc("Yes").at_least(0.5));
            let before = counter.now();
            let report = check.run(common::CHECK_SEED);
            (report, counter.since(before), check)
        });
        let (report, (asked, calls), check) = &cold.last;
        let auc = report.outcomes[0].evidence.estimate.unwrap_or(f64::NAN);
        let method = report.outcomes[0].evidence.method.to_string();
        line(
            &format!("roc_auc threshold, {method} (fresh identity)"),
            cold.median(),
            cold.ratio(n as u64),
            &format!(
                "rows {asked} calls {calls}; {:.1} ns per row-resample; AUC {auc:.4}; {}",
                ns_per_row_resample(cold.median()),
                common::verdicts(report)
            ),
        );

        let warm = time(reps, rows, |_| {
            let before = counter.now();
            let report = check.run(common::CHECK_SEED);
            common::verdicts(&report);
            counter.since(before)
        });
        let (asked, calls) = warm.last;
        line(
            &format!("roc_auc threshold, {method} (warm cache)"),
            warm.median(),
            warm.ratio(n as u64),
            &format!(
                "rows {asked} calls {calls}; {:.1} ns per row-resample",
                ns_per_row_resample(warm.median())
            ),
        );
        common::paired_raw_summary(n);

        // The bootstrap that remains: F1 of `Yes`, on cached predictions.
        let f1_check = model_check::expect::check(
            common::counted_logit(format!("auc-{n}-rep0"), counter.clone()),
            Arc::clone(&data),
        )
        .expect(f1("Yes").at_least(0.1));
        let boot = time(reps, rows, |_| {
            let report = f1_check.run(common::CHECK_SEED);
            common::verdicts(&report);
        });
        line(
            &format!("f1 bootstrap, {DEFAULT_RESAMPLES} resamples (warm cache)"),
            boot.median(),
            boot.ratio(n as u64),
            &format!(
                "{:.1} ns per row-resample",
                ns_per_row_resample(boot.median())
            ),
        );
    }
}
