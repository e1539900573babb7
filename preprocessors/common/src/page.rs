//! Chapters as the stages see them, and where their pages land in the output.

use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::PreprocessorContext;
use std::path::{Path, PathBuf};

/// A chapter with a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// `chapter.path`: identifies the chapter and gives its HTML page.
    pub key: PathBuf,
    /// The Markdown file as diagnostics name it (`src/partie1.md`).
    pub file: String,
    pub content: String,
}

/// The book's chapters with a file, in reading order (draft chapters have no content).
pub fn collect(ctx: &PreprocessorContext, book: &Book) -> Vec<Page> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => ch.path.as_ref().map(|key| Page {
                key: key.clone(),
                file: crate::chapter_path(ctx, ch),
                content: ch.content.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The page a chapter renders to, relative to the book's output root (mdBook renders
/// `README.md` as `index.html`).
///
/// ```
/// use std::path::Path;
/// assert_eq!(coursebook_common::page::page_of(Path::new("a/q7.md")), "a/q7.html");
/// assert_eq!(coursebook_common::page::page_of(Path::new("README.md")), "index.html");
/// ```
pub fn page_of(key: &Path) -> String {
    let page = if key
        .file_name()
        .is_some_and(|f| f.eq_ignore_ascii_case("README.md"))
    {
        key.with_file_name("index.html")
    } else {
        key.with_extension("html")
    };
    page.to_string_lossy().replace('\\', "/")
}

/// `../` as many times as `key` is deep, to link from its page to any other.
pub fn to_root(key: &Path) -> String {
    "../".repeat(key.components().count().saturating_sub(1))
}

/// Whether reader-facing words are French: `book.language` starts with `fr`.
pub fn is_french(config: &Config) -> bool {
    config
        .book
        .language
        .as_deref()
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("fr"))
}
