//! ONNX models as model-check [`Model`]s, run by [tract](https://github.com/sonos/tract)
//! (feature `onnx`: tract-onnx 0.23, pure Rust, no system library; Rust 1.91, tract's own
//! minimum, above the crate's 1.88).
//!
//! - [`OnnxGraph`] reads a `.onnx` file (or its bytes) and says what it holds: its input and
//!   width, its outputs, its operators, the class labels of its classifier node. It also
//!   names the outputs to read, when they are not the ones
//!   [skl2onnx](https://onnx.ai/sklearn-onnx/) writes.
//! - [`OnnxClassifier`] compiles a graph with tract and reads its `probabilities` output
//!   (`rows × classes`) as [`Probabilities`]; [`OnnxClassifier::predict_labels`] reads its
//!   `label` output as well (from the same run).
//! - [`OnnxRegressor`] reads a graph's one prediction per row (`[rows]` or `[rows, 1]`).
//!
//! Inputs go through an [`EncodeRow`] as in every adapter: an
//! [`Encoder`](crate::data::Encoder) fitted on the training data for a
//! [`Features`](crate::data::Features) row, or [`Flat`](super::Flat) for numbers. A batch
//! becomes one `[rows, width]` tensor (float32, or float64 when the graph's input is
//! double) and one tract run: the batch dimension is a symbol, so one compiled plan serves
//! batches of every size. Each row's width is checked against the width the graph declares.
//!
//! What tract 0.23 runs: the standard operators, and of the ONNX-ML ones
//! `LinearClassifier`, `LinearRegressor`, `TreeEnsembleClassifier`, `CategoryMapper`,
//! `ArrayFeatureExtractor` and `Normalizer` — not `Scaler`, `OneHotEncoder`, `Imputer`,
//! `TreeEnsembleRegressor`, `ZipMap` or `TreeEnsemble` (ai.onnx.ml opset 5). So export the
//! estimator alone, and encode with model-check's [`Encoder`](crate::data::Encoder) (or in a
//! closure): with skl2onnx, `to_onnx(model, x, options={id(model): {"zipmap": False}},
//! target_opset={"": 17, "ai.onnx.ml": 3})` writes a graph of one `LinearClassifier` or
//! `TreeEnsembleClassifier` node with outputs `label` and `probabilities`. A graph with an
//! operator tract does not have is [`OnnxError::UnsupportedOperator`], naming it, when the
//! model is built.
//!
//! Two limits of tract-onnx 0.23.9 found on scikit-learn's exports:
//!
//! - It cannot run a `LinearClassifier` or `TreeEnsembleClassifier` with string class labels
//!   (`classlabels_strings`): fit the model on class indices (0, 1, …) and name the classes
//!   in the adapter; a graph with string labels is [`OnnxError::StringClassLabels`].
//! - Its `label` output of a two-class `TreeEnsembleClassifier` whose leaves weigh one class
//!   (skl2onnx's binary forests) always names the first class; its probabilities are right.
//!   [`OnnxClassifier::predict_labels`] computes onnxruntime's label for such graphs.
//!
//! On the Telco fixtures of `adapter-tests` tract's probabilities equal onnxruntime's to the
//! bit. Linear models cost about what onnxruntime's do per call; tree ensembles far more, about
//! the square of the forest's size (tract looks up each tree's leaf by skipping through every
//! leaf before it): `model-check/benches/onnx.rs` measures both.
//!
//! ```
//! use model_check::adapters::Flat;
//! use model_check::adapters::onnx::{OnnxClassifier, OnnxGraph};
//! use model_check::model::{Model, ModelInfo};
//!
//! // A graph whose "probabilities" are its input (`adapter-tests/fixtures/onnx/export.py`).
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../adapter-tests/fixtures/onnx/passthrough.onnx");
//! let graph = OnnxGraph::from_path(path)?;
//! assert_eq!(graph.input_width(), Some(2));
//! assert_eq!(graph.outputs(), ["probabilities"]);
//!
//! let model = OnnxClassifier::new(ModelInfo::new("passthrough", "1"), graph, ["No", "Yes"], Flat)?;
//! let out = model.predict(&[vec![0.9, 0.1], vec![0.25, 0.75]])?;
//! assert_eq!((out[0].label(), out[1].label()), ("No", "Yes"));
//! assert_eq!(out[1].as_slice(), &[0.25, 0.75]);
//!
//! // Rows of the wrong width, or "probabilities" that are not, are typed errors.
//! let err = model.predict(&[vec![0.5, 0.25, 0.25]]).unwrap_err();
//! assert!(err.to_string().contains("rows are encoded into 3 columns, the graph's input takes 2"), "{err}");
//! assert!(model.predict(&[vec![0.5, 0.6]]).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tract_onnx::pb;
use tract_onnx::prelude::{
    DatumType, Framework, InferenceFact, InferenceModelExt, IntoRunnable, TValue, TVec, Tensor,
    ToDim, TypedRunnableModel, tvec,
};

use crate::model::{
    Classes, EncodeRow, Model, ModelError, ModelInfo, PROBABILITY_SUM_TOLERANCE, Probabilities,
    Regressor, encode_rows,
};

/// The output skl2onnx gives a classifier's probabilities (with `zipmap=False`).
pub const PROBABILITIES_OUTPUT: &str = "probabilities";

/// The output skl2onnx gives a classifier's labels.
pub const LABEL_OUTPUT: &str = "label";

/// What went wrong reading, compiling or running an ONNX model.
///
/// [`OnnxGraph`] returns it as it is. The adapters' constructors and `predict` return a
/// [`ModelError`] naming the model, of kind
/// [`Failed`](crate::model::ModelErrorKind::Failed), whose source is this error: match it
/// with `error.source().and_then(|e| e.downcast_ref::<OnnxError>())`. Rows are positions in
/// the batch given to `predict`.
#[derive(Debug)]
#[non_exhaustive]
pub enum OnnxError {
    /// The file could not be read.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The bytes are not an ONNX model (not a protobuf `ModelProto`, or one without a graph).
    NotOnnx {
        /// The file, or `<bytes>`.
        origin: String,
        /// What the decoder said.
        reason: String,
    },
    /// The graph uses an operator tract does not implement.
    UnsupportedOperator {
        /// The file, or `<bytes>`.
        origin: String,
        /// The operator, e.g. `Scaler`.
        operator: String,
        /// Its domain, e.g. `ai.onnx.ml` (`ai.onnx` for the standard operators).
        domain: String,
        /// The node using it (its name, or its first output when unnamed).
        node: String,
    },
    /// The graph's input is not one numeric matrix `[rows, width]`.
    Input {
        /// The file, or `<bytes>`.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// Rows encoded to a width other than the graph's input width.
    InputWidth {
        /// The graph's input width.
        expected: usize,
        /// The encoded rows' width.
        given: usize,
    },
    /// The graph has no output of this name.
    OutputMissing {
        /// The output asked for.
        name: String,
        /// The graph's outputs.
        available: Vec<String>,
    },
    /// An output does not have the shape or type the adapter reads.
    Output {
        /// The output.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The graph's classifier node holds string class labels, which tract 0.23 cannot run
    /// (it fails typing the node: "String doesn't implement num_traits::Zero"). Fit the
    /// model on class indices (0, 1, …) before exporting, and name the classes in the
    /// adapter.
    StringClassLabels {
        /// The file, or `<bytes>`.
        origin: String,
        /// The operator, e.g. `LinearClassifier`.
        operator: String,
        /// The labels.
        labels: Vec<String>,
    },
    /// The classes given are not the classes the graph's classifier node was exported with.
    Classes {
        /// The graph's class labels, in its order.
        model: Vec<String>,
        /// The classes given.
        given: Vec<String>,
    },
    /// A row of the probability output is not a probability distribution: a value outside
    /// `[0, 1]`, or a sum more than
    /// [`PROBABILITY_SUM_TOLERANCE`] from one.
    NotProbabilities {
        /// The position of the row in the batch.
        row: usize,
        /// The row's values.
        values: Vec<f64>,
        /// What is wrong.
        reason: String,
    },
    /// A NaN in the input tensor or an output.
    NaN {
        /// `input` or the output's name.
        tensor: String,
        /// The position of the row in the batch.
        row: usize,
        /// The column.
        column: usize,
    },
    /// tract refused the graph, or failed running it.
    Tract {
        /// The file, or `<bytes>`.
        origin: String,
        /// What tract was doing: analysing, optimising, running.
        stage: &'static str,
        /// tract's error, with its causes.
        message: String,
    },
}

impl fmt::Display for OnnxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OnnxError::Unreadable { path, error } => {
                write!(f, "cannot read ONNX model {}: {error}", path.display())
            }
            OnnxError::NotOnnx { origin, reason } => {
                write!(f, "{origin} is not an ONNX model: {reason}")
            }
            OnnxError::UnsupportedOperator {
                origin,
                operator,
                domain,
                node,
            } => write!(
                f,
                "{origin}: operator `{operator}` ({domain}) of node `{node}` is not supported by tract-onnx 0.23; export the estimator alone and encode its inputs with an `Encoder`"
            ),
            OnnxError::Input { origin, reason } => write!(f, "{origin}: {reason}"),
            OnnxError::InputWidth { expected, given } => write!(
                f,
                "rows are encoded into {given} columns, the graph's input takes {expected}"
            ),
            OnnxError::OutputMissing { name, available } => write!(
                f,
                "the graph has no output `{name}`; its outputs: {}",
                quoted(available)
            ),
            OnnxError::Output { name, reason } => write!(f, "output `{name}`: {reason}"),
            OnnxError::StringClassLabels {
                origin,
                operator,
                labels,
            } => write!(
                f,
                "{origin}: the `{operator}` node holds string class labels {}, which tract-onnx 0.23 cannot run; fit the model on class indices (0, 1, …) before exporting and name the classes in the adapter",
                quoted(labels)
            ),
            OnnxError::Classes { model, given } => write!(
                f,
                "the graph's classifier was exported with {} classes {}, the adapter was given {} classes {}",
                model.len(),
                quoted(model),
                given.len(),
                quoted(given)
            ),
            OnnxError::NotProbabilities {
                row,
                values,
                reason,
            } => write!(
                f,
                "input {row} of the batch: {values:?} are not probabilities: {reason}"
            ),
            OnnxError::NaN {
                tensor,
                row,
                column,
            } => write!(
                f,
                "NaN in `{tensor}` at input {row} of the batch, column {column}"
            ),
            OnnxError::Tract {
                origin,
                stage,
                message,
            } => write!(f, "{origin}: tract failed {stage}: {message}"),
        }
    }
}

impl std::error::Error for OnnxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OnnxError::Unreadable { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<OnnxError> for ModelError {
    fn from(e: OnnxError) -> Self {
        ModelError::failed(e)
    }
}

fn quoted(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("[{}]", names.join(", "))
}

/// The element type of the graph's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    F32,
    F64,
}

/// An ONNX model read from a file or bytes, not yet compiled: what it holds, and which
/// outputs an adapter reads. Build an [`OnnxClassifier`] or [`OnnxRegressor`] from it.
///
/// ```
/// use model_check::adapters::onnx::OnnxGraph;
///
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../adapter-tests/fixtures/onnx/sum.onnx");
/// let graph = OnnxGraph::from_path(path)?;
/// assert_eq!(graph.input(), "X");
/// assert_eq!(graph.input_width(), Some(2));
/// assert_eq!(graph.outputs(), ["variable"]);
/// assert_eq!(graph.operators(), ["MatMul"]);
/// assert_eq!(graph.class_labels(), None);
///
/// let err = OnnxGraph::from_bytes(b"not a model".to_vec()).unwrap_err();
/// assert!(err.to_string().starts_with("<bytes> is not an ONNX model"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct OnnxGraph {
    origin: String,
    proto: Arc<pb::ModelProto>,
    input: String,
    element: Element,
    width: Option<usize>,
    outputs: Vec<String>,
    probabilities: String,
    label: Option<String>,
    prediction: Option<String>,
}

impl fmt::Debug for OnnxGraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnnxGraph")
            .field("origin", &self.origin)
            .field("input", &self.input)
            .field("width", &self.width)
            .field("outputs", &self.outputs)
            .finish_non_exhaustive()
    }
}

impl OnnxGraph {
    /// Reads the model in the file at `path`.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, OnnxError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|error| OnnxError::Unreadable {
            path: path.to_path_buf(),
            error,
        })?;
        Self::decode(&bytes, path.display().to_string())
    }

    /// Reads a model from its bytes (a `.onnx` file's contents).
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Result<Self, OnnxError> {
        Self::decode(bytes.as_ref(), "<bytes>".to_string())
    }

    fn decode(bytes: &[u8], origin: String) -> Result<Self, OnnxError> {
        let not_onnx = |reason: String| OnnxError::NotOnnx {
            origin: origin.clone(),
            reason,
        };
        let proto = tract_onnx::onnx()
            .proto_model_for_read(&mut &*bytes)
            .map_err(|e| not_onnx(format!("{e:#}")))?;
        let Some(graph) = proto.graph.as_ref() else {
            return Err(not_onnx("the model holds no graph".into()));
        };
        if graph.node.is_empty() && graph.output.is_empty() {
            return Err(not_onnx("the graph has no nodes and no outputs".into()));
        }
        let input_error = |reason: String| OnnxError::Input {
            origin: origin.clone(),
            reason,
        };
        let initialized: Vec<&str> = graph.initializer.iter().map(|t| &*t.name).collect();
        let inputs: Vec<&pb::ValueInfoProto> = graph
            .input
            .iter()
            .filter(|i| !initialized.contains(&&*i.name))
            .collect();
        let [input] = inputs[..] else {
            let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
            return Err(input_error(format!(
                "the graph takes {} inputs ({}); the adapters feed one matrix",
                names.len(),
                quoted(&names)
            )));
        };
        let (element, width) = input_type(input).map_err(input_error)?;
        let outputs: Vec<String> = graph.output.iter().map(|o| o.name.clone()).collect();
        let label = outputs
            .iter()
            .any(|o| o == LABEL_OUTPUT)
            .then(|| LABEL_OUTPUT.into());
        Ok(OnnxGraph {
            origin,
            input: input.name.clone(),
            element,
            width,
            outputs,
            probabilities: PROBABILITIES_OUTPUT.into(),
            label,
            prediction: None,
            proto: Arc::new(proto),
        })
    }

    /// The name of the graph's input.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The number of columns the input takes, when the graph declares it.
    pub fn input_width(&self) -> Option<usize> {
        self.width
    }

    /// Sets the input width of a graph that does not declare it (an error when it declares
    /// another).
    pub fn with_input_width(mut self, width: usize) -> Result<Self, OnnxError> {
        match self.width {
            Some(expected) if expected != width => Err(OnnxError::InputWidth {
                expected,
                given: width,
            }),
            _ => {
                self.width = Some(width);
                Ok(self)
            }
        }
    }

    /// The names of the graph's outputs, in its order.
    pub fn outputs(&self) -> &[String] {
        &self.outputs
    }

    /// The operators of the graph's nodes (those of subgraphs included), in order of first
    /// use, each once.
    pub fn operators(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for node in nodes(self.graph()) {
            if !seen.contains(&node.op_type) {
                seen.push(node.op_type.clone());
            }
        }
        seen
    }

    /// The class labels of the graph's classifier node (`classlabels_strings`, or the
    /// integer `classlabels_ints` / `classlabels_int64s` written as numbers), in the order
    /// of its probability columns; `None` when no node carries them (a neural network).
    pub fn class_labels(&self) -> Option<Vec<String>> {
        self.class_attribute().map(|(labels, ..)| labels)
    }

    /// The class labels of the first node carrying them, whether they are strings, and the
    /// node's operator.
    fn class_attribute(&self) -> Option<(Vec<String>, bool, &str)> {
        for node in nodes(self.graph()) {
            let operator = node.op_type.as_str();
            for attribute in &node.attribute {
                match &*attribute.name {
                    "classlabels_strings" => {
                        let labels = attribute
                            .strings
                            .iter()
                            .map(|s| String::from_utf8_lossy(s).into_owned())
                            .collect();
                        return Some((labels, true, operator));
                    }
                    "classlabels_ints" | "classlabels_int64s" => {
                        let labels = attribute.ints.iter().map(i64::to_string).collect();
                        return Some((labels, false, operator));
                    }
                    _ => {}
                }
            }
        }
        None
    }

    /// Whether the graph's classifier is a two-class `TreeEnsembleClassifier` whose leaves
    /// all carry class id 0 (tract's "binary result layout", skl2onnx's binary forests).
    fn binary_tree_layout(&self) -> bool {
        nodes(self.graph()).iter().any(|node| {
            node.op_type == "TreeEnsembleClassifier"
                && self.class_labels().is_some_and(|l| l.len() == 2)
                && node
                    .attribute
                    .iter()
                    .find(|a| a.name == "class_ids")
                    .is_some_and(|a| a.ints.iter().all(|&c| c == 0))
        })
    }

    /// Reads a classifier's probabilities from output `name` (default
    /// [`PROBABILITIES_OUTPUT`], skl2onnx's).
    pub fn probabilities_output(mut self, name: impl Into<String>) -> Self {
        self.probabilities = name.into();
        self
    }

    /// Reads a classifier's labels from output `name` (default [`LABEL_OUTPUT`] when the
    /// graph has it, else none).
    pub fn label_output(mut self, name: impl Into<String>) -> Self {
        self.label = Some(name.into());
        self
    }

    /// Reads a regressor's predictions from output `name` (default: the graph's first
    /// output).
    pub fn prediction_output(mut self, name: impl Into<String>) -> Self {
        self.prediction = Some(name.into());
        self
    }

    /// Where the model was read from: its path, or `<bytes>`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn graph(&self) -> &pb::GraphProto {
        self.proto
            .graph
            .as_ref()
            .expect("a decoded graph is checked to hold a graph")
    }

    /// The first node using an operator tract does not register.
    fn check_operators(&self) -> Result<(), OnnxError> {
        let register = tract_onnx::onnx().op_register;
        for node in nodes(self.graph()) {
            if !register.0.contains_key(&node.op_type) {
                let node_name = if !node.name.is_empty() {
                    node.name.clone()
                } else {
                    node.output.first().cloned().unwrap_or_default()
                };
                return Err(OnnxError::UnsupportedOperator {
                    origin: self.origin.clone(),
                    operator: node.op_type.clone(),
                    domain: if node.domain.is_empty() {
                        "ai.onnx".into()
                    } else {
                        node.domain.clone()
                    },
                    node: node_name,
                });
            }
        }
        Ok(())
    }

    fn output_index(&self, name: &str) -> Result<usize, OnnxError> {
        self.outputs
            .iter()
            .position(|o| o == name)
            .ok_or_else(|| OnnxError::OutputMissing {
                name: name.to_string(),
                available: self.outputs.clone(),
            })
    }

    /// Compiles the graph for `[N, width]` inputs, N symbolic, reading `outputs`.
    fn compile(&self, outputs: &[&str]) -> Result<Compiled, OnnxError> {
        self.check_operators()?;
        for name in outputs {
            self.output_index(name)?;
        }
        let width = self.width.ok_or_else(|| OnnxError::Input {
            origin: self.origin.clone(),
            reason: format!(
                "input `{}` declares no width; give it with `OnnxGraph::with_input_width`",
                self.input
            ),
        })?;
        let tract = |stage: &'static str| {
            move |e: tract_onnx::prelude::TractError| OnnxError::Tract {
                origin: self.origin.clone(),
                stage,
                message: format!("{e:#}"),
            }
        };
        let model = tract_onnx::onnx()
            .model_for_proto_model(&self.proto)
            .map_err(tract("reading the graph"))?;
        let rows = model.sym("N");
        let datum = match self.element {
            Element::F32 => DatumType::F32,
            Element::F64 => DatumType::F64,
        };
        let fact = InferenceFact::dt_shape(datum, tvec![rows.to_dim(), width.to_dim()]);
        let plan = model
            .with_input_fact(0, fact)
            .and_then(|m| {
                let mut m = m;
                m.select_outputs_by_name(outputs.iter().copied())?;
                Ok(m)
            })
            .map_err(tract("setting the input and outputs"))?
            .into_optimized()
            .map_err(tract("analysing and optimising the graph"))?
            .into_runnable()
            .map_err(tract("planning the graph"))?;
        Ok(Compiled {
            origin: self.origin.clone(),
            plan,
            element: self.element,
            width,
            outputs: outputs.iter().map(|s| s.to_string()).collect(),
        })
    }
}

/// Every node of `graph` and of its subgraphs, depth first.
fn nodes(graph: &pb::GraphProto) -> Vec<&pb::NodeProto> {
    let mut out = Vec::new();
    for node in &graph.node {
        out.push(node);
        for attribute in &node.attribute {
            for sub in attribute.g.iter().chain(&attribute.graphs) {
                out.extend(nodes(sub));
            }
        }
    }
    out
}

/// The input's element type and declared width.
fn input_type(input: &pb::ValueInfoProto) -> Result<(Element, Option<usize>), String> {
    use pb::tensor_proto::DataType;
    use pb::tensor_shape_proto::dimension::Value;
    use pb::type_proto::Value as Type;
    let Some(Type::TensorType(tensor)) = input.r#type.as_ref().and_then(|t| t.value.as_ref())
    else {
        return Err(format!("input `{}` is not a tensor", input.name));
    };
    let element = match DataType::try_from(tensor.elem_type) {
        Ok(DataType::Float) => Element::F32,
        Ok(DataType::Double) => Element::F64,
        other => {
            return Err(format!(
                "input `{}` holds {}, not float or double",
                input.name,
                other.map_or_else(
                    |_| format!("type {}", tensor.elem_type),
                    |t| { format!("{t:?}") }
                )
            ));
        }
    };
    let Some(shape) = tensor.shape.as_ref() else {
        return Ok((element, None));
    };
    if shape.dim.len() != 2 {
        return Err(format!(
            "input `{}` has {} dimensions; the adapters feed a matrix [rows, columns]",
            input.name,
            shape.dim.len()
        ));
    }
    let width = match shape.dim[1].value {
        Some(Value::DimValue(w)) if w > 0 => Some(w as usize),
        _ => None,
    };
    Ok((element, width))
}

/// A graph compiled by tract for `[N, width]` inputs.
#[derive(Clone)]
struct Compiled {
    origin: String,
    plan: Arc<TypedRunnableModel>,
    element: Element,
    width: usize,
    outputs: Vec<String>,
}

impl Compiled {
    /// Encodes `batch` and runs the graph: the outputs asked for at compile time, in order.
    fn run<I>(&self, encoder: &impl EncodeRow<I>, batch: &[I]) -> Result<TVec<TValue>, ModelError> {
        let (x, width) = encode_rows(encoder, batch)?;
        if width != self.width {
            return Err(OnnxError::InputWidth {
                expected: self.width,
                given: width,
            }
            .into());
        }
        if let Some(at) = x.iter().position(|v| v.is_nan()) {
            return Err(OnnxError::NaN {
                tensor: "input".into(),
                row: at / width,
                column: at % width,
            }
            .into());
        }
        let shape = [batch.len(), width];
        let tensor = match self.element {
            Element::F32 => {
                let x: Vec<f32> = x.iter().map(|&v| v as f32).collect();
                Tensor::from_shape(&shape, &x)
            }
            Element::F64 => Tensor::from_shape(&shape, &x),
        }
        .map_err(|e| self.failed("building the input tensor", e))?;
        self.plan
            .run(tvec![tensor.into()])
            .map_err(|e| self.failed("running the graph", e))
    }

    fn failed(&self, stage: &'static str, e: tract_onnx::prelude::TractError) -> ModelError {
        OnnxError::Tract {
            origin: self.origin.clone(),
            stage,
            message: format!("{e:#}"),
        }
        .into()
    }

    /// Output `i` as float64 values, row-major, with its shape.
    fn numbers(&self, tensor: &Tensor, i: usize) -> Result<(Vec<f64>, Vec<usize>), OnnxError> {
        let name = &self.outputs[i];
        let cast = tensor.cast_to::<f64>().map_err(|e| OnnxError::Output {
            name: name.clone(),
            reason: format!("holds {:?}, not numbers: {e:#}", tensor.datum_type()),
        })?;
        let values = cast
            .try_as_plain_ram()
            .and_then(|view| view.as_slice::<f64>().map(<[f64]>::to_vec))
            .map_err(|e| OnnxError::Output {
                name: name.clone(),
                reason: format!("{e:#}"),
            })?;
        Ok((values, tensor.shape().to_vec()))
    }
}

/// The first NaN of a `rows × width` matrix.
fn find_nan(values: &[f64], width: usize, tensor: &str) -> Result<(), OnnxError> {
    match values.iter().position(|v| v.is_nan()) {
        Some(at) => Err(OnnxError::NaN {
            tensor: tensor.to_string(),
            row: at / width.max(1),
            column: at % width.max(1),
        }),
        None => Ok(()),
    }
}

/// Where [`OnnxClassifier::predict_labels`] reads labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelSource {
    /// The graph has no label output.
    None,
    /// The graph's label output, compiled second.
    Output,
    /// A binary tree ensemble whose tract label output is wrong: p(second class) > ½.
    BinaryThreshold,
}

/// An ONNX classifier as a model-check [`Model`]: each batch is encoded into one tensor and
/// run once; the probability output (`rows × classes`, in the graph's class order) becomes
/// [`Probabilities`].
///
/// The classes are named by the caller, in the order of the graph's probability columns.
/// When the graph's classifier node carries its labels ([`OnnxGraph::class_labels`]), they
/// must be integers (tract 0.23 cannot run string labels: [`OnnxError::StringClassLabels`]),
/// as many as the classes; its label `k`-th in order is the `k`-th class.
///
/// The model's label ([`Probabilities::label`]) is the most probable class, the first on
/// ties; the graph's own `label` output, when it has one, is read by
/// [`predict_labels`](Self::predict_labels).
///
/// ```
/// use model_check::adapters::Flat;
/// use model_check::adapters::onnx::{OnnxClassifier, OnnxError, OnnxGraph};
/// use model_check::model::{Model, ModelInfo};
///
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../adapter-tests/fixtures/onnx/passthrough.onnx");
/// let graph = OnnxGraph::from_path(path)?;
/// let model = OnnxClassifier::new(ModelInfo::new("passthrough", "1"), graph, ["low", "high"], Flat)?;
///
/// let err = model.predict(&[vec![0.5, 0.6]]).unwrap_err();
/// let onnx = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<OnnxError>());
/// assert!(matches!(onnx, Some(OnnxError::NotProbabilities { row: 0, .. })), "{err}");
///
/// let err = model.predict(&[vec![f64::NAN, 1.0]]).unwrap_err();
/// let onnx = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<OnnxError>());
/// assert!(matches!(onnx, Some(OnnxError::NaN { row: 0, column: 0, .. })), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OnnxClassifier<I, E> {
    info: ModelInfo,
    classes: Classes,
    /// The graph's label of each class, when it tells them.
    labels: Option<Vec<String>>,
    compiled: Compiled,
    /// Where the labels come from.
    label_source: LabelSource,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, E: Clone> Clone for OnnxClassifier<I, E> {
    fn clone(&self) -> Self {
        OnnxClassifier {
            info: self.info.clone(),
            classes: self.classes.clone(),
            labels: self.labels.clone(),
            compiled: self.compiled.clone(),
            label_source: self.label_source,
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, E> fmt::Debug for OnnxClassifier<I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnnxClassifier")
            .field("info", &self.info)
            .field("classes", &self.classes)
            .field("origin", &self.compiled.origin)
            .field("width", &self.compiled.width)
            .finish_non_exhaustive()
    }
}

impl<I, E: EncodeRow<I>> OnnxClassifier<I, E> {
    /// Compiles `graph` with tract and reads inputs through `encoder`; `classes` name the
    /// probability columns in the graph's order.
    ///
    /// Errors: an operator tract does not have, an output missing, classes that are not
    /// the graph's, a graph tract cannot analyse — each an [`OnnxError`] inside the
    /// [`ModelError`], attributed to `info`.
    pub fn new<C, S>(
        info: ModelInfo,
        graph: OnnxGraph,
        classes: C,
        encoder: E,
    ) -> Result<Self, ModelError>
    where
        C: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let classes = Classes::new(classes).map_err(|e| e.in_model(&info))?;
        let in_model = |e: OnnxError| ModelError::from(e).in_model(&info);
        graph.check_operators().map_err(in_model)?;
        let labels = match graph.class_attribute() {
            Some((labels, true, operator)) => {
                return Err(in_model(OnnxError::StringClassLabels {
                    origin: graph.origin.clone(),
                    operator: operator.to_string(),
                    labels,
                }));
            }
            Some((labels, false, _)) if labels.len() != classes.len() => {
                return Err(in_model(OnnxError::Classes {
                    model: labels,
                    given: classes.names().to_vec(),
                }));
            }
            Some((labels, false, _)) => Some(labels),
            None => None,
        };
        let mut outputs = vec![graph.probabilities.as_str()];
        let label_source = match &graph.label {
            None => LabelSource::None,
            Some(_) if graph.binary_tree_layout() => LabelSource::BinaryThreshold,
            Some(label) => {
                outputs.push(label);
                LabelSource::Output
            }
        };
        let compiled = graph.compile(&outputs).map_err(in_model)?;
        Ok(OnnxClassifier {
            info,
            classes,
            labels,
            compiled,
            label_source,
            encoder,
            _input: PhantomData,
        })
    }

    /// The classes, in the order of the probabilities.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// The graph's input width.
    pub fn input_width(&self) -> usize {
        self.compiled.width
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }

    /// The probabilities of `batch` and the graph's own label of each row (its label output
    /// as class names: a string label as it is, an integer label as the class at its
    /// position among the graph's labels), from one run. An error when the graph has no
    /// label output, or a label is not one of the classes.
    ///
    /// One exception: tract 0.23.9 labels every row of a two-class `TreeEnsembleClassifier`
    /// whose leaves all weigh the second class (skl2onnx's binary forests) with the first
    /// class. For such a graph the label is onnxruntime's rule instead, computed from the
    /// probabilities: the second class when its probability exceeds ½, else the first.
    pub fn predict_labels(
        &self,
        batch: &[I],
    ) -> Result<(Vec<Probabilities>, Vec<String>), ModelError> {
        if self.label_source == LabelSource::None {
            return Err(ModelError::from(OnnxError::OutputMissing {
                name: LABEL_OUTPUT.into(),
                available: self.compiled.outputs.clone(),
            })
            .in_model(&self.info));
        }
        if batch.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let outputs = self
            .compiled
            .run(&self.encoder, batch)
            .map_err(|e| e.in_model(&self.info))?;
        let p = self
            .probabilities(&outputs[0], batch.len())
            .map_err(|e| e.in_model(&self.info))?;
        let labels = match self.label_source {
            LabelSource::BinaryThreshold => p
                .iter()
                .map(|p| {
                    self.classes
                        .name(usize::from(p.as_slice()[1] > 0.5))
                        .to_string()
                })
                .collect(),
            _ => self
                .labels(&outputs[1], batch.len())
                .map_err(|e| ModelError::from(e).in_model(&self.info))?,
        };
        Ok((p, labels))
    }

    fn probabilities(
        &self,
        tensor: &Tensor,
        rows: usize,
    ) -> Result<Vec<Probabilities>, ModelError> {
        let name = &self.compiled.outputs[0];
        let (p, shape) = self.compiled.numbers(tensor, 0)?;
        let k = self.classes.len();
        if shape != [rows, k] {
            return Err(OnnxError::Output {
                name: name.clone(),
                reason: format!(
                    "shape {shape:?}, not [{rows}, {k}] (rows × classes {})",
                    self.classes
                ),
            }
            .into());
        }
        find_nan(&p, k, name)?;
        for (row, values) in p.chunks(k).enumerate() {
            let reason = if let Some(v) = values.iter().find(|v| !(0.0..=1.0).contains(*v)) {
                Some(format!("{v} is outside [0, 1]"))
            } else {
                let sum: f64 = values.iter().sum();
                ((sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE).then(|| {
                    format!("they sum to {sum}, not 1 (within {PROBABILITY_SUM_TOLERANCE})")
                })
            };
            if let Some(reason) = reason {
                return Err(OnnxError::NotProbabilities {
                    row,
                    values: values.to_vec(),
                    reason,
                }
                .into());
            }
        }
        Probabilities::batch(&self.classes, p)
    }

    fn labels(&self, tensor: &Tensor, rows: usize) -> Result<Vec<String>, OnnxError> {
        let name = &self.compiled.outputs[1];
        if tensor.shape() != [rows] && tensor.shape() != [rows, 1] {
            return Err(OnnxError::Output {
                name: name.clone(),
                reason: format!("shape {:?}, not [{rows}]", tensor.shape()),
            });
        }
        let strings: Vec<String> = if tensor.datum_type() == DatumType::String {
            tensor
                .try_as_plain_ram()
                .and_then(|view| view.as_slice::<String>().map(<[String]>::to_vec))
                .map_err(|e| OnnxError::Output {
                    name: name.clone(),
                    reason: format!("{e:#}"),
                })?
        } else {
            let ints = tensor.cast_to::<i64>().map_err(|e| OnnxError::Output {
                name: name.clone(),
                reason: format!("holds {:?}, not labels: {e:#}", tensor.datum_type()),
            })?;
            let ints = ints
                .try_as_plain_ram()
                .and_then(|view| view.as_slice::<i64>().map(<[i64]>::to_vec))
                .map_err(|e| OnnxError::Output {
                    name: name.clone(),
                    reason: format!("{e:#}"),
                })?;
            ints.iter().map(i64::to_string).collect()
        };
        strings
            .into_iter()
            .enumerate()
            .map(|(row, label)| {
                let index = match &self.labels {
                    Some(labels) => labels.iter().position(|l| *l == label),
                    None => self.classes.index_of(&label),
                };
                index
                    .map(|i| self.classes.name(i).to_string())
                    .ok_or_else(|| OnnxError::Output {
                        name: name.clone(),
                        reason: format!(
                            "label {label:?} at input {row} of the batch is not one of the classes {}",
                            self.classes
                        ),
                    })
            })
            .collect()
    }
}

impl<I, E: EncodeRow<I>> Model for OnnxClassifier<I, E> {
    type Input = I;
    type Output = Probabilities;

    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn predict(&self, batch: &[I]) -> Result<Vec<Probabilities>, ModelError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let outputs = self
            .compiled
            .run(&self.encoder, batch)
            .map_err(|e| e.in_model(&self.info))?;
        self.probabilities(&outputs[0], batch.len())
            .map_err(|e| e.in_model(&self.info))
    }
}

/// An ONNX regressor as a model-check [`Model`]: each batch is encoded into one tensor and
/// run once; the prediction output (`[rows]` or `[rows, 1]`) gives one number per row,
/// checked as by [`Regressor`] (one per input, finite).
///
/// ```
/// use model_check::adapters::Flat;
/// use model_check::adapters::onnx::{OnnxGraph, OnnxRegressor};
/// use model_check::model::{Model, ModelInfo};
///
/// // `variable = X · [1, 1]ᵀ` (`adapter-tests/fixtures/onnx/export.py`).
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../adapter-tests/fixtures/onnx/sum.onnx");
/// let model = OnnxRegressor::new(ModelInfo::new("sum", "1"), OnnxGraph::from_path(path)?, Flat)?;
/// assert_eq!(model.predict(&[[1.0, 2.0], [0.5, 0.25]])?, vec![3.0, 0.75]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OnnxRegressor<I, E> {
    info: ModelInfo,
    compiled: Compiled,
    encoder: E,
    _input: PhantomData<fn(&I)>,
}

impl<I, E: Clone> Clone for OnnxRegressor<I, E> {
    fn clone(&self) -> Self {
        OnnxRegressor {
            info: self.info.clone(),
            compiled: self.compiled.clone(),
            encoder: self.encoder.clone(),
            _input: PhantomData,
        }
    }
}

impl<I, E> fmt::Debug for OnnxRegressor<I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnnxRegressor")
            .field("info", &self.info)
            .field("origin", &self.compiled.origin)
            .field("width", &self.compiled.width)
            .finish_non_exhaustive()
    }
}

impl<I, E: EncodeRow<I>> OnnxRegressor<I, E> {
    /// Compiles `graph` with tract, reading its prediction output
    /// ([`OnnxGraph::prediction_output`], or its first), and reads inputs through `encoder`.
    pub fn new(info: ModelInfo, graph: OnnxGraph, encoder: E) -> Result<Self, ModelError> {
        let output = match &graph.prediction {
            Some(name) => name.clone(),
            None => graph.outputs.first().cloned().ok_or_else(|| {
                ModelError::from(OnnxError::OutputMissing {
                    name: "(any)".into(),
                    available: Vec::new(),
                })
                .in_model(&info)
            })?,
        };
        let compiled = graph
            .compile(&[&output])
            .map_err(|e| ModelError::from(e).in_model(&info))?;
        Ok(OnnxRegressor {
            info,
            compiled,
            encoder,
            _input: PhantomData,
        })
    }

    /// The graph's input width.
    pub fn input_width(&self) -> usize {
        self.compiled.width
    }

    /// The encoder.
    pub fn encoder(&self) -> &E {
        &self.encoder
    }
}

impl<I, E: EncodeRow<I>> Model for OnnxRegressor<I, E> {
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
            let outputs = self.compiled.run(&self.encoder, batch)?;
            let name = &self.compiled.outputs[0];
            let (y, shape) = self.compiled.numbers(&outputs[0], 0)?;
            let rows = batch.len();
            if shape != [rows] && shape != [rows, 1] {
                return Err(OnnxError::Output {
                    name: name.clone(),
                    reason: format!("shape {shape:?}, not [{rows}] or [{rows}, 1]"),
                }
                .into());
            }
            find_nan(&y, 1, name)?;
            Ok(y)
        });
        checked.predict(batch)
    }
}
