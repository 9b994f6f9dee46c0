//! The one prediction path: every model call model-check makes goes through here — batched,
//! panic-safe (a panicking model is an error naming it, never a crashed test) and counted.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{Model, ModelError, ModelErrorKind};

/// Rows are sent to the model in batches of this many.
pub const BATCH_SIZE: usize = 4096;

/// The message of a caught panic.
pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Calls the model on one batch, turning a panic inside it into an error that names it, and
/// checking that it returned one output per input.
pub(crate) fn call_model<M: Model + ?Sized>(
    model: &M,
    batch: &[M::Input],
) -> Result<Vec<M::Output>, ModelError> {
    let outputs = catch_unwind(AssertUnwindSafe(|| model.predict(batch)))
        .map_err(|panic| {
            ModelError::new(ModelErrorKind::Panicked(panic_message(&panic))).in_model(model.info())
        })?
        .map_err(|e| e.in_model(model.info()))?;
    if outputs.len() != batch.len() {
        return Err(ModelError::new(ModelErrorKind::OutputCount {
            expected: batch.len(),
            got: outputs.len(),
        })
        .in_model(model.info()));
    }
    Ok(outputs)
}

/// The batch size model-check uses with `model`: its preference, at least 1.
pub(crate) fn batch_of<M: Model + ?Sized>(model: &M) -> usize {
    model.batch_size().max(1)
}

/// The model's outputs for `inputs`, predicted in batches of its batch size; `calls` counts
/// the calls made, and an error names the input's position (`at_row(i)` gives the row a
/// position stands for, for errors that name dataset rows).
pub(crate) fn predict_batched<M: Model + ?Sized>(
    model: &M,
    inputs: &[M::Input],
    calls: &mut u64,
    at_row: impl Fn(usize) -> usize,
) -> Result<Vec<M::Output>, ModelError> {
    let mut outputs = Vec::with_capacity(inputs.len());
    let size = batch_of(model);
    for (start, batch) in (0..).step_by(size).zip(inputs.chunks(size)) {
        *calls += 1;
        let predicted =
            call_model(model, batch).map_err(|e| e.at_dataset_rows(|p| at_row(start + p)))?;
        outputs.extend(predicted);
    }
    Ok(outputs)
}
