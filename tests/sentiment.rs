//! End to end: what model-check finds in two real sentiment models on the Amazon fine-food
//! reviews — the models and the CheckList-style plan of `examples/sentiment/`, run with the
//! example's fixed seeds.
//!
//! The models are deterministic (Naive Bayes counts, a fitted threshold) and every check runs
//! with `SEED`, so each number below is what the framework reports today. A change in the
//! models, the augmenters, the templates, the sampling or the verdict rules that alters a
//! finding fails one of these tests; if the change is intended, update the finding and the
//! example's narrative together.

#[allow(dead_code)]
#[path = "../examples/sentiment/models.rs"]
mod models;

#[allow(dead_code)]
#[path = "../examples/sentiment/capabilities.rs"]
mod capabilities;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use capabilities::{SAMPLE, SEED, TestData};
use model_check::expect::Outcome;
use model_check::prelude::*;
use models::{Trained, load_reviews, naive_bayes_model, vader_model};

struct Setup {
    trained: Trained,
    data: TestData,
}

/// Trained once per test binary.
static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let train = load_reviews("food_reviews_train.csv").expect("training reviews load");
    let test = load_reviews("food_reviews_test.csv").expect("held-out reviews load");
    Setup {
        trained: Trained::on(&train).expect("models train"),
        data: TestData::new(test).expect("templates generate"),
    }
});

/// The outcome of every test of the plan, by key, for each model: run once, the two models
/// on two threads.
struct Findings {
    nb: BTreeMap<String, Outcome>,
    vader: BTreeMap<String, Outcome>,
}

static FINDINGS: LazyLock<Findings> = LazyLock::new(|| {
    let setup = &*SETUP;
    let run = |plan: Vec<capabilities::Test>| -> BTreeMap<String, Outcome> {
        plan.into_iter()
            .map(|test| {
                let mut report = test.check.run(SEED);
                assert_eq!(report.outcomes.len(), 1);
                (test.key, report.outcomes.remove(0))
            })
            .collect()
    };
    std::thread::scope(|s| {
        let nb = s.spawn(|| {
            run(capabilities::plan(
                || naive_bayes_model(&setup.trained.nb),
                &setup.data,
            ))
        });
        let vader = run(capabilities::plan(
            || vader_model(&setup.trained.vader),
            &setup.data,
        ));
        Findings {
            nb: nb.join().expect("the Naive Bayes plan runs"),
            vader,
        }
    })
});

fn nb(key: &str) -> &'static Outcome {
    FINDINGS
        .nb
        .get(key)
        .unwrap_or_else(|| panic!("no test {key}"))
}

fn vader(key: &str) -> &'static Outcome {
    FINDINGS
        .vader
        .get(key)
        .unwrap_or_else(|| panic!("no test {key}"))
}

/// The failure rate of an outcome: `1 − accuracy` for an MFT, the share of rows failing
/// otherwise.
fn failure_rate(key: &str, outcome: &Outcome) -> f64 {
    let estimate = outcome.evidence.estimate.expect("an estimate");
    if key.starts_with("mft/") {
        1.0 - estimate
    } else {
        estimate
    }
}

/// The texts of an MFT outcome's examples.
fn example_texts(outcome: &Outcome) -> Vec<&'static str> {
    outcome
        .examples
        .iter()
        .map(|e| SETUP.data.templates.rows()[e.row].as_str())
        .collect()
}

#[test]
fn naive_bayes_is_more_accurate_than_the_lexicon_on_held_out_reviews() {
    let reviews = &*SETUP.data.reviews;
    let accuracy_of =
        |report: Vec<CohortMetrics<ClassificationMetrics>>| report[0].metrics.accuracy();
    let nb_accuracy = accuracy_of(
        evaluate_classifier(
            &naive_bayes_model(&SETUP.trained.nb),
            reviews,
            &[Cohort::all()],
        )
        .unwrap(),
    );
    let vader_accuracy = accuracy_of(
        evaluate_classifier(
            &vader_model(&SETUP.trained.vader),
            reviews,
            &[Cohort::all()],
        )
        .unwrap(),
    );
    // 79.8% [77.2–82.2] and 71.0% [68.1–73.7] of 1,000 held-out reviews today.
    assert_eq!(nb_accuracy.n(), 1000);
    let (nb_rate, vader_rate) = (nb_accuracy.rate().unwrap(), vader_accuracy.rate().unwrap());
    assert!((0.77..=0.83).contains(&nb_rate), "{nb_accuracy}");
    assert!((0.68..=0.74).contains(&vader_rate), "{vader_accuracy}");
    // The intervals do not overlap: the difference is not sampling noise.
    assert!(
        nb_accuracy.wilson().unwrap().lo > vader_accuracy.wilson().unwrap().hi,
        "{nb_accuracy} vs {vader_accuracy}"
    );

    // As checks: 75% is cleared by Naive Bayes' whole interval and missed by the lexicon's.
    let at_least_75 = |report: model_check::expect::CheckReport| report.outcomes[0].verdict;
    assert_eq!(
        at_least_75(
            check(
                naive_bayes_model(&SETUP.trained.nb),
                SETUP.data.reviews.clone()
            )
            .expect(accuracy().at_least(0.75))
            .run(SEED)
        ),
        Verdict::Pass
    );
    assert_eq!(
        at_least_75(
            check(
                vader_model(&SETUP.trained.vader),
                SETUP.data.reviews.clone()
            )
            .expect(accuracy().at_least(0.75))
            .run(SEED)
        ),
        Verdict::Fail
    );
}

#[test]
fn the_findings_per_model_are_these_failing_tests() {
    let failing = |findings: &BTreeMap<String, Outcome>| -> Vec<String> {
        findings
            .iter()
            .filter(|(_, o)| o.verdict == Verdict::Fail)
            .map(|(k, _)| k.clone())
            .collect()
    };
    assert_eq!(
        failing(&FINDINGS.nb),
        [
            "dir/extremely",
            "dir/never_again",
            "dir/really",
            "inv/typos",
            "mft/dont_pos_verb",
            "mft/neg_verb",
            "mft/not_a_pos_adj",
            "mft/not_pos_adj",
        ]
    );
    assert_eq!(
        failing(&FINDINGS.vader),
        [
            "mft/dont_pos_verb",
            "mft/not_a_pos_adj",
            "mft/not_pos_adj",
            "mft/pos_adj",
            "mft/pos_verb",
        ]
    );
    // Nothing errors, and every Inconclusive is one of these (too few reviews with a number
    // or a place, or a rate close to 5%).
    for (model, findings) in [("nb", &FINDINGS.nb), ("vader", &FINDINGS.vader)] {
        for (key, outcome) in findings {
            assert_ne!(
                outcome.verdict,
                Verdict::Error,
                "{model} {key}: {outcome:?}"
            );
            if outcome.verdict == Verdict::Inconclusive {
                assert!(
                    [
                        "inv/typos",
                        "inv/contractions",
                        "inv/numbers",
                        "inv/places",
                        "inv/names"
                    ]
                    .contains(&key.as_str()),
                    "{model} {key} is inconclusive: {outcome:?}"
                );
            }
        }
    }
}

#[test]
fn both_models_fail_negation_and_the_lexicon_ignores_not() {
    for key in ["mft/not_pos_adj", "mft/dont_pos_verb", "mft/not_a_pos_adj"] {
        assert_eq!(nb(key).verdict, Verdict::Fail, "{key}");
        assert_eq!(vader(key).verdict, Verdict::Fail, "{key}");
    }
    // "The soup was not good." → other: 88% of the texts are called great by Naive Bayes
    // ("not" weighs −0.54, less than most positive adjectives), 70% by the lexicon model,
    // which adds up "great" (+3.1) and never sees "not".
    let (nb_rate, vader_rate) = (
        failure_rate("mft/not_pos_adj", nb("mft/not_pos_adj")),
        failure_rate("mft/not_pos_adj", vader("mft/not_pos_adj")),
    );
    assert!(nb_rate > 0.8, "{nb_rate}");
    assert!(vader_rate > 0.6, "{vader_rate}");
    let lexicon = &SETUP.trained.vader;
    assert_eq!(lexicon.valence("not"), None);
    assert_eq!(
        lexicon.sum("The soup was not great."),
        lexicon.sum("The soup was great.")
    );
    // The lexicon's most confident mistake is "not great".
    assert!(
        example_texts(vader("mft/not_pos_adj"))[0].ends_with(" was not great."),
        "{:?}",
        example_texts(vader("mft/not_pos_adj"))
    );
}

#[test]
fn the_lexicon_misses_food_words_and_calls_mild_praise_other() {
    // "The soup was tasty." → other: "tasty" is not in VADER's lexicon, and "good" (+1.9) or
    // "nice" (+1.8) alone stay under the fitted threshold (1.95). 28 of 100 texts fail.
    let outcome = vader("mft/pos_adj");
    assert_eq!(outcome.verdict, Verdict::Fail);
    let rate = failure_rate("mft/pos_adj", outcome);
    assert!((0.2..=0.4).contains(&rate), "{rate}");
    let texts = example_texts(outcome);
    assert!(
        texts.iter().any(|t| t.ends_with(" was tasty.")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.ends_with(" was good.")), "{texts:?}");
    assert!(
        texts.iter().all(|t| !t.ends_with(" was great.")),
        "{texts:?}"
    );
    assert_eq!(SETUP.trained.vader.threshold(), 1.95);

    // Negative templates pass, but for a reason the test alone cannot see: "stale" and
    // "bland" are not in the lexicon either; a sum of 0 is simply below the threshold.
    assert_eq!(vader("mft/neg_adj").verdict, Verdict::Pass);
    assert_eq!(SETUP.trained.vader.sum("The soup was stale."), 0.0);

    // Naive Bayes learned the food words from the reviews and passes.
    assert_eq!(nb("mft/pos_adj").verdict, Verdict::Pass);
    assert_eq!(nb("mft/neg_adj").verdict, Verdict::Pass);
}

#[test]
fn naive_bayes_calls_rare_negative_verbs_great() {
    // "I regret buying this bread." → great: "despise" and "detest" are not in the
    // vocabulary, and "regret" leans positive in reviews ("you won't regret it").
    let outcome = nb("mft/neg_verb");
    assert_eq!(outcome.verdict, Verdict::Fail);
    let rate = failure_rate("mft/neg_verb", outcome);
    assert!((0.4..=0.8).contains(&rate), "{rate}");
    assert!(SETUP.trained.nb.weight("regret").unwrap() > 0.0);
    assert_eq!(SETUP.trained.nb.weight("despise"), None);
    assert_eq!(vader("mft/neg_verb").verdict, Verdict::Pass);
}

#[test]
fn one_typo_flips_more_than_five_percent_of_naive_bayes_predictions_in_the_sample() {
    // In the example's sample (300 reviews, seed 2024) 25 reviews (8.3%, 95% CI 5.7–12.0%)
    // flip under one typo: the whole interval is above 5%, so the test fails; the lexicon
    // model's 6.7% (4.4–10.1%) straddles 5%. This sample sits at the high end: over seeds
    // 2020–2031 the sampled rate ranged 3.7–8.3% and was mostly Inconclusive, and over all
    // 1,000 reviews it is 5.6% (see the next test) — a true rate just above 5%, which this
    // sample happens to resolve.
    let outcome = nb("inv/typos");
    assert_eq!(outcome.verdict, Verdict::Fail, "{outcome:?}");
    assert_eq!(outcome.evidence.n, SAMPLE as u64);
    let rate = outcome.evidence.estimate.unwrap();
    assert!((0.06..=0.11).contains(&rate), "{rate}");
    assert_eq!(vader("inv/typos").verdict, Verdict::Inconclusive);
    // Every example is one misspelt word that flips the label.
    for example in &outcome.examples {
        assert_eq!(
            example.detail.matches("token ").count(),
            1,
            "{}",
            example.detail
        );
        assert!(example.detail.contains(" → great)") || example.detail.contains(" → other)"));
    }
}

#[test]
fn over_all_reviews_naive_bayes_passes_typos_at_ten_percent_but_not_at_five() {
    // All 1,000 held-out reviews, five one-typo variants each: about 5.6% of reviews flip
    // (95% CI 4.3–7.2%; 5.6–6.2% over seeds 2022–2026). The whole interval is under 10%, so
    // the test passes at 10%; it straddles 5%, so at 5% the verdict is Inconclusive and
    // names the number of reviews that would decide it.
    let run = |max: f64| {
        check(
            naive_bayes_model(&SETUP.trained.nb),
            SETUP.data.reviews.clone(),
        )
        .expect(invariant(typos(1)).max_failure_rate(max))
        .run(SEED)
        .outcomes
        .remove(0)
    };
    let at_ten = run(0.1);
    assert_eq!(at_ten.verdict, Verdict::Pass, "{at_ten:?}");
    assert_eq!(at_ten.evidence.n, 1000);
    let rate = at_ten.evidence.estimate.unwrap();
    assert!((0.04..=0.08).contains(&rate), "{rate}");
    let at_five = run(0.05);
    assert_eq!(at_five.verdict, Verdict::Inconclusive, "{at_five:?}");
    assert!(at_five.evidence.rows_needed.is_some());
}

#[test]
fn names_never_matter_and_punctuation_is_invisible() {
    // swap_names finds a person's name in 58 of the 1,000 held-out reviews (months, days,
    // nationalities, foods such as "Ginger" and "/>My" after a glued "<br />" are not taken
    // for names) and flips neither model: 0 of 58, but 58 reviews cannot show the rate is
    // under 5% (Wilson upper bound 6.2%), so the verdict is an honest Inconclusive.
    for outcome in [nb("inv/names"), vader("inv/names")] {
        assert_eq!(outcome.verdict, Verdict::Inconclusive);
        assert_eq!(outcome.evidence.n, 58);
        assert_eq!(outcome.evidence.estimate, Some(0.0));
        assert_eq!(outcome.evidence.rows_needed, Some(73));
    }
    // Both tokenizers drop punctuation, so the final "." or "!" cannot change anything.
    for outcome in [nb("inv/punctuation"), vader("inv/punctuation")] {
        assert_eq!(outcome.verdict, Verdict::Pass);
        assert_eq!(outcome.evidence.estimate, Some(0.0));
    }
}

#[test]
fn contractions_move_naive_bayes_only() {
    // Neither "didn't" nor "did not" is in VADER's lexicon: expanding or contracting changes
    // no sum. Naive Bayes weighs "not" (−0.54) and "didn't" differently, and a few reviews
    // flip — too few to decide against 5%.
    assert_eq!(vader("inv/contractions").evidence.estimate, Some(0.0));
    assert_eq!(vader("inv/contractions").verdict, Verdict::Pass);
    let outcome = nb("inv/contractions");
    assert_eq!(outcome.verdict, Verdict::Inconclusive);
    assert!(outcome.evidence.estimate.unwrap() > 0.0);
}

#[test]
fn place_names_carry_sentiment_for_both_models() {
    // Naive Bayes learned "san" as strong praise (+2.6 log-odds): a review from San Diego
    // that is great with certainty becomes `other` when the city is Santa Clara.
    let outcome = nb("inv/places");
    assert_eq!(outcome.verdict, Verdict::Inconclusive, "{outcome:?}");
    assert!(SETUP.trained.nb.weight("san").unwrap() > 2.0);
    assert!(
        outcome
            .examples
            .iter()
            .any(|e| e.detail.contains("\"San\" →")),
        "{:?}",
        outcome.examples
    );

    // "United States" holds a VADER word ("united", +1.8), as does "Mount Pleasant"
    // ("pleasant", +2.3): swapping places moves the lexicon model's sums.
    let outcome = vader("inv/places");
    assert_eq!(outcome.verdict, Verdict::Inconclusive, "{outcome:?}");
    assert!(outcome.evidence.estimate.unwrap() > 0.0);
    assert_eq!(SETUP.trained.vader.valence("united"), Some(1.8));
    assert!(
        outcome
            .examples
            .iter()
            .any(|e| e.detail.contains("\"United\" →") || e.detail.contains("Pleasant")),
        "{:?}",
        outcome.examples
    );
}

#[test]
fn directional_findings_follow_single_word_weights() {
    // For a bag of words, appending or inserting a word moves every review's log-odds by the
    // word's weight: the directional tests are all or nothing.
    let weight = |w: &str| SETUP.trained.nb.weight(w).unwrap();
    // "Never again." appended raises P(great) in every sampled review (never +0.03, again
    // +0.00); the other negative sentences lower it everywhere.
    assert!(weight("never") + weight("again") > 0.0);
    assert_eq!(nb("dir/never_again").evidence.estimate, Some(1.0));
    assert_eq!(nb("dir/awful_taste").evidence.estimate, Some(0.0));
    assert_eq!(nb("dir/would_not_buy").evidence.estimate, Some(0.0));
    // "really" (−0.03) and "extremely" (−0.11) lower P(great) before every positive
    // adjective; "very" (+0.10) does not.
    assert!(weight("really") < 0.0 && weight("extremely") < 0.0 && weight("very") > 0.0);
    assert_eq!(nb("dir/really").evidence.estimate, Some(1.0));
    assert_eq!(nb("dir/extremely").evidence.estimate, Some(1.0));
    assert_eq!(nb("dir/very").evidence.estimate, Some(0.0));
    // The lexicon model knows no intensifier and no word of "Never again.": nothing moves,
    // so its directional tests pass without the model understanding either.
    for key in [
        "dir/never_again",
        "dir/would_not_buy",
        "dir/very",
        "dir/really",
        "dir/extremely",
    ] {
        assert_eq!(vader(key).evidence.estimate, Some(0.0), "{key}");
    }
    // "great" in place of a neutral adjective raises P(great) for both, everywhere.
    for outcome in [nb("dir/local_great"), vader("dir/local_great")] {
        assert_eq!(outcome.verdict, Verdict::Pass);
        assert_eq!(outcome.evidence.estimate, Some(0.0));
    }
}

#[test]
fn token_slices_show_which_reviews_each_model_gets_wrong() {
    use model_check::discover::discover_text;
    let setup = &*SETUP;
    let reviews = &*setup.data.reviews;
    for (name, report) in [
        (
            "naive bayes",
            discover_text(&naive_bayes_model(&setup.trained.nb), reviews)
                .run()
                .unwrap(),
        ),
        (
            "vader",
            discover_text(&vader_model(&setup.trained.vader), reviews)
                .run()
                .unwrap(),
        ),
    ] {
        println!("{name}: {}", report.top(6));
        // Every pocket is a token (or two) of the reviews, errs more than the rest, and
        // survives the false-discovery adjustment.
        for f in &report.findings {
            assert!(
                f.descriptions[0].starts_with("contains `"),
                "{}",
                f.descriptions[0]
            );
            assert!(f.rate > f.rest_rate && f.adjusted_p <= 0.05);
        }
    }
}

/// The seed's example of the right answer for the right reason: both models call "I'm
/// having a great day" great because of "great" — its exact token Shapley value is the
/// largest — and the expectation says so. On the held-out reviews that contain "great", the
/// same expectation (occlusion for long reviews) measures how often another word carries the
/// prediction instead.
#[test]
fn great_carries_a_great_day_for_both_models() {
    let setup = &*SETUP;
    let (nb, vader) = (
        naive_bayes_model(&setup.trained.nb),
        vader_model(&setup.trained.vader),
    );
    let text = "I'm having a great day".to_string();
    for phi in [
        model_check::explain::token_attribution(&nb)
            .target("great".into())
            .exact(&text)
            .unwrap(),
        model_check::explain::token_attribution(&vader)
            .target("great".into())
            .exact(&text)
            .unwrap(),
    ] {
        assert_eq!(phi.sorted()[0].0, "great", "{phi:?}");
        assert!(phi.additivity_gap.abs() < 1e-12);
    }
    let one = || Dataset::from_inputs(vec![text.clone()], Labels::unlabelled(1)).unwrap();
    for report in [
        check(naive_bayes_model(&setup.trained.nb), one())
            .expect(token_drives("great").toward("great"))
            .run(SEED),
        check(vader_model(&setup.trained.vader), one())
            .expect(token_drives("great").toward("great"))
            .run(SEED),
    ] {
        assert_eq!(report.outcomes[0].verdict, Verdict::Pass, "{report:?}");
    }
    // The held-out reviews with "great".
    let held_out = setup.data.reviews.clone();
    for (name, outcome) in [
        (
            "nb",
            check(naive_bayes_model(&setup.trained.nb), held_out.clone())
                .expect(token_drives("great").toward("great"))
                .run(SEED)
                .outcomes
                .remove(0),
        ),
        (
            "vader",
            check(vader_model(&setup.trained.vader), held_out)
                .expect(token_drives("great").toward("great"))
                .run(SEED)
                .outcomes
                .remove(0),
        ),
    ] {
        println!("{name}: {outcome}");
    }
}
