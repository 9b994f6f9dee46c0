//! candle modules as model-check [`Model`]s (feature `candle`: candle-core 0.9 with
//! `default-features = false`, on [`Device::Cpu`]).
//!
//! - [`CandleClassifier`] wraps any [`Module`] — a candle-nn network, a closure
//!   `Fn(&Tensor) -> candle_core::Result<Tensor>` — whose output is one row of class scores
//!   per input: [`logits`](CandleClassifier::logits), which the adapter softmaxes, or
//!   [`probabilities`](CandleClassifier::probabilities), taken as they are (and checked).
//! - [`CandleRegressor`] wraps a module whose output is one number per input (`[batch]` or
//!   `[batch, 1]`).
//!
//! Each batch is encoded through an [`EncodeRow`] — an [`Encoder`](crate::data::Encoder),
//! [`Flat`](super::Flat), or a closure (for images, one writing the pixels) — into one
//! `[batch, width]` `f32` tensor, and the module is called once on it. The adapter states
//! the width the module reads, and checks it before candle is called: a closure module that
//! broadcasts would otherwise run on the wrong input silently.
//!
//! What can go wrong, and how it is reported (always attributed to the model by its
//! [`ModelInfo`]):
//!
//! | Failure | [`ModelErrorKind`] |
//! |---|---|
//! | the encoder writes another width than the module reads | `Failed` holding [`CandleError::InputWidth`] (expected and given width) |
//! | candle fails building the input, in the forward pass, or reading the output | `Failed` holding [`CandleError::Candle`] (the stage and candle's error as `source`) |
//! | the output is not `[batch, classes]` (`[batch]` or `[batch, 1]` for a regressor) | `Failed` holding [`CandleError::OutputShape`] |
//! | a NaN or infinite output | `InvalidOutput`, naming the batch position (renamed to the dataset row by model-check's prediction path) and the class |
//! | probabilities outside `[0, 1]` or not summing to one | `InvalidOutput`, as for every classifier |
//!
//! A [`CandleError`] is read back with `downcast_ref` on the `Failed` kind's error.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use model_check::adapters::Flat;
//! use model_check::adapters::candle::CandleClassifier;
//! use model_check::model::{Model, ModelInfo};
//!
//! // Logits x · Wᵀ for two features and three classes.
//! let w = Tensor::new(&[[1f32, 0.0], [0.0, 1.0], [-1.0, -1.0]], &Device::Cpu)?;
//! let module = move |x: &Tensor| x.matmul(&w.t()?);
//! let model = CandleClassifier::logits(
//!     ModelInfo::new("linear", "1"),
//!     module,
//!     2,
//!     ["a", "b", "c"],
//!     Flat,
//! )?;
//! let out = model.predict(&[vec![3.0, 0.0], vec![0.0, 2.0], vec![-1.0, -1.0]])?;
//! assert_eq!([out[0].label(), out[1].label(), out[2].label()], ["a", "b", "c"]);
//! // The softmax of the logits (3, 0, −3).
//! let e = [3f64.exp(), 1.0, (-3f64).exp()];
//! let sum: f64 = e.iter().sum();
//! assert!((out[0].as_slice()[0] - e[0] / sum).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use ::candle_core::{DType, Device, Module, Tensor};

use crate::model::{
    Classes, EncodeRow, Model, ModelError, ModelErrorKind, ModelInfo, Probabilities, Regressor,
    encode_rows,
};

/// What went wrong calling a candle module; carried by
/// [`ModelErrorKind::Failed`] (read it back with `downcast_ref::<CandleError>()`).
///
/// ```
/// use candle_core::Tensor;
/// use model_check::adapters::Flat;
/// use model_check::adapters::candle::{CandleClassifier, CandleError};
/// use model_check::model::{Model, ModelErrorKind, ModelInfo};
///
/// let model = CandleClassifier::probabilities(
///     ModelInfo::new("m", "1"),
///     |x: &Tensor| Ok(x.clone()),
///     2,
///     ["a", "b"],
///     Flat,
/// )?;
/// let err = model.predict(&[vec![0.5, 0.25, 0.25]]).unwrap_err();
/// let ModelErrorKind::Failed(source) = err.kind() else { panic!("{err}") };
/// assert!(matches!(
///     source.downcast_ref::<CandleError>(),
///     Some(CandleError::InputWidth { expected: 2, got: 3 })
/// ));
/// assert_eq!(
///     err.to_string(),
///     "model `m@1` failed: the module reads rows of 2 features, the encoder wrote 3"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum CandleError {
    /// The encoder wrote rows of another width than the module reads.
    InputWidth {
        /// The width the adapter was built with: what the module reads.
        expected: usize,
        /// The width the encoder wrote.
        got: usize,
    },
    /// The module returned a tensor of another shape than one row per input.
    OutputShape {
        /// Inputs in the batch.
        rows: usize,
        /// The values expected per input: the classes, or 1 for a regressor.
        columns: usize,
        /// The shape returned.
        got: Vec<usize>,
    },
    /// candle itself failed.
    Candle {
        /// Where: building the input tensor, the forward pass, or reading the output.
        stage: Stage,
        /// candle's error.
        source: ::candle_core::Error,
    },
}

/// Where in a prediction candle failed; see [`CandleError::Candle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// Building the `[batch, width]` input tensor.
    Input,
    /// The module's forward pass.
    Forward,
    /// Reading the output tensor back.
    Output,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Input => "building the input tensor",
            Stage::Forward => "the forward pass",
            Stage::Output => "reading the output tensor",
        })
    }
}

impl fmt::Display for CandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CandleError::InputWidth { expected, got } => write!(
                f,
                "the module reads rows of {expected} features, the encoder wrote {got}"
            ),
            CandleError::OutputShape { rows, columns, got } => write!(
                f,
                "the module returned a tensor of shape {got:?} for {rows} inputs, expected [{rows}, {columns}]"
            ),
            CandleError::Candle { stage, source } => {
                write!(f, "candle failed in {stage}: {source}")
            }
        }
    }
}

impl std::error::Error for CandleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CandleError::Candle { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn candle(stage: Stage) -> impl FnOnce(::candle_core::Error) -> ModelError {
    move |source| ModelError::failed(CandleError::Candle { stage, source })
}

/// What a classifier module's output rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scores {
    /// Unnormalised scores: the adapter applies the softmax (in `f64`, shifted by the row's
    /// maximum).
    Logits,
    /// Probabilities already (the module ends in a softmax): taken as they are, and checked
    /// to be in `[0, 1]` and to sum to one within
    /// [`PROBABILITY_SUM_TOLERANCE`](crate::model::PROBABILITY_SUM_TOLERANCE).
    Probabilities,
}

/// A batch as one `[batch, width]` `f32` tensor on the CPU, checked against the module's
/// width.
fn input<I>(encoder: &impl EncodeRow<I>, batch: &[I], width: usize) -> Result<Tensor, ModelError> {
    let (x, got) = encode_rows(encoder, batch)?;
    if got != width {
        return Err(ModelError::failed(CandleError::InputWidth {
            expected: width,
            got,
        }));
    }
    let x: Vec<f32> = x.into_iter().map(|v| v as f32).collect();
    Tensor::from_vec(x, (batch.len(), width), &Device::Cpu).map_err(candle(Stage::Input))
}

/// The module's output on `x` as `f64`s, row-major, checked to be `rows × columns`
/// (`accept_flat`: a `[rows]` vector too, for a regressor).
fn output<M: Module>(
    module: &M,
    x: &Tensor,
    rows: usize,
    columns: usize,
    accept_flat: bool,
) -> Result<Vec<f64>, ModelError> {
    let y = module.forward(x).map_err(candle(Stage::Forward))?;
    let dims = y.dims();
    let shape_ok = dims == [rows, columns] || (accept_flat && dims == [rows]);
    if !shape_ok {
        return Err(ModelError::failed(CandleError::OutputShape {
            rows,
            columns,
            got: dims.to_vec(),
        }));
    }
    y.flatten_all()
        .and_then(|y| y.to_dtype(DType::F64))
        .and_then(|y| y.to_vec1::<f64>())
        .map_err(candle(Stage::Output))
}

/// The first NaN or infinite value of a `columns`-wide matrix, as an invalid output naming
/// the batch position and the column.
fn check_finite(
    values: &[f64],
    columns: usize,
    column: impl Fn(usize) -> String,
) -> Result<(), ModelError> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(ModelError::new(ModelErrorKind::InvalidOutput {
            row: Some(i / columns),
            reason: format!(
                "the module's output for {} is {}",
                column(i % columns),
                values[i]
            ),
        })),
    }
}

/// Replaces each `k`-wide row of finite logits by its softmax.
fn softmax_rows(values: &mut [f64], k: usize) {
    for row in values.chunks_mut(k) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for z in row.iter_mut() {
            *z = (*z - max).exp();
            sum += *z;
        }
        for p in row.iter_mut() {
            *p /= sum;
        }
    }
}

/// A candle classifier as a model-check [`Model`]: each batch is encoded into one
/// `[batch, width]` `f32` tensor, the module is called once, and its `[batch, classes]`
/// output becomes [`Probabilities`] over the named classes (column `c` is class `c`).
///
/// ```
/// use candle_core::{Device, Tensor};
/// use model_check::adapters::candle::CandleClassifier;
/// use model_check::model::{Model, ModelInfo};
///
/// // A module that already ends in a softmax (here over two fixed logits per row).
/// let module = |x: &Tensor| {
///     let logits = Tensor::cat(&[x, &x.neg()?], 1)?;
///     let e = logits.exp()?;
///     e.broadcast_div(&e.sum_keepdim(1)?)
/// };
/// let model = CandleClassifier::probabilities(
///     ModelInfo::new("sign", "1"),
///     module,
///     1,
///     ["positive", "negative"],
///     |x: &f64, out: &mut Vec<f64>| out.push(*x),
/// )?;
/// let out = model.predict(&[2.0, -0.5])?;
/// assert_eq!((out[0].label(), out[1].label()), ("positive", "negative"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CandleClassifier<I, M, E> {
    info: ModelInfo,
    classes: Classes,
    module: M,
    width: usize,
    scores: Scores,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, M: Clone, E: Clone> Clone for CandleClassifier<I, M, E> {
    fn clone(&self) -> Self {
        CandleClassifier {
            info: self.info.clone(),
            classes: self.classes.clone(),
            module: self.module.clone(),
            width: self.width,
            scores: self.scores,
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, M, E> fmt::Debug for CandleClassifier<I, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CandleClassifier")
            .field("info", &self.info)
            .field("classes", &self.classes)
            .field("width", &self.width)
            .field("scores", &self.scores)
            .finish_non_exhaustive()
    }
}

impl<I, M: Module, E: EncodeRow<I>> CandleClassifier<I, M, E> {
    /// Wraps `module`, which reads rows of `width` features and returns one row of logits
    /// per input, column `c` for the `c`-th of `classes`; the adapter applies the softmax.
    /// An error for invalid classes (fewer than two, repeated, empty) or a width of 0.
    pub fn logits<C, S>(
        info: ModelInfo,
        module: M,
        width: usize,
        classes: C,
        encoder: E,
    ) -> Result<Self, ModelError>
    where
        C: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(info, module, width, classes, encoder, Scores::Logits)
    }

    /// Wraps `module`, which reads rows of `width` features and returns one row of
    /// probabilities per input (it ends in a softmax), column `c` for the `c`-th of
    /// `classes`. An error for invalid classes or a width of 0.
    pub fn probabilities<C, S>(
        info: ModelInfo,
        module: M,
        width: usize,
        classes: C,
        encoder: E,
    ) -> Result<Self, ModelError>
    where
        C: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(info, module, width, classes, encoder, Scores::Probabilities)
    }

    /// Wraps `module`, whose output rows are `scores`.
    pub fn new<C, S>(
        info: ModelInfo,
        module: M,
        width: usize,
        classes: C,
        encoder: E,
        scores: Scores,
    ) -> Result<Self, ModelError>
    where
        C: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let classes = Classes::new(classes).map_err(|e| e.in_model(&info))?;
        if width == 0 {
            return Err(
                ModelError::failed("a candle module must read at least 1 feature, got 0")
                    .in_model(&info),
            );
        }
        Ok(CandleClassifier {
            info,
            classes,
            module,
            width,
            scores,
            encoder,
            _input: PhantomData,
        })
    }

    /// The classes, in the order of the module's output columns.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// The number of features the module reads.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module's outputs are logits or probabilities.
    pub fn scores(&self) -> Scores {
        self.scores
    }

    /// The candle module.
    pub fn module(&self) -> &M {
        &self.module
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }

    fn probabilities_of(&self, batch: &[I]) -> Result<Vec<Probabilities>, ModelError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let x = input(&self.encoder, batch, self.width)?;
        let k = self.classes.len();
        let mut p = output(&self.module, &x, batch.len(), k, false)?;
        let kind = match self.scores {
            Scores::Logits => "logit",
            Scores::Probabilities => "probability",
        };
        check_finite(&p, k, |c| {
            format!("the {kind} of class {:?}", self.classes.name(c))
        })?;
        if self.scores == Scores::Logits {
            softmax_rows(&mut p, k);
        }
        Probabilities::batch(&self.classes, p)
    }
}

impl<I, M: Module, E: EncodeRow<I>> Model for CandleClassifier<I, M, E> {
    type Input = I;
    type Output = Probabilities;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<Probabilities>, ModelError> {
        self.probabilities_of(batch)
            .map_err(|e| e.in_model(&self.info))
    }
}

/// A candle regressor as a model-check [`Model`]: each batch is encoded into one
/// `[batch, width]` `f32` tensor, and the module's `[batch]` or `[batch, 1]` output is one
/// prediction per input, checked as by [`Regressor`] (finite).
///
/// ```
/// use candle_core::Tensor;
/// use model_check::adapters::Flat;
/// use model_check::adapters::candle::CandleRegressor;
/// use model_check::model::{Model, ModelInfo};
///
/// // The sum of each row, as a [batch] vector.
/// let model = CandleRegressor::new(
///     ModelInfo::new("sum", "1"),
///     |x: &Tensor| x.sum(1),
///     2,
///     Flat,
/// )?;
/// assert_eq!(model.predict(&[[1.0, 2.0], [3.0, 4.5]])?, vec![3.0, 7.5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CandleRegressor<I, M, E> {
    info: ModelInfo,
    module: M,
    width: usize,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, M: Clone, E: Clone> Clone for CandleRegressor<I, M, E> {
    fn clone(&self) -> Self {
        CandleRegressor {
            info: self.info.clone(),
            module: self.module.clone(),
            width: self.width,
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, M, E> fmt::Debug for CandleRegressor<I, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CandleRegressor")
            .field("info", &self.info)
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}

impl<I, M: Module, E: EncodeRow<I>> CandleRegressor<I, M, E> {
    /// Wraps `module`, which reads rows of `width` features. An error for a width of 0.
    pub fn new(info: ModelInfo, module: M, width: usize, encoder: E) -> Result<Self, ModelError> {
        if width == 0 {
            return Err(
                ModelError::failed("a candle module must read at least 1 feature, got 0")
                    .in_model(&info),
            );
        }
        Ok(CandleRegressor {
            info,
            module,
            width,
            encoder,
            _input: PhantomData,
        })
    }

    /// The number of features the module reads.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The candle module.
    pub fn module(&self) -> &M {
        &self.module
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }
}

impl<I, M: Module, E: EncodeRow<I>> Model for CandleRegressor<I, M, E> {
    type Input = I;
    type Output = f64;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<f64>, ModelError> {
        // The same checks as every regressor: one finite prediction per input.
        let checked = Regressor::from_fn(self.info.clone(), |batch: &[I]| {
            if batch.is_empty() {
                return Ok(Vec::new());
            }
            let x = input(&self.encoder, batch, self.width)?;
            output(&self.module, &x, batch.len(), 1, true)
        });
        checked.predict(batch)
    }
}
