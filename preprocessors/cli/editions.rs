//! Building the editions of a book, each into its staging folder, two at a time.
//!
//! Each edition is a whole mdBook build: the stages, mdBook's renderer, then the formulas put
//! into the pages. Rendering is most of a build that is not kept whole ([`crate::reuse`]), and
//! an edition's renderer needs nothing from another's, so the editions run on threads of their
//! own. Not quite side by side: an edition starts once the edition before it has run its
//! stages and rendered its formulas, so that it finds the computations and the formulas in the
//! cache rather than compiling and rendering them a second time; it runs its own stages and
//! renders while the first renders. At 500 chapters a prose edit was 1.5 s for two editions
//! one after the other.

use crate::stages::{self, Edition};
use crate::{interface, reuse};
use anyhow::{Context, Result};
use coursebook_compute::Report;
use math::Strictness;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

/// Where one edition (or the book, when it has none) is built.
pub(crate) struct Target {
    /// The staging folder it is written into.
    pub out: PathBuf,
    /// The folder it will replace.
    pub published: PathBuf,
    /// The book's cache.
    pub cache: PathBuf,
    /// The folders the renderer reads, digested once for every edition.
    pub folders: Arc<reuse::Folders>,
}

/// What building one edition (or the book) produced.
#[derive(Default)]
pub(crate) struct Part {
    /// The edition, `None` for a book without editions.
    pub edition: Option<Edition>,
    /// The compute stage's checks, compilations and times.
    pub report: Report,
    /// The formulas of this edition.
    pub formulas: math::deferred::Counts,
    /// What the HTML renderer did, when the book has an HTML output.
    pub pages: Option<reuse::Outcome>,
    /// Where the pages are published.
    pub published: PathBuf,
}

impl Part {
    /// Where the pages rendered anew will be published, and the fingerprint of their inputs,
    /// to record once they are ([`reuse::record`]).
    pub(crate) fn made(&self) -> Option<(PathBuf, String)> {
        match &self.pages {
            Some(reuse::Outcome::Rendered(Some(f))) => Some((self.published.clone(), f.clone())),
            _ => None,
        }
    }
}

/// Builds every edition of `editions`, into the target `target` gives each, and returns what
/// each produced in their order; or the error of the first that failed (an edition after it
/// does not start, or, when the first failed while rendering, its work is discarded).
pub(crate) fn build_all(
    root: &Path,
    editions: &[Edition],
    target: &(dyn Fn(Option<&Edition>) -> Target + Sync),
    strictness: Strictness,
) -> Result<Vec<Part>> {
    std::thread::scope(|scope| {
        let mut threads = Vec::new();
        let mut before: Option<Receiver<()>> = None;
        for edition in editions {
            let (ready, next) = Ready::new();
            let after = before.replace(next);
            threads.push(scope.spawn(move || -> Result<Option<Part>> {
                // The edition before failed: the build stops with its error.
                if after.is_some_and(|r| r.recv().is_err()) {
                    return Ok(None);
                }
                common::progress::step("Building", format_args!("the {} edition", edition.name()));
                let target = target(Some(edition));
                build_one(root, Some(edition), &target, strictness, &ready).map(Some)
            }));
        }
        let mut parts = Vec::new();
        for thread in threads {
            match thread.join() {
                Ok(part) => parts.extend(part?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(parts)
    })
}

/// Builds the book, which has no editions, into `target`.
pub(crate) fn build_book(root: &Path, target: &Target, strictness: Strictness) -> Result<Part> {
    build_one(root, None, target, strictness, &Ready::default())
}

/// Tells the thread of the next edition that this one's stages have run and its formulas are
/// rendered: the cache holds what the next one needs. Said at most once that matters (the
/// next edition waits for the first); dropped unsaid when the build fails.
#[derive(Clone, Default)]
struct Ready(Option<Sender<()>>);

impl Ready {
    fn new() -> (Ready, Receiver<()>) {
        let (sender, receiver) = mpsc::channel();
        (Ready(Some(sender)), receiver)
    }

    fn signal(&self) {
        if let Some(sender) = &self.0 {
            let _ = sender.send(());
        }
    }
}

/// Builds one edition (or the book, when it has none) into `target`. Its HTML pages are those
/// already published when their inputs are unchanged ([`reuse`]); otherwise mdBook renders
/// them, and the passes after it complete them.
fn build_one(
    root: &Path,
    edition: Option<&Edition>,
    target: &Target,
    strictness: Strictness,
    ready: &Ready,
) -> Result<Part> {
    let mut book = stages::load(root, edition, Some(&target.out), strictness)?;
    let mut part = Part {
        edition: edition.copied(),
        ..Part::default()
    };
    let html = book.html_dir().map(|html| {
        let within = html.strip_prefix(&target.out).unwrap_or(Path::new(""));
        part.published = target.published.join(within);
        // Formulas still rendering (a cold build) are not in the cache yet: the next edition
        // waits for them, below.
        let (math, ready) = (book.math.clone(), ready.clone());
        let renderer =
            reuse::Html::new(&part.published, &target.cache, &target.folders).on_start(move || {
                if !math.as_ref().is_some_and(math::Deferred::is_rendering) {
                    ready.signal();
                }
            });
        let outcome = renderer.outcome();
        book.book.with_renderer(renderer);
        (html, outcome)
    });
    book.book.build()?;
    let rendered = html.and_then(|(html, outcome)| {
        let outcome = outcome.lock().map(|o| o.clone()).unwrap_or_default();
        let rendered = matches!(outcome, reuse::Outcome::Rendered(_)).then_some(html);
        part.pages = Some(outcome);
        rendered
    });
    if let Some(html) = &rendered {
        interface::finish(&book.book.config, html)?;
    }
    if let Some(formulas) = &book.math {
        // The formulas rendered while mdBook wrote the pages; KaTeX's refusals fail the build.
        formulas.finish()?;
        ready.signal();
        if let Some(html) = &rendered {
            formulas
                .install(html)
                .with_context(|| format!("cannot put the formulas into {}", html.display()))?;
        }
        part.formulas = formulas.counts();
    }
    ready.signal();
    part.report = book.take_report();
    Ok(part)
}
