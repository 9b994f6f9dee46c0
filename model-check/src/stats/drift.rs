//! Distances between two samples of one feature — how far today's data has moved from a
//! reference — and the bounds that decide "the drift is at most δ" without flipping as the
//! samples grow.

use super::Interval;

/// The two-sample Kolmogorov–Smirnov statistic: the largest distance between the two
/// empirical distribution functions, as `scipy.stats.ks_2samp(a, b).statistic`. NaNs are
/// not values: callers drop them first. `None` when a sample is empty or holds a NaN.
///
/// ```
/// use model_check::stats::ks_statistic;
///
/// assert_eq!(ks_statistic(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), Some(0.0));
/// assert_eq!(ks_statistic(&[1.0, 2.0], &[3.0, 4.0]), Some(1.0));
/// // Ties between the samples move both distribution functions at once.
/// assert_eq!(ks_statistic(&[1.0, 2.0, 2.0, 3.0], &[2.0, 4.0]), Some(0.5));
/// assert_eq!(ks_statistic(&[f64::NAN], &[f64::NAN]), None);
/// ```
pub fn ks_statistic(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() || has_nan(a) || has_nan(b) {
        return None;
    }
    let (a, b) = (sorted(a), sorted(b));
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0, 0);
    let mut d: f64 = 0.0;
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    Some(d)
}

/// The Dvoretzky–Kiefer–Wolfowitz interval of the true KS distance between the two
/// distributions, from the statistic `d` of samples of `n` and `m` values: `d ± (ε_n + ε_m)`
/// with `ε_k = √(ln(4/α) / (2k))`, clipped to `[0, 1]` — each empirical distribution function
/// is within its ε of the true one, both at once with probability at least `1 − α`. Unlike a
/// p-value, the interval narrows as the samples grow: "the drift is at most δ" passes when
/// `hi ≤ δ` and fails when `lo > δ`, whatever the size of the batch.
///
/// ```
/// use model_check::stats::ks_interval;
///
/// // The same statistic, a hundred values against a hundred thousand.
/// let small = ks_interval(0.02, 100, 100, 0.05);
/// let large = ks_interval(0.02, 100_000, 100_000, 0.05);
/// assert!(small.hi > 0.3 && large.hi < 0.03);
/// ```
pub fn ks_interval(d: f64, n: usize, m: usize, alpha: f64) -> Interval {
    let epsilon = |k: usize| ((4.0 / alpha).ln() / (2.0 * k as f64)).sqrt();
    let e = epsilon(n) + epsilon(m);
    Interval {
        lo: (d - e).max(0.0),
        hi: (d + e).min(1.0),
    }
}

/// The largest change of one level's share between two samples of a categorical feature,
/// `max_l |a_l − b_l|` over every level seen in either, with the level at which it happens
/// (the first in text order on ties). `None` when a sample is empty.
///
/// ```
/// use model_check::stats::level_shift;
///
/// let before = ["a", "a", "b", "c"];
/// let after = ["a", "b", "b", "b"];
/// let (shift, level) = level_shift(&before, &after).unwrap();
/// assert_eq!((shift, level), (0.5, "b"));
/// ```
pub fn level_shift<'s>(a: &[&'s str], b: &[&'s str]) -> Option<(f64, &'s str)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut counts: std::collections::BTreeMap<&str, (u64, u64)> = Default::default();
    for &x in a {
        counts.entry(x).or_default().0 += 1;
    }
    for &x in b {
        counts.entry(x).or_default().1 += 1;
    }
    let (n, m) = (a.len() as f64, b.len() as f64);
    let mut best = (0.0, *counts.keys().next().expect("a sample is not empty"));
    for (&level, &(i, j)) in &counts {
        let d = (i as f64 / n - j as f64 / m).abs();
        if d > best.0 {
            best = (d, level);
        }
    }
    Some(best)
}

/// A simultaneous interval of the true [`level_shift`] from the observed `d` on samples of
/// `n` and `m`: `d ± (ε_n + ε_m)`, clipped to `[0, 1]`, holding with probability at least
/// `1 − α` for every level at once. With `levels` known in advance (a declared set of `L`
/// levels), Hoeffding's inequality over the `L` shares gives `ε_k = √(ln(4L/α) / (2k))`;
/// for any number of levels, a level's share is the difference of two values of a
/// distribution function over the levels in a fixed order, so twice the DKW bound,
/// `ε_k = 2√(ln(4/α) / (2k))`, holds. The smaller of the two is used (the choice depends on
/// `L`, `n` and `m` alone, not on the data).
///
/// ```
/// use model_check::stats::level_shift_interval;
///
/// // Two declared levels: Hoeffding over two shares.
/// let known = level_shift_interval(0.1, 1000, 1000, Some(2), 0.05);
/// // Any number of levels: twice the DKW bound, wider.
/// let open = level_shift_interval(0.1, 1000, 1000, None, 0.05);
/// assert!(known.hi < open.hi);
/// ```
pub fn level_shift_interval(
    d: f64,
    n: usize,
    m: usize,
    levels: Option<usize>,
    alpha: f64,
) -> Interval {
    let epsilon = |k: usize| {
        let dkw = 2.0 * ((4.0 / alpha).ln() / (2.0 * k as f64)).sqrt();
        match levels {
            Some(l) if l > 0 => {
                let hoeffding = ((4.0 * l as f64 / alpha).ln() / (2.0 * k as f64)).sqrt();
                dkw.min(hoeffding)
            }
            _ => dkw,
        }
    };
    let e = epsilon(n) + epsilon(m);
    Interval {
        lo: (d - e).max(0.0),
        hi: (d + e).min(1.0),
    }
}

/// The 1-Wasserstein (earth mover's) distance between two samples, as
/// `scipy.stats.wasserstein_distance(a, b)`: the area between the empirical distribution
/// functions. `None` when a sample is empty or holds a NaN.
///
/// ```
/// use model_check::stats::wasserstein;
///
/// assert_eq!(wasserstein(&[0.0, 1.0, 3.0], &[5.0, 6.0, 8.0]), Some(5.0));
/// ```
pub fn wasserstein(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() || has_nan(a) || has_nan(b) {
        return None;
    }
    let (a, b) = (sorted(a), sorted(b));
    let mut all: Vec<f64> = a.iter().chain(&b).copied().collect();
    all.sort_by(f64::total_cmp);
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0, 0);
    let mut total = 0.0;
    for w in all.windows(2) {
        while i < a.len() && a[i] <= w[0] {
            i += 1;
        }
        while j < b.len() && b[j] <= w[0] {
            j += 1;
        }
        total += (i as f64 / n - j as f64 / m).abs() * (w[1] - w[0]);
    }
    Some(total)
}

/// The bins of a reference sample for [`psi`]: inner edges at its `i / bins` quantiles
/// (`numpy.quantile`, linear), duplicates merged; a value falls in bin
/// `numpy.searchsorted(edges, x, side="right")`, the outer bins open.
#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    edges: Vec<f64>,
}

impl Bins {
    /// The bins of `reference` (at least one value; `bins` ≥ 2).
    pub fn of(reference: &[f64], bins: usize) -> Option<Bins> {
        if reference.is_empty() || bins < 2 {
            return None;
        }
        let sorted = sorted(reference);
        let mut edges: Vec<f64> = (1..bins)
            .map(|i| super::quantile(&sorted, i as f64 / bins as f64))
            .collect();
        edges.dedup();
        Some(Bins { edges })
    }

    /// The inner edges.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// How many values of `sample` fall in each bin.
    pub fn counts(&self, sample: &[f64]) -> Vec<u64> {
        let mut counts = vec![0u64; self.edges.len() + 1];
        for &x in sample {
            counts[self.edges.partition_point(|&e| e <= x)] += 1;
        }
        counts
    }
}

/// The population stability index of `current` against `reference` over the reference's
/// [`Bins`]: `Σ (a − e) · ln(a / e)` over the bins' shares, each floored at 1e-6 and not
/// renormalised. `None` when a sample is empty or the bins are fewer than two.
///
/// Its plug-in estimate is biased upward by about `(k − 1)(1/n + 1/m)` for `k` bins (0.18 at
/// n = m = 100 with 10 bins, above the usual 0.1 alert): compare small samples with care.
///
/// ```
/// use model_check::stats::psi;
///
/// let reference: Vec<f64> = (0..1000).map(f64::from).collect();
/// assert!(psi(&reference, &reference, 10).unwrap().abs() < 1e-12);
/// let shifted: Vec<f64> = (500..1500).map(f64::from).collect();
/// assert!(psi(&reference, &shifted, 10).unwrap() > 1.0);
/// ```
pub fn psi(reference: &[f64], current: &[f64], bins: usize) -> Option<f64> {
    if current.is_empty() {
        return None;
    }
    let bins = Bins::of(reference, bins)?;
    psi_of_counts(&bins.counts(reference), &bins.counts(current))
}

/// The population stability index from bin counts: `Σ (a − e) · ln(a / e)` over the bins'
/// shares, each floored at 1e-6 and not renormalised — [`psi`] once the values are binned.
/// `None` when either sample is empty or the counts differ in length.
///
/// ```
/// use model_check::stats::psi_of_counts;
///
/// let psi = psi_of_counts(&[50, 50], &[30, 70]).unwrap();
/// assert!((psi - (0.2 * (0.7f64 / 0.5).ln() - 0.2 * (0.3f64 / 0.5).ln())).abs() < 1e-15);
/// ```
pub fn psi_of_counts(expected: &[u64], actual: &[u64]) -> Option<f64> {
    let (n, m): (u64, u64) = (expected.iter().sum(), actual.iter().sum());
    if n == 0 || m == 0 || expected.len() != actual.len() {
        return None;
    }
    let (n, m) = (n as f64, m as f64);
    Some(
        expected
            .iter()
            .zip(actual)
            .map(|(&e, &a)| {
                let (e, a) = ((e as f64 / n).max(1e-6), (a as f64 / m).max(1e-6));
                (a - e) * (a / e).ln()
            })
            .sum(),
    )
}

/// A 95% interval of the population stability index between the distributions two samples
/// were drawn from, given their counts over fixed bins — one that accounts for the plug-in
/// estimate's upward bias of about `(k − 1)(1/n + 1/m)` (0.18 at n = m = 100 with 10 bins,
/// above the usual 0.1 alert, when nothing moved).
///
/// It is the basic (reverse-percentile) bootstrap: each resample draws both count vectors
/// from multinomials at the observed shares, and the interval is
/// `[2·PSI − q₉₇.₅, 2·PSI − q₂.₅]` of the resampled PSIs, clipped at 0. The resamples
/// inherit the plug-in bias on top of the estimate's, so reflecting them about the estimate
/// removes it to first order, where a plain percentile interval would sit above the truth.
/// Its calibration is measured by simulation in the crate's `tests/statistics.rs`.
///
/// ```
/// use model_check::rng::seeded_rng;
/// use model_check::stats::{psi_interval, psi_of_counts};
///
/// // A hundred rows in each sample, ten bins, no drift: the plug-in PSI alarms at 0.14...
/// let expected = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10];
/// let actual = [15, 6, 13, 8, 5, 14, 11, 8, 6, 14];
/// let psi = psi_of_counts(&expected, &actual).unwrap();
/// assert!(psi > 0.1);
/// // ...while its interval reaches down to no drift at all.
/// let ci = psi_interval(&expected, &actual, 2000, &mut seeded_rng(7)).unwrap();
/// assert_eq!(ci.lo, 0.0);
/// ```
pub fn psi_interval(
    expected: &[u64],
    actual: &[u64],
    resamples: u32,
    rng: &mut impl rand::Rng,
) -> Option<Interval> {
    let psi = psi_of_counts(expected, actual)?;
    let draw = |counts: &[u64], rng: &mut dyn rand::Rng, out: &mut Vec<u64>| {
        let mut left: u64 = counts.iter().sum();
        let mut mass = left as f64;
        out.clear();
        for &c in counts {
            let p = if mass > 0.0 {
                (c as f64 / mass).min(1.0)
            } else {
                0.0
            };
            let k = if left == 0 || p <= 0.0 {
                0
            } else {
                rand_distr::Distribution::sample(
                    &rand_distr::Binomial::new(left, p).expect("0 ≤ p ≤ 1"),
                    rng,
                )
            };
            out.push(k);
            left -= k;
            mass -= c as f64;
        }
    };
    let (mut e, mut a) = (Vec::new(), Vec::new());
    let mut values: Vec<f64> = (0..resamples)
        .map(|_| {
            draw(expected, rng, &mut e);
            draw(actual, rng, &mut a);
            psi_of_counts(&e, &a).expect("the resamples keep the sizes")
        })
        .collect();
    values.sort_by(f64::total_cmp);
    let (lo, hi) = (
        super::quantile(&values, 0.025),
        super::quantile(&values, 0.975),
    );
    Some(Interval {
        lo: (2.0 * psi - hi).max(0.0),
        hi: (2.0 * psi - lo).max(0.0),
    })
}

/// The Jensen–Shannon distance (base 2, so in `[0, 1]`) between two distributions given as
/// counts or shares over the same bins or levels, as
/// `scipy.spatial.distance.jensenshannon(p, q, base=2)`. `None` when either is all zero.
///
/// ```
/// use model_check::stats::jensen_shannon;
///
/// assert_eq!(jensen_shannon(&[1.0, 0.0], &[0.0, 1.0]), Some(1.0));
/// assert_eq!(jensen_shannon(&[3.0, 1.0], &[6.0, 2.0]), Some(0.0));
/// ```
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> Option<f64> {
    let (sp, sq): (f64, f64) = (p.iter().sum(), q.iter().sum());
    if !(sp > 0.0 && sq > 0.0) || p.len() != q.len() {
        return None;
    }
    let entropy = |x: f64, y: f64| if x > 0.0 { x * (x / y).ln() } else { 0.0 };
    let mut js = 0.0;
    for (&a, &b) in p.iter().zip(q) {
        let (a, b) = (a / sp, b / sq);
        let mid = (a + b) / 2.0;
        js += entropy(a, mid) + entropy(b, mid);
    }
    Some((js / std::f64::consts::LN_2 / 2.0).max(0.0).sqrt())
}

/// Pearson's chi-square test of independence of a contingency table (rows: samples,
/// columns: levels), as `scipy.stats.chi2_contingency(table, correction=False)` once the
/// all-zero columns are dropped: the statistic, its degrees of freedom and its p-value.
/// `None` when fewer than two rows or columns have counts.
///
/// ```
/// use model_check::stats::chi_square;
///
/// let test = chi_square(&[vec![10, 20, 30], vec![15, 25, 5]]).unwrap();
/// assert!((test.statistic - 17.629629629629633).abs() < 1e-12);
/// assert_eq!(test.dof, 2);
/// assert!((test.p_value / 0.0001485164524699713 - 1.0).abs() < 1e-12);
/// ```
pub fn chi_square(table: &[Vec<u64>]) -> Option<ChiSquare> {
    let columns = table.first()?.len();
    let kept: Vec<usize> = (0..columns)
        .filter(|&c| table.iter().any(|row| row.get(c).copied().unwrap_or(0) > 0))
        .collect();
    let rows: Vec<&Vec<u64>> = table.iter().filter(|r| r.iter().any(|&x| x > 0)).collect();
    if kept.len() < 2 || rows.len() < 2 || table.iter().any(|r| r.len() != columns) {
        return None;
    }
    let row_sums: Vec<f64> = rows
        .iter()
        .map(|r| kept.iter().map(|&c| r[c] as f64).sum())
        .collect();
    let col_sums: Vec<f64> = kept
        .iter()
        .map(|&c| rows.iter().map(|r| r[c] as f64).sum())
        .collect();
    let total: f64 = row_sums.iter().sum();
    let mut statistic = 0.0;
    for (r, row) in rows.iter().enumerate() {
        for (k, &c) in kept.iter().enumerate() {
            let expected = row_sums[r] * col_sums[k] / total;
            let d = row[c] as f64 - expected;
            statistic += d * d / expected;
        }
    }
    let dof = (rows.len() - 1) * (kept.len() - 1);
    Some(ChiSquare {
        statistic,
        dof,
        p_value: chi_square_sf(statistic, dof),
    })
}

/// The result of [`chi_square`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    /// Pearson's statistic.
    pub statistic: f64,
    /// Degrees of freedom: (rows − 1)(columns − 1).
    pub dof: usize,
    /// `P(χ²_dof ≥ statistic)`.
    pub p_value: f64,
}

/// `P(χ²_k ≥ x)`: the regularized upper incomplete gamma `Q(k/2, x/2)`, by its series below
/// `a + 1` and Lentz's continued fraction above (Numerical Recipes), with `ln Γ(k/2)` exact
/// for the integer and half-integer arguments degrees of freedom give.
fn chi_square_sf(x: f64, k: usize) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let a = k as f64 / 2.0;
    let z = x / 2.0;
    let ln_gamma = ln_gamma_half(k);
    let front = (-z + a * z.ln() - ln_gamma).exp();
    if z < a + 1.0 {
        // P(a, z) by its series; Q = 1 − P.
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            ap += 1.0;
            term *= z / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        (1.0 - sum * front).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = z + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-17 {
                break;
            }
        }
        (front * h).clamp(0.0, 1.0)
    }
}

/// `ln Γ(k / 2)`, exactly from factorials: `Γ(n) = (n − 1)!` and
/// `Γ(n + ½) = (2n)! √π / (4ⁿ n!)`.
fn ln_gamma_half(k: usize) -> f64 {
    let ln_factorial = |n: usize| (2..=n).map(|i| (i as f64).ln()).sum::<f64>();
    if k.is_multiple_of(2) {
        ln_factorial(k / 2 - 1)
    } else {
        let n = (k - 1) / 2;
        ln_factorial(2 * n) + 0.5 * std::f64::consts::PI.ln()
            - n as f64 * 4f64.ln()
            - ln_factorial(n)
    }
}

fn sorted(x: &[f64]) -> Vec<f64> {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn has_nan(x: &[f64]) -> bool {
    x.iter().any(|v| v.is_nan())
}
