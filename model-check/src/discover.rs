//! Slice discovery: the pockets where a classifier fails more than elsewhere, found for you,
//! with false discoveries controlled, each printed as a ready `#[model_test]`.
//!
//! The search, on one batched prediction per row:
//!
//! 1. **Terms**: each level of a categorical feature; for a numeric feature with at most
//!    `bins` distinct values, each value; otherwise `bins` quantile bins — edges at the
//!    `i/bins` quantiles of the feature over all rows, taken as observed values
//!    (`numpy.quantile(x, i / bins, method="lower")`, so edges read as the data does),
//!    duplicates merged, bins closed below and open above, the outer ones unbounded. Missing
//!    values form no term.
//! 2. **Candidates**: conjunctions of terms of up to `max_terms` distinct features whose rows
//!    (among the rows the metric counts) number at least the minimum support, the whole
//!    set excepted. The family is every such candidate: it depends on the features and the
//!    metric's rows, never on which rows are failures.
//! 3. **Tests**: each candidate against its complement, one-sided, by Fisher's exact test
//!    ([`fisher_exact_greater`](crate::stats::fisher_exact_greater)); and each conjunction
//!    against each parent (itself less one term) minus it, so a nested slice is reported
//!    only when it is worse than the rest of its parent. All of these tests form one family,
//!    adjusted by Benjamini–Yekutieli (valid under any dependence; overlapping slices are
//!    dependent) at `q` = 0.05 by default.
//! 4. **One pocket, one finding**: candidates with the same rows are one finding listing every
//!    shortest description ("internet_service = No" is "online_security = No internet
//!    service" is …);
//!    findings are ranked by the difference of failure rates, with Newcombe's interval.
//!
//! ```
//! use model_check::discover::{SliceMetric, discover};
//! use model_check::prelude::*;
//!
//! #[derive(Features)]
//! struct Applicant { region: String, plan: String, age: f64 }
//!
//! // The model errs on 1 applicant in 10, but on 4 in 5 premium applicants from the north.
//! let rows: Vec<Applicant> = (0..3000)
//!     .map(|i| Applicant {
//!         region: ["north", "south", "east", "west"][i % 4].into(),
//!         plan: ["basic", "plus", "premium"][(i / 4) % 3].into(),
//!         age: (20 + (i * 7) % 61) as f64,
//!     })
//!     .collect();
//! let labels: Vec<&str> = rows
//!     .iter()
//!     .enumerate()
//!     .map(|(i, a)| {
//!         let pocket = a.region == "north" && a.plan == "premium";
//!         if (pocket && i % 5 != 0) || (!pocket && i % 10 == 7) { "no" } else { "yes" }
//!     })
//!     .collect();
//! let data = Dataset::from_rows(rows, Labels::classes(labels)?)?;
//! let model = Classifier::from_fn(ModelInfo::new("always-yes", "1"), ["no", "yes"], |b: &[Applicant]| {
//!     Ok(vec![vec![0.1, 0.9]; b.len()])
//! })?;
//! let report = discover(&model, &data).metric(SliceMetric::ErrorRate).run()?;
//! let top = &report.findings[0];
//! assert_eq!(top.descriptions[0], "region = north and plan = premium");
//! assert_eq!(top.n, 250);
//! assert!(top.adjusted_p <= 1e-10);
//! assert_eq!(
//!     top.cohort_code("Applicant"),
//!     "Cohort::category(Applicant::REGION, \"north\").and(Cohort::category(Applicant::PLAN, \"premium\"))"
//! );
//! // Printed as a test to paste: a guard at the 99.9% bound of today's error rate.
//! let test = top.model_test("Applicant", "model()", "data()");
//! assert!(test.contains("#[model_test(tags = [\"discovered\"])]"));
//! assert!(test.contains(".expect(accuracy().at_least("));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt;

use crate::cohort::{Codes, EvalError, Mask};
use crate::data::{DataError, Dataset, Features, Kind, NumberType, Value};
use crate::model::{Model, Probabilities};
use crate::stats::{Interval, Z_95};

/// What counts as a failure, and on which rows.
#[derive(Debug, Clone, PartialEq)]
pub enum SliceMetric {
    /// Every row; a failure is a wrong prediction.
    ErrorRate,
    /// Rows whose true class is the class; a failure is predicting another (a miss).
    Recall(String),
    /// Rows whose true class is not the class; a failure is predicting it.
    FalsePositiveRate(String),
    /// Every row; a failure is a wrong prediction made with a probability of at least `at`
    /// (an overconfident mistake).
    Overconfidence {
        /// The probability of the predicted class from which a mistake is overconfident.
        at: f64,
    },
    /// Every row; a failure is a right prediction made with a probability below `below`
    /// (an underconfident answer).
    Underconfidence {
        /// The probability of the predicted class below which a right answer is
        /// underconfident.
        below: f64,
    },
    /// A regressor's rows; a failure is a prediction above the target by more than `by`
    /// (the model that overprices).
    OverPrediction {
        /// How far above the target a prediction fails.
        by: f64,
    },
    /// A regressor's rows; a failure is a prediction below the target by more than `by`.
    UnderPrediction {
        /// How far below the target a prediction fails.
        by: f64,
    },
}

impl SliceMetric {
    /// The metric's name in reports: "error rate", "miss rate of `Yes`" …
    pub fn describe(&self) -> String {
        match self {
            SliceMetric::ErrorRate => "error rate".into(),
            SliceMetric::Recall(c) => format!("miss rate of `{c}` (1 − recall)"),
            SliceMetric::FalsePositiveRate(c) => format!("false positive rate of `{c}`"),
            SliceMetric::Overconfidence { at } => {
                format!("rate of mistakes at p ≥ {}", crate::fmt::exact(*at))
            }
            SliceMetric::Underconfidence { below } => {
                format!("rate of right answers at p < {}", crate::fmt::exact(*below))
            }
            SliceMetric::OverPrediction { by } => {
                format!(
                    "rate of predictions above the target by more than {}",
                    crate::fmt::exact(*by)
                )
            }
            SliceMetric::UnderPrediction { by } => {
                format!(
                    "rate of predictions below the target by more than {}",
                    crate::fmt::exact(*by)
                )
            }
        }
    }
}

/// A model output slice discovery can judge: classifier [`Probabilities`] (error rate,
/// recall, false positives, confidence) and regressor `f64` predictions (over- and
/// under-prediction).
pub trait Scored: Sized {
    /// The metric a search uses unless told.
    const DEFAULT_METRIC: SliceMetric;

    /// Per row: whether `metric` counts it, and whether it is a failure.
    #[doc(hidden)]
    fn failures<R>(
        metric: &SliceMetric,
        outputs: &[Self],
        data: &Dataset<R>,
    ) -> Result<Vec<(bool, bool)>, EvalError>;
}

fn setting(reason: String) -> EvalError {
    EvalError::Data(DataError::Setting { reason })
}

impl Scored for Probabilities {
    const DEFAULT_METRIC: SliceMetric = SliceMetric::ErrorRate;

    fn failures<R>(
        metric: &SliceMetric,
        outputs: &[Self],
        data: &Dataset<R>,
    ) -> Result<Vec<(bool, bool)>, EvalError> {
        let (Some(classes), Some(index)) =
            (data.labels().class_names(), data.labels().class_indices())
        else {
            return Err(setting(format!(
                "slice discovery of a classifier needs class labels; dataset `{}` has none",
                data.name()
            )));
        };
        let n = data.len();
        let label = |row: usize| classes[index[row] as usize].as_str();
        let predicted = |row: usize| outputs[row].label();
        let class_named = |c: &String| -> Result<(), EvalError> {
            if classes.contains(c) || outputs[0].classes().index_of(c).is_some() {
                Ok(())
            } else {
                Err(setting(format!(
                    "`{c}` is not a class of dataset `{}` (classes: {})",
                    data.name(),
                    classes.join(", ")
                )))
            }
        };
        let rows = |f: &dyn Fn(usize) -> (bool, bool)| (0..n).map(f).collect();
        Ok(match metric {
            SliceMetric::ErrorRate => rows(&|r| (true, predicted(r) != label(r))),
            SliceMetric::Recall(c) => {
                class_named(c)?;
                rows(&|r| (label(r) == c, label(r) == c && predicted(r) != c))
            }
            SliceMetric::FalsePositiveRate(c) => {
                class_named(c)?;
                rows(&|r| (label(r) != c, label(r) != c && predicted(r) == c))
            }
            SliceMetric::Overconfidence { at } => rows(&|r| {
                (
                    true,
                    predicted(r) != label(r) && outputs[r].confidence() >= *at,
                )
            }),
            SliceMetric::Underconfidence { below } => rows(&|r| {
                (
                    true,
                    predicted(r) == label(r) && outputs[r].confidence() < *below,
                )
            }),
            SliceMetric::OverPrediction { .. } | SliceMetric::UnderPrediction { .. } => {
                return Err(setting(format!(
                    "{} is a regressor's metric; this model is a classifier",
                    metric.describe()
                )));
            }
        })
    }
}

impl Scored for f64 {
    const DEFAULT_METRIC: SliceMetric = SliceMetric::OverPrediction { by: 0.0 };

    fn failures<R>(
        metric: &SliceMetric,
        outputs: &[Self],
        data: &Dataset<R>,
    ) -> Result<Vec<(bool, bool)>, EvalError> {
        let Some(targets) = data.labels().targets() else {
            return Err(setting(format!(
                "slice discovery of a regressor needs numeric labels; dataset `{}` has none",
                data.name()
            )));
        };
        if let Some(r) = outputs.iter().position(|p| !p.is_finite()) {
            return Err(EvalError::Model(crate::model::ModelError::new(
                crate::model::ModelErrorKind::InvalidOutput {
                    row: Some(r),
                    reason: format!("prediction is {}", outputs[r]),
                },
            )));
        }
        let n = data.len();
        Ok(match metric {
            SliceMetric::OverPrediction { by } => (0..n)
                .map(|r| (true, outputs[r] - targets[r] > *by))
                .collect(),
            SliceMetric::UnderPrediction { by } => (0..n)
                .map(|r| (true, targets[r] - outputs[r] > *by))
                .collect(),
            other => {
                return Err(setting(format!(
                    "{} is a classifier's metric; this model is a regressor",
                    other.describe()
                )));
            }
        })
    }
}

/// The false-discovery adjustment over the family of slice tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    /// Benjamini–Yekutieli: valid under any dependence (the default).
    BenjaminiYekutieli,
    /// Benjamini–Hochberg: valid under independence or positive dependence.
    BenjaminiHochberg,
}

/// A slice search under construction; see [`discover`].
pub struct Discovery<'a, M: Model, T = ByFeatures> {
    terms_of: std::marker::PhantomData<T>,
    model: &'a M,
    data: &'a Dataset<M::Input>,
    metric: SliceMetric,
    max_terms: usize,
    bins: usize,
    thresholds: bool,
    min_support: MinSupport,
    q: f64,
    adjustment: Adjustment,
}

/// Slices over a row type's features ([`discover`]).
#[derive(Debug, Clone, Copy)]
pub struct ByFeatures;

/// Slices over the tokens texts contain ([`discover_text`]).
#[derive(Debug, Clone, Copy)]
pub struct ByTokens;

#[derive(Debug, Clone, Copy)]
enum MinSupport {
    Share(f64),
    Rows(u64),
}

/// Starts a slice search for the pockets where `model` fails on `data`: error rate, at most
/// 2-term conjunctions, 10 quantile bins, slices of at least 2% of the rows (and at least 20),
/// Benjamini–Yekutieli at q = 0.05. See the [module](self) for the procedure.
///
/// For a regressor the default metric is [`SliceMetric::OverPrediction`] by 0: the share of
/// rows predicted above their target.
pub fn discover<'a, M, R>(model: &'a M, data: &'a Dataset<R>) -> Discovery<'a, M>
where
    M: Model<Input = R>,
    M::Output: Scored,
    R: Features,
{
    Discovery::with_defaults(model, data)
}

/// Starts a slice search over the tokens of texts: each word (lowercased; letters, digits
/// and apostrophes) that at least the minimum support of texts contain is a term — "reviews
/// containing `not`" — and conjunctions of up to two (`max_terms`) are candidates, tested
/// and adjusted as [`discover`]'s. A slice's cohort is
/// `Cohort::predicate("…", |t: &String| contains_token(t, "not"))` ([`contains_token`]).
pub fn discover_text<'a, M>(model: &'a M, data: &'a Dataset<M::Input>) -> Discovery<'a, M, ByTokens>
where
    M: Model,
    M::Input: AsRef<str>,
    M::Output: Scored,
{
    Discovery::with_defaults(model, data)
}

/// The words of `text` as [`discover_text`] reads them: lowercased runs of letters, digits
/// and apostrophes.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether `text` contains the word `token` (as [`tokens`] reads words).
///
/// ```
/// use model_check::discover::contains_token;
///
/// assert!(contains_token("It's NOT good.", "not"));
/// assert!(!contains_token("nothing good", "not"));
/// ```
pub fn contains_token(text: &str, token: &str) -> bool {
    tokens(text).any(|w| w == token)
}

impl<'a, M, T> Discovery<'a, M, T>
where
    M: Model,
    M::Output: Scored,
{
    /// The defaults of [`discover`] and [`discover_text`].
    fn with_defaults(model: &'a M, data: &'a Dataset<M::Input>) -> Self {
        Discovery {
            terms_of: std::marker::PhantomData,
            model,
            data,
            metric: M::Output::DEFAULT_METRIC,
            max_terms: 2,
            bins: 10,
            thresholds: false,
            min_support: MinSupport::Share(0.02),
            q: 0.05,
            adjustment: Adjustment::BenjaminiYekutieli,
        }
    }

    /// What counts as a failure.
    pub fn metric(mut self, metric: SliceMetric) -> Self {
        self.metric = metric;
        self
    }

    /// Conjunctions of up to `n` features (1 to 3).
    pub fn max_terms(mut self, n: usize) -> Self {
        self.max_terms = n;
        self
    }

    /// Also one-sided terms at each inner bin edge (`age < 60`, `age ≥ 60`), so a pocket
    /// beyond a threshold is one slice rather than several bins — about 2.6 times the terms
    /// per numeric feature, so many more conjunctions.
    pub fn thresholds(mut self) -> Self {
        self.thresholds = true;
        self
    }

    /// Quantile bins per numeric feature.
    pub fn bins(mut self, bins: usize) -> Self {
        self.bins = bins;
        self
    }

    /// The smallest slice, as a share of the metric's rows (at least 20 rows).
    pub fn min_share(mut self, share: f64) -> Self {
        self.min_support = MinSupport::Share(share);
        self
    }

    /// The smallest slice, in rows.
    pub fn min_rows(mut self, rows: u64) -> Self {
        self.min_support = MinSupport::Rows(rows);
        self
    }

    /// The false-discovery rate the reported set controls.
    pub fn fdr(mut self, q: f64) -> Self {
        self.q = q;
        self
    }

    /// The adjustment (Benjamini–Yekutieli by default).
    pub fn adjustment(mut self, adjustment: Adjustment) -> Self {
        self.adjustment = adjustment;
        self
    }

    /// Predicts every row once and searches the slices `terms` makes of the metric's rows.
    fn search(
        self,
        terms: impl FnOnce(&Dataset<M::Input>, &Mask, u64) -> Vec<Term>,
    ) -> Result<SliceReport, EvalError> {
        let setting = |reason: String| EvalError::Data(DataError::Setting { reason });
        if !(1..=3).contains(&self.max_terms) {
            return Err(setting(format!(
                "slice discovery combines 1 to 3 features, not {}",
                self.max_terms
            )));
        }
        if self.bins < 2 {
            return Err(setting(format!("{} bins: at least 2", self.bins)));
        }
        if !(self.q > 0.0 && self.q < 1.0) {
            return Err(setting(format!(
                "a false-discovery rate of {} is not in (0, 1)",
                self.q
            )));
        }
        let data = self.data;
        let mut calls = 0;
        let outputs = crate::model::predict_batched(self.model, data.rows(), &mut calls, |i| i)?;
        let judged = M::Output::failures(&self.metric, &outputs, data)?;
        let eligible = Mask::from_fn(judged.len(), |r| judged[r].0);
        let failure = Mask::from_fn(judged.len(), |r| judged[r].1);
        let total = eligible.count() as u64;
        let failures = failure.count() as u64;
        let min_support = match self.min_support {
            MinSupport::Share(s) => ((s * total as f64).ceil() as u64).max(20),
            MinSupport::Rows(r) => r.max(1),
        };
        let terms = terms(data, &eligible, min_support);
        let search = Search {
            terms: &terms,
            failure: &failure,
            total,
            failures,
            min_support,
        };
        let candidates = search.candidates(self.max_terms);
        let mut report = search.test(&candidates, self.q, self.adjustment);
        report.metric = self.metric;
        report.rows = total;
        report.failures = failures;
        report.model_calls = calls;
        Ok(report)
    }
}

impl<M, R> Discovery<'_, M, ByFeatures>
where
    M: Model<Input = R>,
    M::Output: Scored,
    R: Features,
{
    /// Predicts every row once and searches.
    pub fn run(self) -> Result<SliceReport, EvalError> {
        let (bins, thresholds) = (self.bins, self.thresholds);
        self.search(|data, eligible, _| terms(data, bins, thresholds, eligible))
    }
}

impl<M> Discovery<'_, M, ByTokens>
where
    M: Model,
    M::Input: AsRef<str>,
    M::Output: Scored,
{
    /// Predicts every text once and searches.
    pub fn run(self) -> Result<SliceReport, EvalError> {
        self.search(token_terms)
    }
}

/// A term per word that at least `min_support` of the metric's texts contain, in the order
/// words first appear.
fn token_terms<R: AsRef<str>>(data: &Dataset<R>, eligible: &Mask, min_support: u64) -> Vec<Term> {
    let n = data.len();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for (r, text) in data.rows().iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        for word in tokens(text.as_ref()) {
            if !seen.insert(word.clone()) {
                continue;
            }
            let next = rows.len();
            let t = *index.entry(word).or_insert(next);
            if t == rows.len() {
                rows.push(Vec::new());
            }
            rows[t].push(r);
        }
    }
    let mut words: Vec<(String, usize)> = index.into_iter().collect();
    words.sort_by_key(|&(_, t)| t);
    words
        .into_iter()
        .filter_map(|(word, t)| {
            let mask = Mask::from_rows(n, &rows[t]).and(eligible);
            (mask.count() as u64 >= min_support).then_some((word, mask))
        })
        .enumerate()
        .map(|(feature, (word, mask))| Term {
            feature,
            name: "text",
            field: "",
            condition: Condition::Token(word),
            mask,
        })
        .collect()
}

/// One condition on one feature.
#[derive(Debug, Clone, PartialEq)]
enum Condition {
    Level(String),
    Token(String),
    Equals { value: f64, integer: bool },
    Bin { lo: Option<f64>, hi: Option<f64> },
}

#[derive(Debug, Clone)]
struct Term {
    feature: usize,
    name: &'static str,
    field: &'static str,
    condition: Condition,
    /// The term's rows among the metric's rows.
    mask: Mask,
}

impl Term {
    fn describe(&self) -> String {
        let name = self.name;
        match &self.condition {
            Condition::Level(level) => format!("{name} = {level}"),
            Condition::Token(word) => format!("contains `{word}`"),
            Condition::Equals { value, .. } => format!("{name} = {}", crate::fmt::exact(*value)),
            Condition::Bin {
                lo: None,
                hi: Some(hi),
            } => {
                format!("{name} < {}", crate::fmt::exact(*hi))
            }
            Condition::Bin {
                lo: Some(lo),
                hi: None,
            } => {
                format!("{name} ≥ {}", crate::fmt::exact(*lo))
            }
            Condition::Bin {
                lo: Some(lo),
                hi: Some(hi),
            } => format!(
                "{} ≤ {name} < {}",
                crate::fmt::exact(*lo),
                crate::fmt::exact(*hi)
            ),
            Condition::Bin { lo: None, hi: None } => format!("{name} (any)"),
        }
    }

    fn code(&self, row_type: &str) -> String {
        let handle = format!("{row_type}::{}", self.field.to_uppercase());
        let float = |x: f64| {
            let s = crate::fmt::exact(x);
            if s.contains('.') || s.contains('e') {
                s
            } else {
                format!("{s}.0")
            }
        };
        match &self.condition {
            Condition::Level(level) => format!("Cohort::category({handle}, {level:?})"),
            Condition::Token(word) => format!(
                "Cohort::predicate(\"contains `{word}`\", |t: &String| contains_token(t, {word:?}))"
            ),
            Condition::Equals {
                value,
                integer: true,
            } => {
                format!("Cohort::equals({handle}, {})", crate::fmt::exact(*value))
            }
            Condition::Equals {
                value,
                integer: false,
            } => {
                format!("Cohort::equals({handle}, {})", float(*value))
            }
            Condition::Bin { lo, hi } => format!(
                "Cohort::range({handle}, {}..{})",
                lo.map(float).unwrap_or_default(),
                hi.map(float).unwrap_or_default()
            ),
        }
    }
}

/// The terms of every feature, their masks restricted to `eligible`.
fn terms<R: Features>(
    data: &Dataset<R>,
    bins: usize,
    thresholds: bool,
    eligible: &Mask,
) -> Vec<Term> {
    let n = data.len();
    let rows = data.rows();
    let mut terms = Vec::new();
    for (feature, spec) in R::SCHEMA.iter().enumerate() {
        let mut push = |condition: Condition, mask: Mask| {
            terms.push(Term {
                feature,
                name: spec.name(),
                field: spec.field(),
                condition,
                mask: mask.and(eligible),
            })
        };
        match spec.kind() {
            Kind::Categorical { .. } => {
                let codes = Codes::from_levels(rows.iter().map(|r| match r.value(feature) {
                    Value::Category(c) if !c.is_empty() => Some(c),
                    _ => None,
                }));
                for level in codes.levels_sorted() {
                    let code = codes.code(&level).expect("a level rows have");
                    push(Condition::Level(level), codes.mask(code));
                }
            }
            Kind::Numeric { number, .. } => {
                let values: Vec<Option<f64>> =
                    rows.iter().map(|r| r.value(feature).as_number()).collect();
                let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
                sorted.sort_by(f64::total_cmp);
                let mut distinct = sorted.clone();
                distinct.dedup();
                if distinct.len() <= bins {
                    let integer = number != NumberType::Float;
                    for v in distinct {
                        let mask = Mask::from_fn(n, |r| values[r] == Some(v));
                        push(Condition::Equals { value: v, integer }, mask);
                    }
                    continue;
                }
                // numpy.quantile(x, i / bins, method="lower"): observed values, so the
                // edges read as the data does.
                let last = (sorted.len() - 1) as f64;
                let mut edges: Vec<f64> = (1..bins)
                    .map(|i| sorted[(i as f64 / bins as f64 * last).floor() as usize])
                    .collect();
                edges.dedup();
                // A bin [lo, hi) for each pair of consecutive edges, unbounded at the ends.
                let bounds: Vec<(Option<f64>, Option<f64>)> = std::iter::once(None)
                    .chain(edges.iter().copied().map(Some))
                    .zip(edges.iter().copied().map(Some).chain(std::iter::once(None)))
                    .collect();
                let mut ranges = bounds;
                if thresholds && edges.len() > 1 {
                    // Below and from each inner edge (the outer bins already are one-sided).
                    for (k, &e) in edges.iter().enumerate() {
                        if k > 0 {
                            ranges.push((None, Some(e)));
                        }
                        if k + 1 < edges.len() {
                            ranges.push((Some(e), None));
                        }
                    }
                }
                for (lo, hi) in ranges {
                    let mask = Mask::from_fn(n, |r| {
                        values[r].is_some_and(|x| {
                            lo.is_none_or(|lo| x >= lo) && hi.is_none_or(|hi| x < hi)
                        })
                    });
                    push(Condition::Bin { lo, hi }, mask);
                }
            }
        }
    }
    terms
}

struct Search<'t> {
    terms: &'t [Term],
    failure: &'t Mask,
    total: u64,
    failures: u64,
    min_support: u64,
}

/// A conjunction of terms (indices into the terms, by ascending feature) and its rows.
struct Candidate {
    terms: Vec<usize>,
    n: u64,
    failures: u64,
    /// Equal for candidates with the same rows ([`Mask::and_counts`]); masks are rebuilt
    /// from the terms only for what is reported, so memory stays at the terms' masks.
    fingerprint: u64,
}

impl Search<'_> {
    /// Every conjunction of up to `max_terms` terms of distinct features with enough rows.
    fn candidates(&self, max_terms: usize) -> Vec<Candidate> {
        let supported = |n: u64| n >= self.min_support && n < self.total;
        let everything = Mask::full(self.failure.len());
        let mut all: Vec<Candidate> = Vec::new();
        let mut level: Vec<usize> = Vec::new();
        for (t, term) in self.terms.iter().enumerate() {
            let (n, failures, fingerprint) = term.mask.and_counts(&everything, self.failure);
            if supported(n) {
                level.push(all.len());
                all.push(Candidate {
                    terms: vec![t],
                    n,
                    failures,
                    fingerprint,
                });
            }
        }
        let singles: Vec<usize> = level.iter().map(|&c| all[c].terms[0]).collect();
        // A feature whose supported terms are disjoint (levels, bins) codes each row by its
        // term, so a sparse parent counts all of the feature's children in one pass over its
        // rows instead of one pass over the dataset per child; only the children with enough
        // rows are then counted exactly (and fingerprinted) from their masks.
        let features = self
            .terms
            .iter()
            .map(|t| t.feature)
            .max()
            .map_or(0, |f| f + 1);
        let mut by_feature: Vec<Vec<usize>> = vec![Vec::new(); features];
        for &t in &singles {
            by_feature[self.terms[t].feature].push(t);
        }
        let codes: Vec<Option<Vec<u16>>> = by_feature
            .iter()
            .map(|terms| {
                let mut codes = vec![u16::MAX; self.failure.len()];
                for (local, &t) in terms.iter().enumerate() {
                    for r in self.terms[t].mask.rows() {
                        if codes[r] != u16::MAX || local >= usize::from(u16::MAX) {
                            return None; // overlapping terms (thresholds): no partition
                        }
                        codes[r] = local as u16;
                    }
                }
                Some(codes)
            })
            .collect();
        for _ in 1..max_terms {
            let mut next = Vec::new();
            for &c in &level {
                let last_feature = self.terms[*all[c].terms.last().expect("a term")].feature;
                let mask = self.mask_of(&all[c].terms);
                // Sparse enough that a pass over its rows beats a pass over the words.
                let rows = (all[c].n * 16 < self.failure.len() as u64).then(|| mask.rows());
                let push = |t: usize, next: &mut Vec<Candidate>| {
                    let (n, failures, fingerprint) =
                        mask.and_counts(&self.terms[t].mask, self.failure);
                    if supported(n) {
                        let mut terms = all[c].terms.clone();
                        terms.push(t);
                        next.push(Candidate {
                            terms,
                            n,
                            failures,
                            fingerprint,
                        });
                    }
                };
                for f in last_feature + 1..features {
                    match (&rows, &codes[f]) {
                        (Some(rows), Some(codes)) => {
                            let mut counts = vec![0u64; by_feature[f].len()];
                            for &r in rows {
                                if let Some(count) = counts.get_mut(usize::from(codes[r])) {
                                    *count += 1;
                                }
                            }
                            for (local, &t) in by_feature[f].iter().enumerate() {
                                if supported(counts[local]) {
                                    push(t, &mut next);
                                }
                            }
                        }
                        _ => {
                            for &t in &by_feature[f] {
                                push(t, &mut next);
                            }
                        }
                    }
                }
            }
            level = (all.len()..all.len() + next.len()).collect();
            all.extend(next);
        }
        all
    }

    /// The rows of a conjunction of terms.
    fn mask_of(&self, terms: &[usize]) -> Mask {
        let mut mask = self.terms[terms[0]].mask.clone();
        for &t in &terms[1..] {
            mask = mask.and(&self.terms[t].mask);
        }
        mask
    }

    fn describe(&self, c: &Candidate) -> String {
        c.terms
            .iter()
            .map(|&t| self.terms[t].describe())
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// Tests every candidate against its complement and every conjunction against the rest
    /// of each parent, adjusts the family, and keeps one finding per pocket.
    fn test(&self, candidates: &[Candidate], q: f64, adjustment: Adjustment) -> SliceReport {
        let by_terms: HashMap<&[usize], usize> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.terms.as_slice(), i))
            .collect();
        let mut p = Vec::new();
        for c in candidates {
            p.push(crate::stats::fisher_exact_greater([
                [c.failures, c.n - c.failures],
                [
                    self.failures - c.failures,
                    (self.total - c.n) - (self.failures - c.failures),
                ],
            ]));
        }
        // (child, parent, index into p) for each conjunction and each parent.
        let mut nested: Vec<(usize, usize, usize)> = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            if c.terms.len() < 2 {
                continue;
            }
            for drop in 0..c.terms.len() {
                let parent_terms: Vec<usize> = c
                    .terms
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != drop)
                    .map(|(_, &t)| t)
                    .collect();
                let Some(&parent) = by_terms.get(parent_terms.as_slice()) else {
                    continue;
                };
                let pa = &candidates[parent];
                let (rest, rest_failures) = (pa.n - c.n, pa.failures - c.failures);
                nested.push((i, parent, p.len()));
                p.push(crate::stats::fisher_exact_greater([
                    [c.failures, c.n - c.failures],
                    [rest_failures, rest - rest_failures],
                ]));
            }
        }
        let adjusted = match adjustment {
            Adjustment::BenjaminiYekutieli => crate::stats::benjamini_yekutieli(&p),
            Adjustment::BenjaminiHochberg => crate::stats::benjamini_hochberg(&p),
        };
        let significant: Vec<bool> = (0..candidates.len()).map(|i| adjusted[i] <= q).collect();
        let mut reported = significant.clone();
        for &(child, parent, k) in &nested {
            // Worse than the rest of a reported parent, or not reported.
            if significant[parent] && adjusted[k] > q {
                reported[child] = false;
            }
        }
        // One pocket, one finding: candidates with identical rows share it (same
        // fingerprint and counts, then the same rows, checked exactly).
        let mut pockets: HashMap<(u64, u64, u64), Vec<usize>> = HashMap::new();
        for (i, c) in candidates.iter().enumerate() {
            pockets
                .entry((c.fingerprint, c.n, c.failures))
                .or_default()
                .push(i);
        }
        let mut taken = vec![false; candidates.len()];
        let mut findings = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            if !reported[i] || taken[i] {
                continue;
            }
            let mask = self.mask_of(&c.terms);
            let same: Vec<usize> = pockets[&(c.fingerprint, c.n, c.failures)]
                .iter()
                .copied()
                .filter(|&j| j == i || self.mask_of(&candidates[j].terms) == mask)
                .collect();
            for &j in &same {
                taken[j] = true;
            }
            // Every shortest description of these rows (a conjunction that restates a
            // single term's rows adds nothing).
            let shortest = same
                .iter()
                .map(|&j| candidates[j].terms.len())
                .min()
                .unwrap_or(1);
            let mut members: Vec<usize> = same
                .iter()
                .copied()
                .filter(|&j| candidates[j].terms.len() == shortest)
                .collect();
            members.sort_unstable();
            let rest_n = self.total - c.n;
            let rest_failures = self.failures - c.failures;
            findings.push(SliceFinding {
                descriptions: members
                    .iter()
                    .map(|&j| self.describe(&candidates[j]))
                    .collect(),
                conditions: members
                    .iter()
                    .map(|&j| {
                        candidates[j]
                            .terms
                            .iter()
                            .map(|&t| self.terms[t].clone())
                            .collect()
                    })
                    .collect(),
                n: c.n,
                failures: c.failures,
                rate: c.failures as f64 / c.n as f64,
                interval: crate::stats::wilson(c.failures, c.n, Z_95).expect("n > 0"),
                rest_n,
                rest_rate: if rest_n > 0 {
                    rest_failures as f64 / rest_n as f64
                } else {
                    f64::NAN
                },
                difference: crate::stats::newcombe(c.failures, c.n, rest_failures, rest_n, Z_95)
                    .unwrap_or(Interval {
                        lo: f64::NAN,
                        hi: f64::NAN,
                    }),
                share_of_failures: c.failures as f64 / self.failures.max(1) as f64,
                p: p[i],
                adjusted_p: adjusted[i],
                rows: mask.rows(),
            });
        }
        findings.sort_by(|a, b| {
            (b.rate - b.rest_rate)
                .total_cmp(&(a.rate - a.rest_rate))
                .then(a.descriptions.cmp(&b.descriptions))
        });
        SliceReport {
            metric: SliceMetric::ErrorRate,
            rows: self.total,
            failures: self.failures,
            candidates: candidates.len(),
            family: p.len(),
            q,
            adjustment,
            model_calls: 0,
            findings,
        }
    }
}

/// What a slice search found.
#[derive(Debug, Clone)]
pub struct SliceReport {
    /// What counted as a failure.
    pub metric: SliceMetric,
    /// The rows the metric counts, and how many failed.
    pub rows: u64,
    /// How many of them failed.
    pub failures: u64,
    /// Candidate slices (with enough rows).
    pub candidates: usize,
    /// Tests in the adjusted family: each candidate against its complement, each conjunction
    /// against the rest of each parent.
    pub family: usize,
    /// The false-discovery rate controlled.
    pub q: f64,
    /// The adjustment used.
    pub adjustment: Adjustment,
    /// Model calls made (one batched prediction per row).
    pub model_calls: u64,
    /// The pockets, worst first.
    pub findings: Vec<SliceFinding>,
}

/// One pocket: a set of rows where the model fails more than on the rest.
#[derive(Debug, Clone)]
pub struct SliceFinding {
    /// Every description of these rows, the shortest first.
    pub descriptions: Vec<String>,
    conditions: Vec<Vec<Term>>,
    /// Rows in the slice (among the metric's rows), and failures among them.
    pub n: u64,
    /// Failures in the slice.
    pub failures: u64,
    /// The failure rate in the slice, and its Wilson 95% interval.
    pub rate: f64,
    /// Wilson 95% interval of the failure rate.
    pub interval: Interval,
    /// Rows outside the slice, and their failure rate.
    pub rest_n: u64,
    /// The failure rate outside the slice.
    pub rest_rate: f64,
    /// Newcombe's 95% interval of `rate − rest_rate`.
    pub difference: Interval,
    /// The share of all the metric's failures that fall in the slice (which pockets hold
    /// most of the errors).
    pub share_of_failures: f64,
    /// Fisher's one-sided p-value against the rest, and its adjusted value.
    pub p: f64,
    /// The Benjamini–Yekutieli (or –Hochberg) adjusted p-value.
    pub adjusted_p: f64,
    /// The slice's rows (dataset positions).
    pub rows: Vec<usize>,
}

impl SliceFinding {
    /// The cohort expression of the shortest description, with the typed feature handles of
    /// `row_type`: `Cohort::category(Customer::CONTRACT, "Month-to-month").and(…)`.
    pub fn cohort_code(&self, row_type: &str) -> String {
        let terms = &self.conditions[0];
        let mut code = terms[0].code(row_type);
        for t in &terms[1..] {
            code = format!("{code}.and({})", t.code(row_type));
        }
        code
    }

    /// A ready `#[model_test]` that guards this pocket: the metric may not get worse than
    /// the 99.9% Wilson bound of today's failure rate (so it passes today, and fails if the
    /// pocket worsens). Where every row of the pocket fails today, such a guard could never
    /// fail: the test then states the rate elsewhere as a target and is `ignore`d until the
    /// pocket is fixed. `model` and `data` are the expressions the test calls.
    pub fn model_test(&self, row_type: &str, model: &str, data: &str) -> String {
        self.model_test_for(&SliceMetric::ErrorRate, row_type, model, data)
    }

    /// [`model_test`](Self::model_test) for the metric the search used. For the over- and
    /// under-confidence rates, which no expectation measures yet, it prints the pocket's
    /// cohort as a comment instead.
    pub fn model_test_for(
        &self,
        metric: &SliceMetric,
        row_type: &str,
        model: &str,
        data: &str,
    ) -> String {
        if let SliceMetric::Overconfidence { .. }
        | SliceMetric::Underconfidence { .. }
        | SliceMetric::OverPrediction { .. }
        | SliceMetric::UnderPrediction { .. } = metric
        {
            // No expectation measures these rates yet: the cohort, to test by hand.
            return format!(
                "// Found by slice discovery: {} ({} rows, {} of them {}: {}, against {} elsewhere; adjusted p = {}).\n// No expectation measures this rate yet; the pocket as a cohort:\n// {}\n",
                self.descriptions.join("; the same rows: "),
                self.n,
                self.failures,
                metric.describe(),
                crate::fmt::percent(self.rate),
                crate::fmt::percent(self.rest_rate),
                crate::fmt::p_value(self.adjusted_p),
                self.cohort_code(row_type),
            );
        }
        // The 99.9% bound: z = Φ⁻¹(0.9995).
        let z = crate::stats::normal_quantile(0.9995);
        let upper = crate::stats::wilson(self.failures, self.n, z)
            .map_or(1.0, |ci| ci.hi)
            .min(1.0);
        let floor = |x: f64| (x * 1000.0).floor() / 1000.0;
        let ceil = |x: f64| (x * 1000.0).ceil() / 1000.0;
        // A guard at 0 (every row fails today) could never fail: the test states a target
        // instead — the rate elsewhere — and is ignored until the pocket is fixed.
        let (guard, vacuous) = match metric {
            SliceMetric::ErrorRate
            | SliceMetric::Recall(_)
            | SliceMetric::Overconfidence { .. }
            | SliceMetric::Underconfidence { .. }
            | SliceMetric::OverPrediction { .. }
            | SliceMetric::UnderPrediction { .. } => {
                let at = floor(1.0 - upper);
                if at <= 0.0 {
                    (floor(1.0 - self.rest_rate), true)
                } else {
                    (at, false)
                }
            }
            SliceMetric::FalsePositiveRate(_) => {
                let at = ceil(upper);
                if at >= 1.0 {
                    (ceil(self.rest_rate), true)
                } else {
                    (at, false)
                }
            }
        };
        let expectation = match metric {
            SliceMetric::ErrorRate
            | SliceMetric::Overconfidence { .. }
            | SliceMetric::Underconfidence { .. }
            | SliceMetric::OverPrediction { .. }
            | SliceMetric::UnderPrediction { .. } => format!("accuracy().at_least({guard})"),
            SliceMetric::Recall(c) => format!("recall({c:?}).at_least({guard})"),
            SliceMetric::FalsePositiveRate(c) => {
                format!("false_positive_rate({c:?}).at_most({guard})")
            }
        };
        let attribute = if vacuous {
            "#[model_test(tags = [\"discovered\"], ignore = \"a target: the pocket fails on every row today\")]"
        } else {
            "#[model_test(tags = [\"discovered\"])]"
        };
        let name: String = self.descriptions[0]
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect::<String>()
            .split('_')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        format!(
            "/// Found by slice discovery: {} ({} rows, {} of them {}: {}, against {} elsewhere; adjusted p = {}).\n{attribute}\nfn pocket_{name}() -> Check {{\n    check({model}, {data})\n{}\n        .expect({expectation})\n}}\n",
            self.descriptions.join("; the same rows: "),
            self.n,
            self.failures,
            match metric {
                SliceMetric::ErrorRate => "wrong",
                SliceMetric::Recall(_) => "missed",
                SliceMetric::FalsePositiveRate(_) => "false positives",
                SliceMetric::Overconfidence { .. } => "confident mistakes",
                SliceMetric::Underconfidence { .. } => "unsure right answers",
                SliceMetric::OverPrediction { .. } => "overpredicted",
                SliceMetric::UnderPrediction { .. } => "underpredicted",
            },
            crate::fmt::percent(self.rate),
            crate::fmt::percent(self.rest_rate),
            crate::fmt::p_value(self.adjusted_p),
            self.on_line(row_type),
        )
    }

    /// The `.on(…)` line of the generated test, laid out as rustfmt lays it out: one line
    /// when it fits in 100 columns, else one `.and(…)` per line.
    fn on_line(&self, row_type: &str) -> String {
        let one = format!("        .on({})", self.cohort_code(row_type));
        if one.chars().count() <= 100 {
            return one;
        }
        let terms = &self.conditions[0];
        let mut lines = format!("        .on({}", terms[0].code(row_type));
        for t in &terms[1..] {
            lines.push_str(&format!("\n            .and({})", t.code(row_type)));
        }
        lines.push(')');
        lines
    }
}

impl SliceReport {
    /// The discovery as one report [`Outcome`](crate::outcome::Outcome), so that a
    /// [`SuiteReport`](crate::report::SuiteReport) shows it beside the tests: `Fail` when it found a pocket, `Pass` when none survived
    /// the false-discovery control. The evidence is the worst pocket's rate and interval
    /// against the overall rate as the threshold; a table lists every pocket (at most
    /// [`MAX_TABLE_ROWS`](crate::outcome::MAX_TABLE_ROWS) kept) with a forest-plot hint.
    ///
    /// ```
    /// use model_check::prelude::*;
    /// use model_check::discover::{SliceMetric, discover};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features)]
    /// struct Row { plan: String }
    ///
    /// // Half the customers churn; the model misses every churner on the basic plan.
    /// let rows: Vec<Row> = (0..400)
    ///     .map(|i| Row { plan: if i % 4 < 2 { "basic" } else { "pro" }.into() })
    ///     .collect();
    /// let labels: Vec<&str> = (0..400).map(|i| if i % 2 == 0 { "yes" } else { "no" }).collect();
    /// let data = Dataset::from_rows(rows, Labels::classes(labels)?)?;
    /// let info = ModelInfo::new("demo", "1");
    /// let model = Classifier::from_fn(info.clone(), ["no", "yes"], |b: &[Row]| {
    ///     Ok(b.iter().map(|r| if r.plan == "basic" { vec![0.9, 0.1] } else { vec![0.1, 0.9] }).collect())
    /// })?;
    /// let pockets = discover(&model, &data).metric(SliceMetric::Recall("yes".into())).run()?;
    /// let outcome = pockets.to_outcome(Some(&info));
    /// assert_eq!(outcome.verdict, Verdict::Fail);
    /// assert_eq!(outcome.subject.as_deref(), Some("plan = basic"));
    /// assert_eq!(outcome.evidence.estimate, Some(1.0)); // every basic churner missed
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_outcome(&self, model: Option<&crate::model::ModelInfo>) -> crate::outcome::Outcome {
        use crate::outcome::{Column, Evidence, Method, Outcome, Plot, Table, Unit, Verdict};
        let overall = self.failures as f64 / self.rows.max(1) as f64;
        let mut table = Table::new(
            "pockets",
            [
                Column::text("slice"),
                Column::number("rows", Unit::Count),
                Column::number("failures", Unit::Count),
                Column::number("rate", Unit::Proportion),
                Column::number("lo", Unit::Proportion),
                Column::number("hi", Unit::Proportion),
                Column::number("elsewhere", Unit::Proportion),
                Column::number("adjusted p", Unit::PValue),
            ],
        );
        for f in &self.findings {
            table
                .push([
                    f.descriptions[0].as_str().into(),
                    f.n.into(),
                    f.failures.into(),
                    f.rate.into(),
                    f.interval.lo.into(),
                    f.interval.hi.into(),
                    f.rest_rate.into(),
                    f.adjusted_p.into(),
                ])
                .expect("eight cells for eight columns");
        }
        let table = table.with_plot(Plot::Intervals {
            label: "slice".into(),
            estimate: "rate".into(),
            lo: "lo".into(),
            hi: "hi".into(),
            threshold: Some(overall),
        });
        let adjustment = match self.adjustment {
            Adjustment::BenjaminiYekutieli => "benjamini-yekutieli",
            Adjustment::BenjaminiHochberg => "benjamini-hochberg",
        };
        let mut evidence = Evidence::new(
            Unit::Proportion,
            Method::new(format!("slice discovery, {adjustment}")).with("q", self.q),
        )
        .threshold(overall);
        evidence.n = self.rows;
        if let Some(worst) = self.findings.first() {
            evidence = evidence
                .estimate(worst.rate)
                .interval(worst.interval.lo, worst.interval.hi)
                .n(worst.n)
                .p_value(worst.p)
                .adjusted_p_value(worst.adjusted_p);
        }
        Outcome {
            model: model.cloned(),
            expectation: format!(
                "no slice has a {} above the rest's (slice discovery, q = {})",
                self.metric.describe(),
                crate::fmt::exact(self.q)
            ),
            cohort: "all".into(),
            seed: 0,
            subject: self.findings.first().map(|f| f.descriptions[0].clone()),
            verdict: if self.findings.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail
            },
            evidence: evidence.table(table),
            examples: Vec::new(),
            note: Some(format!(
                "{} candidate slices, {} tests; {} pocket{} over {} rows with {} failures ({} overall)",
                self.candidates,
                self.family,
                self.findings.len(),
                if self.findings.len() == 1 { "" } else { "s" },
                self.rows,
                self.failures,
                crate::fmt::percent(overall),
            )),
            inconclusive_allowed: false,
        }
    }

    /// The findings' rows as CSV, for relabelling or collecting data: `row,id,slice` — the
    /// row's position, its id (empty without ids) and the finding's first description — one
    /// line per (row, finding), worst finding first.
    pub fn to_csv<R>(&self, data: &Dataset<R>) -> String {
        let quote = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = String::from("row,id,slice\n");
        for finding in &self.findings {
            for &row in &finding.rows {
                out.push_str(&format!(
                    "{row},{},{}\n",
                    quote(data.id(row).unwrap_or_default()),
                    quote(&finding.descriptions[0])
                ));
            }
        }
        out
    }

    /// The report with only its `k` worst findings listed (and how many more there are).
    pub fn top(&self, k: usize) -> impl fmt::Display + '_ {
        Top { report: self, k }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, k: usize) -> fmt::Result {
        writeln!(
            f,
            "slice discovery: {} over {} rows ({} failures, {}); {} candidate slices, {} tests, {} at q = {}: {} pocket{}",
            self.metric.describe(),
            self.rows,
            self.failures,
            crate::fmt::percent(self.failures as f64 / self.rows.max(1) as f64),
            self.candidates,
            self.family,
            match self.adjustment {
                Adjustment::BenjaminiYekutieli => "Benjamini–Yekutieli",
                Adjustment::BenjaminiHochberg => "Benjamini–Hochberg",
            },
            self.q,
            self.findings.len(),
            if self.findings.len() == 1 { "" } else { "s" },
        )?;
        for finding in self.findings.iter().take(k) {
            writeln!(
                f,
                "  {}: {} of {} ({}, CI {}–{}; {} of all failures) vs {} elsewhere; difference {} to {}; adjusted p = {}",
                finding.descriptions[0],
                finding.failures,
                finding.n,
                crate::fmt::percent(finding.rate),
                crate::fmt::percent(finding.interval.lo),
                crate::fmt::percent(finding.interval.hi),
                crate::fmt::percent(finding.share_of_failures),
                crate::fmt::percent(finding.rest_rate),
                crate::fmt::points(finding.difference.lo),
                crate::fmt::points(finding.difference.hi),
                crate::fmt::p_value(finding.adjusted_p),
            )?;
            for other in &finding.descriptions[1..] {
                writeln!(f, "      the same rows: {other}")?;
            }
        }
        if self.findings.len() > k {
            writeln!(f, "  … and {} more", self.findings.len() - k)?;
        }
        Ok(())
    }
}

struct Top<'r> {
    report: &'r SliceReport,
    k: usize,
}

impl fmt::Display for Top<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.report.write(f, self.k)
    }
}

impl fmt::Display for SliceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, usize::MAX)
    }
}

/// Tags suggested from one prediction per row, usable as cohorts once applied
/// ([`Tags::apply`], then `Cohort::tag("misclassified")`):
///
/// - `misclassified`: the predicted class is not the label;
/// - `label_<class>` and `predicted_<class>` for each class;
/// - `low_confidence`: the predicted class's probability is below 0.6
///   ([`low_confidence_below`](SuggestedTags::low_confidence_below));
/// - `high_confidence_mistake`: misclassified with a probability of at least 0.9
///   ([`confident_at`](SuggestedTags::confident_at));
/// - `potential_mislabel`: confident learning (Northcutt et al.), as
///   `cleanlab.filter.find_label_issues(labels, pred_probs, filter_by="confident_learning")`:
///   a row is confidently of another class than its label — its probability of that class
///   reaches the class's mean probability over the rows labelled with it — and the model
///   does not predict its label. It needs **out-of-sample** probabilities (a held-out split
///   or cross-validation): on its own training rows a model agrees with its labels;
/// - `outlier` and `outlier_<feature>`: a numeric value outside Tukey's fences
///   `[Q1 − 1.5·IQR, Q3 + 1.5·IQR]`, quartiles by `numpy.percentile`'s linear rule over the
///   feature's present values.
///
/// ```
/// use model_check::discover::SuggestedTags;
/// use model_check::prelude::*;
///
/// #[derive(Features)]
/// struct Row { x: f64 }
///
/// let rows: Vec<Row> = [1.0, 2.0, 3.0, 4.0, 100.0].into_iter().map(|x| Row { x }).collect();
/// let mut data = Dataset::from_rows(rows, Labels::classes(["a", "a", "b", "b", "b"])?)?;
/// let model = Classifier::from_fn(ModelInfo::new("m", "1"), ["a", "b"], |b: &[Row]| {
///     Ok(b.iter().map(|r| if r.x < 2.5 { vec![0.95, 0.05] } else { vec![0.55, 0.45] }).collect())
/// })?;
/// let tags = SuggestedTags::new().compute(&model, &data)?;
/// assert_eq!(tags.rows("misclassified"), Some(&[2, 3, 4][..]));
/// assert_eq!(tags.rows("low_confidence"), Some(&[2, 3, 4][..]));
/// assert_eq!(tags.rows("outlier_x"), Some(&[4][..]));
/// tags.apply(&mut data)?;
/// assert_eq!(Cohort::tag("outlier").rows(&data)?, [4]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SuggestedTags {
    low_confidence: f64,
    confident: f64,
    fence: f64,
}

impl Default for SuggestedTags {
    fn default() -> Self {
        SuggestedTags::new()
    }
}

impl SuggestedTags {
    /// The defaults: low confidence below 0.6, confident mistakes at 0.9, fences at 1.5 IQR.
    pub fn new() -> Self {
        SuggestedTags {
            low_confidence: 0.6,
            confident: 0.9,
            fence: 1.5,
        }
    }

    /// `low_confidence` below this probability of the predicted class.
    pub fn low_confidence_below(mut self, p: f64) -> Self {
        self.low_confidence = p;
        self
    }

    /// `high_confidence_mistake` at or above this probability of the predicted class.
    pub fn confident_at(mut self, p: f64) -> Self {
        self.confident = p;
        self
    }

    /// Tukey's fences at this many interquartile ranges (1.5 by default).
    pub fn fences(mut self, iqr: f64) -> Self {
        self.fence = iqr;
        self
    }

    /// Predicts every row once and computes the tags.
    pub fn compute<M, R>(&self, model: &M, data: &Dataset<R>) -> Result<Tags, EvalError>
    where
        M: Model<Input = R, Output = Probabilities>,
        R: Features,
    {
        let (Some(classes), Some(index)) =
            (data.labels().class_names(), data.labels().class_indices())
        else {
            return Err(EvalError::Data(DataError::Setting {
                reason: format!("dataset `{}` has no class labels to tag by", data.name()),
            }));
        };
        let mut calls = 0;
        let outputs = crate::model::predict_batched(model, data.rows(), &mut calls, |i| i)?;
        let mut tags: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        let mut tag = |name: String, row: usize| tags.entry(name).or_default().push(row);
        for (row, output) in outputs.iter().enumerate() {
            let label = classes[index[row] as usize].as_str();
            let (predicted, confidence) = (output.label(), output.confidence());
            tag(format!("label_{label}"), row);
            tag(format!("predicted_{predicted}"), row);
            if predicted != label {
                tag("misclassified".into(), row);
                if confidence >= self.confident {
                    tag("high_confidence_mistake".into(), row);
                }
            }
            if confidence < self.low_confidence {
                tag("low_confidence".into(), row);
            }
        }
        for row in confident_learning_issues(&outputs, index, classes) {
            tags.entry("potential_mislabel".into())
                .or_default()
                .push(row);
        }
        let mut outliers = Vec::new();
        for (feature, spec) in R::SCHEMA.iter().enumerate() {
            if !spec.is_numeric() {
                continue;
            }
            let values: Vec<Option<f64>> = data
                .rows()
                .iter()
                .map(|r| r.value(feature).as_number())
                .collect();
            let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
            if sorted.len() < 4 {
                continue;
            }
            sorted.sort_by(f64::total_cmp);
            let (q1, q3) = (
                crate::stats::quantile(&sorted, 0.25),
                crate::stats::quantile(&sorted, 0.75),
            );
            let (lo, hi) = (q1 - self.fence * (q3 - q1), q3 + self.fence * (q3 - q1));
            let rows: Vec<usize> = (0..values.len())
                .filter(|&r| values[r].is_some_and(|x| x < lo || x > hi))
                .collect();
            if !rows.is_empty() {
                outliers.extend(&rows);
                tags.insert(format!("outlier_{}", spec.name()), rows);
            }
        }
        if !outliers.is_empty() {
            outliers.sort_unstable();
            outliers.dedup();
            tags.insert("outlier".into(), outliers);
        }
        Ok(Tags { tags })
    }
}

/// The rows cleanlab's `find_label_issues(filter_by="confident_learning")` flags (cleanlab
/// 2.9): per class `k`, the threshold `t_k` = the mean probability of `k` over the rows
/// labelled `k` (2 when none is, at least 2e-6); a row is confidently of class `k` when
/// `p_k ≥ t_k − 1e-6`; its guess is that class, or the most probable of several; it is an
/// issue when the guess is not its label, unless the model's prediction (its label favoured
/// by 1e-6) is the label.
fn confident_learning_issues(
    outputs: &[Probabilities],
    labels: &[u32],
    names: &[String],
) -> Vec<usize> {
    let Some(first) = outputs.first() else {
        return Vec::new();
    };
    let classes = first.classes();
    let k = classes.len();
    // The label of each row as a model class index (a label the model lacks is skipped).
    let label: Vec<Option<usize>> = labels
        .iter()
        .map(|&l| classes.index_of(&names[l as usize]))
        .collect();
    let mut sums = vec![0.0; k];
    let mut counts = vec![0u64; k];
    for (p, l) in outputs.iter().zip(&label) {
        if let Some(l) = *l {
            sums[l] += p.as_slice()[l];
            counts[l] += 1;
        }
    }
    let thresholds: Vec<f64> = (0..k)
        .map(|c| {
            let t = if counts[c] > 0 {
                sums[c] / counts[c] as f64
            } else {
                2.0
            };
            t.max(2e-6)
        })
        .collect();
    let mut issues = Vec::new();
    for (row, (p, l)) in outputs.iter().zip(&label).enumerate() {
        let (Some(l), p) = (*l, p.as_slice()) else {
            continue;
        };
        let confident: Vec<usize> = (0..k).filter(|&c| p[c] >= thresholds[c] - 1e-6).collect();
        let guess = match confident.len() {
            0 => continue,
            1 => confident[0],
            _ => crate::model::argmax(p),
        };
        if guess == l {
            continue;
        }
        // cleanlab's last step: the model's own prediction, the label favoured by 1e-6.
        let mut favoured = p.to_vec();
        favoured[l] += 1e-6;
        if crate::model::argmax(&favoured) != l {
            issues.push(row);
        }
    }
    issues
}

/// Row tags computed by [`SuggestedTags::compute`], by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Tags {
    tags: std::collections::BTreeMap<String, Vec<usize>>,
}

impl Tags {
    /// The rows of tag `name`, ascending; `None` when no row has it.
    pub fn rows(&self, name: &str) -> Option<&[usize]> {
        self.tags.get(name).map(Vec::as_slice)
    }

    /// The tag names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tags.keys().map(String::as_str)
    }

    /// Tags the dataset's rows (replacing tags of the same names), so each tag is a cohort:
    /// `Cohort::tag("high_confidence_mistake")`.
    pub fn apply<R>(&self, data: &mut Dataset<R>) -> Result<(), DataError> {
        for (name, rows) in &self.tags {
            data.tag_rows(name.clone(), rows.iter().copied())?;
        }
        Ok(())
    }

    /// The tagged rows as CSV, for relabelling or collecting data: `row,id,tags` — the row's
    /// position, its id (empty without ids) and its tags separated by `;` — one line per row
    /// that has a tag among `names` (every tag when empty).
    pub fn to_csv<R>(&self, data: &Dataset<R>, names: &[&str]) -> String {
        let mut by_row: std::collections::BTreeMap<usize, Vec<&str>> = Default::default();
        for (name, rows) in &self.tags {
            if names.is_empty() || names.contains(&name.as_str()) {
                for &r in rows {
                    by_row.entry(r).or_default().push(name);
                }
            }
        }
        let quote = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut out = String::from("row,id,tags\n");
        for (row, tags) in by_row {
            out.push_str(&format!(
                "{row},{},{}\n",
                quote(data.id(row).unwrap_or_default()),
                quote(&tags.join(";"))
            ));
        }
        out
    }
}
