//! Synonyms: a word replaced by a synonym from the shipped lexicon, chosen by the word's
//! likely part of speech in context ([`Synonyms`], built by [`synonyms`]).

use rand::seq::IndexedRandom;

use crate::data::SeededRng;
use crate::perturb::lexicon::{Lexicon, PartOfSpeech, is_function_word};
use crate::perturb::{Augmenter, Edit};

use super::contraction::normalised;
use super::tokens::{
    Token, choose_some, is_all_caps, is_capitalised, shaped_like, starts_sentence, tokenize,
};

/// Synonym replacement from the shipped lexicon; built by [`synonyms`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Synonyms, synonyms};
///
/// let augmenter: Synonyms = synonyms();
/// let edits = augmenter.propose(&"I recommend it".to_string(), &mut seeded_rng(0)).unwrap();
/// assert!(["urge", "advocate"].contains(&edits[0].after.as_category().unwrap()));
/// ```
#[derive(Debug, Clone)]
pub struct Synonyms {
    tokens: usize,
}

/// Replaces one word (or `.tokens(n)` words) by a synonym from the shipped lexicon
/// ([`Lexicon::synonyms`]), keeping its capitalisation and the punctuation around it; `None`
/// for a text with no word the lexicon knows.
///
/// Function words (`the`, `not`, `will`, …) and number words are never replaced, nor
/// capitalised words inside a sentence, which are most likely names. The lexicon lists
/// synonyms by part of speech; the word's part of speech is guessed from its neighbours (a
/// verb after "to" or "will", an adjective after "is" or "very" or between a determiner and a
/// noun, a noun after a determiner, an adverb for "-ly"), and when the guess finds nothing the
/// synonym is drawn from all the word's senses. Without a tagger or a language model some
/// replacements will read oddly; they are still words a robust model should take in stride.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, Lexicon, synonyms};
///
/// let review = "Excellent and something that I really needed.".to_string();
/// let edits = synonyms().propose(&review, &mut seeded_rng(0)).unwrap();
/// let after = edits[0].after.as_category().unwrap();
/// let before = edits[0].before.as_category().unwrap();
/// let word = before.trim_end_matches('.').to_lowercase();
/// assert!(Lexicon::synonyms(&word).contains(&after.trim_end_matches('.').to_lowercase().as_str()));
/// println!("{}", review.apply(&edits));
/// assert_eq!(synonyms().tokens(2).describe(), "synonyms for 2 words (lexicon: npm synonyms 1.0.1)");
/// ```
pub fn synonyms() -> Synonyms {
    Synonyms { tokens: 1 }
}

impl Synonyms {
    /// Replaces `n` words (at least one), when the text has that many the lexicon knows.
    ///
    /// ```
    /// use model_check::data::seeded_rng;
    /// use model_check::perturb::{Augmenter, synonyms};
    ///
    /// let text = "The restaurant was excellent, the juice cheap.".to_string();
    /// assert_eq!(synonyms().tokens(2).propose(&text, &mut seeded_rng(0)).unwrap().len(), 2);
    /// ```
    pub fn tokens(mut self, n: usize) -> Self {
        self.tokens = n.max(1);
        self
    }
}

/// Number words, whose "synonyms" in the lexicon are numerals ("two" → "ii").
const NUMBER_WORDS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million",
    "dozen", "half", "first", "second", "third",
];

const DETERMINERS: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "their", "his", "her",
    "its", "some", "no", "every", "each", "any",
];
const BEFORE_VERBS: &[&str] = &[
    "to", "will", "would", "can", "could", "should", "must", "might", "may", "shall", "do", "does",
    "did", "don't", "doesn't", "didn't", "won't", "can't", "cannot", "i", "we", "you", "they",
];
const BEFORE_ADJECTIVES: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "so",
    "very",
    "too",
    "really",
    "quite",
    "pretty",
    "more",
    "most",
    "less",
    "extremely",
    "seems",
    "looks",
    "tastes",
    "smells",
    "feels",
];

/// The part of speech token `i` most likely has, guessed from its neighbours: a noun or an
/// adjective after a determiner (an adjective when a word follows), a verb after "to", a
/// modal or a pronoun, an adjective after a copula or an intensifier, an adverb for "-ly".
fn likely_part_of_speech(tokens: &[Token<'_>], i: usize, word: &str) -> Option<PartOfSpeech> {
    if word.ends_with("ly") {
        return Some(PartOfSpeech::Adverb);
    }
    let previous = i.checked_sub(1).map(|p| &tokens[p])?;
    if !previous.suffix.is_empty() {
        return None;
    }
    let previous = normalised(previous.core);
    if DETERMINERS.contains(&previous.as_str()) {
        let token = &tokens[i];
        let modifies_next = token.suffix.is_empty()
            && tokens.get(i + 1).is_some_and(|next| {
                next.prefix.is_empty()
                    && next.core.chars().all(char::is_alphabetic)
                    && !is_function_word(&next.core.to_lowercase())
            });
        return Some(if modifies_next {
            PartOfSpeech::Adjective
        } else {
            PartOfSpeech::Noun
        });
    }
    if BEFORE_VERBS.contains(&previous.as_str()) {
        return Some(PartOfSpeech::Verb);
    }
    BEFORE_ADJECTIVES
        .contains(&previous.as_str())
        .then_some(PartOfSpeech::Adjective)
}

/// The synonyms of token `i` (`word`, lower case) for its likely part of speech, or for all
/// of them when the guess finds none.
fn synonyms_in_context(tokens: &[Token<'_>], i: usize, word: &str) -> Vec<&'static str> {
    if let Some(pos) = likely_part_of_speech(tokens, i, word) {
        let guessed: Vec<&'static str> = Lexicon::synonyms_as(word, pos)
            .iter()
            .map(String::as_str)
            .collect();
        if !guessed.is_empty() {
            return guessed;
        }
    }
    Lexicon::synonyms(word)
}

impl Augmenter<String> for Synonyms {
    fn describe(&self) -> String {
        let words = if self.tokens == 1 { "word" } else { "words" };
        format!(
            "synonyms for {} {words} (lexicon: npm synonyms 1.0.1)",
            self.tokens
        )
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let tokens = tokenize(row);
        let eligible: Vec<(&Token<'_>, Vec<&'static str>)> = tokens
            .iter()
            .enumerate()
            .filter_map(|(i, token)| {
                let (word, _) = token.base();
                if word.chars().filter(|c| c.is_alphabetic()).count() < 2
                    || !word.chars().all(|c| c.is_alphabetic() || c == '-')
                    || (is_capitalised(word) && !is_all_caps(word) && !starts_sentence(&tokens, i))
                {
                    return None;
                }
                let lower = word.to_lowercase();
                if is_function_word(&lower) || NUMBER_WORDS.contains(&lower.as_str()) {
                    return None;
                }
                let options = synonyms_in_context(&tokens, i, &lower);
                (!options.is_empty()).then_some((token, options))
            })
            .collect();
        if eligible.is_empty() {
            return None;
        }
        let edits = choose_some(&eligible, self.tokens, rng)
            .into_iter()
            .map(|(token, options)| {
                let synonym = options.choose(rng).expect("options are not empty");
                token.edit_base(&shaped_like(synonym, token.base().0))
            })
            .collect();
        Some(edits)
    }
}
