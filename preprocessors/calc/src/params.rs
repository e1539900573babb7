//! Parameter counts of dense and multi-head attention layers.
//!
//! A dense (fully connected) layer from `n` inputs to `m` outputs has an `n × m` weight matrix
//! and, usually, `m` biases. Multi-head attention is a set of dense layers: per head, three
//! projections of the input tokens (queries Q, keys K, values V), then, after the heads'
//! outputs are concatenated, one output dense layer. The total depends on conventions (size of
//! the output layer, biases), which is why [`MultiHeadAttention`] has one constructor per
//! convention and public fields to build variants.

use std::fmt;

/// Number of parameters of a dense layer `inputs → outputs`: `inputs × outputs` weights, plus
/// `outputs` biases if `bias`.
///
/// ```
/// use coursebook_calc::prelude::*;
/// assert_eq!(dense_params(5, 2, true), 12); // exam Q6: one projection of one head
/// assert_eq!(dense_params(5, 2, false), 10);
/// ```
pub fn dense_params(inputs: usize, outputs: usize, bias: bool) -> usize {
    inputs * outputs + if bias { outputs } else { 0 }
}

/// Description of a multi-head attention layer, for counting its parameters.
///
/// All input tokens (those giving queries and those giving keys and values) have dimension
/// `input_dim`. Each of the `num_heads` heads has three dense projections: query and key
/// `input_dim → key_dim`, value `input_dim → value_dim`. The heads' outputs are concatenated
/// (`num_heads × value_dim` numbers per token, see [`concat_dim`](Self::concat_dim)) and, if
/// `output_dim` is `Some(d)`, pass through an output dense layer `concat_dim → d`.
///
/// Implementations that use one big `input_dim → num_heads × key_dim` matrix for all heads
/// (Keras, PyTorch) have exactly the same count as separate per-head layers: weights and biases
/// are just stacked.
///
/// Fields are public, so variants are written with struct update syntax:
///
/// ```
/// use coursebook_calc::prelude::*;
/// let no_bias = MultiHeadAttention { bias: false, ..MultiHeadAttention::exam(5, 2, 2) };
/// assert_eq!(no_bias.parameters().total, 2 * 3 * 10 + 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MultiHeadAttention {
    /// Dimension of the input tokens (5 in the exam).
    pub input_dim: usize,
    /// Number of heads computed in parallel (2 in the exam).
    pub num_heads: usize,
    /// Per-head dimension of queries and keys (the exam's "internal dimension", 2).
    pub key_dim: usize,
    /// Per-head dimension of values; the usual choice, and every constructor's, is `key_dim`.
    pub value_dim: usize,
    /// Size of the output dense layer applied to the concatenated heads. `None` means there is
    /// no output layer: the output is the concatenation itself, of size `num_heads × value_dim`.
    pub output_dim: Option<usize>,
    /// Whether every dense layer (projections and output) has biases.
    pub bias: bool,
}

/// Parameter count of a [`MultiHeadAttention`], broken down as in the exam's correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamCount {
    /// One query (or key) projection of one head, `input_dim → key_dim`: 12 in the exam
    /// (5 × 2 weights + 2 biases).
    pub per_projection: usize,
    /// One value projection of one head, `input_dim → value_dim`; equal to `per_projection`
    /// when `value_dim == key_dim`.
    pub value_projection: usize,
    /// One head's three projections: `2 × per_projection + value_projection` (36 in the exam).
    pub per_head: usize,
    /// All heads' projections: `num_heads × per_head` (72 in the exam).
    pub projections: usize,
    /// The output dense layer, 0 when there is none (10 in the exam: 4 × 2 + 2).
    pub output: usize,
    /// `projections + output` (82 in the exam).
    pub total: usize,
}

impl MultiHeadAttention {
    /// The exam's convention (Q6, figure 6): each head has three dense layers
    /// `input_dim → key_dim` with biases, the heads are concatenated
    /// (`heads × key_dim`), and an output dense layer with biases maps the concatenation
    /// back to `key_dim` (the "internal dimension").
    ///
    /// ```
    /// use coursebook_calc::prelude::*;
    /// let p = MultiHeadAttention::exam(5, 2, 2).parameters();
    /// assert_eq!((p.per_projection, p.projections, p.output, p.total), (12, 72, 10, 82));
    /// ```
    pub fn exam(input_dim: usize, key_dim: usize, heads: usize) -> Self {
        Self {
            input_dim,
            num_heads: heads,
            key_dim,
            value_dim: key_dim,
            output_dim: Some(key_dim),
            bias: true,
        }
    }

    /// `tf.keras.layers.MultiHeadAttention(num_heads, key_dim)` with its defaults, called on
    /// tokens of dimension `input_dim` for query, key and value: `value_dim = key_dim`,
    /// `use_bias = True`, and the output layer projects back to the query's dimension
    /// (`output_shape` defaults to `input_dim`).
    ///
    /// ```
    /// use coursebook_calc::prelude::*;
    /// let p = MultiHeadAttention::keras(5, 2, 2).parameters();
    /// assert_eq!((p.projections, p.output, p.total), (72, 25, 97));
    /// ```
    pub fn keras(input_dim: usize, num_heads: usize, key_dim: usize) -> Self {
        Self {
            input_dim,
            num_heads,
            key_dim,
            value_dim: key_dim,
            output_dim: Some(input_dim),
            bias: true,
        }
    }

    /// `torch.nn.MultiheadAttention(embed_dim, num_heads)` with its defaults: each head has
    /// dimension `embed_dim / num_heads`, so the concatenation has size `embed_dim`; the output
    /// layer is `embed_dim → embed_dim`; `bias=True`. Total `4 E² + 4 E`.
    ///
    /// # Panics
    /// If `num_heads` is 0 or does not divide `embed_dim` (PyTorch refuses it too).
    ///
    /// ```
    /// use coursebook_calc::prelude::*;
    /// assert_eq!(MultiHeadAttention::pytorch(4, 2).parameters().total, 80);
    /// ```
    pub fn pytorch(embed_dim: usize, num_heads: usize) -> Self {
        assert!(
            num_heads > 0 && embed_dim.is_multiple_of(num_heads),
            "pytorch: embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})"
        );
        let head_dim = embed_dim / num_heads;
        Self {
            input_dim: embed_dim,
            num_heads,
            key_dim: head_dim,
            value_dim: head_dim,
            output_dim: Some(embed_dim),
            bias: true,
        }
    }

    /// Size of the concatenated heads: `num_heads × value_dim` (4 in the exam).
    pub fn concat_dim(&self) -> usize {
        self.num_heads * self.value_dim
    }

    /// Dimension of the layer's output tokens: `output_dim`, or [`concat_dim`](Self::concat_dim)
    /// when there is no output layer.
    pub fn output_size(&self) -> usize {
        self.output_dim.unwrap_or_else(|| self.concat_dim())
    }

    /// Parameter count with its breakdown.
    pub fn parameters(&self) -> ParamCount {
        let per_projection = dense_params(self.input_dim, self.key_dim, self.bias);
        let value_projection = dense_params(self.input_dim, self.value_dim, self.bias);
        let per_head = 2 * per_projection + value_projection;
        let projections = self.num_heads * per_head;
        let output = self
            .output_dim
            .map_or(0, |d| dense_params(self.concat_dim(), d, self.bias));
        ParamCount {
            per_projection,
            value_projection,
            per_head,
            projections,
            output,
            total: projections + output,
        }
    }
}

impl fmt::Display for ParamCount {
    /// `"72 + 10 = 82"`: projections + output = total.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} + {} = {}", self.projections, self.output, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_by_hand() {
        assert_eq!(dense_params(5, 2, true), 12);
        assert_eq!(dense_params(4, 2, true), 10);
        assert_eq!(dense_params(4, 5, true), 25);
        assert_eq!(dense_params(3, 7, false), 21);
        assert_eq!(dense_params(0, 3, true), 3);
    }

    #[test]
    fn exam_q6() {
        let mha = MultiHeadAttention::exam(5, 2, 2);
        assert_eq!(mha.concat_dim(), 4);
        assert_eq!(mha.output_size(), 2);
        let p = mha.parameters();
        assert_eq!(p.per_projection, 12);
        assert_eq!(p.value_projection, 12);
        assert_eq!(p.per_head, 36);
        assert_eq!(p.projections, 72);
        assert_eq!(p.output, 10);
        assert_eq!(p.total, 82);
        assert_eq!(p.to_string(), "72 + 10 = 82");
    }

    #[test]
    fn keras_default() {
        let mha = MultiHeadAttention::keras(5, 2, 2);
        assert_eq!(mha.output_size(), 5);
        let p = mha.parameters();
        assert_eq!(p.projections, 3 * (5 * 4 + 4));
        assert_eq!(p.output, 4 * 5 + 5);
        assert_eq!(p.total, 97);
        // A larger example: Keras MHA(num_heads=8, key_dim=64) on 512-d tokens.
        // Q, K, V: 512*512 + 512 each; output 512*512 + 512.
        assert_eq!(
            MultiHeadAttention::keras(512, 8, 64).parameters().total,
            4 * (512 * 512 + 512)
        );
    }

    #[test]
    fn pytorch_is_4e2_plus_4e() {
        assert_eq!(MultiHeadAttention::pytorch(4, 2).parameters().total, 80);
        for (e, h) in [(4, 1), (4, 4), (6, 3), (512, 8), (768, 12)] {
            assert_eq!(
                MultiHeadAttention::pytorch(e, h).parameters().total,
                4 * e * e + 4 * e,
                "E={e}, h={h}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "divisible")]
    fn pytorch_rejects_indivisible() {
        MultiHeadAttention::pytorch(5, 2);
    }

    #[test]
    fn variants() {
        let none = MultiHeadAttention {
            output_dim: None,
            ..MultiHeadAttention::exam(5, 2, 2)
        };
        assert_eq!(none.parameters().output, 0);
        assert_eq!(none.parameters().total, 72);
        assert_eq!(none.output_size(), 4);
        let wide_values = MultiHeadAttention {
            value_dim: 3,
            ..MultiHeadAttention::exam(5, 2, 2)
        };
        let p = wide_values.parameters();
        // Q, K: 12 each; V: 5*3 + 3 = 18; per head 42; 2 heads 84; output 6 -> 2: 14.
        assert_eq!(
            (
                p.value_projection,
                p.per_head,
                p.projections,
                p.output,
                p.total
            ),
            (18, 42, 84, 14, 98)
        );
    }
}
