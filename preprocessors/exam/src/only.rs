//! Content of one edition only, inside a chapter:
//!
//! ```text
//! {{#corrige-only}} … {{#/corrige-only}}   shown in the corrigé, left out of the sujet
//! {{#sujet-only}} … {{#/sujet-only}}       shown in the sujet, left out of the corrigé
//! {{#corrige-only}}                        alone (never closed in its chapter): the whole
//!                                          chapter is left out of the sujet
//! ```
//!
//! A block holds prose, figures and computations, not the exam's structure: a question must
//! stand in both editions (or the numbering of one would jump), and an answer, a note or a
//! rubric is the corrigé's already. Edition blocks do not nest. Every misuse is reported at
//! its file and line.

use crate::edition::Edition;
use crate::structure::{Block, Page, Question};
use common::diagnostic::line_of;
use common::directive::{self, scan};
use common::{Diagnostic, Diagnostics};
use std::ops::Range;

/// One `{{#corrige-only}} … {{#/corrige-only}}` or `{{#sujet-only}} … {{#/sujet-only}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlyBlock {
    /// The edition that shows it.
    pub edition: Edition,
    /// Byte range of the opening directive.
    pub open: Range<usize>,
    /// Byte range of the closing directive.
    pub close: Range<usize>,
}

/// What a chapter says about editions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Only {
    /// The blocks, in source order.
    pub blocks: Vec<OnlyBlock>,
    /// `{{#corrige-only}}` directives that mark the whole chapter.
    pub chapter_marks: Vec<Range<usize>>,
}

/// Whether a directive opens or closes an edition block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Open,
    Close,
}

/// The directives of this module: the edition each one is about, and its side.
const NAMES: [(&str, (Edition, Side)); 4] = [
    ("corrige-only", (Edition::Corrige, Side::Open)),
    ("/corrige-only", (Edition::Corrige, Side::Close)),
    ("sujet-only", (Edition::Sujet, Side::Open)),
    ("/sujet-only", (Edition::Sujet, Side::Close)),
];

/// The names of the directives of this module, for the scanner.
pub const DIRECTIVES: [&str; NAMES.len()] = directive::names(&NAMES);

fn name_of(edition: Edition) -> &'static str {
    match edition {
        Edition::Corrige => "corrige-only",
        Edition::Sujet => "sujet-only",
    }
}

/// Finds the edition blocks of `page` and checks them against its questions and blocks.
pub fn parse(
    page: &Page,
    questions: &[Question],
    blocks: &[Block],
    diagnostics: &mut Diagnostics,
) -> Only {
    let source = page.content.as_str();
    let error = |message: String, range: Range<usize>| {
        Diagnostic::error(message).at(&page.file, source, range)
    };
    let found = scan(source, &DIRECTIVES);
    let meaning = |d: &directive::Directive<'_>| directive::named(&NAMES, d.name);
    // `{{#corrige-only}}` with no closing anywhere in the chapter is the chapter form.
    let chapter_form = !found
        .directives
        .iter()
        .any(|d| meaning(d) == Some((Edition::Corrige, Side::Close)));
    let mut only = Only::default();
    let mut open: Option<(Edition, Range<usize>)> = None;
    for d in &found.directives {
        if !d.args.is_empty() {
            diagnostics.push(error(
                format!(
                    "`{{{{#{}}}}}` takes no arguments, found `{}`",
                    d.name, d.args
                ),
                d.range.clone(),
            ));
        }
        // The scanner finds only the names of DIRECTIVES.
        let Some((edition, side)) = meaning(d) else {
            continue;
        };
        match (side == Side::Close, &open) {
            (false, _) if chapter_form && edition == Edition::Corrige => {
                only.chapter_marks.push(d.range.clone());
            }
            (false, None) => open = Some((edition, d.range.clone())),
            (false, Some((outer, at))) => {
                let mut e = error(
                    format!(
                        "`{{{{#{}}}}}` cannot stand inside another edition block",
                        d.name
                    ),
                    d.range.clone(),
                )
                .note(format!(
                    "`{{{{#{}}}}}` opened at line {} is not closed yet: close it first with `{{{{#/{}}}}}`",
                    name_of(*outer),
                    line_of(source, at.start),
                    name_of(*outer)
                ));
                if *outer == Edition::Corrige {
                    e = e.note("to leave the whole chapter out of the sujet, write `{{#corrige-only}}` alone, with no `{{#/corrige-only}}` in the chapter");
                }
                diagnostics.push(e);
            }
            (true, Some((outer, _))) if *outer == edition => {
                if let Some((edition, opening)) = open.take() {
                    only.blocks.push(OnlyBlock {
                        edition,
                        open: opening,
                        close: d.range.clone(),
                    });
                }
            }
            (true, Some((outer, at))) => diagnostics.push(
                error(
                    format!(
                        "`{{{{#{}}}}}` closes {}, but `{{{{#{}}}}}` is open",
                        d.name,
                        name_of(edition),
                        name_of(*outer)
                    ),
                    d.range.clone(),
                )
                .note(format!(
                    "`{{{{#{}}}}}` opened at line {}",
                    name_of(*outer),
                    line_of(source, at.start)
                )),
            ),
            (true, None) => diagnostics.push(error(
                format!("`{{{{#{}}}}}` closes a block that was never opened", d.name),
                d.range.clone(),
            )),
        }
    }
    if let Some((edition, at)) = open {
        diagnostics.push(
            error(
                format!("`{{{{#{}}}}}` is never closed", name_of(edition)),
                at,
            )
            .note(format!("close it with `{{{{#/{}}}}}`", name_of(edition))),
        );
    }
    check_contents(page, &only.blocks, questions, blocks, diagnostics);
    only
}

/// A question inside an edition block, or an edition block crossing or inside an answer,
/// a note or a rubric, is an error.
fn check_contents(
    page: &Page,
    only: &[OnlyBlock],
    questions: &[Question],
    blocks: &[Block],
    diagnostics: &mut Diagnostics,
) {
    let source = page.content.as_str();
    for o in only {
        let span = o.open.start..o.close.end;
        for q in questions.iter().filter(|q| span.contains(&q.range.start)) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "question {} stands inside `{{{{#{}}}}}`",
                    q.number,
                    name_of(o.edition)
                ))
                .at(&page.file, source, q.range.clone())
                .note("a question stands in both editions: put only prose, figures or computations in an edition block"),
            );
        }
        for b in blocks {
            let block = b.open.start..b.close.end;
            let overlaps = span.start < block.end && block.start < span.end;
            if overlaps {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "`{{{{#{}}}}}` and {} overlap",
                        name_of(o.edition),
                        b.kind.a()
                    ))
                    .at(&page.file, source, o.open.clone())
                    .note(format!(
                        "{} at line {} is shown in the corrigé only already",
                        b.kind.the(),
                        line_of(source, b.open.start)
                    )),
                );
            }
        }
    }
}

/// Ranges to remove from the page for `edition`: the blocks of the other edition, whole,
/// and the directives of this edition's blocks.
pub fn removed(only: &Only, edition: Edition) -> Vec<Range<usize>> {
    let mut out = only.chapter_marks.clone();
    for b in &only.blocks {
        if b.edition == edition {
            out.push(b.open.clone());
            out.push(b.close.clone());
        } else {
            out.push(b.open.start..b.close.end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(content: &str) -> (Only, Vec<String>) {
        let (_, exam, d) = crate::testing::parse(content);
        (exam.only, crate::testing::messages(&d))
    }

    #[test]
    fn blocks_of_each_edition_and_the_chapter_form() {
        let (only, d) = parse(
            "A\n{{#corrige-only}}\nC\n{{#/corrige-only}}\n{{#sujet-only}}S{{#/sujet-only}}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(only.blocks.len(), 2);
        assert_eq!(only.blocks[1].edition, Edition::Sujet);
        assert!(only.chapter_marks.is_empty());
        let (only, d) = parse("# Annexe\n\n{{#corrige-only}}\n\nTexte.\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(only.chapter_marks.len(), 1);
    }

    #[test]
    fn bad_nesting_is_reported_at_its_line() {
        let (_, d) =
            parse("{{#corrige-only}}\n{{#sujet-only}}\nx\n{{#/sujet-only}}\n{{#/corrige-only}}\n");
        assert!(
            d.iter()
                .any(|m| m.starts_with("src/q.md:2:1: `{{#sujet-only}}` cannot stand inside")),
            "{d:?}"
        );
        let (_, d) = parse("{{#sujet-only}}\nx\n{{#/corrige-only}}\n");
        assert!(d.iter().any(|m| m.starts_with("src/q.md:3:1: `{{#/corrige-only}}` closes corrige-only, but `{{#sujet-only}}` is open")), "{d:?}");
        let (_, d) = parse("{{#sujet-only}}\nx\n");
        assert_eq!(d, ["src/q.md:1:1: `{{#sujet-only}}` is never closed"]);
        let (_, d) = parse("x\n{{#/sujet-only}}\n");
        assert!(d[0].starts_with("src/q.md:2:1:"), "{d:?}");
    }

    #[test]
    fn questions_and_answers_do_not_go_inside() {
        let (_, d) = parse("{{#sujet-only}}\n{{#question 1 points=1}} Q ?\n{{#/sujet-only}}\n");
        assert!(
            d.iter()
                .any(|m| m.starts_with("src/q.md:2:1: question 1 stands inside")),
            "{d:?}"
        );
        let (_, d) = parse("{{#question 1 points=1}} Q ?\n\n{{#answer}}\n{{#corrige-only}}\nx\n{{#/corrige-only}}\n{{#/answer}}\n");
        assert!(
            d.iter()
                .any(|m| m.starts_with("src/q.md:4:1: `{{#corrige-only}}` and an answer overlap")),
            "{d:?}"
        );
    }
}
