//! `model_check::explain` against shap and against mathematics.
//!
//! - Exact values equal `shap.explainers.Exact(f, shap.maskers.Independent(background,
//!   max_samples=len(background)))` to 1e-9 on a scikit-learn logistic regression over twelve
//!   Telco columns and on a hand-written non-linear model (`tests/oracles/shapley.py`, output
//!   committed as `shapley.json`), and add up to `f(x) − E f(b)` within 1e-12.
//! - On an additively separable model, a group of features is worth the sum of its members,
//!   and each member `g_i(x_i) − mean_b g_i(b_i)`: no Python needed.
//! - Sampled values are honest: over 200 seeds the exact value lies within two reported
//!   standard errors in at least 90% of cases, and the mean reported standard error is
//!   within [0.8, 1.25] of the estimates' spread across seeds; the same seed gives the same
//!   bits.
//! - Hybrid rows go to the model in full batches of its batch size, counted; bad settings are
//!   typed errors naming what is wrong.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use model_check::explain::{Estimator, ExplainError, Shapley};
use model_check::model::{Model, ModelError, ModelInfo, Probabilities};
use model_check::prelude::*;
use serde_json::Value as Json;

fn oracle() -> Json {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/shapley.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn numbers(json: &Json) -> Vec<f64> {
    json.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn matrix(json: &Json) -> Vec<Vec<f64>> {
    json.as_array().unwrap().iter().map(numbers).collect()
}

/// Rows of `R` from a matrix of numbers in schema order, checking the schema's names.
fn rows<R: Features + Default>(case: &Json, key: &str) -> Vec<R> {
    let names: Vec<&str> = case["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(R::schema().names().collect::<Vec<_>>(), names);
    matrix(&case[key])
        .iter()
        .map(|values| {
            let mut row = R::default();
            for (i, &x) in values.iter().enumerate() {
                row.set_value(i, Value::Number(x)).unwrap();
            }
            row
        })
        .collect()
}

/// Twelve numeric or 0/1 columns of the Telco churn data.
#[derive(Features, Clone, Default, Debug)]
struct Telco {
    female: f64,
    senior_citizen: f64,
    partner: f64,
    dependents: f64,
    tenure: f64,
    phone_service: f64,
    paperless_billing: f64,
    monthly_charges: f64,
    total_charges: f64,
    online_security: f64,
    tech_support: f64,
    month_to_month: f64,
}

impl Telco {
    fn values(&self) -> [f64; 12] {
        [
            self.female,
            self.senior_citizen,
            self.partner,
            self.dependents,
            self.tenure,
            self.phone_service,
            self.paperless_billing,
            self.monthly_charges,
            self.total_charges,
            self.online_security,
            self.tech_support,
            self.month_to_month,
        ]
    }
}

/// The scikit-learn pipeline (StandardScaler, LogisticRegression) with its exported
/// parameters: `[P(No), P(Yes)]`.
fn logistic(case: &Json) -> impl Model<Input = Telco, Output = Probabilities> + use<> {
    let (mean, scale, coef) = (
        numbers(&case["mean"]),
        numbers(&case["scale"]),
        numbers(&case["coef"]),
    );
    let intercept = case["intercept"].as_f64().unwrap();
    Classifier::from_fn(
        ModelInfo::new("telco-logistic", "sklearn"),
        ["No", "Yes"],
        move |batch: &[Telco]| {
            Ok(batch
                .iter()
                .map(|row| {
                    let x = row.values();
                    let z = intercept
                        + (0..12)
                            .map(|i| coef[i] * ((x[i] - mean[i]) / scale[i]))
                            .sum::<f64>();
                    let p = 1.0 / (1.0 + (-z).exp());
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .unwrap()
}

/// The hand-written non-linear model's inputs; `inert` is never read.
#[derive(Features, Clone, Default, Debug)]
struct Point {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
    g: f64,
    inert: f64,
}

/// The same expression, in the same order, as `nonlinear` in `shapley.py`.
fn nonlinear(p: &Point) -> f64 {
    1.5 * p.a * p.b
        + p.c.max(0.5 * p.d).max(p.g)
        + if p.a + p.e > 0.8 * p.g { 2.0 } else { 0.0 }
        + 0.5 * p.b * p.d * p.g
        - 0.8 * p.a * if p.g > 0.0 { 1.0 } else { 0.0 }
}

fn nonlinear_model() -> impl Model<Input = Point, Output = f64> {
    Regressor::from_fn(ModelInfo::new("nonlinear", "1"), |batch: &[Point]| {
        Ok(batch.iter().map(nonlinear).collect())
    })
}

/// Checks `explained` against shap's values, base values and predictions; returns the
/// largest absolute error of the values.
fn check_against_shap(explained: &[model_check::explain::ShapleyValues], case: &Json) -> f64 {
    let values = matrix(&case["values"]);
    let base = numbers(&case["base_values"]);
    let predictions = numbers(&case["predictions"]);
    assert_eq!(explained.len(), values.len());
    let mut worst: f64 = 0.0;
    for (i, phi) in explained.iter().enumerate() {
        for (j, (&got, &want)) in phi.values.iter().zip(&values[i]).enumerate() {
            let error = (got - want).abs();
            assert!(
                error <= 1e-9,
                "row {i}, {}: {got} vs shap's {want}",
                phi.players[j]
            );
            worst = worst.max(error);
        }
        assert!((phi.base - base[i]).abs() <= 1e-12, "row {i}: base");
        assert!(
            (phi.prediction - predictions[i]).abs() <= 1e-12,
            "row {i}: prediction"
        );
        assert!(
            phi.additivity_gap.abs() < 1e-12,
            "row {i}: gap {}",
            phi.additivity_gap
        );
        assert_eq!(phi.std_errors, vec![0.0; phi.values.len()]);
        assert_eq!(
            phi.estimator,
            Estimator::Exact {
                coalitions: 1 << phi.values.len()
            }
        );
    }
    worst
}

#[test]
fn exact_values_match_shap_on_a_logistic_regression() {
    let oracle = oracle();
    let case = &oracle["logistic"];
    let background: Vec<Telco> = rows(case, "background");
    let explained: Vec<Telco> = rows(case, "rows");
    let model = logistic(case);
    let phi = Shapley::new(&model, &background)
        .class(case["class"].as_str().unwrap())
        .exact_rows(&explained)
        .unwrap();
    let worst = check_against_shap(&phi, case);
    let gap = phi
        .iter()
        .map(|p| p.additivity_gap.abs())
        .fold(0.0, f64::max);
    println!(
        "logistic: {} rows × 12 players, largest |φ − shap| {worst:.2e}, largest additivity gap {gap:.2e}",
        phi.len()
    );
}

#[test]
fn exact_values_match_shap_on_a_nonlinear_model() {
    let oracle = oracle();
    let case = &oracle["nonlinear"];
    let background: Vec<Point> = rows(case, "background");
    let explained: Vec<Point> = rows(case, "rows");
    let model = nonlinear_model();
    let phi = Shapley::new(&model, &background)
        .exact_rows(&explained)
        .unwrap();
    let worst = check_against_shap(&phi, case);
    for p in &phi {
        assert_eq!(
            p.value_of("inert"),
            Some(0.0),
            "a null player gets exactly 0"
        );
    }
    // `e` takes three values: background rows that agree with the row on it keep their
    // output, so fewer hybrid rows than coalitions × background are predicted.
    let full = (1u64 << 7) - 2;
    assert!(
        phi.iter()
            .skip(1)
            .all(|p| p.model_rows < full * background.len() as u64 + 1)
    );
    let gap = phi
        .iter()
        .map(|p| p.additivity_gap.abs())
        .fold(0.0, f64::max);
    println!(
        "nonlinear: {} rows × 7 players, largest |φ − shap| {worst:.2e}, largest additivity gap {gap:.2e}",
        phi.len()
    );
}

/// An additively separable model: `f(x) = Σ g_i(x_i)`.
fn separable(p: &Point) -> f64 {
    p.a.sin() + p.b * p.b + if p.c > 0.2 { 1.5 } else { -0.5 } + p.d.exp() + 0.3 * p.e - p.g.abs()
        + 2.0 * p.inert
}

/// `g_i(x_i)` of [`separable`], feature by feature in schema order.
fn separable_terms(p: &Point) -> [f64; 7] {
    [
        p.a.sin(),
        p.b * p.b,
        if p.c > 0.2 { 1.5 } else { -0.5 },
        p.d.exp(),
        0.3 * p.e,
        -p.g.abs(),
        2.0 * p.inert,
    ]
}

#[test]
fn a_group_is_worth_the_sum_of_its_members_on_an_additive_model() {
    let oracle = oracle();
    let case = &oracle["nonlinear"];
    let background: Vec<Point> = rows(case, "background");
    let explained: Vec<Point> = rows(case, "rows");
    let model = Regressor::from_fn(ModelInfo::new("separable", "1"), |batch: &[Point]| {
        Ok(batch.iter().map(separable).collect())
    });
    let single = Shapley::new(&model, &background)
        .exact_rows(&explained)
        .unwrap();
    let grouped = Shapley::new(&model, &background)
        .groups([("bc", vec!["b", "c"]), ("dg", vec!["g", "d"])])
        .exact_rows(&explained)
        .unwrap();
    assert_eq!(grouped[0].players, ["a", "bc", "dg", "e", "inert"]);
    let sampled = Shapley::new(&model, &background)
        .group("dg", ["d", "g"])
        .sampled_rows(&explained, 8, 3)
        .unwrap();

    let n = background.len() as f64;
    let mut worst: f64 = 0.0;
    for (i, x) in explained.iter().enumerate() {
        // Mathematics: player j's value is g_j(x_j) − mean_b g_j(b_j).
        let terms = separable_terms(x);
        let expected: Vec<f64> = (0..7)
            .map(|j| {
                terms[j]
                    - background
                        .iter()
                        .map(|b| separable_terms(b)[j])
                        .sum::<f64>()
                        / n
            })
            .collect();
        for (got, want) in single[i].values.iter().zip(&expected) {
            worst = worst.max((got - want).abs());
        }
        let member = |name: &str| single[i].value_of(name).unwrap();
        let pairs = [
            ("a", member("a")),
            ("bc", member("b") + member("c")),
            ("dg", member("d") + member("g")),
            ("e", member("e")),
            ("inert", member("inert")),
        ];
        for (name, sum) in pairs {
            let group = grouped[i].value_of(name).unwrap();
            assert!(
                (group - sum).abs() <= 1e-12,
                "row {i}, {name}: {group} vs {sum}"
            );
        }
        assert!(grouped[i].additivity_gap.abs() < 1e-12);
        // Any permutation of an additive game gives every player its exact value.
        let dg = sampled[i].value_of("dg").unwrap();
        assert!((dg - (member("d") + member("g"))).abs() <= 1e-12);
        assert!(sampled[i].std_errors.iter().all(|&se| se <= 1e-12));
    }
    assert!(
        worst <= 1e-12,
        "largest error against g(x) − E g(b): {worst}"
    );
}

#[test]
fn sampled_standard_errors_are_honest() {
    const SEEDS: u64 = 200;
    const PERMUTATIONS: usize = 50;
    let oracle = oracle();
    let case = &oracle["nonlinear"];
    let background: Vec<Point> = rows(case, "background");
    let explained: Vec<Point> = rows(case, "rows");
    let exact = matrix(&case["values"]);
    let model = nonlinear_model();
    let shapley = Shapley::new(&model, &background);

    let started = std::time::Instant::now();
    let runs: Vec<Vec<model_check::explain::ShapleyValues>> = (0..SEEDS)
        .map(|seed| {
            shapley
                .sampled_rows(&explained, PERMUTATIONS, seed)
                .unwrap()
        })
        .collect();
    let elapsed = started.elapsed();

    let (mut cases, mut covered) = (0usize, 0usize);
    let mut ratios = Vec::new();
    for (i, exact_row) in exact.iter().enumerate() {
        for (j, &truth) in exact_row.iter().enumerate() {
            if truth.abs() < 1e-12 {
                continue; // the inert feature: estimated 0 with standard error 0
            }
            let estimates: Vec<f64> = runs.iter().map(|run| run[i].values[j]).collect();
            let errors: Vec<f64> = runs.iter().map(|run| run[i].std_errors[j]).collect();
            for (&estimate, &se) in estimates.iter().zip(&errors) {
                cases += 1;
                covered += usize::from((estimate - truth).abs() <= 2.0 * se);
            }
            let mean = estimates.iter().sum::<f64>() / SEEDS as f64;
            let sd = (estimates.iter().map(|e| (e - mean).powi(2)).sum::<f64>()
                / (SEEDS - 1) as f64)
                .sqrt();
            let mean_se = errors.iter().sum::<f64>() / SEEDS as f64;
            assert!(
                sd > 0.0,
                "row {i}, feature {j} varies across seeds ({truth})"
            );
            ratios.push((mean_se / sd, i, j));
        }
    }
    for run in &runs {
        for phi in run {
            assert!(phi.additivity_gap.abs() < 1e-12, "{}", phi.additivity_gap);
            assert_eq!(
                phi.estimator,
                Estimator::Sampled {
                    permutations: PERMUTATIONS,
                    seed: match phi.estimator {
                        Estimator::Sampled { seed, .. } => seed,
                        Estimator::Exact { .. } => unreachable!(),
                    },
                }
            );
        }
    }
    let coverage = covered as f64 / cases as f64;
    let (lo, hi) = ratios
        .iter()
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &(r, _, _)| {
            (lo.min(r), hi.max(r))
        });
    let mean_ratio = ratios.iter().map(|r| r.0).sum::<f64>() / ratios.len() as f64;
    println!(
        "sampled ({PERMUTATIONS} permutations, {SEEDS} seeds, {} (row, feature) cases, {elapsed:.2?}): \
         exact within ±2 SE in {covered} of {cases} ({:.1}%); mean SE / SD across seeds {mean_ratio:.3} \
         (range {lo:.3}–{hi:.3})",
        ratios.len(),
        100.0 * coverage
    );
    assert!(coverage >= 0.90, "coverage {coverage}");
    for (ratio, i, j) in ratios {
        assert!(
            (0.8..=1.25).contains(&ratio),
            "row {i}, feature {j}: mean SE / SD = {ratio}"
        );
    }

    // The same seed, the same bits.
    let again = shapley.sampled_rows(&explained, PERMUTATIONS, 17).unwrap();
    for (a, b) in again.iter().zip(&runs[17]) {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a.values), bits(&b.values));
        assert_eq!(bits(&a.std_errors), bits(&b.std_errors));
    }
    assert_ne!(runs[0][0].values, runs[1][0].values);
}

/// A model that counts calls and rows and records each batch's size.
struct Counted<M> {
    inner: M,
    batch: usize,
    calls: Arc<AtomicU64>,
    rows: Arc<AtomicU64>,
    sizes: Arc<std::sync::Mutex<Vec<usize>>>,
}

impl<M: Model> Model for Counted<M> {
    type Input = M::Input;
    type Output = M::Output;
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }
    fn predict(&self, batch: &[M::Input]) -> Result<Vec<M::Output>, ModelError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.rows.fetch_add(batch.len() as u64, Ordering::Relaxed);
        self.sizes.lock().unwrap().push(batch.len());
        self.inner.predict(batch)
    }
    fn batch_size(&self) -> usize {
        self.batch
    }
}

#[test]
fn hybrid_rows_go_to_the_model_in_full_counted_batches() {
    let oracle = oracle();
    let case = &oracle["nonlinear"];
    let background: Vec<Point> = rows(case, "background");
    let explained: Vec<Point> = rows(case, "rows");
    let model = Counted {
        inner: nonlinear_model(),
        batch: 1000,
        calls: Arc::default(),
        rows: Arc::default(),
        sizes: Arc::default(),
    };
    for sampled in [false, true] {
        model.calls.store(0, Ordering::Relaxed);
        model.rows.store(0, Ordering::Relaxed);
        model.sizes.lock().unwrap().clear();
        let shapley = Shapley::new(&model, &background);
        let phi = if sampled {
            shapley.sampled_rows(&explained, 10, 1).unwrap()
        } else {
            shapley.exact_rows(&explained).unwrap()
        };
        let sizes = model.sizes.lock().unwrap().clone();
        let (last, full) = sizes.split_last().unwrap();
        assert!(full.iter().all(|&s| s == 1000), "{sizes:?}");
        assert!((1..=1000).contains(last));
        assert_eq!(
            phi.iter().map(|p| p.model_calls).sum::<u64>(),
            model.calls.load(Ordering::Relaxed)
        );
        assert_eq!(
            phi.iter().map(|p| p.model_rows).sum::<u64>(),
            model.rows.load(Ordering::Relaxed)
        );
    }
    // The exact values do not depend on the batch size.
    let small = Shapley::new(&model, &background)
        .exact_rows(&explained)
        .unwrap();
    let large = Shapley::new(nonlinear_model(), &background)
        .exact_rows(&explained)
        .unwrap();
    for (a, b) in small.iter().zip(&large) {
        assert_eq!(a.values, b.values);
    }
}

#[derive(Features, Clone, Default)]
struct Wide {
    f0: f64,
    f1: f64,
    f2: f64,
    f3: f64,
    f4: f64,
    f5: f64,
    f6: f64,
    f7: f64,
    f8: f64,
    f9: f64,
    f10: f64,
    f11: f64,
    f12: f64,
    f13: f64,
    f14: f64,
    f15: f64,
    f16: f64,
}

#[test]
fn bad_settings_are_typed_errors_naming_what_is_wrong() {
    let oracle = oracle();
    let case = &oracle["nonlinear"];
    let background: Vec<Point> = rows(case, "background");
    let x = rows::<Point>(case, "rows").remove(0);
    let model = nonlinear_model();
    let shapley = || Shapley::new(&model, &background);

    let empty = Shapley::new(&model, &[]).exact(&x).unwrap_err();
    assert!(matches!(empty, ExplainError::EmptyBackground), "{empty}");

    let typo = shapley().group("ab", ["a", "bb"]).exact(&x).unwrap_err();
    assert!(
        matches!(&typo, ExplainError::UnknownFeature { player, feature, suggestion }
            if player == "ab" && feature == "bb" && suggestion.as_deref() == Some("b")),
        "{typo}"
    );
    assert_eq!(
        typo.to_string(),
        "group `ab`: no feature is called \"bb\"; did you mean \"b\"?"
    );

    let shared = shapley()
        .group("ab", ["a", "b"])
        .group("bc", ["b", "c"])
        .exact(&x)
        .unwrap_err();
    assert!(
        matches!(&shared, ExplainError::SharedFeature { feature, first, second }
            if feature == "b" && first == "ab" && second == "bc"),
        "{shared}"
    );

    let empty_group = shapley()
        .group("none", Vec::<String>::new())
        .exact(&x)
        .unwrap_err();
    assert!(matches!(empty_group, ExplainError::EmptyGroup { .. }));

    let clash = shapley().group("a", ["b", "c"]).exact(&x).unwrap_err();
    assert!(
        matches!(&clash, ExplainError::DuplicatePlayer { player } if player == "a"),
        "{clash}"
    );

    let few = shapley().sampled(&x, 3, 1).unwrap_err();
    assert!(matches!(
        few,
        ExplainError::TooFewPermutations {
            permutations: 3,
            min: 4
        }
    ));
    // Five permutations are rounded up to three antithetic pairs.
    let five = shapley().sampled(&x, 5, 1).unwrap();
    assert!(matches!(
        five.estimator,
        Estimator::Sampled {
            permutations: 6,
            ..
        }
    ));

    let wide_model = Regressor::from_fn(ModelInfo::new("wide", "1"), |b: &[Wide]| {
        Ok(b.iter().map(|w| w.f0 + w.f16).collect())
    });
    let wide_background = [Wide::default()];
    let wide_row = Wide {
        f0: 1.0,
        f16: 2.0,
        ..Wide::default()
    };
    let wide = Shapley::new(&wide_model, &wide_background);
    let too_many = wide.exact(&wide_row).unwrap_err();
    assert!(
        matches!(
            too_many,
            ExplainError::TooManyPlayers {
                players: 17,
                max: 16
            }
        ),
        "{too_many}"
    );
    assert!(too_many.to_string().contains("use `sampled`"));
    // Grouping brings the players within reach; sampling takes any number.
    let grouped = wide
        .clone()
        .group("f1_f2", ["f1", "f2"])
        .exact(&wide_row)
        .unwrap();
    assert_eq!(grouped.value_of("f16"), Some(2.0));
    let sampled = wide.sampled(&wide_row, 4, 0).unwrap();
    assert_eq!(sampled.values[0], 1.0);

    let classifier =
        Classifier::from_fn(ModelInfo::new("c", "1"), ["No", "Yes"], |b: &[Point]| {
            Ok(b.iter().map(|_| vec![0.5, 0.5]).collect())
        })
        .unwrap();
    let no_class = Shapley::new(&classifier, &background)
        .exact(&x)
        .unwrap_err();
    assert!(matches!(no_class, ExplainError::NoTarget), "{no_class}");
    let unknown = Shapley::new(&classifier, &background)
        .class("Maybe")
        .exact(&x)
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "the model has no class \"Maybe\" (classes: No, Yes)"
    );

    let failing = Regressor::from_fn(ModelInfo::new("failing", "1"), |_: &[Point]| {
        Err(ModelError::failed("out of memory"))
    });
    let failed = Shapley::new(&failing, &background).exact(&x).unwrap_err();
    assert!(matches!(failed, ExplainError::Model(_)), "{failed}");
    let panicking = Regressor::from_fn(ModelInfo::new("panicking", "1"), |_: &[Point]| {
        panic!("boom")
    });
    let panicked = Shapley::new(&panicking, &background).exact(&x).unwrap_err();
    assert!(panicked.to_string().contains("boom"), "{panicked}");
}
