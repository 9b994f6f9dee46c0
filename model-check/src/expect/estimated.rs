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
/// estimate is `Σ cᵢ / n` with variance `Σ cᵢ(1 − cᵢ) / n²`. The verdict inherits two
/// assumptions: the probabilities are calibrated on data like the batch (calibrate on a
/// reference first if they are not), and only the inputs moved, not what they mean (no
/// concept drift).
///
/// ```
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
