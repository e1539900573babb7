//! HTML escaping for text that a computation or an author's directive puts into a page.

/// Escapes `&`, `<`, `>`, `"` and `'` so that `text` shows as itself in element content and in
/// attribute values alike.
///
/// ```
/// assert_eq!(coursebook_common::html::escape("<b>\"x\" & y</b>"),
///            "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text that a computation produced, for element content or an attribute value:
/// [`escape`], and `{` too, so that computed text never reads as a directive (`{{#/answer}}`)
/// to a stage that runs after the one that wrote it.
///
/// ```
/// use coursebook_common::html::escape_data;
/// assert_eq!(escape_data("<{{#/answer}}>"), "&lt;&#123;&#123;#/answer}}&gt;");
/// ```
pub fn escape_data(text: &str) -> String {
    escape(text).replace('{', "&#123;")
}

/// Escapes `text` for a span of inline HTML inside Markdown: HTML escaping, plus entities for
/// the characters that Markdown or the math stage would still interpret between tags
/// (`*`, `_`, `` ` ``, `[`, `]`, `\`, `|`, `$`), so that a computed value such as `a_1 | $5`
/// shows as itself inside a paragraph or a table cell; `{` as [`escape_data`] does.
///
/// ```
/// assert_eq!(coursebook_common::html::escape_inline("a_1 | $5"), "a&#95;1 &#124; &#36;5");
/// ```
pub fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escape_data(text).chars() {
        match c {
            '*' => out.push_str("&#42;"),
            '_' => out.push_str("&#95;"),
            '`' => out.push_str("&#96;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '\\' => out.push_str("&#92;"),
            '|' => out.push_str("&#124;"),
            '$' => out.push_str("&#36;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
