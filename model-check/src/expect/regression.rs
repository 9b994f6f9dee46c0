//! No-regression expectations: a model compared with a [baseline](crate::baseline) on the
//! same rows, with paired statistics.
//!
//! # Accuracy-type metrics: paired rows
//!
//! For accuracy (and recall of a class, on the rows of that class) each row is a pair:
//! right or wrong under the baseline, right or wrong now. Of the `n` rows of a cohort, `b`
//! were fixed (baseline wrong, now right) and `c` broken (baseline right, now wrong); the
//! drop is `(c − b) / n`. Its 95% interval is a seeded paired bootstrap (rows resampled as
//! pairs, so it reflects how many rows changed as well as which way):
//!
//! - **Fail** when the whole interval exceeds δ; with δ = 0, also when McNemar's exact
//!   one-sided test finds a drop at 5% (`P(Bin(b + c, ½) ≥ c) < 0.05`), valid at any `n`.
//! - **Pass** when the whole interval is at most δ.
//! - **Inconclusive** otherwise, and below 30 rows (where only McNemar can fail it).
//!
//! Notes report McNemar's one-sided p-value of "any drop" alongside. (A test of "a drop of
//! more than δ > 0" that conditions on the `b + c` changed rows would not hold its 5% error
//! rate, so none is used.)
//!
//! # Other metrics: the paired bootstrap
//!
//! ROC AUC, F1, log loss, Brier score and calibration error are compared with a seeded
//! percentile bootstrap: each resample draws rows, and both models' metrics are computed on
//! that same resample. `Fail` when the whole 95% interval of the drop exceeds δ, `Pass` when
//! it is wholly at most δ; below 30 rows `Inconclusive`. The same seed gives the same result.
//!
//! ```
//! use model_check::baseline::{Baseline, UpdateMode};
//! use model_check::prelude::*;
//! use model_check::expect::no_regression;
//!
//! let dir = std::env::temp_dir().join(format!("mc-doc-regression-{}", std::process::id()));
//! let data = Dataset::from_inputs((0..200).map(f64::from).collect(), Labels::classes(
//!     (0..200).map(|i| if i >= 100 { "yes" } else { "no" }))?)?
//!     .with_ids((0..200).map(|i| format!("r{i}")))?;
//! let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["no", "yes"], |b: &[f64]| {
//!     Ok(b.iter().map(|&x| if x >= 100.0 { vec![0.1, 0.9] } else { vec![0.8, 0.2] }).collect())
//! })?;
//! let baseline = Baseline::path(dir.join("cutoff.json")).update_mode(UpdateMode::New).ci(false);
//! let report = check(model, data).expect(no_regression(&baseline).max_drop(0.0)).run(7);
//! assert_eq!(report.outcomes[0].verdict, Verdict::Pass); // recorded now, so unchanged
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use super::bootstrap::{self, ClassRows};
use super::metric::{
    BOOTSTRAP_MIN_ROWS, DEFAULT_RESAMPLES, class_index, setting_error, true_classes,
};
use super::{
    ClassMetric, Context, Evidence, Example, Expectation, Finding, Findings, Method, Unit, Verdict,
    accuracy, brier_score, expected_calibration_error, f1, log_loss, recall, roc_auc,
};
use crate::baseline::{Baseline, BaselineError, BaselineRecord};
use crate::cohort::{Cohort, EvalError};
use crate::data::Dataset;
use crate::metrics::Interval;
use crate::model::{Model, Probabilities};

/// The one-sided significance level of a `Fail`.
pub const ALPHA: f64 = 0.05;

pub use crate::stats::{binomial_upper_tail, mcnemar_exact, mcnemar_one_sided};

/// The paired comparison of a rate on one cohort: counts, the drop and its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedRate {
    /// Paired rows.
    pub n: u64,
    /// Rows right under the baseline.
    pub baseline_right: u64,
    /// Rows right now.
    pub current_right: u64,
    /// Rows fixed: wrong under the baseline, right now.
    pub fixed: u64,
    /// Rows broken: right under the baseline, wrong now.
    pub broken: u64,
}

impl PairedRate {
    /// Counts pairs of (baseline right, current right).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (bool, bool)>) -> PairedRate {
        let mut r = PairedRate {
            n: 0,
            baseline_right: 0,
            current_right: 0,
            fixed: 0,
            broken: 0,
        };
        for (before, after) in pairs {
            r.n += 1;
            r.baseline_right += u64::from(before);
            r.current_right += u64::from(after);
            r.fixed += u64::from(!before && after);
            r.broken += u64::from(before && !after);
        }
        r
    }

    /// `baseline − current`, positive when the rate dropped; `None` when there are no rows.
    pub fn drop(&self) -> Option<f64> {
        (self.n > 0).then(|| (self.broken as f64 - self.fixed as f64) / self.n as f64)
    }

    /// A seeded paired-bootstrap 95% interval of the drop: rows are resampled as pairs, so
    /// the interval reflects how many rows changed as well as which way. `None` below
    /// [`BOOTSTRAP_MIN_ROWS`] rows. When no row changed in the sample the interval is the
    /// point 0: on these rows the two models agree.
    pub fn drop_interval(&self, resamples: u32, seed: u64) -> Option<Interval> {
        if self.n < BOOTSTRAP_MIN_ROWS {
            return None;
        }
        // Only the changed rows carry the drop; the rest weigh in the denominator.
        let n = self.n as usize;
        let (broken, fixed) = (self.broken as usize, self.fixed as usize);
        bootstrap::interval(resamples, n, seed, |w| {
            let total: f64 = w.iter().map(|&x| f64::from(x)).sum();
            let down: f64 = w[..broken].iter().map(|&x| f64::from(x)).sum();
            let up: f64 = w[broken..broken + fixed]
                .iter()
                .map(|&x| f64::from(x))
                .sum();
            (total > 0.0).then(|| (down - up) / total)
        })
    }

    /// McNemar's exact one-sided p-value that the rate dropped at all (more rows broken than
    /// fixed): [`mcnemar_one_sided`] of the counts.
    pub fn p_value(&self) -> f64 {
        mcnemar_one_sided(self.fixed, self.broken)
    }

    /// The verdict on "the drop is at most `delta`", given the drop's interval: `Fail` when
    /// the whole interval exceeds `delta` — or, for `delta = 0`, when McNemar's exact
    /// one-sided test finds a drop at 5% — `Pass` when the whole interval is at most
    /// `delta`, else `Inconclusive`.
    pub fn verdict(&self, delta: f64, interval: Option<Interval>) -> Verdict {
        if delta == 0.0 && self.fixed + self.broken > 0 && self.p_value() < ALPHA {
            return Verdict::Fail;
        }
        match interval {
            Some(i) if i.lo > delta => Verdict::Fail,
            Some(i) if i.hi <= delta => Verdict::Pass,
            _ => Verdict::Inconclusive,
        }
    }
}

/// One cohort's comparison with the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortRegression {
    /// The cohort.
    pub cohort: String,
    /// Its rows (among those the check selected).
    pub n: u64,
    /// The metric under the baseline.
    pub baseline: Option<f64>,
    /// The metric now.
    pub current: Option<f64>,
    /// How much worse it got (positive is worse, whichever way the metric points).
    pub drop: Option<f64>,
    /// The drop's 95% interval.
    pub interval: Option<Interval>,
    /// For rates: the paired counts.
    pub paired: Option<PairedRate>,
    /// For rates: the exact one-sided p-value that the drop exceeds δ.
    pub p_value: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
}

impl fmt::Display for CohortRegression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{x:.4}"));
        write!(
            f,
            "{}: {} {} → {} (drop {}",
            self.cohort,
            self.verdict.label(),
            num(self.baseline),
            num(self.current),
            num(self.drop)
        )?;
        if let Some(i) = self.interval {
            write!(f, ", 95% CI {:.4}…{:.4}", i.lo, i.hi)?;
        }
        write!(f, ", n = {}", self.n)?;
        if let (Some(p), Some(pr)) = (self.p_value, self.paired) {
            write!(
                f,
                "; {} fixed, {} broken, McNemar p = {p:.3e}",
                pr.fixed, pr.broken
            )?;
        }
        f.write_str(")")
    }
}

/// The metric may not drop by more than δ against a baseline, built by [`no_regression`].
pub struct NoRegression<R> {
    baseline: Baseline,
    metric: ClassMetric,
    cohorts: Vec<Cohort<R>>,
    max_drop: f64,
    resamples: u32,
}

/// The model may not regress against `baseline`: by default accuracy, on all rows, with
/// δ = 0. The baseline records every row of the dataset and the cohorts' metrics.
pub fn no_regression<R>(baseline: &Baseline) -> NoRegression<R> {
    NoRegression {
        baseline: baseline.clone(),
        metric: accuracy(),
        cohorts: vec![Cohort::all()],
        max_drop: 0.0,
        resamples: DEFAULT_RESAMPLES,
    }
}

impl<R> NoRegression<R> {
    /// A drop of a rate reads in points; of any other metric, as a number.
    fn drop_unit(&self) -> Unit {
        if self.metric.is_rate() {
            Unit::Points
        } else {
            Unit::Number
        }
    }

    /// The metric compared (default accuracy): accuracy or recall (McNemar), ROC AUC, F1,
    /// log loss, Brier score or calibration error (paired bootstrap).
    pub fn metric(mut self, metric: ClassMetric) -> Self {
        self.metric = metric;
        self
    }

    /// The cohorts compared, each on its own (default: all rows).
    pub fn cohorts(mut self, cohorts: impl IntoIterator<Item = Cohort<R>>) -> Self {
        self.cohorts = cohorts.into_iter().collect();
        self
    }

    /// The largest drop allowed, δ (default 0).
    pub fn max_drop(mut self, delta: f64) -> Self {
        self.max_drop = delta;
        self
    }

    /// Bootstrap resamples for metrics that are not rates (default 1000).
    pub fn resamples(mut self, b: u32) -> Self {
        self.resamples = b;
        self
    }

    fn kind(&self) -> Result<Kind, EvalError> {
        let m = &self.metric;
        let class = m.class().map(str::to_string);
        let c = class.clone().unwrap_or_default();
        Ok(if *m == accuracy() {
            Kind::Accuracy
        } else if *m == recall(c.clone()) {
            Kind::Recall(c)
        } else if *m == roc_auc(c.clone()) {
            Kind::Boot(Boot::Auc(c))
        } else if *m == f1(c.clone()) {
            Kind::Boot(Boot::F1(c))
        } else if *m == log_loss() {
            Kind::Boot(Boot::LogLoss)
        } else if *m == brier_score() {
            Kind::Boot(Boot::Brier)
        } else if *m == expected_calibration_error() {
            Kind::Boot(Boot::Ece)
        } else {
            return Err(setting_error(format!(
                "no-regression checks do not support {m} yet; use accuracy, recall, ROC AUC, F1, log loss, Brier score or calibration error"
            )));
        })
    }

    /// Compares `current` (one prediction per selected row) with the baseline's `before` on
    /// `rows`, cohort by cohort.
    fn compare(
        &self,
        data: &Dataset<R>,
        rows: &[usize],
        before: &[Probabilities],
        current: &[Probabilities],
        seed: u64,
        model: &str,
    ) -> Result<Vec<CohortRegression>, EvalError> {
        if !self.max_drop.is_finite() || self.max_drop < 0.0 {
            return Err(setting_error(format!(
                "max_drop {} must be a finite number at least 0",
                self.max_drop
            )));
        }
        let kind = self.kind()?;
        let classes = current
            .first()
            .map(|p| p.classes().clone())
            .unwrap_or_else(|| before[0].classes().clone());
        let truth_all = true_classes(data.labels(), rows, &classes, model)?;
        let selected: std::collections::HashMap<usize, usize> =
            rows.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        let mut out = Vec::with_capacity(self.cohorts.len());
        for cohort in &self.cohorts {
            let members: Vec<usize> = cohort
                .rows(data)?
                .into_iter()
                .filter_map(|r| selected.get(&r).copied())
                .collect();
            let truth: Vec<usize> = members.iter().map(|&i| truth_all[i]).collect();
            let after: Vec<Probabilities> = members.iter().map(|&i| current[i].clone()).collect();
            let base: Vec<Probabilities> =
                members.iter().map(|&i| before[rows[i]].clone()).collect();
            out.push(match &kind {
                Kind::Accuracy | Kind::Recall(_) => {
                    let class = match &kind {
                        Kind::Recall(c) => Some(class_index(&classes, c, model)?),
                        _ => None,
                    };
                    let pairs = truth
                        .iter()
                        .zip(base.iter().zip(&after))
                        .filter(|(t, _)| class.is_none_or(|c| **t == c))
                        .map(|(&t, (b, a))| (b.predicted() == t, a.predicted() == t));
                    let paired = PairedRate::from_pairs(pairs);
                    let rate = |right: u64| (paired.n > 0).then(|| right as f64 / paired.n as f64);
                    let stream =
                        crate::rng::stream(seed, &format!("no regression on {}", cohort.name()));
                    let interval = paired.drop_interval(self.resamples, stream);
                    CohortRegression {
                        cohort: cohort.name().to_string(),
                        n: paired.n,
                        baseline: rate(paired.baseline_right),
                        current: rate(paired.current_right),
                        drop: paired.drop(),
                        interval,
                        paired: Some(paired),
                        p_value: (paired.n > 0).then(|| paired.p_value()),
                        verdict: paired.verdict(self.max_drop, interval),
                    }
                }
                Kind::Boot(metric) => {
                    let class = match metric {
                        Boot::Auc(c) | Boot::F1(c) => class_index(&classes, c, model)?,
                        _ => 0,
                    };
                    let rows_before = ClassRows::new(&truth, &base, class);
                    let rows_after = ClassRows::new(&truth, &after, class);
                    let value = |rows: &ClassRows, w: &[u32]| match metric {
                        Boot::Auc(_) => rows.roc_auc(w, class),
                        Boot::F1(_) => rows.f1(w, class),
                        Boot::LogLoss => rows.log_loss(w),
                        Boot::Brier => rows.brier(w),
                        Boot::Ece => rows.calibration_error(w),
                    };
                    let sign = if metric.higher_is_better() { 1.0 } else { -1.0 };
                    let drop =
                        |w: &[u32]| Some(sign * (value(&rows_before, w)? - value(&rows_after, w)?));
                    let ones = vec![1u32; truth.len()];
                    let n = truth.len() as u64;
                    let stream =
                        crate::rng::stream(seed, &format!("no regression on {}", cohort.name()));
                    let interval = if n >= BOOTSTRAP_MIN_ROWS {
                        bootstrap::interval(self.resamples, truth.len(), stream, drop)
                    } else {
                        None
                    };
                    let verdict = match interval {
                        Some(i) if i.lo > self.max_drop => Verdict::Fail,
                        Some(i) if i.hi <= self.max_drop => Verdict::Pass,
                        _ => Verdict::Inconclusive,
                    };
                    CohortRegression {
                        cohort: cohort.name().to_string(),
                        n,
                        baseline: value(&rows_before, &ones),
                        current: value(&rows_after, &ones),
                        drop: drop(&ones),
                        interval,
                        paired: None,
                        p_value: None,
                        verdict,
                    }
                }
            });
        }
        Ok(out)
    }
}

enum Kind {
    Accuracy,
    Recall(String),
    Boot(Boot),
}

enum Boot {
    Auc(String),
    F1(String),
    LogLoss,
    Brier,
    Ece,
}

impl Boot {
    fn higher_is_better(&self) -> bool {
        matches!(self, Boot::Auc(_) | Boot::F1(_))
    }
}

fn baseline_error(e: BaselineError) -> EvalError {
    match e {
        BaselineError::Eval(e) => e,
        other => setting_error(other.to_string()),
    }
}

/// The baseline's probabilities for every dataset row, resolving (and maybe writing) the
/// baseline file with the model's predictions of every row.
fn resolve<M>(
    baseline: &Baseline,
    context: &mut Context<'_, M>,
) -> Result<(Vec<Probabilities>, Vec<Probabilities>, String), EvalError>
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Clone,
{
    let current = context.predictions()?.to_vec();
    let Some(first) = current.first() else {
        return Err(setting_error("no rows are selected".into()));
    };
    let classes = first.classes().clone();
    let (data, live) = (context.data, context.model);
    let calls = &mut context.calls;
    let (_, before, resolution) = baseline
        .resolve(data, &classes, || {
            let predictions = crate::model::predict_rows(live, data, None, calls)
                .map_err(EvalError::from)?
                .to_vec();
            BaselineRecord::from_predictions(live.info(), data, &[Cohort::all()], &predictions)
        })
        .map_err(baseline_error)?;
    let note = match resolution {
        crate::baseline::Resolution::Loaded => String::new(),
        crate::baseline::Resolution::Written => {
            format!("baseline {} recorded now", baseline.file().display())
        }
        crate::baseline::Resolution::Rewritten => format!(
            "compared with the previous baseline; {} re-recorded",
            baseline.file().display()
        ),
    };
    Ok((before, current, note))
}

impl<M> Expectation<M> for NoRegression<M::Input>
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Clone,
{
    fn describe(&self) -> String {
        format!(
            "{} drops by at most {} against baseline {}",
            self.metric,
            self.max_drop,
            file_name(&self.baseline)
        )
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let (before, current, note) = resolve(&self.baseline, context)?;
        let model = context.model().info().to_string();
        let rows = context.rows().to_vec();
        let results = self.compare(
            context.data(),
            &rows,
            &before,
            &current,
            context.seed(),
            &model,
        )?;
        let worst = [Verdict::Fail, Verdict::Inconclusive, Verdict::Pass]
            .into_iter()
            .find(|v| results.iter().any(|r| r.verdict == *v))
            .unwrap_or(Verdict::Inconclusive);
        let shown = results.iter().find(|r| r.verdict == worst);
        let evidence = match shown {
            Some(r) => Evidence {
                estimate: r.drop,
                interval: r.interval,
                n: r.n,
                threshold: Some(self.max_drop),
                // With δ = 0 McNemar's exact one-sided test can also decide a failure: its
                // p-value is part of the evidence.
                p_value: r
                    .paired
                    .filter(|_| self.max_drop == 0.0)
                    .map(|p| mcnemar_one_sided(p.fixed, p.broken)),
                // The interval is a paired bootstrap.
                ..Evidence::new(
                    self.drop_unit(),
                    if r.paired.is_some() && self.max_drop == 0.0 {
                        Method::mcnemar()
                    } else {
                        Method::bootstrap(self.resamples)
                    },
                )
            },
            None => Evidence::none(),
        };
        // Examples: rows of failing cohorts that the current model broke, most confident first.
        let failing: Vec<&Cohort<M::Input>> = self
            .cohorts
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.verdict == Verdict::Fail)
            .map(|(c, _)| c)
            .collect();
        let mut examples = Vec::new();
        if !failing.is_empty() {
            let data = context.data();
            let mut members = std::collections::HashSet::new();
            for c in failing {
                members.extend(c.rows(data)?);
            }
            let truth = true_classes(data.labels(), &rows, current[0].classes(), &model)?;
            let mut broken: Vec<(usize, usize)> = rows
                .iter()
                .enumerate()
                .filter(|(i, r)| {
                    members.contains(r)
                        && before[**r].predicted() == truth[*i]
                        && current[*i].predicted() != truth[*i]
                })
                .map(|(i, &r)| (i, r))
                .collect();
            broken.sort_by(|a, b| {
                current[b.0]
                    .confidence()
                    .total_cmp(&current[a.0].confidence())
            });
            examples = broken
                .into_iter()
                .take(context.max_examples())
                .map(|(i, r)| {
                    Example::row(
                        r,
                        data.id(r),
                        format!(
                            "true {}: baseline {} ({:.2}) → now {} ({:.2})",
                            current[i].classes().name(truth[i]),
                            before[r].label(),
                            before[r].confidence(),
                            current[i].label(),
                            current[i].confidence()
                        ),
                    )
                })
                .collect();
        }
        let mut lines: Vec<String> = results.iter().map(|r| r.to_string()).collect();
        if !note.is_empty() {
            lines.push(note);
        }
        Ok(Findings::from(
            Finding::new(worst, evidence)
                .with_examples(examples)
                .with_note(lines.join("\n")),
        ))
    }
}

impl<R> NoRegression<R> {
    /// Runs the comparison outside a check: `model` on every row of `data` against the
    /// baseline (resolved as a check would: it may be written), per cohort.
    ///
    /// ```
    /// use model_check::baseline::{Baseline, UpdateMode};
    /// use model_check::expect::no_regression;
    /// use model_check::prelude::*;
    ///
    /// let dir = std::env::temp_dir().join(format!("mc-doc-compare-{}", std::process::id()));
    /// let data = Dataset::from_inputs(
    ///     (0..40).map(|i| f64::from(i) / 40.0).collect(),
    ///     Labels::classes((0..40).map(|i| if i >= 20 { "yes" } else { "no" }))?,
    /// )?
    /// .with_ids((0..40).map(|i| format!("r{i}")))?;
    /// let model = Classifier::from_fn(ModelInfo::new("m", "1"), ["no", "yes"], |b: &[f64]| {
    ///     Ok(b.iter().map(|&x| vec![1.0 - x, x]).collect())
    /// })?;
    /// let baseline = Baseline::path(dir.join("m.json")).update_mode(UpdateMode::New).ci(false);
    /// let results = no_regression(&baseline).compare_model(&model, &data, 1)?;
    /// assert_eq!(results[0].verdict, Verdict::Pass); // the model is its own baseline
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compare_model<M>(
        &self,
        model: &M,
        data: &Dataset<R>,
        seed: u64,
    ) -> Result<Vec<CohortRegression>, BaselineError>
    where
        M: Model<Input = R, Output = Probabilities>,
    {
        let current = crate::model::predict_batched(model, data.rows(), &mut 0, |r| r)
            .map_err(EvalError::from)?;
        let Some(first) = current.first() else {
            return Err(BaselineError::Eval(setting_error("no rows".into())));
        };
        let classes = first.classes().clone();
        let (_, before, _) = self.baseline.resolve(data, &classes, || {
            BaselineRecord::from_predictions(model.info(), data, &[Cohort::all()], &current)
        })?;
        let rows: Vec<usize> = (0..data.len()).collect();
        Ok(self.compare(
            data,
            &rows,
            &before,
            &current,
            seed,
            &model.info().to_string(),
        )?)
    }
}

/// At most a share of the rows may change their predicted label against a baseline (model
/// churn); see [`churn`].
pub struct Churn {
    baseline: Baseline,
    max_rate: f64,
}

/// The rate of rows whose predicted label differs from the baseline's: `Pass` when its
/// whole Wilson 95% interval is at most the rate given to [`Churn::at_most`], `Fail` when
/// wholly above. Per cohort with `check(..).on(cohort)`.
///
/// ```
/// use model_check::baseline::Baseline;
/// use model_check::expect::churn;
///
/// let e = churn(&Baseline::path("tests/baselines/churn-v1.json")).at_most(0.05);
/// # let _ = e;
/// ```
pub fn churn(baseline: &Baseline) -> Churn {
    Churn {
        baseline: baseline.clone(),
        max_rate: 0.0,
    }
}

impl Churn {
    /// The largest share of rows that may flip.
    pub fn at_most(mut self, rate: f64) -> Self {
        self.max_rate = rate;
        self
    }
}

impl<M> Expectation<M> for Churn
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Clone,
{
    fn describe(&self) -> String {
        format!(
            "at most {}% of predictions change against baseline {}",
            100.0 * self.max_rate,
            file_name(&self.baseline)
        )
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        super::metric::check_threshold(self.max_rate, super::metric::Domain::UNIT, &"churn rate")?;
        let (before, current, note) = resolve(&self.baseline, context)?;
        let rows = context.rows().to_vec();
        let flipped: Vec<usize> = (0..rows.len())
            .filter(|&i| before[rows[i]].predicted() != current[i].predicted())
            .collect();
        let examples = flipped
            .iter()
            .take(context.max_examples())
            .map(|&i| {
                Example::row(
                    rows[i],
                    context.data().id(rows[i]),
                    format!(
                        "baseline {} ({:.2}) → now {} ({:.2})",
                        before[rows[i]].label(),
                        before[rows[i]].confidence(),
                        current[i].label(),
                        current[i].confidence()
                    ),
                )
            })
            .collect();
        let outcome = super::metric::failure_rate_outcome(
            flipped.len() as u64,
            rows.len() as u64,
            Some(self.max_rate),
        )
        .with_examples(examples);
        Ok(Findings::from(if note.is_empty() {
            outcome
        } else {
            outcome.with_note(note)
        }))
    }
}

/// The baseline's file name, without its directory: the description (which seeds the
/// expectation's randomness) must be the same on every machine and checkout.
fn file_name(baseline: &Baseline) -> String {
    let path = baseline.file();
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
