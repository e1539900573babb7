//! Shapes of sequence tasks, for the questions on the labs (TPs): which mapping a recurrent
//! model implements, and what its input sequence is.

use std::fmt;

/// Input and target of a character-level language model for one text: the target is the input
/// shifted by one character, so that at every position the model learns to predict the next
/// character. `"Hello w"` gives input `"Hello "` and target `"ello w"`.
///
/// Works on Unicode characters (`char`s), not bytes, so accented French text is split
/// correctly. A text of fewer than two characters gives two empty strings (there is no pair
/// to learn from).
///
/// ```
/// use coursebook_calc::prelude::*;
/// assert_eq!(
///     shift_for_next_char("Hello w"),
///     ("Hello ".to_string(), "ello w".to_string())
/// );
/// assert_eq!(shift_for_next_char("été"), ("ét".to_string(), "té".to_string()));
/// ```
pub fn shift_for_next_char(text: &str) -> (String, String) {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 2 {
        return (String::new(), String::new());
    }
    let input = chars[..chars.len() - 1].iter().collect();
    let target = chars[1..].iter().collect();
    (input, target)
}

/// How a sequence model maps inputs to outputs, in Karpathy's classic taxonomy ("The
/// Unreasonable Effectiveness of Recurrent Neural Networks", 2015).
///
/// [`Display`](fmt::Display) gives the hyphenated English name, e.g. `"many-to-one"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mapping {
    /// One input, one output: no sequence at all (e.g. image classification).
    OneToOne,
    /// One input, a sequence out (e.g. image captioning, music generation from a seed).
    OneToMany,
    /// A sequence in, one output (e.g. the language of an audio clip, sentiment of a text).
    ManyToOne,
    /// A sequence in, a sequence out (e.g. next-character prediction at every position,
    /// translation).
    ManyToMany,
}

impl Mapping {
    /// The mapping of a model that reads `input_len` elements and produces `output_len`
    /// elements: "one" means exactly 1, "many" means more than 1.
    ///
    /// Only the counts matter: a language model trained to output a character at every
    /// position is many-to-many, even though generation only uses the last prediction (which
    /// is why the exam also accepts many-to-one for it).
    ///
    /// # Panics
    /// If a length is 0.
    ///
    /// ```
    /// use coursebook_calc::prelude::*;
    /// // Lab 1: a 200-frame spectrogram in, one language out.
    /// assert_eq!(Mapping::from_lengths(200, 1), Mapping::ManyToOne);
    /// assert_eq!(Mapping::from_lengths(200, 1).to_string(), "many-to-one");
    /// // Lab 2: "Hello " in, "ello w" out.
    /// let (x, y) = shift_for_next_char("Hello w");
    /// let m = Mapping::from_lengths(x.chars().count(), y.chars().count());
    /// assert_eq!(m.to_string(), "many-to-many");
    /// ```
    pub fn from_lengths(input_len: usize, output_len: usize) -> Self {
        assert!(
            input_len > 0 && output_len > 0,
            "Mapping::from_lengths: lengths must be at least 1 (got {input_len} -> {output_len})"
        );
        match (input_len == 1, output_len == 1) {
            (true, true) => Mapping::OneToOne,
            (true, false) => Mapping::OneToMany,
            (false, true) => Mapping::ManyToOne,
            (false, false) => Mapping::ManyToMany,
        }
    }
}

impl fmt::Display for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mapping::OneToOne => "one-to-one",
            Mapping::OneToMany => "one-to-many",
            Mapping::ManyToOne => "many-to-one",
            Mapping::ManyToMany => "many-to-many",
        })
    }
}

/// Shape of the sequence a recurrent layer (LSTM, GRU) reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceShape {
    /// Number of time steps (sequence elements).
    pub length: usize,
    /// Dimension of each element (the input embedding size).
    pub embedding: usize,
}

/// The sequence an LSTM reads from a spectrogram image of `width × height` pixels.
///
/// A spectrogram is a time–frequency image: the horizontal axis is time (one column per
/// frame) and the vertical axis is frequency (one row per Mel band). Reading it as a sequence
/// over time, each time step is one column: the sequence length is the **width** and each
/// element is a vector of **height** values (exam Q2: 200 and 100).
///
/// ```
/// use coursebook_calc::prelude::*;
/// let s = spectrogram_sequence(200, 100);
/// assert_eq!((s.length, s.embedding), (200, 100));
/// ```
pub fn spectrogram_sequence(width: usize, height: usize) -> SequenceShape {
    SequenceShape {
        length: width,
        embedding: height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_exam_example() {
        let (x, y) = shift_for_next_char("Hello w");
        assert_eq!(x, "Hello ");
        assert_eq!(y, "ello w");
        assert_eq!(x.len(), y.len());
        // Every target character is the next input character.
        let xs: Vec<char> = x.chars().collect();
        let ys: Vec<char> = y.chars().collect();
        assert_eq!(&xs[1..], &ys[..ys.len() - 1]);
    }

    #[test]
    fn shift_short_and_unicode() {
        assert_eq!(shift_for_next_char(""), (String::new(), String::new()));
        assert_eq!(shift_for_next_char("a"), (String::new(), String::new()));
        assert_eq!(shift_for_next_char("ab"), ("a".into(), "b".into()));
        assert_eq!(shift_for_next_char("çà va"), ("çà v".into(), "à va".into()));
    }

    #[test]
    fn mappings() {
        assert_eq!(Mapping::from_lengths(1, 1), Mapping::OneToOne);
        assert_eq!(Mapping::from_lengths(1, 20), Mapping::OneToMany);
        assert_eq!(Mapping::from_lengths(200, 1), Mapping::ManyToOne);
        assert_eq!(Mapping::from_lengths(6, 6), Mapping::ManyToMany);
        assert_eq!(Mapping::from_lengths(7, 5), Mapping::ManyToMany);
        let names: Vec<String> = [
            Mapping::OneToOne,
            Mapping::OneToMany,
            Mapping::ManyToOne,
            Mapping::ManyToMany,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            names,
            ["one-to-one", "one-to-many", "many-to-one", "many-to-many"]
        );
    }

    #[test]
    #[should_panic(expected = "at least 1")]
    fn zero_length_panics() {
        Mapping::from_lengths(0, 3);
    }

    #[test]
    fn spectrogram_width_is_time() {
        assert_eq!(
            spectrogram_sequence(200, 100),
            SequenceShape {
                length: 200,
                embedding: 100
            }
        );
    }
}
