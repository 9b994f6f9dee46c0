//! Models of other Rust ML frameworks as [`Model`](crate::model::Model)s, each behind a cargo
//! feature, off by default.
//!
//! | Feature | Module | Framework | Needs |
//! |---|---|---|---|
//! | `smartcore` | `adapters::smartcore` | smartcore 0.7 (`default-features = false`): logistic regression, decision tree, random forest, any regressor | Rust 1.85 (smartcore's), below the crate's 1.88 |
//! | `linfa` | `adapters::linfa` | linfa 0.8 and linfa-logistic 0.8 on their own ndarray 0.16 | no stated Rust version (linfa 0.8.1 declares none); builds with the crate's 1.88 |
//! | `onnx` | `adapters::onnx` | tract-onnx 0.23 (pure Rust): ONNX classifiers and regressors — skl2onnx's `LinearClassifier`, `LinearRegressor`, `TreeEnsembleClassifier`; operators tract lacks (`Scaler`, `OneHotEncoder`, `ZipMap` …) are a typed error naming them | Rust 1.91 (tract's), above the crate's 1.88; 107 crates to build |
//! | `candle` | `adapters::candle` | candle-core 0.9 (`default-features = false`, CPU): any `Module` or closure over a `[batch, width]` tensor, as a classifier (logits or probabilities) or a regressor | no stated Rust version; 86 crates to build (gemm, half, safetensors, zip), against 24 without |
//!
//! Neither feature touches the crate's own `ndarray` feature (ndarray 0.17): linfa's ndarray
//! 0.16 is a separate dependency that the `linfa` module re-exports as
//! `adapters::linfa::ndarray`, so a caller builds linfa's matrices with linfa's ndarray and
//! depends on neither version itself.
//!
//! Every adapter reads its input through an [`EncodeRow`]: an
//! [`Encoder`](crate::data::Encoder) fitted on the training data for a
//! [`Features`](crate::data::Features) row, [`Flat`] for rows that are already numbers
//! (`Vec<f64>`, `[f64; N]`), or a closure. A batch becomes one matrix, one framework call;
//! classifier outputs are built with [`Probabilities::batch`](crate::model::Probabilities::batch),
//! one flat `rows × classes` matrix per batch. The caller names the model
//! ([`ModelInfo`](crate::model::ModelInfo)).

use crate::model::EncodeRow;

#[cfg(feature = "candle")]
pub mod candle;
#[cfg(feature = "linfa")]
pub mod linfa;
#[cfg(feature = "onnx")]
pub mod onnx;
#[cfg(feature = "smartcore")]
pub mod smartcore;

/// Rows that are already numeric (`Vec<f64>`, `[f64; N]`, `&[f64]`): written as they are.
///
/// ```
/// use model_check::adapters::Flat;
/// use model_check::model::EncodeRow;
///
/// let mut out = Vec::new();
/// Flat.encode_row(&vec![1.0, 2.0], &mut out);
/// Flat.encode_row(&[3.0, 4.0], &mut out);
/// assert_eq!(out, [1.0, 2.0, 3.0, 4.0]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flat;

impl<T: AsRef<[f64]>> EncodeRow<T> for Flat {
    fn encode_row(&self, row: &T, out: &mut Vec<f64>) {
        out.extend_from_slice(row.as_ref());
    }
}

/// A batch encoded into one row-major buffer, and its width (the model's own encoding path).
#[cfg(any(feature = "smartcore", feature = "linfa"))]
pub(crate) use crate::model::encode_rows as encode_batch;
