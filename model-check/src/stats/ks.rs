//! The two-sample Kolmogorov–Smirnov test: the p-value of [`ks_statistic`], as
//! `scipy.stats.ks_2samp(a, b)` (two-sided, `method="auto"`) computes it, and the
//! distribution it falls back on, `scipy.stats.kstwo`.
//!
//! scipy's `auto` takes the exact null distribution when neither sample has more than
//! 10,000 values, counting lattice paths (Hodges 1958): the paths outside a square's two
//! diagonals for equal sizes, otherwise the "inside method" with Viehmann's (2021) recursion
//! for the share of paths that leave the band. Above that size, or when the exact count comes
//! out of `[0, 1]` through rounding, it takes the one-sample distribution of `D_N` at
//! `N = round(mn / (m + n))`, which is `kstwo`, computed as Simard and L'Ecuyer (2011) lay
//! out: Ruben–Gambino's closed forms at the ends, twice Smirnov's one-sided tail where the two
//! tails cannot overlap or the overlap is negligible, Marsaglia–Tsang–Wang's (2003) matrix
//! power, Pomeranz's (1974) recursion, and Pelz–Good's (1976) series. Every branch and
//! threshold below is scipy's (`scipy/stats/_stats_py.py`, `_stats_pythran.py`,
//! `_ksstats.py`; `smirnov` from `xsf/cephes/kolmogorov.h`).

use super::ks_statistic;

/// The largest sample size for which [`ks_test`] takes the exact distribution (scipy's
/// `MAX_AUTO_N`).
const MAX_EXACT_N: u64 = 10_000;

/// Which null distribution gave a [`KsTest`]'s p-value.
///
/// ```
/// use model_check::stats::{KsMethod, ks_test};
///
/// // Ten values: the exact distribution.
/// let test = ks_test(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).unwrap();
/// assert_eq!(test.method, KsMethod::Exact);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KsMethod {
    /// The exact null distribution of the two-sample statistic (neither sample above
    /// 10,000 values).
    Exact,
    /// The one-sample distribution `kstwo` at the samples' effective size
    /// `round(mn / (m + n))` ([`kstwo_sf`]): above 10,000 values, or where scipy's exact
    /// count fails.
    Asymptotic,
}

/// The result of [`ks_test`].
///
/// ```
/// use model_check::stats::ks_test;
///
/// let test = ks_test(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]).unwrap();
/// assert_eq!((test.statistic, test.p_value), (0.0, 1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KsTest {
    /// The largest distance between the two empirical distribution functions
    /// ([`ks_statistic`]).
    pub statistic: f64,
    /// The two-sided p-value: the probability, were both samples drawn from one continuous
    /// distribution, of a statistic at least as large. In `[0, 1]`.
    pub p_value: f64,
    /// The null distribution it came from.
    pub method: KsMethod,
}

/// The two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(a, b)` (two-sided,
/// `method="auto"`): the statistic, its p-value, and which distribution gave it. The exact
/// distribution when neither sample has more than 10,000 values; otherwise — or when the
/// exact count fails as scipy's does — `kstwo` at `round(mn / (m + n))` ([`kstwo_sf`]).
///
/// The exact distribution assumes no ties, as scipy's does: with ties the p-value is
/// conservative. NaNs are not values: callers drop missing values first (a sample holding a
/// NaN gives `None`). `None` when a sample is empty.
///
/// ```
/// use model_check::stats::{KsMethod, ks_test};
///
/// // Disjoint samples of five: 2 / C(10, 5).
/// let test = ks_test(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).unwrap();
/// assert_eq!(test.statistic, 1.0);
/// assert!((test.p_value / (2.0 / 252.0) - 1.0).abs() < 1e-12);
///
/// // Twenty thousand values against twenty thousand shifted by a twentieth: kstwo at 10,000,
/// // where scipy gives 3.63263151437e-22.
/// let a: Vec<f64> = (0..20_000).map(f64::from).collect();
/// let b: Vec<f64> = (1_000..21_000).map(f64::from).collect();
/// let test = ks_test(&a, &b).unwrap();
/// assert_eq!(test.method, KsMethod::Asymptotic);
/// assert!((test.p_value / 3.6326315143699886e-22 - 1.0).abs() < 1e-9);
///
/// assert_eq!(ks_test(&[], &[1.0]), None);
/// ```
pub fn ks_test(a: &[f64], b: &[f64]) -> Option<KsTest> {
    if a.iter().chain(b).any(|x| x.is_nan()) {
        return None;
    }
    let statistic = ks_statistic(a, b)?;
    let (n1, n2) = (a.len() as u64, b.len() as u64);
    let (p, method) = if n1.max(n2) <= MAX_EXACT_N {
        match exact_p(n1, n2, statistic) {
            Ok(p) => (p, KsMethod::Exact),
            // scipy carries on with the statistic rounded to the lattice, h / lcm.
            Err(d) => (asymptotic_p(n1, n2, d), KsMethod::Asymptotic),
        }
    } else {
        (asymptotic_p(n1, n2, statistic), KsMethod::Asymptotic)
    };
    Some(KsTest {
        statistic,
        p_value: p.clamp(0.0, 1.0),
        method,
    })
}

/// The survival function `P(D_n ≥ d)` of the two-sided one-sample Kolmogorov–Smirnov
/// statistic `D_n = sup |F_n − F|` of `n` values, as `scipy.stats.kstwo.sf(d, n)`: 1 for
/// `d ≤ 1/(2n)`, 0 for `d ≥ 1`, and between them scipy's `_kolmogn(n, d, cdf=False)` with
/// every branch of Simard and L'Ecuyer's (2011) plan. NaN when `n` is 0 or `d` is NaN.
///
/// ```
/// use model_check::stats::kstwo_sf;
///
/// // One value: D_1 = max(U, 1 − U), so P(D_1 ≥ 0.75) = 0.5.
/// assert_eq!(kstwo_sf(1, 0.75), 0.5);
/// // scipy.stats.kstwo.sf(0.1, 100) = 0.2526927570063874 (Pomeranz's recursion).
/// assert!((kstwo_sf(100, 0.1) / 0.2526927570063874 - 1.0).abs() < 1e-9);
/// assert_eq!(kstwo_sf(1000, 0.0), 1.0);
/// assert_eq!(kstwo_sf(1000, 1.0), 0.0);
/// ```
pub fn kstwo_sf(n: u64, d: f64) -> f64 {
    if n == 0 || d.is_nan() {
        return f64::NAN;
    }
    // rv_continuous.sf: 1 at or below the support's lower end 1/(2n), 0 at or above 1.
    if d <= 0.5 / n as f64 {
        return 1.0;
    }
    if d >= 1.0 {
        return 0.0;
    }
    kolmogn_sf(n, d)
}

// ---------------------------------------------------------------------------------------
// The exact two-sample distribution.

/// scipy's `_attempt_exact_2kssamp` (two-sided): `Ok(p)`, or `Err(h / lcm)` — the statistic
/// on the lattice — when the count leaves `[0, 1]` and scipy switches to the asymptotic
/// distribution.
fn exact_p(n1: u64, n2: u64, d: f64) -> Result<f64, f64> {
    let g = gcd(n1, n2);
    let lcm = (n1 / g) * n2;
    // The statistic is a multiple of 1/lcm: h is that multiple (numpy rounds half to even).
    let h = (d * lcm as f64).round_ties_even() as u64;
    let d = h as f64 / lcm as f64;
    if h == 0 {
        return Ok(1.0);
    }
    let p = if n1 == n2 {
        prob_outside_square(n1, h)
    } else {
        outer_prob_inside(n1, n2, g, h)
    };
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(d)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `P(D_{n,n} ≥ h/n)`, the share of the lattice paths from (0, 0) to (n, n) that touch a
/// diagonal `x − y = ±h` (scipy's `_compute_prob_outside_square`). By reflection (Hodges
/// 1958, after Gnedenko–Korolyuk) it is
/// `2 Σ_{k≥1} (−1)^{k−1} C(2n, n − kh) / C(2n, n)`; each ratio `A_k` is a product of `h`
/// factors, and the alternating sum is taken Horner-wise, `2 A₁(1 − A₂(1 − A₃(…)))`, in
/// scipy's order of operations — its rounding decides when scipy falls back.
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let (n, h) = (n as i64, h as i64);
    let mut p = 0.0;
    for k in (0..=n / h).rev() {
        let mut term = 1.0;
        for j in 0..h {
            term = (n - k * h - j) as f64 * term / (n + k * h + j + 1) as f64;
        }
        p = term * (1.0 - p);
    }
    2.0 * p
}

/// `P(D_{m,n} ≥ h/lcm(m, n))` by the "inside method" (Hodges 1958): walk the lattice from
/// (0, 0) to (m, n) column by column, keeping only the window of rows strictly inside the
/// band `|x/m − y/n| < h/lcm`. Viehmann's (2021) recursion carries, for each lattice point,
/// the share of the paths reaching it that have already left the band — the p-value itself,
/// not the complement of a count of the paths that stayed — so it never overflows and keeps
/// its relative accuracy for small p-values. Each step is a convex combination of shares,
/// so the result always lands in `[0, 1]` (scipy's `_compute_outer_prob_inside_method`).
fn outer_prob_inside(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (m, n, g, h) = (m as i64, n as i64, g as i64, h as i64);
    let (mg, ng) = (m / g, n / g);
    let ceil_div = |a: i64, b: i64| -((-a).div_euclid(b));
    // The window of rows [minj, maxj) inside the band in the current column.
    let mut minj = 0i64;
    let mut maxj = ceil_div(h, mg).min(n + 1);
    let mut curlen = maxj - minj;
    // scipy keeps min(2·maxj + 2, n + 1) entries; a whole column (n + 1) holds every index
    // its window can reach, and writes past scipy's length are never read.
    let kept = (2 * maxj + 2).min(n + 1) as usize;
    let mut a = vec![1.0f64; (n + 1) as usize];
    a[..maxj as usize].fill(0.0);
    for i in 1..=m {
        let (lastminj, lastlen) = (minj, curlen);
        minj = ((ng * i - h).div_euclid(mg) + 1).max(0).min(n);
        maxj = ceil_div(ng * i + h, mg).min(n + 1);
        if maxj <= minj {
            return 1.0;
        }
        let mut val = if minj == 0 { 0.0 } else { 1.0 };
        let shift = (minj - lastminj) as usize;
        for jj in 0..(maxj - minj) as usize {
            let j = jj as i64 + minj;
            val = (a[jj + shift] * i as f64 + val * j as f64) / (i + j) as f64;
            a[jj] = val;
        }
        curlen = maxj - minj;
        if lastlen > curlen {
            // Rows that left the window: every path through them is outside.
            let start = (maxj - minj) as usize;
            let end = (start + (lastlen - curlen) as usize).min(kept);
            if start < end {
                a[start..end].fill(1.0);
            }
        }
    }
    a[(maxj - minj - 1) as usize]
}

/// scipy's asymptotic branch: `kstwo.sf(d, round(mn / (m + n)))`, rounding half to even.
fn asymptotic_p(n1: u64, n2: u64, d: f64) -> f64 {
    let (m, n) = (n1.max(n2) as f64, n1.min(n2) as f64);
    let en = m * n / (m + n);
    kstwo_sf(en.round_ties_even() as u64, d)
}

// ---------------------------------------------------------------------------------------
// kstwo: scipy's `_kolmogn(n, x, cdf=False)`.

/// `P(D_n ≥ x)` for `0 < x < 1`, choosing the method as Simard and L'Ecuyer (2011) and
/// scipy's `_kolmogn` do.
fn kolmogn_sf(n: u64, x: f64) -> f64 {
    let clip = |p: f64| p.clamp(0.0, 1.0);
    if x >= 1.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let nf = n as f64;
    let t = nf * x;
    if t <= 1.0 {
        // Ruben–Gambino: for 1/(2n) ≤ x ≤ 1/n, P(D_n ≤ x) = n!/nⁿ (2t − 1)ⁿ.
        if t <= 0.5 {
            return 1.0;
        }
        let cdf = if n <= 140 {
            (1..=n).fold(1.0, |p, i| p * (i as f64 * (1.0 / nf) * (2.0 * t - 1.0)))
        } else {
            (log_nfactorial_div_n_pow_n(nf) + nf * (2.0 * t - 1.0).ln()).exp()
        };
        return clip(1.0 - cdf);
    }
    if t >= nf - 1.0 {
        // Ruben–Gambino: for x ≥ 1 − 1/n, P(D_n ≥ x) = 2(1 − x)ⁿ.
        return clip(2.0 * (1.0 - x).powf(nf));
    }
    if x >= 0.5 {
        // The two one-sided tails cannot both exceed x ≥ 1/2: exactly twice Smirnov's.
        return clip(2.0 * smirnov_sf(n, x));
    }
    let nxsquared = t * x;
    if n <= 140 {
        if nxsquared <= 0.754693 {
            return clip(1.0 - dmtw_cdf(n, x));
        }
        if nxsquared <= 4.0 {
            return clip(1.0 - pomeranz_cdf(n, x));
        }
        // Miller's approximation, twice the one-sided tail: the chance of both tails
        // exceeding x is below e^{−6nx²} < 4e-11 of it.
        return clip(2.0 * smirnov_sf(n, x));
    }
    if nxsquared >= 370.0 {
        return 0.0;
    }
    if nxsquared >= 2.2 {
        // Twice the one-sided tail again, as scipy takes it from here on (the overlap of the
        // tails is below e^{−6nx²}, 2e-6 of it at the threshold).
        return clip(2.0 * smirnov_sf(n, x));
    }
    // (scipy's `nxsquared >= 18` → CDF 1 serves only its CDF: the survival function has
    // returned above.)
    let cdf = if n <= 100_000 && nf * x.powf(1.5) <= 1.4 {
        dmtw_cdf(n, x)
    } else {
        pelz_good_cdf(n, x)
    };
    clip(1.0 - cdf)
}

/// `ln(n! / nⁿ)` by Stirling's series with `n ln n` taken out up front (scipy's
/// `_log_nfactorial_div_n_pow_n`): `ln(n)/2 − n + ln(2π)/2 + Σ B₂ⱼ / (2j(2j − 1) n^{2j−1})`.
fn log_nfactorial_div_n_pow_n(n: f64) -> f64 {
    // B_{2j} / (2j) / (2j − 1) for j = 8, …, 1.
    const STIRLING: [f64; 8] = [
        -3617.0 / 122_400.0,
        1.0 / 156.0,
        -691.0 / 360_360.0,
        1.0 / 1188.0,
        -1.0 / 1680.0,
        1.0 / 1260.0,
        -1.0 / 360.0,
        1.0 / 12.0,
    ];
    let rn = 1.0 / n;
    let x = rn / n;
    let series = STIRLING.iter().fold(0.0, |p, &c| p * x + c);
    n.ln() / 2.0 - n + (2.0 * std::f64::consts::PI).ln() / 2.0 + rn * series
}

/// 2¹²⁸: the rescaling step of the matrix power and of Pomeranz's recursion.
const EP128: f64 = f64::from_bits(0x47F0_0000_0000_0000);
/// 2⁻¹²⁸.
const EM128: f64 = f64::from_bits(0x37F0_0000_0000_0000);

/// `P(D_n ≤ d)` by Durbin's matrix (1968) as Marsaglia, Tsang and Wang (2003) compute it:
/// with `d = (k − h)/n`, the `k`-th diagonal entry of `(n!/nⁿ) Hⁿ` for a `(2k − 1)`-square
/// matrix `H`, raised by squaring and rescaled by 2¹²⁸ as it grows (scipy's
/// `_kolmogn_DMTW`).
fn dmtw_cdf(n: u64, d: f64) -> f64 {
    if d >= 1.0 {
        return 1.0;
    }
    let nd = n as f64 * d;
    if nd <= 0.5 {
        return 0.0;
    }
    let k = nd.ceil() as usize;
    let h = k as f64 - nd;
    let m = 2 * k - 1;

    // v: the first column (and, reversed, the last row): (1 − h^j) / j!; w[j] = 1/j!.
    let mut v = vec![0.0; m];
    let mut w = vec![0.0; m];
    let mut fac = 1.0;
    for j in 1..=m {
        w[j - 1] = fac;
        fac /= j as f64;
        v[j - 1] = (1.0 - h.powf(j as f64)) * fac;
    }
    let tt = (2.0 * h - 1.0).max(0.0).powf(m as f64) - 2.0 * h.powf(m as f64);
    v[m - 1] = (1.0 + tt) * fac;
    let mut hm = vec![0.0; m * m];
    for col in 1..m {
        for row in col - 1..m {
            hm[row * m + col] = w[row + 1 - col];
        }
    }
    for row in 0..m {
        hm[row * m] = v[row];
    }
    for col in 0..m {
        hm[(m - 1) * m + col] = v[m - 1 - col];
    }

    // Hⁿ by repeated squaring, each factor carrying a power-of-two exponent.
    let mut power: Vec<f64> = (0..m * m)
        .map(|i| if i % (m + 1) == 0 { 1.0 } else { 0.0 })
        .collect();
    let (mut expnt, mut h_expnt) = (0i64, 0i64);
    let mut nn = n;
    while nn > 0 {
        if nn % 2 == 1 {
            power = matmul(&power, &hm, m);
            expnt += h_expnt;
        }
        nn /= 2;
        if nn == 0 {
            // scipy squares once more; the square is never used.
            break;
        }
        hm = matmul(&hm, &hm, m);
        h_expnt *= 2;
        if hm[(k - 1) * m + (k - 1)].abs() > EP128 {
            hm.iter_mut().for_each(|x| *x /= EP128);
            h_expnt += 128;
        }
    }
    let mut p = power[(k - 1) * m + (k - 1)];
    // Times n!/nⁿ, one factor i/n at a time, kept away from underflow.
    let nf = n as f64;
    for i in 1..=n {
        p = i as f64 * p / nf;
        if p.abs() < EM128 {
            p *= EP128;
            expnt -= 128;
        }
    }
    ldexp(p, expnt).clamp(0.0, 1.0)
}

/// The `m × m` row-major product `a · b`.
fn matmul(a: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * m];
    for (c_row, a_row) in c.chunks_exact_mut(m).zip(a.chunks_exact(m)) {
        for (&a_ik, b_row) in a_row.iter().zip(b.chunks_exact(m)) {
            if a_ik != 0.0 {
                for (c_ij, &b_kj) in c_row.iter_mut().zip(b_row) {
                    *c_ij += a_ik * b_kj;
                }
            }
        }
    }
    c
}

/// `x · 2^e`, exact while the result is a normal number.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    let (up, down) = (2f64.powi(1000), 2f64.powi(-1000));
    while e > 1000 && x.is_finite() && x != 0.0 {
        x *= up;
        e -= 1000;
    }
    while e < -1000 && x.is_finite() && x != 0.0 {
        x *= down;
        e += 1000;
    }
    x * 2f64.powi(e.clamp(-1100, 1100) as i32)
}

/// The window `[j1, j2]` of non-zero entries in row `i` of Pomeranz's recursion (scipy's
/// `_pomeranz_compute_j1j2`), from `t = n·x = ll + f`.
fn pomeranz_j1j2(i: i64, n: i64, ll: i64, ceilf: i64, roundf: i64) -> (i64, i64) {
    let (j1, j2) = if i == 0 {
        (-ll - ceilf - 1, ll + ceilf - 1)
    } else {
        let (half, odd) = ((i + 1) / 2, (i + 1) % 2);
        if odd == 0 {
            // i is odd.
            if half == n + 1 {
                (n - ll - ceilf - 1, n + ll + ceilf - 1)
            } else {
                (half - 1 - ll - roundf - 1, half + ll - 1 + ceilf - 1)
            }
        } else {
            (half - 1 - ll - 1, half + ll + roundf - 1)
        }
    };
    ((j1 + 2).max(0), j2.min(n))
}

/// `P(D_n ≤ x)` by Pomeranz's (1974) recursion: `2n + 1` rows, each the convolution of the
/// previous one with (unnormalised) Poisson probabilities at `g/n`, `2g/n` or `(1 − 2g)/n`,
/// where `g` is the distance of `n·x` to the nearest integer; the answer is `n!` times the
/// last entry. Only a sliding window of each row is non-zero (scipy's `_kolmogn_Pomeranz`).
fn pomeranz_cdf(n: u64, x: f64) -> f64 {
    let nf = n as f64;
    let t = nf * x;
    let ll = t.floor() as i64;
    let f = t - ll as f64;
    let g = f.min(1.0 - f);
    let ceilf = i64::from(f > 0.0);
    let roundf = i64::from(f > 0.5);
    let npwrs = (2 * (ll + 1)) as usize;
    // (g/n)^m / m!, (2g/n)^m / m!, ((1 − 2g)/n)^m / m!.
    let (mut gpower, mut twogpower, mut onem2gpower) =
        (vec![1.0; npwrs], vec![1.0; npwrs], vec![1.0; npwrs]);
    let (g_n, two_g_n, one_m2g_n) = (g / nf, 2.0 * g / nf, (1.0 - 2.0 * g) / nf);
    for m in 1..npwrs {
        gpower[m] = gpower[m - 1] * g_n / m as f64;
        twogpower[m] = twogpower[m - 1] * two_g_n / m as f64;
        onem2gpower[m] = onem2gpower[m - 1] * one_m2g_n / m as f64;
    }

    let n = n as i64;
    let mut v0 = vec![0.0; npwrs];
    let mut v1 = vec![0.0; npwrs];
    v1[0] = 1.0;
    // Where each row's stored window starts.
    let (mut v0s, mut v1s) = (0i64, 0i64);
    let mut expnt = 0i64;
    let (mut j1, _) = pomeranz_j1j2(0, n, ll, ceilf, roundf);
    for i in 1..2 * n + 2 {
        let k1 = j1;
        std::mem::swap(&mut v0, &mut v1);
        std::mem::swap(&mut v0s, &mut v1s);
        v1.fill(0.0);
        let j2;
        (j1, j2) = pomeranz_j1j2(i, n, ll, ceilf, roundf);
        let pwrs = if i == 1 || i == 2 * n + 1 {
            &gpower
        } else if i % 2 == 1 {
            &twogpower
        } else {
            &onem2gpower
        };
        let len = j2 - k1 + 1;
        if len > 0 {
            let len = len as usize;
            // The window of the previous row, and entry c of its full convolution with pwrs.
            let offset = k1 - v0s;
            let prev = |idx: usize| {
                usize::try_from(offset + idx as i64)
                    .ok()
                    .and_then(|k| v0.get(k).copied())
                    .unwrap_or(0.0)
            };
            let start = j1 - k1;
            let count = j2 - j1 + 1;
            for out in 0..count.max(0) as usize {
                let c = (start + out as i64) as usize;
                let lo = c.saturating_sub(len - 1);
                let hi = c.min(len - 1);
                let mut s = 0.0;
                for idx in lo..=hi {
                    s += prev(idx) * pwrs.get(c - idx).copied().unwrap_or(0.0);
                }
                if let Some(slot) = v1.get_mut(out) {
                    *slot = s;
                }
            }
            let max = v1.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if 0.0 < max && max < EM128 {
                v1.iter_mut().for_each(|x| *x *= EP128);
                expnt -= 128;
            }
            v1s = v0s + j1 - k1;
        }
    }
    // Times n!, kept away from overflow.
    let mut ans = usize::try_from(n - v1s)
        .ok()
        .and_then(|k| v1.get(k).copied())
        .unwrap_or(0.0);
    for m in 1..=n {
        if ans.abs() > EP128 {
            ans *= EM128;
            expnt += 128;
        }
        ans *= m as f64;
    }
    ldexp(ans, expnt).clamp(0.0, 1.0)
}

/// `P(D_n ≤ x)` by Pelz and Good's (1976) approximation: Li-Chien's and Korolyuk's expansion
/// `K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2}` at `z = x√n`, each term rewritten through
/// Jacobi's theta transformation into sums that converge fast for small `z` (scipy's
/// `_kolmogn_PelzGood`).
fn pelz_good_cdf(n: u64, x: f64) -> f64 {
    use std::f64::consts::PI;
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let sqrt_2pi = (2.0 * PI).sqrt();
    let (pi2, pi4, pi6) = (PI * PI, PI.powf(4.0), PI.powf(6.0));
    let nf = n as f64;
    let z = nf.sqrt() * x;
    let (z2, z3, z4, z6) = (z * z, z.powf(3.0), z.powf(4.0), z.powf(6.0));
    let qlog = -pi2 / 8.0 / z2;
    if qlog < -708.0 {
        return 0.0;
    }
    let q = qlog.exp();

    // The coefficients of the sums over odd integers m = 2k − 1 in K₁, K₂ and K₃.
    let (k1a, k1b) = (-z2, pi2 / 4.0);
    let k2a = 6.0 * z6 + 2.0 * z4;
    let k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0;
    let k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
    let k3d = pi6 * (5.0 - 30.0 * z2) / 64.0;
    let k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
    let k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0;
    let k3a = -30.0 * z6 - 90.0 * z.powf(8.0);

    // Σ c_k q^{(2k−1)²}, Horner-wise in q^{8k}.
    let maxk = (16.0 * z / PI).ceil() as u64;
    let mut kk = [0.0f64; 4];
    for k in (1..=maxk).rev() {
        let m = (2 * k - 1) as f64;
        let (m2, m4, m6) = (m * m, m.powi(4), m.powi(6));
        let qpower = q.powf((8 * k) as f64);
        let coeffs = [
            1.0,
            k1a + k1b * m2,
            k2a + k2b * m2 + k2c * m4,
            k3a + k3b * m2 + k3c * m4 + k3d * m6,
        ];
        for (s, c) in kk.iter_mut().zip(coeffs) {
            *s = *s * qpower + c;
        }
    }
    let denominators = [z, 6.0 * z4, 72.0 * z.powf(7.0), 6480.0 * z.powf(10.0)];
    for (s, d) in kk.iter_mut().zip(denominators) {
        *s = *s * q * sqrt_2pi / d;
    }

    // The sums over all integers k in K₂ and K₃: π²k² q^{k²} and (3z² − π²k²) π²k² q^{k²}.
    let q = (-pi2 / 2.0 / z2).exp();
    let sqrt3z = 3f64.sqrt() * z;
    let (mut k2extra, mut k3extra) = (0.0, 0.0);
    for k in (1..=maxk).rev() {
        let kf = k as f64;
        let k2 = kf * kf;
        let qk = q.powf(k2);
        k2extra += k2 * qk;
        k3extra += (sqrt3z + PI * kf) * (sqrt3z - PI * kf) * k2 * qk;
    }
    kk[2] += k2extra * (pi2 * sqrt_2pi / (-36.0 * z3));
    kk[3] += k3extra * (pi2 * sqrt_2pi / (216.0 * z6));
    kk.iter()
        .enumerate()
        .map(|(i, s)| s / nf.powf(i as f64 / 2.0))
        .sum()
}

// ---------------------------------------------------------------------------------------
// Smirnov's one-sided tail, `scipy.special.smirnov(n, x)`.

/// `ln 2⁻¹⁰⁷⁵`: below it `exp` gives 0 (cephes' `MINLOG`).
const MINLOG: f64 = -745.133_219_101_941_2;

/// `P(D_n⁺ ≥ x)`, Smirnov's one-sided tail (`scipy.special.smirnov`), from the
/// Birnbaum–Tingey (1951) sum
/// `x Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^{v−1} (1 − x − v/n)^{n−v}`, the branches of
/// `xsf/cephes/kolmogorov.h`. scipy sums in double-double arithmetic; here each term is
/// formed as a logarithm in compensated (two-double) arithmetic — `n·x` split exactly, the
/// bases' logarithms corrected by their low parts, `ln C(n, v)` accumulated with its error —
/// and the positive terms summed relative to the largest so far. Against scipy its relative
/// error measured below 4e-13 for every `n` up to 10⁶ (1.2e-13 at 2·10⁵; the workspace's
/// `tests/ks_parity.rs` checks the grid in `tests/oracles/ks.json`).
///
/// scipy takes the alternating upper sum for `x ≤ 1/(2√n)` with at most three terms;
/// `kolmogn_sf` never calls this below `x = 2/√n` (or `√(2.2/n)`, or ½), so only the lower
/// sum is here.
fn smirnov_sf(n: u64, x: f64) -> f64 {
    if !(n > 0 && (0.0..=1.0).contains(&x)) {
        return f64::NAN;
    }
    if n == 1 {
        return 1.0 - x;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x == 1.0 {
        return 0.0;
    }
    let nf = n as f64;
    // n·x exactly, as hi + lo; its floor and fractional part.
    let nx = Dd::product(nf, x);
    let mut floor = nx.hi.floor();
    if floor == nx.hi {
        floor += nx.lo.floor();
    }
    let mut alpha = (nx.hi - floor) + nx.lo;
    let mut nxfl = floor as i64;
    if alpha >= 1.0 {
        nxfl += 1;
        alpha = 0.0;
    }
    let n_i = n as i64;
    // The last term of the lower sum: v < n(1 − x), whether or not n·x is an integer.
    let n1mxfl = n_i - nxfl - 1;
    if nxfl == 0 || (nxfl == 1 && alpha == 0.0) {
        // x ≤ 1/n: P(D⁺ < x) = x (1 + x)^{n−1}.
        let cdf = x * ((nf - 1.0) * x.ln_1p()).exp();
        return (1.0 - cdf).clamp(0.0, 1.0);
    }
    if -2.0 * nf * x * x < MINLOG {
        return 0.0;
    }
    if nxfl >= n_i - 1 {
        // x ≥ 1 − 1/n: only the v = 0 term.
        return (1.0 - x).powf(nf);
    }
    if n > 1_000_000 {
        // scipy's approximation for very large n: p ≈ exp(−(6nx + 1)² / 18n).
        let logp = -(6.0 * nf * x + 1.0).powi(2) / 18.0 / nf;
        let sf = if logp < -std::f64::consts::LN_2 {
            logp.exp()
        } else {
            let cdf = -logp.exp_m1();
            1.0 - cdf
        };
        return sf.clamp(0.0, 1.0);
    }

    let nterms = (n1mxfl + 1).max(0) as u64;
    let vmid = n / 2;
    let mut ln_binomial = Dd::ZERO;
    // Σ exp(ln A_v − reference), reference the largest ln A_v so far.
    let mut reference: Option<Dd> = None;
    let mut sum = 0.0f64;
    for v in 0..nterms {
        let ln_a = ln_birnbaum_tingey_term(n, v, nx, ln_binomial);
        // scipy's term underflows to 0 below 2⁻¹⁰⁷⁵ (and is then left out); so does a
        // term whose base rounded to 0 (a NaN or −∞ logarithm).
        let vanishes = ln_a.hi.is_nan() || ln_a.hi < MINLOG;
        let mut term = 0.0;
        if !vanishes {
            match reference {
                None => {
                    reference = Some(ln_a);
                    sum = 1.0;
                    term = 1.0;
                }
                Some(r) => {
                    let diff = ln_a.add(r.neg());
                    if diff.hi > 0.0 {
                        sum = sum * diff.neg().exp() + 1.0;
                        reference = Some(ln_a);
                        term = 1.0;
                    } else {
                        term = diff.exp();
                        sum += term;
                    }
                }
            }
        }
        if v > 0 {
            // scipy's early exit: the remaining terms cannot reach the sum's last bit.
            if !vanishes {
                if 4.0 * (nterms - v) as f64 * term < f64::EPSILON * sum && v != nterms - 1 {
                    break;
                }
            } else if v > vmid {
                break;
            }
        }
        // C(n, v + 1) = C(n, v) (n − v) / (v + 1).
        let ratio = Dd::quotient((n - v) as f64, (v + 1) as f64);
        ln_binomial = ln_binomial.add(ratio.ln());
    }
    let Some(reference) = reference else {
        return 0.0;
    };
    let scaled = x * sum;
    let p = if reference.hi > -700.0 {
        reference.hi.exp() * (1.0 + reference.lo) * scaled
    } else {
        (reference.hi + scaled.ln()).exp() * (1.0 + reference.lo)
    };
    p.clamp(0.0, 1.0)
}

/// `ln A_v = ln C(n, v) + (n − v) ln(1 − u) + (v − 1) ln u` with `u = (v + n·x)/n`, in
/// compensated arithmetic.
fn ln_birnbaum_tingey_term(n: u64, v: u64, nx: Dd, ln_binomial: Dd) -> Dd {
    let nf = n as f64;
    let vf = v as f64;
    // u = x + v/n and 1 − u = (n − v − n·x)/n, each as hi + lo.
    let u = Dd::sum(vf, nx.hi).add_f64(nx.lo).div_f64(nf);
    let one_minus_u = Dd::sum(nf - vf, -nx.hi).add_f64(-nx.lo).div_f64(nf);
    let ln_one_minus_u = if u.hi < 0.5 {
        // ln(1 − u) = ln1p(−u_hi) − u_lo / (1 − u_hi): accurate when u is small.
        Dd {
            hi: (-u.hi).ln_1p(),
            lo: -u.lo / (1.0 - u.hi),
        }
    } else {
        one_minus_u.ln()
    };
    ln_binomial
        .add(ln_one_minus_u.scale(nf - vf))
        .add(u.ln().scale(vf - 1.0))
}

/// A two-double number `hi + lo` (|lo| ≤ ulp(hi)/2 once normalised): just enough of
/// double-double arithmetic for [`smirnov_sf`].
#[derive(Debug, Clone, Copy)]
struct Dd {
    hi: f64,
    lo: f64,
}

impl Dd {
    const ZERO: Dd = Dd { hi: 0.0, lo: 0.0 };

    /// `a + b` exactly (Knuth's two-sum).
    fn sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd {
            hi: s,
            lo: (a - (s - bb)) + (b - bb),
        }
    }

    /// `a · b` exactly (with a fused multiply-add).
    fn product(a: f64, b: f64) -> Dd {
        let p = a * b;
        Dd {
            hi: p,
            lo: a.mul_add(b, -p),
        }
    }

    /// `a / b` to twice double precision.
    fn quotient(a: f64, b: f64) -> Dd {
        Dd { hi: a, lo: 0.0 }.div_f64(b)
    }

    fn renormalised(hi: f64, lo: f64) -> Dd {
        let s = hi + lo;
        Dd {
            hi: s,
            lo: lo - (s - hi),
        }
    }

    fn add(self, other: Dd) -> Dd {
        let s = Dd::sum(self.hi, other.hi);
        Dd::renormalised(s.hi, s.lo + self.lo + other.lo)
    }

    fn add_f64(self, b: f64) -> Dd {
        let s = Dd::sum(self.hi, b);
        Dd::renormalised(s.hi, s.lo + self.lo)
    }

    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    /// `self · k`.
    fn scale(self, k: f64) -> Dd {
        let p = Dd::product(self.hi, k);
        Dd::renormalised(p.hi, p.lo + self.lo * k)
    }

    /// `self / b`: the quotient of the high part, corrected by the exact remainder.
    fn div_f64(self, b: f64) -> Dd {
        let q = self.hi / b;
        let remainder = (-q).mul_add(b, self.hi);
        Dd::renormalised(q, (remainder + self.lo) / b)
    }

    /// `ln(hi + lo) = ln(hi) + lo/hi` to first order (`hi > 0`).
    fn ln(self) -> Dd {
        Dd {
            hi: self.hi.ln(),
            lo: self.lo / self.hi,
        }
    }

    /// `exp(hi + lo) = exp(hi)(1 + lo)` to first order.
    fn exp(self) -> f64 {
        self.hi.exp() * (1.0 + self.lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_cases_do_not_panic_and_stay_in_range() {
        let cases: Vec<(Vec<f64>, Vec<f64>)> = vec![
            (vec![0.5], vec![1.5]),
            (vec![1.5], vec![0.5]),
            (vec![1.0], vec![1.0]),
            (vec![2.0; 50], vec![2.0; 40]),
            (vec![2.0; 20_000], vec![2.0; 3]),
            (vec![0.0, 1.0], vec![f64::INFINITY, f64::NEG_INFINITY]),
            (
                (0..100).map(f64::from).collect(),
                (0..100).map(f64::from).collect(),
            ),
            (
                (0..1000).map(f64::from).collect(),
                (1000..2000).map(f64::from).collect(),
            ),
            (
                (0..300).map(f64::from).collect(),
                (1000..1400).map(f64::from).collect(),
            ),
            ((0..20_000).map(f64::from).collect(), vec![-1.0]),
            (
                (0..20_000).map(f64::from).collect(),
                (0..11_000).map(|i| -f64::from(i)).collect(),
            ),
        ];
        for (a, b) in &cases {
            for (a, b) in [(a, b), (b, a)] {
                let test = ks_test(a, b).unwrap();
                assert!((0.0..=1.0).contains(&test.p_value), "{test:?}");
                assert!((0.0..=1.0).contains(&test.statistic), "{test:?}");
            }
        }
        assert_eq!(ks_test(&[], &[]), None);
        assert_eq!(ks_test(&[1.0], &[]), None);
        assert_eq!(ks_test(&[f64::NAN], &[f64::NAN]), None);
    }

    #[test]
    fn identical_and_all_tied_samples_have_p_one() {
        let a: Vec<f64> = (0..500).map(|i| f64::from(i) * 0.37).collect();
        let test = ks_test(&a, &a).unwrap();
        assert_eq!((test.statistic, test.p_value), (0.0, 1.0));
        assert_eq!(test.method, KsMethod::Exact);
        let test = ks_test(&[3.0; 7], &[3.0; 12_000]).unwrap();
        assert_eq!((test.statistic, test.p_value), (0.0, 1.0));
        assert_eq!(test.method, KsMethod::Asymptotic);
    }

    #[test]
    fn the_exact_count_matches_closed_forms() {
        // Disjoint samples: 2 / C(m + n, n), equal sizes or not.
        assert!((prob_outside_square(5, 5) - 2.0 / 252.0).abs() < 1e-16);
        assert!((outer_prob_inside(3, 4, 1, 12) - 2.0 / 35.0).abs() < 1e-16);
        // D ≥ 1/n always holds for distinct values of two samples of n.
        assert!((prob_outside_square(10, 1) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn the_inside_method_stays_in_range_on_every_lattice() {
        for m in 1..=30u64 {
            for n in 1..=30u64 {
                if m == n {
                    continue;
                }
                let g = gcd(m, n);
                let lcm = m / g * n;
                for h in 1..=lcm {
                    let p = outer_prob_inside(m, n, g, h);
                    assert!((0.0..=1.0).contains(&p), "{m} {n} {h}: {p}");
                }
            }
        }
    }

    #[test]
    fn kstwo_is_a_survival_function_across_its_branches() {
        for n in [
            1u64, 2, 3, 5, 10, 50, 140, 141, 500, 1000, 20_000, 100_001, 2_000_000,
        ] {
            let mut last = 1.0;
            for i in 0..=400 {
                let d = f64::from(i) / 400.0;
                let p = kstwo_sf(n, d);
                assert!((0.0..=1.0).contains(&p), "{n} {d}: {p}");
                assert!(p <= last + 1e-9, "{n} {d}: {p} > {last}");
                last = p;
            }
        }
        assert!(kstwo_sf(0, 0.5).is_nan());
        assert!(kstwo_sf(10, f64::NAN).is_nan());
    }
}
