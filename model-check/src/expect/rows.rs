//! Data unit tests on whole rows: duplicates, rows leaked from a reference (train/test
//! leakage), and identical rows with different labels.
//!
//! Rows are compared by their features' values, exactly: numbers by their bits with −0 equal
//! to 0 and every NaN equal to every NaN, categories by their text, missing values equal to
//! missing values. A dataset checked whole is a census, not a sample, so `.none()` decides
//! exactly (any such row fails); `.at_most(rate)` treats the rows as a sample and decides on
//! the Wilson interval of the share, as [`missing_rate`](super::missing_rate) does.

use std::collections::HashMap;
use std::marker::PhantomData;

use super::metric::{Direction, Domain, Rule, check_threshold, decide, setting_error};
use super::{Context, Example, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::data::{Features, Value};
use crate::model::Model;
use crate::outcome::{Evidence, Finding, Unit, Verdict};

/// One feature's value as an exact, hashable key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Number(u64),
    Category(String),
    Missing,
}

fn key<R: Features>(row: &R) -> Vec<Key> {
    (0..R::SCHEMA.len())
        .map(|i| value_key(row.value(i)))
        .collect()
}

/// A value's exact key: numbers by their bits with −0 equal to 0 and every NaN equal.
pub(super) fn value_key(value: Value) -> Key {
    match value {
        // −0 and 0 are one value (a float pattern compares with ==).
        Value::Number(0.0) => Key::Number(0),
        Value::Number(x) if x.is_nan() => Key::Number(f64::NAN.to_bits()),
        Value::Number(x) => Key::Number(x.to_bits()),
        Value::Category(c) => Key::Category(c.into_owned()),
        Value::Missing => Key::Missing,
    }
}

/// What a row check counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Duplicates,
    Leakage,
    Conflicts,
}

/// A check on whole rows, built by [`duplicate_rows`], [`leaked_rows`] or
/// [`conflicting_labels`]; finished by [`none`](RowCheck::none) or
/// [`at_most`](RowCheck::at_most).
#[derive(Debug)]
pub struct RowCheck<R> {
    kind: Kind,
    max: Option<f64>,
    row: PhantomData<fn(&R)>,
}

impl<R> Clone for RowCheck<R> {
    fn clone(&self) -> Self {
        RowCheck {
            kind: self.kind,
            max: self.max,
            row: PhantomData,
        }
    }
}

impl<R> RowCheck<R> {
    fn of(kind: Kind) -> Self {
        RowCheck {
            kind,
            max: None,
            row: PhantomData,
        }
    }

    /// No such row at all: decided exactly on the rows checked.
    pub fn none(mut self) -> Self {
        self.max = Some(0.0);
        self
    }

    /// At most this share of the rows, decided on its Wilson 95% interval.
    pub fn at_most(mut self, rate: f64) -> Self {
        self.max = Some(rate);
        self
    }
}

/// Rows whose features repeat an earlier checked row's exactly.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { x: f64, city: String }
///
/// let row = |x: f64, city: &str| Row { x, city: city.into() };
/// let data = Dataset::unlabelled(vec![row(1.0, "a"), row(-0.0, "b"), row(1.0, "a"), row(0.0, "b")])?;
/// let report = check_data(data).expect(duplicate_rows().none()).run(1);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Fail);
/// assert_eq!(outcome.evidence.estimate, Some(2.0)); // rows 2 and 3 (−0 equals 0)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn duplicate_rows<R: Features>() -> RowCheck<R> {
    RowCheck::of(Kind::Duplicates)
}

/// Checked rows whose features appear in the check's reference (`.against(reference)`):
/// test rows that are also training rows.
pub fn leaked_rows<R: Features>() -> RowCheck<R> {
    RowCheck::of(Kind::Leakage)
}

/// Checked rows whose features equal another checked row's but whose label differs.
pub fn conflicting_labels<R: Features>() -> RowCheck<R> {
    RowCheck::of(Kind::Conflicts)
}

impl<M> Expectation<M> for RowCheck<M::Input>
where
    M: Model,
    M::Input: Features,
{
    fn describe(&self) -> String {
        let what = match self.kind {
            Kind::Duplicates => "rows duplicate an earlier row",
            Kind::Leakage => "rows also appear in the reference",
            Kind::Conflicts => "rows share their features with a row of another label",
        };
        match self.max {
            Some(0.0) => format!("no {what}"),
            Some(max) => format!("at most {} of {what}", crate::fmt::percent(max)),
            None => what.to_string(),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(max) = self.max else {
            return Err(setting_error(
                "a row check needs a verdict: call .none() or .at_most(rate)".into(),
            ));
        };
        check_threshold(max, Domain::UNIT, &"a share of rows")?;
        let data = context.data();
        let rows = context.rows();
        let label = |r: usize| -> Option<String> {
            let labels = data.labels();
            if let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) {
                return Some(names[index[r] as usize].clone());
            }
            labels.targets().map(|t| format!("{:x}", t[r].to_bits()))
        };
        // (row, the row it matches) for every flagged row.
        let mut flagged: Vec<(usize, Option<usize>)> = Vec::new();
        let reference_id = |i: usize| -> String {
            match context.reference().ok().and_then(|d| d.id(i)) {
                Some(id) => format!("row {i} (id {id})"),
                None => format!("row {i}"),
            }
        };
        match self.kind {
            Kind::Duplicates => {
                let mut first: HashMap<Vec<Key>, usize> = HashMap::new();
                for &r in rows {
                    match first.get(&key(&data.rows()[r])) {
                        Some(&earlier) => flagged.push((r, Some(earlier))),
                        None => {
                            first.insert(key(&data.rows()[r]), r);
                        }
                    }
                }
            }
            Kind::Leakage => {
                let reference = context.reference()?;
                let seen: HashMap<Vec<Key>, usize> = reference
                    .rows()
                    .iter()
                    .enumerate()
                    .map(|(i, row)| (key(row), i))
                    .collect();
                for &r in rows {
                    if let Some(&i) = seen.get(&key(&data.rows()[r])) {
                        flagged.push((r, Some(i)));
                    }
                }
            }
            Kind::Conflicts => {
                if !data.labels().is_labelled() {
                    return Err(setting_error(
                        "conflicting labels need labels; the dataset has none".into(),
                    ));
                }
                let mut groups: HashMap<Vec<Key>, Vec<usize>> = HashMap::new();
                for &r in rows {
                    groups.entry(key(&data.rows()[r])).or_default().push(r);
                }
                for group in groups.values() {
                    let first = label(group[0]);
                    if group.iter().any(|&r| label(r) != first) {
                        flagged.extend(group.iter().map(|&r| (r, None)));
                    }
                }
                flagged.sort_unstable();
            }
        }
        let n = rows.len() as u64;
        let count = flagged.len() as u64;
        let examples: Vec<Example> = flagged
            .iter()
            .take(context.max_examples())
            .map(|&(r, other)| {
                let text = match (self.kind, other) {
                    (Kind::Duplicates, Some(o)) => format!("repeats row {o}"),
                    (Kind::Leakage, Some(o)) => format!("is {} of the reference", reference_id(o)),
                    _ => format!(
                        "label {:?} where identical rows differ",
                        label(r).unwrap_or_default()
                    ),
                };
                Example::row(r, data.id(r), text)
            })
            .collect();
        let note = format!("{count} of {n} rows");
        let finding = share_finding(count, n, max);
        let mut finding = finding.with_examples(examples);
        finding.note = Some(match finding.note.take() {
            Some(why) => format!("{why}. {note}"),
            None => note,
        });
        Ok(finding.into())
    }
}

/// A verdict on a share of rows `count / n` that may be at most `max`: with `max` 0 the rows
/// are a census and any one fails (an exact count); otherwise they are a sample and the
/// verdict rests on the share's Wilson 95% interval.
pub(crate) fn share_finding(count: u64, n: u64, max: f64) -> Finding {
    if max == 0.0 {
        Finding::new(
            if count == 0 {
                Verdict::Pass
            } else {
                Verdict::Fail
            },
            Evidence {
                estimate: Some(count as f64),
                n,
                threshold: Some(0.0),
                ..Evidence::new(Unit::Count, Method::new("exact count"))
            },
        )
    } else {
        decide(
            &Rule::new(Direction::AtMost, max),
            count as f64 / n.max(1) as f64,
            crate::metrics::Proportion::new(count, n).wilson(),
            n,
            Method::wilson(),
            true,
            "rows",
        )
    }
}
