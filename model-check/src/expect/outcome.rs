//! Outcomes: verdicts with their evidence and examples.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::metrics::Interval;
use crate::model::ModelInfo;

/// The verdict of one expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The whole 95% interval clears the threshold (or, in point-estimate mode, the estimate
    /// does).
    Pass,
    /// The whole 95% interval misses the threshold.
    Fail,
    /// The interval straddles the threshold, or the cohort is below the minimum size: more
    /// rows are needed to decide.
    Inconclusive,
    /// The expectation could not be evaluated: the model failed or panicked, or the data
    /// does not fit.
    Error,
}

impl Verdict {
    /// `PASS`, `FAIL`, `INCONCLUSIVE` or `ERROR`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::Error => "ERROR",
        }
    }
}

/// How a verdict was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Method {
    /// The Wilson 95% interval of a proportion.
    Wilson,
    /// Newcombe's hybrid score 95% interval of a difference of two proportions (from their
    /// Wilson intervals).
    Newcombe,
    /// McNemar's exact test on paired predictions of the same rows, with the paired
    /// difference's 95% interval.
    #[serde(rename = "mcnemar")]
    McNemar,
    /// A seeded percentile bootstrap 95% interval.
    Bootstrap {
        /// The number of resamples.
        resamples: u32,
    },
    /// The estimate alone, with no allowance for sampling error (asked for explicitly).
    PointEstimate,
    /// No evidence: the expectation was not evaluated.
    None,
}

/// The numbers behind a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The observed value.
    pub estimate: Option<f64>,
    /// Its 95% interval.
    pub interval: Option<Interval>,
    /// The number of rows (or trials) behind the estimate.
    pub n: u64,
    /// The threshold it was compared with.
    pub threshold: Option<f64>,
    /// How the verdict was reached.
    pub method: Method,
    /// For an inconclusive verdict: about how many rows would decide it, if the observed
    /// value held.
    pub rows_needed: Option<u64>,
}

impl Evidence {
    /// No evidence (an error outcome).
    pub fn none() -> Self {
        Evidence {
            estimate: None,
            interval: None,
            n: 0,
            threshold: None,
            method: Method::None,
            rows_needed: None,
        }
    }
}

/// A row that shows why an outcome is what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// The row's position in the dataset.
    pub row: usize,
    /// The row's id, when the dataset has ids.
    pub id: Option<String>,
    /// What the row shows: "true Yes, predicted No (P(Yes) = 0.08)".
    pub detail: String,
}

/// The result of one expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The model checked.
    pub model: ModelInfo,
    /// The expectation in words.
    pub expectation: String,
    /// The rows it applied to.
    pub cohort: String,
    /// Pass, fail, inconclusive, or error.
    pub verdict: Verdict,
    /// The numbers behind the verdict.
    pub evidence: Evidence,
    /// The most telling rows, at most the check's `max_examples`.
    pub examples: Vec<Example>,
    /// Anything else the reader needs: why a verdict is inconclusive, the error message.
    pub note: Option<String>,
    /// Whether an `Inconclusive` verdict passes (the check allowed it).
    #[serde(default)]
    pub inconclusive_allowed: bool,
}

impl Outcome {
    /// An outcome with a verdict and evidence; the model, expectation and cohort are filled
    /// in by the runner.
    pub fn new(verdict: Verdict, evidence: Evidence) -> Self {
        Outcome {
            model: ModelInfo::new("", ""),
            expectation: String::new(),
            cohort: String::new(),
            verdict,
            evidence,
            examples: Vec::new(),
            note: None,
            inconclusive_allowed: false,
        }
    }

    /// An expectation that could not be evaluated.
    pub(crate) fn error(model: &ModelInfo, expectation: &str, message: String) -> Self {
        Outcome {
            model: model.clone(),
            expectation: expectation.to_string(),
            cohort: String::new(),
            verdict: Verdict::Error,
            evidence: Evidence::none(),
            examples: Vec::new(),
            note: Some(message),
            inconclusive_allowed: false,
        }
    }

    /// Adds examples.
    pub fn with_examples(mut self, examples: Vec<Example>) -> Self {
        self.examples = examples;
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The outcomes of running a check or suite with a seed.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// The seed the checks ran with.
    pub seed: u64,
    /// One outcome per expectation.
    pub outcomes: Vec<Outcome>,
    /// Model calls made (predictions already cached in the process cost none).
    pub model_calls: u64,
    /// Wall-clock time.
    pub duration: Duration,
}

impl CheckReport {
    /// The overall verdict: `Error` if any outcome errored, else `Fail` if any failed, else
    /// `Inconclusive` if any was inconclusive, else `Pass`.
    pub fn verdict(&self) -> Verdict {
        let any = |v| self.outcomes.iter().any(|o| o.verdict == v);
        if any(Verdict::Error) {
            Verdict::Error
        } else if any(Verdict::Fail) {
            Verdict::Fail
        } else if any(Verdict::Inconclusive) {
            Verdict::Inconclusive
        } else {
            Verdict::Pass
        }
    }

    /// Whether the test passes: there is at least one outcome, and every outcome passes or
    /// is inconclusive where its check allowed that.
    pub fn passed(&self) -> bool {
        !self.outcomes.is_empty()
            && self.outcomes.iter().all(|o| match o.verdict {
                Verdict::Pass => true,
                Verdict::Inconclusive => o.inconclusive_allowed,
                Verdict::Fail | Verdict::Error => false,
            })
    }
}

/// The outcome as the failure report prints it: one line when it passes, else the
/// expectation, model, cohort, observed value with interval and `n`, threshold, note and
/// examples.
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        crate::report::render_outcome(&mut text, self);
        f.write_str(text.trim_end())
    }
}
