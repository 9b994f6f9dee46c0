//! The CheckList-style test plan: capabilities × test types, as model-check checks.
//!
//! - **MFT** (minimum functionality): texts generated from templates must get the template's
//!   label — `accuracy().at_least(0.9)` on each template's texts.
//! - **INV** (invariance): label-preserving edits of held-out reviews (typos, names, places,
//!   numbers, contractions, punctuation) must keep the prediction — at most 5% of reviews
//!   may flip, decided on the Wilson interval.
//! - **DIR** (directional): edits with a known direction (a negative sentence appended, an
//!   intensifier inserted, a neutral word replaced by "great") must not move P(great) the
//!   wrong way.
//!
//! The augmenters model-check does not ship (appending a sentence, inserting an
//! intensifier, replacing a word by a fixed one) are defined here, as implementations of
//! `Augmenter<String>`. Shared by `examples/sentiment/main.rs` and `tests/sentiment.rs`.

use std::borrow::Cow;
use std::sync::Arc;

use model_check::data::{SeededRng, Value};
use model_check::perturb::{Edit, token_spans};
use model_check::prelude::*;
use rand::seq::IndexedRandom;

/// The seed every check runs with.
pub const SEED: u64 = 2024;

/// The seed the template texts are drawn with.
pub const TEMPLATE_SEED: u64 = 7;

/// Held-out reviews per invariance and directional test (a seeded sample).
pub const SAMPLE: usize = 300;

/// Texts per template, at most (templates with fewer combinations give each once).
pub const PER_TEMPLATE: usize = 100;

/// Examples kept per MFT outcome (the report shows three with different words).
pub const MFT_EXAMPLES: usize = 100;

/// Minimum functionality: the share of a template's texts that must get its label.
pub const MFT_ACCURACY: f64 = 0.9;

/// Invariance and direction: the share of reviews that may fail.
pub const MAX_FAILURE_RATE: f64 = 0.05;

pub const FOODS: [&str; 12] = [
    "soup",
    "pasta",
    "coffee",
    "tea",
    "chocolate",
    "bread",
    "cereal",
    "sauce",
    "candy",
    "popcorn",
    "salsa",
    "granola",
];
const POSITIVE_ADJECTIVES: [&str; 10] = [
    "good",
    "great",
    "delicious",
    "excellent",
    "tasty",
    "wonderful",
    "amazing",
    "fantastic",
    "perfect",
    "nice",
];
const NEGATIVE_ADJECTIVES: [&str; 10] = [
    "bad",
    "awful",
    "terrible",
    "stale",
    "bland",
    "disgusting",
    "horrible",
    "gross",
    "rancid",
    "tasteless",
];
const POSITIVE_VERBS: [&str; 8] = [
    "love",
    "like",
    "enjoy",
    "adore",
    "recommend",
    "crave",
    "savor",
    "appreciate",
];
const NEGATIVE_VERBS: [&str; 8] = [
    "hate",
    "dislike",
    "despise",
    "detest",
    "loathe",
    "regret buying",
    "threw out",
    "returned",
];
/// Adjectives that say nothing about the food's quality.
const NEUTRAL_ADJECTIVES: [&str; 8] = [
    "normal", "regular", "typical", "usual", "ordinary", "long", "busy", "quiet",
];
/// The template word lists: positive adjectives and verbs, then negative ones, then the
/// negations, intensifiers and sentences of the tests.
pub const WORDS: [&[&str]; 5] = [
    &POSITIVE_ADJECTIVES,
    &POSITIVE_VERBS,
    &NEGATIVE_ADJECTIVES,
    &NEGATIVE_VERBS,
    &[
        "not",
        "don't",
        "very",
        "really",
        "extremely",
        "never",
        "again",
    ],
];

/// Neutral adjectives that fit a food.
const NEUTRAL_FOR_FOOD: [&str; 5] = ["normal", "regular", "typical", "usual", "ordinary"];
/// Positive adjectives an intensifier may precede in a review.
const INTENSIFIABLE: [&str; 14] = [
    "good",
    "great",
    "delicious",
    "excellent",
    "tasty",
    "wonderful",
    "amazing",
    "fantastic",
    "nice",
    "fresh",
    "yummy",
    "flavorful",
    "happy",
    "pleased",
];
const INTENSIFIERS: [&str; 3] = ["very", "really", "extremely"];
/// An adjective after one of these already has a modifier: no intensifier goes before it.
const ALREADY_MODIFIED: [&str; 11] = [
    "very",
    "really",
    "extremely",
    "not",
    "so",
    "too",
    "pretty",
    "quite",
    "most",
    "more",
    "less",
];
/// Sentences that can only make a review worse, with their test keys.
const NEGATIVE_SENTENCES: [(&str, &str); 3] = [
    ("awful_taste", "The taste was awful."),
    ("would_not_buy", "I would not buy it again."),
    ("never_again", "Never again."),
];

/// A test type of CheckList.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Minimum functionality: generated texts must get a label.
    Mft,
    /// Invariance: label-preserving edits keep the prediction.
    Inv,
    /// Directional: edits move P(great) only one way.
    Dir,
}

impl Kind {
    /// `MFT`, `INV` or `DIR`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Mft => "MFT",
            Kind::Inv => "INV",
            Kind::Dir => "DIR",
        }
    }
}

/// The texts the tests run on.
pub struct TestData {
    /// The held-out reviews.
    pub reviews: Arc<Dataset<String>>,
    /// Texts from the vocabulary and negation templates, tagged by template.
    pub templates: Arc<Dataset<String>>,
    /// Texts with a neutral adjective, for the local-evidence test.
    pub neutral: Arc<Dataset<String>>,
}

/// The templates of one minimum-functionality capability.
struct Mft {
    capability: &'static str,
    templates: &'static [(&'static str, &'static str, &'static str)],
}

/// Minimum-functionality templates: (key, template, label), by capability.
const MFTS: [Mft; 2] = [
    Mft {
        capability: "Vocabulary",
        templates: &[
            ("pos_adj", "The {food} was {pos_adj}.", "great"),
            ("neg_adj", "The {food} was {neg_adj}.", "other"),
            ("pos_verb", "I {pos_verb} this {food}.", "great"),
            ("neg_verb", "I {neg_verb} this {food}.", "other"),
        ],
    },
    Mft {
        capability: "Negation",
        templates: &[
            ("not_pos_adj", "The {food} was not {pos_adj}.", "other"),
            ("dont_pos_verb", "I don't {pos_verb} this {food}.", "other"),
            ("not_a_pos_adj", "This is not {a:pos_adj} {food}.", "other"),
        ],
    },
];

impl TestData {
    /// The held-out reviews, and the template texts drawn with [`TEMPLATE_SEED`].
    pub fn new(reviews: Dataset<String>) -> Result<Self, Box<dyn std::error::Error>> {
        let mut templates = Templates::new()
            .classes(super::models::CLASSES)
            .fill("food", FOODS)
            .fill("pos_adj", POSITIVE_ADJECTIVES)
            .fill("neg_adj", NEGATIVE_ADJECTIVES)
            .fill("pos_verb", POSITIVE_VERBS)
            .fill("neg_verb", NEGATIVE_VERBS);
        for mft in &MFTS {
            for (_, template, label) in mft.templates {
                templates = templates.with(Template::new(*template).label(*label));
            }
        }
        let neutral = Templates::new()
            .classes(super::models::CLASSES)
            .fill("food", FOODS)
            .fill("neutral", NEUTRAL_ADJECTIVES)
            .with(Template::new("I'm having {a:neutral} day.").label("other"))
            .with(
                Template::new("It was {a:neutral} {food}.")
                    .fill("neutral", NEUTRAL_FOR_FOOD)
                    .label("other"),
            )
            .with(
                Template::new("The {food} tastes {neutral}.")
                    .fill("neutral", NEUTRAL_FOR_FOOD)
                    .label("other"),
            );
        Ok(TestData {
            reviews: Arc::new(reviews),
            templates: Arc::new(
                templates
                    .dataset(PER_TEMPLATE, TEMPLATE_SEED)?
                    .named("templates"),
            ),
            neutral: Arc::new(
                neutral
                    .dataset(PER_TEMPLATE, TEMPLATE_SEED)?
                    .named("neutral templates"),
            ),
        })
    }
}

/// One test of the plan, ready to run on one model.
pub struct Test {
    /// A stable key: `mft/pos_adj`, `inv/typos`, `dir/intensifiers`.
    pub key: String,
    /// The capability tested.
    pub capability: &'static str,
    /// The test type.
    pub kind: Kind,
    /// What is tested, for the report.
    pub name: String,
    /// The texts it runs on (to show the examples' texts).
    pub data: Arc<Dataset<String>>,
    /// The check.
    pub check: Check,
}

/// The whole plan for the model `model()` builds.
pub fn plan<M>(model: impl Fn() -> M, data: &TestData) -> Vec<Test>
where
    M: Model<Input = String, Output = Probabilities> + 'static,
{
    let mut tests = Vec::new();

    // Minimum functionality, one check per template.
    for mft in &MFTS {
        for (key, template, label) in mft.templates {
            tests.push(Test {
                key: format!("mft/{key}"),
                capability: mft.capability,
                kind: Kind::Mft,
                name: format!("{template} → {label}"),
                data: data.templates.clone(),
                // Many examples, so the report can show failures with different words.
                check: check(model(), data.templates.clone())
                    .on(Cohort::tag(*template))
                    .max_examples(MFT_EXAMPLES)
                    .expect(accuracy().at_least(MFT_ACCURACY)),
            });
        }
    }

    // Invariance on held-out reviews.
    let reviews = || {
        check(model(), data.reviews.clone())
            .sample(SAMPLE)
            .max_examples(3)
    };
    let inv = |key: &str, name: &str, check: Check| Test {
        key: format!("inv/{key}"),
        capability: "Robustness",
        kind: Kind::Inv,
        name: name.to_string(),
        data: data.reviews.clone(),
        check,
    };
    let at_most = MAX_FAILURE_RATE;
    tests.push(inv(
        "typos",
        "one typo",
        reviews().expect(invariant(typos(1)).max_failure_rate(at_most)),
    ));
    tests.push(inv(
        "contractions",
        "contractions",
        reviews().expect(invariant(contractions()).max_failure_rate(at_most)),
    ));
    tests.push(inv(
        "punctuation",
        "final punctuation",
        reviews().expect(invariant(punctuation()).max_failure_rate(at_most)),
    ));
    tests.push(inv(
        "numbers",
        "numbers ±20%",
        reviews().expect(invariant(change_numbers(0.2)).max_failure_rate(at_most)),
    ));
    // Few reviews name a person or a place: these run on every held-out review (reviews
    // without one propose no variant and do not count).
    let all_reviews = || check(model(), data.reviews.clone()).max_examples(3);
    tests.push(Test {
        capability: "Fairness",
        ..inv(
            "names",
            "names swapped",
            all_reviews().expect(invariant(swap_names()).max_failure_rate(at_most)),
        )
    });
    tests.push(Test {
        capability: "Fairness",
        ..inv(
            "places",
            "places swapped",
            all_reviews().expect(invariant(swap_places()).max_failure_rate(at_most)),
        )
    });

    // Directional: one test per appended sentence and per intensifier, so that a failure
    // names the phrase.
    for (key, sentence) in NEGATIVE_SENTENCES {
        tests.push(Test {
            key: format!("dir/{key}"),
            capability: "Negation",
            kind: Kind::Dir,
            name: format!("\"{sentence}\" appended: P(great) must not rise"),
            data: data.reviews.clone(),
            check: reviews().expect(
                directional(AppendSentence::new("a negative sentence", [sentence]))
                    .must_not_raise("great")
                    .max_failure_rate(at_most),
            ),
        });
    }
    for word in INTENSIFIERS {
        tests.push(Test {
            key: format!("dir/{word}"),
            capability: "Intensifiers",
            kind: Kind::Dir,
            name: format!("\"{word}\" before a positive adjective: P(great) must not fall"),
            data: data.reviews.clone(),
            check: reviews().expect(
                directional(Insert::before([word], INTENSIFIABLE))
                    .must_not_lower("great")
                    .max_failure_rate(at_most),
            ),
        });
    }
    tests.push(Test {
        key: "dir/local_great".into(),
        capability: "Local token evidence",
        kind: Kind::Dir,
        name: "a neutral adjective replaced by \"great\": P(great) must not fall".into(),
        data: data.neutral.clone(),
        check: check(model(), data.neutral.clone()).max_examples(3).expect(
            directional(Replace::new(NEUTRAL_ADJECTIVES, "great"))
                .must_not_lower("great")
                .max_failure_rate(at_most),
        ),
    });
    tests
}

// ---------------------------------------------------------------------------------------------
// Augmenters model-check does not ship

/// A token split around its first and last letter or digit: `"(Good!"` → `("(", "Good", "!")`.
fn split_word(token: &str) -> (&str, &str, &str) {
    let start = token.find(char::is_alphanumeric).unwrap_or(token.len());
    let end = token
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(start, |(i, c)| i + c.len_utf8());
    (
        &token[..start],
        &token[start..end.max(start)],
        &token[end.max(start)..],
    )
}

/// The word of a whitespace-separated token: lower case, without surrounding punctuation.
fn word_of(token: &str) -> String {
    split_word(token).1.to_lowercase()
}

fn replace(position: usize, before: &str, after: String) -> Edit {
    Edit {
        position,
        before: Value::Category(Cow::Owned(before.to_string())),
        after: Value::Category(after.into()),
    }
}

/// Appends one of a few sentences to a text (an edit of its last token).
#[derive(Debug, Clone)]
pub struct AppendSentence {
    what: &'static str,
    sentences: Vec<&'static str>,
}

impl AppendSentence {
    /// Appends one of `sentences`, described as `what`.
    pub fn new(what: &'static str, sentences: impl IntoIterator<Item = &'static str>) -> Self {
        AppendSentence {
            what,
            sentences: sentences.into_iter().collect(),
        }
    }

    fn edit(row: &str, sentence: &str) -> Option<Vec<Edit>> {
        let spans = token_spans(row);
        let &(start, end) = spans.last()?;
        let last = &row[start..end];
        let stop = if last.ends_with(['.', '!', '?']) {
            ""
        } else {
            "."
        };
        Some(vec![replace(
            spans.len() - 1,
            last,
            format!("{last}{stop} {sentence}"),
        )])
    }
}

impl Augmenter<String> for AppendSentence {
    fn describe(&self) -> String {
        format!(
            "{} appended (\"{}\")",
            self.what,
            self.sentences.join("\", \"")
        )
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        Self::edit(row, self.sentences.choose(rng)?)
    }

    /// Each sentence once.
    fn enumerate(&self, row: &String) -> Option<Vec<Vec<Edit>>> {
        Some(
            self.sentences
                .iter()
                .filter_map(|s| Self::edit(row, s))
                .collect(),
        )
    }
}

/// Inserts a word before every occurrence of some words ("very" before "good").
#[derive(Debug, Clone)]
pub struct Insert {
    inserted: Vec<&'static str>,
    targets: Vec<&'static str>,
}

impl Insert {
    /// Inserts one of `inserted` before each word of `targets` (unless a modifier such as
    /// "very" or "not" already precedes it).
    pub fn before(
        inserted: impl IntoIterator<Item = &'static str>,
        targets: impl IntoIterator<Item = &'static str>,
    ) -> Self {
        Insert {
            inserted: inserted.into_iter().collect(),
            targets: targets.into_iter().collect(),
        }
    }

    /// The variant inserting `word` before every target of `row`.
    fn edits(&self, row: &str, word: &str) -> Vec<Edit> {
        let spans = token_spans(row);
        let mut edits = Vec::new();
        for (i, &(start, end)) in spans.iter().enumerate() {
            let token = &row[start..end];
            if !self.targets.contains(&word_of(token).as_str()) {
                continue;
            }
            let previous = i
                .checked_sub(1)
                .map(|p| word_of(&row[spans[p].0..spans[p].1]));
            if previous.is_some_and(|p| ALREADY_MODIFIED.contains(&p.as_str())) {
                continue;
            }
            // Keep leading punctuation and a capital in front: "(Good" → "(Very good".
            let at = token.find(char::is_alphanumeric).unwrap_or(0);
            let (prefix, rest) = token.split_at(at);
            let capital = rest.chars().next().is_some_and(char::is_uppercase)
                && !rest.chars().skip(1).any(char::is_uppercase);
            let after = if capital {
                let mut chars = word.chars();
                let first: String = chars
                    .next()
                    .into_iter()
                    .flat_map(char::to_uppercase)
                    .collect();
                let mut rest_chars = rest.chars();
                let rest_first: String = rest_chars
                    .next()
                    .into_iter()
                    .flat_map(char::to_lowercase)
                    .collect();
                format!(
                    "{prefix}{first}{} {rest_first}{}",
                    chars.as_str(),
                    rest_chars.as_str()
                )
            } else {
                format!("{prefix}{word} {rest}")
            };
            edits.push(replace(i, token, after));
        }
        edits
    }
}

impl Augmenter<String> for Insert {
    fn describe(&self) -> String {
        format!(
            "\"{}\" inserted before a positive adjective",
            self.inserted.join("\"/\"")
        )
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let edits = self.edits(row, self.inserted.choose(rng)?);
        (!edits.is_empty()).then_some(edits)
    }

    /// One variant per inserted word, each inserting it before every target.
    fn enumerate(&self, row: &String) -> Option<Vec<Vec<Edit>>> {
        Some(
            self.inserted
                .iter()
                .map(|w| self.edits(row, w))
                .filter(|e| !e.is_empty())
                .collect(),
        )
    }
}

/// Replaces every occurrence of some words by one word.
#[derive(Debug, Clone)]
pub struct Replace {
    words: Vec<&'static str>,
    by: &'static str,
}

impl Replace {
    /// Replaces each of `words` by `by`.
    pub fn new(words: impl IntoIterator<Item = &'static str>, by: &'static str) -> Self {
        Replace {
            words: words.into_iter().collect(),
            by,
        }
    }
}

impl Augmenter<String> for Replace {
    fn describe(&self) -> String {
        format!("a neutral adjective replaced by \"{}\"", self.by)
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, _rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let edits: Vec<Edit> = token_spans(row)
            .into_iter()
            .enumerate()
            .filter_map(|(i, (start, end))| {
                let token = &row[start..end];
                let (prefix, word, suffix) = split_word(token);
                self.words
                    .contains(&word.to_lowercase().as_str())
                    .then(|| replace(i, token, format!("{prefix}{}{suffix}", self.by)))
            })
            .collect();
        (!edits.is_empty()).then_some(edits)
    }

    /// The one variant: every occurrence replaced.
    fn enumerate(&self, row: &String) -> Option<Vec<Vec<Edit>>> {
        Some(
            self.propose(row, &mut model_check::data::seeded_rng(0))
                .into_iter()
                .collect(),
        )
    }
}
