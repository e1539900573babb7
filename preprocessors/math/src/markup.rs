//! Turning KaTeX's HTML into markup that survives Markdown and keeps the search index readable.
//!
//! The rendered formula is spliced into Markdown, which mdBook parses again. So:
//!
//! - the whole formula is made one line (newlines in tags become spaces, in text `&#10;`),
//!   otherwise a table row or a list item would be cut in two;
//! - `|` becomes `&#124;` everywhere, since GFM splits table rows at `|` before anything else;
//! - in text, Markdown punctuation (`\ * _ [ ] $ ...`) becomes numeric character references, so
//!   that the TeX annotation `a_1 * b_2` does not turn into emphasis, and smart punctuation does
//!   not turn `--` into a dash.
//!
//! Search: mdBook's index (mdbook-html `search.rs`) takes every text node of a chapter except
//! those in `<script>` and `<style>`. KaTeX's `htmlAndMathml` output holds each formula three
//! times: MathML for screen readers, its TeX annotation, and the glyph spans drawn on screen.
//! The glyphs are the soup (`∑ i = 0 n`, one letter per span), and they are `aria-hidden`.
//! When MathML is present, each glyph text of the visual part is moved into a `data-c` attribute
//! of an empty `<cb-g>` element that `coursebook-math.css` draws with `content: attr(data-c)`:
//! what the reader sees is unchanged, what the index gets is the MathML words (which split TeX
//! names like `softmax` into searchable words) and the TeX source once. A custom element is used
//! rather than a `span`, so KaTeX's child selectors (`.vlist>span>span`) never match it.

/// Class-free element that draws one glyph from its `data-c` attribute (see the module doc).
pub const GLYPH_TAG: &str = "cb-g";

/// Makes KaTeX's `html` safe to splice into Markdown; `hide_glyph_text` moves the text of the
/// `katex-html` part into attributes (only sensible when MathML carries the text).
pub fn for_markdown(html: &str, hide_glyph_text: bool) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    let mut depth = 0usize;
    // Depth at which the `katex-html` element was opened, while inside it.
    let mut glyphs_from: Option<usize> = None;
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            rest = &rest[end..];
            push_tag(&mut out, tag);
            let closing = tag.starts_with("</");
            let self_closing = tag.ends_with("/>") || is_void(tag_name(tag));
            if closing {
                depth = depth.saturating_sub(1);
                if glyphs_from.is_some_and(|d| depth < d) {
                    glyphs_from = None;
                }
            } else if !self_closing {
                depth += 1;
                if hide_glyph_text && glyphs_from.is_none() && tag.contains("class=\"katex-html\"")
                {
                    glyphs_from = Some(depth);
                }
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            rest = &rest[end..];
            if glyphs_from.is_some() {
                out.push('<');
                out.push_str(GLYPH_TAG);
                out.push_str(" data-c=\"");
                push_attr_text(&mut out, text);
                out.push_str("\"></");
                out.push_str(GLYPH_TAG);
                out.push('>');
            } else {
                push_text(&mut out, text);
            }
        }
    }
    out
}

fn tag_name(tag: &str) -> &str {
    let name = tag.trim_start_matches('<').trim_start_matches('/');
    let end = name
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(name.len());
    &name[..end]
}

fn is_void(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "wbr"
    )
}

/// A tag is copied as is, except what would break a Markdown line or a table row.
fn push_tag(out: &mut String, tag: &str) {
    for c in tag.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' => out.push_str("&#124;"),
            _ => out.push(c),
        }
    }
}

/// Text keeps KaTeX's entities (`&amp;`, `&lt;`) and gets Markdown's punctuation escaped.
fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' => out.push_str("&#10;"),
            '\r' => {}
            '\\' | '*' | '_' | '`' | '[' | ']' | '~' | '$' | '|' | '{' | '}' | '!' | '^' | '-'
            | '.' | '<' | '>' => {
                out.push_str("&#");
                out.push_str(&u32::from(c).to_string());
                out.push(';');
            }
            _ => out.push(c),
        }
    }
}

/// Glyph text into a double-quoted attribute: KaTeX already escaped `&`, `<`, `>` and `"`.
fn push_attr_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' => out.push_str("&#124;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_no_pipes_and_escaped_markdown_in_text() {
        let html = "<span class=\"katex\"><span class=\"katex-mathml\"><math><semantics><mrow><mi>a</mi></mrow><annotation encoding=\"application/x-tex\">a_1 * |b|\n--</annotation></semantics></math></span></span>";
        let out = for_markdown(html, true);
        assert!(!out.contains('\n') && !out.contains('|'), "{out}");
        assert!(
            out.contains("a&#95;1 &#42; &#124;b&#124;&#10;&#45;&#45;"),
            "{out}"
        );
        assert!(
            out.contains("<annotation encoding=\"application/x-tex\">"),
            "{out}"
        );
    }

    #[test]
    fn glyph_text_moves_to_attributes_but_mathml_text_stays() {
        let html = "<span class=\"katex\"><span class=\"katex-mathml\"><math><mi>x</mi></math></span><span class=\"katex-html\" aria-hidden=\"true\"><span class=\"base\"><span class=\"mord mathnormal\">x</span>&amp;</span></span></span> after";
        let out = for_markdown(html, true);
        assert!(out.contains("<mi>x</mi>"), "{out}");
        assert!(
            out.contains("<span class=\"mord mathnormal\"><cb-g data-c=\"x\"></cb-g></span><cb-g data-c=\"&amp;\"></cb-g>"),
            "{out}"
        );
        assert!(out.ends_with("</span></span> after"), "{out}");
        let kept = for_markdown(html, false);
        assert!(kept.contains("mathnormal\">x</span>"), "{kept}");
    }

    #[test]
    fn self_closing_svg_paths_do_not_unbalance_depth() {
        let html = "<span class=\"katex-html\"><svg><path d='M0 0'/></svg>y</span>z";
        let out = for_markdown(html, true);
        assert!(out.contains("<cb-g data-c=\"y\"></cb-g></span>z"), "{out}");
    }
}
