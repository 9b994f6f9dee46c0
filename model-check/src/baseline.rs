//! Baselines: a recorded run of a classifier on a dataset, kept as a reviewable file.
//!
//! A baseline holds the model's identity, one prediction per row (row id, true label,
//! predicted label, probabilities) and per-cohort metrics. No-regression expectations
//! ([`no_regression`](crate::expect::no_regression)) and model diffs
//! ([`ModelDiff`](crate::diff::ModelDiff)) compare a new model with it on the same rows.
//!
//! # File format
//!
//! One JSON file (`tests/baselines/<name>.json`), schema version [`SCHEMA_VERSION`]: a
//! small header (schema, model, dataset, classes, cohort metrics) followed by one row per
//! line, so a model upgrade shows in `git diff` as the rows that changed. One file (rather
//! than a CSV of rows beside a JSON header) is written atomically and cannot fall out of
//! step with itself; probabilities are written with the shortest text that reads back to the
//! same `f64`, so an unchanged model reproduces its baseline exactly.
//!
//! ```text
//! {
//!   "schema": "model-check/baseline",
//!   "schema_version": 1,
//!   "kind": "classifier",
//!   "model": {"name":"churn","version":"1"},
//!   "dataset": "validation",
//!   "classes": ["No","Yes"],
//!   "cohorts": [
//!     {"name":"all","n":3,"correct":2,"accuracy":0.6666666666666666,"log_loss":0.41}
//!   ],
//!   "rows": [
//!     {"id":"c-001","truth":"No","predicted":"No","p":[0.9,0.1]},
//!     ...
//!   ]
//! }
//! ```
//!
//! # Workflow (as snapshot testing)
//!
//! [`Baseline::path`] names the file. When it is missing, the current model is recorded to
//! `<name>.pending.json` and the check fails with instructions; accept it by renaming the
//! file ([`Baseline::accept`]) or by rerunning with `MODEL_CHECK_UPDATE`:
//!
//! | `MODEL_CHECK_UPDATE` | [`UpdateMode`] | a missing baseline | an existing baseline |
//! |---|---|---|---|
//! | unset, `no`, `0` | `No` | pending file, failure | compared, never written |
//! | `new` | `New` | written | compared, never written |
//! | `1`, `always` | `Always` | written | compared, then re-recorded |
//!
//! Nothing is ever written when `CI` is set to anything but empty, `false` or `0`. Both
//! settings can also be given explicitly ([`Baseline::update_mode`], [`Baseline::ci`]),
//! which tests should prefer. Writes go to a temporary file renamed into place. A corrupt,
//! truncated or mismatched baseline is a [`BaselineError`] naming the file; only an explicit
//! `Always` replaces it.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cohort::{Cohort, EvalError};
use crate::data::Dataset;
use crate::metrics::ClassificationMetrics;
use crate::model::{Classes, Model, ModelInfo, Probabilities};

/// The schema version this library writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The `schema` field of every baseline file.
pub const SCHEMA: &str = "model-check/baseline";

pub use crate::config::{CI_ENV, UPDATE_ENV, ci_value_forbids_writing};

/// When a baseline file may be written.
///
/// ```
/// use model_check::baseline::UpdateMode;
///
/// assert_eq!(UpdateMode::parse("always"), Some(UpdateMode::Always));
/// assert_eq!(UpdateMode::parse("1"), Some(UpdateMode::Always));
/// assert_eq!(UpdateMode::parse("new"), Some(UpdateMode::New));
/// assert_eq!(UpdateMode::parse(""), Some(UpdateMode::No));
/// assert_eq!(UpdateMode::parse("yes please"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UpdateMode {
    /// Never write the baseline itself; a missing one is recorded as a pending file.
    #[default]
    No,
    /// Write baselines that are missing; leave existing ones alone.
    New,
    /// Write missing baselines and re-record existing ones after comparing.
    Always,
}

impl UpdateMode {
    /// The mode a `MODEL_CHECK_UPDATE` value names, `None` when it names none.
    pub fn parse(value: &str) -> Option<UpdateMode> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "no" | "0" | "false" => Some(UpdateMode::No),
            "new" => Some(UpdateMode::New),
            "1" | "always" | "yes" | "true" => Some(UpdateMode::Always),
            _ => None,
        }
    }

    /// The mode `MODEL_CHECK_UPDATE` asks for (`No` when unset).
    pub fn from_env() -> Result<UpdateMode, BaselineError> {
        match std::env::var(UPDATE_ENV) {
            Err(_) => Ok(UpdateMode::No),
            Ok(value) => UpdateMode::parse(&value).ok_or(BaselineError::Setting {
                reason: format!("{UPDATE_ENV}={value:?} is not one of `1`, `always`, `new`, `no`"),
            }),
        }
    }
}

/// A baseline could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum BaselineError {
    /// The baseline file does not exist yet. The current model was recorded to `pending`
    /// unless writing is forbidden (`CI`).
    Missing {
        /// The baseline file.
        path: PathBuf,
        /// Where the current model was recorded, if anywhere.
        pending: Option<PathBuf>,
        /// Whether `CI` forbade writing.
        ci: bool,
    },
    /// The file is not a baseline: bad JSON, truncated, an unknown schema or version, or
    /// inconsistent contents.
    Corrupt {
        /// The baseline file.
        path: PathBuf,
        /// What is wrong, with the line and column for JSON errors.
        reason: String,
    },
    /// The baseline is valid but was recorded on other rows, labels or classes.
    Mismatch {
        /// The baseline file.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// Reading or writing failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// Recording needs row ids, classification labels, or a model that works.
    Eval(EvalError),
    /// A setting is invalid (`MODEL_CHECK_UPDATE`, duplicate cohort names).
    Setting {
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaselineError::Missing { path, pending, ci } => {
                write!(f, "baseline {} does not exist", path.display())?;
                match pending {
                    Some(p) => write!(
                        f,
                        "; recorded the current model to {}. Review it, then accept it by renaming it to {} or by rerunning with {UPDATE_ENV}=new",
                        p.display(),
                        path.display()
                    ),
                    None if *ci => write!(
                        f,
                        "; nothing was written because {CI_ENV} is set. Record it locally ({UPDATE_ENV}=new) and commit it"
                    ),
                    None => Ok(()),
                }
            }
            BaselineError::Corrupt { path, reason } => write!(
                f,
                "baseline {} is not a valid baseline: {reason}. Fix or delete it, or rerun with {UPDATE_ENV}=always to re-record it",
                path.display()
            ),
            BaselineError::Mismatch { path, reason } => write!(
                f,
                "baseline {} does not match this data: {reason}. Rerun with {UPDATE_ENV}=always to re-record it",
                path.display()
            ),
            BaselineError::Io { path, source } => {
                write!(f, "baseline {}: {source}", path.display())
            }
            BaselineError::Eval(e) => write!(f, "recording a baseline: {e}"),
            BaselineError::Setting { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for BaselineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BaselineError::Io { source, .. } => Some(source),
            BaselineError::Eval(e) => Some(e),
            _ => None,
        }
    }
}

impl From<EvalError> for BaselineError {
    fn from(e: EvalError) -> Self {
        BaselineError::Eval(e)
    }
}

/// One row of a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineRow {
    /// The row's id in the dataset.
    pub id: String,
    /// Its true label.
    pub truth: String,
    /// The recorded model's predicted label.
    pub predicted: String,
    /// The recorded model's probabilities, in class order.
    pub p: Vec<f64>,
}

/// A cohort's metrics in a baseline (for review; comparisons use the rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortSummary {
    /// The cohort's name.
    pub name: String,
    /// Its rows.
    pub n: u64,
    /// Its correctly predicted rows.
    pub correct: u64,
    /// `correct / n`.
    pub accuracy: Option<f64>,
    /// Its log loss.
    pub log_loss: Option<f64>,
}

/// The decision threshold a classifier was recorded with ([`decide_at`](crate::model::decide_at)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedDecision {
    /// The class predicted when its probability reaches `at`.
    pub class: String,
    /// The threshold.
    pub at: f64,
}

#[derive(Deserialize)]
struct File {
    schema: String,
    schema_version: u32,
    kind: String,
    model: ModelInfo,
    dataset: String,
    classes: Vec<String>,
    #[serde(default)]
    decision: Option<RecordedDecision>,
    cohorts: Vec<CohortSummary>,
    rows: Vec<BaselineRow>,
}

/// A recorded run of a classifier on a dataset; see the [module docs](self).
///
/// ```
/// use model_check::baseline::BaselineRecord;
/// use model_check::prelude::*;
///
/// let data = Dataset::from_inputs(vec![0.2, 0.9, 0.6], Labels::classes(["no", "yes", "no"])?)?
///     .with_ids(["a", "b", "c"])?;
/// let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["no", "yes"], |b: &[f64]| {
///     Ok(b.iter().map(|&x| if x > 0.5 { vec![0.2, 0.8] } else { vec![0.7, 0.3] }).collect())
/// })?;
/// let record = BaselineRecord::record(&model, &data, &[Cohort::all()])?;
/// assert_eq!(record.rows()[2].predicted, "yes");
/// assert_eq!(record.cohorts()[0].correct, 2);
///
/// // The file reads back to the same record.
/// let text = record.to_json();
/// let again = BaselineRecord::from_json(&text, "churn.json")?;
/// assert_eq!(again, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineRecord {
    model: ModelInfo,
    dataset: String,
    classes: Classes,
    decision: Option<(usize, f64)>,
    cohorts: Vec<CohortSummary>,
    rows: Vec<BaselineRow>,
}

impl BaselineRecord {
    /// Records `model` on every row of `data` (which needs row ids), with the metrics of
    /// each cohort.
    pub fn record<M, R>(
        model: &M,
        data: &Dataset<R>,
        cohorts: &[Cohort<R>],
    ) -> Result<BaselineRecord, BaselineError>
    where
        M: Model<Input = R, Output = Probabilities>,
    {
        let predictions = crate::model::predict_batched(model, data.rows(), &mut 0, |r| r)
            .map_err(EvalError::from)?;
        BaselineRecord::from_predictions(model.info(), data, cohorts, &predictions)
    }

    /// A record of predictions made elsewhere: one per row of `data`, in order.
    pub fn from_predictions<R>(
        model: &ModelInfo,
        data: &Dataset<R>,
        cohorts: &[Cohort<R>],
        predictions: &[Probabilities],
    ) -> Result<BaselineRecord, BaselineError> {
        let setting = |reason: String| {
            BaselineError::Eval(EvalError::Data(crate::data::DataError::Setting { reason }))
        };
        let Some(ids) = data.ids() else {
            return Err(setting(format!(
                "dataset `{}` has no row ids; a baseline matches rows by id (give them with `Dataset::with_ids`)",
                data.name()
            )));
        };
        let Some(first) = predictions.first() else {
            return Err(setting("no predictions to record".into()));
        };
        if predictions.len() != data.len() {
            return Err(setting(format!(
                "{} predictions for {} rows",
                predictions.len(),
                data.len()
            )));
        }
        let classes = first.classes().clone();
        let truth = truth_indices(data, &classes, model).map_err(setting)?;
        let mut names = HashSet::new();
        let mut summaries = Vec::with_capacity(cohorts.len());
        for cohort in cohorts {
            if !names.insert(cohort.name().to_string()) {
                return Err(BaselineError::Setting {
                    reason: format!("two cohorts are called `{}`", cohort.name()),
                });
            }
            let rows = cohort.rows(data).map_err(EvalError::from)?;
            let mut metrics = ClassificationMetrics::without_auc(classes.clone());
            for &r in &rows {
                metrics
                    .add_output(truth[r], &predictions[r])
                    .map_err(EvalError::from)?;
            }
            let accuracy = metrics.accuracy();
            summaries.push(CohortSummary {
                name: cohort.name().to_string(),
                n: accuracy.n(),
                correct: accuracy.successes(),
                accuracy: accuracy.rate(),
                log_loss: metrics.log_loss(),
            });
        }
        let rows = ids
            .iter()
            .zip(predictions)
            .zip(&truth)
            .map(|((id, p), &t)| BaselineRow {
                id: id.clone(),
                truth: classes.name(t).to_string(),
                predicted: p.label().to_string(),
                p: p.as_slice().to_vec(),
            })
            .collect();
        // A decision threshold is kept, so the recorded labels read back as recorded.
        let decision = first
            .decision()
            .map(|(class, at)| (classes.index_of(class).expect("a class of the outputs"), at));
        Ok(BaselineRecord {
            model: model.clone(),
            dataset: data.name().to_string(),
            classes,
            decision,
            cohorts: summaries,
            rows,
        })
    }

    /// Reads and validates a baseline file.
    pub fn load(path: impl AsRef<Path>) -> Result<BaselineRecord, BaselineError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        BaselineRecord::from_json(&text, path)
    }

    /// Parses and validates the text of a baseline file; `path` names it in errors.
    pub fn from_json(text: &str, path: impl AsRef<Path>) -> Result<BaselineRecord, BaselineError> {
        let path = path.as_ref();
        let corrupt = |reason: String| BaselineError::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        // Check the schema first, so that a file of a newer version says so rather than
        // failing on a field it does not have.
        let header: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            corrupt(if e.is_eof() {
                format!("the file is truncated ({e})")
            } else {
                format!("invalid JSON ({e})")
            })
        })?;
        match header.get("schema").and_then(|s| s.as_str()) {
            Some(SCHEMA) => {}
            other => {
                return Err(corrupt(format!(
                    "`schema` is {other:?}, expected {SCHEMA:?}"
                )));
            }
        }
        match header.get("schema_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            other => {
                return Err(corrupt(format!(
                    "schema version {other:?} is not supported (this model-check reads version {SCHEMA_VERSION})"
                )));
            }
        }
        let file: File = serde_json::from_value(header).map_err(|e| corrupt(e.to_string()))?;
        let _ = (&file.schema, file.schema_version);
        if file.kind != "classifier" {
            return Err(corrupt(format!(
                "model kind {:?} is not supported (expected \"classifier\")",
                file.kind
            )));
        }
        let classes = Classes::new(file.classes).map_err(|e| corrupt(e.to_string()))?;
        let decision = match &file.decision {
            None => None,
            Some(d) => {
                let class = classes.index_of(&d.class).ok_or_else(|| {
                    corrupt(format!("decision class {:?} is not a class", d.class))
                })?;
                if !(0.0..=1.0).contains(&d.at) {
                    return Err(corrupt(format!(
                        "decision threshold {} is not in [0, 1]",
                        d.at
                    )));
                }
                Some((class, d.at))
            }
        };
        let mut seen = HashSet::with_capacity(file.rows.len());
        for (i, row) in file.rows.iter().enumerate() {
            let at = |what: String| corrupt(format!("row {i} (id {:?}): {what}", row.id));
            if !seen.insert(row.id.as_str()) {
                return Err(at("the id appears twice".into()));
            }
            let p = Probabilities::new(&classes, row.p.clone())
                .map_err(|e| at(e.to_string()))?
                .with_decision(decision);
            if classes.index_of(&row.truth).is_none() {
                return Err(at(format!("label {:?} is not a class", row.truth)));
            }
            if p.label() != row.predicted {
                return Err(at(format!(
                    "predicted {:?} but the probabilities say {:?}",
                    row.predicted,
                    p.label()
                )));
            }
        }
        if file.rows.is_empty() {
            return Err(corrupt("it has no rows".into()));
        }
        // The cohort summaries are for review, but an edited one must not pass unnoticed:
        // each must be consistent, and the summary of all rows must be what the rows say.
        let mut all = ClassificationMetrics::without_auc(classes.clone());
        for row in &file.rows {
            let truth = classes.index_of(&row.truth).expect("checked above");
            let p = Probabilities::new(&classes, row.p.clone())
                .map_err(|e| corrupt(e.to_string()))?
                .with_decision(decision);
            all.add_output(truth, &p)
                .map_err(|e| corrupt(e.to_string()))?;
        }
        for summary in &file.cohorts {
            let claims = |what: &str| {
                corrupt(format!(
                    "the summary of cohort `{}` {what}; was the file edited by hand? Record the baseline again",
                    summary.name
                ))
            };
            let rate = (summary.n > 0).then(|| summary.correct as f64 / summary.n as f64);
            if summary
                .log_loss
                .is_some_and(|l| !(l.is_finite() && l >= 0.0))
                || (summary.n > 0) != summary.log_loss.is_some()
            {
                return Err(claims(&format!(
                    "claims a log loss of {:?} for {} rows",
                    summary.log_loss, summary.n
                )));
            }
            if summary.correct > summary.n || summary.accuracy != rate {
                return Err(claims(&format!(
                    "claims {} correct of {} rows and an accuracy of {:?}",
                    summary.correct, summary.n, summary.accuracy
                )));
            }
            if summary.name == "all" {
                let accuracy = all.accuracy();
                if (summary.n, summary.correct) != (accuracy.n(), accuracy.successes())
                    || summary.log_loss != all.log_loss()
                {
                    return Err(claims(&format!(
                        "claims {} correct of {} rows (log loss {:?}) but its rows hold {} of {} (log loss {:?})",
                        summary.correct,
                        summary.n,
                        summary.log_loss,
                        accuracy.successes(),
                        accuracy.n(),
                        all.log_loss()
                    )));
                }
            }
        }
        Ok(BaselineRecord {
            model: file.model,
            dataset: file.dataset,
            classes,
            decision,
            cohorts: file.cohorts,
            rows: file.rows,
        })
    }

    /// The file's text: a header, then one cohort and one row per line.
    pub fn to_json(&self) -> String {
        let json = |v: &dyn erased::Json| v.to_json();
        let mut out = String::from("{\n");
        out += &format!("  \"schema\": {},\n", json(&SCHEMA));
        out += &format!("  \"schema_version\": {SCHEMA_VERSION},\n");
        out += "  \"kind\": \"classifier\",\n";
        out += &format!("  \"model\": {},\n", json(&self.model));
        out += &format!("  \"dataset\": {},\n", json(&self.dataset));
        out += &format!("  \"classes\": {},\n", json(&self.classes.names().to_vec()));
        if let Some((class, at)) = self.decision {
            let decision = RecordedDecision {
                class: self.classes.name(class).to_string(),
                at,
            };
            out += &format!("  \"decision\": {},\n", json(&decision));
        }
        out += "  \"cohorts\": [";
        push_lines(&mut out, self.cohorts.iter().map(|c| json(c)));
        out += "],\n  \"rows\": [";
        push_lines(&mut out, self.rows.iter().map(|r| json(r)));
        out += "]\n}\n";
        out
    }

    /// The recorded model.
    pub fn model(&self) -> &ModelInfo {
        &self.model
    }

    /// The dataset's name when recorded.
    pub fn dataset(&self) -> &str {
        &self.dataset
    }

    /// The recorded model's classes.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// The cohorts' metrics.
    pub fn cohorts(&self) -> &[CohortSummary] {
        &self.cohorts
    }

    /// The rows, in dataset order.
    pub fn rows(&self) -> &[BaselineRow] {
        &self.rows
    }

    /// The recorded probabilities of each dataset row, in dataset order, after checking that
    /// the baseline was recorded on the same rows (ids), labels and `classes`; `path` names
    /// the file in errors.
    pub fn aligned<R>(
        &self,
        data: &Dataset<R>,
        classes: &Classes,
        path: &Path,
    ) -> Result<Vec<Probabilities>, BaselineError> {
        let mismatch = |reason: String| BaselineError::Mismatch {
            path: path.to_path_buf(),
            reason,
        };
        if !self.classes.same(classes) {
            return Err(mismatch(format!(
                "it was recorded with classes ({}), the model has ({classes})",
                self.classes
            )));
        }
        let Some(ids) = data.ids() else {
            return Err(mismatch(format!(
                "dataset `{}` has no row ids to match the baseline's rows by",
                data.name()
            )));
        };
        if ids.len() != self.rows.len() {
            return Err(mismatch(format!(
                "it has {} rows, dataset `{}` has {}",
                self.rows.len(),
                data.name(),
                ids.len()
            )));
        }
        let by_id: HashMap<&str, &BaselineRow> =
            self.rows.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut out = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            let Some(row) = by_id.get(id.as_str()) else {
                return Err(mismatch(format!(
                    "dataset row {i} has id {id:?}, which the baseline does not have"
                )));
            };
            let label = data.labels().class_of(i);
            if label != Some(row.truth.as_str()) {
                return Err(mismatch(format!(
                    "row {id:?} is labelled {label:?} in the dataset and {:?} in the baseline",
                    row.truth
                )));
            }
            out.push(
                Probabilities::new(classes, row.p.clone())
                    .map_err(|e| BaselineError::Corrupt {
                        path: path.to_path_buf(),
                        reason: e.to_string(),
                    })?
                    .with_decision(self.decision),
            );
        }
        Ok(out)
    }
}

fn push_lines(out: &mut String, lines: impl Iterator<Item = String>) {
    let mut any = false;
    for (i, line) in lines.enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str(&line);
        any = true;
    }
    if any {
        out.push_str("\n  ");
    }
}

mod erased {
    /// A value serialized on one line.
    pub(super) trait Json {
        fn to_json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).expect("baseline values serialize")
        }
    }
}

fn truth_indices<R>(
    data: &Dataset<R>,
    classes: &Classes,
    model: &ModelInfo,
) -> Result<Vec<usize>, String> {
    let labels = data.labels();
    let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) else {
        return Err(if labels.is_labelled() {
            "a baseline needs class labels".into()
        } else {
            "a baseline needs labelled rows; the dataset has no labels".into()
        });
    };
    let map: Vec<Option<usize>> = names.iter().map(|c| classes.index_of(c)).collect();
    index
        .iter()
        .enumerate()
        .map(|(row, &i)| {
            map[i as usize].ok_or_else(|| {
                format!(
                    "row {row}: label {:?} is not a class of model `{model}` (classes: {classes})",
                    names[i as usize]
                )
            })
        })
        .collect()
}

/// What [`Baseline::resolve`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Read the existing file.
    Loaded,
    /// The file was missing and the current model was written to it.
    Written,
    /// Read the existing file (returned), then re-recorded the current model over it.
    Rewritten,
}

/// A baseline file and how it may be written; see the [module docs](self).
///
/// ```
/// use model_check::baseline::{Baseline, UpdateMode};
///
/// let baseline = Baseline::path("tests/baselines/churn-v1.json")
///     .update_mode(UpdateMode::New)
///     .ci(false);
/// assert!(baseline.pending_path().ends_with("churn-v1.pending.json"));
/// ```
#[derive(Debug, Clone)]
pub struct Baseline {
    path: PathBuf,
    update: Option<UpdateMode>,
    ci: Option<bool>,
}

impl Baseline {
    /// The baseline at `path` (relative paths are relative to the working directory, which
    /// `cargo test` sets to the package's root).
    pub fn path(path: impl Into<PathBuf>) -> Baseline {
        Baseline {
            path: path.into(),
            update: None,
            ci: None,
        }
    }

    /// Decides when the file may be written, instead of `MODEL_CHECK_UPDATE`.
    pub fn update_mode(mut self, mode: UpdateMode) -> Baseline {
        self.update = Some(mode);
        self
    }

    /// Whether this is CI (nothing is written), instead of the `CI` variable.
    pub fn ci(mut self, ci: bool) -> Baseline {
        self.ci = Some(ci);
        self
    }

    /// The baseline file.
    pub fn file(&self) -> &Path {
        &self.path
    }

    /// Where a missing baseline is recorded for review: `<name>.pending.json`.
    pub fn pending_path(&self) -> PathBuf {
        pending_path(&self.path)
    }

    fn mode(&self) -> Result<UpdateMode, BaselineError> {
        match self.update {
            Some(m) => Ok(m),
            None => UpdateMode::from_env(),
        }
    }

    fn is_ci(&self) -> bool {
        self.ci.unwrap_or_else(crate::config::in_ci)
    }

    /// Reads the baseline file.
    pub fn load(&self) -> Result<BaselineRecord, BaselineError> {
        BaselineRecord::load(&self.path)
    }

    /// Accepts a reviewed pending file: renames `<name>.pending.json` to the baseline.
    pub fn accept(&self) -> Result<(), BaselineError> {
        let pending = self.pending_path();
        if self.is_ci() {
            return Err(BaselineError::Setting {
                reason: format!(
                    "not accepting {}: {CI_ENV} is set, nothing is written",
                    pending.display()
                ),
            });
        }
        BaselineRecord::load(&pending)?;
        std::fs::rename(&pending, &self.path).map_err(|source| BaselineError::Io {
            path: pending,
            source,
        })
    }

    /// The baseline to compare with, following the workflow of the [module docs](self),
    /// with its probabilities aligned to the rows of `data` (see
    /// [`BaselineRecord::aligned`]); `current` records the model under test, called only
    /// when the file is to be written.
    pub fn resolve<R>(
        &self,
        data: &Dataset<R>,
        classes: &Classes,
        current: impl FnOnce() -> Result<BaselineRecord, BaselineError>,
    ) -> Result<(BaselineRecord, Vec<Probabilities>, Resolution), BaselineError> {
        let mode = self.mode()?;
        let ci = self.is_ci();
        let exists = self.path.try_exists().map_err(|source| BaselineError::Io {
            path: self.path.clone(),
            source,
        })?;
        let written = |record: BaselineRecord, how| {
            let aligned = record.aligned(data, classes, &self.path)?;
            Ok((record, aligned, how))
        };
        if !exists {
            if ci {
                return Err(BaselineError::Missing {
                    path: self.path.clone(),
                    pending: None,
                    ci,
                });
            }
            let record = current()?;
            if mode == UpdateMode::No {
                let pending = self.pending_path();
                write_atomically(&pending, &record.to_json())?;
                return Err(BaselineError::Missing {
                    path: self.path.clone(),
                    pending: Some(pending),
                    ci,
                });
            }
            write_atomically(&self.path, &record.to_json())?;
            remove_stale(&self.pending_path());
            return written(record, Resolution::Written);
        }
        let loaded = self.load().and_then(|record| {
            let aligned = record.aligned(data, classes, &self.path)?;
            Ok((record, aligned))
        });
        match (loaded, mode, ci) {
            (Ok((old, aligned)), UpdateMode::Always, false) => {
                let record = current()?;
                write_atomically(&self.path, &record.to_json())?;
                remove_stale(&self.pending_path());
                Ok((old, aligned, Resolution::Rewritten))
            }
            (
                Err(BaselineError::Corrupt { .. } | BaselineError::Mismatch { .. }),
                UpdateMode::Always,
                false,
            ) => {
                // Asked for explicitly: replace the unusable file.
                let record = current()?;
                write_atomically(&self.path, &record.to_json())?;
                remove_stale(&self.pending_path());
                written(record, Resolution::Written)
            }
            (loaded, _, _) => loaded.map(|(r, a)| (r, a, Resolution::Loaded)),
        }
    }
}

/// `<name>.pending.json` beside `<name>.json`: where a file waits for review.
pub(crate) fn pending_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}.pending.json"))
}

pub(crate) fn remove_stale(pending: &Path) {
    // A pending file left from an earlier run is superseded; failing to remove it is harmless.
    let _ = std::fs::remove_file(pending);
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so
/// a reader never sees half a file.
fn write_atomically(path: &Path, text: &str) -> Result<(), BaselineError> {
    write_file_atomically(path, text).map_err(|source| BaselineError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// [`write_atomically`] for any reviewed file (baselines, profiles).
pub(crate) fn write_file_atomically(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per process and per write: tests run as threads of one process and may write
    // the same file at once.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_file_name(format!(".{name}.{}.{write}.tmp", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
