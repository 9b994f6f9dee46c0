//! Contractions: "do not" ↔ "don't", "it is" ↔ "it's", … ([`Contractions`], built by
//! [`contractions`]).

use rand::seq::IndexedRandom;

use crate::data::SeededRng;
use crate::perturb::{Augmenter, Edit};

use super::tokens::{Token, capitalise, is_all_caps, is_capitalised, shaped_like, tokenize};

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
pub(super) fn normalised(word: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
