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
use crate::model::Model;
use crate::outcome::Unit;

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
/// largest change of one level's share for a categorical one. Missing values are left out of
/// both (expect them with [`missing_rate`](super::missing_rate)).
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
        let Some(max) = self.max else {
            return Err(setting_error(
                "a drift needs a threshold: call .at_most(distance)".into(),
            ));
        };
        check_threshold(
            max,
            Domain::UNIT,
            &format_args!("the drift of `{}`", self.name),
        )?;
        let spec = &M::Input::SCHEMA[self.feature];
        let reference = context.reference()?;
        let data = context.data();
        let current_rows = || context.rows().iter().map(|&r| &data.rows()[r]);
        let empty = || {
            setting_error(format!(
                "`{}` has no values in the checked rows or the reference",
                self.name
            ))
        };
        let (d, interval, n, m, method, moved) = if spec.is_numeric() {
            let numbers = |rows: &mut dyn Iterator<Item = &M::Input>| -> Vec<f64> {
                rows.filter_map(|r| r.value(self.feature).as_number())
                    .collect()
            };
            let current = numbers(&mut current_rows());
            let before = numbers(&mut reference.rows().iter());
            let d = crate::stats::ks_statistic(&current, &before).ok_or_else(empty)?;
            let (n, m) = (current.len(), before.len());
            let interval = crate::stats::ks_interval(d, n, m, ALPHA);
            (d, interval, n, m, Method::new("ks dkw"), None)
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
            let (a, b) = (text(&current), text(&before));
            let (d, level) = crate::stats::level_shift(&a, &b).ok_or_else(empty)?;
            let declared = (!spec.levels().is_empty()).then_some(spec.levels().len());
            let interval = crate::stats::level_shift_interval(d, a.len(), b.len(), declared, ALPHA);
            let moved = format!("the share of `{level}` moved most");
            (
                d,
                interval,
                a.len(),
                b.len(),
                Method::new("level shares"),
                Some(moved),
            )
        };
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
        Ok(finding.into())
    }
}
