//! Where a directive stands in the Markdown, when that changes what may replace it.
//!
//! A directive is spliced in as inline HTML, which is right in a paragraph, a list item or a
//! table cell. Elsewhere it is not: in a heading, mdBook builds the heading's id from its text,
//! and wraps the heading in a link; in a link's text, a link inside would nest `<a>` in `<a>`;
//! in a formula, KaTeX would typeset the markup letter by letter. In a block quote or a list
//! item, every line of a replacement that spans lines must carry the container's prefix.

use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag};
use std::ops::Range;

/// The kind of Markdown around an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Running text: a paragraph, a list item, a table cell…
    Text,
    /// A heading's text.
    Heading,
    /// The text of a link or the description of an image.
    LinkText,
    /// Inside `$…$` or `$$…$$`.
    Math,
}

/// The headings, links and formulas of a source, found once to place many offsets.
#[derive(Debug, Default)]
pub struct Places {
    headings: Vec<Range<usize>>,
    links: Vec<Range<usize>>,
    math: Vec<Range<usize>>,
}

impl Places {
    /// Parses `source` with mdBook's Markdown extensions and math.
    pub fn of(source: &str) -> Places {
        let options = crate::markdown::options();
        let mut places = Places::default();
        let mut raw = RawElements::default();
        for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { .. }) => places.headings.push(range),
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => places.links.push(range),
                Event::InlineMath(_) | Event::DisplayMath(_) => places.math.push(range),
                Event::Html(html) | Event::InlineHtml(html) => {
                    raw.read(&html, range.start, &mut places)
                }
                _ => {}
            }
        }
        places
    }

    /// The place of byte `at`; the innermost kind wins (a formula in a link in a heading is
    /// math).
    pub fn at(&self, at: usize) -> Place {
        let within = |ranges: &[Range<usize>]| ranges.iter().any(|r| r.contains(&at));
        if within(&self.math) {
            Place::Math
        } else if within(&self.links) {
            Place::LinkText
        } else if within(&self.headings) {
            Place::Heading
        } else {
            Place::Text
        }
    }
}

/// Links and headings written as raw HTML (`<a href="…">…</a>`, `<h2>…</h2>`): where each
/// open tag stands until its closing tag is met, in a later HTML event or the same one.
#[derive(Default)]
struct RawElements {
    link: Option<usize>,
    heading: Option<usize>,
}

impl RawElements {
    /// Reads the tags of `html`, which starts at byte `at` of the source.
    fn read(&mut self, html: &str, at: usize, places: &mut Places) {
        let mut from = 0;
        while let Some(open) = html[from..].find('<') {
            let start = from + open;
            let end = html[start..]
                .find('>')
                .map_or(html.len(), |i| start + i + 1);
            let name: String = html[start + 1..end]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                .collect::<String>()
                .to_ascii_lowercase();
            let heading = |n: &str| matches!(n, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
            match name.as_str() {
                "a" => self.link = Some(at + start),
                "/a" => {
                    if let Some(open) = self.link.take() {
                        places.links.push(open..at + end);
                    }
                }
                n if heading(n) => self.heading = Some(at + start),
                n if n.starts_with('/') && heading(&n[1..]) => {
                    if let Some(open) = self.heading.take() {
                        places.headings.push(open..at + end);
                    }
                }
                _ => {}
            }
            from = end;
        }
    }
}

/// The prefix that continues, on a new line, the block quotes and list items that byte `at`
/// stands in: `> ` is kept, a list marker (`- `, `12. `) becomes as many spaces. Empty at the
/// top level. What precedes `at` on its line after the markers (text) is not part of it.
///
/// ```
/// use coursebook_common::place::container_prefix;
/// let src = "> - ```rust\n";
/// assert_eq!(container_prefix(src, 4), ">   ");
/// assert_eq!(container_prefix("Texte {{#figure f}}", 6), "");
/// assert_eq!(container_prefix("> Voir {{#figure f}}", 7), "> ");
/// assert_eq!(container_prefix("12. x", 4), "    ");
/// ```
pub fn container_prefix(source: &str, at: usize) -> String {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &source[line_start..at];
    let mut prefix = String::new();
    let mut rest = line;
    loop {
        if let Some(after) = rest.strip_prefix('>') {
            prefix.push('>');
            rest = after;
        } else if let Some(c) = rest.chars().next().filter(|c| *c == ' ' || *c == '\t') {
            prefix.push(c);
            rest = &rest[1..];
        } else if let Some(width) = list_marker(rest) {
            prefix.push_str(&" ".repeat(width));
            rest = &rest[width..];
        } else {
            return prefix;
        }
    }
}

/// The width of the list marker and its following space at the start of `text`: `- `, `* `,
/// `+ `, `1. `, `3) `.
fn list_marker(text: &str) -> Option<usize> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match digits {
        0 => text
            .bytes()
            .next()
            .filter(|b| b"-*+".contains(b))
            .map(|_| 1)?,
        1..=9 => text
            .as_bytes()
            .get(digits)
            .filter(|b| b".)".contains(b))
            .map(|_| digits + 1)?,
        _ => return None,
    };
    match text.as_bytes().get(marker) {
        Some(b' ' | b'\t') => Some(marker + 1),
        None => Some(marker),
        _ => None,
    }
}

/// `text` with every line after the first prefixed by `prefix`, to splice a replacement of
/// several lines into a container (blank lines get the prefix without its trailing spaces).
///
/// ```
/// use coursebook_common::place::continue_lines;
/// assert_eq!(continue_lines("a\n\nb", "> "), "a\n>\n> b");
/// ```
pub fn continue_lines(text: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(if line.is_empty() {
                prefix.trim_end()
            } else {
                prefix
            });
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_links_and_math_are_told_apart() {
        let src = "# Titre {{#a}}\n\nVoir [le {{#b}}](#x) et $n = {{#c}}$, puis {{#d}}.\n";
        let places = Places::of(src);
        let at = |needle: &str| places.at(src.find(needle).unwrap());
        assert_eq!(at("{{#a}}"), Place::Heading);
        assert_eq!(at("{{#b}}"), Place::LinkText);
        assert_eq!(at("{{#c}}"), Place::Math);
        assert_eq!(at("{{#d}}"), Place::Text);
    }

    #[test]
    fn links_and_headings_in_raw_html_are_known_too() {
        let src = "Voir <a href=\"#x\">le {{#b}}</a> et {{#d}}.\n\n<h2 id=\"t\">Titre {{#a}}</h2>\n\n<div><A HREF=\"#y\">{{#c}}</A></div>\n\n<abbr>x</abbr>\n";
        let places = Places::of(src);
        let at = |needle: &str| places.at(src.find(needle).unwrap());
        assert_eq!(at("{{#a}}"), Place::Heading);
        assert_eq!(at("{{#b}}"), Place::LinkText);
        assert_eq!(at("{{#c}}"), Place::LinkText);
        assert_eq!(at("{{#d}}"), Place::Text);
        assert_eq!(at("<abbr"), Place::Text);
    }

    #[test]
    fn a_list_marker_needs_its_space() {
        assert_eq!(container_prefix("-x", 2), "");
        assert_eq!(container_prefix("1.5 x", 4), "");
        assert_eq!(container_prefix("  > 1) ```", 7), "  >    ");
    }
}
