//! DeLong's variance of the ROC AUC and its Wald interval, computed in `O(N log N)` by
//! Sun and Xu's midrank algorithm.
//!
//! DeLong, DeLong and Clarke-Pearson (1988, "Comparing the areas under two or more
//! correlated receiver operating characteristic curves: a nonparametric approach",
//! *Biometrics* 44(3)) estimate the variance of the empirical AUC — the Mann–Whitney
//! statistic — from its structural components. Sun and Xu (2014, "Fast implementation of
//! DeLong's algorithm for comparing the areas under correlated receiver operating
//! characteristic curves", *IEEE Signal Processing Letters* 21(11)) obtain those components
//! from midranks instead of the `m × n` comparisons; pROC's `ci.auc(method = "delong")`
//! computes them the same way.

use std::cmp::Ordering;

use super::Interval;

/// The empirical ROC AUC of a score with DeLong's estimate of its variance, from
/// [`delong`].
///
/// For `m` positives with scores `Xᵢ` and `n` negatives with scores `Yⱼ`, let
/// `ψ(x, y)` be 1, ½ or 0 as `x > y`, `x = y` or `x < y`. The structural components are
/// `V10ᵢ = (1/n) Σⱼ ψ(Xᵢ, Yⱼ)` for each positive and `V01ⱼ = (1/m) Σᵢ ψ(Xᵢ, Yⱼ)` for each
/// negative; the AUC is the mean of the `V10ᵢ` (the same number as the mean of the
/// `V01ⱼ`, and as scikit-learn's `roc_auc_score`), and its variance is
/// `S10/m + S01/n`, where `S10` and `S01` are the sample variances (divisor `m − 1`,
/// `n − 1`) of the `V10ᵢ` and of the `V01ⱼ`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delong {
    /// The empirical AUC: the probability that a random positive scores above a random
    /// negative, ties counting one half.
    pub auc: f64,
    /// DeLong's estimate of the AUC's variance, `S10/m + S01/n`. With a single positive,
    /// `S10` (a sample variance of one value) is undefined and its term is taken as 0; so
    /// is `S01`'s with a single negative. The variance then reflects the other class's
    /// sampling only, and is too small.
    pub variance: f64,
    /// `m`, the number of positives.
    pub positives: u64,
    /// `n`, the number of negatives.
    pub negatives: u64,
}

impl Delong {
    /// The Wald interval `auc ± z·√variance`, clipped to `[0, 1]`; `z` is the standard
    /// normal quantile of the confidence level ([`Z_95`](super::Z_95) for 95%).
    ///
    /// The interval collapses to a point when the variance is 0: when every score is tied
    /// (AUC ½) or the classes are perfectly separated (AUC 0 or 1), however few the rows.
    pub fn interval(&self, z: f64) -> Interval {
        let half_width = z * self.variance.sqrt();
        Interval {
            lo: (self.auc - half_width).clamp(0.0, 1.0),
            hi: (self.auc + half_width).clamp(0.0, 1.0),
        }
    }
}

/// The ROC AUC of `scores` for the labels `positive` (`true` for a positive row) with
/// DeLong's variance; `None` when there are no positives or no negatives, when a score is
/// NaN, or when the two slices differ in length. Higher scores should mean "more likely
/// positive"; infinite scores order as usual, and `-0.0` ties with `0.0`.
///
/// The structural components come from midranks (Sun and Xu, 2014): for a positive, the
/// difference between its midrank among all rows and its midrank among the positives is
/// the number of negatives below it plus half the negatives tied with it, `n · V10ᵢ`; for a
/// negative, `m` minus the same difference taken among the negatives is `m · V01ⱼ`. Ties
/// are therefore handled exactly, not approximately. The midranks come from one sort of
/// the pooled scores, so the cost is `O(N log N)` for `N` rows, against the `m × n`
/// comparisons of the definition. Twice those counts are integers, so the AUC and both sums
/// of squared deviations are computed exactly in integer arithmetic; only the final
/// divisions round, and the results are within a few units in the last place of the exact
/// values (checked against exact rational arithmetic in the tests).
///
/// ```
/// use model_check::stats::{Z_95, delong};
///
/// // Two positives and three negatives; the positive at 0.4 ties with a negative.
/// let scores = [0.9, 0.4, 0.4, 0.2, 0.6];
/// let positive = [true, true, false, false, false];
/// let d = delong(&scores, &positive).unwrap();
/// // V10 = (1, 1/2) and V01 = (3/4, 1, 1/2): AUC 3/4, variance 1/16 + 1/48 = 1/12.
/// assert_eq!((d.positives, d.negatives), (2, 3));
/// assert_eq!(d.auc, 0.75);
/// assert!((d.variance - 1.0 / 12.0).abs() < 1e-16);
/// let ci = d.interval(Z_95);
/// assert!((ci.lo - 0.184_207).abs() < 1e-6 && ci.hi == 1.0);
///
/// assert_eq!(delong(&[0.3, 0.7], &[true, true]), None); // no negatives
/// assert_eq!(delong(&[f64::NAN, 0.7], &[true, false]), None);
/// ```
pub fn delong(scores: &[f64], positive: &[bool]) -> Option<Delong> {
    if scores.len() != positive.len() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let m = positive.iter().filter(|&&p| p).count() as u64;
    let n = positive.len() as u64 - m;
    if m == 0 || n == 0 {
        return None;
    }

    // One sort of the pooled scores; without NaN, `partial_cmp` is a total order in which
    // -0.0 and 0.0 are equal.
    let mut pooled: Vec<(f64, bool)> = scores
        .iter()
        .copied()
        .zip(positive.iter().copied())
        .collect();
    pooled.sort_unstable_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));

    // For each group of tied scores, twice its structural components with their
    // multiplicities: `2n · V10 = 2 · (negatives below) + (negatives tied)` for each of its
    // positives and `2m · V01 = 2 · (positives above) + (positives tied)` for each of its
    // negatives.
    let mut v10: Vec<(u64, u64)> = Vec::new();
    let mut v01: Vec<(u64, u64)> = Vec::new();
    let (mut positives_below, mut negatives_below) = (0u64, 0u64);
    for run in pooled.chunk_by(|a, b| a.0 == b.0) {
        let tied_positives = run.iter().filter(|r| r.1).count() as u64;
        let tied_negatives = run.len() as u64 - tied_positives;
        let positives_above = m - positives_below - tied_positives;
        v10.push((2 * negatives_below + tied_negatives, tied_positives));
        v01.push((2 * positives_above + tied_positives, tied_negatives));
        positives_below += tied_positives;
        negatives_below += tied_negatives;
    }
    // Twice the Mann–Whitney U statistic, exactly.
    let twice_u: u128 = v10
        .iter()
        .map(|&(v, count)| u128::from(v) * u128::from(count))
        .sum();
    let (mf, nf) = (m as f64, n as f64);
    let auc = twice_u as f64 / (2.0 * mf * nf);
    // S10/m = Σ(2n·V10ᵢ − mean)² / ((m − 1) · (2n)² · m), and symmetrically for S01/n.
    let term = |components: &[(u64, u64)], count: u64, other: f64| {
        if count < 2 {
            return 0.0;
        }
        let c = count as f64;
        sum_of_squared_deviations(components, count) / ((c - 1.0) * c * 4.0 * other * other)
    };
    let variance = term(&v10, m, nf) + term(&v01, n, mf);
    Some(Delong {
        auc,
        variance,
        positives: m,
        negatives: n,
    })
}

/// `Σ (aᵢ − ā)²` over `count` integers given as `(value, multiplicity)` pairs, within a
/// few units in the last place: exact integer arithmetic up to the last step.
///
/// With the mean `ā = q + r/count` (`q` its integer part), `Σ (aᵢ − ā)² = Σ (aᵢ − q)² −
/// r²/count`, an exact integer `d` less a fraction; writing `r² = q₂ · count + r₂` leaves
/// `(d − q₂) − r₂/count`, evaluated as a sum of two non-negative numbers so that nothing
/// cancels. The values are at most `2N` and the sums at most `4N³`: no overflow for any
/// slice that fits in memory.
fn sum_of_squared_deviations(values: &[(u64, u64)], count: u64) -> f64 {
    let count = u128::from(count);
    let sum: u128 = values
        .iter()
        .map(|&(v, k)| u128::from(v) * u128::from(k))
        .sum();
    let (q, r) = (sum / count, sum % count);
    let q = q as u64; // the mean is at most the largest value
    let d: u128 = values
        .iter()
        .map(|&(v, k)| u128::from(v.abs_diff(q)).pow(2) * u128::from(k))
        .sum();
    let (q2, r2) = ((r * r) / count, (r * r) % count);
    // `d − q₂ − r₂/count ≥ 0`, so `d − q₂ ≥ 1` whenever `r₂ > 0`.
    let whole = d - q2;
    if r2 == 0 {
        whole as f64
    } else {
        (whole - 1) as f64 + (count - r2) as f64 / count as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: `m × n` comparisons, in f64.
    fn by_definition(scores: &[f64], positive: &[bool]) -> (f64, f64) {
        let x: Vec<f64> = (0..scores.len())
            .filter(|&i| positive[i])
            .map(|i| scores[i])
            .collect();
        let y: Vec<f64> = (0..scores.len())
            .filter(|&i| !positive[i])
            .map(|i| scores[i])
            .collect();
        let psi = |a: f64, b: f64| match a.partial_cmp(&b).unwrap() {
            Ordering::Greater => 1.0,
            Ordering::Equal => 0.5,
            Ordering::Less => 0.0,
        };
        let v10: Vec<f64> = x
            .iter()
            .map(|&a| y.iter().map(|&b| psi(a, b)).sum::<f64>() / y.len() as f64)
            .collect();
        let v01: Vec<f64> = y
            .iter()
            .map(|&b| x.iter().map(|&a| psi(a, b)).sum::<f64>() / x.len() as f64)
            .collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let var = |v: &[f64]| {
            let mu = mean(v);
            v.iter().map(|a| (a - mu).powi(2)).sum::<f64>() / (v.len() - 1) as f64
        };
        let auc = mean(&v10);
        (auc, var(&v10) / x.len() as f64 + var(&v01) / y.len() as f64)
    }

    #[test]
    fn midranks_agree_with_the_definition_on_ties() {
        let scores = [0.5, 0.1, 0.5, 0.5, 0.9, 0.1, 0.3, 0.9, 0.0, -0.0, 0.3];
        let positive = [
            true, false, false, true, true, false, true, false, true, false, false,
        ];
        let d = delong(&scores, &positive).unwrap();
        let (auc, variance) = by_definition(&scores, &positive);
        assert!((d.auc - auc).abs() < 1e-15, "{} vs {auc}", d.auc);
        assert!(
            (d.variance - variance).abs() < 1e-15,
            "{} vs {variance}",
            d.variance
        );
    }

    #[test]
    fn squared_deviations_are_exact_for_small_integers() {
        // 1, 2, 2, 4: mean 9/4, Σ(a − ā)² = 25/16 + 1/16 + 1/16 + 49/16 = 76/16.
        assert_eq!(
            sum_of_squared_deviations(&[(1, 1), (2, 2), (4, 1)], 4),
            4.75
        );
        assert_eq!(sum_of_squared_deviations(&[(7, 5)], 5), 0.0);
        // 0, 1, 1: mean 2/3, Σ = 4/9 + 2/9 = 2/3.
        assert_eq!(sum_of_squared_deviations(&[(0, 1), (1, 2)], 3), 2.0 / 3.0);
    }

    #[test]
    fn singletons_and_degenerate_cases() {
        // One positive: only the negatives' term, S01/n, remains.
        let d = delong(&[0.5, 0.2, 0.7, 0.4], &[true, false, false, false]).unwrap();
        assert_eq!(d.auc, 2.0 / 3.0);
        // V01 = (1, 0, 1): S01 = 1/3, over n = 3.
        assert!((d.variance - 1.0 / 9.0).abs() < 1e-16);
        // Perfect separation and complete ties leave no variance.
        let separated = delong(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]).unwrap();
        assert_eq!((separated.auc, separated.variance), (1.0, 0.0));
        assert_eq!(
            separated.interval(super::super::Z_95),
            Interval { lo: 1.0, hi: 1.0 }
        );
        let tied = delong(&[0.3; 4], &[false, true, false, true]).unwrap();
        assert_eq!((tied.auc, tied.variance), (0.5, 0.0));
        assert_eq!(delong(&[0.1, 0.2], &[true]), None);
        assert_eq!(delong(&[], &[]), None);
    }
}
