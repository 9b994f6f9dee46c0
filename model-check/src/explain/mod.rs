//! What a model has learned, as values a test can assert on (the expectations built on them
//! are [`importance`](crate::expect::importance), [`monotone`](crate::expect::monotone),
//! [`attribution`](crate::expect::attribution) and
//! [`token_drives`](crate::expect::token_drives)):
//!
//! - global: [`permutation_importance`] — how much the loss grows when a feature is shuffled,
//!   per cohort, on the rows a classifier gets right and wrong, as scikit-learn computes it,
//!   with an interval from the paired per-row differences;
//! - what-if: [`partial_dependence`] (ICE curves and their mean, on scikit-learn's grid or the
//!   declared range) and [`robustness_curve`] (accuracy as an augmenter's strength grows);
//! - local: [`Shapley`] values against a background, exact or sampled (below), and
//!   [`token_attribution`] for text models (occlusion, exact token Shapley values).
//!
//! # Shapley values
//!
//! How much each feature moved one prediction away from the background's mean prediction.
//!
//! [`Shapley`] explains one number of a model's output — a class's probability
//! ([`Probabilities`], with [`class`](Shapley::class)) or a regression's prediction
//! (`f64`); see [`Explained`] — for rows `x` against a background set of rows. The values
//! are *interventional* Shapley values (Shapley 1953; Lundberg & Lee 2017): the players are
//! the features, or groups of features switched together ([`group`](Shapley::group), for a
//! one-hot encoding), and a coalition `S` of players is worth
//!
//! ```text
//! v(S) = mean over background rows b of f(x_S, b_rest),
//! ```
//!
//! the model's output on hybrid rows holding `x`'s values for the players in `S` and each
//! background row's for the others. The value of player `i` is its marginal contribution
//! `v(S ∪ i) − v(S)` averaged over coalitions with Shapley's weights; the values add up to
//! `f(x) − E f(b)` (efficiency), which every result reports as
//! [`additivity_gap`](ShapleyValues::additivity_gap). This is the game that
//! `shap.explainers.Exact(f, shap.maskers.Independent(background,
//! max_samples=len(background)))` solves; `tests/shapley_parity.rs` checks the values
//! against it to 1e-9.
//!
//! Two estimators:
//!
//! - [`exact`](Shapley::exact): every one of the `2^p` coalitions, for up to
//!   [`MAX_EXACT_PLAYERS`] players. The coalitions are visited along a Gray code, one player
//!   apart, and hybrid rows are built by rewriting that player's features: a background row
//!   that agrees with `x` on it keeps its output, without a model call. All hybrid rows go
//!   to the model in batches of its [`batch_size`](Model::batch_size).
//! - [`sampled`](Shapley::sampled): antithetic permutation sampling (Štrumbelj & Kononenko
//!   2014; Mitchell et al. 2022), seeded, each value with its Monte-Carlo standard error.
//!   Each permutation's contributions add up to `f(x) − E f(b)`, so sampled values are
//!   additive too.
//!
//! ```
//! use model_check::explain::Shapley;
//! use model_check::prelude::*;
//!
//! #[derive(Features, Clone)]
//! struct Flat { rooms: f64, area: f64, floor: f64 }
//!
//! // Price: linear in the area, with an interaction between rooms and floor.
//! let model = Regressor::from_fn(ModelInfo::new("price", "1"), |batch: &[Flat]| {
//!     Ok(batch.iter().map(|f| 3.0 * f.area + f.rooms * f.floor).collect())
//! });
//! let background = [Flat { rooms: 0.0, area: 50.0, floor: 0.0 }];
//! let flat = Flat { rooms: 3.0, area: 70.0, floor: 2.0 };
//!
//! let phi = Shapley::new(&model, &background).exact(&flat)?;
//! assert_eq!(phi.players, ["rooms", "area", "floor"]);
//! // The area's 20 extra m² are worth 60; the interaction's 6 is split evenly.
//! assert_eq!(phi.values, [3.0, 60.0, 3.0]);
//! assert_eq!((phi.base, phi.prediction), (150.0, 216.0));
//! assert_eq!(phi.sorted()[0].player, "area");
//!
//! // Sampled: the same game, estimated from 100 orders, with standard errors.
//! let estimate = Shapley::new(&model, &background).sampled(&flat, 100, 7)?;
//! assert_eq!(estimate.values[1], 60.0); // an additive player's contribution never varies
//! assert!(estimate.additivity_gap.abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! References: L. S. Shapley, "A value for n-person games" (1953); S. M. Lundberg and
//! S.-I. Lee, "A unified approach to interpreting model predictions" (NeurIPS 2017);
//! D. Janzing, L. Minorics and P. Blöbaum, "Feature relevance quantification in explainable
//! AI: a causal problem" (AISTATS 2020), on the interventional game; E. Štrumbelj and
//! I. Kononenko, "Explaining prediction models and individual predictions with feature
//! contributions" (Knowledge and Information Systems, 2014); R. Mitchell, J. Cooper, E. Frank
//! and G. Holmes, "Sampling permutations for Shapley value estimation" (JMLR, 2022).

use std::fmt;

use crate::data::{Features, ValueError, suggest};
use crate::model::{Classes, Model, ModelError, Probabilities};

mod curves;
mod exact;
mod importance;
mod sampled;
mod text;
mod walk;

pub(crate) use curves::partial_dependence_at;
pub use curves::{
    Curves, Monotonicity, PartialDependence, RobustnessPoint, partial_dependence, robustness_curve,
};
pub use importance::{
    FeatureImportance, Importances, Loss, PermutationImportance, RowLoss, permutation_importance,
};
pub use text::{MAX_EXACT_TOKENS, TokenAttribution, TokenValues, token_attribution};

use walk::Game;

/// The most players [`Shapley::exact`] enumerates: `2^16` coalitions per explained row,
/// each a hybrid row per background row. Beyond, group features or sample.
pub const MAX_EXACT_PLAYERS: usize = 16;

/// The fewest permutations [`Shapley::sampled`] draws: two antithetic pairs, so that a
/// standard error can be estimated from their spread.
pub const MIN_PERMUTATIONS: usize = 4;

/// What is explained of a model output: one number.
///
/// Implemented for [`Probabilities`] (the probability of a named class: the target is the
/// class's name) and `f64` (the prediction itself: the target is `()`). Implement it for
/// another output type to explain that.
///
/// ```
/// use model_check::explain::Explained;
/// use model_check::model::{Classes, Probabilities};
///
/// let classes = Classes::new(["No", "Yes"])?;
/// let p = Probabilities::new(&classes, vec![0.3, 0.7])?;
/// assert_eq!(p.explained(&"Yes".to_string())?, 0.7);
/// assert!(p.explained(&"yes".to_string()).is_err());
/// assert_eq!(2.5_f64.explained(&())?, 2.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Explained {
    /// What says which number of the output is explained.
    type Target: Clone + fmt::Debug;

    /// The target used when none is named; `None` (the default) when one must be named, as
    /// a classifier's class must.
    fn default_target() -> Option<Self::Target> {
        None
    }

    /// The number explained, for `target`; an error when the output has no such number.
    fn explained(&self, target: &Self::Target) -> Result<f64, ExplainError>;

    /// The numbers explained of a batch of outputs, appended to `into` in order: by
    /// default [`explained`](Explained::explained) of each. Override it when finding the
    /// number can be done once per batch (a class's position among the classes).
    fn explained_all(
        outputs: &[Self],
        target: &Self::Target,
        into: &mut Vec<f64>,
    ) -> Result<(), ExplainError>
    where
        Self: Sized,
    {
        for output in outputs {
            into.push(output.explained(target)?);
        }
        Ok(())
    }
}

impl Explained for Probabilities {
    type Target = String;

    fn explained(&self, class: &String) -> Result<f64, ExplainError> {
        self.of(class)
            .ok_or_else(|| unknown_class(class, self.classes()))
    }

    /// Finds the class by name once for outputs over the same classes (one batch's).
    fn explained_all(
        outputs: &[Self],
        class: &String,
        into: &mut Vec<f64>,
    ) -> Result<(), ExplainError> {
        let mut found: Option<(&Classes, usize)> = None;
        for output in outputs {
            let index = match found {
                Some((classes, index)) if classes.same(output.classes()) => index,
                _ => {
                    let classes = output.classes();
                    let index = classes
                        .index_of(class)
                        .ok_or_else(|| unknown_class(class, classes))?;
                    found = Some((classes, index));
                    index
                }
            };
            into.push(output.as_slice()[index]);
        }
        Ok(())
    }
}

fn unknown_class(class: &str, classes: &Classes) -> ExplainError {
    ExplainError::UnknownClass {
        class: class.to_string(),
        classes: classes.names().to_vec(),
    }
}

impl Explained for f64 {
    type Target = ();

    fn default_target() -> Option<()> {
        Some(())
    }

    fn explained(&self, _: &()) -> Result<f64, ExplainError> {
        Ok(*self)
    }
}

/// The target type of a model's output.
type TargetOf<M> = <<M as Model>::Output as Explained>::Target;

/// One player of the game: a feature, or a group of features switched together.
#[derive(Debug, Clone, PartialEq)]
struct Player {
    name: String,
    /// Positions in the schema, ascending.
    features: Vec<usize>,
}

/// Interventional Shapley values of one model output against a background set.
///
/// Built with [`new`](Shapley::new), given a class for a classifier
/// ([`class`](Shapley::class)) and optionally groups of features
/// ([`group`](Shapley::group), [`groups`](Shapley::groups)); then
/// [`exact`](Shapley::exact) or [`sampled`](Shapley::sampled) explain rows. Settings are
/// checked when rows are explained: every mistake is an [`ExplainError`] naming it.
///
/// ```
/// use model_check::explain::Shapley;
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Customer { tenure: f64, monthly: f64, month_to_month: f64, two_year: f64 }
///
/// let model = Classifier::from_fn(ModelInfo::new("churn", "1"), ["No", "Yes"], |batch: &[Customer]| {
///     Ok(batch
///         .iter()
///         .map(|c| {
///             let z = -0.05 * c.tenure + 0.02 * c.monthly + 1.2 * c.month_to_month - 0.8 * c.two_year;
///             let p = 1.0 / (1.0 + (-z).exp());
///             vec![1.0 - p, p]
///         })
///         .collect())
/// })?;
/// let background = vec![
///     Customer { tenure: 40.0, monthly: 60.0, month_to_month: 0.0, two_year: 1.0 },
///     Customer { tenure: 5.0, monthly: 90.0, month_to_month: 1.0, two_year: 0.0 },
/// ];
/// let row = Customer { tenure: 2.0, monthly: 100.0, month_to_month: 1.0, two_year: 0.0 };
///
/// // The contract's one-hot columns are one player.
/// let phi = Shapley::new(&model, &background)
///     .class("Yes")
///     .group("contract", ["month_to_month", "two_year"])
///     .exact(&row)?;
/// assert_eq!(phi.players, ["tenure", "monthly", "contract"]);
/// assert!(phi.additivity_gap.abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Shapley<'a, M: Model>
where
    M::Output: Explained,
{
    model: M,
    background: &'a [M::Input],
    target: Option<TargetOf<M>>,
    groups: Vec<(String, Vec<String>)>,
}

impl<'a, M> Shapley<'a, M>
where
    M: Model,
    M::Input: Features + Clone,
    M::Output: Explained,
{
    /// Explains `model`'s output against `background` (a dataset's rows: `data.rows()`),
    /// one player per feature of the row type's schema, in schema order.
    pub fn new(model: M, background: &'a [M::Input]) -> Self {
        Shapley {
            model,
            background,
            target: <M::Output as Explained>::default_target(),
            groups: Vec::new(),
        }
    }

    /// Explains the number `target` names (for [`Probabilities`], see
    /// [`class`](Shapley::class)).
    pub fn target(mut self, target: TargetOf<M>) -> Self {
        self.target = Some(target);
        self
    }

    /// Makes the features called `features` one player called `name`: they are switched
    /// together, and their joint contribution is one value (a one-hot encoding, a
    /// feature and its square). A feature belongs to at most one group; the player takes the
    /// place of its first feature in schema order.
    ///
    /// ```
    /// use model_check::explain::{ExplainError, Shapley};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let model = Regressor::from_fn(ModelInfo::new("sum", "1"), |b: &[Point]| {
    ///     Ok(b.iter().map(|p| p.x + p.y).collect())
    /// });
    /// let background = [Point { x: 0.0, y: 0.0 }];
    /// let row = Point { x: 1.0, y: 2.0 };
    /// let phi = Shapley::new(&model, &background).group("xy", ["x", "y"]).exact(&row)?;
    /// assert_eq!((phi.players, phi.values), (vec!["xy".to_string()], vec![3.0]));
    ///
    /// let typo = Shapley::new(&model, &background).group("xy", ["x", "Y"]).exact(&row);
    /// assert!(matches!(typo, Err(ExplainError::UnknownFeature { .. })));
    /// assert!(typo.unwrap_err().to_string().contains("did you mean \"y\"?"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn group<I, S>(mut self, name: impl Into<String>, features: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.groups
            .push((name.into(), features.into_iter().map(Into::into).collect()));
        self
    }

    /// Adds several groups at once, each `(name, features)` as in [`group`](Shapley::group).
    ///
    /// ```
    /// use model_check::explain::Shapley;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { a: f64, b: f64, c: f64, d: f64 }
    ///
    /// let model = Regressor::from_fn(ModelInfo::new("m", "1"), |b: &[Row]| {
    ///     Ok(b.iter().map(|r| r.a * r.b + r.c - r.d).collect())
    /// });
    /// let background = [Row { a: 0.0, b: 0.0, c: 0.0, d: 0.0 }];
    /// let shapley = Shapley::new(&model, &background).groups([("ab", ["a", "b"]), ("cd", ["c", "d"])]);
    /// assert_eq!(shapley.players()?, ["ab", "cd"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn groups<G, N, I, S>(mut self, groups: G) -> Self
    where
        G: IntoIterator<Item = (N, I)>,
        N: Into<String>,
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for (name, features) in groups {
            self = self.group(name, features);
        }
        self
    }

    /// The players' names, in the order of every result's values; an error when a group
    /// does not fit the schema.
    pub fn players(&self) -> Result<Vec<String>, ExplainError> {
        Ok(self
            .resolve_players()?
            .into_iter()
            .map(|p| p.name)
            .collect())
    }

    /// The exact Shapley values of `row`: every coalition of players is evaluated.
    ///
    /// Costs `2^p − 2` coalitions × background rows predictions (fewer when background rows
    /// agree with `row` on a player), one prediction of `row` and one of the background. An
    /// error when there are more than [`MAX_EXACT_PLAYERS`] players (group features or use
    /// [`sampled`](Shapley::sampled)), the background is empty, a setting does not fit, or
    /// the model fails.
    ///
    /// ```
    /// use model_check::explain::Shapley;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Pair { a: f64, b: f64 }
    ///
    /// // max(a, b) against a background at the origin and one at (2, 0).
    /// let model = Regressor::from_fn(ModelInfo::new("max", "1"), |batch: &[Pair]| {
    ///     Ok(batch.iter().map(|p| p.a.max(p.b)).collect())
    /// });
    /// let background = [Pair { a: 0.0, b: 0.0 }, Pair { a: 2.0, b: 0.0 }];
    /// let phi = Shapley::new(&model, &background).exact(&Pair { a: 1.0, b: 3.0 })?;
    /// // v(∅) = 1, v({a}) = 1, v({b}) = 3, v({a, b}) = 3.
    /// assert_eq!((phi.values[0], phi.values[1]), (0.0, 2.0));
    /// assert_eq!(phi.std_errors, [0.0, 0.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exact(&self, row: &M::Input) -> Result<ShapleyValues, ExplainError> {
        let mut values = self.exact_rows(std::slice::from_ref(row))?;
        Ok(values.remove(0))
    }

    /// The exact Shapley values of each of `rows`, in order: as [`exact`](Shapley::exact),
    /// with the background predicted once and every row's hybrid rows sent to the model in
    /// one stream of full batches.
    ///
    /// ```
    /// use model_check::explain::Shapley;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Pair { a: f64, b: f64 }
    ///
    /// let model = Regressor::from_fn(ModelInfo::new("product", "1"), |batch: &[Pair]| {
    ///     Ok(batch.iter().map(|p| p.a * p.b).collect())
    /// });
    /// let background = [Pair { a: 0.0, b: 0.0 }, Pair { a: 1.0, b: 1.0 }];
    /// let rows = [Pair { a: 2.0, b: 2.0 }, Pair { a: -1.0, b: 3.0 }];
    /// let explained = Shapley::new(&model, &background).exact_rows(&rows)?;
    /// assert_eq!(explained.len(), 2);
    /// // Everything fits in one call.
    /// assert_eq!(explained.iter().map(|e| e.model_calls).sum::<u64>(), 1);
    /// // Each row: itself and 2 coalitions × 2 background rows; the background, once.
    /// assert_eq!(explained.iter().map(|e| e.model_rows).collect::<Vec<_>>(), [2 + 5, 5]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exact_rows(&self, rows: &[M::Input]) -> Result<Vec<ShapleyValues>, ExplainError> {
        let (players, target) = self.settings()?;
        let p = players.len();
        if p > MAX_EXACT_PLAYERS {
            return Err(ExplainError::TooManyPlayers {
                players: p,
                max: MAX_EXACT_PLAYERS,
            });
        }
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let played = self
            .game(&players, &target)
            .walk(rows, &exact::gray_walk(p))?;
        let names: Vec<String> = players.into_iter().map(|p| p.name).collect();
        Ok(played
            .walks
            .into_iter()
            .map(|walked| {
                let values = exact::shapley_values(&walked.values, p);
                ShapleyValues::new(
                    names.clone(),
                    values,
                    vec![0.0; p],
                    played.base,
                    &walked,
                    Estimator::Exact { coalitions: 1 << p },
                )
            })
            .collect())
    }

    /// Shapley values of `row` estimated from `permutations` random orders of the players,
    /// drawn in antithetic pairs (each order and its reverse) from `seed`: each value with
    /// its Monte-Carlo standard error. An odd number of permutations is rounded up to the
    /// next even one; at least [`MIN_PERMUTATIONS`]. The same seed gives the same values bit
    /// for bit.
    ///
    /// Costs `2(p − 1)` coalitions × background rows predictions per pair of permutations
    /// (fewer when background rows agree with `row` on a player); any number of players. A
    /// standard error of 0 means every pair agreed: each pair is exact when the model's
    /// interactions involve at most two players (Mitchell et al. 2022).
    ///
    /// ```
    /// use model_check::explain::Shapley;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { a: f64, b: f64, c: f64 }
    ///
    /// let model = Regressor::from_fn(ModelInfo::new("m", "1"), |batch: &[Row]| {
    ///     Ok(batch.iter().map(|r| r.a * r.b * r.c + r.a).collect())
    /// });
    /// let background = [Row { a: 0.0, b: 0.0, c: 0.0 }, Row { a: 1.0, b: -1.0, c: 2.0 }];
    /// let row = Row { a: 2.0, b: 1.0, c: 1.0 };
    /// let shapley = Shapley::new(&model, &background);
    /// let exact = shapley.exact(&row)?;
    /// let estimate = shapley.sampled(&row, 200, 42)?;
    /// for i in 0..3 {
    ///     let error = (estimate.values[i] - exact.values[i]).abs();
    ///     assert!(error <= 4.0 * estimate.std_errors[i] + 1e-12, "{estimate:?}");
    /// }
    /// assert_eq!(estimate, shapley.sampled(&row, 200, 42)?); // bit for bit
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sampled(
        &self,
        row: &M::Input,
        permutations: usize,
        seed: u64,
    ) -> Result<ShapleyValues, ExplainError> {
        let mut values = self.sampled_rows(std::slice::from_ref(row), permutations, seed)?;
        Ok(values.remove(0))
    }

    /// Sampled Shapley values of each of `rows`, as [`sampled`](Shapley::sampled), with the
    /// background predicted once and every row's hybrid rows sent in one stream of full
    /// batches. Every row is walked through the same orders (common random numbers), so a
    /// row's values depend on the row, the seed and the number of permutations alone, not
    /// on the rows explained with it.
    ///
    /// ```
    /// use model_check::explain::Shapley;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { a: f64, b: f64, c: f64 }
    ///
    /// let model = Regressor::from_fn(ModelInfo::new("m", "1"), |batch: &[Row]| {
    ///     Ok(batch.iter().map(|r| (r.a * r.b).max(r.c)).collect())
    /// });
    /// let background = [Row { a: 0.0, b: 0.0, c: 0.0 }, Row { a: 1.0, b: -1.0, c: 2.0 }];
    /// let rows = [Row { a: 2.0, b: 1.0, c: 1.0 }, Row { a: -1.0, b: 3.0, c: 0.5 }];
    /// let shapley = Shapley::new(&model, &background);
    /// let both = shapley.sampled_rows(&rows, 20, 9)?;
    /// assert_eq!(both[1].values, shapley.sampled(&rows[1], 20, 9)?.values);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sampled_rows(
        &self,
        rows: &[M::Input],
        permutations: usize,
        seed: u64,
    ) -> Result<Vec<ShapleyValues>, ExplainError> {
        let (players, target) = self.settings()?;
        if permutations < MIN_PERMUTATIONS {
            return Err(ExplainError::TooFewPermutations {
                permutations,
                min: MIN_PERMUTATIONS,
            });
        }
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let p = players.len();
        let pairs = permutations.div_ceil(2);
        let orders = sampled::orders(seed, p, pairs);
        let played = self
            .game(&players, &target)
            .walk(rows, &sampled::pair_walk(&orders))?;
        let names: Vec<String> = players.into_iter().map(|p| p.name).collect();
        Ok(played
            .walks
            .into_iter()
            .map(|walked| {
                let (values, errors) = sampled::estimates(&walked.values, &orders, p);
                ShapleyValues::new(
                    names.clone(),
                    values,
                    errors,
                    played.base,
                    &walked,
                    Estimator::Sampled {
                        permutations: 2 * pairs,
                        seed,
                    },
                )
            })
            .collect())
    }

    /// The players and the target, checked, and the background checked non-empty.
    fn settings(&self) -> Result<(Vec<Player>, TargetOf<M>), ExplainError> {
        let players = self.resolve_players()?;
        if self.background.is_empty() {
            return Err(ExplainError::EmptyBackground);
        }
        let target = self.target.clone().ok_or(ExplainError::NoTarget)?;
        Ok((players, target))
    }

    fn game<'g>(&'g self, players: &'g [Player], target: &'g TargetOf<M>) -> Game<'g, M> {
        Game {
            model: &self.model,
            target,
            players,
            background: self.background,
        }
    }

    /// One player per group and per feature in no group, in the schema order of their first
    /// feature.
    fn resolve_players(&self) -> Result<Vec<Player>, ExplainError> {
        resolve_players(M::Input::SCHEMA, &self.groups)
    }
}

impl<'a, M> Shapley<'a, M>
where
    M: Model<Output = Probabilities>,
    M::Input: Features + Clone,
{
    /// Explains the probability of the class called `class`.
    ///
    /// ```
    /// use model_check::explain::{ExplainError, Shapley};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { score: f64 }
    ///
    /// let model = Classifier::from_fn(ModelInfo::new("m", "1"), ["No", "Yes"], |b: &[Row]| {
    ///     Ok(b.iter().map(|r| vec![1.0 - r.score, r.score]).collect())
    /// })?;
    /// let background = [Row { score: 0.2 }, Row { score: 0.4 }];
    /// let phi = Shapley::new(&model, &background).class("Yes").exact(&Row { score: 0.9 })?;
    /// assert!((phi.values[0] - 0.6).abs() < 1e-15);
    ///
    /// let unnamed = Shapley::new(&model, &background).exact(&Row { score: 0.9 });
    /// assert!(matches!(unnamed, Err(ExplainError::NoTarget)));
    /// let unknown = Shapley::new(&model, &background).class("yes").exact(&Row { score: 0.9 });
    /// assert!(matches!(unknown, Err(ExplainError::UnknownClass { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn class(self, class: impl Into<String>) -> Self {
        self.target(class.into())
    }
}

/// How a result's values were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimator {
    /// Every coalition was evaluated.
    Exact {
        /// `2^p`.
        coalitions: u64,
    },
    /// Antithetic permutation sampling.
    Sampled {
        /// The permutations drawn (pairs of an order and its reverse).
        permutations: usize,
        /// The seed they were drawn from.
        seed: u64,
    },
}

/// The Shapley values of one explained row.
///
/// Plain data: `values[i]` and `std_errors[i]` are player `players[i]`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapleyValues {
    /// The players' names: features, or groups.
    pub players: Vec<String>,
    /// Each player's Shapley value, in the explained output's unit.
    pub values: Vec<f64>,
    /// Each value's Monte-Carlo standard error: the standard deviation of the antithetic
    /// pairs' estimates over the square root of their number; 0 for exact values.
    pub std_errors: Vec<f64>,
    /// `E f(b)`: the mean explained output over the background.
    pub base: f64,
    /// `f(x)`: the explained output for the row.
    pub prediction: f64,
    /// `Σ values − (prediction − base)`: zero but for rounding (of the order of 1e-15 for
    /// outputs of the order of 1), exact or sampled.
    pub additivity_gap: f64,
    /// How the values were computed.
    pub estimator: Estimator,
    /// The model calls made while this row's hybrid rows were sent. A call may also carry
    /// the end of the previous row's rows, and the background's calls are counted with the
    /// first row, so over the rows of one run they sum to the calls made.
    pub model_calls: u64,
    /// The rows predicted for this row: hybrid rows and the row itself (and, for the first
    /// row of a run, the background).
    pub model_rows: u64,
}

impl ShapleyValues {
    fn new(
        players: Vec<String>,
        values: Vec<f64>,
        std_errors: Vec<f64>,
        base: f64,
        walked: &walk::Walked,
        estimator: Estimator,
    ) -> Self {
        let mut total = exact::Compensated::default();
        for &value in &values {
            total.add(value);
        }
        ShapleyValues {
            players,
            additivity_gap: total.value() - (walked.prediction - base),
            values,
            std_errors,
            base,
            prediction: walked.prediction,
            estimator,
            model_calls: walked.model_calls,
            model_rows: walked.model_rows,
        }
    }

    /// The value of the player called `player`.
    ///
    /// ```
    /// use model_check::explain::Shapley;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { a: f64, b: f64 }
    ///
    /// let model = Regressor::from_fn(ModelInfo::new("m", "1"), |b: &[Row]| {
    ///     Ok(b.iter().map(|r| r.a - 2.0 * r.b).collect())
    /// });
    /// let phi = Shapley::new(&model, &[Row { a: 0.0, b: 0.0 }]).exact(&Row { a: 1.0, b: 1.0 })?;
    /// assert_eq!(phi.value_of("b"), Some(-2.0));
    /// assert_eq!(phi.value_of("c"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn value_of(&self, player: &str) -> Option<f64> {
        let i = self.players.iter().position(|p| p == player)?;
        Some(self.values[i])
    }

    /// The players by decreasing absolute value (ties in player order).
    ///
    /// ```
    /// use model_check::explain::Shapley;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { a: f64, b: f64, c: f64 }
    ///
    /// let model = Regressor::from_fn(ModelInfo::new("m", "1"), |b: &[Row]| {
    ///     Ok(b.iter().map(|r| r.a - 3.0 * r.b + 2.0 * r.c).collect())
    /// });
    /// let zero = [Row { a: 0.0, b: 0.0, c: 0.0 }];
    /// let phi = Shapley::new(&model, &zero).exact(&Row { a: 1.0, b: 1.0, c: 1.0 })?;
    /// let order: Vec<&str> = phi.sorted().iter().map(|a| a.player).collect();
    /// assert_eq!(order, ["b", "c", "a"]);
    /// assert_eq!(phi.sorted()[0].value, -3.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sorted(&self) -> Vec<Attribution<'_>> {
        let mut sorted: Vec<Attribution<'_>> = self
            .players
            .iter()
            .zip(&self.values)
            .zip(&self.std_errors)
            .map(|((player, &value), &std_error)| Attribution {
                player,
                value,
                std_error,
            })
            .collect();
        sorted.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()));
        sorted
    }
}

/// One player's value, as [`ShapleyValues::sorted`] lists them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attribution<'a> {
    /// The player's name.
    pub player: &'a str,
    /// Its Shapley value.
    pub value: f64,
    /// The value's standard error (0 when exact).
    pub std_error: f64,
}

/// Why Shapley values could not be computed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExplainError {
    /// The model failed or returned invalid outputs.
    Model(ModelError),
    /// The background set has no rows.
    EmptyBackground,
    /// The row type has no features.
    NoPlayers,
    /// A group names a feature the schema does not have.
    UnknownFeature {
        /// The group.
        player: String,
        /// The name not found.
        feature: String,
        /// The feature nearest it, when one is nearest: the likely fix.
        suggestion: Option<String>,
    },
    /// A group names no features.
    EmptyGroup {
        /// The group.
        player: String,
    },
    /// A feature is in two groups.
    SharedFeature {
        /// The feature.
        feature: String,
        /// The group it was first put in.
        first: String,
        /// The other group.
        second: String,
    },
    /// Two players have the same name (a group named after a feature outside it).
    DuplicatePlayer {
        /// The name.
        player: String,
    },
    /// Too many players to enumerate every coalition.
    TooManyPlayers {
        /// The players.
        players: usize,
        /// The most [`Shapley::exact`] takes.
        max: usize,
    },
    /// Too few permutations for a standard error.
    TooFewPermutations {
        /// The permutations asked for.
        permutations: usize,
        /// The fewest taken.
        min: usize,
    },
    /// No target was named for an output that needs one (a classifier's class).
    NoTarget,
    /// The model's output has no class of that name.
    UnknownClass {
        /// The class asked for.
        class: String,
        /// The model's classes.
        classes: Vec<String>,
    },
    /// The model's explained output is not a finite number.
    NotFinite {
        /// The value.
        value: f64,
    },
    /// A feature value could not be written into a hybrid row (a [`Features`]
    /// implementation whose `set_value` rejects a value its `value` returned).
    Value(ValueError),
    /// A setting does not fit the model or the data; the reason names it.
    Setting {
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::Model(e) => e.fmt(f),
            ExplainError::EmptyBackground => {
                f.write_str("Shapley values need a background: the background set has no rows")
            }
            ExplainError::NoPlayers => f.write_str("the row type has no features to explain"),
            ExplainError::UnknownFeature {
                player,
                feature,
                suggestion,
            } => {
                write!(f, "group `{player}`: no feature is called {feature:?}")?;
                if let Some(suggestion) = suggestion {
                    write!(f, "; did you mean {suggestion:?}?")?;
                }
                Ok(())
            }
            ExplainError::EmptyGroup { player } => write!(f, "group `{player}` has no features"),
            ExplainError::SharedFeature {
                feature,
                first,
                second,
            } => write!(
                f,
                "feature `{feature}` is in group `{first}` and in group `{second}`: a feature belongs to one group at most"
            ),
            ExplainError::DuplicatePlayer { player } => write!(
                f,
                "two players are called `{player}`: a group is named after a feature outside it"
            ),
            ExplainError::TooManyPlayers { players, max } => write!(
                f,
                "exact Shapley values enumerate 2^p coalitions: {players} players is more than {max}; group features or use `sampled`"
            ),
            ExplainError::TooFewPermutations { permutations, min } => write!(
                f,
                "{permutations} permutations are too few for a standard error: ask for at least {min}"
            ),
            ExplainError::NoTarget => f.write_str(
                "the output explained is not named: for a classifier, name the class with `.class(\"…\")`",
            ),
            ExplainError::UnknownClass { class, classes } => write!(
                f,
                "the model has no class {class:?} (classes: {})",
                classes.join(", ")
            ),
            ExplainError::NotFinite { value } => {
                write!(f, "the model's explained output is {value}, not a finite number")
            }
            ExplainError::Value(e) => write!(f, "building a hybrid row: {e}"),
            ExplainError::Setting { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for ExplainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExplainError::Model(e) => Some(e),
            ExplainError::Value(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ModelError> for ExplainError {
    fn from(e: ModelError) -> Self {
        ExplainError::Model(e)
    }
}

/// One player per group and per feature in no group, in the schema order of their first
/// feature: the players of Shapley values and of permutation importance.
fn resolve_players(
    schema: crate::data::Schema,
    groups: &[(String, Vec<String>)],
) -> Result<Vec<Player>, ExplainError> {
    if schema.is_empty() {
        return Err(ExplainError::NoPlayers);
    }
    let mut owner: Vec<Option<usize>> = vec![None; schema.len()];
    for (g, (name, features)) in groups.iter().enumerate() {
        if features.is_empty() {
            return Err(ExplainError::EmptyGroup {
                player: name.clone(),
            });
        }
        for feature in features {
            let Some(f) = schema.index_of(feature) else {
                return Err(ExplainError::UnknownFeature {
                    player: name.clone(),
                    feature: feature.clone(),
                    suggestion: suggest::closest(feature, schema.names()).map(String::from),
                });
            };
            match owner[f] {
                Some(first) if first != g => {
                    return Err(ExplainError::SharedFeature {
                        feature: feature.clone(),
                        first: groups[first].0.clone(),
                        second: name.clone(),
                    });
                }
                _ => owner[f] = Some(g),
            }
        }
    }
    let mut players: Vec<Player> = Vec::new();
    let mut placed = vec![false; groups.len()];
    for (f, spec) in schema.iter().enumerate() {
        match owner[f] {
            None => players.push(Player {
                name: spec.name().to_string(),
                features: vec![f],
            }),
            Some(g) if !placed[g] => {
                placed[g] = true;
                players.push(Player {
                    name: groups[g].0.clone(),
                    features: (f..schema.len()).filter(|&h| owner[h] == Some(g)).collect(),
                });
            }
            Some(_) => {}
        }
    }
    for (i, player) in players.iter().enumerate() {
        if players[..i].iter().any(|q| q.name == player.name) {
            return Err(ExplainError::DuplicatePlayer {
                player: player.name.clone(),
            });
        }
    }
    Ok(players)
}
