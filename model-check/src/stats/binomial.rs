//! Exact binomial tail probabilities and McNemar's exact test on paired predictions.

/// `P(X ≥ k)` for `X ~ Binomial(n, p)`, accurate for large `n` (terms are summed relative
/// to the mode, so nothing underflows that matters).
///
/// ```
/// use model_check::stats::binomial_upper_tail;
///
/// assert_eq!(binomial_upper_tail(0, 10, 0.3), 1.0);
/// assert!((binomial_upper_tail(2, 2, 0.5) - 0.25).abs() < 1e-15);
/// ```
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let mode = (((n + 1) as f64) * p).floor().min(n as f64) as u64;
    let ratio = p / (1.0 - p);
    // Unnormalised terms, 1 at the mode.
    let mut total = 1.0;
    let mut tail = if k <= mode { 1.0 } else { 0.0 };
    let mut term = 1.0;
    for j in mode..n {
        term *= (n - j) as f64 / (j + 1) as f64 * ratio;
        if term < 1e-300 {
            break;
        }
        total += term;
        if j + 1 >= k {
            tail += term;
        }
    }
    let mut term = 1.0;
    for j in (1..=mode).rev() {
        term *= j as f64 / (n - j + 1) as f64 / ratio;
        if term < 1e-300 {
            break;
        }
        total += term;
        if j > k {
            tail += term;
        }
    }
    (tail / total).min(1.0)
}

/// McNemar's exact two-sided p-value for `b` and `c` discordant pairs, as
/// `statsmodels.stats.contingency_tables.mcnemar(table, exact=True).pvalue`:
/// `min(1, 2 · P(Bin(b + c, ½) ≤ min(b, c)))`.
///
/// ```
/// use model_check::stats::mcnemar_exact;
///
/// assert_eq!(mcnemar_exact(0, 0), 1.0);
/// assert!((mcnemar_exact(0, 1) - 1.0).abs() < 1e-15);
/// ```
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let m = b + c;
    let low = b.min(c);
    // P(X ≤ low) = P(X ≥ m − low) by symmetry.
    (2.0 * binomial_upper_tail(m - low, m, 0.5)).min(1.0)
}

/// McNemar's exact one-sided p-value that the current model is worse: with `b` pairs fixed
/// and `c` broken, `P(Bin(b + c, ½) ≥ c)` (1 when there are no discordant pairs), as
/// `scipy.stats.binomtest(c, b + c, 0.5, alternative="greater").pvalue`.
///
/// ```
/// use model_check::stats::mcnemar_one_sided;
///
/// assert!(mcnemar_one_sided(0, 5) < 0.05); // 5 broken, none fixed: 1/32
/// assert_eq!(mcnemar_one_sided(3, 0), 1.0);
/// ```
pub fn mcnemar_one_sided(b: u64, c: u64) -> f64 {
    binomial_upper_tail(c, b + c, 0.5)
}
