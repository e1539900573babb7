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
//! that `coursebook-math.css` draws with `content: attr(data-c)` (a `::before`): what the reader
//! sees is unchanged, what the index gets is the MathML words (which split TeX names like
//! `softmax` into searchable words) and the TeX source once. Almost every glyph text is the only
//! child of a KaTeX `<span>`, which then carries the attribute itself (no new element: mdBook's
//! HTML renderer parses every tag of every page twice, chapter and print page, so the markup's
//! size is the warm build's cost). A span whose `::before`/`::after` KaTeX draws itself
//! (`.stretchy`, `.eqn-num`) never carries one. A text that has siblings goes into an empty
//! `<cb-g>` element instead: a custom element rather than a `span`, so KaTeX's child selectors
//! (`.vlist>span>span`) never match it.

use crate::pages::{PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN};

/// The opening of KaTeX's `<math>` tag up to its namespace attribute, which HTML implies.
const MATHML_XMLNS: &str = "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"";

/// Class-free element that draws one glyph from its `data-c` attribute (see the module doc).
pub const GLYPH_TAG: &str = "cb-g";

/// What the deferring stage splices for a formula (see [`crate::pages`]): a placeholder
/// holding the formula's cache key and the words of its TeX ([`search_words`]), which is what
/// mdBook's search index gets of the formula.
pub fn placeholder(key: &str, tex: &str) -> String {
    let words = search_words(tex);
    let mut out = String::with_capacity(
        PLACEHOLDER_OPEN.len() + key.len() + words.len() + PLACEHOLDER_CLOSE.len() + 2,
    );
    out.push_str(PLACEHOLDER_OPEN);
    out.push_str(key);
    out.push_str("\">");
    out.push_str(&words);
    out.push_str(PLACEHOLDER_CLOSE);
    out
}

/// The words of a formula's TeX, as mdBook's search splits text (at whitespace and `-`):
/// command names without their backslash, identifiers, numbers (`0.5` whole). Braces,
/// operators and other punctuation become spaces, so `\operatorname{softmax}(z)_i` gives
/// `operatorname softmax z i` and a search for `softmax` finds the formula. Only letters,
/// digits and spaces remain, so the result is safe in Markdown and in HTML as it is.
pub fn search_words(tex: &str) -> String {
    let mut out = String::with_capacity(tex.len());
    let mut chars = tex.chars().peekable();
    let mut previous = ' ';
    while let Some(c) = chars.next() {
        let next_is_digit = chars.peek().is_some_and(char::is_ascii_digit);
        let keep = c.is_alphanumeric() || (c == '.' && previous.is_ascii_digit() && next_is_digit);
        let c = if keep { c } else { ' ' };
        if c != ' ' || !out.is_empty() && !out.ends_with(' ') {
            out.push(c);
        }
        previous = c;
    }
    out.truncate(out.trim_end().len());
    out
}

/// Makes KaTeX's `html` safe to splice into Markdown; `hide_glyph_text` moves the text of the
/// `katex-html` part into attributes (only sensible when MathML carries the text).
pub fn for_markdown(html: &str, hide_glyph_text: bool) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    let mut depth = 0usize;
    // Depth at which the `katex-html` element was opened, while inside it.
    let mut glyphs_from: Option<usize> = None;
    // Where the `>` of the opening `<span>` just written is, while nothing followed it.
    let mut open_span_end: Option<usize> = None;
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            rest = &rest[end..];
            // In HTML a `<math>` element is MathML without saying so: 43 bytes less per formula,
            // which mdBook's renderer tokenizes on every page that shows it.
            match tag.strip_prefix(MATHML_XMLNS) {
                Some(after) => {
                    out.push_str("<math");
                    push_tag(&mut out, after);
                }
                None => push_tag(&mut out, tag),
            }
            open_span_end = (glyphs_from.is_some() && can_carry_glyph(tag)).then(|| out.len() - 1);
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
            if let (Some(gt), true) = (open_span_end, rest.starts_with("</span>")) {
                // The text is the span's only child: the span itself carries it.
                let mut attr = String::with_capacity(text.len() + 10);
                attr.push_str(" data-c=\"");
                push_attr_text(&mut attr, text);
                attr.push('"');
                out.insert_str(gt, &attr);
            } else if glyphs_from.is_some() {
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

/// Whether `tag` opens a `span` that may carry its glyph text in `data-c`: not one whose
/// `::before`/`::after` KaTeX's stylesheet already draws (`.stretchy`, `.eqn-num`, ...).
fn can_carry_glyph(tag: &str) -> bool {
    tag.starts_with("<span")
        && tag_name(tag) == "span"
        && !tag.ends_with("/>")
        && !tag.contains("data-c=")
        && !tag.contains("stretchy")
        && !tag.contains("eqn-num")
        && !tag.contains("katex-version")
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
    fn search_words_split_tex_at_punctuation_and_keep_numbers_whole() {
        assert_eq!(
            search_words("\\operatorname{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}"),
            "operatorname softmax z i frac e z i sum j e z j"
        );
        assert_eq!(search_words(" 0.5 x. 3,14 *|$`<&>\n\t é "), "0.5 x 3 14 é");
        assert_eq!(search_words("{}"), "");
    }

    #[test]
    fn a_placeholder_holds_its_key_and_the_words() {
        assert_eq!(
            placeholder("0af", "a_{1} < b"),
            "<cb-math k=\"0af\">a 1 b</cb-math>"
        );
    }

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
            out.contains("<span class=\"mord mathnormal\" data-c=\"x\"></span><cb-g data-c=\"&amp;\"></cb-g>"),
            "{out}"
        );
        assert!(out.ends_with("</span></span> after"), "{out}");
        let kept = for_markdown(html, false);
        assert!(kept.contains("mathnormal\">x</span>"), "{kept}");
    }

    #[test]
    fn spans_drawn_by_katex_css_never_carry_glyphs() {
        let html = "<span class=\"katex-html\"><span class=\"stretchy\">a</span><span class=\"eqn-num\">b</span><span class=\"mord\" style=\"x\">c</span><span>d<span>e</span></span></span>";
        let out = for_markdown(html, true);
        assert!(
            out.contains("<span class=\"stretchy\"><cb-g data-c=\"a\"></cb-g></span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"eqn-num\"><cb-g data-c=\"b\"></cb-g></span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"mord\" style=\"x\" data-c=\"c\"></span>"),
            "{out}"
        );
        assert!(
            out.contains("<span><cb-g data-c=\"d\"></cb-g><span data-c=\"e\"></span></span>"),
            "{out}"
        );
    }

    #[test]
    fn the_mathml_namespace_attribute_html_implies_is_dropped() {
        let html = "<span class=\"katex\"><span class=\"katex-mathml\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><mi>x</mi></math></span></span>";
        let out = for_markdown(html, true);
        assert!(
            out.contains("<math display=\"block\"><mi>x</mi></math>"),
            "{out}"
        );
    }

    #[test]
    fn self_closing_svg_paths_do_not_unbalance_depth() {
        let html = "<span class=\"katex-html\"><svg><path d='M0 0'/></svg>y</span>z";
        let out = for_markdown(html, true);
        assert!(out.contains("<cb-g data-c=\"y\"></cb-g></span>z"), "{out}");
    }
}
