//! Permutation importance and partial dependence against scikit-learn
//! (`tests/oracles/explain.py`, output `explain.json`): the same logistic regression on
//! Telco's eight numeric columns, its coefficients exported.
//!
//! - `permutation_importance(..., n_repeats=5, random_state=0)` for accuracy and
//!   neg_log_loss: with scikit-learn's permutations (exported), `importances`,
//!   `importances_mean` and `importances_std` match to 1e-12;
//! - `partial_dependence(..., method="brute", response_method="predict_proba")` on
//!   scikit-learn's grid (computed here, not read) for tenure (its 70 distinct values),
//!   monthly charges (100 points between mquantiles' 5th and 95th percentiles) and partner
//!   (0/1): grid, average and individual curves to 1e-12.

use model_check::explain::{Loss, partial_dependence, permutation_importance};
use model_check::prelude::*;
use serde_json::Value as Json;

#[derive(Features, Clone, Debug)]
struct Telco {
    female: f64,
    senior_citizen: f64,
    partner: f64,
    dependents: f64,
    tenure: f64,
    phone_service: f64,
    paperless_billing: f64,
    monthly_charges: f64,
}

fn oracle() -> Json {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/explain.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &Json) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn setup() -> (
    Json,
    impl Model<Input = Telco, Output = Probabilities>,
    Dataset<Telco>,
) {
    let oracle = oracle();
    let coef = floats(&oracle["coef"]);
    let intercept = oracle["intercept"].as_f64().unwrap();
    let model = Classifier::from_fn(
        ModelInfo::new("sklearn-lr", "oracle"),
        ["No", "Yes"],
        move |batch: &[Telco]| {
            Ok(batch
                .iter()
                .map(|t| {
                    let x = [
                        t.female,
                        t.senior_citizen,
                        t.partner,
                        t.dependents,
                        t.tenure,
                        t.phone_service,
                        t.paperless_billing,
                        t.monthly_charges,
                    ];
                    let z: f64 = x.iter().zip(&coef).map(|(a, b)| a * b).sum::<f64>() + intercept;
                    let p = 1.0 / (1.0 + (-z).exp());
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .unwrap();
    let rows: Vec<Telco> = oracle["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let x = floats(r);
            Telco {
                female: x[0],
                senior_citizen: x[1],
                partner: x[2],
                dependents: x[3],
                tenure: x[4],
                phone_service: x[5],
                paperless_billing: x[6],
                monthly_charges: x[7],
            }
        })
        .collect();
    let labels = Labels::classes(
        oracle["churn"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| if y.as_i64() == Some(1) { "Yes" } else { "No" }),
    )
    .unwrap();
    let data = Dataset::from_rows(rows, labels).unwrap();
    (oracle, model, data)
}

#[test]
fn permutation_importance_matches_scikit_learn_with_its_permutations() {
    let (oracle, model, data) = setup();
    let permutations: Vec<Vec<usize>> = oracle["permutations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_u64().unwrap() as usize)
                .collect()
        })
        .collect();
    let mut worst: f64 = 0.0;
    for (scoring, loss) in [
        ("accuracy", Loss::ErrorRate),
        ("neg_log_loss", Loss::LogLoss),
    ] {
        let expected = &oracle["importance"][scoring];
        let got = permutation_importance(&model, &data)
            .loss(loss)
            .permutations(permutations.clone())
            .run()
            .unwrap();
        assert_eq!(got.features.len(), 8);
        for (j, feature) in got.features.iter().enumerate() {
            let repeats = floats(&expected["importances"][j]);
            for (a, b) in feature.repeats.iter().zip(&repeats) {
                worst = worst.max((a - b).abs());
            }
            worst = worst.max((feature.mean - expected["mean"][j].as_f64().unwrap()).abs());
            worst = worst.max((feature.std - expected["std"][j].as_f64().unwrap()).abs());
            // The importance is the mean of the paired per-row differences.
            assert!(feature.interval.contains(feature.mean));
        }
    }
    println!("permutation importance: largest difference from scikit-learn {worst:e}");
    assert!(worst < 1e-12, "{worst}");
}

#[test]
fn partial_dependence_matches_scikit_learn_on_its_grid() {
    let (oracle, model, data) = setup();
    let mut worst: f64 = 0.0;
    for (name, feature) in [
        ("tenure", Telco::TENURE),
        ("monthly_charges", Telco::MONTHLY_CHARGES),
        ("partner", Telco::PARTNER),
    ] {
        let expected = &oracle["pdp"][name];
        let curves = partial_dependence(&model, &data, feature)
            .target("Yes".into())
            .run()
            .unwrap();
        let grid: Vec<f64> = curves.grid.iter().map(|v| v.as_number().unwrap()).collect();
        let expected_grid = floats(&expected["grid"]);
        assert_eq!(grid.len(), expected_grid.len(), "{name}");
        for (a, b) in grid.iter().zip(&expected_grid) {
            worst = worst.max((a - b).abs() / b.abs().max(1.0));
        }
        for (a, b) in curves.average.iter().zip(floats(&expected["average"])) {
            worst = worst.max((a - b).abs());
        }
        for (curve, row) in curves
            .individual
            .iter()
            .zip(expected["individual"].as_array().unwrap())
        {
            for (a, b) in curve.iter().zip(floats(row)) {
                worst = worst.max((a - b).abs());
            }
        }
        // Every row at every grid value, in full batches.
        let inputs = (300 * grid.len()) as u64;
        let batch = model_check::model::BATCH_SIZE as u64;
        assert_eq!(curves.model_calls, inputs.div_ceil(batch), "{name}");
    }
    println!("partial dependence: largest difference from scikit-learn {worst:e}");
    assert!(worst < 1e-12, "{worst}");
}

/// Grouped features are permuted together and reported as one; a feature in two groups, or
/// a name that is no feature, is an error naming it.
#[test]
fn grouped_features_are_one_and_bad_groups_are_named() {
    let (_, model, data) = setup();
    let grouped = permutation_importance(&model, &data)
        .group("charges_and_tenure", ["tenure", "monthly_charges"])
        .seed(3)
        .run()
        .unwrap();
    assert_eq!(grouped.features.len(), 7);
    let group = grouped.of("charges_and_tenure").unwrap();
    let alone = permutation_importance(&model, &data).seed(3).run().unwrap();
    // Shuffling both at once hurts at least as much as shuffling tenure alone, here.
    assert!(group.mean >= alone.of("tenure").unwrap().mean);
    let err = permutation_importance(&model, &data)
        .group("a", ["tenure"])
        .group("b", ["tenure"])
        .run()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tenure") && err.contains('a') && err.contains('b'),
        "{err}"
    );
    let err = permutation_importance(&model, &data)
        .group("c", ["tenur"])
        .run()
        .unwrap_err()
        .to_string();
    assert!(err.contains("tenur") && err.contains("tenure"), "{err}");
}
