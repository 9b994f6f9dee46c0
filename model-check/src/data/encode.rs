//! Turning feature rows into numeric rows for matrix models.

use std::collections::BTreeSet;

use super::{DataError, Dataset, Features, Kind, Location, Value};

/// `(x - shift) / scale` without overflowing in the subtraction: when `x - shift` is beyond
/// `f64` but the quotient is not, the halves are subtracted instead.
fn standardise(x: f64, shift: f64, scale: f64) -> f64 {
    let z = (x - shift) / scale;
    if z.is_finite() || !x.is_finite() {
        z
    } else {
        (x / 2.0 - shift / 2.0) / scale * 2.0
    }
}

/// The mean and population standard deviation of `xs` (0 and 0 when empty), without
/// overflow for finite values: the sums are computed directly, and again on the values
/// scaled by a power of two (exactly) when the direct sums overflow.
fn mean_and_sd(xs: &[f64]) -> (f64, f64) {
    let moments = |xs: &mut dyn Iterator<Item = f64>| {
        let xs: Vec<f64> = xs.collect();
        let n = xs.len().max(1) as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        (mean, var.sqrt())
    };
    let (mean, sd) = moments(&mut xs.iter().copied());
    if mean.is_finite() && sd.is_finite() || xs.iter().any(|x| !x.is_finite()) {
        return (mean, sd);
    }
    // Every |x| / 2^k is at most 1, so the scaled sums cannot overflow; and the mean and
    // standard deviation are at most max |x|, so scaling back cannot either.
    let max = xs.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    let k = max.log2().ceil() as i32;
    let down = 0.5_f64.powi(k);
    let (mean, sd) = moments(&mut xs.iter().map(|x| x * down));
    (mean / down, sd / down)
}

/// How one feature becomes columns.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    /// One column; missing values become `fill`; `(x - shift) / scale`.
    Number { fill: f64, shift: f64, scale: f64 },
    /// One 0/1 column per level; an unseen level or a missing value is all zeros.
    OneHot { levels: Vec<String> },
}

/// A numeric encoding of feature rows, learned from a dataset: numeric features pass through
/// (missing values replaced by the mean seen in fitting; optionally standardised), categorical
/// features become one 0/1 column per level (declared levels, or the levels seen in fitting,
/// sorted). A level never seen encodes as all zeros.
///
/// ```
/// use model_check::prelude::*;
/// use model_check::data::Encoder;
///
/// #[derive(Features, Clone)]
/// struct Row { tenure: f64, contract: String, charges: Option<f64> }
///
/// let data = Dataset::from_rows(
///     vec![
///         Row { tenure: 1.0, contract: "monthly".into(), charges: Some(10.0) },
///         Row { tenure: 5.0, contract: "yearly".into(), charges: None },
///     ],
///     Labels::classes(["a", "b"])?,
/// )?;
/// let encoder = Encoder::fit(&data);
/// assert_eq!(encoder.columns(), ["tenure", "contract=monthly", "contract=yearly", "charges"]);
/// assert_eq!(encoder.encode(&data.rows()[1]), vec![5.0, 0.0, 1.0, 10.0]); // mean fills the gap
/// # Ok::<(), model_check::data::DataError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Encoder<R> {
    columns: Vec<Column>,
    names: Vec<String>,
    /// The schema index of the feature behind each output column.
    owners: Vec<usize>,
    _row: std::marker::PhantomData<fn(&R)>,
}

impl<R: Features> Encoder<R> {
    /// Learns levels and fill values from `data`.
    pub fn fit(data: &Dataset<R>) -> Self {
        Self::fit_rows(data.rows(), false)
    }

    /// Like [`fit`](Encoder::fit), and also standardises numeric columns to mean 0 and
    /// standard deviation 1 (as scikit-learn's `StandardScaler`; constant columns are only
    /// centred).
    pub fn fit_standardized(data: &Dataset<R>) -> Self {
        Self::fit_rows(data.rows(), true)
    }

    fn fit_rows(rows: &[R], standardize: bool) -> Self {
        let schema = R::SCHEMA;
        let mut columns = Vec::with_capacity(schema.len());
        let mut names = Vec::new();
        let mut owners = Vec::new();
        for (i, spec) in schema.iter().enumerate() {
            match spec.kind() {
                Kind::Numeric { .. } => {
                    let xs: Vec<f64> = rows.iter().filter_map(|r| r.value(i).as_number()).collect();
                    let (mean, sd) = mean_and_sd(&xs);
                    let (shift, scale) = match (standardize, sd) {
                        (false, _) => (0.0, 1.0),
                        (true, sd) if sd > 0.0 => (mean, sd),
                        (true, _) => (mean, 1.0),
                    };
                    columns.push(Column::Number {
                        fill: mean,
                        shift,
                        scale,
                    });
                    owners.push(i);
                    names.push(spec.name().to_string());
                }
                Kind::Categorical { levels } => {
                    let levels: Vec<String> = if levels.is_empty() {
                        let seen: BTreeSet<String> = rows
                            .iter()
                            .filter_map(|r| r.value(i).as_category().map(str::to_string))
                            .collect();
                        seen.into_iter().collect()
                    } else {
                        levels.iter().map(|l| l.to_string()).collect()
                    };
                    names.extend(levels.iter().map(|l| format!("{}={l}", spec.name())));
                    owners.extend(std::iter::repeat_n(i, levels.len()));
                    columns.push(Column::OneHot { levels });
                }
            }
        }
        Encoder {
            columns,
            names,
            owners,
            _row: std::marker::PhantomData,
        }
    }

    /// The output column names: a numeric feature's name, or `feature=level`.
    pub fn columns(&self) -> &[String] {
        &self.names
    }

    /// The number of output columns.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// Appends the encoding of `row` to `out`.
    pub fn encode_into(&self, row: &R, out: &mut Vec<f64>) {
        for (i, column) in self.columns.iter().enumerate() {
            let value = row.value(i);
            match column {
                Column::Number { fill, shift, scale } => {
                    let x = value.as_number().unwrap_or(*fill);
                    out.push(standardise(x, *shift, *scale));
                }
                Column::OneHot { levels } => {
                    let level = match &value {
                        Value::Category(c) => levels.iter().position(|l| l == c),
                        _ => None,
                    };
                    out.extend((0..levels.len()).map(|j| f64::from(u8::from(Some(j) == level))));
                }
            }
        }
    }

    /// The encoding of `row`. A number whose standardised value lies beyond the range of
    /// `f64` encodes as an infinity; [`try_encode`](Self::try_encode) reports it instead.
    pub fn encode(&self, row: &R) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.width());
        self.encode_into(row, &mut out);
        out
    }

    /// The encodings of `rows`, row after row in one buffer (row-major, [`width`](Self::width)
    /// columns): the layout matrix libraries take.
    pub fn encode_flat(&self, rows: &[R]) -> Vec<f64> {
        let mut out = Vec::with_capacity(rows.len() * self.width());
        for row in rows {
            self.encode_into(row, &mut out);
        }
        out
    }

    /// The encodings of `rows`, one `Vec` per row.
    pub fn encode_all(&self, rows: &[R]) -> Vec<Vec<f64>> {
        rows.iter().map(|r| self.encode(r)).collect()
    }

    /// The encoding of `row`, or an error naming the feature whose encoded value is not a
    /// finite number: a value so far from the fitted mean that standardising it overflows
    /// `f64` (or a non-finite value in a dataset built without checks).
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { income: f64 }
    ///
    /// let data = Dataset::from_rows(
    ///     vec![Row { income: 0.0 }, Row { income: 1.0 }],
    ///     Labels::classes(["a", "b"])?,
    /// )?;
    /// let encoder = Encoder::fit_standardized(&data);
    /// assert_eq!(encoder.try_encode(&Row { income: 1.0 })?, vec![1.0]);
    /// // (1e308 - 0.5) / 0.5 is beyond f64.
    /// let err = encoder.try_encode(&Row { income: 1e308 }).unwrap_err();
    /// assert!(err.to_string().starts_with("input, field `income`: 100000000"), "{err}");
    /// # Ok::<(), model_check::data::DataError>(())
    /// ```
    pub fn try_encode(&self, row: &R) -> Result<Vec<f64>, DataError> {
        let out = self.encode(row);
        self.check(row, &out, Location::default())?;
        Ok(out)
    }

    /// The encodings of `rows` in one row-major buffer, as [`encode_flat`](Self::encode_flat),
    /// or an error naming the row (0-based) and the feature whose encoded value is not a
    /// finite number.
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { income: f64 }
    ///
    /// let data = Dataset::from_rows(
    ///     vec![Row { income: 0.0 }, Row { income: 1.0 }],
    ///     Labels::classes(["a", "b"])?,
    /// )?;
    /// let encoder = Encoder::fit_standardized(&data);
    /// let err = encoder
    ///     .try_encode_flat(&[Row { income: 0.5 }, Row { income: -1e308 }])
    ///     .unwrap_err();
    /// assert!(err.to_string().starts_with("row 1, field `income`: "), "{err}");
    /// # Ok::<(), model_check::data::DataError>(())
    /// ```
    pub fn try_encode_flat(&self, rows: &[R]) -> Result<Vec<f64>, DataError> {
        let mut out = Vec::with_capacity(rows.len() * self.width());
        for (i, row) in rows.iter().enumerate() {
            let start = out.len();
            self.encode_into(row, &mut out);
            self.check(row, &out[start..], Location::row(i))?;
        }
        Ok(out)
    }

    /// Fails on the first encoded value of `row` that is not finite.
    fn check(&self, row: &R, encoded: &[f64], at: Location) -> Result<(), DataError> {
        let Some(column) = encoded.iter().position(|z| !z.is_finite()) else {
            return Ok(());
        };
        let feature = self.owners[column];
        let spec = &R::SCHEMA[feature];
        let reason = match (row.value(feature).as_number(), &self.columns[feature]) {
            (Some(x), Column::Number { shift, scale, .. }) if x.is_finite() => format!(
                "{x} standardises to {}, beyond the range of f64 (fitted mean {shift}, standard deviation {scale})",
                encoded[column]
            ),
            (x, _) => format!(
                "{} is not a finite number",
                x.map_or_else(|| "the fill value".to_string(), |x| x.to_string())
            ),
        };
        Err(DataError::Invalid {
            at: Box::new(at.in_field(spec.name())),
            reason,
        })
    }
}
