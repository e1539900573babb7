//! A small dense autoencoder trained by mini-batch Adam (question 5).
//!
//! The encoder maps an image to a latent code through one hidden layer (ReLU), the decoder
//! maps the code back through a hidden layer of the same width (ReLU) to the pixels (linear
//! output); the loss is the mean squared error per pixel.
//!
//! Training must give the same weights, bit for bit, on every machine: the book prints its
//! errors and checks the prose against them. So the products are plain loops written here, in
//! a fixed order, on one thread, with no fused multiply-add; a BLAS or ndarray's `dot`
//! (`matrixmultiply`) picks its kernel, and so its rounding, from the CPU it runs on. The only
//! non-trivial function used is `sqrt` (in Adam), which IEEE 754 rounds exactly. Random numbers
//! come from the library's own [`Rng`].

use crate::random::Rng;
use ndarray::Array2;

/// A dense layer `y = x·W + b`, `W` stored row-major with shape `(input, output)`.
#[derive(Debug, Clone, PartialEq)]
struct Dense {
    input: usize,
    output: usize,
    weights: Vec<f32>,
    bias: Vec<f32>,
    /// Whether a ReLU follows the product.
    relu: bool,
}

impl Dense {
    /// Glorot-uniform weights, zero biases.
    fn new(input: usize, output: usize, relu: bool, rng: &mut Rng) -> Dense {
        let limit = (6.0 / (input + output) as f32).sqrt();
        let weights = (0..input * output)
            .map(|_| rng.uniform(-limit, limit))
            .collect();
        Dense {
            input,
            output,
            weights,
            bias: vec![0.0; output],
            relu,
        }
    }

    fn params(&self) -> usize {
        self.weights.len() + self.bias.len()
    }

    /// The layer's output for `rows` inputs stored row-major in `x`.
    fn forward(&self, x: &[f32], rows: usize) -> Vec<f32> {
        let mut y = Vec::with_capacity(rows * self.output);
        for i in 0..rows {
            let start = y.len();
            y.extend_from_slice(&self.bias);
            let out = &mut y[start..];
            for (k, &a) in x[i * self.input..(i + 1) * self.input].iter().enumerate() {
                if a != 0.0 {
                    axpy(
                        a,
                        &self.weights[k * self.output..(k + 1) * self.output],
                        out,
                    );
                }
            }
            if self.relu {
                out.iter_mut().for_each(|v| *v = v.max(0.0));
            }
        }
        y
    }

    /// Back-propagates `dy` (the loss gradient with respect to this layer's output `y`, for
    /// input `x`): adds the parameter gradients to `grad` and returns the gradient with
    /// respect to `x`.
    fn backward(&self, x: &[f32], y: &[f32], mut dy: Vec<f32>, grad: &mut Dense) -> Vec<f32> {
        if self.relu {
            for (d, &v) in dy.iter_mut().zip(y) {
                if v <= 0.0 {
                    *d = 0.0;
                }
            }
        }
        let rows = dy.len() / self.output;
        let mut dx = vec![0.0; rows * self.input];
        for i in 0..rows {
            let d = &dy[i * self.output..(i + 1) * self.output];
            axpy(1.0, d, &mut grad.bias);
            let xi = &x[i * self.input..(i + 1) * self.input];
            for (k, &a) in xi.iter().enumerate() {
                let w_row = k * self.output..(k + 1) * self.output;
                if a != 0.0 {
                    axpy(a, d, &mut grad.weights[w_row.clone()]);
                }
                dx[i * self.input + k] = dot(d, &self.weights[w_row]);
            }
        }
        dx
    }
}

/// `y += a·x`, element by element (vectorised by the compiler, same result in any order).
fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// A dot product summed in eight fixed lanes, then the lanes in order: the compiler can
/// vectorise it, and the rounding is the same on every machine.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    for (l, (x, y)) in ra.iter().zip(rb).enumerate() {
        lanes[l] += x * y;
    }
    lanes.iter().sum()
}

/// How to train: epochs, mini-batch size, Adam's step size, and the seed of the batch order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Training {
    /// Passes over the training set.
    pub epochs: usize,
    /// Images a mini-batch.
    pub batch: usize,
    /// Adam's step size.
    pub learning_rate: f32,
    /// Seeds the order of the mini-batches.
    pub seed: u64,
}

/// Adam's moment decay rates and the guard against division by zero (Kingma & Ba, 2015).
const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPSILON: f32 = 1e-8;

/// Adam's state for one layer: first and second moments of each parameter's gradient.
#[derive(Debug, Clone)]
struct Moments {
    m: Dense,
    v: Dense,
}

/// A dense autoencoder: input → hidden (ReLU) → latent → hidden (ReLU) → input.
#[derive(Debug, Clone, PartialEq)]
pub struct Autoencoder {
    layers: Vec<Dense>,
}

impl Autoencoder {
    /// An untrained autoencoder for `input` values, with `hidden` units on each side of a
    /// `latent` code, its weights drawn from `seed`.
    ///
    /// ```
    /// use coursebook_calc::autoencoder::Autoencoder;
    /// let ae = Autoencoder::new(256, 32, 8, 1);
    /// // 256·32 + 32 + 32·8 + 8 + 8·32 + 32 + 32·256 + 256
    /// assert_eq!(ae.params(), 17_224);
    /// assert_eq!(ae.latent(), 8);
    /// ```
    pub fn new(input: usize, hidden: usize, latent: usize, seed: u64) -> Autoencoder {
        let mut rng = Rng::new(seed);
        let layers = vec![
            Dense::new(input, hidden, true, &mut rng),
            Dense::new(hidden, latent, false, &mut rng),
            Dense::new(latent, hidden, true, &mut rng),
            Dense::new(hidden, input, false, &mut rng),
        ];
        Autoencoder { layers }
    }

    /// The number of trainable parameters (weights and biases).
    pub fn params(&self) -> usize {
        self.layers.iter().map(Dense::params).sum()
    }

    /// The size of the latent code.
    pub fn latent(&self) -> usize {
        self.layers[1].output
    }

    /// The outputs of every layer for `rows` inputs, the input first.
    fn activations(&self, x: &[f32], rows: usize) -> Vec<Vec<f32>> {
        let mut acts = vec![x.to_vec()];
        for layer in &self.layers {
            let next = layer.forward(acts.last().expect("starts with the input"), rows);
            acts.push(next);
        }
        acts
    }

    /// The reconstructions of the images in `x` (one per row).
    pub fn reconstruct(&self, x: &Array2<f32>) -> Array2<f32> {
        let rows = x.nrows();
        let flat = x.as_standard_layout();
        let mut acts = self.activations(flat.as_slice().expect("standard layout"), rows);
        let out = acts.pop().expect("one output per layer");
        Array2::from_shape_vec(x.dim(), out).expect("the output has the input's shape")
    }

    /// The mean squared reconstruction error per pixel over the images in `x`.
    pub fn error(&self, x: &Array2<f32>) -> f64 {
        mean_squared_error(x, &self.reconstruct(x))
    }

    /// The loss on `x` (`rows` images, row-major) and its gradient for every layer.
    fn gradients(&self, x: &[f32], rows: usize) -> (f64, Vec<Dense>) {
        let acts = self.activations(x, rows);
        let out = acts.last().expect("one output per layer");
        let n = out.len() as f32;
        let mut loss = 0.0f64;
        let mut d: Vec<f32> = out
            .iter()
            .zip(x)
            .map(|(&o, &t)| {
                loss += f64::from((o - t) * (o - t));
                2.0 * (o - t) / n
            })
            .collect();
        let mut grads: Vec<Dense> = self.layers.iter().map(zeroed).collect();
        for (l, layer) in self.layers.iter().enumerate().rev() {
            d = layer.backward(&acts[l], &acts[l + 1], d, &mut grads[l]);
        }
        (loss / f64::from(n), grads)
    }

    /// Trains on the images in `x` (one per row) and returns the mean training loss of each
    /// epoch. The batches are drawn in a shuffled order fixed by `training.seed`.
    ///
    /// # Panics
    /// If `x` has no row, a width other than the autoencoder's input, or the batch size is 0.
    pub fn train(&mut self, x: &Array2<f32>, training: &Training) -> Vec<f64> {
        let (rows, width) = x.dim();
        assert!(
            rows > 0 && training.batch > 0,
            "train: no image or empty batch"
        );
        assert_eq!(width, self.layers[0].input, "train: image size");
        let flat = x.as_standard_layout();
        let flat = flat.as_slice().expect("standard layout");
        let mut rng = Rng::new(training.seed);
        let mut moments: Vec<Moments> = self
            .layers
            .iter()
            .map(|l| Moments {
                m: zeroed(l),
                v: zeroed(l),
            })
            .collect();
        let (mut decay1, mut decay2) = (1.0f32, 1.0f32);
        let mut order: Vec<usize> = (0..rows).collect();
        let mut history = Vec::with_capacity(training.epochs);
        for _ in 0..training.epochs {
            rng.shuffle(&mut order);
            let mut total = 0.0;
            for batch in order.chunks(training.batch) {
                let xb: Vec<f32> = batch
                    .iter()
                    .flat_map(|&r| &flat[r * width..(r + 1) * width])
                    .copied()
                    .collect();
                let (loss, grads) = self.gradients(&xb, batch.len());
                total += loss * batch.len() as f64;
                decay1 *= BETA1;
                decay2 *= BETA2;
                let step = Step {
                    rate: training.learning_rate,
                    decay1,
                    decay2,
                };
                for ((layer, grad), mom) in self.layers.iter_mut().zip(&grads).zip(&mut moments) {
                    step.apply(
                        &mut layer.weights,
                        &grad.weights,
                        &mut mom.m.weights,
                        &mut mom.v.weights,
                    );
                    step.apply(
                        &mut layer.bias,
                        &grad.bias,
                        &mut mom.m.bias,
                        &mut mom.v.bias,
                    );
                }
            }
            history.push(total / rows as f64);
        }
        history
    }
}

/// Trains each autoencoder on `x` with the same `training`, one thread per autoencoder, and
/// returns them trained, in order, with their loss histories.
///
/// Each training runs on its own thread from start to end, so the result does not depend on
/// the number of cores or on scheduling: it is what [`Autoencoder::train`] gives, sooner.
pub fn train_all(
    models: Vec<Autoencoder>,
    x: &Array2<f32>,
    training: &Training,
) -> Vec<(Autoencoder, Vec<f64>)> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = models
            .into_iter()
            .map(|mut ae| {
                scope.spawn(move || {
                    let history = ae.train(x, training);
                    (ae, history)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(trained) => trained,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// One Adam update, with the bias corrections `1 − β₁ᵗ` and `1 − β₂ᵗ` of step `t`.
struct Step {
    rate: f32,
    decay1: f32,
    decay2: f32,
}

impl Step {
    fn apply(&self, params: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32]) {
        let (c1, c2) = (1.0 - self.decay1, 1.0 - self.decay2);
        for (((p, &g), m), v) in params.iter_mut().zip(grad).zip(m).zip(v) {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *p -= self.rate * (*m / c1) / ((*v / c2).sqrt() + EPSILON);
        }
    }
}

/// A layer of the same shape with every parameter at zero (gradients, Adam's moments).
fn zeroed(layer: &Dense) -> Dense {
    Dense {
        weights: vec![0.0; layer.weights.len()],
        bias: vec![0.0; layer.bias.len()],
        ..*layer
    }
}

/// The mean over every entry of `(a − b)²`.
pub fn mean_squared_error(a: &Array2<f32>, b: &Array2<f32>) -> f64 {
    assert_eq!(a.dim(), b.dim(), "mean_squared_error: shapes differ");
    let sum: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| f64::from((x - y) * (x - y)))
        .sum();
    sum / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::{DigitSet, PIXELS};

    fn tiny_data(rows: usize, width: usize, seed: u64) -> Array2<f32> {
        let mut rng = Rng::new(seed);
        Array2::from_shape_fn((rows, width), |_| rng.unit())
    }

    #[test]
    fn gradients_match_finite_differences() {
        let x = tiny_data(4, 6, 1);
        let ae = Autoencoder::new(6, 5, 2, 2);
        let flat = x.as_slice().unwrap();
        let (_, grads) = ae.gradients(flat, 4);
        let eps = 1e-2f32;
        let (mut diff2, mut norm2) = (0.0f64, 0.0f64);
        for (l, grad) in grads.iter().enumerate() {
            let analytic: Vec<f32> = grad.weights.iter().chain(&grad.bias).copied().collect();
            for (p, &analytic) in analytic.iter().enumerate() {
                let shifted = |delta: f32| {
                    let mut ae = ae.clone();
                    let layer = &mut ae.layers[l];
                    let nw = layer.weights.len();
                    if p < nw {
                        layer.weights[p] += delta;
                    } else {
                        layer.bias[p - nw] += delta;
                    }
                    ae.gradients(flat, 4).0
                };
                let numeric = (shifted(eps) - shifted(-eps)) / (2.0 * f64::from(eps));
                diff2 += (numeric - f64::from(analytic)).powi(2);
                norm2 += numeric.powi(2);
            }
        }
        let relative = (diff2 / norm2).sqrt();
        assert!(norm2 > 1e-6, "the gradient is not trivially zero");
        assert!(relative < 1e-2, "relative gradient error {relative}");
    }

    #[test]
    fn training_lowers_the_loss() {
        let set = DigitSet::new(40, 10, 3);
        let mut ae = Autoencoder::new(PIXELS, 16, 4, 4);
        let before = ae.error(&set.train.pixels);
        let training = Training {
            epochs: 30,
            batch: 8,
            learning_rate: 3e-3,
            seed: 5,
        };
        let history = ae.train(&set.train.pixels, &training);
        let after = ae.error(&set.train.pixels);
        assert_eq!(history.len(), 30);
        assert!(after < 0.5 * before, "error {before} -> {after}");
        assert!(history[29] < 0.5 * history[0], "{history:?}");
    }

    #[test]
    fn the_same_seeds_give_the_same_weights() {
        let x = tiny_data(20, 12, 6);
        let training = Training {
            epochs: 5,
            batch: 4,
            learning_rate: 1e-2,
            seed: 7,
        };
        let trained = |init: u64, order: u64| {
            let mut ae = Autoencoder::new(12, 6, 3, init);
            ae.train(
                &x,
                &Training {
                    seed: order,
                    ..training
                },
            );
            ae
        };
        assert_eq!(trained(1, 7), trained(1, 7));
        assert_ne!(trained(1, 7), trained(2, 7));
        assert_ne!(trained(1, 7), trained(1, 8));
    }

    #[test]
    fn training_in_parallel_gives_what_training_alone_gives() {
        let x = tiny_data(20, 12, 6);
        let training = Training {
            epochs: 4,
            batch: 5,
            learning_rate: 1e-2,
            seed: 9,
        };
        let models: Vec<Autoencoder> = (0..3).map(|s| Autoencoder::new(12, 6, 3, s)).collect();
        let parallel = train_all(models.clone(), &x, &training);
        for (mut alone, (trained, history)) in models.into_iter().zip(parallel) {
            assert_eq!(alone.train(&x, &training), history);
            assert_eq!(alone, trained);
        }
    }

    #[test]
    fn the_lane_dot_product_is_a_dot_product() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..19).map(|i| (i % 3) as f32).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert_eq!(dot(&a, &b), plain);
    }
}
