//! The library of the « IA et Multimédia » book: its computations and its figures.
//!
//! book.toml names this crate (`[preprocessor.compute] library = "preprocessors/calc"`), so
//! the compute stage builds it and every ```` ```rust,compute ```` block of the book sees its
//! public items (`use coursebook_calc::*;`, after the runtime's prelude). The computations are
//! plain functions on [`ndarray`] arrays so that a teacher can call them in a block exactly as
//! in a unit test. The runtime (`publish!`, `Value`, `Figure`) is the tool's
//! `coursebook-notebook` crate; this library only adds the course.
//!
//! ```
//! use coursebook_calc::prelude::*;
//! let p = softmax(&array![0.8, -0.2, 0.6]);
//! assert_eq!((p[0] * 100.0).round(), 46.0);
//! ```

pub mod attention;
pub mod audio;
pub mod autoencoder;
pub mod diagram;
pub mod images;
pub mod mixmatch;
pub mod params;
pub mod plot;
pub mod probability;
pub mod random;
pub mod sequence;
pub mod svg;
pub mod temperature;
pub mod terms;

#[cfg(test)]
mod test_util;

/// The runtime's modules, under the paths the course modules use (`crate::figure::Figure`).
pub use coursebook_notebook::{figure, notebook};

/// The blocks see the library's public items: the course functions at the root, as below.
pub use prelude::*;

/// The runtime's prelude and the course computations, for `use coursebook_calc::prelude::*`.
///
/// The computations, by module: [`probability`](mod@crate::probability) (softmax, entropy,
/// argmax), [`temperature`](mod@crate::temperature) (both temperature conventions),
/// [`mixmatch`](mod@crate::mixmatch) (sharpening, averaging), [`attention`](mod@crate::attention)
/// (dot-product attention, masks), [`params`](mod@crate::params) (parameter counts),
/// [`sequence`](mod@crate::sequence) (sequence task shapes), and
/// [`autoencoder`](mod@crate::autoencoder) with its image set [`images`](mod@crate::images)
/// (question 5).
pub mod prelude {
    pub use coursebook_notebook::prelude::*;

    pub use crate::attention::{
        attention, attention_weights, causal_mask, causal_self_attention, dot_attention,
        dot_scores, full_mask, masked_attention, masked_attention_weights, scaled_dot_attention,
        self_attention, AttentionLayer,
    };
    pub use crate::autoencoder::{train_all, Autoencoder, Training};
    pub use crate::images::{DigitSet, PIXELS};
    pub use crate::mixmatch::{average, sharpen, unlabelled_loss, MIXMATCH_K, MIXMATCH_T};
    pub use crate::params::{dense_params, MultiHeadAttention, ParamCount};
    pub use crate::probability::{argmax, argmax1, entropy, entropy_bits, softmax};
    pub use crate::sequence::{shift_for_next_char, spectrogram_sequence, Mapping, SequenceShape};
    pub use crate::temperature::{power_temperature, softmax_temperature};

    pub use crate::audio::{exam_chirp, mel_spectrogram, MelConfig};
    pub use crate::diagram::{
        architectures, char_model, exam_architectures, mixmatch_pipeline, multi_head_attention,
    };
    pub use crate::plot::{
        attention_scores_plot, entropy_temperature_plot, heatmap_figure, heatmap_png,
        reconstruction_figure, sharpening_plot, spectrogram_figure,
    };
}
