//! Cohort gaps: a rate may not differ between groups by more than a tolerance.
//!
//! Fairness checks compare a rate — the false-positive rate, recall — between the groups of a
//! protected feature (every pair of its values) or between two cohorts. The difference of two
//! independent proportions carries Newcombe's hybrid score interval, built from the two
//! Wilson intervals (statsmodels' `confint_proportions_2indep(method="newcomb")`). A gap passes
//! when its whole interval lies within `[−d, d]`, fails when its whole interval lies outside,
//! and is `Inconclusive` otherwise — a small group cannot be declared fair or unfair.

use std::collections::BTreeMap;

use super::metric::{
    ClassMetric, class_index, difference_tolerance, setting_error, show, true_classes,
};
use super::{
    Cell, Column, Context, Evidence, Expectation, Finding, Findings, Method, Plot, Table, Unit,
    Verdict,
};
use crate::cohort::{Cohort, EvalError};
use crate::data::{Feature, Features, Value};
use crate::metrics::{ClassificationMetrics, Interval, Proportion};
use crate::model::{Model, Probabilities};

/// Newcombe's hybrid score 95% interval for `p1 − p2` of two independent proportions;
/// `None` if either has no trials.
///
/// ```
/// use model_check::expect::newcombe_difference;
/// use model_check::metrics::Proportion;
///
/// // statsmodels: confint_proportions_2indep(56, 70, 48, 80, method="newcomb")
/// let ci = newcombe_difference(Proportion::new(56, 70), Proportion::new(48, 80)).unwrap();
/// assert!((ci.lo - 0.052_431_472_402_364_98).abs() < 1e-12);
/// assert!((ci.hi - 0.333_872_654_036_906_14).abs() < 1e-12);
/// ```
pub fn newcombe_difference(a: Proportion, b: Proportion) -> Option<Interval> {
    crate::stats::newcombe(
        a.successes(),
        a.n(),
        b.successes(),
        b.n(),
        crate::stats::Z_95,
    )
}

type GroupOf<R> = Box<dyn Fn(&R) -> Option<String> + Send + Sync>;

enum Groups<R> {
    /// Every observed value of a feature is a group.
    Across {
        feature: String,
        group_of: GroupOf<R>,
    },
    /// Two cohorts.
    Between(Cohort<R>, Cohort<R>),
}

/// A rate's gap between groups, built by [`gap`]; decided on Newcombe intervals.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Applicant { #[features(protected)] sex: String, income: f64 }
///
/// let fair = gap(false_positive_rate("approve")).across(Applicant::SEX).at_most(0.05);
/// # let _ = fair;
/// ```
pub struct Gap<R> {
    metric: ClassMetric,
    groups: Option<Groups<R>>,
    tolerance: Option<f64>,
}

/// The gap of a rate metric (accuracy, recall, precision, false-positive or false-negative
/// rate) between groups.
pub fn gap<R>(metric: ClassMetric) -> Gap<R> {
    Gap {
        metric,
        groups: None,
        tolerance: None,
    }
}

impl<R: Features + 'static> Gap<R> {
    /// Compares every pair of values of `feature` (missing values form no group).
    pub fn across<T>(mut self, feature: Feature<R, T>) -> Self {
        let index = feature.index();
        self.groups = Some(Groups::Across {
            feature: feature.name().to_string(),
            group_of: Box::new(move |row: &R| match row.value(index) {
                Value::Missing => None,
                Value::Category(c) => Some(c.into_owned()),
                Value::Number(x) => Some(x.to_string()),
            }),
        });
        self
    }
}

impl<R> Gap<R> {
    /// Compares two cohorts.
    pub fn between(mut self, a: Cohort<R>, b: Cohort<R>) -> Self {
        self.groups = Some(Groups::Between(a, b));
        self
    }

    /// The gap may be at most `d` in either direction.
    pub fn at_most(mut self, d: f64) -> Self {
        self.tolerance = Some(d);
        self
    }
}

/// One pair's comparison.
struct Pair {
    a: String,
    b: String,
    gap: f64,
    interval: Interval,
    n: u64,
    verdict: Verdict,
}

impl<M, R> Expectation<M> for Gap<R>
where
    M: Model<Input = R, Output = Probabilities> + 'static,
    R: Clone + 'static,
{
    fn describe(&self) -> String {
        let over = match &self.groups {
            Some(Groups::Across { feature, .. }) => format!("across the values of `{feature}`"),
            Some(Groups::Between(a, b)) => format!("between {} and {}", a.name(), b.name()),
            None => "between unspecified groups".into(),
        };
        let d = self
            .tolerance
            .map_or_else(|| "?".into(), |d| show(d, true).replace('%', " points"));
        format!("the gap in {} {over} is at most {d}", self.metric)
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let d = difference_tolerance(&self.metric, self.tolerance, "gap")?;
        let Some(groups) = &self.groups else {
            return Err(setting_error(
                "a gap needs groups: call .across(feature) or .between(a, b)".into(),
            ));
        };
        let predictions = context.predictions()?;
        let rows = context.rows().to_vec();
        let Some(first) = predictions.first() else {
            return Err(setting_error("no rows are selected".into()));
        };
        let classes = first.classes().clone();
        let model = context.model().info().to_string();
        let class = match self.metric.class() {
            Some(name) => class_index(&classes, name, &model)?,
            None => 0,
        };
        let truth = true_classes(context.data().labels(), &rows, &classes, &model)?;

        // Each group's metrics, in one pass over the rows.
        let mut by_group: BTreeMap<String, ClassificationMetrics> = BTreeMap::new();
        let data = context.data();
        let mut add = |name: String, i: usize| -> Result<(), EvalError> {
            by_group
                .entry(name)
                .or_insert_with(|| ClassificationMetrics::new(classes.clone()))
                .add(truth[i], predictions[i].as_slice())?;
            Ok(())
        };
        match groups {
            Groups::Across { group_of, .. } => {
                for (i, &r) in rows.iter().enumerate() {
                    if let Some(name) = group_of(&data.rows()[r]) {
                        add(name, i)?;
                    }
                }
            }
            Groups::Between(a, b) => {
                if a.name() == b.name() {
                    return Err(setting_error(format!(
                        "both cohorts are called `{}`; name them apart with .named(..)",
                        a.name()
                    )));
                }
                let in_a = a.rows(data)?;
                let in_b = b.rows(data)?;
                for (i, &r) in rows.iter().enumerate() {
                    if in_a.binary_search(&r).is_ok() {
                        add(a.name().to_string(), i)?;
                    }
                    if in_b.binary_search(&r).is_ok() {
                        add(b.name().to_string(), i)?;
                    }
                }
            }
        }
        // Between two cohorts the gap is the first minus the second, as written; across a
        // feature's values the groups come in sorted order.
        let order: Vec<String> = match groups {
            Groups::Between(a, b) => vec![a.name().to_string(), b.name().to_string()],
            Groups::Across { .. } => by_group.keys().cloned().collect(),
        };
        let rates: Vec<(String, Proportion)> = order
            .iter()
            .filter_map(|name| {
                let p = self.metric.proportion(by_group.get(name)?, class)?;
                (p.n() > 0).then(|| (name.clone(), p))
            })
            .collect();
        let summary = rates
            .iter()
            .map(|(name, p)| format!("{name}: {p:#} of {}", p.n()))
            .collect::<Vec<_>>()
            .join("; ");
        if rates.len() < 2 {
            return Ok(Findings::from(
                Finding::new(
                    Verdict::Inconclusive,
                    Evidence {
                        threshold: Some(d),
                        ..Evidence::none()
                    },
                )
                .with_note(format!(
                    "fewer than two groups have rows to compute {} on ({summary})",
                    self.metric
                )),
            ));
        }
        let mut pairs = Vec::new();
        for (i, (name_a, a)) in rates.iter().enumerate() {
            for (name_b, b) in &rates[i + 1..] {
                let interval = newcombe_difference(*a, *b).expect("both have trials");
                let gap = a.rate().unwrap_or(0.0) - b.rate().unwrap_or(0.0);
                let verdict = if interval.lo >= -d && interval.hi <= d {
                    Verdict::Pass
                } else if interval.lo > d || interval.hi < -d {
                    Verdict::Fail
                } else {
                    Verdict::Inconclusive
                };
                pairs.push(Pair {
                    a: name_a.clone(),
                    b: name_b.clone(),
                    gap,
                    interval,
                    n: a.n() + b.n(),
                    verdict,
                });
            }
        }
        let verdict = if pairs.iter().any(|p| p.verdict == Verdict::Fail) {
            Verdict::Fail
        } else if pairs.iter().all(|p| p.verdict == Verdict::Pass) {
            Verdict::Pass
        } else {
            Verdict::Inconclusive
        };
        // Show the pair that decides the verdict, the largest gap among those.
        let worst = pairs
            .iter()
            .filter(|p| p.verdict == verdict)
            .max_by(|x, y| x.gap.abs().total_cmp(&y.gap.abs()))
            .expect("the verdict comes from some pair");
        let mut outcome = Finding::new(
            verdict,
            Evidence {
                estimate: Some(worst.gap),
                interval: Some(worst.interval),
                n: worst.n,
                threshold: Some(d),
                rows_needed: None,
                ..Evidence::new(Unit::Points, Method::newcombe())
            },
        );
        let undecided = pairs
            .iter()
            .filter(|p| p.verdict == Verdict::Inconclusive)
            .count();
        outcome.note = Some(format!(
            "{} of `{}` minus `{}`; {} compared{}; groups: {summary}",
            self.metric,
            worst.a,
            worst.b,
            if pairs.len() == 1 {
                "1 pair".to_string()
            } else {
                format!("{} pairs", pairs.len())
            },
            if undecided > 0 {
                format!(
                    ", {undecided} too close to call (more rows in the smaller group would decide)"
                )
            } else {
                String::new()
            }
        ));
        // Every pair, with its interval, against ±d: the evidence behind the verdict.
        let mut table = Table::new(
            format!("{} gaps between groups", self.metric),
            [
                Column::text("pair"),
                Column::number("gap", Unit::Points),
                Column::number("lo", Unit::Points),
                Column::number("hi", Unit::Points),
                Column::number("n", Unit::Count),
                Column::text("verdict"),
            ],
        );
        let mut by_size: Vec<&Pair> = pairs.iter().collect();
        by_size.sort_by(|x, y| y.gap.abs().total_cmp(&x.gap.abs()));
        for p in by_size {
            table
                .push([
                    Cell::from(format!("{} − {}", p.a, p.b)),
                    p.gap.into(),
                    p.interval.lo.into(),
                    p.interval.hi.into(),
                    p.n.into(),
                    p.verdict.label().into(),
                ])
                .expect("six cells for six columns");
        }
        outcome
            .evidence
            .tables
            .push(table.with_plot(Plot::Intervals {
                label: "pair".into(),
                estimate: "gap".into(),
                lo: "lo".into(),
                hi: "hi".into(),
                threshold: Some(d),
            }));
        Ok(Findings::from(outcome))
    }
}
