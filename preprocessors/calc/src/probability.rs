//! Probability distributions over classes: softmax, entropy and argmax.
//!
//! Conventions used throughout the crate:
//! - a *distribution* is a 1-D array of non-negative numbers summing to 1 (one entry per class
//!   or per token);
//! - *logits* (or *scores*) are the unnormalised real numbers a layer produces before softmax;
//! - indices are **0-based**, as in Rust, NumPy and PyTorch. The book and the exam count tokens
//!   from 1 ("token 1"); use [`argmax1`] for that numbering.

use ndarray::{Array1, ArrayBase, Data, Ix1};

/// Softmax of a vector of logits: `p_i = exp(z_i) / sum_j exp(z_j)`.
///
/// Why subtract the maximum: `exp` overflows to `inf` for logits above about 709, and
/// `inf / inf` is `NaN`. Since softmax is invariant under adding a constant to every logit,
/// computing `exp(z_i - max z)` gives the same result with every exponent `<= 0`, hence no
/// overflow, and at least one term equal to 1, hence no division by zero.
///
/// Entries equal to `-inf` are allowed and get probability exactly 0 (this is how masked
/// attention hides positions). An empty input gives an empty output.
///
/// Accepts owned arrays and views alike (`&array![..]`, `&a.view()`, `&m.row(0)`).
///
/// # Panics
/// If the input is non-empty and its maximum is not finite (all entries `-inf`, or a `+inf`
/// or `NaN` entry): the result would be undefined.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let p = softmax(&array![0.8, -0.2, 0.6]);
/// assert!((p.sum() - 1.0).abs() < 1e-12);
/// assert_eq!(p.mapv(|x| (x * 100.0).round() / 100.0), array![0.46, 0.17, 0.37]);
/// // Huge logits do not overflow.
/// let q = softmax(&array![1000.0, 1000.0]);
/// assert_eq!(q, array![0.5, 0.5]);
/// ```
pub fn softmax<S>(z: &ArrayBase<S, Ix1>) -> Array1<f64>
where
    S: Data<Elem = f64>,
{
    if z.is_empty() {
        return Array1::zeros(0);
    }
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(
        max.is_finite() && !z.iter().any(|x| x.is_nan()),
        "softmax: the largest logit must be finite (got {max}, logits {z})"
    );
    let e = z.mapv(|x| (x - max).exp());
    let sum = e.sum();
    e / sum
}

/// Shannon entropy of a distribution, in **nats** (natural logarithm):
/// `H(p) = - sum_i p_i ln p_i`, with the convention `0 · ln 0 = 0` (the limit of `x ln x`).
///
/// Entropy measures how spread out a distribution is: 0 for a one-hot distribution (the model
/// is certain), `ln n` for the uniform distribution over `n` classes (the maximum). The input is
/// used as given, not renormalised.
///
/// # Panics
/// If an entry is negative or not finite.
///
/// ```
/// use coursebook_calc::prelude::*;
/// assert_eq!(entropy(&array![1.0, 0.0, 0.0]), 0.0);
/// assert!((entropy(&array![0.25, 0.25, 0.25, 0.25]) - 4f64.ln()).abs() < 1e-12);
/// ```
pub fn entropy<S>(p: &ArrayBase<S, Ix1>) -> f64
where
    S: Data<Elem = f64>,
{
    assert!(
        p.iter().all(|&x| x.is_finite() && x >= 0.0),
        "entropy: probabilities must be finite and non-negative (got {p})"
    );
    let h: f64 = p.iter().filter(|&&x| x > 0.0).map(|&x| -x * x.ln()).sum();
    // `+ 0.0` turns a possible `-0.0` (certain distribution) into `0.0` for display.
    h + 0.0
}

/// Shannon entropy in **bits** (base-2 logarithm): `entropy(p) / ln 2`.
///
/// One bit is the uncertainty of a fair coin; the uniform distribution over `n` classes has
/// `log2 n` bits.
///
/// ```
/// use coursebook_calc::prelude::*;
/// assert!((entropy_bits(&array![0.5, 0.5]) - 1.0).abs() < 1e-12);
/// assert!((entropy_bits(&array![0.25, 0.25, 0.25, 0.25]) - 2.0).abs() < 1e-12);
/// ```
pub fn entropy_bits<S>(p: &ArrayBase<S, Ix1>) -> f64
where
    S: Data<Elem = f64>,
{
    entropy(p) / std::f64::consts::LN_2
}

/// Index of the largest entry, **0-based** (Rust/NumPy numbering). Ties go to the first
/// maximum, as `numpy.argmax` and `torch.argmax` do. Softmax is increasing, so the argmax of
/// the scores is also the argmax of the probabilities.
///
/// # Panics
/// If the input is empty or contains `NaN`.
///
/// ```
/// use coursebook_calc::prelude::*;
/// assert_eq!(argmax(&array![0.8, -0.2, 0.6]), 0);
/// assert_eq!(argmax(&array![1.0, 3.0, 3.0]), 1); // first maximum wins
/// ```
pub fn argmax<S>(v: &ArrayBase<S, Ix1>) -> usize
where
    S: Data<Elem = f64>,
{
    assert!(!v.is_empty(), "argmax of an empty vector");
    assert!(!v.iter().any(|x| x.is_nan()), "argmax: NaN in {v}");
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Index of the largest entry, **1-based**: `argmax(v) + 1`. This is the numbering of the exam
/// and of the book ("token 1, token 2, token 3").
///
/// ```
/// use coursebook_calc::prelude::*;
/// // Exam Q7: the first key gets the most attention, "token 1".
/// assert_eq!(argmax1(&array![0.8, -0.2, 0.6]), 1);
/// ```
pub fn argmax1<S>(v: &ArrayBase<S, Ix1>) -> usize
where
    S: Data<Elem = f64>,
{
    argmax(v) + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{assert_all_close, assert_close};
    use ndarray::array;

    #[test]
    fn softmax_of_exam_scores() {
        // e^0.8 = 2.225541, e^-0.2 = 0.818731, e^0.6 = 1.822119; sum = 4.866390.
        let p = softmax(&array![0.8, -0.2, 0.6]);
        assert_all_close(&p, &array![0.457329, 0.168242, 0.374429], 1e-6);
        assert_eq!(p.mapv(|x| (x * 100.0).round()), array![46.0, 17.0, 37.0]);
    }

    #[test]
    fn softmax_is_shift_invariant_and_stable() {
        let a = softmax(&array![1.0, 2.0, 3.0]);
        let b = softmax(&array![1001.0, 1002.0, 1003.0]);
        assert_all_close(&a, &b, 1e-12);
        assert!(b.iter().all(|x| x.is_finite()));
        assert_close(a.sum(), 1.0, 1e-12);
    }

    #[test]
    fn softmax_accepts_views_and_minus_infinity() {
        let m = array![[0.0, f64::NEG_INFINITY], [1.0, 1.0]];
        assert_eq!(softmax(&m.row(0)), array![1.0, 0.0]);
        assert_eq!(softmax(&m.row(1).view()), array![0.5, 0.5]);
        assert_eq!(softmax(&Array1::<f64>::zeros(0)).len(), 0);
    }

    #[test]
    #[should_panic(expected = "largest logit must be finite")]
    fn softmax_rejects_all_masked() {
        softmax(&array![f64::NEG_INFINITY, f64::NEG_INFINITY]);
    }

    #[test]
    fn entropy_of_uniform_is_ln_n() {
        for n in 1..=10 {
            let p = Array1::from_elem(n, 1.0 / n as f64);
            assert_close(entropy(&p), (n as f64).ln(), 1e-12);
            assert_close(entropy_bits(&p), (n as f64).log2(), 1e-12);
        }
    }

    #[test]
    fn entropy_by_hand() {
        // H(0.5, 0.25, 0.25) = 0.5 ln 2 + 2 * 0.25 ln 4 = 1.5 ln 2 nats = 1.5 bits.
        let p = array![0.5, 0.25, 0.25];
        assert_close(entropy(&p), 1.5 * 2f64.ln(), 1e-12);
        assert_close(entropy_bits(&p), 1.5, 1e-12);
        assert_eq!(entropy(&array![0.0, 1.0]), 0.0);
        assert!(
            entropy(&array![0.0, 1.0]).is_sign_positive(),
            "no -0 in the book"
        );
    }

    #[test]
    #[should_panic(expected = "non-negative")]
    fn entropy_rejects_negative() {
        entropy(&array![1.5, -0.5]);
    }

    #[test]
    fn argmax_numbering() {
        assert_eq!(argmax(&array![-0.2, 0.6, 0.8]), 2);
        assert_eq!(argmax1(&array![-0.2, 0.6, 0.8]), 3);
        assert_eq!(argmax(&array![2.0, 2.0]), 0);
        assert_eq!(argmax(&array![f64::NEG_INFINITY, -1e300]), 1);
    }
}
