//! Metrics as mergeable one-pass accumulators, with intervals on every proportion.
//!
//! Each accumulator sees every row once ([`ClassificationMetrics::add`],
//! [`RegressionMetrics::add`]) and can be merged with another built over different rows:
//! the merge equals the accumulator over the union. So per-cohort metrics come from one pass,
//! and partial results from shards or threads combine exactly.
//!
//! Definitions follow scikit-learn (the parity tests compare to it to 1e-9): the predicted
//! class is the most probable one (the first on ties), per-class precision, recall and F1
//! with macro, micro and weighted averages over the classes present (an undefined per-class
//! ratio counts as 0, as `zero_division=0`), one-vs-rest ROC AUC, log loss with probabilities clipped to
//! `[ε, 1 − ε]`, Brier score, and MAE, RMSE and R² for regression. Every proportion is a
//! [`Proportion`] whose [`wilson`](Proportion::wilson) interval matches statsmodels'
//! `proportion_confint(method="wilson")`.

mod auc;
mod classification;
mod regression;

use std::fmt;

pub use auc::{BinnedAuc, RankCounts};
pub use classification::{Average, CALIBRATION_BINS, ClassificationMetrics, MetricError};
pub use regression::RegressionMetrics;

pub use crate::stats::{Interval, Z_95};

/// `successes` out of `n` trials: accuracy, recall, a false-positive rate, a flip rate.
///
/// ```
/// use model_check::metrics::Proportion;
///
/// let p = Proportion::new(57, 1000);
/// assert_eq!(p.rate(), Some(0.057));
/// let ci = p.wilson().unwrap();
/// // statsmodels: proportion_confint(57, 1000, method="wilson")
/// assert!((ci.lo - 0.044_253_440_358_715_93).abs() < 1e-12);
/// assert!((ci.hi - 0.073_137_067_659_485_91).abs() < 1e-12);
/// assert_eq!(p.to_string(), "5.7% (95% CI 4.4%–7.3%, n = 1000)");
/// assert_eq!(format!("{p:#}"), "5.7% [4.4–7.3]"); // compact, for tables
/// assert_eq!(Proportion::new(0, 0).rate(), None); // undefined, not zero
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Proportion {
    successes: u64,
    n: u64,
}

impl Proportion {
    /// `successes` out of `n`.
    ///
    /// # Panics
    ///
    /// When `successes > n`: a programming error, never a data error.
    pub fn new(successes: u64, n: u64) -> Self {
        assert!(successes <= n, "{successes} successes out of {n} trials");
        Proportion { successes, n }
    }

    /// The number of successes.
    pub fn successes(&self) -> u64 {
        self.successes
    }

    /// The number of trials.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The observed rate, or `None` when there are no trials.
    pub fn rate(&self) -> Option<f64> {
        (self.n > 0).then(|| self.successes as f64 / self.n as f64)
    }

    /// The rate, counting an undefined rate (no trials) as 0, as scikit-learn's
    /// `zero_division=0` does.
    pub fn rate_or_zero(&self) -> f64 {
        self.rate().unwrap_or(0.0)
    }

    /// The Wilson score interval at 95% confidence, or `None` when there are no trials.
    ///
    /// Unlike the normal-approximation interval it stays inside `[0, 1]` and keeps close to
    /// nominal coverage for small `n` and rates near 0 or 1.
    pub fn wilson(&self) -> Option<Interval> {
        crate::stats::wilson(self.successes, self.n, Z_95)
    }

    /// The Wilson interval for the normal quantile `z` (1.96 for 95%).
    pub fn wilson_z(&self, z: f64) -> Option<Interval> {
        crate::stats::wilson(self.successes, self.n, z)
    }
}

/// `5.7% (95% CI 4.4%–7.3%, n = 1000)`; the alternate form `{:#}` is the compact
/// `5.7% [4.4–7.3]`. A proportion of no trials shows as undefined (`n/a`).
impl fmt::Display for Proportion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.rate(), self.wilson()) {
            (Some(rate), Some(ci)) if f.alternate() => write!(
                f,
                "{:.1}% [{:.1}–{:.1}]",
                100.0 * rate,
                100.0 * ci.lo,
                100.0 * ci.hi
            ),
            (Some(rate), Some(ci)) => write!(
                f,
                "{:.1}% (95% CI {:.1}%–{:.1}%, n = {})",
                100.0 * rate,
                100.0 * ci.lo,
                100.0 * ci.hi,
                self.n
            ),
            _ if f.alternate() => f.write_str("n/a"),
            _ => f.write_str("undefined (n = 0)"),
        }
    }
}

/// A compensated (Neumaier) sum: accurate to about one rounding error however many terms,
/// and mergeable.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub(crate) fn merge(&mut self, other: &Sum) {
        self.add(other.sum);
        self.add(other.compensation);
    }

    pub(crate) fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_is_symmetric_and_contains_the_rate() {
        for n in [1u64, 2, 7, 20, 1000] {
            for s in 0..=n.min(30) {
                let ci = Proportion::new(s, n).wilson().unwrap();
                let mirror = Proportion::new(n - s, n).wilson().unwrap();
                assert!(ci.contains(s as f64 / n as f64));
                assert!((ci.lo - (1.0 - mirror.hi)).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn neumaier_sum_recovers_what_naive_summation_loses() {
        let mut s = Sum::default();
        for x in [1.0, 1e100, 1.0, -1e100] {
            s.add(x);
        }
        assert_eq!(s.value(), 2.0);
    }
}
