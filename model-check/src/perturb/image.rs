//! Image augmenters: the computer-vision perturbations — noise, small shifts and rotations,
//! brightness, contrast, occlusion — on a plain [`Image`] type (no image crate).
//!
//! An [`Image`] is `width × height × channels` pixels stored row by row, channels
//! interleaved, as `f32` in the range `0.0..=1.0` ([`PIXEL_RANGE`]). Floats because every
//! augmenter here makes values between the 256 levels of a byte (bilinear resampling, noise,
//! contrast), and a vision model reads normalised floats anyway; bytes convert on the way in
//! ([`Image::from_u8`]).
//!
//! - [`gaussian_noise`]: independent Gaussian noise on every pixel;
//! - [`shift`]: a translation by up to `dx`, `dy` pixels, bilinear, the uncovered edge filled;
//! - [`rotate`]: a rotation about the centre by up to `max_degrees`, bilinear;
//! - [`brightness`]: every pixel raised or lowered by up to `delta`;
//! - [`contrast`]: pixels pushed from (or pulled to) each channel's mean by up to `factor`;
//! - [`occlude`]: a square patch of a fill value at a position of a grid.
//!
//! Every variant is one [`Edit`] ([`ImageEdit`] is its typed form) and every pixel a variant
//! holds is clamped into the pixel range. They work with
//! [`invariant`](crate::expect::invariant) like any augmenter, on a `Dataset<Image>` built
//! with [`Dataset::from_inputs`](crate::data::Dataset::from_inputs) (images need no
//! `Features`).
//!
//! **Shrinking.** The expectations shrink a failure by dropping edits; an image variant is
//! one edit of a continuous strength, so dropping cannot make it smaller. Wrapping an
//! augmenter in [`Minimal`] ([`minimal`], or `.minimal(model)` on each augmenter) gives it
//! the model: a proposed variant that flips the predicted label is reduced before the
//! expectation sees it — an angle, shift, brightness, contrast or noise level to the
//! smallest flipping strength, found by bisection to a stated tolerance (the reported
//! strength flips, the strength one tolerance weaker does not); an occlusion to the
//! smallest flipping patch (no patch of a smaller side, at any position of the grid, flips).
//! The edit's text says which, and to what tolerance, so it shows in the report.
//!
//! ```
//! use model_check::perturb::Augmenter;
//! use model_check::perturb::image::{Image, rotate};
//!
//! let image = Image::filled(16, 16, 1, 0.5)?;
//! let mut rng = model_check::data::seeded_rng(7);
//! let edits = rotate(10.0).propose(&image, &mut rng).unwrap();
//! assert_eq!(edits.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use super::{Augmenter, Edit, Editable, SettingError};
use crate::data::{SeededRng, Value, seeded_rng};
use crate::model::{Model, ModelError, Probabilities, batch_of, call_model};

/// The range every pixel of an [`Image`] is in: `0.0..=1.0`.
pub const PIXEL_RANGE: RangeInclusive<f32> = 0.0..=1.0;

/// What is wrong with an image's size or pixels; returned by the [`Image`] constructors and
/// [`Image::set`].
///
/// ```
/// use model_check::perturb::image::{Image, ImageError};
///
/// let err = Image::new(4, 4, 3, vec![0.0; 40]).unwrap_err();
/// assert_eq!(err, ImageError::SizeMismatch { width: 4, height: 4, channels: 3, expected: Some(48), got: 40 });
/// assert_eq!(err.to_string(), "a 4×4 image with 3 channels holds 48 pixel values, got 40");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ImageError {
    /// `width · height · channels` is not the number of pixel values given (`expected` is
    /// `None` when the product overflows a `usize`).
    SizeMismatch {
        /// The width given.
        width: usize,
        /// The height given.
        height: usize,
        /// The channels given.
        channels: usize,
        /// `width · height · channels`.
        expected: Option<usize>,
        /// The pixel values given.
        got: usize,
    },
    /// A width, height or channel count of zero.
    Empty {
        /// The width given.
        width: usize,
        /// The height given.
        height: usize,
        /// The channels given.
        channels: usize,
    },
    /// A pixel value outside [`PIXEL_RANGE`], or NaN.
    OutOfRange {
        /// Its column.
        x: usize,
        /// Its row.
        y: usize,
        /// Its channel.
        channel: usize,
        /// The value.
        value: f32,
    },
    /// A position outside the image.
    OutOfBounds {
        /// The column asked for.
        x: usize,
        /// The row asked for.
        y: usize,
        /// The channel asked for.
        channel: usize,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::SizeMismatch {
                width,
                height,
                channels,
                expected: Some(n),
                got,
            } => write!(
                f,
                "a {width}×{height} image with {channels} channels holds {n} pixel values, got {got}"
            ),
            ImageError::SizeMismatch {
                width,
                height,
                channels,
                expected: None,
                ..
            } => write!(
                f,
                "a {width}×{height} image with {channels} channels is too large to hold"
            ),
            ImageError::Empty {
                width,
                height,
                channels,
            } => write!(
                f,
                "an image needs a width, height and channel count of at least 1, got {width}×{height} with {channels} channels"
            ),
            ImageError::OutOfRange {
                x,
                y,
                channel,
                value,
            } => write!(
                f,
                "pixel ({x}, {y}) channel {channel} is {value}, outside the pixel range 0..=1"
            ),
            ImageError::OutOfBounds { x, y, channel } => {
                write!(f, "pixel ({x}, {y}) channel {channel} is outside the image")
            }
        }
    }
}

impl std::error::Error for ImageError {}

/// A picture: `width × height` pixels of `channels` values each (1 for grey, 3 for RGB),
/// stored row by row with the channels interleaved, every value in [`PIXEL_RANGE`].
///
/// ```
/// use model_check::perturb::image::Image;
///
/// let mut image = Image::filled(3, 2, 1, 0.0)?;
/// image.set(2, 1, 0, 1.0)?;
/// assert_eq!(image.get(2, 1, 0), Some(1.0));
/// assert_eq!(image.get(3, 0, 0), None);
/// assert_eq!(image.pixels(), &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    width: usize,
    height: usize,
    channels: usize,
    pixels: Vec<f32>,
}

impl Image {
    /// An image of these pixels (row by row, channels interleaved). Fails when a dimension
    /// is zero, when `width · height · channels ≠ pixels.len()`, or when a value is outside
    /// [`PIXEL_RANGE`] (or NaN), naming its position.
    ///
    /// ```
    /// use model_check::perturb::image::{Image, ImageError};
    ///
    /// let grey = Image::new(2, 2, 1, vec![0.0, 0.25, 0.5, 1.0])?;
    /// assert_eq!(grey.get(1, 1, 0), Some(1.0));
    /// let err = Image::new(2, 1, 1, vec![0.0, 1.5]).unwrap_err();
    /// assert_eq!(err, ImageError::OutOfRange { x: 1, y: 0, channel: 0, value: 1.5 });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        width: usize,
        height: usize,
        channels: usize,
        pixels: Vec<f32>,
    ) -> Result<Image, ImageError> {
        if width == 0 || height == 0 || channels == 0 {
            return Err(ImageError::Empty {
                width,
                height,
                channels,
            });
        }
        let expected = width
            .checked_mul(height)
            .and_then(|n| n.checked_mul(channels));
        if expected != Some(pixels.len()) {
            return Err(ImageError::SizeMismatch {
                width,
                height,
                channels,
                expected,
                got: pixels.len(),
            });
        }
        if let Some(i) = pixels.iter().position(|p| !PIXEL_RANGE.contains(p)) {
            return Err(ImageError::OutOfRange {
                x: (i / channels) % width,
                y: i / channels / width,
                channel: i % channels,
                value: pixels[i],
            });
        }
        Ok(Image {
            width,
            height,
            channels,
            pixels,
        })
    }

    /// An image with every value `value`.
    ///
    /// ```
    /// use model_check::perturb::image::Image;
    ///
    /// let dark = Image::filled(16, 16, 3, 0.1)?;
    /// assert_eq!(dark.pixels().len(), 16 * 16 * 3);
    /// assert!(Image::filled(16, 16, 3, -0.1).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn filled(
        width: usize,
        height: usize,
        channels: usize,
        value: f32,
    ) -> Result<Image, ImageError> {
        let n = width
            .checked_mul(height)
            .and_then(|n| n.checked_mul(channels))
            .ok_or(ImageError::SizeMismatch {
                width,
                height,
                channels,
                expected: None,
                got: 0,
            })?;
        if !PIXEL_RANGE.contains(&value) {
            return Err(ImageError::OutOfRange {
                x: 0,
                y: 0,
                channel: 0,
                value,
            });
        }
        Image::new(width, height, channels, vec![value; n])
    }

    /// An image of bytes (`0..=255`, row by row, channels interleaved), each divided by 255.
    ///
    /// ```
    /// use model_check::perturb::image::Image;
    ///
    /// let image = Image::from_u8(2, 1, 1, vec![0, 255])?;
    /// assert_eq!(image.pixels(), &[0.0, 1.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_u8(
        width: usize,
        height: usize,
        channels: usize,
        bytes: Vec<u8>,
    ) -> Result<Image, ImageError> {
        let pixels = bytes.into_iter().map(|b| f32::from(b) / 255.0).collect();
        Image::new(width, height, channels, pixels)
    }

    /// The width in pixels.
    ///
    /// ```
    /// # use model_check::perturb::image::Image;
    /// assert_eq!(Image::filled(4, 3, 1, 0.0)?.width(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn width(&self) -> usize {
        self.width
    }

    /// The height in pixels.
    ///
    /// ```
    /// # use model_check::perturb::image::Image;
    /// assert_eq!(Image::filled(4, 3, 1, 0.0)?.height(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn height(&self) -> usize {
        self.height
    }

    /// The values per pixel: 1 for grey, 3 for RGB.
    ///
    /// ```
    /// # use model_check::perturb::image::Image;
    /// assert_eq!(Image::filled(4, 3, 3, 0.0)?.channels(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Every value, row by row, channels interleaved.
    ///
    /// ```
    /// # use model_check::perturb::image::Image;
    /// let image = Image::new(2, 1, 1, vec![0.25, 0.75])?;
    /// assert_eq!(image.pixels(), &[0.25, 0.75]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pixels(&self) -> &[f32] {
        &self.pixels
    }

    fn index(&self, x: usize, y: usize, channel: usize) -> Option<usize> {
        (x < self.width && y < self.height && channel < self.channels)
            .then(|| (y * self.width + x) * self.channels + channel)
    }

    /// The value of `channel` at column `x`, row `y`; `None` outside the image.
    ///
    /// ```
    /// # use model_check::perturb::image::Image;
    /// let image = Image::new(2, 1, 1, vec![0.25, 0.75])?;
    /// assert_eq!(image.get(1, 0, 0), Some(0.75));
    /// assert_eq!(image.get(0, 1, 0), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, x: usize, y: usize, channel: usize) -> Option<f32> {
        self.index(x, y, channel).map(|i| self.pixels[i])
    }

    /// Sets the value of `channel` at column `x`, row `y`. Fails, changing nothing, outside
    /// the image or for a value outside [`PIXEL_RANGE`].
    ///
    /// ```
    /// # use model_check::perturb::image::{Image, ImageError};
    /// let mut image = Image::filled(2, 2, 1, 0.0)?;
    /// image.set(0, 1, 0, 0.5)?;
    /// assert_eq!(image.get(0, 1, 0), Some(0.5));
    /// assert_eq!(image.set(2, 0, 0, 0.5), Err(ImageError::OutOfBounds { x: 2, y: 0, channel: 0 }));
    /// assert!(image.set(0, 0, 0, f32::NAN).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set(
        &mut self,
        x: usize,
        y: usize,
        channel: usize,
        value: f32,
    ) -> Result<(), ImageError> {
        let i = self
            .index(x, y, channel)
            .ok_or(ImageError::OutOfBounds { x, y, channel })?;
        if !PIXEL_RANGE.contains(&value) {
            return Err(ImageError::OutOfRange {
                x,
                y,
                channel,
                value,
            });
        }
        self.pixels[i] = value;
        Ok(())
    }

    /// A copy with one transformation applied; every value stays in [`PIXEL_RANGE`].
    ///
    /// ```
    /// use model_check::perturb::image::{Image, ImageEdit};
    ///
    /// let image = Image::new(2, 1, 1, vec![0.5, 0.9])?;
    /// let brighter = image.transformed(&ImageEdit::Brightness { delta: 0.2 });
    /// assert_eq!(brighter.pixels(), &[0.7, 1.0]); // clamped at 1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transformed(&self, edit: &ImageEdit) -> Image {
        let mut out = self.clone();
        match *edit {
            ImageEdit::Noise { sd, seed } => {
                if sd > 0.0 && sd.is_finite() {
                    let mut rng = seeded_rng(seed);
                    for p in &mut out.pixels {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        *p = settle(f64::from(*p) + sd * z);
                    }
                }
            }
            ImageEdit::Shift { dx, dy, fill } => {
                if dx != 0.0 || dy != 0.0 {
                    out.resample(fill, |x, y| (x - dx, y - dy));
                }
            }
            ImageEdit::Rotate { degrees, fill } => {
                if degrees != 0.0 {
                    let (sin, cos) = degrees.to_radians().sin_cos();
                    let cx = (self.width as f64 - 1.0) / 2.0;
                    let cy = (self.height as f64 - 1.0) / 2.0;
                    out.resample(fill, |x, y| {
                        let (dx, dy) = (x - cx, y - cy);
                        (cx + cos * dx - sin * dy, cy + sin * dx + cos * dy)
                    });
                }
            }
            ImageEdit::Brightness { delta } => {
                if delta != 0.0 {
                    for p in &mut out.pixels {
                        *p = settle(f64::from(*p) + delta);
                    }
                }
            }
            ImageEdit::Contrast { factor } => {
                if factor != 1.0 {
                    let c = self.channels;
                    let n = (self.width * self.height) as f64;
                    for channel in 0..c {
                        let mean: f64 = self
                            .pixels
                            .iter()
                            .skip(channel)
                            .step_by(c)
                            .map(|&p| f64::from(p))
                            .sum::<f64>()
                            / n;
                        for p in out.pixels.iter_mut().skip(channel).step_by(c) {
                            *p = settle(mean + factor * (f64::from(*p) - mean));
                        }
                    }
                }
            }
            ImageEdit::Occlude { x, y, size, fill } => {
                let fill = settle(fill);
                for row in y..(y.saturating_add(size)).min(self.height) {
                    for col in x..(x.saturating_add(size)).min(self.width) {
                        let start = (row * self.width + col) * self.channels;
                        out.pixels[start..start + self.channels].fill(fill);
                    }
                }
            }
        }
        out
    }

    /// Every output pixel `(x, y)` takes the bilinear sample of `self` at `source(x, y)`;
    /// samples outside the image read `fill`. A source coordinate within 1e-9 of a pixel
    /// centre is snapped to it, so quarter turns and whole-pixel shifts are exact.
    fn resample(&mut self, fill: f64, source: impl Fn(f64, f64) -> (f64, f64)) {
        let original = self.pixels.clone();
        let (w, h, c) = (self.width, self.height, self.channels);
        let fill = f64::from(settle(fill));
        let at = |x: i64, y: i64, channel: usize| -> f64 {
            if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
                fill
            } else {
                f64::from(original[(y as usize * w + x as usize) * c + channel])
            }
        };
        let snap = |v: f64| {
            let r = v.round();
            if (v - r).abs() < 1e-9 { r } else { v }
        };
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = source(x as f64, y as f64);
                let (sx, sy) = (snap(sx), snap(sy));
                let (x0, y0) = (sx.floor(), sy.floor());
                let (fx, fy) = (sx - x0, sy - y0);
                let (x0, y0) = (x0 as i64, y0 as i64);
                for channel in 0..c {
                    let mut v = (1.0 - fx) * (1.0 - fy) * at(x0, y0, channel);
                    if fx > 0.0 {
                        v += fx * (1.0 - fy) * at(x0 + 1, y0, channel);
                    }
                    if fy > 0.0 {
                        v += (1.0 - fx) * fy * at(x0, y0 + 1, channel);
                        if fx > 0.0 {
                            v += fx * fy * at(x0 + 1, y0 + 1, channel);
                        }
                    }
                    self.pixels[(y * w + x) * c + channel] = settle(v);
                }
            }
        }
    }
}

/// `v` as a pixel value: clamped into [`PIXEL_RANGE`] (NaN becomes 0).
fn settle(v: f64) -> f32 {
    let v = v as f32;
    if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) }
}

/// The edit positions, one per kind of transformation.
const NOISE: usize = 0;
const SHIFT: usize = 1;
const ROTATE: usize = 2;
const BRIGHTNESS: usize = 3;
const CONTRAST: usize = 4;
const OCCLUDE: usize = 5;

/// One transformation of an image: the typed form of the [`Edit`]s the image augmenters
/// propose (an edit's `after` is the transformation in words, which is also what
/// [`Image`]'s [`Editable::apply`] reads back, exactly).
///
/// ```
/// use model_check::perturb::Editable;
/// use model_check::perturb::image::{Image, ImageEdit};
///
/// let turn = ImageEdit::Rotate { degrees: 12.5, fill: 0.0 };
/// let edit = turn.to_edit();
/// assert_eq!(ImageEdit::from_edit(&edit), Some(turn));
/// let image = Image::filled(8, 8, 1, 0.5)?;
/// assert_eq!(image.describe_edit(&edit), "rotation: 0° → 12.5°, fill 0");
/// assert_eq!(image.apply(&[edit]), image.transformed(&turn));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ImageEdit {
    /// Adds `sd ×` a standard normal draw to every value, the draws seeded by `seed`.
    Noise {
        /// The standard deviation, in pixel units (the range is 0 to 1).
        sd: f64,
        /// The seed of the draws.
        seed: u64,
    },
    /// Moves the picture `dx` pixels right and `dy` down (bilinear); the uncovered edge
    /// reads `fill`.
    Shift {
        /// Pixels to the right (negative: left).
        dx: f64,
        /// Pixels down (negative: up).
        dy: f64,
        /// The value of the uncovered edge.
        fill: f64,
    },
    /// Turns the picture `degrees` counter-clockwise as displayed (negative: clockwise)
    /// about its centre (bilinear); the uncovered corners read `fill`.
    Rotate {
        /// The angle in degrees.
        degrees: f64,
        /// The value of the uncovered corners.
        fill: f64,
    },
    /// Adds `delta` to every value.
    Brightness {
        /// The amount, in pixel units.
        delta: f64,
    },
    /// Moves every value away from its channel's mean by `factor` (`mean + factor · (p −
    /// mean)`): above 1 more contrast, below 1 less.
    Contrast {
        /// The factor; 1 changes nothing.
        factor: f64,
    },
    /// Sets the `size × size` square whose top-left pixel is `(x, y)` to `fill`.
    Occlude {
        /// The patch's left column.
        x: usize,
        /// The patch's top row.
        y: usize,
        /// The patch's side in pixels.
        size: usize,
        /// The patch's value.
        fill: f64,
    },
}

/// The numeric tokens of an edit's text, in order.
fn numbers(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "(),;×°:=±".contains(c))
        .filter(|t| !t.is_empty() && t.parse::<f64>().is_ok())
        .collect()
}

impl ImageEdit {
    /// The edit an augmenter proposes for this transformation.
    ///
    /// ```
    /// use model_check::perturb::image::ImageEdit;
    ///
    /// let edit = ImageEdit::Occlude { x: 4, y: 2, size: 3, fill: 0.0 }.to_edit();
    /// assert_eq!(edit.after.as_category(), Some("3×3 patch at (4, 2), fill 0"));
    /// ```
    pub fn to_edit(&self) -> Edit {
        let (position, before, after) = match *self {
            ImageEdit::Noise { sd, seed } => (NOISE, "σ 0", format!("σ {sd} (seed {seed})")),
            ImageEdit::Shift { dx, dy, fill } => {
                (SHIFT, "(0, 0) px", format!("({dx}, {dy}) px, fill {fill}"))
            }
            ImageEdit::Rotate { degrees, fill } => {
                (ROTATE, "0°", format!("{degrees}°, fill {fill}"))
            }
            ImageEdit::Brightness { delta } => (BRIGHTNESS, "+0", format!("{delta:+}")),
            ImageEdit::Contrast { factor } => (CONTRAST, "× 1", format!("× {factor}")),
            ImageEdit::Occlude { x, y, size, fill } => (
                OCCLUDE,
                "none",
                format!("{size}×{size} patch at ({x}, {y}), fill {fill}"),
            ),
        };
        Edit {
            position,
            before: Value::Category(Cow::Borrowed(before)),
            after: Value::Category(Cow::Owned(after)),
        }
    }

    /// The transformation an edit of an image augmenter stands for; `None` for another edit.
    ///
    /// ```
    /// use model_check::perturb::image::ImageEdit;
    ///
    /// let shift = ImageEdit::Shift { dx: 1.5, dy: -2.0, fill: 0.0 };
    /// assert_eq!(ImageEdit::from_edit(&shift.to_edit()), Some(shift));
    /// ```
    pub fn from_edit(edit: &Edit) -> Option<ImageEdit> {
        let text = edit.after.as_category()?;
        let n = numbers(text);
        let f = |i: usize| n.get(i).and_then(|t| t.parse::<f64>().ok());
        let u = |i: usize| n.get(i).and_then(|t| t.parse::<usize>().ok());
        Some(match edit.position {
            NOISE => ImageEdit::Noise {
                sd: f(0)?,
                seed: n.get(1)?.parse().ok()?,
            },
            SHIFT => ImageEdit::Shift {
                dx: f(0)?,
                dy: f(1)?,
                fill: f(2)?,
            },
            ROTATE => ImageEdit::Rotate {
                degrees: f(0)?,
                fill: f(1)?,
            },
            BRIGHTNESS => ImageEdit::Brightness { delta: f(0)? },
            CONTRAST => ImageEdit::Contrast { factor: f(0)? },
            OCCLUDE => ImageEdit::Occlude {
                size: u(0)?,
                x: u(2)?,
                y: u(3)?,
                fill: f(4)?,
            },
            _ => return None,
        })
    }

    /// Whether the transformation changes nothing (a strength of zero, a contrast of 1, an
    /// empty patch).
    fn is_identity(&self) -> bool {
        match *self {
            ImageEdit::Noise { sd, .. } => sd == 0.0,
            ImageEdit::Shift { dx, dy, .. } => dx == 0.0 && dy == 0.0,
            ImageEdit::Rotate { degrees, .. } => degrees == 0.0,
            ImageEdit::Brightness { delta } => delta == 0.0,
            ImageEdit::Contrast { factor } => factor == 1.0,
            ImageEdit::Occlude { size, .. } => size == 0,
        }
    }
}

impl Editable for Image {
    /// Applies each image edit in order; an edit that is not an image augmenter's is skipped.
    fn apply(&self, edits: &[Edit]) -> Self {
        let mut image = self.clone();
        for edit in edits {
            if let Some(t) = ImageEdit::from_edit(edit) {
                image = image.transformed(&t);
            }
        }
        image
    }

    fn edit_target(&self, edit: &Edit) -> String {
        match edit.position {
            NOISE => "Gaussian noise".into(),
            SHIFT => "shift".into(),
            ROTATE => "rotation".into(),
            BRIGHTNESS => "brightness".into(),
            CONTRAST => "contrast".into(),
            OCCLUDE => "occlusion".into(),
            other => format!("edit {other}"),
        }
    }

    /// `rotation: 0° → 12.5°, fill 0`: the transformation's words, unquoted.
    fn describe_edit(&self, edit: &Edit) -> String {
        let text = |v: &Value| {
            v.as_category()
                .map_or_else(|| v.to_string(), str::to_string)
        };
        format!(
            "{}: {} → {}",
            self.edit_target(edit),
            text(&edit.before),
            text(&edit.after)
        )
    }
}

fn finite_at_least(setting: &str, value: f64, least: f64, what: &str) -> Result<(), SettingError> {
    if value.is_finite() && value >= least {
        Ok(())
    } else {
        Err(SettingError::new(
            setting,
            format!("must be a finite {what}, at least {least}, got {value}"),
        ))
    }
}

fn fill_in_range(setting: &str, fill: f64) -> Result<(), SettingError> {
    if (0.0..=1.0).contains(&fill) {
        Ok(())
    } else {
        Err(SettingError::new(
            setting,
            format!("must be a pixel value in 0..=1, got {fill}"),
        ))
    }
}

/// A uniform draw in `[-max, max]`; 0 when `max` is 0.
fn symmetric(rng: &mut SeededRng, max: f64) -> f64 {
    if max > 0.0 {
        rng.random_range(-max..=max)
    } else {
        0.0
    }
}

/// Proposes `t` as a one-edit variant, unless it changes nothing.
fn one(t: ImageEdit) -> Option<Vec<Edit>> {
    (!t.is_identity()).then(|| vec![t.to_edit()])
}

/// Gaussian noise on every pixel; see [`gaussian_noise`].
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianNoise {
    sd: f64,
}

/// Adds independent Gaussian noise of standard deviation `sd` (in pixel units: the range is
/// 0 to 1) to every value, clamped into the range. Each variant draws a seed, so the noise
/// is reproducible from the edit alone.
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming `gaussian_noise(sd)`, when `sd` is negative or
/// not finite.
///
/// ```
/// use model_check::perturb::Augmenter;
/// use model_check::perturb::image::gaussian_noise;
///
/// assert!(gaussian_noise(0.05).check().is_ok());
/// let err = gaussian_noise(-0.1).check().unwrap_err();
/// assert_eq!(err.setting(), "gaussian_noise(sd)");
/// ```
pub fn gaussian_noise(sd: f64) -> GaussianNoise {
    GaussianNoise { sd }
}

impl Augmenter<Image> for GaussianNoise {
    fn describe(&self) -> String {
        format!("Gaussian pixel noise (sd {})", self.sd)
    }

    fn fit(&self, _rows: &[Image]) -> Self {
        self.clone()
    }

    fn check(&self) -> Result<(), SettingError> {
        finite_at_least(
            "gaussian_noise(sd)",
            self.sd,
            0.0,
            "standard deviation in pixel units",
        )
    }

    fn propose(&self, _row: &Image, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.check().ok()?;
        one(ImageEdit::Noise {
            sd: self.sd,
            seed: rng.random(),
        })
    }
}

/// Small translations; see [`shift`].
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    dx: f64,
    dy: f64,
    fill: f64,
}

/// Moves the picture by a draw from `[-dx, dx]` pixels across and `[-dy, dy]` down
/// (fractions of a pixel interpolated bilinearly); the uncovered edge reads the fill value
/// (default 0, black; see [`fill`](Shift::fill)).
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming `shift(dx, dy)`, when either is negative or not
/// finite, and naming `shift(..).fill` for a fill outside the pixel range.
///
/// ```
/// use model_check::perturb::{Augmenter, Editable};
/// use model_check::perturb::image::{Image, shift};
///
/// let image = Image::filled(8, 8, 1, 1.0)?;
/// let mut rng = model_check::data::seeded_rng(3);
/// let edits = shift(2.0, 2.0).propose(&image, &mut rng).unwrap();
/// let moved = image.apply(&edits);
/// assert!(moved.pixels().iter().any(|&p| p < 1.0)); // some edge is filled
/// assert_eq!(shift(-1.0, 0.0).check().unwrap_err().setting(), "shift(dx, dy)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn shift(dx: f64, dy: f64) -> Shift {
    Shift { dx, dy, fill: 0.0 }
}

impl Shift {
    /// The value of the uncovered edge, in `0..=1`.
    ///
    /// ```
    /// use model_check::perturb::Augmenter;
    /// use model_check::perturb::image::shift;
    ///
    /// assert!(shift(1.0, 1.0).fill(0.5).check().is_ok());
    /// assert_eq!(shift(1.0, 1.0).fill(2.0).check().unwrap_err().setting(), "shift(..).fill");
    /// ```
    pub fn fill(mut self, value: f64) -> Self {
        self.fill = value;
        self
    }
}

impl Augmenter<Image> for Shift {
    fn describe(&self) -> String {
        format!("shifts by up to ({}, {}) px", self.dx, self.dy)
    }

    fn fit(&self, _rows: &[Image]) -> Self {
        self.clone()
    }

    fn check(&self) -> Result<(), SettingError> {
        finite_at_least("shift(dx, dy)", self.dx, 0.0, "number of pixels")?;
        finite_at_least("shift(dx, dy)", self.dy, 0.0, "number of pixels")?;
        fill_in_range("shift(..).fill", self.fill)
    }

    fn propose(&self, _row: &Image, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.check().ok()?;
        let dx = symmetric(rng, self.dx);
        let dy = symmetric(rng, self.dy);
        one(ImageEdit::Shift {
            dx,
            dy,
            fill: self.fill,
        })
    }
}

/// Small rotations about the centre; see [`rotate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Rotate {
    max_degrees: f64,
    fill: f64,
}

/// Turns the picture about its centre by a draw from `[-max_degrees, max_degrees]`
/// (positive: counter-clockwise as displayed), sampling bilinearly; the uncovered corners
/// read the fill value (default 0; see [`fill`](Rotate::fill)). A turn by 0° is the
/// identity, and a quarter turn of a square image is exact.
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming `rotate(max_degrees)`, outside `0..=180` or for
/// NaN, and naming `rotate(..).fill` for a fill outside the pixel range.
///
/// ```
/// use model_check::perturb::Augmenter;
/// use model_check::perturb::image::{Image, ImageEdit, rotate};
///
/// let image = Image::filled(8, 8, 1, 0.5)?;
/// let mut rng = model_check::data::seeded_rng(1);
/// let edits = rotate(15.0).propose(&image, &mut rng).unwrap();
/// let Some(ImageEdit::Rotate { degrees, .. }) = ImageEdit::from_edit(&edits[0]) else { panic!() };
/// assert!(degrees.abs() <= 15.0);
/// assert_eq!(rotate(200.0).check().unwrap_err().setting(), "rotate(max_degrees)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rotate(max_degrees: f64) -> Rotate {
    Rotate {
        max_degrees,
        fill: 0.0,
    }
}

impl Rotate {
    /// The value of the uncovered corners, in `0..=1`.
    ///
    /// ```
    /// use model_check::perturb::Augmenter;
    /// use model_check::perturb::image::rotate;
    ///
    /// assert!(rotate(10.0).fill(1.0).check().is_ok());
    /// ```
    pub fn fill(mut self, value: f64) -> Self {
        self.fill = value;
        self
    }
}

impl Augmenter<Image> for Rotate {
    fn describe(&self) -> String {
        format!("rotations by up to ±{}°", self.max_degrees)
    }

    fn fit(&self, _rows: &[Image]) -> Self {
        self.clone()
    }

    fn check(&self) -> Result<(), SettingError> {
        if !(0.0..=180.0).contains(&self.max_degrees) {
            return Err(SettingError::new(
                "rotate(max_degrees)",
                format!("must be an angle in 0..=180, got {}", self.max_degrees),
            ));
        }
        fill_in_range("rotate(..).fill", self.fill)
    }

    fn propose(&self, _row: &Image, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.check().ok()?;
        one(ImageEdit::Rotate {
            degrees: symmetric(rng, self.max_degrees),
            fill: self.fill,
        })
    }
}

/// Brighter or darker pictures; see [`brightness`].
#[derive(Debug, Clone, PartialEq)]
pub struct Brightness {
    delta: f64,
}

/// Adds a draw from `[-delta, delta]` to every value (pixel units), clamped into the range.
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming `brightness(delta)`, outside `0..=1` or for NaN.
///
/// ```
/// use model_check::perturb::{Augmenter, Editable};
/// use model_check::perturb::image::{Image, brightness};
///
/// let image = Image::filled(4, 4, 3, 0.5)?;
/// let mut rng = model_check::data::seeded_rng(2);
/// let edits = brightness(0.2).propose(&image, &mut rng).unwrap();
/// let v = image.apply(&edits).pixels()[0];
/// assert!((0.3..=0.7).contains(&v));
/// assert_eq!(brightness(1.5).check().unwrap_err().setting(), "brightness(delta)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn brightness(delta: f64) -> Brightness {
    Brightness { delta }
}

impl Augmenter<Image> for Brightness {
    fn describe(&self) -> String {
        format!("brightness changes by up to ±{}", self.delta)
    }

    fn fit(&self, _rows: &[Image]) -> Self {
        self.clone()
    }

    fn check(&self) -> Result<(), SettingError> {
        if (0.0..=1.0).contains(&self.delta) {
            Ok(())
        } else {
            Err(SettingError::new(
                "brightness(delta)",
                format!(
                    "must be a change in pixel units in 0..=1, got {}",
                    self.delta
                ),
            ))
        }
    }

    fn propose(&self, _row: &Image, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.check().ok()?;
        one(ImageEdit::Brightness {
            delta: symmetric(rng, self.delta),
        })
    }
}

/// More or less contrast; see [`contrast`].
#[derive(Debug, Clone, PartialEq)]
pub struct Contrast {
    factor: f64,
}

/// Scales every value's distance from its channel's mean by a factor drawn log-uniformly
/// from `[1 / factor, factor]` (so lower and higher contrast are equally likely), clamped
/// into the range.
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming `contrast(factor)`, below 1 or not finite.
///
/// ```
/// use model_check::perturb::Augmenter;
/// use model_check::perturb::image::{Image, ImageEdit, contrast};
///
/// let image = Image::filled(4, 4, 1, 0.5)?;
/// let mut rng = model_check::data::seeded_rng(2);
/// let edits = contrast(2.0).propose(&image, &mut rng).unwrap();
/// let Some(ImageEdit::Contrast { factor }) = ImageEdit::from_edit(&edits[0]) else { panic!() };
/// assert!((0.5..=2.0).contains(&factor));
/// assert_eq!(contrast(0.5).check().unwrap_err().setting(), "contrast(factor)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn contrast(factor: f64) -> Contrast {
    Contrast { factor }
}

impl Augmenter<Image> for Contrast {
    fn describe(&self) -> String {
        format!("contrast scaled by up to ×{} (or ÷)", self.factor)
    }

    fn fit(&self, _rows: &[Image]) -> Self {
        self.clone()
    }

    fn check(&self) -> Result<(), SettingError> {
        finite_at_least("contrast(factor)", self.factor, 1.0, "factor")
    }

    fn propose(&self, _row: &Image, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.check().ok()?;
        let log = symmetric(rng, self.factor.ln());
        one(ImageEdit::Contrast { factor: log.exp() })
    }
}

/// Occlusion patches; see [`occlude`].
#[derive(Debug, Clone, PartialEq)]
pub struct Occlude {
    patch: usize,
    stride: Option<usize>,
    fill: f64,
}

/// Covers a `patch × patch` square with the fill value (default 0; see
/// [`fill`](Occlude::fill)) at a position of the grid: top-left corners at multiples of the
/// [`stride`](Occlude::stride) (default half the patch, at least 1 pixel), the patch wholly
/// inside the image. [`propose`](Augmenter::propose) draws a position;
/// [`enumerate`](Augmenter::enumerate) gives every one (an occlusion sensitivity map), which
/// is what the expectations test.
///
/// # Errors
///
/// [`check`](Augmenter::check) fails, naming `occlude(patch)`, for a patch of 0 pixels,
/// `occlude(..).stride` for a stride of 0 and `occlude(..).fill` for a fill outside the
/// pixel range.
///
/// ```
/// use model_check::perturb::Augmenter;
/// use model_check::perturb::image::{Image, occlude};
///
/// let image = Image::filled(8, 8, 1, 1.0)?;
/// // Corners at 0, 2 and 4 on each axis: 9 positions.
/// assert_eq!(occlude(4).enumerate(&image).unwrap().len(), 9);
/// assert_eq!(occlude(0).check().unwrap_err().setting(), "occlude(patch)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn occlude(patch: usize) -> Occlude {
    Occlude {
        patch,
        stride: None,
        fill: 0.0,
    }
}

impl Occlude {
    /// The grid's spacing in pixels (default half the patch, at least 1).
    ///
    /// ```
    /// use model_check::perturb::Augmenter;
    /// use model_check::perturb::image::{Image, occlude};
    ///
    /// let image = Image::filled(8, 8, 1, 1.0)?;
    /// assert_eq!(occlude(4).stride(4).enumerate(&image).unwrap().len(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stride(mut self, pixels: usize) -> Self {
        self.stride = Some(pixels);
        self
    }

    /// The patch's value, in `0..=1`.
    ///
    /// ```
    /// use model_check::perturb::Augmenter;
    /// use model_check::perturb::image::occlude;
    ///
    /// assert!(occlude(4).fill(0.5).check().is_ok());
    /// ```
    pub fn fill(mut self, value: f64) -> Self {
        self.fill = value;
        self
    }

    fn step(&self) -> usize {
        self.stride.unwrap_or(self.patch / 2).max(1)
    }

    /// Every `size × size` patch on the grid of `image`, in raster order.
    fn patches(&self, image: &Image, size: usize) -> Vec<ImageEdit> {
        let step = self.step();
        let mut out = Vec::new();
        if size == 0 || size > image.width || size > image.height {
            return out;
        }
        for y in (0..=image.height - size).step_by(step) {
            for x in (0..=image.width - size).step_by(step) {
                out.push(ImageEdit::Occlude {
                    x,
                    y,
                    size,
                    fill: self.fill,
                });
            }
        }
        out
    }
}

impl Augmenter<Image> for Occlude {
    fn describe(&self) -> String {
        format!(
            "{0}×{0} occlusion patches of {1} on a {2}-px grid",
            self.patch,
            self.fill,
            self.step()
        )
    }

    fn fit(&self, _rows: &[Image]) -> Self {
        self.clone()
    }

    fn check(&self) -> Result<(), SettingError> {
        if self.patch == 0 {
            return Err(SettingError::new(
                "occlude(patch)",
                "must be a side of at least 1 pixel, got 0",
            ));
        }
        if self.stride == Some(0) {
            return Err(SettingError::new(
                "occlude(..).stride",
                "must be at least 1 pixel, got 0",
            ));
        }
        fill_in_range("occlude(..).fill", self.fill)
    }

    fn propose(&self, row: &Image, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        self.check().ok()?;
        let patches = self.patches(row, self.patch);
        if patches.is_empty() {
            return None;
        }
        let i = rng.random_range(0..patches.len());
        Some(vec![patches[i].to_edit()])
    }

    fn enumerate(&self, row: &Image) -> Option<Vec<Vec<Edit>>> {
        if self.check().is_err() {
            return Some(Vec::new());
        }
        Some(
            self.patches(row, self.patch)
                .iter()
                .map(|p| vec![p.to_edit()])
                .collect(),
        )
    }
}

/// Model calls a [`Minimal`] augmenter may spend reducing one variant unless told otherwise.
pub const DEFAULT_MINIMAL_BUDGET: u64 = 64;

/// The bisection tolerance of each strength unless told otherwise (in the strength's unit):
/// 0.01° of angle, 0.01 px of shift length, 0.001 of brightness, contrast factor or noise sd.
fn default_tolerance(t: &ImageEdit) -> f64 {
    match t {
        ImageEdit::Rotate { .. } | ImageEdit::Shift { .. } => 0.01,
        _ => 0.001,
    }
}

/// An image augmenter whose flipping variants are reduced to minimal ones; see [`minimal`].
pub struct Minimal<A, M> {
    augmenter: A,
    model: Arc<M>,
    tolerance: Option<f64>,
    budget: u64,
    /// The occlusion grid's spacing: the wrapped occlusion's, else every pixel.
    stride: usize,
}

/// Wraps an image augmenter so that each variant it proposes that flips `model`'s predicted
/// label is reduced, before the expectation sees it, to a minimal flipping variant:
///
/// - an angle, shift (its length, in the same direction), brightness, contrast factor or
///   noise sd: the smallest flipping strength, found by **bisection** between the original
///   (strength 0, or a contrast of 1) and the proposed strength to the
///   [`tolerance`](Minimal::tolerance) (defaults: 0.01° of angle, 0.01 px of shift, 0.001
///   of brightness, contrast factor and noise sd). The reported strength flips and the
///   strength one tolerance weaker does not — checked with one more call, and bisected again
///   below it when it does flip (a model that is not monotone in the strength);
/// - an occlusion: the patch of the **smallest side that flips at any grid position**
///   (the first in raster order), so no patch of a smaller side on the grid flips.
///
/// The edit's text says so, with the tolerance: `rotation: 0° → 12.51°, fill 0 (smallest
/// flip, bisected to 0.01°)`. Variants that do not flip are returned as proposed, so the
/// expectation's verdict and failure rate are those of the augmenter alone. The model calls
/// spent reducing (at most [`budget`](Minimal::budget) per variant, default
/// [`DEFAULT_MINIMAL_BUDGET`]) are not counted in the check's model calls; a variant whose
/// budget runs out says so and keeps the smallest flip found. A model error leaves the
/// variant as proposed.
///
/// Every augmenter of this module also has `.minimal(model)`.
///
/// ```
/// use std::sync::Arc;
/// use model_check::expect::invariant;
/// use model_check::perturb::image::{Image, brightness};
/// use model_check::prelude::*;
///
/// // "Bright" when the mean is above 0.6.
/// let model = Arc::new(Classifier::from_fn(ModelInfo::new("mean", "1"), ["dark", "bright"], |b: &[Image]| {
///     Ok(b.iter().map(|im| {
///         let mean = im.pixels().iter().map(|&p| f64::from(p)).sum::<f64>() / im.pixels().len() as f64;
///         if mean > 0.6 { vec![0.0, 1.0] } else { vec![1.0, 0.0] }
///     }).collect())
/// })?);
/// let images = vec![Image::filled(8, 8, 1, 0.5)?];
/// let data = Dataset::from_inputs(images, Labels::classes(["dark"])?)?;
/// let report = check(model.clone(), data)
///     .expect(invariant(brightness(0.3).minimal(model.clone())).multiplier(20))
///     .run(7);
/// let outcome = &report.outcomes[0];
/// assert_eq!(outcome.verdict, Verdict::Fail);
/// // The flip is at +0.1: reported within the 0.001 tolerance above it.
/// assert!(outcome.examples[0].detail.contains("bisected to 0.001"), "{}", outcome.examples[0].detail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn minimal<A, M>(augmenter: A, model: Arc<M>) -> Minimal<A, M>
where
    A: Augmenter<Image>,
    M: Model<Input = Image, Output = Probabilities>,
{
    Minimal {
        augmenter,
        model,
        tolerance: None,
        budget: DEFAULT_MINIMAL_BUDGET,
        stride: 1,
    }
}

macro_rules! minimal_method {
    ($($t:ident),*) => {$(
        impl $t {
            /// This augmenter with its flipping variants reduced to minimal ones against
            /// `model`; see [`minimal`].
            pub fn minimal<M>(self, model: Arc<M>) -> Minimal<$t, M>
            where
                M: Model<Input = Image, Output = Probabilities>,
            {
                minimal(self, model)
            }
        }
    )*};
}
minimal_method!(GaussianNoise, Shift, Rotate, Brightness, Contrast);

impl Occlude {
    /// This augmenter with its flipping variants reduced to the smallest flipping patch on
    /// its grid against `model`; see [`minimal`].
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use model_check::perturb::image::{Image, occlude};
    /// # use model_check::prelude::*;
    /// # let model = Arc::new(Classifier::from_fn(ModelInfo::new("m", "1"), ["a", "b"], |b: &[Image]| Ok(b.iter().map(|_| vec![1.0, 0.0]).collect()))?);
    ///
    /// let patches = occlude(4).stride(2).minimal(model);
    /// # let _ = patches;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn minimal<M>(self, model: Arc<M>) -> Minimal<Occlude, M>
    where
        M: Model<Input = Image, Output = Probabilities>,
    {
        let stride = self.step();
        Minimal {
            stride,
            ..minimal(self, model)
        }
    }
}

impl<A: Clone, M> Clone for Minimal<A, M> {
    fn clone(&self) -> Self {
        Minimal {
            augmenter: self.augmenter.clone(),
            model: self.model.clone(),
            tolerance: self.tolerance,
            budget: self.budget,
            stride: self.stride,
        }
    }
}

impl<A: fmt::Debug, M: Model> fmt::Debug for Minimal<A, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minimal")
            .field("augmenter", &self.augmenter)
            .field("model", &self.model.info().to_string())
            .field("tolerance", &self.tolerance)
            .field("budget", &self.budget)
            .finish()
    }
}

/// How reducing one edit ended.
enum Reduced {
    /// Bisected to this tolerance.
    Bisected(f64),
    /// The smallest flipping patch on the grid.
    SmallestPatch,
    /// The budget ran out first.
    OutOfBudget,
    /// Nothing to reduce (the edit alone does not flip, or is not an image edit).
    Kept,
}

/// The model as a label oracle within a budget of calls.
struct Oracle<'a, M> {
    model: &'a M,
    label: usize,
    calls: u64,
    budget: u64,
}

impl<M: Model<Input = Image, Output = Probabilities>> Oracle<'_, M> {
    /// Whether each image flips the label; `None` when the budget would run out.
    fn flips(&mut self, images: &[Image]) -> Result<Option<Vec<bool>>, ModelError> {
        let batch = batch_of(self.model);
        let cost = images.len().div_ceil(batch) as u64;
        if self.calls + cost > self.budget {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(images.len());
        for chunk in images.chunks(batch) {
            self.calls += 1;
            out.extend(
                call_model(self.model, chunk)?
                    .iter()
                    .map(|p| p.predicted() != self.label),
            );
        }
        Ok(Some(out))
    }

    fn flips_one(&mut self, image: Image) -> Result<Option<bool>, ModelError> {
        Ok(self.flips(&[image])?.map(|v| v[0]))
    }
}

impl<A, M> Minimal<A, M>
where
    A: Augmenter<Image>,
    M: Model<Input = Image, Output = Probabilities>,
{
    /// The bisection tolerance for every strength, in its own unit (degrees, pixels of
    /// shift length, pixel units of brightness and noise sd, contrast factor). Must be
    /// finite and above 0.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use model_check::perturb::Augmenter;
    /// use model_check::perturb::image::{Image, rotate};
    /// # use model_check::prelude::*;
    /// # let model = Arc::new(Classifier::from_fn(ModelInfo::new("m", "1"), ["a", "b"], |b: &[Image]| Ok(b.iter().map(|_| vec![1.0, 0.0]).collect()))?);
    ///
    /// assert!(rotate(10.0).minimal(model.clone()).tolerance(0.1).check().is_ok());
    /// let err = rotate(10.0).minimal(model).tolerance(0.0).check().unwrap_err();
    /// assert_eq!(err.setting(), "minimal(..).tolerance");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// The model calls reducing one variant may spend (default [`DEFAULT_MINIMAL_BUDGET`]).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use model_check::perturb::image::{Image, occlude};
    /// # use model_check::prelude::*;
    /// # let model = Arc::new(Classifier::from_fn(ModelInfo::new("m", "1"), ["a", "b"], |b: &[Image]| Ok(b.iter().map(|_| vec![1.0, 0.0]).collect()))?);
    ///
    /// let cheap = occlude(4).minimal(model).budget(8);
    /// # let _ = cheap;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn budget(mut self, calls: u64) -> Self {
        self.budget = calls;
        self
    }

    /// `edits` of `image` reduced to a minimal flipping variant, each edit in turn with the
    /// others held (with one augmenter, a variant is one edit); the edits unchanged when
    /// they do not flip the model's label.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use model_check::perturb::image::{Image, ImageEdit, brightness};
    /// # use model_check::prelude::*;
    /// // Flips when the mean is above 0.6.
    /// # let model = Arc::new(Classifier::from_fn(ModelInfo::new("m", "1"), ["dark", "bright"], |b: &[Image]| Ok(b.iter().map(|im| if im.pixels()[0] > 0.6 { vec![0.0, 1.0] } else { vec![1.0, 0.0] }).collect()))?);
    ///
    /// let image = Image::filled(4, 4, 1, 0.5)?;
    /// let strong = ImageEdit::Brightness { delta: 0.4 }.to_edit();
    /// let reduced = brightness(0.4).minimal(model).minimise(&image, &[strong])?;
    /// let Some(ImageEdit::Brightness { delta }) = ImageEdit::from_edit(&reduced[0]) else { panic!() };
    /// assert!(delta > 0.1 && delta <= 0.1 + 0.001 + 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn minimise(&self, image: &Image, edits: &[Edit]) -> Result<Vec<Edit>, ModelError> {
        let label = call_model(&*self.model, std::slice::from_ref(image))?
            .first()
            .map(|p| p.predicted())
            .unwrap_or(0);
        let mut oracle = Oracle {
            model: &*self.model,
            label,
            calls: 0,
            budget: self.budget,
        };
        let mut edits = edits.to_vec();
        if oracle.flips_one(image.apply(&edits))? != Some(true) {
            return Ok(edits);
        }
        // One edit alone is known to flip at full strength, and undone it is the original.
        let alone = edits.len() == 1;
        for i in 0..edits.len() {
            let Some(t) = ImageEdit::from_edit(&edits[i]) else {
                continue;
            };
            let (before, after) = (&edits[..i], &edits[i + 1..]);
            let base = image.apply(before);
            let rest: Vec<Edit> = after.to_vec();
            let variant = |t: &ImageEdit| base.transformed(t).apply(&rest);
            let (reduced, how) = self.reduce(t, image, alone, &variant, &mut oracle)?;
            let mut edit = reduced.to_edit();
            if let Value::Category(text) = &mut edit.after {
                let note = match how {
                    Reduced::Bisected(tol) => {
                        format!(" (smallest flip, bisected to {tol}{})", unit(&reduced))
                    }
                    Reduced::SmallestPatch => {
                        " (smallest flipping patch: no smaller patch on the grid flips)".into()
                    }
                    Reduced::OutOfBudget => format!(
                        " (reduction stopped: budget of {} model calls spent)",
                        self.budget
                    ),
                    Reduced::Kept => String::new(),
                };
                *text = Cow::Owned(format!("{text}{note}"));
            }
            edits[i] = edit;
        }
        Ok(edits)
    }

    /// One edit reduced, `variant` making the image with it in place.
    fn reduce(
        &self,
        t: ImageEdit,
        image: &Image,
        alone: bool,
        variant: &dyn Fn(&ImageEdit) -> Image,
        oracle: &mut Oracle<'_, M>,
    ) -> Result<(ImageEdit, Reduced), ModelError> {
        if let ImageEdit::Occlude { size, fill, .. } = t {
            return self.smallest_patch(t, image, size, fill, variant, oracle);
        }
        let tol = self.tolerance.unwrap_or_else(|| default_tolerance(&t));
        // The strength along the edit's direction: `at(s)` is the edit at strength `s`,
        // `at(0)` the identity.
        let (strength, at): (f64, Box<dyn Fn(f64) -> ImageEdit>) = match t {
            ImageEdit::Noise { sd, seed } => {
                (sd, Box::new(move |s| ImageEdit::Noise { sd: s, seed }))
            }
            ImageEdit::Shift { dx, dy, fill } => {
                let len = dx.hypot(dy);
                (
                    len,
                    Box::new(move |s| ImageEdit::Shift {
                        dx: dx * (s / len),
                        dy: dy * (s / len),
                        fill,
                    }),
                )
            }
            ImageEdit::Rotate { degrees, fill } => (
                degrees.abs(),
                Box::new(move |s| ImageEdit::Rotate {
                    degrees: s.copysign(degrees),
                    fill,
                }),
            ),
            ImageEdit::Brightness { delta } => (
                delta.abs(),
                Box::new(move |s| ImageEdit::Brightness {
                    delta: s.copysign(delta),
                }),
            ),
            ImageEdit::Contrast { factor } => (
                (factor - 1.0).abs(),
                Box::new(move |s| ImageEdit::Contrast {
                    factor: 1.0 + s.copysign(factor - 1.0),
                }),
            ),
            ImageEdit::Occlude { .. } => return Ok((t, Reduced::Kept)),
        };
        if !(strength.is_finite() && strength > 0.0) {
            return Ok((t, Reduced::Kept));
        }
        // Strengths known to keep the label. With other edits in place, whether the edit
        // flips at full strength, and whether it keeps the label undone, is checked first.
        let mut safe: Vec<f64> = vec![0.0];
        if !alone {
            match oracle.flips_one(variant(&at(strength)))? {
                Some(true) => {}
                Some(false) => return Ok((t, Reduced::Kept)),
                None => return Ok((t, Reduced::OutOfBudget)),
            }
            match oracle.flips_one(variant(&at(0.0)))? {
                Some(false) => {}
                Some(true) => return Ok((at(0.0), Reduced::Kept)),
                None => return Ok((t, Reduced::OutOfBudget)),
            }
        }
        let mut hi = strength;
        loop {
            let mut lo = safe.iter().copied().filter(|&s| s < hi).fold(0.0, f64::max);
            while hi - lo > tol {
                let mid = lo + (hi - lo) / 2.0;
                if mid <= lo || mid >= hi {
                    break; // floating-point resolution
                }
                match oracle.flips_one(variant(&at(mid)))? {
                    Some(true) => hi = mid,
                    Some(false) => {
                        safe.push(mid);
                        lo = mid;
                    }
                    None => return Ok((at(hi), Reduced::OutOfBudget)),
                }
            }
            // One tolerance weaker must keep the label.
            let probe = hi - tol;
            if probe <= 0.0 || safe.contains(&probe) {
                return Ok((at(hi), Reduced::Bisected(tol)));
            }
            match oracle.flips_one(variant(&at(probe)))? {
                Some(false) => return Ok((at(hi), Reduced::Bisected(tol))),
                Some(true) => hi = probe,
                None => return Ok((at(hi), Reduced::OutOfBudget)),
            }
        }
    }

    /// The smallest patch side that flips at some grid position, sides tried from 1 up,
    /// every position of a side in one batched call.
    #[allow(clippy::too_many_arguments)]
    fn smallest_patch(
        &self,
        t: ImageEdit,
        image: &Image,
        size: usize,
        fill: f64,
        variant: &dyn Fn(&ImageEdit) -> Image,
        oracle: &mut Oracle<'_, M>,
    ) -> Result<(ImageEdit, Reduced), ModelError> {
        let grid = Occlude {
            patch: size,
            stride: Some(self.stride),
            fill,
        };
        for side in 1..size {
            let patches = grid.patches(image, side);
            let images: Vec<Image> = patches.iter().map(variant).collect();
            match oracle.flips(&images)? {
                Some(flips) => {
                    if let Some(i) = flips.iter().position(|&f| f) {
                        return Ok((patches[i], Reduced::SmallestPatch));
                    }
                }
                None => return Ok((t, Reduced::OutOfBudget)),
            }
        }
        Ok((t, Reduced::SmallestPatch))
    }
}

/// The unit a strength is written in, after the number.
fn unit(t: &ImageEdit) -> &'static str {
    match t {
        ImageEdit::Rotate { .. } => "°",
        ImageEdit::Shift { .. } => " px",
        _ => "",
    }
}

impl<A, M> Augmenter<Image> for Minimal<A, M>
where
    A: Augmenter<Image>,
    M: Model<Input = Image, Output = Probabilities>,
{
    fn describe(&self) -> String {
        format!(
            "{}, flips reduced to minimal ones",
            self.augmenter.describe()
        )
    }

    fn fit(&self, rows: &[Image]) -> Self {
        Minimal {
            augmenter: self.augmenter.fit(rows),
            model: self.model.clone(),
            tolerance: self.tolerance,
            budget: self.budget,
            stride: self.stride,
        }
    }

    fn check(&self) -> Result<(), SettingError> {
        self.augmenter.check()?;
        match self.tolerance {
            Some(t) if !(t.is_finite() && t > 0.0) => Err(SettingError::new(
                "minimal(..).tolerance",
                format!("must be a finite number above 0, got {t}"),
            )),
            _ => Ok(()),
        }
    }

    fn propose(&self, row: &Image, rng: &mut SeededRng) -> Option<Vec<Edit>> {
        let edits = self.augmenter.propose(row, rng)?;
        Some(self.minimise(row, &edits).unwrap_or(edits))
    }

    fn enumerate(&self, row: &Image) -> Option<Vec<Vec<Edit>>> {
        let variants = self.augmenter.enumerate(row)?;
        // Occlusion's smallest flipping patch is the same for every flipping position:
        // reduce once per row.
        let mut reduced: Option<Vec<Edit>> = None;
        Some(
            variants
                .into_iter()
                .map(|edits| {
                    let occlusion = edits.len() == 1 && edits[0].position == OCCLUDE;
                    if occlusion && let Some(r) = &reduced {
                        // Only flipping variants are reduced; reuse when this one flips.
                        let flips = call_model(&*self.model, &[row.clone(), row.apply(&edits)])
                            .map(|p| p[0].predicted() != p[1].predicted())
                            .unwrap_or(false);
                        return if flips { r.clone() } else { edits };
                    }
                    let out = self.minimise(row, &edits).unwrap_or_else(|_| edits.clone());
                    if occlusion && out != edits {
                        reduced = Some(out.clone());
                    }
                    out
                })
                .collect(),
        )
    }
}
