//! The `compute` stage: runs the Rust computations embedded in a book and checks every answer
//! written in its prose against them.
//!
//! An author writes computations in fenced blocks marked ```` ```rust,compute ````; the blocks
//! of a chapter run in order and share their scope, like a notebook, and publish named values
//! with `publish!`. In the prose, `{{#check name = written}}` shows the written answer and
//! checks it; `{{#value name}}` shows a computed value (so that a question's data are written
//! once); `{{#verification}}` becomes a table of every check of the book.
//!
//! A wrong answer, an unknown name, a block that does not compile, panics or runs too long
//! stops the build with a diagnostic naming the Markdown file and line.

pub mod blocks;
pub mod claim;
pub mod compare;
pub mod config;
pub mod coverage;
pub mod engine;
pub mod fix;
pub mod format;
pub mod includes;
pub mod library;
pub mod program;
pub mod render;
pub mod report;
pub mod runner;
pub mod scope;
pub mod svg;
pub mod toolchain;
pub mod written;

mod chapter;

pub use chapter::DIRECTIVES;
pub use report::{CheckRecord, Report, SharedReport};

use common::cache::{cache_root, Cache};
use common::housekeeping::namespace;
use common::Diagnostics;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::collections::HashMap;
use std::path::PathBuf;

/// The preprocessor. Register it under the name of its book.toml table (`compute`).
#[derive(Debug, Default, Clone)]
pub struct ComputePreprocessor {
    report: SharedReport,
}

impl ComputePreprocessor {
    /// The stage's name, and its book.toml table's.
    pub const NAME: &'static str = "compute";

    /// A preprocessor whose report nobody reads (the official mdbook CLI's case).
    pub fn new() -> Self {
        Self::default()
    }

    /// A preprocessor that records what it verified into `report`, which the caller keeps.
    pub fn with_report(report: SharedReport) -> Self {
        Self { report }
    }
}

impl Preprocessor for ComputePreprocessor {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let options = config::Options::from_context(ctx, Self::NAME)
            .map_err(|e| mdbook_preprocessor::errors::Error::new(Diagnostics::from(e)))?;
        let cache = Cache::new(&cache_root(&ctx.root), namespace::COMPUTE);
        let pages = chapter::collect(ctx, &book);
        let mut report = Report::default();
        let rewritten = chapter::process(&pages, &options, &cache, &mut report);
        // The report is kept even when checks fail: `check --json` reports the failures too.
        if let Ok(mut shared) = self.report.lock() {
            *shared = report;
        }
        let mut by_path: HashMap<PathBuf, String> = rewritten?.into_iter().collect();
        book.for_each_mut(|item| {
            if let BookItem::Chapter(ch) = item {
                if let Some(content) = ch.path.as_ref().and_then(|p| by_path.remove(p)) {
                    ch.content = content;
                }
            }
        });
        Ok(book)
    }
}

/// Turns collected diagnostics into the stage's result: warnings printed, errors returned.
fn finish(diagnostics: Diagnostics) -> Result<()> {
    diagnostics
        .into_result()
        .map_err(mdbook_preprocessor::errors::Error::new)
}
