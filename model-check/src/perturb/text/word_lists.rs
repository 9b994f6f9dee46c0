//! Word lists: a word or phrase of a list swapped for another of the same list, for
//! places ([`swap_places`]) and the user's own lists ([`swap_words`]); both build [`SwapWords`].

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use rand::seq::IndexedRandom;

use crate::data::SeededRng;
use crate::perturb::lexicon::Lexicon;
use crate::perturb::{Augmenter, Edit};

use super::tokens::{Token, shaped_like, split_token, starts_sentence, tokenize};

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
