//! Reader-facing words, in the book's language (French when `book.language` starts with `fr`).

use crate::syntax::Points;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    pub fn decimal(self) -> char {
        if self.french {
            ','
        } else {
            '.'
        }
    }

    pub fn question(self) -> &'static str {
        "Question"
    }

    /// `1 point`, `1,5 point`, `2 points` (French); `1 point`, `1.5 points` (English).
    pub fn points(self, points: Points) -> String {
        let unit = if points.is_plural(self.french) {
            "points"
        } else {
            "point"
        };
        // A no-break space keeps the number with its unit.
        format!("{}\u{a0}{unit}", points.display(self.decimal()))
    }

    pub fn answer(self) -> &'static str {
        self.pick("Answer", "Réponse")
    }

    pub fn note(self) -> &'static str {
        self.pick("Note", "Remarque")
    }

    /// Accessible name of an answer: « Réponse à la question 3 ».
    pub fn answer_to(self, question: Option<u32>) -> String {
        match question {
            Some(n) => format!(
                "{} {n}",
                self.pick("Answer to question", "Réponse à la question")
            ),
            None => self.answer().to_owned(),
        }
    }

    pub fn bareme_caption(self) -> &'static str {
        self.pick("Marking scheme", "Barème")
    }

    /// The label of a rubric's box in the corrigé.
    pub fn rubric(self) -> &'static str {
        self.pick("Marking details", "Barème détaillé")
    }

    /// The head of a rubric's item as the corrigé shows it: « **1 point** — », « *Accepté
    /// aussi* — ».
    pub fn rubric_part(self, points: Option<Points>) -> String {
        match points {
            Some(p) => format!("**{}** —", self.points(p)),
            None => format!("*{}* —", self.pick("Also accepted", "Accepté aussi")),
        }
    }

    /// « Examen — 1 h 30 ».
    pub fn exam_duration(self, duration: &str) -> String {
        format!("{} — {duration}", self.pick("Exam", "Examen"))
    }

    /// « Total : 20 points ».
    pub fn total_points(self, total: Points) -> String {
        let colon = self.pick(":", "\u{a0}:");
        format!("{}{colon} {}", self.total(), self.points(total))
    }

    /// The labels of the box where a student writes who they are, on paper.
    pub fn identity(self) -> [&'static str; 2] {
        if self.french {
            ["Nom et prénom\u{a0}:", "Numéro d’étudiant\u{a0}:"]
        } else {
            ["Name:", "Student number:"]
        }
    }

    /// The barème's column of rubric parts.
    pub fn detail(self) -> &'static str {
        self.pick("Detail", "Détail")
    }

    pub fn points_header(self) -> &'static str {
        "Points"
    }

    pub fn total(self) -> &'static str {
        "Total"
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
