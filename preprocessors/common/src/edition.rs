//! Which book is built from the one source: the corrigé or the sujet.
//!
//! The exam stage gives a book its two editions, and the compute stage renders its markup for
//! the edition at hand (the sujet shows a checked answer as written, with no proof and no
//! computation): both read the edition here, from the one key the front end sets.

use crate::config;
use serde::Deserialize;

/// Which book is being built from the one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    /// The correction: questions, answers, notes, verification marks.
    #[default]
    Corrige,
    /// The exam paper: questions, points and barème only.
    Sujet,
}

impl Edition {
    /// Every edition, in the order a book builds them.
    pub const ALL: [Edition; 2] = [Edition::Corrige, Edition::Sujet];

    /// The edition a book.toml names (`corrige`, also written `corrigé`, or `sujet`).
    pub fn parse(text: &str) -> Option<Edition> {
        match text {
            "corrige" | "corrigé" => Some(Edition::Corrige),
            "sujet" => Some(Edition::Sujet),
            _ => None,
        }
    }

    /// Its name in book.toml, and the folder it is built into.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Corrige => "corrige",
            Edition::Sujet => "sujet",
        }
    }

    /// The edition the `[preprocessor.exam]` table asks for (`edition`, which the front end
    /// sets for each edition it builds), the corrigé when it names none; a value that is no
    /// edition is an error at its book.toml line, rather than a silent corrigé.
    pub fn of_table(exam: &config::Table<'_>) -> Result<Edition, config::Error> {
        #[derive(Default, Deserialize)]
        #[serde(default)]
        struct Key {
            edition: Option<String>,
        }
        match exam.read::<Key>()?.options.edition {
            None => Ok(Edition::default()),
            Some(name) => Edition::parse(&name).ok_or_else(|| {
                exam.error_at(
                    Some("edition"),
                    format!("`edition` is \"corrige\" or \"sujet\", not {name:?}"),
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(toml: &str) -> Result<Edition, String> {
        let config: mdbook_preprocessor::config::Config = toml.parse().expect("valid TOML");
        Edition::of_table(&config::Table::new(&config, toml, "exam")).map_err(|e| e.to_string())
    }

    #[test]
    fn the_edition_is_read_from_the_exam_table() {
        assert_eq!(edition("[book]\n"), Ok(Edition::Corrige));
        assert_eq!(
            edition("[preprocessor.exam]\nedition = \"sujet\"\n"),
            Ok(Edition::Sujet)
        );
        assert_eq!(
            edition("[preprocessor.exam]\nedition = \"corrigé\"\n"),
            Ok(Edition::Corrige)
        );
        let err = edition("[preprocessor.exam]\nedition = \"prof\"\n").unwrap_err();
        assert!(
            err.contains("`edition` is") && err.contains("\"prof\""),
            "{err}"
        );
        assert!(err.contains("book.toml:2:1"), "{err}");
        let err = edition("[preprocessor.exam]\nedition = 1\n").unwrap_err();
        assert!(err.contains("`edition` in [preprocessor.exam]"), "{err}");
    }
}
