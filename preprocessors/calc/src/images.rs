//! A small image set drawn by the library itself: handwritten-looking digits, 16 × 16 pixels,
//! with noise, split into a training set and a test set (question 5's autoencoders).
//!
//! Nothing is downloaded: each digit is a few strokes (polylines in a unit box) drawn with a
//! random size, position, slant and stroke width, then blurred at the edges and covered with
//! uniform noise. Everything comes from one seed through [`Rng`], with arithmetic that gives
//! the same bits on every machine (no trigonometry, only `sqrt`).

use crate::random::Rng;
use ndarray::Array2;

/// Side of an image, in pixels.
pub const SIDE: usize = 16;
/// Pixels per image: the input size of an autoencoder.
pub const PIXELS: usize = SIDE * SIDE;

/// The strokes of each digit, as polylines in a unit box (x to the right, y downwards).
const STROKES: [&[&[(f32, f32)]]; 10] = [
    &[&[
        (0.3, 0.0),
        (0.7, 0.0),
        (1.0, 0.2),
        (1.0, 0.8),
        (0.7, 1.0),
        (0.3, 1.0),
        (0.0, 0.8),
        (0.0, 0.2),
        (0.3, 0.0),
    ]],
    &[&[(0.2, 0.25), (0.6, 0.0), (0.6, 1.0)]],
    &[&[
        (0.0, 0.2),
        (0.3, 0.0),
        (0.7, 0.0),
        (1.0, 0.2),
        (1.0, 0.4),
        (0.0, 1.0),
        (1.0, 1.0),
    ]],
    &[
        &[
            (0.0, 0.1),
            (0.3, 0.0),
            (0.8, 0.0),
            (1.0, 0.2),
            (0.9, 0.4),
            (0.4, 0.5),
        ],
        &[
            (0.4, 0.5),
            (0.9, 0.6),
            (1.0, 0.8),
            (0.8, 1.0),
            (0.3, 1.0),
            (0.0, 0.9),
        ],
    ],
    &[&[(0.75, 1.0), (0.75, 0.0), (0.0, 0.7), (1.0, 0.7)]],
    &[&[
        (1.0, 0.0),
        (0.1, 0.0),
        (0.0, 0.45),
        (0.7, 0.4),
        (1.0, 0.65),
        (0.8, 1.0),
        (0.0, 1.0),
    ]],
    &[&[
        (0.9, 0.0),
        (0.3, 0.2),
        (0.0, 0.7),
        (0.2, 1.0),
        (0.8, 1.0),
        (1.0, 0.75),
        (0.8, 0.5),
        (0.2, 0.5),
        (0.0, 0.7),
    ]],
    &[
        &[(0.0, 0.0), (1.0, 0.0), (0.4, 1.0)],
        &[(0.3, 0.5), (0.8, 0.5)],
    ],
    &[
        &[
            (0.5, 0.0),
            (0.9, 0.12),
            (0.9, 0.38),
            (0.5, 0.5),
            (0.1, 0.38),
            (0.1, 0.12),
            (0.5, 0.0),
        ],
        &[
            (0.5, 0.5),
            (1.0, 0.65),
            (1.0, 0.88),
            (0.5, 1.0),
            (0.0, 0.88),
            (0.0, 0.65),
            (0.5, 0.5),
        ],
    ],
    &[&[
        (1.0, 0.3),
        (0.8, 0.5),
        (0.2, 0.5),
        (0.0, 0.25),
        (0.2, 0.0),
        (0.8, 0.0),
        (1.0, 0.3),
        (0.7, 1.0),
    ]],
];

/// Half the spread of the uniform noise added to every pixel (intensities lie in `[0, 1]`).
pub const NOISE: f32 = 0.15;

/// Draws digit `digit` (0 to 9) with a random style: a `PIXELS`-long row, row-major, top row
/// first, intensities in `[0, 1]` (ink is 1).
///
/// # Panics
/// If `digit` is above 9.
pub fn draw_digit(digit: usize, rng: &mut Rng) -> Vec<f32> {
    let height = rng.uniform(9.0, 12.5);
    let width = 0.65 * height * rng.uniform(0.8, 1.2);
    let (cx, cy) = (
        SIDE as f32 / 2.0 + rng.uniform(-1.5, 1.5),
        SIDE as f32 / 2.0 + rng.uniform(-1.0, 1.0),
    );
    let slant = rng.uniform(-0.25, 0.25);
    let half_width = rng.uniform(0.7, 1.1);
    // Unit box to pixels, with a slant: the top leans right when `slant` is positive.
    let place = |(u, v): (f32, f32)| {
        let y = cy + (v - 0.5) * height;
        let x = cx + (u - 0.5) * width + slant * (0.5 - v) * height;
        (x, y)
    };
    let segments: Vec<((f32, f32), (f32, f32))> = STROKES[digit]
        .iter()
        .flat_map(|line| line.windows(2).map(|w| (place(w[0]), place(w[1]))))
        .collect();
    let mut pixels = Vec::with_capacity(PIXELS);
    for row in 0..SIDE {
        for col in 0..SIDE {
            let p = (col as f32 + 0.5, row as f32 + 0.5);
            let d = segments
                .iter()
                .map(|&(a, b)| distance_to_segment(p, a, b))
                .fold(f32::INFINITY, f32::min);
            let ink = (half_width + 0.5 - d).clamp(0.0, 1.0);
            let noisy = ink + rng.uniform(-NOISE, NOISE);
            pixels.push(noisy.clamp(0.0, 1.0));
        }
    }
    pixels
}

/// The Euclidean distance from `p` to the segment `[a, b]`.
fn distance_to_segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p.0 - (a.0 + t * dx), p.1 - (a.1 + t * dy));
    (ex * ex + ey * ey).sqrt()
}

/// Images of digits, one per row, with their labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    /// Shape `(count, PIXELS)`.
    pub pixels: Array2<f32>,
    /// The digit each row shows.
    pub labels: Vec<usize>,
}

impl Images {
    /// `count` digits drawn from `rng`, the labels cycling through 0 to 9.
    pub fn draw(count: usize, rng: &mut Rng) -> Images {
        let labels: Vec<usize> = (0..count).map(|i| i % 10).collect();
        let flat: Vec<f32> = labels.iter().flat_map(|&d| draw_digit(d, rng)).collect();
        let pixels = Array2::from_shape_vec((count, PIXELS), flat)
            .expect("draw_digit returns PIXELS values per image");
        Images { pixels, labels }
    }

    /// How many images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there is no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// A training set and a test set drawn independently from the same distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct DigitSet {
    /// What the autoencoders learn from.
    pub train: Images,
    /// What they have never seen.
    pub test: Images,
}

impl DigitSet {
    /// `train` and `test` images from one seed: the same seed gives the same bits.
    ///
    /// ```
    /// use coursebook_calc::images::{DigitSet, PIXELS};
    /// let set = DigitSet::new(20, 10, 1);
    /// assert_eq!(set.train.pixels.dim(), (20, PIXELS));
    /// assert_eq!(set, DigitSet::new(20, 10, 1));
    /// ```
    pub fn new(train: usize, test: usize, seed: u64) -> DigitSet {
        let mut rng = Rng::new(seed);
        let train = Images::draw(train, &mut rng);
        let test = Images::draw(test, &mut rng);
        DigitSet { train, test }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_leaves_ink_inside_the_frame_and_background_outside() {
        let mut rng = Rng::new(11);
        for digit in 0..10 {
            let img = draw_digit(digit, &mut rng);
            assert_eq!(img.len(), PIXELS);
            assert!(img.iter().all(|v| (0.0..=1.0).contains(v)));
            let ink = img.iter().filter(|&&v| v > 0.5).count();
            assert!(
                (10..PIXELS / 2).contains(&ink),
                "digit {digit}: {ink} ink pixels"
            );
            // The corners are background (up to the noise).
            for corner in [0, SIDE - 1, PIXELS - SIDE, PIXELS - 1] {
                assert!(img[corner] <= NOISE, "digit {digit}, corner {corner}");
            }
        }
    }

    #[test]
    fn digits_differ_from_each_other_more_than_two_draws_of_one_digit() {
        // Mean images over many draws: a 1 and an 8 must be told apart by their ink.
        let mean = |digit: usize| {
            let mut rng = Rng::new(5);
            let mut sum = vec![0.0f32; PIXELS];
            for _ in 0..50 {
                for (s, v) in sum.iter_mut().zip(draw_digit(digit, &mut rng)) {
                    *s += v / 50.0;
                }
            }
            sum
        };
        let gap = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>();
        let (one, eight) = (mean(1), mean(8));
        let ink = |m: &[f32]| m.iter().sum::<f32>();
        assert!(ink(&eight) > 1.5 * ink(&one));
        assert!(gap(&one, &eight) > 20.0);
    }

    #[test]
    fn train_and_test_are_different_draws_and_the_seed_fixes_both() {
        let set = DigitSet::new(30, 30, 2);
        assert_ne!(set.train.pixels, set.test.pixels);
        assert_eq!(set.train.labels, set.test.labels);
        assert_ne!(set, DigitSet::new(30, 30, 3));
    }
}
