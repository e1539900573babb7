//! The HTML that replaces directives: checked answers, shown values, the verification table,
//! figures; in the corrigé with their proofs, in the sujet as a student may read them.
//!
//! Everything is inline HTML on one line, with Markdown-significant characters turned into
//! entities, so it survives inside a paragraph, a list item or a table cell.

use crate::coverage::NumberRecord;
use crate::report::{CheckRecord, Report};
use common::html::{escape, escape_data, escape_inline};
use common::words::Words;
use common::Edition;
use coursebook_notebook::figure::{Figure, FigureFormat};

/// For whom a page is rendered: the book's language, and the edition being built.
///
/// The corrigé shows what the stage verified (a mark, the computed value, a link to the
/// computation); the sujet, the exam paper, shows only what a student may read: a checked value
/// as written, a shown value without the tooltip that names what computed it. This stage is
/// the only one that knows its markup, so it is the one that leaves the proofs out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reader {
    /// The book's language.
    pub words: Words,
    /// The edition being built.
    pub edition: Edition,
}

impl Reader {
    /// Whether the page is the exam paper, which shows no computation.
    pub fn is_sujet(self) -> bool {
        self.edition == Edition::Sujet
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
///
/// The sujet shows the written text alone, as the author typed it.
pub fn check(
    record: &CheckRecord,
    suffix: &str,
    block_anchor: Option<&str>,
    reader: Reader,
) -> String {
    if reader.is_sujet() {
        return format!("{}{suffix}", escape_inline(&record.written));
    }
    let words = reader.words;
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
/// value alone, with the proof as a plain tooltip (in the sujet, the written value alone).
pub fn check_plain(record: &CheckRecord, reader: Reader) -> String {
    if reader.is_sujet() {
        return escape_inline(&record.written);
    }
    let words = reader.words;
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

/// A value shown by `{{#value}}`: the text, with its origin in a tooltip (in the sujet, the
/// text alone: it is the question's data, but what computed it may tell the method).
pub fn value(text: &str, expression: &str, reader: Reader) -> String {
    if reader.is_sujet() {
        return format!("<span class=\"cb-value\">{}</span>", escape_inline(text));
    }
    let words = reader.words;
    format!(
        "<span class=\"cb-value\" title=\"{} {}\">{}</span>",
        words.pick("computed:", "calculé :"),
        escape(expression),
        escape_inline(text)
    )
}

/// The verification table: the checked answers of the book grouped by question, each group
/// headed by how many of the numbers written in that question's answers are checked; one row
/// per check, linking to it. `to_root` is the relative path from the page that holds the table
/// to the book's root. Each cell carries its column's name (`data-label`), so that a narrow
/// screen can show a row as a small card (theme/coursebook.css).
pub fn verification_table(report: &Report, to_root: &str, words: Words) -> String {
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
    html.push_str("</tr></thead>\n");
    for (question, records) in by_question(&report.checks) {
        html.push_str(&format!(
            "<tbody>\n<tr class=\"cb-verification-group\"><th colspan=\"6\" scope=\"rowgroup\">{}</th></tr>\n",
            group_title(question, &report.numbers, words)
        ));
        for r in records {
            html.push_str(&row(r, to_root, &header, words));
        }
        html.push_str("</tbody>\n");
    }
    html.push_str("</table>\n");
    html
}

/// The checks grouped by question, in book order (a question's checks are contiguous).
fn by_question(records: &[CheckRecord]) -> Vec<(Option<u32>, Vec<&CheckRecord>)> {
    let mut groups: Vec<(Option<u32>, Vec<&CheckRecord>)> = Vec::new();
    for r in records {
        match groups.iter_mut().find(|(q, _)| *q == r.question) {
            Some((_, group)) => group.push(r),
            None => groups.push((r.question, vec![r])),
        }
    }
    groups
}

/// « Question 7 · 9 nombres sur 9 vérifiés », or the same for checks outside questions.
fn group_title(question: Option<u32>, numbers: &[NumberRecord], words: Words) -> String {
    let name = match question {
        Some(n) => format!("Question {n}"),
        None => words
            .pick("Outside the questions", "Hors des questions")
            .to_owned(),
    };
    let (checked, all) = crate::coverage::of_question(numbers, question);
    if all == 0 {
        return name;
    }
    let plural = if all > 1 { "s" } else { "" };
    let coverage = if words.french {
        format!("{checked} sur {all} nombre{plural} des réponses vérifié{plural}")
    } else {
        format!("{checked} of {all} number{plural} in answers checked")
    };
    format!("{name} · {coverage}")
}

fn row(r: &CheckRecord, to_root: &str, header: &[&str; 6], words: Words) -> String {
    let status = if r.holds {
        words.pick("✓ holds", "✓ exacte")
    } else {
        words.pick("✗ fails", "✗ fausse")
    };
    let cells = [
        format!(
            "<a href=\"{to_root}{page}#{anchor}\">{file}:{line}</a>",
            page = escape(&r.page),
            anchor = escape(&r.anchor),
            // A line may break after each folder of a long path.
            file = escape_inline(&r.file).replace('/', "/<wbr>"),
            line = r.line,
        ),
        format!("<code>{}</code>", escape_inline(&r.expression)),
        escape_inline(&r.written),
        escape_inline(r.computed.as_deref().unwrap_or("?")),
        escape_inline(&r.rule),
        status.to_owned(),
    ];
    let mut html = String::from("<tr>");
    for (label, cell) in header.iter().zip(cells) {
        html.push_str(&format!("<td data-label=\"{label}\">{cell}</td>"));
    }
    html.push_str("</tr>\n");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(question: Option<u32>, expression: &str) -> CheckRecord {
        CheckRecord {
            file: "src/partie2.md".into(),
            line: 3,
            column: 1,
            page: "partie2.html".into(),
            anchor: "cb-check-0".into(),
            expression: expression.into(),
            written: "82".into(),
            computed: Some("82".into()),
            rule: "arrondi à l’entier écrit".into(),
            holds: true,
            problem: None,
            published_at: None,
            question,
            fix: None,
        }
    }

    fn number(question: Option<u32>, checked: bool) -> NumberRecord {
        NumberRecord {
            file: "src/partie2.md".into(),
            line: 3,
            column: 1,
            text: "82".into(),
            checked,
            question,
        }
    }

    #[test]
    fn the_table_groups_checks_by_question_with_their_coverage() {
        let report = Report {
            checks: vec![
                record(Some(6), "total"),
                record(None, "demo"),
                record(Some(6), "output"),
            ],
            numbers: vec![
                number(Some(6), true),
                number(Some(6), false),
                number(None, true),
            ],
            ..Report::default()
        };
        let html = verification_table(&report, "../", Words { french: true });
        let q6 = html
            .find("Question 6 · 1 sur 2 nombres des réponses vérifiés")
            .unwrap();
        let outside = html
            .find("Hors des questions · 1 sur 1 nombre des réponses vérifié")
            .unwrap();
        assert!(q6 < outside, "groups in book order: {html}");
        assert_eq!(
            html.matches("<tbody>").count(),
            2,
            "one group per question: {html}"
        );
        let (total, output) = (
            html.find(">total<").unwrap(),
            html.find(">output<").unwrap(),
        );
        assert!(q6 < total && total < output && output < outside, "{html}");
        assert!(html.contains("<td data-label=\"Règle\">"), "{html}");
        assert!(html.starts_with("<table class=\"cb-verification\">"));
    }
}
