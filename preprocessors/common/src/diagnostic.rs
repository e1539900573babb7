//! Errors and warnings that point at a line of the book, printed like rustc's.
//!
//! ```text
//! error: the written answer does not match the computation
//!   --> src/partie2.md:42:18
//!    |
//! 42 | Les scores sont {{#check scores[0] = 0.47}}.
//!    |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^
//!    = written: 0.47
//! ```

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Printed; the build goes on (unless warnings are denied).
    Warning,
}

/// One problem found in the book, with the place it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file as the user names it, relative to the book root (`src/q7.md`).
    pub path: String,
    /// 1-based line; 0 when the problem has no line (a missing file).
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// The text of the line, to quote under the location.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters to underline from `column`.
    #[serde(skip)]
    pub width: usize,
    /// `= ...` lines: the written and computed values, the rule, a hint.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    /// A warning with no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Self {
            severity,
            message: message.into(),
            path: String::new(),
            line: 0,
            column: 0,
            source_line: None,
            width: 0,
            notes: Vec::new(),
        }
    }

    /// Points at `range`, a byte range of `source`, the text of the file `path`.
    pub fn at(mut self, path: &str, source: &str, range: Range<usize>) -> Self {
        let start = floor_char_boundary(source, range.start.min(source.len()));
        let end = floor_char_boundary(source, range.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        self.path = path.to_owned();
        (self.line, self.column) = line_column(source, start);
        self.width = source[start..end.min(line_end)].chars().count().max(1);
        self.source_line = Some(line_text.to_owned());
        self
    }

    /// Points at a whole line (1-based) of `path`, quoting it from `source` when given.
    pub fn at_line(mut self, path: &str, source: Option<&str>, line: usize) -> Self {
        self.path = path.to_owned();
        self.line = line;
        self.source_line =
            source.and_then(|s| s.lines().nth(line.wrapping_sub(1)).map(str::to_owned));
        match &self.source_line {
            Some(text) => {
                let indent = text.chars().take_while(|c| c.is_whitespace()).count();
                self.column = indent + 1;
                self.width = text.chars().count().saturating_sub(indent).max(1);
            }
            None => self.column = 0,
        }
        self
    }

    /// Names a file without a line.
    pub fn in_file(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    /// Adds an `= note` line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether it stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, or as much of it as is known.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.path.clone(),
            (line, 0) => format!("{}:{line}", self.path),
            (line, column) => format!("{}:{line}:{column}", self.path),
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `source`, as editors count
/// them; an offset inside a character counts as that character.
///
/// ```
/// assert_eq!(coursebook_common::diagnostic::line_column("ab\nÉté x", 8), (2, 4));
/// ```
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let at = floor_char_boundary(source, offset.min(source.len()));
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        source[..at].matches('\n').count() + 1,
        source[line_start..at].chars().count() + 1,
    )
}

/// The 1-based line of byte `offset` of `source`: [`line_column`]'s line.
pub fn line_of(source: &str, offset: usize) -> usize {
    line_column(source, offset).0
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}: {}", self.message)?;
        let gutter = " ".repeat(self.line.to_string().len());
        if !self.path.is_empty() {
            writeln!(f, "{gutter}--> {}", self.location())?;
        }
        if let Some(text) = &self.source_line {
            let (quoted, column, width) = quote_window(text, self.column, self.width);
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{} | {quoted}", self.line)?;
            if column > 0 {
                let pad: String = quoted
                    .chars()
                    .take(column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{gutter} | {pad}{}", "^".repeat(width))?;
            }
        }
        for note in &self.notes {
            writeln!(f, "{gutter} = {note}")?;
        }
        Ok(())
    }
}

/// The most characters of a source line a diagnostic quotes.
const QUOTE_CHARS: usize = 160;

/// The part of `line` to quote, with the column and width of the underline in it: the whole
/// line when it is short, else [`QUOTE_CHARS`] characters around `column`, cut ends marked
/// `…` (a formula of 150 KB on one line is not printed whole, twice).
fn quote_window(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= QUOTE_CHARS {
        return (line.to_owned(), column, width);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(QUOTE_CHARS / 4);
    let end = (start + QUOTE_CHARS).min(chars.len());
    let mut quoted = String::new();
    if start > 0 {
        quoted.push('…');
    }
    quoted.extend(&chars[start..end]);
    if end < chars.len() {
        quoted.push('…');
    }
    let column = if column == 0 {
        0
    } else {
        at - start + 1 + usize::from(start > 0)
    };
    (quoted, column, width.min(end.saturating_sub(at)).max(1))
}

/// Every problem a stage found in one run, so that one build reports them all.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostic yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// How many are errors.
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Whether one is an error.
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Emits the warnings ([`crate::emit`]; mdBook's own `tracing` output may have no
    /// subscriber) and returns `Err(self)` when there is an error.
    pub fn into_result(self) -> Result<(), Diagnostics> {
        if self.has_errors() {
            return Err(self);
        }
        for warning in &self.0 {
            crate::emit::emit(warning);
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let errors = self.errors();
        let plural = if errors == 1 { "" } else { "s" };
        write!(f, "error: the book has {errors} error{plural}")
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column_in_characters() {
        let source = "# Titre\n\nÉté : {{#check x = 1}}\n";
        let start = source.find("{{").unwrap();
        let d = Diagnostic::error("mismatch")
            .at("src/a.md", source, start..start + 15)
            .note("written: 1");
        assert_eq!((d.line, d.column), (3, 7));
        let text = d.to_string();
        assert!(text.contains("--> src/a.md:3:7"), "{text}");
        assert!(text.contains("3 | Été : {{#check x = 1}}"), "{text}");
        assert!(text.contains("  |       ^^^^^^^^^^^^^^^"), "{text}");
        assert!(text.contains("= written: 1"), "{text}");
    }

    #[test]
    fn a_whole_line_is_underlined_from_its_indent() {
        let d = Diagnostic::error("x").at_line("f.md", Some("a\n    let x = ;\n"), 2);
        assert_eq!((d.line, d.column, d.width), (2, 5, 9));
    }

    #[test]
    fn a_long_line_is_quoted_around_the_place_it_points_at() {
        let source = format!(
            "{} {{{{#check x = 1}}}} {}\n",
            "a".repeat(5000),
            "b".repeat(5000)
        );
        let start = source.find("{{").unwrap();
        let text = Diagnostic::error("x")
            .at("f.md", &source, start..start + 16)
            .to_string();
        assert!(text.len() < 600, "{} bytes quoted", text.len());
        let quote = text.lines().find(|l| l.starts_with("1 | ")).unwrap();
        let marks = text.lines().find(|l| l.contains('^')).unwrap();
        assert!(
            quote.starts_with("1 | …aaa") && quote.ends_with("bbb…"),
            "{quote}"
        );
        let column = marks.chars().position(|c| c == '^').unwrap();
        let underlined: String = quote.chars().skip(column).take(16).collect();
        assert_eq!(underlined, "{{#check x = 1}}", "{text}");
        assert_eq!(marks.matches('^').count(), 16);
    }

    #[test]
    fn collection_counts_errors_not_warnings() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::warning("w"));
        assert!(all.clone().into_result().is_ok());
        all.push(Diagnostic::error("e"));
        assert!(all.to_string().ends_with("the book has 1 error"));
    }
}
