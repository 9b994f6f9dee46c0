//! Predict once: a process-wide cache of model outputs keyed by model identity and row
//! identity, so expectations that need the same predictions share one batched call.
//!
//! The key is the model's [`ModelInfo`] (name and version) and Rust type, and the dataset's
//! identity (a number shared by clones, new for every constructed, sampled or subset
//! dataset: share a dataset between tests in a `static` to share its predictions).
//!
//! Two models with the same name, version and type are assumed to predict the same. That is
//! checked rather than trusted: when a check reuses cached outputs, one block of them (at most
//! one batch) is predicted again and compared; a different answer is an error naming the
//! identity, never a silently borrowed prediction.
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
    /// A sample's hash, for outputs predicted as a dataset of their own.
    sample: Option<u64>,
}

/// One dataset's outputs: a block of the model's batch size at a time, filled in as blocks
/// are asked for.
type Entry<O> = Mutex<Vec<Block<O>>>;

/// One block's outputs, once predicted.
type Block<O> = Option<Arc<[O]>>;

fn cache() -> &'static Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

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
    let size = batch_of(model);
    let entry = entry::<M, Entry<M::Output>>(model, data, None, || {
        Mutex::new(vec![None; data.len().div_ceil(size)])
    });
    // Holding the entry's lock while predicting makes a concurrent test wait for these
    // predictions instead of repeating them.
    let mut blocks = entry.lock().unwrap_or_else(|e| e.into_inner());
    let rows = match rows {
        Some(rows) => Rows::Some(rows),
        None => Rows::All(data.len()),
    };
    let wanted: Vec<usize> = match rows {
        Rows::Some(rows) => rows.to_vec(),
        Rows::All(n) => (0..n).collect(),
    };
    fill(
        model,
        (&mut blocks, size, data.len()),
        &wanted,
        |range| std::borrow::Cow::Borrowed(&data.rows()[range]),
        |position| position,
        calls,
    )?;
    Ok(Predictions {
        blocks: blocks.clone(),
        size,
        rows,
    })
}

/// The model's outputs for a sample of `data`'s rows, predicted as a dataset of their own:
/// the sampled rows in blocks of the model's batch size, cached under the sample (so the
/// expectations of a check, and checks drawing the same sample, share them). A sample of
/// 10,000 rows of a million predicts 10,000 rows, not every block they fall in; and a model
/// whose last bits depend on its batch gives the same outputs whatever ran before.
pub(crate) fn predict_sample<'a, M>(
    model: &M,
    data: &Dataset<M::Input>,
    rows: &'a [usize],
    calls: &mut u64,
) -> Result<Predictions<'a, M::Output>, ModelError>
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: PartialEq + Send + Sync + 'static,
{
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    rows.hash(&mut hasher);
    let size = batch_of(model);
    let entry =
        entry::<M, SampleEntry<M::Output>>(model, data, Some(hasher.finish()), || SampleEntry {
            rows: rows.to_vec(),
            blocks: Mutex::new(vec![None; rows.len().div_ceil(size)]),
        });
    let inputs = |range: std::ops::Range<usize>| {
        std::borrow::Cow::Owned(
            rows[range]
                .iter()
                .map(|&r| data.rows()[r].clone())
                .collect(),
        )
    };
    let wanted: Vec<usize> = (0..rows.len()).collect();
    // Another sample with the same hash is predicted without the cache.
    let (mut guard, mut uncached);
    let blocks: &mut Vec<Block<M::Output>> = if entry.rows == rows {
        guard = entry.blocks.lock().unwrap_or_else(|e| e.into_inner());
        &mut guard
    } else {
        uncached = vec![None; rows.len().div_ceil(size)];
        &mut uncached
    };
    fill(
        model,
        (blocks, size, rows.len()),
        &wanted,
        inputs,
        |p| rows[p],
        calls,
    )?;
    Ok(Predictions {
        blocks: blocks.clone(),
        size,
        rows: Rows::All(rows.len()),
    })
}

/// The outputs of a sample: its rows and their blocks.
struct SampleEntry<O> {
    rows: Vec<usize>,
    blocks: Entry<O>,
}

/// The cache entry of (model, dataset, sample), made by `make` when new.
fn entry<M, E>(
    model: &M,
    data: &Dataset<M::Input>,
    sample: Option<u64>,
    make: impl FnOnce() -> E,
) -> Arc<E>
where
    M: Model + 'static,
    E: Send + Sync + 'static,
{
    let key = Key {
        model: model.info().clone(),
        model_type: TypeId::of::<M>(),
        rows: data.uid(),
        sample,
    };
    let entry: Arc<dyn Any + Send + Sync> = {
        let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_insert_with(|| Arc::new(make())).clone()
    };
    entry.downcast::<E>().unwrap_or_else(|_| {
        unreachable!("a cache key determines the model type and so the output type")
    })
}

/// Predicts the blocks holding positions `wanted` that are not yet predicted, after checking
/// that the cached ones are this model's: `blocks` of `size` positions, `total` positions
/// in all. `inputs` gives the inputs at a range of positions,
/// `dataset_row` the dataset row a position stands for (for errors).
fn fill<'i, M>(
    model: &M,
    (blocks, size, total): (&mut [Block<M::Output>], usize, usize),
    wanted: &[usize],
    inputs: impl Fn(std::ops::Range<usize>) -> std::borrow::Cow<'i, [M::Input]>,
    dataset_row: impl Fn(usize) -> usize,
    calls: &mut u64,
) -> Result<(), ModelError>
where
    M: Model,
    M::Input: Clone + 'i,
    M::Output: PartialEq,
{
    // Confirm that outputs cached by another check are this model's: the block of the first
    // cached position asked for is predicted again, as it was (the same inputs in the same
    // batch, so a model whose last bits depend on its batch still agrees with itself).
    if let Some(block) = wanted
        .iter()
        .map(|&p| p / size)
        .find(|&b| blocks[b].is_some())
    {
        let start = block * size;
        *calls += 1;
        let fresh = call_model(model, &inputs(start..(start + size).min(total)))?;
        let cached = blocks[block].as_ref().expect("cached");
        if let Some(i) = (0..fresh.len()).find(|&i| cached[i] != fresh[i]) {
            return Err(ModelError::failed(format!(
                "two different models share the identity `{}` (they predict row {} differently); give each its own name or version",
                model.info(),
                dataset_row(start + i)
            ))
            .in_model(model.info()));
        }
    }
    let mut missing: Vec<usize> = wanted
        .iter()
        .map(|&p| p / size)
        .filter(|&b| blocks[b].is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    for block in missing {
        let start = block * size;
        let batch = inputs(start..(start + size).min(total));
        *calls += 1;
        let predicted = call_model(model, &batch)
            .map_err(|e| e.at_dataset_rows(|position| dataset_row(start + position)))?;
        blocks[block] = Some(predicted.into());
    }
    Ok(())
}
