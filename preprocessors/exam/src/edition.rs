//! Rewriting one chapter for an edition: the corrigé shows answers and notes in labelled
//! boxes; the sujet removes them, whole, with whatever they contain (checks, computations,
//! figures), so that no answer text reaches the HTML, the print page or the search index.

use crate::only;
use crate::structure::{container_prefix, Block, Kind, Page, PageExam, Question};
use crate::words::{ExamWords, Words};
use common::html::escape;
use common::Splicer;

pub use common::Edition;

/// What the book generates for a page: the barème table and the exam header.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated<'a> {
    /// The table to put in place of `{{#bareme}}`.
    pub bareme: &'a str,
    /// The header to put in place of `{{#exam-header}}`.
    pub header: &'a str,
}

/// The page's Markdown for `edition`.
pub fn render(
    page: &Page,
    exam: &PageExam,
    edition: Edition,
    words: Words,
    generated: Generated,
) -> String {
    let Generated { bareme, header } = generated;
    let source = page.content.as_str();
    let mut splicer = Splicer::new();
    for q in &exam.questions {
        splicer.replace(q.range.clone(), heading(source, q, words));
    }
    for range in &exam.baremes {
        splicer.replace(range.clone(), format!("\n\n{bareme}\n\n"));
    }
    for range in &exam.headers {
        splicer.replace(range.clone(), format!("\n\n{header}\n\n"));
    }
    for range in only::removed(&exam.only, edition) {
        splicer.replace(range, "");
    }
    match edition {
        Edition::Sujet => {
            for block in exam.blocks.iter().filter(|b| !b.nested) {
                splicer.replace(block.open.start..block.close.end, "");
            }
        }
        Edition::Corrige => {
            let mut answers_of: Vec<(Option<u32>, usize)> = Vec::new();
            let mut notes = 0;
            let mut rubrics = 0;
            for block in &exam.blocks {
                let id = match block.kind {
                    Kind::Answer => {
                        let seen = answers_of.iter_mut().find(|(q, _)| *q == block.question);
                        let k = match seen {
                            Some((_, k)) => {
                                *k += 1;
                                *k
                            }
                            None => {
                                answers_of.push((block.question, 1));
                                1
                            }
                        };
                        let n = block.question.unwrap_or(0);
                        if k == 1 {
                            format!("cb-answer-{n}")
                        } else {
                            format!("cb-answer-{n}-{k}")
                        }
                    }
                    Kind::Note { .. } => {
                        notes += 1;
                        format!("cb-note-{notes}")
                    }
                    Kind::Rubric { ref parts } => {
                        for part in parts {
                            splicer.replace(part.head.clone(), words.rubric_part(part.points));
                        }
                        rubrics += 1;
                        format!("cb-rubric-{rubrics}")
                    }
                };
                let (open, close) = wrappers(source, block, &id, words);
                splicer.replace(block.open.clone(), open);
                splicer.replace(block.close.clone(), close);
            }
        }
    }
    splicer.apply(source)
}

/// The heading that replaces `{{#question}}`: a real Markdown heading, so that mdBook gives it
/// a link and lists it in the page outline, with a fixed id for the barème's links.
fn heading(source: &str, q: &Question, words: Words) -> String {
    let title = q
        .title
        .as_deref()
        .map(|t| format!(" — {}", escape(t)))
        .unwrap_or_default();
    let mut text = format!(
        "{} {} {}{title} <span class=\"cb-points\">({})</span> {{#question-{} .cb-question}}",
        "#".repeat(usize::from(q.level)),
        words.question(),
        q.number,
        words.points(q.points),
        q.number
    );
    if !rest_of_line(source, q.range.end).trim().is_empty() {
        // The statement written on the same line becomes the paragraph under the heading.
        text.push('\n');
        text.push_str(&q.prefix);
    }
    text
}

/// The HTML that replaces a block's opening and closing directives in the corrigé.
///
/// A block on several lines becomes a `<div>` or `<aside>` with blank lines inside, so that
/// the Markdown it holds still parses as Markdown; generated lines repeat the container prefix
/// (indentation of a list item, `>` of a quote) so the block stays where the author put it.
fn wrappers(source: &str, block: &Block, id: &str, words: Words) -> (String, String) {
    let (class, label) = match &block.kind {
        Kind::Answer => ("cb-answer", words.answer().to_owned()),
        Kind::Note { title: None } => ("cb-note", words.note().to_owned()),
        Kind::Note { title: Some(t) } => ("cb-note", format!("{} — {}", words.note(), escape(t))),
        // A note to the theme: the answer toggle hides it and reveals it like a note.
        Kind::Rubric { .. } => ("cb-note cb-rubric", words.rubric().to_owned()),
    };
    if block.inline {
        let open = format!("<span class=\"{class} cb-inline\" id=\"{id}\" title=\"{label}\">");
        return (open, "</span>".to_owned());
    }
    let p = &block.prefix;
    let element = match block.kind {
        Kind::Answer => "div",
        Kind::Note { .. } | Kind::Rubric { .. } => "aside",
    };
    let aria = match block.kind {
        Kind::Answer => format!(
            " role=\"group\" aria-label=\"{}\"",
            escape(&words.answer_to(block.question))
        ),
        Kind::Note { .. } | Kind::Rubric { .. } => format!(" aria-label=\"{label}\""),
    };
    let mut open = String::new();
    if container_prefix(source, block.open.start).is_none() {
        open.push_str(&format!("\n{p}\n{p}"));
    }
    open.push_str(&format!(
        "<{element} class=\"{class}\" id=\"{id}\"{aria}>\n{p}<p class=\"cb-label\">{label}</p>\n{p}\n{p}"
    ));
    let mut close = String::new();
    if container_prefix(source, block.close.start).is_none() {
        close.push_str(&format!("\n{p}"));
    }
    close.push_str(&format!("\n{p}</{element}>\n{p}"));
    if !rest_of_line(source, block.close.end).trim().is_empty() {
        close.push_str(&format!("\n{p}"));
    }
    (open, close)
}

fn rest_of_line(source: &str, at: usize) -> &str {
    let rest = &source[at.min(source.len())..];
    &rest[..rest.find('\n').unwrap_or(rest.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FR: Words = Words { french: true };

    fn rendered(content: &str, edition: Edition) -> String {
        let (page, exam, d) = crate::testing::parse(content);
        assert!(!d.has_errors(), "{d}");
        let generated = Generated {
            bareme: "<table class=\"cb-bareme\"></table>",
            header: "<header class=\"cb-exam-header\"></header>",
        };
        render(&page, &exam, edition, FR, generated)
    }

    const SOURCE: &str = "# Partie 1\n\n{{#question 1 points=1,5 title=\"Séquences\"}} Quel problème ?\n\n{{#answer}}\nMany-to-**one** : SECRET-A.\n\n{{#note title=\"Convention\"}}\nSECRET-N\n{{#/note}}\n{{#/answer}}\n\nSuite de l'énoncé.\n\n{{#bareme}}\n";

    #[test]
    fn the_corrige_wraps_answers_so_their_markdown_still_parses() {
        let out = rendered(SOURCE, Edition::Corrige);
        assert!(out.contains("## Question 1 — Séquences <span class=\"cb-points\">(1,5\u{a0}point)</span> {#question-1 .cb-question}\n Quel problème ?"), "{out}");
        assert!(out.contains("<div class=\"cb-answer\" id=\"cb-answer-1\" role=\"group\" aria-label=\"Réponse à la question 1\">\n<p class=\"cb-label\">Réponse</p>\n\n\nMany-to-**one**"), "{out}");
        assert!(
            out.contains(
                "<aside class=\"cb-note\" id=\"cb-note-1\" aria-label=\"Remarque — Convention\">"
            ),
            "{out}"
        );
        assert!(out.contains("SECRET-N\n\n</aside>\n"), "{out}");
        assert!(out.contains("\n\n</div>\n\n\nSuite"), "{out}");
        assert!(out.contains("<table class=\"cb-bareme\">"), "{out}");
    }

    #[test]
    fn the_sujet_keeps_no_answer_text() {
        let out = rendered(SOURCE, Edition::Sujet);
        crate::testing::assert_no_answer(&out);
        assert!(
            out.contains("{#question-1 .cb-question}") && out.contains("Suite de l'énoncé."),
            "{out}"
        );
        assert!(out.contains("<table class=\"cb-bareme\">"), "{out}");
    }

    #[test]
    fn blocks_in_a_quote_keep_their_prefix_and_inline_answers_stay_inline() {
        let out = rendered("{{#question 1 points=1}}\n\n> {{#answer}}\n> Dans la citation.\n> {{#/answer}}\n\nRéponse courte : {{#answer}}42{{#/answer}}.\n", Edition::Corrige);
        assert!(out.contains("> <div class=\"cb-answer\""), "{out}");
        assert!(
            out.contains("> \n> Dans la citation.\n> \n> </div>\n> \n"),
            "{out}"
        );
        assert!(out.contains("Réponse courte : <span class=\"cb-answer cb-inline\" id=\"cb-answer-1-2\" title=\"Réponse\">42</span>."), "{out}");
    }
}
