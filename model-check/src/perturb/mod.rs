//! Perturbations: variants of existing rows, described as edits.
//!
//! An [`Augmenter`] proposes a variant of a row as a list of [`Edit`]s — "feature `tenure`
//! from 12 to 13.7", "token 3 from `great` to `graet`" — rather than as a new row. The row
//! type applies edits ([`Editable`]), so any subset of a variant's edits is itself a variant:
//! that is what lets a failing variant be shrunk to the fewest edits that still break the
//! model.
//!
//! Feature rows (any `#[derive(Features)]` type) are edited by feature position, with
//! [`Value`]s; texts (`String`) by whitespace-separated token position, with the new token as
//! a `Value::Category` (an empty token deletes it).
//!
//! Every augmenter is seeded: it draws from the generator it is given, so the same seed gives
//! the same variants.
//!
//! [`augment`] makes a dataset of variants, and [`write_csv`] writes it (or template texts)
//! as CSV: synthetic data to train on.
//!
//! Constructors are builders and never fail; a setting that cannot work (`noise(-1.0)`, a
//! shift by NaN) is reported by [`Augmenter::check`] as a [`SettingError`] naming it, which
//! the expectations turn into an error outcome before the model is called.

mod export;
pub mod image;
mod lexicon;
mod tabular;
mod template;
mod text;

pub use export::{CsvColumns, CsvRow, augment, write_csv};
pub use image::{Image, ImageEdit, ImageError};
pub use lexicon::{Gender, Lexicon, PartOfSpeech};
pub use tabular::{
    Noise, Numeric, Resample, Shift, SwapProtected, noise, resample, shift, swap_protected,
};
pub use template::{Template, TemplateError, Templates};
pub use text::{
    ChangeCase, ChangeNumbers, Contractions, Punctuation, SwapNames, SwapWords, Synonyms, Typo,
    Typos, change_case, change_numbers, contractions, punctuation, swap_names, swap_places,
    swap_words, synonyms, typos,
};

use std::fmt;

use crate::data::{DataError, Features, SeededRng, Value};

/// An augmenter setting that cannot work — a negative or NaN noise scale, a shift by NaN,
/// noise wider than an `f64` holds — naming the setting as written and why; returned by
/// [`Augmenter::check`].
///
/// ```
/// use model_check::perturb::{Augmenter, SettingError, noise};
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Loan { income: f64 }
///
/// let err: SettingError = noise::<Loan>(-1.0).check().unwrap_err();
/// assert_eq!(err.setting(), "noise(scale)");
/// assert_eq!(
///     err.to_string(),
///     "noise(scale): must be a finite number of standard deviations, at least 0, got -1"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    setting: String,
    reason: String,
}

impl SettingError {
    /// The setting `setting` (as a user wrote it: `noise(scale)`, `shift(tenure, by)`) is
    /// wrong because of `reason`. For augmenters written outside this crate, too.
    ///
    /// ```
    /// use model_check::perturb::SettingError;
    ///
    /// let err = SettingError::new("append(sentence)", "must not be empty");
    /// assert_eq!(err.to_string(), "append(sentence): must not be empty");
    /// ```
    pub fn new(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        SettingError {
            setting: setting.into(),
            reason: reason.into(),
        }
    }

    /// The setting at fault, as written: `noise(scale)`, `shift(tenure, by)`.
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// Why it cannot work.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.reason)
    }
}

impl std::error::Error for SettingError {}

/// A bad augmenter setting is a bad setting of the data pipeline
/// ([`DataError::Setting`]), like a template error.
impl From<SettingError> for DataError {
    fn from(e: SettingError) -> Self {
        DataError::Setting {
            reason: e.to_string(),
        }
    }
}

/// One change: the feature or token at `position` goes from `before` to `after`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// The feature's index in the schema, or the token's index in the text.
    pub position: usize,
    /// The value before the edit.
    pub before: Value,
    /// The value after the edit.
    pub after: Value,
}

/// A row type whose variants are lists of edits.
pub trait Editable: Clone {
    /// A copy of `self` with `edits` applied (at distinct positions); an edit that does not
    /// fit (a value outside the feature's type) is skipped.
    fn apply(&self, edits: &[Edit]) -> Self;

    /// What the edit changes, for reports: the feature's name (`tenure`), or `token 3`.
    fn edit_target(&self, edit: &Edit) -> String;

    /// The edit in words, for reports: `tenure: 12 → 13.7`, `token 3: "great" → "graet"`.
    fn describe_edit(&self, edit: &Edit) -> String {
        format!(
            "{}: {} → {}",
            self.edit_target(edit),
            edit.before,
            edit.after
        )
    }

    /// The row as text, when it is a text (the variant a report shows); `None` for tabular
    /// rows, whose edits say everything.
    fn as_text(&self) -> Option<String> {
        None
    }
}

impl<R: Features + Clone> Editable for R {
    fn apply(&self, edits: &[Edit]) -> Self {
        let mut row = self.clone();
        for edit in edits {
            // Augmenters only propose values inside the feature's domain; a value that does
            // not fit leaves the feature unchanged rather than corrupting the row.
            let _ = row.set_value(edit.position, edit.after.clone());
        }
        row
    }

    fn edit_target(&self, edit: &Edit) -> String {
        R::SCHEMA
            .iter()
            .nth(edit.position)
            .map_or("?", |spec| spec.name())
            .to_string()
    }
}

/// The byte spans of the whitespace-separated tokens of `text`.
pub fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

impl Editable for String {
    /// Replaces the edited tokens and keeps every gap between tokens as written, except the
    /// gap a deleted token leaves: it goes with the gap before it (the gap after it, at the
    /// start of the text), so `"I do not like it.  Really."` contracts to
    /// `"I don't like it.  Really."`.
    fn apply(&self, edits: &[Edit]) -> Self {
        let spans = token_spans(self);
        let mut out = String::with_capacity(self.len() + 16);
        let mut cursor = 0;
        // Whether a token has been written, and whether the next gap is to be dropped (after
        // a deleted token that nothing was written before).
        let mut written = false;
        let mut drop_gap = false;
        for (i, &(start, end)) in spans.iter().enumerate() {
            let gap = &self[cursor..start];
            let token = match edits.iter().find(|e| e.position == i) {
                Some(Edit {
                    after: Value::Category(token),
                    ..
                }) => token,
                _ => &self[start..end],
            };
            if token.is_empty() {
                if !written && !drop_gap {
                    out.push_str(gap); // the text's leading blanks
                }
                drop_gap = !written;
            } else {
                if !drop_gap {
                    out.push_str(gap);
                }
                drop_gap = false;
                out.push_str(token);
                written = true;
            }
            cursor = end;
        }
        if !drop_gap {
            out.push_str(&self[cursor..]);
        }
        out
    }

    fn edit_target(&self, edit: &Edit) -> String {
        format!("token {}", edit.position)
    }

    fn as_text(&self) -> Option<String> {
        Some(self.clone())
    }
}

/// Proposes variants of rows of type `R`.
pub trait Augmenter<R> {
    /// What the augmenter does, for reports: "Gaussian noise on tenure (0.1 × spread)".
    fn describe(&self) -> String;

    /// A copy that has learned from `rows` what it needs — the spread of a numeric feature,
    /// the observed levels of a category. Augmenters that need nothing return a copy.
    fn fit(&self, rows: &[R]) -> Self
    where
        Self: Sized;

    /// [`fit`](Augmenter::fit) on a dataset's rows — what the expectations call. The default
    /// fits on the rows; the built-in augmenters keep what they learn (a feature's spread)
    /// with the dataset, so checks on one dataset learn it once.
    fn fit_dataset(&self, data: &crate::data::Dataset<R>) -> Self
    where
        Self: Sized,
    {
        self.fit(data.rows())
    }

    /// Whether the augmenter can propose variants as configured: `Err` naming the setting
    /// that cannot work (a negative noise scale, a shift by NaN) or, once fitted, what it
    /// learned that it cannot use (a feature whose spread overflows an `f64`). The
    /// expectations check before and after fitting and report an error as an error outcome,
    /// before the model is called; an augmenter whose check fails proposes nothing.
    ///
    /// The default accepts every setting: override it when the augmenter has settings.
    ///
    /// ```
    /// use model_check::perturb::{Augmenter, shift};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Customer { tenure: f64 }
    ///
    /// assert!(shift(Customer::TENURE, 12.0).check().is_ok());
    /// let err = shift(Customer::TENURE, f64::NAN).check().unwrap_err();
    /// assert_eq!(err.to_string(), "shift(tenure, by): must be a finite number, got NaN");
    /// ```
    fn check(&self) -> Result<(), SettingError> {
        Ok(())
    }

    /// Proposes one variant of `row` as edits at distinct positions, drawing from `rng`;
    /// `None` when it cannot change this row (a text without a name, say).
    fn propose(&self, row: &R, rng: &mut SeededRng) -> Option<Vec<Edit>>;

    /// Every variant of `row`, when the augmenter's variants are few and known (each other
    /// value of a protected feature, a fixed shift): expectations then test exactly these,
    /// once each, instead of drawing `multiplier` proposals. `None` (the default) means the
    /// augmenter samples; `Some(vec![])` means it has no variant of this row.
    fn enumerate(&self, row: &R) -> Option<Vec<Vec<Edit>>> {
        let _ = row;
        None
    }

    /// Both augmenters: the edits of `self`, then those of `other` at positions `self` left
    /// untouched.
    fn then<B: Augmenter<R>>(self, other: B) -> Then<Self, B>
    where
        Self: Sized,
    {
        Then(self, other)
    }
}

/// Two augmenters applied together; see [`Augmenter::then`].
#[derive(Debug, Clone)]
pub struct Then<A, B>(A, B);

impl<R, A: Augmenter<R>, B: Augmenter<R>> Augmenter<R> for Then<A, B> {
    fn describe(&self) -> String {
        format!("{}, then {}", self.0.describe(), self.1.describe())
    }

    fn fit(&self, rows: &[R]) -> Self {
        Then(self.0.fit(rows), self.1.fit(rows))
    }

    fn fit_dataset(&self, data: &crate::data::Dataset<R>) -> Self {
        Then(self.0.fit_dataset(data), self.1.fit_dataset(data))
    }

    fn check(&self) -> Result<(), SettingError> {
        self.0.check()?;
        self.1.check()
    }

    fn propose(&self, row: &R, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let first = self.0.propose(row, rng);
        let second = self.1.propose(row, rng);
        match (first, second) {
            (None, None) => None,
            (Some(a), None) => Some(a),
            (None, Some(b)) => Some(b),
            (Some(mut a), Some(b)) => {
                let taken: Vec<usize> = a.iter().map(|e| e.position).collect();
                a.extend(b.into_iter().filter(|e| !taken.contains(&e.position)));
                Some(a)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn token(position: usize, before: &'static str, after: &'static str) -> Edit {
        Edit {
            position,
            before: Value::Category(Cow::Borrowed(before)),
            after: Value::Category(Cow::Borrowed(after)),
        }
    }

    #[test]
    fn text_edits_replace_tokens_and_keep_the_rest() {
        let text = "I am having  a great day!".to_string();
        assert_eq!(token_spans(&text).len(), 6);
        assert_eq!(
            text.apply(&[token(4, "great", "graet")]),
            "I am having  a graet day!"
        );
        assert_eq!(text.apply(&[]), text);
        // A deleted token takes the gap before it along; every other gap stays as written.
        assert_eq!(
            text.apply(&[token(1, "am", ""), token(4, "great", "fine")]),
            "I having  a fine day!"
        );
    }

    #[test]
    fn a_deleted_token_closes_only_its_own_gap() {
        let text = "I do not like it.  Really.".to_string();
        let contracted = [token(1, "do", "don't"), token(2, "not", "")];
        assert_eq!(text.apply(&contracted), "I don't like it.  Really.");
        // The gap before the deleted token goes, whatever it is; the one after stays.
        let text = "We are\t not\nsure.".to_string();
        assert_eq!(
            text.apply(&[token(1, "are", "aren't"), token(2, "not", "")]),
            "We aren't\nsure."
        );
        // At the start there is no gap before: the one after goes, leading blanks stay.
        let text = "  not  bad  at all".to_string();
        assert_eq!(text.apply(&[token(0, "not", "")]), "  bad  at all");
        assert_eq!(
            text.apply(&[token(0, "not", ""), token(1, "bad", "")]),
            "  at all"
        );
        // At the end: the gap before goes, trailing blanks stay.
        let text = "so  very good \n".to_string();
        assert_eq!(text.apply(&[token(2, "good", "")]), "so  very \n");
        assert_eq!(
            text.apply(&[token(1, "very", ""), token(2, "good", "")]),
            "so \n"
        );
        assert_eq!("alone".to_string().apply(&[token(0, "alone", "")]), "");
    }
}
