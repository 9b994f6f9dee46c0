//! Fisher's exact test through the hypergeometric distribution, in log space.

/// `ln n! − ((n + ½) ln n − n + ½ ln 2π)`, Stirling's error, small and computed without
/// cancellation (Loader's algorithm, as in R's `dbinom`): exact sums for `n ≤ 15`, the
/// series above.
fn stirling_error(n: u64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15 {
        if n == 0 {
            return 0.0;
        }
        let x = n as f64;
        let ln_factorial: f64 = (2..=n).map(|i| (i as f64).ln()).sum();
        return ln_factorial - ((x + 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln());
    }
    let x = n as f64;
    let xx = x * x;
    if n > 500 {
        (S0 - S1 / xx) / x
    } else if n > 80 {
        (S0 - (S1 - S2 / xx) / xx) / x
    } else if n > 35 {
        (S0 - (S1 - (S2 - S3 / xx) / xx) / xx) / x
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / xx) / xx) / xx) / xx) / x
    }
}

/// `x ln(x / m) + m − x`, the deviance term, accurate when `x` is close to `m` (Loader).
fn deviance(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let v = (x - m) / (x + m);
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        let v2 = v * v;
        for j in 1..1000 {
            ej *= v2;
            let next = s + ej / (2 * j + 1) as f64;
            if next == s {
                return next;
            }
            s = next;
        }
        s
    } else {
        x * (x / m).ln() + m - x
    }
}

/// `ln` of the binomial probability of `x` successes in `n` trials of probability `p`
/// (`q = 1 − p`), by Loader's saddle-point expansion.
fn ln_binomial(x: u64, n: u64, p: f64, q: f64) -> f64 {
    if x == 0 {
        return if n == 0 { 0.0 } else { n as f64 * q.ln() };
    }
    if x == n {
        return n as f64 * p.ln();
    }
    let (xf, nf) = (x as f64, n as f64);
    let lc = stirling_error(n)
        - stirling_error(x)
        - stirling_error(n - x)
        - deviance(xf, nf * p)
        - deviance(nf - xf, nf * q);
    let lf = (2.0 * std::f64::consts::PI).ln() + xf.ln() + (-xf / nf).ln_1p();
    lc - 0.5 * lf
}

/// `ln` of the hypergeometric probability of `x` successes in `draws` draws without
/// replacement from `total` items of which `successes` are successes — as a ratio of
/// binomial probabilities at `p = draws / total` (R's `dhyper`), accurate where the log
/// factorials would cancel.
fn ln_pmf(x: u64, total: u64, successes: u64, draws: u64) -> f64 {
    let failures = total - successes;
    let p = draws as f64 / total as f64;
    let q = (total - draws) as f64 / total as f64;
    ln_binomial(x, successes, p, q) + ln_binomial(draws - x, failures, p, q)
        - ln_binomial(draws, total, p, q)
}

/// `P(X ≥ at)` for `X` hypergeometric (`total` items, `successes` of them successes, `draws`
/// drawn): the tail summed outward from its largest term with the ratio of consecutive terms.
pub(crate) fn hypergeometric_upper_tail(at: u64, total: u64, successes: u64, draws: u64) -> f64 {
    let lo = (draws + successes).saturating_sub(total);
    let hi = successes.min(draws);
    if at <= lo {
        return 1.0;
    }
    if at > hi {
        return 0.0;
    }
    let failures = total - successes;
    // pmf(x + 1) / pmf(x) and pmf(x − 1) / pmf(x).
    let up = |x: u64| {
        ((successes - x) as f64 * (draws - x) as f64)
            / ((x + 1) as f64 * (failures + x + 1 - draws) as f64)
    };
    let down = |x: u64| {
        (x as f64 * (failures + x - draws) as f64)
            / ((successes - x + 1) as f64 * (draws - x + 1) as f64)
    };
    // The mode: the tail beyond it is summed directly; a tail holding it, as one minus the
    // other side (at least about one half, so nothing is lost to cancellation).
    let mode = (((draws + 1) as f64 * (successes + 1) as f64) / (total + 2) as f64) as u64;
    if at > mode {
        let mut term = ln_pmf(at, total, successes, draws).exp();
        let mut sum = term;
        let mut x = at;
        while x < hi && term > sum * 1e-18 {
            term *= up(x);
            sum += term;
            x += 1;
        }
        sum.min(1.0)
    } else {
        let start = at - 1;
        let mut term = ln_pmf(start, total, successes, draws).exp();
        let mut sum = term;
        let mut x = start;
        while x > lo && term > sum * 1e-18 {
            term *= down(x);
            sum += term;
            x -= 1;
        }
        (1.0 - sum).clamp(0.0, 1.0)
    }
}

/// Fisher's exact test of a 2×2 table `[[a, b], [c, d]]`, one-sided: the p-value that the
/// first row's odds of the first column are greater than the second row's — as
/// `scipy.stats.fisher_exact([[a, b], [c, d]], alternative="greater")[1]`. With a slice's
/// errors and non-errors in the first row and its complement's in the second, a small p says
/// the slice errs more often than the rest.
///
/// ```
/// use model_check::stats::fisher_exact_greater;
///
/// // 8 of 10 wrong in the slice, 1 of 6 outside: scipy gives 0.024475524475524483.
/// let p = fisher_exact_greater([[8, 2], [1, 5]]);
/// assert!((p - 0.024475524475524483).abs() < 1e-15);
/// assert_eq!(fisher_exact_greater([[0, 5], [5, 0]]), 1.0);
/// ```
pub fn fisher_exact_greater(table: [[u64; 2]; 2]) -> f64 {
    let [[a, b], [c, d]] = table;
    let total = a + b + c + d;
    if total == 0 {
        return 1.0;
    }
    hypergeometric_upper_tail(a, total, a + c, a + b)
}
