//! What the stage's unit tests share: one chapter, `src/q.md`, parsed as the stage parses it.

use crate::structure::{parse_page, Page, PageExam};
use common::Diagnostics;

/// The chapter `src/q.md` holding `content`.
pub(crate) fn page(content: &str) -> Page {
    Page {
        key: "q.md".into(),
        file: "src/q.md".into(),
        content: content.into(),
    }
}

/// `content` parsed as the chapter `src/q.md`, with what the parse reported.
pub(crate) fn parse(content: &str) -> (Page, PageExam, Diagnostics) {
    let page = page(content);
    let mut d = Diagnostics::new();
    let exam = parse_page(&page, 0, &mut d);
    (page, exam, d)
}

/// Each diagnostic as `file:line:column: message`.
pub(crate) fn messages(d: &Diagnostics) -> Vec<String> {
    d.0.iter()
        .map(|d| format!("{}: {}", d.location(), d.message))
        .collect()
}

/// Asserts that a sujet holds nothing of an answer (the tests' answers and notes say `SECRET`
/// or `secret`) and no box of the corrigé.
pub(crate) fn assert_no_answer(sujet: &str) {
    assert!(!sujet.to_lowercase().contains("secret"), "{sujet}");
    for corrige_only in ["cb-answer", "cb-note", "Réponse"] {
        assert!(!sujet.contains(corrige_only), "{corrige_only}: {sujet}");
    }
}
