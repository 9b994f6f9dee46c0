//! Statistics behind every verdict: intervals for proportions and their differences, exact
//! binomial and McNemar tests, the percentile bootstrap, DeLong's interval for the ROC AUC,
//! the normal distribution, Holm's multiplicity adjustment, Benjamini–Hochberg's and
//! Benjamini–Yekutieli's false-discovery adjustments, Fisher's exact test, the drift
//! distances (Kolmogorov–Smirnov with its DKW interval, PSI, Wasserstein-1, Jensen–Shannon,
//! chi-square), the two-sample Kolmogorov–Smirnov test's p-value, and a mergeable quantile
//! sketch for streams.
//!
//! A leaf module: it imports nothing of the crate, and every expectation decides through it.
//! Each function names the reference implementation it matches (statsmodels, scipy, numpy);
//! the parity tests compare them.

mod binomial;
mod bootstrap;
mod delong;
mod drift;
mod hypergeometric;
mod isotonic;
mod ks;
mod multiple;
mod normal;
mod proportion;
mod sketch;

pub use binomial::{binomial_upper_tail, mcnemar_exact, mcnemar_one_sided};
pub use bootstrap::{percentile_bootstrap, percentile_bootstrap_cells, quantile};
pub use delong::{Delong, delong};
pub use drift::{
    Bins, ChiSquare, chi_square, jensen_shannon, ks_interval, ks_statistic, level_shift,
    level_shift_interval, psi, psi_interval, psi_of_counts, wasserstein,
};
pub use hypergeometric::fisher_exact_greater;
pub use isotonic::Isotonic;
pub use ks::{KsMethod, KsTest, ks_test, kstwo_sf};
pub use multiple::{benjamini_hochberg, benjamini_yekutieli, holm};
pub use normal::{normal_cdf, normal_quantile};
pub use proportion::{newcombe, wilson};
pub use sketch::{QuantileSketch, sketch_ks_statistic};

/// The standard normal quantile for a two-sided 95% interval, `Φ⁻¹(0.975)`, as
/// `scipy.stats.norm.isf(0.025)` gives it.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A confidence interval `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// The interval's width.
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}
