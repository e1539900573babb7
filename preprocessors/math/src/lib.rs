//! The math stage: every `$...$` and `$$...$$` of a book rendered to HTML at build time with
//! KaTeX 0.16.4, so the published book shows its math with no JavaScript and no network.
//!
//! A drop-in for mdbook-katex 0.10: register it under the name of the book.toml table it
//! replaces (`katex` for mdbook-katex books, `math` for ours) and it reads that table's options
//! (see [`config`]). The pipeline of one build:
//!
//! 1. [`find`] scans each chapter with pulldown-cmark's math events and [`lint`] warns about
//!    `$` signs that look like broken math or like money;
//! 2. formulas are deduplicated across the whole book, looked up in the content-addressed cache
//!    ([`cached`]), and the misses rendered in parallel ([`render`]): by the deferring stage,
//!    when they are many, in the background while mdBook writes the pages ([`deferred`]);
//! 3. something is spliced at each formula's source range, leaving every other byte alone:
//!    KaTeX's markup made Markdown-safe ([`markup`]) by the inline stage
//!    ([`MathPreprocessor::new`]), or a small placeholder by the deferring stage
//!    ([`MathPreprocessor::deferred`]);
//! 4. after the HTML renderer, [`Deferred::finish`] reports the formulas KaTeX refused and
//!    [`Deferred::install`] puts the others in the pages ([`pages`]) and ships KaTeX's CSS and
//!    fonts ([`assets`]).
//!
//! An invalid formula fails the build with its file, line and KaTeX's message; with
//! `throw-on-error = false` it is shown in red and reported as a warning instead. The drop-in
//! (`[preprocessor.katex]`) does what mdbook-katex books rely on: a warning and the TeX in red,
//! whatever `throw-on-error` says. [`Strictness`] lets `coursebook check` and
//! `--deny-warnings` make those errors again.

pub mod assets;
pub mod cached;
pub mod config;
pub mod deferred;
pub mod find;
pub mod lint;
pub mod markup;
pub mod pages;
pub mod render;

pub use assets::write_assets;
pub use config::MathOptions;
pub use deferred::Deferred;

use common::cache::{cache_root, Cache};
use common::{chapter_path, Diagnostic, Diagnostics, Splicer};
use deferred::{Occurrence, Pending};
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use render::Job;
use std::collections::HashMap;
use std::sync::Arc;

/// The name of this stage's own book.toml table.
pub const NATIVE_NAME: &str = "math";

/// The name under which it stands in for mdbook-katex (`[preprocessor.katex]`).
pub const DROP_IN_NAME: &str = "katex";

/// The cache namespace of this stage.
pub const CACHE_NAMESPACE: &str = "math";

/// The mdBook preprocessor. See the crate documentation.
#[derive(Debug, Clone)]
pub struct MathPreprocessor {
    name: String,
    /// Where a deferring stage keeps its formulas; `None` for the inline stage.
    deferred: Option<Deferred>,
    strictness: Strictness,
}

/// What a run makes of a formula KaTeX refuses and of the lints' warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Strictness {
    /// As book.toml says. Under `[preprocessor.math]`, `throw-on-error` (on by default) makes a
    /// refused formula an error. Under `[preprocessor.katex]`, a refused formula is a warning
    /// and its TeX is shown in `error-color`, as mdbook-katex does: books written for it build.
    #[default]
    Configured,
    /// A refused formula is an error, whatever the table says (`coursebook check`).
    Refusals,
    /// A refused formula and every warning of the stage are errors (`--deny-warnings`).
    Warnings,
}

/// What one run did, for tests and for the curious.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Formulas found in the book.
    pub formulas: usize,
    /// Distinct (TeX, mode) pairs among them.
    pub distinct: usize,
    /// Distinct formulas taken from the cache.
    pub cache_hits: usize,
    /// Distinct formulas rendered by KaTeX in this run (or being rendered, in the background).
    pub rendered: usize,
    /// Warnings printed on stderr (lint, lenient errors, options). A formula refused in the
    /// background is reported later, by [`Deferred::finish`].
    pub warnings: Vec<Diagnostic>,
}

impl MathPreprocessor {
    /// A stage registered as `name`, reading its options from `[preprocessor.<name>]`.
    ///
    /// The inline stage: KaTeX's markup goes into the chapters, so the book needs nothing after
    /// mdBook's renderer: the stage writes the self-contained stylesheet that book.toml's
    /// `additional-css` links. What the official `mdbook` CLI runs.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            deferred: None,
            strictness: Strictness::Configured,
        }
    }

    /// The deferring stage: placeholders go into the chapters and the rendered formulas into
    /// `formulas`. After mdBook's HTML renderer, [`Deferred::finish`] reports the formulas
    /// KaTeX refused (a cold build renders in the background, so a run can succeed before they
    /// are known) and [`Deferred::install`] fills the pages. Faster (mdBook never parses
    /// KaTeX's markup, and renders the pages while KaTeX works) and a cleaner search index; see
    /// [`pages`] and [`deferred`].
    pub fn deferred(name: &str, formulas: &Deferred) -> Self {
        Self {
            name: name.to_owned(),
            deferred: Some(formulas.clone()),
            strictness: Strictness::Configured,
        }
    }

    /// The same stage, treating refused formulas and warnings as `strictness` says.
    pub fn with_strictness(mut self, strictness: Strictness) -> Self {
        self.strictness = strictness;
        self
    }

    /// Renders the math of `book` in place. Warnings are printed on stderr; errors are
    /// returned, all of them, with their locations.
    pub fn process(
        &self,
        ctx: &PreprocessorContext,
        book: &mut Book,
    ) -> Result<Report, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let options = match self.options(ctx, &mut diagnostics) {
            Some(options) => options,
            None => return Err(diagnostics),
        };
        let cache = Cache::new(&cache_root(&ctx.root), CACHE_NAMESPACE);

        // Pass 1: find every formula, chapter by chapter, in the book's order.
        let mut chapters: Vec<(String, Vec<find::Formula>)> = Vec::new();
        book.for_each_chapter_mut(|chapter| {
            let path = chapter_path(ctx, chapter);
            let scan = find::scan(&chapter.content);
            for warning in lint::lint(&path, &chapter.content, &scan.formulas, &scan.leftovers) {
                diagnostics.push(warning);
            }
            let (formulas, too_long): (Vec<_>, Vec<_>) = scan
                .formulas
                .into_iter()
                .partition(|f| f.tex.len() <= find::MAX_FORMULA_BYTES);
            for f in too_long {
                diagnostics.push(too_long_error(&path, &chapter.content, &f));
            }
            chapters.push((path, formulas));
        });

        // Dedupe across the book, take what the cache has, render the rest.
        let (index, jobs) = distinct(&chapters);
        let base = cached::base_digest(&options);
        let keys: Vec<String> = jobs
            .iter()
            .map(|j| cached::key(&base, &j.tex, j.display))
            .collect();
        let (outcomes, pending) = self.outcomes(&jobs, &keys, &options, &cache);
        let misses = outcomes
            .iter()
            .filter(|o| !matches!(o, Outcome::Cached(_)))
            .count();
        let mut report = Report {
            warnings: Vec::new(),
            formulas: chapters.iter().map(|(_, f)| f.len()).sum(),
            distinct: jobs.len(),
            cache_hits: jobs.len() - misses,
            rendered: misses,
        };

        // Pass 2: splice, in the same chapter order as pass 1.
        let mut splice = Splice {
            deferring: self.deferred.is_some(),
            options: &options,
            keys: &keys,
            outcomes: &outcomes,
            inline_markup: vec![None; jobs.len()],
            pending,
            diagnostics: &mut diagnostics,
        };
        let mut chapter_iter = chapters.iter();
        book.for_each_chapter_mut(|chapter| {
            if let Some((path, formulas)) = chapter_iter.next() {
                let ids = formulas.iter().map(|f| index[&(f.tex.as_str(), f.display)]);
                splice.chapter(path, &mut chapter.content, formulas, ids);
            }
        });
        let pending = splice.pending;
        if let Some(deferred) = &self.deferred {
            deferred.count(deferred::Counts {
                formulas: report.formulas,
                distinct: report.distinct,
                cache_hits: report.cache_hits,
            });
            deferred.insert_all(
                keys.into_iter()
                    .zip(outcomes)
                    .filter_map(|(key, o)| match o {
                        Outcome::Cached(html) | Outcome::Rendered(Ok(html)) => Some((key, html)),
                        _ => None,
                    }),
            );
            if let Some(pending) = pending {
                deferred.push_pending(pending);
            }
        }

        if self.strictness == Strictness::Warnings {
            for d in &mut diagnostics.0 {
                d.severity = common::diagnostic::Severity::Error;
            }
        }
        report.warnings = diagnostics.0.clone();
        diagnostics.into_result().map(|()| report)
    }

    /// What becomes of each job: taken from the cache, or rendered. The misses are rendered in
    /// the background (the [`Pending`] returned) when the stage defers and they are many, since
    /// mdBook can then write the pages meanwhile; else here and now.
    fn outcomes(
        &self,
        jobs: &[Job],
        keys: &[String],
        options: &MathOptions,
        cache: &Cache,
    ) -> (Vec<Outcome>, Option<Pending>) {
        let store = cached::Store::open(cache);
        // A miss is marked `Later(0)` until it is rendered or handed to the background.
        let mut outcomes: Vec<Outcome> = keys
            .iter()
            .map(|k| match store.get(k) {
                Some(html) => Outcome::Cached(html.to_owned()),
                None => Outcome::Later(0),
            })
            .collect();
        let misses: Vec<usize> = (0..jobs.len())
            .filter(|&i| matches!(outcomes[i], Outcome::Later(_)))
            .collect();
        if !misses.is_empty() {
            common::progress::step(
                "Rendering",
                format_args!(
                    "{} formulas with KaTeX ({} from the cache)",
                    misses.len(),
                    jobs.len() - misses.len()
                ),
            );
        }
        let miss_jobs: Arc<Vec<Job>> = Arc::new(misses.iter().map(|&i| jobs[i].clone()).collect());
        let miss_keys: Arc<Vec<String>> =
            Arc::new(misses.iter().map(|&i| keys[i].clone()).collect());
        let store = Arc::new(store);
        if self.deferred.is_some() && misses.len() >= render::MIN_FORMULAS_PER_THREAD {
            let spawned = Pending::spawn(&miss_jobs, &miss_keys, options, &store);
            if let Some(pending) = spawned {
                for (n, &i) in misses.iter().enumerate() {
                    outcomes[i] = Outcome::Later(n);
                }
                return (outcomes, Some(pending));
            }
        }
        // Here and now (also when no thread could be started).
        let rendered = render::render_all(&miss_jobs, options);
        store.put_all(&cached::successes(&miss_keys, &rendered));
        for (&i, result) in misses.iter().zip(rendered) {
            outcomes[i] = Outcome::Rendered(result);
        }
        (outcomes, None)
    }

    /// The options of `[preprocessor.<name>]`, with its warnings pushed to `diagnostics`;
    /// `None` when they are unusable (the error is in `diagnostics`).
    fn options(
        &self,
        ctx: &PreprocessorContext,
        diagnostics: &mut Diagnostics,
    ) -> Option<MathOptions> {
        let table = common::config::Table::of_book(&ctx.config, &ctx.root, &self.name);
        match MathOptions::from_table(&table, &ctx.root) {
            Ok((mut options, warnings)) => {
                for w in warnings {
                    diagnostics.push(w);
                }
                options.throw_on_error = match self.strictness {
                    Strictness::Configured => options.throw_on_error && self.name != DROP_IN_NAME,
                    Strictness::Refusals | Strictness::Warnings => true,
                };
                Some(options)
            }
            Err(config::ConfigError(d)) => {
                diagnostics.push(*d);
                None
            }
        }
    }
}

/// Where a distinct formula stands during a run.
enum Outcome {
    /// KaTeX's HTML, from the cache.
    Cached(String),
    /// Rendered in this run: KaTeX's HTML, or its message.
    Rendered(Result<String, String>),
    /// Being rendered in the background, as job `n` of the pending render.
    Later(usize),
}

/// The distinct `(TeX, mode)` pairs of the book, in order of first appearance, and the index
/// of each pair among them.
fn distinct(chapters: &[(String, Vec<find::Formula>)]) -> (HashMap<(&str, bool), usize>, Vec<Job>) {
    let mut index: HashMap<(&str, bool), usize> = HashMap::new();
    let mut jobs: Vec<Job> = Vec::new();
    for f in chapters.iter().flat_map(|(_, formulas)| formulas) {
        index.entry((f.tex.as_str(), f.display)).or_insert_with(|| {
            jobs.push(Job {
                tex: f.tex.clone(),
                display: f.display,
            });
            jobs.len() - 1
        });
    }
    (index, jobs)
}

/// Pass 2 of a run: what goes in place of each formula.
struct Splice<'a> {
    /// Placeholders (the deferring stage) rather than KaTeX's markup (the inline stage).
    deferring: bool,
    options: &'a MathOptions,
    keys: &'a [String],
    outcomes: &'a [Outcome],
    /// The Markdown-safe markup of each job, made once (inline stage).
    inline_markup: Vec<Option<String>>,
    /// The render running in the background, told where its formulas are.
    pending: Option<Pending>,
    diagnostics: &'a mut Diagnostics,
}

impl Splice<'_> {
    /// Replaces each of `formulas` (whose jobs are `ids`) in `content`, the chapter at `path`.
    fn chapter(
        &mut self,
        path: &str,
        content: &mut String,
        formulas: &[find::Formula],
        ids: impl Iterator<Item = usize>,
    ) {
        if formulas.is_empty() {
            return;
        }
        // The chapter as it was, for the pending render to report a refused formula.
        let mut original: Option<(Arc<str>, Arc<str>)> = None;
        let mut splicer = Splicer::new();
        for (f, i) in formulas.iter().zip(ids) {
            let range = f.range.clone();
            match &self.outcomes[i] {
                Outcome::Later(job) => {
                    if let Some(pending) = self.pending.as_mut() {
                        let (path, content) = original
                            .get_or_insert_with(|| (Arc::from(path), Arc::from(content.as_str())));
                        pending.occurs(Occurrence {
                            job: *job,
                            path: Arc::clone(path),
                            content: Arc::clone(content),
                            range: range.clone(),
                        });
                    }
                    splicer.replace(range, markup::placeholder(&self.keys[i], &f.tex))
                }
                Outcome::Cached(_) | Outcome::Rendered(Ok(_)) if self.deferring => {
                    splicer.replace(range, markup::placeholder(&self.keys[i], &f.tex))
                }
                Outcome::Cached(html) | Outcome::Rendered(Ok(html)) => {
                    let hide_glyph_text = self.options.output == config::Output::HtmlAndMathml;
                    let markup = self.inline_markup[i]
                        .get_or_insert_with(|| markup::for_markdown(html, hide_glyph_text));
                    if f.display && alone_in_paragraph(content, &range) {
                        // One HTML block, the paragraph mdBook would have made around it: its
                        // HTML renderer tokenizes an HTML block once, inline HTML tag by tag.
                        splicer.replace(range, format!("<p>{markup}</p>"))
                    } else {
                        splicer.replace(range, markup.as_str())
                    }
                }
                Outcome::Rendered(Err(message)) => {
                    let (d, markup) =
                        refused(path, content, range.clone(), &f.tex, message, self.options);
                    self.diagnostics.push(d);
                    if let Some(markup) = markup {
                        splicer.replace(range, markup);
                    }
                }
            }
        }
        *content = splicer.apply(content);
    }
}

/// The error for a formula above [`find::MAX_FORMULA_BYTES`], which KaTeX never sees.
fn too_long_error(path: &str, content: &str, formula: &find::Formula) -> Diagnostic {
    Diagnostic::error(format!(
        "this formula is {} KB long, above the limit of {} KB",
        formula.tex.len().div_ceil(1024),
        find::MAX_FORMULA_BYTES / 1024
    ))
    .at(path, content, formula.range.clone())
    .note("KaTeX's time grows with the square of a formula's length")
    .note("help: split it into several formulas")
}

/// What a formula KaTeX refused becomes: an error at its location, or in lenient mode
/// (`throw-on-error = false`) a warning and the markup that shows its TeX in red.
pub(crate) fn refused(
    path: &str,
    content: &str,
    range: std::ops::Range<usize>,
    tex: &str,
    message: &str,
    options: &MathOptions,
) -> (Diagnostic, Option<String>) {
    let (d, markup) = if options.throw_on_error {
        (Diagnostic::error("invalid formula"), None)
    } else {
        (
            Diagnostic::warning("invalid formula, shown in red"),
            Some(error_markup(tex, message, options)),
        )
    };
    (
        d.at(path, content, range).note(format!("KaTeX: {message}")),
        markup,
    )
}

/// Whether the formula at `range` is a paragraph on its own: it starts a line at column 0
/// after a blank line (or the chapter's start), and ends a line followed by a blank line (or
/// the chapter's end). Then `<p>markup</p>` on that line is an HTML block (CommonMark type 6)
/// that ends where the paragraph did, and yields the same tree as the paragraph. Anything
/// else (indented, in a list, a quote or a table, text around it) stays inline.
fn alone_in_paragraph(source: &str, range: &std::ops::Range<usize>) -> bool {
    let before = &source[..range.start];
    if !(before.is_empty() || before.ends_with('\n')) {
        return false;
    }
    let previous = before.strip_suffix('\n').unwrap_or(before);
    let previous_line = &previous[previous.rfind('\n').map_or(0, |i| i + 1)..];
    if !before.is_empty() && !previous_line.trim().is_empty() {
        return false;
    }
    let after = &source[range.end..];
    let (rest_of_line, next) = after.split_once('\n').unwrap_or((after, ""));
    rest_of_line.trim().is_empty() && next.split('\n').next().unwrap_or("").trim().is_empty()
}

/// What a refused formula becomes in lenient mode: its TeX in the error colour, KaTeX's
/// message as a tooltip (as KaTeX itself does with `throwOnError: false`).
fn error_markup(tex: &str, message: &str, options: &MathOptions) -> String {
    let title = common::html::escape(message)
        .replace('|', "&#124;")
        .replace('\n', " ");
    let tex = markup::for_markdown(&common::html::escape(tex), false);
    format!(
        "<span class=\"katex-error\" title=\"{title}\" style=\"color:{}\">{tex}</span>",
        options.error_color
    )
}

/// For the inline stage (the official CLI): writes the self-contained stylesheet where
/// `output.html.additional-css` names it, before mdBook's renderer copies it; warns when the
/// book links no KaTeX stylesheet at all.
fn provide_standalone_css(ctx: &PreprocessorContext) -> mdbook_preprocessor::errors::Result<()> {
    let entries = ctx
        .config
        .get::<Vec<String>>("output.html.additional-css")
        .ok()
        .flatten()
        .unwrap_or_default();
    let written = assets::write_standalone_css(&ctx.root, &entries).map_err(|e| {
        mdbook_preprocessor::errors::Error::msg(format!(
            "cannot write the KaTeX stylesheet ({}): {e}",
            assets::STANDALONE_CSS
        ))
    })?;
    if written == 0 {
        eprintln!(
            "warning: book.toml links no KaTeX stylesheet: add \"theme/{}\" to `additional-css` under [output.html] (the math stage writes it)",
            assets::STANDALONE_CSS
        );
    }
    Ok(())
}

impl Preprocessor for MathPreprocessor {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(
        &self,
        ctx: &PreprocessorContext,
        mut book: Book,
    ) -> mdbook_preprocessor::errors::Result<Book> {
        if self.deferred.is_none() {
            provide_standalone_css(ctx)?;
        }
        self.process(ctx, &mut book)?;
        Ok(book)
    }

    /// Only HTML shows KaTeX's markup; other renderers get the TeX as written.
    fn supports_renderer(&self, renderer: &str) -> mdbook_preprocessor::errors::Result<bool> {
        Ok(renderer == "html")
    }
}

#[cfg(test)]
mod tests {
    use super::alone_in_paragraph;

    fn alone(source: &str) -> bool {
        let start = source.find("$$").unwrap();
        let end = source.rfind("$$").unwrap() + 2;
        alone_in_paragraph(source, &(start..end))
    }

    #[test]
    fn only_a_formula_that_is_its_own_paragraph_becomes_a_block() {
        assert!(alone("$$x$$"));
        assert!(alone("Text.\n\n$$\nx\n$$\n\nMore."));
        assert!(alone("Text.\r\n\r\n$$x$$  \r\n"));
        assert!(!alone("Text\n$$x$$\n\nMore."), "continues a paragraph");
        assert!(!alone("Text.\n\n$$x$$\nlazy line"), "a paragraph goes on");
        assert!(!alone("Text.\n\n$$x$$ and text"));
        assert!(!alone("- item\n\n  $$x$$\n"), "indented, in a list");
        assert!(!alone("> $$x$$\n"));
    }
}
