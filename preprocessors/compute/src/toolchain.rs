//! Compiling the book's program: locating the course library, calling rustc, and mapping
//! rustc's diagnostics back to the Markdown.
//!
//! The program links against `coursebook-calc` as Cargo already built it for this workspace
//! (same profile as the running tool, so nothing is rebuilt), found by asking Cargo for the
//! library's artifacts: no network is needed once the workspace is built.
//! Then a single `rustc` invocation compiles every block of the book.

use crate::runner::{bounded, Outcome};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The workspace whose `coursebook-calc` the books link against.
const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// The course library as compiled by Cargo, ready to pass to rustc.
#[derive(Debug, Clone)]
pub struct Library {
    pub rlib: PathBuf,
    /// `target/<profile>/deps`, where the library's own dependencies are.
    pub deps: PathBuf,
    /// A hash of the rlib's bytes: part of the cache key, so rebuilding the library with other
    /// code invalidates cached results.
    pub fingerprint: String,
    /// `rustc -vV`: the toolchain, also part of the cache key.
    pub rustc_version: String,
}

/// Asks Cargo to build (normally: to find up to date) the course library.
pub fn locate_library() -> Result<Library, String> {
    let manifest = Path::new(WORKSPACE).join("Cargo.toml");
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // No `--offline`: with the workspace's Cargo.lock and its packages already downloaded
    // Cargo touches no network, and when a package is missing it can still fetch it.
    cargo.args([
        "build",
        "--message-format=json",
        "-p",
        "coursebook-calc",
        "--manifest-path",
    ]);
    cargo.arg(&manifest);
    if !cfg!(debug_assertions) {
        cargo.arg("--release");
    }
    let output = cargo
        .output()
        .map_err(|e| format!("cannot run cargo to build the course library: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo could not build the course library (coursebook-calc):\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let files: Vec<PathBuf> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Json>(line).ok())
        .filter(|msg| {
            msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "coursebook_calc"
        })
        .flat_map(|msg| msg["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f.as_str().map(PathBuf::from))
        .collect();
    // Cargo lists the library copied up to `target/<profile>/` and its metadata in `deps/`;
    // the `deps/` rlib (named with its hash) is the one that sits with its dependencies.
    let rlib = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rmeta"))
        .map(|f| f.with_extension("rlib"))
        .find(|f| f.is_file())
        .or_else(|| {
            files
                .iter()
                .find(|f| f.extension().is_some_and(|e| e == "rlib"))
                .cloned()
        })
        .ok_or("cargo built the course library but reported no .rlib for it")?;
    let deps = match rlib.parent() {
        Some(dir) if dir.ends_with("deps") => dir.to_path_buf(),
        Some(dir) => dir.join("deps"),
        None => return Err("the course library's .rlib has no folder".into()),
    };
    let bytes = std::fs::read(&rlib).map_err(|e| format!("cannot read {}: {e}", rlib.display()))?;
    Ok(Library {
        fingerprint: blake3_hex(&bytes),
        rlib,
        deps,
        rustc_version: rustc_version()?,
    })
}

fn blake3_hex(bytes: &[u8]) -> String {
    common::cache::KeyHasher::new().add(bytes).finish()
}

fn rustc() -> Command {
    Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
}

fn rustc_version() -> Result<String, String> {
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
    /// 1-based line and column of the primary span in the program, if any.
    pub line: Option<usize>,
    pub column: usize,
    /// The primary span's label and the children's notes and helps.
    pub notes: Vec<String>,
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

/// Compiles `main_rs` into the executable `out` against `lib`, for at most `timeout`. Returns
/// rustc's errors on failure.
pub fn compile(
    lib: &Library,
    main_rs: &Path,
    out: &Path,
    timeout: Duration,
) -> Result<(), CompileFailure> {
    let mut extern_arg = std::ffi::OsString::from("coursebook_calc=");
    extern_arg.push(&lib.rlib);
    let mut dep_arg = std::ffi::OsString::from("dependency=");
    dep_arg.push(&lib.deps);
    let mut command = rustc();
    // opt-level 0: the blocks are glue around the course library, which Cargo already compiled
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
        .arg("--extern")
        .arg(extern_arg)
        .arg("-L")
        .arg(dep_arg)
        .arg("-o")
        .arg(out)
        .arg(main_rs);
    let stdout = out.with_extension("rustc-stdout");
    let stderr_file = out.with_extension("rustc-stderr");
    let refused = |message: String| {
        CompileFailure::Refused(vec![CompilerMessage {
            level: "error".into(),
            message,
            line: None,
            column: 0,
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
        line: primary
            .and_then(|s| s["line_start"].as_u64())
            .map(|l| l as usize),
        column: primary
            .and_then(|s| s["column_start"].as_u64())
            .map_or(0, |c| c as usize),
        notes,
    }
}
