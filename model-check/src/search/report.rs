//! The search's results ([`FlipReport`], one [`RowFlip`] per row, its [`Counterfactual`]
//! made of [`Change`]s, [`ThresholdSummary`]), how the final state becomes one, and the
//! number formatting reports share.

use std::fmt;

use crate::data::{Features, Value};
use crate::metrics::Proportion;
use crate::model::Probabilities;

use super::engine::Engine;
use super::state::{Candidate, RowState, Search, Setting};

impl<R: Features + Clone> Search<'_, R> {
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

    pub(super) fn report<P>(&self, states: Vec<RowState<R>>, engine: &Engine<P>) -> FlipReport {
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
            rounds: engine.rounds,
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
    /// [`FlipSearch::run`](super::FlipSearch::run).
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
    /// Model calls made (`Σ ⌈rows / batch⌉` over the rounds), including the prediction of
    /// the original rows when the search made it.
    pub model_calls: u64,
    /// Rounds made on changed rows: each predicts, in batched calls, every row still
    /// searching at that step.
    pub rounds: u64,
    /// The budget: the most rounds on changed rows.
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
                    q1: crate::stats::quantile(&v, 0.25),
                    median: crate::stats::quantile(&v, 0.5),
                    q3: crate::stats::quantile(&v, 0.75),
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
            crate::fmt::significant(self.median),
            crate::fmt::significant(self.q1),
            crate::fmt::significant(self.q3),
            self.rows,
            self.of
        )
    }
}

/// A value for reports: numbers short, categories quoted.
pub(crate) fn show_value(v: &Value) -> String {
    match v {
        Value::Number(x) => crate::fmt::significant(*x),
        other => other.to_string(),
    }
}
