//! The book's words for the things its figures name, so that a figure, its alt text and the
//! prose say the same thing (the glossary of the book, `src/annexes/glossaire.md`, lists them
//! with the variants it rules out). They follow the exam's own words: « token », « modèle de
//! langage », « un LSTM » (masculine, as « un réseau »), and French apostrophes (’).

/// One element of a sequence, as the exam calls it (not « jeton »).
pub const TOKEN: &str = "token";
/// [`TOKEN`] in the plural.
pub const TOKENS: &str = "tokens";
/// A model that predicts the next element of a text (not « modèle de langue »).
pub const LANGUAGE_MODEL: &str = "modèle de langage";
/// The recurrent network, with its masculine article (not « une LSTM »).
pub const AN_LSTM: &str = "un LSTM";
/// MixMatch's chain of steps, in French (not the English « Pipeline »).
pub const MIXMATCH_STEPS: &str = "les étapes de MixMatch";

/// `text` with its first letter capitalised, for a term that opens a sentence.
///
/// ```
/// assert_eq!(coursebook_calc::terms::capitalised("modèle de langage"), "Modèle de langage");
/// ```
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
