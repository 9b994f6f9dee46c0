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
        values.extend(statistic(&weights));
    }
    percentiles(values, resamples)
}

/// The same bootstrap for a statistic of how many resampled rows fall in each of `k` cells
/// (`cells[row] < k`; a confusion matrix's cells, say): each draw counts its row's cell, so
/// no multiplicity per row is kept or read again. The draws from `rng` are those of
/// [`percentile_bootstrap`] over `cells.len()` rows, so a statistic of the cell totals gets
/// the same interval, bit for bit, as it does from the multiplicities.
///
/// ```
/// use model_check::stats::{percentile_bootstrap, percentile_bootstrap_cells};
/// use model_check::rng::seeded_rng;
///
/// // 60 rows in cell 0, 40 in cell 1: the share of cell 1.
/// let cells: Vec<u16> = (0..100).map(|i| u16::from(i >= 60)).collect();
/// let by_cells = percentile_bootstrap_cells(500, &cells, 2, &mut seeded_rng(3), |c| {
///     Some(c[1] as f64 / (c[0] + c[1]) as f64)
/// });
/// let by_rows = percentile_bootstrap(500, 100, &mut seeded_rng(3), |w| {
///     let ones: u32 = w[60..].iter().sum();
///     Some(f64::from(ones) / 100.0)
/// });
/// assert_eq!(by_cells, by_rows);
/// ```
pub fn percentile_bootstrap_cells(
    resamples: u32,
    cells: &[u16],
    k: usize,
    rng: &mut impl Rng,
    statistic: impl Fn(&[u64]) -> Option<f64>,
) -> Option<Interval> {
    let n = cells.len();
    let mut values = Vec::with_capacity(resamples as usize);
    let mut counts = vec![0u64; k];
    for _ in 0..resamples {
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..n {
            counts[usize::from(cells[rng.random_range(0..n)])] += 1;
        }
        values.extend(statistic(&counts));
    }
    percentiles(values, resamples)
}

/// The 2.5% and 97.5% percentiles of the finite resampled values; `None` when more than 5%
/// were undefined.
fn percentiles(mut values: Vec<f64>, resamples: u32) -> Option<Interval> {
    values.retain(|v| v.is_finite());
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
    // numpy's `_lerp`: from the nearer end, so the last bit matches numpy.
    let (a, b) = (sorted[below], sorted[above]);
    let diff = b - a;
    if weight >= 0.5 {
        b - diff * (1.0 - weight)
    } else {
        a + diff * weight
    }
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
