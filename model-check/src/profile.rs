//! Profiles: the schema of a dataset inferred from a reference — each feature's type, range,
//! levels and missing share, the row count and the label balance — kept as a reviewable,
//! committed file that data unit tests check new data against
//! ([`matches_profile`](crate::expect::matches_profile)).
//!
//! # File format
//!
//! One JSON file (`tests/profiles/<name>.json`), schema version [`PROFILE_VERSION`]: a header,
//! then one feature per line, so a change of the data shows in `git diff` as the features that
//! moved. Numbers are written with the shortest text that reads back to the same `f64`.
//!
//! ```text
//! {
//!   "schema": "model-check/profile",
//!   "schema_version": 1,
//!   "dataset": "telco train",
//!   "rows": 5634,
//!   "labels": {"kind":"classes","shares":[["No",0.7346],["Yes",0.2654]]},
//!   "features": [
//!     {"name":"tenure","kind":"numeric","number":"integer","min":0.0,"max":72.0,"missing":0.0},
//!     {"name":"contract","kind":"categorical","levels":["Month-to-month","One year","Two year"],"missing":0.0}
//!   ]
//! }
//! ```
//!
//! # Workflow (as baselines and snapshot tests)
//!
//! [`ProfileFile::resolve`] reads the file; when it is missing, the profile of the reference
//! is written to `<name>.pending.json` and the test fails with instructions — review it,
//! then accept it by renaming it ([`ProfileFile::accept`]) or by rerunning with
//! `MODEL_CHECK_UPDATE=new`. `MODEL_CHECK_UPDATE=always` re-infers an existing profile; with
//! `CI` set nothing is ever written (see [`baseline`](crate::baseline) for the table of
//! settings, shared by both kinds of file).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::baseline::{UpdateMode, pending_path, remove_stale, write_file_atomically};
use crate::config::{CI_ENV, UPDATE_ENV};
use crate::data::{Dataset, FeatureSpec, Features, Kind, NumberType, Value};

/// The schema version this library writes and reads.
pub const PROFILE_VERSION: u32 = 1;

/// The `schema` field of every profile file.
pub const PROFILE_SCHEMA: &str = "model-check/profile";

/// A dataset's profile: what its reference looked like, feature by feature.
///
/// ```
/// use model_check::prelude::*;
/// use model_check::profile::Profile;
///
/// #[derive(Features, Clone)]
/// struct Row { age: u32, city: String, income: Option<f64> }
///
/// let rows = vec![
///     Row { age: 30, city: "Oslo".into(), income: Some(1.0) },
///     Row { age: 50, city: "Bergen".into(), income: None },
/// ];
/// let profile = Profile::infer(&Dataset::unlabelled(rows)?);
/// let age = profile.feature("age").unwrap();
/// assert_eq!((age.min, age.max), (Some(30.0), Some(50.0)));
/// assert_eq!(profile.feature("city").unwrap().levels.as_deref(), Some(&["Bergen".to_string(), "Oslo".into()][..]));
/// assert_eq!(profile.feature("income").unwrap().missing, 0.5);
/// // The file reads back to the same profile.
/// assert_eq!(Profile::from_json(&profile.to_json(), "inline")?, profile);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The name of the dataset it was inferred from.
    pub dataset: String,
    /// How many rows it had.
    pub rows: u64,
    /// The labels' balance, when it had labels.
    pub labels: Option<LabelProfile>,
    /// One entry per feature, in schema order.
    pub features: Vec<FeatureProfile>,
}

/// One feature's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureProfile {
    /// The feature's name.
    pub name: String,
    /// Numeric or categorical.
    pub kind: FeatureKind,
    /// A numeric feature's number type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<NumberKind>,
    /// The smallest value seen (numeric features with a value that is not NaN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The largest value seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The levels seen, in text order (categorical features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// The share of rows where the feature is missing.
    pub missing: f64,
}

/// A feature's kind in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeatureKind {
    /// A number.
    Numeric,
    /// A category.
    Categorical,
}

/// A numeric feature's number type in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberKind {
    /// `f32` or `f64`.
    Float,
    /// A primitive integer.
    Integer,
    /// `bool`.
    Bool,
}

/// The labels of a profiled dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum LabelProfile {
    /// Class labels with each class's share of the rows, in class order.
    Classes {
        /// `(class, share)`.
        shares: Vec<(String, f64)>,
    },
    /// Numeric targets with their range.
    Targets {
        /// The smallest target.
        min: f64,
        /// The largest target.
        max: f64,
    },
}

impl FeatureKind {
    /// A feature's kind and number type as a profile records them.
    pub(crate) fn of_spec(spec: &FeatureSpec) -> (FeatureKind, Option<NumberKind>) {
        FeatureKind::of(spec.kind())
    }

    fn of(kind: Kind) -> (FeatureKind, Option<NumberKind>) {
        match kind {
            Kind::Numeric { number, .. } => (
                FeatureKind::Numeric,
                Some(match number {
                    NumberType::Float => NumberKind::Float,
                    NumberType::Integer => NumberKind::Integer,
                    NumberType::Bool => NumberKind::Bool,
                }),
            ),
            Kind::Categorical { .. } => (FeatureKind::Categorical, None),
        }
    }
}

impl fmt::Display for FeatureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FeatureKind::Numeric => "numeric",
            FeatureKind::Categorical => "categorical",
        })
    }
}

impl Profile {
    /// The profile of every row of `data`.
    pub fn infer<R: Features>(data: &Dataset<R>) -> Profile {
        let n = data.len();
        let features = R::SCHEMA
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let (kind, number) = FeatureKind::of(spec.kind());
                let (mut min, mut max) = (None::<f64>, None::<f64>);
                let mut levels: std::collections::BTreeSet<String> = Default::default();
                let mut missing = 0u64;
                for row in data.rows() {
                    match row.value(i) {
                        Value::Missing => missing += 1,
                        Value::Number(x) if x.is_nan() => {}
                        Value::Number(x) => {
                            min = Some(min.map_or(x, |m| m.min(x)));
                            max = Some(max.map_or(x, |m| m.max(x)));
                        }
                        Value::Category(c) => {
                            if !levels.contains(c.as_ref()) {
                                levels.insert(c.into_owned());
                            }
                        }
                    }
                }
                FeatureProfile {
                    name: spec.name().to_string(),
                    kind,
                    number,
                    min,
                    max,
                    levels: (kind == FeatureKind::Categorical)
                        .then(|| levels.into_iter().collect()),
                    missing: if n == 0 {
                        0.0
                    } else {
                        missing as f64 / n as f64
                    },
                }
            })
            .collect();
        let labels = data.labels();
        let labels =
            if let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) {
                let mut counts = vec![0u64; names.len()];
                for &c in index {
                    counts[c as usize] += 1;
                }
                Some(LabelProfile::Classes {
                    shares: names
                        .iter()
                        .zip(&counts)
                        .map(|(name, &c)| (name.clone(), c as f64 / n.max(1) as f64))
                        .collect(),
                })
            } else {
                labels
                    .targets()
                    .filter(|t| !t.is_empty())
                    .map(|t| LabelProfile::Targets {
                        min: t.iter().copied().fold(f64::INFINITY, f64::min),
                        max: t.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    })
            };
        Profile {
            dataset: data.name().to_string(),
            rows: n as u64,
            labels,
            features,
        }
    }

    /// The profile of the feature named `name`.
    pub fn feature(&self, name: &str) -> Option<&FeatureProfile> {
        self.features.iter().find(|f| f.name == name)
    }

    /// The file's text: a header, then one feature per line.
    pub fn to_json(&self) -> String {
        let json = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let mut out = String::from("{\n");
        out += &format!("  \"schema\": {},\n", json(PROFILE_SCHEMA));
        out += &format!("  \"schema_version\": {PROFILE_VERSION},\n");
        out += &format!("  \"dataset\": {},\n", json(&self.dataset));
        out += &format!("  \"rows\": {},\n", self.rows);
        out += &format!(
            "  \"labels\": {},\n",
            serde_json::to_string(&self.labels).expect("a profile serializes")
        );
        out += "  \"features\": [";
        for (i, feature) in self.features.iter().enumerate() {
            out += if i == 0 { "\n    " } else { ",\n    " };
            out += &serde_json::to_string(feature).expect("a profile serializes");
        }
        out += if self.features.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        };
        out
    }

    /// Reads and validates a profile file.
    pub fn load(path: impl AsRef<Path>) -> Result<Profile, ProfileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Profile::from_json(&text, path)
    }

    /// Parses and validates the text of a profile file; `path` names it in errors.
    pub fn from_json(text: &str, path: impl AsRef<Path>) -> Result<Profile, ProfileError> {
        let path = path.as_ref();
        let corrupt = |reason: String| ProfileError::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            corrupt(if e.is_eof() {
                format!("the file is truncated ({e})")
            } else {
                format!("invalid JSON ({e})")
            })
        })?;
        match value.get("schema").and_then(|s| s.as_str()) {
            Some(PROFILE_SCHEMA) => {}
            other => {
                return Err(corrupt(format!(
                    "its schema is {other:?}, not \"{PROFILE_SCHEMA}\""
                )));
            }
        }
        match value.get("schema_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(PROFILE_VERSION) => {}
            other => {
                return Err(corrupt(format!(
                    "schema version {other:?}; this library reads version {PROFILE_VERSION}"
                )));
            }
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[allow(dead_code)]
            schema: String,
            #[allow(dead_code)]
            schema_version: u32,
            dataset: String,
            rows: u64,
            labels: Option<LabelProfile>,
            features: Vec<FeatureProfile>,
        }
        let file: File = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
        let mut seen = std::collections::HashSet::new();
        for f in &file.features {
            if !seen.insert(f.name.as_str()) {
                return Err(corrupt(format!("feature `{}` appears twice", f.name)));
            }
            if !(0.0..=1.0).contains(&f.missing) {
                return Err(corrupt(format!(
                    "feature `{}`: a missing share of {} is not in [0, 1]",
                    f.name, f.missing
                )));
            }
            if let (Some(lo), Some(hi)) = (f.min, f.max)
                && lo > hi
            {
                return Err(corrupt(format!(
                    "feature `{}`: min {lo} is above max {hi}",
                    f.name
                )));
            }
        }
        Ok(Profile {
            dataset: file.dataset,
            rows: file.rows,
            labels: file.labels,
            features: file.features,
        })
    }
}

/// A profile file and when it may be written: [`resolve`](ProfileFile::resolve) reads it or
/// infers it from a reference, following the workflow of the [module docs](self).
///
/// ```
/// use model_check::baseline::UpdateMode;
/// use model_check::profile::ProfileFile;
///
/// let file = ProfileFile::path("tests/profiles/telco.json").update_mode(UpdateMode::No).ci(false);
/// assert!(file.pending_path().ends_with("telco.pending.json"));
/// ```
#[derive(Debug, Clone)]
pub struct ProfileFile {
    path: PathBuf,
    update: Option<UpdateMode>,
    ci: Option<bool>,
}

impl ProfileFile {
    /// The profile at `path` (relative to the working directory, which `cargo test` sets to
    /// the package's root).
    pub fn path(path: impl Into<PathBuf>) -> ProfileFile {
        ProfileFile {
            path: path.into(),
            update: None,
            ci: None,
        }
    }

    /// Decides when the file may be written, instead of `MODEL_CHECK_UPDATE`.
    pub fn update_mode(mut self, mode: UpdateMode) -> ProfileFile {
        self.update = Some(mode);
        self
    }

    /// Whether this is CI (nothing is written), instead of the `CI` variable.
    pub fn ci(mut self, ci: bool) -> ProfileFile {
        self.ci = Some(ci);
        self
    }

    /// The profile file.
    pub fn file(&self) -> &Path {
        &self.path
    }

    /// Where a missing profile is written for review: `<name>.pending.json`.
    pub fn pending_path(&self) -> PathBuf {
        pending_path(&self.path)
    }

    fn is_ci(&self) -> bool {
        self.ci.unwrap_or_else(crate::config::in_ci)
    }

    /// Accepts a reviewed pending file: renames `<name>.pending.json` to the profile.
    pub fn accept(&self) -> Result<(), ProfileError> {
        let pending = self.pending_path();
        if self.is_ci() {
            return Err(ProfileError::Setting {
                reason: format!(
                    "not accepting {}: {CI_ENV} is set, nothing is written",
                    pending.display()
                ),
            });
        }
        Profile::load(&pending)?;
        std::fs::rename(&pending, &self.path).map_err(|source| ProfileError::Io {
            path: pending,
            source,
        })
    }

    /// The accepted profile, or — when there is none and writing is allowed — the profile
    /// of `reference`, written as the module docs say.
    pub fn resolve<R: Features>(&self, reference: &Dataset<R>) -> Result<Profile, ProfileError> {
        let mode = match self.update {
            Some(m) => m,
            None => UpdateMode::from_env().map_err(|e| ProfileError::Setting {
                reason: e.to_string(),
            })?,
        };
        let ci = self.is_ci();
        let write = |path: &Path, profile: &Profile| {
            write_file_atomically(path, &profile.to_json()).map_err(|source| ProfileError::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        let exists = self.path.try_exists().map_err(|source| ProfileError::Io {
            path: self.path.clone(),
            source,
        })?;
        let reinfer = mode == UpdateMode::Always && !ci;
        if exists && !reinfer {
            return Profile::load(&self.path);
        }
        if ci {
            return Err(ProfileError::Missing {
                path: self.path.clone(),
                pending: None,
                ci,
            });
        }
        let profile = Profile::infer(reference);
        if !exists && mode == UpdateMode::No {
            let pending = self.pending_path();
            write(&pending, &profile)?;
            return Err(ProfileError::Missing {
                path: self.path.clone(),
                pending: Some(pending),
                ci,
            });
        }
        write(&self.path, &profile)?;
        remove_stale(&self.pending_path());
        Ok(profile)
    }
}

/// A profile file could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file does not exist; `pending` is where the inferred profile was written.
    Missing {
        /// The profile file.
        path: PathBuf,
        /// The pending file written for review, if any.
        pending: Option<PathBuf>,
        /// Whether nothing was written because this is CI.
        ci: bool,
    },
    /// The file is not a valid profile.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A setting is invalid (`MODEL_CHECK_UPDATE`).
    Setting {
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Missing { path, pending, ci } => {
                write!(f, "profile {} does not exist", path.display())?;
                match pending {
                    Some(p) => write!(
                        f,
                        "; inferred it from the reference into {}. Review it, then accept it by renaming it to {} or by rerunning with {UPDATE_ENV}=new",
                        p.display(),
                        path.display()
                    ),
                    None if *ci => write!(
                        f,
                        "; nothing was written because {CI_ENV} is set. Infer it locally ({UPDATE_ENV}=new) and commit it"
                    ),
                    None => Ok(()),
                }
            }
            ProfileError::Corrupt { path, reason } => write!(
                f,
                "profile {} is not a valid profile: {reason}. Fix or delete it, or rerun with {UPDATE_ENV}=always to infer it again",
                path.display()
            ),
            ProfileError::Io { path, source } => write!(f, "profile {}: {source}", path.display()),
            ProfileError::Setting { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for ProfileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProfileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
