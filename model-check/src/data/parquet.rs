//! Datasets, predictions and streamed batches from Parquet files and Arrow record batches
//! (feature `parquet`).
//!
//! A Parquet file or a list of Arrow [`RecordBatch`]es becomes a [`Dataset`] of
//! `#[derive(Features, Deserialize)]` rows as a CSV file does ([`Dataset::from_parquet`],
//! [`Dataset::from_record_batches`], with [`ParquetOptions`] in the role of
//! [`CsvOptions`](super::CsvOptions)); [`ParquetSource`] reads a file a batch at a time, in
//! memory bounded by the batch size; [`probability_rows`] and [`value_rows`] read
//! predictions computed elsewhere, for
//! [`PredictionTable`](crate::model::PredictionTable).
//!
//! Rows are read through the row type's `Deserialize` impl, as the CSV loader reads them:
//! the same column-to-field matching (feature renames, serde renames, an absent column named
//! with the closest one), then the same checks (finite numbers, declared ranges, non-empty
//! categories). Arrow types map to fields so:
//!
//! | field | column |
//! |---|---|
//! | `f64`, `f32` | any integer or float type |
//! | integers (`u8` … `i64`) | any integer type, the value in the field's range |
//! | `bool` | `Boolean` |
//! | `String` | `Utf8`, `LargeUtf8`, `Utf8View`, a dictionary of these; integers and booleans as they are written (`7`, `true`) |
//! | a `#[derive(Categorical)]` enum | a string column naming the level (serde's variant name) |
//! | `Option<T>` | as `T`; a null is `None` |
//!
//! A null in a field that is not an `Option` is an error, as an empty CSV cell is. Errors
//! name the file, the 0-based row and the column ("telco.parquet, row 5, field
//! `monthly_charges`: the value is missing, and the field is not an Option"); a column whose
//! Arrow type cannot feed its feature is a [`DataError::ColumnType`] before any row is read,
//! and a file that is not Parquet, or is truncated or damaged, a [`DataError::Corrupt`].
//!
//! Class labels are read from string, dictionary, integer or boolean columns (an integer
//! label `1` is the class `"1"`), numeric targets from integer or float columns, row ids
//! from string or integer columns.
//!
//! ```
//! use std::sync::Arc;
//! use model_check::data::parquet::arrow_array::{Float64Array, RecordBatch, StringArray};
//! use model_check::data::parquet::arrow_schema::{DataType, Field, Schema};
//! use model_check::data::parquet::{ParquetOptions, parquet::arrow::ArrowWriter};
//! use model_check::prelude::*;
//!
//! #[derive(Features, serde::Deserialize, Debug)]
//! struct Customer { tenure: f64, contract: String }
//!
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("tenure", DataType::Float64, false),
//!     Field::new("contract", DataType::Utf8, false),
//!     Field::new("churn", DataType::Utf8, false),
//! ]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![
//!     Arc::new(Float64Array::from(vec![2.0, 40.0])),
//!     Arc::new(StringArray::from(vec!["Month-to-month", "Two year"])),
//!     Arc::new(StringArray::from(vec!["Yes", "No"])),
//! ])?;
//!
//! // In memory.
//! let data: Dataset<Customer> =
//!     Dataset::from_record_batches([batch.clone()], ParquetOptions::classify("churn"))?;
//! assert_eq!(data.rows()[1].contract, "Two year");
//!
//! // Through a file.
//! let path = std::env::temp_dir().join(format!("mc-doc-parquet-{}.parquet", std::process::id()));
//! let mut writer = ArrowWriter::try_new(std::fs::File::create(&path)?, schema, None)?;
//! writer.write(&batch)?;
//! writer.close()?;
//! let data: Dataset<Customer> = Dataset::from_parquet(&path, ParquetOptions::classify("churn"))?;
//! assert_eq!(data.labels().class_of(0), Some("Yes"));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::Cell as Slot;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use ::parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use serde::de::{self, IntoDeserializer};

use super::columns::Columns;
use super::{
    DataError, Dataset, Features, Kind, Labels, Location, NumberType, Source, check_class_names,
    check_row,
};

/// The Parquet crate this module reads with (its `arrow` writer writes files it reads).
pub use ::parquet;
/// The Arrow arrays crate this module reads, to build [`RecordBatch`]es of the same version.
pub use arrow_array;
/// The Arrow schema crate this module reads.
pub use arrow_schema;

/// Rows per Arrow record batch read from a file, unless [`ParquetOptions::batch_size`] says.
pub const DEFAULT_BATCH_SIZE: usize = 8192;

/// How to read Parquet or Arrow data into a [`Dataset`]: which column holds the label (or
/// none), which the row id, the declared classes, and how many rows the file reader decodes
/// at a time.
///
/// ```
/// use model_check::data::parquet::ParquetOptions;
///
/// let options = ParquetOptions::classify("churn").id("rownames").classes(["No", "Yes"]);
/// let unlabelled = ParquetOptions::unlabelled().batch_size(65_536);
/// # let _ = (options, unlabelled);
/// ```
#[derive(Debug, Clone)]
pub struct ParquetOptions {
    label: Option<String>,
    regression: bool,
    id: Option<String>,
    classes: Option<Vec<String>>,
    map_label: Option<fn(&str) -> String>,
    batch_size: usize,
}

impl ParquetOptions {
    /// Class labels in column `label`.
    pub fn classify(label: impl Into<String>) -> Self {
        ParquetOptions {
            label: Some(label.into()),
            ..ParquetOptions::unlabelled()
        }
    }

    /// Numeric targets in column `label`.
    pub fn regress(label: impl Into<String>) -> Self {
        ParquetOptions {
            regression: true,
            ..ParquetOptions::classify(label)
        }
    }

    /// No label column: an unlabelled batch ([`Labels::unlabelled`]).
    pub fn unlabelled() -> Self {
        ParquetOptions {
            label: None,
            regression: false,
            id: None,
            classes: None,
            map_label: None,
            batch_size: DEFAULT_BATCH_SIZE,
        }
    }

    /// Row ids in column `id`; ids must be distinct.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
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

    /// Rewrites each class label before it is checked against the classes.
    pub fn map_label(mut self, f: fn(&str) -> String) -> Self {
        self.map_label = Some(f);
        self
    }

    /// Decodes `rows` rows of a file at a time (at least one; default
    /// [`DEFAULT_BATCH_SIZE`]): with the dataset batch a [`ParquetSource`] hands out, what
    /// bounds its memory.
    pub fn batch_size(mut self, rows: usize) -> Self {
        self.batch_size = rows.max(1);
        self
    }
}

impl<R> Dataset<R>
where
    R: Features + serde::de::DeserializeOwned,
{
    /// Loads a dataset from a Parquet file: each row is deserialized into `R` by column
    /// name, as [`Dataset::from_csv`] reads a record (see the [module
    /// documentation](super::parquet) for the types each field reads). The dataset is named
    /// after the file.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use model_check::data::parquet::arrow_array::{Int64Array, RecordBatch, StringArray};
    /// use model_check::data::parquet::arrow_schema::{DataType, Field, Schema};
    /// use model_check::data::parquet::{ParquetOptions, parquet::arrow::ArrowWriter};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, serde::Deserialize, Debug)]
    /// struct Row { #[features(range = 0..=72)] tenure: u32 }
    ///
    /// let schema = Arc::new(Schema::new(vec![
    ///     Field::new("tenure", DataType::Int64, true),
    ///     Field::new("churn", DataType::Utf8, false),
    /// ]));
    /// let path = std::env::temp_dir().join(format!("mc-doc-from-parquet-{}.parquet", std::process::id()));
    /// let mut writer = ArrowWriter::try_new(std::fs::File::create(&path)?, schema.clone(), None)?;
    /// writer.write(&RecordBatch::try_new(schema, vec![
    ///     Arc::new(Int64Array::from(vec![Some(3), None, Some(80)])),
    ///     Arc::new(StringArray::from(vec!["Yes", "No", "No"])),
    /// ])?)?;
    /// writer.close()?;
    ///
    /// // A null in a field that is not an Option names the file, row and column.
    /// let err = Dataset::<Row>::from_parquet(&path, ParquetOptions::classify("churn")).unwrap_err();
    /// assert!(matches!(err, DataError::Invalid { .. }));
    /// assert!(err.to_string().ends_with(
    ///     ".parquet, row 1, field `tenure`: the value is missing, and the field is not an Option"
    /// ));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_parquet(
        path: impl AsRef<Path>,
        options: ParquetOptions,
    ) -> Result<Self, DataError> {
        let mut source = ParquetSource::open(path, options)?;
        source
            .next_batch(usize::MAX)?
            .ok_or_else(|| DataError::Empty {
                what: format!("dataset {}", source.path.display()),
            })
    }

    /// A dataset from Arrow record batches of one schema, read as
    /// [`from_parquet`](Dataset::from_parquet) reads a file's; errors name the row (counted
    /// across the batches) and the column. The dataset is named `"record batches"`; rename
    /// it with [`named`](Dataset::named).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use model_check::data::parquet::arrow_array::{ArrayRef, Float64Array, RecordBatch};
    /// use model_check::data::parquet::ParquetOptions;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, serde::Deserialize, Debug)]
    /// struct Reading { volts: f64 }
    ///
    /// let column = |v: Vec<f64>| -> ArrayRef { Arc::new(Float64Array::from(v)) };
    /// let batches = [
    ///     RecordBatch::try_from_iter([("volts", column(vec![1.0, 2.0])), ("y", column(vec![0.5, 0.7]))])?,
    ///     RecordBatch::try_from_iter([("volts", column(vec![f64::NAN])), ("y", column(vec![0.1]))])?,
    /// ];
    /// let err = Dataset::<Reading>::from_record_batches(batches, ParquetOptions::regress("y")).unwrap_err();
    /// assert_eq!(err.to_string(), "row 2, field `volts`: NaN is not a finite number");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_record_batches<I>(batches: I, options: ParquetOptions) -> Result<Self, DataError>
    where
        I: IntoIterator<Item = RecordBatch>,
    {
        let mut batches = batches.into_iter();
        let Some(first) = batches.next() else {
            return Err(DataError::Empty {
                what: "record batches".into(),
            });
        };
        let mut decoder = Decoder::<R>::new(first.schema(), None, options)?;
        let mut out = decoder.start();
        decoder.decode(&first, 0, first.num_rows(), &mut out)?;
        for (k, batch) in batches.enumerate() {
            if batch.schema() != decoder.schema {
                return Err(DataError::Setting {
                    reason: format!(
                        "record batch {} has a schema other than the first batch's",
                        k + 1
                    ),
                });
            }
            decoder.decode(&batch, 0, batch.num_rows(), &mut out)?;
        }
        match decoder.finish(out, "record batches")? {
            Some(dataset) => Ok(dataset),
            None => Err(DataError::Empty {
                what: "record batches".into(),
            }),
        }
    }
}

/// A Parquet file read a batch of rows at a time: a [`Source`] for data larger than memory,
/// with the options, checks and errors of [`Dataset::from_parquet`], which reads the whole
/// file as one batch. Record batches of [`ParquetOptions::batch_size`] rows are decoded
/// lazily, so memory is bounded by that and the dataset batches handed out, not by the file.
/// Each batch is a dataset of its own, named after the file; errors name the row's position
/// in the file. With a row-id column, the ids seen are kept to refuse a duplicate.
///
/// ```
/// use std::sync::Arc;
/// use model_check::data::parquet::arrow_array::{Float64Array, RecordBatch, StringArray};
/// use model_check::data::parquet::arrow_schema::{DataType, Field, Schema};
/// use model_check::data::parquet::{ParquetOptions, ParquetSource, parquet::arrow::ArrowWriter};
/// use model_check::data::Source;
/// use model_check::prelude::*;
///
/// #[derive(Features, serde::Deserialize)]
/// struct Row { x: f64 }
///
/// let schema = Arc::new(Schema::new(vec![
///     Field::new("x", DataType::Float64, false),
///     Field::new("y", DataType::Utf8, false),
/// ]));
/// let path = std::env::temp_dir().join(format!("mc-doc-parquet-source-{}.parquet", std::process::id()));
/// let mut writer = ArrowWriter::try_new(std::fs::File::create(&path)?, schema.clone(), None)?;
/// writer.write(&RecordBatch::try_new(schema, vec![
///     Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0])),
///     Arc::new(StringArray::from(vec!["a", "b", "a"])),
/// ])?)?;
/// writer.close()?;
///
/// let mut source = ParquetSource::<Row>::open(&path, ParquetOptions::classify("y").batch_size(2))?;
/// assert_eq!(source.next_batch(2)?.unwrap().len(), 2);
/// assert_eq!(source.next_batch(2)?.unwrap().rows()[0].x, 3.0);
/// assert!(source.next_batch(2)?.is_none());
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ParquetSource<R> {
    path: PathBuf,
    reader: ParquetRecordBatchReader,
    decoder: Decoder<R>,
    /// The record batch being handed out, and the rows of it already handed out.
    current: Option<(RecordBatch, usize)>,
    batches: usize,
    finished: bool,
}

impl<R> fmt::Debug for ParquetSource<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParquetSource")
            .field("path", &self.path)
            .field("rows_read", &self.decoder.read)
            .field("batches", &self.batches)
            .finish()
    }
}

impl<R> ParquetSource<R>
where
    R: Features + serde::de::DeserializeOwned,
{
    /// Opens `path`, reads its footer and checks its schema against the row type and the
    /// options; the rows are read by [`next_batch`](Source::next_batch).
    pub fn open(path: impl AsRef<Path>, options: ParquetOptions) -> Result<Self, DataError> {
        let path = path.as_ref();
        let batch_size = options.batch_size;
        let builder = open_parquet(path)?.with_batch_size(batch_size);
        let schema = builder.schema().clone();
        let decoder = Decoder::new(schema, Some(path), options)?;
        let reader = builder.build().map_err(|e| corrupt(path, e))?;
        Ok(ParquetSource {
            path: path.to_path_buf(),
            reader,
            decoder,
            current: None,
            batches: 0,
            finished: false,
        })
    }

    /// The rows read so far.
    pub fn rows_read(&self) -> usize {
        self.decoder.read
    }
}

impl<R> Source for ParquetSource<R>
where
    R: Features + serde::de::DeserializeOwned,
{
    type Row = R;

    fn next_batch(&mut self, max: usize) -> Result<Option<Dataset<R>>, DataError> {
        let max = max.max(1);
        let mut out = self.decoder.start();
        while !self.finished && out.rows.len() < max {
            let exhausted = self
                .current
                .as_ref()
                .is_none_or(|(batch, done)| *done >= batch.num_rows());
            if exhausted {
                match self.reader.next() {
                    None => {
                        self.finished = true;
                        self.current = None;
                    }
                    Some(Err(e)) => {
                        return Err(DataError::Corrupt {
                            path: self.path.clone(),
                            reason: format!(
                                "the data after row {} cannot be decoded: {e}",
                                self.decoder.read
                            ),
                        });
                    }
                    Some(Ok(batch)) => self.current = Some((batch, 0)),
                }
                continue;
            }
            let Some((batch, done)) = &mut self.current else {
                break;
            };
            let take = (batch.num_rows() - *done).min(max - out.rows.len());
            self.decoder.decode(batch, *done, take, &mut out)?;
            *done += take;
        }
        if out.rows.is_empty() && self.batches > 0 {
            return Ok(None);
        }
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match self.decoder.finish(out, &name)? {
            Some(dataset) => {
                self.batches += 1;
                Ok(Some(dataset))
            }
            None => Err(DataError::Empty {
                what: format!("dataset {}", self.path.display()),
            }),
        }
    }
}

/// Class probabilities read from a Parquet file by [`probability_rows`]: the classes, in
/// column order, and each row's id and probabilities in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbabilityRows {
    /// The class names: the class columns' names.
    pub classes: Vec<String>,
    /// `(row id, one probability per class)`, in file order.
    pub rows: Vec<(String, Vec<f64>)>,
}

/// Reads class probabilities from a Parquet file, as
/// [`PredictionTable::classifier_csv`](crate::model::PredictionTable::classifier_csv) reads
/// them from CSV: the column `id_column` holds row ids (strings or integers), each class
/// column (every other column, or those named in `class_columns`, in that order) holds that
/// class's probability. Ids must be present and distinct, probabilities finite numbers;
/// errors name the file, row and column. Hand the result to
/// [`PredictionTable::classifier_rows`](crate::model::PredictionTable::classifier_rows),
/// which checks that each row's probabilities sum to one.
///
/// ```
/// use std::sync::Arc;
/// use model_check::data::parquet::arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
/// use model_check::data::parquet::{parquet::arrow::ArrowWriter, probability_rows};
/// use model_check::model::{Classes, ModelInfo, PredictionTable};
///
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(StringArray::from(vec!["c1", "c2"])) as ArrayRef),
///     ("No", Arc::new(Float64Array::from(vec![0.9, 0.25])) as ArrayRef),
///     ("Yes", Arc::new(Float64Array::from(vec![0.1, 0.75])) as ArrayRef),
/// ])?;
/// let path = std::env::temp_dir().join(format!("mc-doc-scores-{}.parquet", std::process::id()));
/// let mut writer = ArrowWriter::try_new(std::fs::File::create(&path)?, batch.schema(), None)?;
/// writer.write(&batch)?;
/// writer.close()?;
///
/// let read = probability_rows(&path, "id", None)?;
/// assert_eq!(read.classes, ["No", "Yes"]);
/// let table = PredictionTable::classifier_rows(
///     ModelInfo::new("sklearn-lr", "1"),
///     &Classes::new(read.classes)?,
///     read.rows,
/// )?;
/// assert_eq!(table.get("c2").unwrap().label(), "Yes");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn probability_rows(
    path: impl AsRef<Path>,
    id_column: &str,
    class_columns: Option<&[&str]>,
) -> Result<ProbabilityRows, DataError> {
    let path = path.as_ref();
    let mut table = PredictionFile::open(path, id_column)?;
    let columns: Vec<usize> = match class_columns {
        Some(names) => names
            .iter()
            .map(|n| table.column(n))
            .collect::<Result<_, _>>()?,
        None => (0..table.names.len())
            .filter(|&i| i != table.id_at)
            .collect(),
    };
    if columns.is_empty() {
        return Err(DataError::Setting {
            reason: format!(
                "{}: no class column besides the id column `{id_column}`",
                path.display()
            ),
        });
    }
    for &i in &columns {
        table.numeric(i)?;
    }
    let classes = columns.iter().map(|&i| table.names[i].clone()).collect();
    let mut rows = Vec::new();
    table.each(|table, views, row, id| {
        let p = columns
            .iter()
            .map(|&i| table.number(&views[i], row, i))
            .collect::<Result<_, _>>()?;
        rows.push((id, p));
        Ok(())
    })?;
    Ok(ProbabilityRows { classes, rows })
}

/// Reads numeric predictions from a Parquet file, as
/// [`PredictionTable::regressor_csv`](crate::model::PredictionTable::regressor_csv) reads
/// them from CSV: row ids in `id_column`, predictions in `value_column` (integers or
/// floats), other columns ignored. Hand the result to
/// [`PredictionTable::regressor_rows`](crate::model::PredictionTable::regressor_rows).
///
/// ```
/// use std::sync::Arc;
/// use model_check::data::parquet::arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
/// use model_check::data::parquet::{parquet::arrow::ArrowWriter, value_rows};
/// use model_check::prelude::*;
///
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(Int64Array::from(vec![7, 8])) as ArrayRef),
///     ("y", Arc::new(Float64Array::from(vec![1.5, f64::INFINITY])) as ArrayRef),
/// ])?;
/// let path = std::env::temp_dir().join(format!("mc-doc-values-{}.parquet", std::process::id()));
/// let mut writer = ArrowWriter::try_new(std::fs::File::create(&path)?, batch.schema(), None)?;
/// writer.write(&batch)?;
/// writer.close()?;
///
/// let err = value_rows(&path, "id", "y").unwrap_err();
/// assert!(err.to_string().ends_with(".parquet, row 1, field `y`: inf is not a finite number"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn value_rows(
    path: impl AsRef<Path>,
    id_column: &str,
    value_column: &str,
) -> Result<Vec<(String, f64)>, DataError> {
    let mut table = PredictionFile::open(path.as_ref(), id_column)?;
    let at = table.column(value_column)?;
    table.numeric(at)?;
    let mut rows = Vec::new();
    table.each(|table, views, row, id| {
        rows.push((id, table.number(&views[at], row, at)?));
        Ok(())
    })?;
    Ok(rows)
}

/// A prediction file being read: its reader, columns and id column.
struct PredictionFile {
    path: PathBuf,
    reader: ParquetRecordBatchReader,
    schema: SchemaRef,
    names: Vec<String>,
    id_at: usize,
    read: usize,
}

impl PredictionFile {
    fn open(path: &Path, id_column: &str) -> Result<Self, DataError> {
        let builder = open_parquet(path)?;
        let schema = builder.schema().clone();
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let id_at = super::column_of(&names, id_column, path)?;
        let reader = builder.build().map_err(|e| corrupt(path, e))?;
        let table = PredictionFile {
            path: path.to_path_buf(),
            reader,
            schema,
            names,
            id_at,
            read: 0,
        };
        let id_type = table.schema.field(id_at).data_type();
        if !is_id(id_type) {
            return Err(table.column_type(id_at, None, ID_TYPES, id_type));
        }
        Ok(table)
    }

    fn column(&self, name: &str) -> Result<usize, DataError> {
        super::column_of(&self.names, name, &self.path)
    }

    /// Checks that column `i` holds numbers.
    fn numeric(&self, i: usize) -> Result<(), DataError> {
        let data_type = self.schema.field(i).data_type();
        match is_number(data_type) {
            true => Ok(()),
            false => Err(self.column_type(i, None, NUMBER_TYPES, data_type)),
        }
    }

    fn at(&self, row: Option<usize>, i: usize) -> Location {
        Location {
            row,
            ..Location::file(&self.path).in_field(&self.names[i])
        }
    }

    fn column_type(
        &self,
        i: usize,
        row: Option<usize>,
        expected: &str,
        found: &DataType,
    ) -> DataError {
        DataError::ColumnType {
            at: Box::new(self.at(row, i)),
            expected: expected.into(),
            found: found.to_string(),
        }
    }

    /// The finite number in row `row` (of the file) of column `i`.
    fn number(&self, view: &View<'_>, row: usize, i: usize) -> Result<f64, DataError> {
        let global = self.read + row;
        let x = match view.cell(row) {
            Cell::Float(x) => x,
            Cell::Float32(x) => f64::from(x),
            Cell::Int(x) => x as f64,
            Cell::UInt(x) => x as f64,
            Cell::Null => {
                return Err(DataError::Invalid {
                    at: Box::new(self.at(Some(global), i)),
                    reason: "the prediction is missing".into(),
                });
            }
            _ => return Err(self.column_type(i, Some(global), NUMBER_TYPES, view.data_type)),
        };
        if !x.is_finite() {
            return Err(DataError::Invalid {
                at: Box::new(self.at(Some(global), i)),
                reason: format!("{x} is not a finite number"),
            });
        }
        Ok(x)
    }

    /// Calls `each` with every row and its id (present, non-empty and distinct).
    fn each(
        &mut self,
        mut each: impl FnMut(&Self, &[View<'_>], usize, String) -> Result<(), DataError>,
    ) -> Result<(), DataError> {
        let mut seen = HashSet::new();
        while let Some(batch) = self.reader.next() {
            let batch = batch.map_err(|e| DataError::Corrupt {
                path: self.path.clone(),
                reason: format!("the data after row {} cannot be decoded: {e}", self.read),
            })?;
            let views: Vec<View<'_>> = batch.columns().iter().map(|c| View::of(c)).collect();
            for row in 0..batch.num_rows() {
                let at = || self.at(Some(self.read + row), self.id_at);
                let id = match views[self.id_at].cell(row).text() {
                    Some(id) if !id.is_empty() => id,
                    _ => {
                        return Err(DataError::Invalid {
                            at: Box::new(at()),
                            reason: "empty row id".into(),
                        });
                    }
                };
                if !seen.insert(id.clone()) {
                    return Err(DataError::DuplicateId {
                        at: Box::new(at()),
                        id,
                    });
                }
                each(self, &views, row, id)?;
            }
            self.read += batch.num_rows();
        }
        if self.read == 0 {
            return Err(DataError::Empty {
                what: format!("prediction table {}", self.path.display()),
            });
        }
        Ok(())
    }
}

/// Opens a Parquet file and reads its footer.
fn open_parquet(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<std::fs::File>, DataError> {
    let file = std::fs::File::open(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| corrupt(path, e))
}

fn corrupt(path: &Path, error: ::parquet::errors::ParquetError) -> DataError {
    DataError::Corrupt {
        path: path.to_path_buf(),
        reason: format!("not a readable Parquet file (not Parquet, truncated or damaged): {error}"),
    }
}

const NUMBER_TYPES: &str = "a column of numbers (integers or floats)";
const ID_TYPES: &str = "a column of row ids (strings or integers)";
const CLASS_TYPES: &str = "a column of class labels (strings, integers or booleans)";

fn is_number(t: &DataType) -> bool {
    t.is_integer() || t.is_floating()
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_text(values),
        _ => false,
    }
}

fn is_id(t: &DataType) -> bool {
    is_text(t) || t.is_integer()
}

fn is_class(t: &DataType) -> bool {
    is_text(t) || t.is_integer() || *t == DataType::Boolean
}

/// How the columns of one schema feed a row type, its label and its id; and the ids seen.
struct Decoder<R> {
    path: Option<PathBuf>,
    options: ParquetOptions,
    schema: SchemaRef,
    names: Vec<String>,
    columns: Columns,
    label_at: Option<usize>,
    id_at: Option<usize>,
    seen_ids: HashSet<String>,
    /// Rows decoded so far: the position of the next row in the file or batches.
    read: usize,
    _rows: PhantomData<fn() -> R>,
}

/// What a batch of rows holds until it becomes a dataset.
struct Batch<R> {
    rows: Vec<R>,
    classes: Vec<String>,
    values: Vec<f64>,
    ids: Vec<String>,
}

impl<R> Decoder<R>
where
    R: Features + serde::de::DeserializeOwned,
{
    /// Checks `schema` against the options and the row type: the label and id columns are
    /// there and of usable types, every feature has a column, and each feature's column has
    /// a type its field can read.
    fn new(
        schema: SchemaRef,
        path: Option<&Path>,
        options: ParquetOptions,
    ) -> Result<Self, DataError> {
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let shown = path.unwrap_or(Path::new("record batches"));
        let column = |name: &str| super::column_of(&names, name, shown);
        let label_at = options.label.as_deref().map(column).transpose()?;
        let id_at = options.id.as_deref().map(column).transpose()?;
        for (role, name) in [
            ("label", options.label.as_ref()),
            ("row id", options.id.as_ref()),
        ] {
            if let Some(name) = name
                && R::SCHEMA.index_of(name).is_some()
            {
                return Err(DataError::Setting {
                    reason: format!(
                        "{}: the {role} column `{name}` is also a feature of the row type; a model must not read its {role} (mark the field #[features(skip)] or remove it)",
                        shown.display()
                    ),
                });
            }
        }
        let at = |i: usize| Location {
            path: path.map(Path::to_path_buf),
            ..Location::default().in_field(&names[i])
        };
        let mismatch = |i: usize, expected: String| DataError::ColumnType {
            at: Box::new(at(i)),
            expected,
            found: schema.field(i).data_type().to_string(),
        };
        if let Some(i) = label_at {
            let t = schema.field(i).data_type();
            match options.regression {
                true if !is_number(t) => {
                    return Err(mismatch(i, format!("{NUMBER_TYPES} for the label")));
                }
                false if !is_class(t) => return Err(mismatch(i, CLASS_TYPES.into())),
                _ => {}
            }
        }
        if let Some(i) = id_at
            && !is_id(schema.field(i).data_type())
        {
            return Err(mismatch(i, ID_TYPES.into()));
        }
        let mut reserved: Vec<&str> = options.label.as_deref().into_iter().collect();
        reserved.extend(options.id.as_deref());
        let columns = Columns::plan::<R>(shown, &names, None, &reserved).map_err(|mut e| {
            if let (DataError::MissingFieldColumn { at, .. }, None) = (&mut e, path) {
                at.path = None;
            }
            e
        })?;
        // Each feature's column, when it is named like the feature or its field, must have a
        // type the feature's kind reads (a column serde finds under another name is checked
        // as its values are read).
        for spec in R::SCHEMA.iter() {
            let Some(i) = [spec.name(), spec.field()]
                .into_iter()
                .find_map(|n| names.iter().position(|h| h == n))
            else {
                continue;
            };
            let t = schema.field(i).data_type();
            let (fits, expected) = match spec.kind() {
                Kind::Numeric {
                    number: NumberType::Float,
                    ..
                } => (is_number(t), "a column of numbers (integers or floats)"),
                Kind::Numeric {
                    number: NumberType::Integer,
                    ..
                } => (t.is_integer(), "a column of integers"),
                Kind::Numeric {
                    number: NumberType::Bool,
                    ..
                } => (*t == DataType::Boolean, "a column of booleans"),
                Kind::Categorical { .. } => (
                    is_class(t),
                    "a column of categories (strings, integers or booleans)",
                ),
            };
            if !fits {
                return Err(mismatch(
                    i,
                    format!("{expected} for the feature `{}`", spec.name()),
                ));
            }
        }
        if let Some(classes) = &options.classes {
            check_class_names(classes)?;
        }
        Ok(Decoder {
            path: path.map(Path::to_path_buf),
            options,
            schema,
            names,
            columns,
            label_at,
            id_at,
            seen_ids: HashSet::new(),
            read: 0,
            _rows: PhantomData,
        })
    }

    fn start(&self) -> Batch<R> {
        Batch {
            rows: Vec::new(),
            classes: Vec::new(),
            values: Vec::new(),
            ids: Vec::new(),
        }
    }

    /// Where row `row` (of the whole file or stream) is.
    fn at(&self, row: usize) -> Location {
        Location {
            path: self.path.clone(),
            row: Some(row),
            ..Location::default()
        }
    }

    /// Decodes `count` rows of `batch` from `start` into `out`.
    fn decode(
        &mut self,
        batch: &RecordBatch,
        start: usize,
        count: usize,
        out: &mut Batch<R>,
    ) -> Result<(), DataError> {
        let views: Vec<View<'_>> = batch.columns().iter().map(|c| View::of(c)).collect();
        out.rows.reserve(count);
        for row in start..start + count {
            let global = self.read;
            self.label(&views, row, global, out)?;
            self.id(&views, row, global, out)?;
            let failed = Slot::new(0);
            let de = RowDeserializer {
                views: &views,
                keys: &self.columns.serde_headers,
                row,
                next: 0,
                failed: &failed,
            };
            let value = R::deserialize(de).map_err(|e| self.row_error(e, failed.get(), global))?;
            check_row(&value, || self.at(global))?;
            out.rows.push(value);
            self.read += 1;
        }
        Ok(())
    }

    fn label(
        &self,
        views: &[View<'_>],
        row: usize,
        global: usize,
        out: &mut Batch<R>,
    ) -> Result<(), DataError> {
        let Some(i) = self.label_at else {
            return Ok(());
        };
        let at = || Box::new(self.at(global).in_field(&self.names[i]));
        let cell = views[i].cell(row);
        if matches!(cell, Cell::Null) {
            return Err(DataError::Invalid {
                at: at(),
                reason: "the label is missing".into(),
            });
        }
        if self.options.regression {
            let y = match cell {
                Cell::Float(y) => y,
                Cell::Float32(y) => f64::from(y),
                Cell::Int(y) => y as f64,
                Cell::UInt(y) => y as f64,
                _ => return Err(self.cell_type(views, i, global, NUMBER_TYPES)),
            };
            if !y.is_finite() {
                return Err(DataError::Invalid {
                    at: at(),
                    reason: format!("label {y} is not a finite number"),
                });
            }
            out.values.push(y);
            return Ok(());
        }
        let Some(label) = cell.text() else {
            return Err(self.cell_type(views, i, global, CLASS_TYPES));
        };
        let label = match self.options.map_label {
            Some(f) => f(&label),
            None => label,
        };
        if let Some(classes) = &self.options.classes
            && !classes.contains(&label)
        {
            return Err(DataError::UnknownClass {
                at: at(),
                label,
                classes: classes.clone(),
            });
        }
        out.classes.push(label);
        Ok(())
    }

    fn id(
        &mut self,
        views: &[View<'_>],
        row: usize,
        global: usize,
        out: &mut Batch<R>,
    ) -> Result<(), DataError> {
        let Some(i) = self.id_at else {
            return Ok(());
        };
        let at = || Box::new(self.at(global).in_field(&self.names[i]));
        let id = match views[i].cell(row) {
            Cell::Null => None,
            cell => match cell.text() {
                Some(id) => Some(id),
                None => return Err(self.cell_type(views, i, global, ID_TYPES)),
            },
        };
        let Some(id) = id.filter(|id| !id.is_empty()) else {
            return Err(DataError::Invalid {
                at: at(),
                reason: "the row id is missing".into(),
            });
        };
        if self.seen_ids.contains(&id) {
            return Err(DataError::DuplicateId { at: at(), id });
        }
        self.seen_ids.insert(id.clone());
        out.ids.push(id);
        Ok(())
    }

    fn cell_type(&self, views: &[View<'_>], i: usize, global: usize, expected: &str) -> DataError {
        DataError::ColumnType {
            at: Box::new(self.at(global).in_field(&self.names[i])),
            expected: expected.into(),
            found: views[i].data_type.to_string(),
        }
    }

    /// A deserialization error in row `global`, found while reading column `column`.
    fn row_error(&self, error: CellError, column: usize, global: usize) -> DataError {
        let at = || {
            let mut at = self.at(global);
            at.field = self.names.get(column).cloned();
            Box::new(at)
        };
        match error {
            CellError::Null => DataError::Invalid {
                at: at(),
                reason: "the value is missing, and the field is not an Option".into(),
            },
            CellError::Type { expected } => DataError::ColumnType {
                at: at(),
                expected: expected.into(),
                found: self
                    .schema
                    .fields()
                    .get(column)
                    .map_or_else(String::new, |f| f.data_type().to_string()),
            },
            CellError::Message(message) => {
                if let Some(name) = message
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.strip_suffix('`'))
                {
                    let shown = self.path.as_deref().unwrap_or(Path::new("record batches"));
                    let mut e = self.columns.missing_field(name, shown, &self.names, None);
                    if let (DataError::MissingFieldColumn { at, .. }, None) = (&mut e, &self.path) {
                        at.path = None;
                    }
                    return e;
                }
                DataError::Parse { at: at(), message }
            }
        }
    }

    /// The dataset of what `out` holds, named `name`; `None` when it holds no rows.
    fn finish(&self, out: Batch<R>, name: &str) -> Result<Option<Dataset<R>>, DataError> {
        if out.rows.is_empty() {
            return Ok(None);
        }
        let labels = match (&self.options.label, self.options.regression) {
            (None, _) => Labels::unlabelled(out.rows.len()),
            (Some(_), true) => Labels::values(out.values)?,
            (Some(_), false) => match &self.options.classes {
                Some(classes) => Labels::with_classes(classes.iter().cloned(), &out.classes)?,
                None => Labels::classes(&out.classes)?,
            },
        };
        let dataset = Dataset::from_inputs(out.rows, labels)?.named(name);
        Ok(Some(match self.id_at {
            None => dataset,
            Some(_) => dataset.with_ids(out.ids)?,
        }))
    }
}

/// One column of a record batch, downcast once per batch.
struct View<'a> {
    array: &'a dyn Array,
    data_type: &'a DataType,
    column: Column<'a>,
}

enum Column<'a> {
    Bool(&'a arrow_array::BooleanArray),
    I8(&'a arrow_array::Int8Array),
    I16(&'a arrow_array::Int16Array),
    I32(&'a arrow_array::Int32Array),
    I64(&'a arrow_array::Int64Array),
    U8(&'a arrow_array::UInt8Array),
    U16(&'a arrow_array::UInt16Array),
    U32(&'a arrow_array::UInt32Array),
    U64(&'a arrow_array::UInt64Array),
    F16(&'a arrow_array::Float16Array),
    F32(&'a arrow_array::Float32Array),
    F64(&'a arrow_array::Float64Array),
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    /// Keys (an integer column) into values.
    Dictionary(Box<View<'a>>, Box<View<'a>>),
    /// Every value is null (`DataType::Null`).
    Nulls,
    /// A type no field reads (dates, decimals, lists …).
    Other,
}

/// One value of a column.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Float32(f32),
    Str(&'a str),
    Other,
}

impl Cell<'_> {
    /// The value as text, for labels, ids and `String` fields: strings as they are,
    /// integers and booleans as they are written.
    fn text(self) -> Option<String> {
        match self {
            Cell::Str(s) => Some(s.to_string()),
            Cell::Int(x) => Some(x.to_string()),
            Cell::UInt(x) => Some(x.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Null | Cell::Float(_) | Cell::Float32(_) | Cell::Other => None,
        }
    }
}

impl<'a> View<'a> {
    fn of(array: &'a dyn Array) -> Self {
        let column = match array.data_type() {
            DataType::Boolean => array.as_boolean_opt().map(Column::Bool),
            DataType::Int8 => array.as_primitive_opt::<Int8Type>().map(Column::I8),
            DataType::Int16 => array.as_primitive_opt::<Int16Type>().map(Column::I16),
            DataType::Int32 => array.as_primitive_opt::<Int32Type>().map(Column::I32),
            DataType::Int64 => array.as_primitive_opt::<Int64Type>().map(Column::I64),
            DataType::UInt8 => array.as_primitive_opt::<UInt8Type>().map(Column::U8),
            DataType::UInt16 => array.as_primitive_opt::<UInt16Type>().map(Column::U16),
            DataType::UInt32 => array.as_primitive_opt::<UInt32Type>().map(Column::U32),
            DataType::UInt64 => array.as_primitive_opt::<UInt64Type>().map(Column::U64),
            DataType::Float16 => array.as_primitive_opt::<Float16Type>().map(Column::F16),
            DataType::Float32 => array.as_primitive_opt::<Float32Type>().map(Column::F32),
            DataType::Float64 => array.as_primitive_opt::<Float64Type>().map(Column::F64),
            DataType::Utf8 => array.as_string_opt::<i32>().map(Column::Utf8),
            DataType::LargeUtf8 => array.as_string_opt::<i64>().map(Column::LargeUtf8),
            DataType::Utf8View => array.as_string_view_opt().map(Column::Utf8View),
            DataType::Dictionary(_, _) => array.as_any_dictionary_opt().map(|d| {
                Column::Dictionary(
                    Box::new(View::of(d.keys())),
                    Box::new(View::of(d.values().as_ref())),
                )
            }),
            DataType::Null => Some(Column::Nulls),
            _ => None,
        };
        View {
            array,
            data_type: array.data_type(),
            column: column.unwrap_or(Column::Other),
        }
    }

    fn cell(&self, i: usize) -> Cell<'a> {
        if self.array.is_null(i) {
            return Cell::Null;
        }
        match &self.column {
            Column::Bool(a) => Cell::Bool(a.value(i)),
            Column::I8(a) => Cell::Int(a.value(i).into()),
            Column::I16(a) => Cell::Int(a.value(i).into()),
            Column::I32(a) => Cell::Int(a.value(i).into()),
            Column::I64(a) => Cell::Int(a.value(i)),
            Column::U8(a) => Cell::UInt(a.value(i).into()),
            Column::U16(a) => Cell::UInt(a.value(i).into()),
            Column::U32(a) => Cell::UInt(a.value(i).into()),
            Column::U64(a) => Cell::UInt(a.value(i)),
            Column::F16(a) => Cell::Float32(a.value(i).to_f32()),
            Column::F32(a) => Cell::Float32(a.value(i)),
            Column::F64(a) => Cell::Float(a.value(i)),
            Column::Utf8(a) => Cell::Str(a.value(i)),
            Column::LargeUtf8(a) => Cell::Str(a.value(i)),
            Column::Utf8View(a) => Cell::Str(a.value(i)),
            Column::Dictionary(keys, values) => {
                let key = match keys.cell(i) {
                    Cell::Int(k) => usize::try_from(k).ok(),
                    Cell::UInt(k) => usize::try_from(k).ok(),
                    _ => None,
                };
                match key {
                    Some(k) if k < values.array.len() => values.cell(k),
                    _ => Cell::Other,
                }
            }
            Column::Nulls => Cell::Null,
            Column::Other => Cell::Other,
        }
    }
}

/// Why a value could not be deserialized into its field.
#[derive(Debug)]
enum CellError {
    /// A null in a field that is not an `Option`.
    Null,
    /// The column's type is not one the field reads.
    Type { expected: &'static str },
    /// serde's message (an integer out of the field's range, a missing field …).
    Message(String),
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellError::Null => f.write_str("a null value"),
            CellError::Type { expected } => write!(f, "expected {expected}"),
            CellError::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CellError {}

impl de::Error for CellError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        CellError::Message(message.to_string())
    }
}

/// One row of a record batch, seen by serde as a map from column names (as
/// [`Columns`] renames them) to values.
struct RowDeserializer<'a, 'b> {
    views: &'b [View<'a>],
    keys: &'b csv::StringRecord,
    row: usize,
    next: usize,
    /// The column being read, to name it when serde fails.
    failed: &'b Slot<usize>,
}

impl<'de> de::Deserializer<'de> for RowDeserializer<'_, '_> {
    type Error = CellError;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> de::MapAccess<'de> for RowDeserializer<'_, '_> {
    type Error = CellError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, CellError> {
        if self.next >= self.views.len() {
            self.failed.set(usize::MAX);
            return Ok(None);
        }
        self.failed.set(self.next);
        let key = self.keys.get(self.next).unwrap_or("");
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, CellError> {
        let view = &self.views[self.next];
        self.next += 1;
        seed.deserialize(CellDeserializer {
            view,
            row: self.row,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.views.len() - self.next)
    }
}

/// One value, read lazily: a column serde ignores is never decoded into a cell.
struct CellDeserializer<'a, 'b> {
    view: &'b View<'a>,
    row: usize,
}

const INTEGERS: &str = "a column of integers";
const NUMBERS: &str = "a column of numbers (integers or floats)";
const STRINGS: &str = "a column of strings (or integers or booleans, read as written)";
const LEVELS: &str = "a column of strings naming the levels";
const BOOLEANS: &str = "a column of booleans";
const SCALARS: &str = "a column of booleans, integers, floats, strings or a dictionary of strings";

impl CellDeserializer<'_, '_> {
    fn cell(&self) -> Cell<'_> {
        self.view.cell(self.row)
    }
}

impl<'de> de::Deserializer<'de> for CellDeserializer<'_, '_> {
    type Error = CellError;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Null => visitor.visit_none(),
            Cell::Bool(b) => visitor.visit_bool(b),
            Cell::Int(x) => visitor.visit_i64(x),
            Cell::UInt(x) => visitor.visit_u64(x),
            Cell::Float(x) => visitor.visit_f64(x),
            Cell::Float32(x) => visitor.visit_f32(x),
            Cell::Str(s) => visitor.visit_str(s),
            Cell::Other => Err(CellError::Type { expected: SCALARS }),
        }
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Bool(b) => visitor.visit_bool(b),
            Cell::Null => Err(CellError::Null),
            _ => Err(CellError::Type { expected: BOOLEANS }),
        }
    }

    fn deserialize_i64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Int(x) => visitor.visit_i64(x),
            Cell::UInt(x) => visitor.visit_u64(x),
            Cell::Null => Err(CellError::Null),
            _ => Err(CellError::Type { expected: INTEGERS }),
        }
    }

    fn deserialize_i8<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i16<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i128<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u8<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u16<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u128<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_f64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Float(x) => visitor.visit_f64(x),
            Cell::Float32(x) => visitor.visit_f32(x),
            Cell::Int(x) => visitor.visit_i64(x),
            Cell::UInt(x) => visitor.visit_u64(x),
            Cell::Null => Err(CellError::Null),
            _ => Err(CellError::Type { expected: NUMBERS }),
        }
    }

    fn deserialize_f32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Str(s) => visitor.visit_str(s),
            Cell::Null => Err(CellError::Null),
            cell => match cell.text() {
                Some(text) => visitor.visit_string(text),
                None => Err(CellError::Type { expected: STRINGS }),
            },
        }
    }

    fn deserialize_string<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Str(s) => visitor.visit_bytes(s.as_bytes()),
            Cell::Null => Err(CellError::Null),
            _ => Err(CellError::Type { expected: STRINGS }),
        }
    }

    fn deserialize_byte_buf<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        match self.cell() {
            Cell::Str(s) => visitor.visit_enum(s.into_deserializer()),
            Cell::Null => Err(CellError::Null),
            _ => Err(CellError::Type { expected: LEVELS }),
        }
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}
