//! Loading a [`Dataset`] from CSV through serde, with errors that name file, line and field.

use std::path::Path;

use super::{DataError, Dataset, Features, Labels, Location, check_class_names, check_row};

/// How to read a CSV file into a [`Dataset`]: which column holds the label, which the row
/// id, and which cell values mean "missing".
///
/// ```
/// use model_check::data::CsvOptions;
///
/// let options = CsvOptions::classify("income")
///     .classes(["<=50K", ">50K"])
///     .missing("?")
///     .trim();
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
pub struct CsvOptions {
    label: String,
    regression: bool,
    id: Option<String>,
    missing: Vec<String>,
    classes: Option<Vec<String>>,
    headers: Option<Vec<String>>,
    trim: bool,
    delimiter: u8,
    comment: Option<u8>,
    map_label: Option<fn(&str) -> String>,
}

impl CsvOptions {
    /// Class labels in column `label`.
    pub fn classify(label: impl Into<String>) -> Self {
        CsvOptions {
            label: label.into(),
            regression: false,
            id: None,
            missing: Vec::new(),
            classes: None,
            headers: None,
            trim: false,
            delimiter: b',',
            comment: None,
            map_label: None,
        }
    }

    /// Numeric targets in column `label`.
    pub fn regress(label: impl Into<String>) -> Self {
        CsvOptions {
            regression: true,
            ..CsvOptions::classify(label)
        }
    }

    /// Row ids in column `id`; ids must be distinct.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Treats cells equal to `marker` (after trimming, if asked) as missing, like empty cells.
    /// Only `Option` fields accept a missing value.
    pub fn missing(mut self, marker: impl Into<String>) -> Self {
        self.missing.push(marker.into());
        self
    }

    /// Declares the classes; a label outside them is an error. Without this the classes are
    /// the distinct labels found, sorted.
    pub fn classes<I, S>(mut self, classes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.classes = Some(classes.into_iter().map(Into::into).collect());
        self
    }

    /// Names the columns of a file without a header line.
    pub fn headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.headers = Some(headers.into_iter().map(Into::into).collect());
        self
    }

    /// Trims whitespace around every cell.
    pub fn trim(mut self) -> Self {
        self.trim = true;
        self
    }

    /// Uses `delimiter` instead of a comma.
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Skips lines that start with `marker` (UCI Adult's test file opens with
    /// `|1x3 Cross validator`).
    pub fn comment(mut self, marker: u8) -> Self {
        self.comment = Some(marker);
        self
    }

    /// Rewrites each label before it is checked against the classes: UCI Adult's test file
    /// writes `>50K.` where its training file writes `>50K`.
    ///
    /// ```
    /// use model_check::data::CsvOptions;
    ///
    /// let options = CsvOptions::classify("income").map_label(|l| l.trim_end_matches('.').to_string());
    /// # let _ = options;
    /// ```
    pub fn map_label(mut self, f: fn(&str) -> String) -> Self {
        self.map_label = Some(f);
        self
    }
}

/// Opens `path` as CSV with a header line.
pub(crate) fn csv_reader(path: &Path) -> Result<csv::Reader<std::fs::File>, DataError> {
    let file = std::fs::File::open(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(csv::ReaderBuilder::new().from_reader(file))
}

/// The 1-based line of the record at `position` in `path`, counting `\n`, `\r\n` and a lone
/// `\r` as line ends. (The csv crate's own line count misses blank lines and `\r\n`.)
/// Computed only for errors: it reads the file again.
pub(crate) fn line_at(path: &Path, position: Option<&csv::Position>) -> Option<u64> {
    let position = position?;
    let bytes = std::fs::read(path).ok()?;
    let mut start = (position.byte() as usize).min(bytes.len());
    // The recorded offset can sit before the line ends the reader skipped.
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    let mut line = 1;
    let mut i = 0;
    while i < start {
        match bytes[i] {
            b'\n' => line += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
        i += 1;
    }
    Some(line)
}

/// Converts a csv error into a [`DataError`] at its position in `path`.
pub(crate) fn csv_error(error: csv::Error, path: &Path) -> DataError {
    let line = line_at(path, error.position());
    match error.into_kind() {
        csv::ErrorKind::Io(source) => DataError::Io {
            path: path.to_path_buf(),
            source,
        },
        kind => {
            let mut at = Location::file(path);
            at.line = line;
            DataError::Parse {
                at: Box::new(at),
                message: describe_csv_error(kind),
            }
        }
    }
}

fn describe_csv_error(kind: csv::ErrorKind) -> String {
    match kind {
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("record has {len} fields, the header has {expected_len}"),
        csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
        other => format!("{other:?}"),
    }
}

pub(super) fn load<R>(path: &Path, options: &CsvOptions) -> Result<Dataset<R>, DataError>
where
    R: Features + serde::de::DeserializeOwned,
{
    let file = std::fs::File::open(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(options.headers.is_none())
        .delimiter(options.delimiter)
        .comment(options.comment)
        .trim(if options.trim {
            csv::Trim::All
        } else {
            csv::Trim::None
        })
        .from_reader(file);
    let headers: Vec<String> = match &options.headers {
        Some(h) => h.clone(),
        None => reader
            .headers()
            .map_err(|e| csv_error(e, path))?
            .iter()
            .map(str::to_string)
            .collect(),
    };
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| DataError::MissingColumn {
                path: path.to_path_buf(),
                column: name.to_string(),
                available: headers.clone(),
            })
    };
    let label_at = column(&options.label)?;
    let id_at = options.id.as_deref().map(column).transpose()?;
    for (role, name) in [
        ("label", Some(&options.label)),
        ("row id", options.id.as_ref()),
    ] {
        if let Some(name) = name
            && R::SCHEMA.index_of(name).is_some()
        {
            return Err(DataError::Setting {
                reason: format!(
                    "{}: the {role} column `{name}` is also a feature of the row type; a model must not read its {role} (mark the field #[features(skip)] or remove it)",
                    path.display()
                ),
            });
        }
    }
    // Every column, label and id included, goes to serde: the row type picks the fields it
    // wants (a skipped id field can key a prediction table) and ignores the rest.
    let feature_headers = csv::StringRecord::from(headers.clone());
    if let Some(classes) = &options.classes {
        check_class_names(classes)?;
    }

    let mut rows = Vec::new();
    let mut class_labels = Vec::new();
    let mut values = Vec::new();
    let mut ids = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    let mut record = csv::StringRecord::new();
    let mut features = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(e, path))?
    {
        let position = record.position().cloned();
        let here = || Location {
            line: line_at(path, position.as_ref()),
            ..Location::file(path)
        };
        let at = |field: &str| here().in_field(field);
        if record.len() != headers.len() {
            return Err(DataError::Parse {
                at: Box::new(here()),
                message: format!(
                    "record has {} fields, the header has {}",
                    record.len(),
                    headers.len()
                ),
            });
        }

        let mapped = options.map_label.map(|f| f(&record[label_at]));
        let label = mapped.as_deref().unwrap_or(&record[label_at]);
        if label.is_empty() || options.missing.iter().any(|m| m == label) {
            return Err(DataError::Invalid {
                at: Box::new(at(&options.label)),
                reason: "the label is missing".into(),
            });
        }
        if options.regression {
            let y: f64 = label.trim().parse().map_err(|_| DataError::Parse {
                at: Box::new(at(&options.label)),
                message: format!("{label:?} is not a number"),
            })?;
            if !y.is_finite() {
                return Err(DataError::Invalid {
                    at: Box::new(at(&options.label)),
                    reason: format!("label {y} is not a finite number"),
                });
            }
            values.push(y);
        } else {
            if let Some(classes) = &options.classes
                && !classes.iter().any(|c| c == label)
            {
                return Err(DataError::UnknownClass {
                    at: Box::new(at(&options.label)),
                    label: label.to_string(),
                    classes: classes.clone(),
                });
            }
            class_labels.push(label.to_string());
        }
        if let Some(i) = id_at {
            let id = &record[i];
            if id.is_empty() || options.missing.iter().any(|m| m == id) {
                return Err(DataError::Invalid {
                    at: Box::new(at(&headers[i])),
                    reason: "the row id is missing".into(),
                });
            }
            if !seen_ids.insert(id.to_string()) {
                return Err(DataError::DuplicateId {
                    at: Box::new(at(&headers[i])),
                    id: id.to_string(),
                });
            }
            ids.push(id.to_string());
        }

        features.clear();
        for cell in &record {
            if options.missing.iter().any(|m| m == cell) {
                features.push_field("");
            } else {
                features.push_field(cell);
            }
        }
        let row: R = features.deserialize(Some(&feature_headers)).map_err(|e| {
            let message = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => {
                    let field = err
                        .field()
                        .and_then(|f| feature_headers.get(f as usize))
                        .map(str::to_string);
                    let mut loc = here();
                    loc.field = field;
                    return DataError::Parse {
                        at: Box::new(loc),
                        message: match err.kind() {
                            csv::DeserializeErrorKind::Message(m)
                            | csv::DeserializeErrorKind::Unsupported(m) => m.clone(),
                            other => describe_parse(
                                other,
                                err.field().and_then(|f| features.get(f as usize)),
                            ),
                        },
                    };
                }
                _ => e.to_string(),
            };
            DataError::Parse {
                at: Box::new(here()),
                message,
            }
        })?;
        check_row(&row, here)?;
        rows.push(row);
    }

    if rows.is_empty() {
        return Err(DataError::Empty {
            what: format!("dataset {}", path.display()),
        });
    }
    let labels = if options.regression {
        Labels::values(values)?
    } else {
        match &options.classes {
            Some(classes) => Labels::with_classes(classes.iter().cloned(), &class_labels)?,
            None => Labels::classes(&class_labels)?,
        }
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let dataset = Dataset::from_inputs(rows, labels)?.named(name);
    match id_at {
        None => Ok(dataset),
        Some(_) => dataset.with_ids(ids),
    }
}

fn describe_parse(kind: &csv::DeserializeErrorKind, cell: Option<&str>) -> String {
    let cell = cell.unwrap_or("");
    match kind {
        csv::DeserializeErrorKind::ParseBool(_) => {
            format!("{cell:?} is not a boolean (true or false)")
        }
        csv::DeserializeErrorKind::ParseInt(_) if cell.is_empty() => {
            "the value is missing, and the field is not an Option".into()
        }
        csv::DeserializeErrorKind::ParseFloat(_) if cell.is_empty() => {
            "the value is missing, and the field is not an Option".into()
        }
        csv::DeserializeErrorKind::ParseInt(e) => format!("{cell:?} is not an integer: {e}"),
        csv::DeserializeErrorKind::ParseFloat(_) => format!("{cell:?} is not a number"),
        other => other.to_string(),
    }
}
