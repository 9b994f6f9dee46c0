//! A mergeable quantile sketch with a deterministic, tracked bound on its rank error: the
//! distribution of a feature over more values than fit in memory.
//!
//! The sketch is a stack of compactors (Munro–Paterson; Manku, Rajagopalan and Lindsay
//! 1998; the layout of Karnin, Lang and Liberty's KLL 2016 with equal capacities and no
//! randomness). Level `h` holds values of weight `2^h`. When a level fills up, it is sorted
//! and every other value moves up a level with twice the weight — the even positions or the
//! odd ones, alternately, so that the compactions' errors do not all lean one way. One
//! compaction moves the count of values at or below any `x` by at most the level's weight,
//! so the sketch adds up `2^h` for every compaction it makes: that sum bounds
//! `|rank̃(x) − rank(x)|` for every `x` at once, for any input order. It is reported
//! ([`rank_error`](QuantileSketch::rank_error)) and widens the drift bounds computed from
//! sketches; it grows as `2 log₂(n / k) / k` of the values for capacity `k`.

/// A mergeable quantile sketch of a stream of numbers (NaNs are refused by
/// [`insert`](QuantileSketch::insert) and counted apart by callers).
///
/// ```
/// use model_check::stats::QuantileSketch;
///
/// let mut sketch = QuantileSketch::new(256);
/// for i in 0..100_000 {
///     sketch.insert(f64::from(i % 1000));
/// }
/// assert_eq!(sketch.len(), 100_000);
/// // Memory holds a few levels of 256 values, not 100,000.
/// assert!(sketch.retained() < 256 * 12);
/// // The share at or below 499 is one half, within the tracked bound.
/// let error = sketch.rank_error() as f64 / 100_000.0;
/// assert!((sketch.cdf(499.0) - 0.5).abs() <= error);
/// assert!(error < 0.05);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileSketch {
    capacity: usize,
    levels: Vec<Vec<f64>>,
    /// Per level, whether its next compaction keeps the odd positions.
    odd: Vec<bool>,
    n: u64,
    error: u64,
}

impl QuantileSketch {
    /// An empty sketch whose levels hold `capacity` values each (at least 2; rounded up to
    /// an even number).
    pub fn new(capacity: usize) -> Self {
        QuantileSketch {
            capacity: capacity.max(2).next_multiple_of(2),
            levels: vec![Vec::new()],
            odd: vec![false],
            n: 0,
            error: 0,
        }
    }

    /// Adds a value; `false` (and nothing added) for a NaN.
    pub fn insert(&mut self, x: f64) -> bool {
        if x.is_nan() {
            return false;
        }
        self.n += 1;
        self.levels[0].push(x);
        if self.levels[0].len() >= self.capacity {
            self.compact(0);
        }
        true
    }

    /// Adds every value of `other`, as if its values had been inserted here: the rank error
    /// bounds add, plus that of any compaction the merge makes.
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.n += other.n;
        self.error += other.error;
        for (h, level) in other.levels.iter().enumerate() {
            self.level(h).extend_from_slice(level);
        }
        for h in 0..self.levels.len() {
            if self.levels[h].len() >= self.capacity {
                self.compact(h);
            }
        }
    }

    fn level(&mut self, h: usize) -> &mut Vec<f64> {
        while self.levels.len() <= h {
            self.levels.push(Vec::new());
            self.odd.push(false);
        }
        &mut self.levels[h]
    }

    /// Sorts level `h` and moves every other value up, repeating while levels overflow.
    fn compact(&mut self, mut h: usize) {
        while self.levels[h].len() >= self.capacity {
            let mut values = std::mem::take(&mut self.levels[h]);
            values.sort_unstable_by(f64::total_cmp);
            // An odd count keeps its largest value here, uncompacted.
            if values.len() % 2 == 1 {
                let last = values.pop().expect("not empty");
                self.levels[h].push(last);
            }
            let start = usize::from(self.odd[h]);
            self.odd[h] = !self.odd[h];
            let promoted: Vec<f64> = values.iter().skip(start).step_by(2).copied().collect();
            self.error += 1 << h.min(63);
            self.level(h + 1).extend(promoted);
            h += 1;
        }
    }

    /// How many values were inserted.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Whether no value was inserted.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// How many values the sketch keeps.
    pub fn retained(&self) -> usize {
        self.levels.iter().map(Vec::len).sum()
    }

    /// The bound on `|rank̃(x) − rank(x)|` for every `x`, in values: the weights of every
    /// compaction made. 0 while nothing was compacted (the sketch is then exact).
    pub fn rank_error(&self) -> u64 {
        self.error
    }

    /// The retained values with their weights, sorted.
    pub fn weighted(&self) -> Vec<(f64, u64)> {
        let mut items: Vec<(f64, u64)> = self
            .levels
            .iter()
            .enumerate()
            .flat_map(|(h, level)| level.iter().map(move |&x| (x, 1u64 << h.min(63))))
            .collect();
        items.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        items
    }

    /// The estimated share of values at or below `x`.
    pub fn cdf(&self, x: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let below: u64 = self
            .levels
            .iter()
            .enumerate()
            .map(|(h, level)| level.iter().filter(|&&v| v <= x).count() as u64 * (1 << h.min(63)))
            .sum();
        below as f64 / self.n as f64
    }

    /// How many values each level holds before it is compacted.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// The two-sample Kolmogorov–Smirnov statistic between two sketches: the largest distance
/// between their estimated distribution functions, within
/// `a.rank_error() / a.len() + b.rank_error() / b.len()` of the statistic of the values
/// themselves ([`ks_statistic`](super::ks_statistic)). `None` when either is empty.
///
/// ```
/// use model_check::stats::{QuantileSketch, ks_statistic, sketch_ks_statistic};
///
/// let (a, b): (Vec<f64>, Vec<f64>) = ((0..50_000).map(|i| f64::from(i % 997)).collect(),
///     (0..40_000).map(|i| f64::from(i % 991) + 5.0).collect());
/// let (mut sa, mut sb) = (QuantileSketch::new(512), QuantileSketch::new(512));
/// a.iter().for_each(|&x| { sa.insert(x); });
/// b.iter().for_each(|&x| { sb.insert(x); });
/// let exact = ks_statistic(&a, &b).unwrap();
/// let sketched = sketch_ks_statistic(&sa, &sb).unwrap();
/// let slack = sa.rank_error() as f64 / 50_000.0 + sb.rank_error() as f64 / 40_000.0;
/// assert!((exact - sketched).abs() <= slack);
/// ```
pub fn sketch_ks_statistic(a: &QuantileSketch, b: &QuantileSketch) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (wa, wb) = (a.weighted(), b.weighted());
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0, 0);
    let (mut ca, mut cb) = (0u64, 0u64);
    let mut d: f64 = 0.0;
    while i < wa.len() && j < wb.len() {
        let x = wa[i].0.min(wb[j].0);
        while i < wa.len() && wa[i].0 <= x {
            ca += wa[i].1;
            i += 1;
        }
        while j < wb.len() && wb[j].0 <= x {
            cb += wb[j].1;
            j += 1;
        }
        d = d.max((ca as f64 / n - cb as f64 / m).abs());
    }
    Some(d)
}
