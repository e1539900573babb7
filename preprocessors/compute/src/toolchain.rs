//! Compiling the book's program: calling rustc, and mapping rustc's diagnostics back to the
//! Markdown.
//!
//! A single `rustc` invocation compiles every block of the book against the runtime and the
//! book's library, as [`crate::library`] located them, in rustc's incremental mode when the
//! engine has a folder to keep its state in.

use crate::library::Library;
use crate::runner::{bounded, Outcome};
use serde_json::Value as Json;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn rustc() -> Command {
    Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
}

/// `rustc -vV`: names the toolchain in cache keys.
pub fn rustc_version() -> Result<String, String> {
    let out = rustc()
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One diagnostic of rustc, reduced to what the book needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CompilerMessage {
    pub level: String,
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
    pub file: String,
    /// 1-based line and column.
    pub line: usize,
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
            level: "error".into(),
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
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter(|d| d["level"] == "error")
        .filter(|d| {
            !d["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("aborting due to")
        })
        .map(|d| compiler_message(&d))
        .collect();
    if messages.is_empty() {
        return Err(refused(format!("rustc failed: {}", stderr.trim())));
    }
    Err(CompileFailure::Refused(messages))
}

fn compiler_message(d: &Json) -> CompilerMessage {
    let spans = d["spans"].as_array().cloned().unwrap_or_default();
    let primary = spans
        .iter()
        .find(|s| s["is_primary"] == true)
        .or(spans.first());
    let mut notes = Vec::new();
    if let Some(label) = primary.and_then(|s| s["label"].as_str()) {
        notes.push(label.to_owned());
    }
    for child in d["children"].as_array().into_iter().flatten() {
        if let (Some(level), Some(msg)) = (child["level"].as_str(), child["message"].as_str()) {
            let suggestion = child["spans"][0]["suggested_replacement"]
                .as_str()
                .map(|s| format!(": `{s}`"))
                .unwrap_or_default();
            notes.push(format!("{level}: {msg}{suggestion}"));
        }
    }
    CompilerMessage {
        level: d["level"].as_str().unwrap_or("error").to_owned(),
        message: d["message"].as_str().unwrap_or("").to_owned(),
        places: primary.map(places).unwrap_or_default(),
        notes,
    }
}

/// A span's place, then the places of the macro calls it was expanded from, outwards.
fn places(span: &Json) -> Vec<Place> {
    let mut all = Vec::new();
    let mut next = Some(span);
    // A bound, should rustc ever report a cycle.
    while let Some(span) = next.filter(|_| all.len() < 64) {
        let number = |key: &str| span[key].as_u64().map_or(0, |n| n as usize);
        if let Some(file) = span["file_name"].as_str() {
            all.push(Place {
                file: file.to_owned(),
                line: number("line_start"),
                column: number("column_start"),
            });
        }
        next = span["expansion"]["span"]
            .as_object()
            .map(|_| &span["expansion"]["span"]);
    }
    all
}
