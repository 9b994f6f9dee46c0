//! Error analysis of a candle network on handwritten digits: how accurate it is, which small
//! changes of a picture it shrugs off, and the smallest change that fools it.
//!
//! Loads scikit-learn's 8×8 digits (`examples/data/digits.csv`, 1,797 images; see the README
//! there), splits them 75/25 with a seed, trains a small candle MLP (64 → 32 ReLU → 10,
//! AdamW) on the first part, wraps it with `model_check::adapters::candle`, and on the
//! held-out part:
//!
//! 1. accuracy and per-digit recall, with Wilson 95% intervals;
//! 2. invariance expectations — brightness ±0.1 (a tenth of the pixel range), shifts of up
//!    to one pixel, rotations of up to ±15°, 3×3 occlusion patches — each decided on the
//!    95% interval of the share of images whose prediction a variant changes;
//! 3. for each perturbation the model is not invariant to, a minimal counterexample (the
//!    smallest flipping patch, the bisected angle, shift or brightness), re-checked here by
//!    calling the model directly, and drawn;
//! 4. a ready `#[model_test]` that pins today's rate down.
//!
//! Pixels are the data's counts of 0..=16 divided by 16 (exact in `f32`), so the full range
//! 0..=1 of an [`Image`] is the data's full range.
//!
//! Run it with `cargo run -p model-check-adapter-tests --example digits --features candle`.
//! `tests/candle.rs` includes this file as a module to train the same network.

use std::error::Error;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use candle_core::{DType, Device, Module, Tensor, Var};
use candle_nn::{AdamW, Linear, Optimizer, ParamsAdamW};
use model_check::adapters::candle::CandleClassifier;
use model_check::data::Value;
use model_check::data::{DataError, Location, seeded_rng};
use model_check::expect::invariant;
use model_check::metrics::ClassificationMetrics;
use model_check::perturb::image::{Image, ImageEdit, brightness, occlude, rotate, shift};
use model_check::perturb::{Edit, Editable};
use model_check::prelude::*;
use rand::RngExt;

/// The data file, beside this example.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/digits.csv");
/// The side of every picture.
pub const SIDE: usize = 8;
/// The classes, in the order of the network's outputs.
pub const CLASSES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
/// The seed of the split, the initial weights and the batch order.
pub const SEED: u64 = 7;
/// The hidden layer's width.
pub const HIDDEN: usize = 32;
/// Passes over the training rows.
pub const EPOCHS: usize = 30;
/// Rows per optimiser step.
pub const BATCH: usize = 32;
/// AdamW's learning rate.
pub const LEARNING_RATE: f64 = 0.01;

/// Reads `label,p0,…,p63` lines (pixels 0..=16) into images; an error names the line and
/// column at fault.
pub fn load(path: &Path) -> Result<Dataset<Image>, DataError> {
    let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let parse = |line: u64, column: &str, message: String| DataError::Parse {
        at: Box::new(Location::file(path).at_line(line).in_field(column)),
        message,
    };
    let mut lines = text.lines();
    let header = lines.next().ok_or_else(|| DataError::EmptyFile {
        path: path.to_path_buf(),
    })?;
    let expected: Vec<String> = std::iter::once("label".to_string())
        .chain((0..SIDE * SIDE).map(|i| format!("p{i}")))
        .collect();
    if header.split(',').ne(expected.iter().map(String::as_str)) {
        return Err(parse(
            1,
            "header",
            format!("expected `{}`", expected.join(",")),
        ));
    }
    let (mut images, mut labels) = (Vec::new(), Vec::new());
    for (i, line) in lines.enumerate() {
        let at = i as u64 + 2;
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != expected.len() {
            return Err(parse(
                at,
                "row",
                format!("{} cells, expected {}", cells.len(), expected.len()),
            ));
        }
        let label: usize = cells[0]
            .parse()
            .ok()
            .filter(|&d| d < CLASSES.len())
            .ok_or_else(|| parse(at, "label", format!("{:?} is not a digit 0-9", cells[0])))?;
        let mut pixels = Vec::with_capacity(SIDE * SIDE);
        for (column, cell) in expected[1..].iter().zip(&cells[1..]) {
            let count: u8 = cell
                .parse()
                .ok()
                .filter(|&v| v <= 16)
                .ok_or_else(|| parse(at, column, format!("{cell:?} is not a count 0-16")))?;
            pixels.push(f32::from(count) / 16.0);
        }
        images
            .push(Image::new(SIDE, SIDE, 1, pixels).map_err(|e| parse(at, "row", e.to_string()))?);
        labels.push(CLASSES[label]);
    }
    Dataset::from_inputs(images, Labels::with_classes(CLASSES, labels)?)
        .map(|d| d.named("sklearn digits"))
}

/// The network: 64 pixels → `HIDDEN` ReLU units → 10 logits.
#[derive(Debug, Clone)]
pub struct Mlp {
    hidden: Linear,
    out: Linear,
}

impl Module for Mlp {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.out.forward(&self.hidden.forward(x)?.relu()?)
    }
}

/// A `rows × cols` weight matrix and a bias, drawn uniformly from ±1/√cols (PyTorch's
/// default for a linear layer) with our seeded generator: candle cannot seed its CPU one.
fn layer(
    rows: usize,
    cols: usize,
    rng: &mut model_check::data::SeededRng,
) -> candle_core::Result<(Var, Var)> {
    let bound = 1.0 / (cols as f32).sqrt();
    let mut draw =
        |n: usize| -> Vec<f32> { (0..n).map(|_| rng.random_range(-bound..bound)).collect() };
    let w = Var::from_tensor(&Tensor::from_vec(
        draw(rows * cols),
        (rows, cols),
        &Device::Cpu,
    )?)?;
    let b = Var::from_tensor(&Tensor::from_vec(draw(rows), rows, &Device::Cpu)?)?;
    Ok((w, b))
}

/// The images' pixels as one `[rows, 64]` tensor.
fn pixel_tensor(images: &[Image]) -> candle_core::Result<Tensor> {
    let x: Vec<f32> = images
        .iter()
        .flat_map(|im| im.pixels().iter().copied())
        .collect();
    Tensor::from_vec(x, (images.len(), SIDE * SIDE), &Device::Cpu)
}

/// A trained network and its last epoch's mean training loss.
pub struct Trained {
    /// The network.
    pub mlp: Mlp,
    /// The mean cross-entropy over the last epoch's batches.
    pub loss: f32,
}

/// Trains the network on `data` (cross-entropy, AdamW, `EPOCHS` passes in seeded batches).
pub fn train(data: &Dataset<Image>, seed: u64) -> Result<Trained, Box<dyn Error>> {
    let mut rng = seeded_rng(seed);
    let (w1, b1) = layer(HIDDEN, SIDE * SIDE, &mut rng)?;
    let (w2, b2) = layer(CLASSES.len(), HIDDEN, &mut rng)?;
    let mlp = Mlp {
        hidden: Linear::new(w1.as_tensor().clone(), Some(b1.as_tensor().clone())),
        out: Linear::new(w2.as_tensor().clone(), Some(b2.as_tensor().clone())),
    };
    let params = ParamsAdamW {
        lr: LEARNING_RATE,
        ..ParamsAdamW::default()
    };
    let mut optimiser = AdamW::new(vec![w1, b1, w2, b2], params)?;
    let x = pixel_tensor(data.rows())?;
    let y: Vec<u32> = data
        .labels()
        .class_indices()
        .ok_or("the training data has no class labels")?
        .to_vec();
    let y = Tensor::from_vec(y, data.len(), &Device::Cpu)?;
    let mut order: Vec<u32> = (0..data.len() as u32).collect();
    let mut loss = f32::NAN;
    for _ in 0..EPOCHS {
        // A seeded Fisher–Yates shuffle of the rows.
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut total = 0.0;
        let mut steps = 0;
        for chunk in order.chunks(BATCH) {
            let rows = Tensor::new(chunk, &Device::Cpu)?;
            let logits = mlp.forward(&x.index_select(&rows, 0)?)?;
            let batch_loss = candle_nn::loss::cross_entropy(&logits, &y.index_select(&rows, 0)?)?;
            optimiser.backward_step(&batch_loss)?;
            total += batch_loss.to_dtype(DType::F32)?.to_scalar::<f32>()?;
            steps += 1;
        }
        loss = total / steps as f32;
    }
    Ok(Trained { mlp, loss })
}

/// An image's pixels, as the network reads them.
pub fn pixels(image: &Image, out: &mut Vec<f64>) {
    out.extend(image.pixels().iter().map(|&p| f64::from(p)));
}

/// The adapter: a trained network as a model-check classifier.
pub type DigitsModel = CandleClassifier<Image, Mlp, fn(&Image, &mut Vec<f64>)>;

/// Wraps `mlp` (logits; the adapter applies the softmax).
pub fn adapter(mlp: Mlp) -> Result<DigitsModel, ModelError> {
    CandleClassifier::logits(
        ModelInfo::new("digits-mlp", "1"),
        mlp,
        SIDE * SIDE,
        CLASSES,
        pixels as fn(&Image, &mut Vec<f64>),
    )
}

/// The data, the split and the trained model.
pub struct Setup {
    /// Every image.
    pub data: Dataset<Image>,
    /// The 75% the network is trained on.
    pub train: Dataset<Image>,
    /// The held-out 25%.
    pub test: Arc<Dataset<Image>>,
    /// The model.
    pub model: Arc<DigitsModel>,
    /// The last epoch's training loss.
    pub loss: f32,
    /// Seconds spent training.
    pub seconds: f64,
}

/// Loads the data, splits it (seed `SEED`) and trains the network.
pub fn setup() -> Result<Setup, Box<dyn Error>> {
    let data = load(Path::new(DATA))?;
    let (train_rows, test) = data.split(0.75, SEED)?;
    let started = Instant::now();
    let trained = train(&train_rows, SEED)?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Setup {
        data,
        train: train_rows,
        test: Arc::new(test.named("digits test split")),
        model: Arc::new(adapter(trained.mlp)?),
        loss: trained.loss,
        seconds,
    })
}

/// The predicted class of each image, straight from the model.
pub fn labels_of(model: &DigitsModel, images: &[Image]) -> Result<Vec<usize>, ModelError> {
    Ok(model
        .predict(images)?
        .iter()
        .map(|p| p.predicted())
        .collect())
}

/// The same transformation one notch weaker: the bisected strength less one tolerance, or
/// every patch of one pixel less on the grid (`stride` apart). Each must keep the label.
pub fn weaker(t: &ImageEdit, tolerance: f64, stride: usize) -> Vec<ImageEdit> {
    match *t {
        ImageEdit::Rotate { degrees, fill } => vec![ImageEdit::Rotate {
            degrees: degrees - tolerance.copysign(degrees),
            fill,
        }],
        ImageEdit::Shift { dx, dy, fill } => {
            let k = (dx.hypot(dy) - tolerance) / dx.hypot(dy);
            vec![ImageEdit::Shift {
                dx: dx * k,
                dy: dy * k,
                fill,
            }]
        }
        ImageEdit::Brightness { delta } => vec![ImageEdit::Brightness {
            delta: delta - tolerance.copysign(delta),
        }],
        ImageEdit::Contrast { factor } => vec![ImageEdit::Contrast {
            factor: factor - tolerance.copysign(factor - 1.0),
        }],
        ImageEdit::Noise { sd, seed } => vec![ImageEdit::Noise {
            sd: sd - tolerance,
            seed,
        }],
        ImageEdit::Occlude { size, fill, .. } => {
            let mut smaller = Vec::new();
            for side in 1..size {
                for y in (0..=SIDE - side).step_by(stride) {
                    for x in (0..=SIDE - side).step_by(stride) {
                        smaller.push(ImageEdit::Occlude {
                            x,
                            y,
                            size: side,
                            fill,
                        });
                    }
                }
            }
            smaller
        }
    }
}

/// How one invariance is tested: its name, the expectation, the tolerance its minimal
/// counterexamples are bisected to, and the occlusion grid's stride.
struct Perturbation {
    name: &'static str,
    check: Check,
    tolerance: f64,
    stride: usize,
}

fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let setup = setup()?;
    let (model, test) = (setup.model.clone(), setup.test.clone());
    println!(
        "model    {}: 64 pixels → {HIDDEN} ReLU → 10 logits, candle-core 0.9 on the CPU, softmax by the adapter",
        model.info()
    );
    println!(
        "data     {} images (scikit-learn's 8×8 digits, pixels 0–16 ÷ 16): {} train / {} test (split 75/25, seed {SEED})",
        setup.data.len(),
        setup.train.len(),
        test.len()
    );
    println!(
        "training {EPOCHS} epochs of AdamW (lr {LEARNING_RATE}, batches of {BATCH}, seed {SEED}) in {:.2} s; last epoch's loss {:.4}",
        setup.seconds, setup.loss
    );

    section("1. Accuracy on the held-out images (Wilson 95% intervals)");
    let report = evaluate_classifier(&*model, &test, &[Cohort::all()])?;
    let metrics = &report[0].metrics;
    println!("accuracy {}", metrics.accuracy());
    print_recalls(metrics);

    section("2. Invariances (seed 7; each verdict decided on its 95% interval)");
    let on_test = || check(model.clone(), test.clone());
    let perturbations = [
        Perturbation {
            name: "brightness ±0.1",
            check: on_test().expect(
                invariant(brightness(0.1).minimal(model.clone()))
                    .multiplier(3)
                    .max_failure_rate(0.02),
            ),
            tolerance: 0.001,
            stride: 1,
        },
        Perturbation {
            name: "shift ≤ 1 px",
            check: on_test().expect(
                invariant(shift(1.0, 1.0).minimal(model.clone()))
                    .multiplier(3)
                    .max_failure_rate(0.05),
            ),
            tolerance: 0.01,
            stride: 1,
        },
        Perturbation {
            name: "rotation ±15°",
            check: on_test().expect(
                invariant(rotate(15.0).minimal(model.clone()))
                    .multiplier(3)
                    .max_failure_rate(0.05),
            ),
            tolerance: 0.01,
            stride: 1,
        },
        Perturbation {
            name: "3×3 occlusion",
            check: on_test().expect(
                invariant(occlude(3).stride(1).minimal(model.clone())).max_failure_rate(0.05),
            ),
            tolerance: 0.0,
            stride: 1,
        },
    ];
    let mut failing = Vec::new();
    for p in perturbations {
        let run = p.check.run(SEED);
        let outcome = run.outcomes.into_iter().next().ok_or("no outcome")?;
        println!("{outcome}");
        if outcome.verdict == Verdict::Fail {
            failing.push((p.name, outcome, p.tolerance, p.stride));
        }
    }

    section("3. Minimal counterexamples, re-checked by calling the model directly");
    for (name, outcome, tolerance, stride) in &failing {
        let Some(example) = outcome.examples.first() else {
            continue;
        };
        let image = &test.rows()[example.row];
        let truth = test.labels().class_of(example.row).unwrap_or("?");
        let [t] = replay(image, example)[..] else {
            println!("{name}: test row {} — {}", example.row, example.detail);
            continue;
        };
        let variant = image.transformed(&t);
        let [before, after] = labels_of(&model, &[image.clone(), variant.clone()])?[..] else {
            return Err("two predictions expected".into());
        };
        let notch = weaker(&t, *tolerance, *stride);
        let notch_images: Vec<Image> = notch.iter().map(|w| image.transformed(w)).collect();
        let kept = labels_of(&model, &notch_images)?
            .iter()
            .all(|&l| l == before);
        println!(
            "{name}: test row {} (a {truth}), predicted {} → {}\n  {}",
            example.row, CLASSES[before], CLASSES[after], example.detail
        );
        println!(
            "  re-checked: the variant flips {}; {} {}",
            if before != after { "✓" } else { "✗" },
            match t {
                ImageEdit::Occlude { size, .. } => format!(
                    "none of the {} patches of side < {size} on the grid flips",
                    notch.len()
                ),
                _ => format!(
                    "one tolerance ({tolerance}) weaker keeps {}",
                    CLASSES[before]
                ),
            },
            if kept { "✓" } else { "✗" }
        );
        draw(image, &variant);
    }

    section("4. A test to paste, pinning today's rate down");
    if let Some((name, outcome, ..)) = failing.iter().find(|(n, ..)| n.starts_with("rotation")) {
        print!("{}", model_test_text(name, outcome));
    } else if let Some((name, outcome, ..)) = failing.first() {
        print!("{}", model_test_text(name, outcome));
    } else {
        println!("every invariance holds: nothing to pin down");
    }
    println!(
        "\n(the whole example ran in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// An example's edits replayed: each read back from its words (the reduced transformation,
/// quoted as the report shows it), its kind told by the target the image names it with.
pub fn replay(image: &Image, example: &model_check::outcome::Example) -> Vec<ImageEdit> {
    let unquoted = |text: &str| {
        let text = text.strip_prefix('"').unwrap_or(text);
        text.strip_suffix('"').unwrap_or(text).to_string()
    };
    example
        .edits
        .iter()
        .filter_map(|e| {
            (0..6).find_map(|position| {
                let edit = Edit {
                    position,
                    before: Value::Category(unquoted(&e.before).into()),
                    after: Value::Category(unquoted(&e.after).into()),
                };
                if image.edit_target(&edit) == e.target {
                    ImageEdit::from_edit(&edit)
                } else {
                    None
                }
            })
        })
        .collect()
}

/// A `#[model_test]` guarding the failure rate at the 99.9% Wilson bound of today's.
fn model_test_text(name: &str, outcome: &model_check::outcome::Outcome) -> String {
    let rate = outcome.evidence.estimate.unwrap_or(0.0);
    let n = outcome.evidence.n;
    let failures = (rate * n as f64).round() as u64;
    let z = model_check::stats::normal_quantile(0.9995);
    let upper = model_check::stats::wilson(failures, n, z).map_or(1.0, |ci| ci.hi);
    let guard = ((upper * 1000.0).ceil() / 1000.0).min(1.0);
    let augmenter = match name {
        n if n.starts_with("rotation") => "rotate(15.0)",
        n if n.starts_with("shift") => "shift(1.0, 1.0)",
        n if n.starts_with("brightness") => "brightness(0.1)",
        _ => "occlude(3).stride(1)",
    };
    format!(
        "// {name}: {} of {n} test images change prediction today ({:.1}%); the guard fails if that worsens.\n\
         // `digits_model()` and `TEST_SPLIT`: your test crate's model and held-out images.\n\
         #[model_test(tags = [\"robustness\", \"images\"])]\n\
         fn digits_{}_rarely_changes_the_prediction() -> Check {{\n    \
             let model = digits_model();\n    \
             check(model.clone(), &*TEST_SPLIT)\n        \
                 .expect(invariant({augmenter}.minimal(model)).multiplier(3).max_failure_rate({guard}))\n\
         }}\n",
        failures,
        100.0 * rate,
        name.split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("image"),
    )
}

fn section(title: &str) {
    println!("\n{title}\n{}", "=".repeat(title.chars().count()));
}

fn print_recalls(metrics: &ClassificationMetrics) {
    println!("recall per digit:");
    for (c, name) in CLASSES.iter().enumerate() {
        println!("  {name}  {:#}", metrics.recall(c));
    }
}

/// The picture and its variant side by side, darker glyphs for more ink.
fn draw(original: &Image, variant: &Image) {
    const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];
    let glyph = |v: f32| SHADES[((v * 4.0).round() as usize).min(4)];
    println!("  original   variant");
    for y in 0..SIDE {
        let row = |im: &Image| -> String {
            (0..SIDE)
                .map(|x| glyph(im.get(x, y, 0).unwrap_or(0.0)))
                .collect()
        };
        println!("  {}   {}", row(original), row(variant));
    }
}
