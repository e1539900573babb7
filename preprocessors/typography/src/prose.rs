//! Where the prose of a chapter is: the source ranges a reader sees as running text.
//!
//! The chapter is parsed as mdBook parses it (with math on, so that `$…$` is not prose), and
//! the ranges of its text events are kept, merged where they touch. Left out: code spans and
//! blocks, math, HTML, the text inside inline `<code>`, `<pre>`, `<kbd>`, `<math>`, `<svg>`,
//! `<script>` and `<style>` elements, and directives (`{{#…}}`) that no stage consumed.

use mdbook_markdown::pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Elements whose text is not prose.
const VERBATIM: &[&str] = &[
    "code", "pre", "kbd", "samp", "math", "svg", "script", "style", "textarea", "cb-math",
];

/// The options every stage parses with ([`common::markdown`]): mdBook's, and math.
pub fn options() -> Options {
    common::markdown::options()
}

/// The prose ranges of `source`, sorted and disjoint.
pub fn ranges(source: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut verbatim: Vec<String> = Vec::new();
    let mut code_block = 0usize;
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_block += 1,
            Event::End(TagEnd::CodeBlock) => code_block = code_block.saturating_sub(1),
            Event::InlineHtml(tag) => track(&tag, &mut verbatim),
            Event::Text(_) if code_block == 0 && verbatim.is_empty() => match ranges.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => ranges.push(range),
            },
            _ => {}
        }
    }
    ranges
        .into_iter()
        .flat_map(|r| without_directives(source, r))
        .collect()
}

/// The code and math of `source` in order, as the parser sees them: what typesetting must
/// never change.
pub fn verbatim(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut code_block = false;
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_block = true,
            Event::End(TagEnd::CodeBlock) => code_block = false,
            Event::Text(t) if code_block => out.push(t.into_string()),
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push(t.into_string())
            }
            _ => {}
        }
    }
    out
}

/// Keeps `open` up to date with the verbatim elements that `tag` opens or closes.
fn track(tag: &str, open: &mut Vec<String>) {
    let inner = tag.trim().trim_start_matches('<');
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if !VERBATIM.contains(&name.as_str()) || tag.trim_end().ends_with("/>") {
        return;
    }
    if closing {
        if let Some(at) = open.iter().rposition(|n| *n == name) {
            open.truncate(at);
        }
    } else {
        open.push(name);
    }
}

/// `range` without the directives (`{{#…}}`) it holds.
fn without_directives(source: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = range.start;
    while let Some(at) = source[from..range.end].find("{{") {
        let start = from + at;
        let end = source[start..range.end]
            .find("}}")
            .map_or(range.end, |e| start + e + 2);
        if start > from {
            out.push(from..start);
        }
        from = end;
    }
    if from < range.end {
        out.push(from..range.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ranges;

    fn prose(source: &str) -> Vec<&str> {
        ranges(source).into_iter().map(|r| &source[r]).collect()
    }

    #[test]
    fn code_math_html_and_directives_are_not_prose() {
        let source = "Texte `a ? b` et $x : y$ puis <code>c ; d</code> fin ?\n\n```\nx ? y\n```\n\n<div>z ? w</div>\n\nUn {{#value q}} ici ?\n";
        let found = prose(source);
        assert!(found.iter().all(|p| !p.contains("a ? b")), "{found:?}");
        assert!(found.iter().all(|p| !p.contains("x : y")), "{found:?}");
        assert!(found.iter().all(|p| !p.contains("c ; d")), "{found:?}");
        assert!(found.iter().all(|p| !p.contains("x ? y")), "{found:?}");
        assert!(found.iter().all(|p| !p.contains("z ? w")), "{found:?}");
        assert!(found.iter().all(|p| !p.contains("{{")), "{found:?}");
        assert!(found.contains(&" fin ?"), "{found:?}");
        assert!(found.contains(&" ici ?"), "{found:?}");
    }
}
