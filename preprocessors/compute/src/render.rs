//! The HTML that replaces directives: checked answers, shown values, the verification table.
//!
//! Everything is inline HTML on one line, with Markdown-significant characters turned into
//! entities, so it survives inside a paragraph, a list item or a table cell.

use crate::report::CheckRecord;
use common::html::{escape, escape_data, escape_inline};
use coursebook_notebook::figure::{Figure, FigureFormat};

/// Reader-facing words, in the book's language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    pub french: bool,
}

impl Words {
    fn pick(self, en: &'static str, fr: &'static str) -> &'static str {
        if self.french {
            fr
        } else {
            en
        }
    }
}

/// A checked answer: the written value, a discreet mark, and on hover or focus the computed
/// value, the rule and a link to the block that computed it.
///
/// `suffix` is the end of the word the answer begins (the « ᵉ » of « 10ᵉ », the
/// `<sup>e</sup>` of `10<sup>e</sup>`, see [`word_suffix`]): it is shown inside the written
/// value, so that the mark follows the whole word (« 10ᵉ ✓ », never « 10✓ᵉ »).
///
/// A written boolean shows the mark alone: in French the sentence carries the claim and the
/// mark certifies it (« les entropies décroissent ✓ »), where « (vrai ✓) » would read badly.
/// The written word stays in the page for screen readers and in the tooltip.
pub fn check(
    record: &CheckRecord,
    suffix: &str,
    block_anchor: Option<&str>,
    words: Words,
) -> String {
    let computed = record.computed.as_deref().unwrap_or("?");
    let source = match block_anchor {
        Some(anchor) => format!(
            " · <a href=\"#{anchor}\">{}</a>",
            words.pick("computation", "voir le calcul")
        ),
        None => String::new(),
    };
    let boolean = matches!(
        record.written.trim(),
        "vrai" | "faux" | "oui" | "non" | "true" | "false"
    );
    // The exam stage finds checks by `<span class="cb-check"` and their text by
    // `<span class="cb-written">`: a boolean differs by an attribute after these.
    let claim = if boolean { " data-claim" } else { "" };
    format!(
        "<span class=\"cb-check\" id=\"{id}\" tabindex=\"0\"{claim}>\
<span class=\"cb-written\">{written}{suffix}</span>\
<span class=\"cb-mark\" aria-hidden=\"true\">✓</span>\
<span class=\"cb-proof\" role=\"note\">{verified} <code>{expr}</code> = {computed} ({rule}){source}</span>\
</span>",
        id = escape(&record.anchor),
        written = escape_inline(&record.written),
        verified = words.pick("checked:", "vérifié :"),
        expr = escape_inline(&record.expression),
        computed = escape_inline(computed),
        rule = escape_inline(&record.rule),
    )
}

/// The end of a word that a check begins, at the start of `after` (the source right after
/// the directive): a run of letters (« ᵉ », « er », « ème ») or one short `<sup>…</sup>`
/// without markup inside, optionally followed by letters. Empty when a space or punctuation
/// follows. The caller moves it inside the check, before the mark.
///
/// ```
/// use coursebook_compute::render::word_suffix;
/// assert_eq!(word_suffix("ᵉ mot"), "ᵉ");
/// assert_eq!(word_suffix("<sup>e</sup> des"), "<sup>e</sup>");
/// assert_eq!(word_suffix(" mots"), "");
/// assert_eq!(word_suffix("<sup><b>e</b></sup>"), "");
/// ```
pub fn word_suffix(after: &str) -> &str {
    const OPEN: &str = "<sup>";
    const CLOSE: &str = "</sup>";
    let mut end = 0;
    if let Some(inner) = after.strip_prefix(OPEN) {
        if let Some(close) = inner.find(CLOSE) {
            let text = &inner[..close];
            if !text.is_empty() && text.len() <= 16 && !text.contains(['<', '>', '\n']) {
                end = OPEN.len() + close + CLOSE.len();
            }
        }
    }
    let letters: usize = after[end..]
        .chars()
        .take_while(|c| c.is_alphabetic())
        .map(char::len_utf8)
        .sum();
    &after[..end + letters]
}

/// A checked answer where a link or a tooltip of markup has no place (a heading, whose id
/// mdBook builds from its text and which it wraps in a link; a link's text): the written
/// value alone, with the proof as a plain tooltip.
pub fn check_plain(record: &CheckRecord, words: Words) -> String {
    let computed = record.computed.as_deref().unwrap_or("?");
    format!(
        "<span class=\"cb-check cb-plain\" id=\"{id}\" tabindex=\"0\" title=\"{verified} {expr} = {computed} ({rule})\">{written}</span>",
        id = escape(&record.anchor),
        verified = words.pick("checked:", "vérifié :"),
        expr = escape_inline(&record.expression),
        computed = escape_inline(computed),
        rule = escape_inline(&record.rule),
        written = escape_inline(&record.written),
    )
}

/// A number shown by `{{#value}}` inside a formula, as TeX: a decimal comma braced (`0{,}25`)
/// so that TeX does not space it as punctuation, a digit-group space as `\,`, a minus sign
/// as `-`.
///
/// ```
/// assert_eq!(coursebook_compute::render::number_in_math("-0,25"), "-0{,}25");
/// assert_eq!(coursebook_compute::render::number_in_math("30\u{202f}000"), "30\\,000");
/// ```
pub fn number_in_math(text: &str) -> String {
    let mut tex = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ',' => tex.push_str("{,}"),
            '\u{2212}' => tex.push('-'),
            c if c.is_whitespace() => tex.push_str("\\,"),
            c => tex.push(c),
        }
    }
    tex
}

/// A value shown by `{{#value}}`: the text, with its origin in a tooltip.
pub fn value(text: &str, expression: &str, words: Words) -> String {
    format!(
        "<span class=\"cb-value\" title=\"{} {}\">{}</span>",
        words.pick("computed:", "calculé :"),
        escape(expression),
        escape_inline(text)
    )
}

/// The verification table: one row per checked answer of the book, linking to it.
/// `to_root` is the relative path from the page that holds the table to the book's root.
pub fn verification_table(records: &[CheckRecord], to_root: &str, words: Words) -> String {
    let header = [
        words.pick("Where", "Emplacement"),
        words.pick("Value", "Grandeur"),
        words.pick("Written", "Écrit"),
        words.pick("Computed", "Calculé"),
        words.pick("Rule", "Règle"),
        words.pick("Status", "Statut"),
    ];
    let mut html = String::from("<table class=\"cb-verification\">\n<thead><tr>");
    for h in header {
        html.push_str(&format!("<th scope=\"col\">{h}</th>"));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for r in records {
        let status = if r.holds {
            words.pick("✓ holds", "✓ exacte")
        } else {
            words.pick("✗ fails", "✗ fausse")
        };
        html.push_str(&format!(
            "<tr><td><a href=\"{to_root}{page}#{anchor}\">{file}:{line}</a></td><td><code>{expr}</code></td><td>{written}</td><td>{computed}</td><td>{rule}</td><td>{status}</td></tr>\n",
            page = escape(&r.page),
            anchor = escape(&r.anchor),
            file = escape_inline(&r.file),
            line = r.line,
            expr = escape_inline(&r.expression),
            written = escape_inline(&r.written),
            computed = escape_inline(r.computed.as_deref().unwrap_or("?")),
            rule = escape_inline(&r.rule),
        ));
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// A numbered figure with its caption, as an HTML block (blank lines around it, none inside,
/// so Markdown passes it through untouched). SVG is inlined so that `currentColor` follows the
/// reader's theme; PNG is embedded as a data URL, so the page needs no other file.
pub fn figure(figure: &Figure, number: u32, caption: &str, words: Words) -> String {
    let body = match figure.format {
        FigureFormat::Svg => {
            let svg: Vec<&str> = figure
                .data
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            format!(
                "<div class=\"cb-figure-svg\" role=\"img\" aria-label=\"{}\">{}</div>",
                escape_data(&figure.alt),
                svg.join("\n")
            )
        }
        FigureFormat::Png => format!(
            "<img src=\"data:image/png;base64,{}\" alt=\"{}\">",
            figure.data,
            escape_data(&figure.alt)
        ),
    };
    let label = words.pick("Figure", "Figure");
    let caption = if caption.is_empty() {
        String::new()
    } else {
        format!(" — {}", escape(caption))
    };
    format!(
        "\n\n<figure class=\"cb-figure\" id=\"figure-{number}\">\n{body}\n<figcaption><span class=\"cb-figure-number\">{label} {number}</span>{caption}</figcaption>\n</figure>\n\n"
    )
}
