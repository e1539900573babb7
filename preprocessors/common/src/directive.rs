//! Finding `{{#name arguments}}` directives in a chapter's Markdown source.
//!
//! Directives are found on the source text, not on parser events: pulldown-cmark splits text
//! events at `[`, `<` and punctuation, so a directive such as `{{#check s[0] = 0.46}}` may span
//! several events. The parser is used only to know where code spans, code blocks and HTML
//! comments stand: a directive inside code is an example for the reader, and one inside a
//! comment is commented out; both are left alone.
//!
//! ```
//! use coursebook_common::directive::scan;
//! let src = "Total : {{#check total = 82}}, pas `{{#check x = 1}}`.";
//! let found = scan(src, &["check"]);
//! assert_eq!(found.directives.len(), 1);
//! assert_eq!(found.directives[0].args, "total = 82");
//! ```

use mdbook_markdown::pulldown_cmark::{Event, Tag};
use std::ops::Range;

/// One directive found in a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'a> {
    /// The name after `{{#`: `check`, `question`, `/answer`.
    pub name: &'a str,
    /// Everything between the name and `}}`, trimmed.
    pub args: &'a str,
    /// The byte range of the whole directive, braces included.
    pub range: Range<usize>,
}

/// What [`scan`] found.
#[derive(Debug, Default)]
pub struct Scan<'a> {
    /// The complete directives, in source order.
    pub directives: Vec<Directive<'a>>,
    /// Ranges of wanted directives that open with `{{#name` but do not close with `}}` on the
    /// same line: reported by the caller rather than silently shown as text.
    pub unterminated: Vec<Range<usize>>,
}

/// The names of a stage's directive table (`[("check", Name::Check), …]`), for [`scan`]: a
/// stage spells each name once, in its table, and matches on its own enum after [`named`].
///
/// ```
/// use coursebook_common::directive::{named, names};
/// const TABLE: [(&str, u8); 2] = [("question", 1), ("/answer", 2)];
/// const NAMES: [&str; 2] = names(&TABLE);
/// assert_eq!(NAMES, ["question", "/answer"]);
/// assert_eq!(named(&TABLE, "/answer"), Some(2));
/// assert_eq!(named(&TABLE, "answer"), None);
/// ```
pub const fn names<T: Copy, const N: usize>(table: &[(&'static str, T); N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = table[i].0;
        i += 1;
    }
    out
}

/// The entry of `table` that `name` names.
pub fn named<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Finds the directives named in `wanted` (a closing directive is named with its slash,
/// `"/answer"`), outside inline code, code blocks and HTML comments, in source order.
pub fn scan<'a>(source: &'a str, wanted: &[&str]) -> Scan<'a> {
    let mut code = code_ranges(source);
    code.extend(comment_ranges(source));
    code.sort_by_key(|r| (r.start, r.end));
    let mut found = Scan::default();
    let mut from = 0;
    while let Some(pos) = source[from..].find("{{#") {
        let start = from + pos;
        from = start + 3;
        if inside(&code, start) {
            continue;
        }
        let rest = &source[start + 3..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/')))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        if !wanted.contains(&name) {
            continue;
        }
        let line_end = rest.find('\n').unwrap_or(rest.len());
        match rest[..line_end].find("}}") {
            Some(close) if close >= name_len => {
                let end = start + 3 + close + 2;
                found.directives.push(Directive {
                    name,
                    args: rest[name_len..close].trim(),
                    range: start..end,
                });
                from = end;
            }
            _ => found.unterminated.push(start..start + 3 + line_end),
        }
    }
    found
}

/// Byte ranges of code spans and code blocks (fenced or indented), sorted.
pub fn code_ranges(source: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in crate::markdown::parser(source).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// Byte ranges of the HTML comments (`<!-- … -->`) that the renderer sees as comments: in
/// HTML blocks and inline HTML, not in code. One left open runs to the end of its HTML.
pub fn comment_ranges(source: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in crate::markdown::parser(source).into_offset_iter() {
        if !matches!(event, Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_)) {
            continue;
        }
        let html = &source[range.clone()];
        let mut from = 0;
        while let Some(open) = html[from..].find("<!--") {
            let start = from + open;
            let end = html[start + 4..]
                .find("-->")
                .map_or(html.len(), |close| start + 4 + close + 3);
            ranges.push(range.start + start..range.start + end);
            from = end;
        }
    }
    ranges
}

/// Whether `at` lies in one of `ranges`, sorted and disjoint (code and comments never overlap).
fn inside(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= at);
    ranges.get(i).is_some_and(|r| r.contains(&at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_code_blocks_and_spans_but_not_tables() {
        let src = "```\n{{#check a = 1}}\n```\n\n| x | {{#check b = 2}} |\n|---|---|\n\n    {{#check c = 3}}\n";
        let names: Vec<_> = scan(src, &["check"])
            .directives
            .iter()
            .map(|d| d.args)
            .collect();
        assert_eq!(names, ["b = 2"]);
    }

    #[test]
    fn brackets_and_commas_stay_inside_one_directive() {
        let src = "Scores : {{#check scores = [0,46; 0,17; 0,37]}} fin";
        let d = &scan(src, &["check"]).directives[0];
        assert_eq!(d.args, "scores = [0,46; 0,17; 0,37]");
        assert_eq!(
            &src[d.range.clone()],
            "{{#check scores = [0,46; 0,17; 0,37]}}"
        );
    }

    #[test]
    fn unwanted_names_are_left_for_other_stages() {
        let src = "{{#include a.md}} {{#answer}} x {{#/answer}}";
        let found = scan(src, &["answer", "/answer"]);
        let names: Vec<_> = found.directives.iter().map(|d| d.name).collect();
        assert_eq!(names, ["answer", "/answer"]);
    }

    #[test]
    fn an_unclosed_directive_is_reported() {
        let found = scan("a {{#check x = 1\n}}", &["check"]);
        assert!(found.directives.is_empty());
        assert_eq!(found.unterminated, vec![(2..16)]);
    }

    #[test]
    fn directives_in_html_comments_are_commented_out() {
        let src = "<!-- {{#check a = 1}} -->\n\nTexte <!-- {{#check b = 2}}\n{{#check g = 7}} --> et {{#check c = 3}}.\n\n<!--\n{{#check d = 4}}\n-->\n\n<div>\n<!-- {{#check e = 5}} -->\n</div>\n\n`<!--` {{#check f = 6}} `-->`\n";
        let names: Vec<_> = scan(src, &["check"])
            .directives
            .iter()
            .map(|d| d.args)
            .collect();
        assert_eq!(names, ["c = 3", "f = 6"]);
    }

    #[test]
    fn a_name_that_only_starts_like_a_wanted_one_is_ignored() {
        assert!(scan("{{#checkpoint x}}", &["check"]).directives.is_empty());
    }
}
