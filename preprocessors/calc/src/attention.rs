//! Dot-product attention, without learned projections.
//!
//! Conventions: every sequence is a matrix with **one row per token** (shape
//! `(tokens, dimension)`). A query attends to the keys: its *scores* are the dot products
//! `k_j · q`, its *weights* are the softmax of the scores (one probability per key, summing to
//! 1), and its output is the weighted mean of the value rows. In a Transformer, queries come
//! from the sequence being produced (Y) and keys and values from the sequence being read (X);
//! calling the same layer with X = Y is **self-attention** ([`self_attention`]).
//!
//! *Scaled* attention ("Attention is all you need", Vaswani et al. 2017) divides the scores by
//! `sqrt(d_k)`, `d_k` being the dimension of queries and keys, to keep the softmax from
//! saturating when `d_k` is large. Dividing by a positive constant keeps the order of the
//! scores, so the most attended key is the same with or without scaling; only the weights
//! change.
//!
//! The functions take already projected queries, keys and values. [`AttentionLayer`] is one
//! head with its learned projections W_Q, W_K, W_V, as in the exam's Figure 6 (keys and values
//! from X, queries from Y); the parameter count of a multi-head layer is in [`crate::params`].

use crate::probability::softmax;
use crate::random::Rng;
use ndarray::{Array1, Array2, ArrayBase, Axis, Data, Ix1, Ix2};

/// Raw attention scores of one query: one dot product `k_j · q` per key row `k_j`.
///
/// `keys` has shape `(n_keys, d_k)`, `query` length `d_k`; the result has length `n_keys`.
///
/// # Panics
/// If the key width differs from the query length.
///
/// ```
/// use coursebook_calc::prelude::*;
/// // Exam Q7: K1 = [0, 1], K2 = [1, 0], K3 = [1, 1], Q = [-0.2, 0.8].
/// let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let scores = dot_scores(&keys, &array![-0.2, 0.8]);
/// assert!((&scores - &array![0.8, -0.2, 0.6]).iter().all(|d| d.abs() < 1e-12));
/// ```
pub fn dot_scores<S1, S2>(keys: &ArrayBase<S1, Ix2>, query: &ArrayBase<S2, Ix1>) -> Array1<f64>
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
{
    assert_eq!(
        keys.ncols(),
        query.len(),
        "dot_scores: keys have dimension {} but the query has dimension {}",
        keys.ncols(),
        query.len()
    );
    keys.dot(query)
}

/// Attention weights of one query, **unscaled**: `softmax(K q)`. One probability per key.
///
/// This is the computation of the exam's Q7 answer (0.46, 0.17, 0.37).
///
/// ```
/// use coursebook_calc::prelude::*;
/// let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let w = dot_attention(&keys, &array![-0.2, 0.8]);
/// assert_eq!(w.mapv(|x| (x * 100.0).round() / 100.0), array![0.46, 0.17, 0.37]);
/// assert_eq!(argmax1(&w), 1); // token 1 gets the most attention
/// ```
pub fn dot_attention<S1, S2>(keys: &ArrayBase<S1, Ix2>, query: &ArrayBase<S2, Ix1>) -> Array1<f64>
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
{
    softmax(&dot_scores(keys, query))
}

/// Attention weights of one query, **scaled**: `softmax(K q / sqrt(d_k))` with `d_k` the
/// query length.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let w = scaled_dot_attention(&keys, &array![-0.2, 0.8]);
/// assert_eq!(w.mapv(|x| (x * 100.0).round() / 100.0), array![0.42, 0.21, 0.37]);
/// ```
pub fn scaled_dot_attention<S1, S2>(
    keys: &ArrayBase<S1, Ix2>,
    query: &ArrayBase<S2, Ix1>,
) -> Array1<f64>
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
{
    let scale = (query.len() as f64).sqrt();
    softmax(&(dot_scores(keys, query) / scale))
}

/// Causal (look-ahead) mask of size `n`: `mask[[i, j]]` is `true` when position `i` may attend
/// to position `j`, that is when `j <= i` (lower triangle, diagonal included). This is the mask
/// of GPT's self-attention and of the original Transformer's decoder: a token never sees the
/// tokens after it, so next-token prediction cannot cheat.
///
/// ```
/// use coursebook_calc::prelude::*;
/// assert_eq!(
///     causal_mask(3),
///     array![[true, false, false], [true, true, false], [true, true, true]]
/// );
/// ```
pub fn causal_mask(n: usize) -> Array2<bool> {
    Array2::from_shape_fn((n, n), |(i, j)| j <= i)
}

/// Full mask of size `n`: every position sees every position (`true` everywhere). This is
/// BERT's bidirectional self-attention, equivalent to no mask at all.
///
/// ```
/// use coursebook_calc::prelude::*;
/// assert!(full_mask(3).iter().all(|&b| b));
/// ```
pub fn full_mask(n: usize) -> Array2<bool> {
    Array2::from_elem((n, n), true)
}

/// Attention weight matrix: row `i` is the softmax of query `i`'s scores against every key,
/// `softmax(Q Kᵀ)` or `softmax(Q Kᵀ / sqrt(d_k))` when `scaled`.
///
/// `queries`: `(n_q, d_k)`, `keys`: `(n_k, d_k)`; result `(n_q, n_k)`, rows sum to 1.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let w = attention_weights(&array![[-0.2, 0.8]], &keys, false);
/// assert_eq!(w.row(0), dot_attention(&keys, &array![-0.2, 0.8]));
/// ```
pub fn attention_weights<S1, S2>(
    queries: &ArrayBase<S1, Ix2>,
    keys: &ArrayBase<S2, Ix2>,
    scaled: bool,
) -> Array2<f64>
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
{
    let all = full_mask_rect(queries.nrows(), keys.nrows());
    masked_attention_weights(queries, keys, &all, scaled)
}

/// Attention weight matrix with a mask: where `mask[[i, j]]` is `false`, the score of query `i`
/// against key `j` is set to `-inf` before the softmax, so its weight is exactly 0 and the other
/// weights of the row still sum to 1.
///
/// `mask` has shape `(n_q, n_k)`; `true` means visible (see [`causal_mask`], [`full_mask`]).
///
/// # Panics
/// If the shapes disagree, or if a row of the mask hides every key (its softmax would be
/// undefined).
///
/// ```
/// use coursebook_calc::prelude::*;
/// let x = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
/// let w = masked_attention_weights(&x, &x, &causal_mask(3), true);
/// assert_eq!(w[[0, 0]], 1.0); // the first token only sees itself
/// assert_eq!(w[[1, 2]], 0.0); // nobody sees the future
/// ```
pub fn masked_attention_weights<S1, S2, S3>(
    queries: &ArrayBase<S1, Ix2>,
    keys: &ArrayBase<S2, Ix2>,
    mask: &ArrayBase<S3, Ix2>,
    scaled: bool,
) -> Array2<f64>
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
    S3: Data<Elem = bool>,
{
    let (n_q, d_k) = queries.dim();
    assert_eq!(
        keys.ncols(),
        d_k,
        "attention: queries have dimension {d_k} but keys have dimension {}",
        keys.ncols()
    );
    assert_eq!(
        mask.dim(),
        (n_q, keys.nrows()),
        "attention: the mask must have shape (queries, keys) = ({n_q}, {})",
        keys.nrows()
    );
    let scale = if scaled { (d_k as f64).sqrt() } else { 1.0 };
    let mut scores = queries.dot(&keys.t()) / scale;
    scores.zip_mut_with(mask, |s, &visible| {
        if !visible {
            *s = f64::NEG_INFINITY;
        }
    });
    for (i, mut row) in scores.axis_iter_mut(Axis(0)).enumerate() {
        assert!(
            mask.row(i).iter().any(|&v| v),
            "attention: the mask hides every key from query {i}"
        );
        let p = softmax(&row);
        row.assign(&p);
    }
    scores
}

/// Dot-product attention, matrix form: `softmax(Q Kᵀ [/ sqrt(d_k)]) V`.
///
/// `queries`: `(n_q, d_k)`, `keys`: `(n_k, d_k)`, `values`: `(n_k, d_v)`; result `(n_q, d_v)`:
/// row `i` is the mean of the value rows weighted by query `i`'s attention weights.
///
/// # Panics
/// If the shapes disagree.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let values = array![[1.0], [2.0], [3.0]];
/// let out = attention(&array![[-0.2, 0.8]], &keys, &values, false);
/// let w = dot_attention(&keys, &array![-0.2, 0.8]);
/// assert!((out[[0, 0]] - (w[0] + 2.0 * w[1] + 3.0 * w[2])).abs() < 1e-12);
/// ```
pub fn attention<S1, S2, S3>(
    queries: &ArrayBase<S1, Ix2>,
    keys: &ArrayBase<S2, Ix2>,
    values: &ArrayBase<S3, Ix2>,
    scaled: bool,
) -> Array2<f64>
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
    S3: Data<Elem = f64>,
{
    let all = full_mask_rect(queries.nrows(), keys.nrows());
    masked_attention(queries, keys, values, &all, scaled)
}

/// Masked dot-product attention: [`masked_attention_weights`] times `values`.
///
/// # Panics
/// If the shapes disagree or a query sees no key.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let x = array![[1.0, 0.0], [0.0, 1.0]];
/// let out = masked_attention(&x, &x, &x, &causal_mask(2), false);
/// assert_eq!(out.row(0), x.row(0)); // token 1 only sees itself
/// ```
pub fn masked_attention<S1, S2, S3, S4>(
    queries: &ArrayBase<S1, Ix2>,
    keys: &ArrayBase<S2, Ix2>,
    values: &ArrayBase<S3, Ix2>,
    mask: &ArrayBase<S4, Ix2>,
    scaled: bool,
) -> Array2<f64>
where
    S1: Data<Elem = f64>,
    S2: Data<Elem = f64>,
    S3: Data<Elem = f64>,
    S4: Data<Elem = bool>,
{
    assert_eq!(
        values.nrows(),
        keys.nrows(),
        "attention: {} keys but {} values (one value row per key is needed)",
        keys.nrows(),
        values.nrows()
    );
    masked_attention_weights(queries, keys, mask, scaled).dot(values)
}

/// Self-attention: the attention layer called with the same sequence as queries, keys and
/// values, `attention(x, x, x, scaled)`. This is the exam's Q8 answer: a self-attention layer
/// is an attention layer whose two input sequences (X and Y) are the same. Bidirectional
/// (BERT-like): every token sees every token.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let x = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
/// assert_eq!(self_attention(&x, true), attention(&x, &x, &x, true));
/// ```
pub fn self_attention<S>(x: &ArrayBase<S, Ix2>, scaled: bool) -> Array2<f64>
where
    S: Data<Elem = f64>,
{
    attention(x, x, x, scaled)
}

/// Causal (masked) self-attention, GPT-like: `masked_attention(x, x, x, causal_mask(n),
/// scaled)`. Output row `i` depends only on rows `0..=i` of `x`.
///
/// ```
/// use coursebook_calc::prelude::*;
/// let x = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
/// let mut changed = x.clone();
/// changed[[2, 0]] = 9.0; // change the last token only
/// let (a, b) = (causal_self_attention(&x, true), causal_self_attention(&changed, true));
/// assert_eq!(a.row(0), b.row(0));
/// assert_eq!(a.row(1), b.row(1));
/// ```
pub fn causal_self_attention<S>(x: &ArrayBase<S, Ix2>, scaled: bool) -> Array2<f64>
where
    S: Data<Elem = f64>,
{
    masked_attention(x, x, x, &causal_mask(x.nrows()), scaled)
}

/// All-`true` mask of shape `(n_q, n_k)` (queries and keys may differ in number).
fn full_mask_rect(n_q: usize, n_k: usize) -> Array2<bool> {
    Array2::from_elem((n_q, n_k), true)
}

/// One attention head with its learned projections, as in the exam's Figure 6: keys
/// `K = X·W_K + b_K` and values `V = X·W_V + b_V` come from the sequence X, queries
/// `Q = Y·W_Q + b_Q` from the sequence Y, then scaled dot-product [`attention`]. Tokens are rows.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionLayer {
    /// The queries' projection. Each projection: weights of shape `(input, dim)` and a bias
    /// of length `dim`.
    pub query: (Array2<f64>, Array1<f64>),
    /// The keys' projection.
    pub key: (Array2<f64>, Array1<f64>),
    /// The values' projection.
    pub value: (Array2<f64>, Array1<f64>),
}

impl AttentionLayer {
    /// A layer for tokens of dimension `input` projected to `dim`, with weights and biases
    /// drawn uniformly in `[-1, 1)` from `seed` (a stand-in for trained weights).
    pub fn random(input: usize, dim: usize, seed: u64) -> AttentionLayer {
        let mut rng = Rng::new(seed);
        let mut draw = || f64::from(rng.uniform(-1.0, 1.0));
        let mut projection = || {
            let w = Array2::from_shape_fn((input, dim), |_| draw());
            let b = Array1::from_shape_fn(dim, |_| draw());
            (w, b)
        };
        AttentionLayer {
            query: projection(),
            key: projection(),
            value: projection(),
        }
    }

    /// The layer's output for the sequences `x` (keys and values) and `y` (queries): one row
    /// per token of `y`.
    ///
    /// # Panics
    /// If a token's dimension is not the layer's input size.
    ///
    /// ```
    /// use coursebook_calc::attention::AttentionLayer;
    /// use ndarray::array;
    /// let layer = AttentionLayer::random(2, 3, 1);
    /// let (x, y) = (array![[1.0, 0.0], [0.0, 1.0]], array![[0.5, 0.5]]);
    /// assert_eq!(layer.call(&x, &y).dim(), (1, 3));
    /// ```
    pub fn call<S1, S2>(&self, x: &ArrayBase<S1, Ix2>, y: &ArrayBase<S2, Ix2>) -> Array2<f64>
    where
        S1: Data<Elem = f64>,
        S2: Data<Elem = f64>,
    {
        let keys = project(x, &self.key);
        let values = project(x, &self.value);
        let queries = project(y, &self.query);
        attention(&queries, &keys, &values, true)
    }
}

/// A dense projection of every token (row) of `seq`: `seq·W + b`.
fn project<S: Data<Elem = f64>>(
    seq: &ArrayBase<S, Ix2>,
    (w, b): &(Array2<f64>, Array1<f64>),
) -> Array2<f64> {
    seq.dot(w) + b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probability::argmax1;
    use crate::test_util::{assert_all_close, assert_close};
    use ndarray::array;

    fn exam_keys() -> Array2<f64> {
        array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    }

    #[test]
    fn attention_layer_answers_each_query_on_its_own() {
        let layer = AttentionLayer::random(3, 2, 4);
        let x = ndarray::array![[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [0.5, 0.5, 0.5]];
        let all = layer.call(&x, &x);
        for i in 0..3 {
            let one = layer.call(&x, &x.slice(ndarray::s![i..i + 1, ..]));
            for c in 0..2 {
                assert!((one[[0, c]] - all[[i, c]]).abs() < 1e-12);
            }
        }
        assert_ne!(layer, AttentionLayer::random(3, 2, 5));
    }

    #[test]
    fn exam_q7_unscaled() {
        let q = array![-0.2, 0.8];
        assert_all_close(
            &dot_scores(&exam_keys(), &q),
            &array![0.8, -0.2, 0.6],
            1e-12,
        );
        let w = dot_attention(&exam_keys(), &q);
        assert_all_close(&w, &array![0.457329, 0.168242, 0.374429], 1e-6);
        assert_eq!(argmax1(&w), 1);
    }

    #[test]
    fn exam_q7_scaled() {
        // Scores / sqrt 2 = (0.565685, -0.141421, 0.424264);
        // exp = (1.760654, 0.868123, 1.528465), sum 4.157243.
        let w = scaled_dot_attention(&exam_keys(), &array![-0.2, 0.8]);
        assert_all_close(&w, &array![0.423515, 0.208822, 0.367663], 1e-5);
        assert_eq!(w.mapv(|x| (x * 100.0).round()), array![42.0, 21.0, 37.0]);
        assert_eq!(argmax1(&w), 1);
    }

    #[test]
    fn matrix_form_matches_vector_form() {
        let queries = array![[-0.2, 0.8], [1.0, 0.5]];
        for scaled in [false, true] {
            let w = attention_weights(&queries, &exam_keys(), scaled);
            for i in 0..2 {
                let q = queries.row(i);
                let expected = if scaled {
                    scaled_dot_attention(&exam_keys(), &q)
                } else {
                    dot_attention(&exam_keys(), &q)
                };
                assert_all_close(&w.row(i).to_owned(), &expected, 1e-12);
                assert_close(w.row(i).sum(), 1.0, 1e-12);
            }
        }
    }

    #[test]
    fn attention_output_is_weighted_values() {
        // Two keys with equal scores: the output is the mean of the two values.
        let keys = array![[1.0, 0.0], [1.0, 0.0]];
        let values = array![[2.0, 0.0], [4.0, 10.0]];
        let out = attention(&array![[3.0, 7.0]], &keys, &values, true);
        assert_all_close(&out.row(0).to_owned(), &array![3.0, 5.0], 1e-12);
        assert_eq!(out.dim(), (1, 2));
    }

    #[test]
    fn self_attention_is_attention_with_x_everywhere() {
        let x = array![
            [0.1, 0.2, 0.3],
            [1.0, -1.0, 0.5],
            [0.0, 0.4, -0.2],
            [2.0, 0.0, 1.0]
        ];
        for scaled in [false, true] {
            assert_eq!(self_attention(&x, scaled), attention(&x, &x, &x, scaled));
            assert_eq!(self_attention(&x, scaled).dim(), (4, 3));
        }
        // And differs from attention on another sequence.
        let y = &x * 2.0;
        assert_ne!(self_attention(&x, false), attention(&x, &y, &y, false));
    }

    #[test]
    fn masks() {
        let c = causal_mask(4);
        for i in 0..4 {
            for j in 0..4 {
                assert_eq!(c[[i, j]], j <= i, "({i}, {j})");
            }
        }
        assert_eq!(c.iter().filter(|&&b| b).count(), 10);
        assert_eq!(full_mask(4).iter().filter(|&&b| b).count(), 16);
        assert_eq!(causal_mask(0).dim(), (0, 0));
    }

    #[test]
    fn causal_attention_by_hand() {
        let x = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let w = masked_attention_weights(&x, &x, &causal_mask(3), false);
        // Row 1: scores (x1·x0, x1·x1) = (0, 1) → (1/(1+e), e/(1+e)), then 0.
        let e = 1f64.exp();
        assert_all_close(
            &w.row(1).to_owned(),
            &array![1.0 / (1.0 + e), e / (1.0 + e), 0.0],
            1e-12,
        );
        assert_all_close(&w.row(0).to_owned(), &array![1.0, 0.0, 0.0], 0.0);
        // Upper triangle is exactly zero, rows sum to 1.
        for i in 0..3 {
            assert_close(w.row(i).sum(), 1.0, 1e-12);
            for j in i + 1..3 {
                assert_eq!(w[[i, j]], 0.0);
            }
        }
        // A full mask is the same as no mask.
        assert_eq!(
            masked_attention(&x, &x, &x, &full_mask(3), true),
            self_attention(&x, true)
        );
        assert_eq!(
            causal_self_attention(&x, false),
            masked_attention(&x, &x, &x, &causal_mask(3), false)
        );
    }

    #[test]
    #[should_panic(expected = "hides every key from query 1")]
    fn fully_masked_row_panics() {
        let x = array![[1.0], [2.0]];
        masked_attention_weights(&x, &x, &array![[true, false], [false, false]], false);
    }

    #[test]
    #[should_panic(expected = "keys have dimension 2 but the query has dimension 3")]
    fn dimension_mismatch_panics() {
        dot_scores(&exam_keys(), &array![1.0, 2.0, 3.0]);
    }
}
