//! `evaluate_classifier` over ten cohorts against the raw cost of predicting every row, and
//! the memory it needs beyond the data. See `benches/README.md`.

mod common;

use common::{Counter, bench_reps, bench_rows, line, memory, per_row, time};
use model_check::cohort::{BATCH_SIZE, Cohort, evaluate_classifier};
use model_check::model::Model;

fn main() {
    let n = bench_rows();
    let reps = bench_reps();
    common::header("evaluate", n, reps);

    let (rss_start, _) = memory();
    let started = std::time::Instant::now();
    let data = common::dataset(n, common::DATA_SEED);
    let loaded = started.elapsed();
    let (rss_loaded, hwm_loaded) = memory();
    println!(
        "{:<58} {:>10} {:>9}  data {:.0} B/row, peak while loading {:.0} B/row",
        "generate + Dataset::from_rows (once)",
        common::show(loaded),
        "",
        per_row(rss_loaded.saturating_sub(rss_start), n),
        per_row(hwm_loaded.saturating_sub(rss_start), n),
    );
    let rows = data.rows();
    common::raw_baseline(rows, reps);

    let counter = Counter::default();
    let model = common::counted_logit("1".into(), counter.clone());
    let adapter = time(reps, rows, |_| {
        rows.chunks(BATCH_SIZE)
            .map(|b| model.predict(b).expect("valid").len())
            .sum::<usize>()
    });
    line(
        "Classifier::predict (the adapter, 4096-row batches)",
        adapter.median(),
        adapter.ratio(n as u64),
        "",
    );

    // Memory: the peak during the first evaluation, above the RSS just before it.
    let cohorts = common::cohorts();
    let reset = common::reset_peak();
    let (rss_before, hwm_before) = memory();
    let before = counter.now();
    let report = evaluate_classifier(&model, &data, &cohorts).expect("evaluates");
    let (asked, calls) = counter.since(before);
    let (rss_after, hwm_after) = memory();
    let peak_above = if reset {
        hwm_after.saturating_sub(rss_before)
    } else {
        // The peak could not be reset: only a peak above the earlier one shows.
        hwm_after.saturating_sub(hwm_before.max(rss_before))
    };
    drop(report);

    let ten = time(reps, rows, |_| {
        evaluate_classifier(&model, &data, &cohorts).expect("evaluates")
    });
    let accuracy = ten.last[0].metrics.accuracy().rate().unwrap_or(f64::NAN);
    line(
        "evaluate_classifier (10 cohorts)",
        ten.median(),
        ten.ratio(n as u64),
        &format!(
            "rows {asked} calls {calls}; accuracy {accuracy:.3}; cohort sizes {}",
            ten.last
                .iter()
                .map(|c| c.n().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    );
    drop(ten);

    let all = [Cohort::all()];
    let one = time(reps, rows, |_| {
        evaluate_classifier(&model, &data, &all).expect("evaluates")
    });
    line(
        "evaluate_classifier (1 cohort: all)",
        one.median(),
        one.ratio(n as u64),
        "",
    );

    #[cfg(feature = "parallel")]
    {
        let parallel = time(reps, rows, |_| {
            model_check::cohort::evaluate_classifier_parallel(&model, &data, &cohorts)
                .expect("evaluates")
        });
        line(
            &format!(
                "evaluate_classifier_parallel (10 cohorts, {} threads)",
                rayon::current_num_threads()
            ),
            parallel.median(),
            parallel.ratio(n as u64),
            "",
        );
    }

    // Streaming: the same rows and labels read 65,536 at a time from an iterator (which
    // clones each row from the dataset: that copy is part of the time).
    let names = data.labels().class_names().expect("classes").to_vec();
    let index = data.labels().class_indices().expect("classes").to_vec();
    let stream = |_| {
        let source = model_check::data::Batches::new(
            "stream",
            rows.iter()
                .cloned()
                .zip(index.iter().map(|&i| names[i as usize].clone())),
        );
        model_check::cohort::evaluate_classifier_stream(&model, source, &cohorts)
            .expect("evaluates")
    };
    let reset = common::reset_peak();
    let (rss_before, hwm_before) = memory();
    drop(stream(0));
    let (_, hwm_after) = memory();
    let stream_peak = if reset {
        hwm_after.saturating_sub(rss_before)
    } else {
        hwm_after.saturating_sub(hwm_before.max(rss_before))
    };
    let streamed = time(reps, rows, stream);
    line(
        "evaluate_classifier_stream (10 cohorts, 65,536-row batches)",
        streamed.median(),
        streamed.ratio(n as u64),
        &format!(
            "peak {:.1} MiB above the RSS before it ({:.1} B/row); AUC of all {:.4} ± {:.1e}",
            stream_peak as f64 / 1048576.0,
            per_row(stream_peak, n),
            streamed.last[0].metrics.roc_auc(1).unwrap_or(f64::NAN),
            streamed.last[0]
                .metrics
                .roc_auc_error_bound(1)
                .unwrap_or(f64::NAN),
        ),
    );

    common::paired_raw_summary(n);
    println!(
        "memory: data {:.0} B/row; evaluate_classifier (10 cohorts) peak {:.0} B/row above the RSS before it{}, {:.0} B/row still resident with its result alive (VmHWM after loading {:.1} MiB, after evaluate {:.1} MiB)",
        per_row(rss_loaded.saturating_sub(rss_start), n),
        per_row(peak_above, n),
        if reset {
            ""
        } else {
            " (peak not resettable: above the earlier peak only)"
        },
        per_row(rss_after.saturating_sub(rss_before), n),
        hwm_loaded as f64 / 1048576.0,
        hwm_after as f64 / 1048576.0,
    );
}
