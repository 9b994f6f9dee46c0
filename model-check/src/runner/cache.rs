//! Predict once: a process-wide cache of model outputs keyed by model identity and row
//! identity, so expectations that need the same predictions share one batched call.
//!
//! The key is the model's [`ModelInfo`] (name and version) and Rust type, and the dataset's
//! identity (a number shared by clones, new for every constructed, sampled or subset
//! dataset). Two models with the same name, version and type are assumed to predict the
//! same: give a retrained model a new version.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::cohort::BATCH_SIZE;
use crate::data::Dataset;
use crate::model::{Model, ModelError, ModelErrorKind, ModelInfo};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    model: ModelInfo,
    model_type: TypeId,
    rows: u64,
}

/// One dataset's outputs, filled in as rows are asked for.
type Entry<O> = Mutex<Vec<Option<O>>>;

fn cache() -> &'static Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The model's outputs for `rows` of `data`, in order, predicting only rows not seen before
/// (in batches of [`BATCH_SIZE`]); `calls` counts the model calls made.
pub(crate) fn predict_rows<M>(
    model: &M,
    data: &Dataset<M::Input>,
    rows: &[usize],
    calls: &mut u64,
) -> Result<Vec<M::Output>, ModelError>
where
    M: Model + 'static,
    M::Input: Clone,
    M::Output: Clone + Send + Sync + 'static,
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
    let mut missing: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| outputs[r].is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    for chunk in missing.chunks(BATCH_SIZE) {
        let contiguous = chunk.windows(2).all(|w| w[1] == w[0] + 1);
        let predicted = if contiguous {
            model.predict(&data.rows()[chunk[0]..=chunk[chunk.len() - 1]])
        } else {
            let batch: Vec<M::Input> = chunk.iter().map(|&r| data.rows()[r].clone()).collect();
            model.predict(&batch)
        };
        *calls += 1;
        let predicted = predicted.map_err(|e| {
            e.in_model(model.info())
                .at_dataset_rows(|position| chunk.get(position).copied().unwrap_or(position))
        })?;
        if predicted.len() != chunk.len() {
            return Err(ModelError::new(ModelErrorKind::OutputCount {
                expected: chunk.len(),
                got: predicted.len(),
            })
            .in_model(model.info()));
        }
        for (&r, output) in chunk.iter().zip(predicted) {
            outputs[r] = Some(output);
        }
    }
    Ok(rows
        .iter()
        .map(|&r| outputs[r].clone().expect("predicted above"))
        .collect())
}
