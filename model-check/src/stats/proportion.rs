//! Intervals for a proportion (Wilson) and for the difference of two independent proportions
//! (Newcombe's hybrid score).

use super::Interval;

/// The Wilson score interval, as statsmodels computes it (bounds clipped to `[0, 1]`).
pub fn wilson(successes: u64, n: u64, z: f64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let q = successes as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (q + z2 / (2.0 * n)) / denom;
    let dist = z * (q * (1.0 - q) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At 0 or n successes the bound is exactly 0 or 1; rounding must not move it off.
    let lo = if successes == 0 {
        0.0
    } else {
        (center - dist).clamp(0.0, 1.0)
    };
    let hi = if q == 1.0 {
        1.0
    } else {
        (center + dist).clamp(0.0, 1.0)
    };
    Some(Interval { lo, hi })
}

/// Newcombe's hybrid score 95% interval for `p1 − p2` of two independent proportions
/// (`s1` of `n1`, `s2` of `n2`), built from their Wilson intervals at `z`, as statsmodels'
/// `confint_proportions_2indep(method="newcomb")`; `None` if either has no trials.
pub fn newcombe(s1: u64, n1: u64, s2: u64, n2: u64, z: f64) -> Option<Interval> {
    let (w1, w2) = (wilson(s1, n1, z)?, wilson(s2, n2, z)?);
    let (p1, p2) = (s1 as f64 / n1 as f64, s2 as f64 / n2 as f64);
    let d = p1 - p2;
    Some(Interval {
        lo: (d - ((p1 - w1.lo).powi(2) + (w2.hi - p2).powi(2)).sqrt()).max(-1.0),
        hi: (d + ((w1.hi - p1).powi(2) + (p2 - w2.lo).powi(2)).sqrt()).min(1.0),
    })
}
