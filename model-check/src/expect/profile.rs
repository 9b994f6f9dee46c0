//! Data unit tests on values: ranges, allowed levels, uniqueness, row counts, label balance,
//! and all of a [`Profile`]'s at once.
//!
//! Each needs no model ([`check_data`](super::check_data)) and reports what it measured even
//! when it passes. A share of rows that may be at most 0 is decided exactly, the rows being a
//! census; a positive tolerance treats them as a sample and decides on the Wilson 95%
//! interval, as [`missing_rate`](super::missing_rate) does.

use std::collections::{BTreeSet, HashMap};
use std::marker::PhantomData;
use std::sync::Arc;

use super::metric::{Direction, Domain, Rule, check_threshold, decide, setting_error};
use super::rows::{Key, share_finding, value_key};
use super::{Context, Example, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::data::{Feature, FeatureSpec, Features, Value};
use crate::metrics::Proportion;
use crate::model::Model;
use crate::outcome::{Evidence, Finding, Unit, Verdict};
use crate::profile::{FeatureKind, LabelProfile, Profile};

/// What a [`ValueCheck`] flags.
#[derive(Debug, Clone, PartialEq)]
enum ValueRule {
    Range(f64, f64),
    Levels(BTreeSet<String>),
    Unique,
}

/// A check on one feature's values, built by [`in_range`], [`allowed_levels`] or
/// [`unique_values`]. By default no flagged row is allowed; [`at_most`](ValueCheck::at_most)
/// tolerates a share of them.
#[derive(Debug)]
pub struct ValueCheck<R> {
    feature: usize,
    name: &'static str,
    rule: ValueRule,
    max: f64,
    row: PhantomData<fn(&R)>,
}

impl<R> Clone for ValueCheck<R> {
    fn clone(&self) -> Self {
        ValueCheck {
            feature: self.feature,
            name: self.name,
            rule: self.rule.clone(),
            max: self.max,
            row: PhantomData,
        }
    }
}

impl<R> ValueCheck<R> {
    /// Tolerates at most this share of flagged rows, decided on its Wilson 95% interval.
    pub fn at_most(mut self, share: f64) -> Self {
        self.max = share;
        self
    }
}

/// Every value of a numeric `feature` lies in `[lo, hi]` (NaN lies nowhere; missing values
/// are not checked — expect them with [`missing_rate`](super::missing_rate)).
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { age: f64 }
///
/// let data = Dataset::unlabelled(vec![Row { age: 30.0 }, Row { age: -1.0 }, Row { age: 130.0 }])?;
/// let report = check_data(data).expect(in_range(Row::AGE, 0.0, 120.0)).run(1);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Fail);
/// assert_eq!(outcome.evidence.estimate, Some(2.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn in_range<R: Features, T>(feature: Feature<R, T>, lo: f64, hi: f64) -> ValueCheck<R> {
    value_check(feature, ValueRule::Range(lo, hi))
}

/// Every level of a categorical `feature` is one of `levels` (missing values are not
/// checked).
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { contract: String }
///
/// let row = |c: &str| Row { contract: c.into() };
/// let data = Dataset::unlabelled(vec![row("Monthly"), row("Yearly"), row("Weekly")])?;
/// let report = check_data(data)
///     .expect(allowed_levels(Row::CONTRACT, ["Monthly", "Yearly"]))
///     .run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// assert!(report.outcomes[0].examples[0].detail.contains("Weekly"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn allowed_levels<R: Features, T, I, S>(feature: Feature<R, T>, levels: I) -> ValueCheck<R>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    value_check(
        feature,
        ValueRule::Levels(levels.into_iter().map(Into::into).collect()),
    )
}

/// No two rows share a value of `feature` (values compared exactly, as
/// [`duplicate_rows`](super::duplicate_rows) compares rows; missing values are not checked).
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { account: u64 }
///
/// let data = Dataset::unlabelled(vec![Row { account: 7 }, Row { account: 8 }, Row { account: 7 }])?;
/// let report = check_data(data).expect(unique_values(Row::ACCOUNT)).run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// assert_eq!(report.outcomes[0].evidence.estimate, Some(1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn unique_values<R: Features, T>(feature: Feature<R, T>) -> ValueCheck<R> {
    value_check(feature, ValueRule::Unique)
}

fn value_check<R: Features, T>(feature: Feature<R, T>, rule: ValueRule) -> ValueCheck<R> {
    ValueCheck {
        feature: feature.index(),
        name: feature.name(),
        rule,
        max: 0.0,
        row: PhantomData,
    }
}

/// The flagged rows of a value check, with why each is flagged.
fn flag_values<R: Features>(
    rows: &[usize],
    data: &[R],
    feature: usize,
    rule: &ValueRule,
) -> Vec<(usize, String)> {
    let name = R::SCHEMA[feature].name();
    let mut flagged = Vec::new();
    let mut first: HashMap<Key, usize> = HashMap::new();
    for &r in rows {
        let value = data[r].value(feature);
        if matches!(value, Value::Missing) {
            continue;
        }
        let why = match (rule, &value) {
            (ValueRule::Range(lo, hi), Value::Number(x)) if !(lo <= x && x <= hi) => Some(format!(
                "`{name}` = {} is outside [{}, {}]",
                crate::fmt::number(*x),
                crate::fmt::number(*lo),
                crate::fmt::number(*hi)
            )),
            (ValueRule::Levels(levels), Value::Category(c)) if !levels.contains(c.as_ref()) => {
                Some(format!("`{name}` = {c:?} is not an allowed level"))
            }
            (ValueRule::Unique, _) => {
                let shown = value_text(&value);
                match first.get(&value_key(value)) {
                    Some(&earlier) => Some(format!("`{name}` = {shown} repeats row {earlier}")),
                    None => {
                        first.insert(value_key(data[r].value(feature)), r);
                        None
                    }
                }
            }
            _ => None,
        };
        if let Some(why) = why {
            flagged.push((r, why));
        }
    }
    flagged
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Number(x) => crate::fmt::number(*x),
        Value::Category(c) => format!("{c:?}"),
        Value::Missing => "missing".into(),
    }
}

/// The finding of a share of flagged rows, with examples and a note of the count.
fn flagged_finding<M: Model>(
    context: &Context<'_, M>,
    flagged: &[(usize, String)],
    max: f64,
    what: &str,
) -> Finding {
    let n = context.rows().len() as u64;
    let examples = flagged
        .iter()
        .take(context.max_examples())
        .map(|(r, why)| Example::row(*r, context.data().id(*r), why.clone()))
        .collect();
    let mut finding = share_finding(flagged.len() as u64, n, max).with_examples(examples);
    let count = format!("{} of {n} rows {what}", flagged.len());
    finding.note = Some(match finding.note.take() {
        Some(why) => format!("{why}. {count}"),
        None => count,
    });
    finding
}

fn check_feature_kind(spec: &FeatureSpec, rule: &ValueRule) -> Result<(), EvalError> {
    let wrong = match rule {
        ValueRule::Range(lo, hi) if lo.is_nan() || hi.is_nan() || lo > hi => Some(format!(
            "the range of `{}` is [{lo}, {hi}]: its low end must not be above its high end",
            spec.name()
        )),
        ValueRule::Range(..) if !spec.is_numeric() => Some(format!(
            "`{}` is categorical; a range is for numeric features (use allowed_levels)",
            spec.name()
        )),
        ValueRule::Levels(_) if !spec.is_categorical() => Some(format!(
            "`{}` is numeric; allowed levels are for categorical features (use in_range)",
            spec.name()
        )),
        _ => None,
    };
    wrong.map_or(Ok(()), |reason| Err(setting_error(reason)))
}

impl<M> Expectation<M> for ValueCheck<M::Input>
where
    M: Model,
    M::Input: Features,
{
    fn describe(&self) -> String {
        let what = match &self.rule {
            ValueRule::Range(lo, hi) => format!(
                "`{}` lies in [{}, {}]",
                self.name,
                crate::fmt::number(*lo),
                crate::fmt::number(*hi)
            ),
            ValueRule::Levels(levels) => format!(
                "`{}` takes only the levels {}",
                self.name,
                levels
                    .iter()
                    .map(|l| format!("{l:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ValueRule::Unique => format!("no two rows share a value of `{}`", self.name),
        };
        if self.max > 0.0 {
            format!(
                "{what}, but for at most {} of rows",
                crate::fmt::percent(self.max)
            )
        } else {
            what
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        check_threshold(self.max, Domain::UNIT, &"a share of rows")?;
        check_feature_kind(&M::Input::SCHEMA[self.feature], &self.rule)?;
        let flagged = flag_values(
            context.rows(),
            context.data().rows(),
            self.feature,
            &self.rule,
        );
        let what = match self.rule {
            ValueRule::Range(..) => "lie outside the range",
            ValueRule::Levels(_) => "have a level not allowed",
            ValueRule::Unique => "repeat an earlier row's value",
        };
        Ok(flagged_finding(context, &flagged, self.max, what).into())
    }
}

/// The number of rows checked, built by [`row_count`]; finished by
/// [`at_least`](RowCount::at_least) and/or [`at_most`](RowCount::at_most).
#[derive(Debug, Clone)]
pub struct RowCount {
    min: Option<u64>,
    max: Option<u64>,
}

/// How many rows the check has (cohort and sample applied) — a batch that arrived empty or
/// truncated fails. Decided exactly: the count is not an estimate.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { x: f64 }
///
/// let data = Dataset::unlabelled(vec![Row { x: 1.0 }; 40])?;
/// let report = check_data(data).expect(row_count().at_least(100)).run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// assert_eq!(report.outcomes[0].evidence.estimate, Some(40.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn row_count() -> RowCount {
    RowCount {
        min: None,
        max: None,
    }
}

impl RowCount {
    /// At least `n` rows.
    pub fn at_least(mut self, n: u64) -> Self {
        self.min = Some(n);
        self
    }

    /// At most `n` rows.
    pub fn at_most(mut self, n: u64) -> Self {
        self.max = Some(n);
        self
    }
}

impl<M: Model> Expectation<M> for RowCount {
    fn describe(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("between {lo} and {hi} rows"),
            (Some(lo), None) => format!("at least {lo} rows"),
            (None, Some(hi)) => format!("at most {hi} rows"),
            (None, None) => "the number of rows".into(),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        if self.min.is_none() && self.max.is_none() {
            return Err(setting_error(
                "a row count needs a bound: call .at_least(n) or .at_most(n)".into(),
            ));
        }
        let n = context.rows().len() as u64;
        let low = self.min.is_some_and(|lo| n < lo);
        let high = self.max.is_some_and(|hi| n > hi);
        let verdict = if low || high {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        let threshold = if high {
            self.max
        } else {
            self.min.or(self.max)
        };
        Ok(Finding::new(
            verdict,
            Evidence {
                estimate: Some(n as f64),
                n,
                threshold: threshold.map(|t| t as f64),
                ..Evidence::new(Unit::Count, Method::new("exact count"))
            },
        )
        .with_note(format!("{n} rows"))
        .into())
    }
}

/// The share of rows of one class, built by [`label_share`]; finished by
/// [`between`](LabelShare::between).
#[derive(Debug, Clone)]
pub struct LabelShare {
    class: String,
    band: Option<(f64, f64)>,
}

/// The share of the checked rows labelled `class`, which must lie in a band: `Pass` when its
/// Wilson 95% interval lies inside the band, `Fail` when it lies wholly outside,
/// `Inconclusive` otherwise.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { x: f64 }
///
/// // 100 of 1,000 rows churned, where a fifth to a third is usual.
/// let labels = (0..1000).map(|i| if i < 100 { "Yes" } else { "No" });
/// let data = Dataset::from_rows(vec![Row { x: 1.0 }; 1000], Labels::classes(labels)?)?;
/// let report = check_data(data).expect(label_share("Yes").between(0.2, 0.33)).run(1);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn label_share(class: impl Into<String>) -> LabelShare {
    LabelShare {
        class: class.into(),
        band: None,
    }
}

impl LabelShare {
    /// The share must lie in `[lo, hi]`.
    pub fn between(mut self, lo: f64, hi: f64) -> Self {
        self.band = Some((lo, hi));
        self
    }
}

impl<M: Model> Expectation<M> for LabelShare {
    fn describe(&self) -> String {
        match self.band {
            Some((lo, hi)) => format!(
                "the share of rows labelled {:?} lies in [{}, {}]",
                self.class,
                crate::fmt::percent(lo),
                crate::fmt::percent(hi)
            ),
            None => format!("the share of rows labelled {:?}", self.class),
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let Some((lo, hi)) = self.band else {
            return Err(setting_error(
                "a label share needs a band: call .between(lo, hi)".into(),
            ));
        };
        Ok(label_band(context, &self.class, lo, hi)?.into())
    }
}

fn label_band<M: Model>(
    context: &Context<'_, M>,
    class: &str,
    lo: f64,
    hi: f64,
) -> Result<Finding, EvalError> {
    let what = format_args!("the share of {class:?}");
    check_threshold(lo, Domain::UNIT, &what)?;
    check_threshold(hi, Domain::UNIT, &what)?;
    if lo > hi {
        return Err(setting_error(format!(
            "the band of {class:?} is [{lo}, {hi}]: its low end must not be above its high end"
        )));
    }
    let labels = context.data().labels();
    let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) else {
        return Err(setting_error(format!(
            "the share of {class:?} needs class labels; the dataset has none"
        )));
    };
    let Some(c) = names.iter().position(|n| n == class) else {
        return Err(setting_error(format!(
            "no class {class:?}: the classes are {}",
            names.join(", ")
        )));
    };
    let rows = context.rows();
    let count = rows.iter().filter(|&&r| index[r] as usize == c).count() as u64;
    let n = rows.len() as u64;
    let share = count as f64 / n.max(1) as f64;
    let interval = Proportion::new(count, n).wilson();
    let verdict = match interval {
        Some(ci) if lo <= ci.lo && ci.hi <= hi => Verdict::Pass,
        Some(ci) if ci.hi < lo || ci.lo > hi => Verdict::Fail,
        _ => Verdict::Inconclusive,
    };
    Ok(Finding::new(
        verdict,
        Evidence {
            estimate: Some(share),
            interval,
            n,
            threshold: Some(if share > hi { hi } else { lo }),
            ..Evidence::new(Unit::Proportion, Method::wilson())
        },
    )
    .with_note(format!(
        "{count} of {n} rows are labelled {class:?}; the band is [{}, {}]",
        crate::fmt::percent(lo),
        crate::fmt::percent(hi)
    )))
}

/// All of a [`Profile`]'s expectations at once, built by [`matches_profile`].
#[derive(Debug, Clone)]
pub struct MatchesProfile<R> {
    profile: Arc<Profile>,
    outside_range: f64,
    unseen_levels: f64,
    missing_slack: f64,
    label_slack: f64,
    row: PhantomData<fn(&R)>,
}

/// The checked rows match `profile` — the schema inferred from a reference
/// ([`ProfileFile::resolve`](crate::profile::ProfileFile::resolve)): one finding per feature
/// and aspect, each with what it measured.
///
/// - every feature of the row type is in the profile with the same kind and number type,
///   and every profiled feature is still a feature (a renamed or retyped field fails);
/// - numeric values lie in the profile's `[min, max]` but for at most 1% of rows
///   ([`outside_range`](MatchesProfile::outside_range));
/// - categorical levels are the profile's — no unseen level at all by default
///   ([`unseen_levels`](MatchesProfile::unseen_levels));
/// - an optional feature is missing in at most its profiled share plus 2 points
///   ([`missing_slack`](MatchesProfile::missing_slack)), on the Wilson interval;
/// - with class labels on both sides, each class's share lies within 5 points of its
///   profiled share ([`label_slack`](MatchesProfile::label_slack)).
///
/// ```
/// use model_check::prelude::*;
/// use model_check::profile::Profile;
///
/// #[derive(Features, Clone)]
/// struct Row { age: u32, city: String }
///
/// let row = |age, city: &str| Row { age, city: city.into() };
/// let reference = Dataset::unlabelled((0..100).map(|i| row(20 + i % 50, "Oslo")).collect())?;
/// let profile = Profile::infer(&reference);
/// let today = Dataset::unlabelled(vec![row(30, "Oslo"), row(41, "Bergen")])?;
/// let report = check_data(today).expect(matches_profile(&profile)).run(1);
/// let city = report.outcomes.iter().find(|o| o.subject.as_deref() == Some("city: levels")).unwrap();
/// assert_eq!(city.verdict, Verdict::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn matches_profile<R: Features>(profile: &Profile) -> MatchesProfile<R> {
    MatchesProfile {
        profile: Arc::new(profile.clone()),
        outside_range: 0.01,
        unseen_levels: 0.0,
        missing_slack: 0.02,
        label_slack: 0.05,
        row: PhantomData,
    }
}

impl<R> MatchesProfile<R> {
    /// The share of rows whose numeric value may lie outside the profile's range (1%).
    pub fn outside_range(mut self, share: f64) -> Self {
        self.outside_range = share;
        self
    }

    /// The share of rows whose level the profile never saw (0: none at all).
    pub fn unseen_levels(mut self, share: f64) -> Self {
        self.unseen_levels = share;
        self
    }

    /// How far above its profiled share a feature's missing share may be (0.02).
    pub fn missing_slack(mut self, points: f64) -> Self {
        self.missing_slack = points;
        self
    }

    /// How far from its profiled share a class's share may be (0.05).
    pub fn label_slack(mut self, points: f64) -> Self {
        self.label_slack = points;
        self
    }
}

impl<M> Expectation<M> for MatchesProfile<M::Input>
where
    M: Model,
    M::Input: Features,
{
    fn describe(&self) -> String {
        format!("the rows match the profile of `{}`", self.profile.dataset)
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        for (share, what) in [
            (self.outside_range, "the share outside a range"),
            (self.unseen_levels, "the share of unseen levels"),
            (self.missing_slack, "the missing slack"),
            (self.label_slack, "the label slack"),
        ] {
            check_threshold(share, Domain::UNIT, &what)?;
        }
        let schema = M::Input::SCHEMA;
        let mut findings: Vec<Finding> = Vec::new();
        let mismatch = |subject: String, note: String| {
            Finding::new(Verdict::Fail, Evidence::none())
                .with_subject(subject)
                .with_note(note)
        };
        for name in self.profile.features.iter().map(|f| &f.name) {
            if schema.index_of(name).is_none() {
                findings.push(mismatch(
                    format!("{name}: schema"),
                    format!("`{name}` is in the profile but is no longer a feature"),
                ));
            }
        }
        for (i, spec) in schema.iter().enumerate() {
            let name = spec.name();
            let Some(profiled) = self.profile.feature(name) else {
                findings.push(mismatch(
                    format!("{name}: schema"),
                    format!("`{name}` is not in the profile: infer the profile again"),
                ));
                continue;
            };
            let (kind, number) = crate::profile::FeatureKind::of_spec(spec);
            if (kind, number) != (profiled.kind, profiled.number) {
                findings.push(mismatch(
                    format!("{name}: schema"),
                    format!(
                        "`{name}` is {} in the profile, {} now",
                        kind_text(profiled.kind, profiled.number),
                        kind_text(kind, number)
                    ),
                ));
                continue;
            }
            let rule = match kind {
                FeatureKind::Numeric => match (profiled.min, profiled.max) {
                    (Some(lo), Some(hi)) => Some((ValueRule::Range(lo, hi), self.outside_range)),
                    _ => None,
                },
                FeatureKind::Categorical => profiled.levels.as_ref().map(|levels| {
                    (
                        ValueRule::Levels(levels.iter().cloned().collect()),
                        self.unseen_levels,
                    )
                }),
            };
            if let Some((rule, max)) = rule {
                let flagged = flag_values(context.rows(), context.data().rows(), i, &rule);
                let (aspect, what) = match rule {
                    ValueRule::Range(..) => ("range", "lie outside the profiled range"),
                    _ => ("levels", "have a level the profile never saw"),
                };
                findings.push(
                    flagged_finding(context, &flagged, max, what)
                        .with_subject(format!("{name}: {aspect}")),
                );
            }
            if spec.is_optional() {
                let max = (profiled.missing + self.missing_slack).min(1.0);
                let rows = context.rows();
                let missing = rows
                    .iter()
                    .filter(|&&r| matches!(context.data().rows()[r].value(i), Value::Missing))
                    .count() as u64;
                let n = rows.len() as u64;
                let finding = decide(
                    &Rule::new(Direction::AtMost, max),
                    missing as f64 / n.max(1) as f64,
                    Proportion::new(missing, n).wilson(),
                    n,
                    Method::wilson(),
                    true,
                    "rows",
                );
                let note = format!(
                    "{missing} of {n} rows miss `{name}`; the profile had {}",
                    crate::fmt::percent(profiled.missing)
                );
                findings.push(
                    finding
                        .with_subject(format!("{name}: missing"))
                        .with_note(note),
                );
            }
        }
        if let Some(LabelProfile::Classes { shares }) = &self.profile.labels
            && context.data().labels().class_names().is_some()
        {
            for (class, share) in shares {
                let (lo, hi) = (
                    (share - self.label_slack).max(0.0),
                    (share + self.label_slack).min(1.0),
                );
                let finding = match label_band(context, class, lo, hi) {
                    Ok(f) => f,
                    Err(e) => mismatch(format!("label {class}"), e.to_string()),
                };
                findings.push(finding.with_subject(format!("label {class}: share")));
            }
        }
        Findings::try_from(findings).map_err(|_| {
            setting_error(format!(
                "the profile of `{}` has no features to check",
                self.profile.dataset
            ))
        })
    }
}

fn kind_text(kind: FeatureKind, number: Option<crate::profile::NumberKind>) -> String {
    match number {
        Some(n) => format!("{kind} ({})", format!("{n:?}").to_lowercase()),
        None => kind.to_string(),
    }
}
