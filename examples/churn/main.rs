//! Error analysis of a churn model: where it fails, and the tests that pin it down.
//!
//! Trains a smartcore logistic regression on 75% of the IBM Telco customer churn data
//! (`examples/data/telco_churn.csv`, see `PROVENANCE.md` there), then on the held-out 25%:
//!
//! 1. metrics per cohort — contract, seniors, tenure bands, payment method — with Wilson 95%
//!    intervals, in one pass over the rows;
//! 2. every kind of expectation model-check has: cohort recall thresholds, protected-feature
//!    flips, invariance under noise, unit cases, a monotonicity test, and the thresholds at
//!    which `monthly_charges` and `tenure` flip predictions (found by bisection);
//! 3. where predictions flip; 4. a random-forest upgrade against the first model's baseline;
//! 5. a data unit test (no model) and the newest customers against the established ones;
//! 6. the pockets nobody asked about: slice discovery over every feature and pair of
//!    features, false discoveries controlled (Benjamini–Yekutieli), each pocket printed as a
//!    `#[model_test]` to paste;
//! 7. monitoring: drift of a feature between two batches, decided on a bound that does not
//!    flip with the batch's size, and the accuracy of a batch without labels, estimated from
//!    the model's probabilities.
//!
//! Run it with `cargo run --example churn`. It writes every section's findings as one
//! offline HTML report, JUnit XML and JSON per section into `target/model-check-report/` (or
//! `MODEL_CHECK_REPORT=<dir>`), and prints the path.

mod model;

use model::{ALPHA, Customer, SEED, train, train_forest};
use model_check::baseline::{Baseline, BaselineRecord, UpdateMode};
use model_check::diff::ModelDiff;
use model_check::discover::{SliceMetric, discover};
use model_check::expect::no_regression;
use model_check::explain::{Loss, permutation_importance};
use model_check::metrics::ClassificationMetrics;
use model_check::outcome::CheckReport;
use model_check::prelude::*;
use model_check::report::{SuiteReport, TestReport};
use model_check::search::FlipSearch;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let trained = train()?;
    let (model, test) = (trained.model.clone(), &trained.test);
    println!(
        "model    {} (L2 alpha = {ALPHA}, {} encoded columns)",
        model.info(),
        trained.columns
    );
    println!(
        "data     {} customers: {} train / {} test (split 75/25, seed {SEED})",
        trained.data.len(),
        trained.train.len(),
        test.len()
    );

    section("1. Metrics per cohort (test split; Wilson 95% intervals in [..])");
    let cohorts = [
        Cohort::all(),
        Cohort::category(Customer::CONTRACT, "Month-to-month"),
        Cohort::category(Customer::CONTRACT, "One year"),
        Cohort::category(Customer::CONTRACT, "Two year"),
        Cohort::equals(Customer::SENIOR_CITIZEN, 1),
        Cohort::equals(Customer::SENIOR_CITIZEN, 0),
        Cohort::range(Customer::TENURE, 0.0..12.0),
        Cohort::range(Customer::TENURE, 12.0..24.0),
        Cohort::range(Customer::TENURE, 24.0..48.0),
        Cohort::range(Customer::TENURE, 48.0..=72.0),
        Cohort::category(Customer::PAYMENT_METHOD, "Electronic check"),
    ];
    let report = evaluate_classifier(&model, test, &cohorts)?;
    let yes = report[0].metrics.class_index("Yes").ok_or("no class Yes")?;
    print_table(&report, yes);
    let overall = &report[0].metrics;
    println!(
        "\noverall  log loss {}   Brier {}   ECE {}",
        number(overall.log_loss()),
        number(overall.brier()),
        number(overall.expected_calibration_error())
    );

    section("2. Expectations (seed 7; each verdict decided on its 95% interval)");
    let on_test = || check(model.clone(), test.clone());
    let suite: Suite = [
        // Cohort thresholds: churners must be caught on every contract type.
        on_test()
            .on(Cohort::category(Customer::CONTRACT, "Month-to-month"))
            .expect(recall("Yes").at_least(0.5)),
        on_test()
            .on(Cohort::category(Customer::CONTRACT, "One year"))
            .expect(recall("Yes").at_least(0.5)),
        on_test()
            .on(Cohort::equals(Customer::SENIOR_CITIZEN, 1))
            .expect(recall("Yes").at_least(0.5)),
        // Protected features must never decide a prediction.
        on_test().expect(flip(Customer::FEMALE).never()),
        on_test().expect(flip(Customer::SENIOR_CITIZEN).never()),
        // Small noise on the numbers must rarely change the answer.
        on_test()
            .sample(500)
            .expect(invariant(noise(0.1)).max_failure_rate(0.05)),
        // Long-tenured two-year customers are not expected to churn.
        on_test().expect(
            unit_cases(200)
                .set(Customer::CONTRACT, "Two year".to_string())
                .range(Customer::TENURE, 48.0, 72.0)
                .predict("No"),
        ),
        // Monotonicity: a year more of tenure must not raise the churn probability.
        on_test()
            .sample(500)
            .expect(directional(shift(Customer::TENURE, 12.0)).must_not_raise("Yes")),
    ]
    .into_iter()
    .collect();
    let run = suite.run(7);
    for outcome in &run.outcomes {
        println!("{outcome}");
    }
    println!(
        "\n{} of {} expectations pass; {} model calls in all",
        run.outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::Pass)
            .count(),
        run.outcomes.len(),
        run.model_calls
    );

    section("3. Where predictions flip (bisection to 1e-6 of the range, batched across rows)");
    let rows = test.sample_rows(300, 7)?;
    for search in [
        FlipSearch::new(Customer::MONTHLY_CHARGES),
        FlipSearch::new(Customer::TENURE),
    ] {
        let flips = search.run_on(&model, test, &rows)?;
        for summary in flips.thresholds() {
            println!("{summary}");
        }
        println!(
            "  {} of {} rows flip; {} model calls",
            flips.flip_count(),
            flips.searched(),
            flips.model_calls
        );
    }

    section("4. Upgrade: v2, a random forest, against v1's baseline on the same test rows");
    let started = std::time::Instant::now();
    let v2 = train_forest(&trained.train, "v2")?;
    println!(
        "v2       churn-random-forest@v2: {} bagged depth-8 trees (trained in {:.1} s)",
        model::TREES,
        started.elapsed().as_secs_f64()
    );
    let upgrade_cohorts = [
        Cohort::all(),
        Cohort::category(Customer::CONTRACT, "Month-to-month"),
        Cohort::equals(Customer::SENIOR_CITIZEN, 1),
        Cohort::range(Customer::TENURE, 0.0..12.0),
    ];
    // The baseline file a test crate would commit; here in a temporary directory.
    let file = std::env::temp_dir().join("model-check-churn-v1.json");
    let record = BaselineRecord::record(&model, test, &upgrade_cohorts)?;
    std::fs::write(&file, record.to_json())?;
    let diff = ModelDiff::against_baseline(&record, &file, &v2, test, &upgrade_cohorts)?;
    println!("{diff}");
    let baseline = Baseline::path(&file).update_mode(UpdateMode::No).ci(true);
    let upgrade = check(v2, test.clone())
        .expect(
            no_regression(&baseline)
                .metric(recall("Yes"))
                .cohorts(upgrade_cohorts.clone())
                .max_drop(0.02),
        )
        .run(7);
    println!("{}", upgrade.outcomes[0]);
    std::fs::remove_file(&file)?;

    section("5. The data alone, and the newest customers against the established ones");
    // A data unit test needs no model: 11 customers have no total charges yet.
    let data_check = check_data(trained.data.clone())
        .expect(missing_rate(Customer::TOTAL_CHARGES).at_most(0.01))
        .run(7);
    println!("{}", data_check.outcomes[0]);
    // Telco holds some customers twice over: do held-out rows also sit in the training rows?
    let leakage = check_data(test.clone())
        .against(trained.train.clone())
        .expect(leaked_rows().none())
        .run(7);
    println!("{}", leakage.outcomes[0]);
    // Today's batch (tenure under 6 months) against the customers the model was validated
    // on (a year or more): how far does accuracy drop?
    let tenure_at_least = |lo: u32, hi: u32| -> Result<Dataset<Customer>, DataError> {
        let rows: Vec<usize> = (0..test.len())
            .filter(|&r| (lo..hi).contains(&test.rows()[r].tenure))
            .collect();
        test.subset(&rows)
    };
    let (established, newest) = (tenure_at_least(12, 73)?, tenure_at_least(0, 6)?);
    let newest_gap = check(model.clone(), newest)
        .against(established)
        .expect(reference_gap(accuracy()).at_most(0.05))
        .run(7);
    println!("{}", newest_gap.outcomes[0]);

    section("6. Pockets nobody asked about (slice discovery; Benjamini–Yekutieli, q = 0.05)");
    let pockets = discover(&model, test)
        .metric(SliceMetric::Recall("Yes".into()))
        .run()?;
    print!("{}", pockets.top(6));
    // A guard for a pocket of two features that the model gets partly right: it passes today
    // and fails if the pocket worsens (one it misses entirely gets a target, ignored).
    let guarded = pockets
        .findings
        .iter()
        .find(|f| f.descriptions[0].contains(" and ") && f.failures < f.n);
    if let Some(pocket) = guarded {
        println!("\na test to paste, for {}:\n", pocket.descriptions[0]);
        print!(
            "{}",
            pocket.model_test_for(&pockets.metric, "Customer", "churn_model()", "&*TEST_SPLIT")
        );
    }

    section("7. Monitoring: drift from a reference, and accuracy without labels");
    // The held-out split against the training split, then one-year contracts against
    // month-to-month ones: Kolmogorov–Smirnov distance with its DKW 95% interval.
    let contract = |level: &str| -> Result<Dataset<Customer>, DataError> {
        let rows: Vec<usize> = (0..trained.data.len())
            .filter(|&r| trained.data.rows()[r].contract == level)
            .collect();
        trained.data.subset(&rows)
    };
    let monitoring = Suite::new()
        .with(
            check_data(test.clone())
                .against(trained.train.clone())
                .expect_all([
                    drift(Customer::TENURE).at_most(0.1),
                    drift(Customer::MONTHLY_CHARGES).at_most(0.1),
                ]),
        )
        .with(
            check_data(contract("One year")?)
                .against(contract("Month-to-month")?)
                .expect(drift(Customer::TENURE).at_most(0.1)),
        )
        // The held-out rows as a batch whose labels have not arrived.
        .with(
            check(model.clone(), Dataset::unlabelled(test.rows().to_vec())?)
                .expect(estimated_accuracy().at_least(0.75)),
        )
        .run(7);
    for outcome in &monitoring.outcomes {
        println!("{outcome}");
    }
    println!(
        "(the labels, once they arrive, say {} on these rows)",
        report[0].metrics.accuracy()
    );

    section("8. What has the model learned? (permutation importance, 5 seeded repeats)");
    // Log loss, on the held-out rows: how much worse the model gets when one feature's
    // values are shuffled across customers. Intervals from the paired per-row differences.
    let learned = permutation_importance(&model, test)
        .loss(Loss::LogLoss)
        .seed(7)
        .run()?;
    println!(
        "log loss {:.4} on the held-out rows as they are; shuffled, most important first:",
        learned.baseline
    );
    for f in learned.sorted().iter().take(6) {
        println!(
            "  {:<18} +{:.4} (95% CI {:.4} to {:.4})",
            f.name, f.mean, f.interval.lo, f.interval.hi
        );
    }
    // The rows it gets wrong: values from other customers lower their loss most for the
    // features that push them the wrong way.
    let (_, wrong) = permutation_importance(&model, test)
        .loss(Loss::LogLoss)
        .seed(7)
        .on_right_and_wrong()?;
    let mut mispredictive = wrong.sorted();
    mispredictive.reverse();
    println!(
        "on the {} rows it gets wrong, other customers' values lower the loss most for (mispredictive):",
        wrong.rows
    );
    for f in mispredictive.iter().take(4) {
        println!(
            "  {:<18} {:+.4} (95% CI {:.4} to {:.4})",
            f.name, f.mean, f.interval.lo, f.interval.hi
        );
    }
    let explained = Suite::new()
        .with(
            check(model.clone(), test.clone()).expect_all([
                importance(Customer::TENURE)
                    .loss(Loss::LogLoss)
                    .among_top(3),
                importance(Customer::FEMALE)
                    .loss(Loss::LogLoss)
                    .at_most(0.005),
            ]),
        )
        .with(
            check(model.clone(), test.clone()).expect(
                monotone(Customer::TENURE)
                    .target("Yes".to_string())
                    .decreasing(),
            ),
        )
        .run(7);
    for outcome in &explained.outcomes {
        println!("{outcome}");
    }

    // Every section's findings in one report, beside the example's output: JSON per section,
    // JUnit and one offline HTML file (in `MODEL_CHECK_REPORT` when set).
    let discovered = CheckReport {
        seed: 7,
        outcomes: vec![pockets.to_outcome(Some(model.info()))],
        model_calls: pockets.model_calls,
        duration: std::time::Duration::ZERO,
    };
    let sections = [
        ("2_expectations", &run),
        ("4_upgrade", &upgrade),
        ("5_data", &data_check),
        ("5_leakage", &leakage),
        ("5_newest_customers", &newest_gap),
        ("6_discovered_pockets", &discovered),
        ("7_monitoring", &monitoring),
        ("8_explanations", &explained),
    ];
    let dir = std::env::var_os("MODEL_CHECK_REPORT").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/model-check-report"),
        std::path::PathBuf::from,
    );
    let mut reports = Vec::new();
    for (name, run) in sections {
        let report = TestReport::from_run(&format!("churn::{name}"), "model-check-workspace", run);
        report.write_to(&dir)?;
        reports.push(report);
    }
    let suite = SuiteReport::from_tests(reports);
    let (junit, html) = (dir.join("churn.junit.xml"), dir.join("churn.html"));
    std::fs::write(&junit, suite.to_junit())?;
    std::fs::write(&html, suite.to_html())?;
    println!(
        "\nreport  {} ({} KB; JSON per section and {} beside it)",
        html.display(),
        std::fs::metadata(&html)?.len() / 1024,
        junit.file_name().unwrap_or_default().to_string_lossy()
    );
    Ok(())
}

fn section(title: &str) {
    println!("\n{title}\n{}", "=".repeat(title.chars().count()));
}

/// One row per cohort, columns aligned; `yes` is the churn class's index.
fn print_table(report: &[CohortMetrics<ClassificationMetrics>], yes: usize) {
    let header = [
        "cohort",
        "n",
        "accuracy",
        "churn recall",
        "churn FPR",
        "ROC AUC",
    ];
    let mut rows = vec![header.map(String::from)];
    rows.extend(report.iter().map(|c| {
        let m = &c.metrics;
        [
            c.cohort.clone(),
            c.n().to_string(),
            format!("{:#}", m.accuracy()),
            format!("{:#}", m.recall(yes)),
            format!("{:#}", m.false_positive_rate(yes)),
            number(m.roc_auc(yes)),
        ]
    }));
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for (k, row) in rows.iter().enumerate() {
        // The cohort name left-aligned, the numbers right-aligned.
        let mut line = format!("{:<w$}", row[0], w = widths[0]);
        for (cell, w) in row.iter().zip(&widths).skip(1) {
            line += &format!("  {cell:>w$}");
        }
        println!("{line}");
        if k == 0 {
            println!("{}", "-".repeat(line.chars().count()));
        }
    }
}

/// A number to three decimals, or `n/a` when undefined.
fn number(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |x| format!("{x:.3}"))
}
