//! Turning feature rows into numeric rows for matrix models.

use std::collections::BTreeSet;

use super::{Dataset, Features, Kind, Value};

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
        for (i, spec) in schema.iter().enumerate() {
            match spec.kind() {
                Kind::Numeric { .. } => {
                    let xs: Vec<f64> = rows.iter().filter_map(|r| r.value(i).as_number()).collect();
                    let n = xs.len().max(1) as f64;
                    let mean = xs.iter().sum::<f64>() / n;
                    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
                    let (shift, scale) = match (standardize, var.sqrt()) {
                        (false, _) => (0.0, 1.0),
                        (true, sd) if sd > 0.0 => (mean, sd),
                        (true, _) => (mean, 1.0),
                    };
                    columns.push(Column::Number {
                        fill: mean,
                        shift,
                        scale,
                    });
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
                    columns.push(Column::OneHot { levels });
                }
            }
        }
        Encoder {
            columns,
            names,
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
                    out.push((x - shift) / scale);
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

    /// The encoding of `row`.
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
}
