//! Text augmenters: typos, synonyms, name and place swaps, numbers, contractions,
//! punctuation and case.
//!
//! Each one implements [`Augmenter<String>`](Augmenter) and proposes its variant as edits of
//! whitespace-separated tokens (see [`Editable` for `String`](super::Editable)), so a failing
//! variant shrinks to the fewest changed tokens. A token is edited in its word and keeps the
//! punctuation around it: a typo in `"great!"` gives `"graet!"`, a synonym of `"Cheap,"`
//! keeps the capital and the comma. Every choice is drawn from the generator passed to
//! `propose`, so a seed reproduces the variant; `fit` learns nothing and returns a copy.
//!
//! | augmenter | changes | tokens |
//! |---|---|---|
//! | [`typos(n)`](typos) | swap, drop, insert or substitute (QWERTY neighbour) a character | `n` words of 3+ letters |
//! | [`synonyms()`](synonyms) | a word → a synonym from the [lexicon](super::Lexicon) | 1 (`.tokens(n)`) |
//! | [`swap_names()`](swap_names) | a first name → another of the same gender (and a last name after it) | every name |
//! | [`swap_places()`](swap_places) | a city → another city, a country → another country | every place |
//! | [`swap_words(..)`](swap_words) | a word of a list → another word of the list | every match |
//! | [`change_numbers(r)`](change_numbers) | a number → another within ±`r` (integers stay integers) | every number |
//! | [`contractions()`](contractions) | "do not" ↔ "don't", "it is" ↔ "it's", … | every site |
//! | [`punctuation()`](punctuation) | a trailing "." or "!" added, removed or changed | the last |
//! | [`change_case()`](change_case) | a word lower-cased, upper-cased, or its first letter flipped | 1 (`.tokens(n)`) |
//!
//! ```
//! use model_check::data::seeded_rng;
//! use model_check::perturb::{Augmenter, Editable, change_numbers, typos};
//!
//! let review = "These 1.25 ounce bags of cashews are the perfect size snack.".to_string();
//! let augmenter = typos(1).then(change_numbers(0.2));
//! let edits = augmenter.propose(&review, &mut seeded_rng(7)).unwrap();
//! assert_eq!(edits.len(), 2); // one typo, one number
//! let variant = review.apply(&edits);
//! assert_ne!(variant, review);
//! // The same seed proposes the same variant.
//! assert_eq!(augmenter.propose(&review, &mut seeded_rng(7)).unwrap(), edits);
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use rand::RngExt;
use rand::seq::IndexedRandom;

use super::lexicon::{Gender, Lexicon, PartOfSpeech, is_function_word};
use super::{Augmenter, Edit, token_spans};
use crate::data::{SeededRng, Value};

// ---------------------------------------------------------------------------------------------
// Tokens

/// A whitespace-separated token, split into leading punctuation, the word, and the rest.
struct Token<'a> {
    position: usize,
    text: &'a str,
    /// Everything before the first letter or digit: `(`, `"`, `$`.
    prefix: &'a str,
    /// From the first to the last letter or digit: `don't`, `Michael's`, `1.25`.
    core: &'a str,
    /// Everything after the last letter or digit: `.`, `!!`, `%)`.
    suffix: &'a str,
}

impl Token<'_> {
    /// The core without a possessive `'s`, and the possessive.
    fn base(&self) -> (&str, &str) {
        split_possessive(self.core)
    }

    /// The edit replacing this token by `after`.
    fn edit(&self, after: String) -> Edit {
        Edit {
            position: self.position,
            before: Value::Category(Cow::Owned(self.text.to_string())),
            after: Value::Category(Cow::Owned(after)),
        }
    }

    /// The edit replacing the core's base by `base`, keeping punctuation and possessive.
    fn edit_base(&self, base: &str) -> Edit {
        let (_, possessive) = self.base();
        self.edit(format!("{}{base}{possessive}{}", self.prefix, self.suffix))
    }
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    token_spans(text)
        .into_iter()
        .enumerate()
        .map(|(position, (start, end))| {
            let text = &text[start..end];
            let (prefix, core, suffix) = split_token(text);
            Token {
                position,
                text,
                prefix,
                core,
                suffix,
            }
        })
        .collect()
}

/// Splits a token around its first and last letter or digit.
fn split_token(token: &str) -> (&str, &str, &str) {
    let Some(start) = token.find(char::is_alphanumeric) else {
        return (token, "", "");
    };
    let last = token
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(start, |(i, c)| i + c.len_utf8());
    (&token[..start], &token[start..last], &token[last..])
}

/// `Michael's` → (`Michael`, `'s`).
fn split_possessive(core: &str) -> (&str, &str) {
    for possessive in ["'s", "’s", "'S"] {
        if let Some(base) = core.strip_suffix(possessive)
            && !base.is_empty()
        {
            return (base, &core[base.len()..]);
        }
    }
    (core, "")
}

/// Whether token `i` begins a sentence (the text's first token, or after `.`, `!`, `?`, `:`
/// or a `<br />`).
fn starts_sentence(tokens: &[Token<'_>], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let previous = tokens[i - 1]
        .text
        .trim_end_matches(['"', '\'', ')', ']', '’', '”']);
    previous.ends_with(['.', '!', '?', ':', '>'])
}

/// Whether `word` starts with an upper-case letter.
fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `word` has two letters or more, all upper case.
fn is_all_caps(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.clone().count() >= 2 && letters.all(char::is_uppercase)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `word` (lower case) in the letter case of `like`: all caps, capitalised, or as it is.
fn shaped_like(word: &str, like: &str) -> String {
    if is_all_caps(like) {
        word.to_uppercase()
    } else if is_capitalised(like) {
        capitalise(word)
    } else {
        word.to_string()
    }
}

/// `amount` distinct items of `items`, drawn uniformly, in their original order.
fn choose_some<'t, T>(items: &'t [T], amount: usize, rng: &mut SeededRng) -> Vec<&'t T> {
    let mut picked = rand::seq::index::sample(rng, items.len(), amount.min(items.len())).into_vec();
    picked.sort_unstable();
    picked.into_iter().map(|i| &items[i]).collect()
}

// ---------------------------------------------------------------------------------------------
// Typos

/// A kind of typo; see [`Typos::only`].
///
/// ```
/// use model_check::perturb::{Augmenter, Typo, typos};
///
/// let drops = typos(1).only([Typo::Drop, Typo::Insert]);
/// assert_eq!(drops.describe(), "typos in 1 word (drop or insert a character)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Typo {
    /// Two adjacent characters swapped: `great` → `graet`.
    Swap,
    /// A character dropped: `great` → `gret`.
    Drop,
    /// A character inserted, a keyboard neighbour of the one before it: `great` → `grewat`.
    Insert,
    /// A character replaced by a keyboard neighbour: `great` → `greqt`.
    Substitute,
}

const ALL_TYPOS: [Typo; 4] = [Typo::Swap, Typo::Drop, Typo::Insert, Typo::Substitute];

/// Typos in words of three letters or more; built by [`typos`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Typos, typos};
///
/// let augmenter: Typos = typos(3);
/// let edits = augmenter.propose(&"Love these candies".to_string(), &mut seeded_rng(0)).unwrap();
/// assert_eq!(edits.len(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct Typos {
    tokens: usize,
    kinds: Vec<Typo>,
}

/// One typo in each of `tokens` words (at least one), chosen at random among the words of
/// three or more letters (a possessive `'s` aside); `None` for a text without such a word.
///
/// A typo swaps two adjacent characters, drops one, inserts one, or replaces one by a
/// neighbouring key on a QWERTY keyboard; it leaves the first letter alone (people seldom
/// mistype it) and changes a word's length by at most one. Punctuation around the word is
/// kept.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, typos};
///
/// let review = "The spearmint tea is super flavorful and strong.".to_string();
/// let edits = typos(2).propose(&review, &mut seeded_rng(1)).unwrap();
/// assert_eq!(edits.len(), 2);
/// for edit in &edits {
///     let (before, after) = (edit.before.as_category().unwrap(), edit.after.as_category().unwrap());
///     assert_ne!(before, after);
///     assert!(before.len().abs_diff(after.len()) <= 1);
/// }
/// println!("{}", review.apply(&edits));
/// assert_eq!(typos(1).describe(), "typos in 1 word (swap, drop, insert or substitute a character)");
/// ```
pub fn typos(tokens: usize) -> Typos {
    Typos {
        tokens: tokens.max(1),
        kinds: ALL_TYPOS.to_vec(),
    }
}

impl Typos {
    /// Only these kinds of typo (all four when the list is empty).
    ///
    /// ```
    /// use model_check::data::seeded_rng;
    /// use model_check::perturb::{Augmenter, Typo, typos};
    ///
    /// let swaps = typos(1).only([Typo::Swap]);
    /// let edits = swaps.propose(&"delicious".to_string(), &mut seeded_rng(3)).unwrap();
    /// let mut after: Vec<char> = edits[0].after.as_category().unwrap().chars().collect();
    /// let mut before: Vec<char> = "delicious".chars().collect();
    /// (after.sort(), before.sort());
    /// assert_eq!(after, before); // the same letters, two of them swapped
    /// assert_eq!(swaps.describe(), "typos in 1 word (swap a character)");
    /// ```
    pub fn only(mut self, kinds: impl IntoIterator<Item = Typo>) -> Self {
        let mut chosen: Vec<Typo> = Vec::new();
        for kind in kinds {
            if !chosen.contains(&kind) {
                chosen.push(kind);
            }
        }
        self.kinds = if chosen.is_empty() {
            ALL_TYPOS.to_vec()
        } else {
            chosen
        };
        self
    }
}

/// The keys next to a lower-case letter on a QWERTY keyboard.
fn qwerty_neighbours(c: char) -> Option<&'static str> {
    Some(match c.to_ascii_lowercase() {
        'q' => "wa",
        'w' => "qeas",
        'e' => "wrsd",
        'r' => "etdf",
        't' => "ryfg",
        'y' => "tugh",
        'u' => "yihj",
        'i' => "uojk",
        'o' => "ipkl",
        'p' => "ol",
        'a' => "qwsz",
        's' => "weadzx",
        'd' => "ersfxc",
        'f' => "rtdgcv",
        'g' => "tyfhvb",
        'h' => "yugjbn",
        'j' => "uihknm",
        'k' => "iojlm",
        'l' => "opk",
        'z' => "asx",
        'x' => "sdzc",
        'c' => "dfxv",
        'v' => "fgcb",
        'b' => "ghvn",
        'n' => "hjbm",
        'm' => "jkn",
        _ => return None,
    })
}

/// A random keyboard neighbour of `c`, in `c`'s case.
fn neighbour_of(c: char, rng: &mut SeededRng) -> Option<char> {
    let keys: Vec<char> = qwerty_neighbours(c)?.chars().collect();
    let key = *keys.choose(rng)?;
    Some(if c.is_uppercase() {
        key.to_ascii_uppercase()
    } else {
        key
    })
}

/// The sites (character positions) where each kind of typo can go in `word`, first letter
/// excluded; kinds without a site are left out.
fn typo_sites(word: &[char], kinds: &[Typo]) -> Vec<(Typo, Vec<usize>)> {
    let n = word.len();
    kinds
        .iter()
        .map(|&kind| {
            let sites: Vec<usize> = match kind {
                Typo::Swap => (1..n.saturating_sub(1))
                    .filter(|&i| word[i] != word[i + 1])
                    .collect(),
                Typo::Drop => (1..n).collect(),
                Typo::Insert => (1..=n)
                    .filter(|&i| qwerty_neighbours(word[i - 1]).is_some())
                    .collect(),
                Typo::Substitute => (1..n)
                    .filter(|&i| qwerty_neighbours(word[i]).is_some())
                    .collect(),
            };
            (kind, sites)
        })
        .filter(|(_, sites)| !sites.is_empty())
        .collect()
}

impl Augmenter<String> for Typos {
    fn describe(&self) -> String {
        let kinds: Vec<&str> = self
            .kinds
            .iter()
            .map(|kind| match kind {
                Typo::Swap => "swap",
                Typo::Drop => "drop",
                Typo::Insert => "insert",
                Typo::Substitute => "substitute",
            })
            .collect();
        let kinds = match kinds.as_slice() {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
            [] => String::new(),
        };
        let words = if self.tokens == 1 { "word" } else { "words" };
        format!("typos in {} {words} ({kinds} a character)", self.tokens)
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let tokens = tokenize(row);
        let eligible: Vec<(&Token<'_>, Vec<char>)> = tokens
            .iter()
            .filter_map(|token| {
                let word: Vec<char> = token.base().0.chars().collect();
                (word.len() >= 3
                    && word.iter().all(|c| c.is_alphabetic())
                    && !typo_sites(&word, &self.kinds).is_empty())
                .then_some((token, word))
            })
            .collect();
        if eligible.is_empty() {
            return None;
        }
        let edits = choose_some(&eligible, self.tokens, rng)
            .into_iter()
            .map(|(token, word)| {
                let mut word = word.clone();
                let sites = typo_sites(&word, &self.kinds);
                let (kind, positions) = sites.choose(rng).expect("sites are not empty");
                let i = *positions.choose(rng).expect("positions are not empty");
                match kind {
                    Typo::Swap => word.swap(i, i + 1),
                    Typo::Drop => {
                        word.remove(i);
                    }
                    Typo::Insert => {
                        let key = neighbour_of(word[i - 1], rng).expect("site has a neighbour");
                        word.insert(i, key);
                    }
                    Typo::Substitute => {
                        word[i] = neighbour_of(word[i], rng).expect("site has a neighbour");
                    }
                }
                token.edit_base(&word.into_iter().collect::<String>())
            })
            .collect();
        Some(edits)
    }
}

// ---------------------------------------------------------------------------------------------
// Synonyms

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

// ---------------------------------------------------------------------------------------------
// Names

/// First names swapped for names of the same gender; built by [`swap_names`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, SwapNames, swap_names};
///
/// let augmenter: SwapNames = swap_names();
/// assert!(augmenter.propose(&"Will this work?".to_string(), &mut seeded_rng(0)).is_none());
/// ```
#[derive(Debug, Clone)]
pub struct SwapNames {
    last_names: bool,
}

/// Replaces every first name in the text by another first name of the same gender (from
/// CheckList's lists of 5,393 men's and 8,052 women's names), and a last name that follows a
/// first name by another last name; the same name gets the same replacement throughout.
/// `None` for a text without a name.
///
/// Names are recognised without a named-entity tagger, by rules that favour precision: a
/// capitalised word on a first-name list, not an English word at the start of a sentence
/// ("Will this work?"), not inside a run of capitalised words unless the next one is a last
/// name ("Honey Roasted Almonds" is a product; "Maria Garcia" a person), not a country, and
/// not after "in" or "near" ("in Paris"), nor a city after "from", "to" or "at" ("from
/// Houston"). Replacement names that are also English words ("Honey", "May") are never
/// drawn.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, Gender, Lexicon, swap_names};
///
/// let review = "My wife Maria loves these, and so does Maria's sister Jennifer Smith.".to_string();
/// let edits = swap_names().propose(&review, &mut seeded_rng(5)).unwrap();
/// assert_eq!(edits.len(), 4); // Maria, Maria's, Jennifer, Smith
/// let variant = review.apply(&edits);
/// let new_name = variant.split(' ').nth(2).unwrap();
/// assert_eq!(Lexicon::gender_of(new_name), Some(Gender::Female));
/// assert!(variant.contains(&format!("{new_name}'s sister")));
/// assert_eq!(swap_names().describe(), "first names swapped for others of the same gender, last names for other last names");
/// ```
pub fn swap_names() -> SwapNames {
    SwapNames { last_names: true }
}

impl SwapNames {
    /// Leaves last names alone.
    ///
    /// ```
    /// use model_check::data::seeded_rng;
    /// use model_check::perturb::{Augmenter, swap_names};
    ///
    /// let edits = swap_names().first_names_only()
    ///     .propose(&"Ask Maria Garcia.".to_string(), &mut seeded_rng(5))
    ///     .unwrap();
    /// assert_eq!(edits.len(), 1);
    /// assert_eq!(edits[0].position, 1);
    /// ```
    pub fn first_names_only(mut self) -> Self {
        self.last_names = false;
        self
    }
}

/// A first name found in a text: its token, gender, and the token of a last name after it.
struct NameSite {
    first: usize,
    gender: Gender,
    last: Option<usize>,
}

/// First names that reviews mostly use as other words.
const NOT_NAMES: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Ginger",
    "Honey",
    "Candy",
    "Cherry",
    "Jasmine",
    "Brie",
    "Chardonnay",
    "Tea",
    "Cinnamon",
    "Earl",
    "Grey",
    "Gray",
    "Olive",
    "Rosemary",
    "Basil",
    "Sage",
    "Pepper",
    "Coco",
    "Cookie",
    "Sugar",
    "Berry",
    "Apple",
    "Ruby",
    "Amber",
    "Hazel",
    "Summer",
    "Autumn",
    "Winter",
    "Christmas",
    "Easter",
    "Hong",
    "Kong",
    "San",
    "Diego",
    "Santa",
    "Mark",
];

fn find_names(tokens: &[Token<'_>]) -> Vec<NameSite> {
    let mut sites = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (name, possessive) = token.base();
        let Some(gender) = Lexicon::gender_of(name) else {
            continue;
        };
        // Words that are first names but, in reviews, far more often a month, a day, a
        // nationality or a food ("May", "Sunday", "Thai", "Ginger"): not swapped.
        if NOT_NAMES.contains(&name) || Lexicon::nationalities().iter().any(|n| n == name) {
            continue;
        }
        // After a dash or an ampersand a capital may start a heading, as in a sentence; so
        // does a word glued to the end of the previous sentence or an HTML break ("/>My").
        let sentence_start = starts_sentence(tokens, i)
            || tokens[i.saturating_sub(1)].core.is_empty()
            || token.prefix.ends_with(['>', '.', '!', '?']);
        if sentence_start && Lexicon::is_english_word(&name.to_lowercase()) {
            continue;
        }
        // "in Paris", "from Houston", "Germany": a place, not a person.
        let previous = i
            .checked_sub(1)
            .map(|p| tokens[p].core.to_lowercase())
            .unwrap_or_default();
        if PLACE_PREPOSITIONS.contains(&previous.as_str())
            || Lexicon::countries().iter().any(|c| c == name)
            || (["from", "to", "at"].contains(&previous.as_str())
                && Lexicon::cities().iter().any(|c| c == name))
        {
            continue;
        }
        // After a capitalised word mid-sentence: part of a longer proper name ("Pea Berry").
        if !sentence_start && i > 0 {
            let previous = &tokens[i - 1];
            if previous.suffix.is_empty()
                && is_capitalised(previous.core)
                && previous.core != "I"
                && !starts_sentence(tokens, i - 1)
            {
                continue;
            }
        }
        let mut last = None;
        if let Some(next) = tokens.get(i + 1)
            && token.suffix.is_empty()
            && next.prefix.is_empty()
            && is_capitalised(next.core)
        {
            let (surname, _) = next.base();
            if !possessive.is_empty() || !Lexicon::is_last_name(surname) || is_all_caps(surname) {
                // "Bob's Red Mill", "Berry Farm": a brand, not a person.
                continue;
            }
            last = Some(i + 1);
        }
        sites.push(NameSite {
            first: i,
            gender,
            last,
        });
    }
    sites
}

/// Words after which a capitalised word is a place ("in Paris").
const PLACE_PREPOSITIONS: &[&str] = &["in", "near", "around", "visiting", "outside"];

/// Replacement names: alphabetic, and not English words.
static FIRST_NAME_POOLS: LazyLock<[Vec<&'static str>; 2]> = LazyLock::new(|| {
    [Gender::Female, Gender::Male].map(|gender| name_pool(Lexicon::all_first_names(gender)))
});
static LAST_NAME_POOL: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| name_pool(Lexicon::all_last_names()));

fn name_pool(names: &'static [String]) -> Vec<&'static str> {
    names
        .iter()
        .filter(|name| {
            name.chars().all(char::is_alphabetic) && !Lexicon::is_english_word(&name.to_lowercase())
        })
        .map(String::as_str)
        .collect()
}

/// A name of `pool` other than `name`, the same for every occurrence of `name`.
fn replacement(
    name: &str,
    pool: &[&'static str],
    chosen: &mut Vec<(String, &'static str)>,
    rng: &mut SeededRng,
) -> &'static str {
    if let Some((_, new)) = chosen.iter().find(|(old, _)| old == name) {
        return new;
    }
    let new = loop {
        let candidate = *pool.choose(rng).expect("name pools are not empty");
        if candidate != name {
            break candidate;
        }
    };
    chosen.push((name.to_string(), new));
    new
}

impl Augmenter<String> for SwapNames {
    fn describe(&self) -> String {
        if self.last_names {
            "first names swapped for others of the same gender, last names for other last names"
                .into()
        } else {
            "first names swapped for others of the same gender".into()
        }
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let tokens = tokenize(row);
        let sites = find_names(&tokens);
        if sites.is_empty() {
            return None;
        }
        let mut firsts = Vec::new();
        let mut lasts = Vec::new();
        let mut edits = Vec::new();
        for site in sites {
            let token = &tokens[site.first];
            let pool = &FIRST_NAME_POOLS[site.gender as usize];
            let new = replacement(token.base().0, pool, &mut firsts, rng);
            edits.push(token.edit_base(new));
            if let Some(last) = site.last.filter(|_| self.last_names) {
                let token = &tokens[last];
                let new = replacement(token.base().0, &LAST_NAME_POOL, &mut lasts, rng);
                edits.push(token.edit_base(new));
            }
        }
        Some(edits)
    }
}

// ---------------------------------------------------------------------------------------------
// Word lists: places and the user's own

/// A list of interchangeable words or phrases (cities, countries, the user's own).
#[derive(Debug)]
struct WordGroup {
    name: String,
    entries: Vec<Entry>,
    /// Entries by their first word (as written for proper nouns, lower case otherwise).
    by_first_word: HashMap<String, Vec<usize>>,
    /// The entries that may replace another (no parentheses or slashes).
    replacements: Vec<usize>,
}

#[derive(Debug)]
struct Entry {
    text: String,
    words: Vec<String>,
    /// Written with a capital (a proper noun): matched exactly, inserted as written.
    /// Otherwise matched in any case and inserted in the case of the text it replaces.
    proper: bool,
}

impl WordGroup {
    fn new(name: String, words: Vec<String>) -> Self {
        let mut entries: Vec<Entry> = Vec::new();
        for text in words {
            let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
            if words.is_empty() || entries.iter().any(|e| e.words == words) {
                continue;
            }
            let proper = text.chars().any(char::is_uppercase);
            entries.push(Entry {
                text: words.join(" "),
                words,
                proper,
            });
        }
        let mut by_first_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            let key = if entry.words.len() == 1 {
                split_token(&entry.words[0]).1
            } else {
                entry.words[0].as_str()
            };
            let key = if entry.proper {
                key.to_string()
            } else {
                key.to_lowercase()
            };
            by_first_word.entry(key).or_default().push(i);
        }
        let replacements = (0..entries.len())
            .filter(|&i| !entries[i].text.contains(['(', ')', '/']))
            .collect();
        WordGroup {
            name,
            entries,
            by_first_word,
            replacements,
        }
    }

    /// The entry matching the tokens from `i`, with the number of tokens it spans and the
    /// byte length of its match in the last token (the rest of that token is kept).
    fn match_at(&self, tokens: &[Token<'_>], i: usize) -> Option<(usize, usize, usize)> {
        let first = &tokens[i];
        let after_prefix = &first.text[first.prefix.len()..];
        let keys = [
            first.base().0.to_string(),
            after_prefix.to_string(),
            first.base().0.to_lowercase(),
            after_prefix.to_lowercase(),
        ];
        let mut best: Option<(usize, usize, usize)> = None;
        for key in &keys {
            for &e in self.by_first_word.get(key).into_iter().flatten() {
                if let Some((len, end)) = self.entries[e].matches(tokens, i)
                    && best.is_none_or(|(_, best_len, _)| len > best_len)
                {
                    best = Some((e, len, end));
                }
            }
        }
        best
    }
}

impl Entry {
    /// Whether the entry is written at token `i`: its number of tokens and the byte length of
    /// the match in the last one.
    fn matches(&self, tokens: &[Token<'_>], i: usize) -> Option<(usize, usize)> {
        let k = self.words.len();
        let span = tokens.get(i..i + k)?;
        let same = |text: &str, word: &str| {
            if self.proper {
                text == word
            } else {
                text.to_lowercase() == word.to_lowercase()
            }
        };
        if k == 1 {
            let token = &span[0];
            let (base, _) = token.base();
            let (_, word, _) = split_token(&self.words[0]);
            if !same(base, word) {
                return None;
            }
            if self.proper
                && starts_sentence(tokens, i)
                && Lexicon::is_english_word(&base.to_lowercase())
            {
                return None; // "Turkey is dry" is about the bird
            }
            return Some((1, token.prefix.len() + base.len()));
        }
        for (j, (token, word)) in span.iter().zip(&self.words).enumerate() {
            let ok = if j == 0 {
                same(&token.text[token.prefix.len()..], word)
            } else if j + 1 < k {
                same(token.text, word)
            } else {
                let (prefix, core, _) = split_token(word);
                let (base, _) = token.base();
                same(token.prefix, prefix) && same(base, core)
            };
            if !ok {
                return None;
            }
        }
        let last = &span[k - 1];
        Some((k, last.prefix.len() + last.base().0.len()))
    }
}

/// Words or phrases swapped for others of their list; built by [`swap_places`] and
/// [`swap_words`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, SwapWords, swap_places};
///
/// let places: SwapWords = swap_places();
/// // "Turkey" at the start of a sentence is the bird.
/// assert!(places.propose(&"Turkey was dry.".to_string(), &mut seeded_rng(0)).is_none());
/// assert!(places.propose(&"We ate in Turkey.".to_string(), &mut seeded_rng(0)).is_some());
/// ```
#[derive(Debug, Clone)]
pub struct SwapWords {
    groups: Vec<Arc<WordGroup>>,
}

/// Replaces every city by another city and every country by another country (the
/// [lexicon](Lexicon)'s 925 US cities and 215 countries; multi-word names such as
/// "New York" or "Sri Lanka" included); the same place gets the same replacement throughout.
/// `None` for a text without a place.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, Lexicon, swap_places};
///
/// let review = "I had this jam years ago in New York and it is the best.".to_string();
/// let edits = swap_places().propose(&review, &mut seeded_rng(2)).unwrap();
/// let variant = review.apply(&edits);
/// let city = variant.strip_prefix("I had this jam years ago in ").unwrap()
///     .strip_suffix(" and it is the best.").unwrap();
/// assert!(Lexicon::cities().iter().any(|c| c == city) && city != "New York");
/// assert_eq!(swap_places().describe(), "cities and countries swapped for others of their list");
/// ```
pub fn swap_places() -> SwapWords {
    static PLACES: LazyLock<Vec<Arc<WordGroup>>> = LazyLock::new(|| {
        vec![
            Arc::new(WordGroup::new("cities".into(), Lexicon::cities().to_vec())),
            Arc::new(WordGroup::new(
                "countries".into(),
                Lexicon::countries().to_vec(),
            )),
        ]
    });
    SwapWords {
        groups: PLACES.clone(),
    }
}

/// Replaces every word or phrase of the list `words` found in the text by another of the
/// list; `what` names the list in reports. Entries written with a capital ("Italian") are
/// proper nouns, matched exactly; others match in any case and take the case of the text
/// they replace ("Good" → "Great").
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, Lexicon, swap_words};
///
/// let nationalities = swap_words("nationalities", Lexicon::nationalities().iter().cloned());
/// let review = "I needed Split Mung Beans to make Thai dessert.".to_string();
/// let variant = review.apply(&nationalities.propose(&review, &mut seeded_rng(0)).unwrap());
/// assert!(!variant.contains("Thai") && variant.ends_with(" dessert."));
///
/// let intensity = swap_words("intensifiers", ["very", "really", "extremely"]);
/// let edits = intensity.propose(&"Very smooth flavor.".to_string(), &mut seeded_rng(0)).unwrap();
/// assert!(["Really", "Extremely"].contains(&edits[0].after.as_category().unwrap()));
/// assert_eq!(intensity.describe(), "intensifiers swapped for others of their list");
/// ```
pub fn swap_words<I, S>(what: impl Into<String>, words: I) -> SwapWords
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    SwapWords { groups: Vec::new() }.and(what, words)
}

impl SwapWords {
    /// Also swaps the words of another list (each word for another of its own list).
    ///
    /// ```
    /// use model_check::perturb::{Augmenter, Lexicon, swap_places};
    ///
    /// let places = swap_places().and("nationalities", Lexicon::nationalities().iter().cloned());
    /// assert_eq!(places.describe(), "cities, countries and nationalities swapped for others of their list");
    /// ```
    pub fn and<I, S>(mut self, what: impl Into<String>, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let words = words.into_iter().map(Into::into).collect();
        self.groups
            .push(Arc::new(WordGroup::new(what.into(), words)));
        self
    }
}

impl Augmenter<String> for SwapWords {
    fn describe(&self) -> String {
        let names: Vec<&str> = self.groups.iter().map(|g| g.name.as_str()).collect();
        let names = match names.as_slice() {
            [] => "no words".to_string(),
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
        format!("{names} swapped for others of their list")
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let tokens = tokenize(row);
        let mut chosen: Vec<(usize, usize, usize)> = Vec::new(); // (group, entry, replacement)
        let mut edits = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            // The longest match over all lists; the first list wins a tie.
            let mut best: Option<(usize, usize, usize, usize)> = None;
            for (g, group) in self.groups.iter().enumerate() {
                if let Some((e, len, end)) = group.match_at(&tokens, i)
                    && best.is_none_or(|(_, _, best_len, _)| len > best_len)
                {
                    best = Some((g, e, len, end));
                }
            }
            let Some((g, e, len, end)) = best else {
                i += 1;
                continue;
            };
            let group = &self.groups[g];
            let new = match chosen.iter().find(|(cg, ce, _)| (*cg, *ce) == (g, e)) {
                Some(&(_, _, new)) => Some(new),
                None => {
                    let others: Vec<usize> = group
                        .replacements
                        .iter()
                        .copied()
                        .filter(|&r| r != e)
                        .collect();
                    let new = others.choose(rng).copied();
                    if let Some(new) = new {
                        chosen.push((g, e, new));
                    }
                    new
                }
            };
            if let Some(new) = new {
                let (first, last) = (&tokens[i], &tokens[i + len - 1]);
                let replacement = &group.entries[new];
                let text = if group.entries[e].proper || replacement.proper {
                    replacement.text.clone()
                } else {
                    shaped_like(&replacement.text.to_lowercase(), first.core)
                };
                edits.push(first.edit(format!("{}{text}{}", first.prefix, &last.text[end..])));
                for token in &tokens[i + 1..i + len] {
                    edits.push(token.edit(String::new()));
                }
            }
            i += len;
        }
        (!edits.is_empty()).then_some(edits)
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// Numbers changed within a relative bound; built by [`change_numbers`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, ChangeNumbers, change_numbers};
///
/// let augmenter: ChangeNumbers = change_numbers(0.5);
/// let edits = augmenter.propose(&"5 stars".to_string(), &mut seeded_rng(0)).unwrap();
/// let stars: u32 = edits[0].after.as_category().unwrap().parse().unwrap();
/// assert!((3..=7).contains(&stars) && stars != 5);
/// ```
#[derive(Debug, Clone)]
pub struct ChangeNumbers {
    max_relative: f64,
}

/// Changes every number in the text to another within ±`max_relative` of it (`0.2` for
/// ±20%; clamped to [0, 1]), drawn uniformly among the numbers written with as many decimals
/// as the original: integers stay integers, `$2.29` stays a price in cents, `1,000` keeps its
/// thousands separator, and units stay attached (`5%`, `12oz`, `$5`). `None` for a text
/// without a number that can change (a `2` cannot move by 20% and stay an integer).
///
/// Left alone: years (1900–2099), ordinals (`2nd`), decades (`80s`), numbers with a leading
/// zero, and tokens such as `24/7`, `5-10` or `8:30` that are not one number.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, change_numbers};
///
/// let review = "Only $16.99 at Costco, why pay $40 for 12 bags in 2012?".to_string();
/// let edits = change_numbers(0.2).propose(&review, &mut seeded_rng(9)).unwrap();
/// assert_eq!(edits.len(), 3); // the year stays
/// let price: f64 = edits[0].after.as_category().unwrap()
///     .trim_start_matches('$').trim_end_matches(',').parse()?;
/// assert!((price - 16.99).abs() <= 0.2 * 16.99 && price != 16.99);
/// println!("{}", review.apply(&edits));
/// assert_eq!(change_numbers(0.2).describe(), "numbers changed by up to ±20%");
/// # Ok::<(), std::num::ParseFloatError>(())
/// ```
pub fn change_numbers(max_relative: f64) -> ChangeNumbers {
    let max_relative = if max_relative.is_nan() {
        0.0
    } else {
        max_relative.abs().min(1.0)
    };
    ChangeNumbers { max_relative }
}

/// A number written in a token's core: `1,250.50oz` → 125050 hundredths, unit `oz`.
struct Number<'a> {
    /// The value in units of the last decimal.
    scaled: u64,
    decimals: usize,
    thousands: bool,
    unit: &'a str,
}

fn parse_number(core: &str) -> Option<Number<'_>> {
    let digits_end = core
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(core.len());
    let number = core[..digits_end].trim_end_matches([',', '.']);
    let unit = &core[number.len()..];
    let (integer, fraction) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    if let Some(f) = fraction
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let thousands = integer.contains(',');
    let groups: Vec<&str> = integer.split(',').collect();
    let groups_ok = groups[0].len() <= if thousands { 3 } else { 18 }
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if !groups_ok {
        return None;
    }
    let integer: String = groups.concat();
    if integer.len() > 1 && integer.starts_with('0') {
        return None; // an id or a code
    }
    let unit_lower = unit.to_lowercase();
    let unit_ok = unit.is_empty()
        || (unit.chars().all(char::is_alphabetic)
            && !["st", "nd", "rd", "th", "s"].contains(&unit_lower.as_str()))
        || (unit.starts_with('-') && unit[1..].chars().all(char::is_alphabetic) && unit.len() > 1);
    if !unit_ok {
        return None;
    }
    let decimals = fraction.map_or(0, str::len);
    if integer.len() + decimals > 15 {
        return None;
    }
    let scaled: u64 = format!("{integer}{}", fraction.unwrap_or(""))
        .parse()
        .ok()?;
    if decimals == 0 && !thousands && unit.is_empty() && (1900..=2099).contains(&scaled) {
        return None; // a year
    }
    Some(Number {
        scaled,
        decimals,
        thousands,
        unit,
    })
}

impl Number<'_> {
    fn format(&self, scaled: u64) -> String {
        let divisor = 10u64.pow(self.decimals as u32);
        let mut integer = (scaled / divisor).to_string();
        if self.thousands {
            let digits = integer.clone();
            integer.clear();
            for (i, d) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    integer.push(',');
                }
                integer.push(d);
            }
        }
        if self.decimals > 0 {
            format!(
                "{integer}.{:0width$}{}",
                scaled % divisor,
                self.unit,
                width = self.decimals
            )
        } else {
            format!("{integer}{}", self.unit)
        }
    }
}

impl Augmenter<String> for ChangeNumbers {
    fn describe(&self) -> String {
        format!(
            "numbers changed by up to ±{}%",
            (self.max_relative * 1e4).round() / 100.0
        )
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let tokens = tokenize(row);
        let mut edits = Vec::new();
        for token in &tokens {
            if token.core.is_empty() || !token.core.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let Some(number) = parse_number(token.core) else {
                continue;
            };
            let x = number.scaled as f64;
            let slack = 1e-9 * x.max(1.0);
            let low = (x * (1.0 - self.max_relative) - slack).ceil().max(0.0) as u64;
            let high = (x * (1.0 + self.max_relative) + slack).floor() as u64;
            if high <= low {
                continue; // only the number itself is in range
            }
            let mut new = rng.random_range(low..high);
            if new >= number.scaled {
                new += 1;
            }
            edits.push(token.edit(format!(
                "{}{}{}",
                token.prefix,
                number.format(new),
                token.suffix
            )));
        }
        (!edits.is_empty()).then_some(edits)
    }
}

// ---------------------------------------------------------------------------------------------
// Contractions

/// Expanded forms and their contractions; each contraction has one expansion, so the two
/// directions undo each other.
const CONTRACTIONS: &[(&str, &str)] = &[
    ("are not", "aren't"),
    ("cannot", "can't"),
    ("could not", "couldn't"),
    ("did not", "didn't"),
    ("does not", "doesn't"),
    ("do not", "don't"),
    ("had not", "hadn't"),
    ("has not", "hasn't"),
    ("have not", "haven't"),
    ("he is", "he's"),
    ("he will", "he'll"),
    ("he would", "he'd"),
    ("how is", "how's"),
    ("i am", "i'm"),
    ("i have", "i've"),
    ("i will", "i'll"),
    ("i would", "i'd"),
    ("is not", "isn't"),
    ("it is", "it's"),
    ("it will", "it'll"),
    ("must not", "mustn't"),
    ("she is", "she's"),
    ("she will", "she'll"),
    ("she would", "she'd"),
    ("should not", "shouldn't"),
    ("that is", "that's"),
    ("there is", "there's"),
    ("they are", "they're"),
    ("they have", "they've"),
    ("they will", "they'll"),
    ("they would", "they'd"),
    ("was not", "wasn't"),
    ("we are", "we're"),
    ("we have", "we've"),
    ("we will", "we'll"),
    ("we would", "we'd"),
    ("were not", "weren't"),
    ("what is", "what's"),
    ("where is", "where's"),
    ("who is", "who's"),
    ("will not", "won't"),
    ("would not", "wouldn't"),
    ("you are", "you're"),
    ("you have", "you've"),
    ("you will", "you'll"),
    ("you would", "you'd"),
    ("would have", "would've"),
    ("could have", "could've"),
    ("should have", "should've"),
];

/// Past participles that do not end in "-ed" or "-en", for "I have" → "I've".
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "been", "had", "got", "made", "done", "found", "bought", "brought", "thought", "paid", "sent",
    "left", "kept", "read", "heard", "felt", "lost", "won", "said", "seen", "come", "gone", "run",
    "put", "let", "set", "tried", "used", "known", "grown", "drunk", "eaten",
];

fn looks_like_participle(word: &str) -> bool {
    let word = word.to_lowercase();
    word.ends_with("ed") || word.ends_with("en") || IRREGULAR_PARTICIPLES.contains(&word.as_str())
}

/// The contraction's table form: lower case, with a straight apostrophe.
fn normalised(word: &str) -> String {
    word.to_lowercase().replace('’', "'")
}

/// "i am" → "I am", "i'm" → "I'm".
fn capital_i(text: &str) -> String {
    match text.strip_prefix('i') {
        Some(rest) if rest.is_empty() || rest.starts_with([' ', '\'']) => format!("I{rest}"),
        _ => text.to_string(),
    }
}

/// Contractions expanded and contracted; built by [`contractions`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Contractions, Editable, contractions};
///
/// let augmenter: Contractions = contractions();
/// let text = "I'm sure they're fresh.".to_string();
/// let edits = augmenter.propose(&text, &mut seeded_rng(0)).unwrap();
/// assert_eq!(text.apply(&edits), "I am sure they are fresh.");
/// ```
#[derive(Debug, Clone)]
pub struct Contractions {
    expand: bool,
    contract: bool,
}

/// Expands contractions ("don't" → "do not", "it's" → "it is", "can't" → "cannot") or
/// contracts their expansions, at every site of the text; when a text has sites of both
/// kinds, one direction is drawn at random. `None` for a text with neither. The variants are
/// few and known, so [`enumerate`](Augmenter::enumerate) lists them (one or two).
///
/// An expansion is an edit of one token into two words; a contraction replaces the first
/// token of the pair and deletes the second. Each contraction has a single expansion, so
/// the two directions undo each other. Sites that would read wrongly are skipped:
/// "it's been" and "she's commented" (*has*), "I'd tried" (I *had*), "I have three dogs"
/// (not "I've three dogs"), and a pair ending a clause ("yes, it is."); before a "not" the
/// negation is contracted ("I would not" → "I wouldn't", not "I'd not").
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, contractions};
///
/// let review = "Don't punish yourself. I do not think it's good.".to_string();
/// let expand = contractions().expand_only();
/// let expanded = review.apply(&expand.propose(&review, &mut seeded_rng(0)).unwrap());
/// assert_eq!(expanded, "Do not punish yourself. I do not think it is good.");
///
/// let contract = contractions().contract_only();
/// let edits = contract.propose(&expanded, &mut seeded_rng(0)).unwrap();
/// assert_eq!(expanded.apply(&edits), "Don't punish yourself. I don't think it's good.");
/// assert_eq!(contractions().describe(), "contractions expanded or contracted");
/// ```
pub fn contractions() -> Contractions {
    Contractions {
        expand: true,
        contract: true,
    }
}

impl Contractions {
    /// Only expands contractions.
    ///
    /// ```
    /// use model_check::data::seeded_rng;
    /// use model_check::perturb::{Augmenter, contractions};
    ///
    /// let text = "It is not bad.".to_string();
    /// assert!(contractions().expand_only().propose(&text, &mut seeded_rng(0)).is_none());
    /// ```
    pub fn expand_only(mut self) -> Self {
        (self.expand, self.contract) = (true, false);
        self
    }

    /// Only contracts expanded forms.
    ///
    /// ```
    /// use model_check::data::seeded_rng;
    /// use model_check::perturb::{Augmenter, Editable, contractions};
    ///
    /// let text = "It is not bad.".to_string();
    /// let edits = contractions().contract_only().propose(&text, &mut seeded_rng(0)).unwrap();
    /// assert_eq!(text.apply(&edits), "It isn't bad.");
    /// ```
    pub fn contract_only(mut self) -> Self {
        (self.expand, self.contract) = (false, true);
        self
    }
}

/// The expansion of token `i`, if it is a contraction that reads one way only.
fn expansion_at(tokens: &[Token<'_>], i: usize) -> Option<Edit> {
    let token = &tokens[i];
    let word = normalised(token.core);
    let (expanded, contracted) = CONTRACTIONS.iter().find(|(_, c)| *c == word)?;
    let next = tokens.get(i + 1).map(|t| t.core.to_lowercase());
    let next = next.as_deref().unwrap_or("");
    if contracted.ends_with("'s") && (next == "got" || looks_like_participle(next)) {
        return None; // "it's been", "she's commented": has
    }
    if contracted.ends_with("'d") && (next == "better" || looks_like_participle(next)) {
        return None; // "I'd tried": I had
    }
    let expanded = if is_all_caps(token.core) {
        expanded.to_uppercase()
    } else if is_capitalised(token.core) {
        capitalise(expanded)
    } else {
        capital_i(expanded)
    };
    Some(token.edit(format!("{}{expanded}{}", token.prefix, token.suffix)))
}

/// The contraction of tokens `i` and `i + 1` (or of token `i`, "cannot").
fn contraction_at(tokens: &[Token<'_>], i: usize) -> Option<(Vec<Edit>, usize)> {
    let first = &tokens[i];
    if normalised(first.core) == "cannot" {
        let contracted = shaped_like("can't", first.core);
        return Some((
            vec![first.edit(format!("{}{contracted}{}", first.prefix, first.suffix))],
            1,
        ));
    }
    let second = tokens.get(i + 1)?;
    if !first.suffix.is_empty() || !second.prefix.is_empty() {
        return None;
    }
    let pair = format!("{} {}", normalised(first.core), normalised(second.core));
    let (_, contracted) = CONTRACTIONS.iter().find(|(e, _)| *e == pair)?;
    let auxiliary = normalised(second.core);
    if let Some(third) = tokens.get(i + 2)
        && normalised(third.core) == "not"
        && second.suffix.is_empty()
        && third.prefix.is_empty()
        && CONTRACTIONS
            .iter()
            .any(|(e, _)| *e == format!("{auxiliary} not"))
    {
        return None; // "I would not": "I wouldn't", not "I'd not"
    }
    if auxiliary != "not" {
        // "yes, it is." cannot become "yes, it's."
        if !second.suffix.is_empty() || i + 2 >= tokens.len() {
            return None;
        }
        if auxiliary == "have" && !looks_like_participle(tokens[i + 2].core) {
            return None; // "I have three dogs"
        }
    }
    let contracted = if is_all_caps(first.core) && is_all_caps(second.core) {
        contracted.to_uppercase()
    } else if is_capitalised(first.core) {
        capitalise(contracted)
    } else {
        capital_i(contracted)
    };
    Some((
        vec![
            first.edit(format!("{}{contracted}{}", first.prefix, second.suffix)),
            second.edit(String::new()),
        ],
        2,
    ))
}

impl Contractions {
    /// The variants of `row`: all its expansions, all its contractions (as allowed).
    fn variants(&self, row: &str) -> Vec<Vec<Edit>> {
        let tokens = tokenize(row);
        let mut expansions = Vec::new();
        let mut contractions = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if let Some(edit) = expansion_at(&tokens, i) {
                expansions.push(edit);
                i += 1;
            } else if let Some((edits, len)) = contraction_at(&tokens, i) {
                contractions.extend(edits);
                i += len;
            } else {
                i += 1;
            }
        }
        let mut variants = Vec::new();
        if self.expand && !expansions.is_empty() {
            variants.push(expansions);
        }
        if self.contract && !contractions.is_empty() {
            variants.push(contractions);
        }
        variants
    }
}

impl Augmenter<String> for Contractions {
    fn describe(&self) -> String {
        match (self.expand, self.contract) {
            (true, false) => "contractions expanded".into(),
            (false, true) => "expanded forms contracted".into(),
            _ => "contractions expanded or contracted".into(),
        }
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.variants(row).choose(rng).cloned()
    }

    /// At most two variants — every site expanded, every site contracted — so expectations
    /// test each once rather than drawing repeats.
    fn enumerate(&self, row: &String) -> Option<Vec<Vec<Edit>>> {
        Some(self.variants(row))
    }
}

// ---------------------------------------------------------------------------------------------
// Punctuation and case

/// Trailing punctuation changed; built by [`punctuation`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, Punctuation, punctuation};
///
/// let augmenter: Punctuation = punctuation();
/// let text = "It's junk".to_string();
/// let variant = text.apply(&augmenter.propose(&text, &mut seeded_rng(0)).unwrap());
/// assert!(variant == "It's junk." || variant == "It's junk!");
/// ```
#[derive(Debug, Clone)]
pub struct Punctuation {
    _private: (),
}

/// Changes the text's final punctuation: adds a "." or "!" to a text that has none, or
/// removes its final run of "." and "!" ("!!", "...") or replaces it by the other mark, drawn
/// at random among the changes that apply ([`enumerate`](Augmenter::enumerate) lists them
/// all). Questions are left alone (`None`), as are texts ending in other punctuation (a
/// comma, a dash).
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, punctuation};
///
/// let review = "These taste great.".to_string();
/// let variant = review.apply(&punctuation().propose(&review, &mut seeded_rng(1)).unwrap());
/// assert!(["These taste great", "These taste great!"].contains(&variant.as_str()));
/// assert!(punctuation().propose(&"Is it vegan?".to_string(), &mut seeded_rng(1)).is_none());
/// assert_eq!(punctuation().describe(), "final \".\" or \"!\" added, removed or changed");
/// ```
pub fn punctuation() -> Punctuation {
    Punctuation { _private: () }
}

impl Punctuation {
    /// The variants of `row`, each an edit of its last token.
    fn variants(&self, row: &str) -> Vec<Vec<Edit>> {
        let tokens = tokenize(row);
        let Some(last) = tokens.last() else {
            return Vec::new();
        };
        let body = last.text.trim_end_matches(['.', '!']);
        let run = &last.text[body.len()..];
        let mut options: Vec<String> = Vec::new();
        if run.is_empty() {
            let ends_well = body
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | '"' | '\'' | '”' | '’'));
            if ends_well {
                options.extend([format!("{body}."), format!("{body}!")]);
            }
        } else if !body.ends_with('?') {
            options.push(body.to_string());
            for mark in [".", "!"] {
                if run != mark {
                    options.push(format!("{body}{mark}"));
                }
            }
        }
        options
            .into_iter()
            .map(|after| vec![last.edit(after)])
            .collect()
    }
}

impl Augmenter<String> for Punctuation {
    fn describe(&self) -> String {
        "final \".\" or \"!\" added, removed or changed".into()
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.variants(row).choose(rng).cloned()
    }

    /// The two or three variants, each once.
    fn enumerate(&self, row: &String) -> Option<Vec<Vec<Edit>>> {
        Some(self.variants(row))
    }
}

/// Letter case changed; built by [`change_case`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, ChangeCase, change_case};
///
/// let augmenter: ChangeCase = change_case();
/// let edits = augmenter.propose(&"ok".to_string(), &mut seeded_rng(0)).unwrap();
/// assert!(["OK", "Ok"].contains(&edits[0].after.as_category().unwrap()));
/// ```
#[derive(Debug, Clone)]
pub struct ChangeCase {
    tokens: usize,
}

/// Changes the case of one word (or `.tokens(n)` words): lower-cases it, upper-cases it, or
/// flips the case of its first letter, drawn at random among the changes that alter it.
/// Punctuation around the word is kept. `None` for a text without letters.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, change_case};
///
/// let review = "Great buy and great service.".to_string();
/// let edits = change_case().tokens(2).propose(&review, &mut seeded_rng(4)).unwrap();
/// assert_eq!(edits.len(), 2);
/// for edit in &edits {
///     let (before, after) = (edit.before.as_category().unwrap(), edit.after.as_category().unwrap());
///     assert_ne!(before, after);
///     assert_eq!(before.to_lowercase(), after.to_lowercase());
/// }
/// assert_eq!(change_case().describe(), "case of 1 word changed (lower, upper or first letter)");
/// ```
pub fn change_case() -> ChangeCase {
    ChangeCase { tokens: 1 }
}

impl ChangeCase {
    /// Changes `n` words (at least one), when the text has that many.
    ///
    /// ```
    /// use model_check::data::seeded_rng;
    /// use model_check::perturb::{Augmenter, change_case};
    ///
    /// let text = "Great buy, great service".to_string();
    /// assert_eq!(change_case().tokens(10).propose(&text, &mut seeded_rng(0)).unwrap().len(), 4);
    /// ```
    pub fn tokens(mut self, n: usize) -> Self {
        self.tokens = n.max(1);
        self
    }
}

fn case_changes(word: &str) -> Vec<String> {
    let mut options: Vec<String> = Vec::new();
    let flipped_first = {
        let mut chars = word.chars();
        let first = chars.next().unwrap_or(' ');
        let first: String = if first.is_uppercase() {
            first.to_lowercase().collect()
        } else {
            first.to_uppercase().collect()
        };
        format!("{first}{}", chars.as_str())
    };
    for option in [word.to_lowercase(), word.to_uppercase(), flipped_first] {
        if option != word && !options.contains(&option) {
            options.push(option);
        }
    }
    options
}

impl Augmenter<String> for ChangeCase {
    fn describe(&self) -> String {
        let words = if self.tokens == 1 { "word" } else { "words" };
        format!(
            "case of {} {words} changed (lower, upper or first letter)",
            self.tokens
        )
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let tokens = tokenize(row);
        let eligible: Vec<(&Token<'_>, Vec<String>)> = tokens
            .iter()
            .filter_map(|token| {
                let options = case_changes(token.core);
                (token.core.chars().any(char::is_alphabetic) && !options.is_empty())
                    .then_some((token, options))
            })
            .collect();
        if eligible.is_empty() {
            return None;
        }
        let edits = choose_some(&eligible, self.tokens, rng)
            .into_iter()
            .map(|(token, options)| {
                let core = options.choose(rng).expect("options are not empty");
                token.edit(format!("{}{core}{}", token.prefix, token.suffix))
            })
            .collect();
        Some(edits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_around_their_word() {
        assert_eq!(split_token("(great!)"), ("(", "great", "!)"));
        assert_eq!(split_token("$5.99,"), ("$", "5.99", ","));
        assert_eq!(split_token("..."), ("...", "", ""));
        assert_eq!(split_possessive("Michael's"), ("Michael", "'s"));
        assert_eq!(split_possessive("it's"), ("it", "'s"));
        assert_eq!(split_possessive("'s"), ("'s", ""));
    }

    #[test]
    fn numbers_parse_with_their_format() {
        let n = parse_number("1,250.50oz").unwrap();
        assert_eq!(
            (n.scaled, n.decimals, n.thousands, n.unit),
            (125050, 2, true, "oz")
        );
        assert_eq!(n.format(99900), "999.00oz");
        assert_eq!(n.format(10_000_000), "100,000.00oz");
        for not_a_number in [
            "2012", "2nd", "80s", "007", "24/7", "5-10", "8:30", "3.5.1", "1,00",
        ] {
            assert!(parse_number(not_a_number).is_none(), "{not_a_number}");
        }
        assert_eq!(parse_number("12-pack").unwrap().unit, "-pack");
    }

    #[test]
    fn every_contraction_has_one_expansion() {
        for (i, (e, c)) in CONTRACTIONS.iter().enumerate() {
            assert!(
                CONTRACTIONS[i + 1..]
                    .iter()
                    .all(|(e2, c2)| e2 != e && c2 != c)
            );
        }
    }
}
