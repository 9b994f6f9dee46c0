//! Checks: a model, a dataset, the rows to look at, and what must hold there.
//!
//! A check is built with [`check`]: name the model and the data, narrow the rows
//! ([`on`](CheckBuilder::on) a cohort, a seeded [`sample`](CheckBuilder::sample)), and state
//! an [`Expectation`] with [`expect`](CheckBuilder::expect). Nothing runs until the check is
//! run with a seed — by `#[model_test]`, or by [`Check::run`] — so a test function only
//! *describes* its checks and the runner decides the seed.
//!
//! Each expectation returns one or more [`Finding`]s — a [`Verdict`] with its evidence (the
//! estimate, its 95% interval, `n`, the threshold, a unit and a method) and the most telling
//! examples — and running records each as an [`Outcome`] with the model, the expectation, the
//! cohort and the seed.
//!
//! Three shapes of check, one runner and one report:
//!
//! - [`check`]`(model, data)`: a model on data (metrics, invariances, flips);
//! - [`check_data`]`(data)`: data alone, no model (data unit tests such as
//!   [`missing_rate`]);
//! - `check(model, data)`[`.against(reference)`](CheckBuilder::against): data compared with a
//!   reference dataset (drift, a metric's drop from the reference: [`reference_gap`]).
//!
//! ```
//! use model_check::prelude::*;
//!
//! #[derive(Features, Clone)]
//! struct Applicant { score: f64, region: String }
//!
//! let rows: Vec<Applicant> = (0..400)
//!     .map(|i| Applicant { score: (i % 100) as f64 / 100.0, region: if i % 2 == 0 { "north" } else { "south" }.into() })
//!     .collect();
//! let labels = Labels::classes(rows.iter().map(|a| if a.score > 0.5 { "approve" } else { "reject" }))?;
//! let data = Dataset::from_rows(rows, labels)?;
//! let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["approve", "reject"], |b: &[Applicant]| {
//!     Ok(b.iter().map(|a| if a.score > 0.5 { vec![0.9, 0.1] } else { vec![0.2, 0.8] }).collect())
//! })?;
//!
//! let report = check(model, data)
//!     .on(Cohort::category(Applicant::REGION, "south"))
//!     .expect(accuracy().at_least(0.9))
//!     .run(42);
//! assert_eq!(report.outcomes[0].verdict, Verdict::Pass);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bootstrap;
mod confidence;
mod drift;
mod drift_tests;
mod estimated;
mod explanation;
mod flip;
mod gap;
mod metric;
mod missing;
mod perturbation;
mod profile;
mod reference;
mod regression;
mod rows;
mod stability;
mod unit_case;

use std::fmt;
use std::ops::Deref;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Instant;

use crate::cohort::{Cohort, EvalError};
use crate::data::{Dataset, seeded_rng};
use crate::model::{Model, ModelError, ModelInfo, Predictions};

pub use crate::outcome::{
    Cell, CheckReport, Column, Evidence, Example, ExampleEdit, Finding, Findings, MAX_TABLE_ROWS,
    Method, NoFindings, Outcome, Plot, ScoreChange, Table, TableError, Unit, Verdict,
};
pub use confidence::{Confidence, confidence};
pub(crate) use drift::drift_finding;
pub use drift::{
    Drift, DriftScore, LabelDrift, PredictionDrift, drift, label_drift, prediction_drift,
};
pub use drift_tests::{DriftTests, drift_tests};
pub use estimated::{EstimatedAccuracy, estimated_accuracy};
pub use explanation::{
    FeatureAttribution, Importance, Monotone, TokenDrives, attribution, importance, monotone,
    token_drives,
};
pub use flip::{Flip, FlipExpectation, flip};
pub use gap::{Gap, MAX_NUMERIC_GROUPS, gap, newcombe_difference};
pub use metric::{
    BOOTSTRAP_MIN_ROWS, ClassMetric, ClassThreshold, DEFAULT_RESAMPLES, DELONG_MIN_CLASS_ROWS,
    MIN_RESAMPLES, RegressionMetric, RegressionThreshold, accuracy, brier_score,
    expected_calibration_error, expected_cost, f_beta, f1, false_negative_rate,
    false_positive_rate, log_loss, mae, precision, r2, recall, rmse, roc_auc,
};
pub use missing::{MissingRate, missing_rate};
pub use perturbation::{
    DEFAULT_MULTIPLIER, DEFAULT_SHRINK_BUDGET, Directional, Invariant, directional, invariant,
};
pub use profile::{
    LabelShare, MatchesProfile, RowCount, ValueCheck, allowed_levels, in_range, label_share,
    matches_profile, row_count, unique_values,
};
pub use reference::{ReferenceGap, reference_gap};
pub use regression::{
    ALPHA, Churn, CohortRegression, NoRegression, PairedRate, binomial_upper_tail, churn,
    mcnemar_exact, mcnemar_one_sided, no_regression,
};
pub(crate) use rows::share_finding;
pub use rows::{RowCheck, conflicting_labels, duplicate_rows, leaked_rows};
pub use stability::{PSI_BINS, PopulationStability, population_stability};
pub use unit_case::{UnitCases, unit_cases};

/// The number of examples an outcome keeps unless told otherwise.
pub const DEFAULT_MAX_EXAMPLES: usize = 5;

/// A dataset a check can hold: owned, shared (`Arc`), or borrowed for the whole program
/// (`&'static`, e.g. from a `static LazyLock`). Share one dataset between tests to share
/// its predictions (see [`crate::runner`]).
pub enum Data<R: 'static> {
    /// Owned or shared.
    Shared(Arc<Dataset<R>>),
    /// Borrowed for the whole program.
    Static(&'static Dataset<R>),
}

impl<R> Deref for Data<R> {
    type Target = Dataset<R>;
    fn deref(&self) -> &Dataset<R> {
        match self {
            Data::Shared(d) => d,
            Data::Static(d) => d,
        }
    }
}

impl<R> From<Dataset<R>> for Data<R> {
    fn from(d: Dataset<R>) -> Self {
        Data::Shared(Arc::new(d))
    }
}

impl<R> From<Arc<Dataset<R>>> for Data<R> {
    fn from(d: Arc<Dataset<R>>) -> Self {
        Data::Shared(d)
    }
}

impl<R> From<&'static Dataset<R>> for Data<R> {
    fn from(d: &'static Dataset<R>) -> Self {
        Data::Static(d)
    }
}

/// What an expectation sees while it runs: the model, the dataset, the selected rows, the
/// seed, and a predict-once view of the model's outputs.
pub struct Context<'a, M: Model> {
    model: &'a M,
    has_model: bool,
    data: &'a Dataset<M::Input>,
    reference: Option<&'a Dataset<M::Input>>,
    rows: &'a [usize],
    /// Whether the rows are a sample, predicted as a dataset of their own.
    sampled: bool,
    seed: u64,
    max_examples: usize,
    calls: u64,
}

impl<M: Model> Context<'_, M> {
    /// The model under test (for a check of data alone, a [`NoModel`] that predicts
    /// nothing).
    pub fn model(&self) -> &M {
        self.model
    }

    /// Whether the check has a model ([`check`]) or checks data alone ([`check_data`]).
    pub fn has_model(&self) -> bool {
        self.has_model
    }

    /// The whole dataset.
    pub fn data(&self) -> &Dataset<M::Input> {
        self.data
    }

    /// The reference dataset of a check built with
    /// [`against`](CheckBuilder::against), or an error saying the expectation needs one.
    pub fn reference(&self) -> Result<&Dataset<M::Input>, EvalError> {
        self.reference.ok_or_else(|| {
            EvalError::Data(crate::data::DataError::Setting {
                reason: "this expectation compares with a reference dataset; build the check with `check(model, data).against(reference)`".into(),
            })
        })
    }

    /// The positions of the rows the expectation applies to (cohort and sample applied).
    pub fn rows(&self) -> &[usize] {
        self.rows
    }

    /// The seed for this expectation's randomness.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many examples an outcome may keep.
    pub fn max_examples(&self) -> usize {
        self.max_examples
    }

    /// Model calls made so far by this expectation.
    pub fn model_calls(&self) -> u64 {
        self.calls
    }
}

impl<'a, M> Context<'a, M>
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: Clone + PartialEq + Send + Sync + 'static,
{
    /// The model's outputs for the selected rows, in order, predicted at most once per
    /// process for each (model, row).
    pub fn predictions(&mut self) -> Result<Predictions<'a, M::Output>, ModelError> {
        if self.sampled {
            crate::model::predict_sample(self.model, self.data, self.rows, &mut self.calls)
        } else {
            crate::model::predict_rows(self.model, self.data, Some(self.rows), &mut self.calls)
        }
    }

    /// The model's outputs for new inputs (variants, generated cases), predicted in batches
    /// of the model's [`batch_size`](Model::batch_size); every call is counted.
    pub fn predict(&mut self, inputs: &[M::Input]) -> Result<Vec<M::Output>, ModelError> {
        // Variants are not dataset rows: an error names the input's position.
        crate::model::predict_batched(self.model, inputs, &mut self.calls, |i| i)
    }

    /// The model's outputs for every row of the reference dataset, predicted at most once
    /// per process, like [`predictions`](Context::predictions).
    pub fn reference_predictions(&mut self) -> Result<Predictions<'a, M::Output>, EvalError> {
        self.reference()?;
        let reference = self.reference.expect("checked above");
        Ok(crate::model::predict_rows(
            self.model,
            reference,
            None,
            &mut self.calls,
        )?)
    }
}

/// The model of a check of data alone ([`check_data`]): it has no outputs, so expectations
/// that need predictions do not compile on such a check.
pub struct NoModel<R> {
    info: ModelInfo,
    input: std::marker::PhantomData<fn(&R)>,
}

/// What a [`NoModel`] predicts: nothing (the type has no values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoOutput {}

impl<R> Model for NoModel<R> {
    type Input = R;
    type Output = NoOutput;
    fn info(&self) -> &ModelInfo {
        &self.info
    }
    fn predict(&self, _batch: &[R]) -> Result<Vec<NoOutput>, ModelError> {
        Err(ModelError::failed(
            "a check of data alone has no model; build the check with `check(model, data)`",
        ))
    }
}

/// Something that must hold of a model on some rows, of data alone, or of data against a
/// reference.
///
/// Implemented by the expectations of this module ([`accuracy`]`().at_least(0.8)`) and by
/// user types. `evaluate` returns one or more [`Finding`]s; the runner records each as an
/// [`Outcome`] with the model, the expectation's text, the cohort and the seed. A failing
/// model, data that does not fit or an invalid setting is an `Err`, which the runner reports
/// as an `Error` outcome.
pub trait Expectation<M: Model> {
    /// The expectation in words, for reports: "recall of `Yes` is at least 70%".
    fn describe(&self) -> String;

    /// Evaluates the expectation on the context's rows.
    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError>;
}

impl<M: Model, E: Expectation<M> + ?Sized> Expectation<M> for Box<E> {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        (**self).evaluate(context)
    }
}

impl<M: Model, E: Expectation<M> + ?Sized> Expectation<M> for Arc<E> {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        (**self).evaluate(context)
    }
}

/// A check under construction: model, data, and which rows; finished by
/// [`expect`](CheckBuilder::expect).
pub struct CheckBuilder<M: Model>
where
    M::Input: 'static,
{
    model: Arc<M>,
    has_model: bool,
    data: Arc<Data<M::Input>>,
    reference: Option<Arc<Data<M::Input>>>,
    cohort: Option<Cohort<M::Input>>,
    sample: Option<usize>,
    max_examples: usize,
}

/// Starts a check of `model` on `data` (a `Dataset`, an `Arc<Dataset>` or a
/// `&'static Dataset`).
pub fn check<M, D>(model: M, data: D) -> CheckBuilder<M>
where
    M: Model + 'static,
    D: Into<Data<M::Input>>,
{
    CheckBuilder {
        model: Arc::new(model),
        has_model: true,
        data: Arc::new(data.into()),
        reference: None,
        cohort: None,
        sample: None,
        max_examples: DEFAULT_MAX_EXAMPLES,
    }
}

/// Starts a check of `data` alone, with no model: data unit tests such as
/// [`missing_rate`]. Expectations that need predictions do not compile on it.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { income: Option<f64> }
///
/// let rows: Vec<Row> = (0..500).map(|i| Row { income: (i % 50 != 0).then_some(1.0) }).collect();
/// let data = Dataset::unlabelled(rows)?;
/// let report = check_data(data).expect(missing_rate(Row::INCOME).at_most(0.05)).run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Pass); // 2% missing, CI 1.1%–3.6%
/// assert!(report.outcomes[0].model.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_data<R, D>(data: D) -> CheckBuilder<NoModel<R>>
where
    R: 'static,
    D: Into<Data<R>>,
{
    CheckBuilder {
        model: Arc::new(NoModel {
            info: ModelInfo::new("data", ""),
            input: std::marker::PhantomData,
        }),
        has_model: false,
        data: Arc::new(data.into()),
        reference: None,
        cohort: None,
        sample: None,
        max_examples: DEFAULT_MAX_EXAMPLES,
    }
}

impl<M> Clone for CheckBuilder<M>
where
    M: Model,
{
    fn clone(&self) -> Self {
        CheckBuilder {
            model: self.model.clone(),
            has_model: self.has_model,
            data: self.data.clone(),
            reference: self.reference.clone(),
            cohort: self.cohort.clone(),
            sample: self.sample,
            max_examples: self.max_examples,
        }
    }
}

impl<M> CheckBuilder<M>
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: Clone + PartialEq + Send + Sync + 'static,
{
    /// Restricts the check to a cohort (intersected with any cohort already given).
    pub fn on(mut self, cohort: Cohort<M::Input>) -> Self {
        self.cohort = Some(match self.cohort.take() {
            Some(previous) => previous.and(cohort),
            None => cohort,
        });
        self
    }

    /// Compares the data with a `reference` dataset (the data a model was validated on, last
    /// month's batch): for drift and for a metric's drop from the reference
    /// ([`reference_gap`]). The cohort and sample apply to the checked data; the reference is
    /// used whole.
    pub fn against<D: Into<Data<M::Input>>>(mut self, reference: D) -> Self {
        self.reference = Some(Arc::new(reference.into()));
        self
    }

    /// Restricts the check to a random sample of `n` of the selected rows, drawn with the
    /// test's seed. When there are no more than `n`, all of them are used and the outcome's
    /// cohort says so (`seniors (all 300 rows: fewer than the sample of 500)`).
    pub fn sample(mut self, n: usize) -> Self {
        self.sample = Some(n);
        self
    }

    /// Keeps at most `k` examples per outcome (default [`DEFAULT_MAX_EXAMPLES`]).
    pub fn max_examples(mut self, k: usize) -> Self {
        self.max_examples = k;
        self
    }

    /// Finishes the check with what must hold.
    ///
    /// Several expectations on the same rows: [`expect_all`](CheckBuilder::expect_all), or
    /// `expect` on a clone of the builder joined with [`Check::and`]; both draw the same
    /// sample and share predictions.
    pub fn expect(self, expectation: impl Expectation<M> + 'static) -> Check {
        self.expect_all([expectation])
    }

    /// Finishes the check with several expectations on the same model, data and rows.
    ///
    /// ```
    /// use model_check::prelude::*;
    ///
    /// let data = Dataset::from_inputs((0..100).map(f64::from).collect(), Labels::values((0..100).map(f64::from).collect())?)?;
    /// let model = Regressor::from_fn(ModelInfo::new("identity", "1"), |x: &[f64]| Ok(x.to_vec()));
    /// let expectations: Vec<Box<dyn Expectation<_>>> = vec![Box::new(mae().at_most(0.5)), Box::new(r2().at_least(0.9))];
    /// let c = check(model, data).expect_all(expectations);
    /// assert_eq!(c.len(), 2);
    /// assert!(c.run(1).passed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expect_all<E, I>(self, expectations: I) -> Check
    where
        E: Expectation<M> + 'static,
        I: IntoIterator<Item = E>,
    {
        let builder = Arc::new(self);
        let parts = expectations
            .into_iter()
            .map(|expectation| builder.part(expectation))
            .collect();
        Check { parts }
    }

    /// One expectation on this builder's rows, ready to run with a seed.
    fn part<E: Expectation<M> + 'static>(self: &Arc<Self>, expectation: E) -> Part {
        let description = expectation.describe();
        let model = self.has_model.then(|| self.model.info().clone());
        let described = description.clone();
        let builder = Arc::clone(self);
        let run = move |seed: u64| -> Result<Ran, String> {
            let (cohort_label, rows, sampled) = builder.select(seed)?;
            // The expectation's own randomness depends on the seed, what it is and where it
            // looks, not on its position among other checks.
            let seed = crate::rng::stream(seed, &format!("{described} on {cohort_label}"));
            let data: &Dataset<M::Input> = &builder.data;
            let mut context = Context {
                model: &*builder.model,
                has_model: builder.has_model,
                data,
                reference: builder.reference.as_deref().map(|d| &**d),
                rows: &rows,
                sampled,
                seed,
                max_examples: builder.max_examples,
                calls: 0,
            };
            let findings = expectation
                .evaluate(&mut context)
                .map_err(|e| e.to_string())?;
            Ok(Ran {
                findings,
                cohort: cohort_label,
                seed,
                calls: context.calls,
            })
        };
        Part {
            model,
            expectation: description,
            allow_inconclusive: false,
            run: Box::new(run),
        }
    }

    /// The cohort's name and the positions of the rows it selects, sampled with the seed.
    fn select(&self, seed: u64) -> Result<(String, Vec<usize>, bool), String> {
        let data: &Dataset<M::Input> = &self.data;
        let (cohort_name, mut rows) = match &self.cohort {
            Some(c) => (
                c.name().to_string(),
                c.rows(data).map_err(|e| e.to_string())?,
            ),
            None => ("all".to_string(), (0..data.len()).collect()),
        };
        let mut cohort_label = cohort_name.clone();
        let mut sampled = false;
        if let Some(n) = self.sample {
            if n == 0 {
                return Err("a sample needs at least one row".into());
            }
            if n < rows.len() {
                // The sample depends on the seed, the cohort and its size only, so checks on
                // the same rows draw the same sample.
                let mut rng = seeded_rng(crate::rng::stream(
                    seed,
                    &format!("sample {n} of {cohort_name}"),
                ));
                let mut picked = rand::seq::index::sample(&mut rng, rows.len(), n).into_vec();
                picked.sort_unstable();
                rows = picked.into_iter().map(|i| rows[i]).collect();
                cohort_label = format!("{cohort_label} (sample of {n})");
                sampled = true;
            } else {
                // Fewer rows than the sample asked for: all of them, and the report says so.
                cohort_label = format!(
                    "{cohort_label} (all {} rows: fewer than the sample of {n})",
                    rows.len()
                );
            }
        }
        Ok((cohort_label, rows, sampled))
    }
}

/// What running one expectation gave: its findings, where it looked, its seed and the model
/// calls it made.
struct Ran {
    findings: Findings,
    cohort: String,
    seed: u64,
    calls: u64,
}

/// Runs one expectation with the test's seed: its findings, or why it could not be
/// evaluated.
type RunPart = Box<dyn Fn(u64) -> Result<Ran, String>>;

/// One expectation with its model, data and rows, ready to run with a seed.
struct Part {
    model: Option<ModelInfo>,
    expectation: String,
    allow_inconclusive: bool,
    run: RunPart,
}

/// One or more expectations, each on its model, data and rows; run with a seed.
///
/// Built by [`check`]; joined with [`and`](Check::and). A check passes when every outcome
/// passes; an `Inconclusive` outcome fails it unless [`allow_inconclusive`] was set on the
/// check it came from.
///
/// [`allow_inconclusive`]: Check::allow_inconclusive
pub struct Check {
    parts: Vec<Part>,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field(
                "expectations",
                &self
                    .parts
                    .iter()
                    .map(|p| &p.expectation)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Check {
    /// Both checks' expectations (each keeps its own `allow_inconclusive`).
    pub fn and(mut self, other: Check) -> Check {
        self.parts.extend(other.parts);
        self
    }

    /// Lets this check's `Inconclusive` outcomes pass: for exploratory checks on small
    /// cohorts.
    pub fn allow_inconclusive(mut self) -> Check {
        for part in &mut self.parts {
            part.allow_inconclusive = true;
        }
        self
    }

    /// The number of expectations.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether there are no expectations.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Runs every expectation with `seed` and reports the outcomes. A failing or panicking
    /// model, bad data or a bad setting becomes an `Error` outcome saying so; nothing is lost.
    pub fn run(&self, seed: u64) -> CheckReport {
        run_parts(self.parts.iter(), seed)
    }
}

/// Runs expectations one after another with the test's seed.
fn run_parts<'a>(parts: impl Iterator<Item = &'a Part>, seed: u64) -> CheckReport {
    let started = Instant::now();
    let mut model_calls = 0;
    let outcomes = parts
        .flat_map(|part| part.execute(seed, &mut model_calls))
        .collect();
    CheckReport {
        seed,
        outcomes,
        model_calls,
        duration: started.elapsed(),
    }
}

impl Part {
    /// Runs the expectation and records each finding as an outcome (one `Error` outcome when
    /// it could not be evaluated).
    fn execute(&self, seed: u64, model_calls: &mut u64) -> Vec<Outcome> {
        // Panics inside the model are caught where it is called and name it; a panic here
        // comes from a cohort predicate, an expectation or this library.
        let model = self.model.as_ref();
        let mut outcomes = match catch_unwind(AssertUnwindSafe(|| (self.run)(seed))) {
            Ok(Ok(ran)) => {
                *model_calls += ran.calls;
                ran.findings
                    .into_iter()
                    .map(|f| Outcome::record(f, model, &self.expectation, &ran.cohort, ran.seed))
                    .collect()
            }
            Ok(Err(message)) => vec![Outcome::error(model, &self.expectation, message)],
            Err(panic) => vec![Outcome::error(
                model,
                &self.expectation,
                format!(
                    "panicked while evaluating (in a cohort predicate, the expectation or model-check, not the model): {}",
                    crate::model::panic_message(&panic)
                ),
            )],
        };
        for outcome in &mut outcomes {
            outcome.inconclusive_allowed = self.allow_inconclusive;
        }
        outcomes
    }
}

/// Checks gathered into one test.
///
/// ```
/// use model_check::prelude::*;
///
/// let data = Dataset::from_inputs((0..100).map(f64::from).collect(), Labels::values((0..100).map(f64::from).collect())?)?;
/// let model = || Regressor::from_fn(ModelInfo::new("identity", "1"), |x: &[f64]| Ok(x.to_vec()));
/// let suite: Suite = [
///     check(model(), data.clone()).expect(mae().at_most(0.5)),
///     check(model(), data).expect(r2().at_least(0.9)),
/// ]
/// .into_iter()
/// .collect();
/// assert!(suite.run(1).passed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct Suite {
    checks: Vec<Check>,
}

impl Suite {
    /// An empty suite.
    pub fn new() -> Self {
        Suite::default()
    }

    /// Adds a check.
    pub fn with(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }

    /// The checks.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Runs every check with `seed`. Each expectation's randomness depends on the seed and
    /// on what the expectation is, so adding a check does not change the others' results.
    pub fn run(&self, seed: u64) -> CheckReport {
        run_parts(self.checks.iter().flat_map(|c| &c.parts), seed)
    }
}

impl From<Check> for Suite {
    fn from(check: Check) -> Self {
        Suite {
            checks: vec![check],
        }
    }
}

impl FromIterator<Check> for Suite {
    fn from_iter<I: IntoIterator<Item = Check>>(iter: I) -> Self {
        Suite {
            checks: iter.into_iter().collect(),
        }
    }
}

/// A test function's result that the runner can run: a [`Check`], a [`Suite`], a `Vec` of
/// checks, or a `Result` of these (an `Err` fails the test with its message).
#[diagnostic::on_unimplemented(
    message = "a #[model_test] function must return a Check, a Suite, a Vec<Check>, or a Result of these; it returns `{Self}`",
    note = "build checks with `check(model, data).expect(...)`"
)]
pub trait Testable {
    /// The checks to run, or the error that prevented building them.
    fn into_suite(self) -> Planned;
}

/// The checks a test function built, or why it could not build them.
pub type Planned = Result<Suite, PlanError>;

/// A test function returned an error instead of checks.
#[derive(Debug)]
pub struct PlanError(Box<dyn std::error::Error + Send + Sync>);

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for PlanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl Testable for Check {
    fn into_suite(self) -> Planned {
        Ok(self.into())
    }
}

impl Testable for Suite {
    fn into_suite(self) -> Planned {
        Ok(self)
    }
}

impl Testable for Vec<Check> {
    fn into_suite(self) -> Planned {
        Ok(self.into_iter().collect())
    }
}

impl<T: Testable, E: Into<Box<dyn std::error::Error + Send + Sync>>> Testable for Result<T, E> {
    fn into_suite(self) -> Planned {
        match self {
            Ok(t) => t.into_suite(),
            Err(e) => Err(PlanError(e.into())),
        }
    }
}
