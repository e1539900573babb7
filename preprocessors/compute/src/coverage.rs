//! Coverage of the numbers written in answers: which of them stand under a `{{#check}}` or a
//! `{{#value}}`, so that an unchecked number cannot slip into an answer unnoticed.
//!
//! The numbers counted are those of `{{#answer}}` and `{{#note}}` blocks: in prose, list items
//! and table cells, and in a formula the results written after its last `=` (or `≈`,
//! `\approx`): `$2 \times 41 = 82$` counts the 82, not the 2 or the 41, which are the data of
//! the calculation. A few explicit rules leave out what is not a result:
//!
//! - `{{#n 1M}}` marks a number that is not a result (a year, a name such as « 1M »); it shows
//!   its text unchanged;
//! - a number right after a word that names numbered things (« figure », « question »,
//!   « partie », « TP », « tableau », « équation », « chapitre », « architecture »,
//!   « phrase », « token », « mot », singular or plural, or their English names) is a
//!   reference: « figure 3 », and so are the numbers that continue it (« figures 3, 4 et 5 »,
//!   « mots 1 à 9 »);
//! - a number glued to a letter, `_`, `^` or `\` before it is part of a name (`Q7`, `K_1`);
//! - code, links' targets, HTML tags, the arguments of other directives and the numbers of an
//!   ordered list (`1. `) are not prose.

use common::directive::{code_ranges, scan};
use serde::Serialize;
use std::ops::Range;

/// One number written in an answer or a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberRecord {
    /// The Markdown file, relative to the book root, and the 1-based line and column.
    pub file: String,
    /// Its 1-based line.
    pub line: usize,
    /// Its 1-based column, in characters.
    pub column: usize,
    /// The number as written (`0,46`).
    pub text: String,
    /// Whether it stands under a `{{#check}}` or a `{{#value}}`.
    pub checked: bool,
    /// The question whose answer or note holds it.
    pub question: Option<u32>,
}

/// Words after which a number is a reference, not a result.
const REFERENCES: &[&str] = &[
    "figure",
    "figures",
    "question",
    "questions",
    "partie",
    "tp",
    "tableau",
    "équation",
    "chapitre",
    "table",
    "equation",
    "chapter",
    "part",
    "architecture",
    "architectures",
    "phrase",
    "phrases",
    "token",
    "tokens",
    "mot",
    "mots",
    "sentence",
    "word",
    "words",
];

/// What may join the numbers of one reference: « figures 3, 4 et 5 », « mots 1 à 9 ».
const JOINS: &[&str] = &[",", "et", "ou", "à", "and", "or", "to"];

/// The numbers written in the answers and notes of `source`, a chapter's Markdown.
pub fn numbers(file: &str, source: &str) -> Vec<NumberRecord> {
    let names = directive_names(source);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let directives = scan(source, &names).directives;
    // What is not prose, found on the whole chapter: a formula may hold a directive.
    let code = code_ranges(source);
    let mut skip = math_data(source, &code);
    skip.extend(markup(source));
    skip.extend(code);
    let mut out = Vec::new();
    let mut question = None;
    let mut open: Option<usize> = None;
    let mut push = |at: usize, text: &str, checked: bool, question: Option<u32>| {
        let (line, column) = common::diagnostic::line_column(source, at);
        out.push(NumberRecord {
            file: file.to_owned(),
            line,
            column,
            text: text.to_owned(),
            checked,
            question,
        });
    };
    for d in &directives {
        if let Some(start) = open {
            for (range, text) in prose_numbers(source, start..d.range.start, &skip) {
                push(range.start, text, false, question);
            }
        }
        match d.name {
            "question" => {
                question = d
                    .args
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
            }
            "answer" | "note" => open = Some(d.range.end),
            "/answer" | "/note" => open = None,
            "check" if open.is_some() => {
                let at = d.args.as_ptr() as usize - source.as_ptr() as usize;
                let written = crate::fix::written_range(d.args).unwrap_or(0..0);
                let span = at + written.start..at + written.end;
                for (range, text) in tokens(source, span) {
                    push(range.start, text, true, question);
                }
            }
            "value" if open.is_some() => {
                push(d.range.start, &source[d.range.clone()], true, question)
            }
            _ => {}
        }
        if open.is_some() {
            open = Some(d.range.end);
        }
    }
    out
}

/// The names of the directives written in `source` (`check`, `/answer`), to scan them all.
fn directive_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = source
        .match_indices("{{#")
        .map(|(i, _)| {
            let rest = &source[i + 3..];
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/')))
                .unwrap_or(rest.len());
            rest[..len].to_owned()
        })
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The unchecked numbers of the prose in `range` of `source`, outside `skip` (code, the data
/// of formulas, links' targets, HTML tags), references and ordered-list markers.
fn prose_numbers<'a>(
    source: &'a str,
    range: Range<usize>,
    skip: &[Range<usize>],
) -> Vec<(Range<usize>, &'a str)> {
    tokens(source, range)
        .into_iter()
        .filter(|(r, _)| !skip.iter().any(|s| s.contains(&r.start)))
        .filter(|(r, _)| !is_reference(&source[..r.start]) && !is_list_marker(source, r))
        .collect()
}

/// The parts of the formulas of `text` that are data, not results: all of a formula, except a
/// lone number after its last `=`, `≈` or `\approx` (`$2 \times 41 = 82$` counts the 82;
/// `$T' = 1/T$` and `$\sqrt{2}$` count nothing).
fn math_data(text: &str, code: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('$').map(|i| from + i) {
        if let Some(block) = code.iter().find(|c| c.contains(&open)) {
            from = block.end;
            continue;
        }
        let delim = if text[open..].starts_with("$$") {
            "$$"
        } else {
            "$"
        };
        let body = open + delim.len();
        let Some(close) = text[body..].find(delim).map(|i| body + i) else {
            break;
        };
        let formula = &text[body..close];
        let result = ["=", "≈", "\\approx"]
            .iter()
            .filter_map(|sign| formula.rfind(sign).map(|i| i + sign.len()))
            .max()
            .filter(|&at| is_lone_number(&formula[at..]));
        out.push(open..result.map_or(close + delim.len(), |at| body + at));
        from = close + delim.len();
    }
    out
}

/// Whether a formula's right side is one number (`0{,}46`, `-2`, `12\,\%`).
fn is_lone_number(side: &str) -> bool {
    let side = side.trim().trim_start_matches(['-', '−']);
    let side = side
        .trim_end_matches("\\%")
        .trim_end_matches("\\,")
        .trim_end();
    side.starts_with(|c: char| c.is_ascii_digit())
        && side
            .replace("{,}", ",")
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '\u{a0}' | '\u{202f}'))
}

/// Links' targets `](…)` and HTML tags (`<sup>`, `</a>`) of `text`, each within its line.
fn markup(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (open, close) in [("](", ')'), ("<", '>')] {
        for (start, _) in text.match_indices(open) {
            let after = &text[start + open.len()..];
            let tag =
                open != "<" || after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
            let line = after.find('\n').unwrap_or(after.len());
            if let Some(end) = after[..line].find(close).filter(|_| tag) {
                out.push(start..start + open.len() + end + 1);
            }
        }
    }
    out
}

/// Whether the number that follows `before` is a reference (« figure 3 »), or continues one
/// (« figures 3, 4 et 5 »).
fn is_reference(before: &str) -> bool {
    let before = before.trim_end_matches([' ', '\u{a0}', '\u{202f}', '~']);
    let word = last_word(before);
    if REFERENCES.contains(&word.to_lowercase().as_str()) {
        return true;
    }
    let join = if before.ends_with(',') {
        ","
    } else {
        match JOINS.iter().find(|j| word == **j) {
            Some(join) => join,
            None => return false,
        }
    };
    let joined = before[..before.len() - join.len()].trim_end();
    let digits = joined.trim_end_matches(|c: char| c.is_ascii_digit());
    digits.len() < joined.len() && is_reference(digits)
}

/// The letters that end `text` (`figures` in `les figures`).
fn last_word(text: &str) -> String {
    let mut word: Vec<char> = text
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect();
    word.reverse();
    word.into_iter().collect()
}

/// Whether the number at `r` is an ordered list's marker (`1. ` at the start of a line).
fn is_list_marker(source: &str, r: &Range<usize>) -> bool {
    let line_start = source[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let lead = &source[line_start..r.start];
    lead.chars().all(|c| c == ' ' || c == '>')
        && source[r.end..].starts_with(['.', ')'])
        && source[r.end + 1..].starts_with([' ', '\t'])
}

/// The numbers of `source[range]`: digits, with a decimal part after `,`, `.` or `{,}` and
/// thousands after a no-break or narrow no-break space; a number glued to a letter, `_`, `^`
/// or `\` before it is part of a name and left out.
fn tokens(source: &str, range: Range<usize>) -> Vec<(Range<usize>, &str)> {
    let text = &source[range.clone()];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let glued = text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '^' | '\\'));
        let start = i;
        let mut end = digits_end(text, i);
        loop {
            let rest = &text[end..];
            let next = ["{,}", ",", ".", "\u{a0}", "\u{202f}"].iter().find(|sep| {
                rest.starts_with(**sep)
                    && rest[sep.len()..].starts_with(|c: char| c.is_ascii_digit())
            });
            match next {
                Some(sep) => end = digits_end(text, end + sep.len()),
                None => break,
            }
        }
        if !glued {
            out.push((range.start + start..range.start + end, &text[start..end]));
        }
        i = end;
    }
    out
}

fn digits_end(text: &str, from: usize) -> usize {
    from + text[from..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len() - from)
}

/// The `{{#question N}}` directives of `source`: where each starts, and its number.
pub fn questions(source: &str) -> Vec<(usize, u32)> {
    scan(source, &["question"])
        .directives
        .iter()
        .filter_map(|d| {
            let n = d.args.split_whitespace().next()?.parse().ok()?;
            Some((d.range.start, n))
        })
        .collect()
}

/// The question whose text holds byte `offset`: the last one that starts before it.
pub fn question_at(questions: &[(usize, u32)], offset: usize) -> Option<u32> {
    let i = questions.partition_point(|&(start, _)| start < offset);
    i.checked_sub(1).map(|i| questions[i].1)
}

/// How many numbers of question `question`'s answers and notes are checked, of how many.
pub fn of_question(numbers: &[NumberRecord], question: Option<u32>) -> (usize, usize) {
    let mine = numbers.iter().filter(|n| n.question == question);
    let (checked, all): (Vec<bool>, Vec<bool>) = mine.map(|n| (n.checked, true)).unzip();
    (checked.iter().filter(|c| **c).count(), all.len())
}

/// « 112 of 118 numbers in answers are checked », or `None` when no answer holds a number.
pub fn summary(numbers: &[NumberRecord]) -> Option<String> {
    if numbers.is_empty() {
        return None;
    }
    let checked = numbers.iter().filter(|n| n.checked).count();
    Some(format!(
        "{checked} of {} numbers in answers are checked",
        numbers.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unchecked(source: &str) -> Vec<String> {
        numbers("src/ch.md", source)
            .into_iter()
            .filter(|n| !n.checked)
            .map(|n| n.text)
            .collect()
    }

    #[test]
    fn a_bare_number_in_an_answer_is_unchecked_and_a_checked_one_is_not() {
        let src = "{{#question 6 points=1}}\n82 hors réponse.\n{{#answer}}\nLa couche a 82 paramètres, soit {{#check total = 82}}.\n{{#/answer}}\n";
        let all = numbers("src/ch.md", src);
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].line, all[0].column, all[0].checked), (4, 13, false));
        assert!(all[1].checked);
        assert_eq!(all[1].question, Some(6));
    }

    #[test]
    fn formulas_count_their_results_only() {
        let src = "{{#answer}}\n$2 \\times 3 \\times (5 \\times 2 + 2) = 72$ et $K_1 \\cdot Q =$ {{#check d = 0,8}}, $x \\approx 0{,}46$, $T' = 1/T$, $1 - p = 0{,}5 + q$.\n{{#/answer}}";
        assert_eq!(unchecked(src), ["72", "0{,}46"]);
    }

    #[test]
    fn references_names_markers_code_and_links_are_not_results() {
        let src = "{{#note title=\"Q 3\"}}\n1. Voir la figure 3, les figures 4, 5 et 6, les mots 1 à 9, la question\u{a0}7, Q7 et `x = 12`.\n2. Un lien [ici](p2.html#s3), {{#n 1M}} mots et {{#figure f number=14}}.\n\n```rust,compute\nlet x = 12;\n```\n{{#/note}}";
        assert_eq!(unchecked(src), Vec::<String>::new());
    }

    #[test]
    fn a_number_after_a_reference_list_that_ends_is_counted() {
        let src = "{{#answer}}\nLes tokens 1, 2 et 3 ; puis 4 et 82 paramètres.\n`a < 1` puis 5 > 2.\n{{#/answer}}";
        assert_eq!(unchecked(src), ["4", "82", "5", "2"]);
    }

    #[test]
    fn a_directive_inside_a_formula_does_not_shift_the_formulas_after_it() {
        let src = "{{#answer}}\n$x = {{#value v}}$ puis 7 et `$` puis $y = 8$.\n{{#/answer}}";
        assert_eq!(unchecked(src), ["7", "8"]);
    }

    #[test]
    fn numbers_keep_their_separators() {
        let src = "{{#answer}}\nSoit 30\u{202f}000 et 0,46 et 1.5.\n{{#/answer}}";
        assert_eq!(unchecked(src), ["30\u{202f}000", "0,46", "1.5"]);
    }
}
