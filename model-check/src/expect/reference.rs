//! A rate's drop from a reference dataset: the model on today's data against the same model
//! on the data it was validated on.
//!
//! Built with `check(model, current).against(reference)`. The drop is the rate on the
//! reference minus the rate on the current rows; the two samples are independent, so the
//! drop carries Newcombe's hybrid score 95% interval (as [`gap`](super::gap) does between
//! cohorts). `Pass` when the whole interval is at most the tolerance, `Fail` when it is
//! wholly above, `Inconclusive` otherwise. A gain never fails.

use super::metric::{ClassMetric, class_index, difference_tolerance, setting_error, true_classes};
use super::{
    Cell, Column, Context, Evidence, Expectation, Finding, Findings, Method, Plot, Table, Unit,
    Verdict, newcombe_difference,
};
use crate::cohort::EvalError;
use crate::metrics::{ClassificationMetrics, Proportion};
use crate::model::{Model, Predictions, Probabilities};

/// A rate's drop from the reference, built by [`reference_gap`]; finished by
/// [`at_most`](ReferenceGap::at_most).
#[derive(Debug, Clone)]
pub struct ReferenceGap {
    metric: ClassMetric,
    tolerance: Option<f64>,
}

/// The drop of a rate (accuracy, recall, precision, false-positive or false-negative rate)
/// from the reference dataset to the checked rows.
///
/// ```
/// use model_check::prelude::*;
///
/// // A model that is right on 90% of the reference rows and 70% of the current ones.
/// let labelled = |right: usize| -> Result<Dataset<usize>, DataError> {
///     let labels = Labels::classes((0..1000).map(|i| if i < right { "a" } else { "b" }))?;
///     Dataset::from_inputs((0..1000).collect(), labels)
/// };
/// let model = Classifier::from_fn(ModelInfo::new("always-a", "1"), ["a", "b"], |b: &[usize]| {
///     Ok(b.iter().map(|_| vec![1.0, 0.0]).collect())
/// })?;
/// let report = check(model, labelled(700)?)
///     .against(labelled(900)?)
///     .expect(reference_gap(accuracy()).at_most(0.05))
///     .run(1);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Fail); // a 20-point drop, CI 16.5 to 23.4
/// assert!((outcome.evidence.estimate.unwrap() - 0.2).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reference_gap(metric: ClassMetric) -> ReferenceGap {
    ReferenceGap {
        metric,
        tolerance: None,
    }
}

impl ReferenceGap {
    /// The rate may drop by at most `d` (a difference of rates, in `[0, 1]`).
    pub fn at_most(mut self, d: f64) -> Self {
        self.tolerance = Some(d);
        self
    }
}

/// The metric's proportion on some rows.
fn rate_on(
    metric: &ClassMetric,
    truth: &[usize],
    predictions: &Predictions<Probabilities>,
    class: usize,
) -> Result<Proportion, EvalError> {
    let classes = predictions[0].classes().clone();
    let mut m = ClassificationMetrics::without_auc(classes);
    for (t, p) in truth.iter().zip(predictions) {
        m.add_output(*t, p)?;
    }
    Ok(metric
        .proportion(&m, class)
        .expect("the metric was checked to be a rate"))
}

impl<M> Expectation<M> for ReferenceGap
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Clone,
{
    fn describe(&self) -> String {
        let d = self
            .tolerance
            .map_or_else(|| "?".into(), crate::fmt::points);
        format!("{} drops by at most {d} from the reference", self.metric)
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let d = difference_tolerance(&self.metric, self.tolerance, "reference gap")?;
        let reference_outputs = context.reference_predictions()?;
        let current_outputs = context.predictions()?;
        let model = context.model().info().to_string();
        let (Some(first), false) = (current_outputs.first(), reference_outputs.is_empty()) else {
            return Ok(Finding::new(
                Verdict::Inconclusive,
                Evidence::new(Unit::Points, Method::newcombe()).threshold(d),
            )
            .with_note("no rows are selected")
            .into());
        };
        let classes = first.classes().clone();
        if let Some(odd) = reference_outputs
            .iter()
            .find(|p| !p.classes().same(&classes))
        {
            return Err(setting_error(format!(
                "model `{model}` predicted classes ({}) on the reference and ({classes}) on the checked rows",
                odd.classes()
            )));
        }
        let class = match self.metric.class() {
            Some(name) => class_index(&classes, name, &model)?,
            None => 0,
        };
        let rows = context.rows().to_vec();
        let current_truth = true_classes(context.data().labels(), &rows, &classes, &model)?;
        let reference = context.reference()?;
        let all: Vec<usize> = (0..reference.len()).collect();
        let reference_truth = true_classes(reference.labels(), &all, &classes, &model)?;

        let before = rate_on(&self.metric, &reference_truth, &reference_outputs, class)?;
        let after = rate_on(&self.metric, &current_truth, &current_outputs, class)?;
        let mut table = Table::new(
            format!("{} on the reference and the checked rows", self.metric),
            [
                Column::text("data"),
                Column::number("estimate", Unit::Proportion),
                Column::number("lo", Unit::Proportion),
                Column::number("hi", Unit::Proportion),
                Column::number("n", Unit::Count),
            ],
        );
        for (name, p) in [("reference", before), ("current", after)] {
            let ci = p.wilson();
            table
                .push([
                    Cell::from(name),
                    p.rate().into(),
                    ci.map(|c| c.lo).into(),
                    ci.map(|c| c.hi).into(),
                    p.n().into(),
                ])
                .expect("five cells for five columns");
        }
        let table = table.with_plot(Plot::Intervals {
            label: "data".into(),
            estimate: "estimate".into(),
            lo: "lo".into(),
            hi: "hi".into(),
            threshold: None,
        });
        let (Some(rate_before), Some(rate_after), Some(ci)) = (
            before.rate(),
            after.rate(),
            newcombe_difference(before, after),
        ) else {
            return Ok(Finding::new(
                Verdict::Inconclusive,
                Evidence::new(Unit::Points, Method::newcombe())
                    .threshold(d)
                    .table(table),
            )
            .with_note(format!(
                "{} is undefined on the reference ({} {}) or the checked rows ({})",
                self.metric,
                before.n(),
                self.metric.unit(&classes, class),
                after.n()
            ))
            .into());
        };
        let drop = rate_before - rate_after;
        let verdict = if ci.hi <= d {
            Verdict::Pass
        } else if ci.lo > d {
            Verdict::Fail
        } else {
            Verdict::Inconclusive
        };
        let evidence = Evidence::new(Unit::Points, Method::newcombe())
            .estimate(drop)
            .interval(ci.lo, ci.hi)
            .n(before.n() + after.n())
            .threshold(d)
            .table(table);
        let note = format!(
            "{} {} on the reference ({} {}), {} on the checked rows ({})",
            self.metric,
            crate::fmt::percent(rate_before),
            before.n(),
            self.metric.unit(&classes, class),
            crate::fmt::percent(rate_after),
            after.n(),
        );
        Ok(Finding::new(verdict, evidence).with_note(note).into())
    }
}
