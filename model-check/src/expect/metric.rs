//! Metric thresholds: a metric on the selected rows must be at least (or at most) a value.
//!
//! Verdicts are statistics. A rate (accuracy, recall, precision, false-positive and
//! false-negative rates) carries its Wilson 95% interval; any other metric (F1, ROC AUC, log
//! loss, Brier score, calibration error, MAE, RMSE, R²) a seeded percentile-bootstrap 95%
//! interval. The verdict is `Pass` when the whole interval clears the threshold, `Fail` when
//! the whole interval misses it, and otherwise `Inconclusive`, with the number of rows that
//! would decide it if the observed value held. `point_estimate()` compares the estimate alone,
//! and the report says so.

use std::fmt;

use super::bootstrap::{self, ClassRows, RegressionRows};
use super::{Context, Evidence, Example, Expectation, Finding, Findings, Method, Unit, Verdict};
use crate::cohort::EvalError;
use crate::data::{DataError, Labels};
use crate::metrics::{ClassificationMetrics, Interval, Proportion, RegressionMetrics};
use crate::model::{Classes, Model, Predictions, Probabilities};

/// Why an expectation that compares predictions with labels cannot run on an unlabelled
/// batch.
pub(super) const UNLABELLED: &str = "the dataset has no labels, and this expectation compares predictions with labels; check an unlabelled batch with expectations on predictions or on the data alone";

/// The bootstrap resamples used unless told otherwise.
pub const DEFAULT_RESAMPLES: u32 = 1000;

/// Fewer resamples than this give percentile intervals too coarse to decide on.
pub const MIN_RESAMPLES: u32 = 200;

/// Below this many positives or negatives, an AUC threshold is `Inconclusive` unless
/// `min_rows` says otherwise: DeLong's interval covers less than nominal there (measured in
/// `tests/auc_statistics.rs`: 86% at 10 of each for an AUC of 0.86, 91% at 20/30).
pub const DELONG_MIN_CLASS_ROWS: u64 = 20;

/// Below this many rows a bootstrapped metric is `Inconclusive` unless `min_rows` says
/// otherwise: on a handful of rows the percentile bootstrap is far too confident (four
/// perfectly separated rows give an AUC "interval" of [1, 1]).
pub const BOOTSTRAP_MIN_ROWS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    AtLeast,
    AtMost,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::AtLeast => "at least",
            Direction::AtMost => "at most",
        })
    }
}

/// Settings shared by every threshold.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rule {
    pub(super) direction: Direction,
    pub(super) threshold: f64,
    pub(super) point_estimate: bool,
    pub(super) min_rows: u64,
    pub(super) min_rows_set: bool,
    pub(super) resamples: u32,
}

impl Rule {
    /// The rule with its defaults for a rate (Wilson) or a bootstrapped metric, checked.
    fn for_metric(&self, rate: bool) -> Result<Rule, EvalError> {
        let mut rule = *self;
        if !rate && !rule.point_estimate {
            if rule.resamples < MIN_RESAMPLES {
                return Err(setting_error(format!(
                    "{} bootstrap resamples are too few; use at least {MIN_RESAMPLES}",
                    rule.resamples
                )));
            }
            if !rule.min_rows_set {
                rule.min_rows = BOOTSTRAP_MIN_ROWS;
            }
        }
        Ok(rule)
    }

    pub(super) fn new(direction: Direction, threshold: f64) -> Self {
        Rule {
            direction,
            threshold,
            point_estimate: false,
            min_rows: 1,
            min_rows_set: false,
            resamples: DEFAULT_RESAMPLES,
        }
    }

    /// The verdict for `estimate` with `interval` (ignored in point-estimate mode).
    fn verdict(&self, estimate: f64, interval: Interval) -> Verdict {
        let t = self.threshold;
        let (clears, misses) = if self.point_estimate {
            match self.direction {
                Direction::AtLeast => (estimate >= t, estimate < t),
                Direction::AtMost => (estimate <= t, estimate > t),
            }
        } else {
            match self.direction {
                Direction::AtLeast => (interval.lo >= t, interval.hi < t),
                Direction::AtMost => (interval.hi <= t, interval.lo > t),
            }
        };
        if clears {
            Verdict::Pass
        } else if misses {
            Verdict::Fail
        } else {
            Verdict::Inconclusive
        }
    }

    fn method(&self, proportion: bool) -> Method {
        match (self.point_estimate, proportion) {
            (true, _) => Method::point_estimate(),
            (false, true) => Method::wilson(),
            (false, false) => Method::bootstrap(self.resamples),
        }
    }
}

/// Builder methods shared by the threshold types.
macro_rules! threshold_settings {
    ($t:ty) => {
        impl $t {
            /// Decides on the estimate alone, with no allowance for sampling error. Reports
            /// label the verdict as a point estimate.
            pub fn point_estimate(mut self) -> Self {
                self.rule.point_estimate = true;
                self
            }

            /// Below `n` trials the verdict is `Inconclusive`. Trials are what the metric
            /// counts: rows for accuracy, rows of the class for recall, rows predicted as the
            /// class for precision. Default: 1 for rates (an empty cohort is never a pass),
            /// [`BOOTSTRAP_MIN_ROWS`] for bootstrapped metrics, whose intervals are too
            /// narrow on very few rows.
            pub fn min_rows(mut self, n: u64) -> Self {
                self.rule.min_rows = n.max(1);
                self.rule.min_rows_set = true;
                self
            }

            /// The number of bootstrap resamples for metrics that are not rates (default
            /// [`DEFAULT_RESAMPLES`], at least [`MIN_RESAMPLES`]).
            pub fn resamples(mut self, b: u32) -> Self {
                self.rule.resamples = b;
                self
            }
        }
    };
}

#[derive(Debug, Clone, PartialEq)]
enum ClassMetricKind {
    Accuracy,
    Recall(String),
    Precision(String),
    FalsePositiveRate(String),
    FalseNegativeRate(String),
    F1(String),
    FBeta(String, f64),
    RocAuc(String),
    LogLoss,
    Brier,
    CalibrationError,
    /// `(true class, predicted class, cost)` entries; the rest cost 0.
    ExpectedCost(Vec<(String, String, f64)>),
}

/// A classification metric, to be compared with a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassMetric {
    kind: ClassMetricKind,
}

/// Accuracy: correct predictions out of all rows (a rate).
pub fn accuracy() -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::Accuracy,
    }
}

/// Recall (true-positive rate) of `class` (a rate).
pub fn recall(class: impl Into<String>) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::Recall(class.into()),
    }
}

/// Precision of `class` (a rate).
pub fn precision(class: impl Into<String>) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::Precision(class.into()),
    }
}

/// False-positive rate of `class`, one-vs-rest (a rate).
pub fn false_positive_rate(class: impl Into<String>) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::FalsePositiveRate(class.into()),
    }
}

/// False-negative rate of `class`, `1 − recall` (a rate).
pub fn false_negative_rate(class: impl Into<String>) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::FalseNegativeRate(class.into()),
    }
}

/// F1 score of `class`.
pub fn f1(class: impl Into<String>) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::F1(class.into()),
    }
}

/// F-beta of `class`: recall weighed β times as much as precision (`f_beta(c, 2.0)` for a
/// model whose misses cost more than its false alarms), as scikit-learn's `fbeta_score`.
pub fn f_beta(class: impl Into<String>, beta: f64) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::FBeta(class.into(), beta),
    }
}

/// The expected cost per row of the model's decisions under a cost matrix: each entry
/// `(true class, predicted class, cost)`; pairs not listed cost 0, and a negative cost is a
/// gain. "Is the company saving money?" as a threshold with an interval:
///
/// ```
/// use model_check::prelude::*;
///
/// // A missed churner costs 500, a retention offer to a loyal customer 50.
/// let affordable = expected_cost([("Yes", "No", 500.0), ("No", "Yes", 50.0)]).at_most(60.0);
/// # let _ = affordable;
/// ```
pub fn expected_cost<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a str, f64)>,
) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::ExpectedCost(
            entries
                .into_iter()
                .map(|(t, p, c)| (t.to_string(), p.to_string(), c))
                .collect(),
        ),
    }
}

/// One-vs-rest ROC AUC of `class`.
pub fn roc_auc(class: impl Into<String>) -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::RocAuc(class.into()),
    }
}

/// Log loss (mean negative log-probability of the true class).
pub fn log_loss() -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::LogLoss,
    }
}

/// Brier score.
pub fn brier_score() -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::Brier,
    }
}

/// Expected calibration error (10 equal-width bins of the top-class probability).
pub fn expected_calibration_error() -> ClassMetric {
    ClassMetric {
        kind: ClassMetricKind::CalibrationError,
    }
}

impl ClassMetric {
    /// The metric must be at least `threshold`.
    pub fn at_least(self, threshold: f64) -> ClassThreshold {
        ClassThreshold {
            metric: self,
            rule: Rule::new(Direction::AtLeast, threshold),
        }
    }

    /// The metric must be at most `threshold`.
    pub fn at_most(self, threshold: f64) -> ClassThreshold {
        ClassThreshold {
            metric: self,
            rule: Rule::new(Direction::AtMost, threshold),
        }
    }

    pub(super) fn is_rate(&self) -> bool {
        use ClassMetricKind::*;
        matches!(
            self.kind,
            Accuracy | Recall(_) | Precision(_) | FalsePositiveRate(_) | FalseNegativeRate(_)
        )
    }

    /// The values the metric can take: log loss `[0, ∞)`, an expected cost any number,
    /// every other `[0, 1]`.
    fn domain(&self) -> Domain {
        match &self.kind {
            ClassMetricKind::LogLoss => Domain::NON_NEGATIVE,
            ClassMetricKind::ExpectedCost(_) => Domain::ANY,
            _ => Domain::UNIT,
        }
    }

    /// The cost matrix of an expected cost over `classes`, checked: every class named is one
    /// of the model's, every cost finite.
    fn cost_matrix(
        &self,
        classes: &Classes,
        model: &str,
    ) -> Result<Option<Vec<Vec<f64>>>, EvalError> {
        let ClassMetricKind::ExpectedCost(entries) = &self.kind else {
            return Ok(None);
        };
        if entries.is_empty() {
            return Err(setting_error(
                "an expected cost needs at least one cost".into(),
            ));
        }
        let mut cost = vec![vec![0.0; classes.len()]; classes.len()];
        for (t, p, c) in entries {
            if !c.is_finite() {
                return Err(setting_error(format!(
                    "the cost of predicting `{p}` for `{t}` is {c}, not a finite number"
                )));
            }
            let (t, p) = (
                class_index(classes, t, model)?,
                class_index(classes, p, model)?,
            );
            cost[t][p] = *c;
        }
        Ok(Some(cost))
    }

    pub(super) fn class(&self) -> Option<&str> {
        use ClassMetricKind::*;
        match &self.kind {
            Recall(c)
            | Precision(c)
            | FalsePositiveRate(c)
            | FalseNegativeRate(c)
            | F1(c)
            | FBeta(c, _)
            | RocAuc(c) => Some(c),
            Accuracy | LogLoss | Brier | CalibrationError | ExpectedCost(_) => None,
        }
    }

    /// What the metric's `n` counts, for notes.
    pub(super) fn unit(&self, classes: &Classes, class: usize) -> String {
        use ClassMetricKind::*;
        let name = classes.name(class);
        match self.kind {
            Recall(_) | FalseNegativeRate(_) => format!("rows of class `{name}`"),
            Precision(_) => format!("rows predicted `{name}`"),
            FalsePositiveRate(_) => format!("rows not of class `{name}`"),
            _ => "rows".into(),
        }
    }

    /// The rate behind a rate metric.
    pub(super) fn proportion(&self, m: &ClassificationMetrics, class: usize) -> Option<Proportion> {
        use ClassMetricKind::*;
        Some(match self.kind {
            Accuracy => m.accuracy(),
            Recall(_) => m.recall(class),
            Precision(_) => m.precision(class),
            FalsePositiveRate(_) => m.false_positive_rate(class),
            FalseNegativeRate(_) => m.false_negative_rate(class),
            _ => return None,
        })
    }

    /// The metric's value, `None` where undefined (`cost`: an expected cost's matrix).
    fn value(
        &self,
        m: &ClassificationMetrics,
        class: usize,
        cost: Option<&[Vec<f64>]>,
    ) -> Option<f64> {
        use ClassMetricKind::*;
        match self.kind {
            F1(_) => m.f1(class),
            FBeta(_, beta) => m.f_beta(class, beta),
            ExpectedCost(_) => m.expected_cost(cost?),
            RocAuc(_) => m.roc_auc(class),
            LogLoss => m.log_loss(),
            Brier => m.brier(),
            CalibrationError => m.expected_calibration_error(),
            _ => self.proportion(m, class)?.rate(),
        }
    }
}

impl fmt::Display for ClassMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ClassMetricKind::*;
        match &self.kind {
            Accuracy => f.write_str("accuracy"),
            Recall(c) => write!(f, "recall of `{c}`"),
            Precision(c) => write!(f, "precision of `{c}`"),
            FalsePositiveRate(c) => write!(f, "false-positive rate of `{c}`"),
            FalseNegativeRate(c) => write!(f, "false-negative rate of `{c}`"),
            F1(c) => write!(f, "F1 of `{c}`"),
            FBeta(c, beta) => write!(f, "F-beta (β = {}) of `{c}`", crate::fmt::exact(*beta)),
            RocAuc(c) => write!(f, "ROC AUC of `{c}`"),
            LogLoss => f.write_str("log loss"),
            Brier => f.write_str("Brier score"),
            CalibrationError => f.write_str("expected calibration error"),
            ExpectedCost(entries) => {
                f.write_str("expected cost per row (")?;
                for (i, (t, p, c)) in entries.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}`{p}` for `{t}` costs {}", crate::fmt::exact(*c))?;
                }
                f.write_str(")")
            }
        }
    }
}

/// A classification metric compared with a threshold: rates on their Wilson interval, other
/// metrics on a seeded bootstrap interval.
///
/// ```
/// use model_check::expect::{accuracy, recall};
///
/// let e = recall("Yes").at_least(0.7);
/// # let _ = e;
/// let strict = accuracy().at_least(0.8).min_rows(100).point_estimate();
/// # let _ = strict;
/// ```
#[derive(Debug, Clone)]
pub struct ClassThreshold {
    metric: ClassMetric,
    rule: Rule,
}

threshold_settings!(ClassThreshold);

/// `80%` for rates, `0.8` otherwise.
pub(super) fn show(value: f64, rate: bool) -> String {
    if rate {
        crate::fmt::percent(value)
    } else {
        crate::fmt::exact(value)
    }
}

/// The index of the class called `name` among a model's classes, or an error naming the model.
pub(super) fn class_index(classes: &Classes, name: &str, model: &str) -> Result<usize, EvalError> {
    classes.index_of(name).ok_or_else(|| {
        setting_error(format!(
            "{name:?} is not a class of model `{model}` (classes: {classes})"
        ))
    })
}

pub(super) fn setting_error(reason: String) -> EvalError {
    EvalError::Data(DataError::Setting { reason })
}

/// The tolerance of a difference of rates (a `what` such as "gap"), checked: it is set, in
/// `[0, 1]`, and the metric is a rate.
pub(super) fn difference_tolerance(
    metric: &ClassMetric,
    tolerance: Option<f64>,
    what: &str,
) -> Result<f64, EvalError> {
    let Some(d) = tolerance else {
        return Err(setting_error(format!(
            "a {what} needs a tolerance: call .at_most(d)"
        )));
    };
    if !(0.0..=1.0).contains(&d) {
        return Err(setting_error(format!(
            "{what} tolerance {d} is outside [0, 1]"
        )));
    }
    if !metric.is_rate() {
        return Err(setting_error(format!(
            "{what}s are computed for rates; {metric} is not one"
        )));
    }
    Ok(d)
}

/// The values a metric can take, so that a threshold outside them is a setting error rather
/// than a check that can never pass (or never fail).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Domain {
    lo: f64,
    hi: f64,
}

impl Domain {
    /// A rate, a probability, a score in `[0, 1]`.
    pub(super) const UNIT: Domain = Domain { lo: 0.0, hi: 1.0 };
    /// A loss or error: `[0, ∞)`.
    pub(super) const NON_NEGATIVE: Domain = Domain {
        lo: 0.0,
        hi: f64::INFINITY,
    };
    /// Any number (a cost, which may be a gain).
    pub(super) const ANY: Domain = Domain {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
    };
    /// R²: `(−∞, 1]`.
    pub(super) const AT_MOST_ONE: Domain = Domain {
        lo: f64::NEG_INFINITY,
        hi: 1.0,
    };
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = |x: f64| {
            if x.is_infinite() {
                if x > 0.0 {
                    "∞".to_string()
                } else {
                    "−∞".to_string()
                }
            } else {
                crate::fmt::exact(x)
            }
        };
        let open_lo = if self.lo.is_infinite() { "(" } else { "[" };
        let open_hi = if self.hi.is_infinite() { ")" } else { "]" };
        write!(f, "{open_lo}{}, {}{open_hi}", end(self.lo), end(self.hi))
    }
}

pub(super) fn check_threshold(
    threshold: f64,
    domain: Domain,
    what: &dyn fmt::Display,
) -> Result<(), EvalError> {
    if !threshold.is_finite() {
        return Err(setting_error(format!(
            "threshold {threshold} for {what} is not a finite number"
        )));
    }
    if !(domain.lo..=domain.hi).contains(&threshold) {
        return Err(setting_error(format!(
            "threshold {threshold} for {what} is outside {domain}, the values it can take"
        )));
    }
    Ok(())
}

/// Each selected row's true class, as an index into the model's classes.
pub(super) fn true_classes(
    labels: &Labels,
    rows: &[usize],
    classes: &Classes,
    model: &str,
) -> Result<Vec<usize>, EvalError> {
    let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) else {
        return Err(setting_error(if labels.is_labelled() {
            "the dataset has numeric labels; use a regression metric".into()
        } else {
            UNLABELLED.into()
        }));
    };
    let map: Vec<Option<usize>> = names.iter().map(|c| classes.index_of(c)).collect();
    rows.iter()
        .map(|&r| {
            map[index[r] as usize].ok_or_else(|| {
                setting_error(format!(
                    "row {r}: label {:?} is not a class of model `{model}` (classes: {classes})",
                    names[index[r] as usize]
                ))
            })
        })
        .collect()
}

impl<M> Expectation<M> for ClassThreshold
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Clone,
{
    fn describe(&self) -> String {
        format!(
            "{} is {} {}",
            self.metric,
            self.rule.direction,
            show(self.rule.threshold, self.metric.is_rate())
        )
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        check_threshold(self.rule.threshold, self.metric.domain(), &self.metric)?;
        let predictions = context.predictions()?;
        let model = context.model().info().to_string();
        let rows = context.rows().to_vec();
        let Some(first) = predictions.first() else {
            return Ok(Findings::from(inconclusive_empty(self.rule.threshold)));
        };
        let classes = first.classes().clone();
        if let Some(i) = predictions.iter().position(|p| !p.classes().same(&classes)) {
            return Err(setting_error(format!(
                "model `{model}` returned classes ({}) for row {} and ({classes}) for row {}",
                predictions[i].classes(),
                rows[i],
                rows[0]
            )));
        }
        let class = match self.metric.class() {
            Some(name) => class_index(&classes, name, &model)?,
            None => 0,
        };
        let truth = true_classes(context.data().labels(), &rows, &classes, &model)?;
        let rule = self.rule.for_metric(self.metric.is_rate())?;

        // The AUC comes from DeLong's sort below, not from per-score counts; a rate needs
        // only the confusion matrix.
        let mut all = if self.metric.is_rate() {
            ClassificationMetrics::counts_only(classes.clone())
        } else {
            ClassificationMetrics::without_auc(classes.clone())
        };
        for (t, p) in truth.iter().zip(&predictions) {
            all.add_output(*t, p)?;
        }
        let examples = class_examples(&self.metric, class, &rows, &truth, &predictions, context);

        let (estimate, interval, n, method) = if let Some(p) = self.metric.proportion(&all, class) {
            match (p.rate(), p.wilson()) {
                (Some(rate), Some(ci)) => (rate, Some(ci), p.n(), rule.method(true)),
                _ => {
                    return Ok(Findings::from(
                        undefined(self.rule.threshold, p.n(), &self.metric).with_examples(examples),
                    ));
                }
            }
        } else {
            let cost = self.metric.cost_matrix(&classes, &model)?;
            if let ClassMetricKind::FBeta(_, beta) = self.metric.kind
                && !(beta.is_finite() && beta > 0.0)
            {
                return Err(setting_error(format!(
                    "β = {beta} for F-beta must be a positive number"
                )));
            }
            // ROC AUC: the empirical AUC and DeLong's variance from one sort of the scores
            // (the same AUC as per-score counts give, to the last bit).
            let delong = match self.metric.kind {
                ClassMetricKind::RocAuc(_) => {
                    let scores: Vec<f64> =
                        predictions.iter().map(|p| p.as_slice()[class]).collect();
                    let positive: Vec<bool> = truth.iter().map(|&t| t == class).collect();
                    crate::stats::delong(&scores, &positive)
                }
                _ => None,
            };
            let value = match (&self.metric.kind, delong) {
                (ClassMetricKind::RocAuc(_), d) => d.map(|d| d.auc),
                _ => self.metric.value(&all, class, cost.as_deref()),
            };
            let Some(estimate) = value else {
                return Ok(Findings::from(
                    undefined(self.rule.threshold, all.n(), &self.metric).with_examples(examples),
                ));
            };
            if let Some(d) = delong
                && !rule.point_estimate
            {
                // DeLong's interval, not a bootstrap: exact structural components, no
                // resampling.
                let method = Method::new(Method::DELONG);
                let (m, n) = (d.positives, d.negatives);
                let undecided = |why: String| {
                    Findings::from(
                        Finding::new(
                            Verdict::Inconclusive,
                            Evidence::new(Unit::Number, method.clone())
                                .estimate(estimate)
                                .n(all.n())
                                .threshold(rule.threshold),
                        )
                        .with_examples(examples.clone())
                        .with_note(why),
                    )
                };
                let short = m.min(n);
                if short < DELONG_MIN_CLASS_ROWS && !rule.min_rows_set {
                    let (side, which) = if m < n {
                        ("positives", "of class")
                    } else {
                        ("negatives", "not of class")
                    };
                    return Ok(undecided(format!(
                        "{short} {side} (rows {which} `{}`): DeLong's interval needs at least {DELONG_MIN_CLASS_ROWS} of each to be trusted",
                        classes.name(class)
                    )));
                }
                if d.variance == 0.0 {
                    return Ok(undecided(
                        "DeLong's interval has no width here (the classes are perfectly separated, or every score ties): it cannot decide".into(),
                    ));
                }
                let ci = d.interval(crate::stats::Z_95);
                let unit = self.metric.unit(&classes, class);
                return Ok(Findings::from(
                    decide(&rule, estimate, Some(ci), all.n(), method, false, &unit)
                        .with_examples(examples),
                ));
            }
            let interval = if rule.point_estimate {
                None
            } else {
                let rows = ClassRows::new(&truth, &predictions, class);
                use ClassMetricKind::*;
                // Statistics of the confusion cells are resampled by cell (the same draws).
                let by_cells = |statistic: &dyn Fn(&[u64]) -> Option<f64>| {
                    let cells = rows.cells(class);
                    bootstrap::cell_interval(rule.resamples, context.seed(), &cells, 4, statistic)
                };
                match self.metric.kind {
                    F1(_) => by_cells(&bootstrap::f1_of_cells),
                    FBeta(_, beta) => by_cells(&|c| bootstrap::f_beta_of_cells(c, beta)),
                    _ => bootstrap::interval(rule.resamples, truth.len(), context.seed(), |w| {
                        match self.metric.kind {
                            ExpectedCost(_) => rows.expected_cost(w, cost.as_deref()?),
                            RocAuc(_) => rows.roc_auc(w, class),
                            LogLoss => rows.log_loss(w),
                            Brier => rows.brier(w),
                            CalibrationError => rows.calibration_error(w),
                            _ => unreachable!("rates have Wilson intervals"),
                        }
                    }),
                }
            };
            (estimate, interval, all.n(), rule.method(false))
        };
        let unit = self.metric.unit(&classes, class);
        Ok(Findings::from(
            decide(
                &rule,
                estimate,
                interval,
                n,
                method,
                self.metric.is_rate(),
                &unit,
            )
            .with_examples(examples),
        ))
    }
}

fn inconclusive_empty(threshold: f64) -> Finding {
    Finding::new(
        Verdict::Inconclusive,
        Evidence {
            threshold: Some(threshold),
            ..Evidence::none()
        },
    )
    .with_note("no rows are selected")
}

fn undefined(threshold: f64, n: u64, metric: &dyn fmt::Display) -> Finding {
    Finding::new(
        Verdict::Inconclusive,
        Evidence {
            n,
            threshold: Some(threshold),
            ..Evidence::none()
        },
    )
    .with_note(format!(
        "{metric} is undefined on these rows (no rows of the class it is computed over)"
    ))
}

/// The verdict on a rate of failures among `n` trials (variants, generated cases, rows).
/// With `max_rate`, the Wilson interval rule (`Pass` when the whole interval is at most the
/// rate, `Fail` when it is wholly above, else `Inconclusive`); without, any failure is a
/// counterexample that fails, and none passes. No trials at all is `Inconclusive`.
pub(super) fn failure_rate_outcome(failures: u64, n: u64, max_rate: Option<f64>) -> Finding {
    let proportion = Proportion::new(failures.min(n), n);
    let (Some(rate), Some(interval)) = (proportion.rate(), proportion.wilson()) else {
        return Finding::new(
            Verdict::Inconclusive,
            Evidence {
                threshold: max_rate,
                ..Evidence::none()
            },
        )
        .with_note("nothing to test: no cases were generated");
    };
    match max_rate {
        Some(max) => decide(
            &Rule::new(Direction::AtMost, max),
            rate,
            Some(interval),
            n,
            Method::wilson(),
            true,
            "trials",
        ),
        None => Finding::new(
            if failures == 0 {
                Verdict::Pass
            } else {
                Verdict::Fail
            },
            Evidence::new(Unit::Proportion, Method::wilson())
                .estimate(rate)
                .interval(interval.lo, interval.hi)
                .n(n)
                .threshold(0.0),
        ),
    }
}

/// The verdict and evidence for an estimate with its 95% interval (`None` in point-estimate
/// mode, or when a bootstrap found the metric undefined in every resample); `unit` names
/// what `n` counts ("rows", "rows of class `Yes`").
pub(super) fn decide(
    rule: &Rule,
    estimate: f64,
    interval: Option<Interval>,
    n: u64,
    method: Method,
    rate: bool,
    unit: &str,
) -> Finding {
    let unit_of = if rate { Unit::Proportion } else { Unit::Number };
    let evidence = |rows_needed| Evidence {
        estimate: Some(estimate),
        interval,
        n,
        threshold: Some(rule.threshold),
        rows_needed,
        ..Evidence::new(unit_of.clone(), method.clone())
    };
    if !estimate.is_finite() {
        return Finding::new(
            Verdict::Error,
            Evidence {
                estimate: None,
                ..evidence(None)
            },
        )
        .with_note(format!("the metric is {estimate}: the values overflowed"));
    }
    if n < rule.min_rows {
        return Finding::new(Verdict::Inconclusive, evidence(Some(rule.min_rows))).with_note(
            format!("{n} {unit}, below the minimum of {}", rule.min_rows),
        );
    }
    let bounds = match (interval, rule.point_estimate) {
        (_, true) => Interval {
            lo: estimate,
            hi: estimate,
        },
        (Some(ci), false) => ci,
        (None, false) => {
            return Finding::new(Verdict::Inconclusive, evidence(None)).with_note(
                "no interval: the metric is undefined in more than 5% of the bootstrap resamples (too few rows of a class)".to_string(),
            );
        }
    };
    let verdict = rule.verdict(estimate, bounds);
    if verdict != Verdict::Inconclusive {
        return Finding::new(verdict, evidence(None));
    }
    let rows_needed = if method.is(Method::WILSON) {
        wilson_rows_needed(estimate, n, rule)
    } else {
        scaled_rows_needed(estimate, bounds, n, rule)
    };
    let note = match rows_needed {
        Some(needed) => format!(
            "the 95% interval straddles the threshold; about {needed} {unit} would decide it if {} held",
            show(estimate, rate)
        ),
        None => "the estimate equals the threshold; more rows cannot decide it".into(),
    };
    Finding::new(verdict, evidence(rows_needed)).with_note(note)
}

/// The smallest `n` at which the Wilson interval around the same observed rate would clear
/// or miss the threshold; `None` if the rate equals the threshold.
pub(super) fn wilson_rows_needed(rate: f64, n: u64, rule: &Rule) -> Option<u64> {
    if rate == rule.threshold {
        return None;
    }
    let decides = |m: u64| {
        let successes = (rate * m as f64).round() as u64;
        match Proportion::new(successes.min(m), m).wilson() {
            Some(ci) => rule.verdict(rate, ci) != Verdict::Inconclusive,
            None => false,
        }
    };
    let (mut lo, mut hi) = (n.max(1), n.max(1).saturating_mul(2));
    while !decides(hi) {
        if hi > 1 << 40 {
            return None;
        }
        lo = hi;
        hi = hi.saturating_mul(2);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if decides(mid) { hi = mid } else { lo = mid }
    }
    Some(hi)
}

/// For bootstrap intervals: the width shrinks as `1/√n`, so the interval excludes the
/// threshold once `n` grows by `(half-width / |estimate − threshold|)²`.
fn scaled_rows_needed(estimate: f64, interval: Interval, n: u64, rule: &Rule) -> Option<u64> {
    let gap = (estimate - rule.threshold).abs();
    // Above the threshold the lower bound must cross it (to pass an at-least, or to fail an
    // at-most); below it, the upper bound.
    let half = if estimate > rule.threshold {
        estimate - interval.lo
    } else {
        interval.hi - estimate
    }
    .abs();
    if gap == 0.0 || !half.is_finite() {
        return None;
    }
    let factor = (half / gap).powi(2);
    Some(((n as f64) * factor).ceil() as u64)
}

/// The most telling rows for a classification metric: the confident mistakes that drive it.
fn class_examples<M>(
    metric: &ClassMetric,
    class: usize,
    rows: &[usize],
    truth: &[usize],
    predictions: &Predictions<Probabilities>,
    context: &Context<'_, M>,
) -> Vec<Example>
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: Clone + Send + Sync + 'static,
{
    use ClassMetricKind::*;
    // (position among the selected rows, badness: larger is more telling)
    let mut scored: Vec<(usize, f64)> = Vec::new();
    for (i, (t, p)) in truth.iter().zip(predictions).enumerate() {
        let predicted = p.predicted();
        let badness = match metric.kind {
            Accuracy | ExpectedCost(_) => (predicted != *t).then(|| p.confidence()),
            Recall(_) | FalseNegativeRate(_) => {
                (*t == class && predicted != class).then(|| 1.0 - p.as_slice()[class])
            }
            Precision(_) | FalsePositiveRate(_) => {
                (*t != class && predicted == class).then(|| p.as_slice()[class])
            }
            F1(_) | FBeta(..) => ((*t == class) != (predicted == class))
                .then(|| (p.as_slice()[class] - if *t == class { 1.0 } else { 0.0 }).abs()),
            RocAuc(_) | LogLoss | Brier | CalibrationError => Some(1.0 - p.as_slice()[*t]),
        };
        if let Some(b) = badness {
            scored.push((i, b));
        }
    }
    // Only the most telling few are shown: select them, then sort those (a total order, so
    // the same rows in the same order as sorting everything).
    let order = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let k = context.max_examples();
    if scored.len() > k {
        if k == 0 {
            scored.clear();
        } else {
            scored.select_nth_unstable_by(k - 1, order);
            scored.truncate(k);
        }
    }
    scored.sort_by(order);
    scored
        .into_iter()
        .take(context.max_examples())
        .map(|(i, _)| {
            let p = &predictions[i];
            let classes = p.classes();
            let shown = metric.class().map_or(truth[i], |_| class);
            Example::row(
                rows[i],
                context.data().id(rows[i]),
                format!(
                    "true {}, predicted {} (P({}) = {:.3})",
                    classes.name(truth[i]),
                    p.label(),
                    classes.name(shown),
                    p.as_slice()[shown]
                ),
            )
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RegressionMetricKind {
    Mae,
    Rmse,
    R2,
}

/// A regression metric, to be compared with a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegressionMetric {
    kind: RegressionMetricKind,
}

/// Mean absolute error.
pub fn mae() -> RegressionMetric {
    RegressionMetric {
        kind: RegressionMetricKind::Mae,
    }
}

/// Root mean squared error.
pub fn rmse() -> RegressionMetric {
    RegressionMetric {
        kind: RegressionMetricKind::Rmse,
    }
}

/// Coefficient of determination.
pub fn r2() -> RegressionMetric {
    RegressionMetric {
        kind: RegressionMetricKind::R2,
    }
}

impl RegressionMetric {
    /// The metric must be at least `threshold`.
    pub fn at_least(self, threshold: f64) -> RegressionThreshold {
        RegressionThreshold {
            metric: self,
            rule: Rule::new(Direction::AtLeast, threshold),
        }
    }

    /// The metric must be at most `threshold`.
    pub fn at_most(self, threshold: f64) -> RegressionThreshold {
        RegressionThreshold {
            metric: self,
            rule: Rule::new(Direction::AtMost, threshold),
        }
    }

    fn value(&self, m: &RegressionMetrics) -> Option<f64> {
        match self.kind {
            RegressionMetricKind::Mae => m.mae(),
            RegressionMetricKind::Rmse => m.rmse(),
            RegressionMetricKind::R2 => m.r2(),
        }
    }
}

impl fmt::Display for RegressionMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            RegressionMetricKind::Mae => "MAE",
            RegressionMetricKind::Rmse => "RMSE",
            RegressionMetricKind::R2 => "R²",
        })
    }
}

/// A regression metric compared with a threshold, decided on a bootstrap interval.
#[derive(Debug, Clone)]
pub struct RegressionThreshold {
    metric: RegressionMetric,
    rule: Rule,
}

threshold_settings!(RegressionThreshold);

impl<M> Expectation<M> for RegressionThreshold
where
    M: Model<Output = f64> + 'static,
    M::Input: Clone,
{
    fn describe(&self) -> String {
        format!(
            "{} is {} {}",
            self.metric, self.rule.direction, self.rule.threshold
        )
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let domain = match self.metric.kind {
            RegressionMetricKind::R2 => Domain::AT_MOST_ONE,
            RegressionMetricKind::Mae | RegressionMetricKind::Rmse => Domain::NON_NEGATIVE,
        };
        check_threshold(self.rule.threshold, domain, &self.metric)?;
        let predictions = context.predictions()?;
        let rows = context.rows().to_vec();
        let Some(values) = context.data().labels().targets() else {
            return Err(setting_error(if context.data().labels().is_labelled() {
                "the dataset has class labels; use a classification metric".into()
            } else {
                UNLABELLED.into()
            }));
        };
        let truth: Vec<f64> = rows.iter().map(|&r| values[r]).collect();
        let mut all = RegressionMetrics::default();
        for (&y, &p) in truth.iter().zip(&predictions) {
            all.add(y, p)?;
        }
        let mut worst: Vec<usize> = (0..rows.len()).collect();
        worst.sort_by(|&a, &b| {
            let (ea, eb) = (
                (predictions[a] - truth[a]).abs(),
                (predictions[b] - truth[b]).abs(),
            );
            eb.total_cmp(&ea).then(a.cmp(&b))
        });
        let examples = worst
            .into_iter()
            .take(context.max_examples())
            .map(|i| {
                Example::row(
                    rows[i],
                    context.data().id(rows[i]),
                    format!(
                        "true {}, predicted {} (error {:+})",
                        truth[i],
                        predictions[i],
                        predictions[i] - truth[i]
                    ),
                )
            })
            .collect();
        let Some(estimate) = self.metric.value(&all) else {
            return Ok(Findings::from(inconclusive_empty(self.rule.threshold)));
        };
        let rule = self.rule.for_metric(false)?;
        let interval = if rule.point_estimate {
            None
        } else {
            let rows = RegressionRows::new(&truth, &predictions);
            bootstrap::interval(rule.resamples, truth.len(), context.seed(), |w| match self
                .metric
                .kind
            {
                RegressionMetricKind::Mae => rows.mae(w),
                RegressionMetricKind::Rmse => rows.rmse(w),
                RegressionMetricKind::R2 => rows.r2(w),
            })
        };
        Ok(Findings::from(
            decide(
                &rule,
                estimate,
                interval,
                all.n(),
                rule.method(false),
                false,
                "rows",
            )
            .with_examples(examples),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_needed_makes_the_wilson_interval_decide() {
        let rule = Rule::new(Direction::AtLeast, 0.7);
        // 75% of 40 rows: the interval [0.60, 0.86] straddles 0.7.
        let needed = wilson_rows_needed(0.75, 40, &rule).unwrap();
        let at = |m: u64| {
            Proportion::new((0.75 * m as f64).round() as u64, m)
                .wilson()
                .unwrap()
        };
        assert!(at(needed).lo >= 0.7, "{needed} rows decide");
        assert!(at(needed - 1).lo < 0.7, "{} rows do not", needed - 1);
        assert_eq!(wilson_rows_needed(0.7, 40, &rule), None);

        // At most: 10% of 50 rows, the interval [4.3%, 21.4%] straddles 15%.
        let most = Rule::new(Direction::AtMost, 0.15);
        let needed = wilson_rows_needed(0.10, 50, &most).unwrap();
        let hi = |m: u64| {
            Proportion::new((0.10 * m as f64).round() as u64, m)
                .wilson()
                .unwrap()
                .hi
        };
        assert!(hi(needed) <= 0.15);
        assert!(hi(needed - 1) > 0.15);
    }

    #[test]
    fn rates_read_naturally() {
        assert_eq!(show(0.05, true), "5%");
        assert_eq!(show(0.025, true), "2.5%");
        assert_eq!(show(0.0, true), "0%");
        assert_eq!(show(0.333, true), "33.3%");
        assert_eq!(show(0.07, true), "7%");
    }

    #[test]
    fn verdicts_follow_the_interval() {
        let rule = Rule::new(Direction::AtLeast, 0.5);
        let ci = |lo, hi| Interval { lo, hi };
        assert_eq!(rule.verdict(0.6, ci(0.55, 0.65)), Verdict::Pass);
        assert_eq!(rule.verdict(0.4, ci(0.35, 0.45)), Verdict::Fail);
        assert_eq!(rule.verdict(0.52, ci(0.45, 0.6)), Verdict::Inconclusive);
        let most = Rule::new(Direction::AtMost, 0.5);
        assert_eq!(most.verdict(0.4, ci(0.35, 0.45)), Verdict::Pass);
        assert_eq!(most.verdict(0.6, ci(0.55, 0.65)), Verdict::Fail);
        let point = Rule {
            point_estimate: true,
            ..rule
        };
        assert_eq!(point.verdict(0.52, ci(0.45, 0.6)), Verdict::Pass);
    }
}
