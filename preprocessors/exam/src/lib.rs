//! The `exam` stage: gives a book the structure of an exam and builds one of its two
//! editions from the one source.
//!
//! ```text
//! {{#question 3 points=1,5 title="…"}}   a question header (a heading with its points)
//! {{#answer}} … {{#/answer}}             an answer: shown in the corrigé, removed from the sujet
//! {{#note title="…"}} … {{#/note}}       an annotation on conventions: corrigé only
//! {{#rubric}} … {{#/rubric}}             the detailed barème of a question: corrigé only
//! {{#bareme}}                            the barème table, generated from the questions
//! {{#exam-header}}                       the exam's header, from book.toml's metadata
//! {{#corrige-only}}                      the chapter is left out of the sujet
//! {{#corrige-only}} … {{#/corrige-only}} content of the corrigé only (and `sujet-only`)
//! ```
//!
//! The whole book is checked first (numbering 1..N in reading order, points adding up to the
//! `total` of book.toml, well-formed blocks), and every problem is reported at once with its
//! file and line. The sujet edition then keeps no answer text in any chapter's content — not
//! even hidden — so none reaches its HTML, print page or search index; and a link of the sujet
//! to a page it does not have fails the build.

pub mod bareme;
pub mod config;
pub mod edition;
pub mod header;
pub mod links;
pub mod only;
pub mod rubric;
pub mod structure;
pub mod syntax;
pub mod words;

pub use config::Options;
pub use edition::Edition;

use common::page::collect;
use common::Diagnostics;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use structure::{PageExam, Question};

/// The exam preprocessor, registered under the name of its book.toml table (`exam`).
#[derive(Debug, Default, Clone)]
pub struct ExamPreprocessor;

impl ExamPreprocessor {
    /// The stage's name, and its book.toml table's.
    pub const NAME: &'static str = "exam";

    /// The stage, with its options read from each run's book.toml.
    pub fn new() -> Self {
        Self
    }
}

impl Preprocessor for ExamPreprocessor {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> Result<Book> {
        let options = Options::from_context(ctx, Self::NAME)
            .map_err(|e| mdbook_preprocessor::errors::Error::new(Diagnostics::from(e)))?;
        process(book, &options, ctx).map_err(mdbook_preprocessor::errors::Error::new)
    }
}

/// Checks the exam structure of `book` and rewrites it for `options.edition`.
///
/// Warnings are printed to stderr; errors are returned, all of them. `ctx` only serves to
/// name files as the author knows them (`src/partie1.md`).
pub fn process(
    mut book: Book,
    options: &Options,
    ctx: &PreprocessorContext,
) -> std::result::Result<Book, Diagnostics> {
    let words = options.words;
    let pages = collect(ctx, &book);
    let mut diagnostics = Diagnostics::new();
    let exams: Vec<PageExam> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| structure::parse_page(page, i, &mut diagnostics))
        .collect();
    structure::validate(
        &pages,
        &exams,
        options.total,
        words.decimal(),
        &mut diagnostics,
    );
    if options.edition == Edition::Corrige {
        structure::warn_unanswered(&pages, &exams, &mut diagnostics);
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }

    let questions: Vec<&Question> = exams.iter().flat_map(|e| &e.questions).collect();
    let mut contents: HashMap<PathBuf, String> = HashMap::new();
    let dropped: HashSet<PathBuf> = match options.edition {
        Edition::Sujet => pages
            .iter()
            .zip(&exams)
            .filter(|(_, exam)| exam.is_corrige_only())
            .map(|(page, _)| page.key.clone())
            .collect(),
        Edition::Corrige => HashSet::new(),
    };
    let parts = match options.edition {
        Edition::Corrige => rubric_parts(&exams),
        Edition::Sujet => HashMap::new(),
    };
    let header = header::render(&options.metadata, options.total, options.edition, words);
    for (page, exam) in pages.iter().zip(&exams) {
        if dropped.contains(&page.key) {
            continue;
        }
        if options.edition == Edition::Sujet {
            links::check_sujet(page, exam, &dropped, &mut diagnostics);
        }
        let table = if exam.baremes.is_empty() {
            String::new()
        } else {
            bareme::table(&questions, &pages, &page.key, &parts, words)
        };
        let generated = edition::Generated {
            bareme: &table,
            header: &header,
        };
        let content = edition::render(page, exam, options.edition, words, generated);
        contents.insert(page.key.clone(), content);
    }

    book.for_each_mut(|item| {
        if let BookItem::Chapter(ch) = item {
            if let Some(content) = ch.path.as_ref().and_then(|p| contents.remove(p)) {
                ch.content = content;
            }
        }
    });
    if !dropped.is_empty() {
        drop_chapters(&mut book.items, &dropped);
    }
    diagnostics.into_result()?;
    Ok(book)
}

/// The points of each question's rubric parts, for the corrigé's barème.
fn rubric_parts(exams: &[PageExam]) -> HashMap<u32, Vec<syntax::Points>> {
    let mut parts = HashMap::new();
    for block in exams.iter().flat_map(|e| &e.blocks) {
        if let (structure::Kind::Rubric { parts: items }, Some(q)) = (&block.kind, block.question) {
            parts.insert(q, items.iter().filter_map(|p| p.points).collect());
        }
    }
    parts
}

/// Removes the chapters in `dropped` with their sub-chapters (which would otherwise lose their
/// place in the outline), then the separators and part titles left with nothing to separate
/// or to title.
fn drop_chapters(items: &mut Vec<BookItem>, dropped: &HashSet<PathBuf>) {
    items.retain(|item| match item {
        BookItem::Chapter(ch) => !ch.path.as_ref().is_some_and(|p| dropped.contains(p)),
        _ => true,
    });
    for item in items.iter_mut() {
        if let BookItem::Chapter(ch) = item {
            drop_chapters(&mut ch.sub_items, dropped);
        }
    }
    // A part title followed by no chapter before the next part title (or the end) titles nothing.
    let mut keep = vec![true; items.len()];
    for (i, item) in items.iter().enumerate() {
        if matches!(item, BookItem::PartTitle(_)) {
            let has_chapter = items[i + 1..]
                .iter()
                .take_while(|next| !matches!(next, BookItem::PartTitle(_)))
                .any(|next| matches!(next, BookItem::Chapter(_)));
            keep[i] = has_chapter;
        }
    }
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
    // Separators: none first, none last, never two in a row.
    let mut cleaned: Vec<BookItem> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        let is_sep = matches!(item, BookItem::Separator);
        let after_sep_or_start = cleaned
            .last()
            .is_none_or(|last| matches!(last, BookItem::Separator));
        if is_sep && after_sep_or_start {
            continue;
        }
        cleaned.push(item);
    }
    while matches!(cleaned.last(), Some(BookItem::Separator)) {
        cleaned.pop();
    }
    *items = cleaned;
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
