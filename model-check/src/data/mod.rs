//! Datasets: rows, labels, row ids and tags.
//!
//! A [`Dataset`] holds the rows a model is tested on, one label per row ([`Labels`]: class
//! names or numbers), optional row ids (to match predictions computed elsewhere and to name
//! rows in reports) and tags (named row sets such as `"holdout"` or `"low_confidence"`).
//!
//! Loading checks what it reads: a malformed record, a NaN or infinite number, a label that
//! is not a declared class, a duplicate id or an empty file is a [`DataError`] naming the
//! file, line and field. Missing values are declared, never guessed: only `Option` fields may
//! be missing, as an empty cell or a marker the loader is told about ([`CsvOptions::missing`]).
//!
//! Text datasets (`Dataset<String>`) load from a text column and a label column with
//! [`Dataset::from_text_csv`] and [`TextCsvOptions`]: UTF-8, Latin-1 or Windows-1252
//! ([`Encoding`]), with optional HTML-entity decoding.

mod columns;
mod csv_load;
mod encode;
mod encoding;
mod error;
pub mod features;
mod html;
#[cfg(feature = "parquet")]
pub mod parquet;
mod stream;
pub(crate) mod suggest;
mod text_csv;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rand::seq::SliceRandom;

pub use csv_load::{CsvOptions, CsvSource};
pub(crate) use csv_load::{column_of, csv_error, csv_reader, line_at};
pub use encode::Encoder;
pub use encoding::Encoding;
pub use error::{DataError, Location};
pub use features::{
    Categorical, Feature, FeatureSpec, FeatureValue, Features, Kind, NumberType, Schema, Value,
    ValueError,
};
pub use stream::{Batches, Label, Source};

pub use text_csv::TextCsvOptions;

pub use crate::rng::{SeededRng, seeded_rng};

fn next_uid() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// One label per row: class names for classification, numbers for regression.
///
/// Built only through checked constructors, so every class index is valid and every
/// numeric target finite.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels(LabelsInner);

#[derive(Debug, Clone, PartialEq)]
enum LabelsInner {
    /// Class labels, stored as indices into `classes`.
    Classes {
        classes: Arc<[String]>,
        index: Vec<u32>,
    },
    /// Numeric targets.
    Values(Vec<f64>),
    /// No labels, for this many rows: an unlabelled batch.
    Unlabelled(usize),
}

use LabelsInner::{Classes as ClassLabels, Unlabelled, Values as ValueLabels};

impl Labels {
    /// Class labels; the classes are the distinct labels, sorted (as scikit-learn does).
    ///
    /// ```
    /// use model_check::data::Labels;
    ///
    /// let labels = Labels::classes(["Yes", "No", "No"])?;
    /// assert_eq!(labels.class_names(), Some(&["No".to_string(), "Yes".to_string()][..]));
    /// # Ok::<(), model_check::data::DataError>(())
    /// ```
    pub fn classes<I, S>(labels: I) -> Result<Self, DataError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let labels: Vec<S> = labels.into_iter().collect();
        // The distinct labels, sorted: one string per class, not one per row.
        let distinct: std::collections::BTreeSet<&str> =
            labels.iter().map(|s| s.as_ref()).collect();
        let classes: Vec<String> = distinct.into_iter().map(str::to_string).collect();
        Labels::with_classes(classes, labels)
    }

    /// Class labels over declared classes; a label that is not one of them is an error
    /// naming its row.
    ///
    /// ```
    /// use model_check::data::{DataError, Labels};
    ///
    /// let err = Labels::with_classes(["No", "Yes"], ["No", "Maybe"]).unwrap_err();
    /// assert!(matches!(err, DataError::UnknownClass { .. }));
    /// assert_eq!(err.to_string(), "row 1: label \"Maybe\" is not a known class (classes: No, Yes)");
    /// ```
    pub fn with_classes<C, S1, I, S2>(classes: C, labels: I) -> Result<Self, DataError>
    where
        C: IntoIterator<Item = S1>,
        S1: Into<String>,
        I: IntoIterator<Item = S2>,
        S2: AsRef<str>,
    {
        let classes: Vec<String> = classes.into_iter().map(Into::into).collect();
        check_class_names(&classes)?;
        let lookup: std::collections::HashMap<&str, u32> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as u32))
            .collect();
        let index = labels
            .into_iter()
            .enumerate()
            .map(|(row, label)| {
                lookup
                    .get(label.as_ref())
                    .copied()
                    .ok_or_else(|| DataError::UnknownClass {
                        at: Box::new(Location::row(row)),
                        label: label.as_ref().to_string(),
                        classes: classes.clone(),
                    })
            })
            .collect::<Result<Vec<u32>, _>>()?;
        Ok(Labels(ClassLabels {
            classes: classes.into(),
            index,
        }))
    }

    /// Numeric targets; NaN or infinity is an error naming its row.
    pub fn values(values: Vec<f64>) -> Result<Self, DataError> {
        if let Some(row) = values.iter().position(|y| !y.is_finite()) {
            return Err(DataError::Invalid {
                at: Box::new(Location::row(row)),
                reason: format!("label {} is not a finite number", values[row]),
            });
        }
        Ok(Labels(ValueLabels(values)))
    }

    /// No labels for `n` rows: an unlabelled batch (production data before its outcomes are
    /// known). Expectations that need labels say so in an error.
    ///
    /// ```
    /// use model_check::data::Labels;
    ///
    /// let none = Labels::unlabelled(3);
    /// assert_eq!(none.len(), 3);
    /// assert!(!none.is_labelled());
    /// assert_eq!(none.class_names(), None);
    /// ```
    pub fn unlabelled(n: usize) -> Self {
        Labels(Unlabelled(n))
    }

    /// Whether there are labels (class or numeric).
    pub fn is_labelled(&self) -> bool {
        !matches!(self.0, Unlabelled(_))
    }

    /// The number of labels.
    pub fn len(&self) -> usize {
        match &self.0 {
            ClassLabels { index, .. } => index.len(),
            ValueLabels(v) => v.len(),
            Unlabelled(n) => *n,
        }
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The class names, for class labels.
    pub fn class_names(&self) -> Option<&[String]> {
        match &self.0 {
            ClassLabels { classes, .. } => Some(classes),
            ValueLabels(_) | Unlabelled(_) => None,
        }
    }

    /// Each row's class, as an index into [`class_names`](Self::class_names), for class labels.
    pub fn class_indices(&self) -> Option<&[u32]> {
        match &self.0 {
            ClassLabels { index, .. } => Some(index),
            ValueLabels(_) | Unlabelled(_) => None,
        }
    }

    /// Whether each row's class is `class` (a 0/1 training target), for class labels; `None`
    /// for numeric labels or when `class` is not a class.
    ///
    /// ```
    /// use model_check::data::Labels;
    ///
    /// let labels = Labels::classes(["Yes", "No", "Yes"])?;
    /// assert_eq!(labels.indicator("Yes"), Some(vec![true, false, true]));
    /// # Ok::<(), model_check::data::DataError>(())
    /// ```
    pub fn indicator(&self, class: &str) -> Option<Vec<bool>> {
        let ClassLabels { classes, index } = &self.0 else {
            return None;
        };
        let c = classes.iter().position(|name| name == class)? as u32;
        Some(index.iter().map(|&i| i == c).collect())
    }

    /// The numeric targets, for numeric labels.
    pub fn targets(&self) -> Option<&[f64]> {
        match &self.0 {
            ValueLabels(v) => Some(v),
            ClassLabels { .. } | Unlabelled(_) => None,
        }
    }

    /// The class name of row `row`, for class labels (`None` out of range).
    pub fn class_of(&self, row: usize) -> Option<&str> {
        match &self.0 {
            ClassLabels { classes, index } => index.get(row).map(|&i| classes[i as usize].as_str()),
            ValueLabels(_) | Unlabelled(_) => None,
        }
    }

    /// The numeric target of row `row`, for numeric labels (`None` out of range).
    pub fn value_of(&self, row: usize) -> Option<f64> {
        match &self.0 {
            ValueLabels(v) => v.get(row).copied(),
            ClassLabels { .. } | Unlabelled(_) => None,
        }
    }

    fn subset(&self, rows: &[usize]) -> Labels {
        Labels(match &self.0 {
            ClassLabels { classes, index } => ClassLabels {
                classes: classes.clone(),
                index: rows.iter().map(|&r| index[r]).collect(),
            },
            ValueLabels(v) => ValueLabels(rows.iter().map(|&r| v[r]).collect()),
            Unlabelled(_) => Unlabelled(rows.len()),
        })
    }
}

pub(crate) fn check_class_names(classes: &[String]) -> Result<(), DataError> {
    for (i, c) in classes.iter().enumerate() {
        if classes[..i].contains(c) {
            return Err(DataError::Setting {
                reason: format!("class {c:?} is declared twice"),
            });
        }
    }
    if classes.is_empty() {
        return Err(DataError::Setting {
            reason: "no classes declared".into(),
        });
    }
    Ok(())
}

/// Rows a model is tested on, with their labels, optional row ids and tags.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone, Debug)]
/// struct Loan { income: f64, purpose: String }
///
/// let rows = vec![
///     Loan { income: 40_000.0, purpose: "car".into() },
///     Loan { income: 95_000.0, purpose: "house".into() },
///     Loan { income: 22_000.0, purpose: "car".into() },
/// ];
/// let mut data = Dataset::from_rows(rows, Labels::classes(["repaid", "repaid", "default"])?)?
///     .with_ids(["a", "b", "c"])?;
/// data.tag_where("low_income", |loan| loan.income < 30_000.0);
/// assert_eq!(data.tag("low_income"), Some(&[2][..]));
/// assert_eq!(data.id(2), Some("c"));
///
/// // A NaN is an error naming the row and the feature.
/// let bad = vec![Loan { income: f64::NAN, purpose: "car".into() }];
/// let err = Dataset::from_rows(bad, Labels::classes(["repaid"])?).unwrap_err();
/// assert_eq!(err.to_string(), "row 0, field `income`: NaN is not a finite number");
/// # Ok::<(), model_check::data::DataError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Dataset<R> {
    /// Identifies the rows for the predict-once cache: new for every constructed, sampled or
    /// subset dataset; shared by clones, which hold the same rows.
    uid: u64,
    name: String,
    rows: Vec<R>,
    labels: Labels,
    ids: Option<Vec<String>>,
    tags: BTreeMap<String, Vec<usize>>,
    /// Columns derived from the rows (category codes, cohort masks), computed once and
    /// shared by clones, which hold the same rows.
    derived: Arc<Derived>,
}

/// Columns derived from a dataset's rows, keyed by what they are: computed once, kept while
/// the dataset lives. At most [`Derived::LIMIT`] are kept; beyond that they are computed
/// each time they are asked for, so memory stays bounded (a cohort mask is one bit per row,
/// a column of category codes four bytes).
#[derive(Default)]
pub(crate) struct Derived {
    columns:
        std::sync::Mutex<std::collections::HashMap<String, Arc<dyn std::any::Any + Send + Sync>>>,
}

impl fmt::Debug for Derived {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Derived")
    }
}

impl Derived {
    /// How many derived columns a dataset keeps.
    pub(crate) const LIMIT: usize = 64;
}

impl<R> Dataset<R> {
    /// A dataset of inputs of any type (texts, images, numeric rows), without feature checks.
    ///
    /// For feature structs prefer [`Dataset::from_rows`], which also rejects NaN and infinite
    /// values. Fails when the dataset is empty or the lengths differ.
    pub fn from_inputs(inputs: Vec<R>, labels: Labels) -> Result<Self, DataError> {
        if inputs.is_empty() {
            return Err(DataError::Empty {
                what: "dataset".into(),
            });
        }
        if labels.len() != inputs.len() {
            return Err(DataError::LengthMismatch {
                what: "labels",
                expected: inputs.len(),
                got: labels.len(),
            });
        }
        Ok(Dataset {
            uid: next_uid(),
            name: "dataset".into(),
            rows: inputs,
            labels,
            ids: None,
            tags: BTreeMap::new(),
            derived: Arc::default(),
        })
    }

    /// Names the dataset in reports and errors.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Attaches one id per row; ids must be distinct.
    pub fn with_ids<I, S>(mut self, ids: I) -> Result<Self, DataError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        if ids.len() != self.rows.len() {
            return Err(DataError::LengthMismatch {
                what: "row ids",
                expected: self.rows.len(),
                got: ids.len(),
            });
        }
        let mut seen = std::collections::HashSet::with_capacity(ids.len());
        for (row, id) in ids.iter().enumerate() {
            if !seen.insert(id.as_str()) {
                return Err(DataError::DuplicateId {
                    at: Box::new(Location::row(row)),
                    id: id.clone(),
                });
            }
        }
        self.ids = Some(ids);
        Ok(self)
    }

    /// An identity for these rows, unique within the process (clones share it).
    pub(crate) fn uid(&self) -> u64 {
        self.uid
    }

    /// The column derived from the rows under `key`, made by `make` the first time it is
    /// asked for (see [`Derived`]). The key must determine the column from the rows alone.
    pub(crate) fn derived<T, E>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
    {
        let lock = || {
            self.derived
                .columns
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        if let Some(column) = lock().get(key).and_then(|c| c.clone().downcast::<T>().ok()) {
            return Ok(column);
        }
        // Made outside the lock: a cohort's mask may ask for its parts' masks.
        let column = Arc::new(make()?);
        let mut columns = lock();
        if columns.len() < Derived::LIMIT {
            columns.insert(key.to_string(), column.clone());
        }
        Ok(column)
    }

    /// The dataset's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of rows (never zero).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Always false: a dataset has at least one row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows.
    pub fn rows(&self) -> &[R] {
        &self.rows
    }

    /// The labels.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// The row ids, if attached.
    pub fn ids(&self) -> Option<&[String]> {
        self.ids.as_deref()
    }

    /// The id of row `row`: its attached id.
    pub fn id(&self, row: usize) -> Option<&str> {
        self.ids
            .as_ref()
            .and_then(|ids| ids.get(row))
            .map(String::as_str)
    }

    /// Tags the rows for which `predicate` holds, replacing any tag of that name.
    pub fn tag_where(&mut self, name: impl Into<String>, predicate: impl Fn(&R) -> bool) {
        let rows = (0..self.rows.len())
            .filter(|&i| predicate(&self.rows[i]))
            .collect();
        self.tags.insert(name.into(), rows);
    }

    /// Tags the given rows (by position), replacing any tag of that name.
    pub fn tag_rows(
        &mut self,
        name: impl Into<String>,
        rows: impl IntoIterator<Item = usize>,
    ) -> Result<(), DataError> {
        let mut rows: Vec<usize> = rows.into_iter().collect();
        if let Some(&bad) = rows.iter().find(|&&r| r >= self.rows.len()) {
            return Err(DataError::Setting {
                reason: format!("row {bad} is out of range for {} rows", self.rows.len()),
            });
        }
        rows.sort_unstable();
        rows.dedup();
        self.tags.insert(name.into(), rows);
        Ok(())
    }

    /// Tags the rows whose ids are listed; an unknown id is an error.
    pub fn tag_ids<S: AsRef<str>>(
        &mut self,
        name: impl Into<String>,
        ids: impl IntoIterator<Item = S>,
    ) -> Result<(), DataError> {
        let Some(all) = &self.ids else {
            return Err(DataError::Setting {
                reason: format!("dataset `{}` has no row ids to tag by", self.name),
            });
        };
        let position: std::collections::HashMap<&str, usize> = all
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let rows = ids
            .into_iter()
            .map(|id| {
                position
                    .get(id.as_ref())
                    .copied()
                    .ok_or_else(|| DataError::Setting {
                        reason: format!("no row has id {:?}", id.as_ref()),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.tag_rows(name, rows)
    }

    /// The rows tagged `name`, in order.
    pub fn tag(&self, name: &str) -> Option<&[usize]> {
        self.tags.get(name).map(Vec::as_slice)
    }

    /// The tag names.
    pub fn tag_names(&self) -> impl Iterator<Item = &str> {
        self.tags.keys().map(String::as_str)
    }

    /// `n` distinct row positions drawn uniformly with `seed`, in increasing order. Asking
    /// for no rows, or more rows than there are, is an error.
    pub fn sample_rows(&self, n: usize, seed: u64) -> Result<Vec<usize>, DataError> {
        if n == 0 || n > self.len() {
            return Err(DataError::Setting {
                reason: format!("cannot sample {n} rows from {} rows", self.len()),
            });
        }
        let mut rng = seeded_rng(seed);
        let mut rows = rand::seq::index::sample(&mut rng, self.len(), n).into_vec();
        rows.sort_unstable();
        Ok(rows)
    }
}

impl<R: Clone> Dataset<R> {
    /// The dataset restricted to `rows` (distinct positions, in the order given), with
    /// labels, ids and tags carried over (tags renumbered). An empty selection, a position
    /// out of range or a repeated position is an error.
    pub fn subset(&self, rows: &[usize]) -> Result<Dataset<R>, DataError> {
        if rows.is_empty() {
            return Err(DataError::Empty {
                what: format!("a subset of dataset `{}`", self.name),
            });
        }
        let mut new_position = vec![usize::MAX; self.len()];
        for (new, &old) in rows.iter().enumerate() {
            let Some(slot) = new_position.get_mut(old) else {
                return Err(DataError::Setting {
                    reason: format!("row {old} is out of range for {} rows", self.len()),
                });
            };
            if *slot != usize::MAX {
                return Err(DataError::Setting {
                    reason: format!("row {old} is selected twice"),
                });
            }
            *slot = new;
        }
        let tags = self
            .tags
            .iter()
            .map(|(name, members)| {
                let mut kept: Vec<usize> = members
                    .iter()
                    .map(|&r| new_position[r])
                    .filter(|&r| r != usize::MAX)
                    .collect();
                kept.sort_unstable();
                (name.clone(), kept)
            })
            .collect();
        Ok(Dataset {
            uid: next_uid(),
            name: self.name.clone(),
            rows: rows.iter().map(|&r| self.rows[r].clone()).collect(),
            labels: self.labels.subset(rows),
            ids: self
                .ids
                .as_ref()
                .map(|ids| rows.iter().map(|&r| ids[r].clone()).collect()),
            tags,
            derived: Arc::default(),
        })
    }

    /// A seeded random sample of `n` rows; see [`Dataset::sample_rows`].
    pub fn sample(&self, n: usize, seed: u64) -> Result<Dataset<R>, DataError> {
        self.subset(&self.sample_rows(n, seed)?)
    }

    /// Splits the rows at random into two datasets, the first holding `fraction` of them
    /// (rounded to the nearest row). Both parts must be non-empty.
    ///
    /// ```
    /// use model_check::data::{Dataset, Labels};
    ///
    /// let data = Dataset::from_inputs((0..10).collect(), Labels::values(vec![0.0; 10])?)?;
    /// let (train, test) = data.split(0.8, 42)?;
    /// assert_eq!((train.len(), test.len()), (8, 2));
    /// assert_eq!(data.split(0.8, 42)?.1.rows(), test.rows()); // same seed, same split
    /// # Ok::<(), model_check::data::DataError>(())
    /// ```
    pub fn split(&self, fraction: f64, seed: u64) -> Result<(Dataset<R>, Dataset<R>), DataError> {
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(DataError::Setting {
                reason: format!("split fraction must be in (0, 1), got {fraction}"),
            });
        }
        let first = (fraction * self.len() as f64).round() as usize;
        if first == 0 || first == self.len() {
            return Err(DataError::Setting {
                reason: format!(
                    "splitting {} rows at {fraction} leaves one part empty",
                    self.len()
                ),
            });
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut seeded_rng(seed));
        let (a, b) = order.split_at_mut(first);
        a.sort_unstable();
        b.sort_unstable();
        Ok((self.subset(a)?, self.subset(b)?))
    }
}

impl<R: Features> Dataset<R> {
    /// A dataset of feature rows. Every number must be finite and inside its declared range,
    /// only `Option` fields may be missing; the dataset must not be empty and must have one
    /// label per row.
    pub fn from_rows(rows: Vec<R>, labels: Labels) -> Result<Self, DataError> {
        for (i, row) in rows.iter().enumerate() {
            check_row(row, || Location::row(i))?;
        }
        Dataset::from_inputs(rows, labels)
    }

    /// A dataset of feature rows without labels: an unlabelled batch, checked by
    /// expectations on the data alone or on predictions. The rows are checked as by
    /// [`from_rows`](Dataset::from_rows).
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { x: f64 }
    ///
    /// let batch = Dataset::unlabelled(vec![Row { x: 1.0 }, Row { x: 2.0 }])?;
    /// assert!(!batch.labels().is_labelled());
    /// # Ok::<(), model_check::data::DataError>(())
    /// ```
    pub fn unlabelled(rows: Vec<R>) -> Result<Self, DataError> {
        let n = rows.len();
        Dataset::from_rows(rows, Labels::unlabelled(n))
    }

    /// Loads a dataset from CSV. Each record is deserialized into `R` with serde, by header
    /// name; columns `R` does not name are ignored, so `R` may also read the id column (into a
    /// `#[features(skip)]` field, say). The label column gives the labels.
    ///
    /// Every feature's column must be in the header, `Option` features' too: an `Option`
    /// field may hold empty cells, but an absent column is a
    /// [`DataError::MissingFieldColumn`] naming the field, the file, the header and the
    /// closest header name — never a column of `None`s. A feature's column is the one named
    /// like the feature (`#[features(rename = "Age")]` reads column `Age` into field `age`),
    /// or the one serde names the field after (`#[serde(rename)]`, `#[serde(rename_all)]`).
    /// `#[features(skip)]` fields are read by serde's own rules (a `#[serde(default)]` field
    /// may be absent).
    ///
    /// Malformed files are errors naming the file and line: an empty file, a record with
    /// too few or too many fields, a quoted cell that is never closed, a cell that is not
    /// UTF-8 (naming its column), a value of the wrong type or out of its range.
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, serde::Deserialize, Debug)]
    /// struct Customer { tenure: f64, total_charges: Option<f64> }
    ///
    /// # let dir = std::env::temp_dir().join(format!("mc-doc-csv-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("customers.csv");
    /// std::fs::write(&path, "id,tenure,total_charges,churn\n7,1,?,Yes\n8,40,3000.5,No\n")?;
    /// let data: Dataset<Customer> = Dataset::from_csv(
    ///     &path,
    ///     CsvOptions::classify("churn").id("id").missing("?"),
    /// )?;
    /// assert_eq!(data.len(), 2);
    /// assert_eq!(data.rows()[0].total_charges, None);
    /// assert_eq!(data.id(1), Some("8"));
    ///
    /// // A NaN is an error naming the file, line and field.
    /// std::fs::write(&path, "id,tenure,total_charges,churn\n7,NaN,1.0,Yes\n")?;
    /// let err = Dataset::<Customer>::from_csv(&path, CsvOptions::classify("churn")).unwrap_err();
    /// assert!(err.to_string().ends_with("customers.csv:2, field `tenure`: NaN is not a finite number"));
    ///
    /// // An absent column is an error, with the closest header name as the fix.
    /// std::fs::write(&path, "id,tenure,TotalCharges,churn\n7,1,2.5,Yes\n")?;
    /// let err = Dataset::<Customer>::from_csv(&path, CsvOptions::classify("churn")).unwrap_err();
    /// assert!(matches!(err, DataError::MissingFieldColumn { .. }));
    /// assert!(err.to_string().contains("no column `total_charges` for field `total_charges`"));
    /// assert!(err.to_string().contains("did you mean `TotalCharges`?"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_csv(path: impl AsRef<Path>, options: CsvOptions) -> Result<Self, DataError>
    where
        R: serde::de::DeserializeOwned,
    {
        csv_load::load(path.as_ref(), &options)
    }
}

/// Checks a row against its schema, naming the feature at fault: numbers must be finite and
/// inside a declared range; only optional features may be missing, and an empty category
/// counts as missing. `at` gives the row's location (computed only on error).
pub(crate) fn check_row<R: Features>(row: &R, at: impl Fn() -> Location) -> Result<(), DataError> {
    let schema = R::SCHEMA;
    for (i, spec) in schema.iter().enumerate() {
        let invalid = |reason: String| DataError::Invalid {
            at: Box::new(at().in_field(spec.name())),
            reason,
        };
        match row.value(i) {
            Value::Number(x) if !x.is_finite() => {
                return Err(invalid(format!("{x} is not a finite number")));
            }
            Value::Number(x) => {
                if let Some((lo, hi)) = spec.range()
                    && !(lo..=hi).contains(&x)
                {
                    return Err(invalid(format!(
                        "{x} is outside the declared range [{lo}, {hi}]"
                    )));
                }
            }
            Value::Category(c) if c.is_empty() && !spec.is_optional() => {
                return Err(invalid(
                    "the value is missing, and the field is not an Option".into(),
                ));
            }
            Value::Category(_) | Value::Missing => {}
        }
    }
    Ok(())
}

#[cfg(feature = "ndarray")]
impl Dataset<Vec<f64>> {
    /// A dataset whose rows are the rows of a numeric matrix; every entry must be finite.
    ///
    /// ```
    /// use model_check::data::{Dataset, Labels};
    ///
    /// let x = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
    /// let data = Dataset::from_array(x.view(), Labels::values(vec![0.5, 1.5])?)?;
    /// assert_eq!(data.rows()[1], vec![3.0, 4.0]);
    /// assert!(Dataset::from_array(ndarray::array![[f64::INFINITY]].view(), Labels::values(vec![0.0])?).is_err());
    /// # Ok::<(), model_check::data::DataError>(())
    /// ```
    pub fn from_array(x: ndarray::ArrayView2<'_, f64>, labels: Labels) -> Result<Self, DataError> {
        let mut rows = Vec::with_capacity(x.nrows());
        for (i, row) in x.outer_iter().enumerate() {
            if let Some(j) = row.iter().position(|v| !v.is_finite()) {
                return Err(DataError::Invalid {
                    at: Box::new(Location::row(i).in_field(format!("column {j}"))),
                    reason: format!("{} is not a finite number", row[j]),
                });
            }
            rows.push(row.to_vec());
        }
        Dataset::from_inputs(rows, labels)
    }
}
