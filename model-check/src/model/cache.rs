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

/// One dataset's outputs, filled in as blocks of rows are asked for.
type Entry<O> = Mutex<Vec<Option<O>>>;

fn cache() -> &'static Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// How many already-cached rows a check predicts again to confirm the cached outputs are
/// this model's.
const SPOT_CHECKS: usize = 3;

/// The model's outputs for `rows` of `data`, in order, predicting only blocks not seen
/// before; `calls` counts the model calls made.
pub(crate) fn predict_rows<M>(
    model: &M,
    data: &Dataset<M::Input>,
    rows: &[usize],
    calls: &mut u64,
) -> Result<Vec<M::Output>, ModelError>
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: Clone + PartialEq + Send + Sync + 'static,
{
    let key = Key {
        model: model.info().clone(),
        model_type: TypeId::of::<M>(),
        rows: data.uid(),
    };
    let entry: Arc<dyn Any + Send + Sync> = {
        let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key)
            .or_insert_with(|| Arc::new(Entry::<M::Output>::new(vec![None; data.len()])))
            .clone()
    };
    let entry = entry
        .downcast_ref::<Entry<M::Output>>()
        .expect("a cache key determines the model type and so the output type");
    // Holding the entry's lock while predicting makes a concurrent test wait for these
    // predictions instead of repeating them.
    let mut outputs = entry.lock().unwrap_or_else(|e| e.into_inner());

    // Confirm that outputs cached by another check are this model's.
    let cached: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| outputs[r].is_some())
        .collect();
    if !cached.is_empty() {
        // The first, middle and last of the cached rows asked for.
        let mut picks: Vec<usize> = (0..SPOT_CHECKS)
            .map(|i| cached[i * (cached.len() - 1) / (SPOT_CHECKS - 1)])
            .collect();
        picks.dedup();
        let batch: Vec<M::Input> = picks.iter().map(|&r| data.rows()[r].clone()).collect();
        *calls += 1;
        let fresh = call_model(model, &batch)?;
        if let Some(i) = (0..picks.len()).find(|&i| outputs[picks[i]].as_ref() != Some(&fresh[i])) {
            return Err(ModelError::failed(format!(
                "two different models share the identity `{}` (they predict row {} differently); give each its own name or version",
                model.info(),
                picks[i]
            ))
            .in_model(model.info()));
        }
    }

    // Blocks of the model's batch size, aligned to the dataset.
    let size = batch_of(model);
    let mut blocks: Vec<usize> = rows
        .iter()
        .filter(|&&r| outputs[r].is_none())
        .map(|&r| r / size)
        .collect();
    blocks.sort_unstable();
    blocks.dedup();
    for block in blocks {
        let start = block * size;
        let end = (start + size).min(data.len());
        *calls += 1;
        let predicted = call_model(model, &data.rows()[start..end])
            .map_err(|e| e.at_dataset_rows(|position| start + position))?;
        for (slot, output) in outputs[start..end].iter_mut().zip(predicted) {
            *slot = Some(output);
        }
    }
    Ok(rows
        .iter()
        .map(|&r| outputs[r].clone().expect("predicted above"))
        .collect())
}
