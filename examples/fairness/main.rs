//! Fairness of an income model on UCI Adult: error rates per sex and race, their gaps with
//! intervals, and whether swapping a protected attribute changes predictions.
//!
//! Trains a smartcore logistic regression on a seeded 60% of the UCI Adult test file
//! (`examples/data/adult.test`, see `PROVENANCE.md` there) to predict whether a person earns
//! more than $50K, then checks it on the held-out 40%:
//!
//! - per group of `sex` and `race`: selection rate, false-positive rate (FPR: share of people
//!   earning ≤$50K flagged as >$50K) and false-negative rate (FNR: share of people earning
//!   >$50K missed), each with its Wilson 95% interval;
//! - cohort gaps: `gap(false_positive_rate(">50K")).across(Person::SEX).at_most(0.05)` and
//!   the like, every pair of groups with the Newcombe 95% interval of its difference. A gap
//!   passes when the whole interval lies within ±5 points, fails when it lies wholly
//!   outside, and is inconclusive otherwise: small groups cannot be declared fair or unfair;
//! - invariance: does setting `sex` or `race` to another value change a prediction? Each
//!   counterexample is shown with the edit that flips it.
//!
//! Run it with `cargo run --example fairness`.

mod model;

use std::time::Instant;

use model_check::expect::Outcome;
use model_check::metrics::{ClassificationMetrics, Proportion};
use model_check::prelude::*;

use model::{ALPHA, Adult, HIGH, Person, SPLIT_SEED, TRAIN_FRACTION};

/// The seed the checks run with (gaps and the enumerated swaps use no randomness; the seed is
/// printed all the same, as every model test prints it).
const CHECK_SEED: u64 = 7;

/// The largest gap in a rate between two groups that counts as fair: 5 percentage points.
const TOLERANCE: f64 = 0.05;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let adult = Adult::build()?;
    let model = adult.model();
    let test = &*adult.test;

    // The wrapped probabilities are the model's: at 0.5 they give smartcore's own labels.
    let wrapped: Vec<i32> = model
        .predict(test.rows())?
        .iter()
        .map(|p| i32::from(p.label() == HIGH))
        .collect();
    assert_eq!(
        wrapped,
        adult.trained.smartcore_predict(test.rows())?,
        "the wrapped model disagrees with smartcore's predict"
    );

    let train_high = adult.train.labels().indicator(HIGH).ok_or("no >50K")?;
    let missing = |of: fn(&Person) -> bool| test.rows().iter().filter(|p| of(p)).count();
    println!(
        "model    {} (L2 alpha = {ALPHA}, {} encoded columns: numbers standardised, categories one-hot)",
        model.info(),
        adult.trained.encoder.width()
    );
    println!(
        "data     UCI Adult test file, {} people: {} train / {} held out (split {:.0}/{:.0}, seed {SPLIT_SEED})",
        adult.rows,
        adult.train.len(),
        test.len(),
        100.0 * TRAIN_FRACTION,
        100.0 * (1.0 - TRAIN_FRACTION)
    );
    println!(
        "         >50K in training: {}; held-out rows with `?`: workclass {}, occupation {}, native_country {}",
        Proportion::new(
            train_high.iter().filter(|&&h| h).count() as u64,
            train_high.len() as u64
        ),
        missing(|p| p.workclass.is_none()),
        missing(|p| p.occupation.is_none()),
        missing(|p| p.native_country.is_none()),
    );
    println!("checks   seed {CHECK_SEED}; every interval is 95%\n");

    // Per-group rates, in one pass over the held-out rows.
    let sexes = model::levels(test, |p| &p.sex);
    let races = model::levels(test, |p| &p.race);
    let mut cohorts = vec![Cohort::all()];
    cohorts.extend(
        sexes
            .iter()
            .map(|(s, _)| Cohort::category(Person::SEX, s.as_str())),
    );
    cohorts.extend(
        races
            .iter()
            .map(|(r, _)| Cohort::category(Person::RACE, r.as_str())),
    );
    let report = evaluate_classifier(&model, test, &cohorts)?;
    let high = report[0].metrics.class_index(HIGH).ok_or("no >50K")?;
    println!(
        "held-out accuracy {} (Wilson)\n",
        report[0].metrics.accuracy()
    );
    println!(
        "per group (Wilson 95% intervals in [..]): base rate = share earning >50K; selected = share predicted >50K;\nFPR = share of ≤50K earners predicted >50K; FNR = share of >50K earners predicted ≤50K\n"
    );
    print_groups(&report, high);

    // Cohort gaps: the library's verdict over every pair, then each pair on its own.
    let mut worst_inconclusive: Option<(String, Outcome)> = None;
    for (title, metric) in [
        ("false-positive rate", model::fpr as fn() -> _),
        ("false-negative rate", model::fnr),
    ] {
        for (feature_name, levels) in [("sex", &sexes), ("race", &races)] {
            let across = match feature_name {
                "sex" => gap(metric()).across(Person::SEX),
                _ => gap(metric()).across(Person::RACE),
            };
            let outcome = run_one(
                check(adult.model(), adult.test.clone())
                    .expect(across.at_most(TOLERANCE))
                    .allow_inconclusive(),
            );
            println!(
                "\n[{}] gap in {title} across `{feature_name}` is at most {} points",
                outcome.verdict.label(),
                100.0 * TOLERANCE
            );
            println!(
                "       {}",
                outcome
                    .note
                    .as_deref()
                    .unwrap_or("")
                    .replace("; groups: ", "\n       groups: ")
            );
            let names: Vec<String> = levels.iter().map(|(l, _)| l.clone()).collect();
            let pairs = match feature_name {
                "sex" => model::pair_gaps(&adult, metric, Person::SEX, &names, TOLERANCE),
                _ => model::pair_gaps(&adult, metric, Person::RACE, &names, TOLERANCE),
            };
            println!(
                "       {:<40} {:>8}  {:<18} verdict",
                "pair (first minus second)", "gap", "Newcombe 95% CI"
            );
            for ((a, b), pair) in pairs {
                let o = run_one(pair);
                let ci = o.evidence.interval.expect("a gap has an interval");
                let interval = format!("[{}, {}]", points(ci.lo), points(ci.hi));
                println!(
                    "       {:<40} {:>8}  {interval:<18} {}",
                    format!("{a} − {b}"),
                    points(o.evidence.estimate.unwrap_or(f64::NAN)),
                    o.verdict.label(),
                );
                if o.verdict == Verdict::Inconclusive
                    && worst_inconclusive
                        .as_ref()
                        .is_none_or(|(_, w)| ci.width() > w.evidence.interval.unwrap().width())
                {
                    worst_inconclusive = Some((format!("{title} {a} − {b}"), o));
                }
            }
        }
    }
    if let Some((what, o)) = worst_inconclusive {
        let ci = o.evidence.interval.expect("a gap has an interval");
        println!(
            "\nwidest undecided pair: {what}, gap {} points, 95% CI [{}, {}] on {} rows with the rate defined:\nthe interval reaches past both −5 and +5 points, so the data can neither clear nor convict the model;\nthe group is too small to decide, and the check says so instead of passing.",
            points(o.evidence.estimate.unwrap_or(f64::NAN)),
            points(ci.lo),
            points(ci.hi),
            o.evidence.n
        );
    }

    // Invariance: flip sex or race, one at a time, to each of its other values.
    let swap = run_one(
        check(adult.model(), adult.test.clone())
            .max_examples(6)
            .expect(invariant(swap_protected())),
    );
    println!("\n[{}] {}", swap.verdict.label(), swap.expectation);
    if let (Some(rate), Some(ci)) = (swap.evidence.estimate, swap.evidence.interval) {
        println!(
            "       rows whose prediction flips: {:.2}% (95% CI {:.2}%–{:.2}%, n = {}, Wilson)",
            100.0 * rate,
            100.0 * ci.lo,
            100.0 * ci.hi,
            swap.evidence.n
        );
    }
    if let Some(note) = &swap.note {
        println!("       {note}");
    }
    for (i, example) in swap.examples.iter().enumerate() {
        let label = if i == 0 { "examples" } else { "" };
        println!("       {label:<9} row {}: {}", example.row, example.detail);
    }

    println!("\nfinished in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs one check with [`CHECK_SEED`] and returns its only outcome; an evaluation error is
/// fatal (it means the example is wrong, not the model).
fn run_one(check: Check) -> Outcome {
    let report = check.run(CHECK_SEED);
    let outcome = report.outcomes.into_iter().next().expect("one expectation");
    assert_ne!(
        outcome.verdict,
        Verdict::Error,
        "{}: {:?}",
        outcome.expectation,
        outcome.note
    );
    outcome
}

/// One row per group, columns aligned; `high` is the `>50K` class's index.
fn print_groups(report: &[CohortMetrics<ClassificationMetrics>], high: usize) {
    let header = [
        "group",
        "n",
        "base rate",
        "selected",
        "FPR",
        "FNR",
        "accuracy",
    ];
    let mut rows = vec![header.map(String::from)];
    rows.extend(report.iter().map(|c| {
        let m = &c.metrics;
        [
            c.cohort.clone(),
            c.n().to_string(),
            format!("{:#}", Proportion::new(m.support(high), m.n())),
            format!("{:#}", Proportion::new(m.predicted_count(high), m.n())),
            format!("{:#}", m.false_positive_rate(high)),
            format!("{:#}", m.false_negative_rate(high)),
            format!("{:#}", m.accuracy()),
        ]
    }));
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for (k, row) in rows.iter().enumerate() {
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

/// A difference of rates in percentage points, signed: `+12.3`, `−4.0`.
fn points(x: f64) -> String {
    let p = 100.0 * x;
    if p < 0.0 {
        format!("−{:.1}", -p)
    } else {
        format!("+{p:.1}")
    }
}
