//! The barème: a table generated from the questions, so that it cannot disagree with them.
//!
//! In the corrigé, a third column gives the parts of each question's rubric (`1 + 1`).
//!
//! It is one raw HTML block on consecutive lines (no blank line inside, which would end the
//! block in Markdown), and each question links to its heading on its own chapter's page,
//! relative to the page that holds the table.

use crate::structure::{Page, Question};
use crate::syntax::Points;
use crate::words::{ExamWords, Words};
use common::html::{escape, escape_inline};
use common::page::{page_of, to_root};
use std::collections::HashMap;
use std::path::Path;

/// The barème for the page `here`, listing `questions` (in reading order) of `pages`, with
/// the points of each question's `parts` when there are any (the corrigé's detail).
pub fn table(
    questions: &[&Question],
    pages: &[Page],
    here: &Path,
    parts: &HashMap<u32, Vec<Points>>,
    words: Words,
) -> String {
    let detail_header = if parts.is_empty() {
        String::new()
    } else {
        format!("<th scope=\"col\">{}</th>", words.detail())
    };
    let mut html = format!(
        "<table class=\"cb-bareme\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>{detail_header}</tr></thead>\n<tbody>\n",
        words.bareme_caption(),
        words.question(),
        words.points_header()
    );
    for q in questions {
        let target = pages.get(q.page).map(|p| p.key.as_path());
        let href = match target {
            Some(key) if key == here => format!("#question-{}", q.number),
            Some(key) => format!("{}{}#question-{}", to_root(here), page_of(key), q.number),
            None => format!("#question-{}", q.number),
        };
        let title = q
            .title
            .as_deref()
            .map(|t| format!(" — {}", escape_inline(t)))
            .unwrap_or_default();
        let detail = if parts.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = parts
                .get(&q.number)
                .into_iter()
                .flatten()
                .map(|p| p.display(words.decimal()))
                .collect();
            format!("<td>{}</td>", list.join(" + "))
        };
        html.push_str(&format!(
            "<tr><td><a href=\"{}\">{} {}</a>{title}</td><td>{}</td>{detail}</tr>\n",
            escape(&href),
            words.question(),
            q.number,
            words.points(q.points)
        ));
    }
    let total: Points = questions.iter().map(|q| q.points).sum();
    let empty = if parts.is_empty() { "" } else { "<td></td>" };
    html.push_str(&format!(
        "</tbody>\n<tfoot><tr><th scope=\"row\">{}</th><td>{}</td>{empty}</tr></tfoot>\n</table>",
        words.total(),
        words.points(total)
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(key: &str) -> Page {
        Page {
            key: key.into(),
            file: format!("src/{key}"),
            content: String::new(),
        }
    }

    fn question(number: u32, points: u64, page: usize) -> Question {
        Question {
            number,
            points: Points(points),
            title: None,
            page,
            range: 0..0,
            level: 2,
            prefix: String::new(),
        }
    }

    #[test]
    fn links_each_question_to_its_page_and_adds_up_the_points() {
        let pages = [
            page("partie1.md"),
            page("exo/partie2.md"),
            page("README.md"),
        ];
        let qs = [
            question(1, 1000, 0),
            question(2, 1500, 1),
            question(3, 2500, 0),
        ];
        let refs: Vec<&Question> = qs.iter().collect();
        let html = table(
            &refs,
            &pages,
            Path::new("exo/bareme.md"),
            &HashMap::new(),
            Words { french: true },
        );
        assert!(
            html.contains("<a href=\"../partie1.html#question-1\">Question 1</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"../exo/partie2.html#question-2\">"),
            "{html}"
        );
        assert!(html.contains("<td>1,5\u{a0}point</td>"), "{html}");
        assert!(
            html.contains("<th scope=\"row\">Total</th><td>5\u{a0}points</td>"),
            "{html}"
        );
        assert!(
            !html.contains("\n\n"),
            "a blank line would end the HTML block"
        );
        let same = table(
            &refs,
            &pages,
            Path::new("partie1.md"),
            &HashMap::new(),
            Words { french: false },
        );
        assert!(same.contains("<a href=\"#question-1\">"), "{same}");
        assert!(!same.contains("Detail"), "no rubric, no detail column");
        let parts = HashMap::from([(3, vec![Points(1000), Points(1500)])]);
        let detailed = table(
            &refs,
            &pages,
            Path::new("a.md"),
            &parts,
            Words { french: true },
        );
        assert!(
            detailed.contains("<th scope=\"col\">Détail</th>"),
            "{detailed}"
        );
        assert!(
            detailed.contains("<td>2,5\u{a0}points</td><td>1 + 1,5</td></tr>"),
            "{detailed}"
        );
        assert_eq!(page_of(Path::new("README.md")), "index.html");
    }
}
