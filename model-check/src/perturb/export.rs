//! Synthetic data out: the variants augmenters make and the texts templates make, as CSV
//! files to train on.
//!
//! [`augment`] turns a dataset into a dataset of its rows' variants under an augmenter —
//! seeded, each variant labelled as its original and identified by it — and [`write_csv`]
//! writes any dataset of feature rows or texts as CSV with a header, in the form
//! [`Dataset::from_csv`] (feature rows) or any CSV reader (texts) loads back. Template
//! texts are datasets already ([`Templates::dataset`](super::Templates::dataset)).
//!
//! ```
//! use model_check::perturb::{CsvColumns, augment, noise, write_csv};
//! use model_check::prelude::*;
//!
//! #[derive(Features, Clone, Debug, PartialEq, serde::Deserialize)]
//! struct Loan { income: f64, debt: f64 }
//!
//! let rows: Vec<Loan> = (0..20).map(|i| Loan { income: 10.0 * i as f64, debt: (i % 7) as f64 }).collect();
//! let labels = Labels::classes(rows.iter().map(|l| if l.income > 100.0 { "repaid" } else { "default" }))?;
//! let data = Dataset::from_rows(rows, labels)?;
//!
//! // Three noisy copies of every row, labelled as the row they come from.
//! let synthetic = augment(&data, &noise(0.05), 3, 42)?;
//! assert_eq!(synthetic.len(), 60);
//! assert_eq!(synthetic.id(4), Some("1~2")); // row 1's second variant
//!
//! # let dir = std::env::temp_dir().join(format!("mc-doc-export-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! let path = dir.join("loans-augmented.csv");
//! write_csv(&synthetic, &path, &CsvColumns::new().label("outcome").id("source"))?;
//! let back: Dataset<Loan> = Dataset::from_csv(&path, CsvOptions::classify("outcome").id("source"))?;
//! assert_eq!(back.rows(), synthetic.rows());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use super::{Augmenter, Editable, SettingError};
use crate::data::{
    DataError, Dataset, Features, Kind, Labels, Location, NumberType, Value, check_row, seeded_rng,
};

/// The variants of every row of `data` under `augmenter`, as a dataset.
///
/// The augmenter is [checked](Augmenter::check), fitted on all of `data` and checked again,
/// as the expectations do; then each row in turn gets `per_row` proposals drawn from one
/// generator seeded with `seed` (the same seed, the same variants), or — for augmenters that
/// enumerate their variants ([`swap_protected`](super::swap_protected),
/// [`shift`](super::shift)) — each of its variants once, whatever `per_row` says. A proposal
/// that changes nothing makes no variant, and repeated proposals are kept (they weigh as
/// drawn).
///
/// Each variant keeps its original's label (class or value; the same classes), which is
/// right for augmenters the label should not depend on — noise, typos, a swapped protected
/// attribute — and not for a directional change. Its id is its original's id (the row's
/// position when `data` has no ids) and its number among that row's variants, from 1:
/// `c17~2`. Keep the variants of a held-out row out of training data by this id. Tags
/// carry over to the variants of tagged rows. The original rows are not included.
///
/// Errors ([`DataError::Setting`]): `per_row` of 0 and any setting the augmenter's check
/// refuses, naming it; [`DataError::Empty`] when no row has a variant.
///
/// ```
/// use model_check::perturb::{augment, swap_protected};
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Applicant { income: f64, #[features(protected)] female: bool }
///
/// let rows = vec![Applicant { income: 30.0, female: false }, Applicant { income: 60.0, female: true }];
/// let data = Dataset::from_rows(rows, Labels::classes(["deny", "approve"])?)?;
/// let swapped = augment(&data, &swap_protected(), 1, 0)?;
/// assert_eq!(swapped.len(), 2);
/// assert!(swapped.rows()[0].female && !swapped.rows()[1].female);
/// assert_eq!(swapped.labels().class_of(0), Some("deny"));
/// assert_eq!(swapped.ids().unwrap(), ["0~1", "1~1"]);
/// # Ok::<(), model_check::data::DataError>(())
/// ```
pub fn augment<R, A>(
    data: &Dataset<R>,
    augmenter: &A,
    per_row: usize,
    seed: u64,
) -> Result<Dataset<R>, DataError>
where
    R: Editable,
    A: Augmenter<R>,
{
    if per_row == 0 {
        return Err(SettingError::new(
            "augment(per_row)",
            "must be at least 1 variant per row, got 0",
        )
        .into());
    }
    augmenter.check()?;
    let fitted = augmenter.fit_dataset(data);
    fitted.check()?;

    let mut rng = seeded_rng(seed);
    let mut rows = Vec::new();
    let mut sources = Vec::new();
    let mut ids = Vec::new();
    for (i, row) in data.rows().iter().enumerate() {
        let proposals = fitted.enumerate(row).unwrap_or_else(|| {
            (0..per_row)
                .filter_map(|_| fitted.propose(row, &mut rng))
                .collect()
        });
        let source = data.id(i).map_or_else(|| i.to_string(), str::to_string);
        for (k, edits) in (1..).zip(proposals.into_iter().filter(|e| !e.is_empty())) {
            rows.push(row.apply(&edits));
            sources.push(i);
            ids.push(format!("{source}~{k}"));
        }
    }
    if rows.is_empty() {
        return Err(DataError::Empty {
            what: format!("the augmented `{}` ({})", data.name(), fitted.describe()),
        });
    }

    let labels = data.labels();
    let labels =
        if let (Some(classes), Some(indices)) = (labels.class_names(), labels.class_indices()) {
            Labels::with_classes(
                classes.iter().cloned(),
                sources
                    .iter()
                    .map(|&i| classes[indices[i] as usize].clone()),
            )?
        } else if let Some(targets) = labels.targets() {
            Labels::values(sources.iter().map(|&i| targets[i]).collect())?
        } else {
            Labels::unlabelled(rows.len())
        };
    let mut variants = Dataset::from_inputs(rows, labels)?
        .named(format!("{} (augmented)", data.name()))
        .with_ids(ids)?;
    for tag in data.tag_names() {
        let tagged = data.tag(tag).unwrap_or_default();
        let of_tagged = (0..sources.len()).filter(|&j| tagged.binary_search(&sources[j]).is_ok());
        variants.tag_rows(tag, of_tagged.collect::<Vec<_>>())?;
    }
    Ok(variants)
}

/// The columns [`write_csv`] writes besides the features: the label's, the row id's, and
/// a text's.
///
/// ```
/// use model_check::perturb::CsvColumns;
///
/// // Labels in `churn`, row ids in `source`; the defaults are `label`, no ids, and `text`.
/// let columns = CsvColumns::new().label("churn").id("source");
/// # let _ = columns;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvColumns {
    label: String,
    id: Option<String>,
    text: String,
}

impl Default for CsvColumns {
    fn default() -> Self {
        CsvColumns {
            label: "label".into(),
            id: None,
            text: "text".into(),
        }
    }
}

impl CsvColumns {
    /// Labels in column `label`, no row ids, texts in column `text`.
    pub fn new() -> Self {
        CsvColumns::default()
    }

    /// Writes the labels in column `name` (default `label`); an unlabelled dataset has no
    /// label column.
    pub fn label(mut self, name: impl Into<String>) -> Self {
        self.label = name.into();
        self
    }

    /// Writes the row ids in column `name`, first (by default they are not written); the
    /// dataset must have ids.
    pub fn id(mut self, name: impl Into<String>) -> Self {
        self.id = Some(name.into());
        self
    }

    /// Writes a dataset of texts in column `name` (default `text`); ignored for feature rows.
    pub fn text(mut self, name: impl Into<String>) -> Self {
        self.text = name.into();
        self
    }
}

mod sealed {
    use crate::data::DataError;

    /// How a row type is written: its columns and, for each row, its cells.
    pub trait Row {
        /// The columns a row fills, in order; `text` names a text's column.
        fn columns(text: &str) -> Vec<String>;
        /// Appends the cells of the row at position `row` to `out`; an error when a value
        /// would not load back.
        fn cells(&self, row: usize, out: &mut Vec<String>) -> Result<(), DataError>;
        /// Whether `column` is one the row type fills (so a label or id column must not be).
        fn fills(column: &str, text: &str) -> bool {
            Self::columns(text).iter().any(|c| c == column)
        }
    }
}

/// A row type [`write_csv`] can write: any `#[derive(Features)]` type, one column per
/// feature, named as in its schema; and `String`, a text in one column.
pub trait CsvRow: sealed::Row {}

impl<R: Features> sealed::Row for R {
    fn columns(_text: &str) -> Vec<String> {
        R::SCHEMA.names().map(str::to_string).collect()
    }

    fn cells(&self, row: usize, out: &mut Vec<String>) -> Result<(), DataError> {
        // What `Dataset::from_csv` checks on load, checked before writing.
        check_row(self, || Location::row(row))?;
        for (i, spec) in R::SCHEMA.iter().enumerate() {
            out.push(match (self.value(i), spec.kind()) {
                (Value::Missing, _) => String::new(),
                (Value::Category(level), _) => level.into_owned(),
                (
                    Value::Number(x),
                    Kind::Numeric {
                        number: NumberType::Bool,
                        ..
                    },
                ) => (x != 0.0).to_string(),
                // The shortest text that reads back as the same number (`-0` as `0`, which an
                // unsigned field reads too).
                (Value::Number(x), _) => (x + 0.0).to_string(),
            });
        }
        Ok(())
    }
}

impl<R: Features> CsvRow for R {}

impl sealed::Row for String {
    fn columns(text: &str) -> Vec<String> {
        vec![text.to_string()]
    }

    fn cells(&self, _row: usize, out: &mut Vec<String>) -> Result<(), DataError> {
        out.push(self.clone());
        Ok(())
    }
}

impl CsvRow for String {}

/// Writes `data` to `path` as CSV with a header: the row ids first when
/// [`CsvColumns::id`] asks for them, then one column per feature in schema order (or the
/// text), then the labels (class names or numbers) unless the dataset is unlabelled.
///
/// Numbers are written exactly (the shortest text that reads back as the same `f64`),
/// booleans as `true`/`false`, categories by level name, missing values as empty cells;
/// the csv crate quotes cells with commas and quotes. Feature rows load back with
/// [`Dataset::from_csv`] when the row type reads each feature by its schema name — a
/// `#[features(rename)]` needs a matching `#[serde(rename)]`, and a `#[features(skip)]` field
/// a `#[serde(default)]`, as the file has no column for it.
///
/// Errors: a label or id column named like a feature (or like each other), ids asked for
/// and the dataset has none ([`DataError::Setting`]); a value [`Dataset::from_csv`] would
/// refuse — NaN, infinity, outside the declared range — naming row and feature
/// ([`DataError::Invalid`]); a file that cannot be written ([`DataError::Io`]).
///
/// ```
/// use model_check::perturb::{CsvColumns, Template, Templates, write_csv};
///
/// let texts = Templates::new()
///     .with(Template::new("I love {city}.").label("positive"))
///     .with(Template::new("I do not love {city}.").label("negative"))
///     .dataset(2, 0)?;
/// # let dir = std::env::temp_dir().join(format!("mc-doc-write-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let path = dir.join("templates.csv");
/// write_csv(&texts, &path, &CsvColumns::new().text("review").label("sentiment"))?;
/// let written = std::fs::read_to_string(&path)?;
/// let mut lines = written.lines();
/// assert_eq!(lines.next(), Some("review,sentiment"));
/// assert_eq!(lines.next(), Some(format!("{},positive", texts.rows()[0]).as_str()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_csv<R: CsvRow>(
    data: &Dataset<R>,
    path: impl AsRef<Path>,
    columns: &CsvColumns,
) -> Result<(), DataError> {
    let path = path.as_ref();
    let labels = data.labels();
    let label = labels.is_labelled().then_some(columns.label.as_str());
    let id = columns.id.as_deref();
    let clash = |reason: String| Err(DataError::Setting { reason });
    for (role, name) in [("label column", label), ("row id column", id)] {
        if let Some(name) = name
            && R::fills(name, &columns.text)
        {
            return clash(format!(
                "column `{name}` is both the {role} and a feature of the row type"
            ));
        }
    }
    if let (Some(label), Some(id)) = (label, id)
        && label == id
    {
        return clash(format!(
            "column `{label}` is both the label column and the row id column"
        ));
    }
    let ids = match id {
        Some(column) => match data.ids() {
            Some(ids) => Some(ids),
            None => {
                return clash(format!(
                    "dataset `{}` has no row ids to write in column `{column}`",
                    data.name()
                ));
            }
        },
        None => None,
    };

    let io = |source: std::io::Error| DataError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Written in memory first, so that a refused value leaves no half-written file.
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = id.map(str::to_string).into_iter().collect();
    header.extend(R::columns(&columns.text));
    header.extend(label.map(str::to_string));
    writer.write_record(&header).map_err(|e| io(e.into()))?;
    let mut record = Vec::with_capacity(header.len());
    for (i, row) in data.rows().iter().enumerate() {
        record.clear();
        if let Some(ids) = ids {
            record.push(ids[i].clone());
        }
        row.cells(i, &mut record)?;
        if label.is_some() {
            record.push(match (labels.class_of(i), labels.value_of(i)) {
                (Some(class), _) => class.to_string(),
                (None, Some(y)) => y.to_string(),
                (None, None) => String::new(),
            });
        }
        writer.write_record(&record).map_err(|e| io(e.into()))?;
    }
    let bytes = writer.into_inner().map_err(|e| io(e.into_error()))?;
    std::fs::write(path, bytes).map_err(io)
}
