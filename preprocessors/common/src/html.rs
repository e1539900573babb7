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
