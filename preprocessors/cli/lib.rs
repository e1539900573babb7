//! The `coursebook` front end: loads a book with mdBook's driver, runs the coursebook stages
//! in-process in place of the command preprocessors that book.toml names, and writes every
//! edition of the book atomically.
//!
//! ```no_run
//! let built = coursebook::build(std::path::Path::new("."), None)?;
//! println!("{} answers checked, output in {}", built.report.checks.len(), built.dest.display());
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod init;
pub mod logging;
pub mod output;
pub mod protocol;
pub mod reports;
pub mod serve;
pub mod stages;

use anyhow::{Context, Result};
use common::Diagnostics;
use coursebook_compute::Report;
use std::path::{Path, PathBuf};

pub use stages::Edition;

/// What a successful build produced.
#[derive(Debug)]
pub struct Built {
    /// The output folder.
    pub dest: PathBuf,
    /// The editions built (empty for a book that has none: its output is `dest` itself).
    pub editions: Vec<Edition>,
    /// The checks of the last edition built that has them (the corrigé).
    pub report: Report,
}

/// Builds the book at `dir` into `dest` (default: book.toml's `build.build-dir`, `book/`).
///
/// Every edition is built into a staging folder next to `dest`, which replaces `dest` only
/// when all of them succeeded: a failed build leaves the previous output as it was.
pub fn build(dir: &Path, dest: Option<&Path>) -> Result<Built> {
    let root = book_root(dir)?;
    let config = stages::load_config(&root)?;
    let dest = match dest {
        Some(d) => absolute(d)?,
        None => root.join(&config.build.build_dir),
    };
    let editions = stages::editions(&config)?;
    let staging = output::Staging::new(&dest)?;
    let mut report = Report::default();
    if editions.is_empty() {
        report = build_one(&root, None, staging.path())?;
    } else {
        for edition in &editions {
            let edition_report =
                build_one(&root, Some(edition), &staging.path().join(&edition.name))?;
            if !edition_report.checks.is_empty() || report.checks.is_empty() {
                report = edition_report;
            }
        }
        output::write_landing_page(staging.path(), &config, &editions)?;
    }
    staging.commit()?;
    Ok(Built {
        dest,
        editions,
        report,
    })
}

fn build_one(root: &Path, edition: Option<&Edition>, out: &Path) -> Result<Report> {
    let book = stages::load(root, edition, Some(out))?;
    book.book.build()?;
    if let Some(formulas) = &book.math {
        // The formulas rendered while mdBook wrote the pages; KaTeX's refusals fail the build.
        formulas.finish()?;
        if let Some(html) = book.html_dir() {
            formulas
                .install(&html)
                .with_context(|| format!("cannot put the formulas into {}", html.display()))?;
        }
    }
    Ok(book.take_report())
}

/// Runs every stage without rendering: computations, checks, exam structure, math.
/// Returns the report; check failures are an `Err` holding the [`Diagnostics`], and the
/// report of what was checked is still returned through `report_out`.
pub fn check(dir: &Path, report_out: &mut Report) -> Result<()> {
    let root = book_root(dir)?;
    let config = stages::load_config(&root)?;
    let editions = stages::editions(&config)?;
    let book = stages::load(&root, editions.first(), None)?;
    let mut result = book.book.preprocess_book(&stages::CheckOnly).map(|_| ());
    if let (Ok(()), Some(formulas)) = (&result, &book.math) {
        result = formulas.finish().map_err(anyhow::Error::new);
    }
    *report_out = book.take_report();
    result
}

/// `coursebook check`: prints the one-line summary and writes the requested reports, whether
/// the checks hold or not.
pub fn check_command(dir: &Path, json: Option<&Path>, junit: Option<&Path>) -> Result<()> {
    let mut report = Report::default();
    let result = check(dir, &mut report);
    let diagnostics = result
        .as_ref()
        .err()
        .and_then(|e| e.downcast_ref::<Diagnostics>());
    if let Some(path) = json {
        reports::write_json(path, &report, diagnostics)?;
    }
    if let Some(path) = junit {
        reports::write_junit(path, &report, diagnostics)?;
    }
    if report.chapters > 0 {
        eprintln!("{}", report.stats_line());
    }
    match &result {
        Ok(()) => println!("{}", report.summary()),
        Err(_) if !report.checks.is_empty() => eprintln!("{}", report.summary()),
        Err(_) => {}
    }
    result
}

/// The error as the user should read it: the diagnostics as rustc prints them, or the chain
/// of causes on one line each.
pub fn render_error(err: &anyhow::Error) -> String {
    if let Some(diagnostics) = err.chain().find_map(|e| e.downcast_ref::<Diagnostics>()) {
        return diagnostics.to_string();
    }
    let mut text = format!("error: {err}");
    for cause in err.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    text
}

fn book_root(dir: &Path) -> Result<PathBuf> {
    let root = absolute(dir)?;
    if !root.is_dir() {
        anyhow::bail!("{} is not a folder holding a book", dir.display());
    }
    Ok(root)
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}
