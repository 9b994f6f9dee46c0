//! Slice discovery against the raw cost of predicting every row: the synthetic rows of
//! `common` (10 numbers, 2 texts), 10 quantile bins, minimum support 1%, conjunctions of up
//! to 3 features, at a Telco-sized 2,110 rows and at `MODEL_CHECK_BENCH_ROWS`.

mod common;

use common::{bench_reps, line, time};
use model_check::discover::discover;

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
}
