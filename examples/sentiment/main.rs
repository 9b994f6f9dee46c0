//! CheckList-style behavioural testing of two sentiment models on Amazon fine-food reviews.
//!
//! Trains a bag-of-words multinomial Naive Bayes on `examples/data/food_reviews_train.csv`
//! and fits a VADER lexicon model (summed valence, one threshold) on the same reviews, then
//! tests both, capability by capability (see `capabilities.rs`):
//!
//! - minimum functionality from templates: vocabulary ("The soup was tasty." → great) and
//!   negation ("The soup was not good." → other);
//! - invariance on held-out reviews: typos, contractions, punctuation, numbers, names, places;
//! - directional: a negative sentence appended must not raise P(great), an intensifier must
//!   not lower it, and "great" in place of a neutral word must not lower it.
//!
//! Every rate carries its Wilson 95% interval; verdicts are decided on it. Both models fail
//! some capabilities; that is the point.
//!
//! Run it with `cargo run --example sentiment`.

mod capabilities;
mod models;

use std::time::Instant;

use capabilities::{
    FOODS, Kind, MAX_FAILURE_RATE, MFT_ACCURACY, SAMPLE, SEED, TEMPLATE_SEED, Test, TestData,
};
use model_check::expect::{CheckReport, Outcome};
use model_check::prelude::*;
use models::{ALPHA, MIN_COUNT, Trained, load_reviews, naive_bayes_model, vader_model};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let train = load_reviews("food_reviews_train.csv")?;
    let test = load_reviews("food_reviews_test.csv")?;
    let trained = Trained::on(&train)?;
    let nb = || naive_bayes_model(&trained.nb);
    let vader = || vader_model(&trained.vader);

    println!("CheckList-style tests of two sentiment models on Amazon fine-food reviews\n");
    println!(
        "data     {} training / {} held-out reviews (examples/data/food_reviews_*.csv), labels great / other",
        train.len(),
        test.len()
    );
    println!(
        "models   {:<20} multinomial Naive Bayes, {} words (count ≥ {MIN_COUNT}), Laplace α = {ALPHA}",
        nb().info().to_string(),
        trained.nb.vocabulary_size()
    );
    println!(
        "         {:<20} Σ VADER valence of the words, P(great) = logistic(Σ − {}), threshold fitted on training",
        vader().info().to_string(),
        trained.vader.threshold()
    );
    println!(
        "seeds    checks {SEED}, template texts {TEMPLATE_SEED}; INV/DIR tests use a seeded sample of {SAMPLE} held-out reviews"
    );
    println!(
        "verdicts on Wilson 95% intervals: MFT fails above {} wrong, INV/DIR above {} of reviews failing\n",
        percent(1.0 - MFT_ACCURACY),
        percent(MAX_FAILURE_RATE)
    );

    // Held-out accuracy, with intervals.
    println!("held-out accuracy (Wilson 95% intervals)");
    println!(
        "  {:<20} {:>20} {:>20} {:>20} {:>8}",
        "model", "accuracy", "recall(great)", "recall(other)", "ROC AUC"
    );
    let test_data = std::sync::Arc::new(test);
    let held_out = |report: Vec<CohortMetrics<ClassificationMetrics>>, name: String| {
        let m = &report[0].metrics;
        println!(
            "  {:<20} {:>20} {:>20} {:>20} {:>8}",
            name,
            format!("{:#}", m.accuracy()),
            format!("{:#}", m.recall(0)),
            format!("{:#}", m.recall(1)),
            m.roc_auc(0).map_or("n/a".into(), |a| format!("{a:.3}"))
        );
    };
    held_out(
        evaluate_classifier(&nb(), &test_data, &[Cohort::all()])?,
        nb().info().to_string(),
    );
    held_out(
        evaluate_classifier(&vader(), &test_data, &[Cohort::all()])?,
        vader().info().to_string(),
    );

    // The plan, run on both models.
    let data = TestData::new((*test_data).clone())?;
    let plans = [
        capabilities::plan(nb, &data),
        capabilities::plan(vader, &data),
    ];
    let mut results: Vec<Vec<(Test, CheckReport)>> = Vec::new();
    for plan in plans {
        results.push(
            plan.into_iter()
                .map(|test| {
                    let report = test.check.run(SEED);
                    (test, report)
                })
                .collect(),
        );
    }

    let mut capabilities: Vec<&'static str> = Vec::new();
    for (test, _) in &results[0] {
        if !capabilities.contains(&test.capability) {
            capabilities.push(test.capability);
        }
    }
    for capability in &capabilities {
        println!("\n== {capability} ==");
        println!(
            "  {:<4} {:<20} {:>5}  {:<22} {:>5}  verdict",
            "type", "model", "n", "failure rate [95% CI]", "max"
        );
        for i in 0..results[0].len() {
            if results[0][i].0.capability != *capability {
                continue;
            }
            let test = &results[0][i].0;
            println!("  {} {}", test.kind.label(), test.name);
            for per_model in &results {
                let (test, report) = &per_model[i];
                print_outcome(test, &report.outcomes[0]);
            }
        }
    }

    // What each model fails.
    println!("\nsummary (failing tests)");
    for per_model in &results {
        let model = per_model[0].1.outcomes[0]
            .model
            .as_ref()
            .map_or(String::new(), ToString::to_string);
        let failing: Vec<String> = per_model
            .iter()
            .filter(|(_, r)| r.outcomes[0].verdict == Verdict::Fail)
            .map(|(t, r)| {
                format!(
                    "{} ({})",
                    t.key,
                    percent(failure_rate(t.kind, &r.outcomes[0]).map_or(0.0, |f| f.0))
                )
            })
            .collect();
        let calls: u64 = per_model.iter().map(|(_, r)| r.model_calls).sum();
        println!(
            "  {:<20} {} of {} fail: {}  [{calls} model calls]",
            model,
            failing.len(),
            per_model.len(),
            failing.join(", ")
        );
    }

    // Why: the model parameters behind the findings.
    let weight = |w: &str| {
        trained
            .nb
            .weight(w)
            .map_or(format!("{w} (unknown)"), |x| format!("{w} {x:+.2}"))
    };
    println!("\nwhy (word weights behind the findings)");
    println!(
        "  {:<20} log-odds each occurrence adds, the same in every review: {}",
        nb().info().to_string(),
        [
            "never",
            "again",
            "very",
            "really",
            "extremely",
            "not",
            "don't",
            "great",
            "regret",
            "despise",
            "detest",
            "san",
            "santa",
        ]
        .map(weight)
        .join(", ")
    );
    let missing: Vec<&str> = capabilities::WORDS
        .iter()
        .flat_map(|list| list.iter().copied())
        .filter(|w| !w.contains(' ') && trained.vader.valence(w).is_none())
        .collect();
    let weak: Vec<String> = capabilities::WORDS[..2]
        .iter()
        .flat_map(|list| list.iter())
        .filter_map(|w| {
            let v = trained.vader.valence(w)?;
            (v < trained.vader.threshold()).then(|| format!("{w} {v:+.1}"))
        })
        .collect();
    println!(
        "  {:<20} not in the lexicon: {}",
        vader().info().to_string(),
        missing.join(", ")
    );
    println!(
        "  {:<20} positive, but below the threshold {} on their own: {}",
        "",
        trained.vader.threshold(),
        weak.join(", ")
    );
    let sum = |text: &str| format!("\"{text}\" sums to {:+.1}", trained.vader.sum(text));
    println!(
        "  {:<20} {}, {}",
        "",
        sum("The soup was not great."),
        sum("I don't love this soup.")
    );

    // Why this prediction: which tokens carried it (exact Shapley over the tokens: every
    // subset of the words kept, the rest deleted; the values add up to P(full) − P("")).
    println!(
        "\nwhy this prediction (exact token Shapley values of P(great), each subset of the words kept)"
    );
    for text in GREAT_DAY {
        for (name, phi) in [
            (nb().info().to_string(), great_day(&nb(), text)?),
            (vader().info().to_string(), great_day(&vader(), text)?),
        ] {
            let shown: Vec<String> = phi
                .tokens
                .iter()
                .zip(&phi.values)
                .map(|(t, v)| format!("{t} {v:+.3}"))
                .collect();
            println!(
                "  {name:<20} \"{text}\": P(great) {:.3} from {:.3}: {}",
                phi.prediction,
                phi.base,
                shown.join(", ")
            );
        }
    }

    println!("\nfinished in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The failure rate, its interval and the most it may be: for an MFT `1 − accuracy`, for
/// INV/DIR the share of rows failing.
fn failure_rate(kind: Kind, outcome: &Outcome) -> Option<(f64, f64, f64, f64)> {
    let e = &outcome.evidence;
    let (estimate, interval, threshold) = (e.estimate?, e.interval?, e.threshold?);
    Some(match kind {
        Kind::Mft => (
            1.0 - estimate,
            1.0 - interval.hi,
            1.0 - interval.lo,
            1.0 - threshold,
        ),
        Kind::Inv | Kind::Dir => (estimate, interval.lo, interval.hi, threshold),
    })
}

fn print_outcome(test: &Test, outcome: &Outcome) {
    let model = outcome
        .model
        .as_ref()
        .map_or(String::new(), ToString::to_string);
    let Some((rate, lo, hi, max)) = failure_rate(test.kind, outcome) else {
        println!(
            "       {model:<20} {:>5}  {:<22} {:>5}  {}  {}",
            outcome.evidence.n,
            "-",
            "-",
            outcome.verdict.label(),
            outcome.note.as_deref().unwrap_or("")
        );
        return;
    };
    let rate = format!("{:.1}% [{:.1}–{:.1}]", 100.0 * rate, 100.0 * lo, 100.0 * hi);
    println!(
        "       {model:<20} {:>5}  {rate:<22} {:>5}  {}",
        outcome.evidence.n,
        percent(max),
        outcome.verdict.label()
    );
    if outcome.verdict == Verdict::Pass {
        return;
    }
    // Three examples; for an MFT, three that differ in more than the food.
    let mut seen: Vec<String> = Vec::new();
    let examples = outcome.examples.iter().filter(|e| {
        let text = &test.data.rows()[e.row];
        let pattern: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .map(|w| if FOODS.contains(&w) { "{food}" } else { w })
            .collect();
        let pattern = pattern.join(" ");
        let new = test.kind != Kind::Mft || !seen.contains(&pattern);
        seen.push(pattern);
        new
    });
    for example in examples.take(3) {
        let text = &test.data.rows()[example.row];
        match test.kind {
            Kind::Mft => println!("           \"{text}\": {}", example.detail),
            Kind::Inv | Kind::Dir => {
                let id = example.id.as_deref().unwrap_or("?");
                println!(
                    "           review {id}: \"{}\"\n             {}",
                    context(text, &example.detail),
                    example.detail
                );
            }
        }
    }
}

/// The words around the first edited token (`token 12: …` in an example's detail).
fn context(text: &str, detail: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = detail
        .strip_prefix("token ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let (from, to) = (at.saturating_sub(6), (at + 7).min(words.len()));
    format!(
        "{}{}{}",
        if from > 0 { "… " } else { "" },
        words[from..to].join(" "),
        if to < words.len() { " …" } else { "" }
    )
}

/// `5%`, `2.5%`.
fn percent(x: f64) -> String {
    let pct = format!("{:.1}", 100.0 * x);
    format!("{}%", pct.trim_end_matches('0').trim_end_matches('.'))
}

/// The seed's example of a right answer for a wrong reason: a model that calls this text
/// positive should do so because of "great", not "having" or "day".
const GREAT_DAY: [&str; 2] = ["I'm having a great day", "What a great soup"];

/// Exact token Shapley values of the probability of `great`.
fn great_day(
    model: &impl Model<Input = String, Output = Probabilities>,
    text: &str,
) -> Result<model_check::explain::TokenValues, model_check::explain::ExplainError> {
    model_check::explain::token_attribution(model)
        .target("great".into())
        .exact(text)
}
