#[path = "fairness/model.rs"]
mod model;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
fn main() {
    let data = model::load().unwrap();
    let (train, test) = data.split(0.6, 42).unwrap();
    let enc = model_check::data::Encoder::fit_standardized(&train);
    let names = enc.columns().to_vec();
    let y: Vec<i32> = train
        .labels()
        .indicator(">50K")
        .unwrap()
        .into_iter()
        .map(i32::from)
        .collect();
    let yt: Vec<i32> = test
        .labels()
        .indicator(">50K")
        .unwrap()
        .into_iter()
        .map(i32::from)
        .collect();
    let firsts: Vec<String> = {
        let mut seen = std::collections::HashSet::new();
        names.iter().filter(|n| n.contains('=')).filter(|n| seen.insert(n.split('=').next().unwrap().to_string())).cloned().collect()
    };
    for (label, drop, alpha, ref_code) in [
        ("ref coding", vec![], 1.0, true),
        ("ref coding, no edu", vec!["education="], 1.0, true),
        ("ref coding alpha 10", vec![], 10.0, true),
    ] {
        let keep: Vec<usize> = (0..names.len())
            .filter(|&i| !drop.iter().any(|d: &&str| names[i].starts_with(d)) && !(ref_code && firsts.contains(&names[i])))
            .collect();
        let sel = |rows: &[model::Person]| {
            let flat = enc.encode_flat(rows);
            let w = enc.width();
            let mut out = Vec::new();
            for r in 0..rows.len() {
                for &k in &keep {
                    out.push(flat[r * w + k]);
                }
            }
            DenseMatrix::new(rows.len(), keep.len(), out, false).unwrap()
        };
        let t = std::time::Instant::now();
        let x = sel(train.rows());
        let lr: LogisticRegression<f64, i32, DenseMatrix<f64>, Vec<i32>> = LogisticRegression::fit(
            &x,
            &y,
            LogisticRegressionParameters::default().with_alpha(alpha),
        )
        .unwrap();
        let p = lr.predict(&sel(test.rows())).unwrap();
        let acc = p.iter().zip(&yt).filter(|(a, b)| a == b).count() as f64 / yt.len() as f64;
        eprintln!(
            "{label}: {} cols, {:?}, acc {acc:.4}",
            keep.len(),
            t.elapsed()
        );
    }
}
