//! Punctuation and case: the trailing "." or "!" added, removed or changed
//! ([`Punctuation`], built by [`punctuation`]), and a word's letter case changed
//! ([`ChangeCase`], built by [`change_case`]).

use rand::seq::IndexedRandom;

use crate::data::SeededRng;
use crate::perturb::{Augmenter, Edit};

use super::tokens::{Token, choose_some, tokenize};

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
