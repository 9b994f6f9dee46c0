//! Cohorts: named subsets of a dataset's rows, and metrics for many cohorts in one pass.
//!
//! A [`Cohort`] is a rule over rows — a predicate, a category value, a numeric range, a tag,
//! or `and` / `or` / `not` of these — with a readable name. [`evaluate_classifier`] and
//! [`evaluate_regressor`] predict every row once, in batches, and feed each row to the
//! accumulator of every cohort that holds it: one pass over the rows, however many cohorts.
//!
//! A cohort is checked against the dataset it is evaluated on, before any row is sampled:
//! a category level that the feature does not declare and no row has is a typo
//! ([`CohortError::UnknownLevel`], listing the levels and the nearest one), never a silently
//! empty cohort; a declared level without rows is a legitimately empty cohort.
//! [`Cohort::each`] makes one cohort per level of a feature.

use std::fmt;
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

mod evaluate;
mod mask;

pub use evaluate::{
    AUC_BINS, CHUNK_ROWS, evaluate_classifier, evaluate_classifier_stream, evaluate_regressor,
    evaluate_regressor_stream,
};
#[cfg(feature = "parallel")]
pub use evaluate::{evaluate_classifier_parallel, evaluate_regressor_parallel};

pub(crate) use mask::{Codes, Mask};

use crate::data::{DataError, Dataset, Feature, Features, Value, suggest};
use crate::metrics::{ClassificationMetrics, MetricError, RegressionMetrics};
use crate::model::ModelError;

pub use crate::model::BATCH_SIZE;

type Predicate<R> = Arc<dyn Fn(&R) -> bool + Send + Sync>;

/// One feature of a row type, read dynamically: captured where `R: Features` is known, so
/// evaluating a cohort does not need that bound (text and matrix rows have no schema).
struct Accessor<R> {
    index: usize,
    spec: &'static crate::data::FeatureSpec,
    value: fn(&R, usize) -> Value,
    category: for<'a> fn(&'a R, usize) -> Option<Option<&'a str>>,
}

impl<R> Clone for Accessor<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Accessor<R> {}

impl<R> Accessor<R> {
    fn of<T>(feature: Feature<R, T>) -> Self
    where
        R: Features,
    {
        Accessor {
            index: feature.index(),
            spec: feature.spec(),
            value: R::value,
            category: R::category,
        }
    }

    fn read(&self, row: &R) -> Value {
        (self.value)(row, self.index)
    }
}

enum Rule<R> {
    All,
    Predicate(Predicate<R>),
    Category {
        feature: Accessor<R>,
        level: String,
        /// The level was read off a dataset ([`Cohort::each`]), so it is no typo: a dataset
        /// without it gives an empty cohort.
        from_data: bool,
    },
    Range {
        feature: Accessor<R>,
        lo: Bound<f64>,
        hi: Bound<f64>,
    },
    Tag(String),
    And(Box<Cohort<R>>, Box<Cohort<R>>),
    Or(Box<Cohort<R>>, Box<Cohort<R>>),
    Not(Box<Cohort<R>>),
}

impl<R> Clone for Rule<R> {
    fn clone(&self) -> Self {
        match self {
            Rule::All => Rule::All,
            Rule::Predicate(p) => Rule::Predicate(p.clone()),
            Rule::Category {
                feature,
                level,
                from_data,
            } => Rule::Category {
                feature: *feature,
                level: level.clone(),
                from_data: *from_data,
            },
            Rule::Range { feature, lo, hi } => Rule::Range {
                feature: *feature,
                lo: *lo,
                hi: *hi,
            },
            Rule::Tag(t) => Rule::Tag(t.clone()),
            Rule::And(a, b) => Rule::And(a.clone(), b.clone()),
            Rule::Or(a, b) => Rule::Or(a.clone(), b.clone()),
            Rule::Not(a) => Rule::Not(a.clone()),
        }
    }
}

/// A named subset of rows.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Customer { contract: String, tenure: f64, senior: bool }
///
/// let monthly = Cohort::category(Customer::CONTRACT, "Month-to-month");
/// let new = Cohort::range(Customer::TENURE, 0.0..12.0);
/// let seniors = Cohort::predicate("seniors", |c: &Customer| c.senior);
/// let risky = monthly.clone().and(new.clone()).or(seniors.not());
/// assert_eq!(new.name(), "tenure in [0, 12)");
/// assert_eq!(
///     risky.name(),
///     "(contract = Month-to-month and tenure in [0, 12)) or not seniors"
/// );
/// ```
pub struct Cohort<R> {
    name: String,
    rule: Rule<R>,
}

impl<R> Clone for Cohort<R> {
    fn clone(&self) -> Self {
        Cohort {
            name: self.name.clone(),
            rule: self.rule.clone(),
        }
    }
}

impl<R> fmt::Debug for Cohort<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cohort").field(&self.name).finish()
    }
}

impl<R> Cohort<R> {
    /// Every row.
    pub fn all() -> Self {
        Cohort {
            name: "all".into(),
            rule: Rule::All,
        }
    }

    /// The rows for which `predicate` holds.
    pub fn predicate(
        name: impl Into<String>,
        predicate: impl Fn(&R) -> bool + Send + Sync + 'static,
    ) -> Self {
        Cohort {
            name: name.into(),
            rule: Rule::Predicate(Arc::new(predicate)),
        }
    }

    /// The rows tagged `tag` in the dataset (an unknown tag is an error when evaluated).
    pub fn tag(tag: impl Into<String>) -> Self {
        let tag = tag.into();
        Cohort {
            name: format!("tag {tag}"),
            rule: Rule::Tag(tag),
        }
    }

    /// Renames the cohort.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The cohort's name, as reports show it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Rows in both cohorts.
    pub fn and(self, other: Cohort<R>) -> Self {
        Cohort {
            name: format!("{} and {}", self.wrapped(" or "), other.wrapped(" or ")),
            rule: Rule::And(Box::new(self), Box::new(other)),
        }
    }

    /// Rows in either cohort.
    pub fn or(self, other: Cohort<R>) -> Self {
        Cohort {
            name: format!("{} or {}", self.wrapped(" and "), other.wrapped(" and ")),
            rule: Rule::Or(Box::new(self), Box::new(other)),
        }
    }

    /// Rows not in the cohort.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Cohort {
            name: format!("not {}", self.wrapped(" ")),
            rule: Rule::Not(Box::new(self)),
        }
    }

    /// The name, parenthesised when combining it would be ambiguous.
    fn wrapped(&self, ambiguous: &str) -> String {
        let composite = matches!(self.rule, Rule::And(..) | Rule::Or(..) | Rule::Not(..));
        if composite && (self.name.contains(ambiguous) || ambiguous == " ") {
            format!("({})", self.name)
        } else {
            self.name.clone()
        }
    }
}

impl<R: Features> Cohort<R> {
    /// The rows whose categorical feature equals `level`.
    ///
    /// The level must exist: one the feature declares (a `#[derive(Categorical)]` enum's
    /// level, with or without rows), or, for open features such as `String` fields, one that
    /// some row of the dataset the cohort is evaluated on has. Anything else is a typo, and
    /// evaluating the cohort is a [`CohortError::UnknownLevel`] listing the levels and the
    /// nearest one, not an empty cohort.
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Person { race: String }
    ///
    /// let data = Dataset::from_rows(
    ///     vec![Person { race: "Asian".into() }, Person { race: "White".into() }],
    ///     Labels::classes(["a", "b"])?,
    /// )?;
    /// assert_eq!(Cohort::category(Person::RACE, "Asian").rows(&data)?, [0]);
    /// let err = Cohort::category(Person::RACE, "Asain").rows(&data).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "cohort `race = Asain`: no row of dataset `dataset` has `race` = \"Asain\" \
    ///      (levels present: Asian, White); did you mean \"Asian\"?"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn category<T>(feature: Feature<R, T>, level: impl Into<String>) -> Self {
        Self::category_of(Accessor::of(feature), level.into(), false)
    }

    fn category_of(feature: Accessor<R>, level: String, from_data: bool) -> Self {
        Cohort {
            name: format!("{} = {level}", feature.spec.name()),
            rule: Rule::Category {
                feature,
                level,
                from_data,
            },
        }
    }

    /// One cohort per level of the categorical `feature`, named as [`Cohort::category`]
    /// names them (`race = White`): the levels the feature declares, in declaration order
    /// (levels without rows included), or else the levels present in `data`, sorted.
    ///
    /// A level read off `data` is never a typo: evaluated on another dataset that lacks it,
    /// its cohort is empty rather than an error. A numeric feature, or one with no value in
    /// `data`, is an error.
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Applicant { region: String, score: f64 }
    ///
    /// let data = Dataset::from_rows(
    ///     vec![
    ///         Applicant { region: "south".into(), score: 0.9 },
    ///         Applicant { region: "north".into(), score: 0.2 },
    ///         Applicant { region: "south".into(), score: 0.3 },
    ///     ],
    ///     Labels::classes(["approve", "reject", "approve"])?,
    /// )?;
    /// let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["approve", "reject"], |b: &[Applicant]| {
    ///     Ok(b.iter().map(|a| if a.score > 0.5 { vec![0.9, 0.1] } else { vec![0.1, 0.9] }).collect())
    /// })?;
    /// let regions = Cohort::each(Applicant::REGION, &data)?;
    /// let report = evaluate_classifier(&model, &data, &regions)?;
    /// assert_eq!(report[0].cohort, "region = north");
    /// assert_eq!(report[1].cohort, "region = south");
    /// assert_eq!(report[1].metrics.accuracy().rate(), Some(0.5));
    /// assert!(Cohort::each(Applicant::SCORE, &data).is_err()); // numeric
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn each<T>(
        feature: Feature<R, T>,
        data: &Dataset<R>,
    ) -> Result<Vec<Cohort<R>>, CohortError> {
        let accessor = Accessor::of(feature);
        let spec = accessor.spec;
        let invalid = |reason: String| CohortError::Invalid {
            cohort: format!("each level of {}", spec.name()),
            reason,
        };
        if !spec.is_categorical() {
            return Err(invalid(format!(
                "feature `{}` is numeric; select it with Cohort::range",
                spec.name()
            )));
        }
        if !spec.levels().is_empty() {
            return Ok(spec
                .levels()
                .iter()
                .map(|level| Self::category_of(accessor, level.to_string(), false))
                .collect());
        }
        let levels = accessor.codes(data).levels_sorted();
        if levels.is_empty() {
            return Err(invalid(format!(
                "no row of dataset `{}` has a value of `{}`",
                data.name(),
                spec.name()
            )));
        }
        Ok(levels
            .into_iter()
            .map(|level| Self::category_of(accessor, level, true))
            .collect())
    }

    /// The rows whose feature equals `value` (compared as the field's Rust type).
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features)]
    /// struct Person { senior: u8, age: f64 }
    ///
    /// assert_eq!(Cohort::equals(Person::SENIOR, 1).name(), "senior = 1");
    /// ```
    pub fn equals<T>(feature: Feature<R, T>, value: T) -> Self
    where
        R: 'static,
        T: PartialEq + fmt::Debug + Send + Sync + 'static,
    {
        let name = format!("{} = {value:?}", feature.name());
        Cohort::predicate(name, move |row: &R| *feature.get(row) == value)
    }

    /// The rows whose numeric feature lies in `range` (any Rust range over `f64`); a missing
    /// value lies in no range (so `not` of a range includes the missing values).
    pub fn range<T>(feature: Feature<R, T>, range: impl std::ops::RangeBounds<f64>) -> Self {
        let lo = range.start_bound().cloned();
        let hi = range.end_bound().cloned();
        let left = match lo {
            Bound::Included(x) => format!("[{x}"),
            Bound::Excluded(x) => format!("({x}"),
            Bound::Unbounded => "(-inf".into(),
        };
        let right = match hi {
            Bound::Included(x) => format!("{x}]"),
            Bound::Excluded(x) => format!("{x})"),
            Bound::Unbounded => "inf)".into(),
        };
        Cohort {
            name: format!("{} in {left}, {right}", feature.name()),
            rule: Rule::Range {
                feature: Accessor::of(feature),
                lo,
                hi,
            },
        }
    }
}

/// A cohort that cannot be evaluated on a dataset.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CohortError {
    /// A category level that the feature does not declare, or, for a feature without
    /// declared levels, that no row of the dataset has: a typo, not an empty cohort.
    UnknownLevel(Box<UnknownLevel>),
    /// The dataset has no tag of this name.
    UnknownTag {
        /// The cohort's name.
        cohort: String,
        /// The tag asked for.
        tag: String,
        /// The dataset's name.
        dataset: String,
        /// The dataset's tags.
        tags: Vec<String>,
    },
    /// The rule does not fit its feature (a category of a numeric feature, a range over a
    /// categorical one, a NaN bound), or a feature has no level to make cohorts of.
    Invalid {
        /// The cohort's name.
        cohort: String,
        /// What is wrong.
        reason: String,
    },
}

/// A category cohort's level that does not exist: see [`CohortError::UnknownLevel`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnknownLevel {
    /// The cohort's name.
    pub cohort: String,
    /// The feature's name.
    pub feature: &'static str,
    /// The level asked for.
    pub level: String,
    /// The feature's declared levels in order, or else the levels present in the dataset,
    /// sorted.
    pub levels: Vec<String>,
    /// Whether `levels` are declared (else present in the dataset).
    pub declared: bool,
    /// The dataset's name.
    pub dataset: String,
    /// The level nearest the one asked for (the same but for case, whitespace, `_` or `-`,
    /// or a small edit away), when one is nearest: the likely fix.
    pub suggestion: Option<String>,
}

impl CohortError {
    /// The name of the cohort at fault.
    pub fn cohort(&self) -> &str {
        match self {
            CohortError::UnknownLevel(unknown) => &unknown.cohort,
            CohortError::UnknownTag { cohort, .. } | CohortError::Invalid { cohort, .. } => cohort,
        }
    }
}

/// At most this many levels are listed in a message; the error holds them all.
const LISTED_LEVELS: usize = 20;

impl fmt::Display for CohortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cohort `{}`: ", self.cohort())?;
        match self {
            CohortError::UnknownLevel(unknown) => {
                let UnknownLevel {
                    feature,
                    level,
                    levels,
                    declared,
                    dataset,
                    suggestion,
                    ..
                } = &**unknown;
                let mut listed = levels
                    .iter()
                    .take(LISTED_LEVELS)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                if levels.len() > LISTED_LEVELS {
                    listed.push_str(&format!(", … ({} more)", levels.len() - LISTED_LEVELS));
                }
                if *declared {
                    write!(
                        f,
                        "{level:?} is not a level of `{feature}` (levels: {listed})"
                    )?;
                } else {
                    write!(
                        f,
                        "no row of dataset `{dataset}` has `{feature}` = {level:?} (levels present: {listed})"
                    )?;
                }
                if let Some(suggestion) = suggestion {
                    write!(f, "; did you mean {suggestion:?}?")?;
                }
                Ok(())
            }
            CohortError::UnknownTag {
                tag, dataset, tags, ..
            } => write!(
                f,
                "dataset `{dataset}` has no tag {tag:?} (tags: {})",
                tags.join(", ")
            ),
            CohortError::Invalid { reason, .. } => f.write_str(reason),
        }
    }
}

impl std::error::Error for CohortError {}

impl<R> Rule<R> {
    /// What determines the rule's rows from a dataset's rows alone, for keeping its mask
    /// with the dataset; `None` for predicates (closures have no identity to key by) and
    /// tags (a dataset's tags can be added to).
    fn key(&self) -> Option<String> {
        Some(match self {
            Rule::All => "all".into(),
            Rule::Predicate(_) | Rule::Tag(_) => return None,
            Rule::Category { feature, level, .. } => format!("{}={level:?}", feature.index),
            Rule::Range { feature, lo, hi } => format!("{} in {lo:?} {hi:?}", feature.index),
            Rule::And(a, b) => format!("({} and {})", a.rule.key()?, b.rule.key()?),
            Rule::Or(a, b) => format!("({} or {})", a.rule.key()?, b.rule.key()?),
            Rule::Not(a) => format!("not {}", a.rule.key()?),
        })
    }
}

impl<R> Accessor<R> {
    /// The feature's column as codes, computed once per dataset.
    fn codes(&self, data: &Dataset<R>) -> Arc<Codes> {
        let made: Result<_, std::convert::Infallible> =
            data.derived(&format!("codes {}", self.index), || {
                Ok(Codes::from_levels(data.rows().iter().map(|row| {
                    // Borrowed where the row type can lend the level: no copy per row.
                    match (self.category)(row, self.index) {
                        Some(level) => level.map(std::borrow::Cow::Borrowed),
                        None => match self.read(row) {
                            Value::Category(c) => Some(c),
                            _ => None,
                        },
                    }
                })))
            });
        match made {
            Ok(codes) => codes,
        }
    }
}

impl<R> Cohort<R> {
    /// The cohort's rows of `data` as a mask, its rule checked against the schema and the
    /// dataset's tags. Masks of cohorts without predicates or tags are kept with the
    /// dataset, so each is computed once per (cohort, dataset).
    pub(crate) fn mask(&self, data: &Dataset<R>) -> Result<Arc<Mask>, CohortError> {
        match self.rule.key() {
            Some(key) => data.derived(&format!("mask {key}"), || self.make_mask(data)),
            None => self.make_mask(data).map(Arc::new),
        }
    }

    fn make_mask(&self, data: &Dataset<R>) -> Result<Mask, CohortError> {
        let n = data.len();
        let rows = data.rows();
        let error = |reason: String| CohortError::Invalid {
            cohort: self.name.clone(),
            reason,
        };
        Ok(match &self.rule {
            Rule::All => Mask::full(n),
            Rule::Predicate(p) => Mask::from_fn(n, |i| p(&rows[i])),
            Rule::Category {
                feature,
                level,
                from_data,
            } => {
                let spec = feature.spec;
                if !spec.is_categorical() {
                    return Err(error(format!(
                        "feature `{}` is numeric; select it with Cohort::range",
                        spec.name()
                    )));
                }
                let codes = feature.codes(data);
                let declared = spec.levels();
                let unknown = |levels: Vec<String>, declared: bool| {
                    CohortError::UnknownLevel(Box::new(UnknownLevel {
                        cohort: self.name.clone(),
                        feature: spec.name(),
                        level: level.clone(),
                        suggestion: suggest::closest(level, levels.iter().map(String::as_str))
                            .map(str::to_string),
                        levels,
                        declared,
                        dataset: data.name().to_string(),
                    }))
                };
                if !declared.is_empty() {
                    if !declared.contains(&level.as_str()) {
                        return Err(unknown(
                            declared.iter().map(|l| l.to_string()).collect(),
                            true,
                        ));
                    }
                } else if !from_data && codes.code(level).is_none() {
                    return Err(unknown(codes.levels_sorted(), false));
                }
                match codes.code(level) {
                    Some(code) => codes.mask(code),
                    None => Mask::from_rows(n, &[]),
                }
            }
            Rule::Range { feature, lo, hi } => {
                let spec = feature.spec;
                if !spec.is_numeric() {
                    return Err(error(format!(
                        "feature `{}` is categorical; select it with Cohort::category",
                        spec.name()
                    )));
                }
                let finite = |b: &Bound<f64>| match b {
                    Bound::Included(x) | Bound::Excluded(x) => !x.is_nan(),
                    Bound::Unbounded => true,
                };
                if !finite(lo) || !finite(hi) {
                    return Err(error("a range bound is NaN".into()));
                }
                Mask::from_fn(n, |i| match feature.read(&rows[i]) {
                    Value::Number(x) => (*lo, *hi).contains(&x),
                    _ => false,
                })
            }
            Rule::Tag(tag) => {
                let tagged = data.tag(tag).ok_or_else(|| CohortError::UnknownTag {
                    cohort: self.name.clone(),
                    tag: tag.clone(),
                    dataset: data.name().to_string(),
                    tags: data.tag_names().map(str::to_string).collect(),
                })?;
                Mask::from_rows(n, tagged)
            }
            Rule::And(a, b) => a.mask(data)?.and(&*b.mask(data)?),
            Rule::Or(a, b) => a.mask(data)?.or(&*b.mask(data)?),
            Rule::Not(a) => a.mask(data)?.not(),
        })
    }

    /// The positions of the rows of `data` in this cohort.
    pub fn rows(&self, data: &Dataset<R>) -> Result<Vec<usize>, CohortError> {
        Ok(self.mask(data)?.rows())
    }
}

/// The metrics of one cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortMetrics<M> {
    /// The cohort's name.
    pub cohort: String,
    /// Its metrics (empty when no row belongs to the cohort).
    pub metrics: M,
}

impl CohortMetrics<ClassificationMetrics> {
    /// The number of rows in the cohort.
    pub fn n(&self) -> u64 {
        self.metrics.n()
    }
}

impl CohortMetrics<RegressionMetrics> {
    /// The number of rows in the cohort.
    pub fn n(&self) -> u64 {
        self.metrics.n()
    }
}

/// Evaluation failed: bad data, a failing model, a cohort that does not fit the dataset, or
/// labels that do not match the model.
#[derive(Debug)]
#[non_exhaustive]
pub enum EvalError {
    /// The model failed or returned invalid outputs.
    Model(ModelError),
    /// The dataset does not fit the evaluation.
    Data(DataError),
    /// A cohort cannot be evaluated.
    Cohort(CohortError),
    /// A metric rejected a row.
    Metric(MetricError),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Model(e) => e.fmt(f),
            EvalError::Data(e) => e.fmt(f),
            EvalError::Cohort(e) => e.fmt(f),
            EvalError::Metric(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EvalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EvalError::Model(e) => Some(e),
            EvalError::Data(e) => Some(e),
            EvalError::Cohort(e) => Some(e),
            EvalError::Metric(e) => Some(e),
        }
    }
}

impl From<ModelError> for EvalError {
    fn from(e: ModelError) -> Self {
        EvalError::Model(e)
    }
}

impl From<DataError> for EvalError {
    fn from(e: DataError) -> Self {
        EvalError::Data(e)
    }
}

impl From<CohortError> for EvalError {
    fn from(e: CohortError) -> Self {
        EvalError::Cohort(e)
    }
}

impl From<MetricError> for EvalError {
    fn from(e: MetricError) -> Self {
        EvalError::Metric(e)
    }
}
