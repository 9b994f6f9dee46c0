#![cfg(feature = "candle")]
//! The candle adapter against candle itself, on scikit-learn's 8×8 digits
//! (`examples/data/digits.csv`).
//!
//! What is proved: the adapter's outputs are candle's own forward pass on every row — exactly
//! for a module ending in candle-nn's softmax, within f32 rounding of candle-nn's softmax for
//! logits — in batches of 1, 7 and 256 that give every row the same output, the
//! probabilities summing to one; a regressor's outputs are the module's. On real data: the
//! digits network (trained here, seeded, as the `digits` example trains it) passes an
//! accuracy threshold and fails an invariance, and the minimal counterexample reported is
//! minimal when re-checked by calling the model directly. Bad input and bad output are typed
//! errors: a wrong input width names both widths, a NaN names its row (the dataset's row
//! through model-check's prediction path) and class, a wrong output shape names the shapes,
//! and a failing forward pass carries candle's error.

use std::sync::{Arc, LazyLock};

use candle_core::{D, Device, Module, Tensor};
use model_check::adapters::Flat;
use model_check::adapters::candle::{
    CandleClassifier, CandleError, CandleRegressor, Scores, Stage,
};
use model_check::expect::invariant;
use model_check::model::ModelErrorKind;
use model_check::perturb::image::{Image, ImageEdit, occlude, rotate};
use model_check::prelude::*;

#[path = "../examples/digits.rs"]
#[allow(dead_code)]
mod digits;

use digits::{CLASSES, DigitsModel, Mlp, SIDE};

/// The data, split and network of the example, trained once for every test here.
static SETUP: LazyLock<digits::Setup> = LazyLock::new(|| digits::setup().unwrap());

fn all_images() -> Vec<Image> {
    SETUP.data.rows().to_vec()
}

fn pixel_tensor(images: &[Image]) -> Tensor {
    let x: Vec<f32> = images
        .iter()
        .flat_map(|im| im.pixels().iter().copied())
        .collect();
    Tensor::from_vec(x, (images.len(), SIDE * SIDE), &Device::Cpu).unwrap()
}

fn mlp() -> Mlp {
    SETUP.model.module().clone()
}

/// Every row's probabilities, predicted `batch` rows per call.
fn predict_in_batches<M: Model<Input = Image, Output = Probabilities>>(
    model: &M,
    images: &[Image],
    batch: usize,
) -> Vec<Vec<f64>> {
    images
        .chunks(batch)
        .flat_map(|chunk| {
            let out = model.predict(chunk).unwrap();
            assert_eq!(out.len(), chunk.len());
            out.into_iter().map(|p| p.as_slice().to_vec())
        })
        .collect()
}

/// Every row's output is the same whatever the batch size: the same label, and
/// probabilities within 1e-6. candle's CPU matmul (gemm) is not bit-for-bit invariant to the
/// batch's size — a 256-row product rounds some rows' logits differently from a 1-row one —
/// so bit-equality is asserted against candle's own forward pass on the same batch (above),
/// and across batch sizes within f32 rounding.
fn same_rows_in_every_batch_size(per_batch: &[Vec<Vec<f64>>]) {
    let argmax = |p: &[f64]| (0..p.len()).fold(0, |best, c| if p[c] > p[best] { c } else { best });
    for (i, other) in per_batch.iter().enumerate().skip(1) {
        let mut worst: f64 = 0.0;
        let mut differing = 0;
        for (row, (a, b)) in per_batch[0].iter().zip(other).enumerate() {
            assert_eq!(
                argmax(a),
                argmax(b),
                "row {row}: the label depends on the batch"
            );
            let d = a
                .iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            worst = worst.max(d);
            differing += usize::from(a != b);
        }
        assert!(
            worst < 1e-6,
            "batch sizes 1 and {}: {worst}",
            [1, 7, 256][i]
        );
        println!(
            "batches of 1 and {}: {differing} of {} rows differ in any bit, by at most {worst:e}",
            [1, 7, 256][i],
            other.len()
        );
    }
}

#[test]
fn a_module_ending_in_softmax_gives_candles_own_probabilities_exactly() {
    let images = all_images();
    let softmaxed = |x: &Tensor| candle_nn::ops::softmax_last_dim(&mlp().forward(x)?);
    let model = CandleClassifier::probabilities(
        ModelInfo::new("digits-softmax", "1"),
        softmaxed,
        SIDE * SIDE,
        CLASSES,
        digits::pixels as fn(&Image, &mut Vec<f64>),
    )
    .unwrap();
    assert_eq!(model.scores(), Scores::Probabilities);
    let mut per_batch = Vec::new();
    for batch in [1, 7, 256] {
        let adapter = predict_in_batches(&model, &images, batch);
        // candle's forward pass on the same batches, read back directly.
        let mut candle = Vec::new();
        for chunk in images.chunks(batch) {
            let p = softmaxed(&pixel_tensor(chunk)).unwrap();
            candle.extend(p.to_vec2::<f32>().unwrap());
        }
        assert_eq!(adapter.len(), images.len());
        for (row, (a, c)) in adapter.iter().zip(&candle).enumerate() {
            let c: Vec<f64> = c.iter().map(|&v| f64::from(v)).collect();
            assert_eq!(a, &c, "row {row}, batches of {batch}");
            let sum: f64 = a.iter().sum();
            assert!((sum - 1.0).abs() < 1e-5, "row {row}: sums to {sum}");
        }
        per_batch.push(adapter);
    }
    same_rows_in_every_batch_size(&per_batch);
}

#[test]
fn logits_are_softmaxed_as_candle_nn_does_and_labels_are_candles_argmax() {
    let images = all_images();
    let model: &DigitsModel = &SETUP.model;
    assert_eq!(model.scores(), Scores::Logits);
    let mut per_batch = Vec::new();
    let mut worst: f64 = 0.0;
    for batch in [1, 7, 256] {
        let adapter = predict_in_batches(model, &images, batch);
        let mut row = 0;
        for chunk in images.chunks(batch) {
            let logits = mlp().forward(&pixel_tensor(chunk)).unwrap();
            let softmax = candle_nn::ops::softmax_last_dim(&logits)
                .unwrap()
                .to_vec2::<f32>()
                .unwrap();
            let argmax = logits.argmax(D::Minus1).unwrap().to_vec1::<u32>().unwrap();
            let logits = logits.to_vec2::<f32>().unwrap();
            for i in 0..chunk.len() {
                let a = &adapter[row];
                for (p, q) in a.iter().zip(&softmax[i]) {
                    worst = worst.max((p - f64::from(*q)).abs());
                }
                // The softmax of the logits in f64, written out here.
                let z: Vec<f64> = logits[i].iter().map(|&v| f64::from(v)).collect();
                let max = z.iter().copied().fold(f64::MIN, f64::max);
                let e: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
                let total: f64 = e.iter().sum();
                for (p, e) in a.iter().zip(&e) {
                    assert!((p - e / total).abs() < 1e-15, "row {row}");
                }
                assert!((a.iter().sum::<f64>() - 1.0).abs() < 1e-12, "row {row}");
                let top = z.iter().copied().fold(f64::MIN, f64::max);
                let ties = z.iter().filter(|&&v| v == top).count();
                if ties == 1 {
                    let label = model.predict(&chunk[i..=i]).unwrap()[0].predicted();
                    assert_eq!(label, argmax[i] as usize, "row {row}");
                }
                row += 1;
            }
        }
        per_batch.push(adapter);
    }
    assert!(
        worst < 1e-6,
        "largest difference from candle-nn's f32 softmax: {worst}"
    );
    same_rows_in_every_batch_size(&per_batch);
}

#[test]
fn a_regressor_returns_the_modules_outputs_flat_or_as_a_column() {
    let images = all_images();
    // The logit of digit 3 as a score, as a [batch] vector and as a [batch, 1] column.
    let flat = |x: &Tensor| mlp().forward(x)?.narrow(1, 3, 1)?.squeeze(1);
    let column = |x: &Tensor| mlp().forward(x)?.narrow(1, 3, 1);
    let a = CandleRegressor::new(ModelInfo::new("flat", "1"), flat, 64, digits::pixels).unwrap();
    let b =
        CandleRegressor::new(ModelInfo::new("column", "1"), column, 64, digits::pixels).unwrap();
    for batch in [1, 7, 256] {
        for chunk in images.chunks(batch) {
            let expected: Vec<f64> = flat(&pixel_tensor(chunk))
                .unwrap()
                .to_vec1::<f32>()
                .unwrap()
                .into_iter()
                .map(f64::from)
                .collect();
            assert_eq!(a.predict(chunk).unwrap(), expected);
            assert_eq!(b.predict(chunk).unwrap(), expected);
        }
    }
    assert!(a.predict(&[]).unwrap().is_empty());
}

#[test]
fn the_digits_network_is_accurate_and_fails_an_invariance_with_a_minimal_counterexample() {
    let model = SETUP.model.clone();
    let test = SETUP.test.clone();

    // The finding's first half: accuracy above 90%, decided on the Wilson 95% interval.
    let accurate = check(model.clone(), test.clone())
        .expect(accuracy().at_least(0.9))
        .run(7);
    let outcome = &accurate.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Pass, "{outcome}");
    assert!(outcome.evidence.interval.unwrap().lo > 0.9, "{outcome}");

    // The second: 3×3 occlusion patches change the prediction of more than 5% of the images,
    // each example reduced to the smallest flipping patch.
    let occluded = check(model.clone(), test.clone())
        .expect(invariant(occlude(3).stride(1).minimal(model.clone())).max_failure_rate(0.05))
        .run(7);
    let outcome = &occluded.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail, "{outcome}");
    assert!(outcome.evidence.interval.unwrap().lo > 0.05, "{outcome}");
    assert!(!outcome.examples.is_empty());
    let mut smaller_than_three = 0;
    for example in &outcome.examples {
        let image = &test.rows()[example.row];
        let [t] = digits::replay(image, example)[..] else {
            panic!("one occlusion edit: {example:?}")
        };
        let ImageEdit::Occlude { size, .. } = t else {
            panic!("{t:?}")
        };
        let label = |im: &Image| model.predict(std::slice::from_ref(im)).unwrap()[0].predicted();
        let original = label(image);
        assert_ne!(
            label(&image.transformed(&t)),
            original,
            "row {}: the patch flips",
            example.row
        );
        // Brute force, by calling the model: no patch of a smaller side, anywhere, flips.
        for side in 1..size {
            for y in 0..=SIDE - side {
                for x in 0..=SIDE - side {
                    let smaller = ImageEdit::Occlude {
                        x,
                        y,
                        size: side,
                        fill: 0.0,
                    };
                    assert_eq!(
                        label(&image.transformed(&smaller)),
                        original,
                        "row {}: {side}×{side} at ({x}, {y}) flips too, yet {size}×{size} was reported",
                        example.row
                    );
                }
            }
        }
        assert!(
            example
                .detail
                .contains("no smaller patch on the grid flips"),
            "{}",
            example.detail
        );
        smaller_than_three += usize::from(size < 3);
    }
    println!(
        "{} of {} examples shrunk below 3×3",
        smaller_than_three,
        outcome.examples.len()
    );
}

#[test]
fn a_bisected_rotation_flips_and_one_tolerance_less_does_not() {
    let model = SETUP.model.clone();
    let test = SETUP.test.clone();
    let tolerance = 0.01;
    let report = check(model.clone(), test.clone())
        .expect(
            invariant(rotate(15.0).minimal(model.clone()))
                .multiplier(3)
                .max_failure_rate(0.01),
        )
        .run(7);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail, "{outcome}");
    assert!(!outcome.examples.is_empty());
    let label = |im: &Image| model.predict(std::slice::from_ref(im)).unwrap()[0].predicted();
    for example in &outcome.examples {
        let image = &test.rows()[example.row];
        let [t] = digits::replay(image, example)[..] else {
            panic!("one rotation edit: {example:?}")
        };
        let ImageEdit::Rotate { degrees, fill } = t else {
            panic!("{t:?}")
        };
        assert!(degrees.abs() <= 15.0, "{degrees}");
        let original = label(image);
        assert_ne!(
            label(&image.transformed(&t)),
            original,
            "row {}: {degrees}° flips",
            example.row
        );
        let weaker = ImageEdit::Rotate {
            degrees: degrees - tolerance * degrees.signum(),
            fill,
        };
        assert_eq!(
            label(&image.transformed(&weaker)),
            original,
            "row {}: {degrees}° less {tolerance}° flips too",
            example.row
        );
        assert!(
            example.detail.contains("bisected to 0.01°"),
            "{}",
            example.detail
        );
    }
}

fn failed(err: &ModelError) -> &CandleError {
    let ModelErrorKind::Failed(source) = err.kind() else {
        panic!("not a failure: {err}")
    };
    source
        .downcast_ref::<CandleError>()
        .unwrap_or_else(|| panic!("not a candle error: {err}"))
}

#[test]
fn a_wrong_input_width_names_both_widths() {
    // An encoder that drops the last pixel.
    let short = |im: &Image, out: &mut Vec<f64>| {
        out.extend(im.pixels()[..63].iter().map(|&p| f64::from(p)));
    };
    let model =
        CandleClassifier::logits(ModelInfo::new("short", "1"), mlp(), 64, CLASSES, short).unwrap();
    let err = model.predict(&all_images()[..5]).unwrap_err();
    assert!(matches!(
        failed(&err),
        CandleError::InputWidth {
            expected: 64,
            got: 63
        }
    ));
    assert_eq!(err.model(), Some(&ModelInfo::new("short", "1")));
    assert_eq!(
        err.to_string(),
        "model `short@1` failed: the module reads rows of 64 features, the encoder wrote 63"
    );

    // Stated wrongly, the width is caught before candle is called, also for a module that
    // would broadcast any width silently.
    let sums = |x: &Tensor| x.sum_keepdim(1)?.broadcast_as((x.dim(0)?, 2))?.contiguous();
    let model =
        CandleClassifier::logits(ModelInfo::new("sums", "1"), sums, 3, ["a", "b"], Flat).unwrap();
    let err = model.predict(&[vec![1.0, 2.0]]).unwrap_err();
    assert!(matches!(
        failed(&err),
        CandleError::InputWidth {
            expected: 3,
            got: 2
        }
    ));

    // Through a check: an error outcome that says so, never a metric.
    let data = SETUP.test.clone();
    let report = check(
        CandleClassifier::logits(ModelInfo::new("short", "1"), mlp(), 64, CLASSES, short).unwrap(),
        data,
    )
    .expect(accuracy().at_least(0.9))
    .run(7);
    assert_eq!(report.outcomes[0].verdict, Verdict::Error);
    let text = format!("{:?}", report.outcomes[0]);
    assert!(
        text.contains("reads rows of 64 features, the encoder wrote 63"),
        "{text}"
    );
}

#[test]
fn a_nan_output_names_its_row_and_class() {
    // Row 300 marked by a top-left pixel of 0.5 (it is 0 in every digit of the data), and a
    // network that answers NaN for digit 4 wherever it sees the mark.
    let marked_row = 300;
    let mut images = all_images();
    assert!(images.iter().all(|im| im.pixels()[0] == 0.0));
    images[marked_row].set(0, 0, 0, 0.5).unwrap();
    let poisoned = |x: &Tensor| {
        let logits = mlp().forward(x)?;
        let marked = x.narrow(1, 0, 1)?.ge(0.5)?; // [batch, 1]
        let class_4 = Tensor::from_vec(
            (0..10).map(|c| u8::from(c == 4)).collect::<Vec<u8>>(),
            (1, 10),
            x.device(),
        )?;
        let nan = Tensor::full(f32::NAN, logits.shape(), x.device())?;
        marked.broadcast_mul(&class_4)?.where_cond(&nan, &logits)
    };
    let model = CandleClassifier::logits(
        ModelInfo::new("poisoned", "1"),
        poisoned,
        64,
        CLASSES,
        digits::pixels,
    )
    .unwrap();
    let err = model
        .predict(&images[marked_row - 2..marked_row + 3])
        .unwrap_err();
    let ModelErrorKind::InvalidOutput { row, reason } = err.kind() else {
        panic!("{err}")
    };
    assert_eq!(*row, Some(2), "the batch position");
    assert_eq!(
        reason,
        "the module's output for the logit of class \"4\" is NaN"
    );
    // The rows without the mark are the network's.
    let clean = model.predict(&images[..marked_row]).unwrap();
    assert_eq!(clean.len(), marked_row);

    // Through model-check's prediction path (batches of 256) the batch position becomes
    // the dataset row.
    let labels = SETUP.data.labels().clone();
    let data = Dataset::from_inputs(images, labels).unwrap();
    let err = evaluate_classifier(&model, &data, &[Cohort::all()]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("row {marked_row}")), "{text}");
    assert!(text.contains("class \"4\" is NaN"), "{text}");

    // A regressor's NaN likewise.
    let nan = |x: &Tensor| Tensor::full(f32::NAN, x.dim(0)?, x.device());
    let reg = CandleRegressor::new(ModelInfo::new("nan", "1"), nan, 2, Flat).unwrap();
    let err = reg.predict(&[[0.0, 1.0]]).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ModelErrorKind::InvalidOutput { row: Some(0), .. }
        ),
        "{err}"
    );
}

#[test]
fn a_wrong_output_shape_and_a_failing_forward_pass_are_candle_errors() {
    // Nine columns for ten classes.
    let nine = |x: &Tensor| mlp().forward(x)?.narrow(1, 0, 9);
    let model = CandleClassifier::logits(
        ModelInfo::new("nine", "1"),
        nine,
        64,
        CLASSES,
        digits::pixels,
    )
    .unwrap();
    let err = model.predict(&all_images()[..7]).unwrap_err();
    assert!(matches!(
        failed(&err),
        CandleError::OutputShape { rows: 7, columns: 10, got } if got == &[7, 9]
    ));
    assert!(
        err.to_string()
            .contains("shape [7, 9] for 7 inputs, expected [7, 10]"),
        "{err}"
    );

    // A forward pass that fails inside candle: a matmul of mismatched shapes.
    let w = Tensor::zeros((5, 2), candle_core::DType::F32, &Device::Cpu).unwrap();
    let broken = move |x: &Tensor| x.matmul(&w);
    let model =
        CandleClassifier::logits(ModelInfo::new("broken", "1"), broken, 3, ["a", "b"], Flat)
            .unwrap();
    let err = model.predict(&[vec![1.0, 2.0, 3.0]]).unwrap_err();
    let CandleError::Candle { stage, source } = failed(&err) else {
        panic!("{err}")
    };
    assert_eq!(*stage, Stage::Forward);
    assert!(source.to_string().contains("matmul"), "{source}");
    assert!(std::error::Error::source(failed(&err)).is_some());

    // Probabilities that are not: taken as they are, and refused.
    let raw = CandleClassifier::probabilities(
        ModelInfo::new("raw", "1"),
        mlp(),
        64,
        CLASSES,
        digits::pixels,
    )
    .unwrap();
    let err = raw.predict(&all_images()[..3]).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ModelErrorKind::InvalidOutput { row: Some(0), .. }
        ),
        "{err}"
    );

    // Bad settings.
    assert!(
        CandleClassifier::<Image, _, _>::logits(
            ModelInfo::new("w", "1"),
            mlp(),
            0,
            CLASSES,
            digits::pixels
        )
        .is_err()
    );
    assert!(
        CandleClassifier::<Image, _, _>::logits(
            ModelInfo::new("c", "1"),
            mlp(),
            64,
            ["only"],
            digits::pixels
        )
        .is_err()
    );
    let model: Arc<DigitsModel> = SETUP.model.clone();
    assert!(model.predict(&[]).unwrap().is_empty());
}
