//! The `exam` stage (placeholder until the exam structure lands): passes the book through.

use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The exam preprocessor, registered under the name of its book.toml table (`exam`).
#[derive(Debug, Default, Clone)]
pub struct ExamPreprocessor;

impl ExamPreprocessor {
    pub const NAME: &'static str = "exam";

    pub fn new() -> Self {
        Self
    }
}

impl Preprocessor for ExamPreprocessor {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn run(&self, _ctx: &PreprocessorContext, book: Book) -> Result<Book> {
        Ok(book)
    }
}
