//! Predict once: a process-wide cache of model outputs keyed by model identity and row
//! identity, so expectations that need the same predictions share one batched call.
//!
//! The key is the model's [`ModelInfo`] (name and version) and Rust type, and the dataset's
//! identity (a number shared by clones, new for every constructed, sampled or subset
//! dataset: share a dataset between tests in a `static` to share its predictions).
//!
//! Two models with the same name, version and type are assumed to predict the same. That is
//! checked rather than trusted: when a check reuses cached outputs, a few of its rows are
//! predicted again and compared; a different answer is an error naming the identity, never a
//! silently borrowed prediction.
//!
//! Rows are predicted in blocks aligned to the dataset — rows `[kB, (k+1)B)` for the batch
//! size `B` — whatever was cached before, so a model whose last bits depend on the batch it
//! sees still gives the same outputs in a full run as in a rerun of one test.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::predict::{batch_of, call_model};
use super::{Model, ModelError, ModelInfo};
use crate::data::Dataset;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    model: ModelInfo,
    model_type: TypeId,
    rows: u64,
}

/// One dataset's outputs: a block of the model's batch size at a time, filled in as blocks
/// are asked for.
type Entry<O> = Mutex<Vec<Option<Arc<[O]>>>>;

fn cache() -> &'static Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// How many already-cached rows a check predicts again to confirm the cached outputs are
/// this model's.
const SPOT_CHECKS: usize = 3;

/// A model's outputs for some rows of a dataset, in the order of the rows, borrowed from the
/// predict-once cache: nothing is copied per row.
///
/// Returned by [`Context::predictions`](crate::expect::Context::predictions); read it by
/// position (`predictions[i]` is the output for the `i`-th selected row) or iterate.
pub struct Predictions<'a, O> {
    blocks: Vec<Option<Arc<[O]>>>,
    size: usize,
    rows: Rows<'a>,
}

#[derive(Clone, Copy)]
enum Rows<'a> {
    Some(&'a [usize]),
    All(usize),
}

impl<O> Clone for Predictions<'_, O> {
    fn clone(&self) -> Self {
        Predictions {
            blocks: self.blocks.clone(),
            size: self.size,
            rows: self.rows,
        }
    }
}

impl<O> Predictions<'_, O> {
    /// How many rows.
    pub fn len(&self) -> usize {
        match self.rows {
            Rows::Some(rows) => rows.len(),
            Rows::All(n) => n,
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The output for the `i`-th row, if there is one.
    pub fn get(&self, i: usize) -> Option<&O> {
        let row = match self.rows {
            Rows::Some(rows) => *rows.get(i)?,
            Rows::All(n) => (i < n).then_some(i)?,
        };
        let block = self.blocks[row / self.size]
            .as_ref()
            .expect("the blocks of the rows asked for are predicted");
        Some(&block[row % self.size])
    }

    /// The first output.
    pub fn first(&self) -> Option<&O> {
        self.get(0)
    }

    /// The outputs, in the order of the rows.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &O> + DoubleEndedIterator + '_ {
        (0..self.len()).map(|i| self.get(i).expect("in range"))
    }

    /// The outputs, copied.
    pub fn to_vec(&self) -> Vec<O>
    where
        O: Clone,
    {
        self.iter().cloned().collect()
    }
}

impl<O> std::ops::Index<usize> for Predictions<'_, O> {
    type Output = O;
    fn index(&self, i: usize) -> &O {
        match self.get(i) {
            Some(o) => o,
            None => panic!("prediction {i} of {}", self.len()),
        }
    }
}

impl<'p, O> IntoIterator for &'p Predictions<'_, O> {
    type Item = &'p O;
    type IntoIter = Box<dyn Iterator<Item = &'p O> + 'p>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<O: std::fmt::Debug> std::fmt::Debug for Predictions<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The model's outputs for `rows` of `data` (all rows when `None`), in order, predicting
/// only blocks not seen before; `calls` counts the model calls made.
pub(crate) fn predict_rows<'a, M>(
    model: &M,
    data: &Dataset<M::Input>,
    rows: Option<&'a [usize]>,
    calls: &mut u64,
) -> Result<Predictions<'a, M::Output>, ModelError>
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: PartialEq + Send + Sync + 'static,
{
    let key = Key {
        model: model.info().clone(),
        model_type: TypeId::of::<M>(),
        rows: data.uid(),
    };
    let size = batch_of(model);
    let entry: Arc<dyn Any + Send + Sync> = {
        let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key)
            .or_insert_with(|| {
                let blocks = data.len().div_ceil(size);
                Arc::new(Entry::<M::Output>::new(vec![None; blocks]))
            })
            .clone()
    };
    let entry = entry
        .downcast_ref::<Entry<M::Output>>()
        .expect("a cache key determines the model type and so the output type");
    // Holding the entry's lock while predicting makes a concurrent test wait for these
    // predictions instead of repeating them.
    let mut blocks = entry.lock().unwrap_or_else(|e| e.into_inner());
    let rows = match rows {
        Some(rows) => Rows::Some(rows),
        None => Rows::All(data.len()),
    };
    let row_at = |i: usize| match rows {
        Rows::Some(rows) => rows[i],
        Rows::All(_) => i,
    };
    let n = match rows {
        Rows::Some(rows) => rows.len(),
        Rows::All(n) => n,
    };
    // A model's batch size is fixed (its `batch_size` is asked once per entry); a model
    // that changes it gets a fresh entry's worth of blocks.
    if blocks.len() != data.len().div_ceil(size) {
        *blocks = vec![None; data.len().div_ceil(size)];
    }

    // Confirm that outputs cached by another check are this model's: the first, middle and
    // last of the cached rows asked for.
    let cached: Vec<usize> = (0..n)
        .map(row_at)
        .filter(|&r| blocks[r / size].is_some())
        .collect();
    if !cached.is_empty() {
        let mut picks: Vec<usize> = (0..SPOT_CHECKS)
            .map(|i| cached[i * (cached.len() - 1) / (SPOT_CHECKS - 1)])
            .collect();
        picks.dedup();
        let batch: Vec<M::Input> = picks.iter().map(|&r| data.rows()[r].clone()).collect();
        *calls += 1;
        let fresh = call_model(model, &batch)?;
        let cached_output = |r: usize| &blocks[r / size].as_ref().expect("cached")[r % size];
        if let Some(i) = (0..picks.len()).find(|&i| *cached_output(picks[i]) != fresh[i]) {
            return Err(ModelError::failed(format!(
                "two different models share the identity `{}` (they predict row {} differently); give each its own name or version",
                model.info(),
                picks[i]
            ))
            .in_model(model.info()));
        }
    }

    // Blocks of the model's batch size, aligned to the dataset.
    let mut missing: Vec<usize> = (0..n)
        .map(|i| row_at(i) / size)
        .filter(|&b| blocks[b].is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    for block in missing {
        let start = block * size;
        let end = (start + size).min(data.len());
        *calls += 1;
        let predicted = call_model(model, &data.rows()[start..end])
            .map_err(|e| e.at_dataset_rows(|position| start + position))?;
        blocks[block] = Some(predicted.into());
    }
    Ok(Predictions {
        blocks: blocks.clone(),
        size,
        rows,
    })
}
