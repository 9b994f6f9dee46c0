//! model-check's DeLong AUC variance (`stats::delong`, Sun and Xu's midrank algorithm)
//! against the definitions evaluated exactly, pair by pair, in rational arithmetic
//! (`tests/oracles/delong.py`, output committed as `delong.json`), and its AUC against the
//! ROC AUC of `ClassificationMetrics` on the Telco churn predictions.

mod common;

use common::{oracle, telco};
use model_check::metrics::ClassificationMetrics;
use model_check::prelude::*;
use model_check::stats::{Delong, Z_95, delong};
use serde_json::Value as Json;

/// Relative tolerance for the AUC and the variance: the oracle writes the exact values
/// correctly rounded, and `delong` rounds only in its last few divisions.
const TOLERANCE: f64 = 1e-15;

fn reference() -> Json {
    let text = std::fs::read_to_string(oracle("delong.json")).expect("delong.json");
    serde_json::from_str(&text).expect("delong.json parses")
}

fn dataset<'a>(reference: &'a Json, name: &str) -> &'a Json {
    reference["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no dataset {name} in delong.json"))
}

/// The Telco churn scores (scikit-learn's probability of `Yes`) and labels, in data order,
/// joined on `rownames` as the oracle joins them.
fn telco_scores() -> (Vec<f64>, Vec<bool>) {
    let data = telco("churn");
    let table = PredictionTable::classifier_csv(
        ModelInfo::new("sklearn-binary", "oracle"),
        oracle("telco_binary_predictions.csv"),
        "rownames",
    )
    .unwrap();
    let scores = data
        .rows()
        .iter()
        .map(|c| {
            table
                .get(&c.rownames.to_string())
                .unwrap()
                .of("Yes")
                .unwrap()
        })
        .collect();
    let positive = (0..data.len())
        .map(|row| data.labels().class_of(row) == Some("Yes"))
        .collect();
    (scores, positive)
}

fn relative(ours: f64, theirs: f64) -> f64 {
    if ours == theirs {
        0.0
    } else {
        (ours - theirs).abs() / theirs.abs()
    }
}

#[test]
fn delong_matches_the_exact_definitions() {
    let reference = reference();
    assert_eq!(reference["z"].as_f64().unwrap(), Z_95);
    let (mut worst_auc, mut worst_variance, mut worst_bound) = (0.0f64, 0.0f64, 0.0f64);
    let mut names = Vec::new();
    for case in reference["datasets"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (scores, positive) = if name == "telco" {
            telco_scores()
        } else {
            (
                serde_json::from_value(case["scores"].clone()).unwrap(),
                serde_json::from_value(case["positive"].clone()).unwrap(),
            )
        };
        let d: Delong = delong(&scores, &positive).unwrap_or_else(|| panic!("{name}: None"));
        assert_eq!(d.positives, case["positives"].as_u64().unwrap(), "{name}");
        assert_eq!(d.negatives, case["negatives"].as_u64().unwrap(), "{name}");
        let auc = relative(d.auc, case["auc"].as_f64().unwrap());
        let variance = relative(d.variance, case["variance"].as_f64().unwrap());
        assert!(auc <= TOLERANCE, "{name}: AUC {} vs {}", d.auc, case["auc"]);
        assert!(
            variance <= TOLERANCE,
            "{name}: variance {} vs {} (relative difference {variance:e})",
            d.variance,
            case["variance"]
        );
        let ci = d.interval(Z_95);
        for (ours, theirs) in [
            (ci.lo, &case["interval_95"][0]),
            (ci.hi, &case["interval_95"][1]),
        ] {
            let diff = (ours - theirs.as_f64().unwrap()).abs();
            assert!(
                diff <= 1e-14,
                "{name}: interval {ci:?} vs {}",
                case["interval_95"]
            );
            worst_bound = worst_bound.max(diff);
        }
        worst_auc = worst_auc.max(auc);
        worst_variance = worst_variance.max(variance);
        names.push(name);
    }
    assert_eq!(
        names,
        [
            "tiny",
            "many_ties",
            "all_tied",
            "separated",
            "single_positive",
            "medium",
            "telco"
        ]
    );
    eprintln!(
        "delong vs exact definitions: largest relative difference AUC {worst_auc:e}, \
         variance {worst_variance:e}; largest absolute difference of a 95% bound {worst_bound:e}"
    );
}

#[test]
fn the_degenerate_datasets_have_the_documented_values() {
    let reference = reference();
    // Complete ties and perfect separation: no variance, a point interval.
    let tied = dataset(&reference, "all_tied");
    assert_eq!(tied["auc_exact"], "1/2");
    assert_eq!(tied["variance_exact"], "0");
    let separated = dataset(&reference, "separated");
    assert_eq!(separated["auc_exact"], "1");
    assert_eq!(separated["interval_95"], serde_json::json!([1.0, 1.0]));
    // One positive: S10 is undefined and only S01/n remains.
    let single = dataset(&reference, "single_positive");
    assert!(single["s10"].is_null());
    let s01 = single["s01"].as_f64().unwrap();
    let n = single["negatives"].as_f64().unwrap();
    assert!(relative(s01 / n, single["variance"].as_f64().unwrap()) < 1e-15);
}

#[test]
fn the_auc_is_the_roc_auc_of_classification_metrics() {
    let (scores, positive) = telco_scores();
    let d = delong(&scores, &positive).unwrap();
    let results = evaluate_classifier(
        &common::sklearn_churn_model(),
        &telco("churn"),
        &[Cohort::all()],
    )
    .unwrap();
    let metrics: &ClassificationMetrics = &results[0].metrics;
    let yes = metrics.class_index("Yes").unwrap();
    assert_eq!(d.auc, metrics.roc_auc(yes).unwrap());
    assert_eq!(d.positives, metrics.support(yes));
    assert_eq!(d.positives + d.negatives, metrics.n());
    // The oracle's interval, [0.8383, 0.8575], to four decimals.
    let ci = d.interval(Z_95);
    assert!(ci.lo > 0.838 && ci.hi < 0.858, "{ci:?}");
}

#[test]
fn delong_is_none_without_both_classes_or_with_nan() {
    assert_eq!(delong(&[], &[]), None);
    assert_eq!(delong(&[0.2, 0.9], &[true, true]), None);
    assert_eq!(delong(&[0.2, 0.9], &[false, false]), None);
    assert_eq!(delong(&[0.2, f64::NAN, 0.4], &[true, false, false]), None);
    assert_eq!(delong(&[0.2, 0.4], &[true, false, false]), None);
    // Infinite scores are ordinary scores; -0.0 ties with 0.0.
    let d = delong(
        &[f64::NEG_INFINITY, 0.0, -0.0, f64::INFINITY],
        &[false, true, false, true],
    )
    .unwrap();
    assert_eq!(d.auc, (1.0 + 0.5 + 1.0 + 1.0) / 4.0);
}

#[test]
fn a_wrong_variance_fails_the_comparison() {
    // The tolerance is not vacuous: the variance with divisor m instead of m − 1 (the
    // population variance) is far outside it on the medium dataset.
    let reference = reference();
    let medium = dataset(&reference, "medium");
    let scores: Vec<f64> = serde_json::from_value(medium["scores"].clone()).unwrap();
    let positive: Vec<bool> = serde_json::from_value(medium["positive"].clone()).unwrap();
    let d = delong(&scores, &positive).unwrap();
    let (m, n) = (d.positives as f64, d.negatives as f64);
    let s10 = medium["s10"].as_f64().unwrap();
    let s01 = medium["s01"].as_f64().unwrap();
    let biased = s10 * (m - 1.0) / m / m + s01 * (n - 1.0) / n / n;
    assert!(relative(biased, d.variance) > 1e3 * TOLERANCE);
    assert!(relative(d.variance, medium["variance"].as_f64().unwrap()) <= TOLERANCE);
}
