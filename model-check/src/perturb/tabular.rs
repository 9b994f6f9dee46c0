//! Tabular augmenters: variants of `#[derive(Features)]` rows that stay inside each
//! feature's domain.
//!
//! - [`noise`]: Gaussian noise on numeric features, scaled to each feature's spread;
//! - [`resample`]: another value of one feature, from its declared or observed levels;
//! - [`swap_protected`]: each protected feature (or [some](SwapProtected::only)) set to each
//!   of its other values;
//! - [`shift`]: a numeric feature moved by a fixed amount, for directional tests.
//!
//! Every value they propose is inside the feature's declared range (else the range observed
//! in the fitted rows), a declared or observed level, and a whole number for integer fields;
//! a missing value of an `Option` feature stays missing. They learn what they need (spreads,
//! ranges, levels) from the rows given to [`Augmenter::fit`]; the expectations
//! ([`invariant`](crate::expect::invariant), [`directional`](crate::expect::directional)) fit
//! them on the whole dataset before proposing variants of the selected rows.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use super::{Augmenter, Edit, SettingError};
use crate::data::{Feature, FeatureSpec, Features, Kind, NumberType, SeededRng, Value};

/// A numeric field type: the floats and integers, or `Option` of them. [`noise`] and
/// [`shift`] take handles on such fields only.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric feature type",
    note = "noise and shift change numbers (floats and integers); use `resample` or `swap_protected` for categories and booleans"
)]
pub trait Numeric {}

macro_rules! numeric {
    ($($t:ty),*) => {$(impl Numeric for $t {})*};
}
numeric!(f32, f64, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
impl<T: Numeric> Numeric for Option<T> {}

/// The inclusive bounds a numeric feature's variants stay in: the declared range, else the
/// range observed in `rows` (`None` when neither exists).
fn bounds<R: Features>(spec: &FeatureSpec, index: usize, rows: &[R]) -> Option<(f64, f64)> {
    spec.range().or_else(|| {
        rows.iter()
            .filter_map(|r| r.value(index).as_number())
            .fold(None, |acc, x| match acc {
                None => Some((x, x)),
                Some((lo, hi)) => Some((f64::min(lo, x), f64::max(hi, x))),
            })
    })
}

/// `x` clamped to `bounds` and, for an integer or boolean feature, rounded to a whole number
/// that stays inside them.
fn settle(spec: &FeatureSpec, x: f64, bounds: Option<(f64, f64)>) -> f64 {
    let mut x = match bounds {
        Some((lo, hi)) => x.clamp(lo, hi),
        None => x,
    };
    if let Kind::Numeric {
        number: NumberType::Integer | NumberType::Bool,
        ..
    } = spec.kind()
    {
        x = x.round();
        if let Some((lo, hi)) = bounds {
            if x > hi {
                x = hi.floor();
            }
            if x < lo {
                x = lo.ceil();
            }
        }
    }
    x
}

/// Whether `row` accepts `value` at `index` (an integer field refuses a negative number).
fn fits<R: Features + Clone>(row: &R, index: usize, value: &Value) -> bool {
    row.clone().set_value(index, value.clone()).is_ok()
}

/// `x` rounded to about three significant digits of `step`, so reports read `13.7`, not
/// `13.712894736`.
fn readable(x: f64, step: f64) -> f64 {
    if step <= 0.0 || !step.is_finite() {
        return x;
    }
    let decimals = 2 - step.log10().floor() as i32;
    if decimals > 0 {
        rounded(x, decimals.min(15) as usize)
    } else {
        let unit = 10f64.powi(-decimals);
        (x / unit).round() * unit
    }
}

/// `x` rounded to `decimals` decimals: the number `format!("{x:.decimals$}")` reads back as,
/// bit for bit, without formatting in the common case. With `m` the nearest integer to
/// `x·10^d`, `m / 10^d` is one correctly rounded division of two exact numbers, so it is
/// the double nearest the decimal `m·10^-d` — what parsing the formatted digits gives, as
/// long as `m` is the formatted digits. It is unless `x·10^d` lies next to a half (where the
/// product's rounding could pick the other neighbour) or beyond 2^32; those are formatted.
fn rounded(x: f64, decimals: usize) -> f64 {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let scale = POWERS[decimals];
    let scaled = x * scale;
    let fraction = (scaled - scaled.trunc()).abs();
    // Below 2^32 the product is within 2^-21 < 1e-6 of `x·10^d`, so a fraction more than
    // 1e-6 from a half rounds the same way in both.
    if scaled.abs() < 4_294_967_296.0 && (fraction - 0.5).abs() > 1e-6 {
        return scaled.round() / scale;
    }
    // Formatted into a buffer on the stack: the same digits as `format!`, no allocation.
    use std::io::Write;
    let mut buffer = [0u8; 400];
    let mut cursor = &mut buffer[..];
    let written = match write!(cursor, "{x:.decimals$}") {
        Ok(()) => 400 - cursor.len(),
        Err(_) => return x,
    };
    std::str::from_utf8(&buffer[..written])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(x)
}

/// The distinct values of feature `index` in `rows`, sorted (levels by name, numbers by
/// value); missing values are left out.
fn observed<R: Features>(index: usize, rows: &[R]) -> Vec<Value> {
    // Levels are collected borrowed where the row type lends them: one copy per level, not
    // per row.
    let mut borrowed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut levels: Vec<String> = Vec::new();
    let mut numbers: Vec<f64> = Vec::new();
    for row in rows {
        match row.category(index) {
            Some(Some(level)) => {
                borrowed.insert(level);
            }
            Some(None) => {}
            None => match row.value(index) {
                Value::Category(level) => levels.push(level.into_owned()),
                Value::Number(x) => numbers.push(x),
                Value::Missing => {}
            },
        }
    }
    levels.extend(borrowed.into_iter().map(str::to_string));
    levels.sort_unstable();
    levels.dedup();
    numbers.sort_unstable_by(f64::total_cmp);
    numbers.dedup();
    levels
        .into_iter()
        .map(|l| Value::Category(Cow::Owned(l)))
        .chain(numbers.into_iter().map(Value::Number))
        .collect()
}

/// The values feature `index` can take: the declared levels, `0` and `1` for a boolean, else
/// the values observed in `rows`.
fn domain<R: Features>(spec: &FeatureSpec, index: usize, rows: &[R]) -> Vec<Value> {
    match spec.kind() {
        Kind::Categorical { levels } if !levels.is_empty() => levels
            .iter()
            .map(|l| Value::Category(Cow::Borrowed(*l)))
            .collect(),
        Kind::Numeric {
            number: NumberType::Bool,
            ..
        } => vec![Value::Number(0.0), Value::Number(1.0)],
        _ => observed(index, rows),
    }
}

fn names<R: Features>(indices: impl IntoIterator<Item = usize>) -> String {
    let schema = R::SCHEMA;
    let names: Vec<&str> = indices.into_iter().map(|i| schema[i].name()).collect();
    if names.is_empty() {
        "no feature".into()
    } else {
        names.join(", ")
    }
}

/// The sample standard deviation of `xs` (0 for fewer than two values; NaN when a value is
/// not finite). It is computed on the values divided by a power of two near the largest, so
/// that values whose squares overflow an `f64` (±1e308) still get their spread — the same
/// number, bit for bit, as the plain formula wherever that does not overflow.
fn sample_sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    if xs.iter().any(|x| !x.is_finite()) {
        return f64::NAN;
    }
    let largest = xs.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if largest == 0.0 {
        return 0.0;
    }
    // 2^k ≤ largest, k in 0..=1023: dividing by it is exact and leaves every value below 2.
    let unit = 2f64.powi((largest.log2().floor() as i32).clamp(0, 1023));
    let n = xs.len() as f64;
    let mean = xs.iter().map(|x| x / unit).sum::<f64>() / n;
    let ss: f64 = xs.iter().map(|x| (x / unit - mean).powi(2)).sum();
    (ss / (n - 1.0)).sqrt() * unit
}

/// What a fitted [`Noise`] knows about one feature.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Spread {
    index: usize,
    /// The sample standard deviation in the fitted rows.
    sd: f64,
    bounds: Option<(f64, f64)>,
}

impl Spread {
    /// Feature `index`'s spread in `rows`, and its declared range, else the observed one.
    fn of<R: Features>(index: usize, rows: &[R]) -> Spread {
        let xs: Vec<f64> = rows
            .iter()
            .filter_map(|r| r.value(index).as_number())
            .collect();
        let observed = xs.iter().fold(None, |acc, &x| match acc {
            None => Some((x, x)),
            Some((lo, hi)) => Some((f64::min(lo, x), f64::max(hi, x))),
        });
        Spread {
            index,
            sd: sample_sd(&xs),
            bounds: R::SCHEMA[index].range().or(observed),
        }
    }
}

/// Gaussian noise on numeric features; see [`noise`].
pub struct Noise<R> {
    scale: f64,
    chosen: Vec<usize>,
    fitted: Vec<Spread>,
    _row: PhantomData<fn(&R)>,
}

/// Gaussian noise on numeric features, scaled to each feature's spread: a variant adds to
/// every chosen feature a draw from `N(0, (scale × sd)²)`, where `sd` is the feature's
/// standard deviation in the fitted rows.
///
/// By default the noise goes on every numeric feature that is neither protected nor boolean;
/// [`on`](Noise::on) chooses features. Each variant changes every chosen feature (so a
/// failure can be shrunk to the changes that matter). Values are clamped to the declared
/// range, else to the range observed in the fitted rows; integer features are rounded; noisy
/// floats are rounded to three significant digits of the noise; a feature that does not vary
/// in the fitted rows, and a missing value, are left alone.
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming the setting, when `scale` is negative or not
/// finite, and once fitted when the noise on a feature is wider than an `f64` holds (values
/// near ±1.8e308, or a huge scale): such a feature is refused, not skipped. (Values whose
/// squares overflow, such as ±1e308, are noised like any other.)
///
/// ```
/// use model_check::perturb::{Augmenter, noise};
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Customer {
///     #[features(range = 0..=72)]
///     tenure: u32,
///     monthly_charges: f64,
/// }
///
/// let rows: Vec<Customer> = (0..50)
///     .map(|i| Customer { tenure: i, monthly_charges: 20.0 + i as f64 })
///     .collect();
/// let augmenter = noise(0.5).on(Customer::TENURE).fit(&rows);
/// let mut rng = model_check::data::seeded_rng(7);
/// let edits = augmenter.propose(&rows[25], &mut rng).unwrap();
/// assert_eq!(edits.len(), 1);
/// assert_eq!(edits[0].position, Customer::TENURE.index());
/// let tenure = edits[0].after.as_number().unwrap();
/// assert!(tenure.fract() == 0.0 && (0.0..=72.0).contains(&tenure));
/// ```
pub fn noise<R: Features>(scale: f64) -> Noise<R> {
    Noise {
        scale,
        chosen: Vec::new(),
        fitted: Vec::new(),
        _row: PhantomData,
    }
}

impl<R: Features> Noise<R> {
    /// Puts the noise on `feature` (call again for more features) instead of on every
    /// numeric, non-protected feature.
    ///
    /// ```
    /// use model_check::perturb::{Augmenter, noise};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Customer { tenure: f64, monthly_charges: f64, total_charges: f64 }
    ///
    /// let n = noise(0.1).on(Customer::TENURE).on(Customer::TOTAL_CHARGES);
    /// assert_eq!(n.describe(), "Gaussian noise (0.1 × sd) on tenure, total_charges");
    /// ```
    pub fn on<T: Numeric>(mut self, feature: Feature<R, T>) -> Self {
        if !self.chosen.contains(&feature.index()) {
            self.chosen.push(feature.index());
        }
        self
    }

    /// The features the noise goes on.
    fn targets(&self) -> Vec<usize> {
        let schema = R::SCHEMA;
        if self.chosen.is_empty() {
            schema
                .iter()
                .enumerate()
                .filter(|(_, spec)| {
                    matches!(
                        spec.kind(),
                        Kind::Numeric {
                            number: NumberType::Float | NumberType::Integer,
                            ..
                        }
                    ) && !spec.is_protected()
                })
                .map(|(i, _)| i)
                .collect()
        } else {
            self.chosen
                .iter()
                .copied()
                .filter(|&i| schema[i].is_numeric())
                .collect()
        }
    }
}

impl<R> Clone for Noise<R> {
    fn clone(&self) -> Self {
        Noise {
            scale: self.scale,
            chosen: self.chosen.clone(),
            fitted: self.fitted.clone(),
            _row: PhantomData,
        }
    }
}

impl<R: Features> fmt::Debug for Noise<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Noise")
            .field("scale", &self.scale)
            .field("features", &names::<R>(self.targets()))
            .field("fitted", &self.fitted)
            .finish()
    }
}

impl<R: Features + Clone> Augmenter<R> for Noise<R> {
    fn describe(&self) -> String {
        format!(
            "Gaussian noise ({} × sd) on {}",
            self.scale,
            names::<R>(self.targets())
        )
    }

    fn fit(&self, rows: &[R]) -> Self {
        Noise {
            fitted: self
                .targets()
                .into_iter()
                .map(|index| Spread::of(index, rows))
                .collect(),
            ..self.clone()
        }
    }

    fn fit_dataset(&self, data: &crate::data::Dataset<R>) -> Self {
        let spread = |index: usize| {
            let kept: Result<_, std::convert::Infallible> = data
                .derived(&format!("spread {index}"), || {
                    Ok(Spread::of(index, data.rows()))
                });
            match kept {
                Ok(spread) => *spread,
            }
        };
        Noise {
            fitted: self.targets().into_iter().map(spread).collect(),
            ..self.clone()
        }
    }

    fn check(&self) -> Result<(), SettingError> {
        let scale = self.scale;
        if !(scale.is_finite() && scale >= 0.0) {
            return Err(SettingError::new(
                "noise(scale)",
                format!("must be a finite number of standard deviations, at least 0, got {scale}"),
            ));
        }
        for spread in &self.fitted {
            if !(scale * spread.sd).is_finite() {
                let name = R::SCHEMA[spread.index].name();
                return Err(SettingError::new(
                    format!("noise({scale}) on `{name}`"),
                    format!(
                        "the noise's standard deviation ({scale} × sd, sd = {:.3e} in the fitted rows) is not a finite number; use a smaller scale, or rescale `{name}`",
                        spread.sd
                    ),
                ));
            }
        }
        Ok(())
    }

    fn propose(&self, row: &R, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let schema = R::SCHEMA;
        let mut edits = Vec::new();
        // The row the edits are tried on, copied once (not once per edit).
        let mut probe: Option<R> = None;
        for spread in &self.fitted {
            let step = self.scale * spread.sd;
            // A step that is negative, NaN or infinite fails `check`: nothing to propose.
            if !(step.is_finite() && step >= 0.0) {
                continue;
            }
            let Ok(normal) = Normal::new(0.0, step) else {
                continue;
            };
            // Draw even for rows left alone, so one row's values do not shift the next's.
            let z = normal.sample(rng);
            let before = row.value(spread.index);
            let Value::Number(x) = before else {
                continue;
            };
            if step == 0.0 {
                continue;
            }
            let spec = &schema[spread.index];
            let after = settle(spec, readable(x + z, step), spread.bounds);
            let after = Value::Number(after);
            let fits = |probe: &mut Option<R>| {
                probe
                    .get_or_insert_with(|| row.clone())
                    .set_value(spread.index, after.clone())
                    .is_ok()
            };
            if after != before && fits(&mut probe) {
                edits.push(Edit {
                    position: spread.index,
                    before,
                    after,
                });
            }
        }
        (!edits.is_empty()).then_some(edits)
    }
}

/// Another value of one feature; see [`resample`].
pub struct Resample<R> {
    index: usize,
    values: Vec<Value>,
    _row: PhantomData<fn(&R)>,
}

/// Resamples one feature: a variant gives it a different value drawn uniformly from its
/// declared levels, else from the values observed in the fitted rows (levels of a `String`
/// feature, distinct numbers of a numeric one). A missing value stays missing.
///
/// ```
/// use model_check::perturb::{Augmenter, resample};
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Customer { contract: String, tenure: f64 }
///
/// let rows = vec![
///     Customer { contract: "Month-to-month".into(), tenure: 1.0 },
///     Customer { contract: "One year".into(), tenure: 20.0 },
///     Customer { contract: "Two year".into(), tenure: 50.0 },
/// ];
/// let augmenter = resample(Customer::CONTRACT).fit(&rows);
/// let mut rng = model_check::data::seeded_rng(1);
/// let edits = augmenter.propose(&rows[0], &mut rng).unwrap();
/// let level = edits[0].after.as_category().unwrap();
/// assert!(level == "One year" || level == "Two year");
/// ```
pub fn resample<R: Features, T>(feature: Feature<R, T>) -> Resample<R> {
    Resample {
        index: feature.index(),
        values: domain(feature.spec(), feature.index(), &[] as &[R]),
        _row: PhantomData,
    }
}

impl<R> Clone for Resample<R> {
    fn clone(&self) -> Self {
        Resample {
            index: self.index,
            values: self.values.clone(),
            _row: PhantomData,
        }
    }
}

impl<R: Features> fmt::Debug for Resample<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resample")
            .field("feature", &R::SCHEMA[self.index].name())
            .field("values", &self.values)
            .finish()
    }
}

impl<R: Features + Clone> Augmenter<R> for Resample<R> {
    fn describe(&self) -> String {
        format!("`{}` resampled", R::SCHEMA[self.index].name())
    }

    fn fit(&self, rows: &[R]) -> Self {
        Resample {
            index: self.index,
            values: domain(&R::SCHEMA[self.index], self.index, rows),
            _row: PhantomData,
        }
    }

    fn propose(&self, row: &R, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let before = row.value(self.index);
        if before == Value::Missing {
            return None;
        }
        let others: Vec<&Value> = self.values.iter().filter(|v| **v != before).collect();
        if others.is_empty() {
            return None;
        }
        let after = others[rng.random_range(0..others.len())].clone();
        fits(row, self.index, &after).then(|| {
            vec![Edit {
                position: self.index,
                before,
                after,
            }]
        })
    }
}

/// Every protected feature set to its other values; see [`swap_protected`].
pub struct SwapProtected<R> {
    /// Each protected feature with the values it can take.
    features: Vec<(usize, Vec<Value>)>,
    /// The features [`only`](SwapProtected::only) limits the swaps to, by index; empty for
    /// every protected feature.
    only: Vec<usize>,
    _row: PhantomData<fn(&R)>,
}

/// Swaps protected attributes: the variants of a row set each protected feature
/// (`#[features(protected)]`) to each of its other values, one feature at a time — the
/// other declared levels of a category, the other value of a boolean, the other values
/// observed in the fitted rows otherwise. The variants are enumerated, so every row is
/// tested against every alternative exactly once; a missing value stays missing.
///
/// When combined with another augmenter ([`Augmenter::then`]) it proposes instead: every
/// protected feature set to one of its other values, drawn at random.
///
/// [`only`](SwapProtected::only) limits the swaps to some protected features.
///
/// ```
/// use model_check::perturb::{Augmenter, Editable, swap_protected};
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Applicant {
///     income: f64,
///     #[features(protected)]
///     female: bool,
///     #[features(protected)]
///     region: String,
/// }
///
/// let rows = vec![
///     Applicant { income: 30.0, female: false, region: "north".into() },
///     Applicant { income: 60.0, female: true, region: "south".into() },
///     Applicant { income: 45.0, female: true, region: "west".into() },
/// ];
/// let augmenter = swap_protected().fit(&rows);
/// let variants = augmenter.enumerate(&rows[0]).unwrap();
/// // female 0 → 1, region north → south, region north → west
/// assert_eq!(variants.len(), 3);
/// assert!(variants.iter().all(|edits| edits.len() == 1));
/// assert_eq!(rows[0].describe_edit(&variants[0][0]), "female: 0 → 1");
/// ```
pub fn swap_protected<R: Features>() -> SwapProtected<R> {
    SwapProtected::fitted_on(&[], Vec::new())
}

impl<R: Features> SwapProtected<R> {
    fn fitted_on(rows: &[R], only: Vec<usize>) -> Self {
        SwapProtected {
            features: R::SCHEMA
                .iter()
                .enumerate()
                .filter(|(_, spec)| spec.is_protected())
                .map(|(i, spec)| (i, domain(spec, i, rows)))
                .collect(),
            only,
            _row: PhantomData,
        }
    }

    /// Swaps `feature` (call again for more features) instead of every protected feature:
    /// a fairness test about one attribute, or one attribute at a time. The feature must be
    /// protected (`#[features(protected)]`); another is a setting error when the augmenter
    /// is [checked](Augmenter::check) — use [`resample`] for features that are not.
    ///
    /// ```
    /// use model_check::perturb::{Augmenter, Editable, swap_protected};
    /// use model_check::prelude::*;
    ///
    /// #[derive(Features, Clone)]
    /// struct Applicant {
    ///     income: f64,
    ///     #[features(protected)]
    ///     female: bool,
    ///     #[features(protected)]
    ///     region: String,
    /// }
    ///
    /// let rows = vec![
    ///     Applicant { income: 30.0, female: false, region: "north".into() },
    ///     Applicant { income: 60.0, female: true, region: "south".into() },
    /// ];
    /// let sex = swap_protected().only(Applicant::FEMALE).fit(&rows);
    /// let variants = sex.enumerate(&rows[0]).unwrap();
    /// assert_eq!(variants.len(), 1); // the region stays
    /// assert_eq!(rows[0].describe_edit(&variants[0][0]), "female: 0 → 1");
    /// assert_eq!(sex.describe(), "the protected feature female set to each of its other values");
    ///
    /// let err = swap_protected().only(Applicant::INCOME).check().unwrap_err();
    /// assert_eq!(err.setting(), "swap_protected().only(income)");
    /// ```
    pub fn only<T>(mut self, feature: Feature<R, T>) -> Self {
        if !self.only.contains(&feature.index()) {
            self.only.push(feature.index());
        }
        self
    }

    /// The protected features swapped, with their values, in schema order.
    fn swapped(&self) -> impl Iterator<Item = &(usize, Vec<Value>)> {
        self.features
            .iter()
            .filter(|(i, _)| self.only.is_empty() || self.only.contains(i))
    }
}

impl<R> Clone for SwapProtected<R> {
    fn clone(&self) -> Self {
        SwapProtected {
            features: self.features.clone(),
            only: self.only.clone(),
            _row: PhantomData,
        }
    }
}

impl<R: Features> fmt::Debug for SwapProtected<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schema = R::SCHEMA;
        f.debug_map()
            .entries(
                self.swapped()
                    .map(|(i, values)| (schema[*i].name(), values)),
            )
            .finish()
    }
}

impl<R: Features + Clone> Augmenter<R> for SwapProtected<R> {
    fn describe(&self) -> String {
        let schema = R::SCHEMA;
        if !self.only.is_empty() {
            let mut named = self.only.clone();
            named.sort_unstable();
            let names: Vec<&str> = named.iter().map(|&i| schema[i].name()).collect();
            return match names.as_slice() {
                [one] => format!("the protected feature {one} set to each of its other values"),
                _ => format!(
                    "each of the protected features {} set to each of its other values",
                    names.join(", ")
                ),
            };
        }
        let protected: Vec<&str> = schema.protected().map(|f| f.name()).collect();
        if protected.is_empty() {
            "protected features swapped (none is declared: mark them #[features(protected)])".into()
        } else {
            format!(
                "each protected feature ({}) set to each of its other values",
                protected.join(", ")
            )
        }
    }

    fn fit(&self, rows: &[R]) -> Self {
        SwapProtected::fitted_on(rows, self.only.clone())
    }

    fn check(&self) -> Result<(), SettingError> {
        let schema = R::SCHEMA;
        match self.only.iter().find(|&&i| !schema[i].is_protected()) {
            Some(&i) => {
                let name = schema[i].name();
                Err(SettingError::new(
                    format!("swap_protected().only({name})"),
                    format!(
                        "`{name}` is not protected; mark it #[features(protected)], or use resample(..) for a feature that is not"
                    ),
                ))
            }
            None => Ok(()),
        }
    }

    fn propose(&self, row: &R, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let mut edits = Vec::new();
        for (index, values) in self.swapped() {
            let before = row.value(*index);
            if before == Value::Missing {
                continue;
            }
            let others: Vec<&Value> = values.iter().filter(|v| **v != before).collect();
            if others.is_empty() {
                continue;
            }
            let after = others[rng.random_range(0..others.len())].clone();
            if fits(row, *index, &after) {
                edits.push(Edit {
                    position: *index,
                    before,
                    after,
                });
            }
        }
        (!edits.is_empty()).then_some(edits)
    }

    fn enumerate(&self, row: &R) -> Option<Vec<Vec<Edit>>> {
        let mut variants = Vec::new();
        for (index, values) in self.swapped() {
            let before = row.value(*index);
            if before == Value::Missing {
                continue;
            }
            for after in values {
                if *after != before && fits(row, *index, after) {
                    variants.push(vec![Edit {
                        position: *index,
                        before: before.clone(),
                        after: after.clone(),
                    }]);
                }
            }
        }
        Some(variants)
    }
}

/// One numeric feature moved by a fixed amount; see [`shift`].
pub struct Shift<R> {
    index: usize,
    by: f64,
    bounds: Option<(f64, f64)>,
    _row: PhantomData<fn(&R)>,
}

/// Moves a numeric feature by `by` (negative to lower it): the one variant of a row, for
/// directional tests such as "more tenure must not raise P(churn)".
///
/// The new value is clamped to the declared range, else to the range observed in the fitted
/// rows, and rounded for an integer feature; a row already at the bound, or with the value
/// missing, has no variant.
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming the setting, when `by` is not finite.
///
/// ```
/// use model_check::perturb::{Augmenter, shift};
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Customer {
///     #[features(range = 0..=72)]
///     tenure: u32,
/// }
///
/// let rows = vec![Customer { tenure: 3 }, Customer { tenure: 66 }, Customer { tenure: 72 }];
/// let more = shift(Customer::TENURE, 12.0).fit(&rows);
/// let after = |row: &Customer| {
///     more.enumerate(row).unwrap().first().map(|edits| edits[0].after.clone())
/// };
/// assert_eq!(after(&rows[0]), Some(Value::Number(15.0)));
/// assert_eq!(after(&rows[1]), Some(Value::Number(72.0))); // clamped to the range
/// assert_eq!(after(&rows[2]), None); // already at the bound
/// ```
pub fn shift<R: Features, T: Numeric>(feature: Feature<R, T>, by: f64) -> Shift<R> {
    Shift {
        index: feature.index(),
        by,
        bounds: feature.spec().range(),
        _row: PhantomData,
    }
}

impl<R> Clone for Shift<R> {
    fn clone(&self) -> Self {
        Shift {
            index: self.index,
            by: self.by,
            bounds: self.bounds,
            _row: PhantomData,
        }
    }
}

impl<R: Features> fmt::Debug for Shift<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shift")
            .field("feature", &R::SCHEMA[self.index].name())
            .field("by", &self.by)
            .field("bounds", &self.bounds)
            .finish()
    }
}

impl<R: Features + Clone> Shift<R> {
    fn variant(&self, row: &R) -> Option<Vec<Edit>> {
        if !self.by.is_finite() {
            return None; // fails `check`
        }
        let before = row.value(self.index);
        let Value::Number(x) = before else {
            return None;
        };
        let after = Value::Number(settle(&R::SCHEMA[self.index], x + self.by, self.bounds));
        (after != before && fits(row, self.index, &after)).then(|| {
            vec![Edit {
                position: self.index,
                before,
                after,
            }]
        })
    }
}

impl<R: Features + Clone> Augmenter<R> for Shift<R> {
    fn describe(&self) -> String {
        format!(
            "`{}` shifted by {:+}",
            R::SCHEMA[self.index].name(),
            self.by
        )
    }

    fn fit(&self, rows: &[R]) -> Self {
        Shift {
            bounds: bounds(&R::SCHEMA[self.index], self.index, rows),
            ..self.clone()
        }
    }

    fn check(&self) -> Result<(), SettingError> {
        if self.by.is_finite() {
            Ok(())
        } else {
            Err(SettingError::new(
                format!("shift({}, by)", R::SCHEMA[self.index].name()),
                format!("must be a finite number, got {}", self.by),
            ))
        }
    }

    fn propose(&self, row: &R, _rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.variant(row)
    }

    fn enumerate(&self, row: &R) -> Option<Vec<Vec<Edit>>> {
        Some(self.variant(row).into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FeatureSpec;

    #[test]
    fn settle_keeps_integers_inside_fractional_bounds() {
        let int = FeatureSpec::numeric("n", NumberType::Integer);
        assert_eq!(settle(&int, 10.4, Some((0.5, 10.5))), 10.0);
        assert_eq!(settle(&int, 11.0, Some((0.5, 10.5))), 10.0);
        assert_eq!(settle(&int, 0.2, Some((0.5, 10.5))), 1.0);
        let float = FeatureSpec::numeric("x", NumberType::Float);
        assert_eq!(settle(&float, 11.0, Some((0.5, 10.5))), 10.5);
        assert_eq!(settle(&float, -3.25, None), -3.25);
    }

    #[test]
    fn the_spread_survives_values_whose_squares_overflow() {
        // Sample sd of 2, 4, 4, 4, 5, 5, 7, 9: sqrt(32 / 7).
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert!((sample_sd(&xs) - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        // The plain formula, bit for bit, where it does not overflow.
        let plain = |xs: &[f64]| {
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
            (ss / (xs.len() - 1) as f64).sqrt()
        };
        let ys: Vec<f64> = (0..100)
            .map(|i| (i as f64 * 0.37).sin() * 1e6 + 3.0)
            .collect();
        assert_eq!(sample_sd(&ys), plain(&ys));
        let tiny: Vec<f64> = ys.iter().map(|y| y * 1e-9).collect();
        assert_eq!(sample_sd(&tiny), plain(&tiny));
        // ±1e308: squares overflow, the spread is sqrt(2) × 1e308 (scaled: ±1 has sd √2).
        assert!(plain(&[1e308, -1e308]).is_infinite());
        let sd = sample_sd(&[1e308, -1e308]);
        assert!((sd / 1e308 - 2f64.sqrt()).abs() < 1e-15, "{sd}");
        // A spread beyond f64::MAX, and a value that is not finite.
        assert_eq!(sample_sd(&[1.7e308, -1.7e308]), f64::INFINITY);
        assert!(sample_sd(&[1.0, f64::INFINITY]).is_nan());
        assert_eq!(sample_sd(&[5.0]), 0.0);
        assert_eq!(sample_sd(&[0.0, 0.0]), 0.0);
    }

    #[test]
    fn readable_keeps_three_digits_of_the_noise() {
        assert_eq!(readable(13.712894, 1.7), 13.71);
        assert_eq!(readable(1234.5678, 250.0), 1235.0);
        assert_eq!(readable(1234.5678, 2500.0), 1230.0);
        assert_eq!(readable(0.123456, 0.01), 0.1235);
        assert_eq!(readable(5.0, 0.0), 5.0);
    }

    #[test]
    fn rounding_without_formatting_gives_the_formatted_numbers_bit_for_bit() {
        use rand::RngExt;
        let mut rng = crate::rng::seeded_rng(7);
        let formatted = |x: f64, d: usize| format!("{x:.d$}").parse::<f64>().unwrap();
        let mut checked = 0;
        for _ in 0..300_000 {
            let d = rng.random_range(1..=15usize);
            let magnitude = 10f64.powi(rng.random_range(-8..12));
            let x = rng.random_range(-1.0..1.0) * magnitude;
            assert_eq!(
                rounded(x, d).to_bits(),
                formatted(x, d).to_bits(),
                "{x:e} at {d} decimals"
            );
            checked += 1;
        }
        // Halves, near-halves, zeros and huge values take the formatting path or agree.
        for x in [
            0.125,
            -0.125,
            2.5,
            0.005,
            1.005 - 1e-15,
            -0.0,
            0.0,
            1e300,
            -1e20,
            5e-324,
        ] {
            for d in 1..=15 {
                assert_eq!(
                    rounded(x, d).to_bits(),
                    formatted(x, d).to_bits(),
                    "{x:e} at {d}"
                );
            }
        }
        assert_eq!(checked, 300_000);
    }
}
