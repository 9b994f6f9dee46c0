//! Sources of batches: data read a batch at a time, so that metrics over more rows than fit
//! in memory run in memory bounded by the batch and the accumulators.

use super::{DataError, Dataset, Features, Labels};

/// Rows that arrive in batches: a CSV file larger than memory ([`CsvSource`](super::CsvSource)),
/// any iterator of rows and labels ([`Batches`]), or a reader of another format.
///
/// Each batch is a [`Dataset`] of its own (its rows checked as datasets are); the streaming
/// evaluations ([`evaluate_classifier_stream`](crate::cohort::evaluate_classifier_stream))
/// evaluate cohorts on each and merge what they accumulate.
pub trait Source {
    /// The row type.
    type Row;

    /// The next batch of at most `max` rows (`max` ≥ 1), or `None` once the rows are
    /// exhausted. An error names the row, line or field at fault.
    fn next_batch(&mut self, max: usize) -> Result<Option<Dataset<Self::Row>>, DataError>;
}

impl<S: Source + ?Sized> Source for &mut S {
    type Row = S::Row;
    fn next_batch(&mut self, max: usize) -> Result<Option<Dataset<S::Row>>, DataError> {
        (**self).next_batch(max)
    }
}

/// A label of a row given to [`Batches`]: a class name (`String`, `&str`), a number for a
/// regressor (`f64`), or none (`()`).
pub trait Label: Sized {
    /// The labels of one batch.
    fn labels(batch: Vec<Self>) -> Result<Labels, DataError>;
}

impl Label for String {
    fn labels(batch: Vec<Self>) -> Result<Labels, DataError> {
        Labels::classes(batch)
    }
}

impl Label for &str {
    fn labels(batch: Vec<Self>) -> Result<Labels, DataError> {
        Labels::classes(batch)
    }
}

impl Label for f64 {
    fn labels(batch: Vec<Self>) -> Result<Labels, DataError> {
        Labels::values(batch)
    }
}

impl Label for () {
    fn labels(batch: Vec<Self>) -> Result<Labels, DataError> {
        Ok(Labels::unlabelled(batch.len()))
    }
}

/// A [`Source`] over an iterator of `(row, label)` pairs, read a batch at a time. An error in
/// a row (a NaN, a value outside a declared range) names its position in the whole stream.
///
/// ```
/// use model_check::data::{Batches, Source};
/// use model_check::prelude::*;
///
/// #[derive(Features)]
/// struct Reading { volts: f64 }
///
/// let rows = (0..10).map(|i| (Reading { volts: i as f64 }, if i % 2 == 0 { "ok" } else { "bad" }));
/// let mut source = Batches::new("readings", rows);
/// assert_eq!(source.next_batch(4)?.unwrap().len(), 4);
/// assert_eq!(source.next_batch(4)?.unwrap().len(), 4);
/// assert_eq!(source.next_batch(4)?.unwrap().len(), 2);
/// assert!(source.next_batch(4)?.is_none());
///
/// // A NaN in row 6 is found in the second batch, and named by its place in the stream.
/// let nan_at_6 = (0..10).map(|i| (Reading { volts: if i == 6 { f64::NAN } else { 1.0 } }, "ok"));
/// let mut source = Batches::new("readings", nan_at_6);
/// source.next_batch(4)?;
/// let err = source.next_batch(4).err().unwrap();
/// assert_eq!(err.to_string(), "row 6, field `volts`: NaN is not a finite number");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Batches<I> {
    name: String,
    rows: I,
    read: usize,
}

impl<I> Batches<I> {
    /// The rows of `rows`, their batches named `name`.
    pub fn new(name: impl Into<String>, rows: I) -> Self {
        Batches {
            name: name.into(),
            rows,
            read: 0,
        }
    }
}

impl<I, R, L> Source for Batches<I>
where
    I: Iterator<Item = (R, L)>,
    R: Features,
    L: Label,
{
    type Row = R;

    fn next_batch(&mut self, max: usize) -> Result<Option<Dataset<R>>, DataError> {
        let (rows, labels): (Vec<R>, Vec<L>) = self.rows.by_ref().take(max.max(1)).unzip();
        if rows.is_empty() {
            return Ok(None);
        }
        let offset = self.read;
        self.read += rows.len();
        let labels = L::labels(labels).map_err(|e| e.offset_rows(offset))?;
        let batch = Dataset::from_rows(rows, labels).map_err(|e| e.offset_rows(offset))?;
        Ok(Some(batch.named(self.name.clone())))
    }
}
