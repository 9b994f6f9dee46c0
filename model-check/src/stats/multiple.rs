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
