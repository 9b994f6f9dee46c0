//! Numbers: a number changed within a relative bound, keeping its format
//! ([`ChangeNumbers`], built by [`change_numbers`]).

use rand::RngExt;

use crate::data::SeededRng;
use crate::perturb::{Augmenter, Edit, SettingError};

use super::tokens::tokenize;

/// Numbers changed within a relative bound; built by [`change_numbers`].
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, ChangeNumbers, change_numbers};
///
/// let augmenter: ChangeNumbers = change_numbers(0.5);
/// let edits = augmenter.propose(&"5 stars".to_string(), &mut seeded_rng(0)).unwrap();
/// let stars: u32 = edits[0].after.as_category().unwrap().parse().unwrap();
/// assert!((3..=7).contains(&stars) && stars != 5);
/// ```
#[derive(Debug, Clone)]
pub struct ChangeNumbers {
    max_relative: f64,
}

/// Changes every number in the text to another within ±`max_relative` of it (`0.2` for
/// ±20%; above 1 counts as 1), drawn uniformly among the numbers written with as many decimals
/// as the original: integers stay integers, `$2.29` stays a price in cents, `1,000` keeps its
/// thousands separator, and units stay attached (`5%`, `12oz`, `$5`). `None` for a text
/// without a number that can change (a `2` cannot move by 20% and stay an integer).
///
/// Left alone: years (1900–2099), ordinals (`2nd`), decades (`80s`), numbers with a leading
/// zero, and tokens such as `24/7`, `5-10` or `8:30` that are not one number.
///
/// A negative or NaN `max_relative` fails [`check`](Augmenter::check), naming the setting.
///
/// ```
/// use model_check::data::seeded_rng;
/// use model_check::perturb::{Augmenter, Editable, change_numbers};
///
/// let review = "Only $16.99 at Costco, why pay $40 for 12 bags in 2012?".to_string();
/// let edits = change_numbers(0.2).propose(&review, &mut seeded_rng(9)).unwrap();
/// assert_eq!(edits.len(), 3); // the year stays
/// let price: f64 = edits[0].after.as_category().unwrap()
///     .trim_start_matches('$').trim_end_matches(',').parse()?;
/// assert!((price - 16.99).abs() <= 0.2 * 16.99 && price != 16.99);
/// println!("{}", review.apply(&edits));
/// assert_eq!(change_numbers(0.2).describe(), "numbers changed by up to ±20%");
/// # Ok::<(), std::num::ParseFloatError>(())
/// ```
pub fn change_numbers(max_relative: f64) -> ChangeNumbers {
    ChangeNumbers { max_relative }
}

impl ChangeNumbers {
    /// The relative bound in use: the setting, at most 1 (NaN stays NaN; `f64::min` would
    /// turn it into 1).
    fn bound(&self) -> f64 {
        if self.max_relative > 1.0 {
            1.0
        } else {
            self.max_relative
        }
    }
}

/// A number written in a token's core: `1,250.50oz` → 125050 hundredths, unit `oz`.
struct Number<'a> {
    /// The value in units of the last decimal.
    scaled: u64,
    decimals: usize,
    thousands: bool,
    unit: &'a str,
}

fn parse_number(core: &str) -> Option<Number<'_>> {
    let digits_end = core
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(core.len());
    let number = core[..digits_end].trim_end_matches([',', '.']);
    let unit = &core[number.len()..];
    let (integer, fraction) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    if let Some(f) = fraction
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let thousands = integer.contains(',');
    let groups: Vec<&str> = integer.split(',').collect();
    let groups_ok = groups[0].len() <= if thousands { 3 } else { 18 }
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if !groups_ok {
        return None;
    }
    let integer: String = groups.concat();
    if integer.len() > 1 && integer.starts_with('0') {
        return None; // an id or a code
    }
    let unit_lower = unit.to_lowercase();
    let unit_ok = unit.is_empty()
        || (unit.chars().all(char::is_alphabetic)
            && !["st", "nd", "rd", "th", "s"].contains(&unit_lower.as_str()))
        || (unit.starts_with('-') && unit[1..].chars().all(char::is_alphabetic) && unit.len() > 1);
    if !unit_ok {
        return None;
    }
    let decimals = fraction.map_or(0, str::len);
    if integer.len() + decimals > 15 {
        return None;
    }
    let scaled: u64 = format!("{integer}{}", fraction.unwrap_or(""))
        .parse()
        .ok()?;
    if decimals == 0 && !thousands && unit.is_empty() && (1900..=2099).contains(&scaled) {
        return None; // a year
    }
    Some(Number {
        scaled,
        decimals,
        thousands,
        unit,
    })
}

impl Number<'_> {
    fn format(&self, scaled: u64) -> String {
        let divisor = 10u64.pow(self.decimals as u32);
        let mut integer = (scaled / divisor).to_string();
        if self.thousands {
            let digits = integer.clone();
            integer.clear();
            for (i, d) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    integer.push(',');
                }
                integer.push(d);
            }
        }
        if self.decimals > 0 {
            format!(
                "{integer}.{:0width$}{}",
                scaled % divisor,
                self.unit,
                width = self.decimals
            )
        } else {
            format!("{integer}{}", self.unit)
        }
    }
}

impl Augmenter<String> for ChangeNumbers {
    fn describe(&self) -> String {
        format!(
            "numbers changed by up to ±{}%",
            (self.bound() * 1e4).round() / 100.0
        )
    }

    fn fit(&self, _rows: &[String]) -> Self {
        self.clone()
    }

    fn check(&self) -> Result<(), SettingError> {
        if self.max_relative >= 0.0 {
            Ok(())
        } else {
            Err(SettingError::new(
                "change_numbers(max_relative)",
                format!("must be a number at least 0, got {}", self.max_relative),
            ))
        }
    }

    fn propose(&self, row: &String, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let max_relative = self.bound();
        if max_relative.is_nan() || max_relative < 0.0 {
            return None; // fails `check`
        }
        let tokens = tokenize(row);
        let mut edits = Vec::new();
        for token in &tokens {
            if token.core.is_empty() || !token.core.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let Some(number) = parse_number(token.core) else {
                continue;
            };
            let x = number.scaled as f64;
            let slack = 1e-9 * x.max(1.0);
            let low = (x * (1.0 - max_relative) - slack).ceil().max(0.0) as u64;
            let high = (x * (1.0 + max_relative) + slack).floor() as u64;
            if high <= low {
                continue; // only the number itself is in range
            }
            let mut new = rng.random_range(low..high);
            if new >= number.scaled {
                new += 1;
            }
            edits.push(token.edit(format!(
                "{}{}{}",
                token.prefix,
                number.format(new),
                token.suffix
            )));
        }
        (!edits.is_empty()).then_some(edits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_with_their_format() {
        let n = parse_number("1,250.50oz").unwrap();
        assert_eq!(
            (n.scaled, n.decimals, n.thousands, n.unit),
            (125050, 2, true, "oz")
        );
        assert_eq!(n.format(99900), "999.00oz");
        assert_eq!(n.format(10_000_000), "100,000.00oz");
        for not_a_number in [
            "2012", "2nd", "80s", "007", "24/7", "5-10", "8:30", "3.5.1", "1,00",
        ] {
            assert!(parse_number(not_a_number).is_none(), "{not_a_number}");
        }
        assert_eq!(parse_number("12-pack").unwrap().unit, "-pack");
    }
}
