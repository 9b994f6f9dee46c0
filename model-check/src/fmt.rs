//! Numbers as every renderer shows them: rates as percentages, differences of rates in
//! points, other values with a few significant decimals.
//!
//! A leaf module: it imports nothing of the crate, and every report (text, JUnit, the notes
//! expectations write) formats through it, so one number reads the same everywhere.

/// `0.0542` → `5.42%`: a rate as a percentage with at most two decimals, trailing zeros
/// dropped, and a typographic minus.
///
/// ```
/// use model_check::fmt::percent;
///
/// assert_eq!(percent(0.05), "5%");
/// assert_eq!(percent(0.025), "2.5%");
/// assert_eq!(percent(1.0 / 3.0), "33.33%");
/// ```
pub fn percent(x: f64) -> String {
    format!("{}%", points_number(x))
}

/// `0.194` → `19.4 points`: a difference of two rates in percentage points.
///
/// ```
/// use model_check::fmt::points;
///
/// assert_eq!(points(0.194), "19.4 points");
/// assert_eq!(points(-0.05), "−5 points");
/// ```
pub fn points(x: f64) -> String {
    format!("{} points", points_number(x))
}

/// The number of percentage points in `x` (`0.194` → `19.4`, `-0.05` → `−5`), with at most
/// two decimals and a typographic minus; no unit.
pub fn points_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "inf".into()
        } else {
            "−inf".into()
        };
    }
    let pct = format!("{:.2}", 100.0 * x);
    let pct = pct.trim_end_matches('0').trim_end_matches('.');
    let pct = if pct == "-0" { "0" } else { pct };
    pct.replace('-', "−")
}

/// A plain number: four decimals below 10, two from 10 on, trailing zeros dropped.
///
/// ```
/// use model_check::fmt::number;
///
/// assert_eq!(number(0.81234567), "0.8123");
/// assert_eq!(number(1234.5678), "1234.57");
/// assert_eq!(number(2.0), "2");
/// assert_eq!(number(f64::INFINITY), "inf");
/// ```
pub fn number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = if x.abs() >= 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    };
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A p-value: four significant digits, in scientific notation below 0.001.
///
/// ```
/// use model_check::fmt::p_value;
///
/// assert_eq!(p_value(0.0312), "0.0312");
/// assert_eq!(p_value(2.378e-142), "2.378e-142");
/// assert_eq!(p_value(1.0), "1");
/// ```
pub fn p_value(p: f64) -> String {
    if p != 0.0 && p.abs() < 1e-3 {
        format!("{p:.3e}")
    } else {
        number(p)
    }
}

/// A count: a whole number shown without decimals, anything else as [`number`].
///
/// ```
/// use model_check::fmt::count;
///
/// assert_eq!(count(12.0), "12");
/// assert_eq!(count(2.5), "2.5");
/// ```
pub fn count(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        number(x)
    }
}

/// A number with at most five significant digits, without trailing zeros: for values located
/// to a tolerance (flip thresholds), whose last bits a report need not show.
///
/// ```
/// use model_check::fmt::significant;
///
/// assert_eq!(significant(7.499_999_5), "7.5");
/// assert_eq!(significant(0.123_456), "0.12346");
/// assert_eq!(significant(123_456.7), "123457");
/// ```
pub fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (4 - magnitude).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A rate as a percentage with five significant digits (`0.051234` → `5.1234%`): for rates a
/// user wrote down exactly, such as a threshold in an expectation's description.
pub fn percent_significant(x: f64) -> String {
    format!("{}%", significant(100.0 * x))
}

/// A probability with three decimals: `0.482`.
pub fn probability(x: f64) -> String {
    format!("{x:.3}")
}

/// Two probabilities with three decimals, or more when three would hide the change: when the
/// two would read alike, or either would read on the other side of ½ — the decision a
/// binary classifier makes — than it is (`0.49996 → 0.50010`, not `0.500 → 0.500`).
///
/// ```
/// use model_check::fmt::probability_pair;
///
/// assert_eq!(probability_pair(0.48, 0.53), ("0.480".to_string(), "0.530".to_string()));
/// assert_eq!(probability_pair(0.49951, 0.50049), ("0.4995".to_string(), "0.5005".to_string()));
/// // 0.4996 rounds to 0.500: one more decimal shows it is below the decision.
/// assert_eq!(probability_pair(0.4996, 0.512), ("0.4996".to_string(), "0.5120".to_string()));
/// ```
pub fn probability_pair(a: f64, b: f64) -> (String, String) {
    let shown = |x: f64, d: usize| format!("{x:.d$}");
    let faithful = |d: usize| {
        let (sa, sb) = (shown(a, d), shown(b, d));
        let side = |x: f64, s: &str| s.parse::<f64>().map_or(true, |y| (x < 0.5) == (y < 0.5));
        (a == b || sa != sb) && side(a, &sa) && side(b, &sb)
    };
    let decimals = (3..=9).find(|&d| faithful(d)).unwrap_or(9);
    (shown(a, decimals), shown(b, decimals))
}

/// The shortest text that reads back as the same `f64` (`0.1`, `21.5`, `1e-7`): for values
/// a reader may want to paste back into code, such as thresholds.
pub fn exact(x: f64) -> String {
    format!("{x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_naturally() {
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.333), "33.3%");
        assert_eq!(percent(0.07), "7%");
        assert_eq!(percent(-0.0001), "−0.01%");
        assert_eq!(points(-0.00001), "0 points");
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.00001), "0");
        assert_eq!(number(-1.5), "-1.5");
        assert_eq!(number(10.0), "10");
        assert_eq!(count(-3.0), "-3");
    }

    #[test]
    fn significant_digits_are_short() {
        assert_eq!(significant(62.500_001), "62.5");
        assert_eq!(significant(12.0), "12");
        assert_eq!(significant(-3.25), "-3.25");
    }

    #[test]
    fn probabilities_show_enough_decimals_to_differ() {
        assert_eq!(
            probability_pair(0.49999, 0.50001),
            ("0.49999".into(), "0.50001".into())
        );
    }
}
