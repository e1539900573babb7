//! Finding the formulas of a chapter, and the `$` that did not become one.
//!
//! The scan runs pulldown-cmark (mdBook's own copy, with mdBook's extensions plus
//! `ENABLE_MATH`) over the chapter, so math is found exactly where the Markdown renderer will
//! see it: never in code spans, code blocks or raw HTML, and with the block structure (tables,
//! lists, block quotes) the renderer will build. Offsets let the stage splice the rendered HTML
//! in place and leave every other byte alone.

use mdbook_markdown::pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// The longest formula (its TeX, in bytes) the stage sends to KaTeX. KaTeX's time grows with
/// the square of a formula's length (30 KB take seconds, 150 KB more than a minute), so a
/// longer one is refused at its place; a formula that long is better split anyway.
pub const MAX_FORMULA_BYTES: usize = 16 * 1024;

/// One formula of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// The bytes of the source to replace, delimiters included.
    pub range: Range<usize>,
    /// The TeX between the delimiters, without surrounding whitespace (KaTeX ignores it, and
    /// `$$ x $$` and `$$x$$` are then one formula to render).
    pub tex: String,
    /// `$$...$$` (display) rather than `$...$` (inline).
    pub display: bool,
}

/// A piece of text (not code, not HTML) that still holds a `$` after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Byte range of the text in the source.
    pub range: Range<usize>,
    /// Whether the text is in a table cell, where `|` splits math.
    pub in_table: bool,
}

/// What the scan of one chapter found.
#[derive(Debug, Default)]
pub struct Scan {
    /// The formulas, in source order.
    pub formulas: Vec<Formula>,
    /// Texts with a `$` that are not formulas, for the linter.
    pub leftovers: Vec<Leftover>,
}

/// The options of every stage ([`common::markdown`]), so that the block structure seen here
/// is the one the HTML renderer builds.
pub fn parser_options() -> Options {
    common::markdown::options()
}

/// Scans `source` for formulas and for text that still holds an unescaped `$`.
///
/// Math in an image's description is left alone: it becomes the image's `alt` attribute,
/// plain text where markup has no place, and `$x$` reads better there than anything else.
pub fn scan(source: &str) -> Scan {
    let mut scan = Scan::default();
    let mut in_code_block = 0usize;
    let mut in_table = 0usize;
    let mut in_image = 0usize;
    for (event, range) in Parser::new_ext(source, parser_options()).into_offset_iter() {
        match event {
            Event::InlineMath(_) | Event::DisplayMath(_) if in_image > 0 => {}
            Event::InlineMath(tex) => scan.formulas.push(Formula {
                range,
                tex: tex.trim().to_owned(),
                display: false,
            }),
            Event::DisplayMath(tex) => scan.formulas.push(Formula {
                range,
                tex: tex.trim().to_owned(),
                display: true,
            }),
            Event::Start(Tag::CodeBlock(_)) => in_code_block += 1,
            Event::End(TagEnd::CodeBlock) => in_code_block = in_code_block.saturating_sub(1),
            Event::Start(Tag::Table(_)) => in_table += 1,
            Event::End(TagEnd::Table) => in_table = in_table.saturating_sub(1),
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(_)
                if in_code_block == 0
                    && unescaped_dollars(source, range.clone()).next().is_some() =>
            {
                scan.leftovers.push(Leftover {
                    range,
                    in_table: in_table > 0,
                });
            }
            _ => {}
        }
    }
    scan
}

/// Byte offsets (in `source`) of each `$` of `range` not preceded by an odd run of
/// backslashes. The run is counted in the whole source: pulldown-cmark's text event for `\$5`
/// starts after the backslash.
pub fn unescaped_dollars(source: &str, range: Range<usize>) -> impl Iterator<Item = usize> + '_ {
    let start = range.start;
    let text = source.get(range).unwrap_or("");
    text.match_indices('$')
        .map(move |(i, _)| start + i)
        .filter(move |&at| {
            let backslashes = source[..at]
                .bytes()
                .rev()
                .take_while(|&b| b == b'\\')
                .count();
            backslashes % 2 == 0
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texs(source: &str) -> Vec<(String, bool)> {
        scan(source)
            .formulas
            .into_iter()
            .map(|f| (f.tex, f.display))
            .collect()
    }

    #[test]
    fn inline_and_display_math_with_source_ranges() {
        let src = "Let $x^2$ be.\n\n$$\n\\sum_i a_i\n$$\n";
        let s = scan(src);
        assert_eq!(s.formulas.len(), 2);
        assert_eq!(&src[s.formulas[0].range.clone()], "$x^2$");
        assert_eq!(s.formulas[0].tex, "x^2");
        assert!(s.formulas[1].display);
        assert_eq!(&src[s.formulas[1].range.clone()], "$$\n\\sum_i a_i\n$$");
        assert_eq!(s.formulas[1].tex, "\\sum_i a_i");
    }

    #[test]
    fn no_math_in_code_or_html() {
        let src = "`$a$` and\n\n```\n$b$\n```\n\n<div>$c$</div>\n\n<span title=\"$d$\">x</span>\n";
        assert_eq!(texs(src), vec![]);
        assert!(scan(src).leftovers.is_empty());
    }

    #[test]
    fn math_in_an_image_description_stays_as_written() {
        let src = "![a $y$ plot](p.png) and [link $z$](b.md)";
        assert_eq!(texs(src), vec![("z".to_owned(), false)]);
        assert!(scan(src).leftovers.is_empty());
    }

    #[test]
    fn escaped_dollar_is_not_math_nor_leftover() {
        let s = scan("costs \\$5 and \\$6\n");
        assert!(s.formulas.is_empty());
        assert!(s.leftovers.is_empty());
    }

    #[test]
    fn unbalanced_braces_leave_a_dollar_behind() {
        // pulldown-cmark does not close math inside an open brace: no formula, and the `$`
        // stays in the text for the lint to report.
        let s = scan("broken $\\frac{a}{b$ here\n");
        assert!(s.formulas.is_empty(), "{:?}", s.formulas);
        assert_eq!(s.leftovers.len(), 2, "{:?}", s.leftovers);
    }

    #[test]
    fn pipe_inside_math_in_a_table_cell_splits_the_cell() {
        // pulldown-cmark splits table rows at `|` before it looks for math, so `$|x|$` is
        // cut in three cells and its `$` are left as text: the lint reports them.
        // The extra cells are even dropped, `$y$` with them.
        let src = "| a | b |\n|---|---|\n| $|x|$ | $y$ |\n";
        let s = scan(src);
        assert_eq!(texs(src), vec![]);
        assert!(s.leftovers.iter().any(|l| l.in_table));
        // `\|` is the escape that keeps the cell whole; pulldown-cmark hands `|` to math.
        let src = "| a |\n|---|\n| $\\|x\\|$ |\n";
        assert_eq!(texs(src), vec![("|x|".to_owned(), false)]);
    }
}
