//! What an expectation finds, and what a run records.
//!
//! An expectation returns [`Findings`]: one or more [`Finding`]s, each a [`Verdict`] with its
//! [`Evidence`] and [`Example`]s. It says nothing about where it ran; the runner records each
//! finding as an [`Outcome`], adding the model, the expectation's text, the cohort and the
//! seed — as proptest's test case returns a `TestCaseError` and the runner records a
//! `TestError`.
//!
//! Evidence is open: a [`Unit`] says how its numbers read, a [`Method`] names how the verdict
//! was reached with its parameters, and [`Table`]s carry detail (per-cohort estimates, flip
//! thresholds, attributions) with a [`Plot`] hint. Renderers format by unit and draw by hint,
//! so a new kind of evidence needs no renderer change.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::metrics::Interval;
use crate::model::ModelInfo;

/// The verdict of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The whole 95% interval clears the threshold (or, in point-estimate mode, the estimate
    /// does).
    Pass,
    /// The whole 95% interval misses the threshold.
    Fail,
    /// The interval straddles the threshold, or the cohort is below the minimum size: more
    /// rows are needed to decide.
    Inconclusive,
    /// The expectation could not be evaluated: the model failed or panicked, or the data
    /// does not fit.
    Error,
}

impl Verdict {
    /// `PASS`, `FAIL`, `INCONCLUSIVE` or `ERROR`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::Error => "ERROR",
        }
    }

    /// The more severe of two verdicts: `Error` over `Fail` over `Inconclusive` over `Pass`.
    pub fn worst(self, other: Verdict) -> Verdict {
        let rank = |v| match v {
            Verdict::Pass => 0,
            Verdict::Inconclusive => 1,
            Verdict::Fail => 2,
            Verdict::Error => 3,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// How the numbers of a piece of evidence read. Renderers format by unit, so an expectation
/// with a new kind of number picks a unit (or names its own) and needs no renderer change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Unit {
    /// A rate in `[0, 1]`, shown as a percentage.
    Proportion,
    /// A difference of two rates, shown in percentage points.
    Points,
    /// A distance between distributions or rows (KS statistic, Wasserstein, L1).
    Distance,
    /// A count of rows, variants or calls.
    Count,
    /// A plain number (an AUC, a log loss, an error in the target's unit).
    #[default]
    Number,
    /// A p-value: four significant digits, in scientific notation below 0.001.
    PValue,
    /// A number in a unit of the expectation's own, shown after it: `Other("ms")` → `12 ms`.
    Other(String),
}

impl Unit {
    /// `x` as this unit reads: `5.4%`, `19.4 points`, `0.1234`, `12`, `12 ms`.
    pub fn show(&self, x: f64) -> String {
        match self {
            Unit::Proportion => crate::fmt::percent(x),
            Unit::Points => crate::fmt::points(x),
            Unit::Distance | Unit::Number => crate::fmt::number(x),
            Unit::PValue => crate::fmt::p_value(x),
            Unit::Count => crate::fmt::count(x),
            Unit::Other(name) => format!("{} {name}", crate::fmt::number(x)),
        }
    }

    /// `x` without the unit's name, for an interval's bounds after the estimate has named
    /// it: `5.4%` for a proportion, `19.4` for points, `12` for `ms`.
    pub fn show_bare(&self, x: f64) -> String {
        match self {
            Unit::Points => crate::fmt::points_number(x),
            Unit::Other(_) => crate::fmt::number(x),
            _ => self.show(x),
        }
    }
}

/// How a verdict was reached: a method's name and its parameters, open to any method.
///
/// ```
/// use model_check::outcome::Method;
///
/// let m = Method::new("bootstrap").with("resamples", 1000.0);
/// assert_eq!(m.to_string(), "bootstrap, 1000 resamples");
/// assert_eq!(Method::new("benjamini-yekutieli").with("q", 0.05).to_string(), "benjamini-yekutieli, q = 0.05");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// The method's identifier: `wilson`, `newcombe`, `mcnemar`, `bootstrap`, `ks exact`,
    /// `point_estimate`, or any name of an expectation's own.
    pub name: String,
    /// Its parameters by name (`resamples`, `q`), in name order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, f64>,
}

impl Method {
    /// The Wilson 95% interval of a proportion.
    pub const WILSON: &'static str = "wilson";
    /// Newcombe's hybrid score 95% interval of a difference of two proportions.
    pub const NEWCOMBE: &'static str = "newcombe";
    /// Newcombe intervals of many pairs, failures decided on Holm-adjusted p-values
    /// (parameter `pairs`).
    pub const NEWCOMBE_HOLM: &'static str = "newcombe holm";
    /// McNemar's exact test on paired predictions of the same rows.
    pub const MCNEMAR: &'static str = "mcnemar";
    /// DeLong's 95% Wald interval of a ROC AUC.
    pub const DELONG: &'static str = "delong";
    /// A seeded percentile bootstrap 95% interval (parameter `resamples`).
    pub const BOOTSTRAP: &'static str = "bootstrap";
    /// The estimate alone, with no allowance for sampling error (asked for explicitly).
    pub const POINT_ESTIMATE: &'static str = "point_estimate";
    /// No evidence: the expectation was not evaluated.
    pub const NONE: &'static str = "none";

    /// A method with no parameters.
    pub fn new(name: impl Into<String>) -> Self {
        Method {
            name: name.into(),
            params: BTreeMap::new(),
        }
    }

    /// Adds a parameter.
    pub fn with(mut self, param: impl Into<String>, value: f64) -> Self {
        self.params.insert(param.into(), value);
        self
    }

    /// The Wilson interval.
    pub fn wilson() -> Self {
        Method::new(Self::WILSON)
    }

    /// Newcombe's interval of a difference.
    pub fn newcombe() -> Self {
        Method::new(Self::NEWCOMBE)
    }

    /// McNemar's exact test.
    pub fn mcnemar() -> Self {
        Method::new(Self::MCNEMAR)
    }

    /// A percentile bootstrap with `resamples` resamples.
    pub fn bootstrap(resamples: u32) -> Self {
        Method::new(Self::BOOTSTRAP).with("resamples", f64::from(resamples))
    }

    /// The estimate alone.
    pub fn point_estimate() -> Self {
        Method::new(Self::POINT_ESTIMATE)
    }

    /// No method: nothing was evaluated.
    pub fn none() -> Self {
        Method::new(Self::NONE)
    }

    /// Whether this is the method called `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    /// A parameter's value.
    pub fn param(&self, name: &str) -> Option<f64> {
        self.params.get(name).copied()
    }

    /// Whether the method gives an interval a verdict can rest on (anything but a point
    /// estimate or no method).
    pub fn has_interval(&self) -> bool {
        !self.is(Self::POINT_ESTIMATE) && !self.is(Self::NONE)
    }
}

/// `Wilson`, `bootstrap, 1000 resamples`, `point estimate, no interval`, `ks exact`,
/// `benjamini-yekutieli, q = 0.05`.
impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name.as_str() {
            Self::WILSON => f.write_str("Wilson")?,
            Self::NEWCOMBE => f.write_str("Newcombe")?,
            Self::NEWCOMBE_HOLM => f.write_str("Newcombe, Holm-adjusted")?,
            Self::DELONG => f.write_str("DeLong")?,
            Self::MCNEMAR => f.write_str("McNemar exact test")?,
            Self::POINT_ESTIMATE => f.write_str("point estimate, no interval")?,
            Self::NONE => {}
            name => f.write_str(name)?,
        }
        for (param, value) in &self.params {
            match param.as_str() {
                // Counts read before their noun.
                "resamples" | "permutations" | "repeats" | "samples" | "pairs" => {
                    write!(f, ", {} {param}", crate::fmt::count(*value))?
                }
                _ => write!(f, ", {param} = {}", crate::fmt::number(*value))?,
            }
        }
        Ok(())
    }
}

/// The most rows a [`Table`] keeps; further rows are counted, not stored, so a report's size
/// is bounded by findings × this, never by the rows of the data.
pub const MAX_TABLE_ROWS: usize = 50;

/// One cell of a [`Table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// A number, formatted by its column's unit.
    Number(f64),
    /// Text.
    Text(String),
    /// No value (also how a NaN reads back from JSON).
    Missing,
}

impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Cell::Number(x)
    }
}

impl From<Option<f64>> for Cell {
    fn from(x: Option<f64>) -> Self {
        x.map_or(Cell::Missing, Cell::Number)
    }
}

impl From<u64> for Cell {
    fn from(x: u64) -> Self {
        Cell::Number(x as f64)
    }
}

impl From<usize> for Cell {
    fn from(x: usize) -> Self {
        Cell::Number(x as f64)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

/// A column of a [`Table`]: its name and, for numbers, their unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The unit of its numbers; `None` for a column of text.
    pub unit: Option<Unit>,
}

impl Column {
    /// A column of text.
    pub fn text(name: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            unit: None,
        }
    }

    /// A column of numbers in `unit`.
    pub fn number(name: impl Into<String>, unit: Unit) -> Self {
        Column {
            name: name.into(),
            unit: Some(unit),
        }
    }
}

/// How a renderer may draw a [`Table`]; each names the columns it reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Plot {
    /// One estimate with its interval per row, against an optional threshold (a forest plot).
    Intervals {
        /// The column naming each row.
        label: String,
        /// The column of estimates.
        estimate: String,
        /// The column of lower bounds.
        lo: String,
        /// The column of upper bounds.
        hi: String,
        /// The threshold to draw, if any.
        threshold: Option<f64>,
    },
    /// One bar per row.
    Bars {
        /// The column naming each bar.
        label: String,
        /// The column of bar lengths.
        value: String,
    },
    /// A histogram: one bin per row.
    Histogram {
        /// The column of bins' lower edges.
        lo: String,
        /// The column of bins' upper edges.
        hi: String,
        /// The column of counts (or shares).
        count: String,
        /// A column of the same bins' counts in a reference, drawn beside them (a drift's
        /// before and after), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// A matrix: one cell per row (a confusion matrix, a flip table).
    Matrix {
        /// The column naming the matrix row.
        row: String,
        /// The column naming the matrix column.
        column: String,
        /// The column of values.
        value: String,
    },
}

/// A table added with a row of the wrong width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    table: String,
    expected: usize,
    got: usize,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "table `{}` has {} columns, but a row of {} cells was added",
            self.table, self.expected, self.got
        )
    }
}

impl std::error::Error for TableError {}

/// Detail behind a finding: named, typed columns and at most [`MAX_TABLE_ROWS`] rows (the
/// number offered is recorded, so truncation is never silent), with a plot hint.
///
/// ```
/// use model_check::outcome::{Column, Plot, Table, Unit};
///
/// let mut t = Table::new("recall by contract", [
///     Column::text("contract"),
///     Column::number("recall", Unit::Proportion),
/// ]);
/// t.push(["Month-to-month".into(), 0.62.into()])?;
/// t.push(["One year".into(), 0.02.into()])?;
/// let t = t.with_plot(Plot::Bars { label: "contract".into(), value: "recall".into() });
/// assert_eq!(t.rows.len(), 2);
/// assert!(!t.truncated());
/// # Ok::<(), model_check::expect::TableError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// What the table shows.
    pub name: String,
    /// Its columns.
    pub columns: Vec<Column>,
    /// The rows kept, at most [`MAX_TABLE_ROWS`].
    pub rows: Vec<Vec<Cell>>,
    /// How many rows were offered; more than `rows.len()` when the table was truncated.
    pub total_rows: u64,
    /// How a renderer may draw it.
    pub plot: Option<Plot>,
}

impl Table {
    /// An empty table.
    pub fn new(name: impl Into<String>, columns: impl IntoIterator<Item = Column>) -> Self {
        Table {
            name: name.into(),
            columns: columns.into_iter().collect(),
            rows: Vec::new(),
            total_rows: 0,
            plot: None,
        }
    }

    /// Adds a row (kept while fewer than [`MAX_TABLE_ROWS`] are, else counted); a row whose
    /// width differs from the columns' is an error.
    pub fn push(&mut self, row: impl IntoIterator<Item = Cell>) -> Result<(), TableError> {
        let row: Vec<Cell> = row.into_iter().collect();
        if row.len() != self.columns.len() {
            return Err(TableError {
                table: self.name.clone(),
                expected: self.columns.len(),
                got: row.len(),
            });
        }
        self.total_rows += 1;
        if self.rows.len() < MAX_TABLE_ROWS {
            self.rows.push(row);
        }
        Ok(())
    }

    /// Adds a plot hint.
    pub fn with_plot(mut self, plot: Plot) -> Self {
        self.plot = Some(plot);
        self
    }

    /// Whether rows were offered beyond those kept.
    pub fn truncated(&self) -> bool {
        self.total_rows > self.rows.len() as u64
    }

    /// The position of the column called `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// The numbers behind a verdict.
///
/// Built with [`Evidence::new`] and its setters (the fields are public to read; the struct
/// may grow, so outside this crate it is built, not written as a literal).
///
/// ```
/// use model_check::outcome::{Evidence, Method, Unit};
/// use model_check::metrics::Interval;
///
/// let e = Evidence::new(Unit::Distance, Method::new("ks exact"))
///     .estimate(0.21)
///     .n(400)
///     .threshold(0.1)
///     .p_value(3.2e-5);
/// assert_eq!(e.unit.show(0.21), "0.21");
/// # let _ = Interval { lo: 0.0, hi: 1.0 };
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Evidence {
    /// The observed value.
    pub estimate: Option<f64>,
    /// Its 95% interval.
    pub interval: Option<Interval>,
    /// The number of rows (or trials) behind the estimate.
    pub n: u64,
    /// The threshold it was compared with.
    pub threshold: Option<f64>,
    /// How the estimate, interval and threshold read.
    pub unit: Unit,
    /// How the verdict was reached.
    pub method: Method,
    /// A test's p-value, when the verdict rests on one.
    pub p_value: Option<f64>,
    /// The p-value adjusted for the other hypotheses tested with it (the method names how).
    pub adjusted_p_value: Option<f64>,
    /// For an inconclusive verdict: about how many rows would decide it, if the observed
    /// value held.
    pub rows_needed: Option<u64>,
    /// Detail tables, each bounded to [`MAX_TABLE_ROWS`] rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
}

impl Evidence {
    /// Evidence in `unit`, reached by `method`, with nothing observed yet.
    pub fn new(unit: Unit, method: Method) -> Self {
        Evidence {
            estimate: None,
            interval: None,
            n: 0,
            threshold: None,
            unit,
            method,
            p_value: None,
            adjusted_p_value: None,
            rows_needed: None,
            tables: Vec::new(),
        }
    }

    /// No evidence (an error outcome).
    pub fn none() -> Self {
        Evidence::new(Unit::Number, Method::none())
    }

    /// Sets the estimate.
    pub fn estimate(mut self, x: f64) -> Self {
        self.estimate = Some(x);
        self
    }

    /// Sets the 95% interval.
    pub fn interval(mut self, lo: f64, hi: f64) -> Self {
        self.interval = Some(Interval { lo, hi });
        self
    }

    /// Sets the number of rows or trials.
    pub fn n(mut self, n: u64) -> Self {
        self.n = n;
        self
    }

    /// Sets the threshold.
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = Some(t);
        self
    }

    /// Sets the p-value.
    pub fn p_value(mut self, p: f64) -> Self {
        self.p_value = Some(p);
        self
    }

    /// Sets the adjusted p-value.
    pub fn adjusted_p_value(mut self, p: f64) -> Self {
        self.adjusted_p_value = Some(p);
        self
    }

    /// Sets how many rows would decide an inconclusive verdict.
    pub fn rows_needed(mut self, n: u64) -> Self {
        self.rows_needed = Some(n);
        self
    }

    /// Adds a detail table.
    pub fn table(mut self, table: Table) -> Self {
        self.tables.push(table);
        self
    }
}

/// One edit of an [`Example`]: a feature or token, its value before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleEdit {
    /// The feature's name, or `token 3` for a text.
    pub target: String,
    /// The value before, as text.
    pub before: String,
    /// The value after, as text.
    pub after: String,
    /// For a numeric flip: the value at which the prediction changes, when it differs from
    /// `after`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flips_at: Option<f64>,
}

impl ExampleEdit {
    /// An edit of `target` from `before` to `after`.
    pub fn new(
        target: impl Into<String>,
        before: impl fmt::Display,
        after: impl fmt::Display,
    ) -> Self {
        ExampleEdit {
            target: target.into(),
            before: before.to_string(),
            after: after.to_string(),
            flips_at: None,
        }
    }
}

/// `tenure: 12 → 30 (flips at 21.5)`.
impl fmt::Display for ExampleEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} → {}", self.target, self.before, self.after)?;
        if let Some(t) = self.flips_at {
            write!(f, " (flips at {})", crate::fmt::number(t))?;
        }
        Ok(())
    }
}

/// A score before and after the edits of an [`Example`]: a class probability, a regression
/// output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreChange {
    /// What is scored: `P(Yes)`.
    pub name: String,
    /// The score of the original row.
    pub before: f64,
    /// The score of the variant.
    pub after: f64,
    /// The predicted label before, when it is a classifier's.
    pub label_before: Option<String>,
    /// The predicted label after.
    pub label_after: Option<String>,
}

/// A row that shows why a finding is what it is: a mistake, a variant that broke an
/// invariance, a counterfactual that flips the prediction.
///
/// Structured — the edits, the variant text, the scores before and after — with the sentence
/// a report prints ([`detail`](Example::detail)) derived from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The row's position in the dataset.
    pub row: usize,
    /// The row's id, when the dataset has ids.
    pub id: Option<String>,
    /// The edits that make the variant, if the example is a variant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<ExampleEdit>,
    /// The variant's text, for text inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The score before and after the edits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreChange>,
    /// Remarks that qualify the example: `distance 0.13`, `shrunk from 5 edits`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<String>,
    /// What the row shows, in words: derived from the fields above for variants, given for
    /// plain rows ("true Yes, predicted No (P(Yes) = 0.08)").
    pub detail: String,
}

impl Example {
    /// A row described in words (a mistake, a failed case).
    pub fn row(row: usize, id: Option<&str>, detail: impl Into<String>) -> Self {
        Example {
            row,
            id: id.map(str::to_string),
            edits: Vec::new(),
            variant: None,
            score: None,
            remarks: Vec::new(),
            detail: detail.into(),
        }
    }

    /// A variant of a row: its edits and the score before and after; the sentence is
    /// derived.
    ///
    /// ```
    /// use model_check::outcome::{Example, ExampleEdit, ScoreChange};
    ///
    /// let e = Example::variant(
    ///     17,
    ///     None,
    ///     vec![ExampleEdit::new("female", 0, 1)],
    ///     ScoreChange { name: "P(Yes)".into(), before: 0.48, after: 0.53, label_before: Some("No".into()), label_after: Some("Yes".into()) },
    /// );
    /// assert_eq!(e.detail, "female: 0 → 1; P(Yes) 0.480 → 0.530 (label No → Yes)");
    /// ```
    pub fn variant(
        row: usize,
        id: Option<&str>,
        edits: Vec<ExampleEdit>,
        score: ScoreChange,
    ) -> Self {
        Example::edited(row, id, edits).with_score(score)
    }

    /// A variant of a row by its edits alone, with no score; the sentence is derived.
    pub fn edited(row: usize, id: Option<&str>, edits: Vec<ExampleEdit>) -> Self {
        let mut e = Example::row(row, id, String::new());
        e.edits = edits;
        e.derive_detail();
        e
    }

    /// Adds the score before and after the edits (scores must be finite numbers, which JSON
    /// can carry).
    pub fn with_score(mut self, score: ScoreChange) -> Self {
        self.score = Some(score);
        self.derive_detail();
        self
    }

    /// Adds the variant's text.
    pub fn with_variant_text(mut self, text: impl Into<String>) -> Self {
        self.variant = Some(text.into());
        self
    }

    /// Adds a remark, appended to the sentence.
    pub fn with_remark(mut self, remark: impl Into<String>) -> Self {
        let remark = remark.into();
        if self.edits.is_empty() && self.score.is_none() {
            self.detail = format!("{}; {remark}", self.detail);
            self.remarks.push(remark);
        } else {
            self.remarks.push(remark);
            self.derive_detail();
        }
        self
    }

    /// Rebuilds [`detail`](Example::detail) of a variant from its edits, score and remarks.
    fn derive_detail(&mut self) {
        let mut parts: Vec<String> = self.edits.iter().map(ToString::to_string).collect();
        if let Some(s) = &self.score {
            let (before, after) = crate::fmt::probability_pair(s.before, s.after);
            let mut score = format!("{} {before} → {after}", s.name);
            match (&s.label_before, &s.label_after) {
                (Some(a), Some(b)) if a == b => score += &format!(" (label {a})"),
                (Some(a), Some(b)) => score += &format!(" (label {a} → {b})"),
                _ => {}
            }
            parts.push(score);
        }
        parts.extend(self.remarks.iter().cloned());
        self.detail = parts.join("; ");
    }
}

/// What an expectation found: a verdict, its evidence, the most telling examples and a note.
///
/// An expectation that tests many candidates (cohorts, slices, features) returns one finding
/// per candidate worth reporting, each naming its [`subject`](Finding::subject); "nothing
/// found" is a `Pass` finding that says how many candidates were tested.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Pass, fail, inconclusive, or error.
    pub verdict: Verdict,
    /// What, within the expectation's rows, the finding is about: a pair of cohorts, a slice,
    /// a feature. `None` when it is about all of them.
    pub subject: Option<String>,
    /// The numbers behind the verdict.
    pub evidence: Evidence,
    /// The most telling rows, at most the check's `max_examples`.
    pub examples: Vec<Example>,
    /// Anything else the reader needs: why a verdict is inconclusive, the error message.
    pub note: Option<String>,
}

impl Finding {
    /// A finding with a verdict and evidence.
    pub fn new(verdict: Verdict, evidence: Evidence) -> Self {
        Finding {
            verdict,
            subject: None,
            evidence,
            examples: Vec::new(),
            note: None,
        }
    }

    /// Names what the finding is about.
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Adds examples.
    pub fn with_examples(mut self, examples: Vec<Example>) -> Self {
        self.examples = examples;
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The findings of one expectation: at least one, by construction.
///
/// ```
/// use model_check::outcome::{Evidence, Finding, Findings, Verdict};
///
/// let found = Findings::from(Finding::new(Verdict::Pass, Evidence::none()))
///     .and(Finding::new(Verdict::Fail, Evidence::none()).with_subject("seniors"));
/// assert_eq!(found.len(), 2);
/// assert!(Findings::try_from(Vec::new()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Findings(Vec<Finding>);

impl Findings {
    /// Adds a finding.
    pub fn and(mut self, finding: Finding) -> Self {
        self.0.push(finding);
        self
    }

    /// How many findings there are (at least one).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The findings.
    pub fn iter(&self) -> std::slice::Iter<'_, Finding> {
        self.0.iter()
    }
}

impl From<Finding> for Findings {
    fn from(f: Finding) -> Self {
        Findings(vec![f])
    }
}

/// An expectation returned no findings; it must return at least one ("nothing found" is a
/// `Pass` finding saying how many candidates were tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoFindings;

impl fmt::Display for NoFindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an expectation must return at least one finding (\"nothing found\" is a Pass finding that says how many candidates were tested)")
    }
}

impl std::error::Error for NoFindings {}

impl TryFrom<Vec<Finding>> for Findings {
    type Error = NoFindings;
    fn try_from(v: Vec<Finding>) -> Result<Self, NoFindings> {
        if v.is_empty() {
            Err(NoFindings)
        } else {
            Ok(Findings(v))
        }
    }
}

impl IntoIterator for Findings {
    type Item = Finding;
    type IntoIter = std::vec::IntoIter<Finding>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

mod seed_string {
    //! Seeds exceed 2^53, which JSON readers lose as numbers: they are written as strings.
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&seed.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        // Digits only, as written: `u64::from_str` would also take `+7`.
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())
            .flatten()
            .ok_or_else(|| serde::de::Error::custom(format!("seed {text:?} is not a u64")))
    }
}

pub(crate) use seed_string::{deserialize as seed_from_string, serialize as seed_to_string};

/// A finding as the run records it: with the model, the expectation, the cohort and the seed
/// it ran with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The model checked; `None` for a check of data alone.
    pub model: Option<ModelInfo>,
    /// The expectation in words.
    pub expectation: String,
    /// The rows it applied to.
    pub cohort: String,
    /// The seed of the expectation's own randomness (derived from the test's seed, the
    /// expectation and the cohort).
    #[serde(
        serialize_with = "seed_to_string",
        deserialize_with = "seed_from_string"
    )]
    pub seed: u64,
    /// What within the rows the finding is about, if not all of them.
    pub subject: Option<String>,
    /// Pass, fail, inconclusive, or error.
    pub verdict: Verdict,
    /// The numbers behind the verdict.
    pub evidence: Evidence,
    /// The most telling rows, at most the check's `max_examples`.
    pub examples: Vec<Example>,
    /// Anything else the reader needs: why a verdict is inconclusive, the error message.
    pub note: Option<String>,
    /// Whether an `Inconclusive` verdict passes (the check allowed it).
    pub inconclusive_allowed: bool,
}

impl Outcome {
    /// Records `finding` as found by `expectation` of `model` on `cohort` with `seed`.
    pub fn record(
        finding: Finding,
        model: Option<&ModelInfo>,
        expectation: &str,
        cohort: &str,
        seed: u64,
    ) -> Self {
        Outcome {
            model: model.cloned(),
            expectation: expectation.to_string(),
            cohort: cohort.to_string(),
            seed,
            subject: finding.subject,
            verdict: finding.verdict,
            evidence: finding.evidence,
            examples: finding.examples,
            note: finding.note,
            inconclusive_allowed: false,
        }
    }

    /// An expectation that could not be evaluated.
    pub(crate) fn error(model: Option<&ModelInfo>, expectation: &str, message: String) -> Self {
        Outcome::record(
            Finding::new(Verdict::Error, Evidence::none()).with_note(message),
            model,
            expectation,
            "",
            0,
        )
    }
}

/// The outcomes of running a check or suite with a seed.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// The seed the checks ran with.
    pub seed: u64,
    /// One outcome per finding, in the order of the expectations.
    pub outcomes: Vec<Outcome>,
    /// Model calls made (predictions already cached in the process cost none).
    pub model_calls: u64,
    /// Wall-clock time.
    pub duration: Duration,
}

impl CheckReport {
    /// The overall verdict: `Error` if any outcome errored, else `Fail` if any failed, else
    /// `Inconclusive` if any was inconclusive, else `Pass`.
    pub fn verdict(&self) -> Verdict {
        self.outcomes
            .iter()
            .fold(Verdict::Pass, |v, o| v.worst(o.verdict))
    }

    /// Whether the test passes: there is at least one outcome, and every outcome passes or
    /// is inconclusive where its check allowed that.
    pub fn passed(&self) -> bool {
        !self.outcomes.is_empty()
            && self.outcomes.iter().all(|o| match o.verdict {
                Verdict::Pass => true,
                Verdict::Inconclusive => o.inconclusive_allowed,
                Verdict::Fail | Verdict::Error => false,
            })
    }
}
