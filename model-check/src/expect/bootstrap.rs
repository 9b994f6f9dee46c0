//! Percentile-bootstrap intervals for metrics that are not rates.
//!
//! A resample is drawn as multiplicities — how many times each row was drawn, with
//! replacement — and each metric is computed from per-row quantities weighted by them, in
//! one pass over the rows per resample (ROC AUC walks a ranking sorted once). This is the
//! ordinary bootstrap, without rebuilding accumulators for every resample.

use crate::data::seeded_rng;
use crate::metrics::{CALIBRATION_BINS, Interval};
use crate::model::Probabilities;

/// A seeded percentile-bootstrap 95% interval of `statistic` over `n` rows (see
/// [`crate::stats::percentile_bootstrap`]).
pub(super) fn interval(
    resamples: u32,
    n: usize,
    seed: u64,
    statistic: impl Fn(&[u32]) -> Option<f64>,
) -> Option<Interval> {
    crate::stats::percentile_bootstrap(resamples, n, &mut seeded_rng(seed), statistic)
}

/// The same interval for a statistic of the resample's cell totals (see
/// [`crate::stats::percentile_bootstrap_cells`]): the same draws, without multiplicities.
pub(super) fn cell_interval(
    resamples: u32,
    seed: u64,
    cells: &[u16],
    k: usize,
    statistic: impl Fn(&[u64]) -> Option<f64>,
) -> Option<Interval> {
    crate::stats::percentile_bootstrap_cells(resamples, cells, k, &mut seeded_rng(seed), statistic)
}

/// The one-vs-rest cells of `class`, as [`ClassRows::cells`] numbers them.
pub(super) const TRUE_POSITIVE: usize = 0;
pub(super) const FALSE_NEGATIVE: usize = 1;
pub(super) const FALSE_POSITIVE: usize = 2;

/// F1 of a class from its one-vs-rest cell totals.
pub(super) fn f1_of_cells(c: &[u64]) -> Option<f64> {
    let (tp, wrong) = (c[TRUE_POSITIVE], c[FALSE_NEGATIVE] + c[FALSE_POSITIVE]);
    (2 * tp + wrong > 0).then(|| 2.0 * tp as f64 / (2 * tp + wrong) as f64)
}

/// F-beta of a class from its one-vs-rest cell totals.
pub(super) fn f_beta_of_cells(c: &[u64], beta: f64) -> Option<f64> {
    let (tp, fn_, fp) = (c[TRUE_POSITIVE], c[FALSE_NEGATIVE], c[FALSE_POSITIVE]);
    let b2 = beta * beta;
    let denominator = (1.0 + b2) * tp as f64 + b2 * fn_ as f64 + fp as f64;
    (tp + fn_ + fp > 0).then(|| (1.0 + b2) * tp as f64 / denominator)
}

/// Per-row quantities of a classifier's outputs, from which every non-rate classification
/// metric is a weighted sum.
pub(super) struct ClassRows {
    truth: Vec<usize>,
    predicted: Vec<usize>,
    /// −ln of the true class's probability, clipped as in log loss.
    loss: Vec<f64>,
    /// Squared distance from the one-hot truth.
    squared: Vec<f64>,
    confidence: Vec<f64>,
    /// The class's probability for each row, and the rows sorted by it.
    score: Vec<f64>,
    ranking: Vec<usize>,
    classes: usize,
}

impl ClassRows {
    pub(super) fn new<'p>(
        truth: &[usize],
        predictions: impl IntoIterator<Item = &'p Probabilities>,
        class: usize,
    ) -> Self {
        let eps = f64::EPSILON;
        let mut predictions = predictions.into_iter().peekable();
        let classes = predictions.peek().map_or(0, |p| p.classes().len());
        let mut rows = ClassRows {
            truth: truth.to_vec(),
            predicted: Vec::with_capacity(truth.len()),
            loss: Vec::with_capacity(truth.len()),
            squared: Vec::with_capacity(truth.len()),
            confidence: Vec::with_capacity(truth.len()),
            score: Vec::with_capacity(truth.len()),
            ranking: (0..truth.len()).collect(),
            classes,
        };
        for (&t, output) in truth.iter().zip(predictions) {
            let p = output.as_slice();
            let predicted = output.predicted();
            rows.predicted.push(predicted);
            rows.loss.push(-p[t].clamp(eps, 1.0 - eps).ln());
            rows.squared.push(
                p.iter()
                    .enumerate()
                    .map(|(c, &q)| (q - f64::from(u8::from(c == t))).powi(2))
                    .sum(),
            );
            rows.confidence.push(p[predicted]);
            rows.score.push(p[class]);
        }
        let score = &rows.score;
        rows.ranking.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
        rows
    }

    fn total(w: &[u32]) -> f64 {
        w.iter().map(|&w| f64::from(w)).sum()
    }

    pub(super) fn log_loss(&self, w: &[u32]) -> Option<f64> {
        let n = Self::total(w);
        (n > 0.0).then(|| {
            w.iter()
                .zip(&self.loss)
                .map(|(&w, l)| f64::from(w) * l)
                .sum::<f64>()
                / n
        })
    }

    pub(super) fn brier(&self, w: &[u32]) -> Option<f64> {
        let n = Self::total(w);
        let scale = if self.classes == 2 { 0.5 } else { 1.0 };
        (n > 0.0).then(|| {
            scale
                * w.iter()
                    .zip(&self.squared)
                    .map(|(&w, s)| f64::from(w) * s)
                    .sum::<f64>()
                / n
        })
    }

    pub(super) fn calibration_error(&self, w: &[u32]) -> Option<f64> {
        let mut count = [0.0; CALIBRATION_BINS];
        let mut correct = [0.0; CALIBRATION_BINS];
        let mut confidence = [0.0; CALIBRATION_BINS];
        for (i, &w) in w.iter().enumerate() {
            if w == 0 {
                continue;
            }
            let c = self.confidence[i];
            let bin = ((c * CALIBRATION_BINS as f64).floor() as usize).min(CALIBRATION_BINS - 1);
            let w = f64::from(w);
            count[bin] += w;
            correct[bin] += w * f64::from(u8::from(self.predicted[i] == self.truth[i]));
            confidence[bin] += w * c;
        }
        let n: f64 = count.iter().sum();
        (n > 0.0).then(|| {
            (0..CALIBRATION_BINS)
                .filter(|&b| count[b] > 0.0)
                .map(|b| (count[b] / n) * (correct[b] / count[b] - confidence[b] / count[b]).abs())
                .sum()
        })
    }

    /// Each row's one-vs-rest cell for `class`: true positive, false negative, false
    /// positive or true negative (0 to 3).
    pub(super) fn cells(&self, class: usize) -> Vec<u16> {
        self.truth
            .iter()
            .zip(&self.predicted)
            .map(|(&t, &p)| match (t == class, p == class) {
                (true, true) => TRUE_POSITIVE as u16,
                (true, false) => FALSE_NEGATIVE as u16,
                (false, true) => FALSE_POSITIVE as u16,
                (false, false) => 3,
            })
            .collect()
    }

    pub(super) fn f1(&self, w: &[u32], class: usize) -> Option<f64> {
        let (mut tp, mut wrong) = (0u64, 0u64);
        for (i, &w) in w.iter().enumerate() {
            let (t, p) = (self.truth[i] == class, self.predicted[i] == class);
            if t && p {
                tp += u64::from(w);
            } else if t || p {
                wrong += u64::from(w);
            }
        }
        (2 * tp + wrong > 0).then(|| 2.0 * tp as f64 / (2 * tp + wrong) as f64)
    }

    /// F-beta of `class` over the resample (resampled by cell outside the tests).
    #[cfg(test)]
    pub(super) fn f_beta(&self, w: &[u32], class: usize, beta: f64) -> Option<f64> {
        let (mut tp, mut fn_, mut fp) = (0u64, 0u64, 0u64);
        for (i, &w) in w.iter().enumerate() {
            match (self.truth[i] == class, self.predicted[i] == class) {
                (true, true) => tp += u64::from(w),
                (true, false) => fn_ += u64::from(w),
                (false, true) => fp += u64::from(w),
                (false, false) => {}
            }
        }
        let b2 = beta * beta;
        let denominator = (1.0 + b2) * tp as f64 + b2 * fn_ as f64 + fp as f64;
        (tp + fn_ + fp > 0).then(|| (1.0 + b2) * tp as f64 / denominator)
    }

    /// The mean cost per row of the resample's decisions.
    pub(super) fn expected_cost(&self, w: &[u32], cost: &[Vec<f64>]) -> Option<f64> {
        let (mut total, mut n) = (0.0, 0u64);
        for (i, &w) in w.iter().enumerate() {
            total += f64::from(w) * cost[self.truth[i]][self.predicted[i]];
            n += u64::from(w);
        }
        (n > 0).then(|| total / n as f64)
    }

    /// One-vs-rest ROC AUC of the class the scores belong to (ties count one half).
    pub(super) fn roc_auc(&self, w: &[u32], class: usize) -> Option<f64> {
        let (mut positives, mut negatives) = (0u128, 0u128);
        let mut negatives_below = 0u128;
        let mut twice_u = 0u128;
        let mut i = 0;
        while i < self.ranking.len() {
            // One group of tied scores.
            let (mut p, mut n) = (0u128, 0u128);
            let score = self.score[self.ranking[i]];
            while i < self.ranking.len() && self.score[self.ranking[i]] == score {
                let row = self.ranking[i];
                if self.truth[row] == class {
                    p += u128::from(w[row]);
                } else {
                    n += u128::from(w[row]);
                }
                i += 1;
            }
            twice_u += p * (2 * negatives_below + n);
            negatives_below += n;
            positives += p;
            negatives += n;
        }
        (positives > 0 && negatives > 0)
            .then(|| twice_u as f64 / (2.0 * positives as f64 * negatives as f64))
    }
}

/// Per-row quantities of a regressor's outputs.
pub(super) struct RegressionRows {
    truth: Vec<f64>,
    error: Vec<f64>,
}

impl RegressionRows {
    pub(super) fn new<'p>(truth: &[f64], predictions: impl IntoIterator<Item = &'p f64>) -> Self {
        RegressionRows {
            truth: truth.to_vec(),
            error: predictions
                .into_iter()
                .zip(truth)
                .map(|(p, t)| p - t)
                .collect(),
        }
    }

    pub(super) fn mae(&self, w: &[u32]) -> Option<f64> {
        let n = ClassRows::total(w);
        (n > 0.0).then(|| {
            w.iter()
                .zip(&self.error)
                .map(|(&w, e)| f64::from(w) * e.abs())
                .sum::<f64>()
                / n
        })
    }

    pub(super) fn rmse(&self, w: &[u32]) -> Option<f64> {
        let n = ClassRows::total(w);
        (n > 0.0).then(|| {
            (w.iter()
                .zip(&self.error)
                .map(|(&w, e)| f64::from(w) * e * e)
                .sum::<f64>()
                / n)
                .sqrt()
        })
    }

    pub(super) fn r2(&self, w: &[u32]) -> Option<f64> {
        let n = ClassRows::total(w);
        if n == 0.0 {
            return None;
        }
        let mean = w
            .iter()
            .zip(&self.truth)
            .map(|(&w, y)| f64::from(w) * y)
            .sum::<f64>()
            / n;
        let (mut sse, mut sst) = (0.0, 0.0);
        for ((&w, e), y) in w.iter().zip(&self.error).zip(&self.truth) {
            sse += f64::from(w) * e * e;
            sst += f64::from(w) * (y - mean) * (y - mean);
        }
        Some(if sst == 0.0 {
            if sse == 0.0 { 1.0 } else { 0.0 }
        } else {
            1.0 - sse / sst
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{ClassificationMetrics, RegressionMetrics};
    use crate::model::Classes;

    /// With every multiplicity 1, the weighted metrics equal the accumulators'.
    #[test]
    fn f1_and_f_beta_resampled_by_cell_are_the_row_bootstrap_bit_for_bit() {
        use rand::RngExt;
        let mut rng = crate::rng::seeded_rng(5);
        let classes = crate::model::Classes::new(["a", "b", "c"]).unwrap();
        let n = 700;
        let truth: Vec<usize> = (0..n).map(|_| rng.random_range(0..3)).collect();
        let outputs: Vec<Probabilities> = (0..n)
            .map(|_| {
                let (x, y) = (rng.random_range(0.0..0.5), rng.random_range(0.0..0.5));
                Probabilities::new(&classes, vec![x, y, 1.0 - x - y]).unwrap()
            })
            .collect();
        let rows = ClassRows::new(&truth, &outputs, 1);
        for class in 0..3 {
            let cells = rows.cells(class);
            let by_rows = interval(400, n, 9, |w| rows.f1(w, class));
            assert!(by_rows.is_some());
            assert_eq!(cell_interval(400, 9, &cells, 4, f1_of_cells), by_rows);
            let by_rows = interval(400, n, 9, |w| rows.f_beta(w, class, 0.5));
            let by_cells = cell_interval(400, 9, &cells, 4, |c| f_beta_of_cells(c, 0.5));
            assert_eq!(by_cells, by_rows);
        }
    }

    #[test]
    fn unit_weights_reproduce_the_accumulators() {
        let classes = Classes::new(["a", "b", "c"]).unwrap();
        let raw = [
            [0.7, 0.2, 0.1],
            [0.1, 0.8, 0.1],
            [0.3, 0.3, 0.4],
            [0.5, 0.25, 0.25],
            [0.2, 0.2, 0.6],
            [0.6, 0.3, 0.1],
        ];
        let truth = [0, 1, 1, 2, 2, 0];
        let predictions: Vec<Probabilities> = raw
            .iter()
            .map(|p| Probabilities::new(&classes, p.to_vec()).unwrap())
            .collect();
        let mut m = ClassificationMetrics::new(classes.clone());
        for (t, p) in truth.iter().zip(&predictions) {
            m.add(*t, p.as_slice()).unwrap();
        }
        let w = vec![1; truth.len()];
        for class in 0..3 {
            let rows = ClassRows::new(&truth, &predictions, class);
            let close = |a: Option<f64>, b: Option<f64>| (a.unwrap() - b.unwrap()).abs() < 1e-12;
            assert!(close(rows.roc_auc(&w, class), m.roc_auc(class)));
            assert!(close(rows.f1(&w, class), m.f1(class)));
            assert!(close(rows.log_loss(&w), m.log_loss()));
            assert!(close(rows.brier(&w), m.brier()));
            assert!(close(
                rows.calibration_error(&w),
                m.expected_calibration_error()
            ));
        }
        // Doubling a row equals adding it twice.
        let mut doubled = m.clone();
        doubled.add(truth[2], predictions[2].as_slice()).unwrap();
        let mut w2 = w.clone();
        w2[2] = 2;
        let rows = ClassRows::new(&truth, &predictions, 1);
        assert!((rows.roc_auc(&w2, 1).unwrap() - doubled.roc_auc(1).unwrap()).abs() < 1e-12);

        let (y, p) = ([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]);
        let mut r = RegressionMetrics::default();
        for (a, b) in y.iter().zip(&p) {
            r.add(*a, *b).unwrap();
        }
        let rows = RegressionRows::new(&y, &p);
        let w = [1; 4];
        assert!((rows.mae(&w).unwrap() - r.mae().unwrap()).abs() < 1e-12);
        assert!((rows.rmse(&w).unwrap() - r.rmse().unwrap()).abs() < 1e-12);
        assert!((rows.r2(&w).unwrap() - r.r2().unwrap()).abs() < 1e-12);
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.quantile([1, 2, 3, 4], [0.025, 0.975]) == [1.075, 3.925]
        let v = [1.0, 2.0, 3.0, 4.0];
        assert!((crate::stats::quantile(&v, 0.025) - 1.075).abs() < 1e-12);
        assert!((crate::stats::quantile(&v, 0.975) - 3.925).abs() < 1e-12);
    }
}
