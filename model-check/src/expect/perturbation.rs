//! Invariance and directional expectations: what must (not) change when rows are perturbed.
//!
//! [`invariant`] states that variants of the selected rows — proposed by an
//! [`Augmenter`]: noise, a resampled category, a swapped protected attribute, a typo — keep
//! the model's prediction: the same label (the default), every class probability within ε
//! ([`within`](Invariant::within)), or one expected label
//! ([`expect_label`](Invariant::expect_label), CheckList's minimum-functionality tests).
//! [`directional`] states that a change may not raise (or lower) the probability of a class
//! ([`must_not_raise`](Directional::must_not_raise)): more tenure must not raise P(churn).
//!
//! How they run: the augmenter is [checked](Augmenter::check), fitted on the whole dataset
//! and checked again — a setting that cannot work is an error outcome naming it, before the
//! model is called — and proposes
//! [`multiplier`](Invariant::multiplier) variants of each selected row (or, for augmenters
//! that enumerate, every variant once); the originals come from the predict-once cache and
//! the variants are predicted in one batched pass. By default any failing variant fails the
//! expectation — it is a counterexample; with [`max_failure_rate`](Invariant::max_failure_rate)
//! the verdict is on the failure rate's Wilson 95% interval, like a metric threshold. The
//! rate counts rows — a row fails when any of its variants does — because the variants of
//! one row are not independent trials: counting them would make the interval too narrow.
//!
//! Failures are reported smallest first: each example is shrunk to the fewest edits that
//! still fail (greedy delta debugging: drop one edit at a time while the failure persists,
//! every step one batched model call, within a budget of model calls per example), and shows
//! the edits kept and both predictions.
//!
//! ```
//! use model_check::expect::{directional, invariant};
//! use model_check::perturb::{shift, swap_protected};
//! use model_check::prelude::*;
//!
//! #[derive(Features, Clone)]
//! struct Customer {
//!     #[features(range = 0..=72)]
//!     tenure: u32,
//!     monthly_charges: f64,
//!     #[features(protected)]
//!     female: bool,
//! }
//!
//! let rows: Vec<Customer> = (0..60)
//!     .map(|i| Customer { tenure: i, monthly_charges: 20.0 + i as f64, female: i % 2 == 0 })
//!     .collect();
//! let labels = Labels::classes(rows.iter().map(|c| if c.tenure < 12 { "Yes" } else { "No" }))?;
//! let data = std::sync::Arc::new(Dataset::from_rows(rows, labels)?);
//!
//! // Churn falls with tenure and ignores sex.
//! let model = || Classifier::from_fn(ModelInfo::new("logit", "1"), ["No", "Yes"], |b: &[Customer]| {
//!     Ok(b.iter().map(|c| {
//!         let p = 1.0 / (1.0 + (0.2 * (c.tenure as f64 - 12.0)).exp());
//!         vec![1.0 - p, p]
//!     }).collect())
//! });
//!
//! let fair = check(model()?, data.clone()).expect(invariant(swap_protected())).run(1);
//! assert_eq!(fair.outcomes[0].verdict, Verdict::Pass);
//!
//! let loyal = check(model()?, data.clone())
//!     .expect(directional(shift(Customer::TENURE, 12.0)).must_not_raise("Yes"))
//!     .run(1);
//! assert_eq!(loyal.outcomes[0].verdict, Verdict::Pass);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::metric::{Direction, Rule, class_index, setting_error, wilson_rows_needed};
use super::{
    Context, Evidence, Example, ExampleEdit, Expectation, Finding, Findings, Method, ScoreChange,
    Unit, Verdict,
};
use crate::cohort::EvalError;
use crate::data::seeded_rng;
use crate::metrics::{Interval, Proportion};
use crate::model::{Classes, Model, Probabilities};
use crate::perturb::{Augmenter, Edit, Editable, SettingError};

/// Variants proposed per row unless told otherwise.
pub const DEFAULT_MULTIPLIER: usize = 5;

/// Model calls each example may spend on shrinking unless told otherwise.
pub const DEFAULT_SHRINK_BUDGET: u64 = 32;

/// Settings shared by invariance and directional expectations.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Settings {
    multiplier: usize,
    max_failure_rate: Option<f64>,
    shrink_budget: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            multiplier: DEFAULT_MULTIPLIER,
            max_failure_rate: None,
            shrink_budget: DEFAULT_SHRINK_BUDGET,
        }
    }
}

impl Settings {
    fn check(&self) -> Result<(), EvalError> {
        if self.multiplier == 0 {
            return Err(setting_error(
                "multiplier must be at least 1 variant per row, got 0".into(),
            ));
        }
        if let Some(rate) = self.max_failure_rate {
            check_unit("max_failure_rate", rate)?;
        }
        Ok(())
    }

    /// `" (at most 5% of variants may fail)"`, or nothing.
    fn describe(&self) -> String {
        match self.max_failure_rate {
            Some(rate) => format!(" (at most {} of rows may fail)", crate::fmt::percent(rate)),
            None => String::new(),
        }
    }
}

/// Builder methods shared by [`Invariant`] and [`Directional`].
macro_rules! variant_settings {
    ($t:ident) => {
        impl<A> $t<A> {
            /// Proposes `k` variants of each row (default [`DEFAULT_MULTIPLIER`]). Ignored by
            /// augmenters that enumerate their variants ([`swap_protected`], [`shift`]), which
            /// test each variant once. `0` is an error.
            ///
            /// [`swap_protected`]: crate::perturb::swap_protected
            /// [`shift`]: crate::perturb::shift
            pub fn multiplier(mut self, k: usize) -> Self {
                self.settings.multiplier = k;
                self
            }

            /// Tolerates failing variants up to a rate: the verdict is `Pass` when the whole
            /// Wilson 95% interval of the failure rate is at most `rate`, `Fail` when the
            /// whole interval is above it, and otherwise `Inconclusive`, with the rows that
            /// would decide it. Without it (the default) any failing variant fails the
            /// expectation. A rate outside `[0, 1]` is an error; `0.0` can never pass (use
            /// the default to forbid every failure).
            ///
            /// ```
            /// use model_check::expect::{directional, invariant};
            /// use model_check::perturb::{noise, shift};
            /// use model_check::prelude::*;
            ///
            /// #[derive(Features, Clone)]
            /// struct Loan { income: f64, debt: f64 }
            ///
            /// // Ten noisy variants per row; up to 2% of them may change the label.
            /// let robust = invariant(noise::<Loan>(0.1)).multiplier(10).max_failure_rate(0.02);
            /// // Less debt lowers P(default) for at least 99% of rows.
            /// let monotone = directional(shift(Loan::DEBT, -1.0))
            ///     .must_not_raise("default")
            ///     .max_failure_rate(0.01);
            /// # let _ = (robust, monotone);
            /// ```
            pub fn max_failure_rate(mut self, rate: f64) -> Self {
                self.settings.max_failure_rate = Some(rate);
                self
            }

            /// The model calls each reported example may spend on shrinking (default
            /// [`DEFAULT_SHRINK_BUDGET`]; `0` reports failures unshrunk).
            pub fn shrink_budget(mut self, calls: u64) -> Self {
                self.settings.shrink_budget = calls;
                self
            }
        }
    };
}

/// What an invariant variant must keep.
#[derive(Debug, Clone, PartialEq)]
enum Keep {
    Label,
    Within(f64),
    Predicts(String),
}

/// Variants must keep the prediction; see [`invariant`].
#[derive(Debug, Clone)]
pub struct Invariant<A> {
    augmenter: A,
    keep: Keep,
    settings: Settings,
}

/// Variants of every selected row, proposed by `augmenter`, must keep the row's predicted
/// label; [`within`](Invariant::within) bounds the probability change instead, and
/// [`expect_label`](Invariant::expect_label) requires one label of every variant.
///
/// ```
/// use model_check::expect::invariant;
/// use model_check::perturb::noise;
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Loan { income: f64, debt: f64 }
///
/// let rows: Vec<Loan> = (0..40).map(|i| Loan { income: i as f64, debt: (i % 7) as f64 }).collect();
/// let labels = Labels::classes(rows.iter().map(|l| if l.income > 20.0 { "repaid" } else { "default" }))?;
/// let data = Dataset::from_rows(rows, labels)?;
/// // A model that reads income only, with a cut-off the noise can cross.
/// let model = Classifier::from_fn(ModelInfo::new("cutoff", "1"), ["default", "repaid"], |b: &[Loan]| {
///     Ok(b.iter().map(|l| if l.income > 20.0 { vec![0.1, 0.9] } else { vec![0.9, 0.1] }).collect())
/// })?;
///
/// let report = check(model, data).expect(invariant(noise(0.3))).run(7);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Fail);
/// // Each example is shrunk to the one edit that matters: income, never debt.
/// assert!(outcome.examples[0].detail.starts_with("income: "));
/// assert!(!outcome.examples[0].detail.contains("debt"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invariant<A>(augmenter: A) -> Invariant<A> {
    Invariant {
        augmenter,
        keep: Keep::Label,
        settings: Settings::default(),
    }
}

impl<A> Invariant<A> {
    /// Every class probability of a variant must be within `eps` of the original's (instead
    /// of keeping the label). `eps` outside `[0, 1]` is an error.
    ///
    /// ```
    /// use model_check::expect::invariant;
    /// use model_check::perturb::noise;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Loan { income: f64, debt: f64 }
    ///
    /// let steady = invariant(noise(0.05).on(Loan::INCOME)).within(0.02);
    /// # let _ = steady;
    /// ```
    pub fn within(mut self, eps: f64) -> Self {
        self.keep = Keep::Within(eps);
        self
    }

    /// Every variant must be predicted `label`, whatever the original's prediction
    /// (CheckList's minimum-functionality test). An unknown class is an error.
    ///
    /// ```
    /// use model_check::expect::invariant;
    /// use model_check::perturb::swap_protected;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Applicant { income: f64, #[features(protected)] female: bool }
    ///
    /// let approved = invariant(swap_protected::<Applicant>()).expect_label("approve");
    /// # let _ = approved;
    /// ```
    pub fn expect_label(mut self, label: impl Into<String>) -> Self {
        self.keep = Keep::Predicts(label.into());
        self
    }
}

variant_settings!(Invariant);

impl<M, A> Expectation<M> for Invariant<A>
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Editable,
    A: Augmenter<M::Input>,
{
    fn describe(&self) -> String {
        let under = self.augmenter.describe();
        let what = match &self.keep {
            Keep::Label => format!("predictions keep their label under {under}"),
            Keep::Within(eps) => {
                format!("class probabilities move by at most {eps} under {under}")
            }
            Keep::Predicts(label) => format!("every variant is predicted `{label}` under {under}"),
        };
        what + &self.settings.describe()
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        self.settings.check()?;
        if let Keep::Within(eps) = self.keep {
            check_unit("within", eps)?;
        }
        evaluate_variants(
            &self.augmenter,
            &self.settings,
            |classes, model| {
                Ok(match &self.keep {
                    Keep::Label => Judge::Label,
                    Keep::Within(eps) => Judge::Within(*eps),
                    Keep::Predicts(label) => Judge::Predicts(class_index(classes, label, model)?),
                })
            },
            context,
        )
        .map(Findings::from)
    }
}

/// Which way a directional expectation forbids (or requires) the probability to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sense {
    /// It may not rise.
    Raise,
    /// It may not fall.
    Lower,
    /// It must rise.
    MustRaise,
    /// It must fall.
    MustLower,
}

/// Variants may not move a class probability one way; see [`directional`].
#[derive(Debug, Clone)]
pub struct Directional<A> {
    augmenter: A,
    class: Option<(Sense, String)>,
    tolerance: f64,
    min_change: f64,
    settings: Settings,
}

/// A directional expectation (CheckList's DIR, monotonicity): the variants `augmenter`
/// proposes may not raise ([`must_not_raise`](Directional::must_not_raise)) or lower
/// ([`must_not_lower`](Directional::must_not_lower)) a class's probability by more than the
/// [`tolerance`](Directional::tolerance) (default 0). Naming the class is required.
///
/// ```
/// use model_check::expect::directional;
/// use model_check::perturb::shift;
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Customer { tenure: f64 }
///
/// let rows: Vec<Customer> = (0..30).map(|i| Customer { tenure: 2.0 * i as f64 }).collect();
/// let labels = Labels::classes(rows.iter().map(|c| if c.tenure < 12.0 { "Yes" } else { "No" }))?;
/// let data = std::sync::Arc::new(Dataset::from_rows(rows, labels)?);
/// let churn = |slope: f64| Classifier::from_fn(ModelInfo::new("logit", slope.to_string()), ["No", "Yes"], move |b: &[Customer]| {
///     Ok(b.iter().map(|c| {
///         let p = 1.0 / (1.0 + (-slope * (c.tenure - 12.0)).exp());
///         vec![1.0 - p, p]
///     }).collect())
/// });
/// let more_tenure = || directional(shift(Customer::TENURE, 12.0)).must_not_raise("Yes");
///
/// let decreasing = check(churn(-0.1)?, data.clone()).expect(more_tenure()).run(3);
/// assert_eq!(decreasing.outcomes[0].verdict, Verdict::Pass);
/// let increasing = check(churn(0.1)?, data.clone()).expect(more_tenure()).run(3);
/// assert_eq!(increasing.outcomes[0].verdict, Verdict::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn directional<A>(augmenter: A) -> Directional<A> {
    Directional {
        augmenter,
        class: None,
        tolerance: 0.0,
        min_change: 0.0,
        settings: Settings::default(),
    }
}

impl<A> Directional<A> {
    /// A variant may not raise P(`class`) above the original's by more than the tolerance.
    pub fn must_not_raise(mut self, class: impl Into<String>) -> Self {
        self.class = Some((Sense::Raise, class.into()));
        self
    }

    /// A variant may not lower P(`class`) below the original's by more than the tolerance.
    pub fn must_not_lower(mut self, class: impl Into<String>) -> Self {
        self.class = Some((Sense::Lower, class.into()));
        self
    }

    /// A variant must raise P(`class`): by at least [`by`](Directional::by) (default: by
    /// anything at all). A model that ignores the change — "very", "not", twelve more months
    /// — fails, where `must_not_lower` would let it pass. Decided like every variant
    /// expectation: any counterexample fails, or
    /// [`max_failure_rate`](Directional::max_failure_rate) decides on the Wilson interval of
    /// the share of rows that do not move as required.
    ///
    /// ```
    /// use model_check::expect::directional;
    /// use model_check::perturb::shift;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Customer { tenure: f64 }
    ///
    /// // Twelve more months must lower P(Yes) by at least 0.02 for most customers.
    /// let loyalty_pays = directional(shift(Customer::TENURE, 12.0)).must_lower("Yes").by(0.02).max_failure_rate(0.1);
    /// # let _ = loyalty_pays;
    /// ```
    pub fn must_raise(mut self, class: impl Into<String>) -> Self {
        self.class = Some((Sense::MustRaise, class.into()));
        self
    }

    /// A variant must lower P(`class`): by at least [`by`](Directional::by) (default: by
    /// anything at all). See [`must_raise`](Directional::must_raise).
    pub fn must_lower(mut self, class: impl Into<String>) -> Self {
        self.class = Some((Sense::MustLower, class.into()));
        self
    }

    /// For [`must_raise`](Directional::must_raise) and
    /// [`must_lower`](Directional::must_lower): the least change that counts (in `[0, 1]`).
    pub fn by(mut self, delta: f64) -> Self {
        self.min_change = delta;
        self
    }

    /// How far the probability may move the forbidden way (default 0); outside `[0, 1]` is
    /// an error.
    ///
    /// ```
    /// use model_check::expect::directional;
    /// use model_check::perturb::shift;
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Customer { tenure: f64 }
    ///
    /// // Twelve more months must not lower P(No) — allowing a 0.01 wobble.
    /// let loyal = directional(shift(Customer::TENURE, 12.0)).must_not_lower("No").tolerance(0.01);
    /// # let _ = loyal;
    /// ```
    pub fn tolerance(mut self, eps: f64) -> Self {
        self.tolerance = eps;
        self
    }
}

variant_settings!(Directional);

impl<M, A> Expectation<M> for Directional<A>
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Editable,
    A: Augmenter<M::Input>,
{
    fn describe(&self) -> String {
        let under = self.augmenter.describe();
        let by = if self.tolerance == 0.0 {
            String::new()
        } else {
            format!(" by more than {}", self.tolerance)
        };
        let at_least = if self.min_change == 0.0 {
            String::new()
        } else {
            format!(" by at least {}", crate::fmt::exact(self.min_change))
        };
        let what = match &self.class {
            Some((Sense::Raise, class)) => format!("P({class}) does not rise{by} under {under}"),
            Some((Sense::Lower, class)) => format!("P({class}) does not fall{by} under {under}"),
            Some((Sense::MustRaise, class)) => format!("P({class}) rises{at_least} under {under}"),
            Some((Sense::MustLower, class)) => format!("P({class}) falls{at_least} under {under}"),
            None => format!("a class probability does not move one way under {under}"),
        };
        what + &self.settings.describe()
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        self.settings.check()?;
        check_unit("tolerance", self.tolerance)?;
        check_unit("by", self.min_change)?;
        let Some((sense, class)) = &self.class else {
            return Err(setting_error(
                "a directional expectation needs a class: add .must_not_raise(class), .must_not_lower(class), .must_raise(class) or .must_lower(class)".into(),
            ));
        };
        evaluate_variants(
            &self.augmenter,
            &self.settings,
            |classes, model| {
                let class = class_index(classes, class, model)?;
                Ok(match sense {
                    Sense::Raise => Judge::NotRaise(class, self.tolerance),
                    Sense::Lower => Judge::NotLower(class, self.tolerance),
                    Sense::MustRaise => Judge::MustMove(class, 1.0, self.min_change),
                    Sense::MustLower => Judge::MustMove(class, -1.0, self.min_change),
                })
            },
            context,
        )
        .map(Findings::from)
    }
}

/// The rule a variant's prediction is held to, with classes resolved to indices.
#[derive(Debug, Clone, Copy)]
enum Judge {
    Label,
    Within(f64),
    Predicts(usize),
    NotRaise(usize, f64),
    NotLower(usize, f64),
    /// The class's probability must move in the direction of the sign by at least the
    /// change (by anything at all when it is 0).
    MustMove(usize, f64, f64),
}

/// A variant's prediction judged against its original's.
#[derive(Debug, Clone, Copy)]
struct Judged {
    fails: bool,
    /// How telling the change is: larger is worse.
    change: f64,
    /// The class whose probability the report shows.
    shown: usize,
}

impl Judge {
    fn judge(&self, original: &Probabilities, variant: &Probabilities) -> Judged {
        let (p, q) = (original.as_slice(), variant.as_slice());
        match *self {
            Judge::Label => {
                let kept = original.predicted();
                let fails = variant.predicted() != kept;
                // A binary model's report always shows the second ("positive") class, so
                // examples compare; otherwise the class the variant moved to.
                let shown = if p.len() == 2 {
                    1
                } else if fails {
                    variant.predicted()
                } else {
                    kept
                };
                Judged {
                    fails,
                    change: (q[kept] - p[kept]).abs(),
                    shown,
                }
            }
            Judge::Within(eps) => {
                let (shown, change) = p
                    .iter()
                    .zip(q)
                    .map(|(a, b)| (b - a).abs())
                    .enumerate()
                    .fold(
                        (0, 0.0),
                        |best, (i, d)| if d > best.1 { (i, d) } else { best },
                    );
                Judged {
                    fails: change > eps,
                    change,
                    shown,
                }
            }
            Judge::Predicts(class) => Judged {
                fails: variant.predicted() != class,
                change: variant.confidence() - q[class],
                shown: class,
            },
            Judge::NotRaise(class, tolerance) => {
                let change = q[class] - p[class];
                Judged {
                    fails: change > tolerance,
                    change,
                    shown: class,
                }
            }
            Judge::NotLower(class, tolerance) => {
                let change = p[class] - q[class];
                Judged {
                    fails: change > tolerance,
                    change,
                    shown: class,
                }
            }
            Judge::MustMove(class, sign, least) => {
                let moved = sign * (q[class] - p[class]);
                Judged {
                    fails: if least == 0.0 {
                        moved <= 0.0
                    } else {
                        moved < least
                    },
                    // The furthest from the required move is the most telling.
                    change: least - moved,
                    shown: class,
                }
            }
        }
    }
}

/// One variant: the position of its row among the selected rows, and its edits.
struct Variant {
    at: usize,
    edits: Vec<Edit>,
}

/// What shrinking the reported examples achieved.
#[derive(Debug, Default)]
struct ShrinkStats {
    examples: usize,
    edits_before: usize,
    edits_after: usize,
    model_calls: u64,
}

/// Proposes variants of the selected rows, predicts them in one pass, judges them, shrinks
/// the most telling failures and decides the verdict.
fn evaluate_variants<M, A>(
    augmenter: &A,
    settings: &Settings,
    resolve: impl FnOnce(&Classes, &str) -> Result<Judge, EvalError>,
    context: &mut Context<'_, M>,
) -> Result<Finding, EvalError>
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Editable,
    A: Augmenter<M::Input>,
{
    // The augmenter's settings, then what it learned from the data: a setting that cannot
    // work is an error before the model is asked anything.
    let setting = |e: SettingError| setting_error(e.to_string());
    augmenter.check().map_err(setting)?;
    let fitted = augmenter.fit_dataset(context.data());
    fitted.check().map_err(setting)?;

    let originals = context.predictions()?;
    let rows = context.rows().to_vec();
    let Some(first) = originals.first() else {
        return Ok(
            Finding::new(Verdict::Inconclusive, Evidence::none()).with_note("no rows are selected")
        );
    };
    let classes = first.classes().clone();
    let model = context.model().info().to_string();
    let judge = resolve(&classes, &model)?;

    // Propose every variant, drawing from one generator in row order: same seed, same
    // variants.
    let mut rng = seeded_rng(context.seed());
    let mut variants = Vec::new();
    let mut inputs = Vec::new();
    let mut bare_rows = 0;
    for (at, &r) in rows.iter().enumerate() {
        let row = &context.data().rows()[r];
        let proposals = fitted.enumerate(row).unwrap_or_else(|| {
            (0..settings.multiplier)
                .filter_map(|_| fitted.propose(row, &mut rng))
                .collect()
        });
        let before = variants.len();
        for edits in proposals.into_iter().filter(|e| !e.is_empty()) {
            inputs.push(row.apply(&edits));
            variants.push(Variant { at, edits });
        }
        if variants.len() == before {
            bare_rows += 1;
        }
    }
    if variants.is_empty() {
        return Ok(
            Finding::new(Verdict::Inconclusive, Evidence::none()).with_note(format!(
                "{} proposed no variant of any of the {} selected rows",
                fitted.describe(),
                rows.len()
            )),
        );
    }
    let outputs = context.predict(&inputs)?;
    drop(inputs);
    if let Some(odd) = outputs.iter().find(|p| !p.classes().same(&classes)) {
        return Err(setting_error(format!(
            "model `{model}` predicted classes ({}) for a variant but ({classes}) for the original rows",
            odd.classes()
        )));
    }
    let judged: Vec<Judged> = variants
        .iter()
        .zip(&outputs)
        .map(|(v, out)| judge.judge(&originals[v.at], out))
        .collect();

    // The most telling failures, largest change first, each shrunk.
    let mut failing: Vec<usize> = (0..variants.len()).filter(|&i| judged[i].fails).collect();
    let failures = failing.len() as u64;
    failing.sort_by(|&a, &b| {
        judged[b]
            .change
            .total_cmp(&judged[a].change)
            .then(a.cmp(&b))
    });
    let mut stats = ShrinkStats::default();
    let mut examples = Vec::new();
    // One example per row: a fragile row with many failing variants would otherwise fill
    // every slot.
    let mut shown_rows = Vec::new();
    let distinct = failing.iter().filter(|&&i| {
        let at = variants[i].at;
        if shown_rows.contains(&at) {
            false
        } else {
            shown_rows.push(at);
            true
        }
    });
    for &i in distinct.take(context.max_examples()).collect::<Vec<_>>() {
        let v = &variants[i];
        let r = rows[v.at];
        let row = context.data().rows()[r].clone();
        let original = &originals[v.at];
        let calls = context.model_calls();
        let (kept, output) = shrink(
            &row,
            v.edits.clone(),
            outputs[i].clone(),
            original,
            &judge,
            settings.shrink_budget,
            context,
        )?;
        stats.examples += 1;
        stats.edits_before += v.edits.len();
        stats.edits_after += kept.len();
        stats.model_calls += context.model_calls() - calls;
        examples.push(example(
            r,
            context.data().id(r),
            &row,
            &kept,
            v.edits.len(),
            original,
            &output,
            judge.judge(original, &output).shown,
        ));
    }

    // The rate counts rows, not variants: the variants of one row are not independent
    // trials, so counting them would make the interval too narrow. A row fails when any of
    // its variants fails.
    let rows_with = rows.len() - bare_rows;
    let mut failing_rows: Vec<usize> = failing.iter().map(|&i| variants[i].at).collect();
    failing_rows.sort_unstable();
    failing_rows.dedup();
    let n = rows_with as u64;
    let failed = failing_rows.len() as u64;
    let proportion = Proportion::new(failed, n);
    let rate = failed as f64 / n as f64;
    let interval = proportion
        .wilson()
        .unwrap_or(Interval { lo: rate, hi: rate });
    let (verdict, threshold, rows_needed, why) = match settings.max_failure_rate {
        None if failed > 0 => (
            Verdict::Fail,
            0.0,
            None,
            Some(
                "each failing variant is a counterexample (set max_failure_rate to tolerate a rate)"
                    .to_string(),
            ),
        ),
        None => (Verdict::Pass, 0.0, None, None),
        Some(max) if interval.hi <= max => (Verdict::Pass, max, None, None),
        Some(max) if interval.lo > max => (Verdict::Fail, max, None, None),
        Some(max) => {
            let rows_needed = wilson_rows_needed(rate, n, &Rule::new(Direction::AtMost, max));
            let why = match rows_needed {
                Some(r) => format!(
                    "the 95% interval straddles {}; about {r} rows would decide it if {} held",
                    crate::fmt::percent(max),
                    crate::fmt::percent(rate)
                ),
                None => "the failure rate equals the threshold; more rows cannot decide it".into(),
            };
            (Verdict::Inconclusive, max, rows_needed, Some(why))
        }
    };

    let mut note = format!(
        "{failed} of {rows_with} rows fail (a row fails when any of its variants does): {failures} of {} variants",
        variants.len()
    );
    if bare_rows > 0 {
        note += &format!("; {bare_rows} rows with no applicable variant");
    }
    if stats.examples > 0 {
        let per = |edits: usize| edits as f64 / stats.examples as f64;
        note += &format!(
            "; shrinking: {} examples from {:.2} to {:.2} edits on average ({:.2} removed), {} model calls",
            stats.examples,
            per(stats.edits_before),
            per(stats.edits_after),
            per(stats.edits_before - stats.edits_after),
            stats.model_calls
        );
    }
    if let Some(why) = why {
        note = format!("{why}. {note}");
    }
    let evidence = Evidence {
        estimate: Some(rate),
        interval: Some(interval),
        n,
        threshold: Some(threshold),
        rows_needed,
        ..Evidence::new(Unit::Proportion, Method::wilson())
    };
    Ok(Finding::new(verdict, evidence)
        .with_examples(examples)
        .with_note(note))
}

/// Splits a variant's edits into the units shrinking may drop: an edit that deletes a token
/// (an empty replacement) belongs to the edit of the token before it — a contraction
/// ("do" → "don't" with "not" → "") or a multi-word replacement ("San" → "Santa Clara" with
/// "Diego" → "") is only a valid variant whole.
fn units(mut edits: Vec<Edit>) -> Vec<Vec<Edit>> {
    edits.sort_by_key(|e| e.position);
    let mut units: Vec<Vec<Edit>> = Vec::new();
    for edit in edits {
        let deletes = edit.after.as_category() == Some("");
        match units.last_mut() {
            Some(unit)
                if deletes
                    && unit
                        .last()
                        .is_some_and(|last| last.position + 1 == edit.position) =>
            {
                unit.push(edit)
            }
            _ => units.push(vec![edit]),
        }
    }
    units
}

/// Greedy delta debugging: drops one unit of edits at a time (see [`units`]) while the
/// variant still fails (trying every single removal in one batched call, keeping the one that
/// fails worst), until no removal fails or `budget` model calls are spent. Returns the kept
/// edits and their prediction.
fn shrink<M>(
    row: &M::Input,
    edits: Vec<Edit>,
    mut output: Probabilities,
    original: &Probabilities,
    judge: &Judge,
    budget: u64,
    context: &mut Context<'_, M>,
) -> Result<(Vec<Edit>, Probabilities), EvalError>
where
    M: Model<Output = Probabilities> + 'static,
    M::Input: Editable,
{
    let mut kept = units(edits);
    let mut spent = 0;
    while kept.len() > 1 {
        let cost = kept.len().div_ceil(crate::model::batch_of(context.model())) as u64;
        if spent + cost > budget {
            break;
        }
        let mut candidates: Vec<Vec<Vec<Edit>>> = (0..kept.len())
            .map(|i| {
                let mut fewer = kept.clone();
                fewer.remove(i);
                fewer
            })
            .collect();
        let inputs: Vec<M::Input> = candidates.iter().map(|c| row.apply(&c.concat())).collect();
        let calls = context.model_calls();
        let outs = context.predict(&inputs)?;
        spent += context.model_calls() - calls;
        let best = outs
            .iter()
            .map(|out| judge.judge(original, out))
            .enumerate()
            .filter(|(_, j)| j.fails)
            .max_by(|(a, ja), (b, jb)| ja.change.total_cmp(&jb.change).then(b.cmp(a)));
        match best {
            Some((i, _)) => {
                kept = candidates.swap_remove(i);
                output = outs[i].clone();
            }
            None => break,
        }
    }
    Ok((kept.concat(), output))
}

/// `female: 0 → 1; P(Yes) 0.480 → 0.530 (label No → Yes)`.
/// A shrunk failing variant as a structured example: its edits, the score of the class the
/// judge looks at before and after, and how far shrinking went.
#[allow(clippy::too_many_arguments)]
fn example<R: Editable>(
    row_index: usize,
    id: Option<&str>,
    row: &R,
    kept: &[Edit],
    proposed: usize,
    original: &Probabilities,
    variant: &Probabilities,
    shown: usize,
) -> Example {
    let edits = kept
        .iter()
        .map(|e| ExampleEdit::new(row.edit_target(e), &e.before, &e.after))
        .collect();
    let score = ScoreChange {
        name: format!("P({})", original.classes().name(shown)),
        before: original.as_slice()[shown],
        after: variant.as_slice()[shown],
        label_before: Some(original.label().to_string()),
        label_after: Some(variant.label().to_string()),
    };
    let mut example = Example::variant(row_index, id, edits, score);
    if let Some(text) = row.apply(kept).as_text() {
        example = example.with_variant_text(text);
    }
    if kept.len() < proposed {
        example = example.with_remark(format!("shrunk from {proposed} edits"));
    }
    example
}

fn check_unit(setting: &str, value: f64) -> Result<(), EvalError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(setting_error(format!(
            "{setting}({value}) is outside [0, 1]"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probs(p_yes: f64) -> Probabilities {
        let classes = Classes::new(["No", "Yes"]).unwrap();
        Probabilities::new(&classes, vec![1.0 - p_yes, p_yes]).unwrap()
    }

    #[test]
    fn a_deletion_stays_with_the_edit_before_it() {
        use std::borrow::Cow;
        let edit = |position, after: &'static str| Edit {
            position,
            before: crate::data::Value::Category(Cow::Borrowed("x")),
            after: crate::data::Value::Category(Cow::Borrowed(after)),
        };
        let grouped = units(vec![edit(7, "graet"), edit(3, "don't"), edit(4, "")]);
        let positions: Vec<Vec<usize>> = grouped
            .iter()
            .map(|u| u.iter().map(|e| e.position).collect())
            .collect();
        assert_eq!(positions, [vec![3, 4], vec![7]]);
    }

    #[test]
    fn judges_compare_the_variant_with_its_original() {
        let (before, after) = (probs(0.48), probs(0.53));
        let label = Judge::Label.judge(&before, &after);
        assert!(label.fails && label.shown == 1);
        assert!((label.change - 0.05).abs() < 1e-12);
        assert!(!Judge::Within(0.06).judge(&before, &after).fails);
        assert!(Judge::Within(0.04).judge(&before, &after).fails);
        assert!(Judge::NotRaise(1, 0.0).judge(&before, &after).fails);
        assert!(!Judge::NotRaise(1, 0.1).judge(&before, &after).fails);
        assert!(!Judge::NotLower(1, 0.0).judge(&before, &after).fails);
        assert!(Judge::Predicts(0).judge(&before, &after).fails);
        assert!(!Judge::Predicts(1).judge(&before, &after).fails);
    }
}
