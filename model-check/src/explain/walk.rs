//! The cooperative game both estimators play, evaluated along walks through coalitions.
//!
//! The interventional game (Lundberg & Lee 2017; Janzing, Minorics & Blöbaum 2020) values a
//! coalition `S` of players at `v(S) = mean_b f(x_S, b_rest)`: the explained row's values
//! for the players in `S`, a background row's for the others, averaged over the background.
//! Both estimators visit coalitions one player apart — the exact one along a Gray code,
//! the sampled one along a permutation and back — so the hybrid row of background row `b`
//! changes in one player's features from one coalition to the next. The walk keeps one
//! hybrid row per background row and, at each step, writes the toggled player's features
//! into the rows where they differ from the explained row; a background row that agrees
//! with the explained row on that player keeps its hybrid row, and its output is reused,
//! never predicted again. The empty coalition is the background itself (predicted once per
//! run) and the full one the explained row (predicted once per row).
//!
//! Hybrid rows of every explained row go to the model in one stream cut into batches of
//! its batch size: a batch may end one row's walk and start the next. Outputs come back in
//! the order the rows were sent, so a queue of marks — one per step, saying how many of the
//! outputs are its rows — replays the walk as the outputs arrive.

use std::collections::VecDeque;

use super::{ExplainError, Explained, Player, TargetOf};
use crate::data::{Features, Value};
use crate::model::{Model, batch_of, call_model};

/// The tag of the explained row itself among the rows sent to the model.
const EXPLAINED: usize = usize::MAX;

/// One explained row's walk, evaluated.
pub(crate) struct Walked {
    /// `v` at each coalition of the walk: the empty coalition first, then one value per
    /// toggle.
    pub values: Vec<f64>,
    /// `f(x)`, the explained row's own output.
    pub prediction: f64,
    /// The model calls made while this row's hybrid rows were sent (the background's with
    /// the first row's); over a run they sum to the calls made.
    pub model_calls: u64,
    /// The rows sent for this row (the background's with the first row's).
    pub model_rows: u64,
}

/// A run of walks over some explained rows.
pub(crate) struct Played {
    /// `E f(b)` over the background: `v` of the empty coalition.
    pub base: f64,
    /// One walk per explained row, in order.
    pub walks: Vec<Walked>,
}

/// The game: a model, the number it explains, the players and the background.
pub(crate) struct Game<'a, M: Model>
where
    M::Output: Explained,
{
    pub model: &'a M,
    pub target: &'a TargetOf<M>,
    pub players: &'a [Player],
    pub background: &'a [M::Input],
}

impl<M> Game<'_, M>
where
    M: Model,
    M::Input: Features + Clone,
    M::Output: Explained,
{
    /// Walks each of `rows` along `path` — player indices, each toggled in or out of the
    /// coalition in turn, starting from the empty one — and evaluates `v` at every step.
    pub(crate) fn walk(&self, rows: &[M::Input], path: &[usize]) -> Result<Played, ExplainError> {
        let features = M::Input::SCHEMA.len();
        let background_values: Vec<Vec<Value>> = self
            .background
            .iter()
            .map(|b| (0..features).map(|f| b.value(f)).collect())
            .collect();
        let mut stream = Stream::new(self, rows.len().max(1));
        stream.mark(Mark::Background, self.background.len());
        for (at, b) in self.background.iter().enumerate() {
            stream.send(b.clone(), at)?;
        }
        for (i, x) in rows.iter().enumerate() {
            stream.row = i;
            self.send_walk(&mut stream, x, path, &background_values)?;
        }
        stream.finish()?;

        let walks = stream
            .replay
            .walks
            .into_iter()
            .zip(stream.calls_made)
            .zip(stream.rows_sent)
            .map(|(((values, prediction), model_calls), model_rows)| Walked {
                values,
                prediction,
                model_calls,
                model_rows,
            })
            .collect();
        Ok(Played {
            base: stream.replay.base,
            walks,
        })
    }

    /// Sends `x` and the hybrid rows of its walk along `path`, each step marked.
    fn send_walk(
        &self,
        stream: &mut Stream<'_, '_, M>,
        x: &M::Input,
        path: &[usize],
        background_values: &[Vec<Value>],
    ) -> Result<(), ExplainError> {
        let x_values: Vec<Value> = (0..M::Input::SCHEMA.len()).map(|f| x.value(f)).collect();
        // For each player, the background rows whose hybrid changes when it is toggled.
        let differs: Vec<Vec<usize>> = self
            .players
            .iter()
            .map(|player| {
                (0..self.background.len())
                    .filter(|&b| {
                        let b = &background_values[b];
                        player.features.iter().any(|&f| !same(&x_values[f], &b[f]))
                    })
                    .collect()
            })
            .collect();
        let mut hybrids = self.background.to_vec();
        let mut member = vec![false; self.players.len()];
        let mut size = 0;

        stream.mark(Mark::Start, 1);
        stream.send(x.clone(), EXPLAINED)?;
        for &player in path {
            member[player] = !member[player];
            if member[player] {
                size += 1;
            } else {
                size -= 1;
            }
            for &b in &differs[player] {
                for &f in &self.players[player].features {
                    let value = if member[player] {
                        &x_values[f]
                    } else {
                        &background_values[b][f]
                    };
                    hybrids[b]
                        .set_value(f, value.clone())
                        .map_err(ExplainError::Value)?;
                }
            }
            if size == self.players.len() {
                stream.mark(Mark::Full, 0);
            } else if size == 0 {
                stream.mark(Mark::Empty, 0);
            } else {
                stream.mark(Mark::Between, differs[player].len());
                for &b in &differs[player] {
                    stream.send(hybrids[b].clone(), b)?;
                }
            }
        }
        stream.mark(Mark::End, 0);
        Ok(())
    }
}

/// Whether two feature values are the same input to a model: numbers bit for bit (so `0.0`
/// and `-0.0` differ, and a NaN is the same as itself), other values by equality.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.to_bits() == b.to_bits(),
        _ => a == b,
    }
}

/// What the outputs that follow stand for.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// The background rows, in order: `f(b)`.
    Background,
    /// A new explained row: its own output, `f(x)`.
    Start,
    /// A step to a coalition strictly between the empty and the full one: the outputs of
    /// the hybrid rows that changed, each tagged with its background row.
    Between,
    /// The full coalition: every hybrid row is `x`.
    Full,
    /// The empty coalition: `v = E f(b)`.
    Empty,
    /// The explained row's walk ends.
    End,
}

/// The rows on their way to the model, and the replay of the walks their outputs evaluate.
struct Stream<'g, 'a, M: Model>
where
    M::Output: Explained,
{
    game: &'g Game<'a, M>,
    batch: usize,
    pending: Vec<M::Input>,
    pending_tags: Vec<usize>,
    /// The numbers explained of the last batch's outputs.
    explained: Vec<f64>,
    /// Outputs received and not yet replayed, with their tags.
    ready: VecDeque<(usize, f64)>,
    /// Marks not yet replayed, with how many outputs each needs.
    marks: VecDeque<(Mark, usize)>,
    /// The explained row whose hybrid rows are being sent.
    row: usize,
    /// Per explained row, the calls made and the rows sent while its rows were sent.
    calls_made: Vec<u64>,
    rows_sent: Vec<u64>,
    replay: Replay,
}

impl<'g, 'a, M> Stream<'g, 'a, M>
where
    M: Model,
    M::Output: Explained,
{
    fn new(game: &'g Game<'a, M>, rows: usize) -> Self {
        let batch = batch_of(game.model);
        Stream {
            game,
            batch,
            pending: Vec::with_capacity(batch.min(1 << 16)),
            pending_tags: Vec::with_capacity(batch.min(1 << 16)),
            explained: Vec::with_capacity(batch.min(1 << 16)),
            ready: VecDeque::new(),
            marks: VecDeque::new(),
            row: 0,
            calls_made: vec![0; rows],
            rows_sent: vec![0; rows],
            replay: Replay {
                background: Vec::with_capacity(game.background.len()),
                base: 0.0,
                current: Vec::new(),
                values: Vec::new(),
                prediction: 0.0,
                walks: Vec::with_capacity(rows),
            },
        }
    }

    fn mark(&mut self, mark: Mark, outputs: usize) {
        self.marks.push_back((mark, outputs));
    }

    fn send(&mut self, input: M::Input, tag: usize) -> Result<(), ExplainError> {
        self.pending.push(input);
        self.pending_tags.push(tag);
        self.rows_sent[self.row] += 1;
        if self.pending.len() == self.batch {
            self.flush()?;
        }
        Ok(())
    }

    /// Predicts the pending rows in one call and replays every mark whose outputs are in.
    fn flush(&mut self) -> Result<(), ExplainError> {
        if !self.pending.is_empty() {
            let outputs =
                call_model(self.game.model, &self.pending).map_err(ExplainError::Model)?;
            self.calls_made[self.row] += 1;
            self.explained.clear();
            M::Output::explained_all(&outputs, self.game.target, &mut self.explained)?;
            for (&y, tag) in self.explained.iter().zip(self.pending_tags.drain(..)) {
                if !y.is_finite() {
                    return Err(ExplainError::NotFinite { value: y });
                }
                self.ready.push_back((tag, y));
            }
            self.pending.clear();
        }
        while let Some(&(mark, needed)) = self.marks.front() {
            if needed > self.ready.len() {
                break;
            }
            self.marks.pop_front();
            self.replay.apply(mark, self.ready.drain(..needed));
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ExplainError> {
        self.flush()?;
        debug_assert!(self.marks.is_empty() && self.ready.is_empty());
        Ok(())
    }
}

/// The walks, replayed from the outputs.
struct Replay {
    /// `f(b)` for each background row.
    background: Vec<f64>,
    base: f64,
    /// The output of each background row's current hybrid row.
    current: Vec<f64>,
    /// `v` along the current walk.
    values: Vec<f64>,
    prediction: f64,
    /// Each finished walk: `v` along it, and `f(x)`.
    walks: Vec<(Vec<f64>, f64)>,
}

impl Replay {
    fn apply(&mut self, mark: Mark, outputs: impl Iterator<Item = (usize, f64)>) {
        match mark {
            Mark::Background => {
                self.background.extend(outputs.map(|(_, y)| y));
                self.base = mean(&self.background);
            }
            Mark::Start => {
                if let Some((_, y)) = outputs.last() {
                    self.prediction = y;
                }
                self.current.clone_from(&self.background);
                self.values = vec![self.base];
            }
            Mark::Between => {
                for (b, y) in outputs {
                    self.current[b] = y;
                }
                self.values.push(mean(&self.current));
            }
            Mark::Full => {
                // Every hybrid row is the explained row. v is their mean, like every other
                // coalition's, rather than f(x) itself: n copies of f(x) need not sum to
                // n·f(x) exactly, and a player that changes nothing must get exactly 0.
                self.current.fill(self.prediction);
                self.values.push(mean(&self.current));
            }
            Mark::Empty => {
                self.current.copy_from_slice(&self.background);
                self.values.push(self.base);
            }
            Mark::End => {
                let values = std::mem::take(&mut self.values);
                self.walks.push((values, self.prediction));
            }
        }
    }
}

/// The mean, summed in four interleaved lanes combined pairwise: as accurate as summing in
/// order or more, without one long chain of dependent additions, and in a fixed order, so
/// the same outputs give the same bits.
fn mean(values: &[f64]) -> f64 {
    let mut lanes = [0.0; 4];
    let chunks = values.chunks_exact(4);
    let rest: f64 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (lane, &value) in lanes.iter_mut().zip(chunk) {
            *lane += value;
        }
    }
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + rest) / values.len() as f64
}
