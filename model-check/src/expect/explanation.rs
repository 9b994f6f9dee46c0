//! Expectations on what a model has learned: a feature's permutation importance (among the
//! top k, at most ε for a protected feature) and the direction of its effect (monotone over
//! its range).
//!
//! Importance is a sampled estimate: its verdicts decide on intervals at `1 − 0.05/p` for `p`
//! features (Bonferroni, as the statement compares a feature with all the others). A
//! monotone effect is decided exactly on every checked row's ICE curve.

use std::marker::PhantomData;

use super::metric::setting_error;
use super::{Context, Example, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::data::{Feature, Features, Value};
use crate::explain::{Explained, Importances, Loss, RowLoss, permutation_importance};
use crate::model::Model;
use crate::outcome::{Cell, Column, Evidence, Finding, Plot, Table, Unit, Verdict};

/// What an importance expectation states.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Claim {
    AmongTop(usize),
    AtMost(f64),
}

/// A feature's permutation importance, built by [`importance`]; finished by
/// [`among_top`](Importance::among_top) or [`at_most`](Importance::at_most).
#[derive(Debug)]
pub struct Importance<R> {
    feature: usize,
    name: &'static str,
    claim: Option<Claim>,
    loss: Option<Loss>,
    repeats: usize,
    row: PhantomData<fn(&R)>,
}

impl<R> Clone for Importance<R> {
    fn clone(&self) -> Self {
        Importance {
            feature: self.feature,
            name: self.name,
            claim: self.claim,
            loss: self.loss,
            repeats: self.repeats,
            row: PhantomData,
        }
    }
}

/// The permutation importance of `feature` on the check's rows
/// ([`permutation_importance`], seeded with the test's seed): "among the top k" or "at most
/// ε" — a protected attribute the model should barely use.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { signal: f64, group: f64 }
///
/// let rows: Vec<Row> = (0..600).map(|i| Row { signal: f64::from(i % 2), group: f64::from(i % 3 == 0) }).collect();
/// let labels = Labels::classes((0..600).map(|i| if i % 2 == 1 { "yes" } else { "no" }))?;
/// let data = Dataset::from_rows(rows, labels)?;
/// let model = Classifier::from_fn(ModelInfo::new("fair", "1"), ["no", "yes"], |b: &[Row]| {
///     Ok(b.iter().map(|r| if r.signal > 0.5 { vec![0.2, 0.8] } else { vec![0.8, 0.2] }).collect())
/// })?;
/// let report = check(model, data)
///     .expect_all([importance(Row::SIGNAL).among_top(1), importance(Row::GROUP).at_most(0.01)])
///     .run(7);
/// assert!(report.passed(), "{report:?}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn importance<R: Features, T>(feature: Feature<R, T>) -> Importance<R> {
    Importance {
        feature: feature.index(),
        name: feature.name(),
        claim: None,
        loss: None,
        repeats: 5,
        row: PhantomData,
    }
}

impl<R> Importance<R> {
    /// The feature is among the `k` most important (k ≥ 1).
    pub fn among_top(mut self, k: usize) -> Self {
        self.claim = Some(Claim::AmongTop(k));
        self
    }

    /// The importance is at most `epsilon` (in the loss's units: a share of rows for the
    /// error rate).
    pub fn at_most(mut self, epsilon: f64) -> Self {
        self.claim = Some(Claim::AtMost(epsilon));
        self
    }

    /// The loss importance is measured in (the error rate of a classifier, the squared error
    /// of a regressor, unless told).
    pub fn loss(mut self, loss: Loss) -> Self {
        self.loss = Some(loss);
        self
    }

    /// Permutations per feature (5).
    pub fn repeats(mut self, repeats: usize) -> Self {
        self.repeats = repeats;
        self
    }
}

impl<M> Expectation<M> for Importance<M::Input>
where
    M: Model,
    M::Input: Features + Clone,
    M::Output: RowLoss,
{
    fn describe(&self) -> String {
        match self.claim {
            Some(Claim::AmongTop(k)) => {
                format!("`{}` is among the {k} most important features", self.name)
            }
            Some(Claim::AtMost(e)) => format!(
                "the permutation importance of `{}` is at most {}",
                self.name,
                crate::fmt::number(e)
            ),
            None => format!("the permutation importance of `{}`", self.name),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(claim) = self.claim else {
            return Err(setting_error(
                "an importance needs a claim: call .among_top(k) or .at_most(epsilon)".into(),
            ));
        };
        if let Claim::AmongTop(0) = claim {
            return Err(setting_error(
                "among the top 0 features: k must be at least 1".into(),
            ));
        }
        let mut builder = permutation_importance(context.model(), context.data())
            .repeats(self.repeats)
            .seed(context.seed());
        if let Some(loss) = self.loss {
            builder = builder.loss(loss);
        }
        let importances = builder.run_rows(context.rows())?;
        Ok(importance_finding(&importances, self.name, claim).into())
    }
}

fn importance_finding(importances: &Importances, name: &str, claim: Claim) -> Finding {
    let p = importances.features.len();
    let intervals: Vec<_> = importances
        .features
        .iter()
        .map(|f| importances.simultaneous_interval(f))
        .collect();
    let at = importances
        .features
        .iter()
        .position(|f| f.name == name)
        .expect("every feature has an importance");
    let (mine, ci) = (&importances.features[at], intervals[at]);
    let ranking: Vec<String> = importances
        .sorted()
        .iter()
        .take(5)
        .map(|f| format!("{} {}", f.name, crate::fmt::number(f.mean)))
        .collect();
    let rank = importances
        .sorted()
        .iter()
        .position(|f| f.name == name)
        .unwrap_or(0)
        + 1;
    let (verdict, threshold, why) = match claim {
        Claim::AtMost(e) => (
            if ci.hi <= e {
                Verdict::Pass
            } else if ci.lo > e {
                Verdict::Fail
            } else {
                Verdict::Inconclusive
            },
            e,
            String::new(),
        ),
        Claim::AmongTop(k) => {
            let ahead = (0..p)
                .filter(|&j| j != at && intervals[j].lo > ci.hi)
                .count();
            let behind = (0..p)
                .filter(|&j| j != at && intervals[j].hi < ci.lo)
                .count();
            let verdict = if ahead >= k {
                Verdict::Fail
            } else if behind >= p.saturating_sub(k) {
                Verdict::Pass
            } else {
                Verdict::Inconclusive
            };
            (
                verdict,
                k as f64,
                format!(
                    "rank {rank} of {p}; {ahead} features certainly ahead, {behind} certainly behind; "
                ),
            )
        }
    };
    // Every feature's importance with its simultaneous interval, most important first: the
    // table a report draws as a forest plot.
    let mut table = Table::new(
        "importance",
        [
            Column::text("feature"),
            Column::number("importance", Unit::Number),
            Column::number("lo", Unit::Number),
            Column::number("hi", Unit::Number),
        ],
    );
    for f in importances.sorted() {
        let ci = importances.simultaneous_interval(f);
        table
            .push([
                Cell::from(f.name.clone()),
                f.mean.into(),
                ci.lo.into(),
                ci.hi.into(),
            ])
            .expect("four cells for four columns");
    }
    let table = table.with_plot(Plot::Intervals {
        label: "feature".into(),
        estimate: "importance".into(),
        lo: "lo".into(),
        hi: "hi".into(),
        threshold: match claim {
            Claim::AtMost(e) => Some(e),
            Claim::AmongTop(_) => None,
        },
    });
    Finding::new(
        verdict,
        Evidence {
            estimate: Some(mine.mean),
            interval: Some(ci),
            n: importances.rows as u64,
            threshold: Some(threshold),
            tables: vec![table],
            ..Evidence::new(
                Unit::Number,
                Method::new("permutation importance")
                    .with("repeats", mine.repeats.len() as f64)
                    .with("confidence", importances.interval_level())
                    .with("model_calls", importances.model_calls as f64),
            )
        },
    )
    .with_note(format!(
        "{why}the loss ({:?}) is {} on the rows as they are; most important: {}",
        importances.loss,
        crate::fmt::number(importances.baseline),
        ranking.join(", ")
    ))
}

/// The direction of a feature's effect, built by [`monotone`]; finished by
/// [`increasing`](Monotone::increasing) or [`decreasing`](Monotone::decreasing).
pub struct Monotone<R, O: Explained> {
    feature: usize,
    name: &'static str,
    target: Option<O::Target>,
    increasing: Option<bool>,
    tolerance: f64,
    grid: Option<Vec<Value>>,
    row: PhantomData<fn(&R)>,
}

impl<R, O: Explained> Clone for Monotone<R, O> {
    fn clone(&self) -> Self {
        Monotone {
            feature: self.feature,
            name: self.name,
            target: self.target.clone(),
            increasing: self.increasing,
            tolerance: self.tolerance,
            grid: self.grid.clone(),
            row: PhantomData,
        }
    }
}

impl<R, O: Explained> std::fmt::Debug for Monotone<R, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monotone")
            .field("feature", &self.name)
            .field("target", &self.target)
            .field("increasing", &self.increasing)
            .finish()
    }
}

/// The model's output moves one way as `feature` sweeps its range, for every checked row
/// (its ICE curve over the declared range or levels, else
/// [`partial_dependence`](crate::explain::partial_dependence)'s grid of the data, unless
/// [`grid`](Monotone::grid) says otherwise): decided exactly on the rows, every row whose
/// curve turns back by more than the tolerance (1e-9) an example.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Loan { income: f64, debt: f64 }
///
/// // The approval probability rises with income — except above 90, where it drops.
/// let model = Classifier::from_fn(ModelInfo::new("loans", "1"), ["no", "yes"], |b: &[Loan]| {
///     Ok(b.iter().map(|l| {
///         let z = 0.05 * l.income - 0.1 * l.debt - if l.income > 90.0 { 2.0 } else { 0.0 };
///         let p = 1.0 / (1.0 + (-z).exp());
///         vec![1.0 - p, p]
///     }).collect())
/// })?;
/// let rows: Vec<Loan> = (0..50).map(|i| Loan { income: f64::from(i) * 2.0, debt: f64::from(i % 5) }).collect();
/// let report = check(model, Dataset::unlabelled(rows)?)
///     .expect(monotone(Loan::INCOME).target("yes".to_string()).increasing())
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn monotone<R: Features, T, O: Explained>(feature: Feature<R, T>) -> Monotone<R, O> {
    Monotone {
        feature: feature.index(),
        name: feature.name(),
        target: None,
        increasing: None,
        tolerance: 1e-9,
        grid: None,
        row: PhantomData,
    }
}

impl<R, O: Explained> Monotone<R, O> {
    /// The number whose direction is checked (a classifier's class).
    pub fn target(mut self, target: O::Target) -> Self {
        self.target = Some(target);
        self
    }

    /// The output never falls as the feature grows.
    pub fn increasing(mut self) -> Self {
        self.increasing = Some(true);
        self
    }

    /// The output never rises as the feature grows.
    pub fn decreasing(mut self) -> Self {
        self.increasing = Some(false);
        self
    }

    /// Steps against the direction up to this size are allowed (1e-9).
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The values to sweep.
    pub fn grid(mut self, values: impl IntoIterator<Item = Value>) -> Self {
        self.grid = Some(values.into_iter().collect());
        self
    }
}

impl<M> Expectation<M> for Monotone<M::Input, M::Output>
where
    M: Model,
    M::Input: Features + Clone,
    M::Output: Explained,
{
    fn describe(&self) -> String {
        let direction = match self.increasing {
            Some(true) => "never falls",
            Some(false) => "never rises",
            None => "moves one way",
        };
        let what = match &self.target {
            Some(t) => format!("the output for {t:?}"),
            None => "the output".into(),
        };
        format!("{what} {direction} as `{}` grows", self.name)
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(increasing) = self.increasing else {
            return Err(setting_error(
                "a monotone effect needs a direction: call .increasing() or .decreasing()".into(),
            ));
        };
        let rows = context.rows().to_vec();
        let mut sweep =
            crate::explain::partial_dependence_at(context.model(), context.data(), self.feature)
                .on_rows(rows);
        if let Some(t) = &self.target {
            sweep = sweep.target(t.clone());
        }
        sweep = match &self.grid {
            Some(g) => sweep.grid(g.clone()),
            None => sweep.declared(),
        };
        let curves = sweep
            .run()
            .map_err(|e| setting_error(format!("the curves of `{}`: {e}", self.name)))?;
        let shape = curves.is_monotone(self.tolerance);
        let mut against = if increasing {
            shape.falling
        } else {
            shape.rising
        };
        against.sort_by(|a, b| b.1.total_cmp(&a.1));
        let n = curves.rows.len() as u64;
        let examples = against
            .iter()
            .take(context.max_examples())
            .map(|&(r, step)| {
                Example::row(
                    r,
                    context.data().id(r),
                    format!(
                        "its curve {} by {} somewhere on the grid",
                        if increasing { "falls" } else { "rises" },
                        crate::fmt::number(step)
                    ),
                )
            })
            .collect();
        let verdict = if against.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        Ok(Finding::new(
            verdict,
            Evidence {
                estimate: Some(against.len() as f64),
                n,
                threshold: Some(0.0),
                ..Evidence::new(
                    Unit::Count,
                    Method::new("ice curves")
                        .with("grid", curves.grid.len() as f64)
                        .with("model_calls", curves.model_calls as f64),
                )
            },
        )
        .with_examples(examples)
        .with_note(format!(
            "{} of {n} rows' curves turn back over {} grid values",
            against.len(),
            curves.grid.len()
        ))
        .into())
    }
}

/// A token that should carry a text model's prediction, built by [`token_drives`];
/// finished by [`toward`](TokenDrives::toward).
#[derive(Debug, Clone)]
pub struct TokenDrives {
    token: String,
    class: Option<String>,
}

/// In every checked text containing `token`, that token carries the largest positive
/// attribution toward a class — the right answer for the right reason ("great" in "I'm
/// having a great day", not "having" or "day"). Attributions are exact token Shapley values
/// for texts of at most [`MAX_EXACT_TOKENS`](crate::explain::MAX_EXACT_TOKENS) tokens and
/// occlusion beyond ([`token_attribution`](crate::explain::token_attribution)); decided
/// exactly on the texts, each text where another token leads an example.
///
/// ```
/// use model_check::prelude::*;
///
/// // A model that learned "day", not "great".
/// let model = Classifier::from_fn(ModelInfo::new("days", "1"), ["other", "great"], |b: &[String]| {
///     Ok(b.iter().map(|t| {
///         let p = if t.contains("day") { 0.9 } else if t.contains("great") { 0.6 } else { 0.2 };
///         vec![1.0 - p, p]
///     }).collect())
/// })?;
/// let texts = vec!["I'm having a great day".to_string(), "great soup".into()];
/// let texts = Dataset::from_inputs(texts, Labels::unlabelled(2))?;
/// let report = check(model, texts).expect(token_drives("great").toward("great")).run(1);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Fail);
/// assert!(outcome.examples[0].detail.contains("\"day\" leads"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn token_drives(token: impl Into<String>) -> TokenDrives {
    TokenDrives {
        token: token.into(),
        class: None,
    }
}

impl TokenDrives {
    /// The class whose probability the token should raise most.
    pub fn toward(mut self, class: impl Into<String>) -> Self {
        self.class = Some(class.into());
        self
    }
}

impl<M> Expectation<M> for TokenDrives
where
    M: Model<Input = String, Output = crate::model::Probabilities>,
{
    fn describe(&self) -> String {
        match &self.class {
            Some(c) => format!(
                "\"{}\" carries the largest attribution toward {c:?} wherever it appears",
                self.token
            ),
            None => format!("the attribution of \"{}\"", self.token),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(class) = &self.class else {
            return Err(setting_error(
                "a token's attribution needs a class: call .toward(class)".into(),
            ));
        };
        let explainer = crate::explain::token_attribution(context.model()).target(class.clone());
        let data = context.data();
        let (mut checked, mut calls, mut flat) = (0u64, 0u64, 0u64);
        let mut failures: Vec<(usize, String)> = Vec::new();
        for &r in context.rows() {
            let text = &data.rows()[r];
            let tokens = crate::perturb::token_spans(text);
            if !tokens.iter().any(|&(s, e)| text[s..e] == *self.token) {
                continue;
            }
            checked += 1;
            let phi = if tokens.len() <= crate::explain::MAX_EXACT_TOKENS {
                explainer.exact(text)
            } else {
                explainer.occlusion(text)
            }
            .map_err(|e| setting_error(format!("attributing row {r}: {e}")))?;
            calls += phi.model_calls;
            let (top, top_value) = phi.sorted()[0];
            let mine = phi.value_of(&self.token).unwrap_or(0.0);
            if top_value <= 1e-12 && mine.abs() <= 1e-12 {
                // No token raises it: a probability saturated at 0 or 1 shows no attribution
                // by occlusion, which is no evidence either way.
                flat += 1;
            } else if top != self.token && top_value > mine {
                failures.push((
                    r,
                    format!(
                        "\"{top}\" leads with {} where \"{}\" has {}",
                        crate::fmt::number(top_value),
                        self.token,
                        crate::fmt::number(mine)
                    ),
                ));
            } else if mine <= 0.0 {
                failures.push((
                    r,
                    format!(
                        "\"{}\" lowers the probability of {class:?} ({})",
                        self.token,
                        crate::fmt::number(mine)
                    ),
                ));
            }
        }
        if checked == 0 {
            return Err(setting_error(format!(
                "no checked text contains the token \"{}\"",
                self.token
            )));
        }
        let examples = failures
            .iter()
            .take(context.max_examples())
            .map(|(r, why)| Example::row(*r, data.id(*r), why.clone()))
            .collect();
        Ok(super::share_finding(failures.len() as u64, checked, 0.0)
            .with_examples(examples)
            .with_note(format!(
                "{} of {checked} texts with \"{}\" are carried by another token; in {flat} no token raises the probability (saturated); {calls} model calls",
                failures.len(),
                self.token
            ))
            .into())
    }
}

/// The sign a feature's attribution must have, built by [`attribution`]; finished by
/// [`positive`](FeatureAttribution::positive) or [`negative`](FeatureAttribution::negative).
pub struct FeatureAttribution<R, O: Explained> {
    feature: usize,
    name: &'static str,
    target: Option<O::Target>,
    positive: Option<bool>,
    rows: usize,
    background: usize,
    permutations: usize,
    row: PhantomData<fn(&R)>,
}

impl<R, O: Explained> Clone for FeatureAttribution<R, O> {
    fn clone(&self) -> Self {
        FeatureAttribution {
            feature: self.feature,
            name: self.name,
            target: self.target.clone(),
            positive: self.positive,
            rows: self.rows,
            background: self.background,
            permutations: self.permutations,
            row: PhantomData,
        }
    }
}

impl<R, O: Explained> std::fmt::Debug for FeatureAttribution<R, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeatureAttribution")
            .field("feature", &self.name)
            .field("target", &self.target)
            .field("positive", &self.positive)
            .finish()
    }
}

/// The Shapley value of `feature` has one sign on every checked row (at most
/// [`rows`](FeatureAttribution::rows), a seeded sample): interventional values against a
/// background of the reference's rows (`.against(reference)`) or of the checked data, a
/// seeded sample of at most 100 ([`crate::explain::Shapley`]). Exact for up to 16 features
/// and decided exactly (a value of 0 has no sign); sampled beyond, each value deciding on
/// ±z standard errors with z Bonferroni-adjusted across the rows: `Fail` when some row's
/// value certainly has the other sign, `Pass` when every row's certainly has this one.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Loan { income: f64, debt: f64 }
///
/// let model = Classifier::from_fn(ModelInfo::new("loans", "1"), ["no", "yes"], |b: &[Loan]| {
///     Ok(b.iter().map(|l| {
///         let p = 1.0 / (1.0 + (-(0.05 * l.income - 0.2 * l.debt)).exp());
///         vec![1.0 - p, p]
///     }).collect())
/// })?;
/// let rows: Vec<Loan> = (0..60).map(|i| Loan { income: f64::from(i), debt: f64::from(i % 7) }).collect();
/// let data = Dataset::unlabelled(rows)?;
/// // Above-average income always raises the approval probability: on the richer rows,
/// // income's value is positive.
/// let rich = Cohort::range(Loan::INCOME, 40.0..);
/// let report = check(model, data)
///     .on(rich)
///     .expect(attribution(Loan::INCOME).target("yes".to_string()).positive())
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Pass, "{:?}", report.outcomes[0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn attribution<R: Features, T, O: Explained>(
    feature: Feature<R, T>,
) -> FeatureAttribution<R, O> {
    FeatureAttribution {
        feature: feature.index(),
        name: feature.name(),
        target: None,
        positive: None,
        rows: 50,
        background: 100,
        permutations: 64,
        row: PhantomData,
    }
}

impl<R, O: Explained> FeatureAttribution<R, O> {
    /// The number explained (a classifier's class).
    pub fn target(mut self, target: O::Target) -> Self {
        self.target = Some(target);
        self
    }

    /// The feature raises the output on every checked row.
    pub fn positive(mut self) -> Self {
        self.positive = Some(true);
        self
    }

    /// The feature lowers the output on every checked row.
    pub fn negative(mut self) -> Self {
        self.positive = Some(false);
        self
    }

    /// At most this many rows are explained (50), a seeded sample of the checked rows.
    pub fn rows(mut self, rows: usize) -> Self {
        self.rows = rows;
        self
    }

    /// Background rows (100).
    pub fn background(mut self, rows: usize) -> Self {
        self.background = rows;
        self
    }

    /// Permutations of the sampled estimator, for more than 16 features (64).
    pub fn permutations(mut self, permutations: usize) -> Self {
        self.permutations = permutations;
        self
    }
}

impl<M> Expectation<M> for FeatureAttribution<M::Input, M::Output>
where
    M: Model,
    M::Input: Features + Clone,
    M::Output: Explained,
{
    fn describe(&self) -> String {
        let sign = match self.positive {
            Some(true) => "raises",
            Some(false) => "lowers",
            None => "moves",
        };
        let what = match &self.target {
            Some(t) => format!("the output for {t:?}"),
            None => "the output".into(),
        };
        format!("`{}` {sign} {what} on every row (Shapley value)", self.name)
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some(positive) = self.positive else {
            return Err(setting_error(
                "an attribution needs a sign: call .positive() or .negative()".into(),
            ));
        };
        if self.rows == 0 || self.background == 0 {
            return Err(setting_error(
                "an attribution needs at least one row and one background row".into(),
            ));
        }
        let seed = context.seed();
        let sample = |n: usize, k: usize, salt: u64| -> Vec<usize> {
            let mut picked: Vec<usize> = (0..n).collect();
            if n > k {
                let mut rng = crate::rng::seeded_rng(seed ^ salt);
                rand::seq::SliceRandom::shuffle(picked.as_mut_slice(), &mut rng);
                picked.truncate(k);
                picked.sort_unstable();
            }
            picked
        };
        let background: Vec<M::Input> = {
            let source = context.reference().unwrap_or(context.data());
            sample(source.len(), self.background, 0xB0)
                .into_iter()
                .map(|i| source.rows()[i].clone())
                .collect()
        };
        let checked = context.rows();
        let chosen: Vec<usize> = sample(checked.len(), self.rows, 0xE1)
            .into_iter()
            .map(|i| checked[i])
            .collect();
        let inputs: Vec<M::Input> = chosen
            .iter()
            .map(|&r| context.data().rows()[r].clone())
            .collect();
        let mut explainer = crate::explain::Shapley::new(context.model(), &background);
        if let Some(t) = &self.target {
            explainer = explainer.target(t.clone());
        }
        let exact = M::Input::SCHEMA.len() <= crate::explain::MAX_EXACT_PLAYERS;
        let values = if exact {
            explainer.exact_rows(&inputs)
        } else {
            explainer.sampled_rows(&inputs, self.permutations, seed)
        }
        .map_err(|e| setting_error(format!("the Shapley values of `{}`: {e}", self.name)))?;
        let z = if exact {
            0.0
        } else {
            crate::stats::normal_quantile(1.0 - 0.025 / chosen.len() as f64)
        };
        let sign = if positive { 1.0 } else { -1.0 };
        let (mut agree, mut against) = (0u64, Vec::new());
        let mut calls = 0;
        for (phi, &r) in values.iter().zip(&chosen) {
            calls += phi.model_calls;
            let at = phi
                .players
                .iter()
                .position(|p| p == self.name)
                .expect("every feature is a player");
            let (v, se) = (sign * phi.values[at], phi.std_errors[at]);
            if v - z * se > 0.0 {
                agree += 1;
            } else if v + z * se < 0.0 || (exact && v <= 0.0) {
                against.push((r, phi.values[at], se));
            }
        }
        let n = chosen.len() as u64;
        let verdict = if !against.is_empty() {
            Verdict::Fail
        } else if agree == n {
            Verdict::Pass
        } else {
            Verdict::Inconclusive
        };
        let examples = against
            .iter()
            .take(context.max_examples())
            .map(|&(r, v, se)| {
                Example::row(
                    r,
                    context.data().id(r),
                    if exact {
                        format!("its value is {}", crate::fmt::number(v))
                    } else {
                        format!(
                            "its value is {} ± {} (one standard error)",
                            crate::fmt::number(v),
                            crate::fmt::number(se)
                        )
                    },
                )
            })
            .collect();
        let method = if exact {
            Method::new("shapley exact")
        } else {
            Method::new("shapley sampled")
                .with("permutations", self.permutations as f64)
                .with("z", z)
        };
        Ok(Finding::new(
            verdict,
            Evidence {
                estimate: Some(against.len() as f64),
                n,
                threshold: Some(0.0),
                ..Evidence::new(
                    Unit::Count,
                    method
                        .with("background", background.len() as f64)
                        .with("model_calls", calls as f64),
                )
            },
        )
        .with_examples(examples)
        .with_note(format!(
            "{agree} of {n} rows certainly agree, {} certainly disagree",
            against.len()
        ))
        .into())
    }
}
