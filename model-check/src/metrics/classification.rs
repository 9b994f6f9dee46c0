//! Classification metrics from one pass over (true class, probabilities) pairs.

use std::fmt;

use super::{BinnedAuc, Proportion, RankCounts, Sum};
use crate::model::{Classes, argmax};

/// The number of equal-width confidence bins of the expected calibration error.
pub const CALIBRATION_BINS: usize = 10;

/// How per-class precision, recall or F1 are averaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// The unweighted mean over classes.
    Macro,
    /// The ratio of summed counts over classes (equals accuracy for single-label data).
    Micro,
    /// The mean over classes weighted by each class's number of true rows (support).
    Weighted,
}

/// Rows a metric cannot take: the wrong number of probabilities, a class out of range, or
/// accumulators over different classes merged.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricError {
    reason: String,
}

impl MetricError {
    pub(crate) fn new(reason: String) -> Self {
        MetricError { reason }
    }
}

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for MetricError {}

/// Every classification metric, accumulated in one pass and mergeable.
///
/// Rows are added as the index of the true class and the model's probabilities over the
/// same classes. The predicted class is the most probable one, the first on ties.
///
/// ```
/// use model_check::metrics::{Average, ClassificationMetrics};
/// use model_check::model::Classes;
///
/// let mut m = ClassificationMetrics::new(Classes::new(["No", "Yes"])?);
/// m.add(1, &[0.2, 0.8])?; // true Yes, predicted Yes
/// m.add(0, &[0.6, 0.4])?; // true No, predicted No
/// m.add(0, &[0.3, 0.7])?; // true No, predicted Yes: a false positive for Yes
///
/// assert_eq!(m.accuracy().rate(), Some(2.0 / 3.0));
/// assert_eq!(m.recall(1).rate(), Some(1.0));
/// assert_eq!(m.false_positive_rate(1).rate(), Some(0.5));
/// assert_eq!(m.confusion(0, 1), 1);
/// assert_eq!(m.roc_auc(1), Some(1.0));
/// // Each class has one true positive and one error: F1 = 2·1 / (2·1 + 1) for both.
/// assert!((m.f1_average(Average::Macro).unwrap() - 2.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClassificationMetrics {
    classes: Classes,
    /// Row-major `k × k`: `confusion[t * k + p]` counts true class `t` predicted as `p`.
    confusion: Vec<u64>,
    log_loss: Sum,
    brier: Sum,
    /// Per class, the counts behind its ROC AUC; empty when the AUC is not asked for
    /// ([`ClassificationMetrics::without_auc`]).
    ranks: Vec<AucCounts>,
    bins: [CalibrationBin; CALIBRATION_BINS],
    /// Only the confusion matrix is kept ([`counts_only`](Self::counts_only)): the
    /// probability metrics are `None`.
    counts_only: bool,
}

/// One class's ROC AUC counts: exact (a key per row) or binned (a count per bin).
#[derive(Debug, Clone, PartialEq)]
enum AucCounts {
    Exact(RankCounts),
    Binned(BinnedAuc),
}

impl AucCounts {
    fn add(&mut self, score: f64, positive: bool) {
        match self {
            AucCounts::Exact(r) => r.add(score, positive),
            AucCounts::Binned(b) => b.add(score, positive),
        }
    }

    /// Merges `other`; `false` when the kinds (or bins) differ.
    fn merge(&mut self, other: &AucCounts) -> bool {
        match (self, other) {
            (AucCounts::Exact(a), AucCounts::Exact(b)) => {
                a.merge(b);
                true
            }
            (AucCounts::Binned(a), AucCounts::Binned(b)) => a.merge(b),
            _ => false,
        }
    }

    fn auc(&self) -> Option<f64> {
        match self {
            AucCounts::Exact(r) => r.auc(),
            AucCounts::Binned(b) => b.auc(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct CalibrationBin {
    n: u64,
    correct: u64,
    confidence: Sum,
}

impl ClassificationMetrics {
    /// An empty accumulator over `classes`.
    pub fn new(classes: Classes) -> Self {
        let k = classes.len();
        ClassificationMetrics {
            classes,
            confusion: vec![0; k * k],
            log_loss: Sum::default(),
            brier: Sum::default(),
            ranks: vec![AucCounts::Exact(RankCounts::default()); k],
            bins: [CalibrationBin::default(); CALIBRATION_BINS],
            counts_only: false,
        }
    }

    /// An empty accumulator that does not track ROC AUC: every other metric, at a fraction
    /// of the cost (the AUC keeps a count per distinct score and class, the rest a few
    /// numbers per class). [`roc_auc`](Self::roc_auc) is then `None`.
    ///
    /// ```
    /// use model_check::metrics::ClassificationMetrics;
    /// use model_check::model::Classes;
    ///
    /// let mut m = ClassificationMetrics::without_auc(Classes::new(["No", "Yes"])?);
    /// m.add(1, &[0.2, 0.8])?;
    /// m.add(0, &[0.6, 0.4])?;
    /// assert_eq!(m.accuracy().rate(), Some(1.0));
    /// assert!(!m.tracks_auc());
    /// assert_eq!(m.roc_auc(1), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn without_auc(classes: Classes) -> Self {
        ClassificationMetrics {
            ranks: Vec::new(),
            ..ClassificationMetrics::new(classes)
        }
    }

    /// An empty accumulator of the confusion matrix alone, for the rates (accuracy, recall,
    /// precision, …): log loss, Brier score, calibration and AUC are `None`.
    pub(crate) fn counts_only(classes: Classes) -> Self {
        ClassificationMetrics {
            counts_only: true,
            ..ClassificationMetrics::without_auc(classes)
        }
    }

    /// An empty accumulator whose ROC AUC is binned ([`BinnedAuc`], `bins` equal-width
    /// bins): memory bounded by classes × bins whatever the rows, for data streamed in
    /// batches. [`roc_auc_error_bound`](Self::roc_auc_error_bound) says how far the AUC can
    /// be from the exact one.
    ///
    /// ```
    /// use model_check::metrics::ClassificationMetrics;
    /// use model_check::model::Classes;
    ///
    /// let classes = Classes::new(["No", "Yes"])?;
    /// let mut m = ClassificationMetrics::with_binned_auc(classes, 1000);
    /// m.add(1, &[0.2, 0.8])?;
    /// m.add(0, &[0.6, 0.4])?;
    /// assert_eq!(m.roc_auc(1), Some(1.0));
    /// assert_eq!(m.roc_auc_error_bound(1), Some(0.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_binned_auc(classes: Classes, bins: usize) -> Self {
        let k = classes.len();
        ClassificationMetrics {
            ranks: vec![AucCounts::Binned(BinnedAuc::new(bins)); k],
            ..ClassificationMetrics::new(classes)
        }
    }

    /// How far [`roc_auc`](Self::roc_auc) of class `c` can be from the exact AUC: `0` when
    /// exact, the [`BinnedAuc::error_bound`] when binned; `None` when the AUC is undefined
    /// or not tracked.
    pub fn roc_auc_error_bound(&self, c: usize) -> Option<f64> {
        match self.ranks.get(c)? {
            AucCounts::Exact(r) => r.auc().map(|_| 0.0),
            AucCounts::Binned(b) => b.error_bound(),
        }
    }

    /// Whether ROC AUC is tracked ([`new`](Self::new)) or not
    /// ([`without_auc`](Self::without_auc)).
    pub fn tracks_auc(&self) -> bool {
        !self.ranks.is_empty()
    }

    /// Room for `rows` more rows in the AUC's counts, allocated exactly.
    pub(crate) fn reserve_exact(&mut self, rows: usize) {
        for ranks in &mut self.ranks {
            if let AucCounts::Exact(r) = ranks {
                r.reserve_exact(rows);
            }
        }
    }

    /// The classes, in order.
    pub fn classes(&self) -> &Classes {
        &self.classes
    }

    /// Adds a row: the true class's index and a classifier's output, read with its
    /// decision threshold if it has one ([`decide_at`](crate::model::decide_at)).
    pub fn add_output(
        &mut self,
        truth: usize,
        output: &crate::model::Probabilities,
    ) -> Result<(), MetricError> {
        self.add_decided(truth, output.as_slice(), output.predicted())
    }

    /// Adds a row: the true class's index and the probabilities in class order; the
    /// predicted class is the most probable (the first on ties).
    ///
    /// The probabilities must be finite, in `[0, 1]`; the model adapters check that they sum
    /// to one.
    pub fn add(&mut self, truth: usize, probabilities: &[f64]) -> Result<(), MetricError> {
        self.add_decided(truth, probabilities, argmax(probabilities))
    }

    fn add_decided(
        &mut self,
        truth: usize,
        probabilities: &[f64],
        predicted: usize,
    ) -> Result<(), MetricError> {
        let k = self.classes.len();
        if truth >= k {
            return Err(MetricError {
                reason: format!("true class index {truth} out of range for {k} classes"),
            });
        }
        if probabilities.len() != k {
            return Err(MetricError {
                reason: format!("{} probabilities for {k} classes", probabilities.len()),
            });
        }
        if let Some(p) = probabilities.iter().find(|p| !(0.0..=1.0).contains(*p)) {
            return Err(MetricError {
                reason: format!("probability {p} outside [0, 1]"),
            });
        }
        if predicted >= k {
            return Err(MetricError {
                reason: format!("predicted class index {predicted} out of range for {k} classes"),
            });
        }
        self.confusion[truth * k + predicted] += 1;
        if self.counts_only {
            return Ok(());
        }

        let eps = f64::EPSILON;
        self.log_loss
            .add(-probabilities[truth].clamp(eps, 1.0 - eps).ln());
        let mut squared = 0.0;
        for (c, &p) in probabilities.iter().enumerate() {
            let y = if c == truth { 1.0 } else { 0.0 };
            squared += (p - y) * (p - y);
        }
        for (c, ranks) in self.ranks.iter_mut().enumerate() {
            ranks.add(probabilities[c], c == truth);
        }
        self.brier.add(squared);

        let confidence = probabilities[predicted];
        let bin =
            ((confidence * CALIBRATION_BINS as f64).floor() as usize).min(CALIBRATION_BINS - 1);
        let bin = &mut self.bins[bin];
        bin.n += 1;
        bin.correct += u64::from(predicted == truth);
        bin.confidence.add(confidence);
        Ok(())
    }

    /// Adds the rows of `other`, which must be over the same classes.
    pub fn merge(&mut self, other: &ClassificationMetrics) -> Result<(), MetricError> {
        if !self.classes.same(&other.classes) {
            return Err(MetricError {
                reason: format!(
                    "cannot merge metrics over classes ({}) with metrics over ({})",
                    self.classes, other.classes
                ),
            });
        }
        for (a, b) in self.confusion.iter_mut().zip(&other.confusion) {
            *a += b;
        }
        self.counts_only |= other.counts_only;
        self.log_loss.merge(&other.log_loss);
        self.brier.merge(&other.brier);
        // What one side did not track (or tracked otherwise), the union cannot know.
        let mut merged = other.tracks_auc();
        for (a, b) in self.ranks.iter_mut().zip(&other.ranks) {
            merged &= a.merge(b);
        }
        if !merged {
            self.ranks.clear();
        }
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            a.n += b.n;
            a.correct += b.correct;
            a.confidence.merge(&b.confidence);
        }
        Ok(())
    }

    fn k(&self) -> usize {
        self.classes.len()
    }

    /// The number of rows added.
    pub fn n(&self) -> u64 {
        self.confusion.iter().sum()
    }

    /// The number of rows of true class `truth` predicted as class `predicted`.
    ///
    /// # Panics
    ///
    /// When an index is out of range.
    pub fn confusion(&self, truth: usize, predicted: usize) -> u64 {
        let k = self.k();
        assert!(truth < k && predicted < k, "class index out of range");
        self.confusion[truth * k + predicted]
    }

    /// The confusion matrix: rows are true classes, columns predicted classes.
    pub fn confusion_matrix(&self) -> Vec<Vec<u64>> {
        self.confusion
            .chunks(self.k())
            .map(<[u64]>::to_vec)
            .collect()
    }

    fn true_positives(&self, c: usize) -> u64 {
        self.confusion[c * self.k() + c]
    }

    /// Rows whose true class is `c`.
    pub fn support(&self, c: usize) -> u64 {
        let k = self.k();
        self.confusion[c * k..(c + 1) * k].iter().sum()
    }

    /// Rows predicted as `c`.
    pub fn predicted_count(&self, c: usize) -> u64 {
        let k = self.k();
        (0..k).map(|t| self.confusion[t * k + c]).sum()
    }

    /// Correct predictions out of all rows.
    pub fn accuracy(&self) -> Proportion {
        let correct = (0..self.k()).map(|c| self.true_positives(c)).sum();
        Proportion::new(correct, self.n())
    }

    /// Of the rows predicted `c`, those truly `c`.
    pub fn precision(&self, c: usize) -> Proportion {
        Proportion::new(self.true_positives(c), self.predicted_count(c))
    }

    /// Of the rows truly `c`, those predicted `c` (the true-positive rate).
    pub fn recall(&self, c: usize) -> Proportion {
        Proportion::new(self.true_positives(c), self.support(c))
    }

    /// Of the rows not truly `c`, those predicted `c` (one-vs-rest).
    pub fn false_positive_rate(&self, c: usize) -> Proportion {
        let negatives = self.n() - self.support(c);
        let false_positives = self.predicted_count(c) - self.true_positives(c);
        Proportion::new(false_positives, negatives)
    }

    /// Of the rows truly `c`, those predicted as another class: `1 − recall`.
    pub fn false_negative_rate(&self, c: usize) -> Proportion {
        let support = self.support(c);
        Proportion::new(support - self.true_positives(c), support)
    }

    /// The F1 score of class `c`, `2·TP / (2·TP + FP + FN)`; `None` when the class is
    /// neither true nor predicted in any row.
    pub fn f1(&self, c: usize) -> Option<f64> {
        let tp = self.true_positives(c);
        let denominator = self.support(c) + self.predicted_count(c);
        (denominator > 0).then(|| 2.0 * tp as f64 / denominator as f64)
    }

    /// F-beta of class `c`: `(1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)`, weighing recall β
    /// times as much as precision (β = 1 is F1), as scikit-learn's `fbeta_score`; `None` when
    /// the class is neither true nor predicted in any row.
    pub fn f_beta(&self, c: usize, beta: f64) -> Option<f64> {
        let tp = self.true_positives(c) as f64;
        let b2 = beta * beta;
        let false_negatives = (self.support(c) - self.true_positives(c)) as f64;
        let false_positives = (self.predicted_count(c) - self.true_positives(c)) as f64;
        let denominator = (1.0 + b2) * tp + b2 * false_negatives + false_positives;
        (self.support(c) + self.predicted_count(c) > 0).then(|| (1.0 + b2) * tp / denominator)
    }

    /// The mean cost per row of the decisions, `cost[truth][predicted]` for each row (a cost
    /// matrix over the classes, in their order); `None` when there are no rows.
    pub fn expected_cost(&self, cost: &[Vec<f64>]) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| {
            let mut total = 0.0;
            for (t, row) in cost.iter().enumerate() {
                for (p, &c) in row.iter().enumerate() {
                    total += c * self.confusion(t, p) as f64;
                }
            }
            total / n as f64
        })
    }

    /// The index of the class called `name`.
    pub fn class_index(&self, name: &str) -> Option<usize> {
        self.classes.index_of(name)
    }

    /// Averages a per-class score over the classes present (true or predicted in some row),
    /// as scikit-learn does by default; `None` when there are no rows.
    fn average(
        &self,
        average: Average,
        per_class: impl Fn(usize) -> f64,
        micro: f64,
    ) -> Option<f64> {
        if self.n() == 0 {
            return None;
        }
        let present: Vec<usize> = (0..self.k())
            .filter(|&c| self.support(c) + self.predicted_count(c) > 0)
            .collect();
        Some(match average {
            Average::Macro => {
                present.iter().map(|&c| per_class(c)).sum::<f64>() / present.len() as f64
            }
            Average::Micro => micro,
            Average::Weighted => {
                present
                    .iter()
                    .map(|&c| per_class(c) * self.support(c) as f64)
                    .sum::<f64>()
                    / self.n() as f64
            }
        })
    }

    /// Precision averaged over the classes present; a class never predicted counts as 0
    /// (scikit-learn's `zero_division=0`). `None` when there are no rows.
    pub fn precision_average(&self, average: Average) -> Option<f64> {
        // Summed over classes, true positives are the correct rows and predictions are all
        // rows, so micro precision is accuracy.
        let micro = self.accuracy().rate_or_zero();
        self.average(average, |c| self.precision(c).rate_or_zero(), micro)
    }

    /// Recall averaged over the classes present; a class with no true rows counts as 0.
    /// `None` when there are no rows.
    pub fn recall_average(&self, average: Average) -> Option<f64> {
        let micro = self.accuracy().rate_or_zero();
        self.average(average, |c| self.recall(c).rate_or_zero(), micro)
    }

    /// F1 averaged over the classes present (macro: the mean of per-class F1). `None` when
    /// there are no rows.
    pub fn f1_average(&self, average: Average) -> Option<f64> {
        let micro = self.accuracy().rate_or_zero();
        self.average(average, |c| self.f1(c).unwrap_or(0.0), micro)
    }

    /// One-vs-rest ROC AUC of class `c`'s probability; `None` unless the rows hold both
    /// class `c` and other classes, and the AUC is tracked.
    pub fn roc_auc(&self, c: usize) -> Option<f64> {
        self.ranks.get(c)?.auc()
    }

    /// Mean negative log-probability of the true class, probabilities clipped to
    /// `[ε, 1 − ε]` with `ε = f64::EPSILON` (scikit-learn's `log_loss`); `None` when empty.
    pub fn log_loss(&self) -> Option<f64> {
        let n = self.n();
        (n > 0 && !self.counts_only).then(|| self.log_loss.value() / n as f64)
    }

    /// The Brier score as scikit-learn's `brier_score_loss`: for two classes the mean squared
    /// error of either class's probability; for more, the mean over rows of the squared
    /// distance between the probabilities and the one-hot truth. `None` when empty.
    pub fn brier(&self) -> Option<f64> {
        let n = self.n();
        let scale = if self.k() == 2 { 0.5 } else { 1.0 };
        (n > 0 && !self.counts_only).then(|| scale * self.brier.value() / n as f64)
    }

    /// Expected calibration error: over [`CALIBRATION_BINS`] equal-width bins of the top-class
    /// probability, the row-weighted mean of `|accuracy − mean confidence|`. `None` when empty.
    pub fn expected_calibration_error(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 || self.counts_only {
            return None;
        }
        let mut ece = 0.0;
        for bin in self.bins.iter().filter(|b| b.n > 0) {
            let accuracy = bin.correct as f64 / bin.n as f64;
            let confidence = bin.confidence.value() / bin.n as f64;
            ece += (bin.n as f64 / n as f64) * (accuracy - confidence).abs();
        }
        Some(ece)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_skip_classes_absent_from_truth_and_predictions() {
        // scikit-learn: f1_score(["No"], ["No"], average="macro") == 1.0, because only the
        // labels present in y_true or y_pred are averaged.
        let mut m = ClassificationMetrics::new(Classes::new(["No", "Yes"]).unwrap());
        m.add(0, &[0.9, 0.1]).unwrap();
        assert_eq!(m.f1_average(Average::Macro), Some(1.0));
        assert_eq!(m.precision_average(Average::Macro), Some(1.0));
        assert_eq!(m.f1(1), None, "Yes is neither true nor predicted");
        let empty = ClassificationMetrics::new(Classes::new(["No", "Yes"]).unwrap());
        assert_eq!(empty.f1_average(Average::Weighted), None);
    }
}
