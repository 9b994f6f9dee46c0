//! The two sentiment models under test, and the food reviews they are trained and tested on.
//!
//! - `bag-of-words-nb`: multinomial Naive Bayes over word counts, Laplace smoothing, vocabulary
//!   of the words seen at least [`MIN_COUNT`] times in the training reviews.
//! - `vader-lexicon`: the sum of the VADER valences of a review's words, mapped to P(great)
//!   by a logistic with a threshold fitted on the training reviews. No negation handling, no
//!   intensifiers, no "but" rule: a lexicon model at its simplest.
//!
//! Shared by `examples/sentiment/main.rs` and `tests/sentiment.rs`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use model_check::prelude::*;

/// The repository's copy of the data (see `examples/data/PROVENANCE.md`).
pub const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

/// The classes, in the models' order.
pub const CLASSES: [&str; 2] = ["great", "other"];

/// A word enters the Naive Bayes vocabulary when the training reviews use it this often.
pub const MIN_COUNT: u32 = 2;

/// Laplace smoothing of the word counts.
pub const ALPHA: f64 = 1.0;

/// Slope of the lexicon model's logistic, per unit of summed valence.
pub const VADER_SLOPE: f64 = 1.0;

/// One row of `food_reviews_*.csv`.
#[derive(serde::Deserialize)]
struct ReviewRow {
    rownames: String,
    review: String,
    score: String,
}

/// Loads `food_reviews_train.csv` or `food_reviews_test.csv`: the review texts, labelled
/// `great` or `other`, with the `rownames` column as row ids.
pub fn load_reviews(file: &str) -> Result<Dataset<String>, Box<dyn std::error::Error>> {
    let path = Path::new(DATA_DIR).join(file);
    let mut reader = csv::Reader::from_path(&path)?;
    let (mut ids, mut texts, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    for row in reader.deserialize() {
        let row: ReviewRow = row?;
        ids.push(row.rownames);
        texts.push(row.review);
        labels.push(row.score);
    }
    let data = Dataset::from_inputs(texts, Labels::with_classes(CLASSES, labels)?)?
        .with_ids(ids)?
        .named(file.trim_end_matches(".csv"));
    Ok(data)
}

/// Lower-case words: letters and digits, with an apostrophe kept inside a word ("don't",
/// "i'm"). A possessive "'s" is dropped ("lana's" → "lana") except after pronouns, where it
/// is "is" ("it's", "that's"). Curly apostrophes count as straight ones; the `<br />` line
/// breaks of the reviews are not words.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    let mut in_tag = false;
    while let Some(c) = chars.next() {
        // `<br />` and any other markup.
        if c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/')
        {
            in_tag = true;
        }
        if in_tag {
            in_tag = c != '>';
            finish(&mut word, &mut tokens);
            continue;
        }
        let c = if matches!(c, '’' | '‘') { '\'' } else { c };
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if c == '\'' && !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            word.push('\'');
        } else {
            finish(&mut word, &mut tokens);
        }
    }
    finish(&mut word, &mut tokens);
    tokens
}

/// Ends the current word, dropping a possessive "'s".
fn finish(word: &mut String, tokens: &mut Vec<String>) {
    if word.is_empty() {
        return;
    }
    const IS: [&str; 10] = [
        "it's", "that's", "he's", "she's", "there's", "here's", "what's", "let's", "who's",
        "where's",
    ];
    if word.ends_with("'s") && !IS.contains(&word.as_str()) {
        word.truncate(word.len() - 2);
    }
    tokens.push(std::mem::take(word));
}

/// Multinomial Naive Bayes for two classes, kept as log-odds: P(great | text) is the
/// logistic of `prior + Σ count(w) · weight(w)`, with `weight(w) = log P(w | great) −
/// log P(w | other)`. Words outside the vocabulary are ignored.
pub struct NaiveBayes {
    index: HashMap<String, usize>,
    weights: Vec<f64>,
    prior: f64,
}

impl NaiveBayes {
    /// Trains on labelled texts (class `great` against the rest).
    pub fn train(data: &Dataset<String>) -> Self {
        let tokenized: Vec<Vec<String>> = data.rows().iter().map(|t| tokenize(t)).collect();
        let mut total: HashMap<&str, u32> = HashMap::new();
        for tokens in &tokenized {
            for t in tokens {
                *total.entry(t.as_str()).or_default() += 1;
            }
        }
        let mut vocabulary: Vec<&str> = total
            .iter()
            .filter(|&(_, &n)| n >= MIN_COUNT)
            .map(|(&w, _)| w)
            .collect();
        vocabulary.sort_unstable();
        let index: HashMap<String, usize> = vocabulary
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), i))
            .collect();

        // counts[c][w]: occurrences of word w in reviews of class c (0 = great, 1 = other).
        let mut counts = vec![vec![0.0; vocabulary.len()]; 2];
        let mut documents = [0.0f64; 2];
        for (row, tokens) in tokenized.iter().enumerate() {
            let c = usize::from(data.labels().class_of(row) != Some(CLASSES[0]));
            documents[c] += 1.0;
            for t in tokens {
                if let Some(&w) = index.get(t) {
                    counts[c][w] += 1.0;
                }
            }
        }
        let v = vocabulary.len() as f64;
        let denominator: Vec<f64> = counts
            .iter()
            .map(|c| c.iter().sum::<f64>() + ALPHA * v)
            .collect();
        let weights = (0..vocabulary.len())
            .map(|w| {
                ((counts[0][w] + ALPHA) / denominator[0]).ln()
                    - ((counts[1][w] + ALPHA) / denominator[1]).ln()
            })
            .collect();
        NaiveBayes {
            index,
            weights,
            prior: (documents[0] / documents[1]).ln(),
        }
    }

    /// The number of words in the vocabulary.
    pub fn vocabulary_size(&self) -> usize {
        self.weights.len()
    }

    /// The evidence a word adds to the log-odds of `great`, if it is in the vocabulary.
    pub fn weight(&self, word: &str) -> Option<f64> {
        self.index.get(word).map(|&w| self.weights[w])
    }

    /// log P(great | text) − log P(other | text).
    pub fn log_odds(&self, text: &str) -> f64 {
        self.prior
            + tokenize(text)
                .iter()
                .filter_map(|t| self.weight(t))
                .sum::<f64>()
    }
}

/// The VADER lexicon model: `P(great) = logistic(VADER_SLOPE · (Σ valence − threshold))`.
///
/// Valences have one decimal, so sums are kept exactly, in tenths; the threshold lies halfway
/// between two tenths, so no review sits exactly on it.
pub struct Vader {
    /// Valence in tenths.
    valence: HashMap<String, i64>,
    /// In tenths.
    threshold: f64,
}

impl Vader {
    /// Reads `vader_lexicon.txt` (token, mean valence, …, tab-separated); multi-word entries
    /// ("can't stand") never match a single token and are skipped. The threshold is fitted
    /// on `train`: the cut, half a tenth above a training sum, that classifies the most
    /// training reviews right.
    pub fn fit(train: &Dataset<String>) -> Result<Self, Box<dyn std::error::Error>> {
        let lexicon = std::fs::read_to_string(Path::new(DATA_DIR).join("vader_lexicon.txt"))?;
        let mut valence = HashMap::new();
        for (i, line) in lexicon.lines().enumerate() {
            let mut fields = line.split('\t');
            let (Some(token), Some(value)) = (fields.next(), fields.next()) else {
                return Err(
                    format!("vader_lexicon.txt:{}: expected token and valence", i + 1).into(),
                );
            };
            if !token.contains(' ') {
                let tenths = (value.parse::<f64>()? * 10.0).round() as i64;
                valence.insert(token.to_string(), tenths);
            }
        }
        let mut model = Vader {
            valence,
            threshold: 0.0,
        };
        let mut scored: Vec<(i64, bool)> = train
            .rows()
            .iter()
            .enumerate()
            .map(|(row, text)| {
                let great = train.labels().class_of(row) == Some(CLASSES[0]);
                (model.tenths(text), great)
            })
            .collect();
        scored.sort_unstable();
        // Predicting `great` above the cut: start with every review above it.
        let mut correct = scored.iter().filter(|s| s.1).count();
        let (mut best, mut cut) = (correct, scored[0].0 as f64 - 0.5);
        for i in 0..scored.len() {
            correct = if scored[i].1 {
                correct - 1
            } else {
                correct + 1
            };
            let last_of_its_sum = scored.get(i + 1).is_none_or(|next| next.0 > scored[i].0);
            if last_of_its_sum && correct > best {
                best = correct;
                cut = scored[i].0 as f64 + 0.5;
            }
        }
        model.threshold = cut;
        Ok(model)
    }

    /// The fitted threshold on the summed valence.
    pub fn threshold(&self) -> f64 {
        self.threshold / 10.0
    }

    /// The valence of a word, if the lexicon has it.
    pub fn valence(&self, word: &str) -> Option<f64> {
        self.valence.get(word).map(|&t| t as f64 / 10.0)
    }

    /// The summed valence of a text's words, in tenths.
    fn tenths(&self, text: &str) -> i64 {
        tokenize(text)
            .iter()
            .filter_map(|t| self.valence.get(t))
            .sum()
    }

    /// The summed valence of a text's words.
    pub fn sum(&self, text: &str) -> f64 {
        self.tenths(text) as f64 / 10.0
    }

    /// P(great) for a text.
    pub fn p_great(&self, text: &str) -> f64 {
        logistic(VADER_SLOPE * (self.tenths(text) as f64 - self.threshold) / 10.0)
    }
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The Naive Bayes model as a model-check classifier over `great` and `other`.
pub fn naive_bayes_model(
    nb: &Arc<NaiveBayes>,
) -> impl Model<Input = String, Output = Probabilities> + 'static {
    let nb = Arc::clone(nb);
    Classifier::from_fn(
        ModelInfo::new("bag-of-words-nb", "1"),
        CLASSES,
        move |batch: &[String]| {
            Ok(batch
                .iter()
                .map(|text| {
                    let p = logistic(nb.log_odds(text));
                    vec![p, 1.0 - p]
                })
                .collect())
        },
    )
    .expect("two distinct classes")
}

/// The VADER lexicon model as a model-check classifier over `great` and `other`.
pub fn vader_model(
    vader: &Arc<Vader>,
) -> impl Model<Input = String, Output = Probabilities> + 'static {
    let vader = Arc::clone(vader);
    Classifier::from_fn(
        ModelInfo::new("vader-lexicon", "1"),
        CLASSES,
        move |batch: &[String]| {
            Ok(batch
                .iter()
                .map(|text| {
                    let p = vader.p_great(text);
                    vec![p, 1.0 - p]
                })
                .collect())
        },
    )
    .expect("two distinct classes")
}

/// Both models, trained on the training reviews.
pub struct Trained {
    /// The Naive Bayes model's parameters.
    pub nb: Arc<NaiveBayes>,
    /// The lexicon model's parameters.
    pub vader: Arc<Vader>,
}

impl Trained {
    /// Trains both models on `food_reviews_train.csv`.
    pub fn on(train: &Dataset<String>) -> Result<Self, Box<dyn std::error::Error>> {
        Ok(Trained {
            nb: Arc::new(NaiveBayes::train(train)),
            vader: Arc::new(Vader::fit(train)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::tokenize;

    #[test]
    fn tokens_keep_contractions_and_drop_markup() {
        assert_eq!(
            tokenize("I don't LOVE Lana's tea.<br />It's OK—really"),
            ["i", "don't", "love", "lana", "tea", "it's", "ok", "really"]
        );
        assert_eq!(tokenize("'quoted' won’t"), ["quoted", "won't"]);
    }
}
