//! linfa models as model-check [`Model`]s (feature `linfa`: linfa 0.8.1 and linfa-logistic
//! 0.8.1, which declare no minimum Rust version; they build with the crate's 1.88).
//!
//! linfa 0.8 is built on ndarray 0.16, model-check's own `ndarray` feature on 0.17. This
//! feature brings ndarray 0.16 as a separate dependency, re-exported here as
//! [`ndarray`]: build linfa's training matrices with it, and neither your crate
//! nor model-check is held to linfa's ndarray version (both features build together).
//!
//! - [`LinfaClassifier`] wraps a fitted linfa-logistic model — [`FittedLogisticRegression`]
//!   (two classes) or [`MultiFittedLogisticRegression`] — with the probabilities of its own
//!   `predict_probabilities`, classes named by their `Display`, in ascending order of the
//!   labels.
//! - [`LinfaRegressor`] wraps any linfa model predicting an `Array1<f64>` from an
//!   `Array2<f64>` (`PredictInplace`: linfa-linear's `FittedLinearRegression`, elastic net,
//!   trees, …).
//!
//! The adapter's label (the most probable class, the first on ties) is linfa's `predict`,
//! except at a tie linfa breaks the other way: a binary model predicts its positive class (the
//! more frequent in training) at exactly p = ½, the adapter the first class in order; a
//! multinomial one predicts the argmax of its
//! scores, which two nearly equal scores' softmax can round into a tie. A binary model fitted
//! with `set_threshold(t)` predicts its positive class when p ≥ t, which linfa does not let
//! the adapter read: wrap the adapter in
//! [`decide_at`](crate::model::decide_at)`(adapter, positive, t)` for the same decisions.
//!
//! ```
//! use linfa::prelude::*;
//! use linfa_logistic::LogisticRegression;
//! use model_check::adapters::Flat;
//! use model_check::adapters::linfa::{LinfaClassifier, ndarray};
//! use model_check::model::{Model, ModelInfo};
//!
//! let x = ndarray::array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
//! let y = ndarray::array!["low", "low", "high", "low", "high", "high"];
//! let fitted = LogisticRegression::default().fit(&Dataset::new(x.clone(), y))?;
//! let linfa_says = fitted.predict(&x);
//!
//! let model = LinfaClassifier::new(ModelInfo::new("logit", "1"), fitted, Flat)?;
//! assert_eq!(model.classes().names(), ["high", "low"]); // ascending
//! let out = model.predict(&[vec![1.0], vec![6.0]])?;
//! assert_eq!((out[0].label(), out[1].label()), (linfa_says[0], linfa_says[5]));
//! assert!((out[0].as_slice().iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use ::linfa::traits::PredictInplace;
use ::linfa_logistic::{FittedLogisticRegression, MultiFittedLogisticRegression};
use ndarray016::{Array1, Array2, ArrayView2};

use super::encode_batch;
use crate::model::{Classes, EncodeRow, Model, ModelError, ModelInfo, Probabilities, Regressor};

/// ndarray 0.16, linfa's: the version to build linfa's matrices with.
pub use ndarray016 as ndarray;

/// A fitted linfa classifier's class probabilities.
///
/// Implemented for linfa-logistic's [`FittedLogisticRegression`] and
/// [`MultiFittedLogisticRegression`] over `f64`.
pub trait LinfaProbabilities {
    /// The classes' names, in the order of the probability columns.
    fn class_names(&self) -> Vec<String>;

    /// The number of features the model was fitted on.
    fn n_features(&self) -> usize;

    /// The `rows × classes` probabilities of the rows of `x`, row-major.
    fn probabilities(&self, x: ArrayView2<'_, f64>) -> Vec<f64>;
}

impl<C: PartialOrd + Clone + fmt::Display> LinfaProbabilities for FittedLogisticRegression<f64, C> {
    /// The two classes in ascending order (linfa's "positive" class, whose probability it
    /// gives, is the more frequent one in training, which may come first or second).
    fn class_names(&self) -> Vec<String> {
        let labels = self.labels();
        let (neg, pos) = (labels.neg.class.to_string(), labels.pos.class.to_string());
        if positive_first(self) {
            vec![pos, neg]
        } else {
            vec![neg, pos]
        }
    }

    fn n_features(&self) -> usize {
        self.params().len()
    }

    fn probabilities(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        let positive = self.predict_probabilities(&x);
        let first = positive_first(self);
        let mut out = Vec::with_capacity(2 * positive.len());
        for &p in &positive {
            if first {
                out.extend_from_slice(&[p, 1.0 - p]);
            } else {
                out.extend_from_slice(&[1.0 - p, p]);
            }
        }
        out
    }
}

/// Whether the positive class sorts before the negative one.
fn positive_first<C: PartialOrd + Clone>(model: &FittedLogisticRegression<f64, C>) -> bool {
    let labels = model.labels();
    labels.pos.class < labels.neg.class
}

impl<C: PartialOrd + Clone + fmt::Display> LinfaProbabilities
    for MultiFittedLogisticRegression<f64, C>
{
    fn class_names(&self) -> Vec<String> {
        self.classes().iter().map(ToString::to_string).collect()
    }

    fn n_features(&self) -> usize {
        self.params().nrows()
    }

    fn probabilities(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        let p = self.predict_probabilities(&x);
        // Standard layout already for a fresh result; `iter` is row-major in any case.
        p.iter().copied().collect()
    }
}

/// A batch encoded as an ndarray 0.16 matrix.
fn matrix<I>(encoder: &impl EncodeRow<I>, batch: &[I]) -> Result<Array2<f64>, ModelError> {
    let (x, width) = encode_batch(encoder, batch)?;
    Array2::from_shape_vec((batch.len(), width), x).map_err(ModelError::failed)
}

/// A fitted linfa logistic regression as a model-check [`Model`]: each batch is encoded into
/// one `Array2<f64>` (ndarray 0.16), and `predict_probabilities` becomes [`Probabilities`].
pub struct LinfaClassifier<I, M, E> {
    info: ModelInfo,
    classes: Classes,
    model: M,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, M: Clone, E: Clone> Clone for LinfaClassifier<I, M, E> {
    fn clone(&self) -> Self {
        LinfaClassifier {
            info: self.info.clone(),
            classes: self.classes.clone(),
            model: self.model.clone(),
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, M, E> fmt::Debug for LinfaClassifier<I, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinfaClassifier")
            .field("info", &self.info)
            .field("classes", &self.classes)
            .finish_non_exhaustive()
    }
}

impl<I, M: LinfaProbabilities, E: EncodeRow<I>> LinfaClassifier<I, M, E> {
    /// Wraps `model`, reading inputs through `encoder`; the classes are named by their
    /// `Display`, in the model's order (an error when two display alike).
    pub fn new(info: ModelInfo, model: M, encoder: E) -> Result<Self, ModelError> {
        let classes = Classes::new(model.class_names()).map_err(|e| e.in_model(&info))?;
        Ok(LinfaClassifier {
            info,
            classes,
            model,
            encoder,
            _input: PhantomData,
        })
    }

    /// The classes, in the order of the probabilities.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// The linfa model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }
}

impl<I, M: LinfaProbabilities, E: EncodeRow<I>> Model for LinfaClassifier<I, M, E> {
    type Input = I;
    type Output = Probabilities;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<Probabilities>, ModelError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let x = matrix(&self.encoder, batch).map_err(|e| e.in_model(&self.info))?;
        // linfa asserts the width (a panic); say it as an error instead.
        if x.ncols() != self.model.n_features() {
            return Err(ModelError::failed(format!(
                "the encoder wrote {} columns, the model was fitted on {}",
                x.ncols(),
                self.model.n_features()
            ))
            .in_model(&self.info));
        }
        let p = self.model.probabilities(x.view());
        Probabilities::batch(&self.classes, p).map_err(|e| e.in_model(&self.info))
    }
}

/// A linfa regressor as a model-check [`Model`]: any model predicting an `Array1<f64>` from
/// an `Array2<f64>` (ndarray 0.16), each batch encoded into one matrix. Predictions are
/// checked as by [`Regressor`] (one per input, finite).
///
/// ```
/// use linfa::traits::PredictInplace;
/// use model_check::adapters::Flat;
/// use model_check::adapters::linfa::{LinfaRegressor, ndarray};
/// use model_check::model::{Model, ModelInfo};
/// use ndarray::{Array1, Array2};
///
/// // Any linfa regressor (linfa-linear's `FittedLinearRegression`, …); here a fixed line.
/// struct Line;
/// impl PredictInplace<Array2<f64>, Array1<f64>> for Line {
///     fn predict_inplace(&self, x: &Array2<f64>, y: &mut Array1<f64>) {
///         y.assign(&(x.column(0).mapv(|v| 2.0 * v) + 1.0));
///     }
///     fn default_target(&self, x: &Array2<f64>) -> Array1<f64> {
///         Array1::zeros(x.nrows())
///     }
/// }
///
/// let model = LinfaRegressor::new(ModelInfo::new("line", "1"), Line, Flat);
/// assert_eq!(model.predict(&[[5.0], [0.5]])?, vec![11.0, 2.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LinfaRegressor<I, M, E> {
    info: ModelInfo,
    model: M,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, M: Clone, E: Clone> Clone for LinfaRegressor<I, M, E> {
    fn clone(&self) -> Self {
        LinfaRegressor {
            info: self.info.clone(),
            model: self.model.clone(),
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, M, E> fmt::Debug for LinfaRegressor<I, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinfaRegressor")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl<I, M, E> LinfaRegressor<I, M, E>
where
    M: PredictInplace<Array2<f64>, Array1<f64>>,
    E: EncodeRow<I>,
{
    /// Wraps `model`, reading inputs through `encoder`.
    pub fn new(info: ModelInfo, model: M, encoder: E) -> Self {
        LinfaRegressor {
            info,
            model,
            encoder,
            _input: PhantomData,
        }
    }

    /// The linfa model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }
}

impl<I, M, E> Model for LinfaRegressor<I, M, E>
where
    M: PredictInplace<Array2<f64>, Array1<f64>>,
    E: EncodeRow<I>,
{
    type Input = I;
    type Output = f64;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<f64>, ModelError> {
        let checked = Regressor::from_fn(self.info.clone(), |batch: &[I]| {
            if batch.is_empty() {
                return Ok(Vec::new());
            }
            let x = matrix(&self.encoder, batch)?;
            let mut y = self.model.default_target(&x);
            self.model.predict_inplace(&x, &mut y);
            Ok(y.to_vec())
        });
        checked.predict(batch)
    }
}
