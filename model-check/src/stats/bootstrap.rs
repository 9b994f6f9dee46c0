//! The percentile bootstrap, drawn as multiplicities.
//!
//! A resample is drawn as multiplicities — how many times each row was drawn, with
//! replacement — so a statistic is computed from per-row quantities weighted by them in one
//! pass, without rebuilding accumulators for every resample.

use rand::{Rng, RngExt};

use super::Interval;

/// A percentile-bootstrap 95% interval of `statistic` over `n` rows, drawn from `rng`, `statistic`
/// receiving each resample's multiplicities. `None` when the statistic is undefined in more
/// than 5% of the resamples (an AUC on a cohort with a handful of positives): an interval
/// from the resamples where it happens to be defined would be biased.
pub fn percentile_bootstrap(
    resamples: u32,
    n: usize,
    rng: &mut impl Rng,
    statistic: impl Fn(&[u32]) -> Option<f64>,
) -> Option<Interval> {
    let mut values = Vec::with_capacity(resamples as usize);
    let mut weights = vec![0u32; n];
    for _ in 0..resamples {
        weights.iter_mut().for_each(|w| *w = 0);
        for _ in 0..n {
            weights[rng.random_range(0..n)] += 1;
        }
        if let Some(v) = statistic(&weights).filter(|v| v.is_finite()) {
            values.push(v);
        }
    }
    if values.is_empty() || (values.len() as f64) < 0.95 * f64::from(resamples) {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Interval {
        lo: quantile(&values, 0.025),
        hi: quantile(&values, 0.975),
    })
}

/// The `q` quantile of sorted values, interpolating linearly (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let weight = position - below as f64;
    sorted[below] + weight * (sorted[above] - sorted[below])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.quantile([1, 2, 4, 8], [0.25, 0.5, 0.75]) = [1.75, 3.0, 5.0]
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.75), 5.0);
        assert_eq!(quantile(&[7.0], 0.5), 7.0);
    }
}
