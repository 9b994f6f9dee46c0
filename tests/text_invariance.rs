//! Invariance of text models under typos, on sentences from the Amazon fine-food reviews
//! (`examples/data/food_reviews_test.csv`, R package modeldata, MIT; copied here).
//!
//! Two lexicon models with the same word lists: one matches words up to one keystroke
//! (it forgives typos), the other only exact tokens. Typos leave the first one's predictions
//! alone and break the second, and each failure shrinks to the one misspelt word.

use model_check::perturb::typos;
use model_check::prelude::*;

const SENTENCES: [(&str, &str); 24] = [
    ("This is one of my favorite teas.", "great"),
    ("These pickled eggs are my new favorite .", "great"),
    ("My favorite is the oatmeal cookie.", "great"),
    (
        "It smells so warm and perfect; like the holiday season.",
        "great",
    ),
    (
        "These cookies are delicious, and considering they're cookies, they are healthy!",
        "great",
    ),
    ("The one I received is very disappointed...", "other"),
    (
        "They were dry, stale, hard as a rock and had no taste.",
        "other",
    ),
    ("You will love these little tins.", "great"),
    ("It's an amazing mix of complex aromas.", "great"),
    (
        "These cubes are absolutely delicious with any dish.",
        "great",
    ),
    (
        "It is rich dark wonderful Belgian chocolate with a tang of orange.",
        "great",
    ),
    ("I absolutely love Lana's Snowflake tea!", "great"),
    (
        "On my Presto Powerpop corn this is one of my favorites.",
        "great",
    ),
    (
        "These were always my favorite, toasty and slightly buttery.",
        "great",
    ),
    (
        "With a generous addition of honey and a bit of milk, this is wonderful stuff.",
        "great",
    ),
    (
        "Both flavors in the bundle are absolutely delicious.",
        "great",
    ),
    (
        "I like it with a bit of sugar and a touch a milk, absolutely delicious.",
        "great",
    ),
    ("These are great and my dog loves them.", "great"),
    ("The chips were stale and the bag was half empty.", "other"),
    (
        "Honestly the worst coffee I have tasted, bitter and bland.",
        "other",
    ),
    ("I was disappointed, the sauce tasted horrible.", "other"),
    ("Terrible packaging and the candy arrived melted.", "other"),
    ("The bread was awful, dry and stale.", "other"),
    (
        "Sadly the flavor was bland and the texture terrible.",
        "other",
    ),
];

const POSITIVE: [&str; 11] = [
    "favorite",
    "favorites",
    "perfect",
    "delicious",
    "love",
    "loves",
    "amazing",
    "wonderful",
    "great",
    "generous",
    "healthy",
];
const NEGATIVE: [&str; 8] = [
    "disappointed",
    "stale",
    "worst",
    "bland",
    "horrible",
    "terrible",
    "awful",
    "bitter",
];

/// Letters only, lower case.
fn normalise(token: &str) -> String {
    token
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `a` and `b` differ by at most one keystroke (substitution, insertion, deletion or
/// a swap of neighbours).
fn one_keystroke(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b {
        return true;
    }
    match a.len() as i64 - b.len() as i64 {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            diff.len() == 1
                || (diff.len() == 2
                    && diff[1] == diff[0] + 1
                    && a[diff[0]] == b[diff[1]]
                    && a[diff[1]] == b[diff[0]])
        }
        1 | -1 => {
            let (long, short) = if a.len() > b.len() {
                (&a, &b)
            } else {
                (&b, &a)
            };
            (0..long.len()).any(|skip| {
                long.iter()
                    .enumerate()
                    .filter(|&(i, _)| i != skip)
                    .map(|(_, c)| c)
                    .eq(short.iter())
            })
        }
        _ => false,
    }
}

/// A lexicon sentiment model: P(great) rises with positive words and falls with negative
/// ones; `forgiving` matches words up to one keystroke (same first letter, five letters or
/// more), otherwise only exactly.
fn lexicon_model(forgiving: bool) -> impl Model<Input = String, Output = Probabilities> + 'static {
    let name = if forgiving {
        "lexicon-forgiving"
    } else {
        "lexicon-exact"
    };
    Classifier::from_fn(
        ModelInfo::new(name, "1"),
        ["great", "other"],
        move |batch: &[String]| {
            let matches = |token: &str, word: &str| {
                if forgiving && word.len() >= 5 && token.chars().next() == word.chars().next() {
                    one_keystroke(token, word)
                } else {
                    token == word
                }
            };
            Ok(batch
                .iter()
                .map(|text| {
                    let mut score = 0.0;
                    for token in text.split_whitespace().map(normalise) {
                        if POSITIVE.iter().any(|w| matches(&token, w)) {
                            score += 1.0;
                        }
                        if NEGATIVE.iter().any(|w| matches(&token, w)) {
                            score -= 1.0;
                        }
                    }
                    let p = 1.0 / (1.0 + f64::exp(-2.0 * score));
                    vec![p, 1.0 - p]
                })
                .collect())
        },
    )
    .unwrap()
}

fn reviews() -> Dataset<String> {
    Dataset::from_inputs(
        SENTENCES.iter().map(|(s, _)| s.to_string()).collect(),
        Labels::classes(SENTENCES.iter().map(|(_, l)| *l)).unwrap(),
    )
    .unwrap()
}

#[test]
fn both_lexicon_models_read_the_reviews_right() {
    for forgiving in [true, false] {
        let report = check(lexicon_model(forgiving), reviews())
            .expect(accuracy().at_least(0.8).min_rows(20))
            .run(1);
        assert_eq!(
            report.outcomes[0].evidence.estimate,
            Some(1.0),
            "{report:?}"
        );
    }
}

#[test]
fn a_model_that_forgives_typos_is_invariant_to_them() {
    let report = check(lexicon_model(true), reviews())
        .expect(invariant(typos(1)).multiplier(10))
        .run(7);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Pass, "{outcome:#?}");
    assert_eq!(outcome.evidence.n, 24);
}

#[test]
fn a_model_keyed_on_exact_tokens_breaks_on_typos_and_each_failure_is_one_word() {
    let report = check(lexicon_model(false), reviews())
        .expect(invariant(typos(2)).multiplier(10))
        .run(7);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail, "{outcome:#?}");
    assert!(outcome.evidence.estimate.unwrap() > 0.1, "{outcome:#?}");
    assert!(!outcome.examples.is_empty());
    let mut single = 0;
    for example in &outcome.examples {
        // Shrunk to the misspelt sentiment words: a typo elsewhere changes nothing, and a
        // sentence with two negative words needs both misspelt to flip.
        let edits: Vec<&str> = example
            .detail
            .split("; ")
            .take_while(|e| e.starts_with("token "))
            .collect();
        assert!((1..=2).contains(&edits.len()), "{}", example.detail);
        single += usize::from(edits.len() == 1);
        for edit in edits {
            let word = normalise(edit.split('"').nth(1).unwrap());
            assert!(
                POSITIVE.contains(&word.as_str()) || NEGATIVE.contains(&word.as_str()),
                "{}",
                example.detail
            );
        }
    }
    assert!(single > 0, "most failures are one misspelt word");
}
