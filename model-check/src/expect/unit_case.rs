//! Unit cases: generated inputs with chosen feature values must get an expected label.
//!
//! A unit case pins some features — an exact value, or a range drawn uniformly — and takes
//! every other feature from a real row of the dataset, drawn with the test's seed, so the
//! combinations stay realistic: "a customer on a two-year contract with 48 to 72 months of
//! tenure is predicted not to churn", whatever else is true of them.

use std::fmt;
use std::sync::Arc;

use rand::RngExt;

use super::metric::{failure_rate_outcome, setting_error, show};
use super::{Context, Example, Expectation, Findings};
use crate::cohort::EvalError;
use crate::data::{Feature, Features, Kind, NumberType, Value, seeded_rng};
use crate::model::{Model, Probabilities};

type Setter<R> = Arc<dyn Fn(&mut R) + Send + Sync>;

/// How one pinned feature is set.
enum Pin<R> {
    /// An exact value, through the typed handle.
    Exact {
        index: usize,
        shown: String,
        set: Setter<R>,
    },
    /// A value drawn uniformly from `[lo, hi]` (integers for integer features).
    Range { index: usize, lo: f64, hi: f64 },
}

/// `n` generated cases that must predict a label, built by [`unit_cases`]: pinned features
/// set, the rest drawn from real rows.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Customer { contract: String, #[features(range = 0..=72)] tenure: u32 }
///
/// let data = Dataset::from_rows(
///     (0..100).map(|i| Customer { contract: if i % 3 == 0 { "Two year" } else { "Month-to-month" }.into(), tenure: i % 73 }).collect(),
///     Labels::classes((0..100).map(|i| if i % 2 == 0 { "No" } else { "Yes" }))?,
/// )?;
/// // Long-tenured customers never churn, says this model.
/// let model = Classifier::from_fn(ModelInfo::new("tenure-rule", "1"), ["No", "Yes"], |b: &[Customer]| {
///     Ok(b.iter().map(|c| if c.tenure >= 24 { vec![0.9, 0.1] } else { vec![0.4, 0.6] }).collect())
/// })?;
/// let report = check(model, data)
///     .expect(
///         unit_cases(200)
///             .set(Customer::CONTRACT, "Two year".to_string())
///             .range(Customer::TENURE, 48.0, 72.0)
///             .predict("No"),
///     )
///     .run(3);
/// assert_eq!(report.outcomes[0].verdict, Verdict::Pass);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct UnitCases<R> {
    n: usize,
    pins: Vec<Pin<R>>,
    label: Option<String>,
    pass_rate: Option<f64>,
}

/// Starts `n` unit cases; pin features with [`set`](UnitCases::set) and
/// [`range`](UnitCases::range), then name the expected label with
/// [`predict`](UnitCases::predict).
pub fn unit_cases<R>(n: usize) -> UnitCases<R> {
    UnitCases {
        n,
        pins: Vec::new(),
        label: None,
        pass_rate: None,
    }
}

impl<R: Features + 'static> UnitCases<R> {
    /// Every case has `feature` set to `value`.
    pub fn set<T>(mut self, feature: Feature<R, T>, value: T) -> Self
    where
        T: Clone + fmt::Debug + Send + Sync + 'static,
    {
        let shown = format!("{} = {value:?}", feature.name());
        self.pins.push(Pin::Exact {
            index: feature.index(),
            shown,
            set: Arc::new(move |row: &mut R| feature.set(row, value.clone())),
        });
        self
    }

    /// Every case has the numeric `feature` drawn uniformly from `[lo, hi]` (whole numbers
    /// for integer features). A range on a categorical feature, outside the declared range
    /// or with `lo > hi` is an error when the check runs.
    pub fn range<T>(mut self, feature: Feature<R, T>, lo: f64, hi: f64) -> Self {
        self.pins.push(Pin::Range {
            index: feature.index(),
            lo,
            hi,
        });
        self
    }

    /// The label every case must get.
    pub fn predict(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Passes when at least this share of cases get the label, decided on the Wilson
    /// interval of the failure rate (default: every case must).
    pub fn pass_rate(mut self, rate: f64) -> Self {
        self.pass_rate = Some(rate);
        self
    }

    fn validate(&self) -> Result<&str, EvalError> {
        let Some(label) = &self.label else {
            return Err(setting_error(
                "unit cases need an expected label: call .predict(\"…\")".into(),
            ));
        };
        if self.n == 0 {
            return Err(setting_error("unit cases need at least one case".into()));
        }
        if let Some(r) = self.pass_rate
            && !(0.0..=1.0).contains(&r)
        {
            return Err(setting_error(format!("pass rate {r} is outside [0, 1]")));
        }
        for pin in &self.pins {
            if let Pin::Range { index, lo, hi } = pin {
                let spec = &R::SCHEMA[*index];
                if spec.is_categorical() {
                    return Err(setting_error(format!(
                        "a range on the categorical feature `{}`; pin a level with .set",
                        spec.name()
                    )));
                }
                // NaN bounds make an empty range too.
                if lo
                    .partial_cmp(hi)
                    .is_none_or(|o| o == std::cmp::Ordering::Greater)
                {
                    return Err(setting_error(format!(
                        "range [{lo}, {hi}] of `{}` is empty",
                        spec.name()
                    )));
                }
                if let Some((min, max)) = spec.range()
                    && (*lo < min || *hi > max)
                {
                    return Err(setting_error(format!(
                        "range [{lo}, {hi}] of `{}` leaves its declared range [{min}, {max}]",
                        spec.name()
                    )));
                }
            }
        }
        Ok(label)
    }

    fn describe_pins(&self) -> String {
        self.pins
            .iter()
            .map(|pin| match pin {
                Pin::Exact { shown, .. } => shown.clone(),
                Pin::Range { index, lo, hi } => {
                    format!("{} in [{lo}, {hi}]", R::SCHEMA[*index].name())
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl<M, R> Expectation<M> for UnitCases<R>
where
    M: Model<Input = R, Output = Probabilities> + 'static,
    R: Features + Clone + 'static,
{
    fn describe(&self) -> String {
        let pins = self.describe_pins();
        let label = self.label.as_deref().unwrap_or("?");
        let share = match self.pass_rate {
            Some(r) => format!("at least {} of ", show(r, true)),
            None => "all ".into(),
        };
        if pins.is_empty() {
            format!("{share}{} cases predict `{label}`", self.n)
        } else {
            format!("{share}{} cases with {pins} predict `{label}`", self.n)
        }
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        let label = self.validate()?.to_string();
        let rows = context.rows().to_vec();
        if rows.is_empty() {
            return Ok(Findings::from(failure_rate_outcome(
                0,
                0,
                self.pass_rate.map(|r| 1.0 - r),
            )));
        }
        let mut rng = seeded_rng(context.seed());
        let mut cases = Vec::with_capacity(self.n);
        let mut sources = Vec::with_capacity(self.n);
        for _ in 0..self.n {
            let source = rows[rng.random_range(0..rows.len())];
            let mut case = context.data().rows()[source].clone();
            for pin in &self.pins {
                match pin {
                    Pin::Exact { set, .. } => set(&mut case),
                    Pin::Range { index, lo, hi } => {
                        let integer = matches!(
                            R::SCHEMA[*index].kind(),
                            Kind::Numeric {
                                number: NumberType::Integer | NumberType::Bool,
                                ..
                            }
                        );
                        let x = if integer {
                            let (lo, hi) = (lo.ceil() as i64, hi.floor() as i64);
                            if lo > hi {
                                return Err(setting_error(format!(
                                    "range of `{}` holds no whole number",
                                    R::SCHEMA[*index].name()
                                )));
                            }
                            rng.random_range(lo..=hi) as f64
                        } else if lo == hi {
                            *lo
                        } else {
                            rng.random_range(*lo..=*hi)
                        };
                        case.set_value(*index, Value::Number(x))
                            .map_err(|e| setting_error(e.to_string()))?;
                    }
                }
            }
            cases.push(case);
            sources.push(source);
        }
        let predictions = context.predict(&cases)?;
        let Some(first) = predictions.first() else {
            return Ok(Findings::from(failure_rate_outcome(0, 0, None)));
        };
        let classes = first.classes().clone();
        let Some(expected) = classes.index_of(&label) else {
            return Err(setting_error(format!(
                "{label:?} is not a class of model `{}` (classes: {classes})",
                context.model().info()
            )));
        };
        let mut failing: Vec<(usize, f64)> = predictions
            .iter()
            .enumerate()
            .filter(|(_, p)| p.predicted() != expected)
            .map(|(i, p)| (i, p.as_slice()[expected]))
            .collect();
        let failures = failing.len() as u64;
        // The most telling failures: the lowest probability of the expected label.
        failing.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let examples = failing
            .into_iter()
            .take(context.max_examples())
            .map(|(i, p_expected)| {
                let p = &predictions[i];
                let pinned: Vec<String> = self
                    .pins
                    .iter()
                    .map(|pin| {
                        let index = match pin {
                            Pin::Exact { index, .. } | Pin::Range { index, .. } => *index,
                        };
                        format!("{} = {}", R::SCHEMA[index].name(), cases[i].value(index))
                    })
                    .collect();
                Example::row(
                    sources[i],
                    context.data().id(sources[i]),
                    format!(
                        "case from row {} with {}: predicted {} (P({label}) = {p_expected:.3})",
                        sources[i],
                        if pinned.is_empty() {
                            "nothing pinned".into()
                        } else {
                            pinned.join(", ")
                        },
                        p.label()
                    ),
                )
            })
            .collect();
        let max_failure_rate = self.pass_rate.map(|r| 1.0 - r);
        Ok(Findings::from(failure_rate_outcome(failures, self.n as u64, max_failure_rate)
            .with_examples(examples)
            .with_note(format!(
                "{failures} of {} generated cases do not predict `{label}` (failure rate shown)",
                self.n
            ))))
    }
}
