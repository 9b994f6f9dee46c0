//! Performance without labels: a classifier's accuracy on an unlabelled batch, estimated from
//! its own probabilities (confidence-based performance estimation, as NannyML's CBPE).
//!
//! If the model is calibrated — among rows it gives probability `c` to its predicted class,
//! a share `c` are right — then each row is right with probability `cᵢ`, the batch's accuracy
//! is a Poisson-binomial mean with expectation `Σ cᵢ / n` and variance `Σ cᵢ(1 − cᵢ) / n²`,
//! and the 95% interval `mean ± 1.96 · sd` covers the accuracy the labels would show.
//!
//! The assumptions, which the verdict inherits: the probabilities are calibrated on data like
//! the batch (calibrate on a reference first, e.g. by isotonic regression, if they are not),
//! and only the inputs moved, not what they mean (no concept drift) — a batch whose inputs
//! have moved where the model was never calibrated is exactly where the estimate is weakest.

use super::metric::{Direction, Domain, Rule, check_threshold, decide, setting_error};
use super::{Context, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::model::{Model, Probabilities};

/// The estimated accuracy of a classifier on its check's rows, labelled or not; built by
/// [`estimated_accuracy`], finished by [`at_least`](EstimatedAccuracy::at_least).
#[derive(Debug, Clone)]
pub struct EstimatedAccuracy {
    min: Option<f64>,
    calibrate: bool,
}

/// The accuracy a calibrated classifier should have on the rows, estimated from its
/// probabilities alone, with a Poisson-binomial 95% interval — for a batch that has no labels
/// yet (confidence-based performance estimation, as NannyML's CBPE).
///
/// Each row is right with the probability `cᵢ` the model gives its predicted class, so the
/// estimate is `Σ cᵢ / n` with variance `Σ cᵢ(1 − cᵢ) / n²`. The finding also carries the
/// confusion matrix the probabilities expect (a table of expected row counts). The verdict inherits two
/// assumptions: the probabilities are calibrated on data like the batch (calibrate on a
/// reference first if they are not), and only the inputs moved, not what they mean (no
/// concept drift).
///
/// ```
/// use model_check::expect::Cell;
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { p: f64 }
///
/// // A batch without labels; the model is 90% sure of each answer.
/// let batch = Dataset::unlabelled((0..2000).map(|_| Row { p: 0.9 }).collect())?;
/// let model = Classifier::from_fn(ModelInfo::new("sure", "1"), ["no", "yes"], |b: &[Row]| {
///     Ok(b.iter().map(|r| vec![1.0 - r.p, r.p]).collect())
/// })?;
/// let report = check(model, batch).expect(estimated_accuracy().at_least(0.85)).run(1);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Pass);
/// assert!((outcome.evidence.estimate.unwrap() - 0.9).abs() < 1e-12);
/// // The confusion matrix it expects: every row predicted "yes", 200 of them wrongly.
/// let confusion = &outcome.evidence.tables[0];
/// let Cell::Number(wrong) = confusion.rows[1][2] else { unreachable!() };
/// assert_eq!(confusion.rows[1][..2], [Cell::Text("no".into()), Cell::Text("yes".into())]);
/// assert!((wrong - 200.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn estimated_accuracy() -> EstimatedAccuracy {
    EstimatedAccuracy {
        min: None,
        calibrate: false,
    }
}

impl EstimatedAccuracy {
    /// Calibrates the model's confidence first, on the check's labelled reference
    /// (`.against(reference)`): an isotonic regression of "the prediction was right" on the
    /// confidence (as scikit-learn's `IsotonicRegression`), through which each row's
    /// confidence is read. Use it when the probabilities are not calibrated; the interval
    /// does not include the calibration's own error, so a small reference makes it too
    /// narrow (measured in the crate's `tests/statistics.rs`).
    pub fn calibrated_on_reference(mut self) -> Self {
        self.calibrate = true;
        self
    }

    /// The estimated accuracy must be at least `rate`, decided on its interval.
    pub fn at_least(mut self, rate: f64) -> Self {
        self.min = Some(rate);
        self
    }
}

/// The estimate and its 95% interval from each row's probability of being right.
pub(crate) fn poisson_binomial_mean(right: impl Iterator<Item = f64>) -> Option<(f64, f64, u64)> {
    let (mut n, mut sum, mut variance) = (0u64, 0.0, 0.0);
    for c in right {
        n += 1;
        sum += c;
        variance += c * (1.0 - c);
    }
    (n > 0).then(|| {
        let n_f = n as f64;
        (sum / n_f, variance.sqrt() / n_f, n)
    })
}

impl<M> Expectation<M> for EstimatedAccuracy
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Clone,
{
    fn describe(&self) -> String {
        match self.min {
            Some(min) => format!(
                "the accuracy estimated from the model's probabilities is at least {}",
                crate::fmt::percent(min)
            ),
            None => "the accuracy estimated from the model's probabilities".into(),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(min) = self.min else {
            return Err(setting_error(
                "an estimated accuracy needs a threshold: call .at_least(rate)".into(),
            ));
        };
        check_threshold(min, Domain::UNIT, &"an estimated accuracy")?;
        let calibration = if self.calibrate {
            Some(self.calibration(context)?)
        } else {
            None
        };
        let predictions = context.predictions()?;
        let confidence = |p: &Probabilities| match &calibration {
            Some((fit, _)) => fit.predict(p.confidence()).clamp(0.0, 1.0),
            None => p.confidence(),
        };
        let Some((estimate, sd, n)) = poisson_binomial_mean(predictions.iter().map(confidence))
        else {
            return Err(setting_error("no rows are selected".into()));
        };
        let confusion = estimated_confusion(&predictions.to_vec(), &confidence);
        let z = crate::stats::Z_95;
        let interval = crate::stats::Interval {
            lo: (estimate - z * sd).max(0.0),
            hi: (estimate + z * sd).min(1.0),
        };
        let mut finding = decide(
            &Rule::new(Direction::AtLeast, min),
            estimate,
            Some(interval),
            n,
            match calibration {
                Some((_, rows)) => Method::new("cbpe poisson-binomial isotonic")
                    .with("calibration_rows", rows as f64),
                None => Method::new("cbpe poisson-binomial"),
            },
            true,
            "rows",
        );
        finding.evidence.tables.push(confusion);
        let assumption = if self.calibrate {
            "estimated from the model's probabilities, calibrated on the reference: assumes the reference is like these rows but for the inputs' distribution (no concept drift)"
        } else {
            "estimated from the model's probabilities: assumes they are calibrated on data like these rows and no concept drift"
        };
        finding.note = Some(match finding.note.take() {
            Some(why) => format!("{why}; {assumption}"),
            None => assumption.to_string(),
        });
        Ok(finding.into())
    }
}

impl EstimatedAccuracy {
    /// The isotonic map from confidence to the share right, fitted on the reference, and
    /// the number of rows it was fitted on.
    fn calibration<M>(
        &self,
        context: &mut Context<'_, M>,
    ) -> Result<(crate::stats::Isotonic, usize), EvalError>
    where
        M: Model<Output = Probabilities> + 'static,
        M::Input: Clone,
    {
        let reference = context.reference()?;
        let labels = reference.labels();
        let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) else {
            return Err(setting_error(format!(
                "calibrating on the reference needs its class labels; `{}` has none",
                reference.name()
            )));
        };
        let truth: Vec<String> = index.iter().map(|&c| names[c as usize].clone()).collect();
        let predictions = context.reference_predictions()?;
        let (x, y): (Vec<f64>, Vec<f64>) = predictions
            .iter()
            .zip(&truth)
            .map(|(p, t)| (p.confidence(), f64::from(u8::from(p.label() == t))))
            .unzip();
        let fit = crate::stats::Isotonic::fit(&x, &y)
            .ok_or_else(|| setting_error("the reference has no rows to calibrate on".into()))?;
        Ok((fit, x.len()))
    }
}

/// The confusion matrix the probabilities expect on unlabelled rows: a row predicted `k` is
/// right with its (calibrated) confidence `c`, and its other `1 − c` goes to the other
/// classes in proportion to the model's probabilities of them. Counts of rows, as a table
/// with a matrix-plot hint.
fn estimated_confusion(
    predictions: &[Probabilities],
    confidence: &dyn Fn(&Probabilities) -> f64,
) -> crate::outcome::Table {
    use crate::outcome::{Cell, Column, Plot, Table, Unit};
    let mut table = Table::new(
        "estimated confusion",
        [
            Column::text("true"),
            Column::text("predicted"),
            Column::number("expected rows", Unit::Number),
        ],
    );
    let Some(first) = predictions.first() else {
        return table;
    };
    let names = first.classes().names().to_vec();
    let k = names.len();
    let mut counts = vec![vec![0.0; k]; k]; // [true][predicted]
    for p in predictions {
        let probabilities = p.as_slice();
        let predicted = names.iter().position(|n| n == p.label()).unwrap_or(0);
        let right = confidence(p);
        counts[predicted][predicted] += right;
        let rest: f64 = 1.0 - probabilities[predicted];
        for j in (0..k).filter(|&j| j != predicted) {
            let share = if rest > 0.0 {
                probabilities[j] / rest
            } else {
                1.0 / (k - 1) as f64
            };
            counts[j][predicted] += (1.0 - right) * share;
        }
    }
    for (t, row) in counts.iter().enumerate() {
        for (q, &count) in row.iter().enumerate() {
            table
                .push([
                    Cell::from(names[t].clone()),
                    Cell::from(names[q].clone()),
                    count.into(),
                ])
                .expect("three cells for three columns");
        }
    }
    table.with_plot(Plot::Matrix {
        row: "true".into(),
        column: "predicted".into(),
        value: "expected rows".into(),
    })
}
