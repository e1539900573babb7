//! What the sujet must not show even outside answers: the traces the `compute` stage left.
//!
//! - a checked value (`<span class="cb-check">`) keeps only its written text: its proof
//!   tooltip holds computed values and links to the computation;
//! - a computation (the `cb-block-anchor` and the code block after it) is removed: the code
//!   that produced an answer is the answer;
//! - a shown value (`<span class="cb-value">`) keeps its text, which is the question's data,
//!   but loses the tooltip naming what computed it;
//! - a verification table is removed (it lists every answer).
//!
//! Text inside code spans and code blocks is left alone: it is an example for the reader.

use common::directive::code_ranges;
use common::Splicer;
use std::ops::Range;

/// What [`scrub`] did, so that the caller can warn about a verification table outside a
/// `{{#corrige-only}}` chapter.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scrubbed {
    pub content: String,
    pub verification_tables: usize,
}

/// Removes from one sujet page what would reveal an answer.
pub fn scrub(source: &str) -> Scrubbed {
    let code = code_ranges(source);
    let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
    let mut splicer = Splicer::new();
    let mut tables = 0;
    for start in find_all(source, "<span class=\"cb-check\"").filter(|&s| !in_code(s)) {
        if let Some(end) = element_end(source, start, "span") {
            let written = written_text(&source[start..end]).unwrap_or_default();
            splicer.replace(start..end, written);
        }
    }
    for start in find_all(source, "<span class=\"cb-value\"").filter(|&s| !in_code(s)) {
        if let Some(tag_end) = source[start..].find('>') {
            splicer.replace(start..start + tag_end + 1, "<span class=\"cb-value\">");
        }
    }
    for start in find_all(source, "<a id=\"cb-block-").filter(|&s| !in_code(s)) {
        let Some(anchor_end) = source[start..].find("</a>").map(|i| start + i + 4) else {
            continue;
        };
        // The code block that follows the anchor, after blank space only.
        let block = code
            .iter()
            .find(|r| r.start >= anchor_end && source[anchor_end..r.start].trim().is_empty());
        let end = block.map_or(anchor_end, |r| r.end);
        splicer.replace(start..end, "");
    }
    for start in find_all(source, "<table class=\"cb-verification\"").filter(|&s| !in_code(s)) {
        if let Some(end) = element_end(source, start, "table") {
            splicer.replace(start..end, "");
            tables += 1;
        }
    }
    Scrubbed {
        content: splicer.apply(source),
        verification_tables: tables,
    }
}

fn find_all<'a>(source: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    source.match_indices(needle).map(|(i, _)| i)
}

/// The end (after the closing tag) of the `tag` element that opens at `start`, counting
/// nested elements of the same name; `None` if it is never closed.
fn element_end(source: &str, start: usize, tag: &str) -> Option<usize> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut depth = 0usize;
    let mut at = start;
    loop {
        let next_open = source[at..].find(&open).map(|i| at + i);
        let next_close = source[at..].find(&close).map(|i| at + i)?;
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                at = o + open.len();
            }
            _ => {
                depth = depth.checked_sub(1)?;
                at = next_close + close.len();
                if depth == 0 {
                    return Some(at);
                }
            }
        }
    }
}

/// The inner HTML of the `cb-written` span of a check (already escaped by the compute stage).
fn written_text(check: &str) -> Option<String> {
    let marker = "<span class=\"cb-written\">";
    let start = check.find(marker)? + marker.len();
    let range: Range<usize> = start..start + check[start..].find("</span>")?;
    Some(check[range].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: &str = "<span class=\"cb-check\" id=\"cb-check-0\" tabindex=\"0\"><span class=\"cb-written\">200</span><span class=\"cb-mark\" aria-hidden=\"true\">✓</span><span class=\"cb-proof\" role=\"note\">vérifié : <code>len</code> = 200 (arrondi) · <a href=\"#cb-block-0\">voir le calcul</a></span></span>";

    #[test]
    fn checks_keep_their_written_text_only() {
        let out = scrub(&format!(
            "Une largeur de {CHECK} trames, `<span class=\"cb-check\">` en code."
        ));
        assert_eq!(
            out.content,
            "Une largeur de 200 trames, `<span class=\"cb-check\">` en code."
        );
    }

    #[test]
    fn computations_and_verification_tables_are_removed() {
        let src = "Avant.\n\n<a id=\"cb-block-0\" class=\"cb-block-anchor\"></a>\n\n```rust,noplayground\nlet secret = 82;\n```\n\nAprès.\n\n<table class=\"cb-verification\">\n<tr><td>82</td></tr>\n</table>\n";
        let out = scrub(src);
        assert!(
            !out.content.contains("secret")
                && !out.content.contains("cb-block")
                && !out.content.contains("82"),
            "{}",
            out.content
        );
        assert!(out.content.contains("Avant.") && out.content.contains("Après."));
        assert_eq!(out.verification_tables, 1);
    }

    #[test]
    fn values_keep_their_text_but_not_their_origin() {
        let out =
            scrub("Largeur <span class=\"cb-value\" title=\"calculé : shape[0]\">200</span>.");
        assert_eq!(out.content, "Largeur <span class=\"cb-value\">200</span>.");
    }

    #[test]
    fn an_unclosed_span_is_left_alone_rather_than_eating_the_page() {
        let src = "<span class=\"cb-check\"><span class=\"cb-written\">1</span> reste";
        assert_eq!(scrub(src).content, src);
    }
}
