//! What the coursebook preprocessors share.
//!
//! - [`directive`]: finds `{{#name ...}}` directives in a chapter's source, outside code;
//! - [`splice`]: replaces byte ranges of a source and leaves every other byte alone;
//! - [`diagnostic`]: rustc-style errors that name the Markdown file, line and column;
//! - [`config`]: a stage's book.toml table read into a typed struct, errors at their line;
//! - [`cache`]: a content-addressed cache kept outside the book's `src/`;
//! - [`html`]: escaping of text that goes into a page;
//! - [`edition`]: which book is built from the one source, the corrigé or the sujet;
//! - [`words`]: reader-facing words in the book's language.

pub mod args;
pub mod cache;
pub mod config;
pub mod diagnostic;
pub mod directive;
pub mod edition;
pub mod emit;
pub mod housekeeping;
pub mod html;
pub mod markdown;
pub mod page;
pub mod place;
pub mod progress;
pub mod splice;
pub mod words;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use directive::Directive;
pub use edition::Edition;
pub use splice::Splicer;

use mdbook_preprocessor::book::Chapter;
use mdbook_preprocessor::PreprocessorContext;

/// The path of a chapter's Markdown file as a user types it: relative to the book root
/// (`src/partie2.md`), so that a diagnostic can be pasted into an editor.
pub fn chapter_path(ctx: &PreprocessorContext, chapter: &Chapter) -> String {
    let src = &ctx.config.book.src;
    match &chapter.source_path {
        Some(path) => src.join(path).display().to_string(),
        None => format!("{} (draft chapter '{}')", src.display(), chapter.name),
    }
}
