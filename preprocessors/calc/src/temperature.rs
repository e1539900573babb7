//! Temperature, in the two conventions a student meets, whose conclusions are **opposite**.
//!
//! - **Usual convention** ([`softmax_temperature`]): `p_i = softmax(z / T)_i`, T divides the
//!   logits. This is what Keras text-generation examples, PyTorch sampling code, Hinton's
//!   knowledge distillation and most papers call temperature. A **larger** T flattens the
//!   distribution (higher entropy, more varied samples); T → 0 concentrates it on the argmax
//!   (greedy decoding).
//! - **The exam's convention** ([`power_temperature`]): written `p_i = softmax(z_i^T)`, T acts as
//!   an exponent on the probabilities, `p_i ∝ p_i^T`, i.e. as an *inverse* temperature. A
//!   **larger** T reinforces the most probable class (lower entropy); T → 0 evens the
//!   probabilities out (higher entropy, more varied text). Hence the exam's answer to Q4:
//!   decrease T for more variety.
//!
//! Both leave the predictions unchanged at T = 1, and they are related exactly by
//! `power_temperature(softmax(z), T) == softmax_temperature(z, 1 / T) == softmax(T · z)`:
//! raising probabilities to the power T multiplies the logits by T.

use crate::probability::softmax;
use ndarray::{Array1, ArrayBase, Data, Ix1};

/// Softmax with temperature in the **usual** convention: `softmax(z / t)`.
///
/// `z` are logits (unnormalised scores), `t > 0` is the temperature (dimensionless).
/// `t = 1` is plain softmax; `t > 1` flattens (more entropy, more variety); `t < 1` sharpens.
///
/// # Panics
/// If `t` is not a finite positive number.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let z = array![2.0, 1.0, 0.0];
/// let cold = softmax_temperature(&z, 0.5);
/// let hot = softmax_temperature(&z, 2.0);
/// assert!(entropy(&hot) > entropy(&softmax(&z)));
/// assert!(entropy(&cold) < entropy(&softmax(&z)));
/// ```
pub fn softmax_temperature<S>(z: &ArrayBase<S, Ix1>, t: f64) -> Array1<f64>
where
    S: Data<Elem = f64>,
{
    assert!(
        t.is_finite() && t > 0.0,
        "softmax_temperature: the temperature must be finite and > 0 (got {t})"
    );
    softmax(&z.mapv(|x| x / t))
}

/// Temperature in the **exam's** convention: `p_i^t / sum_j p_j^t`, applied to a
/// *distribution* `p` (for instance the output of a softmax).
///
/// `t = 1` is the identity (up to renormalisation); `t > 1` concentrates the mass on the most
/// probable classes (entropy decreases, tending to one-hot as `t → ∞`); `0 < t < 1` flattens it
/// (entropy increases, tending to uniform over the non-zero classes as `t → 0`). Classes of
/// probability 0 stay at 0.
///
/// Computed as `softmax(t · ln p)`, which is the same quantity without underflow: `p_i^t`
/// for large `t` would round every term to 0 and give `0 / 0`.
///
/// # Panics
/// If `t` is not a finite positive number, or if `p` has a negative entry or no positive one.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let p = array![0.5, 0.3, 0.2];
/// // T = 1 changes nothing.
/// assert!((power_temperature(&p, 1.0) - &p).iter().all(|d| d.abs() < 1e-12));
/// // The exam's conclusion: a large T lowers the entropy, a small T raises it.
/// assert!(entropy(&power_temperature(&p, 3.0)) < entropy(&p));
/// assert!(entropy(&power_temperature(&p, 0.3)) > entropy(&p));
/// ```
pub fn power_temperature<S>(p: &ArrayBase<S, Ix1>, t: f64) -> Array1<f64>
where
    S: Data<Elem = f64>,
{
    assert!(
        t.is_finite() && t > 0.0,
        "power_temperature: the exponent T must be finite and > 0 (got {t})"
    );
    assert!(
        p.iter().all(|&x| x.is_finite() && x >= 0.0) && p.iter().any(|&x| x > 0.0),
        "power_temperature: p must be non-negative with at least one positive entry (got {p})"
    );
    // ln 0 = -inf and t · (-inf) = -inf: zero classes get exactly 0 after softmax.
    softmax(&p.mapv(|x| t * x.ln()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probability::entropy;
    use crate::test_util::{assert_all_close, assert_close};
    use ndarray::array;

    #[test]
    fn power_temperature_one_is_identity() {
        let p = array![0.457329, 0.168242, 0.374429];
        assert_all_close(&power_temperature(&p, 1.0), &(&p / p.sum()), 1e-12);
    }

    #[test]
    fn power_temperature_by_hand() {
        // p^2 = (0.25, 0.0625, 0.0625) for p = (0.5, 0.25, 0.25): sum 0.375.
        let q = power_temperature(&array![0.5, 0.25, 0.25], 2.0);
        assert_all_close(&q, &array![2.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0], 1e-12);
    }

    #[test]
    fn exam_convention_large_t_concentrates_small_t_flattens() {
        let p = array![0.5, 0.3, 0.2];
        let h = |t: f64| entropy(&power_temperature(&p, t));
        let ts = [0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 50.0];
        for w in ts.windows(2) {
            assert!(
                h(w[0]) > h(w[1]),
                "entropy should decrease from T={} to T={}",
                w[0],
                w[1]
            );
        }
        assert!(h(0.001) > 3f64.ln() - 1e-3, "T→0 tends to uniform");
        let big = power_temperature(&p, 1000.0);
        assert!(big[0] > 1.0 - 1e-12 && big.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn usual_convention_is_the_opposite() {
        let z = array![0.8, -0.2, 0.6];
        let h = |t: f64| entropy(&softmax_temperature(&z, t));
        let ts = [0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 50.0];
        for w in ts.windows(2) {
            assert!(
                h(w[0]) < h(w[1]),
                "entropy should increase from T={} to T={}",
                w[0],
                w[1]
            );
        }
        assert_all_close(&softmax_temperature(&z, 1.0), &softmax(&z), 1e-15);
        // T = 2 by hand: softmax(0.4, -0.1, 0.3); e^.4=1.491825, e^-.1=0.904837, e^.3=1.349859.
        let s = 1.491825 + 0.904837 + 1.349859;
        assert_all_close(
            &softmax_temperature(&z, 2.0),
            &array![1.491825 / s, 0.904837 / s, 1.349859 / s],
            1e-6,
        );
    }

    #[test]
    fn conventions_are_related_by_inverse() {
        let z = array![0.8, -0.2, 0.6];
        for t in [0.25, 0.5, 2.0, 4.0] {
            let exam = power_temperature(&softmax(&z), t);
            assert_all_close(&exam, &softmax_temperature(&z, 1.0 / t), 1e-12);
            assert_all_close(&exam, &softmax(&(&z * t)), 1e-12);
        }
    }

    #[test]
    fn zeros_stay_zero() {
        let q = power_temperature(&array![0.0, 0.4, 0.6], 0.5);
        assert_eq!(q[0], 0.0);
        assert_close(q.sum(), 1.0, 1e-12);
    }

    #[test]
    #[should_panic(expected = "must be finite and > 0")]
    fn zero_temperature_is_rejected() {
        softmax_temperature(&array![1.0, 2.0], 0.0);
    }
}
