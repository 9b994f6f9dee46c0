//! Per-row confidence thresholds: the model must be confident enough on enough rows.
//!
//! Each row passes when the probability the model gives its predicted label (or, with
//! [`of_true_label`](Confidence::of_true_label), the true label) is at least `t`; the share
//! of passing rows must reach a required pass rate, decided on its Wilson interval.

use super::metric::{Domain, check_threshold, failure_rate_outcome, show, true_classes};
use super::{Context, Example, Expectation, Findings};
use crate::cohort::EvalError;
use crate::model::{Model, Probabilities};

/// A per-row confidence threshold, built by [`confidence`].
///
/// ```
/// use model_check::prelude::*;
///
/// let e = confidence(0.7).pass_rate(0.9); // P(predicted label) ≥ 0.7 on at least 90% of rows
/// let t = confidence(0.5).of_true_label(); // P(true label) ≥ 0.5 on every row
/// # let _ = (e, t);
/// ```
#[derive(Debug, Clone)]
pub struct Confidence {
    threshold: f64,
    true_label: bool,
    pass_rate: Option<f64>,
}

/// Each row's probability of its predicted label must be at least `threshold`.
pub fn confidence(threshold: f64) -> Confidence {
    Confidence {
        threshold,
        true_label: false,
        pass_rate: None,
    }
}

impl Confidence {
    /// Uses the probability of the row's true label instead of the predicted one.
    pub fn of_true_label(mut self) -> Self {
        self.true_label = true;
        self
    }

    /// Passes when at least this share of rows clear the threshold, decided on the Wilson
    /// interval (default: every row must).
    pub fn pass_rate(mut self, rate: f64) -> Self {
        self.pass_rate = Some(rate);
        self
    }
}

impl<M> Expectation<M> for Confidence
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Clone,
{
    fn describe(&self) -> String {
        let which = if self.true_label { "true" } else { "predicted" };
        let share = match self.pass_rate {
            Some(r) => format!("on at least {} of rows", show(r, true)),
            None => "on every row".into(),
        };
        format!(
            "the probability of the {which} label is at least {} {share}",
            self.threshold
        )
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        check_threshold(self.threshold, Domain::UNIT, &"a confidence threshold")?;
        if let Some(r) = self.pass_rate {
            check_threshold(r, Domain::UNIT, &"a pass rate")?;
        }
        let predictions = context.predictions()?;
        let rows = context.rows().to_vec();
        let Some(first) = predictions.first() else {
            return Ok(Findings::from(failure_rate_outcome(0, 0, None)));
        };
        let classes = first.classes().clone();
        let model = context.model().info().to_string();
        let truth = if self.true_label {
            Some(true_classes(
                context.data().labels(),
                &rows,
                &classes,
                &model,
            )?)
        } else {
            None
        };
        let mut failing: Vec<(usize, usize, f64)> = Vec::new();
        for (i, p) in predictions.iter().enumerate() {
            let class = truth.as_ref().map_or_else(|| p.predicted(), |t| t[i]);
            let q = p.as_slice()[class];
            if q < self.threshold {
                failing.push((i, class, q));
            }
        }
        let failures = failing.len() as u64;
        failing.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
        let examples = failing
            .iter()
            .take(context.max_examples())
            .map(|&(i, class, q)| {
                Example::row(
                    rows[i],
                    context.data().id(rows[i]),
                    format!(
                        "P({}) = {q:.3}, predicted {}",
                        classes.name(class),
                        predictions[i].label()
                    ),
                )
            })
            .collect();
        Ok(Findings::from(
            failure_rate_outcome(
                failures,
                predictions.len() as u64,
                self.pass_rate.map(|r| 1.0 - r),
            )
            .with_examples(examples)
            .with_note(format!(
                "{failures} of {} rows fall below {} (failure rate shown)",
                predictions.len(),
                self.threshold
            )),
        ))
    }
}
