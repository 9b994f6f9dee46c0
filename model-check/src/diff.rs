//! Model diffs: what changed between two models (or a model and its
//! [baseline](crate::baseline)) on the same rows.
//!
//! A [`ModelDiff`] holds the agreement rate with its Wilson interval, the flip table (how
//! many rows went from each predicted class to each other), flips and accuracy deltas per
//! cohort (the delta's interval and McNemar's exact two-sided p-value from the paired rows),
//! and the rows whose probabilities moved most. Its `Display` is a short text report.
//!
//! ```
//! use model_check::diff::ModelDiff;
//! use model_check::prelude::*;
//!
//! let data = Dataset::from_inputs(vec![0.1, 0.4, 0.6, 0.9], Labels::classes(["no", "no", "yes", "yes"])?)?
//!     .with_ids(["a", "b", "c", "d"])?;
//! let v1 = Classifier::from_fn(ModelInfo::new("m", "1"), ["no", "yes"], |b: &[f64]| {
//!     Ok(b.iter().map(|&x| vec![1.0 - x, x]).collect())
//! })?;
//! let v2 = Classifier::from_fn(ModelInfo::new("m", "2"), ["no", "yes"], |b: &[f64]| {
//!     Ok(b.iter().map(|&x| if x < 0.5 { vec![0.3, 0.7] } else { vec![1.0 - x, x] }).collect())
//! })?;
//! let diff = ModelDiff::between(&v1, &v2, &data, &[Cohort::all()])?;
//! assert_eq!(diff.agreement().successes(), 2);
//! assert_eq!(diff.flips(0, 1), 2); // two rows went from `no` to `yes`
//! assert_eq!(diff.cohorts()[0].after.successes(), 2);
//! assert_eq!(diff.moved_most(1)[0].id.as_deref(), Some("a"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use crate::baseline::{BaselineError, BaselineRecord};
use crate::cohort::{Cohort, EvalError};
use crate::data::{DataError, Dataset};
use crate::expect::{PairedRate, mcnemar_exact};
use crate::metrics::{Interval, Proportion};
use crate::model::{Classes, Model, ModelInfo, Probabilities};

/// One cohort in a diff.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortDiff {
    /// The cohort.
    pub cohort: String,
    /// Rows whose predicted label changed, of the cohort's rows.
    pub flips: Proportion,
    /// Accuracy before.
    pub before: Proportion,
    /// Accuracy after.
    pub after: Proportion,
    /// `after − before` accuracy.
    pub delta: Option<f64>,
    /// Its 95% paired-bootstrap interval, seeded by the cohort's name (see
    /// [`PairedRate::drop_interval`]); `None` below 30 rows.
    pub interval: Option<Interval>,
    /// McNemar's exact two-sided p-value.
    pub p_value: f64,
}

/// A row whose probabilities moved.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfidenceMove {
    /// The row's position.
    pub row: usize,
    /// Its id.
    pub id: Option<String>,
    /// Predicted before and after.
    pub before: String,
    /// Predicted after.
    pub after: String,
    /// The largest change of any class's probability.
    pub shift: f64,
}

/// What changed between two models on the same rows; see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDiff {
    before: ModelInfo,
    after: ModelInfo,
    classes: Classes,
    agreement: Proportion,
    table: Vec<Vec<u64>>,
    cohorts: Vec<CohortDiff>,
    moves: Vec<ConfidenceMove>,
}

fn predict_all<M: Model>(model: &M, data: &Dataset<M::Input>) -> Result<Vec<M::Output>, EvalError> {
    Ok(crate::model::predict_batched(
        model,
        data.rows(),
        &mut 0,
        |r| r,
    )?)
}

impl ModelDiff {
    /// Two live models on every row of `data`.
    pub fn between<A, B, R>(
        before: &A,
        after: &B,
        data: &Dataset<R>,
        cohorts: &[Cohort<R>],
    ) -> Result<ModelDiff, EvalError>
    where
        A: Model<Input = R, Output = Probabilities>,
        B: Model<Input = R, Output = Probabilities>,
    {
        let b = predict_all(before, data)?;
        let a = predict_all(after, data)?;
        ModelDiff::from_predictions(before.info(), &b, after.info(), &a, data, cohorts)
    }

    /// A live model against a baseline recorded on the same rows (`path` names the baseline
    /// in errors).
    pub fn against_baseline<M, R>(
        baseline: &BaselineRecord,
        path: &std::path::Path,
        model: &M,
        data: &Dataset<R>,
        cohorts: &[Cohort<R>],
    ) -> Result<ModelDiff, BaselineError>
    where
        M: Model<Input = R, Output = Probabilities>,
    {
        let a = predict_all(model, data)?;
        let b = baseline.aligned(data, a[0].classes(), path)?;
        Ok(ModelDiff::from_predictions(
            baseline.model(),
            &b,
            model.info(),
            &a,
            data,
            cohorts,
        )?)
    }

    /// Predictions made elsewhere, one per row of `data` each, over the same classes.
    pub fn from_predictions<R>(
        before_model: &ModelInfo,
        before: &[Probabilities],
        after_model: &ModelInfo,
        after: &[Probabilities],
        data: &Dataset<R>,
        cohorts: &[Cohort<R>],
    ) -> Result<ModelDiff, EvalError> {
        let setting = |reason: String| EvalError::Data(DataError::Setting { reason });
        if before.len() != data.len() || after.len() != data.len() {
            return Err(setting(format!(
                "{} and {} predictions for {} rows",
                before.len(),
                after.len(),
                data.len()
            )));
        }
        let classes = before[0].classes().clone();
        if let Some(p) = before
            .iter()
            .chain(after)
            .find(|p| !p.classes().same(&classes))
        {
            return Err(setting(format!(
                "the predictions are over different classes: ({classes}) and ({})",
                p.classes()
            )));
        }
        let labels = data.labels();
        let truth: Vec<Option<usize>> = (0..data.len())
            .map(|r| labels.class_of(r).and_then(|c| classes.index_of(c)))
            .collect();
        let k = classes.len();
        let mut table = vec![vec![0u64; k]; k];
        for (b, a) in before.iter().zip(after) {
            table[b.predicted()][a.predicted()] += 1;
        }
        let agree = (0..k).map(|c| table[c][c]).sum();
        let mut out = Vec::with_capacity(cohorts.len());
        for cohort in cohorts {
            let rows = cohort.rows(data)?;
            let flips = rows
                .iter()
                .filter(|&&r| before[r].predicted() != after[r].predicted())
                .count() as u64;
            let paired = PairedRate::from_pairs(rows.iter().map(|&r| {
                (
                    truth[r] == Some(before[r].predicted()),
                    truth[r] == Some(after[r].predicted()),
                )
            }));
            out.push(CohortDiff {
                cohort: cohort.name().to_string(),
                flips: Proportion::new(flips, rows.len() as u64),
                before: Proportion::new(paired.baseline_right, paired.n),
                after: Proportion::new(paired.current_right, paired.n),
                delta: paired.drop().map(|d| -d),
                interval: paired
                    .drop_interval(
                        crate::expect::DEFAULT_RESAMPLES,
                        crate::rng::derive_seed(&format!("diff on {}", cohort.name())),
                    )
                    .map(|i| Interval {
                        lo: -i.hi,
                        hi: -i.lo,
                    }),
                p_value: mcnemar_exact(paired.fixed, paired.broken),
            });
        }
        let mut moves: Vec<ConfidenceMove> = before
            .iter()
            .zip(after)
            .enumerate()
            .map(|(row, (b, a))| ConfidenceMove {
                row,
                id: data.id(row).map(str::to_string),
                before: b.label().to_string(),
                after: a.label().to_string(),
                shift: b
                    .as_slice()
                    .iter()
                    .zip(a.as_slice())
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0, f64::max),
            })
            .collect();
        moves.sort_by(|x, y| y.shift.total_cmp(&x.shift).then(x.row.cmp(&y.row)));
        Ok(ModelDiff {
            before: before_model.clone(),
            after: after_model.clone(),
            classes,
            agreement: Proportion::new(agree, before.len() as u64),
            table,
            cohorts: out,
            moves,
        })
    }

    /// Rows predicted the same by both models (Wilson interval via [`Proportion::wilson`]).
    pub fn agreement(&self) -> Proportion {
        self.agreement
    }

    /// Rows that went from class `from` to class `to` (by index).
    pub fn flips(&self, from: usize, to: usize) -> u64 {
        self.table[from][to]
    }

    /// The flip table: `[before][after]` counts over [`classes`](Self::classes).
    pub fn flip_table(&self) -> &[Vec<u64>] {
        &self.table
    }

    /// The classes.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// Per-cohort flips and accuracy deltas.
    pub fn cohorts(&self) -> &[CohortDiff] {
        &self.cohorts
    }

    /// The `k` rows whose probabilities moved most, largest first.
    pub fn moved_most(&self, k: usize) -> &[ConfidenceMove] {
        &self.moves[..k.min(self.moves.len())]
    }
}

impl fmt::Display for ModelDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "model diff {} → {}", self.before, self.after)?;
        writeln!(f, "  agreement  {}", self.agreement)?;
        writeln!(f, "  flips (before → after):")?;
        for (i, row) in self.table.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                if i != j && n > 0 {
                    writeln!(
                        f,
                        "    {} → {}: {n}",
                        self.classes.name(i),
                        self.classes.name(j)
                    )?;
                }
            }
        }
        for c in &self.cohorts {
            write!(
                f,
                "  {}: flips {:#}, accuracy {:#} → {:#}",
                c.cohort, c.flips, c.before, c.after
            )?;
            if let (Some(d), Some(i)) = (c.delta, c.interval) {
                write!(f, ", Δ {d:+.4} (95% CI {:+.4}…{:+.4})", i.lo, i.hi)?;
            }
            writeln!(f, ", McNemar p = {:.3e}", c.p_value)?;
        }
        writeln!(f, "  moved most:")?;
        for m in self.moved_most(5) {
            writeln!(
                f,
                "    row {} {}: {} → {} (max Δp {:.3})",
                m.row,
                m.id.as_deref().unwrap_or("-"),
                m.before,
                m.after,
                m.shift
            )?;
        }
        Ok(())
    }
}
