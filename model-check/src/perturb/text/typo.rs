//! Typos: a character swapped, dropped, inserted or substituted by a QWERTY neighbour
//! ([`Typos`], built by [`typos`]).

use rand::seq::IndexedRandom;

use crate::data::SeededRng;
use crate::perturb::{Augmenter, Edit};

use super::tokens::{Token, choose_some, tokenize};

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
