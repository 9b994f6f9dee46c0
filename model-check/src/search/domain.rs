//! What each varying feature may take ([`Domain`]): its range, its levels or its two
//! `bool` values, learned from the rows where not declared; the values a search tries, random
//! values, and the normalised distance between two values.

use std::borrow::Cow;
use std::collections::BTreeSet;

use rand::RngExt;

use crate::data::{Features, Kind, NumberType, Value};

/// What a varying feature may take.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Domain {
    /// A number in `[lo, hi]`, whole when `integer`.
    Number { lo: f64, hi: f64, integer: bool },
    /// A `bool`, or an integer whose range is 0..=1: 0 or 1.
    Bool,
    /// One of these levels.
    Levels(Vec<String>),
    /// Nothing to vary: a numeric feature with no values, or a single one, observed.
    Fixed,
}

impl Domain {
    pub(super) fn of<R: Features>(
        spec: &crate::data::FeatureSpec,
        index: usize,
        rows: &[R],
    ) -> Domain {
        match spec.kind() {
            Kind::Numeric {
                number: NumberType::Bool,
                ..
            } => Domain::Bool,
            Kind::Numeric { number, range } => {
                let integer = number == NumberType::Integer;
                let (lo, hi) = range.unwrap_or_else(|| {
                    rows.iter()
                        .filter_map(|r| r.value(index).as_number())
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                            (lo.min(x), hi.max(x))
                        })
                });
                let (lo, hi) = if integer {
                    (lo.ceil(), hi.floor())
                } else {
                    (lo, hi)
                };
                if integer && lo == 0.0 && hi == 1.0 {
                    // A 0/1 code (`u8` flags): two values, nothing to bisect.
                    Domain::Bool
                } else if lo.is_finite() && hi.is_finite() && lo < hi {
                    Domain::Number { lo, hi, integer }
                } else {
                    Domain::Fixed
                }
            }
            Kind::Categorical { levels } if !levels.is_empty() => {
                Domain::Levels(levels.iter().map(|l| l.to_string()).collect())
            }
            Kind::Categorical { .. } => {
                // Borrowed where the row type lends its levels: one copy per level.
                let mut borrowed: std::collections::HashSet<&str> = Default::default();
                let mut observed: BTreeSet<String> = BTreeSet::new();
                for row in rows {
                    match row.category(index) {
                        Some(Some(level)) => {
                            borrowed.insert(level);
                        }
                        Some(None) => {}
                        None => {
                            if let Value::Category(c) = row.value(index) {
                                observed.insert(c.into_owned());
                            }
                        }
                    }
                }
                observed.extend(borrowed.into_iter().map(str::to_string));
                observed.remove("");
                Domain::Levels(observed.into_iter().collect())
            }
        }
    }

    /// The values to try first: the ends of a range, the other `bool`, the other levels.
    pub(super) fn alternatives(&self, current: &Value) -> Vec<Value> {
        match (self, current) {
            (Domain::Number { lo, hi, .. }, Value::Number(x)) => [*lo, *hi]
                .into_iter()
                .filter(|end| end != x)
                .map(Value::Number)
                .collect(),
            (Domain::Bool, Value::Number(x)) if *x == 0.0 || *x == 1.0 => {
                vec![Value::Number(1.0 - x)]
            }
            (Domain::Levels(levels), current) => levels
                .iter()
                .filter(|l| current.as_category() != Some(l.as_str()))
                .map(|l| Value::Category(Cow::Owned(l.clone())))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A random value other than `current`, if there is one.
    pub(super) fn random(
        &self,
        current: &Value,
        rng: &mut crate::data::SeededRng,
    ) -> Option<Value> {
        let value = match (self, current) {
            (Domain::Number { lo, hi, integer }, Value::Number(_)) => Value::Number(if *integer {
                rng.random_range(*lo as i64..=*hi as i64) as f64
            } else {
                rng.random_range(*lo..=*hi)
            }),
            (Domain::Bool, Value::Number(x)) if *x == 0.0 || *x == 1.0 => Value::Number(1.0 - x),
            (Domain::Levels(_), _) => {
                let others = self.alternatives(current);
                if others.is_empty() {
                    return None;
                }
                others[rng.random_range(0..others.len())].clone()
            }
            _ => return None,
        };
        (value != *current).then_some(value)
    }

    /// The normalised distance from `from` to `to`.
    pub(super) fn distance(&self, from: &Value, to: &Value) -> f64 {
        match (self, from, to) {
            (Domain::Number { lo, hi, .. }, Value::Number(a), Value::Number(b)) => {
                (b - a).abs() / (hi - lo)
            }
            _ if from == to => 0.0,
            _ => 1.0,
        }
    }

    pub(super) fn bisectable(&self) -> Option<bool> {
        match self {
            Domain::Number { integer, .. } => Some(*integer),
            _ => None,
        }
    }
}
