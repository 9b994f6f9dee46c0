//! Prediction flips: the smallest change to a row that changes what a classifier predicts.
//!
//! A flip search takes rows, a classifier and the features allowed to vary (typed handles),
//! and looks for each row for a change of those features that flips its predicted label — to
//! a target label when one is given, else to any other label. It is the engine behind the
//! [`flip`](crate::expect::flip) expectations and is usable on its own ([`FlipSearch`]).
//!
//! How it searches, cheapest first:
//!
//! 1. **One feature at a time.** A numeric feature is set to both ends of its range (the
//!    declared range, else the range observed in the data). When an end flips the
//!    prediction, the value where the prediction changes is located by **bisection** between
//!    the original value and that end, to a tolerance (default 1e-6 of the range width;
//!    integer features to adjacent integers) — never by a grid. A `bool` (or an integer
//!    whose range is 0 to 1) takes its other value; a categorical feature each of its other
//!    levels (declared, else observed).
//! 2. **Several features together**, for rows no single feature flips: seeded random points
//!    in the box of allowed values. A flip found is then **shrunk**: first to fewer features
//!    (dropping features while the prediction stays flipped, until dropping any one of the
//!    rest undoes the flip), then to the smallest distance (bisecting each remaining numeric
//!    feature back toward its original value).
//!
//! Model calls are the cost, so every step is **one batched call for all rows still
//! searching**: locating the thresholds of `n` rows takes about `log2(1 / tolerance)` calls,
//! not `n` times that. Every search has a model-call budget; rows it could not finish are
//! reported as such ([`SearchStatus::OutOfBudget`]).
//!
//! Distances are normalised: a numeric change counts `|Δ| / range width`, a changed category
//! or `bool` counts 1, and a change of several features is the sum of its parts (an L1
//! distance). A missing numeric value is left missing.
//!
//! ```
//! use model_check::prelude::*;
//! use model_check::search::{Direction, FlipSearch};
//!
//! #[derive(Features, Clone)]
//! struct Applicant {
//!     #[features(range = 0..=100)]
//!     score: f64,
//!     region: String,
//! }
//!
//! // Approves above a score of 62.5, whatever the region.
//! let model = Classifier::from_fn(
//!     ModelInfo::new("cutoff", "1"),
//!     ["approve", "reject"],
//!     |batch: &[Applicant]| {
//!         Ok(batch.iter()
//!             .map(|a| if a.score > 62.5 { vec![0.9, 0.1] } else { vec![0.2, 0.8] })
//!             .collect())
//!     },
//! )?;
//! let rows = vec![
//!     Applicant { score: 40.0, region: "north".into() },
//!     Applicant { score: 90.0, region: "south".into() },
//! ];
//!
//! let report = FlipSearch::new(Applicant::SCORE).run(&model, &rows)?;
//! let up = &report.rows[0].flip.as_ref().expect("row 0 flips").changes[0];
//! assert!((up.threshold.unwrap() - 62.5).abs() < 1e-4); // 1e-6 of the range, 0..=100
//! assert_eq!(up.direction, Some(Direction::Up));
//! let down = &report.rows[1].flip.as_ref().expect("row 1 flips").changes[0];
//! assert_eq!(down.direction, Some(Direction::Down));
//! // One call for the original rows, one for both ends of the range, then bisection steps
//! // shared by both rows: ⌈log2(1e6)⌉ = 20 at most.
//! assert!(report.model_calls <= 2 + 20);
//! assert_eq!(report.thresholds()[0].to_string(), "score flips at 62.5 (median; quartiles 62.5–62.5) in 2 of 2 rows");
//!
//! // The region never matters.
//! let report = FlipSearch::new(Applicant::REGION).run(&model, &rows)?;
//! assert_eq!(report.flip_count(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

use rand::RngExt;

use crate::cohort::{BATCH_SIZE, EvalError};
use crate::data::{DataError, Dataset, Feature, Features, Kind, NumberType, Value, seeded_rng};
use crate::metrics::Proportion;
use crate::model::{Model, ModelError, ModelErrorKind, Probabilities};

/// Model calls a search may make on changed rows unless told otherwise.
pub const DEFAULT_BUDGET: u64 = 256;

/// The bisection tolerance unless told otherwise, as a fraction of a feature's range width.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// Random points tried per row that no single feature flips, unless told otherwise.
pub const DEFAULT_RANDOM_POINTS: usize = 64;

/// Random points per row in one batched call of the combination search.
const POINTS_PER_ROUND: usize = 16;

/// A search for prediction flips; see the [module documentation](self).
///
/// Built from typed feature handles ([`new`](FlipSearch::new), [`and`](FlipSearch::and)),
/// tuned with [`to`](FlipSearch::to), [`budget`](FlipSearch::budget),
/// [`tolerance`](FlipSearch::tolerance), [`random_points`](FlipSearch::random_points) and
/// [`seed`](FlipSearch::seed), and run with [`run`](FlipSearch::run) or
/// [`run_on`](FlipSearch::run_on).
///
/// A model that says `Yes` only when two features are both high: no feature flips a row on
/// its own, so the random search finds a change of several features, which shrinks to
/// exactly the two, each moved just past its threshold.
///
/// ```
/// use model_check::prelude::*;
/// use model_check::search::{FlipSearch, SearchStatus};
///
/// #[derive(Features, Clone)]
/// struct Signals {
///     #[features(range = 0.0..=1.0)]
///     a: f64,
///     #[features(range = 0.0..=1.0)]
///     b: f64,
///     #[features(range = 0.0..=1.0)]
///     noise: f64,
/// }
///
/// let model = Classifier::from_fn(ModelInfo::new("both", "1"), ["No", "Yes"], |batch: &[Signals]| {
///     Ok(batch.iter()
///         .map(|s| if s.a > 0.5 && s.b > 0.5 { vec![0.1, 0.9] } else { vec![0.9, 0.1] })
///         .collect())
/// })?;
/// let rows = vec![Signals { a: 0.2, b: 0.3, noise: 0.9 }];
///
/// let report = FlipSearch::new(Signals::A)
///     .and(Signals::B)
///     .and(Signals::NOISE)
///     .to("Yes")
///     .budget(100)
///     .seed(7)
///     .run(&model, &rows)?;
/// let row = &report.rows[0];
/// assert_eq!(row.status, SearchStatus::Complete);
/// let flip = row.flip.as_ref().expect("a flip");
/// assert_eq!(flip.to_string(), "a 0.2 → 0.5, b 0.3 → 0.5");
/// assert!((flip.distance - 0.5).abs() < 1e-5); // (0.5 − 0.2) + (0.5 − 0.3)
/// assert!(report.model_calls <= 101);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct FlipSearch<R> {
    features: Vec<usize>,
    target: Option<String>,
    budget: u64,
    tolerance: f64,
    random_points: usize,
    seed: u64,
    _row: PhantomData<fn(&R)>,
}

impl<R> Clone for FlipSearch<R> {
    fn clone(&self) -> Self {
        FlipSearch {
            features: self.features.clone(),
            target: self.target.clone(),
            budget: self.budget,
            tolerance: self.tolerance,
            random_points: self.random_points,
            seed: self.seed,
            _row: PhantomData,
        }
    }
}

impl<R: Features> fmt::Debug for FlipSearch<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlipSearch")
            .field("features", &self.feature_names())
            .field("target", &self.target)
            .field("budget", &self.budget)
            .field("tolerance", &self.tolerance)
            .field("random_points", &self.random_points)
            .field("seed", &self.seed)
            .finish()
    }
}

fn setting(reason: String) -> EvalError {
    EvalError::Data(DataError::Setting { reason })
}

impl<R: Features> FlipSearch<R> {
    /// A search that varies `feature`.
    pub fn new<T>(feature: Feature<R, T>) -> Self {
        Self::over([feature.index()])
    }

    /// A search that varies the features at these schema positions (for tools that pick
    /// features at run time; prefer typed handles). Positions are checked when the search
    /// runs: none, or one outside the schema, is an error.
    pub fn over(features: impl IntoIterator<Item = usize>) -> Self {
        let mut search = FlipSearch {
            features: Vec::new(),
            target: None,
            budget: DEFAULT_BUDGET,
            tolerance: DEFAULT_TOLERANCE,
            random_points: DEFAULT_RANDOM_POINTS,
            seed: 0,
            _row: PhantomData,
        };
        for index in features {
            search = search.and_index(index);
        }
        search
    }

    /// Also varies `feature` (alone, and together with the others).
    pub fn and<T>(self, feature: Feature<R, T>) -> Self {
        self.and_index(feature.index())
    }

    fn and_index(mut self, index: usize) -> Self {
        if !self.features.contains(&index) {
            self.features.push(index);
        }
        self
    }

    /// Looks only for flips to the class `label`; rows that already predict it are not
    /// searched. Without a target, any change of the predicted label is a flip.
    pub fn to(mut self, label: impl Into<String>) -> Self {
        self.target = Some(label.into());
        self
    }

    /// The most model calls the search makes on changed rows (default [`DEFAULT_BUDGET`]).
    /// Predicting the original rows is not part of it.
    pub fn budget(mut self, calls: u64) -> Self {
        self.budget = calls;
        self
    }

    /// The bisection tolerance as a fraction of each feature's range width, in `(0, 1)`
    /// (default [`DEFAULT_TOLERANCE`]).
    pub fn tolerance(mut self, fraction: f64) -> Self {
        self.tolerance = fraction;
        self
    }

    /// Random points tried per row that no single feature flips (default
    /// [`DEFAULT_RANDOM_POINTS`]); 0 turns the combination search off.
    pub fn random_points(mut self, n: usize) -> Self {
        self.random_points = n;
        self
    }

    /// The seed of the combination search (default 0): the same seed gives the same result.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The schema positions of the features that vary.
    pub fn features(&self) -> &[usize] {
        &self.features
    }

    /// The names of the features that vary.
    pub fn feature_names(&self) -> Vec<&'static str> {
        let schema = R::SCHEMA;
        self.features
            .iter()
            .filter(|&&i| i < schema.len())
            .map(|&i| schema[i].name())
            .collect()
    }

    /// The target label, if any.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// The model-call budget.
    pub fn call_budget(&self) -> u64 {
        self.budget
    }

    /// Checks the settings that do not depend on the model: at least one feature, every
    /// position inside the schema, a tolerance in `(0, 1)`, a budget of at least one call.
    pub fn validate(&self) -> Result<(), EvalError> {
        let schema = R::SCHEMA;
        if self.features.is_empty() {
            return Err(setting(
                "a flip search needs at least one feature to vary; the feature list is empty"
                    .into(),
            ));
        }
        if let Some(&bad) = self.features.iter().find(|&&i| i >= schema.len()) {
            return Err(setting(format!(
                "feature position {bad} is outside the schema ({} features)",
                schema.len()
            )));
        }
        if !(self.tolerance > 0.0 && self.tolerance < 1.0) {
            return Err(setting(format!(
                "the bisection tolerance is a fraction of the range in (0, 1), got {}",
                self.tolerance
            )));
        }
        if self.budget == 0 {
            return Err(setting(
                "a flip search needs a budget of at least one model call".into(),
            ));
        }
        Ok(())
    }

    /// What each varying feature may take, learned from `rows` where not declared.
    pub(crate) fn domains(&self, rows: &[R]) -> Vec<Domain> {
        self.features
            .iter()
            .map(|&i| Domain::of(&R::SCHEMA[i], i, rows))
            .collect()
    }
}

impl<R: Features + Clone> FlipSearch<R> {
    /// Searches every row of `rows`; numeric ranges and levels that are not declared are
    /// the ones observed in `rows`.
    ///
    /// The rows of the report are numbered by position in `rows`.
    pub fn run<M>(&self, model: &M, rows: &[R]) -> Result<FlipReport, EvalError>
    where
        M: Model<Input = R, Output = Probabilities>,
    {
        let positions: Vec<usize> = (0..rows.len()).collect();
        self.run_rows(model, rows, &positions)
    }

    /// Searches the rows of `data` at `rows` (positions); numeric ranges and levels that are
    /// not declared are the ones observed in the whole dataset.
    pub fn run_on<M>(
        &self,
        model: &M,
        data: &Dataset<R>,
        rows: &[usize],
    ) -> Result<FlipReport, EvalError>
    where
        M: Model<Input = R, Output = Probabilities>,
    {
        self.run_rows(model, data.rows(), rows)
    }

    fn run_rows<M>(&self, model: &M, all: &[R], rows: &[usize]) -> Result<FlipReport, EvalError>
    where
        M: Model<Input = R, Output = Probabilities>,
    {
        self.validate()?;
        if let Some(&bad) = rows.iter().find(|&&r| r >= all.len()) {
            return Err(setting(format!(
                "row {bad} is out of range for {} rows",
                all.len()
            )));
        }
        let domains = self.domains(all);
        let selected: Vec<R> = rows.iter().map(|&r| all[r].clone()).collect();
        let mut engine = Engine::new(
            |batch: &[R]| model.predict(batch).map_err(|e| e.in_model(model.info())),
            self.budget,
        );
        let originals = engine.predict_unbudgeted(&selected)?;
        self.search(&domains, selected, rows.to_vec(), originals, engine)
    }

    /// Searches `rows` (at dataset positions `positions`) whose original predictions are
    /// known, calling `predict` for changed rows: one call per batch of at most
    /// [`BATCH_SIZE`] rows.
    pub(crate) fn search_with<P>(
        &self,
        domains: &[Domain],
        rows: Vec<R>,
        positions: Vec<usize>,
        originals: Vec<Probabilities>,
        predict: P,
    ) -> Result<FlipReport, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        self.validate()?;
        self.search(
            domains,
            rows,
            positions,
            originals,
            Engine::new(predict, self.budget),
        )
    }

    fn search<P>(
        &self,
        domains: &[Domain],
        rows: Vec<R>,
        positions: Vec<usize>,
        originals: Vec<Probabilities>,
        mut engine: Engine<P>,
    ) -> Result<FlipReport, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let target = match (&self.target, originals.first()) {
            (Some(label), Some(first)) => {
                let classes = first.classes();
                Some(classes.index_of(label).ok_or_else(|| {
                    setting(format!(
                        "target label {label:?} is not a class of the model (classes: {classes})"
                    ))
                })?)
            }
            _ => None,
        };
        let goal = Goal { target };
        let mut states: Vec<RowState<R>> = rows
            .into_iter()
            .zip(positions)
            .zip(originals)
            .map(|((row, position), original)| RowState {
                eligible: target.is_none_or(|t| original.predicted() != t),
                row,
                position,
                original,
                singles: Vec::new(),
                best: None,
                unfinished: false,
            })
            .collect();
        let search = Search {
            settings: self,
            domains,
            goal,
        };
        search.single_features(&mut states, &mut engine)?;
        if self.features.len() >= 2 {
            search.combinations(&mut states, &mut engine)?;
        }
        Ok(search.report(states, &engine))
    }
}

/// What a varying feature may take.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Domain {
    /// A number in `[lo, hi]`, whole when `integer`.
    Number { lo: f64, hi: f64, integer: bool },
    /// A `bool`, or an integer whose range is 0..=1: 0 or 1.
    Bool,
    /// One of these levels.
    Levels(Vec<String>),
    /// Nothing to vary: a numeric feature with no values, or a single one, observed.
    Fixed,
}

impl Domain {
    fn of<R: Features>(spec: &crate::data::FeatureSpec, index: usize, rows: &[R]) -> Domain {
        match spec.kind() {
            Kind::Numeric {
                number: NumberType::Bool,
                ..
            } => Domain::Bool,
            Kind::Numeric { number, range } => {
                let integer = number == NumberType::Integer;
                let (lo, hi) = range.unwrap_or_else(|| {
                    rows.iter()
                        .filter_map(|r| r.value(index).as_number())
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                            (lo.min(x), hi.max(x))
                        })
                });
                let (lo, hi) = if integer {
                    (lo.ceil(), hi.floor())
                } else {
                    (lo, hi)
                };
                if integer && lo == 0.0 && hi == 1.0 {
                    // A 0/1 code (`u8` flags): two values, nothing to bisect.
                    Domain::Bool
                } else if lo.is_finite() && hi.is_finite() && lo < hi {
                    Domain::Number { lo, hi, integer }
                } else {
                    Domain::Fixed
                }
            }
            Kind::Categorical { levels } if !levels.is_empty() => {
                Domain::Levels(levels.iter().map(|l| l.to_string()).collect())
            }
            Kind::Categorical { .. } => {
                let observed: BTreeSet<String> = rows
                    .iter()
                    .filter_map(|r| match r.value(index) {
                        Value::Category(c) if !c.is_empty() => Some(c.into_owned()),
                        _ => None,
                    })
                    .collect();
                Domain::Levels(observed.into_iter().collect())
            }
        }
    }

    /// The values to try first: the ends of a range, the other `bool`, the other levels.
    fn alternatives(&self, current: &Value) -> Vec<Value> {
        match (self, current) {
            (Domain::Number { lo, hi, .. }, Value::Number(x)) => [*lo, *hi]
                .into_iter()
                .filter(|end| end != x)
                .map(Value::Number)
                .collect(),
            (Domain::Bool, Value::Number(x)) if *x == 0.0 || *x == 1.0 => {
                vec![Value::Number(1.0 - x)]
            }
            (Domain::Levels(levels), current) => levels
                .iter()
                .filter(|l| current.as_category() != Some(l.as_str()))
                .map(|l| Value::Category(Cow::Owned(l.clone())))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A random value other than `current`, if there is one.
    fn random(&self, current: &Value, rng: &mut crate::data::SeededRng) -> Option<Value> {
        let value = match (self, current) {
            (Domain::Number { lo, hi, integer }, Value::Number(_)) => Value::Number(if *integer {
                rng.random_range(*lo as i64..=*hi as i64) as f64
            } else {
                rng.random_range(*lo..=*hi)
            }),
            (Domain::Bool, Value::Number(x)) if *x == 0.0 || *x == 1.0 => Value::Number(1.0 - x),
            (Domain::Levels(_), _) => {
                let others = self.alternatives(current);
                if others.is_empty() {
                    return None;
                }
                others[rng.random_range(0..others.len())].clone()
            }
            _ => return None,
        };
        (value != *current).then_some(value)
    }

    /// The normalised distance from `from` to `to`.
    fn distance(&self, from: &Value, to: &Value) -> f64 {
        match (self, from, to) {
            (Domain::Number { lo, hi, .. }, Value::Number(a), Value::Number(b)) => {
                (b - a).abs() / (hi - lo)
            }
            _ if from == to => 0.0,
            _ => 1.0,
        }
    }

    fn bisectable(&self) -> Option<bool> {
        match self {
            Domain::Number { integer, .. } => Some(*integer),
            _ => None,
        }
    }
}

/// Calls the model in batches, counting calls against the budget.
struct Engine<P> {
    predict: P,
    calls: u64,
    spent: u64,
    budget: u64,
    exhausted: bool,
}

impl<P> Engine<P> {
    fn new(predict: P, budget: u64) -> Self {
        Engine {
            predict,
            calls: 0,
            spent: 0,
            budget,
            exhausted: false,
        }
    }

    fn call<R>(&mut self, inputs: &[R]) -> Result<Vec<Probabilities>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let mut out = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(BATCH_SIZE) {
            self.calls += 1;
            let predicted = (self.predict)(chunk)?;
            if predicted.len() != chunk.len() {
                return Err(ModelError::new(ModelErrorKind::OutputCount {
                    expected: chunk.len(),
                    got: predicted.len(),
                })
                .into());
            }
            out.extend(predicted);
        }
        Ok(out)
    }

    fn predict_unbudgeted<R>(&mut self, inputs: &[R]) -> Result<Vec<Probabilities>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        self.call(inputs)
    }

    /// The predictions for `inputs`, or `None` when the budget cannot pay for them.
    fn predict<R>(&mut self, inputs: &[R]) -> Result<Option<Vec<Probabilities>>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let needed = inputs.len().div_ceil(BATCH_SIZE) as u64;
        if self.spent + needed > self.budget {
            self.exhausted = true;
            return Ok(None);
        }
        self.spent += needed;
        self.call(inputs).map(Some)
    }
}

/// What counts as a flip.
#[derive(Debug, Clone, Copy)]
struct Goal {
    target: Option<usize>,
}

impl Goal {
    fn flips(&self, original: &Probabilities, changed: &Probabilities) -> bool {
        match self.target {
            Some(t) => changed.predicted() == t,
            None => changed.predicted() != original.predicted(),
        }
    }
}

/// One changed feature of a candidate: `slot` indexes the search's features.
#[derive(Debug, Clone)]
struct Setting {
    slot: usize,
    to: Value,
    threshold: Option<f64>,
}

/// A change that flips a row, with the prediction it gives.
#[derive(Debug, Clone)]
struct Candidate {
    changes: Vec<Setting>,
    prediction: Probabilities,
    /// The number of features the random point changed, before shrinking.
    shrunk_from: Option<usize>,
}

struct RowState<R> {
    row: R,
    position: usize,
    original: Probabilities,
    eligible: bool,
    /// The nearest flip of each feature on its own, in feature order.
    singles: Vec<Candidate>,
    best: Option<Candidate>,
    unfinished: bool,
}

/// A bisection between a value that keeps the prediction (`safe`) and one that flips it.
struct Bisection<R> {
    state: usize,
    slot: usize,
    /// The row with every other change applied.
    base: R,
    feature: usize,
    integer: bool,
    safe: f64,
    flip: f64,
    tolerance: f64,
    prediction: Probabilities,
    stuck: bool,
}

impl<R> Bisection<R> {
    fn settled(&self) -> bool {
        self.stuck
            || if self.integer {
                (self.flip - self.safe).abs() <= 1.0
            } else {
                (self.flip - self.safe).abs() <= self.tolerance
            }
    }

    fn midpoint(&self) -> f64 {
        if self.integer {
            self.safe + ((self.flip - self.safe) / 2.0).trunc()
        } else {
            self.safe + (self.flip - self.safe) / 2.0
        }
    }

    /// Where the prediction changes: the middle of the final bracket.
    fn threshold(&self) -> f64 {
        (self.safe + self.flip) / 2.0
    }
}

fn with_changes<R: Features + Clone>(
    row: &R,
    features: &[usize],
    changes: &[Setting],
) -> Option<R> {
    let mut changed = row.clone();
    for change in changes {
        changed
            .set_value(features[change.slot], change.to.clone())
            .ok()?;
    }
    Some(changed)
}

struct Search<'a, R> {
    settings: &'a FlipSearch<R>,
    domains: &'a [Domain],
    goal: Goal,
}

impl<R: Features + Clone> Search<'_, R> {
    fn feature(&self, slot: usize) -> usize {
        self.settings.features[slot]
    }

    fn distance(&self, row: &R, changes: &[Setting]) -> f64 {
        changes
            .iter()
            .map(|c| self.domains[c.slot].distance(&row.value(self.feature(c.slot)), &c.to))
            .sum()
    }

    fn tolerance(&self, slot: usize) -> f64 {
        match self.domains[slot] {
            Domain::Number { lo, hi, .. } => self.settings.tolerance * (hi - lo),
            _ => 0.0,
        }
    }

    /// Whether `a` is a better flip than `b`: fewer features, then a smaller distance.
    fn better(&self, row: &R, a: &Candidate, b: &Candidate) -> bool {
        (a.changes.len(), self.distance(row, &a.changes))
            < (b.changes.len(), self.distance(row, &b.changes))
    }

    /// Runs every bisection to its tolerance, one batched call per step for all of them.
    /// `false` when the budget ran out first.
    fn bisect<P>(
        &self,
        jobs: &mut [Bisection<R>],
        states: &[RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<bool, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        loop {
            let mut active = Vec::new();
            let mut variants = Vec::new();
            for (j, job) in jobs.iter_mut().enumerate() {
                if job.settled() {
                    continue;
                }
                let mid = job.midpoint();
                if mid == job.safe || mid == job.flip {
                    job.stuck = true; // floating-point resolution reached
                    continue;
                }
                let mut variant = job.base.clone();
                if variant.set_value(job.feature, Value::Number(mid)).is_err() {
                    job.stuck = true;
                    continue;
                }
                active.push((j, mid));
                variants.push(variant);
            }
            if active.is_empty() {
                return Ok(true);
            }
            let Some(predictions) = engine.predict(&variants)? else {
                return Ok(false);
            };
            for ((j, mid), prediction) in active.into_iter().zip(predictions) {
                let job = &mut jobs[j];
                if self.goal.flips(&states[job.state].original, &prediction) {
                    job.flip = mid;
                    job.prediction = prediction;
                } else {
                    job.safe = mid;
                }
            }
        }
    }

    /// Phase 1: each feature alone, for every row at once.
    fn single_features<P>(
        &self,
        states: &mut [RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<(), EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let mut probes = Vec::new();
        let mut variants = Vec::new();
        for (s, state) in states.iter().enumerate().filter(|(_, s)| s.eligible) {
            for (slot, domain) in self.domains.iter().enumerate() {
                let feature = self.feature(slot);
                for to in domain.alternatives(&state.row.value(feature)) {
                    let mut variant = state.row.clone();
                    if variant.set_value(feature, to.clone()).is_ok() {
                        probes.push((s, slot, to));
                        variants.push(variant);
                    }
                }
            }
        }
        let Some(predictions) = engine.predict(&variants)? else {
            for state in states.iter_mut().filter(|s| s.eligible) {
                state.unfinished = true;
            }
            return Ok(());
        };
        // (state, slot) → the flip found, kept in feature order.
        let mut found: Vec<(usize, usize, Candidate)> = Vec::new();
        let mut jobs = Vec::new();
        for ((s, slot, to), prediction) in probes.into_iter().zip(predictions) {
            let state = &states[s];
            if !self.goal.flips(&state.original, &prediction) {
                continue;
            }
            let feature = self.feature(slot);
            match (
                self.domains[slot].bisectable(),
                &to,
                state.row.value(feature),
            ) {
                (Some(integer), Value::Number(end), Value::Number(x0)) => jobs.push(Bisection {
                    state: s,
                    slot,
                    base: state.row.clone(),
                    feature,
                    integer,
                    safe: x0,
                    flip: *end,
                    tolerance: self.tolerance(slot),
                    prediction,
                    stuck: false,
                }),
                _ => found.push((
                    s,
                    slot,
                    Candidate {
                        changes: vec![Setting {
                            slot,
                            to,
                            threshold: None,
                        }],
                        prediction,
                        shrunk_from: None,
                    },
                )),
            }
        }
        self.bisect(&mut jobs, states, engine)?;
        for job in jobs {
            if !job.settled() {
                states[job.state].unfinished = true;
            }
            found.push((
                job.state,
                job.slot,
                Candidate {
                    changes: vec![Setting {
                        slot: job.slot,
                        to: Value::Number(job.flip),
                        threshold: Some(job.threshold()),
                    }],
                    prediction: job.prediction.clone(),
                    shrunk_from: None,
                },
            ));
        }
        found.sort_by_key(|(s, slot, _)| (*s, *slot));
        for (s, slot, candidate) in found {
            let state = &mut states[s];
            // Both ends of a range may flip: keep the nearer change (the first on ties, so
            // the first flipping level of a category).
            match state.singles.iter_mut().find(|c| c.changes[0].slot == slot) {
                Some(kept) => {
                    if self.distance(&state.row, &candidate.changes)
                        < self.distance(&state.row, &kept.changes)
                    {
                        *kept = candidate;
                    }
                }
                None => state.singles.push(candidate),
            }
        }
        for state in states.iter_mut() {
            let mut best: Option<&Candidate> = None;
            for c in &state.singles {
                if best.is_none_or(|b| self.better(&state.row, c, b)) {
                    best = Some(c);
                }
            }
            state.best = best.cloned();
        }
        Ok(())
    }

    /// Phase 2: random points over several features for the rows no single feature flips,
    /// then shrinking.
    fn combinations<P>(
        &self,
        states: &mut [RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<(), EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        // The features each row can change.
        let movable = |state: &RowState<R>| -> Vec<usize> {
            (0..self.domains.len())
                .filter(|&slot| {
                    !self.domains[slot]
                        .alternatives(&state.row.value(self.feature(slot)))
                        .is_empty()
                })
                .collect()
        };
        let mut pending: Vec<usize> = (0..states.len())
            .filter(|&s| {
                let state = &states[s];
                state.eligible
                    && state.best.is_none()
                    && !state.unfinished
                    && movable(state).len() >= 2
            })
            .collect();
        let searched = pending.clone();
        let mut rng = seeded_rng(self.settings.seed);
        let mut drawn = 0;
        while drawn < self.settings.random_points && !pending.is_empty() {
            let k = POINTS_PER_ROUND.min(self.settings.random_points - drawn);
            let mut owners = Vec::new();
            let mut variants = Vec::new();
            for &s in &pending {
                let state = &states[s];
                let options = movable(state);
                for point in 0..k {
                    // Every other point changes every feature; the rest a random subset of
                    // at least two, which keeps some flips sparse before shrinking.
                    let mut chosen: Vec<usize> = if (drawn + point) % 2 == 0 {
                        options.clone()
                    } else {
                        options
                            .iter()
                            .copied()
                            .filter(|_| rng.random_bool(0.5))
                            .collect()
                    };
                    while chosen.len() < 2 {
                        let extra = options[rng.random_range(0..options.len())];
                        if !chosen.contains(&extra) {
                            chosen.push(extra);
                        }
                    }
                    chosen.sort_unstable();
                    let changes: Vec<Setting> = chosen
                        .into_iter()
                        .filter_map(|slot| {
                            let current = state.row.value(self.feature(slot));
                            self.domains[slot]
                                .random(&current, &mut rng)
                                .map(|to| Setting {
                                    slot,
                                    to,
                                    threshold: None,
                                })
                        })
                        .collect();
                    if changes.is_empty() {
                        continue;
                    }
                    if let Some(variant) =
                        with_changes(&state.row, &self.settings.features, &changes)
                    {
                        owners.push((s, changes));
                        variants.push(variant);
                    }
                }
            }
            drawn += k;
            let Some(predictions) = engine.predict(&variants)? else {
                for &s in &pending {
                    states[s].unfinished = true;
                }
                return Ok(());
            };
            for ((s, changes), prediction) in owners.into_iter().zip(predictions) {
                let state = &mut states[s];
                if !self.goal.flips(&state.original, &prediction) {
                    continue;
                }
                let candidate = Candidate {
                    shrunk_from: Some(changes.len()),
                    changes,
                    prediction,
                };
                let closer = state.best.as_ref().is_none_or(|b| {
                    self.distance(&state.row, &candidate.changes)
                        < self.distance(&state.row, &b.changes)
                });
                if closer {
                    state.best = Some(candidate);
                }
            }
            pending.retain(|&s| states[s].best.is_none());
        }
        let found: Vec<usize> = searched
            .into_iter()
            .filter(|&s| states[s].best.is_some())
            .collect();
        self.shrink(&found, states, engine)
    }

    /// Shrinks the flips of `rows`: fewer features, then a smaller distance.
    fn shrink<P>(
        &self,
        rows: &[usize],
        states: &mut [RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<(), EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let features = &self.settings.features;
        let best = |state: &RowState<R>| state.best.clone().expect("a flip to shrink");

        // Fewer features: each round tries dropping each feature of every flip, one call.
        let mut dropping: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&s| best(&states[s]).changes.len() >= 2)
            .collect();
        while !dropping.is_empty() {
            let mut owners = Vec::new();
            let mut variants = Vec::new();
            for &s in &dropping {
                let state = &states[s];
                let current = best(state);
                for i in 0..current.changes.len() {
                    let mut changes = current.changes.clone();
                    changes.remove(i);
                    if let Some(variant) = with_changes(&state.row, features, &changes) {
                        owners.push((s, changes));
                        variants.push(variant);
                    }
                }
            }
            let Some(predictions) = engine.predict(&variants)? else {
                for &s in &dropping {
                    states[s].unfinished = true;
                }
                return Ok(());
            };
            let mut improved: Vec<Option<Candidate>> = vec![None; states.len()];
            for ((s, changes), prediction) in owners.into_iter().zip(predictions) {
                let state = &states[s];
                if !self.goal.flips(&state.original, &prediction) {
                    continue;
                }
                let candidate = Candidate {
                    changes,
                    prediction,
                    shrunk_from: best(state).shrunk_from,
                };
                let kept = &mut improved[s];
                if kept
                    .as_ref()
                    .is_none_or(|k| self.better(&state.row, &candidate, k))
                {
                    *kept = Some(candidate);
                }
            }
            let round = std::mem::take(&mut dropping);
            for s in round {
                if let Some(candidate) = improved[s].take() {
                    if candidate.changes.len() >= 2 {
                        dropping.push(s);
                    }
                    states[s].best = Some(candidate);
                }
            }
        }

        // Smaller distance: bisect each numeric feature back toward its original value, one
        // feature at a time (the others held at their flipped values), all rows together.
        let mut moved = vec![false; states.len()];
        for slot in 0..self.domains.len() {
            let Some(integer) = self.domains[slot].bisectable() else {
                continue;
            };
            let mut jobs = Vec::new();
            for &s in rows {
                let state = &states[s];
                let current = best(state);
                let Some(i) = current.changes.iter().position(|c| c.slot == slot) else {
                    continue;
                };
                let (Value::Number(x0), Value::Number(to)) =
                    (state.row.value(features[slot]), &current.changes[i].to)
                else {
                    continue;
                };
                let mut others = current.changes.clone();
                others.remove(i);
                let Some(base) = with_changes(&state.row, features, &others) else {
                    continue;
                };
                jobs.push(Bisection {
                    state: s,
                    slot,
                    base,
                    feature: features[slot],
                    integer,
                    safe: x0,
                    flip: *to,
                    tolerance: self.tolerance(slot),
                    prediction: current.prediction.clone(),
                    stuck: false,
                });
            }
            if jobs.is_empty() {
                continue;
            }
            // The original value is known to keep the prediction only until another feature
            // of the row has moved; check it again, and drop the feature if it now flips.
            let recheck: Vec<usize> = (0..jobs.len()).filter(|&j| moved[jobs[j].state]).collect();
            if !recheck.is_empty() {
                let bases: Vec<R> = recheck.iter().map(|&j| jobs[j].base.clone()).collect();
                let Some(predictions) = engine.predict(&bases)? else {
                    self.mark_unshrunk(rows, states, slot);
                    return Ok(());
                };
                let mut dropped = vec![false; jobs.len()];
                for (&j, prediction) in recheck.iter().zip(predictions) {
                    let state = &mut states[jobs[j].state];
                    if self.goal.flips(&state.original, &prediction) {
                        let mut current = best(state);
                        current.changes.retain(|c| c.slot != slot);
                        current.prediction = prediction;
                        state.best = Some(current);
                        dropped[j] = true;
                    }
                }
                let mut keep = dropped.iter().map(|d| !d);
                jobs.retain(|_| keep.next().unwrap_or(true));
            }
            let complete = self.bisect(&mut jobs, states, engine)?;
            for job in jobs {
                let state = &mut states[job.state];
                let mut current = best(state);
                if let Some(change) = current.changes.iter_mut().find(|c| c.slot == slot) {
                    change.to = Value::Number(job.flip);
                    change.threshold = Some(job.threshold());
                }
                current.prediction = job.prediction.clone();
                if !job.settled() {
                    state.unfinished = true;
                }
                state.best = Some(current);
                moved[job.state] = true;
            }
            if !complete {
                self.mark_unshrunk(rows, states, slot + 1);
                return Ok(());
            }
        }
        Ok(())
    }

    /// Marks the rows whose flips still have numeric features to bisect, from feature `slot`
    /// on, as not fully searched.
    fn mark_unshrunk(&self, rows: &[usize], states: &mut [RowState<R>], slot: usize) {
        for &s in rows {
            let state = &mut states[s];
            let pending = state.best.as_ref().is_some_and(|b| {
                b.changes
                    .iter()
                    .any(|c| c.slot >= slot && self.domains[c.slot].bisectable().is_some())
            });
            if pending {
                state.unfinished = true;
            }
        }
    }

    fn change(&self, row: &R, setting: &Setting) -> Change {
        let feature = self.feature(setting.slot);
        let from = row.value(feature);
        let direction = match (&from, &setting.to) {
            (Value::Number(a), Value::Number(b)) if b > a => Some(Direction::Up),
            (Value::Number(a), Value::Number(b)) if b < a => Some(Direction::Down),
            _ => None,
        };
        Change {
            feature,
            name: R::SCHEMA[feature].name(),
            distance: self.domains[setting.slot].distance(&from, &setting.to),
            from,
            to: setting.to.clone(),
            threshold: setting.threshold,
            direction,
        }
    }

    fn counterfactual(&self, row: &R, candidate: Candidate) -> Counterfactual {
        let changes: Vec<Change> = candidate
            .changes
            .iter()
            .map(|s| self.change(row, s))
            .collect();
        Counterfactual {
            distance: changes.iter().map(|c| c.distance).sum(),
            changes,
            prediction: candidate.prediction,
            shrunk_from: candidate.shrunk_from,
        }
    }

    fn report<P>(&self, states: Vec<RowState<R>>, engine: &Engine<P>) -> FlipReport {
        let rows = states
            .into_iter()
            .map(|state| {
                let status = if !state.eligible {
                    SearchStatus::AlreadyTarget
                } else if state.unfinished {
                    SearchStatus::OutOfBudget
                } else {
                    SearchStatus::Complete
                };
                RowFlip {
                    row: state.position,
                    status,
                    flip: state.best.map(|c| self.counterfactual(&state.row, c)),
                    single_feature: state
                        .singles
                        .into_iter()
                        .map(|c| self.counterfactual(&state.row, c))
                        .collect(),
                    original: state.original,
                }
            })
            .collect();
        FlipReport {
            rows,
            features: self.settings.feature_names(),
            target: self.settings.target.clone(),
            model_calls: engine.calls,
            budget: self.settings.budget,
            budget_exhausted: engine.exhausted,
        }
    }
}

/// Which way a numeric feature moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// To a larger value.
    Up,
    /// To a smaller value.
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}

/// One feature of a flipping change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The feature's position in the schema.
    pub feature: usize,
    /// The feature's name.
    pub name: &'static str,
    /// The row's value.
    pub from: Value,
    /// The value that flips the prediction: for a numeric feature, the nearest value found
    /// past the threshold (within the tolerance of it once the search finished).
    pub to: Value,
    /// For a numeric feature (not `bool`) located by bisection: where the prediction
    /// changes, the middle of the final bracket, so within half the tolerance of the true
    /// threshold. For a change of several features, it is the threshold with the other
    /// features at their changed values.
    pub threshold: Option<f64>,
    /// For a numeric feature (and `bool`): which way it moved.
    pub direction: Option<Direction>,
    /// The normalised distance of this change: `|Δ| / range width` for a number, 1 for a
    /// changed `bool` or category.
    pub distance: f64,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} → {}",
            self.name,
            show_value(&self.from),
            show_value(&self.to)
        )
    }
}

/// A changed row that flips the prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterfactual {
    /// The changed features, in the order the search lists them.
    pub changes: Vec<Change>,
    /// The model's output for the changed row.
    pub prediction: Probabilities,
    /// The normalised L1 distance: the sum of the changes' distances.
    pub distance: f64,
    /// When the change was found by the random search over several features: how many
    /// features the random point changed before shrinking.
    pub shrunk_from: Option<usize>,
}

impl fmt::Display for Counterfactual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, change) in self.changes.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            change.fmt(f)?;
        }
        Ok(())
    }
}

/// How far the search of one row got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchStatus {
    /// Every step ran: a flip found is located to the tolerance and shrunk; no flip found
    /// means none of the search's candidates flipped the row.
    Complete,
    /// The row already predicts the target label; there is nothing to flip.
    AlreadyTarget,
    /// The budget ran out first. A flip found is real but may be neither located to the
    /// tolerance nor fully shrunk; no flip found means the row was not fully searched.
    OutOfBudget,
}

/// The search's result for one row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowFlip {
    /// The row's position: in the dataset, or in the slice given to
    /// [`FlipSearch::run`].
    pub row: usize,
    /// How far the search got.
    pub status: SearchStatus,
    /// The model's output for the original row.
    pub original: Probabilities,
    /// The smallest flipping change found: fewest features, then smallest distance.
    pub flip: Option<Counterfactual>,
    /// Every feature that flips the row on its own, each with its nearest flipping change
    /// (and threshold, for numbers), in the order the search lists the features.
    pub single_feature: Vec<Counterfactual>,
}

impl RowFlip {
    /// Whether a flip was found.
    pub fn flipped(&self) -> bool {
        self.flip.is_some()
    }
}

/// The result of a flip search.
#[derive(Debug, Clone, PartialEq)]
pub struct FlipReport {
    /// One entry per searched row, in the order given.
    pub rows: Vec<RowFlip>,
    /// The names of the features that varied.
    pub features: Vec<&'static str>,
    /// The target label, if any.
    pub target: Option<String>,
    /// Model calls made, including the prediction of the original rows when the search
    /// made it.
    pub model_calls: u64,
    /// The budget: the most calls on changed rows.
    pub budget: u64,
    /// Whether the budget ran out before the search finished.
    pub budget_exhausted: bool,
}

impl FlipReport {
    /// The rows searched: every row but those that already predict the target.
    pub fn searched(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status != SearchStatus::AlreadyTarget)
            .count()
    }

    /// The rows with a flip.
    pub fn flipped(&self) -> impl Iterator<Item = &RowFlip> {
        self.rows.iter().filter(|r| r.flipped())
    }

    /// The number of rows with a flip.
    pub fn flip_count(&self) -> usize {
        self.flipped().count()
    }

    /// The flipped rows out of the rows searched, with its Wilson interval. Rows not fully
    /// searched ([`unfinished`](Self::unfinished)) count as not flipped here.
    pub fn flip_rate(&self) -> Proportion {
        Proportion::new(self.flip_count() as u64, self.searched() as u64)
    }

    /// The rows (positions) the budget did not let the search finish.
    pub fn unfinished(&self) -> Vec<usize> {
        self.rows
            .iter()
            .filter(|r| r.status == SearchStatus::OutOfBudget)
            .map(|r| r.row)
            .collect()
    }

    /// The rows (positions) not fully searched and without a flip: the ones whose verdict
    /// the budget left open.
    pub fn undecided(&self) -> Vec<usize> {
        self.rows
            .iter()
            .filter(|r| r.status == SearchStatus::OutOfBudget && r.flip.is_none())
            .map(|r| r.row)
            .collect()
    }

    /// Per numeric feature, the distribution of the thresholds where that feature alone
    /// flips a row (from [`RowFlip::single_feature`]); features that flip no row on their own
    /// are left out.
    pub fn thresholds(&self) -> Vec<ThresholdSummary> {
        let mut names: Vec<&'static str> = Vec::new();
        let mut values: Vec<Vec<f64>> = Vec::new();
        for row in &self.rows {
            for flip in &row.single_feature {
                for change in &flip.changes {
                    let Some(t) = change.threshold else { continue };
                    match names.iter().position(|&n| n == change.name) {
                        Some(i) => values[i].push(t),
                        None => {
                            names.push(change.name);
                            values.push(vec![t]);
                        }
                    }
                }
            }
        }
        let of = self.searched();
        let order = |name: &str| self.features.iter().position(|&f| f == name);
        let mut summaries: Vec<ThresholdSummary> = names
            .into_iter()
            .zip(values)
            .map(|(feature, mut v)| {
                v.sort_by(f64::total_cmp);
                ThresholdSummary {
                    feature,
                    rows: v.len(),
                    of,
                    min: v[0],
                    q1: quantile(&v, 0.25),
                    median: quantile(&v, 0.5),
                    q3: quantile(&v, 0.75),
                    max: v[v.len() - 1],
                }
            })
            .collect();
        summaries.sort_by_key(|s| order(s.feature));
        summaries
    }
}

/// The distribution of one numeric feature's thresholds across rows.
///
/// Quartiles interpolate linearly between order statistics (as NumPy's default).
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdSummary {
    /// The feature's name.
    pub feature: &'static str,
    /// The rows this feature flips on its own.
    pub rows: usize,
    /// The rows searched.
    pub of: usize,
    /// The smallest threshold.
    pub min: f64,
    /// The first quartile.
    pub q1: f64,
    /// The median.
    pub median: f64,
    /// The third quartile.
    pub q3: f64,
    /// The largest threshold.
    pub max: f64,
}

/// `tenure flips at 7.5 (median; quartiles 5.1–12) in 41 of 200 rows`.
impl fmt::Display for ThresholdSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} flips at {} (median; quartiles {}–{}) in {} of {} rows",
            self.feature,
            show_number(self.median),
            show_number(self.q1),
            show_number(self.q3),
            self.rows,
            self.of
        )
    }
}

/// The `q`-quantile of sorted, non-empty `v`, interpolating linearly.
fn quantile(v: &[f64], q: f64) -> f64 {
    let at = q * (v.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (at - lo as f64)
}

/// A number with at most five significant digits, without trailing zeros: thresholds are
/// located to a tolerance, and reports need not show the bisection's last bits.
pub(crate) fn show_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (4 - magnitude).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A value for reports: numbers short, categories quoted.
pub(crate) fn show_value(v: &Value) -> String {
    match v {
        Value::Number(x) => show_number(*x),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.quantile([1, 2, 4, 8], [0.25, 0.5, 0.75]) = [1.75, 3.0, 5.0]
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile(&v, 0.25), 1.75);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.75), 5.0);
        assert_eq!(quantile(&[7.0], 0.5), 7.0);
    }

    #[test]
    fn numbers_show_short() {
        assert_eq!(show_number(7.499_999_5), "7.5");
        assert_eq!(show_number(62.500_001), "62.5");
        assert_eq!(show_number(12.0), "12");
        assert_eq!(show_number(0.123_456), "0.12346");
        assert_eq!(show_number(-3.25), "-3.25");
        assert_eq!(show_number(123_456.7), "123457");
    }

    #[test]
    fn integer_bisection_stops_at_adjacent_integers() {
        let mut job = Bisection {
            state: 0,
            slot: 0,
            base: (),
            feature: 0,
            integer: true,
            safe: 3.0,
            flip: 8.0,
            tolerance: 0.0,
            prediction: Probabilities::new(
                &crate::model::Classes::new(["a", "b"]).unwrap(),
                vec![0.5, 0.5],
            )
            .unwrap(),
            stuck: false,
        };
        assert_eq!(job.midpoint(), 5.0);
        job.safe = 7.0;
        assert!(job.settled());
        assert_eq!(job.threshold(), 7.5);
        job.safe = 8.0;
        job.flip = 3.0;
        assert_eq!(job.midpoint(), 6.0);
    }
}
