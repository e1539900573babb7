//! The exam's reader-facing words, on top of the book's [`Words`] (French when `book.language`
//! starts with `fr`).

use crate::syntax::Points;

pub use common::words::Words;

/// The exam's vocabulary: questions, points, answers, notes, the barème and the header.
/// [`Words`] has it; a stage of its own defines only [`ExamWords::words`].
pub trait ExamWords: Copy {
    /// The book's language.
    fn words(self) -> Words;

    /// « Question » / "Question".
    fn question(self) -> &'static str {
        "Question"
    }

    /// `1 point`, `1,5 point`, `2 points` (French); `1 point`, `1.5 points` (English).
    fn points(self, points: Points) -> String {
        let words = self.words();
        let unit = if points.is_plural(words.french) {
            "points"
        } else {
            "point"
        };
        // A no-break space keeps the number with its unit.
        format!("{}\u{a0}{unit}", points.display(words.decimal()))
    }

    /// « Réponse » / "Answer".
    fn answer(self) -> &'static str {
        self.words().pick("Answer", "Réponse")
    }

    /// « Remarque » / "Note".
    fn note(self) -> &'static str {
        self.words().pick("Note", "Remarque")
    }

    /// Accessible name of an answer: « Réponse à la question 3 ».
    fn answer_to(self, question: Option<u32>) -> String {
        match question {
            Some(n) => format!(
                "{} {n}",
                self.words()
                    .pick("Answer to question", "Réponse à la question")
            ),
            None => self.answer().to_owned(),
        }
    }

    /// The caption of the barème's table.
    fn bareme_caption(self) -> &'static str {
        self.words().pick("Marking scheme", "Barème")
    }

    /// The label of a rubric's box in the corrigé.
    fn rubric(self) -> &'static str {
        self.words().pick("Marking details", "Barème détaillé")
    }

    /// The head of a rubric's item as the corrigé shows it: « **1 point** — », « *Accepté
    /// aussi* — ».
    fn rubric_part(self, points: Option<Points>) -> String {
        match points {
            Some(p) => format!("**{}** —", self.points(p)),
            None => format!(
                "*{}* —",
                self.words().pick("Also accepted", "Accepté aussi")
            ),
        }
    }

    /// « Examen — 1 h 30 ».
    fn exam_duration(self, duration: &str) -> String {
        format!("{} — {duration}", self.words().pick("Exam", "Examen"))
    }

    /// « Total : 20 points ».
    fn total_points(self, total: Points) -> String {
        let colon = self.words().pick(":", "\u{a0}:");
        format!("{}{colon} {}", self.total(), self.points(total))
    }

    /// The labels of the box where a student writes who they are, on paper.
    fn identity(self) -> [&'static str; 2] {
        if self.words().french {
            ["Nom et prénom\u{a0}:", "Numéro d’étudiant\u{a0}:"]
        } else {
            ["Name:", "Student number:"]
        }
    }

    /// The barème's column of rubric parts.
    fn detail(self) -> &'static str {
        self.words().pick("Detail", "Détail")
    }

    /// The barème's column of points.
    fn points_header(self) -> &'static str {
        "Points"
    }

    /// « Total » / "Total".
    fn total(self) -> &'static str {
        "Total"
    }
}

impl ExamWords for Words {
    fn words(self) -> Words {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_words_follow_the_language() {
        let fr = Words { french: true };
        let en = Words { french: false };
        assert_eq!(fr.points(Points(1000)), "1\u{a0}point");
        assert_eq!(fr.points(Points(1500)), "1,5\u{a0}point");
        assert_eq!(fr.points(Points(2000)), "2\u{a0}points");
        assert_eq!(en.points(Points(1500)), "1.5\u{a0}points");
        assert_eq!(fr.answer(), "Réponse");
        assert_eq!(en.answer(), "Answer");
    }
}
