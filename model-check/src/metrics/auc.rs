//! Exact, mergeable ROC AUC from the scores of positives and negatives.

/// The scores of positives and negatives: enough to compute the exact ROC AUC (ties count
/// one half, as scikit-learn's `roc_auc_score`), and mergeable.
///
/// Adding a row appends to a buffer (a few nanoseconds; the AUC is computed, by one sort,
/// only when asked), so accumulating metrics that may never be asked for their AUC costs
/// little. Memory is one score per row.
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
#[derive(Debug, Clone, Default)]
pub struct RankCounts {
    /// Each row's score as the bit pattern of a non-negative float (which orders like the
    /// score itself), shifted left one bit, with the low bit set for a positive.
    keys: Vec<u64>,
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
        // -0.0 and 0.0 are the same score. A finite non-negative float's bits have the
        // sign bit clear, so shifting left loses nothing.
        let bits = (score + 0.0).to_bits();
        self.keys.push(bits << 1 | u64::from(positive));
        if positive {
            self.positives += 1;
        } else {
            self.negatives += 1;
        }
    }

    /// Room for `rows` more scores, allocated exactly (a cohort's size is known before its
    /// rows are added).
    pub(crate) fn reserve_exact(&mut self, rows: usize) {
        self.keys.reserve_exact(rows);
    }

    /// Adds the rows of `other`.
    pub fn merge(&mut self, other: &RankCounts) {
        self.keys.extend_from_slice(&other.keys);
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
        let mut keys = self.keys.clone();
        keys.sort_unstable();
        // Twice the Mann–Whitney U statistic, in exact integer arithmetic, one group of tied
        // scores at a time (within a group, negatives sort before positives).
        let mut negatives_below: u128 = 0;
        let mut twice_u: u128 = 0;
        let mut i = 0;
        while i < keys.len() {
            let score = keys[i] >> 1;
            let (mut p, mut n) = (0u128, 0u128);
            while i < keys.len() && keys[i] >> 1 == score {
                if keys[i] & 1 == 1 {
                    p += 1;
                } else {
                    n += 1;
                }
                i += 1;
            }
            twice_u += p * (2 * negatives_below + n);
            negatives_below += n;
        }
        Some(twice_u as f64 / (2.0 * self.positives as f64 * self.negatives as f64))
    }
}

/// Equal when they hold the same rows, in whatever order they were added.
impl PartialEq for RankCounts {
    fn eq(&self, other: &Self) -> bool {
        if (self.positives, self.negatives) != (other.positives, other.negatives) {
            return false;
        }
        let (mut a, mut b) = (self.keys.clone(), other.keys.clone());
        a.sort_unstable();
        b.sort_unstable();
        a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_of_rows_and_merges_does_not_matter() {
        let rows = [
            (0.3, true),
            (0.3, false),
            (0.9, true),
            (0.0, false),
            (-0.0, true),
        ];
        let mut forward = RankCounts::default();
        for &(s, p) in &rows {
            forward.add(s, p);
        }
        let (mut a, mut b) = (RankCounts::default(), RankCounts::default());
        for &(s, p) in rows.iter().rev() {
            if s > 0.2 { a.add(s, p) } else { b.add(s, p) }
        }
        a.merge(&b);
        assert_eq!(forward, a);
        assert_eq!(forward.auc(), a.auc());
        // 0.0 and −0.0 tie: (positive 0.3 vs negatives 0.0 → 1; vs 0.3 → ½), (0.9 → 2),
        // (−0.0 vs 0.0 → ½): 4 of 2·3 pairs.
        assert_eq!(forward.auc(), Some(4.0 / 6.0));
    }
}

/// ROC AUC from the counts of positives and negatives in equal-width score bins: memory
/// bounded by the bins, not the rows, and mergeable — for data streamed in batches.
///
/// Pairs in different bins are ranked exactly; pairs within one bin count one half, so the
/// estimate is off by at most [`error_bound`](BinnedAuc::error_bound)
/// `= Σ_b pos_b · neg_b / (2·P·N)`, computed from the same counts (zero when no bin holds
/// both a positive and a negative).
///
/// ```
/// use model_check::metrics::{BinnedAuc, RankCounts};
///
/// let scores = [(0.05, false), (0.31, true), (0.32, false), (0.8, true), (0.9, true)];
/// let (mut binned, mut exact) = (BinnedAuc::new(10), RankCounts::default());
/// for (s, positive) in scores {
///     binned.add(s, positive);
///     exact.add(s, positive);
/// }
/// // 0.31 and 0.32 share a bin: one pair of six counted as a tie.
/// assert_eq!(binned.error_bound(), Some(1.0 / 12.0));
/// let (a, b) = (binned.auc().unwrap(), exact.auc().unwrap());
/// assert!((a - b).abs() <= binned.error_bound().unwrap());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BinnedAuc {
    positives: Vec<u64>,
    negatives: Vec<u64>,
}

impl BinnedAuc {
    /// Counts over `bins` equal-width bins of `[0, 1]` (at least one).
    pub fn new(bins: usize) -> Self {
        let bins = bins.max(1);
        BinnedAuc {
            positives: vec![0; bins],
            negatives: vec![0; bins],
        }
    }

    /// The number of bins.
    pub fn bins(&self) -> usize {
        self.positives.len()
    }

    /// Adds one row's score (a probability) and whether it is a positive.
    ///
    /// # Panics
    ///
    /// If `score` is not in `[0, 1]` (the classification metrics check probabilities first).
    pub fn add(&mut self, score: f64, positive: bool) {
        assert!(
            (0.0..=1.0).contains(&score),
            "score {score} is not a probability"
        );
        let bins = self.bins();
        let bin = ((score * bins as f64) as usize).min(bins - 1);
        if positive {
            self.positives[bin] += 1;
        } else {
            self.negatives[bin] += 1;
        }
    }

    /// Adds the counts of `other`; `false` (and nothing added) when its bins differ.
    pub fn merge(&mut self, other: &BinnedAuc) -> bool {
        if other.bins() != self.bins() {
            return false;
        }
        for (a, b) in self.positives.iter_mut().zip(&other.positives) {
            *a += b;
        }
        for (a, b) in self.negatives.iter_mut().zip(&other.negatives) {
            *a += b;
        }
        true
    }

    fn totals(&self) -> (u64, u64) {
        (self.positives.iter().sum(), self.negatives.iter().sum())
    }

    /// The AUC with pairs in one bin counted one half; `None` without both positives and
    /// negatives.
    pub fn auc(&self) -> Option<f64> {
        let (p, n) = self.totals();
        if p == 0 || n == 0 {
            return None;
        }
        let (mut below, mut twice_u) = (0u128, 0u128);
        for (&pos, &neg) in self.positives.iter().zip(&self.negatives) {
            twice_u += u128::from(pos) * (2 * below + u128::from(neg));
            below += u128::from(neg);
        }
        Some(twice_u as f64 / (2.0 * p as f64 * n as f64))
    }

    /// The most the binned AUC can differ from the exact one: `Σ_b pos_b·neg_b / (2PN)`.
    pub fn error_bound(&self) -> Option<f64> {
        let (p, n) = self.totals();
        if p == 0 || n == 0 {
            return None;
        }
        let tied: u128 = self
            .positives
            .iter()
            .zip(&self.negatives)
            .map(|(&a, &b)| u128::from(a) * u128::from(b))
            .sum();
        Some(tied as f64 / (2.0 * p as f64 * n as f64))
    }
}
