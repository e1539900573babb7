//! The `coursebook` front end: loads a book with mdBook's driver, runs the coursebook stages
//! in-process in place of the command preprocessors that book.toml names, and writes every
//! edition of the book atomically.
//!
//! ```no_run
//! let built = coursebook::build(std::path::Path::new("."), None)?;
//! println!("{} answers checked, output in {}", built.report.checks.len(), built.dest.display());
//! # Ok::<(), anyhow::Error>(())
//! ```

mod editions;
pub mod guard;
pub mod init;
pub mod interface;
pub mod keys;
pub mod logging;
pub mod output;
pub mod pdf;
pub mod protocol;
pub mod reports;
pub mod reuse;
pub mod serve;
pub mod stages;

use anyhow::{Context, Result};
use common::housekeeping::{self, CacheLock};
use common::Diagnostics;
use coursebook_compute::Report;
use math::Strictness;
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
    /// Compiler invocations and times of the computations, all editions together.
    pub computations: coursebook_compute::engine::Stats,
    /// The formulas of the edition that has the most (the corrigé).
    pub formulas: math::deferred::Counts,
    /// How long the build took.
    pub elapsed: std::time::Duration,
    /// What was kept as published, its inputs unchanged ([`reuse`]): the folders of editions
    /// (or of the book) and the PDFs.
    pub kept: Vec<PathBuf>,
    /// The output this build replaced, removed when the value is dropped.
    previous: output::Previous,
}

impl Built {
    /// The closing line of `build`, as Cargo's `Finished`: where each edition went, the answers
    /// checked, the formulas, whether the computations were compiled or cached, and the time.
    pub fn summary(&self) -> String {
        let shown = |p: &Path| {
            let cwd = std::env::current_dir().unwrap_or_default();
            p.strip_prefix(&cwd).unwrap_or(p).display().to_string()
        };
        let unchanged = |p: &Path| {
            let kept = self.kept.iter().any(|k| k.starts_with(p));
            if kept {
                " (unchanged)"
            } else {
                ""
            }
        };
        let outputs = if self.editions.is_empty() {
            format!("{}{}", shown(&self.dest), unchanged(&self.dest))
        } else {
            let each: Vec<String> = self
                .editions
                .iter()
                .map(|e| {
                    let dir = self.dest.join(e.name());
                    format!("{} → {}{}", e.name(), shown(&dir), unchanged(&dir))
                })
                .collect();
            each.join(", ")
        };
        let c = &self.computations;
        let computations = match c.compilations {
            0 if self.report.chapters == 0 => None,
            0 => Some("computations from the cache".to_owned()),
            n => Some(format!(
                "computations compiled ({}, {:.1} s)",
                counted(n, "rustc run"),
                c.compile_time.as_secs_f64()
            )),
        };
        let f = &self.formulas;
        // What the book has: a book without answers, formulas or computations (any mdBook)
        // gets a line without zeros.
        let parts: Vec<String> = [
            computations
                .is_some()
                .then(|| format!("{} checked", counted(self.report.checks.len(), "answer"))),
            (f.formulas > 0).then(|| {
                format!(
                    "{} ({} rendered, {} from the cache)",
                    counted(f.formulas, "formula"),
                    f.distinct - f.cache_hits,
                    f.cache_hits
                )
            }),
            computations,
        ]
        .into_iter()
        .flatten()
        .collect();
        let elapsed = format!("{outputs} in {:.1} s", self.elapsed.as_secs_f64());
        if parts.is_empty() {
            elapsed
        } else {
            format!("{elapsed}: {}", parts.join(", "))
        }
    }

    /// Adds what one edition (or the book) produced.
    fn absorb(&mut self, part: editions::Part) {
        if let Some(reuse::Outcome::Kept(_)) = part.pages {
            self.kept.push(part.published);
        }
        if part.formulas.formulas > self.formulas.formulas {
            self.formulas = part.formulas;
        }
        let report = part.report;
        let stats = &mut self.computations;
        stats.compilations += report.stats.compilations;
        stats.compile_time += report.stats.compile_time;
        stats.run_time += report.stats.run_time;
        if !report.checks.is_empty() || self.report.checks.is_empty() {
            self.report = report;
        }
    }
}

/// `1 answer`, `2 answers`.
fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// How a build goes beyond its defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Every warning is an error (`build --deny-warnings`): a formula KaTeX refuses fails the
    /// build even in a book written for mdbook-katex, and so does a lint of the math stage.
    pub deny_warnings: bool,
    /// Whether the editions' PDFs are printed.
    pub paper: Paper,
}

/// Whether a build prints the editions' PDFs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Paper {
    /// HTML, then each edition printed to PDF (needs Chromium).
    #[default]
    Print,
    /// HTML only: `serve` rebuilds on every edit, and printing takes seconds.
    Skip,
}

/// Builds the book at `dir` into `dest` (default: book.toml's `build.build-dir`, `book/`),
/// with the PDFs of its editions (see [`pdf`]).
///
/// Every edition is built into a staging folder next to `dest`, which replaces `dest` only
/// when all of them succeeded: a failed build leaves the previous output as it was. An output
/// folder that would replace the book's own files is refused first ([`guard::destination`]).
pub fn build(dir: &Path, dest: Option<&Path>) -> Result<Built> {
    build_with(dir, dest, BuildOptions::default())
}

/// [`build`], with `options`.
pub fn build_with(dir: &Path, dest: Option<&Path>, options: BuildOptions) -> Result<Built> {
    let strictness = if options.deny_warnings {
        Strictness::Warnings
    } else {
        Strictness::Configured
    };
    let started = std::time::Instant::now();
    let root = book_root(dir)?;
    let config = stages::load_config(&root)?;
    let dest = guard::destination(&root, &config, dest)?;
    let editions = stages::editions(&root, &config)?;
    keys::unknown(&root, &config)
        .iter()
        .for_each(common::emit::emit);
    let staging = output::Staging::new(&dest)?;
    let cache = common::cache::cache_root(&root);
    let lock = CacheLock::shared(&cache)
        .with_context(|| format!("cannot lock the cache {}", cache.display()))?;
    let wall_started = std::time::SystemTime::now();
    let mut built = Built {
        dest,
        editions,
        report: Report::default(),
        computations: Default::default(),
        formulas: Default::default(),
        elapsed: Default::default(),
        kept: Vec::new(),
        previous: Default::default(),
    };
    let published = built.dest.clone();
    let folders = std::sync::Arc::default();
    let target = |edition: Option<&Edition>| {
        let within = |dir: &Path| match edition {
            Some(e) => dir.join(e.name()),
            None => dir.to_path_buf(),
        };
        editions::Target {
            out: within(staging.path()),
            published: within(&published),
            cache: cache.clone(),
            folders: std::sync::Arc::clone(&folders),
        }
    };
    let parts = if built.editions.is_empty() {
        vec![editions::build_book(&root, &target(None), strictness)?]
    } else {
        editions::build_all(&root, &built.editions, &target, strictness)?
    };
    // What was made anew, where it will be published and the fingerprint of its inputs.
    let mut made: Vec<(PathBuf, String)> = parts.iter().filter_map(editions::Part::made).collect();
    if !built.editions.is_empty() && options.paper == Paper::Print {
        let chromium = pdf::find_chromium();
        let printer = chromium
            .as_deref()
            .and_then(|c| reuse::program_file(c).ok());
        let mut to_print = Vec::new();
        for part in &parts {
            match keep_pdf(
                staging.path(),
                &cache,
                &built.dest,
                part,
                printer.as_deref(),
            ) {
                Pdf::Kept(published) => built.kept.push(published),
                Pdf::ToPrint(edition, fingerprint) => to_print.push((edition, fingerprint)),
            }
        }
        let editions: Vec<Edition> = to_print.iter().map(|(e, _)| *e).collect();
        let printed = pdf::print_editions(staging.path(), &editions, chromium.as_deref())?;
        made.extend(
            to_print
                .into_iter()
                .filter(|(edition, _)| printed.contains(edition))
                .filter_map(|(edition, f)| Some((built.dest.join(pdf::file_name(&edition)), f?))),
        );
    }
    for part in parts {
        built.absorb(part);
    }
    if !built.editions.is_empty() {
        let landing = output::Landing {
            checked_answers: built.report.checks.len(),
        };
        output::write_landing_page(staging.path(), &config, &built.editions, &landing)?;
    }
    built.previous = staging.commit()?;
    record_made(&cache, made);
    drop(lock);
    forget_unused(&cache, wall_started);
    built.elapsed = started.elapsed();
    Ok(built)
}

/// Records what each of `made` (pages and PDFs, now published) was made from, for the next
/// build to keep them ([`reuse`]). A record that cannot be written only costs that build a
/// render.
fn record_made(cache: &Path, made: Vec<(PathBuf, String)>) {
    for (published, fingerprint) in made {
        if let Err(e) = reuse::record(cache, &published, &fingerprint) {
            tracing::warn!(
                "cannot record what {} was built from: {e}",
                published.display()
            );
        }
    }
}

/// What becomes of an edition's PDF.
enum Pdf {
    /// The published PDF, linked into the new output.
    Kept(PathBuf),
    /// To print, with the fingerprint of its inputs when they are known.
    ToPrint(Edition, Option<String>),
}

/// Links into `staging` the published PDF of the edition `part` built, when its pages have the
/// inputs it was printed from and `printer` (Chromium's [`reuse::program_file`]) printed it.
fn keep_pdf(
    staging: &Path,
    cache: &Path,
    dest: &Path,
    part: &editions::Part,
    printer: Option<&str>,
) -> Pdf {
    let edition = part.edition.expect("only the editions of a book have PDFs");
    let name = pdf::file_name(&edition);
    let published = dest.join(&name);
    let fingerprint = part
        .pages
        .as_ref()
        .and_then(reuse::Outcome::fingerprint)
        .zip(printer)
        .map(|(pages, printer)| reuse::derived(pages, printer));
    match fingerprint {
        Some(f) if reuse::keep_published(cache, &published, &f, &staging.join(&name)) => {
            Pdf::Kept(published)
        }
        fingerprint => Pdf::ToPrint(edition, fingerprint),
    }
}

/// Runs every stage without rendering: computations, checks, exam structure, math.
/// Returns the report; check failures are an `Err` holding the [`Diagnostics`], and the
/// report of what was checked is still returned through `report_out`. A formula KaTeX refuses
/// is an error here, even in a book written for mdbook-katex, whose `build` only warns.
pub fn check(dir: &Path, report_out: &mut Report) -> Result<()> {
    let root = book_root(dir)?;
    let config = stages::load_config(&root)?;
    let editions = stages::editions(&root, &config)?;
    keys::unknown(&root, &config)
        .iter()
        .for_each(common::emit::emit);
    let cache = common::cache::cache_root(&root);
    let lock = CacheLock::shared(&cache)
        .with_context(|| format!("cannot lock the cache {}", cache.display()))?;
    let wall_started = std::time::SystemTime::now();
    let book = stages::load(&root, editions.first(), None, Strictness::Refusals)?;
    let mut result = book.book.preprocess_book(&stages::CheckOnly).map(|_| ());
    if let (Ok(()), Some(formulas)) = (&result, &book.math) {
        result = formulas.finish().map_err(anyhow::Error::new);
    }
    *report_out = book.take_report();
    drop(book);
    drop(lock);
    if result.is_ok() {
        forget_unused(&cache, wall_started);
    }
    result
}

/// What `coursebook check` does besides checking.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions<'a> {
    /// Write a JSON report of every check here.
    pub json: Option<&'a Path>,
    /// Write a JUnit XML report here.
    pub junit: Option<&'a Path>,
    /// Rewrite each failing written value to the computed one (`--fix`).
    pub fix: bool,
    /// Make every number of an answer that no check or value covers an error.
    pub deny_unchecked: bool,
}

/// After a successful build or check: the cache keeps what the last builds used, and no more
/// (see [`common::housekeeping`]). A failure to prune costs disk, not the build.
fn forget_unused(cache: &Path, started: std::time::SystemTime) {
    match housekeeping::prune(cache, started) {
        Ok(p) if p.entries > 0 => common::progress::step(
            "Pruned",
            format_args!(
                "{} unused cache entries ({} KiB)",
                p.entries,
                p.bytes / 1024
            ),
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!("cannot prune the cache {}: {e}", cache.display()),
    }
}

/// `coursebook clean`: empties the book's cache, once no build uses it.
pub fn clean(dir: &Path) -> Result<u64> {
    let cache = common::cache::cache_root(&book_root(dir)?);
    housekeeping::clean(&cache).with_context(|| format!("cannot empty {}", cache.display()))
}

/// `coursebook check`: prints the one-line summary and writes the requested reports, whether
/// the checks hold or not. With `fix`, rewrites the written values that do not hold.
pub fn check_command(dir: &Path, options: CheckOptions<'_>) -> Result<()> {
    let mut report = Report::default();
    let mut result = check(dir, &mut report);
    common::progress::idle();
    let diagnostics = result
        .as_ref()
        .err()
        .and_then(|e| e.chain().find_map(|e| e.downcast_ref::<Diagnostics>()));
    if let Some(path) = options.json {
        reports::write_json(path, &report, diagnostics)?;
    }
    if let Some(path) = options.junit {
        reports::write_junit(path, &report, diagnostics)?;
    }
    if report.chapters > 0 {
        eprintln!("{}", report.stats_line());
    }
    let mut fixed = 0;
    if options.fix {
        if let Some(diagnostics) = diagnostics {
            result = fix(&book_root(dir)?, &report, diagnostics, &mut fixed);
        }
    }
    if let Some(coverage) = coursebook_compute::coverage::summary(&report.numbers) {
        eprintln!("{coverage}");
    }
    if options.deny_unchecked && result.is_ok() {
        result = deny_unchecked(&book_root(dir)?, &report);
    }
    match &result {
        // stdout is the diagnostics' in JSON mode.
        Ok(()) if options.fix && fixed > 0 => eprintln!(
            "{}; {fixed} rewritten by --fix: run `check` again to verify",
            report.summary()
        ),
        Ok(()) if common::emit::format() == common::emit::Format::Json => {
            eprintln!("{}", report.summary())
        }
        Ok(()) => println!("{}", report.summary()),
        Err(_) if !report.checks.is_empty() => eprintln!("{}", report.summary()),
        Err(_) => {}
    }
    result
}

/// `check --fix`: rewrites the failing answers that can be, prints each change, and returns
/// what is left: the refusals and every error that was not a fixed answer.
fn fix(root: &Path, report: &Report, diagnostics: &Diagnostics, fixed: &mut usize) -> Result<()> {
    use coursebook_compute::fix::{apply, Fix};
    let (changes, refusals) = apply(root, &report.checks);
    *fixed = changes.len();
    for change in &changes {
        if common::emit::format() == common::emit::Format::Json {
            eprintln!("{change}");
        } else {
            println!("{change}");
        }
    }
    let fixed = |d: &common::Diagnostic| {
        report.checks.iter().any(|c| {
            matches!(c.fix, Some(Fix::Replace { .. }))
                && (c.file.as_str(), c.line, c.column) == (d.path.as_str(), d.line, d.column)
        })
    };
    let mut left: Vec<_> = diagnostics
        .0
        .iter()
        .filter(|d| !fixed(d))
        .cloned()
        .collect();
    left.extend(refusals.0);
    Diagnostics(left).into_result().map_err(anyhow::Error::new)
}

/// `check --deny-unchecked`: an error at each number of an answer that no check covers.
fn deny_unchecked(root: &Path, report: &Report) -> Result<()> {
    let mut diagnostics = Diagnostics::new();
    let mut sources = std::collections::HashMap::new();
    for number in report.numbers.iter().filter(|n| !n.checked) {
        let source = sources
            .entry(number.file.clone())
            .or_insert_with(|| std::fs::read_to_string(root.join(&number.file)).ok());
        let mut d = common::Diagnostic::error("this number of an answer is not checked")
            .at_line(&number.file, source.as_deref(), number.line)
            .note(format!("written: {}", number.text))
            .note(
                "put it under a `{{#check NAME = …}}` or a `{{#value NAME}}`, or mark a number \
                 that is not a result with `{{#n …}}`",
            );
        d.column = number.column;
        d.width = number.text.chars().count();
        diagnostics.push(d);
    }
    diagnostics.into_result().map_err(anyhow::Error::new)
}

/// Prints `err`: each diagnostic it holds as the front end chose ([`common::emit`]) and a
/// closing count on stderr, or the chain of causes.
pub fn report_error(err: &anyhow::Error) {
    match err.chain().find_map(|e| e.downcast_ref::<Diagnostics>()) {
        Some(diagnostics) => {
            for d in &diagnostics.0 {
                common::emit::emit(d);
            }
            let errors = diagnostics.errors();
            let plural = if errors == 1 { "" } else { "s" };
            eprintln!("error: the book has {errors} error{plural}");
        }
        None => eprintln!("{}", render_error(err)),
    }
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
