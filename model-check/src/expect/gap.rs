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
    /// Every observed value of a feature is a group (or every bin of a numeric one).
    Across {
        feature: String,
        /// A numeric feature compared value by value (not binned).
        numeric: bool,
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
    one_sided: bool,
    /// A bad setting found while building, reported when the check runs.
    setting: Option<String>,
}

/// At most this many distinct values of a numeric feature are compared value by value (a
/// 0/1 flag, a small count); beyond, `across` asks for bins.
pub const MAX_NUMERIC_GROUPS: usize = 10;

/// The gap of a rate metric (accuracy, recall, precision, false-positive or false-negative
/// rate) between groups.
pub fn gap<R>(metric: ClassMetric) -> Gap<R> {
    Gap {
        metric,
        groups: None,
        tolerance: None,
        one_sided: false,
        setting: None,
    }
}

impl<R: Features + 'static> Gap<R> {
    /// Compares every pair of values of `feature` (missing values form no group). A numeric
    /// feature with more than [`MAX_NUMERIC_GROUPS`] distinct values is refused: compare
    /// bins of it with [`across_bins`](Gap::across_bins).
    ///
    /// With many groups many pairs are compared, so a pair fails only when its p-value,
    /// adjusted by Holm's method over all pairs, is at most 5%: comparing many pairs does not
    /// fail a fair model by chance.
    pub fn across<T>(mut self, feature: Feature<R, T>) -> Self {
        let index = feature.index();
        self.groups = Some(Groups::Across {
            feature: feature.name().to_string(),
            numeric: feature.spec().is_numeric(),
            group_of: Box::new(move |row: &R| match row.value(index) {
                Value::Missing => None,
                Value::Category(c) => Some(c.into_owned()),
                Value::Number(x) => Some(x.to_string()),
            }),
        });
        self
    }

    /// Compares the bins of a numeric `feature` cut at `edges` (sorted, finite, distinct):
    /// edges `[12, 24]` make the groups `tenure < 12`, `12 ≤ tenure < 24` and `tenure ≥ 24`.
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Customer { tenure: f64 }
    ///
    /// let by_tenure = gap(recall("Yes")).across_bins(Customer::TENURE, [12.0, 24.0]).at_most(0.1);
    /// # let _ = by_tenure;
    /// ```
    pub fn across_bins<T>(
        mut self,
        feature: Feature<R, T>,
        edges: impl IntoIterator<Item = f64>,
    ) -> Self {
        let name = feature.name();
        let edges: Vec<f64> = edges.into_iter().collect();
        if edges.is_empty()
            || edges.iter().any(|e| !e.is_finite())
            || edges.windows(2).any(|w| w[0] >= w[1])
        {
            self.setting = Some(format!(
                "bin edges {edges:?} for `{name}` must be finite, distinct and sorted, at least one"
            ));
        }
        let index = feature.index();
        let show = crate::fmt::significant;
        self.groups = Some(Groups::Across {
            feature: name.to_string(),
            numeric: false,
            group_of: Box::new(move |row: &R| {
                let x = row.value(index).as_number()?;
                let at = edges.partition_point(|&e| e <= x);
                Some(match at {
                    0 => format!("{name} < {}", show(edges[0])),
                    i if i == edges.len() => format!("{name} ≥ {}", show(edges[i - 1])),
                    i => format!("{} ≤ {name} < {}", show(edges[i - 1]), show(edges[i])),
                })
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

    /// The gap may be at most `d` in either direction (or, [`one_sided`](Gap::one_sided),
    /// the first group's rate may exceed the second's by at most `d`).
    pub fn at_most(mut self, d: f64) -> Self {
        self.tolerance = Some(d);
        self
    }

    /// Only a gap in one direction counts: between cohorts `a` and `b`, the rate of `a`
    /// minus the rate of `b` may be at most `d` ("the false-positive rate of seniors exceeds
    /// the others' by at most 5 points"); `b` faring worse never fails. Only for
    /// [`between`](Gap::between).
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Customer { senior: u8 }
    ///
    /// let seniors = Cohort::equals(Customer::SENIOR, 1).named("seniors");
    /// let others = Cohort::equals(Customer::SENIOR, 0).named("others");
    /// let e = gap(false_positive_rate("Yes")).between(seniors, others).one_sided().at_most(0.05);
    /// # let _ = e;
    /// ```
    pub fn one_sided(mut self) -> Self {
        self.one_sided = true;
        self
    }
}

/// The smallest `α` at which the `(1 − α)` Newcombe interval of `a − b` lies wholly outside
/// the tolerated band — `(−∞, d]` one-sided, `[−d, d]` two-sided — so that `p ≤ 0.05` exactly
/// when the 95% interval does. 1 when the estimate itself lies in the band.
fn exclusion_p_value(a: Proportion, b: Proportion, d: f64, one_sided: bool) -> f64 {
    let (Some(ra), Some(rb)) = (a.rate(), b.rate()) else {
        return 1.0;
    };
    let g = ra - rb;
    let above = g > d;
    let below = !one_sided && g < -d;
    if !above && !below {
        return 1.0;
    }
    let outside = |z: f64| {
        crate::stats::newcombe(a.successes(), a.n(), b.successes(), b.n(), z)
            .is_some_and(|ci| if above { ci.lo > d } else { ci.hi < -d })
    };
    // The interval widens with z: bisect for the largest z that still excludes the band.
    let (mut lo, mut hi) = (0.0, 40.0);
    if outside(hi) {
        return 2.0 * crate::stats::normal_cdf(-hi);
    }
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if outside(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    2.0 * crate::stats::normal_cdf(-lo)
}

/// One pair's comparison.
struct Pair {
    a: String,
    b: String,
    gap: f64,
    interval: Interval,
    n: u64,
    p: f64,
    adjusted: f64,
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
        if self.one_sided
            && let Some(Groups::Between(a, b)) = &self.groups
        {
            return format!(
                "{} of {} exceeds that of {} by at most {d}",
                self.metric,
                a.name(),
                b.name()
            );
        }
        format!("the gap in {} {over} is at most {d}", self.metric)
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let d = difference_tolerance(&self.metric, self.tolerance, "gap")?;
        if let Some(setting) = &self.setting {
            return Err(setting_error(setting.clone()));
        }
        let Some(groups) = &self.groups else {
            return Err(setting_error(
                "a gap needs groups: call .across(feature) or .between(a, b)".into(),
            ));
        };
        if self.one_sided && matches!(groups, Groups::Across { .. }) {
            return Err(setting_error(
                "a one-sided gap compares two cohorts in a stated order: use .between(a, b)".into(),
            ));
        }
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
                .or_insert_with(|| ClassificationMetrics::without_auc(classes.clone()))
                .add_output(truth[i], &predictions[i])?;
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
        if let Groups::Across {
            feature,
            numeric: true,
            ..
        } = groups
            && rates.len() > MAX_NUMERIC_GROUPS
        {
            return Err(setting_error(format!(
                "`{feature}` is numeric with {} distinct values ({} pairs); compare bins of it with .across_bins({feature}, [edges])",
                rates.len(),
                rates.len() * (rates.len() - 1) / 2
            )));
        }
        let mut pairs = Vec::new();
        for (i, (name_a, a)) in rates.iter().enumerate() {
            for (name_b, b) in &rates[i + 1..] {
                let interval = newcombe_difference(*a, *b).expect("both have trials");
                let gap = a.rate().unwrap_or(0.0) - b.rate().unwrap_or(0.0);
                pairs.push(Pair {
                    a: name_a.clone(),
                    b: name_b.clone(),
                    gap,
                    interval,
                    n: a.n() + b.n(),
                    p: exclusion_p_value(*a, *b, d, self.one_sided),
                    adjusted: 1.0,
                    verdict: Verdict::Inconclusive,
                });
            }
        }
        // A pair fails when its Holm-adjusted p-value is at most 5% (with one pair: when its
        // 95% interval misses the band); it passes when its 95% interval lies in the band.
        let adjusted = crate::stats::holm(&pairs.iter().map(|p| p.p).collect::<Vec<_>>());
        for (pair, adjusted) in pairs.iter_mut().zip(adjusted) {
            pair.adjusted = adjusted;
            let ci = pair.interval;
            let within = ci.hi <= d && (self.one_sided || ci.lo >= -d);
            pair.verdict = if within {
                Verdict::Pass
            } else if adjusted <= super::ALPHA {
                Verdict::Fail
            } else {
                Verdict::Inconclusive
            };
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
        let method = if pairs.len() > 1 {
            Method::new(Method::NEWCOMBE_HOLM).with("pairs", pairs.len() as f64)
        } else {
            Method::newcombe()
        };
        let mut outcome = Finding::new(
            verdict,
            Evidence {
                estimate: Some(worst.gap),
                interval: Some(worst.interval),
                n: worst.n,
                threshold: Some(d),
                p_value: Some(worst.p),
                adjusted_p_value: (pairs.len() > 1).then_some(worst.adjusted),
                rows_needed: None,
                ..Evidence::new(Unit::Points, method)
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
                Column::number("p", Unit::PValue),
                Column::number("Holm p", Unit::PValue),
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
                    p.p.into(),
                    p.adjusted.into(),
                    p.verdict.label().into(),
                ])
                .expect("eight cells for eight columns");
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
