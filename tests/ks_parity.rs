//! model-check's two-sample Kolmogorov–Smirnov test against scipy: `ks_test` against
//! `scipy.stats.ks_2samp(a, b)` and `kstwo_sf` against `scipy.stats.kstwo.sf`
//! (`tests/oracles/ks.py`, output committed as `ks.json`).

use std::collections::{BTreeMap, HashMap};

use model_check::stats::{KsMethod, ks_test, kstwo_sf};
use serde_json::Value;

fn oracle() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/ks.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The relative error of `got` against scipy's `expected` p-value: 0 where both are 0 (`got`
/// must be exactly 0 where scipy's is), `None` where scipy's value is below 1e-300 but not 0
/// (then `got` must be below 1e-300 too).
fn p_error(got: f64, expected: f64, what: &str) -> Option<f64> {
    assert!((0.0..=1.0).contains(&got), "{what}: p = {got}");
    if expected == 0.0 {
        assert_eq!(got, 0.0, "{what}: scipy gives 0");
        return Some(0.0);
    }
    if expected < 1e-300 {
        assert!(got < 1e-300, "{what}: {got} vs scipy's {expected:e}");
        return None;
    }
    Some((got - expected).abs() / expected)
}

/// Keeps the largest error of each branch, with the case it came from and how many cases
/// reached the branch.
#[derive(Default)]
struct Worst(BTreeMap<String, (f64, String, usize)>);

impl Worst {
    fn record(&mut self, branch: &str, error: f64, what: String) {
        let entry = self
            .0
            .entry(branch.to_string())
            .or_insert((0.0, what.clone(), 0));
        entry.2 += 1;
        if error > entry.0 {
            (entry.0, entry.1) = (error, what);
        }
    }

    fn print(&self, title: &str) {
        println!("{title}: largest relative p-value error per branch (cases)");
        for (branch, (error, what, count)) in &self.0 {
            println!("  {branch:<50} {error:9.2e} ({count:>2})  {what}");
        }
    }

    fn max(&self) -> f64 {
        self.0.values().map(|(e, _, _)| *e).fold(0.0, f64::max)
    }
}

#[test]
fn ks_test_matches_scipy_ks_2samp() {
    let oracle = oracle();
    let samples: HashMap<&str, Vec<f64>> = oracle["samples"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, values)| {
            let values = values
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            (name.as_str(), values)
        })
        .collect();
    let mut worst = Worst::default();
    let mut worst_statistic: f64 = 0.0;
    for case in oracle["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let a = &samples[case["a"].as_str().unwrap()];
        let b = &samples[case["b"].as_str().unwrap()];
        let branch = case["branch"].as_str().unwrap();
        let started = std::time::Instant::now();
        let test = ks_test(a, b).unwrap();
        let elapsed = started.elapsed();
        let expected_method = match case["method"].as_str().unwrap() {
            "exact" => KsMethod::Exact,
            "asymptotic" => KsMethod::Asymptotic,
            other => panic!("unknown method {other}"),
        };
        assert_eq!(test.method, expected_method, "{name}");
        let statistic_error = (test.statistic - case["statistic"].as_f64().unwrap()).abs();
        assert!(statistic_error <= 1e-12, "{name}: {test:?}");
        worst_statistic = worst_statistic.max(statistic_error);
        let expected = case["p"].as_f64().unwrap();
        if let Some(error) = p_error(test.p_value, expected, name) {
            assert!(
                error <= 1e-9,
                "{name} ({branch}): p = {:e}, scipy {expected:e}, relative error {error:e}",
                test.p_value
            );
            worst.record(branch, error, format!("{name}, p = {expected:.3e}"));
        }
        if elapsed.as_millis() > 200 {
            println!("  {name}: {elapsed:.2?}");
        }
    }
    println!("ks_test: largest statistic error {worst_statistic:e}");
    worst.print("ks_test");
    assert!(worst.max() <= 1e-9);
}

#[test]
fn kstwo_sf_matches_scipy_on_every_branch() {
    let oracle = oracle();
    let mut worst = Worst::default();
    for point in oracle["kstwo"].as_array().unwrap() {
        let n = point["n"].as_u64().unwrap();
        let d = point["d"].as_f64().unwrap();
        let branch = point["branch"].as_str().unwrap();
        let expected = point["sf"].as_f64().unwrap();
        let got = kstwo_sf(n, d);
        let what = format!("n = {n}, d = {d}, sf = {expected:.3e}");
        if let Some(error) = p_error(got, expected, &what) {
            assert!(
                error <= 1e-9,
                "{what} ({branch}): got {got:e}, relative error {error:e}"
            );
            worst.record(branch, error, what);
        }
    }
    worst.print("kstwo_sf");
    assert!(worst.max() <= 1e-9);
}
