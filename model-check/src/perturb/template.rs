//! Templates: labelled texts for minimum-functionality tests, CheckList style.
//!
//! A [`Template`] is a sentence with placeholders — `"{first_name} is a {adjective} person"`
//! — and the label a model should give every text made from it. Placeholders are filled from
//! the [lexicon](super::Lexicon)'s categories (`first_name`, `last_name`, `city`, `country`,
//! `nationality`, …; see [`Lexicon::BUILTIN`](super::Lexicon::BUILTIN)) or from word lists
//! given with [`fill`](Template::fill). [`Templates`] gathers several templates into one
//! labelled [`Dataset`], so a capability ("knows that 'not good' is negative") becomes a test
//! set any expectation can run on.
//!
//! The syntax:
//!
//! - `{name}` — a word of the list `name`; the same placeholder twice is the same word.
//! - `{name1}`, `{name2}` — different words of the list `name` (when `name1` is not itself a
//!   list): `"{first_name1} and {first_name2}"` never gives "Mary and Mary".
//! - `{a:name}` — the word with its article, "a" or "an": `"{a:adjective} meal"` gives
//!   "an awful meal".
//! - `{{` and `}}` — literal braces.
//!
//! Generation is seeded, and exhaustive when small: a template with no more combinations than
//! asked for gives each of them once; otherwise it gives that many distinct combinations drawn
//! at random.

use std::collections::HashSet;
use std::fmt;

use rand::RngExt;

use super::lexicon::Lexicon;
use crate::data::{DataError, Dataset, Labels, SeededRng, seeded_rng};

/// Above this many raw combinations, a template is sampled rather than enumerated.
const ENUMERATION_LIMIT: u128 = 100_000;

/// A text with placeholders and the label of every text made from it.
///
/// ```
/// use model_check::perturb::{Lexicon, Template};
///
/// let template = Template::new("{first_name} is {a:adjective} person.")
///     .fill("adjective", ["good", "great", "wonderful", "excellent"])
///     .label("positive");
/// let (texts, labels) = template.generate(50, 7)?;
/// assert_eq!(texts.len(), 50);
/// assert!(labels.iter().all(|l| l == "positive"));
/// let name = texts[0].split(' ').next().unwrap();
/// assert!(Lexicon::first_names().iter().any(|n| n == name));
/// assert!(texts.iter().any(|t| t.contains(" is an excellent person.")));
/// assert!(texts.iter().all(|t| !t.contains('{')));
/// # Ok::<(), model_check::perturb::TemplateError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Template {
    source: String,
    label: Option<String>,
    lexicon: Lexicon,
}

impl Template {
    /// A template; its syntax is checked when texts are generated.
    ///
    /// ```
    /// use model_check::perturb::{Template, TemplateError};
    ///
    /// let broken = Template::new("{first_name is here");
    /// assert!(matches!(broken.texts(1, 0), Err(TemplateError::Syntax { column: 1, .. })));
    /// ```
    pub fn new(text: impl Into<String>) -> Self {
        Template {
            source: text.into(),
            label: None,
            lexicon: Lexicon::new(),
        }
    }

    /// The label every text of this template should get.
    ///
    /// ```
    /// use model_check::perturb::Template;
    ///
    /// let (_, labels) = Template::new("{city} is lovely").label("positive").generate(2, 0)?;
    /// assert_eq!(labels, ["positive", "positive"]);
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Fills the placeholder `placeholder` (and `placeholder1`, `placeholder2`, …) from
    /// `words`, in this template; a lexicon category of that name is replaced. Repeated words
    /// are kept once.
    ///
    /// ```
    /// use model_check::perturb::Template;
    ///
    /// let texts = Template::new("The {food} was {taste}.")
    ///     .fill("food", ["soup", "pasta"])
    ///     .fill("taste", ["bland", "salty", "bland"])
    ///     .texts(10, 0)?;
    /// // 2 × 2 combinations, fewer than asked for: each once, in order.
    /// assert_eq!(texts, ["The soup was bland.", "The soup was salty.", "The pasta was bland.", "The pasta was salty."]);
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn fill<I, S>(mut self, placeholder: impl Into<String>, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lexicon = self.lexicon.with(placeholder, words);
        self
    }

    /// The template's text, as written.
    ///
    /// ```
    /// use model_check::perturb::Template;
    ///
    /// assert_eq!(Template::new("{city} is lovely").source(), "{city} is lovely");
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The placeholders, each once, in order of appearance (without `a:`).
    ///
    /// ```
    /// use model_check::perturb::Template;
    ///
    /// let template = Template::new("{first_name} met {a:nationality} {first_name} in {city}.");
    /// assert_eq!(template.placeholders()?, ["first_name", "nationality", "city"]);
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn placeholders(&self) -> Result<Vec<String>, TemplateError> {
        Ok(parse(&self.source)?.slots)
    }

    /// The number of distinct texts the template can make (saturating at `u128::MAX`).
    ///
    /// ```
    /// use model_check::perturb::Template;
    ///
    /// let pair = Template::new("{name1} and {name2}").fill("name", ["Ann", "Bob", "Cy"]);
    /// assert_eq!(pair.combinations()?, 6); // ordered pairs of different names
    /// assert_eq!(Template::new("{city}").combinations()?, 925);
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn combinations(&self) -> Result<u128, TemplateError> {
        let shared = Lexicon::new();
        Ok(Plan::new(self, &shared)?.valid_combinations())
    }

    /// `n` distinct texts drawn with `seed` — every text, in order, when the template makes
    /// `n` or fewer. The label is not needed.
    ///
    /// Errors: a malformed template, a placeholder that is neither a lexicon category nor
    /// filled (the error names it), a list filled with no words, or fewer words than
    /// placeholders that must differ.
    ///
    /// ```
    /// use model_check::perturb::{Template, TemplateError};
    ///
    /// let err = Template::new("{first_nam} loved it").texts(5, 0).unwrap_err();
    /// assert!(matches!(&err, TemplateError::UnknownPlaceholder { placeholder, .. } if placeholder == "first_nam"));
    /// assert!(err.to_string().contains("did you mean `first_name`?"));
    /// ```
    pub fn texts(&self, n: usize, seed: u64) -> Result<Vec<String>, TemplateError> {
        self.expand(&Lexicon::new(), n, &mut seeded_rng(seed))
    }

    /// `n` distinct texts drawn with `seed` (see [`texts`](Self::texts)) and their labels;
    /// an error when the template has no label.
    ///
    /// ```
    /// use model_check::perturb::Template;
    ///
    /// let template = Template::new("I do not like {city}.").label("negative");
    /// let (texts, labels) = template.generate(3, 1)?;
    /// assert_eq!(labels, ["negative"; 3]);
    /// assert_eq!(template.generate(3, 1)?.0, texts); // same seed, same texts
    /// assert!(Template::new("{city}").generate(3, 1).is_err()); // no label
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn generate(
        &self,
        n: usize,
        seed: u64,
    ) -> Result<(Vec<String>, Vec<String>), TemplateError> {
        let label = self.required_label()?;
        let texts = self.texts(n, seed)?;
        let labels = vec![label.to_string(); texts.len()];
        Ok((texts, labels))
    }

    fn required_label(&self) -> Result<&str, TemplateError> {
        self.label.as_deref().ok_or_else(|| TemplateError::NoLabel {
            template: self.source.clone(),
        })
    }

    fn expand(
        &self,
        shared: &Lexicon,
        n: usize,
        rng: &mut SeededRng,
    ) -> Result<Vec<String>, TemplateError> {
        let plan = Plan::new(self, shared)?;
        Ok(plan
            .draw(n, rng)
            .iter()
            .map(|combination| plan.render(combination))
            .collect())
    }
}

/// Several templates, generated together into one labelled dataset.
///
/// ```
/// use model_check::perturb::{Template, Templates};
///
/// let data = Templates::new()
///     .fill("good", ["good", "great", "wonderful"])
///     .fill("bad", ["bad", "awful", "terrible"])
///     .with(Template::new("{first_name} says the food is {good}.").label("positive"))
///     .with(Template::new("{first_name} says the food is not {good}.").label("negative"))
///     .with(Template::new("{first_name} says the food is {bad}.").label("negative"))
///     .dataset(20, 42)?;
/// assert_eq!(data.len(), 60);
/// assert_eq!(data.labels().class_names().unwrap(), ["negative", "positive"]);
/// assert_eq!(data.labels().class_of(0), Some("positive"));
/// // Each template's rows are tagged with its text.
/// assert_eq!(data.tag("{first_name} says the food is {bad}.").unwrap().len(), 20);
/// # Ok::<(), model_check::perturb::TemplateError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Templates {
    templates: Vec<Template>,
    lexicon: Lexicon,
    classes: Option<Vec<String>>,
}

impl Templates {
    /// No templates yet.
    ///
    /// ```
    /// use model_check::perturb::Templates;
    ///
    /// assert!(Templates::new().templates().is_empty());
    /// ```
    pub fn new() -> Self {
        Templates::default()
    }

    /// Adds a template.
    ///
    /// ```
    /// use model_check::perturb::{Template, Templates};
    ///
    /// let templates = Templates::new().with(Template::new("{city}").label("place"));
    /// assert_eq!(templates.templates().len(), 1);
    /// ```
    pub fn with(mut self, template: Template) -> Self {
        self.templates.push(template);
        self
    }

    /// Fills a placeholder for every template (a template's own [`Template::fill`] wins).
    ///
    /// ```
    /// use model_check::perturb::{Template, Templates};
    ///
    /// let data = Templates::new()
    ///     .fill("food", ["soup"])
    ///     .with(Template::new("The {food} was cold.").label("negative"))
    ///     .with(Template::new("The {food} was hot.").fill("food", ["tea"]).label("positive"))
    ///     .dataset(5, 0)?;
    /// assert_eq!(data.rows(), ["The soup was cold.", "The tea was hot."]);
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn fill<I, S>(mut self, placeholder: impl Into<String>, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lexicon = self.lexicon.with(placeholder, words);
        self
    }

    /// Word lists for every template, replacing those filled so far; later
    /// [`fill`](Self::fill)s add to it.
    ///
    /// ```
    /// use model_check::perturb::{Lexicon, Template, Templates};
    ///
    /// let words = Lexicon::new().with("snack", ["chips", "pretzels"]);
    /// let data = Templates::new()
    ///     .lexicon(words)
    ///     .with(Template::new("These {snack} are stale.").label("negative"))
    ///     .dataset(10, 0)?;
    /// assert_eq!(data.rows(), ["These chips are stale.", "These pretzels are stale."]);
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn lexicon(mut self, lexicon: Lexicon) -> Self {
        self.lexicon = lexicon;
        self
    }

    /// Declares the classes of the labels — all the classes the model predicts, say, when
    /// the templates cover only some; a template label outside them is then an error.
    /// Without it, the classes are the templates' labels.
    ///
    /// ```
    /// use model_check::perturb::{Template, Templates};
    ///
    /// let data = Templates::new()
    ///     .classes(["negative", "neutral", "positive"])
    ///     .with(Template::new("I love {city}.").label("positive"))
    ///     .dataset(5, 0)?;
    /// assert_eq!(data.labels().class_names().unwrap().len(), 3);
    /// # Ok::<(), model_check::perturb::TemplateError>(())
    /// ```
    pub fn classes<I, S>(mut self, classes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.classes = Some(classes.into_iter().map(Into::into).collect());
        self
    }

    /// The templates added so far.
    ///
    /// ```
    /// use model_check::perturb::{Template, Templates};
    ///
    /// let templates = Templates::new().with(Template::new("{city}")).with(Template::new("{country}"));
    /// assert_eq!(templates.templates()[1].source(), "{country}");
    /// ```
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// A labelled dataset of up to `n_per_template` distinct texts from each template (all of
    /// a template's texts when it makes fewer), drawn with `seed`. Each template draws from
    /// its own stream, so adding a template leaves the others' texts unchanged. Rows are
    /// tagged with their template's text.
    ///
    /// Errors: no templates, a template without a label, and any error of
    /// [`Template::texts`], naming the template.
    ///
    /// ```
    /// use model_check::perturb::{Template, TemplateError, Templates};
    ///
    /// let err = Templates::new()
    ///     .with(Template::new("{first_name} is {a:adjective} person").label("positive"))
    ///     .dataset(10, 0)
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "template \"{first_name} is {a:adjective} person\": unknown placeholder `adjective`: \
    ///      not a lexicon category and not filled (fill it with .fill(\"adjective\", [..]))"
    /// );
    /// # let _: model_check::data::DataError = err.into();
    /// ```
    pub fn dataset(
        &self,
        n_per_template: usize,
        seed: u64,
    ) -> Result<Dataset<String>, TemplateError> {
        if self.templates.is_empty() {
            return Err(TemplateError::NoTemplates);
        }
        let mut texts = Vec::new();
        let mut labels = Vec::new();
        let mut tags: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, template) in self.templates.iter().enumerate() {
            let label = template.required_label()?;
            let mut rng = seeded_rng(stream_seed(seed, i));
            let generated = template.expand(&self.lexicon, n_per_template, &mut rng)?;
            let rows = texts.len()..texts.len() + generated.len();
            match tags
                .iter_mut()
                .find(|(source, _)| *source == template.source)
            {
                Some((_, tagged)) => tagged.extend(rows),
                None => tags.push((&template.source, rows.collect())),
            }
            labels.extend(std::iter::repeat_n(label, generated.len()));
            texts.extend(generated);
        }
        let labels = match &self.classes {
            Some(classes) => Labels::with_classes(classes.iter().cloned(), labels)?,
            None => Labels::classes(labels)?,
        };
        let mut data = Dataset::from_inputs(texts, labels)?.named("templates");
        for (source, rows) in tags {
            data.tag_rows(source, rows)?;
        }
        Ok(data)
    }
}

/// The seed of template `i`'s stream.
fn stream_seed(seed: u64, i: usize) -> u64 {
    crate::rng::nth_stream(seed, i as u64)
}

/// A template that cannot make texts, naming the template and the placeholder at fault.
///
/// ```
/// use model_check::perturb::{Template, TemplateError};
///
/// let err = Template::new("{x1} or {x2}").fill("x", ["tea"]).texts(5, 0).unwrap_err();
/// assert!(matches!(err, TemplateError::NotEnoughWords { needed: 2, available: 1, .. }));
/// assert_eq!(err.to_string(), "template \"{x1} or {x2}\": 2 placeholders need different words of `x`, which has 1");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum TemplateError {
    /// The template's text is malformed.
    Syntax {
        /// The template.
        template: String,
        /// The 1-based character position of the problem.
        column: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A placeholder is neither a lexicon category nor filled.
    UnknownPlaceholder {
        /// The template.
        template: String,
        /// The placeholder.
        placeholder: String,
        /// A known category with a close name, if any.
        suggestion: Option<String>,
    },
    /// A placeholder was filled with no words.
    EmptyList {
        /// The template.
        template: String,
        /// The placeholder.
        placeholder: String,
    },
    /// More placeholders must take different words of a list than it has words.
    NotEnoughWords {
        /// The template.
        template: String,
        /// The list.
        list: String,
        /// The placeholders drawing from it.
        needed: usize,
        /// Its words.
        available: usize,
    },
    /// A labelled dataset was asked of a template without a label.
    NoLabel {
        /// The template.
        template: String,
    },
    /// A dataset was asked of no templates.
    NoTemplates,
    /// The generated texts do not make a dataset (no texts, or a label outside the declared
    /// classes).
    Data(DataError),
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Syntax {
                template,
                column,
                reason,
            } => write!(f, "template {template:?}, column {column}: {reason}"),
            TemplateError::UnknownPlaceholder {
                template,
                placeholder,
                suggestion,
            } => {
                write!(
                    f,
                    "template {template:?}: unknown placeholder `{placeholder}`: not a lexicon \
                     category and not filled (fill it with .fill({placeholder:?}, [..]))"
                )?;
                if let Some(suggestion) = suggestion {
                    write!(f, "; did you mean `{suggestion}`?")?;
                }
                Ok(())
            }
            TemplateError::EmptyList {
                template,
                placeholder,
            } => write!(
                f,
                "template {template:?}: placeholder `{placeholder}` was filled with no words"
            ),
            TemplateError::NotEnoughWords {
                template,
                list,
                needed,
                available,
            } => write!(
                f,
                "template {template:?}: {needed} placeholders need different words of \
                 `{list}`, which has {available}"
            ),
            TemplateError::NoLabel { template } => write!(
                f,
                "template {template:?} has no label; give it one with .label(..)"
            ),
            TemplateError::NoTemplates => {
                f.write_str("no templates to generate from; add them with Templates::with")
            }
            TemplateError::Data(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for TemplateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TemplateError::Data(err) => Some(err),
            _ => None,
        }
    }
}

impl From<DataError> for TemplateError {
    fn from(err: DataError) -> Self {
        TemplateError::Data(err)
    }
}

/// For code that reports data errors: a template error becomes a [`DataError::Setting`]
/// with the same message (a data error stays itself).
impl From<TemplateError> for DataError {
    fn from(err: TemplateError) -> Self {
        match err {
            TemplateError::Data(err) => err,
            other => DataError::Setting {
                reason: other.to_string(),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

enum Piece {
    Text(String),
    Slot { slot: usize, article: bool },
}

struct Parsed {
    pieces: Vec<Piece>,
    /// The distinct placeholder names, in order of appearance.
    slots: Vec<String>,
}

fn parse(source: &str) -> Result<Parsed, TemplateError> {
    let syntax = |at: usize, reason| TemplateError::Syntax {
        template: source.to_string(),
        column: source[..at].chars().count() + 1,
        reason,
    };
    let mut pieces = Vec::new();
    let mut slots: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut rest = source.char_indices().peekable();
    while let Some((at, c)) = rest.next() {
        match c {
            '{' if rest.peek().map(|&(_, c)| c) == Some('{') => {
                rest.next();
                text.push('{');
            }
            '}' if rest.peek().map(|&(_, c)| c) == Some('}') => {
                rest.next();
                text.push('}');
            }
            '}' => return Err(syntax(at, "`}` without `{` (write `}}` for a brace)")),
            '{' => {
                let Some(len) = source[at + 1..].find('}') else {
                    return Err(syntax(at, "`{` is never closed (write `{{` for a brace)"));
                };
                let inside = &source[at + 1..at + 1 + len];
                let (article, name) = match inside.strip_prefix("a:") {
                    Some(name) => (true, name),
                    None => (false, inside),
                };
                let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err(syntax(
                        at,
                        "a placeholder is a name of letters, digits and `_`, as in `{first_name}` or `{a:adjective}`",
                    ));
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                let slot = match slots.iter().position(|s| s == name) {
                    Some(slot) => slot,
                    None => {
                        slots.push(name.to_string());
                        slots.len() - 1
                    }
                };
                pieces.push(Piece::Slot { slot, article });
                while rest.peek().is_some_and(|&(i, _)| i <= at + 1 + len) {
                    rest.next();
                }
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(Parsed { pieces, slots })
}

// ---------------------------------------------------------------------------------------------
// Generation

/// A parsed template with its placeholders' word lists.
struct Plan<'a> {
    pieces: Vec<Piece>,
    /// Each slot's words.
    lists: Vec<&'a [String]>,
    /// Each slot's list name; slots of the same list take different words.
    groups: Vec<String>,
}

impl<'a> Plan<'a> {
    fn new(template: &'a Template, shared: &'a Lexicon) -> Result<Self, TemplateError> {
        let parsed = parse(&template.source)?;
        let find = |name: &str| {
            template
                .lexicon
                .user_words(name)
                .or_else(|| shared.user_words(name))
                .or_else(|| Lexicon::builtin(name))
        };
        let mut lists = Vec::with_capacity(parsed.slots.len());
        let mut groups = Vec::with_capacity(parsed.slots.len());
        for name in &parsed.slots {
            let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
            let stem = if stem.len() < name.len() {
                Some(stem.trim_end_matches('_')).filter(|s| !s.is_empty())
            } else {
                None
            };
            let (group, words) = match (find(name), stem.and_then(|s| find(s).map(|w| (s, w)))) {
                (Some(words), _) => (name.as_str(), words),
                (None, Some((stem, words))) => (stem, words),
                (None, None) => {
                    let mut known: Vec<&str> = template.lexicon.categories();
                    known.extend(shared.user_categories());
                    return Err(TemplateError::UnknownPlaceholder {
                        template: template.source.clone(),
                        placeholder: name.clone(),
                        suggestion: closest(stem.unwrap_or(name), &known).map(str::to_string),
                    });
                }
            };
            if words.is_empty() {
                return Err(TemplateError::EmptyList {
                    template: template.source.clone(),
                    placeholder: name.clone(),
                });
            }
            lists.push(words);
            groups.push(group.to_string());
        }
        for group in &groups {
            let needed = groups.iter().filter(|g| *g == group).count();
            let available = lists[groups.iter().position(|g| g == group).unwrap_or(0)].len();
            if needed > available {
                return Err(TemplateError::NotEnoughWords {
                    template: template.source.clone(),
                    list: group.clone(),
                    needed,
                    available,
                });
            }
        }
        Ok(Plan {
            pieces: parsed.pieces,
            lists,
            groups,
        })
    }

    /// Every assignment of words to slots, distinct or not.
    fn raw_combinations(&self) -> u128 {
        self.lists
            .iter()
            .fold(1u128, |acc, list| acc.saturating_mul(list.len() as u128))
    }

    /// The assignments where slots of the same list take different words.
    fn valid_combinations(&self) -> u128 {
        let mut total = 1u128;
        let mut seen: Vec<&str> = Vec::new();
        for (slot, group) in self.groups.iter().enumerate() {
            let taken = seen.iter().filter(|g| **g == group).count() as u128;
            total = total.saturating_mul((self.lists[slot].len() as u128).saturating_sub(taken));
            seen.push(group);
        }
        total
    }

    fn is_valid(&self, combination: &[usize]) -> bool {
        (0..combination.len()).all(|a| {
            (a + 1..combination.len())
                .all(|b| self.groups[a] != self.groups[b] || combination[a] != combination[b])
        })
    }

    /// `n` distinct valid combinations: all of them, in order, when there are at most `n`;
    /// otherwise `n` drawn at random.
    fn draw(&self, n: usize, rng: &mut SeededRng) -> Vec<Vec<usize>> {
        if n == 0 {
            return Vec::new();
        }
        let raw = self.raw_combinations();
        if raw <= ENUMERATION_LIMIT && self.valid_combinations() == raw {
            // Every assignment is valid: pick indices without listing the combinations.
            let raw = raw as usize;
            let mut picked: Vec<usize> = if raw <= n {
                (0..raw).collect()
            } else {
                rand::seq::index::sample(rng, raw, n).into_vec()
            };
            picked.sort_unstable();
            return picked.into_iter().map(|i| self.decode(i)).collect();
        }
        if raw <= ENUMERATION_LIMIT {
            let all: Vec<Vec<usize>> = (0..raw as usize)
                .map(|index| self.decode(index))
                .filter(|c| self.is_valid(c))
                .collect();
            if all.len() <= n {
                return all;
            }
            let mut picked = rand::seq::index::sample(rng, all.len(), n).into_vec();
            picked.sort_unstable();
            return picked.into_iter().map(|i| all[i].clone()).collect();
        }
        // Too many to list: draw, dropping repeats and invalid draws. With more than
        // ENUMERATION_LIMIT combinations, repeats are rare; the cap only guards degenerate
        // templates.
        let mut seen = HashSet::new();
        let mut drawn = Vec::with_capacity(n);
        let mut attempts = 0usize;
        while drawn.len() < n && attempts < 100 * n + 1000 {
            attempts += 1;
            let combination: Vec<usize> = self
                .lists
                .iter()
                .map(|list| rng.random_range(0..list.len()))
                .collect();
            if self.is_valid(&combination) && seen.insert(combination.clone()) {
                drawn.push(combination);
            }
        }
        drawn
    }

    /// The `index`-th combination, the last slot varying fastest.
    fn decode(&self, mut index: usize) -> Vec<usize> {
        let mut combination = vec![0; self.lists.len()];
        for (slot, list) in self.lists.iter().enumerate().rev() {
            combination[slot] = index % list.len();
            index /= list.len();
        }
        combination
    }

    fn render(&self, combination: &[usize]) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Slot { slot, article } => {
                    let word = &self.lists[*slot][combination[*slot]];
                    if *article {
                        let vowel = word
                            .chars()
                            .next()
                            .is_some_and(|c| "aeiouAEIOU".contains(c));
                        let sentence_start =
                            out.trim_end().is_empty() || out.trim_end().ends_with(['.', '!', '?']);
                        out.push_str(match (sentence_start, vowel) {
                            (true, true) => "An ",
                            (true, false) => "A ",
                            (false, true) => "an ",
                            (false, false) => "a ",
                        });
                    }
                    out.push_str(word);
                }
            }
        }
        out
    }
}

/// The name in `known` closest to `name`, if close enough to be a likely typo.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let limit = (name.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_point_at_the_column() {
        let err = |s: &str| match parse(s) {
            Err(TemplateError::Syntax { column, .. }) => column,
            _ => panic!("{s} parsed"),
        };
        assert_eq!(err("ab {city"), 4);
        assert_eq!(err("ab } c"), 4);
        assert_eq!(err("é {fïrst}"), 3);
        assert_eq!(err("{}"), 1);
        let parsed = parse("{{x}} {a:y} {y}").unwrap();
        assert_eq!(parsed.slots, ["y"]);
        assert!(matches!(&parsed.pieces[0], Piece::Text(t) if t == "{x} "));
    }

    #[test]
    fn edit_distance_matches_hand_counts() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("city", "city"), 0);
        assert_eq!(closest("cty", &["city", "country"]), Some("city"));
        assert_eq!(closest("food", &["city", "country"]), None);
    }

    #[test]
    fn stream_seeds_differ_per_template() {
        assert_ne!(stream_seed(0, 0), stream_seed(0, 1));
        assert_ne!(stream_seed(0, 0), stream_seed(1, 0));
    }
}
