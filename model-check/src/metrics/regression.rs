//! Regression metrics from one pass over (truth, prediction) pairs.

use super::{MetricError, Sum};

/// MAE, MSE, RMSE and R², accumulated in one pass and mergeable.
///
/// The spread of the targets (for R²) is kept as a count, mean and sum of squared deviations,
/// merged with Chan's parallel formula, so R² is exact to rounding whatever the split.
///
/// ```
/// use model_check::metrics::RegressionMetrics;
///
/// let mut m = RegressionMetrics::default();
/// for (y, pred) in [(3.0, 2.5), (-0.5, 0.0), (2.0, 2.0), (7.0, 8.0)] {
///     m.add(y, pred)?;
/// }
/// assert_eq!(m.mae(), Some(0.5));
/// assert_eq!(m.mse(), Some(0.375));
/// assert!((m.r2().unwrap() - 0.948_608_137_044_967_9).abs() < 1e-15); // scikit-learn's r2_score
/// assert!(m.add(1.0, f64::NAN).is_err());
/// # Ok::<(), model_check::metrics::MetricError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RegressionMetrics {
    n: u64,
    absolute: Sum,
    squared: Sum,
    mean: f64,
    /// Sum of squared deviations of the targets from their mean.
    spread: f64,
}

impl RegressionMetrics {
    /// Adds a row: the true value and the prediction; either not finite is an error.
    pub fn add(&mut self, truth: f64, prediction: f64) -> Result<(), MetricError> {
        if !truth.is_finite() || !prediction.is_finite() {
            return Err(MetricError::new(format!(
                "truth {truth} and prediction {prediction} must both be finite"
            )));
        }
        let error = prediction - truth;
        self.absolute.add(error.abs());
        self.squared.add(error * error);
        self.n += 1;
        let delta = truth - self.mean;
        self.mean += delta / self.n as f64;
        self.spread += delta * (truth - self.mean);
        Ok(())
    }

    /// Adds the rows of `other`.
    pub fn merge(&mut self, other: &RegressionMetrics) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * nb / n;
        self.spread += other.spread + delta * delta * na * nb / n;
        self.n += other.n;
        self.absolute.merge(&other.absolute);
        self.squared.merge(&other.squared);
    }

    /// The number of rows added.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Mean absolute error; `None` when empty.
    pub fn mae(&self) -> Option<f64> {
        (self.n > 0).then(|| self.absolute.value() / self.n as f64)
    }

    /// Mean squared error; `None` when empty.
    pub fn mse(&self) -> Option<f64> {
        (self.n > 0).then(|| self.squared.value() / self.n as f64)
    }

    /// Root mean squared error; `None` when empty.
    pub fn rmse(&self) -> Option<f64> {
        self.mse().map(f64::sqrt)
    }

    /// The coefficient of determination, `1 − SSE / SST`; `None` when empty. Constant
    /// targets give 1 for a perfect prediction and 0 otherwise, as scikit-learn's `r2_score`.
    pub fn r2(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let sse = self.squared.value();
        if self.spread == 0.0 {
            return Some(if sse == 0.0 { 1.0 } else { 0.0 });
        }
        Some(1.0 - sse / self.spread)
    }
}
