//! Compiling the book's program: calling rustc, and mapping rustc's diagnostics back to the
//! Markdown.
//!
//! A single `rustc` invocation compiles every block of the book against the runtime and the
//! book's library, as [`crate::library`] located them, in rustc's incremental mode when the
//! engine has a folder to keep its state in.

use crate::library::Library;
use crate::runner::{bounded, Outcome};
use cargo_metadata::diagnostic::{Diagnostic as RustcDiagnostic, DiagnosticLevel, DiagnosticSpan};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn rustc() -> Command {
    Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
}

/// `rustc -vV`: names the toolchain in cache keys. A rustc that fails (a broken toolchain, a
/// `RUSTC` that is not one) is an error here, rather than an empty name that every toolchain
/// would share.
pub fn rustc_version() -> Result<String, String> {
    let out = rustc()
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`rustc -vV` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One error of rustc, reduced to what the book needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CompilerMessage {
    /// rustc's message, as it words it.
    pub message: String,
    /// Where rustc points: its primary span, then, when that span lies inside a macro, the
    /// places the macro was called from, outwards. Empty for a message about no code.
    pub places: Vec<Place>,
    /// The primary span's label and the children's notes and helps.
    pub notes: Vec<String>,
}

/// A place in a source file, as rustc names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The file, as rustc was given it or found it (`ch007.rs`, a library file).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Why the book's program was not compiled.
#[derive(Debug, Clone, PartialEq)]
pub enum CompileFailure {
    /// rustc refused the code.
    Refused(Vec<CompilerMessage>),
    /// rustc was still busy (a `const` evaluated at compile time, say) after this long.
    TimedOut(Duration),
}

/// Most rustc may write as diagnostics before it is stopped.
const COMPILER_OUTPUT_LIMIT: usize = 64 << 20;

/// Compiles `main_rs` into the executable `out` against `lib`, for at most `timeout`, keeping
/// rustc's incremental state in `incremental` when given (a folder no other rustc uses at the
/// same time). Returns rustc's errors on failure.
pub fn compile(
    lib: &Library,
    main_rs: &Path,
    out: &Path,
    incremental: Option<&Path>,
    timeout: Duration,
) -> Result<(), CompileFailure> {
    let mut dep_arg = std::ffi::OsString::from("dependency=");
    dep_arg.push(&lib.deps);
    let mut command = rustc();
    // opt-level 0: the blocks are glue around the book's library, which Cargo already compiled
    // optimised; optimising the glue tripled the compile time of this book for no gain.
    command
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "bin",
            "--crate-name",
            "book",
        ])
        .args([
            "-C",
            "opt-level=0",
            "-C",
            "debuginfo=0",
            "--error-format=json",
            "-A",
            "warnings",
        ])
        .args(lib.externs.iter().flat_map(|(name, rlib)| {
            let mut arg = std::ffi::OsString::from(format!("{name}="));
            arg.push(rlib);
            ["--extern".into(), arg]
        }))
        .arg("-L")
        .arg(dep_arg);
    if let Some(dir) = incremental {
        let mut arg = std::ffi::OsString::from("incremental=");
        arg.push(dir);
        command.arg("-C").arg(arg);
    }
    command.arg("-o").arg(out).arg(main_rs);
    let stdout = out.with_extension("rustc-stdout");
    let stderr_file = out.with_extension("rustc-stderr");
    let refused = |message: String| {
        CompileFailure::Refused(vec![CompilerMessage {
            message,
            places: Vec::new(),
            notes: Vec::new(),
        }])
    };
    let run = bounded(
        command,
        &stdout,
        &stderr_file,
        timeout,
        COMPILER_OUTPUT_LIMIT,
    )
    .map_err(|e| refused(format!("cannot run rustc: {e}")))?;
    let status = match run.outcome {
        Outcome::Exited(status) => status,
        Outcome::TimedOut => return Err(CompileFailure::TimedOut(timeout)),
        Outcome::TooMuchOutput(bytes) => {
            return Err(refused(format!(
                "rustc wrote more than {bytes} bytes of diagnostics and was stopped"
            )))
        }
    };
    if status.success() {
        return Ok(());
    }
    let stderr =
        String::from_utf8_lossy(&std::fs::read(&stderr_file).unwrap_or_default()).into_owned();
    let messages: Vec<CompilerMessage> = stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<RustcDiagnostic>(line).ok())
        .filter(|d| matches!(d.level, DiagnosticLevel::Error | DiagnosticLevel::Ice))
        .filter(|d| !d.message.starts_with("aborting due to"))
        .map(|d| compiler_message(&d))
        .collect();
    if messages.is_empty() {
        return Err(refused(format!("rustc failed: {}", stderr.trim())));
    }
    Err(CompileFailure::Refused(messages))
}

/// rustc's error `d` (its JSON diagnostic, typed by `cargo_metadata`) as the book reports it:
/// the primary span and the macro calls it came from, its label, its children's notes.
fn compiler_message(d: &RustcDiagnostic) -> CompilerMessage {
    let primary = d.spans.iter().find(|s| s.is_primary).or(d.spans.first());
    let mut notes: Vec<String> = primary.and_then(|s| s.label.clone()).into_iter().collect();
    for child in &d.children {
        let suggestion = child
            .spans
            .first()
            .and_then(|s| s.suggested_replacement.as_deref())
            .map(|s| format!(": `{s}`"))
            .unwrap_or_default();
        notes.push(format!(
            "{}: {}{suggestion}",
            level_name(child.level),
            child.message
        ));
    }
    CompilerMessage {
        message: d.message.clone(),
        places: primary.map(places).unwrap_or_default(),
        notes,
    }
}

/// A child diagnostic's level as rustc prints it.
fn level_name(level: DiagnosticLevel) -> &'static str {
    match level {
        DiagnosticLevel::Error | DiagnosticLevel::Ice => "error",
        DiagnosticLevel::Warning => "warning",
        DiagnosticLevel::Help => "help",
        _ => "note",
    }
}

/// A span's place, then the places of the macro calls it was expanded from, outwards.
fn places(span: &DiagnosticSpan) -> Vec<Place> {
    let mut all = Vec::new();
    let mut next = Some(span);
    // A bound, should rustc ever report a cycle.
    while let Some(span) = next.filter(|_| all.len() < 64) {
        all.push(Place {
            file: span.file_name.clone(),
            line: span.line_start,
            column: span.column_start,
        });
        next = span.expansion.as_deref().map(|e| &e.span);
    }
    all
}
