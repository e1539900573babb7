//! Reader-facing words, in the book's language: French when `book.language` starts with `fr`,
//! English otherwise. Each stage adds its own vocabulary on top of [`Words::pick`].

use mdbook_preprocessor::config::Config;

/// The language of the words a stage writes into the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Words {
    /// Whether the book is French (`book.language` starts with `fr`).
    pub french: bool,
}

impl Words {
    /// The words of the book `config` describes.
    pub fn of_config(config: &Config) -> Words {
        Words {
            french: crate::page::is_french(config),
        }
    }

    /// `en` or `fr`, by the book's language.
    pub fn pick(self, en: &'static str, fr: &'static str) -> &'static str {
        if self.french {
            fr
        } else {
            en
        }
    }

    /// The decimal separator of numbers written for the reader.
    pub fn decimal(self) -> char {
        if self.french {
            ','
        } else {
            '.'
        }
    }
}
