//! Tokens: a whitespace-separated token split into its punctuation and its word, and the
//! letter-case and sampling helpers every text augmenter shares.

use std::borrow::Cow;

use crate::data::{SeededRng, Value};
use crate::perturb::{Edit, token_spans};

/// A whitespace-separated token, split into leading punctuation, the word, and the rest.
pub(super) struct Token<'a> {
    position: usize,
    pub(super) text: &'a str,
    /// Everything before the first letter or digit: `(`, `"`, `$`.
    pub(super) prefix: &'a str,
    /// From the first to the last letter or digit: `don't`, `Michael's`, `1.25`.
    pub(super) core: &'a str,
    /// Everything after the last letter or digit: `.`, `!!`, `%)`.
    pub(super) suffix: &'a str,
}

impl Token<'_> {
    /// The core without a possessive `'s`, and the possessive.
    pub(super) fn base(&self) -> (&str, &str) {
        split_possessive(self.core)
    }

    /// The edit replacing this token by `after`.
    pub(super) fn edit(&self, after: String) -> Edit {
        Edit {
            position: self.position,
            before: Value::Category(Cow::Owned(self.text.to_string())),
            after: Value::Category(Cow::Owned(after)),
        }
    }

    /// The edit replacing the core's base by `base`, keeping punctuation and possessive.
    pub(super) fn edit_base(&self, base: &str) -> Edit {
        let (_, possessive) = self.base();
        self.edit(format!("{}{base}{possessive}{}", self.prefix, self.suffix))
    }
}

pub(super) fn tokenize(text: &str) -> Vec<Token<'_>> {
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
pub(super) fn split_token(token: &str) -> (&str, &str, &str) {
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
pub(super) fn starts_sentence(tokens: &[Token<'_>], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let previous = tokens[i - 1]
        .text
        .trim_end_matches(['"', '\'', ')', ']', '’', '”']);
    previous.ends_with(['.', '!', '?', ':', '>'])
}

/// Whether `word` starts with an upper-case letter.
pub(super) fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `word` has two letters or more, all upper case.
pub(super) fn is_all_caps(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.clone().count() >= 2 && letters.all(char::is_uppercase)
}

pub(super) fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `word` (lower case) in the letter case of `like`: all caps, capitalised, or as it is.
pub(super) fn shaped_like(word: &str, like: &str) -> String {
    if is_all_caps(like) {
        word.to_uppercase()
    } else if is_capitalised(like) {
        capitalise(word)
    } else {
        word.to_string()
    }
}

/// `amount` distinct items of `items`, drawn uniformly, in their original order.
pub(super) fn choose_some<'t, T>(items: &'t [T], amount: usize, rng: &mut SeededRng) -> Vec<&'t T> {
    let mut picked = rand::seq::index::sample(rng, items.len(), amount.min(items.len())).into_vec();
    picked.sort_unstable();
    picked.into_iter().map(|i| &items[i]).collect()
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
}
