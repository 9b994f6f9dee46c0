//! One pass over the rows for each cohort's metrics: in memory, in parallel, or streamed.
//!
//! The rows are cut into chunks of [`CHUNK_ROWS`] (rounded up to whole batches of the
//! model), each chunk's metrics are accumulated on their own and merged in chunk order. The
//! result depends on the chunks, never on how many threads accumulate them: the `parallel`
//! feature's evaluations give the same numbers, bit for bit, as the sequential ones.

use std::sync::Arc;

use super::{Cohort, CohortError, CohortMetrics, EvalError, Mask};
use crate::data::{DataError, Dataset, Source};
use crate::metrics::{ClassificationMetrics, RegressionMetrics};
use crate::model::{Classes, Model, ModelError, ModelErrorKind, Probabilities};

/// Rows per chunk of a one-pass evaluation (rounded up to a whole number of the model's
/// batches): the unit that is accumulated on its own and merged in order.
pub const CHUNK_ROWS: usize = 65_536;

/// The bins of the ROC AUC accumulated by the streaming evaluations
/// ([`BinnedAuc`](crate::metrics::BinnedAuc)); each AUC comes with its error bound
/// ([`ClassificationMetrics::roc_auc_error_bound`]).
pub const AUC_BINS: usize = 10_000;

fn chunk_rows<M: Model + ?Sized>(model: &M) -> usize {
    let batch = crate::model::batch_of(model);
    CHUNK_ROWS.div_ceil(batch) * batch
}

fn masks<R>(data: &Dataset<R>, cohorts: &[Cohort<R>]) -> Result<Vec<Arc<Mask>>, CohortError> {
    cohorts.iter().map(|c| c.mask(data)).collect()
}

/// The model's outputs for rows `start..end` of `data`, predicted in batches of its batch
/// size aligned to the dataset.
fn predict_chunk<M: Model>(
    model: &M,
    data: &Dataset<M::Input>,
    start: usize,
    end: usize,
) -> Result<Vec<M::Output>, EvalError> {
    let size = crate::model::batch_of(model);
    let mut outputs = Vec::with_capacity(end - start);
    let mut at = start;
    while at < end {
        let stop = (at + size).min(end);
        let batch = &data.rows()[at..stop];
        // The one prediction path: a panicking model is an error naming it.
        let predicted =
            crate::model::call_model(model, batch).map_err(|e| e.at_dataset_rows(|p| at + p))?;
        outputs.extend(predicted);
        at = stop;
    }
    Ok(outputs)
}

/// One chunk's accumulators, one per cohort (`None`: no row of the chunk is in it).
type Part<A> = Vec<Option<A>>;

/// Merges `part` into `totals`, cohort by cohort.
fn merge_part<A>(
    totals: &mut [Option<A>],
    part: Part<A>,
    merge: impl Fn(&mut A, A) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    for (total, p) in totals.iter_mut().zip(part) {
        match (total.as_mut(), p) {
            (_, None) => {}
            (None, Some(p)) => *total = Some(p),
            (Some(t), Some(p)) => merge(t, p)?,
        }
    }
    Ok(())
}

/// Runs `chunk` on every chunk of `data`, in order (in parallel under
/// [`parallel`](evaluate_classifier_parallel)), and merges the parts in chunk order.
fn in_chunks<M, A>(
    model: &M,
    data: &Dataset<M::Input>,
    masks: &[Arc<Mask>],
    chunk: impl Fn(usize, Vec<M::Output>) -> Result<Part<A>, EvalError>,
    merge: impl Fn(&mut A, A) -> Result<(), EvalError>,
) -> Result<Vec<Option<A>>, EvalError>
where
    M: Model,
{
    let size = chunk_rows(model);
    let mut totals: Vec<Option<A>> = (0..masks.len()).map(|_| None).collect();
    for start in (0..data.len()).step_by(size) {
        let end = (start + size).min(data.len());
        let part = chunk(start, predict_chunk(model, data, start, end)?)?;
        merge_part(&mut totals, part, &merge)?;
    }
    Ok(totals)
}

/// [`in_chunks`] with the chunks predicted and accumulated on rayon's threads: the same
/// chunks, merged in the same order, so the same result bit for bit; an error is the one of
/// the first chunk that fails, as sequentially.
#[cfg(feature = "parallel")]
fn in_chunks_parallel<M, A>(
    model: &M,
    data: &Dataset<M::Input>,
    masks: &[Arc<Mask>],
    chunk: impl Fn(usize, Vec<M::Output>) -> Result<Part<A>, EvalError> + Sync,
    merge: impl Fn(&mut A, A) -> Result<(), EvalError>,
) -> Result<Vec<Option<A>>, EvalError>
where
    M: Model + Sync,
    M::Input: Sync,
    M::Output: Send,
    A: Send,
{
    use rayon::prelude::*;
    let size = chunk_rows(model);
    let starts: Vec<usize> = (0..data.len()).step_by(size).collect();
    let parts: Vec<Result<Part<A>, EvalError>> = starts
        .par_iter()
        .map(|&start| {
            let end = (start + size).min(data.len());
            chunk(start, predict_chunk(model, data, start, end)?)
        })
        .collect();
    let mut totals: Vec<Option<A>> = (0..masks.len()).map(|_| None).collect();
    for part in parts {
        merge_part(&mut totals, part?, &merge)?;
    }
    Ok(totals)
}

/// The dataset's class labels, or the error saying it has none.
fn class_labels<R>(data: &Dataset<R>) -> Result<(&[String], &[u32]), EvalError> {
    match (data.labels().class_names(), data.labels().class_indices()) {
        (Some(classes), Some(index)) => Ok((classes, index)),
        _ => Err(DataError::Setting {
            reason: if data.labels().is_labelled() {
                format!(
                    "dataset `{}` has numeric labels; use evaluate_regressor",
                    data.name()
                )
            } else {
                format!(
                    "dataset `{}` has no labels; metrics need labelled rows",
                    data.name()
                )
            },
        }
        .into()),
    }
}

/// The dataset's numeric labels, or the error saying it has none.
fn targets<R>(data: &Dataset<R>) -> Result<&[f64], EvalError> {
    data.labels().targets().ok_or_else(|| {
        DataError::Setting {
            reason: if data.labels().is_labelled() {
                format!(
                    "dataset `{}` has class labels; use evaluate_classifier",
                    data.name()
                )
            } else {
                format!(
                    "dataset `{}` has no labels; metrics need labelled rows",
                    data.name()
                )
            },
        }
        .into()
    })
}

/// Accumulates one chunk of a classifier's outputs (rows `start..`), each cohort's metrics
/// made by `make` and reserved for its rows in the chunk.
fn classify_chunk<R>(
    model: &crate::model::ModelInfo,
    data: &Dataset<R>,
    masks: &[Arc<Mask>],
    start: usize,
    outputs: Vec<Probabilities>,
    make: &(dyn Fn(Classes) -> ClassificationMetrics + Sync),
) -> Result<Part<ClassificationMetrics>, EvalError> {
    let (classes, index) = class_labels(data)?;
    let Some(first) = outputs.first() else {
        return Ok(masks.iter().map(|_| None).collect());
    };
    let model_classes = first.classes().clone();
    // Dataset class index → model class index.
    let map: Vec<usize> = classes
        .iter()
        .map(|c| model_classes.index_of(c).unwrap_or(usize::MAX))
        .collect();
    let end = start + outputs.len();
    let mut part: Part<ClassificationMetrics> = masks.iter().map(|_| None).collect();
    for (offset, output) in outputs.iter().enumerate() {
        let row = start + offset;
        if !output.classes().same(&model_classes) {
            return Err(ModelError::new(ModelErrorKind::InvalidOutput {
                row: Some(row),
                reason: format!(
                    "classes ({}) differ from the first row's ({model_classes})",
                    output.classes()
                ),
            })
            .in_model(model)
            .into());
        }
        let truth = map[index[row] as usize];
        if truth == usize::MAX {
            return Err(DataError::UnknownClass {
                at: Box::new(crate::data::Location::row(row)),
                label: classes[index[row] as usize].clone(),
                classes: model_classes.names().to_vec(),
            }
            .into());
        }
        for (c, mask) in masks.iter().enumerate() {
            if mask.contains(row) {
                part[c]
                    .get_or_insert_with(|| {
                        let mut metrics = make(model_classes.clone());
                        metrics.reserve_exact(mask.count_in(start..end));
                        metrics
                    })
                    .add_output(truth, output)?;
            }
        }
    }
    Ok(part)
}

/// Merges a classifier's chunk into the total, naming the chunk's first row when the
/// classes differ.
fn merge_classified(
    model: &crate::model::ModelInfo,
) -> impl Fn(&mut ClassificationMetrics, ClassificationMetrics) -> Result<(), EvalError> + '_ {
    move |total, part| {
        if !part.classes().same(total.classes()) {
            return Err(ModelError::new(ModelErrorKind::InvalidOutput {
                row: None,
                reason: format!(
                    "classes ({}) differ from the first row's ({})",
                    part.classes(),
                    total.classes()
                ),
            })
            .in_model(model)
            .into());
        }
        Ok(total.merge(&part)?)
    }
}

/// Accumulates one chunk of a regressor's outputs (rows `start..`).
fn regress_chunk<R>(
    model: &crate::model::ModelInfo,
    data: &Dataset<R>,
    masks: &[Arc<Mask>],
    start: usize,
    outputs: Vec<f64>,
) -> Result<Part<RegressionMetrics>, EvalError> {
    let truth = targets(data)?;
    let mut part: Part<RegressionMetrics> = masks.iter().map(|_| None).collect();
    for (offset, prediction) in outputs.into_iter().enumerate() {
        let row = start + offset;
        if !prediction.is_finite() {
            return Err(ModelError::new(ModelErrorKind::InvalidOutput {
                row: Some(row),
                reason: format!("prediction is {prediction}"),
            })
            .in_model(model)
            .into());
        }
        for (c, mask) in masks.iter().enumerate() {
            if mask.contains(row) {
                part[c]
                    .get_or_insert_with(RegressionMetrics::default)
                    .add(truth[row], prediction)?;
            }
        }
    }
    Ok(part)
}

fn merge_regressed(
    total: &mut RegressionMetrics,
    part: RegressionMetrics,
) -> Result<(), EvalError> {
    total.merge(&part);
    Ok(())
}

/// Names each cohort's metrics, an empty accumulator (`empty`) where no row was in it.
fn named<R, A>(
    cohorts: &[Cohort<R>],
    totals: Vec<Option<A>>,
    empty: impl Fn() -> A,
) -> Vec<CohortMetrics<A>> {
    cohorts
        .iter()
        .zip(totals)
        .map(|(cohort, metrics)| CohortMetrics {
            cohort: cohort.name.clone(),
            metrics: metrics.unwrap_or_else(&empty),
        })
        .collect()
}

/// Each cohort's classification metrics, empty over the model's classes where no row was
/// in it.
fn classified<M>(
    model: &M,
    data: &Dataset<M::Input>,
    cohorts: &[Cohort<M::Input>],
    totals: Vec<Option<ClassificationMetrics>>,
    empty: impl Fn(Classes) -> ClassificationMetrics,
) -> Result<Vec<CohortMetrics<ClassificationMetrics>>, EvalError>
where
    M: Model<Output = Probabilities>,
{
    let classes = match totals.iter().flatten().next() {
        Some(m) => m.classes().clone(),
        None => first_classes(model, data)?,
    };
    Ok(named(cohorts, totals, || empty(classes.clone())))
}

/// The model's classes, from its first output on the first row (for empty cohorts).
fn first_classes<M>(model: &M, data: &Dataset<M::Input>) -> Result<Classes, EvalError>
where
    M: Model<Output = Probabilities>,
{
    let first =
        crate::model::call_model(model, &data.rows()[..1]).map_err(|e| e.at_dataset_rows(|p| p))?;
    Ok(first[0].classes().clone())
}

/// Classification metrics of `model` on `data` for each cohort, from one pass over the rows
/// with one batched prediction per batch of the model's [`batch_size`](Model::batch_size) rows.
///
/// Metrics are over the model's classes; a dataset label that is not one of them is an error.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features)]
/// struct Applicant { score: f64, region: String }
///
/// let data = Dataset::from_rows(
///     vec![
///         Applicant { score: 0.9, region: "north".into() },
///         Applicant { score: 0.2, region: "north".into() },
///         Applicant { score: 0.7, region: "south".into() },
///     ],
///     Labels::classes(["approve", "reject", "reject"])?,
/// )?;
/// let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["approve", "reject"], |b: &[Applicant]| {
///     Ok(b.iter().map(|a| if a.score > 0.5 { vec![0.9, 0.1] } else { vec![0.1, 0.9] }).collect())
/// })?;
/// let report = evaluate_classifier(
///     &model,
///     &data,
///     &[Cohort::all(), Cohort::category(Applicant::REGION, "south")],
/// )?;
/// assert_eq!(report[0].metrics.accuracy().rate(), Some(2.0 / 3.0));
/// assert_eq!(report[1].metrics.accuracy().rate(), Some(0.0)); // the south is misjudged
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_classifier<M, R>(
    model: &M,
    data: &Dataset<R>,
    cohorts: &[Cohort<R>],
) -> Result<Vec<CohortMetrics<ClassificationMetrics>>, EvalError>
where
    M: Model<Input = R, Output = Probabilities>,
{
    class_labels(data)?;
    let masks = masks(data, cohorts)?;
    let info = model.info();
    let totals = in_chunks(
        model,
        data,
        &masks,
        |start, outputs| {
            classify_chunk(
                info,
                data,
                &masks,
                start,
                outputs,
                &ClassificationMetrics::new,
            )
        },
        merge_classified(info),
    )?;
    classified(model, data, cohorts, totals, ClassificationMetrics::new)
}

/// [`evaluate_classifier`] with its chunks of [`CHUNK_ROWS`] rows predicted and accumulated
/// on rayon's threads (the `parallel` feature; `RAYON_NUM_THREADS` or an installed pool set
/// how many). The chunks and the order they are merged in do not depend on the threads:
/// the result is [`evaluate_classifier`]'s, bit for bit.
///
/// ```
/// use model_check::cohort::evaluate_classifier_parallel;
/// use model_check::prelude::*;
///
/// #[derive(Features)]
/// struct Applicant { score: f64 }
///
/// let rows: Vec<Applicant> = (0..200_000).map(|i| Applicant { score: f64::from(i % 997) / 997.0 }).collect();
/// let labels: Vec<&str> = (0..200_000).map(|i| if i % 3 == 0 { "reject" } else { "approve" }).collect();
/// let data = Dataset::from_rows(rows, Labels::classes(labels)?)?;
/// let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["approve", "reject"], |b: &[Applicant]| {
///     Ok(b.iter().map(|a| vec![1.0 - a.score, a.score]).collect())
/// })?;
/// let cohorts = [Cohort::all(), Cohort::range(Applicant::SCORE, 0.5..)];
/// let parallel = evaluate_classifier_parallel(&model, &data, &cohorts)?;
/// assert_eq!(parallel, evaluate_classifier(&model, &data, &cohorts)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "parallel")]
pub fn evaluate_classifier_parallel<M, R>(
    model: &M,
    data: &Dataset<R>,
    cohorts: &[Cohort<R>],
) -> Result<Vec<CohortMetrics<ClassificationMetrics>>, EvalError>
where
    M: Model<Input = R, Output = Probabilities> + Sync,
    R: Sync,
{
    class_labels(data)?;
    let masks = masks(data, cohorts)?;
    let info = model.info();
    let totals = in_chunks_parallel(
        model,
        data,
        &masks,
        |start, outputs| {
            classify_chunk(
                info,
                data,
                &masks,
                start,
                outputs,
                &ClassificationMetrics::new,
            )
        },
        merge_classified(info),
    )?;
    classified(model, data, cohorts, totals, ClassificationMetrics::new)
}

/// [`evaluate_regressor`] on rayon's threads, with the same result bit for bit (see
/// [`evaluate_classifier_parallel`]).
#[cfg(feature = "parallel")]
pub fn evaluate_regressor_parallel<M, R>(
    model: &M,
    data: &Dataset<R>,
    cohorts: &[Cohort<R>],
) -> Result<Vec<CohortMetrics<RegressionMetrics>>, EvalError>
where
    M: Model<Input = R, Output = f64> + Sync,
    R: Sync,
{
    targets(data)?;
    let masks = masks(data, cohorts)?;
    let info = model.info();
    let totals = in_chunks_parallel(
        model,
        data,
        &masks,
        |start, outputs| regress_chunk(info, data, &masks, start, outputs),
        merge_regressed,
    )?;
    Ok(named(cohorts, totals, RegressionMetrics::default))
}

/// Regression metrics of `model` on `data` for each cohort, from one pass over the rows.
pub fn evaluate_regressor<M, R>(
    model: &M,
    data: &Dataset<R>,
    cohorts: &[Cohort<R>],
) -> Result<Vec<CohortMetrics<RegressionMetrics>>, EvalError>
where
    M: Model<Input = R, Output = f64>,
{
    targets(data)?;
    let masks = masks(data, cohorts)?;
    let info = model.info();
    let totals = in_chunks(
        model,
        data,
        &masks,
        |start, outputs| regress_chunk(info, data, &masks, start, outputs),
        merge_regressed,
    )?;
    Ok(named(cohorts, totals, RegressionMetrics::default))
}

/// What a stream's cohorts have shown so far: a cohort whose level no batch has yet is
/// empty in those batches, and an error only if no batch ever has it.
struct StreamCohorts<'c, R> {
    cohorts: &'c [Cohort<R>],
    /// Per cohort: the error of the first batch it could not be evaluated on, until one
    /// batch could.
    unresolved: Vec<Option<CohortError>>,
    resolved: Vec<bool>,
}

impl<'c, R> StreamCohorts<'c, R> {
    fn new(cohorts: &'c [Cohort<R>]) -> Self {
        StreamCohorts {
            cohorts,
            unresolved: cohorts.iter().map(|_| None).collect(),
            resolved: vec![false; cohorts.len()],
        }
    }

    /// The cohorts' masks on one batch: a level the batch lacks selects no row of it.
    fn masks(&mut self, batch: &Dataset<R>) -> Result<Vec<Arc<Mask>>, CohortError> {
        let mut masks = Vec::with_capacity(self.cohorts.len());
        for (c, cohort) in self.cohorts.iter().enumerate() {
            match cohort.mask(batch) {
                Ok(mask) => {
                    self.resolved[c] = true;
                    masks.push(mask);
                }
                Err(CohortError::UnknownLevel(level)) if !level.declared => {
                    self.unresolved[c].get_or_insert(CohortError::UnknownLevel(level));
                    masks.push(Arc::new(Mask::from_rows(batch.len(), &[])));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(masks)
    }

    /// The first cohort that no batch could be evaluated on, as an error.
    fn finish(self) -> Result<(), CohortError> {
        match self
            .unresolved
            .into_iter()
            .zip(self.resolved)
            .find_map(|(error, resolved)| error.filter(|_| !resolved))
        {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// Reads `source` a batch at a time (batches of [`CHUNK_ROWS`] rows rounded to whole
/// model batches) and accumulates each batch's part; row numbers in errors count from the
/// start of the stream.
fn streamed<M, S, A>(
    model: &M,
    mut source: S,
    cohorts: &[Cohort<M::Input>],
    chunk: impl Fn(&Dataset<M::Input>, &[Arc<Mask>], Vec<M::Output>) -> Result<Part<A>, EvalError>,
    merge: impl Fn(&mut A, A) -> Result<(), EvalError>,
) -> Result<Streamed<A, M::Input>, EvalError>
where
    M: Model,
    S: Source<Row = M::Input>,
{
    let size = chunk_rows(model);
    let mut state = StreamCohorts::new(cohorts);
    let mut totals: Vec<Option<A>> = cohorts.iter().map(|_| None).collect();
    let mut first = None;
    let mut offset = 0usize;
    while let Some(batch) = source.next_batch(size).map_err(EvalError::Data)? {
        let masks = state.masks(&batch)?;
        let outputs = predict_chunk(model, &batch, 0, batch.len())
            .map_err(|e| offset_eval_error(e, offset))?;
        let part = chunk(&batch, &masks, outputs).map_err(|e| offset_eval_error(e, offset))?;
        merge_part(&mut totals, part, &merge)?;
        offset += batch.len();
        if first.is_none() {
            first = Some(batch);
        }
    }
    state.finish()?;
    match first {
        Some(first) => Ok((totals, first)),
        None => Err(DataError::Empty {
            what: "stream".into(),
        }
        .into()),
    }
}

/// Each cohort's accumulated metrics, and the stream's first batch.
type Streamed<A, R> = (Vec<Option<A>>, Dataset<R>);

/// An error found in a batch, its row counted from the start of the stream.
fn offset_eval_error(error: EvalError, offset: usize) -> EvalError {
    match error {
        EvalError::Data(e) => EvalError::Data(e.offset_rows(offset)),
        EvalError::Model(e) => EvalError::Model(e.offset_rows(offset)),
        other => other,
    }
}

/// [`evaluate_classifier`] over a [`Source`] read a batch at a time: memory bounded by one
/// batch and cohorts × classes × [`AUC_BINS`], whatever the number of rows. The ROC AUC is
/// binned, with its error bound ([`ClassificationMetrics::roc_auc_error_bound`]); every
/// other metric is the one [`evaluate_classifier`] gives. A cohort's level that some batch
/// lacks selects none of its rows; one that no batch has is an error, as in memory.
///
/// ```
/// use model_check::cohort::evaluate_classifier_stream;
/// use model_check::data::Batches;
/// use model_check::prelude::*;
///
/// #[derive(Features)]
/// struct Applicant { score: f64 }
///
/// // A million applicants, never all in memory: generated, read 65,536 at a time.
/// let rows = (0..1_000_000u32).map(|i| {
///     let score = f64::from(i % 1000) / 1000.0;
///     (Applicant { score }, if i % 7 == 0 { "reject" } else { "approve" })
/// });
/// let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["approve", "reject"], |b: &[Applicant]| {
///     Ok(b.iter().map(|a| if a.score > 0.1 { vec![0.9, 0.1] } else { vec![0.2, 0.8] }).collect())
/// })?;
/// let report = evaluate_classifier_stream(
///     &model,
///     Batches::new("applicants", rows),
///     &[Cohort::all(), Cohort::range(Applicant::SCORE, ..0.5)],
/// )?;
/// assert_eq!(report[0].metrics.n(), 1_000_000);
/// assert_eq!(report[1].metrics.n(), 500_000);
/// assert!(report[0].metrics.roc_auc_error_bound(1).unwrap() < 0.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_classifier_stream<M, S>(
    model: &M,
    source: S,
    cohorts: &[Cohort<M::Input>],
) -> Result<Vec<CohortMetrics<ClassificationMetrics>>, EvalError>
where
    M: Model<Output = Probabilities>,
    S: Source<Row = M::Input>,
{
    let info = model.info();
    let binned = |classes: Classes| ClassificationMetrics::with_binned_auc(classes, AUC_BINS);
    let (totals, first) = streamed(
        model,
        source,
        cohorts,
        |batch, masks, outputs| classify_chunk(info, batch, masks, 0, outputs, &binned),
        merge_classified(info),
    )?;
    classified(model, &first, cohorts, totals, binned)
}

/// [`evaluate_regressor`] over a [`Source`] read a batch at a time, in memory bounded by one
/// batch and the cohorts.
pub fn evaluate_regressor_stream<M, S>(
    model: &M,
    source: S,
    cohorts: &[Cohort<M::Input>],
) -> Result<Vec<CohortMetrics<RegressionMetrics>>, EvalError>
where
    M: Model<Output = f64>,
    S: Source<Row = M::Input>,
{
    let info = model.info();
    let (totals, _) = streamed(
        model,
        source,
        cohorts,
        |batch, masks, outputs| regress_chunk(info, batch, masks, 0, outputs),
        merge_regressed,
    )?;
    Ok(named(cohorts, totals, RegressionMetrics::default))
}
