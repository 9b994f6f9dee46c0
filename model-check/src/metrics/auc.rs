//! Exact, mergeable ROC AUC from counts of positives and negatives per distinct score.

use std::collections::BTreeMap;

/// Positives and negatives counted per distinct score: enough to compute the exact ROC AUC
/// (ties count one half, as scikit-learn's `roc_auc_score`), and mergeable.
///
/// Memory grows with the number of distinct scores: for continuous scores, one entry per row.
///
/// ```
/// use model_check::metrics::RankCounts;
///
/// let mut counts = RankCounts::default();
/// for (score, positive) in [(0.1, false), (0.4, true), (0.35, false), (0.8, true)] {
///     counts.add(score, positive);
/// }
/// assert_eq!(counts.auc(), Some(1.0));
/// counts.add(0.4, false); // a tie between a positive and a negative counts one half
/// assert_eq!(counts.auc(), Some((1.0 + 1.0 + 2.0 + 1.5) / 6.0));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RankCounts {
    // Keyed by the bit pattern of a non-negative score, which orders like the score itself.
    counts: BTreeMap<u64, (u64, u64)>,
    positives: u64,
    negatives: u64,
}

impl RankCounts {
    /// Counts one row with `score` (a probability, in `[0, 1]`).
    ///
    /// # Panics
    ///
    /// When `score` is negative or not finite; probabilities are checked before they reach
    /// a metric.
    pub fn add(&mut self, score: f64, positive: bool) {
        assert!(
            score.is_finite() && score >= 0.0,
            "score {score} is not a probability"
        );
        // -0.0 and 0.0 are the same score.
        let key = (score + 0.0).to_bits();
        let entry = self.counts.entry(key).or_default();
        if positive {
            entry.0 += 1;
            self.positives += 1;
        } else {
            entry.1 += 1;
            self.negatives += 1;
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &RankCounts) {
        for (&key, &(p, n)) in &other.counts {
            let entry = self.counts.entry(key).or_default();
            entry.0 += p;
            entry.1 += n;
        }
        self.positives += other.positives;
        self.negatives += other.negatives;
    }

    /// The number of positives counted.
    pub fn positives(&self) -> u64 {
        self.positives
    }

    /// The number of negatives counted.
    pub fn negatives(&self) -> u64 {
        self.negatives
    }

    /// The probability that a random positive scores above a random negative (ties count
    /// one half); `None` unless both positives and negatives were seen.
    pub fn auc(&self) -> Option<f64> {
        if self.positives == 0 || self.negatives == 0 {
            return None;
        }
        // Twice the Mann–Whitney U statistic, in exact integer arithmetic.
        let mut negatives_below: u128 = 0;
        let mut twice_u: u128 = 0;
        for &(p, n) in self.counts.values() {
            let (p, n) = (u128::from(p), u128::from(n));
            twice_u += p * (2 * negatives_below + n);
            negatives_below += n;
        }
        Some(twice_u as f64 / (2.0 * self.positives as f64 * self.negatives as f64))
    }
}
