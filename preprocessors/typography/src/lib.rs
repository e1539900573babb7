//! The typography stage: French typography for French books, done by the tool so that authors
//! type plain spaces and the reader gets what a French publisher prints.
//!
//! - a narrow no-break space (U+202F) before `;`, `!` and `?`;
//! - a no-break space (U+00A0) before `:`, inside « », and between a number and its unit or `%`;
//! - curly apostrophes in `alt` and `title` attributes (mdBook's smart punctuation already
//!   curls those of the prose).
//!
//! It touches only prose ([`prose`]): code, math, HTML (but for `alt` and `title` values) and
//! directives stay byte for byte. It is on for a book whose `book.language` is French, unless
//! `[preprocessor.typography] enable = false`; it does nothing for other languages.

pub mod prose;
pub mod rules;

use common::{config, Diagnostics, Splicer};
use mdbook_markdown::pulldown_cmark::{Event, Parser};
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use rules::Counts;
use serde::Deserialize;

/// The `[preprocessor.typography]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Table {
    /// `enable = false` turns the stage off for a French book.
    pub enable: Option<bool>,
}

/// The mdBook preprocessor. See the crate documentation.
#[derive(Debug, Default, Clone)]
pub struct TypographyPreprocessor;

impl TypographyPreprocessor {
    /// The stage's name, and its book.toml table's.
    pub const NAME: &'static str = "typography";

    /// Whether the stage changes the book of `ctx`: a French book that did not turn it off.
    /// A table that cannot be read counts as on; [`Self::run`] reports it.
    pub fn enabled(config: &mdbook_preprocessor::config::Config) -> bool {
        let table = config::Table::new(config, "", Self::NAME).read::<Table>();
        common::page::is_french(config)
            && table.map_or(true, |read| read.options.enable != Some(false))
    }
}

impl Preprocessor for TypographyPreprocessor {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn run(
        &self,
        ctx: &PreprocessorContext,
        mut book: Book,
    ) -> mdbook_preprocessor::errors::Result<Book> {
        config::Table::of_book(&ctx.config, &ctx.root, Self::NAME)
            .read::<Table>()
            .map_err(|e| mdbook_preprocessor::errors::Error::new(Diagnostics::from(e)))?;
        if !Self::enabled(&ctx.config) {
            return Ok(book);
        }
        let mut total = Counts::default();
        let mut chapters = 0;
        book.for_each_chapter_mut(|chapter| {
            let (text, counts) = french(&chapter.content);
            if counts != Counts::default() {
                chapters += 1;
                chapter.content = text;
                total += counts;
            }
        });
        common::progress::step(
            "Typesetting",
            format_args!(
                "{} no-break spaces and {} apostrophes in {chapters} chapters",
                total.spaces, total.apostrophes
            ),
        );
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> mdbook_preprocessor::errors::Result<bool> {
        Ok(renderer == "html")
    }
}

/// Typesets the prose of a chapter and the `alt` and `title` attributes of its HTML.
///
/// ```
/// let (text, counts) = coursebook_typography::french("Pourquoi ? `a ? b` et $x : y$.");
/// assert_eq!(text, "Pourquoi\u{202F}? `a ? b` et $x : y$.");
/// assert_eq!(counts.spaces, 1);
/// ```
pub fn french(source: &str) -> (String, Counts) {
    let mut splicer = Splicer::new();
    let mut counts = Counts::default();
    for range in prose::ranges(source) {
        let before = source[..range.start].chars().next_back();
        let after = source[range.end..].chars().next();
        let (text, c) = rules::typeset(&source[range.clone()], before, after);
        if c != Counts::default() {
            splicer.replace(range, text);
            counts += c;
        }
    }
    for (event, range) in Parser::new_ext(source, prose::options()).into_offset_iter() {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            let (text, c) = attributes(&html);
            if c != Counts::default() && html.as_ref() == &source[range.clone()] {
                splicer.replace(range, text);
                counts += c;
            }
        }
    }
    let text = splicer.apply(source);
    // A no-break space is not whitespace to every rule of Markdown: should one change what
    // the parser sees as code or math, the chapter stays as written.
    if prose::verbatim(&text) != prose::verbatim(source) {
        let kept = Counts {
            kept: 1,
            ..Counts::default()
        };
        return (source.to_owned(), kept);
    }
    (text, counts)
}

/// Typesets the values of the `alt` and `title` attributes of a piece of HTML, the readable
/// text of images and figures, and curls their apostrophes (written `'` or `&#39;`).
fn attributes(html: &str) -> (String, Counts) {
    let mut out = String::with_capacity(html.len());
    let mut counts = Counts::default();
    let mut rest = html;
    while let Some((at, quote)) = next_attribute(rest) {
        let (head, value_and_more) = rest.split_at(at);
        out.push_str(head);
        let end = value_and_more.find(quote).unwrap_or(value_and_more.len());
        let value = value_and_more[..end].replace("&#39;", "'");
        let (mut text, c) = rules::typeset(&value, None, None);
        counts += c;
        if quote == '"' {
            text = text.replace('\'', "&#39;");
        }
        out.push_str(&text);
        rest = &value_and_more[end..];
    }
    out.push_str(rest);
    (out, counts)
}

/// The offset of the next `alt` or `title` value in `html`, after its opening quote.
fn next_attribute(html: &str) -> Option<(usize, char)> {
    let lower = html.to_ascii_lowercase();
    ["alt=\"", "title=\"", "alt='", "title='"]
        .iter()
        .filter_map(|p| {
            lower.match_indices(p).find_map(|(i, _)| {
                let boundary = i == 0 || lower.as_bytes()[i - 1].is_ascii_whitespace();
                boundary.then(|| (i + p.len(), p.chars().last().unwrap_or('"')))
            })
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::french;

    #[test]
    fn alt_and_title_values_are_typeset_and_the_rest_of_the_html_stays() {
        let source = "<img alt=\"l&#39;encodeur : 8\" src=\"a?b.png\" data-x=\"l'a : b\">\n";
        let (text, _) = french(source);
        assert_eq!(
            text,
            "<img alt=\"l’encodeur\u{A0}: 8\" src=\"a?b.png\" data-x=\"l'a : b\">\n"
        );
    }
}
