//! Errors raised while loading or validating data, with the position at fault.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in the input a problem sits: file, line and field, as far as known.
///
/// Lines are 1-based and count the header, as an editor shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file, when the data came from one.
    pub path: Option<PathBuf>,
    /// The 1-based line in the file, when known.
    pub line: Option<u64>,
    /// The 0-based row of in-memory data, when known.
    pub row: Option<usize>,
    /// The column or feature name, when known.
    pub field: Option<String>,
}

impl Location {
    /// A location in a file.
    pub fn file(path: &Path) -> Self {
        Location {
            path: Some(path.to_path_buf()),
            ..Location::default()
        }
    }

    /// The `index`-th row of in-memory data (0-based), shown as "row N".
    pub fn row(index: usize) -> Self {
        Location {
            row: Some(index),
            ..Location::default()
        }
    }

    /// The same location at `line`.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// The same location in `field`.
    pub fn in_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line, self.row) {
            (Some(path), Some(line), _) => write!(f, "{}:{line}", path.display())?,
            // A file without lines (Parquet): its 0-based row.
            (Some(path), None, Some(row)) => write!(f, "{}, row {row}", path.display())?,
            (Some(path), None, None) => write!(f, "{}", path.display())?,
            (None, _, Some(row)) => write!(f, "row {row}")?,
            (None, Some(line), None) => write!(f, "line {line}")?,
            (None, None, None) => f.write_str("input")?,
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        Ok(())
    }
}

/// Data that cannot be loaded or used, naming the file, line and field at fault.
#[derive(Debug)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A record could not be read or parsed (malformed CSV, a value of the wrong type).
    Parse {
        /// Where.
        at: Box<Location>,
        /// What went wrong.
        message: String,
    },
    /// A column the loader was told to use is not in the header.
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns the header has.
        available: Vec<String>,
    },
    /// A field of the row type has no column in the header. An `Option` field may hold
    /// empty cells, but its column must be there: an absent column is not read as "every
    /// value missing".
    MissingFieldColumn {
        /// The file, the header's line (when the header is in the file) and, as the field,
        /// the column looked for: the feature's name.
        at: Box<Location>,
        /// The Rust field that reads the column.
        field: String,
        /// The name serde reads the field under, when it differs from the column looked for
        /// (`#[serde(rename)]`, `#[serde(rename_all)]`); a column of that name would do too.
        serde_name: Option<String>,
        /// Whether the field is a feature (else a `#[features(skip)]` field read by serde).
        feature: bool,
        /// The columns the header has.
        available: Vec<String>,
        /// The header column nearest the name looked for (same name ignoring case,
        /// whitespace, `_` and `-`, or a small edit away), when one is nearest.
        closest: Option<String>,
    },
    /// The file holds nothing: no header line and no rows (or only blank lines).
    EmptyFile {
        /// The file.
        path: PathBuf,
    },
    /// A value is present but not allowed: NaN or infinity, a missing value where the
    /// feature is not optional, probabilities that do not sum to one.
    Invalid {
        /// Where.
        at: Box<Location>,
        /// Why it is not allowed.
        reason: String,
    },
    /// A label is not one of the declared classes.
    UnknownClass {
        /// Where.
        at: Box<Location>,
        /// The label found.
        label: String,
        /// The known classes.
        classes: Vec<String>,
    },
    /// The same row id occurs twice.
    DuplicateId {
        /// Where the second occurrence is.
        at: Box<Location>,
        /// The id.
        id: String,
    },
    /// A dataset, cohort or file holds no rows.
    Empty {
        /// What is empty.
        what: String,
    },
    /// Two sequences that must have one entry per row differ in length.
    LengthMismatch {
        /// What was compared ("labels", "row ids").
        what: &'static str,
        /// The number of rows.
        expected: usize,
        /// The number of entries given.
        got: usize,
    },
    /// A setting given to a loader or sampler is not valid.
    Setting {
        /// What is wrong with it.
        reason: String,
    },
    /// A column's type does not fit the field or label that reads it (a Parquet column of
    /// strings for a numeric feature, say).
    ColumnType {
        /// The file (when there is one), the column as the field, and the row when the
        /// mismatch was found in a value rather than in the file's schema.
        at: Box<Location>,
        /// What the field or label reads.
        expected: String,
        /// The column's type, as Arrow names it.
        found: String,
    },
    /// The file is not in the format it is read as, or is damaged: not a Parquet file, a
    /// truncated one, a page that cannot be decoded.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the reader found wrong.
        reason: String,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            DataError::Parse { at, message } => write!(f, "{at}: {message}"),
            DataError::MissingColumn {
                path,
                column,
                available,
            } => write!(
                f,
                "{}: no column `{column}` in the header (columns: {})",
                path.display(),
                available.join(", ")
            ),
            DataError::MissingFieldColumn {
                at,
                field,
                serde_name,
                feature,
                available,
                closest,
            } => {
                match (&at.path, at.line) {
                    (Some(path), Some(line)) => write!(f, "{}:{line}: ", path.display())?,
                    (Some(path), None) => write!(f, "{}: ", path.display())?,
                    (None, _) => {}
                }
                let column = at.field.as_deref().unwrap_or(field);
                write!(f, "no column `{column}`")?;
                if let Some(serde_name) = serde_name {
                    write!(f, " (or `{serde_name}`, as serde names it)")?;
                }
                write!(
                    f,
                    " for field `{field}` in the header (columns: {})",
                    available.join(", ")
                )?;
                if let Some(closest) = closest {
                    let fix = if *feature {
                        "the feature with #[features(rename"
                    } else {
                        "the field with #[serde(rename"
                    };
                    write!(
                        f,
                        "; did you mean `{closest}`? Rename the column, or {fix} = {closest:?})]"
                    )?;
                }
                Ok(())
            }
            DataError::EmptyFile { path } => write!(
                f,
                "{}: the file is empty: no header line and no rows",
                path.display()
            ),
            DataError::Invalid { at, reason } => write!(f, "{at}: {reason}"),
            DataError::UnknownClass { at, label, classes } => write!(
                f,
                "{at}: label {label:?} is not a known class (classes: {})",
                classes.join(", ")
            ),
            DataError::DuplicateId { at, id } => write!(f, "{at}: duplicate row id {id:?}"),
            DataError::Empty { what } => write!(f, "{what} has no rows"),
            DataError::LengthMismatch {
                what,
                expected,
                got,
            } => write!(f, "{got} {what} for {expected} rows"),
            DataError::Setting { reason } => f.write_str(reason),
            DataError::ColumnType {
                at,
                expected,
                found,
            } => write!(
                f,
                "{at}: expected {expected}, found a column of Arrow type {found}"
            ),
            DataError::Corrupt { path, reason } => write!(f, "{}: {reason}", path.display()),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl DataError {
    /// The location at fault, when the error has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            DataError::Parse { at, .. }
            | DataError::Invalid { at, .. }
            | DataError::UnknownClass { at, .. }
            | DataError::DuplicateId { at, .. }
            | DataError::MissingFieldColumn { at, .. }
            | DataError::ColumnType { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The same error with its row moved by `offset`: an error found in a batch of a
    /// stream names the row's position in the whole stream.
    pub(crate) fn offset_rows(mut self, offset: usize) -> Self {
        if let DataError::Parse { at, .. }
        | DataError::Invalid { at, .. }
        | DataError::UnknownClass { at, .. }
        | DataError::DuplicateId { at, .. }
        | DataError::MissingFieldColumn { at, .. }
        | DataError::ColumnType { at, .. } = &mut self
            && let Some(row) = &mut at.row
        {
            *row += offset;
        }
        self
    }
}
