//! Token attributions of a text model: which words moved its prediction.
//!
//! Two estimators over the whitespace-separated tokens of
//! [`token_spans`](crate::perturb::token_spans), a token deleted with the gap before it (as
//! the text augmenters delete):
//!
//! - [`occlusion`](TokenAttribution::occlusion): the output on the whole text minus the
//!   output with one token deleted — one model call per token, for any length;
//! - [`exact`](TokenAttribution::exact): the Shapley values of the game whose coalitions keep
//!   some tokens and delete the rest (`v(S)` = the output on the text of the tokens in `S`),
//!   over every one of the `2^k` coalitions, for texts of at most [`MAX_EXACT_TOKENS`]
//!   tokens. They add up to `f(text) − f("")`.

use crate::model::Model;

use super::{ExplainError, Explained};

/// The most tokens [`TokenAttribution::exact`] enumerates (4,096 coalitions).
pub const MAX_EXACT_TOKENS: usize = 12;

/// Attributions of one text's prediction to its tokens, built by [`token_attribution`].
pub struct TokenAttribution<'a, M: Model<Input = String>>
where
    M::Output: Explained,
{
    model: &'a M,
    target: Option<<M::Output as Explained>::Target>,
}

/// The token attributions of `model`'s predictions.
///
/// ```
/// use model_check::explain::token_attribution;
/// use model_check::prelude::*;
///
/// // A lexicon model: "great" is worth 2, "day" 0.5, and the score is a probability.
/// let model = Classifier::from_fn(ModelInfo::new("lexicon", "1"), ["other", "great"], |b: &[String]| {
///     Ok(b.iter().map(|t| {
///         let score: f64 = t.split_whitespace().map(|w| match w { "great" => 2.0, "day" => 0.5, _ => 0.0 }).sum();
///         let p = 1.0 / (1.0 + (1.0 - score).exp());
///         vec![1.0 - p, p]
///     }).collect())
/// })?;
/// let text = "I'm having a great day".to_string();
/// let phi = token_attribution(&model).target("great".into()).exact(&text)?;
/// assert_eq!(phi.tokens, ["I'm", "having", "a", "great", "day"]);
/// assert_eq!(phi.sorted()[0].0, "great");
/// assert!(phi.values[1].abs() < 1e-12); // "having" carries nothing
/// assert!(phi.additivity_gap.abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn token_attribution<M>(model: &M) -> TokenAttribution<'_, M>
where
    M: Model<Input = String>,
    M::Output: Explained,
{
    TokenAttribution {
        model,
        target: None,
    }
}

/// One text's token attributions.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenValues {
    /// The tokens, in order.
    pub tokens: Vec<String>,
    /// One attribution per token.
    pub values: Vec<f64>,
    /// The output on the whole text.
    pub prediction: f64,
    /// The output the attributions start from: on the empty text (exact), or the whole
    /// text's for occlusion (whose values do not add up).
    pub base: f64,
    /// For exact values, `Σ values − (prediction − base)`; 0 for occlusion by definition.
    pub additivity_gap: f64,
    /// Model calls made.
    pub model_calls: u64,
}

impl TokenValues {
    /// `(token, value)`, largest value first (the tokens pushing the output up).
    pub fn sorted(&self) -> Vec<(&str, f64)> {
        let mut pairs: Vec<(&str, f64)> = self
            .tokens
            .iter()
            .map(String::as_str)
            .zip(self.values.iter().copied())
            .collect();
        pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
        pairs
    }

    /// The value of the first token equal to `token`.
    pub fn value_of(&self, token: &str) -> Option<f64> {
        self.tokens
            .iter()
            .position(|t| t == token)
            .map(|i| self.values[i])
    }
}

/// The text of the tokens of `text` whose bit is set in `keep`, the kept gaps as written
/// (a deleted token takes the gap before it, or after it at the start).
fn keep_tokens(text: &str, spans: &[(usize, usize)], keep: impl Fn(usize) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, &(start, end)) in spans.iter().enumerate() {
        if keep(i) {
            // The gap written before this token, unless nothing is written yet.
            if i > 0 && !out.is_empty() {
                out.push_str(&text[spans[i - 1].1..start]);
            }
            out.push_str(&text[start..end]);
        }
    }
    out
}

impl<M> TokenAttribution<'_, M>
where
    M: Model<Input = String>,
    M::Output: Explained,
{
    /// The number explained (a classifier's class).
    pub fn target(mut self, target: <M::Output as Explained>::Target) -> Self {
        self.target = Some(target);
        self
    }

    fn resolved_target(&self) -> Result<<M::Output as Explained>::Target, ExplainError> {
        self.target
            .clone()
            .or_else(<M::Output as Explained>::default_target)
            .ok_or(ExplainError::NoTarget)
    }

    fn values_of(&self, texts: &[String], calls: &mut u64) -> Result<Vec<f64>, ExplainError> {
        let target = self.resolved_target()?;
        let outputs = crate::model::predict_batched(self.model, texts, calls, |p| p)?;
        outputs
            .iter()
            .map(|o| {
                let v = o.explained(&target)?;
                if v.is_finite() {
                    Ok(v)
                } else {
                    Err(ExplainError::NotFinite { value: v })
                }
            })
            .collect()
    }

    /// Occlusion: each token's value is the output on the text minus the output with that
    /// token deleted.
    pub fn occlusion(&self, text: &str) -> Result<TokenValues, ExplainError> {
        let spans = crate::perturb::token_spans(text);
        let mut texts = vec![text.to_string()];
        texts.extend((0..spans.len()).map(|i| keep_tokens(text, &spans, |j| j != i)));
        let mut calls = 0;
        let outputs = self.values_of(&texts, &mut calls)?;
        let prediction = outputs[0];
        Ok(TokenValues {
            tokens: spans.iter().map(|&(s, e)| text[s..e].to_string()).collect(),
            values: outputs[1..].iter().map(|o| prediction - o).collect(),
            prediction,
            base: prediction,
            additivity_gap: 0.0,
            model_calls: calls,
        })
    }

    /// Exact Shapley values of the keep-or-delete game over the tokens (at most
    /// [`MAX_EXACT_TOKENS`]).
    pub fn exact(&self, text: &str) -> Result<TokenValues, ExplainError> {
        let spans = crate::perturb::token_spans(text);
        let k = spans.len();
        if k > MAX_EXACT_TOKENS {
            return Err(ExplainError::TooManyPlayers {
                players: k,
                max: MAX_EXACT_TOKENS,
            });
        }
        let texts: Vec<String> = (0..1usize << k)
            .map(|mask| keep_tokens(text, &spans, |i| mask >> i & 1 == 1))
            .collect();
        let mut calls = 0;
        let v = self.values_of(&texts, &mut calls)?;
        // Shapley's weight of a coalition of s of the other k − 1 players: s!(k−s−1)!/k!.
        let weight: Vec<f64> = (0..k)
            .map(|s| {
                let ln = |n: usize| (2..=n).map(|i| (i as f64).ln()).sum::<f64>();
                (ln(s) + ln(k - s - 1) - ln(k)).exp()
            })
            .collect();
        let values: Vec<f64> = (0..k)
            .map(|i| {
                let bit = 1usize << i;
                let mut total = 0.0;
                for mask in (0..1usize << k).filter(|m| m & bit == 0) {
                    total += weight[mask.count_ones() as usize] * (v[mask | bit] - v[mask]);
                }
                total
            })
            .collect();
        let (prediction, base) = (v[(1 << k) - 1], v[0]);
        let gap = values.iter().sum::<f64>() - (prediction - base);
        Ok(TokenValues {
            tokens: spans.iter().map(|&(s, e)| text[s..e].to_string()).collect(),
            values,
            prediction,
            base,
            additivity_gap: gap,
            model_calls: calls,
        })
    }
}
