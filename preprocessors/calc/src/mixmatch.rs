//! MixMatch's label guessing (Berthelot et al., 2019, "MixMatch: A Holistic Approach to
//! Semi-Supervised Learning"): average the model's predictions over `K` augmentations of an
//! unlabelled example, then sharpen the average to get its pseudo-label.
//!
//! In terms of the course's key ideas: the `K` augmentations are *data augmentation*; averaging
//! them and training every augmentation towards the same target ([`unlabelled_loss`]) is
//! *consistency*; sharpening is *entropy minimisation*; the sharpened average is the
//! *pseudo-label*.

use crate::temperature::power_temperature;
use ndarray::{Array1, ArrayBase, Data, Ix1};

/// MixMatch's default sharpening temperature `T` (the paper's value, used in all its
/// experiments).
pub const MIXMATCH_T: f64 = 0.5;

/// MixMatch's default number `K` of augmentations of each unlabelled example.
pub const MIXMATCH_K: usize = 2;

/// MixMatch's sharpening: `Sharpen(p, T)_i = p_i^(1/T) / sum_j p_j^(1/T)`.
///
/// Here `T` is a genuine temperature (it divides, as in [`softmax_temperature`]): `T < 1`
/// lowers the entropy, `T → 0` tends to the one-hot argmax, `T = 1` changes nothing. With the
/// default [`MIXMATCH_T`] = 0.5 this is `p²` renormalised. In the exam's exponent convention it
/// is [`power_temperature`] with exponent `1 / T`.
///
/// [`softmax_temperature`]: crate::temperature::softmax_temperature
///
/// # Panics
/// If `t` is not finite and positive, or `p` is not a non-negative vector with a positive entry.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let p = array![0.5, 0.3, 0.2];
/// let q = sharpen(&p, MIXMATCH_T);
/// // p² = (0.25, 0.09, 0.04), sum 0.38.
/// assert!((q[0] - 0.25 / 0.38).abs() < 1e-12);
/// assert!(entropy(&q) < entropy(&p));
/// ```
pub fn sharpen<S>(p: &ArrayBase<S, Ix1>, t: f64) -> Array1<f64>
where
    S: Data<Elem = f64>,
{
    assert!(
        t.is_finite() && t > 0.0,
        "sharpen: the temperature T must be finite and > 0 (got {t})"
    );
    power_temperature(p, 1.0 / t)
}

/// Element-wise mean of several distributions over the same classes: MixMatch's
/// `q̄ = (1/K) sum_k p_model(y | augment_k(u))`. The mean of distributions is a distribution.
///
/// # Panics
/// If `distributions` is empty or the vectors do not all have the same length.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let preds = [array![0.6, 0.3, 0.1], array![0.4, 0.5, 0.1]];
/// assert_eq!(preds.len(), MIXMATCH_K);
/// let avg = average(&preds);
/// assert!((avg[0] - 0.5).abs() < 1e-12 && (avg[1] - 0.4).abs() < 1e-12);
/// let pseudo_label = sharpen(&avg, MIXMATCH_T);
/// assert!(entropy(&pseudo_label) < entropy(&avg));
/// ```
pub fn average(distributions: &[Array1<f64>]) -> Array1<f64> {
    let first = distributions
        .first()
        .expect("average: at least one distribution is needed");
    let mut sum = Array1::<f64>::zeros(first.len());
    for (k, p) in distributions.iter().enumerate() {
        assert_eq!(
            p.len(),
            first.len(),
            "average: distribution {k} has {} classes, the first has {}",
            p.len(),
            first.len()
        );
        sum += p;
    }
    sum / distributions.len() as f64
}

/// MixMatch's loss on unlabelled data for one image, before MixUp: the squared distance
/// between the guessed label `target` and the model's prediction on each augmentation,
/// `(1 / (K·L)) sum_k ||target − p_k||²` with `L` classes (the paper's `L_U`, which also averages
/// over the images of the batch).
///
/// Training every augmentation towards one target is the *consistency* idea: with `K = 2` and
/// the plain average as target (no sharpening), the loss is `||p_1 − p_2||² / (4L)`, the
/// distance between the two predictions.
///
/// # Panics
/// If `predictions` is empty or a prediction and the target differ in length.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let preds = [array![1.0, 0.0], array![0.0, 1.0]];
/// // Target (0.5, 0.5): each squared distance is 0.5, over K·L = 4.
/// assert_eq!(unlabelled_loss(&preds, &average(&preds)), 0.25);
/// ```
pub fn unlabelled_loss(predictions: &[Array1<f64>], target: &Array1<f64>) -> f64 {
    assert!(!predictions.is_empty(), "unlabelled_loss: no prediction");
    let total: f64 = predictions
        .iter()
        .map(|p| {
            assert_eq!(p.len(), target.len(), "unlabelled_loss: lengths differ");
            p.iter()
                .zip(target)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        })
        .sum();
    total / (predictions.len() * target.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probability::entropy;
    use crate::test_util::{assert_all_close, assert_close};
    use ndarray::array;

    #[test]
    fn defaults_match_the_paper() {
        assert_eq!(MIXMATCH_T, 0.5);
        assert_eq!(MIXMATCH_K, 2);
    }

    #[test]
    fn sharpen_half_is_square_renormalised() {
        let p = array![0.5, 0.3, 0.2];
        let q = sharpen(&p, MIXMATCH_T);
        assert_all_close(&q, &array![0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38], 1e-12);
        let sq = p.mapv(|x| x * x);
        assert_all_close(&q, &(&sq / sq.sum()), 1e-12);
    }

    #[test]
    fn sharpen_lowers_entropy_and_t_one_is_identity() {
        let p = array![0.4, 0.35, 0.25];
        let h = entropy(&p);
        for t in [0.9, 0.5, 0.25, 0.1] {
            assert!(entropy(&sharpen(&p, t)) < h, "T={t}");
        }
        assert_all_close(&sharpen(&p, 1.0), &p, 1e-12);
        // T = 0.01: exponent 100, (0.35 / 0.4)^100 = 1.6e-6, so nearly one-hot.
        assert_close(sharpen(&p, 0.01)[0], 1.0, 3e-6);
        assert!(sharpen(&p, 0.01)[0] < 1.0 - 1e-6);
    }

    #[test]
    fn the_plain_unlabelled_loss_is_the_distance_between_two_predictions() {
        let (p1, p2) = (array![0.7, 0.2, 0.1], array![0.1, 0.3, 0.6]);
        let distance: f64 = (&p1 - &p2).mapv(|d| d * d).sum();
        let preds = [p1, p2];
        let loss = unlabelled_loss(&preds, &average(&preds));
        assert_close(loss, distance / 12.0, 1e-12);
        // With a sharpened target the loss is no longer that distance.
        let sharpened = unlabelled_loss(&preds, &sharpen(&average(&preds), MIXMATCH_T));
        assert!((sharpened - distance / 12.0).abs() > 1e-3);
    }

    #[test]
    fn average_of_k_predictions() {
        let avg = average(&[array![1.0, 0.0], array![0.0, 1.0]]);
        assert_eq!(avg, array![0.5, 0.5]);
        let avg3 = average(&[array![0.9, 0.1], array![0.6, 0.4], array![0.3, 0.7]]);
        assert_all_close(&avg3, &array![0.6, 0.4], 1e-12);
    }

    #[test]
    #[should_panic(expected = "has 3 classes")]
    fn average_rejects_mismatched_lengths() {
        average(&[array![0.5, 0.5], array![0.2, 0.3, 0.5]]);
    }
}
