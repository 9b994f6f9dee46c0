//! Models: batched predictors with an identity.
//!
//! [`Model`] is the one trait model-check asks of a model: predict a batch of inputs, one
//! output per input. Classifiers output [`Probabilities`] over named [`Classes`]; regressors
//! output an `f64`. Every model carries a [`ModelInfo`] (name and version) that reports show.
//!
//! Adapters cover the usual cases without writing a trait impl:
//!
//! - [`Classifier::from_fn`] and [`Regressor::from_fn`] wrap a closure over a batch;
//! - `Classifier::from_ndarray` and `Regressor::from_ndarray` (feature `ndarray`) wrap a
//!   function over a matrix of numeric rows;
//! - [`PredictionTable`] serves predictions computed elsewhere (a model trained in Python),
//!   looked up by row id.
//!
//! Adapters check what a model returns: one output per input, finite numbers, and class
//! probabilities in `[0, 1]` that sum to one. A broken model is an error naming the model,
//! never a silently wrong metric.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;

use crate::data::{DataError, Encoder, Features, Location};

mod cache;
mod predict;

pub use cache::Predictions;
pub(crate) use cache::{predict_rows, predict_sample};
pub use predict::BATCH_SIZE;

pub(crate) use predict::{batch_of, call_model, panic_message, predict_batched};

/// How far a row of probabilities may stray from summing to one: loose enough for a float32
/// softmax over thousands of classes or probabilities written with six decimals, tight
/// enough to reject unnormalised scores.
pub const PROBABILITY_SUM_TOLERANCE: f64 = 1e-4;

/// A model's identity: name and version, shown in every report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    name: String,
    version: String,
}

impl ModelInfo {
    /// A model called `name` at `version`.
    ///
    /// ```
    /// let info = model_check::model::ModelInfo::new("churn-forest", "2024-06");
    /// assert_eq!(info.to_string(), "churn-forest@2024-06");
    /// ```
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        ModelInfo {
            name: name.into(),
            version: version.into(),
        }
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The model's version.
    pub fn version(&self) -> &str {
        &self.version
    }
}

impl fmt::Display for ModelInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.version)
    }
}

/// A batched predictor.
///
/// `predict` receives a batch and returns exactly one output per input, in order. Output is
/// [`Probabilities`] for a classifier and `f64` for a regressor. Implement it directly for a
/// model type, or use an adapter ([`Classifier`], [`Regressor`], [`PredictionTable`]).
///
/// ```
/// use model_check::model::{Model, ModelError, ModelInfo};
///
/// struct Doubler(ModelInfo);
///
/// impl Model for Doubler {
///     type Input = f64;
///     type Output = f64;
///     fn info(&self) -> &ModelInfo { &self.0 }
///     fn predict(&self, batch: &[f64]) -> Result<Vec<f64>, ModelError> {
///         Ok(batch.iter().map(|x| 2.0 * x).collect())
///     }
/// }
///
/// let m = Doubler(ModelInfo::new("doubler", "1"));
/// assert_eq!(m.predict(&[1.0, 2.5]).unwrap(), vec![2.0, 5.0]);
/// ```
pub trait Model {
    /// What the model reads: a feature struct, a text, a numeric row.
    type Input;
    /// What it predicts for one input.
    type Output;

    /// The model's identity.
    fn info(&self) -> &ModelInfo;

    /// Predicts a batch: one output per input, in order.
    fn predict(&self, batch: &[Self::Input]) -> Result<Vec<Self::Output>, ModelError>;

    /// How many inputs the model prefers per call (default [`BATCH_SIZE`]): every batch
    /// model-check sends it holds at most this many. A model with a fixed batch (an ONNX
    /// graph), or one that is fastest on small batches, says so here. At least 1.
    fn batch_size(&self) -> usize {
        BATCH_SIZE
    }
}

/// A reference, `Arc` or `Box` of a model is the model.
macro_rules! delegate_model {
    ($($pointer:ty),*) => {$(
        impl<M: Model + ?Sized> Model for $pointer {
            type Input = M::Input;
            type Output = M::Output;
            fn info(&self) -> &ModelInfo {
                (**self).info()
            }
            fn predict(&self, batch: &[Self::Input]) -> Result<Vec<Self::Output>, ModelError> {
                (**self).predict(batch)
            }
            fn batch_size(&self) -> usize {
                (**self).batch_size()
            }
        }
    )*};
}

delegate_model!(&M, std::sync::Arc<M>, Box<M>);

/// The ordered, distinct class names of a classifier.
///
/// Cheap to clone (shared).
///
/// ```
/// use model_check::model::Classes;
///
/// let classes = Classes::new(["No", "Yes"]).unwrap();
/// assert_eq!(classes.index_of("Yes"), Some(1));
/// assert!(Classes::new(["No", "No"]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Classes(Arc<[String]>);

impl Classes {
    /// At least two distinct, non-empty class names.
    pub fn new<I, S>(names: I) -> Result<Self, ModelError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.len() < 2 {
            return Err(ModelError::new(ModelErrorKind::InvalidClasses {
                reason: format!("a classifier needs at least two classes, got {names:?}"),
            }));
        }
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() {
                return Err(ModelError::new(ModelErrorKind::InvalidClasses {
                    reason: format!("class {i} has an empty name"),
                }));
            }
            if names[..i].contains(name) {
                return Err(ModelError::new(ModelErrorKind::InvalidClasses {
                    reason: format!("class {name:?} is listed twice"),
                }));
            }
        }
        Ok(Classes(names.into()))
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a classifier has at least two classes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The position of the class called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|c| c == name)
    }

    /// The class names in order.
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// The name of class `index`.
    ///
    /// # Panics
    ///
    /// When `index >= self.len()`.
    pub fn name(&self, index: usize) -> &str {
        &self.0[index]
    }

    /// Whether two class lists are the same object (a fast path before comparing names).
    pub(crate) fn same(&self, other: &Classes) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl fmt::Display for Classes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

/// One classifier output: a probability per class, over named classes.
///
/// Construction checks the probabilities: one per class, each finite and in `[0, 1]`,
/// summing to one within [`PROBABILITY_SUM_TOLERANCE`].
///
/// ```
/// use model_check::model::{Classes, Probabilities};
///
/// let classes = Classes::new(["No", "Yes"]).unwrap();
/// let p = Probabilities::new(&classes, vec![0.3, 0.7]).unwrap();
/// assert_eq!(p.label(), "Yes");
/// assert_eq!(p.of("No"), Some(0.3));
/// assert!(Probabilities::new(&classes, vec![0.3, 0.8]).is_err());
/// ```
#[derive(Clone)]
pub struct Probabilities {
    // A handle into one batch's probability matrix: outputs of one `predict` call share
    // it, so the predict-once cache keeps 16 bytes per row besides the matrix, and a clone
    // copies nothing.
    batch: Arc<Batch>,
    row: usize,
}

/// The probabilities of one `predict` call, stored flat: row-major, one row per input.
#[derive(Clone)]
struct Batch {
    classes: Classes,
    p: Box<[f64]>,
    /// A decision threshold: predict this class when its probability reaches the value.
    decision: Option<(usize, f64)>,
}

impl Batch {
    fn rows(self) -> Vec<Probabilities> {
        let n = self.p.len() / self.classes.len();
        let batch = Arc::new(self);
        (0..n)
            .map(|row| Probabilities {
                batch: batch.clone(),
                row,
            })
            .collect()
    }
}

impl PartialEq for Probabilities {
    fn eq(&self, other: &Self) -> bool {
        self.batch.classes == other.batch.classes
            && self.as_slice() == other.as_slice()
            && self.batch.decision == other.batch.decision
    }
}

impl fmt::Debug for Probabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Probabilities")
            .field("classes", &self.batch.classes)
            .field("p", &self.as_slice())
            .field("decision", &self.batch.decision)
            .finish()
    }
}

impl Probabilities {
    /// Checked probabilities over `classes`.
    pub fn new(classes: &Classes, p: Vec<f64>) -> Result<Self, ModelError> {
        check_probabilities(classes, &p).map_err(|reason| {
            ModelError::new(ModelErrorKind::InvalidOutput { row: None, reason })
        })?;
        Ok(Probabilities::unchecked(classes, p))
    }

    /// A batch of outputs from one row-major matrix of probabilities — what an adapter
    /// over a framework returning a `rows × classes` tensor hands back from
    /// [`Model::predict`]. The matrix is kept as one allocation that the outputs share.
    /// Each row is checked as by [`new`](Probabilities::new); an error names the row.
    ///
    /// ```
    /// use model_check::model::{Classes, Probabilities};
    ///
    /// let classes = Classes::new(["No", "Yes"])?;
    /// let batch = Probabilities::batch(&classes, vec![0.9, 0.1, 0.3, 0.7])?;
    /// assert_eq!(batch.len(), 2);
    /// assert_eq!(batch[1].label(), "Yes");
    /// assert_eq!(batch[1].as_slice(), &[0.3, 0.7]);
    /// let bad = Probabilities::batch(&classes, vec![0.9, 0.1, 0.3, 0.8]).unwrap_err();
    /// assert!(bad.to_string().contains("input 1"), "{bad}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn batch(classes: &Classes, matrix: Vec<f64>) -> Result<Vec<Self>, ModelError> {
        let k = classes.len();
        if !matrix.len().is_multiple_of(k) {
            return Err(ModelError::new(ModelErrorKind::InvalidOutput {
                row: None,
                reason: format!(
                    "{} probabilities are not a whole number of rows of {k} classes ({classes})",
                    matrix.len()
                ),
            }));
        }
        for (row, p) in matrix.chunks(k).enumerate() {
            check_probabilities(classes, p).map_err(|reason| {
                ModelError::new(ModelErrorKind::InvalidOutput {
                    row: Some(row),
                    reason,
                })
            })?;
        }
        Ok(Batch {
            classes: classes.clone(),
            p: matrix.into(),
            decision: None,
        }
        .rows())
    }

    /// Probabilities already checked.
    fn unchecked(classes: &Classes, p: Vec<f64>) -> Self {
        Probabilities {
            batch: Arc::new(Batch {
                classes: classes.clone(),
                p: p.into(),
                decision: None,
            }),
            row: 0,
        }
    }

    /// The classes, in the order of the probabilities.
    pub fn classes(&self) -> &Classes {
        &self.batch.classes
    }

    /// The probabilities, in class order.
    pub fn as_slice(&self) -> &[f64] {
        let k = self.batch.classes.len();
        &self.batch.p[self.row * k..(self.row + 1) * k]
    }

    /// The probability of the class called `class`.
    pub fn of(&self, class: &str) -> Option<f64> {
        self.classes().index_of(class).map(|i| self.as_slice()[i])
    }

    /// The index of the predicted class: the most probable, the first on ties.
    pub fn predicted(&self) -> usize {
        let p = self.as_slice();
        match self.batch.decision {
            None => argmax(p),
            Some((class, at)) if p[class] >= at => class,
            // Below the threshold: the most probable of the other classes.
            Some((class, _)) => (0..p.len())
                .filter(|&c| c != class)
                .fold(None, |best: Option<usize>, c| match best {
                    Some(b) if p[b] >= p[c] => Some(b),
                    _ => Some(c),
                })
                .unwrap_or(class),
        }
    }

    /// The same probabilities read with a decision threshold `(class index, at)`, or without.
    pub(crate) fn with_decision(mut self, decision: Option<(usize, f64)>) -> Self {
        if self.batch.decision != decision {
            // Copies the batch only when other outputs share it.
            Arc::make_mut(&mut self.batch).decision = decision;
        }
        self
    }

    /// The decision threshold these probabilities are read with, if any: the class predicted
    /// when its probability reaches the value (see [`decide_at`]).
    pub fn decision(&self) -> Option<(&str, f64)> {
        self.batch
            .decision
            .map(|(c, at)| (self.batch.classes.name(c), at))
    }

    /// The predicted class's name.
    pub fn label(&self) -> &str {
        self.batch.classes.name(self.predicted())
    }

    /// The probability of the predicted class.
    pub fn confidence(&self) -> f64 {
        self.as_slice()[self.predicted()]
    }
}

/// The index of the largest value, the first on ties (as `numpy.argmax`).
pub(crate) fn argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in p.iter().enumerate().skip(1) {
        if x > p[best] {
            best = i;
        }
    }
    best
}

fn check_probabilities(classes: &Classes, p: &[f64]) -> Result<(), String> {
    if p.len() != classes.len() {
        return Err(format!(
            "{} probabilities for {} classes ({classes})",
            p.len(),
            classes.len()
        ));
    }
    let mut sum = 0.0;
    for (i, &x) in p.iter().enumerate() {
        if !(0.0..=1.0).contains(&x) {
            return Err(format!(
                "probability of class {:?} is {x}, outside [0, 1]",
                classes.name(i)
            ));
        }
        sum += x;
    }
    if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
        return Err(format!("probabilities sum to {sum}, not 1"));
    }
    Ok(())
}

/// A model that failed or returned something unusable.
#[derive(Debug)]
pub struct ModelError {
    model: Option<ModelInfo>,
    kind: ModelErrorKind,
    /// Whether `InvalidOutput::row` is a dataset row rather than a position in the batch.
    dataset_row: bool,
}

/// What went wrong with a model.
#[derive(Debug)]
#[non_exhaustive]
pub enum ModelErrorKind {
    /// The model itself reported an error.
    Failed(Box<dyn std::error::Error + Send + Sync>),
    /// The model panicked; the panic's message.
    Panicked(String),
    /// The model returned a different number of outputs than inputs.
    OutputCount {
        /// Inputs in the batch.
        expected: usize,
        /// Outputs returned.
        got: usize,
    },
    /// An output is not valid: NaN, a probability outside `[0, 1]`, probabilities that do not
    /// sum to one, the wrong number of classes.
    InvalidOutput {
        /// The position in the batch, when known.
        row: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// The class list is not valid.
    InvalidClasses {
        /// What is wrong.
        reason: String,
    },
    /// A prediction table has no prediction for this row id.
    UnknownRow {
        /// The row id asked for.
        id: String,
    },
}

impl ModelError {
    /// An error of this kind, not yet attributed to a model.
    pub fn new(kind: ModelErrorKind) -> Self {
        ModelError {
            model: None,
            kind,
            dataset_row: false,
        }
    }

    /// Wraps an error raised by the model's own code.
    ///
    /// ```
    /// use model_check::model::ModelError;
    ///
    /// let e = ModelError::failed("session crashed");
    /// assert_eq!(e.to_string(), "model failed: session crashed");
    /// ```
    pub fn failed(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ModelError::new(ModelErrorKind::Failed(error.into()))
    }

    /// Attributes the error to `model` (kept if already attributed).
    pub fn in_model(mut self, model: &ModelInfo) -> Self {
        if self.model.is_none() {
            self.model = Some(model.clone());
        }
        self
    }

    /// Renames a batch position in the error to the dataset row it stands for.
    pub(crate) fn at_dataset_rows(mut self, row_of: impl Fn(usize) -> usize) -> Self {
        if let ModelErrorKind::InvalidOutput { row: Some(r), .. } = &mut self.kind
            && !self.dataset_row
        {
            *r = row_of(*r);
            self.dataset_row = true;
        }
        self
    }

    /// The same error with its dataset row moved by `offset` (a row of a batch of a
    /// stream, counted from the stream's start).
    pub(crate) fn offset_rows(mut self, offset: usize) -> Self {
        if let ModelErrorKind::InvalidOutput { row: Some(r), .. } = &mut self.kind
            && self.dataset_row
        {
            *r += offset;
        }
        self
    }

    /// The model at fault, when known.
    pub fn model(&self) -> Option<&ModelInfo> {
        self.model.as_ref()
    }

    /// What went wrong.
    pub fn kind(&self) -> &ModelErrorKind {
        &self.kind
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.model {
            Some(m) => write!(f, "model `{m}` ")?,
            None => f.write_str("model ")?,
        }
        match &self.kind {
            ModelErrorKind::Failed(e) => write!(f, "failed: {e}"),
            ModelErrorKind::Panicked(message) => write!(f, "panicked: {message}"),
            ModelErrorKind::OutputCount { expected, got } => {
                write!(f, "returned {got} outputs for a batch of {expected} inputs")
            }
            ModelErrorKind::InvalidOutput {
                row: Some(r),
                reason,
            } if self.dataset_row => write!(f, "returned an invalid output for row {r}: {reason}"),
            ModelErrorKind::InvalidOutput {
                row: Some(r),
                reason,
            } => write!(
                f,
                "returned an invalid output for input {r} of the batch: {reason}"
            ),
            ModelErrorKind::InvalidOutput { row: None, reason } => {
                write!(f, "returned an invalid output: {reason}")
            }
            ModelErrorKind::InvalidClasses { reason } => write!(f, "has invalid classes: {reason}"),
            ModelErrorKind::UnknownRow { id } => {
                write!(f, "has no prediction for row id {id:?}")
            }
        }
    }
}

impl std::error::Error for ModelError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ModelErrorKind::Failed(e) => Some(&**e),
            _ => None,
        }
    }
}

fn check_count(expected: usize, got: usize) -> Result<(), ModelError> {
    if expected == got {
        Ok(())
    } else {
        Err(ModelError::new(ModelErrorKind::OutputCount {
            expected,
            got,
        }))
    }
}

/// A classifier built from a function returning one probability vector per input.
///
/// ```
/// use model_check::model::{Classifier, Model, ModelInfo};
///
/// let model = Classifier::from_fn(ModelInfo::new("threshold", "1"), ["low", "high"], |xs: &[f64]| {
///     Ok(xs.iter().map(|&x| if x > 0.5 { vec![0.1, 0.9] } else { vec![0.8, 0.2] }).collect())
/// })?;
/// let out = model.predict(&[0.2, 0.7])?;
/// assert_eq!(out[1].label(), "high");
/// # Ok::<(), model_check::model::ModelError>(())
/// ```
pub struct Classifier<I, F> {
    info: ModelInfo,
    classes: Classes,
    f: F,
    _input: PhantomData<fn(&I)>,
}

impl<I, F: Clone> Clone for Classifier<I, F> {
    fn clone(&self) -> Self {
        Classifier {
            info: self.info.clone(),
            classes: self.classes.clone(),
            f: self.f.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, F> Classifier<I, F>
where
    F: Fn(&[I]) -> Result<Vec<Vec<f64>>, ModelError>,
{
    /// Wraps `f`, whose probability vectors follow the order of `classes`.
    pub fn from_fn<C, S>(info: ModelInfo, classes: C, f: F) -> Result<Self, ModelError>
    where
        C: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let classes = Classes::new(classes).map_err(|e| e.in_model(&info))?;
        Ok(Classifier {
            info,
            classes,
            f,
            _input: PhantomData,
        })
    }

    /// The classes, in the order of the probabilities.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }
}

impl<I, F> Model for Classifier<I, F>
where
    F: Fn(&[I]) -> Result<Vec<Vec<f64>>, ModelError>,
{
    type Input = I;
    type Output = Probabilities;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<Probabilities>, ModelError> {
        let raw = (self.f)(batch).map_err(|e| e.in_model(&self.info))?;
        check_count(batch.len(), raw.len()).map_err(|e| e.in_model(&self.info))?;
        let mut matrix = Vec::with_capacity(raw.len() * self.classes.len());
        for (row, p) in raw.iter().enumerate() {
            check_probabilities(&self.classes, p).map_err(|reason| {
                ModelError::new(ModelErrorKind::InvalidOutput {
                    row: Some(row),
                    reason,
                })
                .in_model(&self.info)
            })?;
            matrix.extend_from_slice(p);
        }
        Ok(Batch {
            classes: self.classes.clone(),
            p: matrix.into(),
            decision: None,
        }
        .rows())
    }
}

/// A classifier whose decisions are taken at a threshold: it predicts `class` when the
/// probability of `class` is at least `at`, and otherwise the most probable other class —
/// scikit-learn's `predict_proba(X)[:, 1] >= t` for a binary model. Probabilities, and so
/// ROC AUC, log loss and calibration, are unchanged; every decision — accuracy, recall, flips,
/// invariances — follows the threshold. The model's version names the threshold, so reports
/// and the predict-once cache tell the two apart.
///
/// ```
/// use model_check::model::{Classifier, Model, ModelInfo, decide_at};
///
/// let model = Classifier::from_fn(ModelInfo::new("lr", "1"), ["No", "Yes"], |b: &[f64]| {
///     Ok(b.iter().map(|&p| vec![1.0 - p, p]).collect())
/// })?;
/// let cautious = decide_at(model, "Yes", 0.3)?;
/// let out = cautious.predict(&[0.35, 0.2])?;
/// assert_eq!((out[0].label(), out[1].label()), ("Yes", "No"));
/// assert_eq!(out[0].of("Yes"), Some(0.35));
/// assert_eq!(cautious.info().to_string(), "lr@1 (`Yes` at p ≥ 0.3)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide_at<M>(model: M, class: &str, at: f64) -> Result<Decided<M>, ModelError>
where
    M: Model<Output = Probabilities>,
{
    if !(0.0..=1.0).contains(&at) {
        return Err(ModelError::failed(format!(
            "decision threshold {at} for `{class}` is not a probability in [0, 1]"
        ))
        .in_model(model.info()));
    }
    let info = ModelInfo::new(
        model.info().name(),
        format!(
            "{} (`{class}` at p ≥ {})",
            model.info().version(),
            crate::fmt::exact(at)
        ),
    );
    Ok(Decided {
        model,
        info,
        class: class.to_string(),
        at,
    })
}

/// A classifier read at a decision threshold; see [`decide_at`].
#[derive(Debug, Clone)]
pub struct Decided<M> {
    model: M,
    info: ModelInfo,
    class: String,
    at: f64,
}

impl<M: Model<Output = Probabilities>> Model for Decided<M> {
    type Input = M::Input;
    type Output = Probabilities;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn batch_size(&self) -> usize {
        self.model.batch_size()
    }

    fn predict(&self, batch: &[M::Input]) -> Result<Vec<Probabilities>, ModelError> {
        let outputs = self.model.predict(batch)?;
        let mut decided = Vec::with_capacity(outputs.len());
        let mut last: Option<(Arc<Batch>, Arc<Batch>)> = None;
        for p in outputs {
            let class = p.classes().index_of(&self.class).ok_or_else(|| {
                ModelError::failed(format!(
                    "the decision threshold is for `{}`, which is not a class of the model (classes: {})",
                    self.class,
                    p.classes()
                ))
                .in_model(&self.info)
            })?;
            // Outputs that shared a batch share its decided copy.
            let batch = match &last {
                Some((source, copy)) if Arc::ptr_eq(source, &p.batch) => copy.clone(),
                _ => {
                    let copy = Arc::new(Batch {
                        decision: Some((class, self.at)),
                        ..(*p.batch).clone()
                    });
                    last = Some((p.batch.clone(), copy.clone()));
                    copy
                }
            };
            decided.push(Probabilities { batch, row: p.row });
        }
        Ok(decided)
    }
}

/// A regressor built from a function returning one number per input.
///
/// ```
/// use model_check::model::{Model, ModelInfo, Regressor};
///
/// let model = Regressor::from_fn(ModelInfo::new("linear", "1"), |xs: &[f64]| {
///     Ok(xs.iter().map(|x| 3.0 * x + 1.0).collect())
/// });
/// assert_eq!(model.predict(&[1.0])?, vec![4.0]);
/// # Ok::<(), model_check::model::ModelError>(())
/// ```
pub struct Regressor<I, F> {
    info: ModelInfo,
    f: F,
    _input: PhantomData<fn(&I)>,
}

impl<I, F: Clone> Clone for Regressor<I, F> {
    fn clone(&self) -> Self {
        Regressor {
            info: self.info.clone(),
            f: self.f.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, F> Regressor<I, F>
where
    F: Fn(&[I]) -> Result<Vec<f64>, ModelError>,
{
    /// Wraps `f`.
    pub fn from_fn(info: ModelInfo, f: F) -> Self {
        Regressor {
            info,
            f,
            _input: PhantomData,
        }
    }
}

impl<I, F> Model for Regressor<I, F>
where
    F: Fn(&[I]) -> Result<Vec<f64>, ModelError>,
{
    type Input = I;
    type Output = f64;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<f64>, ModelError> {
        let out = (self.f)(batch).map_err(|e| e.in_model(&self.info))?;
        check_count(batch.len(), out.len()).map_err(|e| e.in_model(&self.info))?;
        if let Some(row) = out.iter().position(|y| !y.is_finite()) {
            return Err(ModelError::new(ModelErrorKind::InvalidOutput {
                row: Some(row),
                reason: format!("prediction is {}", out[row]),
            })
            .in_model(&self.info));
        }
        Ok(out)
    }
}

/// Writes a row as numbers for a matrix model; implemented by
/// [`Encoder`] and by closures `Fn(&I, &mut Vec<f64>)`.
pub trait EncodeRow<I> {
    /// Appends the numeric encoding of `row` to `out`.
    fn encode_row(&self, row: &I, out: &mut Vec<f64>);
}

impl<I, F: Fn(&I, &mut Vec<f64>)> EncodeRow<I> for F {
    fn encode_row(&self, row: &I, out: &mut Vec<f64>) {
        self(row, out)
    }
}

impl<R: Features> EncodeRow<R> for Encoder<R> {
    fn encode_row(&self, row: &R, out: &mut Vec<f64>) {
        self.encode_into(row, out)
    }
}

/// Stacks encoded rows into a row-major buffer and returns it with the rows' width; an error
/// names the first row whose width differs from the rows before it. The ndarray adapters
/// and the framework adapters (`crate::adapters`) encode through it.
#[cfg_attr(
    not(any(feature = "ndarray", feature = "smartcore", feature = "linfa")),
    allow(dead_code)
)]
pub(crate) fn encode_rows<I>(
    encoder: &impl EncodeRow<I>,
    batch: &[I],
) -> Result<(Vec<f64>, usize), ModelError> {
    let mut buf = Vec::new();
    let mut width = None;
    for (row, input) in batch.iter().enumerate() {
        let before = buf.len();
        encoder.encode_row(input, &mut buf);
        let w = buf.len() - before;
        match width {
            None => width = Some(w),
            Some(expected) if expected != w => {
                return Err(ModelError::new(ModelErrorKind::InvalidOutput {
                    row: Some(row),
                    reason: format!("the encoder wrote {w} columns, earlier rows had {expected}"),
                }));
            }
            Some(_) => {}
        }
    }
    Ok((buf, width.unwrap_or(0)))
}

/// [`encode_rows`] as an ndarray matrix.
#[cfg(feature = "ndarray")]
fn encode_batch<I>(
    encoder: &impl EncodeRow<I>,
    batch: &[I],
) -> Result<ndarray::Array2<f64>, ModelError> {
    let (buf, width) = encode_rows(encoder, batch)?;
    ndarray::Array2::from_shape_vec((batch.len(), width), buf).map_err(ModelError::failed)
}

#[cfg(feature = "ndarray")]
impl<I> Classifier<I, ()> {
    /// A classifier over an `ndarray` matrix: `encoder` turns each input into a numeric row,
    /// `f` maps the `n × d` matrix to an `n × classes` matrix of probabilities.
    ///
    /// ```
    /// use model_check::model::{Classifier, Model, ModelInfo};
    /// use ndarray::{Array2, ArrayView2};
    ///
    /// let model = Classifier::from_ndarray(
    ///     ModelInfo::new("logit", "1"),
    ///     ["neg", "pos"],
    ///     |x: &f64, out: &mut Vec<f64>| out.push(*x),
    ///     |m: ArrayView2<f64>| {
    ///         let p = m.column(0).mapv(|z| 1.0 / (1.0 + (-z).exp()));
    ///         let mut out = Array2::zeros((m.nrows(), 2));
    ///         out.column_mut(0).assign(&p.mapv(|q| 1.0 - q));
    ///         out.column_mut(1).assign(&p);
    ///         Ok(out)
    ///     },
    /// )?;
    /// let out = model.predict(&[-3.0, 3.0])?;
    /// assert_eq!((out[0].label(), out[1].label()), ("neg", "pos"));
    /// # Ok::<(), model_check::model::ModelError>(())
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn from_ndarray<C, S, E, G>(
        info: ModelInfo,
        classes: C,
        encoder: E,
        f: G,
    ) -> Result<Classifier<I, impl Fn(&[I]) -> Result<Vec<Vec<f64>>, ModelError>>, ModelError>
    where
        C: IntoIterator<Item = S>,
        S: Into<String>,
        E: EncodeRow<I>,
        G: Fn(ndarray::ArrayView2<'_, f64>) -> Result<ndarray::Array2<f64>, ModelError>,
    {
        Classifier::from_fn(info, classes, move |batch: &[I]| {
            let x = encode_batch(&encoder, batch)?;
            let p = f(x.view())?;
            Ok(p.outer_iter().map(|row| row.to_vec()).collect())
        })
    }
}

#[cfg(feature = "ndarray")]
impl<I> Regressor<I, ()> {
    /// A regressor over an `ndarray` matrix: `encoder` turns each input into a numeric row,
    /// `f` maps the `n × d` matrix to `n` predictions.
    ///
    /// ```
    /// use model_check::model::{Model, ModelInfo, Regressor};
    /// use ndarray::{Array1, ArrayView2};
    ///
    /// let model = Regressor::from_ndarray(
    ///     ModelInfo::new("sum", "1"),
    ///     |x: &[f64; 2], out: &mut Vec<f64>| out.extend_from_slice(x),
    ///     |m: ArrayView2<f64>| Ok(m.sum_axis(ndarray::Axis(1))),
    /// );
    /// assert_eq!(model.predict(&[[1.0, 2.0], [3.0, 4.0]])?, vec![3.0, 7.0]);
    /// # Ok::<(), model_check::model::ModelError>(())
    /// ```
    pub fn from_ndarray<E, G>(
        info: ModelInfo,
        encoder: E,
        f: G,
    ) -> Regressor<I, impl Fn(&[I]) -> Result<Vec<f64>, ModelError>>
    where
        E: EncodeRow<I>,
        G: Fn(ndarray::ArrayView2<'_, f64>) -> Result<ndarray::Array1<f64>, ModelError>,
    {
        Regressor::from_fn(info, move |batch: &[I]| {
            let x = encode_batch(&encoder, batch)?;
            Ok(f(x.view())?.to_vec())
        })
    }
}

/// Predictions computed elsewhere — a model trained and run in Python, say — served by row
/// id, so the model can be tested from Rust.
///
/// Load one with [`PredictionTable::classifier_csv`] (one probability column per class) or
/// [`PredictionTable::regressor_csv`], then say how to find a row's id with
/// [`keyed_by`](PredictionTable::keyed_by), which gives a [`Model`].
///
/// ```
/// use model_check::model::{Model, ModelInfo, PredictionTable};
/// # let dir = std::env::temp_dir().join(format!("mc-doc-table-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("scores.csv");
/// std::fs::write(&path, "id,No,Yes\nc1,0.9,0.1\nc2,0.25,0.75\n")?;
///
/// let table = PredictionTable::classifier_csv(ModelInfo::new("sklearn-lr", "1"), &path, "id")?;
/// let model = table.keyed_by(|customer: &(&str, f64)| customer.0.to_string());
/// let out = model.predict(&[("c2", 12.0)])?;
/// assert_eq!(out[0].label(), "Yes");
/// assert!(model.predict(&[("c3", 1.0)]).is_err()); // no such row
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PredictionTable<O> {
    info: ModelInfo,
    rows: HashMap<String, O>,
}

impl PredictionTable<Probabilities> {
    /// Reads class probabilities from CSV: the column `id_column` holds row ids, every other
    /// column is a class (named by its header) holding that class's probability.
    pub fn classifier_csv(
        info: ModelInfo,
        path: impl AsRef<Path>,
        id_column: &str,
    ) -> Result<Self, DataError> {
        Self::read_classifier::<&str>(info, path.as_ref(), id_column, None)
    }

    /// Like [`classifier_csv`](Self::classifier_csv), reading only the named class columns,
    /// in the order given; other columns (a label, a timestamp) are ignored.
    pub fn classifier_csv_columns<S: AsRef<str>>(
        info: ModelInfo,
        path: impl AsRef<Path>,
        id_column: &str,
        class_columns: &[S],
    ) -> Result<Self, DataError> {
        Self::read_classifier(info, path.as_ref(), id_column, Some(class_columns))
    }

    /// Reads class probabilities from Parquet, as [`classifier_csv`](Self::classifier_csv)
    /// reads CSV: row ids in `id_column`, every other column a class; `class_columns` picks
    /// and orders them instead (feature `parquet`). Errors name the file, row and column.
    #[cfg(feature = "parquet")]
    pub fn classifier_parquet(
        info: ModelInfo,
        path: impl AsRef<Path>,
        id_column: &str,
        class_columns: Option<&[&str]>,
    ) -> Result<Self, DataError> {
        let path = path.as_ref();
        let in_file = |e: DataError| match e {
            DataError::Invalid { reason, .. } => DataError::Invalid {
                at: Box::new(Location::file(path)),
                reason,
            },
            other => other,
        };
        let read = crate::data::parquet::probability_rows(path, id_column, class_columns)?;
        let classes = Classes::new(read.classes).map_err(|e| DataError::Invalid {
            at: Box::new(Location::file(path)),
            reason: e.to_string(),
        })?;
        Self::classifier_rows(info, &classes, read.rows).map_err(in_file)
    }

    fn read_classifier<S: AsRef<str>>(
        info: ModelInfo,
        path: &Path,
        id_column: &str,
        named: Option<&[S]>,
    ) -> Result<Self, DataError> {
        let (mut reader, headers, id_at) = open_table(path, id_column)?;
        let class_columns: Vec<usize> = match named {
            Some(names) => names
                .iter()
                .map(|n| column_index(&headers, n.as_ref(), path))
                .collect::<Result<_, _>>()?,
            None => (0..headers.len()).filter(|&i| i != id_at).collect(),
        };
        let classes =
            Classes::new(class_columns.iter().map(|&i| headers[i].to_string())).map_err(|e| {
                DataError::Invalid {
                    at: Box::new(Location::file(path)),
                    reason: e.to_string(),
                }
            })?;
        let mut rows = HashMap::new();
        let mut record = csv::StringRecord::new();
        let mut p = Vec::with_capacity(classes.len());
        while read_record(&mut reader, &mut record, path)? {
            p.clear();
            for &i in &class_columns {
                p.push(parse_number(&record, i, &headers, path).map_err(|e| {
                    // A column of words among the classes is most often the label left in;
                    // one word in a column of numbers is a bad cell.
                    match named.is_none() && mostly_words(path, i) {
                        true => DataError::Invalid {
                            at: Box::new(record_location(path, &record).in_field(&headers[i])),
                            reason: format!(
                                "{:?} is not a probability: every column but `{id_column}` is read as a class; if `{}` is the label (or another column), drop it or name the class columns with `classifier_csv_columns`",
                                record[i].trim(),
                                &headers[i]
                            ),
                        },
                        false => e,
                    }
                })?);
            }
            check_probabilities(&classes, &p).map_err(|reason| DataError::Invalid {
                at: Box::new(record_location(path, &record)),
                reason,
            })?;
            let probabilities = Probabilities::unchecked(&classes, p.clone());
            insert_row(&mut rows, &record, id_at, probabilities, path, id_column)?;
        }
        non_empty(rows, info, path)
    }
}

impl PredictionTable<Probabilities> {
    /// Reads a binary classifier's predictions from CSV as one column: the probability of
    /// `classes[1]` (the positive class) in `probability_column`, `1 − p` for `classes[0]` —
    /// how scikit-learn's `predict_proba(X)[:, 1]` is usually exported. Other columns are
    /// ignored.
    ///
    /// ```
    /// use model_check::model::{ModelInfo, PredictionTable};
    ///
    /// # let dir = std::env::temp_dir().join(format!("mc-doc-binary-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("scores.csv");
    /// std::fs::write(&path, "id,churn,p_yes\n7,Yes,0.83\n8,No,0.1\n")?;
    /// let table = PredictionTable::binary_csv(ModelInfo::new("lr", "1"), &path, "id", "p_yes", ["No", "Yes"])?;
    /// assert_eq!(table.get("7").unwrap().of("Yes"), Some(0.83));
    /// assert!((table.get("8").unwrap().of("No").unwrap() - 0.9).abs() < 1e-15);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn binary_csv(
        info: ModelInfo,
        path: impl AsRef<Path>,
        id_column: &str,
        probability_column: &str,
        classes: [&str; 2],
    ) -> Result<Self, DataError> {
        let path = path.as_ref();
        let (mut reader, headers, id_at) = open_table(path, id_column)?;
        let at = column_index(&headers, probability_column, path)?;
        let classes = Classes::new(classes).map_err(|e| DataError::Invalid {
            at: Box::new(Location::file(path)),
            reason: e.to_string(),
        })?;
        let mut rows = HashMap::new();
        let mut record = csv::StringRecord::new();
        while read_record(&mut reader, &mut record, path)? {
            let p = parse_number(&record, at, &headers, path)?;
            let probabilities = binary(&classes, p).map_err(|reason| DataError::Invalid {
                at: Box::new(record_location(path, &record).in_field(probability_column)),
                reason,
            })?;
            insert_row(&mut rows, &record, id_at, probabilities, path, id_column)?;
        }
        non_empty(rows, info, path)
    }

    /// A table of class probabilities held in memory: `(row id, one probability per class)`.
    /// A row whose probabilities do not fit the classes, or a repeated id, is an error naming
    /// the id.
    ///
    /// ```
    /// use model_check::model::{Classes, ModelInfo, PredictionTable};
    ///
    /// let classes = Classes::new(["No", "Yes"])?;
    /// let table = PredictionTable::classifier_rows(
    ///     ModelInfo::new("lr", "1"),
    ///     &classes,
    ///     [("a", vec![0.2, 0.8]), ("b", vec![0.9, 0.1])],
    /// )?;
    /// assert_eq!(table.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classifier_rows<Id: Into<String>>(
        info: ModelInfo,
        classes: &Classes,
        rows: impl IntoIterator<Item = (Id, Vec<f64>)>,
    ) -> Result<Self, DataError> {
        let mut table = HashMap::new();
        for (id, p) in rows {
            let id = id.into();
            check_probabilities(classes, &p).map_err(|reason| DataError::Invalid {
                at: Box::new(Location::default()),
                reason: format!("row {id:?}: {reason}"),
            })?;
            let probabilities = Probabilities::unchecked(classes, p);
            memory_row(&mut table, id, probabilities)?;
        }
        memory_table(table, info)
    }

    /// A binary classifier's predictions held in memory: `(row id, probability of
    /// classes[1])`.
    pub fn binary_rows<Id: Into<String>>(
        info: ModelInfo,
        classes: [&str; 2],
        rows: impl IntoIterator<Item = (Id, f64)>,
    ) -> Result<Self, DataError> {
        let classes = Classes::new(classes).map_err(|e| DataError::Invalid {
            at: Box::new(Location::default()),
            reason: e.to_string(),
        })?;
        let mut table = HashMap::new();
        for (id, p) in rows {
            let id = id.into();
            let probabilities = binary(&classes, p).map_err(|reason| DataError::Invalid {
                at: Box::new(Location::default()),
                reason: format!("row {id:?}: {reason}"),
            })?;
            memory_row(&mut table, id, probabilities)?;
        }
        memory_table(table, info)
    }
}

/// Whether most cells of column `i` of the CSV file are not numbers (read again: call only
/// for errors).
fn mostly_words(path: &Path, i: usize) -> bool {
    let Ok(mut reader) = crate::data::csv_reader(path) else {
        return false;
    };
    let (mut words, mut cells) = (0usize, 0usize);
    for record in reader.records().flatten() {
        if let Some(cell) = record.get(i) {
            cells += 1;
            words += usize::from(cell.trim().parse::<f64>().is_err());
        }
    }
    // A single bad cell is a bad cell, whatever the size of the file.
    words >= 2 && 2 * words > cells
}

/// `[1 − p, p]` over two classes, for a probability `p` of the second.
fn binary(classes: &Classes, p: f64) -> Result<Probabilities, String> {
    if !(0.0..=1.0).contains(&p) {
        return Err(format!(
            "{p} is not a probability of `{}` (outside [0, 1])",
            classes.name(1)
        ));
    }
    Ok(Probabilities::unchecked(classes, vec![1.0 - p, p]))
}

fn memory_row<O>(rows: &mut HashMap<String, O>, id: String, value: O) -> Result<(), DataError> {
    if id.is_empty() {
        return Err(DataError::Invalid {
            at: Box::new(Location::default()),
            reason: "empty row id".into(),
        });
    }
    if rows.contains_key(&id) {
        return Err(DataError::DuplicateId {
            at: Box::new(Location::default()),
            id,
        });
    }
    rows.insert(id, value);
    Ok(())
}

fn memory_table<O>(
    rows: HashMap<String, O>,
    info: ModelInfo,
) -> Result<PredictionTable<O>, DataError> {
    if rows.is_empty() {
        return Err(DataError::Empty {
            what: format!("prediction table of `{info}`"),
        });
    }
    Ok(PredictionTable { info, rows })
}

impl PredictionTable<f64> {
    /// Numeric predictions held in memory: `(row id, prediction)`; a non-finite prediction
    /// or a repeated id is an error naming the id.
    pub fn regressor_rows<Id: Into<String>>(
        info: ModelInfo,
        rows: impl IntoIterator<Item = (Id, f64)>,
    ) -> Result<Self, DataError> {
        let mut table = HashMap::new();
        for (id, y) in rows {
            let id = id.into();
            if !y.is_finite() {
                return Err(DataError::Invalid {
                    at: Box::new(Location::default()),
                    reason: format!("row {id:?}: {y} is not a finite number"),
                });
            }
            memory_row(&mut table, id, y)?;
        }
        memory_table(table, info)
    }

    /// Reads numeric predictions from Parquet, as [`regressor_csv`](Self::regressor_csv)
    /// reads CSV (feature `parquet`).
    #[cfg(feature = "parquet")]
    pub fn regressor_parquet(
        info: ModelInfo,
        path: impl AsRef<Path>,
        id_column: &str,
        value_column: &str,
    ) -> Result<Self, DataError> {
        let rows = crate::data::parquet::value_rows(path.as_ref(), id_column, value_column)?;
        Self::regressor_rows(info, rows)
    }

    /// Reads numeric predictions from CSV: row ids in `id_column`, predictions in
    /// `value_column`; other columns are ignored.
    pub fn regressor_csv(
        info: ModelInfo,
        path: impl AsRef<Path>,
        id_column: &str,
        value_column: &str,
    ) -> Result<Self, DataError> {
        let path = path.as_ref();
        let (mut reader, headers, id_at) = open_table(path, id_column)?;
        let value_at = column_index(&headers, value_column, path)?;
        let mut rows = HashMap::new();
        let mut record = csv::StringRecord::new();
        while read_record(&mut reader, &mut record, path)? {
            let y = parse_number(&record, value_at, &headers, path)?;
            insert_row(&mut rows, &record, id_at, y, path, id_column)?;
        }
        non_empty(rows, info, path)
    }
}

impl<O: Clone> PredictionTable<O> {
    /// The model's identity.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The number of rows with a prediction.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table is empty (never, for a loaded table).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The prediction for row `id`.
    pub fn get(&self, id: &str) -> Option<&O> {
        self.rows.get(id)
    }

    /// A model over inputs of type `I`, whose row id `key` extracts.
    pub fn keyed_by<I, K, Id>(self, key: K) -> TableModel<I, O, K>
    where
        K: Fn(&I) -> Id,
        Id: AsRef<str>,
    {
        TableModel {
            table: self,
            key,
            _input: PhantomData,
        }
    }
}

/// A [`PredictionTable`] with a way to find each input's row id; see
/// [`PredictionTable::keyed_by`].
pub struct TableModel<I, O, K> {
    table: PredictionTable<O>,
    key: K,
    _input: PhantomData<fn(&I)>,
}

impl<I, O, K, Id> Model for TableModel<I, O, K>
where
    O: Clone,
    K: Fn(&I) -> Id,
    Id: AsRef<str>,
{
    type Input = I;
    type Output = O;

    fn info(&self) -> &ModelInfo {
        &self.table.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<O>, ModelError> {
        batch
            .iter()
            .map(|input| {
                let id = (self.key)(input);
                self.table.rows.get(id.as_ref()).cloned().ok_or_else(|| {
                    ModelError::new(ModelErrorKind::UnknownRow {
                        id: id.as_ref().to_string(),
                    })
                    .in_model(&self.table.info)
                })
            })
            .collect()
    }
}

type TableReader = (csv::Reader<std::fs::File>, csv::StringRecord, usize);

fn open_table(path: &Path, id_column: &str) -> Result<TableReader, DataError> {
    let mut reader = crate::data::csv_reader(path)?;
    let mut headers = reader
        .headers()
        .map_err(|e| crate::data::csv_error(e, path))?
        .clone();
    headers.trim();
    let id_at = column_index(&headers, id_column, path)?;
    Ok((reader, headers, id_at))
}

fn column_index(
    headers: &csv::StringRecord,
    column: &str,
    path: &Path,
) -> Result<usize, DataError> {
    let headers: Vec<&str> = headers.iter().collect();
    crate::data::column_of(&headers, column, path)
}

fn read_record(
    reader: &mut csv::Reader<std::fs::File>,
    record: &mut csv::StringRecord,
    path: &Path,
) -> Result<bool, DataError> {
    reader
        .read_record(record)
        .map_err(|e| crate::data::csv_error(e, path))
}

/// Where `record` is in `path` (reads the file again: call only for errors).
fn record_location(path: &Path, record: &csv::StringRecord) -> Location {
    Location {
        line: crate::data::line_at(path, record.position()),
        ..Location::file(path)
    }
}

fn parse_number(
    record: &csv::StringRecord,
    i: usize,
    headers: &csv::StringRecord,
    path: &Path,
) -> Result<f64, DataError> {
    let at = || record_location(path, record).in_field(&headers[i]);
    let cell = record[i].trim();
    let x: f64 = cell.parse().map_err(|_| DataError::Parse {
        at: Box::new(at()),
        message: format!("{cell:?} is not a number"),
    })?;
    if !x.is_finite() {
        return Err(DataError::Invalid {
            at: Box::new(at()),
            reason: format!("{x} is not a finite number"),
        });
    }
    Ok(x)
}

fn insert_row<O>(
    rows: &mut HashMap<String, O>,
    record: &csv::StringRecord,
    id_at: usize,
    value: O,
    path: &Path,
    id_column: &str,
) -> Result<(), DataError> {
    let id = record[id_at].trim();
    if id.is_empty() {
        return Err(DataError::Invalid {
            at: Box::new(record_location(path, record).in_field(id_column)),
            reason: "empty row id".into(),
        });
    }
    if rows.insert(id.to_string(), value).is_some() {
        return Err(DataError::DuplicateId {
            at: Box::new(record_location(path, record).in_field(id_column)),
            id: id.to_string(),
        });
    }
    Ok(())
}

fn non_empty<O>(
    rows: HashMap<String, O>,
    info: ModelInfo,
    path: &Path,
) -> Result<PredictionTable<O>, DataError> {
    if rows.is_empty() {
        return Err(DataError::Empty {
            what: format!("prediction table {}", path.display()),
        });
    }
    Ok(PredictionTable { info, rows })
}
