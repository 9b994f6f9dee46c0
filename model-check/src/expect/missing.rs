//! Data unit tests on missing values: the share of rows where a feature is missing may not
//! exceed a rate.
//!
//! A check of data alone ([`check_data`](super::check_data)) needs no model; the same
//! expectation also runs on a model's check. The verdict rests on the Wilson 95% interval of
//! the missing share: `Pass` when the whole interval is at most the rate, `Fail` when it is
//! wholly above, `Inconclusive` otherwise, with the rows that would decide it.

use std::marker::PhantomData;

use super::metric::{Direction, Domain, Rule, check_threshold, decide, setting_error};
use super::{Context, Example, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::data::{Feature, Features, Value};
use crate::model::Model;

/// The share of rows missing a feature, built by [`missing_rate`]; finished by
/// [`at_most`](MissingRate::at_most).
#[derive(Debug)]
pub struct MissingRate<R> {
    feature: usize,
    name: &'static str,
    max: Option<f64>,
    row: PhantomData<fn(&R)>,
}

impl<R> Clone for MissingRate<R> {
    fn clone(&self) -> Self {
        MissingRate {
            feature: self.feature,
            name: self.name,
            max: self.max,
            row: PhantomData,
        }
    }
}

/// The share of the selected rows where `feature` is missing (an `Option` field that is
/// `None`).
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { income: Option<f64> }
///
/// // 30 of 200 rows miss their income: 15%, CI 10.7%–20.6%.
/// let rows: Vec<Row> = (0..200).map(|i| Row { income: (i % 20 >= 3).then_some(1.0) }).collect();
/// let report = check_data(Dataset::unlabelled(rows)?)
///     .expect(missing_rate(Row::INCOME).at_most(0.05))
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn missing_rate<R: Features, T>(feature: Feature<R, T>) -> MissingRate<R> {
    MissingRate {
        feature: feature.index(),
        name: feature.name(),
        max: None,
        row: PhantomData,
    }
}

impl<R> MissingRate<R> {
    /// The share may be at most `rate` (in `[0, 1]`).
    pub fn at_most(mut self, rate: f64) -> Self {
        self.max = Some(rate);
        self
    }
}

impl<M> Expectation<M> for MissingRate<M::Input>
where
    M: Model,
    M::Input: Features,
{
    fn describe(&self) -> String {
        match self.max {
            Some(max) => format!(
                "`{}` is missing in at most {} of rows",
                self.name,
                crate::fmt::percent(max)
            ),
            None => format!("the missing rate of `{}`", self.name),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(max) = self.max else {
            return Err(setting_error(
                "a missing rate needs a threshold: call .at_most(rate)".into(),
            ));
        };
        check_threshold(
            max,
            Domain::UNIT,
            &format_args!("the missing rate of `{}`", self.name),
        )?;
        let data = context.data();
        let missing: Vec<usize> = context
            .rows()
            .iter()
            .copied()
            .filter(|&r| matches!(data.rows()[r].value(self.feature), Value::Missing))
            .collect();
        let n = context.rows().len() as u64;
        let examples = missing
            .iter()
            .take(context.max_examples())
            .map(|&r| Example::row(r, data.id(r), format!("`{}` is missing", self.name)))
            .collect();
        let rate = missing.len() as f64 / n.max(1) as f64;
        let interval = crate::metrics::Proportion::new(missing.len() as u64, n).wilson();
        let mut finding = decide(
            &Rule::new(Direction::AtMost, max),
            rate,
            interval,
            n,
            Method::wilson(),
            true,
            "rows",
        )
        .with_examples(examples);
        let count = format!("{} of {n} rows miss `{}`", missing.len(), self.name);
        finding.note = Some(match finding.note.take() {
            Some(why) => format!("{why}. {count}"),
            None => count,
        });
        Ok(finding.into())
    }
}
