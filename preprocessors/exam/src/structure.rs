//! The exam as data: each chapter's questions, answers, notes, rubrics, barèmes, headers and
//! edition blocks (see [`crate::only`]), found on the Markdown source, then checked across the
//! whole book (numbering 1..N in reading order, points adding up to the declared total, rubric
//! parts adding up to their question's points).
//!
//! Everything is checked before anything is rewritten, and every problem is collected, so
//! that one build reports all of them with file and line.

use crate::only::{self, Only};
use crate::rubric::{self, Part};
use crate::syntax::{self, Points};
use common::diagnostic::line_of;
use common::directive::{self, scan, Directive};
use common::{Diagnostic, Diagnostics};
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use std::collections::HashMap;
use std::ops::Range;

pub use common::page::Page;

/// One `{{#question}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The question's number, as written: `{{#question 6}}`.
    pub number: u32,
    /// What it is worth.
    pub points: Points,
    /// Its title (`title="…"`), shown after « Question 6 ».
    pub title: Option<String>,
    /// Index of its page in reading order.
    pub page: usize,
    /// The directive's byte range in the page.
    pub range: Range<usize>,
    /// The heading level it renders at: one below the last Markdown heading above it, so that
    /// questions nest in mdBook's page outline under the part or exercise that holds them.
    pub level: u8,
    /// Where the directive's line starts, and the container prefix of that line (indentation,
    /// `>` of a block quote) that generated lines must repeat.
    pub prefix: String,
}

/// What a delimited block is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The answer to the question: corrigé only.
    Answer,
    /// A remark for the reader of the corrigé (a convention, a common mistake).
    Note {
        /// The note's own title (`title="…"`), or the default « Remarque ».
        title: Option<String>,
    },
    /// The detailed barème of the question: its parts and the answers to accept.
    Rubric {
        /// The parts, in the order the grader reads them.
        parts: Vec<Part>,
    },
}

/// One `{{#answer}}…{{#/answer}}`, `{{#note}}…{{#/note}}` or `{{#rubric}}…{{#/rubric}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Answer, note or rubric.
    pub kind: Kind,
    /// Byte range of the opening directive.
    pub open: Range<usize>,
    /// Byte range of the closing directive.
    pub close: Range<usize>,
    /// The question it answers or annotates: the last one above it in the same chapter.
    pub question: Option<u32>,
    /// Whether it stands inside another block (a note inside an answer).
    pub nested: bool,
    /// Opening and closing on one line: rendered as an inline span, not a division.
    pub inline: bool,
    /// Container prefix of the opening's line (see [`Question::prefix`]).
    pub prefix: String,
}

/// What one chapter holds.
#[derive(Debug, Clone, Default)]
pub struct PageExam {
    /// The questions, in source order.
    pub questions: Vec<Question>,
    /// The answers, notes and rubrics, in source order.
    pub blocks: Vec<Block>,
    /// Byte ranges of the `{{#bareme}}` directives.
    pub baremes: Vec<Range<usize>>,
    /// Ranges of `{{#exam-header}}` directives.
    pub headers: Vec<Range<usize>>,
    /// Content of one edition only, and the mark of a chapter that is the corrigé's only.
    pub only: Only,
}

impl PageExam {
    /// Whether `{{#corrige-only}}` marks the whole chapter: the sujet leaves it out.
    pub fn is_corrige_only(&self) -> bool {
        !self.only.chapter_marks.is_empty()
    }
}

/// A directive of this stage, as its name says: the names are matched once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    /// `{{#question N points=P}}`.
    Question,
    /// `{{#answer}}`, `{{#note}}`, `{{#rubric}}`.
    Open(Container),
    /// `{{#/answer}}`, `{{#/note}}`, `{{#/rubric}}`.
    Close(Container),
    /// `{{#bareme}}`.
    Bareme,
    /// `{{#exam-header}}`.
    ExamHeader,
}

/// The blocks that open and close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Answer,
    Note,
    Rubric,
}

/// Every directive of this stage, as the author spells it.
const NAMES: [(&str, Name); 9] = [
    ("question", Name::Question),
    ("answer", Name::Open(Container::Answer)),
    ("/answer", Name::Close(Container::Answer)),
    ("note", Name::Open(Container::Note)),
    ("/note", Name::Close(Container::Note)),
    ("rubric", Name::Open(Container::Rubric)),
    ("/rubric", Name::Close(Container::Rubric)),
    ("bareme", Name::Bareme),
    ("exam-header", Name::ExamHeader),
];

/// The names of the directives of this stage, for the scanner.
pub const DIRECTIVES: [&str; NAMES.len()] = directive::names(&NAMES);

impl Container {
    /// The block's kind, from the opening directive's arguments.
    fn kind(self, args: &str) -> Result<Kind, String> {
        match self {
            Container::Answer => syntax::none(args).map(|()| Kind::Answer),
            Container::Rubric => syntax::none(args).map(|()| Kind::Rubric { parts: Vec::new() }),
            Container::Note => syntax::title_only(args).map(|title| Kind::Note { title }),
        }
    }

    /// The kind of a block whose arguments are wrong: it is still tracked, so that its
    /// closing is not reported too.
    fn fallback(self) -> Kind {
        match self {
            Container::Answer => Kind::Answer,
            Container::Rubric => Kind::Rubric { parts: Vec::new() },
            Container::Note => Kind::Note { title: None },
        }
    }
}

/// Finds the exam directives of one page and checks their local structure.
pub fn parse_page(page: &Page, index: usize, diagnostics: &mut Diagnostics) -> PageExam {
    let source = page.content.as_str();
    let found = scan(source, &DIRECTIVES);
    for range in &found.unterminated {
        diagnostics.push(
            Diagnostic::error("this directive is not closed with `}}` on the same line").at(
                &page.file,
                source,
                range.clone(),
            ),
        );
    }
    let mut parser = PageParser {
        page,
        index,
        headings: headings(source),
        exam: PageExam::default(),
        open: Vec::new(),
        diagnostics,
    };
    for d in &found.directives {
        match directive::named(&NAMES, d.name) {
            Some(Name::Question) => parser.question(d),
            Some(Name::Open(container)) => parser.open_block(container, d),
            Some(Name::Close(container)) => parser.close_block(container, d),
            Some(Name::Bareme) => parser.bareme(d),
            Some(Name::ExamHeader) => parser.exam_header(d),
            // The scanner finds only the names of DIRECTIVES.
            None => {}
        }
    }
    let PageParser {
        mut exam,
        open,
        diagnostics,
        ..
    } = parser;
    let error = |message: String, range: Range<usize>| {
        Diagnostic::error(message).at(&page.file, source, range)
    };
    for (kind, at) in open {
        diagnostics.push(
            error(format!("{} is never closed", kind.the()), at)
                .note(format!("close it with `{{{{#/{}}}}}`", kind.name())),
        );
    }
    exam.only = only::parse(page, &exam.questions, &exam.blocks, diagnostics);
    check_rubrics(page, &exam, diagnostics);
    if exam.is_corrige_only() {
        for q in &exam.questions {
            diagnostics.push(
                error(
                    format!(
                        "question {} stands in a chapter marked `{{{{#corrige-only}}}}`",
                        q.number
                    ),
                    q.range.clone(),
                )
                .note("the exam paper (sujet) drops this chapter, so it would lose the question"),
            );
        }
    }
    exam.blocks.sort_by_key(|b| b.open.start);
    exam
}

/// The state of one chapter's parse: what it found so far, and the blocks still open.
struct PageParser<'a> {
    page: &'a Page,
    /// The page's index in reading order.
    index: usize,
    /// The Markdown headings: where each stands and its level.
    headings: Vec<(usize, u8)>,
    exam: PageExam,
    /// Open blocks, innermost last, with their opening directive's range.
    open: Vec<(Kind, Range<usize>)>,
    diagnostics: &'a mut Diagnostics,
}

impl PageParser<'_> {
    fn source(&self) -> &str {
        &self.page.content
    }

    fn error(&self, message: impl Into<String>, range: Range<usize>) -> Diagnostic {
        Diagnostic::error(message).at(&self.page.file, self.source(), range)
    }

    /// An error about the arguments of `d`, naming it.
    fn args_error(&mut self, d: &Directive<'_>, message: String) {
        let e = self.error(format!("`{{{{#{}}}}}`: {message}", d.name), d.range.clone());
        self.diagnostics.push(e);
    }

    /// Whether `d` has no arguments, as it should; reports it otherwise.
    fn no_arguments(&mut self, d: &Directive<'_>) -> bool {
        match syntax::none(d.args) {
            Ok(()) => true,
            Err(message) => {
                self.args_error(d, message);
                false
            }
        }
    }

    /// `{{#bareme}}`: where the barème's table goes.
    fn bareme(&mut self, d: &Directive<'_>) {
        if self.no_arguments(d) {
            self.exam.baremes.push(d.range.clone());
        }
    }

    /// `{{#exam-header}}`: where the exam's header goes.
    fn exam_header(&mut self, d: &Directive<'_>) {
        if self.no_arguments(d) {
            self.exam.headers.push(d.range.clone());
        }
    }

    /// `{{#question}}`: at the start of a line, outside any block.
    fn question(&mut self, d: &Directive<'_>) {
        let range = d.range.clone();
        if let Some((kind, at)) = self.open.last() {
            let e = self
                .error(
                    format!("a question cannot start inside {}", kind.a()),
                    range.clone(),
                )
                .note(format!(
                    "{} opened at line {} is not closed",
                    kind.the(),
                    line_of(self.source(), at.start)
                ));
            self.diagnostics.push(e);
        }
        let Some(prefix) = container_prefix(self.source(), range.start) else {
            let e = self
                .error(
                    "`{{#question}}` must start a line: it becomes a heading",
                    range,
                )
                .note("put the statement after it, on the same line or the next");
            self.diagnostics.push(e);
            return;
        };
        match syntax::question(d.args) {
            Ok(args) => self.exam.questions.push(Question {
                number: args.number,
                points: args.points,
                title: args.title,
                page: self.index,
                level: level_at(&self.headings, range.start),
                range,
                prefix,
            }),
            Err(message) => self.args_error(d, message),
        }
    }

    /// `{{#answer}}`, `{{#note}}`, `{{#rubric}}`: a note or a rubric may stand inside an
    /// answer, nothing else nests; an answer or a rubric follows a question.
    fn open_block(&mut self, container: Container, d: &Directive<'_>) {
        let range = d.range.clone();
        let kind = container.kind(d.args).unwrap_or_else(|message| {
            self.args_error(d, message);
            container.fallback()
        });
        let nested_ok = matches!(
            (self.open.last(), &kind),
            (None, _)
                | (
                    Some((Kind::Answer, _)),
                    Kind::Note { .. } | Kind::Rubric { .. }
                )
        );
        if let (false, Some((outer, at))) = (nested_ok, self.open.last()) {
            let e = self
                .error(
                    format!("{} cannot stand inside {}", kind.a(), outer.a()),
                    range,
                )
                .note(format!(
                    "{} opened at line {} is not closed yet",
                    outer.the(),
                    line_of(self.source(), at.start)
                ))
                .note(format!("close it with `{{{{#/{}}}}}` first", outer.name()));
            self.diagnostics.push(e);
            return;
        }
        if matches!(kind, Kind::Answer | Kind::Rubric { .. }) && self.exam.questions.is_empty() {
            let e = self
                .error(format!("{} stands before any question of its chapter", kind.a()), range.clone())
                .note("answers and rubrics belong to the `{{#question}}` above them, in the same chapter")
                .note("for a remark that answers no question, use `{{#note}}`");
            self.diagnostics.push(e);
        }
        self.open.push((kind, range));
    }

    /// `{{#/answer}}`, `{{#/note}}`, `{{#/rubric}}`: closes the innermost open block, which must
    /// be of its kind.
    fn close_block(&mut self, container: Container, d: &Directive<'_>) {
        if let Err(message) = syntax::none(d.args) {
            self.args_error(d, message);
        }
        let range = d.range.clone();
        let wanted = &d.name[1..];
        let e = match self.open.last() {
            Some((kind, _)) if kind.container() == container => {
                self.close_innermost(range);
                return;
            }
            Some((kind, at)) => self
                .error(
                    format!(
                        "`{{{{#{}}}}}` closes {wanted}, but {} is open",
                        d.name,
                        kind.a()
                    ),
                    range,
                )
                .note(format!(
                    "{} opened at line {}: close it first with `{{{{#/{}}}}}`",
                    kind.the(),
                    line_of(self.source(), at.start),
                    kind.name()
                )),
            None => self.error(
                format!(
                    "`{{{{#{}}}}}` closes {wanted} that was never opened",
                    d.name
                ),
                range,
            ),
        };
        self.diagnostics.push(e);
    }

    /// Turns the innermost open block, closed at `close`, into a [`Block`].
    fn close_innermost(&mut self, close: Range<usize>) {
        let Some((mut kind, opening)) = self.open.pop() else {
            return;
        };
        let source = self.page.content.as_str();
        if let Kind::Rubric { parts } = &mut kind {
            match rubric::parse(source, opening.end..close.start) {
                Ok(found) => *parts = found,
                Err((message, at)) => {
                    let e = self.error(message, at);
                    self.diagnostics.push(e);
                }
            }
        }
        self.exam.blocks.push(Block {
            kind,
            prefix: line_prefix(source, opening.start),
            inline: !source[opening.start..close.end].contains('\n'),
            open: opening,
            close,
            question: self.exam.questions.last().map(|q| q.number),
            nested: !self.open.is_empty(),
        });
    }
}

/// The parts of each question's rubric add up to its points; a question has one rubric.
fn check_rubrics(page: &Page, exam: &PageExam, diagnostics: &mut Diagnostics) {
    let source = page.content.as_str();
    let mut seen: Vec<u32> = Vec::new();
    for block in &exam.blocks {
        let Kind::Rubric { parts } = &block.kind else {
            continue;
        };
        let Some(q) = exam
            .questions
            .iter()
            .find(|q| Some(q.number) == block.question)
        else {
            continue;
        };
        if seen.contains(&q.number) {
            diagnostics.push(
                Diagnostic::error(format!("question {} has a second rubric", q.number))
                    .at(&page.file, source, block.open.clone())
                    .note("write all the parts of a question in one `{{#rubric}}`"),
            );
            continue;
        }
        seen.push(q.number);
        let sum = rubric::sum(parts);
        if !parts.is_empty() && sum != q.points {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the parts of this rubric add up to {}, but question {} is worth {}",
                    sum.display('.'),
                    q.number,
                    q.points.display('.')
                ))
                .at(&page.file, source, block.open.clone())
                .note(format!(
                    "question {} is at line {}",
                    q.number,
                    line_of(source, q.range.start)
                )),
            );
        }
    }
}

impl Kind {
    fn container(&self) -> Container {
        match self {
            Kind::Answer => Container::Answer,
            Kind::Note { .. } => Container::Note,
            Kind::Rubric { .. } => Container::Rubric,
        }
    }

    /// The directive's name: `answer`, `note`, `rubric`.
    fn name(&self) -> &'static str {
        match self.container() {
            Container::Answer => "answer",
            Container::Note => "note",
            Container::Rubric => "rubric",
        }
    }
    pub(crate) fn a(&self) -> &'static str {
        match self {
            Kind::Answer => "an answer",
            Kind::Note { .. } => "a note",
            Kind::Rubric { .. } => "a rubric",
        }
    }
    pub(crate) fn the(&self) -> &'static str {
        match self {
            Kind::Answer => "the answer",
            Kind::Note { .. } => "the note",
            Kind::Rubric { .. } => "the rubric",
        }
    }
}

/// Checks the questions of the whole book, in reading order: numbers 1..N once each, points
/// adding up to `total`. `pages` and `exams` are parallel.
pub fn validate(
    pages: &[Page],
    exams: &[PageExam],
    total: Option<Points>,
    decimal: char,
    diagnostics: &mut Diagnostics,
) {
    let all: Vec<&Question> = exams.iter().flat_map(|e| &e.questions).collect();
    if all.is_empty() {
        return;
    }
    let at = |q: &Question| {
        let page = &pages[q.page];
        (page.file.as_str(), page.content.as_str(), q.range.clone())
    };
    let place = |q: &Question| {
        let (file, source, range) = at(q);
        let (line, column) = common::diagnostic::line_column(source, range.start);
        format!("{file}:{line}:{column}")
    };
    let mut first: HashMap<u32, &Question> = HashMap::new();
    let mut highest = 0;
    for q in &all {
        let (file, source, range) = at(q);
        if let Some(earlier) = first.get(&q.number) {
            diagnostics.push(
                Diagnostic::error(format!("question {} is numbered twice", q.number))
                    .at(file, source, range)
                    .note(format!(
                        "question {} is already at {}",
                        q.number,
                        place(earlier)
                    )),
            );
            continue;
        }
        if q.number < highest {
            diagnostics.push(
                Diagnostic::error(format!("question {} comes after question {highest} in reading order", q.number))
                    .at(file, source, range)
                    .note("questions are numbered 1, 2, 3… in the order of SUMMARY.md and of each chapter"),
            );
        } else if q.number > highest + 1 {
            let missing: Vec<String> = (highest + 1..q.number)
                .filter(|n| !all.iter().any(|o| o.number == *n))
                .map(|n| n.to_string())
                .collect();
            if !missing.is_empty() {
                let (noun, list) = if missing.len() == 1 {
                    ("question", missing[0].clone())
                } else {
                    ("questions", missing.join(", "))
                };
                diagnostics.push(
                    Diagnostic::error(format!(
                        "{noun} {list} missing: the numbering jumps from {highest} to {}",
                        q.number
                    ))
                    .at(file, source, range)
                    .note("questions are numbered 1 to N without a gap"),
                );
            }
        }
        first.insert(q.number, q);
        highest = highest.max(q.number);
    }
    let sum: Points = all.iter().map(|q| q.points).sum();
    match total {
        None => diagnostics.push(
            Diagnostic::error("the book has questions but book.toml declares no total")
                .in_file("book.toml")
                .note(format!(
                    "add `total = {}` under `[preprocessor.exam]`",
                    sum.display('.')
                )),
        ),
        Some(total) if total != sum => {
            let mut d = Diagnostic::error(format!(
                "the points add up to {}, but book.toml declares a total of {}",
                sum.display(decimal),
                total.display(decimal)
            ))
            .in_file("book.toml");
            for q in &all {
                d = d.note(format!(
                    "question {}: {} ({})",
                    q.number,
                    q.points.display(decimal),
                    place(q)
                ));
            }
            diagnostics.push(d);
        }
        Some(_) => {}
    }
}

/// A question without any answer is allowed (a question may be argued in a note), but rare
/// enough to be worth a warning in the corrigé.
pub fn warn_unanswered(pages: &[Page], exams: &[PageExam], diagnostics: &mut Diagnostics) {
    for exam in exams {
        for q in &exam.questions {
            let answered = exam
                .blocks
                .iter()
                .any(|b| b.kind == Kind::Answer && b.question == Some(q.number));
            if !answered {
                let page = &pages[q.page];
                diagnostics.push(
                    Diagnostic::warning(format!("question {} has no `{{{{#answer}}}}`", q.number))
                        .at(&page.file, &page.content, q.range.clone()),
                );
            }
        }
    }
}

/// Markdown headings of `source`: start offset and level.
fn headings(source: &str) -> Vec<(usize, u8)> {
    common::markdown::parser(source)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Heading { level, .. }) => Some((range.start, level as u8)),
            _ => None,
        })
        .collect()
}

fn level_at(headings: &[(usize, u8)], at: usize) -> u8 {
    let above = headings.iter().take_while(|(start, _)| *start < at).last();
    above.map_or(2, |(_, level)| (level + 1).clamp(2, 6))
}

/// The start of the line that holds `at`, up to `at`, when it is only a container prefix
/// (spaces, tabs, `>`): the directive starts a line. `None` when text stands before it.
pub fn container_prefix(source: &str, at: usize) -> Option<String> {
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[start..at];
    before
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '>'))
        .then(|| before.to_owned())
}

/// The container prefix at the start of the line that holds `at` (its spaces, tabs and `>`),
/// whatever text follows.
pub fn line_prefix(source: &str, at: usize) -> String {
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    source[start..at]
        .chars()
        .take_while(|c| matches!(c, ' ' | '\t' | '>'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::messages;

    fn parse(content: &str) -> (PageExam, Diagnostics) {
        let (_, exam, d) = crate::testing::parse(content);
        (exam, d)
    }

    #[test]
    fn questions_answers_and_notes_are_found_with_their_question() {
        let (exam, d) = parse("# Partie\n\n## TP\n\n{{#question 1 points=2}} Énoncé.\n\n{{#answer}}\nR.\n{{#note}}N{{#/note}}\n{{#/answer}}\n");
        assert!(d.0.is_empty(), "{:?}", messages(&d));
        assert_eq!(exam.questions.len(), 1);
        assert_eq!(exam.questions[0].level, 3);
        assert_eq!(exam.blocks.len(), 2);
        assert_eq!(exam.blocks[0].kind, Kind::Answer);
        assert!(!exam.blocks[0].inline && !exam.blocks[0].nested);
        assert!(exam.blocks[1].inline && exam.blocks[1].nested);
        assert_eq!(exam.blocks[1].question, Some(1));
    }

    #[test]
    fn an_unclosed_answer_is_an_error_at_its_opening() {
        let (_, d) = parse("{{#question 1 points=1}}\n\n{{#answer}}\ntext\n");
        assert_eq!(messages(&d), ["src/q.md:3:1: the answer is never closed"]);
    }

    #[test]
    fn nesting_and_stray_closings_are_errors() {
        let (_, d) = parse("{{#question 1 points=1}}\n{{#answer}}\n{{#answer}}\n{{#/answer}}\n{{#/answer}}\n{{#note}}\n{{#/answer}}\n{{#/note}}\n");
        let m = messages(&d);
        assert!(
            m.iter()
                .any(|m| m.starts_with("src/q.md:3:1: an answer cannot stand inside an answer")),
            "{m:?}"
        );
        assert!(
            m.iter().any(|m| m
                .starts_with("src/q.md:5:1: `{{#/answer}}` closes answer that was never opened")),
            "{m:?}"
        );
        assert!(
            m.iter()
                .any(|m| m
                    .starts_with("src/q.md:7:1: `{{#/answer}}` closes answer, but a note is open")),
            "{m:?}"
        );
        assert_eq!(m.len(), 3, "{m:?}");
    }

    #[test]
    fn an_answer_before_any_question_is_an_error() {
        let (_, d) = parse("Intro.\n\n{{#answer}}\nx\n{{#/answer}}\n");
        assert!(messages(&d)[0].contains("before any question"));
    }

    #[test]
    fn a_question_must_start_a_line_and_have_good_args() {
        let (_, d) = parse("Texte {{#question 1 points=1}}\n\n{{#question 2 points=abc}}\n\n{{#answer x}}{{#/answer}}\n");
        let m = messages(&d);
        assert!(m[0].contains("must start a line"), "{m:?}");
        assert!(
            m[1].starts_with("src/q.md:3:1: `{{#question}}`: `abc` is not a number"),
            "{m:?}"
        );
        assert!(m[2].contains("takes no arguments"), "{m:?}");
    }

    fn book(pages: &[&str]) -> (Vec<Page>, Vec<PageExam>, Diagnostics) {
        let pages: Vec<Page> = pages
            .iter()
            .enumerate()
            .map(|(i, c)| Page {
                key: format!("p{i}.md").into(),
                file: format!("src/p{i}.md"),
                content: (*c).into(),
            })
            .collect();
        let mut d = Diagnostics::new();
        let exams = pages
            .iter()
            .enumerate()
            .map(|(i, p)| parse_page(p, i, &mut d))
            .collect();
        (pages, exams, d)
    }

    fn validated(pages: &[&str], total: u64) -> Vec<String> {
        let (pages, exams, mut d) = book(pages);
        validate(&pages, &exams, Some(Points(total * 1000)), '.', &mut d);
        d.0.iter()
            .map(|d| format!("{}: {} {:?}", d.location(), d.message, d.notes))
            .collect()
    }

    #[test]
    fn numbering_runs_across_chapters() {
        let m = validated(
            &[
                "{{#question 1 points=1}}\n",
                "x\n\n{{#question 2 points=1,5}}\n{{#question 3 points=0.5}}\n",
            ],
            3,
        );
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn a_gap_names_the_missing_number() {
        let m = validated(
            &["{{#question 1 points=1}}\n", "{{#question 3 points=1}}\n"],
            2,
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].starts_with("src/p1.md:1:1: question 2 missing: the numbering jumps from 1 to 3"),
            "{m:?}"
        );
    }

    #[test]
    fn a_duplicate_points_at_the_second_and_names_the_first() {
        let m = validated(
            &[
                "{{#question 1 points=1}}\n",
                "\n{{#question 1 points=1}}\n{{#question 2 points=1}}\n",
            ],
            3,
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].starts_with("src/p1.md:2:1: question 1 is numbered twice"),
            "{m:?}"
        );
        assert!(m[0].contains("already at src/p0.md:1:1"), "{m:?}");
    }

    #[test]
    fn out_of_order_numbers_are_errors() {
        let m = validated(&["{{#question 2 points=1}}\n{{#question 1 points=1}}\n"], 2);
        assert!(
            m.iter()
                .any(|m| m.contains("question 1 comes after question 2")),
            "{m:?}"
        );
    }

    #[test]
    fn a_wrong_total_lists_the_sum_and_each_question() {
        let m = validated(
            &["{{#question 1 points=1}}\n{{#question 2 points=2,5}}\n"],
            20,
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].starts_with(
                "book.toml: the points add up to 3.5, but book.toml declares a total of 20"
            ),
            "{m:?}"
        );
        assert!(
            m[0].contains("question 1: 1 (src/p0.md:1:1)")
                && m[0].contains("question 2: 2.5 (src/p0.md:2:1)"),
            "{m:?}"
        );
    }

    #[test]
    fn questions_without_a_total_are_an_error() {
        let (pages, exams, mut d) = book(&["{{#question 1 points=1}}\n"]);
        validate(&pages, &exams, None, '.', &mut d);
        assert!(d.has_errors());
    }

    #[test]
    fn a_question_in_a_corrige_only_chapter_is_an_error() {
        let (_, d) = parse("{{#corrige-only}}\n{{#question 1 points=1}}\n");
        assert!(messages(&d)[0].contains("marked `{{#corrige-only}}`"));
    }

    #[test]
    fn directives_in_code_are_examples() {
        let (exam, d) =
            parse("Écrire `{{#answer}}` puis :\n\n```\n{{#question 1 points=1}}\n```\n");
        assert!(d.0.is_empty());
        assert!(exam.questions.is_empty() && exam.blocks.is_empty());
    }
}
