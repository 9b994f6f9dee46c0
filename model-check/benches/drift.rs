//! Drift statistics on a million values against a million: the two-sample
//! Kolmogorov–Smirnov statistic, its p-value (`ks_test`, scipy's asymptotic branch at this
//! size), the PSI over ten decile bins, and the same data streamed through quantile sketches.
//! `benches/scipy_drift.py` times `scipy.stats.ks_2samp` and numpy's PSI on arrays of the
//! same size and runs this bench in the same script run, for the ratio in `benches/README.md`.
//!
//! Sizes: `MODEL_CHECK_BENCH_DRIFT_ROWS` (default 1000000), repetitions
//! `MODEL_CHECK_BENCH_REPS` (default 5); the median is printed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use model_check::rng::seeded_rng;
use model_check::stats::{QuantileSketch, ks_statistic, ks_test, psi, sketch_ks_statistic};
use rand_distr::{Distribution, StandardNormal};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps {
        let start = Instant::now();
        last = Some(black_box(f()));
        times.push(start.elapsed());
    }
    (median(times), last.expect("at least one repetition"))
}

fn main() {
    let n: usize = std::env::var("MODEL_CHECK_BENCH_DRIFT_ROWS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let reps: usize = std::env::var("MODEL_CHECK_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let mut rng = seeded_rng(14);
    let mut sample = |shift: f64| -> Vec<f64> {
        (0..n)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                z + shift
            })
            .collect()
    };
    let (reference, current) = (sample(0.0), sample(0.01));
    println!("drift bench: {n} values against {n}, median of {reps}");
    let ms = |t: Duration| t.as_secs_f64() * 1e3;
    let (t, d) = time(reps, || ks_statistic(&current, &reference).unwrap());
    println!("  ks_statistic          {:>9.1} ms   D = {d:.6}", ms(t));
    let (t, test) = time(reps, || ks_test(&current, &reference).unwrap());
    println!(
        "  ks_test (p-value)     {:>9.1} ms   D = {:.6}, p = {:.3e}, {:?}",
        ms(t),
        test.statistic,
        test.p_value,
        test.method
    );
    let (t, value) = time(reps, || psi(&reference, &current, 10).unwrap());
    println!(
        "  psi, 10 bins          {:>9.1} ms   PSI = {value:.3e}",
        ms(t)
    );
    let (t, (a, b)) = time(reps, || {
        let (mut a, mut b) = (QuantileSketch::new(4096), QuantileSketch::new(4096));
        current.iter().for_each(|&x| {
            a.insert(x);
        });
        reference.iter().for_each(|&x| {
            b.insert(x);
        });
        (a, b)
    });
    let sketched = sketch_ks_statistic(&a, &b).unwrap();
    let slack = a.rank_error() as f64 / n as f64 + b.rank_error() as f64 / n as f64;
    println!(
        "  sketch both + ks      {:>9.1} ms   D = {sketched:.6} ± {slack:.4}, {} values kept",
        ms(t),
        a.retained() + b.retained()
    );
}
