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
//! not `n` times that. Every search has a budget of rounds; rows it could not finish are
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

mod bisect;
mod combine;
mod domain;
mod engine;
mod report;
mod shrink;
mod single;
mod state;

pub(crate) use report::show_value;
pub use report::{
    Change, Counterfactual, Direction, FlipReport, RowFlip, SearchStatus, ThresholdSummary,
};

use std::fmt;
use std::marker::PhantomData;

use crate::cohort::EvalError;
use crate::data::{DataError, Dataset, Feature, Features};
use crate::model::{Model, ModelError, Probabilities};
use domain::Domain;
use engine::Engine;
use state::{Goal, RowState, Search};

/// Rounds a search may make on changed rows unless told otherwise (a round predicts every
/// row still searching, in batched calls).
pub const DEFAULT_BUDGET: u64 = 256;

/// The bisection tolerance unless told otherwise, as a fraction of a feature's range width.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// Random points tried per row that no single feature flips, unless told otherwise.
pub const DEFAULT_RANDOM_POINTS: usize = 64;

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

    /// The most rounds the search makes on changed rows (default [`DEFAULT_BUDGET`]): a
    /// round predicts every row still searching at one step, in as many batched calls as its
    /// rows take, so the budget does not depend on how many rows are searched. Predicting
    /// the original rows is not part of it.
    pub fn budget(mut self, rounds: u64) -> Self {
        self.budget = rounds;
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

    /// The budget of rounds.
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

    /// The same, learned from a dataset's rows once and kept with the dataset.
    pub(crate) fn domains_of(&self, data: &crate::data::Dataset<R>) -> Vec<Domain> {
        self.features
            .iter()
            .map(|&i| {
                let kept: Result<_, std::convert::Infallible> = data
                    .derived(&format!("flip domain {i}"), || {
                        Ok(Domain::of(&R::SCHEMA[i], i, data.rows()))
                    });
                match kept {
                    Ok(domain) => (*domain).clone(),
                }
            })
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
            |batch: &[R]| crate::model::call_model(model, batch),
            crate::model::batch_of(model),
            self.budget,
        );
        let originals = engine.predict_unbudgeted(&selected)?;
        self.search(&domains, selected, rows.to_vec(), originals, engine)
    }

    /// Searches `rows` (at dataset positions `positions`) whose original predictions are
    /// known, calling `predict` for changed rows: one call per batch of at most `batch` rows.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn search_with<P>(
        &self,
        domains: &[Domain],
        rows: Vec<R>,
        positions: Vec<usize>,
        originals: Vec<Probabilities>,
        predict: P,
        batch: usize,
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
            Engine::new(predict, batch, self.budget),
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
