//! From the chapters' blocks to published values: generate, compile, run, cache.
//!
//! A cache entry holds the events of a run, and the data files the blocks read through
//! `read_data` with a hash of their content: the entry is reused only while they are unchanged.
//!
//! A program that is not in the cache is compiled in a work folder of the cache
//! ([`common::housekeeping::WorkDir`]) that keeps rustc's incremental state from one build to
//! the next: after an edit of one block, rustc redoes the module of that block's chapter
//! ([`crate::program`]) and reuses the rest. The folder is held by this build alone while it
//! compiles and runs; when every folder is held by other builds, this one compiles from
//! scratch in a temporary folder, as a build without incremental state would. A program of a
//! single module (up to [`crate::program::CHAPTERS_PER_MODULE`] chapters) is always compiled
//! that way: see [`Workspace::new`].

use crate::config::Options;
use crate::format::printable;
use crate::library::{self, Library};
use crate::program::{ChapterCode, Origin, Program, ROOT_FILE};
use crate::runner::{self, Ending};
use crate::toolchain::{self, CompileFailure, CompilerMessage};
use common::cache::{temp_name, Cache, KeyHasher};
use common::housekeeping::WorkDir;
use common::{Diagnostic, Diagnostics};
use coursebook_notebook::notebook::{Event, Value};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A value some block published.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// What was published.
    pub value: Value,
    /// Index of the publishing block in its chapter.
    pub block: usize,
    /// 1-based Markdown line of the `publish!` call.
    pub line: usize,
}

/// What a chapter's blocks published, by name.
pub type ChapterValues = BTreeMap<String, Published>;

/// How the values were obtained, for `check`'s summary and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    /// Compiler invocations in this build (0 on a cache hit, else 1).
    pub compilations: usize,
    /// How long rustc took.
    pub compile_time: Duration,
    /// How long the book's program ran.
    pub run_time: Duration,
}

/// The values of a book's computations, and what to store in the cache once the stage knows
/// the build can use them.
pub struct Evaluation {
    /// Each chapter's published values, in the order of the chapters given.
    pub values: Vec<ChapterValues>,
    /// The results of a fresh run, not yet stored: a build that fails (a wrong answer, say)
    /// leaves the cache as it was.
    pub pending: Option<Pending>,
}

/// A cache entry waiting for the build to succeed.
pub struct Pending {
    key: String,
    entry: Entry,
}

impl Pending {
    /// Stores the entry; a failure to write only costs a compilation next time.
    pub fn store(self, cache: &Cache) {
        let json = serde_json::to_vec(&self.entry).expect("events serialize");
        if let Err(e) = cache.put(&self.key, &json) {
            eprintln!("warning: cannot store computation results in the cache: {e}");
        }
    }
}

/// Computes the values of every chapter, in the order of `chapters`.
///
/// `sources` gives each chapter's Markdown, to quote lines in diagnostics; `library` is the
/// folder of the book's library package, if it has one.
pub fn evaluate(
    chapters: &[ChapterCode],
    sources: &[&str],
    cache: &Cache,
    options: &Options,
    stats: &mut Stats,
) -> Result<Evaluation, Diagnostics> {
    if chapters.is_empty() {
        return Ok(Evaluation {
            values: Vec::new(),
            pending: None,
        });
    }
    check_scopes(chapters, sources)?;
    let lib = library::locate(options.library.as_deref(), cache)
        .map_err(|e| one_error(Diagnostic::error(e)))?;
    let program = Program::generate(chapters, lib.crate_name.as_deref());
    let mut hasher = KeyHasher::new();
    for (name, text) in &program.files {
        hasher.add(name).add(text);
    }
    let key = hasher
        .add(&lib.fingerprint)
        .add(&lib.rustc_version)
        .finish();
    if let Some(events) = cached_events(cache, &key, &options.root) {
        // The results came from the last compilation: its incremental state is still the one
        // the next block edit needs, however many prose edits come before it.
        if program.is_incremental() {
            WorkDir::keep(cache.root(), &work_name(&options.root));
        }
        return Ok(Evaluation {
            values: collect_values(&program, chapters, sources, &events)?,
            pending: None,
        });
    }
    let blocks: usize = chapters.iter().map(|c| c.blocks.len()).sum();
    common::progress::step(
        "Compiling",
        format_args!("{blocks} computation blocks of {} chapters", chapters.len()),
    );
    let events = compile_and_run(&program, chapters, sources, &lib, cache, options, stats)?;
    let values = collect_values(&program, chapters, sources, &events)?;
    // Only a run whose every block ran to its end, with values that make sense, is kept.
    let entry = Entry {
        inputs: hash_inputs(&events, &options.root),
        events,
    };
    Ok(Evaluation {
        values,
        pending: Some(Pending { key, entry }),
    })
}

/// Refuses, at its line, a block whose braces would break out of its chapter's function.
fn check_scopes(chapters: &[ChapterCode], sources: &[&str]) -> Result<(), Diagnostics> {
    let mut all = Diagnostics::new();
    for (chapter, source) in chapters.iter().zip(sources) {
        for block in &chapter.blocks {
            if let Some(b) = crate::scope::check(&block.code) {
                let mut d = Diagnostic::error(b.message).at_line(
                    &chapter.path,
                    Some(source),
                    block.first_line + b.line - 1,
                );
                d.column = b.column;
                d.width = 1;
                all.push(d);
            }
        }
    }
    if all.has_errors() {
        Err(all)
    } else {
        Ok(())
    }
}

fn one_error(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

/// A cache entry: the events of a run and the data files it read.
#[derive(Serialize, Deserialize)]
struct Entry {
    events: Vec<Event>,
    /// `(path, hash of the content)` of each file read through `read_data`.
    inputs: Vec<(String, String)>,
}

/// Reads a cache entry; an entry that does not parse, or whose data files changed since, is
/// treated as absent.
fn cached_events(cache: &Cache, key: &str, root: &Path) -> Option<Vec<Event>> {
    let entry: Entry = serde_json::from_slice(&cache.get(key)?).ok()?;
    let unchanged = entry
        .inputs
        .iter()
        .all(|(path, hash)| *hash == hash_file(root, path));
    unchanged.then_some(entry.events)
}

/// The data files the run read, each with the hash of its content now.
fn hash_inputs(events: &[Event], root: &Path) -> Vec<(String, String)> {
    let paths: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Input { path, .. } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    paths
        .into_iter()
        .map(|path| (path.to_owned(), hash_file(root, path)))
        .collect()
}

/// A hash of the file at `path` (relative to the book root, or absolute); a missing file has
/// a hash too, so that creating it invalidates the entry.
fn hash_file(root: &Path, path: &str) -> String {
    match std::fs::read(root.join(path)) {
        Ok(bytes) => KeyHasher::new().add(&bytes).finish(),
        Err(_) => "absent".to_owned(),
    }
}

/// The name of the work folders of the book at `root`: books that share a cache
/// (`COURSEBOOK_CACHE_DIR`) each keep their own incremental state.
fn work_name(root: &Path) -> String {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let hash = KeyHasher::new()
        .add(root.to_string_lossy().as_bytes())
        .finish();
    format!("compute-{}", &hash[..16])
}

/// Where the program is compiled and run: a work folder with rustc's incremental state, or a
/// temporary folder removed afterwards.
struct Workspace {
    dir: PathBuf,
    /// Held while the program compiles and runs; `None` for a temporary folder.
    claim: Option<WorkDir>,
}

impl Workspace {
    /// Where to compile `program` for the book at `root`: a work folder when the program has
    /// several modules, else a temporary folder. A program of one module is recompiled whole
    /// after any edit, and saving rustc's state would only slow its first compilation (by a
    /// quarter for this repository's exam book). A work folder is also given up for a
    /// temporary one when every folder is held or none can be made: the state only saves time.
    fn new(cache: &Cache, root: &Path, program: &Program) -> Workspace {
        let temporary = || Workspace {
            dir: cache.dir().join(temp_name("build")),
            claim: None,
        };
        if !program.is_incremental() {
            return temporary();
        }
        match WorkDir::claim(cache.root(), &work_name(root)) {
            Ok(Some(claim)) => Workspace {
                dir: claim.path().to_path_buf(),
                claim: Some(claim),
            },
            _ => temporary(),
        }
    }

    /// rustc's incremental state, kept in a work folder only.
    fn incremental(&self) -> Option<PathBuf> {
        self.claim.as_ref().map(|_| self.dir.join("incremental"))
    }

    /// Writes the program's files into `src/`, and removes the files of a former program
    /// that this one no longer has (a chapter less). Returns the crate root.
    fn write(&self, program: &Program) -> Result<PathBuf, Diagnostics> {
        let src = self.dir.join("src");
        let cannot = |what: &Path, e: std::io::Error| {
            one_error(Diagnostic::error(format!(
                "cannot write {}: {e}",
                what.display()
            )))
        };
        std::fs::create_dir_all(&src).map_err(|e| cannot(&src, e))?;
        let names: BTreeSet<&str> = program.files.iter().map(|(n, _)| n.as_str()).collect();
        for entry in std::fs::read_dir(&src).map_err(|e| cannot(&src, e))? {
            let path = entry.map_err(|e| cannot(&src, e))?.path();
            let stale = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| !names.contains(n));
            if stale {
                std::fs::remove_file(&path).map_err(|e| cannot(&path, e))?;
            }
        }
        for (name, text) in &program.files {
            let path = src.join(name);
            // An unchanged file is left as it is.
            if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
                std::fs::write(&path, text).map_err(|e| cannot(&path, e))?;
            }
        }
        Ok(src.join(ROOT_FILE))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if self.claim.is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn compile_and_run(
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    lib: &Library,
    cache: &Cache,
    options: &Options,
    stats: &mut Stats,
) -> Result<Vec<Event>, Diagnostics> {
    let workspace = Workspace::new(cache, &options.root, program);
    let main_rs = workspace.write(program)?;
    let exe = workspace.dir.join("book");
    let events = workspace.dir.join("events.jsonl");
    // A work folder keeps the last run's program and events: neither may pass for this run's.
    for stale in [&exe, &events] {
        let _ = std::fs::remove_file(stale);
    }
    let started = Instant::now();
    stats.compilations += 1;
    let incremental = workspace.incremental();
    let compile = || {
        toolchain::compile(
            lib,
            &main_rs,
            &exe,
            incremental.as_deref(),
            options.compile_timeout,
        )
    };
    // Only a state saved by an earlier compilation can be damaged; a first compilation that
    // fails would fail again.
    let had_state = incremental.as_deref().is_some_and(|s| s.exists());
    let mut compiled = compile();
    if let (Err(CompileFailure::Refused(messages)), Some(state)) = (&compiled, &incremental) {
        if had_state && !blames_the_program(messages) {
            // rustc's saved state can be damaged (a disk that filled up, a machine that
            // stopped while rustc wrote it), and rustc then fails to link or crashes. The
            // failure names no line of the program: compile once more, from no state.
            let _ = std::fs::remove_dir_all(state);
            stats.compilations += 1;
            compiled = compile();
        }
    }
    stats.compile_time += started.elapsed();
    compiled.map_err(|failure| match failure {
        CompileFailure::Refused(messages) => {
            compiler_diagnostics(program, chapters, sources, &messages)
        }
        CompileFailure::TimedOut(limit) => one_error(Diagnostic::error(format!(
            "the computations did not compile within {} s (set `compile-timeout` under \
             [preprocessor.compute] in book.toml to allow more; a `const` evaluated at \
             compile time can keep the compiler busy)",
            limit.as_secs_f64()
        ))),
    })?;
    let started = Instant::now();
    let dirs: Vec<String> = chapters.iter().map(|c| chapter_dir(&c.path)).collect();
    let run = runner::run(&exe, &options.root, &dirs, &events, options.timeout)
        .map_err(|e| one_error(Diagnostic::error(e)))?;
    stats.run_time += started.elapsed();
    run_diagnostics(program, chapters, sources, &run)?;
    Ok(run.events)
}

/// Whether rustc's errors are about the program's code: one at least names a place in it.
/// A linker error, or rustc crashing, names none.
fn blames_the_program(messages: &[CompilerMessage]) -> bool {
    messages.iter().any(|m| !m.places.is_empty())
}

/// The folder of a chapter file named relative to the book root (`src/q7.md` → `src`).
fn chapter_dir(path: &str) -> String {
    Path::new(path)
        .parent()
        .map_or_else(String::new, |p| p.to_string_lossy().into_owned())
}

/// Places a diagnostic at the Markdown line a program line came from.
fn at_origin(
    diagnostic: Diagnostic,
    origin: Origin,
    chapters: &[ChapterCode],
    sources: &[&str],
) -> Diagnostic {
    diagnostic.at_line(
        &chapters[origin.chapter].path,
        Some(sources[origin.chapter]),
        origin.line,
    )
}

fn compiler_diagnostics(
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    messages: &[CompilerMessage],
) -> Diagnostics {
    let mut all = Diagnostics::new();
    for m in messages {
        let mut d = Diagnostic::error(format!("a computation does not compile: {}", m.message));
        for note in &m.notes {
            d = d.note(note.clone());
        }
        // The innermost place in a chapter: inside a macro of the library, its call.
        let place = m
            .places
            .iter()
            .find_map(|p| program.locate(&p.file, p.line).map(|o| (o, p)));
        let Some((origin, place)) = place else {
            all.push(d);
            continue;
        };
        let mut d = at_origin(d, origin, chapters, sources);
        let pasted = program.origin(origin.chapter, place.line).is_some();
        if pasted && place.column > 0 {
            d.column = place.column;
            d.width = d.width.min(d.source_line.as_ref().map_or(1, |t| {
                t.chars().count().saturating_sub(place.column - 1).max(1)
            }));
        }
        all.push(d);
    }
    all
}

/// What the events say of one chapter.
#[derive(Default, Clone)]
struct ChapterRun {
    ended: bool,
    /// A panic or an error was reported for it.
    failed: bool,
    entered: BTreeSet<usize>,
    left: BTreeSet<usize>,
}

fn run_diagnostics(
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    run: &runner::Run,
) -> Result<(), Diagnostics> {
    let mut all = Diagnostics::new();
    let mut running: Option<(usize, usize)> = None;
    let mut runs = vec![ChapterRun::default(); chapters.len()];
    let at_block = |chapter: usize, block: usize, d: Diagnostic| {
        let line = chapters[chapter].blocks.get(block).map(|b| b.first_line);
        d.at_line(
            &chapters[chapter].path,
            Some(sources[chapter]),
            line.unwrap_or(0),
        )
    };
    for (line, error) in &run.unreadable {
        all.push(Diagnostic::error(format!(
            "line {line} of the computations' results cannot be read: {error}"
        )));
    }
    for event in &run.events {
        match event {
            Event::Start { chapter } => running = Some((*chapter, 0)),
            Event::Block { chapter, block } => {
                running = Some((*chapter, *block));
                if let Some(r) = runs.get_mut(*chapter) {
                    r.entered.insert(*block);
                }
            }
            Event::Left { chapter, block } => {
                if let Some(r) = runs.get_mut(*chapter) {
                    r.left.insert(*block);
                }
            }
            Event::End { chapter } => {
                if let Some(r) = runs.get_mut(*chapter) {
                    r.ended = true;
                }
            }
            Event::Panic {
                chapter,
                file,
                line,
                message,
            } => {
                let d =
                    Diagnostic::error(format!("a computation panicked: {}", printable(message)));
                let origin = program.locate(file, *line as usize);
                let d = if let Some(origin) = origin {
                    at_origin(d, origin, chapters, sources)
                } else {
                    let (chapter, block) = running.unwrap_or((*chapter, 0));
                    at_block(chapter, block, d).note(format!(
                        "the panic was raised in {file}:{line}, called from this block"
                    ))
                };
                all.push(d);
                if let Some(r) = runs.get_mut(*chapter) {
                    r.failed = true;
                }
            }
            Event::Error { chapter, message } => {
                let d = Diagnostic::error(format!(
                    "a computation returned an error: {}",
                    printable(message)
                ));
                all.push(at_block(*chapter, running.map_or(0, |r| r.1), d));
                if let Some(r) = runs.get_mut(*chapter) {
                    r.failed = true;
                }
            }
            Event::Publish { .. } | Event::Input { .. } => {}
        }
    }
    let stopped = match &run.ending {
        Ending::Finished if runs.iter().all(|r| r.ended) => None,
        // The program exited by itself before the end: `std::process::exit` in a block.
        Ending::Finished => Some(
            "the computations stopped before their end: a block ended the program \
             (`std::process::exit`?)"
                .to_owned(),
        ),
        Ending::TimedOut(limit) => Some(format!(
            "a computation did not finish within {} s (set `timeout` under [preprocessor.compute] in book.toml to allow more)",
            limit.as_secs_f64()
        )),
        Ending::TooMuchOutput(bytes) => Some(format!(
            "a computation printed more than {} bytes ({bytes} so far) and was stopped",
            runner::OUTPUT_LIMIT
        )),
        Ending::Crashed(status) => Some(format!("the computations stopped abruptly ({status})")),
    };
    if let Some(message) = stopped {
        let d = Diagnostic::error(message).note("this block was running when it was stopped");
        let d = match running {
            Some((chapter, block)) => at_block(chapter, block, d),
            None => d,
        };
        let head = run.output_head.trim();
        let d = if head.is_empty() {
            d
        } else {
            let first: Vec<&str> = head.lines().take(3).collect();
            d.note(format!(
                "its output began: {}",
                truncate(&printable(&first.join(" ⏎ ")), 200)
            ))
        };
        all.push(d);
    } else {
        for (c, r) in runs.iter().enumerate().filter(|(_, r)| !r.failed) {
            if let Some(d) = unfinished_block(&chapters[c], r) {
                all.push(at_block(c, d.0, d.1));
            }
        }
    }
    if all.has_errors() {
        Err(all)
    } else {
        Ok(())
    }
}

/// The first block of a chapter that did not run to its end, with the error to report there.
fn unfinished_block(chapter: &ChapterCode, run: &ChapterRun) -> Option<(usize, Diagnostic)> {
    let block = (0..chapter.blocks.len()).find(|b| !run.left.contains(b))?;
    let d = if run.entered.contains(&block) {
        Diagnostic::error("this block stopped before its last line").note(
            "a `return` (or code that leaves the block) skipped the rest of it and every \
             block after it: the blocks of a chapter must each run to their end",
        )
    } else {
        Diagnostic::error("this block did not run").note(
            "a block before it left the chapter early: the blocks of a chapter must each run \
             to their end",
        )
    };
    Some((block, d))
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// The error for `name`, published on a thread that a block started: such a thread runs outside
/// its chapter, and a value it published would belong to whichever chapter ran then. Located
/// at the `publish!` line, which the runtime gives by its file in that case.
fn published_off_thread(
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    name: &str,
    file: Option<&str>,
    line: u32,
) -> Diagnostic {
    let d = Diagnostic::error(format!(
        "`{name}` is published from a thread that a block started: only the block's own \
         thread publishes"
    ))
    .note(
        "join the thread and publish what it returns from the block: \
         `let x = handle.join().unwrap(); publish!(x);`",
    );
    match file.and_then(|f| program.locate(f, line as usize)) {
        Some(origin) => at_origin(d, origin, chapters, sources),
        None => d,
    }
}

/// Turns the events into each chapter's published values, with Markdown lines. A name is
/// published once per chapter: a check written between two publications would otherwise be
/// compared with whichever came last, so a second publication is an error at its line.
fn collect_values(
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    events: &[Event],
) -> Result<Vec<ChapterValues>, Diagnostics> {
    let mut values = vec![ChapterValues::new(); chapters.len()];
    let mut all = Diagnostics::new();
    for event in events {
        let Event::Publish {
            chapter,
            name,
            line,
            file,
            value,
        } = event
        else {
            continue;
        };
        if *chapter >= chapters.len() {
            all.push(published_off_thread(
                program,
                chapters,
                sources,
                name,
                file.as_deref(),
                *line,
            ));
            continue;
        }
        let (Some(origin), Some(chapter_values)) = (
            program.origin(*chapter, *line as usize),
            values.get_mut(*chapter),
        ) else {
            continue;
        };
        if let Some(first) = chapter_values.get(name) {
            let path = &chapters[*chapter].path;
            all.push(
                Diagnostic::error(format!(
                    "`{name}` is published a second time in this chapter"
                ))
                .at_line(path, Some(sources[*chapter]), origin.line)
                .note(format!("first published at {path}:{}", first.line))
                .note(
                    "a name is published once per chapter, so that every check of it means \
                     one value: publish the new value under another name",
                ),
            );
            continue;
        }
        chapter_values.insert(
            name.clone(),
            Published {
                value: value.clone(),
                block: origin.block,
                line: origin.line,
            },
        );
    }
    if all.has_errors() {
        Err(all)
    } else {
        Ok(values)
    }
}
