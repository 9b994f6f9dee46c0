//! The population stability index of a feature against a reference, decided on an interval
//! that accounts for the plug-in estimate's bias.
//!
//! `check_data(today).against(reference).expect(population_stability(Customer::TENURE).at_most(0.1))`:
//! the PSI over the reference's decile bins ([`Bins`](crate::stats::Bins)) for a numeric
//! feature, over the levels for a categorical one (a level the reference never had counts as
//! a bin with a share of 1e-6 there, so it shows). The plug-in PSI is biased upward by about
//! `(k − 1)(1/n + 1/m)` — 0.18 for two samples of a hundred rows in ten bins that did not
//! move at all — so the verdict rests on the basic bootstrap interval of
//! [`psi_interval`](crate::stats::psi_interval), which removes that bias: `Pass` when the whole
//! interval is at most the threshold, `Fail` when it lies above, `Inconclusive` otherwise.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use super::metric::{Direction, Rule, decide, setting_error};
use super::{Context, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::data::{Feature, Features, Value};
use crate::model::Model;
use crate::outcome::Unit;

/// The population stability index of one feature, built by [`population_stability`];
/// finished by [`at_most`](PopulationStability::at_most).
#[derive(Debug)]
pub struct PopulationStability<R> {
    feature: usize,
    name: &'static str,
    max: Option<f64>,
    bins: usize,
    resamples: u32,
    row: PhantomData<fn(&R)>,
}

impl<R> Clone for PopulationStability<R> {
    fn clone(&self) -> Self {
        PopulationStability {
            feature: self.feature,
            name: self.name,
            max: self.max,
            bins: self.bins,
            resamples: self.resamples,
            row: PhantomData,
        }
    }
}

/// The bins of a numeric feature's PSI unless [`bins`](PopulationStability::bins) says
/// otherwise: the reference's deciles.
pub const PSI_BINS: usize = 10;

/// The population stability index of `feature` between the checked rows and the check's
/// reference (`.against(reference)`), with an interval free of the plug-in bias. Missing
/// values (and NaNs) are left out of both.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Reading { volts: f64 }
///
/// let readings = |n: u32, shift: f64| -> Result<Dataset<Reading>, DataError> {
///     Dataset::unlabelled((0..n).map(|i| Reading {
///         volts: f64::from((i * 7919) % n) / f64::from(n) + shift,
///     }).collect())
/// };
/// // A hundred readings that did not move: the plug-in PSI is noise, the interval says so.
/// let report = check_data(readings(100, 0.003)?)
///     .against(readings(100, 0.0)?)
///     .expect(population_stability(Reading::VOLTS).at_most(0.1))
///     .run(1);
/// assert_ne!(report.outcomes[0].verdict, Verdict::Fail);
///
/// // Ten thousand readings shifted by a quarter of their range.
/// let report = check_data(readings(10_000, 0.25)?)
///     .against(readings(10_000, 0.0)?)
///     .expect(population_stability(Reading::VOLTS).at_most(0.1))
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn population_stability<R: Features, T>(feature: Feature<R, T>) -> PopulationStability<R> {
    PopulationStability {
        feature: feature.index(),
        name: feature.name(),
        max: None,
        bins: PSI_BINS,
        resamples: super::DEFAULT_RESAMPLES,
        row: PhantomData,
    }
}

impl<R> PopulationStability<R> {
    /// The PSI may be at most `psi` (0.1 is the usual alert, 0.25 the usual alarm).
    pub fn at_most(mut self, psi: f64) -> Self {
        self.max = Some(psi);
        self
    }

    /// Bins of a numeric feature: the reference's `1/k` quantiles (at least 2; ignored for a
    /// categorical feature, whose bins are its levels).
    pub fn bins(mut self, k: usize) -> Self {
        self.bins = k;
        self
    }

    /// Bootstrap resamples of the interval.
    pub fn resamples(mut self, resamples: u32) -> Self {
        self.resamples = resamples;
        self
    }
}

impl<M> Expectation<M> for PopulationStability<M::Input>
where
    M: Model,
    M::Input: Features,
{
    fn describe(&self) -> String {
        match self.max {
            Some(max) => format!(
                "the population stability index of `{}` against the reference is at most {}",
                self.name,
                crate::fmt::number(max)
            ),
            None => format!("the population stability index of `{}`", self.name),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(max) = self.max else {
            return Err(setting_error(
                "a population stability index needs a threshold: call .at_most(psi)".into(),
            ));
        };
        if !(max.is_finite() && max >= 0.0) {
            return Err(setting_error(format!(
                "the PSI threshold of `{}` must be a finite number at least 0, not {max}",
                self.name
            )));
        }
        if self.bins < 2 || self.resamples < super::MIN_RESAMPLES {
            return Err(setting_error(format!(
                "the PSI of `{}` needs at least 2 bins and {} resamples (got {} and {})",
                self.name,
                super::MIN_RESAMPLES,
                self.bins,
                self.resamples
            )));
        }
        let reference = context.reference()?;
        let data = context.data();
        let current: Vec<Value> = context
            .rows()
            .iter()
            .map(|&r| data.rows()[r].value(self.feature))
            .filter(|v| !matches!(v, Value::Missing))
            .collect();
        let before: Vec<Value> = reference
            .rows()
            .iter()
            .map(|r| r.value(self.feature))
            .filter(|v| !matches!(v, Value::Missing))
            .collect();
        let empty = || {
            setting_error(format!(
                "`{}` has no values in the checked rows or the reference",
                self.name
            ))
        };
        let (expected, actual) = if M::Input::SCHEMA[self.feature].is_numeric() {
            let numbers = |v: &[Value]| -> Vec<f64> {
                v.iter()
                    .filter_map(Value::as_number)
                    .filter(|x| !x.is_nan())
                    .collect()
            };
            let (before, current) = (numbers(&before), numbers(&current));
            if current.is_empty() {
                return Err(empty());
            }
            let bins = crate::stats::Bins::of(&before, self.bins).ok_or_else(empty)?;
            (bins.counts(&before), bins.counts(&current))
        } else {
            let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
            for v in &before {
                if let Value::Category(c) = v {
                    counts.entry(c.as_ref()).or_default().0 += 1;
                }
            }
            for v in &current {
                if let Value::Category(c) = v {
                    counts.entry(c.as_ref()).or_default().1 += 1;
                }
            }
            counts.values().copied().unzip()
        };
        let psi = crate::stats::psi_of_counts(&expected, &actual).ok_or_else(empty)?;
        let mut rng = crate::rng::seeded_rng(context.seed());
        let interval = crate::stats::psi_interval(&expected, &actual, self.resamples, &mut rng);
        let (n, m): (u64, u64) = (actual.iter().sum(), expected.iter().sum());
        let k = expected.len();
        let mut finding = decide(
            &Rule::new(Direction::AtMost, max),
            psi,
            interval,
            n,
            Method::new("psi basic bootstrap")
                .with("bins", k as f64)
                .with("resamples", f64::from(self.resamples)),
            false,
            "rows",
        );
        finding.evidence.unit = Unit::Distance;
        let bias = (k as f64 - 1.0) * (1.0 / n as f64 + 1.0 / m as f64);
        let sizes = format!(
            "{n} values against {m} in the reference, {k} bins; noise alone gives a plug-in PSI of about {}",
            crate::fmt::number(bias)
        );
        finding.note = Some(match finding.note.take() {
            Some(why) => format!("{why}. {sizes}"),
            None => sizes,
        });
        Ok(finding.into())
    }
}
