//! Permutation importance: how much a model's loss grows when one feature's values are
//! shuffled across the rows, breaking its link with the label (Breiman 2001; Fisher, Rudin
//! and Dominici 2019), as scikit-learn's `permutation_importance` computes it.
//!
//! For each feature (or group of features permuted together) and each of `repeats`
//! permutations of the rows, the feature's column is replaced by the column read through the
//! permutation, the model predicts, and the importance of the repeat is the permuted loss
//! minus the loss on the rows as they are. [`importances`](FeatureImportance::repeats),
//! their mean and standard deviation (`ddof = 0`) are scikit-learn's `importances`,
//! `importances_mean` and `importances_std`.
//!
//! The interval is not the spread over repeats — that ignores which rows were drawn — but the
//! 95% normal interval of the mean of the `n` paired per-row differences
//! `dᵢ = mean over repeats of ℓ(permuted row i) − ℓ(row i)`, whose mean is the importance.
//! Expectations on importance decide on it, Bonferroni-adjusted across the features
//! ([`Importances::interval_level`]).

use crate::cohort::{Cohort, EvalError};
use crate::data::{DataError, Dataset, Features};
use crate::metrics::Interval;
use crate::model::{Model, Probabilities};
use crate::rng::seeded_rng;

/// The per-row loss a permutation importance measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// 1 when the predicted label is wrong (the importance is scikit-learn's with
    /// `scoring="accuracy"`: the drop in accuracy).
    ErrorRate,
    /// `−ln p(true class)`, clipped as scikit-learn's `log_loss` (`scoring="neg_log_loss"`).
    LogLoss,
    /// `(prediction − target)²` (`scoring="neg_mean_squared_error"`).
    SquaredError,
    /// `|prediction − target|` (`scoring="neg_mean_absolute_error"`).
    AbsoluteError,
}

/// A model output whose per-row loss can be measured against a dataset's labels:
/// classifier [`Probabilities`] (error rate, log loss) and regressor `f64` predictions
/// (squared and absolute error).
pub trait RowLoss: Sized {
    /// The loss used unless told.
    const DEFAULT_LOSS: Loss;

    /// The loss of each output against the label of the dataset row it was predicted for.
    fn row_losses<R>(
        loss: Loss,
        outputs: &[Self],
        data: &Dataset<R>,
        rows: &[usize],
    ) -> Result<Vec<f64>, EvalError>;
}

fn setting(reason: String) -> EvalError {
    EvalError::Data(DataError::Setting { reason })
}

impl RowLoss for Probabilities {
    const DEFAULT_LOSS: Loss = Loss::ErrorRate;

    fn row_losses<R>(
        loss: Loss,
        outputs: &[Self],
        data: &Dataset<R>,
        rows: &[usize],
    ) -> Result<Vec<f64>, EvalError> {
        let labels = data.labels();
        let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) else {
            return Err(setting(format!(
                "permutation importance of a classifier needs class labels; dataset `{}` has none",
                data.name()
            )));
        };
        outputs
            .iter()
            .zip(rows)
            .map(|(p, &r)| {
                let truth = &names[index[r] as usize];
                match loss {
                    Loss::ErrorRate => Ok(f64::from(u8::from(p.label() != truth))),
                    Loss::LogLoss => {
                        let q = p.of(truth).ok_or_else(|| {
                            setting(format!("the model has no class `{truth}` (row {r})"))
                        })?;
                        Ok(-q.clamp(f64::EPSILON, 1.0 - f64::EPSILON).ln())
                    }
                    other => Err(setting(format!(
                        "{other:?} is a regression loss; a classifier's are ErrorRate and LogLoss"
                    ))),
                }
            })
            .collect()
    }
}

impl RowLoss for f64 {
    const DEFAULT_LOSS: Loss = Loss::SquaredError;

    fn row_losses<R>(
        loss: Loss,
        outputs: &[Self],
        data: &Dataset<R>,
        rows: &[usize],
    ) -> Result<Vec<f64>, EvalError> {
        let Some(targets) = data.labels().targets() else {
            return Err(setting(format!(
                "permutation importance of a regressor needs numeric labels; dataset `{}` has none",
                data.name()
            )));
        };
        outputs
            .iter()
            .zip(rows)
            .map(|(&y, &r)| match loss {
                Loss::SquaredError => Ok((y - targets[r]).powi(2)),
                Loss::AbsoluteError => Ok((y - targets[r]).abs()),
                other => Err(setting(format!(
                    "{other:?} is a classification loss; a regressor's are SquaredError and AbsoluteError"
                ))),
            })
            .collect()
    }
}

/// Permutation importance of a model's features on a dataset, built by
/// [`permutation_importance`]; run with [`run`](PermutationImportance::run).
pub struct PermutationImportance<'a, M: Model> {
    model: &'a M,
    data: &'a Dataset<M::Input>,
    loss: Option<Loss>,
    repeats: usize,
    seed: u64,
    cohort: Option<Cohort<M::Input>>,
    groups: Vec<(String, Vec<String>)>,
    permutations: Option<Vec<Vec<usize>>>,
}

/// The permutation importance of every feature of `model` on `data` — 5 seeded repeats, the
/// error rate of a classifier or the squared error of a regressor unless told.
///
/// ```
/// use model_check::explain::permutation_importance;
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { signal: f64, noise: f64 }
///
/// let rows: Vec<Row> = (0..400).map(|i| Row { signal: f64::from(i % 2), noise: f64::from(i % 7) }).collect();
/// let labels = Labels::classes((0..400).map(|i| if i % 2 == 1 { "yes" } else { "no" }))?;
/// let data = Dataset::from_rows(rows, labels)?;
/// let model = Classifier::from_fn(ModelInfo::new("reads signal", "1"), ["no", "yes"], |b: &[Row]| {
///     Ok(b.iter().map(|r| if r.signal > 0.5 { vec![0.1, 0.9] } else { vec![0.9, 0.1] }).collect())
/// })?;
/// let importance = permutation_importance(&model, &data).seed(3).run()?;
/// let top = &importance.sorted()[0];
/// assert_eq!(top.name, "signal");
/// assert!(top.interval.lo > 0.4); // shuffled, half the rows go wrong
/// assert_eq!(importance.of("noise").unwrap().mean, 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn permutation_importance<'a, M>(
    model: &'a M,
    data: &'a Dataset<M::Input>,
) -> PermutationImportance<'a, M>
where
    M: Model,
{
    PermutationImportance {
        model,
        data,
        loss: None,
        repeats: 5,
        seed: 0,
        cohort: None,
        groups: Vec::new(),
        permutations: None,
    }
}

/// One feature's (or group's) permutation importance.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureImportance {
    /// The feature, or the group's name.
    pub name: String,
    /// The mean importance over repeats: the loss's growth when the feature is shuffled.
    pub mean: f64,
    /// The standard deviation over repeats (`ddof = 0`, as scikit-learn's).
    pub std: f64,
    /// Each repeat's importance.
    pub repeats: Vec<f64>,
    /// The 95% interval of the mean from the paired per-row differences.
    pub interval: Interval,
    /// The per-row differences' standard error.
    pub std_error: f64,
}

/// The permutation importance of every feature, built by [`PermutationImportance::run`].
#[derive(Debug, Clone, PartialEq)]
pub struct Importances {
    /// The loss measured.
    pub loss: Loss,
    /// Its mean on the rows as they are.
    pub baseline: f64,
    /// How many rows were evaluated.
    pub rows: usize,
    /// The seed of the permutations (unless explicit permutations were given).
    pub seed: u64,
    /// One entry per feature or group, in schema order (groups where their first member
    /// stood).
    pub features: Vec<FeatureImportance>,
    /// Model calls made.
    pub model_calls: u64,
}

impl Importances {
    /// The importance of the feature or group named `name`.
    pub fn of(&self, name: &str) -> Option<&FeatureImportance> {
        self.features.iter().find(|f| f.name == name)
    }

    /// The features, most important first (ties in schema order).
    pub fn sorted(&self) -> Vec<&FeatureImportance> {
        let mut sorted: Vec<&FeatureImportance> = self.features.iter().collect();
        sorted.sort_by(|a, b| b.mean.total_cmp(&a.mean));
        sorted
    }

    /// The confidence of each feature's interval for a statement about all of them at once
    /// (Bonferroni over the features): `1 − 0.05 / features`.
    pub fn interval_level(&self) -> f64 {
        1.0 - 0.05 / self.features.len().max(1) as f64
    }

    /// Each feature's interval at [`interval_level`](Self::interval_level).
    pub fn simultaneous_interval(&self, feature: &FeatureImportance) -> Interval {
        let z = crate::stats::normal_quantile(1.0 - 0.025 / self.features.len().max(1) as f64);
        Interval {
            lo: feature.mean - z * feature.std_error,
            hi: feature.mean + z * feature.std_error,
        }
    }
}

impl<'a, M> PermutationImportance<'a, M>
where
    M: Model,
    M::Input: Features + Clone,
    M::Output: RowLoss,
{
    /// The loss to measure.
    pub fn loss(mut self, loss: Loss) -> Self {
        self.loss = Some(loss);
        self
    }

    /// Permutations per feature (at least 1).
    pub fn repeats(mut self, repeats: usize) -> Self {
        self.repeats = repeats;
        self
    }

    /// The seed the permutations are drawn from.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Measures on a cohort's rows only (permuting within them).
    pub fn on(mut self, cohort: Cohort<M::Input>) -> Self {
        self.cohort = Some(cohort);
        self
    }

    /// Permutes these features together, as one (a one-hot group, a feature and its
    /// missing flag).
    pub fn group<I, S>(mut self, name: impl Into<String>, features: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.groups
            .push((name.into(), features.into_iter().map(Into::into).collect()));
        self
    }

    /// Explicit permutations, one per repeat, used for every feature: repeat `r` gives row
    /// `i` (of the rows evaluated) the feature's value of row `permutations[r][i]`. This is
    /// how scikit-learn's `permutation_importance` permutes (its `random_state` fixes one
    /// sequence for all features); `tests/explain_parity.rs` reproduces its numbers with it.
    pub fn permutations(mut self, permutations: Vec<Vec<usize>>) -> Self {
        self.permutations = Some(permutations);
        self
    }

    /// Computes every feature's importance.
    pub fn run(&self) -> Result<Importances, EvalError> {
        let rows: Vec<usize> = match &self.cohort {
            Some(c) => c.rows(self.data)?,
            None => (0..self.data.len()).collect(),
        };
        self.run_rows(&rows)
    }

    /// [`run`](Self::run) on the dataset rows `rows` (a check's selected rows).
    pub(crate) fn run_rows(&self, rows: &[usize]) -> Result<Importances, EvalError> {
        self.run_drawing(rows, None)
    }

    /// The importance on `rows`, each repeat giving them the feature's values of a random
    /// arrangement of `pool`'s rows (distinct rows, as many as `rows`), or of their own rows
    /// permuted when `pool` is `None`.
    fn run_drawing(
        &self,
        rows: &[usize],
        pool: Option<&[usize]>,
    ) -> Result<Importances, EvalError> {
        let schema = M::Input::SCHEMA;
        let loss = self.loss.unwrap_or(M::Output::DEFAULT_LOSS);
        let n = rows.len();
        if n < 2 {
            return Err(setting(format!(
                "permutation importance needs at least 2 rows, not {n}"
            )));
        }
        let players = self.players()?;
        let permutations = match &self.permutations {
            Some(p) => {
                if p.is_empty() {
                    return Err(setting("no permutations given".into()));
                }
                for (r, perm) in p.iter().enumerate() {
                    let mut seen = vec![false; n];
                    if perm.len() != n
                        || perm
                            .iter()
                            .any(|&i| i >= n || std::mem::replace(&mut seen[i], true))
                    {
                        return Err(setting(format!(
                            "permutation {r} is not a permutation of the {n} rows evaluated"
                        )));
                    }
                }
                // Positions among the rows evaluated, as dataset rows.
                let sources: Vec<Vec<usize>> = p
                    .iter()
                    .map(|perm| perm.iter().map(|&i| rows[i]).collect())
                    .collect();
                vec![sources; players.len()]
            }
            None => {
                if self.repeats == 0 {
                    return Err(setting(
                        "permutation importance needs at least 1 repeat".into(),
                    ));
                }
                (0..players.len())
                    .map(|k| {
                        let mut rng =
                            seeded_rng(self.seed ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                        (0..self.repeats)
                            .map(|_| {
                                let mut p: Vec<usize> = pool.unwrap_or(rows).to_vec();
                                rand::seq::SliceRandom::shuffle(p.as_mut_slice(), &mut rng);
                                p.truncate(n);
                                p
                            })
                            .collect()
                    })
                    .collect()
            }
        };
        let mut calls = 0;
        let inputs: Vec<M::Input> = rows.iter().map(|&r| self.data.rows()[r].clone()).collect();
        let predict = |inputs: &[M::Input], calls: &mut u64| {
            crate::model::predict_batched(self.model, inputs, calls, |p| rows[p])
                .map_err(EvalError::from)
        };
        let base_losses =
            M::Output::row_losses(loss, &predict(&inputs, &mut calls)?, self.data, rows)?;
        let baseline = base_losses.iter().sum::<f64>() / n as f64;
        let mut features = Vec::with_capacity(players.len());
        for ((name, members), perms) in players.iter().zip(&permutations) {
            let mut differences = vec![0.0; n];
            let mut repeats = Vec::with_capacity(perms.len());
            for perm in perms {
                let mut permuted = inputs.clone();
                for (i, row) in permuted.iter_mut().enumerate() {
                    for &f in members {
                        row.set_value(f, self.data.rows()[perm[i]].value(f))
                            .map_err(|e| {
                                setting(format!("permuting `{}`: {e}", schema[f].name()))
                            })?;
                    }
                }
                let losses =
                    M::Output::row_losses(loss, &predict(&permuted, &mut calls)?, self.data, rows)?;
                let mut total = 0.0;
                for (d, (l, b)) in differences.iter_mut().zip(losses.iter().zip(&base_losses)) {
                    *d += l - b;
                    total += l;
                }
                repeats.push(total / n as f64 - baseline);
            }
            let r = perms.len() as f64;
            differences.iter_mut().for_each(|d| *d /= r);
            let mean = repeats.iter().sum::<f64>() / r;
            let std = (repeats.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / r).sqrt();
            let d_mean = differences.iter().sum::<f64>() / n as f64;
            let d_var = differences
                .iter()
                .map(|d| (d - d_mean).powi(2))
                .sum::<f64>()
                / (n as f64 - 1.0);
            let std_error = (d_var / n as f64).sqrt();
            let z = crate::stats::Z_95;
            features.push(FeatureImportance {
                name: name.clone(),
                mean,
                std,
                repeats,
                interval: Interval {
                    lo: mean - z * std_error,
                    hi: mean + z * std_error,
                },
                std_error,
            });
        }
        Ok(Importances {
            loss,
            baseline,
            rows: n,
            seed: self.seed,
            features,
            model_calls: calls,
        })
    }

    /// The features permuted together, in schema order: groups where their first member
    /// stands, every other feature alone (as Shapley values' players).
    fn players(&self) -> Result<Vec<(String, Vec<usize>)>, EvalError> {
        Ok(super::resolve_players(M::Input::SCHEMA, &self.groups)
            .map_err(|e| setting(e.to_string()))?
            .into_iter()
            .map(|p| (p.name, p.features))
            .collect())
    }
}

impl<M> PermutationImportance<'_, M>
where
    M: Model<Output = Probabilities>,
    M::Input: Features + Clone,
{
    /// The seed's "most predictive and most mispredictive features": the importance on the
    /// rows the model gets right, and on the rows it gets wrong, each repeat giving them the
    /// feature's values of distinct rows drawn from all the rows evaluated. On the wrong rows
    /// a negative importance means that values from elsewhere lower their loss — the feature
    /// pushes them the wrong way. Needs at least as many rows in all as in either part
    /// (always true) and two in each part.
    ///
    /// ```
    /// use model_check::explain::{Loss, permutation_importance};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { signal: f64, trap: f64 }
    ///
    /// // The label follows `signal`, but the model also trusts `trap` on a fifth of the rows.
    /// let rows: Vec<Row> = (0..500).map(|i| Row { signal: f64::from(i % 2), trap: f64::from(i % 5 == 0) }).collect();
    /// let labels = Labels::classes((0..500).map(|i| if i % 2 == 1 { "yes" } else { "no" }))?;
    /// let data = Dataset::from_rows(rows, labels)?;
    /// let model = Classifier::from_fn(ModelInfo::new("trap", "1"), ["no", "yes"], |b: &[Row]| {
    ///     Ok(b.iter().map(|r| {
    ///         let yes = if r.trap > 0.5 { 1.0 - r.signal } else { r.signal };
    ///         vec![1.0 - 0.8 * yes - 0.1, 0.8 * yes + 0.1]
    ///     }).collect())
    /// })?;
    /// let (right, wrong) = permutation_importance(&model, &data).loss(Loss::LogLoss).seed(1).on_right_and_wrong()?;
    /// assert_eq!(right.sorted()[0].name, "signal");
    /// // On the rows it gets wrong, shuffling the trap helps most.
    /// let helps = wrong.sorted().last().unwrap().name.clone();
    /// assert_eq!(helps, "trap");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_right_and_wrong(&self) -> Result<(Importances, Importances), EvalError> {
        let rows: Vec<usize> = match &self.cohort {
            Some(c) => c.rows(self.data)?,
            None => (0..self.data.len()).collect(),
        };
        let inputs: Vec<M::Input> = rows.iter().map(|&r| self.data.rows()[r].clone()).collect();
        let predicted = crate::model::predict_batched(self.model, &inputs, &mut 0, |p| rows[p])?;
        let labels = self.data.labels();
        if labels.class_names().is_none() {
            return Err(setting(format!(
                "right and wrong rows need class labels; dataset `{}` has none",
                self.data.name()
            )));
        }
        let (mut right, mut wrong) = (Vec::new(), Vec::new());
        for (&r, p) in rows.iter().zip(&predicted) {
            if labels.class_of(r) == Some(p.label()) {
                right.push(r);
            } else {
                wrong.push(r);
            }
        }
        // Each group's values are replaced by values drawn from all the rows: within the
        // wrong rows alone, a feature they all share could not be shuffled at all.
        Ok((
            self.run_drawing(&right, Some(&rows))?,
            self.run_drawing(&wrong, Some(&rows))?,
        ))
    }
}
