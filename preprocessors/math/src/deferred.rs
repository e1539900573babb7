//! The formulas of a deferring stage, between the stage and the pages.
//!
//! [`crate::MathPreprocessor::deferred`] splices placeholders (see [`crate::pages`]) and hands
//! the formulas to a [`Deferred`]: those it had (cached, or rendered on the spot) at once, and,
//! when a build has many formulas to render, a pending render that runs on its own threads
//! while mdBook renders the pages. [`Deferred::finish`] waits for it and reports the formulas
//! KaTeX refused, with their file and line; [`Deferred::install`] fills the pages.
//!
//! Why in the background: rendering is the bulk of a cold build (the halo2 book: about 0.8 s
//! on two cores), and mdBook's own work (about 0.1 s on one core) does not need the formulas,
//! only their placeholders.

use crate::config::MathOptions;
use crate::render::{self, Job, RenderError};
use crate::{cached, pages, refused};
use common::Diagnostics;
use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

/// The formulas a deferring stage rendered, by key, waiting for the pages the renderer writes.
///
/// A cheap handle: clones share the same formulas, so the caller keeps one and gives the other
/// to [`crate::MathPreprocessor::deferred`]. Every run of the stage adds to it. Dropping the
/// last handle waits for a render still running, so that its cache entries are written whole.
#[derive(Debug, Clone, Default)]
pub struct Deferred(Arc<Mutex<State>>);

#[derive(Debug, Default)]
struct State {
    formulas: HashMap<String, String>,
    pending: Vec<Pending>,
    counts: Counts,
}

/// How many formulas the runs of a deferring stage found, for the build's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Formulas in the book, each occurrence counted.
    pub formulas: usize,
    /// Distinct (TeX, mode) pairs among them.
    pub distinct: usize,
    /// Distinct formulas taken from the cache rather than rendered.
    pub cache_hits: usize,
}

impl Deferred {
    /// An empty set of formulas.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps KaTeX's HTML for the placeholders of each key.
    pub(crate) fn insert_all(&self, formulas: impl IntoIterator<Item = (String, String)>) {
        self.state().formulas.extend(formulas);
    }

    /// Adds one run's figures to [`Deferred::counts`].
    pub(crate) fn count(&self, run: Counts) {
        let counts = &mut self.state().counts;
        counts.formulas += run.formulas;
        counts.distinct += run.distinct;
        counts.cache_hits += run.cache_hits;
    }

    /// What the runs of the stage found so far.
    pub fn counts(&self) -> Counts {
        self.state().counts
    }

    /// Whether formulas are still being rendered in the background (a cold build's): until
    /// [`Deferred::finish`], the cache lacks them.
    pub fn is_rendering(&self) -> bool {
        !self.state().pending.is_empty()
    }

    /// Keeps a render that runs in the background, for [`Deferred::finish`].
    pub(crate) fn push_pending(&self, pending: Pending) {
        self.state().pending.push(pending);
    }

    /// Waits for the renders still running and keeps their formulas. The formulas KaTeX refused
    /// are errors with their file, line and KaTeX's message, or in lenient mode warnings
    /// (printed on stderr) and their TeX in red. Calling it again has nothing left to wait for.
    pub fn finish(&self) -> Result<(), Diagnostics> {
        let pending = std::mem::take(&mut self.state().pending);
        let mut diagnostics = Diagnostics::new();
        for render in pending {
            let formulas = render.wait(&mut diagnostics);
            self.insert_all(formulas);
        }
        diagnostics.into_result()
    }

    /// After the HTML renderer wrote `html_dest`: [`Deferred::finish`], then each formula in
    /// place of its placeholder in every page, and KaTeX's assets shipped and linked from the
    /// pages that show a formula. The formulas KaTeX refused come back as their
    /// diagnostics, for the caller to report as it reports every other.
    pub fn install(&self, html_dest: &Path) -> Result<(), InstallError> {
        self.finish().map_err(InstallError::Refused)?;
        pages::fill_and_link(html_dest, &self.state().formulas).map_err(InstallError::Io)
    }
}

/// Why [`Deferred::install`] failed.
#[derive(Debug)]
pub enum InstallError {
    /// Formulas KaTeX refused, each at its file and line.
    Refused(Diagnostics),
    /// A page could not be read or written, or holds a placeholder no formula fills.
    Io(io::Error),
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstallError::Refused(diagnostics) => diagnostics.fmt(f),
            InstallError::Io(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for InstallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InstallError::Refused(diagnostics) => Some(diagnostics),
            InstallError::Io(error) => Some(error),
        }
    }
}

/// Where a formula being rendered in the background appears, to report it if KaTeX refuses it.
#[derive(Debug)]
pub(crate) struct Occurrence {
    /// Its index among the pending render's jobs.
    pub job: usize,
    /// The chapter's path and its text before splicing.
    pub path: Arc<str>,
    pub content: Arc<str>,
    pub range: Range<usize>,
}

/// A render running on its own threads: the misses of one build.
#[derive(Debug)]
pub(crate) struct Pending {
    handle: Option<JoinHandle<Vec<Result<String, RenderError>>>>,
    jobs: Arc<Vec<Job>>,
    keys: Arc<Vec<String>>,
    occurrences: Vec<Occurrence>,
    options: MathOptions,
}

impl Pending {
    /// Starts rendering `jobs` (whose cache keys are `keys`), then stores the successes in
    /// `store`. `None` when no thread can be started: the caller renders on the spot.
    pub(crate) fn spawn(
        jobs: &Arc<Vec<Job>>,
        keys: &Arc<Vec<String>>,
        options: &MathOptions,
        store: &Arc<cached::Store>,
    ) -> Option<Self> {
        let work = (
            Arc::clone(jobs),
            Arc::clone(keys),
            options.clone(),
            Arc::clone(store),
        );
        let handle = thread::Builder::new()
            .name("katex".into())
            .spawn(move || {
                let (jobs, keys, options, store) = work;
                let rendered = render::render_all(&jobs, &options);
                store.put_all(&cached::successes(&keys, &rendered));
                rendered
            })
            .ok()?;
        Some(Self {
            handle: Some(handle),
            jobs: Arc::clone(jobs),
            keys: Arc::clone(keys),
            occurrences: Vec::new(),
            options: options.clone(),
        })
    }

    /// Records where job `occurrence.job` appears.
    pub(crate) fn occurs(&mut self, occurrence: Occurrence) {
        self.occurrences.push(occurrence);
    }

    /// Waits for the render; returns the formulas by key, KaTeX's HTML or, for a formula refused
    /// in lenient mode, its TeX in red. Refusals go to `diagnostics`.
    fn wait(mut self, diagnostics: &mut Diagnostics) -> Vec<(String, String)> {
        let mut rendered = self
            .handle
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        // A panicked render thread rendered nothing.
        rendered.resize_with(self.keys.len(), || {
            Err("the KaTeX thread stopped before this formula".to_owned())
        });
        let mut formulas: Vec<(String, String)> = Vec::with_capacity(self.keys.len());
        for o in &self.occurrences {
            if let Err(message) = &rendered[o.job] {
                let tex = &self.jobs[o.job].tex;
                let (d, markup) = refused(
                    &o.path,
                    &o.content,
                    o.range.clone(),
                    tex,
                    message,
                    &self.options,
                );
                diagnostics.push(d);
                formulas.extend(markup.map(|m| (self.keys[o.job].clone(), m)));
            }
        }
        formulas.extend(
            self.keys
                .iter()
                .zip(rendered)
                .filter_map(|(key, r)| Some((key.clone(), r.ok()?))),
        );
        formulas
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
