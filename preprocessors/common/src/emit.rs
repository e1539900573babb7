//! Where diagnostics go, and in which shape.
//!
//! - For a person, as rustc prints them (the default), on stderr.
//! - For editors, one JSON object a line on stdout, shaped like rustc's
//!   `--error-format=json` diagnostics (`message`, `level`, `spans` with file, line and column,
//!   `children` for the notes, `rendered`), so that problem matchers made for rustc read them.
//! - For GitHub Actions, a workflow command a diagnostic on stdout as well
//!   (`::error file=src/partie2.md,line=88,col=31::…`), so that a pull request shows each
//!   problem on the line that holds it.
//!
//! The front end chooses once, at start; the stages only call [`emit`].

use crate::diagnostic::{Diagnostic, Severity};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// The shape of diagnostics on the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// As rustc prints them for a person, on stderr.
    Human,
    /// One rustc-shaped JSON object a line, on stdout.
    Json,
}

static FORMAT: AtomicU8 = AtomicU8::new(0);
static GITHUB: AtomicBool = AtomicBool::new(false);

/// Sets the shape of every diagnostic emitted from now on.
pub fn set_format(format: Format) {
    FORMAT.store(format as u8, Ordering::Relaxed);
}

/// Adds (or stops adding) a GitHub workflow command for each diagnostic.
pub fn set_github_annotations(on: bool) {
    GITHUB.store(on, Ordering::Relaxed);
}

/// The shape set by [`set_format`].
pub fn format() -> Format {
    match FORMAT.load(Ordering::Relaxed) {
        1 => Format::Json,
        _ => Format::Human,
    }
}

/// Writes `diagnostic` where and as the front end chose.
pub fn emit(diagnostic: &Diagnostic) {
    match format() {
        Format::Human => crate::progress::eprint(&diagnostic.to_string()),
        Format::Json => println!("{}", json(diagnostic)),
    }
    if GITHUB.load(Ordering::Relaxed) {
        println!("{}", github(diagnostic));
    }
    let _ = std::io::stdout().flush();
}

/// `diagnostic` as rustc's JSON diagnostics have it.
///
/// ```
/// use coursebook_common::Diagnostic;
/// let d = Diagnostic::error("mismatch").at("src/a.md", "x\nLe {{#check a = 1}}\n", 5..21);
/// let j = coursebook_common::emit::json(&d);
/// assert_eq!(j["level"], "error");
/// assert_eq!(j["spans"][0]["file_name"], "src/a.md");
/// assert_eq!((j["spans"][0]["line_start"].as_u64(), j["spans"][0]["column_start"].as_u64()), (Some(2), Some(4)));
/// ```
pub fn json(diagnostic: &Diagnostic) -> Value {
    let level = level(diagnostic.severity);
    let spans = if diagnostic.path.is_empty() {
        Vec::new()
    } else {
        let column = diagnostic.column.max(1);
        let end = column + diagnostic.width.max(1);
        vec![json!({
            "file_name": diagnostic.path,
            "line_start": diagnostic.line,
            "line_end": diagnostic.line,
            "column_start": column,
            "column_end": end,
            "is_primary": true,
            "text": diagnostic.source_line.as_ref().map_or_else(Vec::new, |text| vec![json!({
                "text": text,
                "highlight_start": column,
                "highlight_end": end,
            })]),
            "label": null,
            "suggested_replacement": null,
            "suggestion_applicability": null,
            "expansion": null,
        })]
    };
    let children: Vec<Value> = diagnostic
        .notes
        .iter()
        .map(|note| {
            json!({
                "message": note,
                "code": null,
                "level": "note",
                "spans": [],
                "children": [],
                "rendered": null,
            })
        })
        .collect();
    json!({
        "$message_type": "diagnostic",
        "message": diagnostic.message,
        "code": null,
        "level": level,
        "spans": spans,
        "children": children,
        "rendered": diagnostic.to_string(),
    })
}

/// `diagnostic` as a GitHub Actions workflow command.
///
/// ```
/// use coursebook_common::Diagnostic;
/// let d = Diagnostic::error("mismatch").at("src/a.md", "Le {{#check a = 1}}\n", 3..19).note("written: 1");
/// assert_eq!(coursebook_common::emit::github(&d),
///            "::error file=src/a.md,line=1,col=4,title=mismatch::mismatch%0Awritten: 1");
/// ```
pub fn github(diagnostic: &Diagnostic) -> String {
    let mut properties = Vec::new();
    if !diagnostic.path.is_empty() {
        properties.push(format!("file={}", property(&diagnostic.path)));
        if diagnostic.line > 0 {
            properties.push(format!("line={}", diagnostic.line));
        }
        if diagnostic.column > 0 {
            properties.push(format!("col={}", diagnostic.column));
        }
    }
    properties.push(format!("title={}", property(&diagnostic.message)));
    let mut text = diagnostic.message.clone();
    for note in &diagnostic.notes {
        text.push('\n');
        text.push_str(note);
    }
    format!(
        "::{} {}::{}",
        level(diagnostic.severity),
        properties.join(","),
        data(&text)
    )
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A workflow command's message: `%`, CR and LF escaped, as the runner reads them.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which would end it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
