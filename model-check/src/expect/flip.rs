//! Prediction flips as expectations: what changing some features may do to a prediction.
//!
//! [`flip`] names the features that vary (typed handles; [`and`](Flip::and) adds more) and,
//! optionally, the label a flip must reach ([`to`](Flip::to)); then one of:
//!
//! - [`never`](Flip::never): no selected row may flip — for protected features. A flip
//!   fails the expectation, with the smallest counterexamples found (shrunk: fewest features,
//!   then nearest values); none passes, with the flip rate 0 and its Wilson interval.
//! - [`max_rate`](Flip::max_rate): the share of rows that flip, decided by its Wilson 95%
//!   interval: `Pass` when the whole interval is at most the rate, `Fail` when it is all
//!   above, otherwise `Inconclusive` with the rows that would decide it.
//! - [`min_distance`](Flip::min_distance): a robustness margin — no row may flip within a
//!   normalised distance (`|Δ| / range width` summed over the changed features, a changed
//!   category or `bool` counting 1).
//!
//! The search behind them is [`crate::search`]: thresholds by bisection, every step one
//! batched round of model calls for all rows, within a budget of rounds
//! ([`budget`](Flip::budget)). A search cannot prove that no flip exists: a `Pass` says that
//! none of its candidates flipped a row. Rows the budget did not let it finish make a passing
//! verdict `Inconclusive`, never a silent pass.
//!
//! ```
//! use model_check::prelude::*;
//! use model_check::expect::flip;
//!
//! #[derive(Features, Clone)]
//! struct Customer {
//!     #[features(range = 0..=72)]
//!     tenure: u32,
//!     #[features(protected)]
//!     female: bool,
//! }
//!
//! let rows: Vec<Customer> = (0..60).map(|i| Customer { tenure: i, female: i % 3 == 0 }).collect();
//! let labels = Labels::classes(rows.iter().map(|c| if c.tenure < 12 { "Yes" } else { "No" }))?;
//! let data = std::sync::Arc::new(Dataset::from_rows(rows, labels)?);
//! // Churns below 12 months of tenure; never reads `female`.
//! let model = || Classifier::from_fn(ModelInfo::new("tenure-rule", "1"), ["No", "Yes"], |b: &[Customer]| {
//!     Ok(b.iter().map(|c| if c.tenure < 12 { vec![0.3, 0.7] } else { vec![0.8, 0.2] }).collect())
//! });
//!
//! let fair = check(model()?, data.clone()).expect(flip(Customer::FEMALE).never()).run(7);
//! assert_eq!(fair.outcomes[0].verdict, Verdict::Pass);
//!
//! let report = check(model()?, data).expect(flip(Customer::TENURE).to("Yes").max_rate(0.5)).run(7);
//! let outcome = &report.outcomes[0];
//! assert_eq!(outcome.verdict, Verdict::Fail); // every customer churns at a short enough tenure
//! assert!(outcome.note.as_deref().unwrap().starts_with("tenure flips at 11.5 (median; quartiles 11.5–11.5) in 48 of 48 rows"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use super::metric::{self, setting_error, wilson_rows_needed};
use super::{
    Context, Evidence, Example, ExampleEdit, Expectation, Finding, Findings, Method, ScoreChange,
    Unit, Verdict,
};
use crate::cohort::EvalError;
use crate::data::{Feature, Features};
use crate::fmt::significant as show_number;
use crate::metrics::{Interval, Proportion};
use crate::model::{Model, Probabilities};
use crate::outcome::{Column, Plot, Table};
use crate::search::{Counterfactual, FlipReport, FlipSearch, SearchStatus};

/// Flips of the prediction when `feature` changes; add features with [`Flip::and`], then
/// finish with [`never`](Flip::never), [`max_rate`](Flip::max_rate) or
/// [`min_distance`](Flip::min_distance).
pub fn flip<R: Features, T>(feature: Feature<R, T>) -> Flip<R> {
    Flip {
        search: FlipSearch::new(feature),
    }
}

/// The features that may change, the target label and the search settings; see [`flip`].
pub struct Flip<R> {
    search: FlipSearch<R>,
}

impl<R: Features> fmt::Debug for Flip<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flip")
            .field("search", &self.search)
            .finish()
    }
}

impl<R> Clone for Flip<R> {
    fn clone(&self) -> Self {
        Flip {
            search: self.search.clone(),
        }
    }
}

/// The search settings, shared by [`Flip`] and [`FlipExpectation`].
macro_rules! search_settings {
    ($t:ident) => {
        impl<R: Features> $t<R> {
            /// The most model calls the search makes on changed rows (default
            /// [`DEFAULT_BUDGET`](crate::search::DEFAULT_BUDGET)); rows it cannot finish within
            /// it keep a passing verdict `Inconclusive`.
            pub fn budget(mut self, calls: u64) -> Self {
                self.search = self.search.budget(calls);
                self
            }

            /// The bisection tolerance as a fraction of each numeric feature's range width, in
            /// `(0, 1)` (default [`DEFAULT_TOLERANCE`](crate::search::DEFAULT_TOLERANCE)).
            pub fn tolerance(mut self, fraction: f64) -> Self {
                self.search = self.search.tolerance(fraction);
                self
            }

            /// Random points tried per row that no single feature flips, when several
            /// features vary (default
            /// [`DEFAULT_RANDOM_POINTS`](crate::search::DEFAULT_RANDOM_POINTS)).
            pub fn random_points(mut self, n: usize) -> Self {
                self.search = self.search.random_points(n);
                self
            }
        }
    };
}

search_settings!(Flip);
search_settings!(FlipExpectation);

impl<R: Features> Flip<R> {
    /// Also lets `feature` change (alone and together with the others).
    pub fn and<T>(mut self, feature: Feature<R, T>) -> Self {
        self.search = self.search.and(feature);
        self
    }

    /// Only flips to the class `label` count; rows that already predict it are not
    /// searched. A label that is not a class of the model is an error.
    pub fn to(mut self, label: impl Into<String>) -> Self {
        self.search = self.search.to(label);
        self
    }

    /// No selected row may flip.
    pub fn never(self) -> FlipExpectation<R> {
        self.finish(Rule::Never)
    }

    /// At most `rate` (in `[0, 1]`) of the searched rows may flip, decided by the Wilson 95%
    /// interval of the flip rate.
    pub fn max_rate(self, rate: f64) -> FlipExpectation<R> {
        self.finish(Rule::MaxRate(rate))
    }

    /// No row may flip within normalised distance `distance` (at least 0): every flip found
    /// must be at least that far from its row.
    pub fn min_distance(self, distance: f64) -> FlipExpectation<R> {
        self.finish(Rule::MinDistance(distance))
    }

    fn finish(self, rule: Rule) -> FlipExpectation<R> {
        FlipExpectation {
            search: self.search,
            rule,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    Never,
    MaxRate(f64),
    MinDistance(f64),
}

/// A flip expectation, ready to evaluate; see [`flip`].
pub struct FlipExpectation<R> {
    search: FlipSearch<R>,
    rule: Rule,
}

impl<R: Features> fmt::Debug for FlipExpectation<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlipExpectation")
            .field("search", &self.search)
            .field("rule", &self.rule)
            .finish()
    }
}

impl<R> Clone for FlipExpectation<R> {
    fn clone(&self) -> Self {
        FlipExpectation {
            search: self.search.clone(),
            rule: self.rule,
        }
    }
}

impl<R: Features> FlipExpectation<R> {
    fn check_rule(&self) -> Result<(), EvalError> {
        match self.rule {
            Rule::MaxRate(r) if !(0.0..=1.0).contains(&r) => Err(setting_error(format!(
                "a maximum flip rate is in [0, 1], got {r}"
            ))),
            Rule::MinDistance(d) if !(d >= 0.0 && d.is_finite()) => Err(setting_error(format!(
                "a minimum flipping distance is a finite number at least 0, got {d}"
            ))),
            _ => Ok(()),
        }
    }

    /// `when `female` changes`, `when `a` and `b` change`.
    fn when(&self) -> String {
        let names: Vec<String> = self
            .search
            .feature_names()
            .iter()
            .map(|n| format!("`{n}`"))
            .collect();
        match names.as_slice() {
            [] => "when no feature changes".into(),
            [one] => format!("when {one} changes"),
            [init @ .., last] => format!("when {} and {last} change", init.join(", ")),
        }
    }

    fn to(&self) -> String {
        self.search
            .target()
            .map_or_else(String::new, |t| format!(" to `{t}`"))
    }
}

impl<M, R> Expectation<M> for FlipExpectation<R>
where
    M: Model<Input = R, Output = Probabilities> + 'static,
    R: Features + Clone + 'static,
{
    fn describe(&self) -> String {
        match self.rule {
            Rule::Never => format!("no prediction flips{} {}", self.to(), self.when()),
            Rule::MaxRate(r) => format!(
                "at most {} of predictions flip{} {}",
                crate::fmt::percent_significant(r),
                self.to(),
                self.when()
            ),
            Rule::MinDistance(d) => format!(
                "no prediction flips{} within normalised distance {d} {}",
                self.to(),
                self.when()
            ),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        self.check_rule()?;
        self.search.validate()?;
        let search = self.search.clone().seed(context.seed());
        let originals = context.predictions()?;
        let positions = context.rows().to_vec();
        let all = context.data().rows();
        let domains = search.domains_of(context.data());
        let rows: Vec<R> = positions.iter().map(|&r| all[r].clone()).collect();
        let batch = crate::model::batch_of(context.model());
        let report = search.search_with(
            &domains,
            rows,
            positions,
            originals.to_vec(),
            |inputs: &[R]| context.predict(inputs),
            batch,
        )?;
        Ok(Findings::from(self.judge(&report, context)))
    }
}

impl<R: Features> FlipExpectation<R> {
    fn judge<M>(&self, report: &FlipReport, context: &Context<'_, M>) -> Finding
    where
        M: Model<Input = R, Output = Probabilities> + 'static,
        R: Clone,
    {
        let n = report.searched() as u64;
        let flips = report.flip_count() as u64;
        let undecided = report.undecided().len() as u64;
        let threshold = match self.rule {
            Rule::Never => 0.0,
            Rule::MaxRate(r) => r,
            Rule::MinDistance(d) => d,
        };
        if n == 0 {
            let why = if report.rows.is_empty() {
                "no rows are selected".to_string()
            } else {
                format!(
                    "every selected row already predicts `{}`: there is nothing to flip",
                    self.search.target().unwrap_or_default()
                )
            };
            return Finding::new(
                Verdict::Inconclusive,
                Evidence {
                    threshold: Some(threshold),
                    ..Evidence::none()
                },
            )
            .with_note(why);
        }

        let observed = Proportion::new(flips, n);
        let rate = flips as f64 / n as f64;
        let interval = observed.wilson().expect("n > 0");
        let mut reason = None;
        let (verdict, evidence, examples) = match self.rule {
            Rule::Never => {
                let verdict = if flips > 0 {
                    Verdict::Fail
                } else if undecided > 0 {
                    Verdict::Inconclusive
                } else {
                    Verdict::Pass
                };
                let evidence = rate_evidence(rate, interval, n, 0.0, None);
                (verdict, evidence, self.examples(report, context, None))
            }
            Rule::MaxRate(r) => {
                // Rows the budget left open could go either way: pass only if the rate
                // passes with them all flipped, fail only if it fails with none flipped.
                let pessimistic = Proportion::new(flips + undecided, n)
                    .wilson()
                    .expect("n > 0");
                let verdict = if pessimistic.hi <= r {
                    Verdict::Pass
                } else if interval.lo > r {
                    Verdict::Fail
                } else {
                    Verdict::Inconclusive
                };
                let needed = (verdict == Verdict::Inconclusive && undecided == 0)
                    .then(|| {
                        wilson_rows_needed(
                            rate,
                            n,
                            &metric::Rule::new(metric::Direction::AtMost, r),
                        )
                    })
                    .flatten();
                if verdict == Verdict::Inconclusive && undecided == 0 {
                    reason = Some(match needed {
                        Some(m) => format!(
                            "the 95% interval straddles the threshold; about {m} rows would decide it if {} held",
                            crate::fmt::percent_significant(rate)
                        ),
                        None => {
                            "the flip rate equals the threshold; more rows cannot decide it".into()
                        }
                    });
                }
                let evidence = rate_evidence(rate, interval, n, r, needed);
                (verdict, evidence, self.examples(report, context, None))
            }
            Rule::MinDistance(d) => {
                let nearest = report
                    .rows
                    .iter()
                    .filter_map(|row| nearest(row.flip.as_ref(), &row.single_feature))
                    .map(|c| c.distance)
                    .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))));
                let verdict = if nearest.is_some_and(|x| x < d) {
                    Verdict::Fail
                } else if undecided > 0 {
                    Verdict::Inconclusive
                } else {
                    Verdict::Pass
                };
                let evidence = Evidence {
                    estimate: nearest,
                    interval: None,
                    n,
                    threshold: Some(d),
                    rows_needed: None,
                    ..Evidence::new(Unit::Distance, Method::point_estimate())
                };
                (verdict, evidence, self.examples(report, context, Some(d)))
            }
        };
        if verdict == Verdict::Inconclusive && reason.is_none() && undecided > 0 {
            reason = Some(format!(
                "the budget ({} rounds) ran out with {undecided} of {n} rows not fully searched; raise it with .budget(rounds)",
                report.budget
            ));
        }
        let mut note: Vec<String> = reason.into_iter().collect();
        note.extend(report.thresholds().iter().map(ToString::to_string));
        let shrunk: Vec<&Counterfactual> = report
            .rows
            .iter()
            .filter_map(|r| r.flip.as_ref())
            .filter(|c| c.shrunk_from.is_some())
            .collect();
        if !shrunk.is_empty() {
            let before: usize = shrunk.iter().filter_map(|c| c.shrunk_from).sum();
            let after: usize = shrunk.iter().map(|c| c.changes.len()).sum();
            let count = shrunk.len() as f64;
            note.push(format!(
                "{} rows flip only when several features change together; shrunk from {} to {} changed features on average",
                shrunk.len(),
                show_number(before as f64 / count),
                show_number(after as f64 / count)
            ));
        }
        let already = report.rows.len() - report.searched();
        if already > 0 {
            note.push(format!(
                "{already} rows already predict `{}` and were not searched",
                self.search.target().unwrap_or_default()
            ));
        }
        if report.budget_exhausted && undecided == 0 {
            let open = report
                .rows
                .iter()
                .filter(|r| r.status == SearchStatus::OutOfBudget)
                .count();
            note.push(format!(
                "the budget ran out before {open} flips were located to the tolerance or fully shrunk"
            ));
        }
        note.push(format!(
            "{} model call{} in {} round{} for the search (budget {} rounds)",
            report.model_calls,
            if report.model_calls == 1 { "" } else { "s" },
            report.rounds,
            if report.rounds == 1 { "" } else { "s" },
            report.budget
        ));
        let mut evidence = evidence;
        evidence.tables.extend(distance_histogram(report));
        Finding::new(verdict, evidence)
            .with_examples(examples)
            .with_note(note.join("; "))
    }

    /// The smallest flips (fewest features, then nearest), or with `within`, the flips
    /// nearer than it.
    fn examples<M>(
        &self,
        report: &FlipReport,
        context: &Context<'_, M>,
        within: Option<f64>,
    ) -> Vec<Example>
    where
        M: Model<Input = R, Output = Probabilities> + 'static,
        R: Clone,
    {
        let mut shown: Vec<(usize, &Probabilities, &Counterfactual)> = report
            .rows
            .iter()
            .filter_map(|row| {
                let c = match within {
                    Some(d) => nearest(row.flip.as_ref(), &row.single_feature)
                        .filter(|c| c.distance < d)?,
                    None => row.flip.as_ref()?,
                };
                Some((row.row, &row.original, c))
            })
            .collect();
        shown.sort_by(|a, b| {
            (a.2.changes.len(), a.2.distance)
                .partial_cmp(&(b.2.changes.len(), b.2.distance))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.0.cmp(&b.0))
        });
        shown
            .into_iter()
            .take(context.max_examples())
            .map(|(row, original, c)| {
                self.example(row, context.data().id(row), original, c, within.is_some())
            })
            .collect()
    }

    /// A flip as a structured example: `female: 0 → 1; P(Yes) 0.48 → 0.53 (label No → Yes)`.
    fn example(
        &self,
        row: usize,
        id: Option<&str>,
        original: &Probabilities,
        c: &Counterfactual,
        distance: bool,
    ) -> Example {
        let edits = c
            .changes
            .iter()
            .map(|change| {
                let mut edit = ExampleEdit::new(
                    change.name,
                    crate::search::show_value(&change.from),
                    crate::search::show_value(&change.to),
                );
                edit.flips_at = change
                    .threshold
                    .filter(|&t| show_number(t) != crate::search::show_value(&change.to));
                edit
            })
            .collect();
        let class = self
            .search
            .target()
            .map_or_else(|| c.prediction.label().to_string(), str::to_string);
        let mut example = Example::edited(row, id, edits);
        if let (Some(before), Some(after)) = (original.of(&class), c.prediction.of(&class)) {
            example = example.with_score(ScoreChange {
                name: format!("P({class})"),
                before,
                after,
                label_before: Some(original.label().to_string()),
                label_after: Some(c.prediction.label().to_string()),
            });
        }
        if distance {
            example.with_remark(format!("distance {}", show_number(c.distance)))
        } else {
            example
        }
    }
}

/// The nearest of a row's flips: its smallest flip and each single-feature flip.
fn nearest<'a>(
    flip: Option<&'a Counterfactual>,
    singles: &'a [Counterfactual],
) -> Option<&'a Counterfactual> {
    flip.into_iter()
        .chain(singles)
        .min_by(|a, b| a.distance.total_cmp(&b.distance))
}

/// How far the flipping rows' nearest flips lie (normalised distance: a number's change over
/// its range's width, 1 for a changed category), in ten equal bins from 0 to the farthest;
/// `None` when nothing flipped.
fn distance_histogram(report: &FlipReport) -> Option<Table> {
    let distances: Vec<f64> = report
        .rows
        .iter()
        .filter_map(|row| nearest(row.flip.as_ref(), &row.single_feature))
        .map(|c| c.distance)
        .filter(|d| d.is_finite())
        .collect();
    let far = distances.iter().copied().fold(0.0, f64::max);
    if distances.is_empty() || far <= 0.0 {
        return None;
    }
    const BINS: usize = 10;
    let mut counts = [0u64; BINS];
    for d in &distances {
        counts[((d / far * BINS as f64) as usize).min(BINS - 1)] += 1;
    }
    let mut table = Table::new(
        "distance to the nearest flip",
        [
            Column::number("from", Unit::Distance),
            Column::number("to", Unit::Distance),
            Column::number("rows", Unit::Count),
        ],
    );
    for (i, &count) in counts.iter().enumerate() {
        let edge = |k: usize| far * k as f64 / BINS as f64;
        table
            .push([edge(i).into(), edge(i + 1).into(), count.into()])
            .expect("three cells for three columns");
    }
    Some(table.with_plot(Plot::Histogram {
        lo: "from".into(),
        hi: "to".into(),
        count: "rows".into(),
        reference: None,
    }))
}

fn rate_evidence(
    rate: f64,
    interval: Interval,
    n: u64,
    threshold: f64,
    rows_needed: Option<u64>,
) -> Evidence {
    Evidence {
        estimate: Some(rate),
        interval: Some(interval),
        n,
        threshold: Some(threshold),
        rows_needed,
        ..Evidence::new(Unit::Proportion, Method::wilson())
    }
}
