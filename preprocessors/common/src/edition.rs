//! Which book is built from the one source: the corrigé or the sujet.
//!
//! The exam stage gives a book its two editions, and the compute stage renders its markup for
//! the edition at hand (the sujet shows a checked answer as written, with no proof and no
//! computation): both read the edition here, from the one key the front end sets.

use mdbook_preprocessor::config::Config;

/// The book.toml key that names the edition being built (`[preprocessor.exam] edition`).
pub const EDITION_KEY: &str = "preprocessor.exam.edition";

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

    /// The edition `config` asks for ([`EDITION_KEY`]), the corrigé when it names none; a
    /// value that is no edition is an error naming the key, rather than a silent corrigé.
    pub fn of_config(config: &Config) -> Result<Edition, String> {
        match config.get::<String>(EDITION_KEY) {
            Ok(None) => Ok(Edition::default()),
            Ok(Some(name)) => Edition::parse(&name).ok_or_else(|| {
                format!("book.toml: `{EDITION_KEY}` is \"corrige\" or \"sujet\", not {name:?}")
            }),
            Err(e) => Err(format!("book.toml: `{EDITION_KEY}`: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(toml: &str) -> Result<Edition, String> {
        Edition::of_config(&toml.parse().expect("valid TOML"))
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
            err.contains("`preprocessor.exam.edition`") && err.contains("\"prof\""),
            "{err}"
        );
        let err = edition("[preprocessor.exam]\nedition = 1\n").unwrap_err();
        assert!(err.contains("`preprocessor.exam.edition`"), "{err}");
    }
}
