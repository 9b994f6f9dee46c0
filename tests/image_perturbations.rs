//! Image augmenters on small synthetic pictures, with hand-written models.
//!
//! What is proved: the constructors refuse bad sizes and pixels; every augmenter keeps every
//! pixel in 0..=1 over many seeded variants (grey and RGB, dark and saturated pictures); the
//! same seed gives the same variants; bilinear rotation by 0° is the identity and a quarter
//! turn of a square picture is the exact transpose-flip; whole-pixel shifts move pixels
//! exactly. Minimality is checked independently of the code that finds it: an occlusion
//! flips and no smaller patch at any grid position does (brute force); a bisected angle,
//! shift and brightness flip, and the same edit one tolerance weaker does not. Bad settings
//! are typed errors naming the setting, also through `invariant(..)`.

use std::sync::Arc;

use model_check::expect::invariant;
use model_check::perturb::image::{
    Image, ImageEdit, ImageError, brightness, contrast, gaussian_noise, occlude, rotate, shift,
};
use model_check::perturb::{Augmenter, Edit, Editable};
use model_check::prelude::*;
use rand::RngExt;

const SIDE: usize = 16;

/// A bright square (0.9) at columns and rows 6..10 of a dark (0.1) picture.
fn bright_square(channels: usize) -> Image {
    let mut image = Image::filled(SIDE, SIDE, channels, 0.1).unwrap();
    for y in 6..10 {
        for x in 6..10 {
            for c in 0..channels {
                image.set(x, y, c, 0.9).unwrap();
            }
        }
    }
    image
}

/// A bright horizontal bar (rows 7 and 8) across a dark picture.
fn bar() -> Image {
    let mut image = Image::filled(SIDE, SIDE, 1, 0.1).unwrap();
    for y in 7..9 {
        for x in 0..SIDE {
            image.set(x, y, 0, 0.9).unwrap();
        }
    }
    image
}

/// A picture of seeded random pixels.
fn random_image(width: usize, height: usize, channels: usize, seed: u64) -> Image {
    let mut rng = model_check::data::seeded_rng(seed);
    let pixels = (0..width * height * channels)
        .map(|_| rng.random_range(0.0..=1.0f32))
        .collect();
    Image::new(width, height, channels, pixels).unwrap()
}

fn mean(image: &Image, xs: std::ops::Range<usize>, ys: std::ops::Range<usize>) -> f64 {
    let mut sum = 0.0;
    let mut n = 0.0;
    for y in ys {
        for x in xs.clone() {
            for c in 0..image.channels() {
                sum += f64::from(image.get(x, y, c).unwrap());
                n += 1.0;
            }
        }
    }
    sum / n
}

/// A model's scoring function, boxed.
type Score = Box<dyn Fn(&[Image]) -> Result<Vec<Vec<f64>>, ModelError> + Send + Sync>;

type ImageModel = Classifier<Image, Score>;

/// A classifier thresholding a statistic of the picture at 0.5.
fn threshold(name: &str, statistic: fn(&Image) -> f64) -> Arc<ImageModel> {
    let f: Score = Box::new(move |batch: &[Image]| {
        Ok(batch
            .iter()
            .map(|im| {
                if statistic(im) > 0.5 {
                    vec![0.1, 0.9]
                } else {
                    vec![0.9, 0.1]
                }
            })
            .collect())
    });
    Arc::new(Classifier::from_fn(ModelInfo::new(name, "1"), ["no", "yes"], f).unwrap())
}

/// "Is the centre bright?": the mean of the centre 4×4 patch.
fn centre_model() -> Arc<ImageModel> {
    threshold("centre", |im| mean(im, 6..10, 6..10))
}

/// "Is the bar still at the right edge?": the mean of rows 7..9 at columns 12..16.
fn bar_model() -> Arc<ImageModel> {
    threshold("bar", |im| mean(im, 12..16, 7..9))
}

/// "Is the picture bright?": the mean of every pixel.
fn mean_model() -> Arc<ImageModel> {
    threshold("mean", |im| mean(im, 0..SIDE, 0..SIDE))
}

fn label(model: &ImageModel, image: &Image) -> usize {
    model.predict(std::slice::from_ref(image)).unwrap()[0].predicted()
}

fn flips(model: &ImageModel, image: &Image, edits: &[Edit]) -> bool {
    label(model, image) != label(model, &image.apply(edits))
}

fn only(edits: &[Edit]) -> ImageEdit {
    assert_eq!(edits.len(), 1, "{edits:?}");
    ImageEdit::from_edit(&edits[0]).expect("an image edit")
}

#[test]
fn constructors_name_what_is_wrong() {
    assert_eq!(
        Image::new(16, 16, 3, vec![0.0; 16 * 16]),
        Err(ImageError::SizeMismatch {
            width: 16,
            height: 16,
            channels: 3,
            expected: Some(768),
            got: 256
        })
    );
    let mut pixels = vec![0.5; 4 * 2 * 3];
    pixels[(4 + 2) * 3 + 1] = 1.01; // x 2, y 1, channel 1
    assert_eq!(
        Image::new(4, 2, 3, pixels),
        Err(ImageError::OutOfRange {
            x: 2,
            y: 1,
            channel: 1,
            value: 1.01
        })
    );
    assert!(matches!(
        Image::new(1, 1, 1, vec![f32::NAN]),
        Err(ImageError::OutOfRange { .. })
    ));
    assert!(matches!(
        Image::new(0, 4, 1, vec![]),
        Err(ImageError::Empty { .. })
    ));
    assert!(matches!(
        Image::filled(usize::MAX, 2, 1, 0.0),
        Err(ImageError::SizeMismatch { expected: None, .. })
    ));
    let mut image = Image::filled(2, 2, 1, 0.0).unwrap();
    assert!(image.set(0, 0, 0, -0.5).is_err());
    assert!(image.set(0, 0, 1, 0.5).is_err());
    assert_eq!(image.get(0, 0, 0), Some(0.0));
    assert_eq!(
        Image::from_u8(1, 1, 1, vec![51]).unwrap().get(0, 0, 0),
        Some(0.2)
    );
}

/// The augmenters at strengths that push hard against the range.
fn strong_augmenters() -> Vec<(&'static str, Box<dyn Augmenter<Image>>)> {
    vec![
        ("noise", Box::new(gaussian_noise(0.8))),
        ("shift", Box::new(shift(5.5, 3.25).fill(1.0))),
        ("rotate", Box::new(rotate(180.0).fill(0.3))),
        ("brightness", Box::new(brightness(1.0))),
        ("contrast", Box::new(contrast(8.0))),
        ("occlude", Box::new(occlude(5).fill(1.0))),
    ]
}

#[test]
fn no_variant_leaves_the_pixel_range() {
    let images = [
        bright_square(1),
        bright_square(3),
        random_image(16, 16, 1, 1),
        random_image(13, 9, 3, 2),
        Image::filled(8, 8, 3, 1.0).unwrap(),
        Image::filled(8, 8, 1, 0.0).unwrap(),
    ];
    for (name, augmenter) in strong_augmenters() {
        let mut rng = model_check::data::seeded_rng(11);
        let mut variants = 0;
        for image in &images {
            for _ in 0..60 {
                let Some(edits) = augmenter.propose(image, &mut rng) else {
                    continue;
                };
                let variant = image.apply(&edits);
                assert_eq!(
                    (variant.width(), variant.height(), variant.channels()),
                    (image.width(), image.height(), image.channels())
                );
                assert!(
                    variant.pixels().iter().all(|p| (0.0..=1.0).contains(p)),
                    "{name}: {edits:?}"
                );
                // The variant is a valid image by the constructor's own rules.
                Image::new(
                    variant.width(),
                    variant.height(),
                    variant.channels(),
                    variant.pixels().to_vec(),
                )
                .unwrap();
                variants += 1;
            }
        }
        assert!(variants >= 300, "{name}: {variants} variants");
    }
}

#[test]
fn the_same_seed_gives_the_same_variants() {
    let image = random_image(16, 16, 3, 5);
    for (name, augmenter) in strong_augmenters() {
        let draw = |seed| {
            let mut rng = model_check::data::seeded_rng(seed);
            (0..20)
                .filter_map(|_| augmenter.propose(&image, &mut rng))
                .collect::<Vec<_>>()
        };
        let (a, b) = (draw(3), draw(3));
        assert_eq!(a, b, "{name}");
        let images = |v: &[Vec<Edit>]| v.iter().map(|e| image.apply(e)).collect::<Vec<_>>();
        assert_eq!(images(&a), images(&b), "{name}");
        assert_ne!(a, draw(4), "{name}: another seed, other variants");
    }
}

#[test]
fn rotation_by_zero_is_the_identity_and_quarter_turns_are_exact() {
    for channels in [1, 3] {
        let image = random_image(9, 9, channels, 7);
        let turned = |degrees| image.transformed(&ImageEdit::Rotate { degrees, fill: 0.0 });
        assert_eq!(turned(0.0), image);
        let n = 9;
        let (q, minus, half) = (turned(90.0), turned(-90.0), turned(180.0));
        for y in 0..n {
            for x in 0..n {
                for c in 0..channels {
                    // Counter-clockwise as displayed: out(x, y) = in(n − 1 − y, x).
                    assert_eq!(q.get(x, y, c), image.get(n - 1 - y, x, c));
                    assert_eq!(minus.get(x, y, c), image.get(y, n - 1 - x, c));
                    assert_eq!(half.get(x, y, c), image.get(n - 1 - x, n - 1 - y, c));
                }
            }
        }
    }
    // An even side: the centre is between pixels, and quarter turns stay exact.
    let image = random_image(16, 16, 1, 8);
    let q = image.transformed(&ImageEdit::Rotate {
        degrees: 90.0,
        fill: 0.0,
    });
    for y in 0..16 {
        for x in 0..16 {
            assert_eq!(q.get(x, y, 0), image.get(15 - y, x, 0));
        }
    }
}

#[test]
fn whole_pixel_shifts_move_pixels_and_fill_the_edge() {
    let image = random_image(10, 7, 3, 9);
    let moved = image.transformed(&ImageEdit::Shift {
        dx: 2.0,
        dy: -1.0,
        fill: 0.25,
    });
    for y in 0..7usize {
        for x in 0..10usize {
            for c in 0..3 {
                let source = (x.checked_sub(2), y + 1);
                let expected = match source {
                    (Some(sx), sy) if sy < 7 => image.get(sx, sy, c),
                    _ => Some(0.25),
                };
                assert_eq!(moved.get(x, y, c), expected, "({x}, {y})");
            }
        }
    }
    // Half a pixel is the average of two neighbours.
    let half = image.transformed(&ImageEdit::Shift {
        dx: 0.5,
        dy: 0.0,
        fill: 0.0,
    });
    let expected = 0.5 * (image.get(3, 2, 1).unwrap() + image.get(4, 2, 1).unwrap());
    assert!((half.get(4, 2, 1).unwrap() - expected).abs() < 1e-6);
}

#[test]
fn brightness_and_contrast_follow_their_formulas() {
    let image = Image::new(2, 1, 1, vec![0.2, 0.6]).unwrap();
    let contrasted = image.transformed(&ImageEdit::Contrast { factor: 2.0 });
    // Mean 0.4: 0.4 + 2 (0.2 − 0.4) = 0, 0.4 + 2 (0.6 − 0.4) = 0.8.
    assert!((contrasted.pixels()[0] - 0.0).abs() < 1e-6);
    assert!((contrasted.pixels()[1] - 0.8).abs() < 1e-6);
    assert_eq!(
        image.transformed(&ImageEdit::Contrast { factor: 1.0 }),
        image
    );
    let darker = image.transformed(&ImageEdit::Brightness { delta: -0.3 });
    assert_eq!(darker.pixels()[0], 0.0);
    assert!((darker.pixels()[1] - 0.3).abs() < 1e-6);
}

#[test]
fn an_occlusion_shrinks_to_the_smallest_flipping_patch_on_the_grid() {
    let model = centre_model();
    for channels in [1, 3] {
        let image = bright_square(channels);
        assert_eq!(label(&model, &image), 1);
        let augmenter = occlude(8).stride(2).minimal(model.clone());
        let variants = augmenter.enumerate(&image).unwrap();
        let flipping: Vec<&Vec<Edit>> = variants
            .iter()
            .filter(|e| flips(&model, &image, e))
            .collect();
        assert!(!flipping.is_empty());
        for edits in flipping {
            let ImageEdit::Occlude { x, y, size, fill } = only(edits) else {
                panic!("{edits:?}")
            };
            assert_eq!(fill, 0.0);
            assert!(size < 8, "shrunk from 8, got {size}");
            assert!(x % 2 == 0 && y % 2 == 0, "on the grid");
            // Brute force: no smaller patch, at any grid position, flips.
            for side in 1..size {
                for py in (0..=SIDE - side).step_by(2) {
                    for px in (0..=SIDE - side).step_by(2) {
                        let smaller = ImageEdit::Occlude {
                            x: px,
                            y: py,
                            size: side,
                            fill: 0.0,
                        };
                        assert!(
                            !flips(&model, &image, &[smaller.to_edit()]),
                            "{side}×{side} at ({px}, {py}) flips too"
                        );
                    }
                }
            }
            // 16 centre pixels of 0.9 need 8 covered to fall to 0.5: a 3×3 patch at (6, 6).
            assert_eq!((x, y, size), (6, 6, 3));
            assert!(
                image
                    .describe_edit(&edits[0])
                    .contains("no smaller patch on the grid flips"),
                "{}",
                image.describe_edit(&edits[0])
            );
        }
    }
}

/// Seeded proposals of a minimal augmenter that flip the model, at least `least` of them.
fn flipping_proposals<A: Augmenter<Image>>(
    augmenter: &A,
    model: &ImageModel,
    image: &Image,
    least: usize,
) -> Vec<Vec<Edit>> {
    let mut rng = model_check::data::seeded_rng(21);
    let found: Vec<Vec<Edit>> = (0..200)
        .filter_map(|_| augmenter.propose(image, &mut rng))
        .filter(|e| flips(model, image, e))
        .collect();
    assert!(found.len() >= least, "{} flipping proposals", found.len());
    found
}

#[test]
fn a_rotation_shrinks_to_the_flipping_angle_within_the_tolerance() {
    let model = bar_model();
    let image = bar();
    let tol: f64 = 0.01;
    let augmenter = rotate(30.0).minimal(model.clone());
    let mut angles = Vec::new();
    for edits in flipping_proposals(&augmenter, &model, &image, 5) {
        let ImageEdit::Rotate { degrees, fill } = only(&edits) else {
            panic!()
        };
        let weaker = ImageEdit::Rotate {
            degrees: degrees - tol.copysign(degrees),
            fill,
        };
        assert!(!flips(&model, &image, &[weaker.to_edit()]), "{degrees}");
        assert!(
            image
                .describe_edit(&edits[0])
                .ends_with("(smallest flip, bisected to 0.01°)"),
            "{}",
            image.describe_edit(&edits[0])
        );
        angles.push(degrees.abs());
    }
    // The picture is symmetric: every flip, either way, is at the same angle (to 2 tol).
    let (lo, hi) = angles
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), &a| (l.min(a), h.max(a)));
    assert!(hi - lo <= 2.0 * tol, "{angles:?}");
    assert!(hi < 30.0);
}

#[test]
fn a_shift_shrinks_to_the_flipping_length_within_the_tolerance() {
    let model = centre_model();
    let image = bright_square(3);
    let tol = 0.05;
    let augmenter = shift(4.0, 4.0).minimal(model.clone()).tolerance(tol);
    for edits in flipping_proposals(&augmenter, &model, &image, 5) {
        let ImageEdit::Shift { dx, dy, fill } = only(&edits) else {
            panic!()
        };
        let len = dx.hypot(dy);
        let k = (len - tol) / len;
        let weaker = ImageEdit::Shift {
            dx: dx * k,
            dy: dy * k,
            fill,
        };
        assert!(!flips(&model, &image, &[weaker.to_edit()]), "({dx}, {dy})");
        assert!(
            image
                .describe_edit(&edits[0])
                .contains("bisected to 0.05 px")
        );
    }
}

#[test]
fn a_brightness_change_shrinks_to_the_flipping_delta() {
    let model = mean_model();
    let image = bright_square(1);
    // The square saturates at 1 from +0.1 on, so the mean is (16 + 240 (0.1 + δ)) / 256,
    // above 0.5 for δ > 88 / 240.
    let tol = 0.001;
    let augmenter = brightness(0.6).minimal(model.clone());
    for edits in flipping_proposals(&augmenter, &model, &image, 5) {
        let ImageEdit::Brightness { delta } = only(&edits) else {
            panic!()
        };
        let flip = 88.0 / 240.0;
        assert!(delta > flip && delta <= flip + tol + 1e-9, "{delta}");
        let weaker = ImageEdit::Brightness { delta: delta - tol };
        assert!(!flips(&model, &image, &[weaker.to_edit()]));
    }
}

#[test]
fn invariant_reports_minimal_variants_with_their_tolerance() {
    let model = bar_model();
    let images = vec![bar(), bar()];
    let labels = Labels::classes(["yes", "yes"]).unwrap();
    let data = Arc::new(Dataset::from_inputs(images, labels).unwrap());
    let run = || {
        check(model.clone(), data.clone())
            .expect(invariant(rotate(30.0).minimal(model.clone())).multiplier(10))
            .run(5)
    };
    let report = run();
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    let detail = &outcome.examples[0].detail;
    assert!(detail.contains("rotation"), "{detail}");
    assert!(detail.contains("bisected to 0.01°"), "{detail}");
    // Reproducible: the same seed, the same examples.
    assert_eq!(run().outcomes[0].examples, outcome.examples);

    // Occlusion through invariant: every grid position is tested, the examples are the
    // smallest flipping patch.
    let model = centre_model();
    let data = Arc::new(
        Dataset::from_inputs(vec![bright_square(3)], Labels::classes(["yes"]).unwrap()).unwrap(),
    );
    let report = check(model.clone(), data)
        .expect(invariant(occlude(8).stride(2).minimal(model.clone())))
        .run(1);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert!(
        outcome.examples[0].detail.contains("3×3 patch at (6, 6)"),
        "{}",
        outcome.examples[0].detail
    );
}

#[test]
fn bad_settings_are_errors_naming_the_setting() {
    let cases: Vec<(Box<dyn Augmenter<Image>>, &str)> = vec![
        (Box::new(gaussian_noise(-0.1)), "gaussian_noise(sd)"),
        (Box::new(gaussian_noise(f64::NAN)), "gaussian_noise(sd)"),
        (Box::new(occlude(0)), "occlude(patch)"),
        (Box::new(occlude(4).stride(0)), "occlude(..).stride"),
        (Box::new(occlude(4).fill(1.5)), "occlude(..).fill"),
        (Box::new(shift(-1.0, 0.0)), "shift(dx, dy)"),
        (Box::new(shift(1.0, f64::INFINITY)), "shift(dx, dy)"),
        (Box::new(rotate(f64::NAN)), "rotate(max_degrees)"),
        (Box::new(rotate(10.0).fill(-0.1)), "rotate(..).fill"),
        (Box::new(brightness(-0.2)), "brightness(delta)"),
        (Box::new(contrast(0.5)), "contrast(factor)"),
    ];
    let image = bright_square(1);
    for (augmenter, setting) in cases {
        let err = augmenter.check().unwrap_err();
        assert_eq!(err.setting(), setting, "{err}");
        // A bad augmenter proposes nothing rather than a broken image.
        let mut rng = model_check::data::seeded_rng(1);
        assert!(augmenter.propose(&image, &mut rng).is_none(), "{setting}");
    }
    let model = centre_model();
    let err = rotate(10.0)
        .minimal(model.clone())
        .tolerance(-1.0)
        .check()
        .unwrap_err();
    assert_eq!(err.setting(), "minimal(..).tolerance");

    // Through invariant: an error outcome naming the setting, before the model is called.
    let data = Dataset::from_inputs(vec![image], Labels::classes(["yes"]).unwrap()).unwrap();
    let report = check(model, data)
        .expect(invariant(gaussian_noise(-1.0)))
        .run(1);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Error);
    assert!(
        format!("{outcome:?}").contains("gaussian_noise(sd)"),
        "{outcome:?}"
    );
}
