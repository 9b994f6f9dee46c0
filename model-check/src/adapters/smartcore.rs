//! smartcore models as model-check [`Model`]s (feature `smartcore`: smartcore 0.7 with
//! `default-features = false`; Rust 1.85, smartcore's own minimum, below the crate's).
//!
//! - [`SmartcoreClassifier`] wraps any [`ClassProbabilities`] model: smartcore's
//!   [`LogisticRegression`], [`DecisionTreeClassifier`] and [`RandomForestClassifier`], and
//!   [`Votes`], a bagged ensemble of decision trees. Its labels are smartcore's own `predict`.
//! - [`SmartcoreRegressor`] wraps any smartcore [`Predictor`] of a `DenseMatrix<f64>` into a
//!   `Vec<f64>`: [`LinearRegression`](::smartcore::linear::linear_regression::LinearRegression),
//!   [`RandomForestRegressor`](::smartcore::ensemble::random_forest_regressor::RandomForestRegressor),
//!   ridge, lasso, trees, …
//!
//! What probabilities smartcore 0.7 exposes, and so what the adapter reports:
//!
//! | Model | smartcore 0.7 | The adapter's probabilities |
//! |---|---|---|
//! | [`LogisticRegression`] | no `predict_proba` | the sigmoid (two classes) or softmax (more) of the linear score, computed with the same operations as its `predict` |
//! | [`DecisionTreeClassifier`] | `predict_proba`, 0/1: the leaf's class gets 1 (leaf class counts are private) | smartcore's `predict_proba` |
//! | [`RandomForestClassifier`] | no `predict_proba`, and its trees are private, so no votes | 0/1 on smartcore's `predict` |
//! | [`Votes`] | — (built here from smartcore trees) | the share of trees voting each class |
//!
//! In every case the adapter's label (the most probable class, the first on ties) is the
//! label smartcore's `predict` returns — for a logistic regression with more than two classes,
//! unless two scores are so close that their softmax rounds to the same probability.
//!
//! Classes are given as `(smartcore label, name)` pairs in ascending label order — the order
//! smartcore sorts the training labels into, and so the order of its probability columns and
//! of its tie-breaking.
//!
//! ```
//! use model_check::adapters::smartcore::SmartcoreClassifier;
//! use model_check::adapters::Flat;
//! use model_check::model::{Model, ModelInfo};
//! use smartcore::linalg::basic::matrix::DenseMatrix;
//! use smartcore::linear::logistic_regression::LogisticRegression;
//!
//! let x = DenseMatrix::from_2d_array(&[&[1.0], &[2.0], &[3.0], &[4.0], &[5.0], &[6.0]])?;
//! let y = vec![0, 0, 1, 0, 1, 1];
//! let lr = LogisticRegression::fit(&x, &y, Default::default())?;
//! let smartcore_says = lr.predict(&x)?;
//!
//! let model = SmartcoreClassifier::new(
//!     ModelInfo::new("lr", "1"),
//!     lr,
//!     [(0, "low"), (1, "high")],
//!     Flat,
//! )?;
//! let out = model.predict(&[vec![1.0], vec![6.0]])?;
//! assert_eq!((out[0].label(), out[1].label()), ("low", "high"));
//! assert!((out[1].as_slice().iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! assert_eq!(out[1].label(), ["low", "high"][smartcore_says[5] as usize]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use ::smartcore::api::Predictor;
use ::smartcore::ensemble::random_forest_classifier::RandomForestClassifier;
use ::smartcore::error::Failed;
use ::smartcore::linalg::basic::arrays::{Array, Array2};
use ::smartcore::linalg::basic::matrix::DenseMatrix;
use ::smartcore::linear::logistic_regression::LogisticRegression;
use ::smartcore::numbers::basenum::Number;
use ::smartcore::numbers::realnum::RealNumber;
use ::smartcore::tree::decision_tree_classifier::DecisionTreeClassifier;

use super::encode_batch;
use crate::model::{Classes, EncodeRow, Model, ModelError, ModelInfo, Probabilities, Regressor};

/// A smartcore classifier's class probabilities over a batch.
///
/// Implemented for smartcore's [`LogisticRegression`], [`DecisionTreeClassifier`] and
/// [`RandomForestClassifier`] (on `f64` features in a `DenseMatrix`) and for [`Votes`];
/// implement it for another smartcore classifier to wrap it in a [`SmartcoreClassifier`].
pub trait ClassProbabilities<TY> {
    /// The `rows × labels.len()` probabilities of the rows of `x`, row-major, columns in the
    /// order of `labels` (ascending: smartcore's order).
    fn class_probabilities(&self, x: &DenseMatrix<f64>, labels: &[TY]) -> Result<Vec<f64>, Failed>;

    /// The labels the model was trained on, ascending, if it tells them; the adapter checks
    /// them against the classes it is given.
    fn trained_labels(&self) -> Option<&[TY]> {
        None
    }
}

impl<TY: Number + Ord> ClassProbabilities<TY>
    for LogisticRegression<f64, TY, DenseMatrix<f64>, Vec<TY>>
{
    fn class_probabilities(&self, x: &DenseMatrix<f64>, labels: &[TY]) -> Result<Vec<f64>, Failed> {
        let n = x.shape().0;
        let k = self.classes().len();
        if k != labels.len() {
            return Err(Failed::predict(&format!(
                "the model has {k} classes, the adapter {}",
                labels.len()
            )));
        }
        let coefficients = self.coefficients();
        let intercept = self.intercept();
        if k == 2 {
            // As `LogisticRegression::predict`: the sigmoid of `x · wᵀ + b`, class 1 when it
            // exceeds ½ — which is when p > 1 − p (exact for p ≥ ½), the first class on ties.
            let b = *intercept.get((0, 0));
            let scores = x.ab(false, coefficients, true);
            let mut out = Vec::with_capacity(2 * n);
            for &z in scores.iterator(0).take(n) {
                let p = (z + b).sigmoid();
                out.extend_from_slice(&[1.0 - p, p]);
            }
            Ok(out)
        } else {
            // As `predict`: the scores `x · Wᵀ + b` (whose argmax it returns), softmaxed.
            let scores = x.matmul(&coefficients.transpose());
            let mut out = Vec::with_capacity(k * n);
            for r in 0..n {
                let row: Vec<f64> = (0..k)
                    .map(|c| *scores.get((r, c)) + *intercept.get((c, 0)))
                    .collect();
                softmax_into(&row, &mut out);
            }
            Ok(out)
        }
    }

    fn trained_labels(&self) -> Option<&[TY]> {
        Some(self.classes())
    }
}

/// Appends the softmax of `scores` (shifted by their maximum, so nothing overflows).
fn softmax_into(scores: &[f64], out: &mut Vec<f64>) {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let start = out.len();
    out.extend(scores.iter().map(|&z| (z - max).exp()));
    let sum: f64 = out[start..].iter().sum();
    for p in &mut out[start..] {
        *p /= sum;
    }
}

impl<TY: Number + Ord> ClassProbabilities<TY>
    for DecisionTreeClassifier<f64, TY, DenseMatrix<f64>, Vec<TY>>
{
    fn class_probabilities(&self, x: &DenseMatrix<f64>, labels: &[TY]) -> Result<Vec<f64>, Failed> {
        let p = self.predict_proba(x)?;
        let (n, k) = p.shape();
        if k != labels.len() {
            return Err(Failed::predict(&format!(
                "the tree has {k} classes, the adapter {}",
                labels.len()
            )));
        }
        let mut out = Vec::with_capacity(n * k);
        for r in 0..n {
            out.extend((0..k).map(|c| *p.get((r, c))));
        }
        Ok(out)
    }
}

/// Probability 1 for the label smartcore's `predict` returns.
fn one_hot<TY: PartialEq + fmt::Debug>(
    predicted: &[TY],
    labels: &[TY],
) -> Result<Vec<f64>, Failed> {
    let mut out = vec![0.0; predicted.len() * labels.len()];
    for (r, y) in predicted.iter().enumerate() {
        out[r * labels.len() + label_index(y, labels)?] = 1.0;
    }
    Ok(out)
}

fn label_index<TY: PartialEq + fmt::Debug>(y: &TY, labels: &[TY]) -> Result<usize, Failed> {
    labels.iter().position(|l| l == y).ok_or_else(|| {
        Failed::predict(&format!(
            "the model predicted label {y:?}, which is not one of the adapter's {labels:?}"
        ))
    })
}

impl<TY: Number + Ord> ClassProbabilities<TY>
    for RandomForestClassifier<f64, TY, DenseMatrix<f64>, Vec<TY>>
{
    fn class_probabilities(&self, x: &DenseMatrix<f64>, labels: &[TY]) -> Result<Vec<f64>, Failed> {
        one_hot(&self.predict(x)?, labels)
    }
}

/// A bagged ensemble of smartcore decision trees whose probabilities are the trees' votes:
/// the share of trees predicting each class. The most voted class, the first on ties, is what
/// smartcore's `RandomForestClassifier` predicts from its trees (which it keeps private, and
/// so gives no votes to read).
///
/// Fit the trees yourself (each on a bootstrap sample, with a seed) and hand them over.
pub struct Votes<TY: Number + Ord> {
    trees: Vec<DecisionTreeClassifier<f64, TY, DenseMatrix<f64>, Vec<TY>>>,
}

impl<TY: Number + Ord> Votes<TY> {
    /// The ensemble of `trees`; an error when there are none.
    pub fn new(
        trees: Vec<DecisionTreeClassifier<f64, TY, DenseMatrix<f64>, Vec<TY>>>,
    ) -> Result<Self, ModelError> {
        if trees.is_empty() {
            return Err(ModelError::failed("a vote needs at least one tree"));
        }
        Ok(Votes { trees })
    }

    /// The trees.
    pub fn trees(&self) -> &[DecisionTreeClassifier<f64, TY, DenseMatrix<f64>, Vec<TY>>] {
        &self.trees
    }
}

impl<TY: Number + Ord> fmt::Debug for Votes<TY> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Votes")
            .field("trees", &self.trees.len())
            .finish()
    }
}

impl<TY: Number + Ord> ClassProbabilities<TY> for Votes<TY> {
    fn class_probabilities(&self, x: &DenseMatrix<f64>, labels: &[TY]) -> Result<Vec<f64>, Failed> {
        let n = x.shape().0;
        let k = labels.len();
        let mut votes = vec![0usize; n * k];
        for tree in &self.trees {
            for (r, y) in tree.predict(x)?.iter().enumerate() {
                votes[r * k + label_index(y, labels)?] += 1;
            }
        }
        let trees = self.trees.len() as f64;
        Ok(votes.into_iter().map(|v| v as f64 / trees).collect())
    }
}

/// A smartcore classifier as a model-check [`Model`]: each batch is encoded into one
/// `DenseMatrix<f64>`, and the model's [`ClassProbabilities`] become
/// [`Probabilities`] over the named classes.
pub struct SmartcoreClassifier<I, M, TY, E> {
    info: ModelInfo,
    classes: Classes,
    labels: Vec<TY>,
    model: M,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, M: Clone, TY: Clone, E: Clone> Clone for SmartcoreClassifier<I, M, TY, E> {
    fn clone(&self) -> Self {
        SmartcoreClassifier {
            info: self.info.clone(),
            classes: self.classes.clone(),
            labels: self.labels.clone(),
            model: self.model.clone(),
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, M, TY: fmt::Debug, E> fmt::Debug for SmartcoreClassifier<I, M, TY, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmartcoreClassifier")
            .field("info", &self.info)
            .field("classes", &self.classes)
            .field("labels", &self.labels)
            .finish_non_exhaustive()
    }
}

impl<I, M, TY, E> SmartcoreClassifier<I, M, TY, E>
where
    M: ClassProbabilities<TY>,
    TY: PartialOrd + fmt::Debug + Copy,
    E: EncodeRow<I>,
{
    /// Wraps `model`, reading inputs through `encoder`. `classes` pairs each smartcore label
    /// with a class name, in ascending label order; an error when the labels are not
    /// ascending, or differ from the labels the model was trained on (when it tells them).
    pub fn new<C, S>(info: ModelInfo, model: M, classes: C, encoder: E) -> Result<Self, ModelError>
    where
        C: IntoIterator<Item = (TY, S)>,
        S: Into<String>,
    {
        let (labels, names): (Vec<TY>, Vec<S>) = classes.into_iter().unzip();
        let classes = Classes::new(names).map_err(|e| e.in_model(&info))?;
        if labels.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ModelError::failed(format!(
                "the class labels {labels:?} are not in ascending order, smartcore's"
            ))
            .in_model(&info));
        }
        if let Some(trained) = model.trained_labels()
            && trained != labels.as_slice()
        {
            return Err(ModelError::failed(format!(
                "the model was trained on labels {trained:?}, the classes name {labels:?}"
            ))
            .in_model(&info));
        }
        Ok(SmartcoreClassifier {
            info,
            classes,
            labels,
            model,
            encoder,
            _input: PhantomData,
        })
    }

    /// The classes, in the order of the probabilities.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// The smartcore label of each class.
    pub fn labels(&self) -> &[TY] {
        &self.labels
    }

    /// The smartcore model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }
}

/// A batch encoded as one smartcore matrix (`None` for an empty batch).
fn dense<I>(
    encoder: &impl EncodeRow<I>,
    batch: &[I],
) -> Result<Option<DenseMatrix<f64>>, ModelError> {
    if batch.is_empty() {
        return Ok(None);
    }
    let (x, width) = encode_batch(encoder, batch)?;
    DenseMatrix::new(batch.len(), width, x, false)
        .map(Some)
        .map_err(ModelError::failed)
}

impl<I, M, TY, E> Model for SmartcoreClassifier<I, M, TY, E>
where
    M: ClassProbabilities<TY>,
    E: EncodeRow<I>,
{
    type Input = I;
    type Output = Probabilities;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<Probabilities>, ModelError> {
        let Some(x) = dense(&self.encoder, batch).map_err(|e| e.in_model(&self.info))? else {
            return Ok(Vec::new());
        };
        let p = self
            .model
            .class_probabilities(&x, &self.labels)
            .map_err(|e| ModelError::failed(e).in_model(&self.info))?;
        Probabilities::batch(&self.classes, p).map_err(|e| e.in_model(&self.info))
    }
}

/// A smartcore regressor as a model-check [`Model`]: any [`Predictor`] of a
/// `DenseMatrix<f64>` into a `Vec<f64>`, each batch encoded into one matrix. Predictions
/// are checked as by [`Regressor`] (one per input, finite).
///
/// ```
/// use model_check::adapters::smartcore::SmartcoreRegressor;
/// use model_check::adapters::Flat;
/// use model_check::model::{Model, ModelInfo};
/// use smartcore::linalg::basic::matrix::DenseMatrix;
/// use smartcore::linear::linear_regression::LinearRegression;
///
/// let x = DenseMatrix::from_2d_array(&[&[1.0, 0.0], &[2.0, 1.0], &[3.0, 0.0], &[4.0, 1.0]])?;
/// let y = vec![3.0, 6.0, 7.0, 10.0]; // 2·x₀ + x₁ + 1
/// let fitted = LinearRegression::fit(&x, &y, Default::default())?;
/// let model = SmartcoreRegressor::new(ModelInfo::new("ols", "1"), fitted, Flat);
/// let out = model.predict(&[[5.0, 1.0]])?;
/// assert!((out[0] - 12.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SmartcoreRegressor<I, M, E> {
    info: ModelInfo,
    model: M,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, M: Clone, E: Clone> Clone for SmartcoreRegressor<I, M, E> {
    fn clone(&self) -> Self {
        SmartcoreRegressor {
            info: self.info.clone(),
            model: self.model.clone(),
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, M, E> fmt::Debug for SmartcoreRegressor<I, M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmartcoreRegressor")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl<I, M, E> SmartcoreRegressor<I, M, E>
where
    M: Predictor<DenseMatrix<f64>, Vec<f64>>,
    E: EncodeRow<I>,
{
    /// Wraps `model`, reading inputs through `encoder`.
    pub fn new(info: ModelInfo, model: M, encoder: E) -> Self {
        SmartcoreRegressor {
            info,
            model,
            encoder,
            _input: PhantomData,
        }
    }

    /// The smartcore model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }
}

impl<I, M, E> Model for SmartcoreRegressor<I, M, E>
where
    M: Predictor<DenseMatrix<f64>, Vec<f64>>,
    E: EncodeRow<I>,
{
    type Input = I;
    type Output = f64;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<f64>, ModelError> {
        // The same checks as every regressor: one finite prediction per input.
        let checked = Regressor::from_fn(self.info.clone(), |batch: &[I]| {
            let Some(x) = dense(&self.encoder, batch)? else {
                return Ok(Vec::new());
            };
            self.model.predict(&x).map_err(ModelError::failed)
        });
        checked.predict(batch)
    }
}
