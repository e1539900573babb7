//! From the chapters' blocks to published values: generate, compile, run, cache.

use crate::library::{self, Library};
use crate::program::{ChapterCode, Program};
use crate::runner::{self, Ending};
use crate::toolchain::{self, CompilerMessage};
use common::cache::{temp_name, Cache, KeyHasher};
use common::{Diagnostic, Diagnostics};
use coursebook_notebook::notebook::{Event, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// The name of the generated program's source file, as rustc and panics report it.
const MAIN_RS: &str = "book.rs";

/// A value some block published.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
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
    pub compile_time: Duration,
    pub run_time: Duration,
}

/// Computes the values of every chapter, in the order of `chapters`.
///
/// `sources` gives each chapter's Markdown, to quote lines in diagnostics; `library` is the
/// folder of the book's library package, if it has one.
pub fn evaluate(
    chapters: &[ChapterCode],
    sources: &[&str],
    cache: &Cache,
    timeout: Duration,
    library: Option<&Path>,
    stats: &mut Stats,
) -> Result<Vec<ChapterValues>, Diagnostics> {
    if chapters.is_empty() {
        return Ok(Vec::new());
    }
    let lib = library::locate(library).map_err(|e| one_error(Diagnostic::error(e)))?;
    let program = Program::generate(chapters, lib.crate_name.as_deref());
    let key = KeyHasher::new()
        .add(&program.source)
        .add(&lib.fingerprint)
        .add(&lib.rustc_version)
        .add(MAIN_RS)
        .finish();
    let events = match cached_events(cache, &key) {
        Some(events) => events,
        None => {
            let events = compile_and_run(&program, chapters, sources, &lib, cache, timeout, stats)?;
            // Only a run where every chapter ended is stored; a failure is never cached.
            let json = serde_json::to_vec(&events).expect("events serialize");
            if let Err(e) = cache.put(&key, &json) {
                eprintln!("warning: cannot store computation results in the cache: {e}");
            }
            events
        }
    };
    collect_values(&program, chapters, &events)
}

fn one_error(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

/// Reads a cache entry; an entry that does not parse is treated as absent.
fn cached_events(cache: &Cache, key: &str) -> Option<Vec<Event>> {
    serde_json::from_slice(&cache.get(key)?).ok()
}

fn compile_and_run(
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    lib: &Library,
    cache: &Cache,
    timeout: Duration,
    stats: &mut Stats,
) -> Result<Vec<Event>, Diagnostics> {
    let scratch = cache.dir().join(temp_name("build"));
    let result = (|| {
        std::fs::create_dir_all(&scratch).map_err(|e| {
            one_error(Diagnostic::error(format!(
                "cannot create {}: {e}",
                scratch.display()
            )))
        })?;
        let main_rs = scratch.join(MAIN_RS);
        std::fs::write(&main_rs, &program.source).map_err(|e| {
            one_error(Diagnostic::error(format!(
                "cannot write {}: {e}",
                main_rs.display()
            )))
        })?;
        let exe = scratch.join("book");
        let started = Instant::now();
        stats.compilations += 1;
        let compiled = toolchain::compile(lib, &main_rs, &exe);
        stats.compile_time += started.elapsed();
        compiled.map_err(|messages| compiler_diagnostics(program, chapters, sources, &messages))?;
        let started = Instant::now();
        let run = runner::run(&exe, &scratch.join("events.jsonl"), timeout)
            .map_err(|e| one_error(Diagnostic::error(e)))?;
        stats.run_time += started.elapsed();
        run_diagnostics(program, chapters, sources, &run)?;
        Ok(run.events)
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Places a diagnostic at a program line, or at the chapter when the line is not pasted code.
fn locate(
    diagnostic: Diagnostic,
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    line: Option<usize>,
) -> Diagnostic {
    let origin = line.and_then(|l| {
        program
            .origin(l)
            .or_else(|| program.chapter_at(l).and_then(|c| program.chapter_end(c)))
    });
    match origin {
        Some(o) => diagnostic.at_line(&chapters[o.chapter].path, Some(sources[o.chapter]), o.line),
        None => diagnostic,
    }
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
        let mut d = locate(d, program, chapters, sources, m.line);
        if program.origin(m.line.unwrap_or(0)).is_some() && m.column > 0 {
            d.column = m.column;
            d.width = d.width.min(
                d.source_line
                    .as_ref()
                    .map_or(1, |t| t.chars().count().saturating_sub(m.column - 1).max(1)),
            );
        }
        all.push(d);
    }
    all
}

fn run_diagnostics(
    program: &Program,
    chapters: &[ChapterCode],
    sources: &[&str],
    run: &runner::Run,
) -> Result<(), Diagnostics> {
    let mut all = Diagnostics::new();
    let mut running: Option<(usize, usize)> = None;
    let mut ended = vec![false; chapters.len()];
    let at_block = |chapter: usize, block: usize| {
        let line = chapters[chapter].blocks.get(block).map(|b| b.first_line);
        (chapters[chapter].path.clone(), line.unwrap_or(0))
    };
    for event in &run.events {
        match event {
            Event::Start { chapter } => running = Some((*chapter, 0)),
            Event::Block { chapter, block } => running = Some((*chapter, *block)),
            Event::End { chapter } => {
                if let Some(e) = ended.get_mut(*chapter) {
                    *e = true;
                }
            }
            Event::Panic {
                chapter,
                file,
                line,
                message,
            } => {
                let d = Diagnostic::error(format!("a computation panicked: {message}"));
                let d = if file.ends_with(MAIN_RS) {
                    locate(d, program, chapters, sources, Some(*line as usize))
                } else {
                    let (chapter, block) = running.unwrap_or((*chapter, 0));
                    let (path, first) = at_block(chapter, block);
                    d.at_line(&path, Some(sources[chapter]), first)
                        .note(format!(
                            "the panic was raised in {file}:{line}, called from this block"
                        ))
                };
                all.push(d);
            }
            Event::Error { chapter, message } => {
                let (path, first) = at_block(*chapter, running.map_or(0, |r| r.1));
                all.push(
                    Diagnostic::error(format!("a computation returned an error: {message}"))
                        .at_line(&path, Some(sources[*chapter]), first),
                );
            }
            Event::Publish { .. } => {}
        }
    }
    let stopped = match &run.ending {
        Ending::Finished => None,
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
            Some((chapter, block)) => {
                let (path, first) = at_block(chapter, block);
                d.at_line(&path, Some(sources[chapter]), first)
            }
            None => d,
        };
        let head = run.output_head.trim();
        let d = if head.is_empty() {
            d
        } else {
            let first: Vec<&str> = head.lines().take(3).collect();
            d.note(format!(
                "its output began: {}",
                truncate(&first.join(" ⏎ "), 200)
            ))
        };
        all.push(d);
    } else if let Some(c) = ended.iter().position(|e| !e) {
        let (path, first) = at_block(c, 0);
        all.push(
            Diagnostic::error("the computations of this chapter did not run to their end").at_line(
                &path,
                Some(sources[c]),
                first,
            ),
        );
    }
    if all.has_errors() {
        Err(all)
    } else {
        Ok(())
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// Turns the events into each chapter's published values, with Markdown lines.
fn collect_values(
    program: &Program,
    chapters: &[ChapterCode],
    events: &[Event],
) -> Result<Vec<ChapterValues>, Diagnostics> {
    let mut values = vec![ChapterValues::new(); chapters.len()];
    for event in events {
        if let Event::Publish {
            chapter,
            name,
            line,
            value,
        } = event
        {
            let Some(origin) = program.origin(*line as usize) else {
                continue;
            };
            if let Some(chapter_values) = values.get_mut(*chapter) {
                chapter_values.insert(
                    name.clone(),
                    Published {
                        value: value.clone(),
                        block: origin.block,
                        line: origin.line,
                    },
                );
            }
        }
    }
    Ok(values)
}
