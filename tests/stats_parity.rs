//! model-check's normal distribution and Holm adjustment against scipy and statsmodels
//! (`tests/oracles/normal_holm.py`, output committed as `normal_holm.json`).

use model_check::stats::{holm, normal_cdf, normal_quantile};
use serde_json::Value;

fn oracle() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/oracles/normal_holm.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn pairs(v: &Value) -> Vec<(f64, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect()
}

#[test]
fn the_normal_cdf_matches_scipy() {
    let oracle = oracle();
    let mut worst_abs: f64 = 0.0;
    let mut worst_rel: f64 = 0.0;
    for (x, expected) in pairs(&oracle["cdf"]) {
        let got = normal_cdf(x);
        worst_abs = worst_abs.max((got - expected).abs());
    }
    // The lower tail carries its own relative accuracy: Φ(x) for x ≤ 0 is computed directly.
    for (x, expected) in pairs(&oracle["sf"]) {
        let got = normal_cdf(-x);
        if expected > 1e-300 {
            worst_rel = worst_rel.max((got - expected).abs() / expected);
        }
    }
    println!(
        "normal_cdf: largest absolute error {worst_abs:e}, largest relative tail error {worst_rel:e}"
    );
    assert!(worst_abs < 1e-14, "{worst_abs}");
    assert!(worst_rel < 1e-13, "{worst_rel}");
}

#[test]
fn the_normal_quantile_matches_scipy() {
    let mut worst: f64 = 0.0;
    for (p, expected) in pairs(&oracle()["ppf"]) {
        let got = normal_quantile(p);
        worst = worst.max((got - expected).abs() / expected.abs().max(1.0));
    }
    println!("normal_quantile: largest relative error {worst:e}");
    assert!(worst < 1e-12, "{worst}");
}

#[test]
fn holm_matches_statsmodels() {
    let oracle = oracle();
    for case in oracle["holm"].as_array().unwrap() {
        let p: Vec<f64> = case["p"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let expected: Vec<f64> = case["adjusted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let got = holm(&p);
        for (g, e) in got.iter().zip(&expected) {
            assert!(
                (g - e).abs() <= 1e-15 * e.max(1.0),
                "{p:?}: {got:?} vs {expected:?}"
            );
        }
        let reject: Vec<bool> = case["reject"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_bool().unwrap())
            .collect();
        assert_eq!(got.iter().map(|&a| a <= 0.05).collect::<Vec<_>>(), reject);
    }
}

fn fdr_oracle() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/fdr_fisher.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn benjamini_hochberg_and_yekutieli_match_statsmodels() {
    let oracle = fdr_oracle();
    let mut worst: f64 = 0.0;
    for case in oracle["fdr"].as_array().unwrap() {
        let p = floats(&case["p"]);
        let expected = floats(&case["adjusted"]);
        let q = case["q"].as_f64().unwrap();
        let got = match case["method"].as_str().unwrap() {
            "fdr_bh" => model_check::stats::benjamini_hochberg(&p),
            "fdr_by" => model_check::stats::benjamini_yekutieli(&p),
            other => panic!("{other}"),
        };
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            worst = worst.max((g - e).abs());
            let reject = case["reject"][i].as_bool().unwrap();
            assert_eq!(*g <= q, reject, "{case}");
        }
    }
    println!("FDR adjustments: largest absolute difference from statsmodels {worst:e}");
    assert!(worst <= 1e-15, "{worst:e}");
}

#[test]
fn fisher_exact_greater_matches_scipy_down_to_tiny_p_values() {
    let oracle = fdr_oracle();
    let mut worst: f64 = 0.0;
    for case in oracle["fisher_greater"].as_array().unwrap() {
        let t = &case["table"];
        let cell = |r: usize, c: usize| t[r][c].as_u64().unwrap();
        let table = [[cell(0, 0), cell(0, 1)], [cell(1, 0), cell(1, 1)]];
        let expected = case["p"].as_f64().unwrap();
        let got = model_check::stats::fisher_exact_greater(table);
        if expected < 1e-300 {
            // Below the normal floats: both vanishingly small.
            assert!(got < 1e-290, "{table:?}: {got:e} vs {expected:e}");
            continue;
        }
        let relative = (got - expected).abs() / expected;
        worst = worst.max(relative);
        assert!(relative < 1e-9, "{table:?}: {got:e} vs {expected:e}");
    }
    println!("fisher_exact_greater: largest relative difference from scipy {worst:e}");
}

fn drift_oracle() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/drift.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn drift_distances_match_scipy_and_numpy() {
    use model_check::stats::{Bins, jensen_shannon, ks_statistic, psi, wasserstein};
    let oracle = drift_oracle();
    let close = |got: f64, expected: f64| (got - expected).abs() <= 1e-9 * expected.abs().max(1.0);
    for pair in oracle["pairs"].as_array().unwrap() {
        let name = pair["name"].as_str().unwrap();
        let (a, b) = (floats(&pair["reference"]), floats(&pair["current"]));
        let ks = ks_statistic(&a, &b).unwrap();
        assert!(close(ks, pair["ks"].as_f64().unwrap()), "{name}: KS {ks}");
        let w = wasserstein(&a, &b).unwrap();
        assert!(
            close(w, pair["wasserstein"].as_f64().unwrap()),
            "{name}: W1 {w}"
        );
        let bins = Bins::of(&a, 10).unwrap();
        assert_eq!(
            bins.edges(),
            floats(&pair["edges"]).as_slice(),
            "{name}: edges"
        );
        let p = psi(&a, &b, 10).unwrap();
        assert!(close(p, pair["psi"].as_f64().unwrap()), "{name}: PSI {p}");
        let shares = |x: &[f64]| -> Vec<f64> {
            bins.counts(x)
                .iter()
                .map(|&c| c as f64 / x.len() as f64)
                .collect()
        };
        let js = jensen_shannon(&shares(&b), &shares(&a)).unwrap();
        assert!(close(js, pair["js"].as_f64().unwrap()), "{name}: JS {js}");
    }
}

#[test]
fn chi_square_matches_scipy_chi2_contingency() {
    let oracle = drift_oracle();
    for case in oracle["chi2"].as_array().unwrap() {
        let table: Vec<Vec<u64>> = case["table"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect()
            })
            .collect();
        let test = model_check::stats::chi_square(&table).unwrap();
        let expected = case["statistic"].as_f64().unwrap();
        assert!(
            (test.statistic - expected).abs() <= 1e-9 * expected,
            "{table:?}"
        );
        assert_eq!(test.dof as u64, case["dof"].as_u64().unwrap());
        let p = case["p"].as_f64().unwrap();
        assert!(
            (test.p_value - p).abs() <= 1e-9 * p,
            "{table:?}: p {:e} vs {p:e}",
            test.p_value
        );
    }
}

/// Isotonic regression as scikit-learn's `IsotonicRegression(out_of_bounds="clip")` fits
/// and predicts it (`tests/oracles/isotonic.py`): on a grid reaching past the data and at
/// the fitted points, ties included.
#[test]
fn isotonic_regression_matches_scikit_learn() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/isotonic.json");
    let oracle: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let floats = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let mut worst: f64 = 0.0;
    for case in oracle["cases"].as_array().unwrap() {
        let (x, y) = (floats(&case["x"]), floats(&case["y"]));
        let fit = model_check::stats::Isotonic::fit(&x, &y).unwrap();
        for (points, expected) in [
            (&case["grid"], &case["predicted"]),
            (&case["x"], &case["at_x"]),
        ] {
            for (t, e) in floats(points).into_iter().zip(floats(expected)) {
                worst = worst.max((fit.predict(t) - e).abs());
            }
        }
    }
    println!("isotonic: largest difference from scikit-learn {worst:e}");
    assert!(worst < 1e-12, "{worst}");
}
