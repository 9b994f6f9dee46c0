//! Drift of a numeric feature from a reference, decided on a bound of the distance rather than
//! on a p-value, so the verdict does not flip as batches grow.
//!
//! `check_data(today).against(reference).expect(drift(Customer::TENURE).at_most(0.1))`: the
//! two-sample Kolmogorov–Smirnov distance between the feature's values in the checked rows
//! and in the reference, with its Dvoretzky–Kiefer–Wolfowitz 95% interval
//! ([`ks_interval`](crate::stats::ks_interval)). `Pass` when the whole interval is at most δ,
//! `Fail` when it lies wholly above, `Inconclusive` otherwise — a batch of a hundred rows cannot
//! show that nothing moved, and says so, where a p-value would call it "no drift".
//!
//! A categorical feature's drift is the largest change of one level's share, with the
//! simultaneous interval of [`level_shift_interval`](crate::stats::level_shift_interval)
//! (Hoeffding over the declared levels of an enum, or twice the DKW bound for an open set).

use std::marker::PhantomData;

use super::metric::{Direction, Domain, Rule, check_threshold, decide, setting_error};
use super::{Context, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::data::{Feature, Features, Value};
use crate::model::{Model, Probabilities};
use crate::outcome::{Column, Finding, Plot, Table, Unit};

/// The drift of one numeric feature, built by [`drift`]; finished by
/// [`at_most`](Drift::at_most).
#[derive(Debug)]
pub struct Drift<R> {
    feature: usize,
    name: &'static str,
    max: Option<f64>,
    row: PhantomData<fn(&R)>,
}

impl<R> Clone for Drift<R> {
    fn clone(&self) -> Self {
        Drift {
            feature: self.feature,
            name: self.name,
            max: self.max,
            row: PhantomData,
        }
    }
}

/// The drift of a feature between the checked rows and the check's reference
/// (`.against(reference)`): the Kolmogorov–Smirnov distance for a numeric feature, the
/// largest change of one level's share for a categorical one. Missing values (and NaNs) are
/// left out of both (expect them with [`missing_rate`](super::missing_rate)).
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Reading { volts: f64 }
///
/// let reading = |i: u32| Reading { volts: f64::from(i % 1000) / 1000.0 };
/// let reference = Dataset::unlabelled((0..20_000).map(reading).collect())?;
/// // The same distribution, a larger batch: the bound shows the drift is small.
/// let today = Dataset::unlabelled((0..50_000).map(|i| reading(i * 7)).collect())?;
/// let report = check_data(today)
///     .against(reference.clone())
///     .expect(drift(Reading::VOLTS).at_most(0.05))
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Pass);
///
/// // A hundred readings cannot show it either way.
/// let few = Dataset::unlabelled((0..100).map(|i| reading(i * 10)).collect())?;
/// let report = check_data(few)
///     .against(reference)
///     .expect(drift(Reading::VOLTS).at_most(0.05))
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Inconclusive);
///
/// // A categorical feature: "b" went from a fifth of the rows to half of them.
/// #[derive(Features, Clone)]
/// struct Visit { source: String }
/// let visits = |share_b: u32| -> Result<Dataset<Visit>, DataError> {
///     Dataset::unlabelled((0..10_000).map(|i| Visit {
///         source: if i % 100 < share_b { "b" } else { "a" }.to_string(),
///     }).collect())
/// };
/// let report = check_data(visits(50)?)
///     .against(visits(20)?)
///     .expect(drift(Visit::SOURCE).at_most(0.1))
///     .run(1);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Fail);
/// assert!((outcome.evidence.estimate.unwrap() - 0.3).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn drift<R: Features, T>(feature: Feature<R, T>) -> Drift<R> {
    Drift {
        feature: feature.index(),
        name: feature.name(),
        max: None,
        row: PhantomData,
    }
}

impl<R> Drift<R> {
    /// The distance may be at most `d` (in `[0, 1]`).
    pub fn at_most(mut self, d: f64) -> Self {
        self.max = Some(d);
        self
    }
}

/// The confidence of the DKW interval.
const ALPHA: f64 = 0.05;

impl<M> Expectation<M> for Drift<M::Input>
where
    M: Model,
    M::Input: Features,
{
    fn describe(&self) -> String {
        match self.max {
            Some(max) => format!(
                "`{}` drifts from the reference by at most {} ({})",
                self.name,
                crate::fmt::number(max),
                if M::Input::SCHEMA[self.feature].is_numeric() {
                    "Kolmogorov–Smirnov"
                } else {
                    "largest change of a level's share"
                }
            ),
            None => format!("the drift of `{}`", self.name),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let max = drift_threshold(self.max, &format!("`{}`", self.name))?;
        let spec = &M::Input::SCHEMA[self.feature];
        let reference = context.reference()?;
        let data = context.data();
        let current_rows = || context.rows().iter().map(|&r| &data.rows()[r]);
        let what = format!("`{}`", self.name);
        let finding = if spec.is_numeric() {
            let numbers = |rows: &mut dyn Iterator<Item = &M::Input>| -> Vec<f64> {
                rows.filter_map(|r| r.value(self.feature).as_number())
                    .filter(|x| !x.is_nan())
                    .collect()
            };
            let current = numbers(&mut current_rows());
            let before = numbers(&mut reference.rows().iter());
            numeric_drift(&current, &before, max, &what)?
        } else {
            let levels = |rows: &mut dyn Iterator<Item = &M::Input>| -> Vec<Value> {
                rows.map(|r| r.value(self.feature))
                    .filter(|v| !matches!(v, Value::Missing))
                    .collect()
            };
            let (current, before) = (
                levels(&mut current_rows()),
                levels(&mut reference.rows().iter()),
            );
            fn text(values: &[Value]) -> Vec<&str> {
                values
                    .iter()
                    .map(|v| match v {
                        Value::Category(c) => c.as_ref(),
                        _ => "",
                    })
                    .collect()
            }
            let declared = (!spec.levels().is_empty()).then_some(spec.levels().len());
            level_drift(&text(&current), &text(&before), declared, max, &what)?
        };
        Ok(finding.into())
    }
}

/// "The drift of `what` is at most `max`" on two samples of numbers: the Kolmogorov–Smirnov
/// distance on its DKW interval.
fn numeric_drift(
    current: &[f64],
    before: &[f64],
    max: f64,
    what: &str,
) -> Result<Finding, EvalError> {
    if current.iter().chain(before).any(|x| x.is_nan()) {
        return Err(setting_error(format!(
            "{what} has NaN values: a distance between distributions needs numbers"
        )));
    }
    let d = crate::stats::ks_statistic(current, before).ok_or_else(|| no_values(what))?;
    let (n, m) = (current.len(), before.len());
    let interval = crate::stats::ks_interval(d, n, m, ALPHA);
    let mut finding = drift_finding(d, interval, max, n, m, Method::new("ks dkw"), None);
    finding.evidence.tables.push(histogram(current, before));
    Ok(finding)
}

/// The two samples' shares in the reference's deciles (the outer bins stretched to the
/// current sample's extremes): what moved, for a reader. Ten rows at most, whatever the rows.
fn histogram(current: &[f64], before: &[f64]) -> Table {
    let mut sorted = before.to_vec();
    sorted.sort_by(f64::total_cmp);
    let low = current.iter().copied().fold(sorted[0], f64::min);
    let high = current
        .iter()
        .copied()
        .fold(sorted[sorted.len() - 1], f64::max);
    let mut edges = vec![low];
    for k in 1..10 {
        let q = sorted[k * (sorted.len() - 1) / 10];
        if q > edges[edges.len() - 1] && q < high {
            edges.push(q);
        }
    }
    edges.push(high);
    // Bin i holds [edges[i], edges[i + 1]), the last also its upper edge.
    let shares = |sample: &[f64]| {
        let mut counts = vec![0u64; edges.len() - 1];
        for &x in sample {
            let i = edges[1..]
                .partition_point(|&e| e <= x)
                .min(counts.len() - 1);
            counts[i] += 1;
        }
        counts
            .into_iter()
            .map(|c| c as f64 / sample.len() as f64)
            .collect::<Vec<_>>()
    };
    let (now, then) = (shares(current), shares(before));
    let mut table = Table::new(
        "distribution in the reference's deciles",
        [
            Column::number("from", Unit::Number),
            Column::number("to", Unit::Number),
            Column::number("reference", Unit::Proportion),
            Column::number("checked rows", Unit::Proportion),
        ],
    );
    for i in 0..now.len() {
        table
            .push([
                edges[i].into(),
                edges[i + 1].into(),
                then[i].into(),
                now[i].into(),
            ])
            .expect("four cells for four columns");
    }
    table.with_plot(Plot::Histogram {
        lo: "from".into(),
        hi: "to".into(),
        count: "checked rows".into(),
        reference: Some("reference".into()),
    })
}

/// The same on two samples of levels: the largest change of a level's share on its
/// simultaneous interval (`declared` levels known in advance, if any).
fn level_drift(
    current: &[&str],
    before: &[&str],
    declared: Option<usize>,
    max: f64,
    what: &str,
) -> Result<Finding, EvalError> {
    let (d, level) = crate::stats::level_shift(current, before).ok_or_else(|| no_values(what))?;
    let (n, m) = (current.len(), before.len());
    let interval = crate::stats::level_shift_interval(d, n, m, declared, ALPHA);
    let moved = format!("the share of `{level}` moved most");
    let mut finding = drift_finding(
        d,
        interval,
        max,
        n,
        m,
        Method::new("level shares"),
        Some(moved),
    );
    finding.evidence.tables.push(level_shares(current, before));
    Ok(finding)
}

/// Each level's share before and after, the levels that moved most first (at most
/// [`MAX_TABLE_ROWS`](crate::outcome::MAX_TABLE_ROWS) kept), with the change drawn as bars.
fn level_shares(current: &[&str], before: &[&str]) -> Table {
    let mut counts: std::collections::BTreeMap<&str, (u64, u64)> = Default::default();
    for &level in current {
        counts.entry(level).or_default().0 += 1;
    }
    for &level in before {
        counts.entry(level).or_default().1 += 1;
    }
    let (n, m) = (current.len().max(1) as f64, before.len().max(1) as f64);
    let mut levels: Vec<(&str, f64, f64)> = counts
        .into_iter()
        .map(|(level, (a, b))| (level, b as f64 / m, a as f64 / n))
        .collect();
    levels.sort_by(|x, y| (y.2 - y.1).abs().total_cmp(&(x.2 - x.1).abs()));
    let mut table = Table::new(
        "level shares",
        [
            Column::text("level"),
            Column::number("reference", Unit::Proportion),
            Column::number("checked rows", Unit::Proportion),
            Column::number("change", Unit::Points),
        ],
    );
    for (level, then, now) in levels {
        table
            .push([level.into(), then.into(), now.into(), (now - then).into()])
            .expect("four cells for four columns");
    }
    table.with_plot(Plot::Bars {
        label: "level".into(),
        value: "change".into(),
    })
}

fn no_values(what: &str) -> EvalError {
    setting_error(format!(
        "{what} has no values in the checked rows or the reference"
    ))
}

pub(crate) fn drift_finding(
    d: f64,
    interval: crate::stats::Interval,
    max: f64,
    n: usize,
    m: usize,
    method: Method,
    moved: Option<String>,
) -> Finding {
    let mut finding = decide(
        &Rule::new(Direction::AtMost, max),
        d,
        Some(interval),
        n as u64,
        method.with("alpha", ALPHA),
        false,
        "rows",
    );
    finding.evidence.unit = Unit::Distance;
    let mut sizes = format!("{n} values against {m} in the reference");
    if let Some(moved) = moved {
        sizes = format!("{moved}; {sizes}");
    }
    finding.note = Some(match finding.note.take() {
        Some(why) => format!("{why}. {sizes}"),
        None => sizes,
    });
    finding
}

fn drift_threshold(max: Option<f64>, what: &str) -> Result<f64, EvalError> {
    let Some(max) = max else {
        return Err(setting_error(
            "a drift needs a threshold: call .at_most(distance)".into(),
        ));
    };
    check_threshold(max, Domain::UNIT, &format_args!("the drift of {what}"))?;
    Ok(max)
}

/// A model output whose drift can be measured: a regressor's prediction, or a classifier's
/// probability of one class (with its predicted label).
pub trait DriftScore {
    /// The score of this output: the prediction, or the probability of `class` (`None`: the
    /// second of two classes, the positive one of a binary model).
    fn drift_score(&self, class: Option<&str>) -> Result<f64, String>;
}

impl DriftScore for f64 {
    fn drift_score(&self, _: Option<&str>) -> Result<f64, String> {
        Ok(*self)
    }
}

impl DriftScore for Probabilities {
    fn drift_score(&self, class: Option<&str>) -> Result<f64, String> {
        let classes = self.classes();
        let index = match class {
            Some(c) => classes.index_of(c).ok_or_else(|| {
                format!(
                    "`{c}` is not a class of the model (classes: {})",
                    classes.names().join(", ")
                )
            })?,
            None if classes.len() == 2 => 1,
            None => {
                return Err(format!(
                    "the model has {} classes: name the one whose probability drifts with .class(..)",
                    classes.len()
                ));
            }
        };
        Ok(self.as_slice()[index])
    }
}

/// The drift of a model's predictions between the checked rows and the reference, built by
/// [`prediction_drift`]; finished by [`at_most`](PredictionDrift::at_most).
#[derive(Debug, Clone, Default)]
pub struct PredictionDrift {
    class: Option<String>,
    max: Option<f64>,
}

/// The Kolmogorov–Smirnov drift of the model's scores between the checked rows and the
/// check's reference: a regressor's predictions, or a classifier's probability of one class
/// (the positive class of a binary model unless [`class`](PredictionDrift::class) names
/// another) — needing no labels, the first sign that a model sees a different world.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { x: f64 }
///
/// let model = Classifier::from_fn(ModelInfo::new("sigmoid", "1"), ["no", "yes"], |b: &[Row]| {
///     Ok(b.iter().map(|r| { let p = 1.0 / (1.0 + (-r.x).exp()); vec![1.0 - p, p] }).collect())
/// })?;
/// let rows = |shift: f64| -> Result<Dataset<Row>, DataError> {
///     Dataset::unlabelled((0..5000).map(|i| Row { x: f64::from(i % 100) / 25.0 - 2.0 + shift }).collect())
/// };
/// let report = check(model, rows(1.0)?)
///     .against(rows(0.0)?)
///     .expect(prediction_drift().at_most(0.1))
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn prediction_drift() -> PredictionDrift {
    PredictionDrift::default()
}

impl PredictionDrift {
    /// The class whose probability is compared.
    pub fn class(mut self, class: impl Into<String>) -> Self {
        self.class = Some(class.into());
        self
    }

    /// The distance may be at most `d` (in `[0, 1]`).
    pub fn at_most(mut self, d: f64) -> Self {
        self.max = Some(d);
        self
    }
}

impl<M> Expectation<M> for PredictionDrift
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: DriftScore + Clone + PartialEq + Send + Sync + 'static,
{
    fn describe(&self) -> String {
        let what = match &self.class {
            Some(c) => format!("the probability of {c:?}"),
            None => "the model's scores".to_string(),
        };
        match self.max {
            Some(max) => format!(
                "{what} drift from the reference by at most {} (Kolmogorov–Smirnov)",
                crate::fmt::number(max)
            ),
            None => format!("the drift of {what}"),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let max = drift_threshold(self.max, "the predictions")?;
        let class = self.class.as_deref();
        let score = |p: &M::Output| p.drift_score(class).map_err(setting_error);
        let before: Vec<f64> = context
            .reference_predictions()?
            .iter()
            .map(score)
            .collect::<Result<_, _>>()?;
        // The predictions of the checked rows, in their order.
        let current: Vec<f64> = context
            .predictions()?
            .iter()
            .map(score)
            .collect::<Result<_, _>>()?;
        Ok(numeric_drift(&current, &before, max, "the predictions")?.into())
    }
}

/// The drift of the labels between the checked rows and the reference, built by
/// [`label_drift`]; finished by [`at_most`](LabelDrift::at_most).
#[derive(Debug, Clone, Default)]
pub struct LabelDrift {
    max: Option<f64>,
}

/// The drift of the labels between the checked rows and the check's reference: the largest
/// change of a class's share for class labels, the Kolmogorov–Smirnov distance for numeric
/// targets (prior shift, once the labels arrive).
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { x: f64 }
///
/// let data = |churners: usize| -> Result<Dataset<Row>, DataError> {
///     let labels = (0..4000).map(|i| if i < churners { "Yes" } else { "No" });
///     Dataset::from_rows(vec![Row { x: 0.0 }; 4000], Labels::classes(labels)?)
/// };
/// let report = check_data(data(2000)?).against(data(1000)?).expect(label_drift().at_most(0.1)).run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail); // a quarter churned, now half
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn label_drift() -> LabelDrift {
    LabelDrift::default()
}

impl LabelDrift {
    /// The distance may be at most `d` (in `[0, 1]`).
    pub fn at_most(mut self, d: f64) -> Self {
        self.max = Some(d);
        self
    }
}

impl<M: Model> Expectation<M> for LabelDrift {
    fn describe(&self) -> String {
        match self.max {
            Some(max) => format!(
                "the labels drift from the reference by at most {}",
                crate::fmt::number(max)
            ),
            None => "the drift of the labels".into(),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let max = drift_threshold(self.max, "the labels")?;
        let reference = context.reference()?.labels();
        let labels = context.data().labels();
        let rows = context.rows();
        let finding = match (labels.targets(), reference.targets()) {
            (Some(t), Some(before)) => {
                let current: Vec<f64> = rows.iter().map(|&r| t[r]).collect();
                numeric_drift(&current, before, max, "the labels")?
            }
            _ => {
                let (Some(_), Some(_)) = (labels.class_names(), reference.class_names()) else {
                    return Err(setting_error(
                        "label drift needs labels of one kind on both sides (classes or targets)"
                            .into(),
                    ));
                };
                let current: Vec<&str> = rows.iter().filter_map(|&r| labels.class_of(r)).collect();
                let before: Vec<&str> = (0..reference.len())
                    .filter_map(|r| reference.class_of(r))
                    .collect();
                let classes = reference.class_names().map(<[String]>::len);
                level_drift(&current, &before, classes, max, "the labels")?
            }
        };
        Ok(finding.into())
    }
}
