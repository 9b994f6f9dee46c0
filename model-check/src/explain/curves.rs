//! What-if curves: individual conditional expectation (ICE) and partial dependence (PDP) —
//! the model's output as one feature sweeps a grid while each row keeps its other values
//! (Goldstein et al. 2015; Friedman 2001), computed as scikit-learn's
//! `partial_dependence(..., method="brute")`.

use crate::cohort::Cohort;
use crate::data::{Dataset, Feature, Features, Value};
use crate::model::Model;

use super::{ExplainError, Explained};

/// The partial dependence of a model's output on one feature, built by
/// [`partial_dependence`]; run with [`run`](PartialDependence::run).
pub struct PartialDependence<'a, M: Model>
where
    M::Output: Explained,
{
    model: &'a M,
    data: &'a Dataset<M::Input>,
    feature: usize,
    target: Option<<M::Output as Explained>::Target>,
    grid: Option<Vec<Value>>,
    resolution: usize,
    percentiles: (f64, f64),
    cohort: Option<Cohort<M::Input>>,
    rows: Option<Vec<usize>>,
}

/// The ICE curves of every row of `data` and their mean, the partial dependence, as
/// `feature` sweeps scikit-learn's grid: a categorical feature's levels; a numeric
/// feature's distinct values when fewer than 100, else 100 evenly spaced points between its
/// 5th and 95th percentiles (`scipy.stats.mstats.mquantiles`, as scikit-learn takes them).
///
/// ```
/// use model_check::explain::partial_dependence;
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Loan { income: f64, debt: f64 }
///
/// let model = Regressor::from_fn(ModelInfo::new("score", "1"), |b: &[Loan]| {
///     Ok(b.iter().map(|l| 2.0 * l.income - l.debt).collect())
/// });
/// let rows: Vec<Loan> = (0..10).map(|i| Loan { income: f64::from(i), debt: f64::from(i % 3) }).collect();
/// let data = Dataset::unlabelled(rows)?;
/// let curves = partial_dependence(&model, &data, Loan::INCOME).run()?;
/// assert_eq!(curves.grid.len(), 10); // ten distinct incomes
/// // Linear in income: the curve rises by 2 a unit, for every row.
/// assert!((curves.average[1] - curves.average[0] - 2.0).abs() < 1e-12);
/// assert!(curves.is_monotone(1e-12).increasing);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn partial_dependence<'a, M, T>(
    model: &'a M,
    data: &'a Dataset<M::Input>,
    feature: Feature<M::Input, T>,
) -> PartialDependence<'a, M>
where
    M: Model,
    M::Output: Explained,
{
    partial_dependence_at(model, data, feature.index())
}

/// [`partial_dependence`] on the feature at `index` of the schema.
pub(crate) fn partial_dependence_at<'a, M>(
    model: &'a M,
    data: &'a Dataset<M::Input>,
    index: usize,
) -> PartialDependence<'a, M>
where
    M: Model,
    M::Output: Explained,
{
    PartialDependence {
        model,
        data,
        feature: index,
        target: None,
        grid: None,
        resolution: 100,
        percentiles: (0.05, 0.95),
        cohort: None,
        rows: None,
    }
}

/// ICE curves and their mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    /// The feature swept.
    pub feature: String,
    /// The values it took.
    pub grid: Vec<Value>,
    /// The partial dependence: the mean of the curves at each grid value.
    pub average: Vec<f64>,
    /// One curve per row: the output at each grid value, the row's other features kept.
    pub individual: Vec<Vec<f64>>,
    /// The dataset row of each curve.
    pub rows: Vec<usize>,
    /// Model calls made.
    pub model_calls: u64,
}

/// Whether curves go one way, and the rows that do not.
#[derive(Debug, Clone, PartialEq)]
pub struct Monotonicity {
    /// Every curve is non-decreasing (within the tolerance).
    pub increasing: bool,
    /// Every curve is non-increasing.
    pub decreasing: bool,
    /// Rows whose curve falls somewhere (by more than the tolerance), with the largest fall.
    pub falling: Vec<(usize, f64)>,
    /// Rows whose curve rises somewhere, with the largest rise.
    pub rising: Vec<(usize, f64)>,
}

impl Curves {
    /// Whether every curve is monotone over the grid, allowing steps against the direction
    /// of at most `tolerance`.
    pub fn is_monotone(&self, tolerance: f64) -> Monotonicity {
        let (mut falling, mut rising) = (Vec::new(), Vec::new());
        for (curve, &row) in self.individual.iter().zip(&self.rows) {
            let steps = curve.windows(2).map(|w| w[1] - w[0]);
            let (down, up) = steps.fold((0.0f64, 0.0f64), |(d, u), s| (d.max(-s), u.max(s)));
            if down > tolerance {
                falling.push((row, down));
            }
            if up > tolerance {
                rising.push((row, up));
            }
        }
        Monotonicity {
            increasing: falling.is_empty(),
            decreasing: rising.is_empty(),
            falling,
            rising,
        }
    }
}

impl<'a, M> PartialDependence<'a, M>
where
    M: Model,
    M::Input: Features + Clone,
    M::Output: Explained,
{
    /// The number explained, for a model whose output holds several (a classifier's class).
    pub fn target(mut self, target: <M::Output as Explained>::Target) -> Self {
        self.target = Some(target);
        self
    }

    /// The values to sweep, instead of scikit-learn's grid.
    pub fn grid(mut self, values: impl IntoIterator<Item = Value>) -> Self {
        self.grid = Some(values.into_iter().collect());
        self
    }

    /// Sweeps the feature's declared range (`#[features(range = LO..=HI)]`: every integer in
    /// it for an integer field, up to the resolution, else evenly spaced points) or its
    /// declared levels (a field-less enum), instead of the data's grid; the data's grid when
    /// nothing is declared.
    pub fn declared(mut self) -> Self {
        let spec = &M::Input::SCHEMA[self.feature];
        if let Some((lo, hi)) = spec.range() {
            let integer = matches!(
                spec.kind(),
                crate::data::Kind::Numeric {
                    number: crate::data::NumberType::Integer | crate::data::NumberType::Bool,
                    ..
                }
            );
            let points = self.resolution.max(2);
            let mut grid: Vec<f64> = if integer && hi - lo < points as f64 {
                (lo.ceil() as i64..=hi.floor() as i64)
                    .map(|i| i as f64)
                    .collect()
            } else {
                let step = (hi - lo) / (points - 1) as f64;
                (0..points)
                    .map(|i| {
                        if i + 1 == points {
                            hi
                        } else {
                            lo + i as f64 * step
                        }
                    })
                    .map(|x| if integer { x.round() } else { x })
                    .collect()
            };
            grid.dedup();
            self.grid = Some(grid.into_iter().map(Value::Number).collect());
        } else if !spec.levels().is_empty() {
            self.grid = Some(
                spec.levels()
                    .iter()
                    .map(|l| Value::Category((*l).into()))
                    .collect(),
            );
        }
        self
    }

    /// Points of a numeric grid between the percentiles (100).
    pub fn resolution(mut self, points: usize) -> Self {
        self.resolution = points;
        self
    }

    /// The percentiles a numeric grid spans ((0.05, 0.95)).
    pub fn percentiles(mut self, lo: f64, hi: f64) -> Self {
        self.percentiles = (lo, hi);
        self
    }

    /// The curves of a cohort's rows only.
    pub fn on(mut self, cohort: Cohort<M::Input>) -> Self {
        self.cohort = Some(cohort);
        self
    }

    /// The curves of these dataset rows (a check's selected rows).
    pub(crate) fn on_rows(mut self, rows: Vec<usize>) -> Self {
        self.rows = Some(rows);
        self
    }

    /// Computes the curves: every row at every grid value, predicted in batches.
    pub fn run(&self) -> Result<Curves, ExplainError> {
        let spec = &M::Input::SCHEMA[self.feature];
        let setting = |reason: String| ExplainError::Setting { reason };
        let target = match (&self.target, <M::Output as Explained>::default_target()) {
            (Some(t), _) => t.clone(),
            (None, Some(t)) => t,
            (None, None) => {
                return Err(setting(
                    "name the class whose probability the curves show: .target(\"…\".into())"
                        .into(),
                ));
            }
        };
        let rows: Vec<usize> = match &self.cohort {
            Some(c) => c.rows(self.data).map_err(|e| setting(e.to_string()))?,
            None => (0..self.data.len()).collect(),
        };
        if rows.is_empty() {
            return Err(setting("no rows to draw curves for".into()));
        }
        let grid = match &self.grid {
            Some(g) => g.clone(),
            None => sklearn_grid(
                rows.iter()
                    .map(|&r| self.data.rows()[r].value(self.feature)),
                spec.is_categorical(),
                self.resolution,
                self.percentiles,
            )
            .map_err(|reason| setting(format!("the grid of `{}`: {reason}", spec.name())))?,
        };
        if grid.is_empty() {
            return Err(setting(format!("`{}` has no values to sweep", spec.name())));
        }
        // Every row at every grid value, row-major.
        let mut inputs = Vec::with_capacity(rows.len() * grid.len());
        for &r in &rows {
            for value in &grid {
                let mut row = self.data.rows()[r].clone();
                row.set_value(self.feature, value.clone())
                    .map_err(|e| setting(format!("sweeping `{}`: {e}", spec.name())))?;
                inputs.push(row);
            }
        }
        let mut calls = 0;
        let g = grid.len();
        let outputs =
            crate::model::predict_batched(self.model, &inputs, &mut calls, |p| rows[p / g])
                .map_err(ExplainError::from)?;
        let values: Vec<f64> = outputs
            .iter()
            .map(|o| o.explained(&target))
            .collect::<Result<_, _>>()?;
        let individual: Vec<Vec<f64>> = values.chunks(g).map(<[f64]>::to_vec).collect();
        let average = (0..g)
            .map(|k| individual.iter().map(|c| c[k]).sum::<f64>() / rows.len() as f64)
            .collect();
        Ok(Curves {
            feature: spec.name().to_string(),
            grid,
            average,
            individual,
            rows,
            model_calls: calls,
        })
    }
}

/// scikit-learn's `_grid_from_X` for one feature.
fn sklearn_grid(
    values: impl Iterator<Item = Value>,
    categorical: bool,
    resolution: usize,
    (lo, hi): (f64, f64),
) -> Result<Vec<Value>, String> {
    let values: Vec<Value> = values.filter(|v| !matches!(v, Value::Missing)).collect();
    if categorical {
        let mut levels: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_category().map(str::to_string))
            .collect();
        levels.sort();
        levels.dedup();
        return Ok(levels
            .into_iter()
            .map(|l| Value::Category(l.into()))
            .collect());
    }
    if !(0.0 <= lo && lo < hi && hi <= 1.0) {
        return Err(format!(
            "the percentiles ({lo}, {hi}) must satisfy 0 ≤ lo < hi ≤ 1"
        ));
    }
    let mut x: Vec<f64> = values.iter().filter_map(Value::as_number).collect();
    if x.iter().any(|v| v.is_nan()) {
        return Err("it has NaN values".into());
    }
    x.sort_by(f64::total_cmp);
    let mut unique = x.clone();
    unique.dedup();
    if unique.len() < resolution {
        return Ok(unique.into_iter().map(Value::Number).collect());
    }
    let (a, b) = (mquantile(&x, lo), mquantile(&x, hi));
    if (a - b).abs() <= 1e-8 + 1e-5 * b.abs() {
        return Err(format!(
            "its {lo} and {hi} percentiles are too close ({a}, {b}); widen the percentiles"
        ));
    }
    // numpy.linspace(a, b, resolution): start + i·step, the last point exactly b.
    let step = (b - a) / (resolution - 1) as f64;
    Ok((0..resolution)
        .map(|i| {
            if i + 1 == resolution {
                b
            } else {
                i as f64 * step + a
            }
        })
        .map(Value::Number)
        .collect())
}

/// `scipy.stats.mstats.mquantiles(x, prob=[p])` with its defaults `alphap = betap = 0.4`,
/// on sorted `x`.
fn mquantile(x: &[f64], p: f64) -> f64 {
    let (alphap, betap) = (0.4, 0.4);
    let n = x.len() as f64;
    let m = alphap + p * (1.0 - alphap - betap);
    let aleph = n * p + m;
    let k = aleph.clamp(1.0, n - 1.0).floor();
    let gamma = (aleph - k).clamp(0.0, 1.0);
    let k = k as usize;
    (1.0 - gamma) * x[k - 1] + gamma * x[k]
}

/// One point of a [`robustness_curve`].
#[derive(Debug, Clone, PartialEq)]
pub struct RobustnessPoint {
    /// The augmenter's strength.
    pub strength: f64,
    /// The accuracy on the augmented rows.
    pub accuracy: f64,
    /// Its Wilson 95% interval.
    pub interval: Option<crate::metrics::Interval>,
    /// How many augmented rows were evaluated (rows the augmenter cannot vary are left
    /// out).
    pub n: u64,
}

/// A classifier's accuracy, with its Wilson interval, as an augmenter's strength grows — the
/// seed's perturbation analysis: `augmenter(s)` builds the augmenter of strength `s` (say
/// `noise(s)`, in standard deviations), each row gets one seeded variant, and the model is
/// evaluated on the variants. A strength of 0 evaluates the rows as they are.
///
/// ```
/// use model_check::explain::robustness_curve;
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { x: f64 }
///
/// let rows: Vec<Row> = (0..400).map(|i| Row { x: f64::from(i) / 400.0 - 0.5 }).collect();
/// let labels = Labels::classes((0..400).map(|i| if i >= 200 { "up" } else { "down" }))?;
/// let data = Dataset::from_rows(rows, labels)?;
/// let model = Classifier::from_fn(ModelInfo::new("sign", "1"), ["down", "up"], |b: &[Row]| {
///     Ok(b.iter().map(|r| if r.x >= 0.0 { vec![0.0, 1.0] } else { vec![1.0, 0.0] }).collect())
/// })?;
/// let curve = robustness_curve(&model, &data, &[0.0, 0.5, 2.0], noise, 7)?;
/// assert_eq!(curve[0].accuracy, 1.0);
/// assert!(curve[2].accuracy < curve[1].accuracy && curve[1].accuracy < 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn robustness_curve<M, A>(
    model: &M,
    data: &Dataset<M::Input>,
    strengths: &[f64],
    augmenter: impl Fn(f64) -> A,
    seed: u64,
) -> Result<Vec<RobustnessPoint>, crate::cohort::EvalError>
where
    M: Model<Output = crate::model::Probabilities>,
    M::Input: crate::perturb::Editable,
    A: crate::perturb::Augmenter<M::Input>,
{
    strengths
        .iter()
        .map(|&strength| {
            let evaluate = |d: &Dataset<M::Input>| {
                crate::cohort::evaluate_classifier(model, d, &[Cohort::all()])
            };
            let report = if strength == 0.0 {
                evaluate(data)?
            } else {
                let variants = crate::perturb::augment(data, &augmenter(strength), 1, seed)?;
                evaluate(&variants)?
            };
            let accuracy = report[0].metrics.accuracy();
            Ok(RobustnessPoint {
                strength,
                accuracy: accuracy.rate().unwrap_or(f64::NAN),
                interval: accuracy.wilson(),
                n: report[0].n(),
            })
        })
        .collect()
}
