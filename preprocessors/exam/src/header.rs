//! The exam's header, from the metadata of book.toml's `[preprocessor.exam]` table:
//!
//! ```toml
//! [preprocessor.exam]
//! total = 20
//! course = "IA et Multimédia"
//! duration = "1 h 30"
//! instructions = ["Les documents sont autorisés.", "Prenez le temps de systématiquement justifier vos réponses !"]
//! ```
//!
//! `{{#exam-header}}` shows the course, « Examen — 1 h 30 », the instructions and the total;
//! the sujet adds a box for the student's name and number, that only paper shows (a student
//! fills it in with a pen).

use crate::edition::Edition;
use crate::syntax::Points;
use crate::words::{ExamWords, Words};
use common::html::escape;

/// The exam's metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The course's name (`course`).
    pub course: Option<String>,
    /// How long the exam lasts (`duration`), as written: `1 h 30`.
    pub duration: Option<String>,
    /// The instructions to students (`instructions`), one paragraph each.
    pub instructions: Vec<String>,
}

/// The header as one raw HTML block (no blank line inside, which would end it in Markdown).
pub fn render(meta: &Metadata, total: Option<Points>, edition: Edition, words: Words) -> String {
    let mut html = String::from("<header class=\"cb-exam-header\">\n");
    if let Some(course) = &meta.course {
        html.push_str(&format!(
            "<p class=\"cb-exam-course\">{}</p>\n",
            escape(course)
        ));
    }
    if let Some(duration) = &meta.duration {
        html.push_str(&format!(
            "<p class=\"cb-exam-duration\">{}</p>\n",
            escape(&words.exam_duration(duration))
        ));
    }
    if !meta.instructions.is_empty() {
        html.push_str("<ul class=\"cb-exam-instructions\">\n");
        for line in &meta.instructions {
            html.push_str(&format!("<li><em>{}</em></li>\n", escape(line)));
        }
        html.push_str("</ul>\n");
    }
    if let Some(total) = total {
        html.push_str(&format!(
            "<p class=\"cb-exam-total\">{}</p>\n",
            escape(&words.total_points(total))
        ));
    }
    if edition == Edition::Sujet {
        let [name, number] = words.identity();
        html.push_str(&format!(
            "<div class=\"cb-identity\"><p>{}</p><p>{}</p></div>\n",
            escape(name),
            escape(number)
        ));
    }
    html.push_str("</header>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_says_what_book_toml_says() {
        let meta = Metadata {
            course: Some("IA et Multimédia".into()),
            duration: Some("1 h 30".into()),
            instructions: vec!["Les documents sont autorisés.".into()],
        };
        let words = Words { french: true };
        let sujet = render(&meta, Some(Points(20_000)), Edition::Sujet, words);
        assert!(sujet.contains(">IA et Multimédia<"), "{sujet}");
        assert!(sujet.contains(">Examen — 1 h 30<"), "{sujet}");
        assert!(
            sujet.contains("<em>Les documents sont autorisés.</em>"),
            "{sujet}"
        );
        assert!(sujet.contains(">Total\u{a0}: 20\u{a0}points<"), "{sujet}");
        assert!(sujet.contains("cb-identity"), "{sujet}");
        assert!(
            !sujet.contains("\n\n"),
            "a blank line would end the HTML block"
        );
        let corrige = render(&meta, None, Edition::Corrige, words);
        assert!(!corrige.contains("cb-identity") && !corrige.contains("Total"));
    }
}
