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
//!    ([`cached`]), and the misses rendered in parallel ([`render`]);
//! 3. something is spliced at each formula's source range, leaving every other byte alone:
//!    KaTeX's markup made Markdown-safe ([`markup`]) by the inline stage
//!    ([`MathPreprocessor::new`]), or a small placeholder by the deferring stage
//!    ([`MathPreprocessor::deferred`]);
//! 4. after the HTML renderer, [`pages`] puts the deferred formulas in the pages and ships
//!    KaTeX's CSS and fonts ([`assets`]).
//!
//! An invalid formula fails the build with its file, line and KaTeX's message; with
//! `throw-on-error = false` it is shown in red and reported as a warning instead.

pub mod assets;
pub mod cached;
pub mod config;
pub mod find;
pub mod lint;
pub mod markup;
pub mod pages;
pub mod render;

pub use assets::write_assets;
pub use config::MathOptions;
pub use pages::{install_assets, Deferred};

use common::cache::{cache_root, Cache};
use common::{chapter_path, Diagnostic, Diagnostics, Splicer};
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use render::Job;
use std::collections::HashMap;

/// The cache namespace of this stage.
pub const CACHE_NAMESPACE: &str = "math";

/// The mdBook preprocessor. See the crate documentation.
#[derive(Debug, Clone)]
pub struct MathPreprocessor {
    name: String,
    /// Where a deferring stage keeps its formulas; `None` for the inline stage.
    deferred: Option<Deferred>,
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
    /// Distinct formulas rendered by KaTeX in this run.
    pub rendered: usize,
    /// Warnings printed on stderr (lint, lenient errors, options).
    pub warnings: Vec<Diagnostic>,
}

impl MathPreprocessor {
    /// A stage registered as `name`, reading its options from `[preprocessor.<name>]`.
    ///
    /// The inline stage: KaTeX's markup goes into the chapters, so the book needs nothing after
    /// mdBook's renderer but the stylesheet ([`install_assets`]). What the official `mdbook`
    /// CLI runs.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            deferred: None,
        }
    }

    /// The deferring stage: placeholders go into the chapters and the rendered formulas into
    /// `formulas`, whose [`Deferred::install`] must run after mdBook's HTML renderer. Faster
    /// (mdBook never parses KaTeX's markup) and a cleaner search index; see [`pages`].
    pub fn deferred(name: &str, formulas: &Deferred) -> Self {
        Self {
            name: name.to_owned(),
            deferred: Some(formulas.clone()),
        }
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
            chapters.push((path, scan.formulas));
        });

        // Dedupe across the book, then take what the cache has.
        let mut index: HashMap<(&str, bool), usize> = HashMap::new();
        let mut jobs: Vec<Job> = Vec::new();
        for (_, formulas) in &chapters {
            for f in formulas {
                index.entry((f.tex.as_str(), f.display)).or_insert_with(|| {
                    jobs.push(Job {
                        tex: f.tex.clone(),
                        display: f.display,
                    });
                    jobs.len() - 1
                });
            }
        }
        let base = cached::base_digest(&options);
        let keys: Vec<String> = jobs
            .iter()
            .map(|j| cached::key(&base, &j.tex, j.display))
            .collect();
        let store = cached::Store::open(&cache);
        let mut results: Vec<Option<Result<String, String>>> = keys
            .iter()
            .map(|k| store.get(k).map(|m| Ok(m.to_owned())))
            .collect();
        let misses: Vec<usize> = (0..jobs.len()).filter(|&i| results[i].is_none()).collect();
        let mut report = Report {
            warnings: Vec::new(),
            formulas: chapters.iter().map(|(_, f)| f.len()).sum(),
            distinct: jobs.len(),
            cache_hits: jobs.len() - misses.len(),
            rendered: misses.len(),
        };

        // Render the misses in parallel and store the successes.
        let miss_jobs: Vec<Job> = misses.iter().map(|&i| jobs[i].clone()).collect();
        let rendered = render::render_all(&miss_jobs, &options);
        let fresh: Vec<(&str, &str)> = misses
            .iter()
            .zip(&rendered)
            .filter_map(|(&i, r)| Some((keys[i].as_str(), r.as_ref().ok()?.as_str())))
            .collect();
        store.put_all(&fresh);
        for (&i, result) in misses.iter().zip(rendered) {
            results[i] = Some(result);
        }
        let results: Vec<Result<String, String>> = results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err("not rendered".to_owned())))
            .collect();

        // Pass 2: splice, in the same chapter order as pass 1.
        let hide_glyph_text = options.output == config::Output::HtmlAndMathml;
        let mut inline_markup: Vec<Option<String>> = vec![None; jobs.len()];
        let mut chapter_iter = chapters.iter();
        book.for_each_chapter_mut(|chapter| {
            let Some((path, formulas)) = chapter_iter.next() else {
                return;
            };
            if formulas.is_empty() {
                return;
            }
            let mut splicer = Splicer::new();
            for f in formulas {
                let Some(&i) = index.get(&(f.tex.as_str(), f.display)) else {
                    continue;
                };
                match &results[i] {
                    Ok(_) if self.deferred.is_some() => {
                        splicer.replace(f.range.clone(), markup::placeholder(&keys[i], &f.tex))
                    }
                    Ok(html) => {
                        let markup = inline_markup[i]
                            .get_or_insert_with(|| markup::for_markdown(html, hide_glyph_text));
                        if f.display && alone_in_paragraph(&chapter.content, &f.range) {
                            // One HTML block, the paragraph mdBook would have made around it:
                            // its HTML renderer tokenizes an HTML block once, inline HTML tag
                            // by tag.
                            splicer.replace(f.range.clone(), format!("<p>{markup}</p>"))
                        } else {
                            splicer.replace(f.range.clone(), markup.as_str())
                        }
                    }
                    Err(message) => {
                        let d = if options.throw_on_error {
                            Diagnostic::error("invalid formula")
                        } else {
                            splicer
                                .replace(f.range.clone(), error_markup(&f.tex, message, &options));
                            Diagnostic::warning("invalid formula, shown in red")
                        };
                        diagnostics.push(
                            d.at(path, &chapter.content, f.range.clone())
                                .note(format!("KaTeX: {message}")),
                        );
                    }
                }
            }
            chapter.content = splicer.apply(&chapter.content);
        });
        if let Some(deferred) = &self.deferred {
            deferred.insert_all(
                keys.into_iter()
                    .zip(results)
                    .filter_map(|(key, r)| Some((key, r.ok()?))),
            );
        }

        report.warnings = diagnostics.0.clone();
        diagnostics.into_result().map(|()| report)
    }

    /// The options of `[preprocessor.<name>]`, with its warnings pushed to `diagnostics`;
    /// `None` when they are unusable (the error is in `diagnostics`).
    fn options(
        &self,
        ctx: &PreprocessorContext,
        diagnostics: &mut Diagnostics,
    ) -> Option<MathOptions> {
        let key = format!("preprocessor.{}", self.name);
        let table = match ctx
            .config
            .get::<serde_json::Map<String, serde_json::Value>>(&key)
        {
            Ok(table) => table,
            Err(err) => {
                diagnostics.push(
                    Diagnostic::error(format!("`[{key}]` is not a table of options: {err:#}"))
                        .in_file("book.toml"),
                );
                return None;
            }
        };
        match MathOptions::from_table(&self.name, table.as_ref(), &ctx.root) {
            Ok((options, warnings)) => {
                for w in warnings {
                    diagnostics.push(w);
                }
                Some(options)
            }
            Err(config::ConfigError(d)) => {
                diagnostics.push(*d);
                None
            }
        }
    }
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

impl Preprocessor for MathPreprocessor {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(
        &self,
        ctx: &PreprocessorContext,
        mut book: Book,
    ) -> mdbook_preprocessor::errors::Result<Book> {
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
