//! Multiplicity control: adjusting p-values for the other hypotheses tested with them.

/// Holm's step-down adjustment of `p` (family-wise error control), in the order given, as
/// `statsmodels.stats.multitest.multipletests(p, method="holm")[1]`: the `k`-th smallest
/// becomes `max_{j ≤ k} min(1, (m − j + 1) · p_(j))`. A hypothesis is rejected at level `α`
/// when its adjusted p-value is at most `α`.
///
/// ```
/// use model_check::stats::holm;
///
/// assert_eq!(holm(&[0.01, 0.04, 0.03]), vec![0.03, 0.06, 0.06]);
/// assert!(holm(&[]).is_empty());
/// ```
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (k, &i) in order.iter().enumerate() {
        running = running.max(((m - k) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Benjamini–Hochberg's step-up adjustment of `p` (false-discovery-rate control under
/// independence or positive dependence), in the order given, as
/// `statsmodels.stats.multitest.multipletests(p, method="fdr_bh")[1]`: the `k`-th smallest
/// becomes `min_{j ≥ k} min(1, p_(j) · m / j)`. Rejecting every hypothesis whose adjusted
/// p-value is at most `q` keeps the expected share of false discoveries at most `q`.
///
/// ```
/// use model_check::stats::benjamini_hochberg;
///
/// let adjusted = benjamini_hochberg(&[0.01, 0.04, 0.03]);
/// let expected = [0.03, 0.04, 0.04];
/// assert!(adjusted.iter().zip(expected).all(|(a, e)| (a - e).abs() < 1e-15));
/// ```
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    step_up(p, 1.0)
}

/// Benjamini–Yekutieli's step-up adjustment of `p`: Benjamini–Hochberg's with `m` multiplied
/// by `c(m) = Σ_{i ≤ m} 1/i`, so the false-discovery rate stays at most `q` under any
/// dependence between the tests (nested and overlapping slices are strongly dependent), as
/// `multipletests(p, method="fdr_by")[1]`.
///
/// ```
/// use model_check::stats::benjamini_yekutieli;
///
/// // c(3) = 1 + 1/2 + 1/3 = 11/6.
/// let adjusted = benjamini_yekutieli(&[0.01, 0.04, 0.03]);
/// assert!((adjusted[0] - 0.03 * 11.0 / 6.0).abs() < 1e-15);
/// ```
pub fn benjamini_yekutieli(p: &[f64]) -> Vec<f64> {
    let harmonic: f64 = (1..=p.len()).map(|i| 1.0 / i as f64).sum();
    step_up(p, harmonic)
}

/// The step-up adjustment with factor `c`, computed as statsmodels does (the same divisions,
/// so the same floats): `p_(k) / ((k / m) / c)`, a running minimum from the largest, at most 1.
fn step_up(p: &[f64], c: f64) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut adjusted = vec![0.0; m];
    let mut running = f64::INFINITY;
    for k in (0..m).rev() {
        let i = order[k];
        let factor = ((k + 1) as f64 / m as f64) / c;
        running = running.min(p[i] / factor);
        adjusted[i] = running.min(1.0);
    }
    adjusted
}
