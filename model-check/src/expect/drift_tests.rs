//! The p-value form of drift: "no feature's distribution changed", tested on every feature
//! at once with the false-discovery rate controlled — for alerts and exploration. For a test
//! in CI prefer [`drift`](super::drift): a p-value rejects any change once the batch is
//! large enough, however small, so its verdict flips as batches grow.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use super::metric::{Domain, check_threshold, setting_error};
use super::{Context, Expectation, Findings, Method};
use crate::cohort::EvalError;
use crate::data::{Features, Value};
use crate::model::Model;
use crate::outcome::{Evidence, Finding, Unit, Verdict};

/// Two-sample tests of every feature against the reference, built by [`drift_tests`].
#[derive(Debug)]
pub struct DriftTests<R> {
    alpha: f64,
    features: Option<Vec<String>>,
    row: PhantomData<fn(&R)>,
}

impl<R> Clone for DriftTests<R> {
    fn clone(&self) -> Self {
        DriftTests {
            alpha: self.alpha,
            features: self.features.clone(),
            row: PhantomData,
        }
    }
}

/// Tests "the feature's distribution did not change" for every feature between the checked
/// rows and the check's reference (`.against(reference)`): the two-sample Kolmogorov–Smirnov
/// test for a numeric feature (its p-value as `scipy.stats.ks_2samp`), Pearson's chi-square
/// test of the level counts for a categorical one (as `scipy.stats.chi2_contingency` with no
/// correction). The p-values are adjusted by Benjamini–Yekutieli across the features (valid
/// whatever their dependence); a feature fails when its adjusted p-value is below `α`
/// (0.05 unless [`alpha`](DriftTests::alpha) says otherwise). One finding per feature,
/// with its statistic, p-value and adjusted p-value. Missing values and NaNs are left out.
///
/// ```
/// use model_check::prelude::*;
///
/// #[derive(Features, Clone)]
/// struct Row { volts: f64, site: String }
///
/// let rows = |shift: f64| -> Result<Dataset<Row>, DataError> {
///     Dataset::unlabelled((0..2000).map(|i| Row {
///         volts: f64::from(i % 100) / 100.0 + shift,
///         site: ["a", "b"][i as usize % 2].to_string(),
///     }).collect())
/// };
/// let report = check_data(rows(0.2)?).against(rows(0.0)?).expect(drift_tests()).run(1);
/// let volts = &report.outcomes[0];
/// assert_eq!((volts.subject.as_deref(), volts.verdict), (Some("volts"), Verdict::Fail));
/// let site = &report.outcomes[1];
/// assert_eq!((site.subject.as_deref(), site.verdict), (Some("site"), Verdict::Pass));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn drift_tests<R: Features>() -> DriftTests<R> {
    DriftTests {
        alpha: 0.05,
        features: None,
        row: PhantomData,
    }
}

impl<R> DriftTests<R> {
    /// The false-discovery rate across the features.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Tests only the features named.
    pub fn features<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.features = Some(names.into_iter().map(Into::into).collect());
        self
    }
}

/// One feature's test.
struct Tested {
    name: &'static str,
    statistic: f64,
    p: f64,
    n: u64,
    method: Method,
    note: String,
}

impl<M> Expectation<M> for DriftTests<M::Input>
where
    M: Model,
    M::Input: Features,
{
    fn describe(&self) -> String {
        format!(
            "no feature's distribution differs from the reference (two-sample tests, Benjamini–Yekutieli at {})",
            crate::fmt::number(self.alpha)
        )
    }

    fn evaluate(&self, context: &mut Context<'_, M>) -> Result<Findings, EvalError> {
        check_threshold(self.alpha, Domain::UNIT, &"the false-discovery rate")?;
        let schema = M::Input::SCHEMA;
        let chosen: Vec<usize> = match &self.features {
            None => (0..schema.len()).collect(),
            Some(names) => names
                .iter()
                .map(|name| {
                    schema.index_of(name).ok_or_else(|| {
                        setting_error(format!(
                            "no feature `{name}` (features: {})",
                            schema.names().collect::<Vec<_>>().join(", ")
                        ))
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let reference = context.reference()?;
        let data = context.data();
        let mut tested = Vec::with_capacity(chosen.len());
        for &i in &chosen {
            let spec = &schema[i];
            let current = || context.rows().iter().map(|&r| data.rows()[r].value(i));
            let before = || reference.rows().iter().map(|r| r.value(i));
            let empty = || {
                setting_error(format!(
                    "`{}` has no values in the checked rows or the reference",
                    spec.name()
                ))
            };
            tested.push(if spec.is_numeric() {
                fn numbers(values: impl Iterator<Item = Value>) -> Vec<f64> {
                    values
                        .filter_map(|x| x.as_number())
                        .filter(|x| !x.is_nan())
                        .collect()
                }
                let (a, b) = (numbers(current()), numbers(before()));
                let test = crate::stats::ks_test(&a, &b).ok_or_else(empty)?;
                Tested {
                    name: spec.name(),
                    statistic: test.statistic,
                    p: test.p_value,
                    n: a.len() as u64,
                    method: Method::new(match test.method {
                        crate::stats::KsMethod::Exact => "ks_2samp exact",
                        crate::stats::KsMethod::Asymptotic => "ks_2samp asymptotic",
                    }),
                    note: format!(
                        "Kolmogorov–Smirnov D = {}; {} values against {} in the reference",
                        crate::fmt::number(test.statistic),
                        a.len(),
                        b.len()
                    ),
                }
            } else {
                let mut counts: BTreeMap<String, [u64; 2]> = BTreeMap::new();
                for (side, values) in [(0, current().collect::<Vec<_>>()), (1, before().collect())]
                {
                    for v in values {
                        if let Value::Category(c) = v {
                            counts.entry(c.into_owned()).or_default()[side] += 1;
                        }
                    }
                }
                let table: Vec<Vec<u64>> = (0..2)
                    .map(|side| counts.values().map(|c| c[side]).collect())
                    .collect();
                let (n, m): (u64, u64) = (table[0].iter().sum(), table[1].iter().sum());
                if n == 0 || m == 0 {
                    return Err(empty());
                }
                // One level on both sides: nothing can have moved.
                let test = crate::stats::chi_square(&table).unwrap_or(crate::stats::ChiSquare {
                    statistic: 0.0,
                    dof: 0,
                    p_value: 1.0,
                });
                Tested {
                    name: spec.name(),
                    statistic: test.statistic,
                    p: test.p_value,
                    n,
                    method: Method::new("chi-square").with("dof", test.dof as f64),
                    note: format!(
                        "chi-square {} on {} levels; {n} values against {m} in the reference",
                        crate::fmt::number(test.statistic),
                        counts.len()
                    ),
                }
            });
        }
        let p: Vec<f64> = tested.iter().map(|t| t.p).collect();
        let adjusted = crate::stats::benjamini_yekutieli(&p);
        let findings: Vec<Finding> = tested
            .into_iter()
            .zip(adjusted)
            .map(|(t, q)| {
                let verdict = if q < self.alpha {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                };
                Finding::new(
                    verdict,
                    Evidence {
                        estimate: Some(t.statistic),
                        n: t.n,
                        p_value: Some(t.p),
                        adjusted_p_value: Some(q),
                        threshold: Some(self.alpha),
                        ..Evidence::new(Unit::Number, t.method.with("alpha", self.alpha))
                    },
                )
                .with_subject(t.name)
                .with_note(t.note)
            })
            .collect();
        Findings::try_from(findings)
            .map_err(|_| setting_error("no features to test for drift".into()))
    }
}
