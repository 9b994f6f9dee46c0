//! Monitoring a stream: drift and data checks over more rows than fit in memory.
//!
//! A [`DataSketch`] reads a [`Source`] a batch at a time and keeps, per feature, what the
//! checks need and no more: a [`QuantileSketch`] of a numeric feature (with its exact
//! minimum, maximum and counts of missing values and NaNs) and the level counts of a
//! categorical one. Memory is bounded by features × the sketch's capacity × a logarithm of
//! the rows, never by the rows themselves, and sketches of shards merge
//! ([`merge`](DataSketch::merge)) into the sketch of the whole.
//!
//! Its checks give the findings the in-memory expectations give, with one difference said
//! in every note: a sketch's distribution function is off by at most its tracked rank error
//! ε ([`QuantileSketch::rank_error`]), so the DKW interval of a sketched Kolmogorov–Smirnov
//! distance is widened by `ε_a + ε_b` — the verdict stays sound, at the cost of width.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::data::{DataError, Dataset, Feature, Features, Source, Value};
use crate::expect::{Finding, Method};
use crate::profile::{FeatureKind, FeatureProfile, LabelProfile, Profile};
use crate::stats::{Interval, QuantileSketch};

/// The capacity of each level of a [`DataSketch`]'s quantile sketches unless told: a rank
/// error of about `2 log₂(n / 4096) / 4096` of the rows — 0.5% at ten million.
pub const SKETCH_CAPACITY: usize = 4096;

/// The confidence of the DKW interval, as in-memory drift uses.
const ALPHA: f64 = 0.05;

/// What one feature's values looked like.
#[derive(Debug, Clone, PartialEq)]
enum FeatureSketch {
    Numeric {
        sketch: QuantileSketch,
        min: f64,
        max: f64,
        missing: u64,
        nan: u64,
    },
    Categorical {
        levels: BTreeMap<String, u64>,
        missing: u64,
    },
}

/// Mergeable summaries of every feature of a stream of rows, built a batch at a time.
///
/// ```
/// use model_check::data::Batches;
/// use model_check::monitor::DataSketch;
/// use model_check::prelude::*;
///
/// #[derive(Features)]
/// struct Reading { volts: f64, site: String }
///
/// let stream = |shift: f64| Batches::new("readings", (0..200_000u32).map(move |i| {
///     let volts = f64::from(i % 1000) / 1000.0 + shift;
///     (Reading { volts, site: ["a", "b"][i as usize % 2].to_string() }, ())
/// }));
/// let reference = DataSketch::of_source(stream(0.0), 65_536)?;
/// let today = DataSketch::of_source(stream(0.2), 65_536)?;
/// assert_eq!(today.rows(), 200_000);
/// let volts = today.drift(&reference, Reading::VOLTS, 0.05);
/// assert_eq!(volts.verdict, Verdict::Fail); // a fifth of the range moved
/// let site = today.drift(&reference, Reading::SITE, 0.05);
/// assert_eq!(site.verdict, Verdict::Pass);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DataSketch<R> {
    name: String,
    rows: u64,
    features: Vec<FeatureSketch>,
    /// Class counts, in the order the classes first appear.
    classes: Vec<(String, u64)>,
    row: PhantomData<fn(&R)>,
}

impl<R: Features> DataSketch<R> {
    /// An empty sketch with [`SKETCH_CAPACITY`].
    pub fn new(name: impl Into<String>) -> Self {
        DataSketch::with_capacity(name, SKETCH_CAPACITY)
    }

    /// An empty sketch whose quantile sketches hold `capacity` values per level.
    pub fn with_capacity(name: impl Into<String>, capacity: usize) -> Self {
        let features = R::SCHEMA
            .iter()
            .map(|spec| {
                if spec.is_numeric() {
                    FeatureSketch::Numeric {
                        sketch: QuantileSketch::new(capacity),
                        min: f64::INFINITY,
                        max: f64::NEG_INFINITY,
                        missing: 0,
                        nan: 0,
                    }
                } else {
                    FeatureSketch::Categorical {
                        levels: BTreeMap::new(),
                        missing: 0,
                    }
                }
            })
            .collect();
        DataSketch {
            name: name.into(),
            rows: 0,
            features,
            classes: Vec::new(),
            row: PhantomData,
        }
    }

    /// The sketch of every row of `source`, read `batch` rows at a time.
    pub fn of_source<S: Source<Row = R>>(mut source: S, batch: usize) -> Result<Self, DataError> {
        let mut sketch: Option<DataSketch<R>> = None;
        while let Some(rows) = source.next_batch(batch.max(1))? {
            sketch
                .get_or_insert_with(|| DataSketch::new(rows.name()))
                .add(&rows);
        }
        Ok(sketch.unwrap_or_else(|| DataSketch::new("empty stream")))
    }

    /// Adds a batch.
    pub fn add(&mut self, batch: &Dataset<R>) {
        self.rows += batch.len() as u64;
        for row in batch.rows() {
            for (i, feature) in self.features.iter_mut().enumerate() {
                match (feature, row.value(i)) {
                    (FeatureSketch::Numeric { missing, .. }, Value::Missing)
                    | (FeatureSketch::Categorical { missing, .. }, Value::Missing) => *missing += 1,
                    (
                        FeatureSketch::Numeric {
                            sketch,
                            min,
                            max,
                            nan,
                            ..
                        },
                        Value::Number(x),
                    ) => {
                        if sketch.insert(x) {
                            *min = min.min(x);
                            *max = max.max(x);
                        } else {
                            *nan += 1;
                        }
                    }
                    (FeatureSketch::Categorical { levels, .. }, Value::Category(c)) => {
                        match levels.get_mut(c.as_ref()) {
                            Some(count) => *count += 1,
                            None => {
                                levels.insert(c.into_owned(), 1);
                            }
                        }
                    }
                    // A derive keeps values and kinds together; anything else is not counted.
                    _ => {}
                }
            }
        }
        let labels = batch.labels();
        if let (Some(names), Some(index)) = (labels.class_names(), labels.class_indices()) {
            let mut counts = vec![0u64; names.len()];
            for &c in index {
                counts[c as usize] += 1;
            }
            for (name, count) in names.iter().zip(counts) {
                self.count_class(name, count);
            }
        }
    }

    /// Adds every row another sketch has seen (another shard of the same stream).
    pub fn merge(&mut self, other: &DataSketch<R>) {
        self.rows += other.rows;
        for (mine, theirs) in self.features.iter_mut().zip(&other.features) {
            match (mine, theirs) {
                (
                    FeatureSketch::Numeric {
                        sketch,
                        min,
                        max,
                        missing,
                        nan,
                    },
                    FeatureSketch::Numeric {
                        sketch: s,
                        min: lo,
                        max: hi,
                        missing: m,
                        nan: x,
                    },
                ) => {
                    sketch.merge(s);
                    *min = min.min(*lo);
                    *max = max.max(*hi);
                    *missing += m;
                    *nan += x;
                }
                (
                    FeatureSketch::Categorical { levels, missing },
                    FeatureSketch::Categorical {
                        levels: l,
                        missing: m,
                    },
                ) => {
                    for (level, count) in l {
                        *levels.entry(level.clone()).or_default() += count;
                    }
                    *missing += m;
                }
                _ => unreachable!("both sketches follow R's schema"),
            }
        }
        for (class, count) in &other.classes {
            self.count_class(class, *count);
        }
    }

    fn count_class(&mut self, class: &str, count: u64) {
        match self.classes.iter_mut().find(|(c, _)| c == class) {
            Some((_, k)) => *k += count,
            None => self.classes.push((class.to_string(), count)),
        }
    }

    /// How many rows the sketch has seen.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// How many numbers the sketch keeps in all (its memory, in values).
    pub fn retained(&self) -> usize {
        self.features
            .iter()
            .map(|f| match f {
                FeatureSketch::Numeric { sketch, .. } => sketch.retained(),
                FeatureSketch::Categorical { levels, .. } => levels.len(),
            })
            .sum()
    }

    /// "The drift of `feature` from `reference` is at most `max`", as
    /// [`drift`](crate::expect::drift) decides it in memory: the Kolmogorov–Smirnov distance
    /// of a numeric feature on its DKW interval widened by both sketches' rank errors, the
    /// largest change of a level's share of a categorical one on its simultaneous interval
    /// (exact counts: nothing to widen). Missing values and NaNs are left out.
    pub fn drift<T>(&self, reference: &DataSketch<R>, feature: Feature<R, T>, max: f64) -> Finding {
        let i = feature.index();
        let spec = &R::SCHEMA[i];
        match (&self.features[i], &reference.features[i]) {
            (
                FeatureSketch::Numeric { sketch: a, .. },
                FeatureSketch::Numeric { sketch: b, .. },
            ) => {
                let (n, m) = (a.len() as usize, b.len() as usize);
                let Some(d) = crate::stats::sketch_ks_statistic(a, b) else {
                    return no_values(spec.name());
                };
                let slack = a.rank_error() as f64 / n as f64 + b.rank_error() as f64 / m as f64;
                let dkw = crate::stats::ks_interval(d, n, m, ALPHA);
                let interval = Interval {
                    lo: (dkw.lo - slack).max(0.0),
                    hi: (dkw.hi + slack).min(1.0),
                };
                let note = format!(
                    "sketched (rank error ±{} widens the DKW bound)",
                    crate::fmt::number(slack)
                );
                crate::expect::drift_finding(
                    d,
                    interval,
                    max,
                    n,
                    m,
                    Method::new("ks dkw sketch").with("rank_error", slack),
                    Some(note),
                )
            }
            (
                FeatureSketch::Categorical { levels: a, .. },
                FeatureSketch::Categorical { levels: b, .. },
            ) => {
                let (n, m): (u64, u64) = (a.values().sum(), b.values().sum());
                if n == 0 || m == 0 {
                    return no_values(spec.name());
                }
                let share = |counts: &BTreeMap<String, u64>, level: &str, total: u64| {
                    counts.get(level).copied().unwrap_or(0) as f64 / total as f64
                };
                let (mut d, mut moved) = (0.0, "");
                for level in a.keys().chain(b.keys()) {
                    let change = (share(a, level, n) - share(b, level, m)).abs();
                    if change > d {
                        (d, moved) = (change, level.as_str());
                    }
                }
                let declared = (!spec.levels().is_empty()).then_some(spec.levels().len());
                let interval =
                    crate::stats::level_shift_interval(d, n as usize, m as usize, declared, ALPHA);
                crate::expect::drift_finding(
                    d,
                    interval,
                    max,
                    n as usize,
                    m as usize,
                    Method::new("level shares"),
                    Some(format!("the share of `{moved}` moved most")),
                )
            }
            _ => unreachable!("both sketches follow R's schema"),
        }
    }

    /// "`feature` is missing in at most `max` of rows", on the Wilson interval (or exactly,
    /// for `max` = 0), as [`missing_rate`](crate::expect::missing_rate) decides it.
    pub fn missing_rate<T>(&self, feature: Feature<R, T>, max: f64) -> Finding {
        let missing = match &self.features[feature.index()] {
            FeatureSketch::Numeric { missing, .. } | FeatureSketch::Categorical { missing, .. } => {
                *missing
            }
        };
        crate::expect::share_finding(missing, self.rows, max).with_note(format!(
            "{missing} of {} rows miss `{}`",
            self.rows,
            feature.name()
        ))
    }

    /// The [`Profile`] of the rows seen — exact, as [`Profile::infer`] gives it on the same
    /// rows: extremes, levels and counts are kept exactly.
    pub fn to_profile(&self) -> Profile {
        let share = |count: u64| {
            if self.rows == 0 {
                0.0
            } else {
                count as f64 / self.rows as f64
            }
        };
        let features = R::SCHEMA
            .iter()
            .zip(&self.features)
            .map(|(spec, sketch)| {
                let (kind, number) = FeatureKind::of_spec(spec);
                match sketch {
                    FeatureSketch::Numeric {
                        sketch,
                        min,
                        max,
                        missing,
                        ..
                    } => FeatureProfile {
                        name: spec.name().to_string(),
                        kind,
                        number,
                        min: (!sketch.is_empty()).then_some(*min),
                        max: (!sketch.is_empty()).then_some(*max),
                        levels: None,
                        missing: share(*missing),
                    },
                    FeatureSketch::Categorical { levels, missing } => FeatureProfile {
                        name: spec.name().to_string(),
                        kind,
                        number,
                        min: None,
                        max: None,
                        levels: Some(levels.keys().cloned().collect()),
                        missing: share(*missing),
                    },
                }
            })
            .collect();
        Profile {
            dataset: self.name.clone(),
            rows: self.rows,
            labels: (!self.classes.is_empty()).then(|| LabelProfile::Classes {
                shares: self
                    .classes
                    .iter()
                    .map(|(c, k)| (c.clone(), share(*k)))
                    .collect(),
            }),
            features,
        }
    }
}

fn no_values(name: &str) -> Finding {
    Finding::new(
        crate::expect::Verdict::Error,
        crate::expect::Evidence::none(),
    )
    .with_note(format!(
        "`{name}` has no values in the sketched rows or the reference"
    ))
}
