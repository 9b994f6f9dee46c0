//! Loading a [`Dataset`] from CSV through serde, with errors that name file, line and field.

use std::path::Path;

use super::columns::Columns;
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
    Some(line_of_byte(&bytes, start))
}

/// The 1-based line of byte `offset` of `bytes`.
fn line_of_byte(bytes: &[u8], offset: usize) -> u64 {
    let mut line = 1;
    for (i, &b) in bytes[..offset.min(bytes.len())].iter().enumerate() {
        match b {
            b'\n' => line += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
    }
    line
}

/// How a file is split into cells, for scanning it as the csv crate reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dialect {
    pub(crate) delimiter: u8,
    pub(crate) comment: Option<u8>,
}

/// Where the record starting at byte `start` of `bytes` opens a quoted cell that is never
/// closed: the quote's offset and the cell's position in the record. Scans as the csv crate
/// parses (a quote opens a cell only as its first byte; `""` inside is a quote), skipping
/// blank and comment lines before the record.
fn unclosed_quote_in(bytes: &[u8], start: usize, dialect: Dialect) -> Option<(usize, usize)> {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        Quoted(usize),
        AfterQuote(usize),
    }
    let mut i = start.min(bytes.len());
    loop {
        while i < bytes.len() && matches!(bytes[i], b'\r' | b'\n') {
            i += 1;
        }
        match (bytes.get(i), dialect.comment) {
            (Some(&b), Some(c)) if b == c => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    let mut cell = 0;
    let mut state = State::CellStart;
    for (offset, &b) in bytes.iter().enumerate().skip(i) {
        state = match state {
            State::Quoted(at) if b == b'"' => State::AfterQuote(at),
            State::Quoted(at) => State::Quoted(at),
            State::AfterQuote(at) if b == b'"' => State::Quoted(at),
            State::CellStart if b == b'"' => State::Quoted(offset),
            _ if b == dialect.delimiter => {
                cell += 1;
                State::CellStart
            }
            _ if matches!(b, b'\r' | b'\n') => return None,
            _ => State::Unquoted,
        };
    }
    match state {
        State::Quoted(at) => Some((at, cell)),
        _ => None,
    }
}

/// A record type the loaders read: text (`StringRecord`) or bytes (`ByteRecord`).
pub(crate) trait CsvRecord: Default {
    /// Reads the next record into `self`; `false` at the end.
    fn read_from<F: std::io::Read>(&mut self, reader: &mut csv::Reader<F>) -> csv::Result<bool>;
    /// Where the record starts.
    fn start(&self) -> Option<&csv::Position>;
}

impl CsvRecord for csv::StringRecord {
    fn read_from<F: std::io::Read>(&mut self, reader: &mut csv::Reader<F>) -> csv::Result<bool> {
        reader.read_record(self)
    }
    fn start(&self) -> Option<&csv::Position> {
        self.position()
    }
}

impl CsvRecord for csv::ByteRecord {
    fn read_from<F: std::io::Read>(&mut self, reader: &mut csv::Reader<F>) -> csv::Result<bool> {
        reader.read_byte_record(self)
    }
    fn start(&self) -> Option<&csv::Position> {
        self.position()
    }
}

/// Reads every record of `reader` under `headers`, handing each to `read`. An error — the
/// csv reader's or `read`'s — is explained by an unclosed quote when one opens in its
/// record, and a quote left open at the end, which swallows the rest of the file into the
/// last record, is an error too.
pub(crate) fn each_record<Rec: CsvRecord, F: std::io::Read>(
    reader: &mut csv::Reader<F>,
    path: &Path,
    dialect: Dialect,
    headers: &[String],
    mut read: impl FnMut(&Rec) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let mut cursor = RecordCursor::default();
    let mut record = Rec::default();
    while cursor.next(reader, path, dialect, headers, &mut record)? {
        if let Err(error) = read(&record) {
            return Err(cursor.explain(path, dialect, headers, error));
        }
    }
    Ok(())
}

/// Reads records one at a time with [`each_record`]'s explanations: the pull side of it,
/// for reading a file a batch at a time.
#[derive(Debug, Default)]
pub(crate) struct RecordCursor {
    last_start: Option<u64>,
}

impl RecordCursor {
    /// Reads the next record into `record`; `false` at the end (once the last record's
    /// quotes are checked).
    pub(crate) fn next<Rec: CsvRecord, F: std::io::Read>(
        &mut self,
        reader: &mut csv::Reader<F>,
        path: &Path,
        dialect: Dialect,
        headers: &[String],
        record: &mut Rec,
    ) -> Result<bool, DataError> {
        let quote = |start| unclosed_quote(path, start, dialect, headers);
        match record.read_from(reader) {
            Ok(true) => {
                self.last_start = record.start().map(csv::Position::byte);
                Ok(true)
            }
            Ok(false) => match self.last_start.and_then(quote) {
                Some(error) => Err(error),
                None => Ok(false),
            },
            Err(e) => {
                let start = e.position().map(csv::Position::byte);
                let error = csv_error_in(e, path, Record::Under(headers));
                Err(start.and_then(quote).unwrap_or(error))
            }
        }
    }

    /// `error`, about the record last read, or the unclosed quote in it that explains it.
    pub(crate) fn explain(
        &self,
        path: &Path,
        dialect: Dialect,
        headers: &[String],
        error: DataError,
    ) -> DataError {
        self.last_start
            .and_then(|start| unclosed_quote(path, start, dialect, headers))
            .unwrap_or(error)
    }
}

/// The error for a quoted cell of the record at byte `start` of `path` that is never
/// closed, naming the quote's line and column; `None` when the record's quotes all close.
/// Reads the file from `start` (the last record, or a record already at fault).
pub(crate) fn unclosed_quote(
    path: &Path,
    start: u64,
    dialect: Dialect,
    headers: &[String],
) -> Option<DataError> {
    use std::io::{Read, Seek};
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(std::io::SeekFrom::Start(start)).ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    let (quote, cell) = unclosed_quote_in(&tail, 0, dialect)?;
    let line = std::fs::read(path)
        .ok()
        .map(|bytes| line_of_byte(&bytes, start as usize + quote));
    let column = headers
        .get(cell)
        .cloned()
        .unwrap_or_else(|| format!("column {}", cell + 1));
    Some(DataError::Parse {
        at: Box::new(Location {
            line,
            ..Location::file(path).in_field(column)
        }),
        message: "a quoted cell opens with `\"` here and is never closed: the quote runs to the end of the file".into(),
    })
}

/// The position of column `name` among `headers`, or the error naming the file and the
/// columns it has.
pub(crate) fn column_of<S: AsRef<str>>(
    headers: &[S],
    name: &str,
    path: &Path,
) -> Result<usize, DataError> {
    headers
        .iter()
        .position(|h| h.as_ref() == name)
        .ok_or_else(|| DataError::MissingColumn {
            path: path.to_path_buf(),
            column: name.to_string(),
            available: headers.iter().map(|h| h.as_ref().to_string()).collect(),
        })
}

/// What the record a csv error arose in is, to name the cell at fault.
#[derive(Clone, Copy)]
pub(crate) enum Record<'a> {
    /// Unknown: cells are named by position.
    Any,
    /// The header line.
    Header,
    /// A record under this header.
    Under(&'a [String]),
}

/// Converts a csv error into a [`DataError`] at its position in `path`.
pub(crate) fn csv_error(error: csv::Error, path: &Path) -> DataError {
    csv_error_in(error, path, Record::Any)
}

/// Converts a csv error into a [`DataError`] at its position in `path`, naming the column
/// of a cell that is not UTF-8.
pub(crate) fn csv_error_in(error: csv::Error, path: &Path, record: Record<'_>) -> DataError {
    let line = line_at(path, error.position());
    let mut at = Location::file(path);
    at.line = line;
    match error.into_kind() {
        csv::ErrorKind::Io(source) => DataError::Io {
            path: path.to_path_buf(),
            source,
        },
        csv::ErrorKind::Utf8 { err, .. } => {
            let hint = "the file must be UTF-8 (convert a Latin-1 or Windows-1252 file first)";
            let message = match record {
                Record::Header => format!(
                    "column {} of the header is not valid UTF-8; {hint}",
                    err.field() + 1
                ),
                Record::Under(headers) => {
                    at.field = Some(
                        headers
                            .get(err.field())
                            .cloned()
                            .unwrap_or_else(|| format!("column {}", err.field() + 1)),
                    );
                    format!(
                        "the cell is not valid UTF-8 after its first {} bytes; {hint}",
                        err.valid_up_to()
                    )
                }
                Record::Any => format!("field {} is not valid UTF-8; {hint}", err.field() + 1),
            };
            DataError::Parse {
                at: Box::new(at),
                message,
            }
        }
        kind => DataError::Parse {
            at: Box::new(at),
            message: describe_csv_error(kind),
        },
    }
}

fn describe_csv_error(kind: csv::ErrorKind) -> String {
    match kind {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("record has {len} fields, the header has {expected_len}"),
        csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
        other => format!("{other:?}"),
    }
}

/// Whether the file holds nothing but line ends and whitespace.
pub(crate) fn is_blank(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.iter().all(u8::is_ascii_whitespace))
}

pub(super) fn load<R>(path: &Path, options: &CsvOptions) -> Result<Dataset<R>, DataError>
where
    R: Features + serde::de::DeserializeOwned,
{
    use crate::data::Source;
    let mut source = CsvSource::<R>::open(path, options.clone())?;
    match source.next_batch(usize::MAX)? {
        Some(dataset) => Ok(dataset),
        None => unreachable!("the first batch of a file is a dataset or an error"),
    }
}

/// A CSV file read a batch of rows at a time: a [`Source`](crate::data::Source) for data
/// larger than memory, with the same options, checks and errors (file, line, field) as
/// [`Dataset::from_csv`], which reads the whole file as one batch. Each batch is a dataset of
/// its own, named after the file. With a row-id column, the ids seen are kept to refuse a
/// duplicate (memory that grows with the rows: leave ids out of a stream too large for it).
///
/// ```
/// use model_check::data::{CsvOptions, CsvSource, Source};
/// use model_check::prelude::*;
///
/// #[derive(Features, serde::Deserialize)]
/// struct Row { x: f64 }
///
/// let path = std::env::temp_dir().join("model-check-csv-source-doc.csv");
/// std::fs::write(&path, "x,y\n1,a\n2,b\n3,a\n")?;
/// let mut source = CsvSource::<Row>::open(&path, CsvOptions::classify("y"))?;
/// let first = source.next_batch(2)?.unwrap();
/// assert_eq!(first.len(), 2);
/// assert_eq!(source.next_batch(2)?.unwrap().len(), 1);
/// assert!(source.next_batch(2)?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CsvSource<R> {
    path: std::path::PathBuf,
    options: CsvOptions,
    reader: csv::Reader<std::fs::File>,
    dialect: Dialect,
    headers: Vec<String>,
    header_line: Option<u64>,
    label_at: usize,
    id_at: Option<usize>,
    columns: Columns,
    seen_ids: std::collections::HashSet<String>,
    record: csv::StringRecord,
    features: csv::StringRecord,
    cursor: RecordCursor,
    batches: usize,
    finished: bool,
    _rows: std::marker::PhantomData<fn() -> R>,
}

impl<R> std::fmt::Debug for CsvSource<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSource")
            .field("path", &self.path)
            .field("batches", &self.batches)
            .finish()
    }
}

impl<R> CsvSource<R>
where
    R: Features + serde::de::DeserializeOwned,
{
    /// Opens `path` and reads its header; the rows are read by
    /// [`next_batch`](crate::data::Source::next_batch).
    pub fn open(path: impl AsRef<Path>, options: CsvOptions) -> Result<Self, DataError> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let dialect = Dialect {
            delimiter: options.delimiter,
            comment: options.comment,
        };
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
        let (headers, header_line): (Vec<String>, Option<u64>) = match &options.headers {
            Some(h) => (h.clone(), None),
            None => {
                let record = reader
                    .headers()
                    .map_err(|e| csv_error_in(e, path, Record::Header))?;
                if record.is_empty() {
                    return Err(DataError::EmptyFile {
                        path: path.to_path_buf(),
                    });
                }
                let line = line_at(path, record.position()).unwrap_or(1);
                (record.iter().map(str::to_string).collect(), Some(line))
            }
        };
        // A header that swallowed the file in an unclosed quote explains any error below.
        let header_quote = |error: DataError| match header_line {
            Some(_) => unclosed_quote(path, 0, dialect, &headers).unwrap_or(error),
            None => error,
        };
        let column = |name: &str| column_of(&headers, name, path);
        let label_at = column(&options.label).map_err(header_quote)?;
        let id_at = options
            .id
            .as_deref()
            .map(column)
            .transpose()
            .map_err(header_quote)?;
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
        // Every column, label and id included, goes to serde: the row type picks the fields
        // it wants (a skipped id field can key a prediction table) and ignores the rest.
        // Renamed features' columns go under serde's names for their fields; every feature's
        // column must be there.
        let mut reserved = vec![options.label.as_str()];
        reserved.extend(options.id.as_deref());
        let columns =
            Columns::plan::<R>(path, &headers, header_line, &reserved).map_err(header_quote)?;
        if let Some(classes) = &options.classes {
            check_class_names(classes)?;
        }
        Ok(CsvSource {
            path: path.to_path_buf(),
            options,
            reader,
            dialect,
            headers,
            header_line,
            label_at,
            id_at,
            columns,
            seen_ids: Default::default(),
            record: csv::StringRecord::new(),
            features: csv::StringRecord::new(),
            cursor: RecordCursor::default(),
            batches: 0,
            finished: false,
            _rows: std::marker::PhantomData,
        })
    }

    /// Reads the record in `self.record` into its row, label and id.
    fn row(&mut self, batch: &mut Batch<R>) -> Result<(), DataError> {
        let (path, options, headers) = (&self.path, &self.options, &self.headers);
        let record = &self.record;
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

        let mapped = options.map_label.map(|f| f(&record[self.label_at]));
        let label = mapped.as_deref().unwrap_or(&record[self.label_at]);
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
            batch.values.push(y);
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
            batch.classes.push(label.to_string());
        }
        if let Some(i) = self.id_at {
            let id = &record[i];
            if id.is_empty() || options.missing.iter().any(|m| m == id) {
                return Err(DataError::Invalid {
                    at: Box::new(at(&headers[i])),
                    reason: "the row id is missing".into(),
                });
            }
            if !self.seen_ids.insert(id.to_string()) {
                return Err(DataError::DuplicateId {
                    at: Box::new(at(&headers[i])),
                    id: id.to_string(),
                });
            }
            batch.ids.push(id.to_string());
        }

        let features = &mut self.features;
        features.clear();
        for cell in record {
            if options.missing.iter().any(|m| m == cell) {
                features.push_field("");
            } else {
                features.push_field(cell);
            }
        }
        let row: R = features
            .deserialize(Some(&self.columns.serde_headers))
            .map_err(|e| {
                deserialize_error(
                    e,
                    features,
                    path,
                    headers,
                    self.header_line,
                    &self.columns,
                    here(),
                )
            })?;
        check_row(&row, here)?;
        batch.rows.push(row);
        Ok(())
    }
}

/// What a batch of records holds until it becomes a dataset.
struct Batch<R> {
    rows: Vec<R>,
    classes: Vec<String>,
    values: Vec<f64>,
    ids: Vec<String>,
}

impl<R> crate::data::Source for CsvSource<R>
where
    R: Features + serde::de::DeserializeOwned,
{
    type Row = R;

    fn next_batch(&mut self, max: usize) -> Result<Option<Dataset<R>>, DataError> {
        if self.finished {
            return Ok(None);
        }
        let mut batch = Batch {
            rows: Vec::new(),
            classes: Vec::new(),
            values: Vec::new(),
            ids: Vec::new(),
        };
        while batch.rows.len() < max.max(1) {
            let more = self.cursor.next(
                &mut self.reader,
                &self.path,
                self.dialect,
                &self.headers,
                &mut self.record,
            )?;
            if !more {
                self.finished = true;
                break;
            }
            if let Err(error) = self.row(&mut batch) {
                return Err(self
                    .cursor
                    .explain(&self.path, self.dialect, &self.headers, error));
            }
        }
        let path = &self.path;
        if batch.rows.is_empty() {
            if self.batches > 0 {
                return Ok(None);
            }
            if self.header_line.is_none() && is_blank(path) {
                return Err(DataError::EmptyFile {
                    path: path.to_path_buf(),
                });
            }
            let error = DataError::Empty {
                what: format!("dataset {}", path.display()),
            };
            return Err(match self.header_line {
                Some(_) => unclosed_quote(path, 0, self.dialect, &self.headers).unwrap_or(error),
                None => error,
            });
        }
        self.batches += 1;
        let labels = if self.options.regression {
            Labels::values(batch.values)?
        } else {
            match &self.options.classes {
                Some(classes) => Labels::with_classes(classes.iter().cloned(), &batch.classes)?,
                None => Labels::classes(&batch.classes)?,
            }
        };
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let dataset = Dataset::from_inputs(batch.rows, labels)?.named(name);
        Ok(Some(match self.id_at {
            None => dataset,
            Some(_) => dataset.with_ids(batch.ids)?,
        }))
    }
}

/// A serde error on one record, naming the column as the file spells it; serde's "missing
/// field" is a column the header lacks.
fn deserialize_error(
    error: csv::Error,
    cells: &csv::StringRecord,
    path: &Path,
    headers: &[String],
    header_line: Option<u64>,
    columns: &Columns,
    mut here: Location,
) -> DataError {
    let csv::ErrorKind::Deserialize { err, .. } = error.kind() else {
        return DataError::Parse {
            at: Box::new(here),
            message: error.to_string(),
        };
    };
    here.field = err.field().and_then(|f| headers.get(f as usize)).cloned();
    let message = match err.kind() {
        csv::DeserializeErrorKind::Message(m) | csv::DeserializeErrorKind::Unsupported(m) => {
            if let Some(name) = m
                .strip_prefix("missing field `")
                .and_then(|rest| rest.strip_suffix('`'))
            {
                return columns.missing_field(name, path, headers, header_line);
            }
            m.clone()
        }
        other => describe_parse(other, err.field().and_then(|f| cells.get(f as usize))),
    };
    DataError::Parse {
        at: Box::new(here),
        message,
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
