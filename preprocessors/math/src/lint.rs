//! Warnings for `$` signs that look like math that did not parse, or currency that did.
//!
//! pulldown-cmark decides silently: `$\frac{a}{b$` (unbalanced braces) stays text, `$5-$10`
//! becomes the formula `5-`, and `$|x|$` in a table cell is cut in three cells by the `|`. The
//! stage does not guess what the author meant; it points at the place.

use crate::find::{unescaped_dollars, Formula, Leftover};
use common::Diagnostic;

/// Whether `text` looks like TeX: a control word (`\frac`), a script or a brace.
fn looks_like_tex(text: &str) -> bool {
    let control_word = text
        .match_indices('\\')
        .any(|(i, _)| text[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic()));
    control_word || text.contains(['^', '_', '{', '}'])
}

/// Warnings for one chapter, `path` naming it and `source` its text.
pub fn lint(
    path: &str,
    source: &str,
    formulas: &[Formula],
    leftovers: &[Leftover],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The `$` that would have closed the last reported one: one warning per broken formula.
    let mut skip_until = 0;
    for leftover in leftovers {
        for start in unescaped_dollars(source, leftover.range.clone()) {
            if start < skip_until {
                continue;
            }
            // What would have been the formula: up to the next unescaped `$` of the line.
            let line_end = source[start..]
                .find('\n')
                .map_or(source.len(), |i| start + i);
            let double = source[start + 1..].starts_with('$');
            let open_end = if double { start + 2 } else { start + 1 };
            let close = unescaped_dollars(source, open_end.min(line_end)..line_end).next();
            let would_be = &source[open_end.min(line_end)..close.unwrap_or(line_end)];
            let warning = if double {
                Diagnostic::warning("a `$$` was left as text: this display math did not parse")
                    .note(
                        "a blank line inside `$$...$$` ends the paragraph, so Markdown never sees \
                     the closing `$$`; remove the blank lines inside the formula",
                    )
            } else if close.is_some()
                && would_be.ends_with(char::is_whitespace)
                && looks_like_tex(would_be)
            {
                Diagnostic::warning("a `$` was left as text: the closing `$` follows a space").note(
                    "write `$x$`, not `$x $`: a closing `$` must follow a non-space character",
                )
            } else if leftover.in_table && would_be.contains('|') {
                Diagnostic::warning("a `$` in a table cell was not read as math").note(
                    "a `|` inside `$...$` splits the table cell; write `\\vert` (or `\\|`) instead",
                )
            } else if looks_like_tex(would_be) {
                Diagnostic::warning("a `$` was left as text: this looks like math that did not parse").note(
                    "check that the braces `{}` are balanced, that no blank line cuts the formula, \
                     and write `\\$` for a dollar sign",
                )
            } else {
                continue;
            };
            skip_until = close.map_or(open_end, |c| c + 1);
            out.push(warning.at(path, source, start..start + 1));
        }
    }
    for formula in formulas.iter().filter(|f| !f.display) {
        let next = source
            .get(formula.range.end..)
            .and_then(|s| s.chars().next());
        let starts_with_digit = formula
            .tex
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit());
        if starts_with_digit && next.is_some_and(|c| c.is_ascii_digit()) {
            out.push(
                Diagnostic::warning("this looks like amounts of money, not math")
                    .at(path, source, formula.range.clone())
                    .note(format!(
                        "it was read as the formula `{}`; write `\\$` for a dollar sign",
                        formula.tex
                    )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find::scan;

    fn warnings(source: &str) -> Vec<Diagnostic> {
        let s = scan(source);
        lint("src/a.md", source, &s.formulas, &s.leftovers)
    }

    #[test]
    fn currency_read_as_math_is_reported_at_its_place() {
        let w = warnings("# T\n\nIt costs $5-$10 today.\n");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!((w[0].line, w[0].column), (3, 10));
        assert!(w[0].message.contains("money"));
    }

    #[test]
    fn unbalanced_braces_are_reported() {
        let w = warnings("intro\n\nbroken $\\frac{a}{b$ here\n");
        assert!(!w.is_empty(), "{w:?}");
        assert_eq!(w[0].line, 3);
    }

    #[test]
    fn pipe_in_table_math_is_reported() {
        let w = warnings("| a |\n|---|\n| $|x|$ |\n");
        assert!(
            w.iter().any(|d| d.message.contains("table") && d.line == 3),
            "{w:?}"
        );
    }

    #[test]
    fn a_space_before_the_closing_dollar_is_named_once() {
        let w = warnings("| a |\n|---|\n| $\\texttt{x} $ |\n");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("follows a space"), "{w:?}");
    }

    #[test]
    fn display_math_cut_by_a_blank_line_is_reported() {
        let w = warnings("$$a =\n\nb$$\n");
        assert!(w[0].message.contains("`$$`"), "{w:?}");
        assert_eq!(w[0].line, 1);
    }

    #[test]
    fn plain_prices_and_good_math_are_quiet() {
        assert!(warnings("It costs $5 or \\$6, and $x^2$ holds.\n").is_empty());
    }
}
