//! What a build verified: every checked answer, for `check`'s summary, its JSON report and the
//! book's verification page.

use crate::engine::Stats;
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// One `{{#check}}` of the book.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRecord {
    /// The Markdown file, relative to the book root (`src/q7.md`).
    pub file: String,
    /// Its 1-based line.
    pub line: usize,
    /// Its 1-based column, in characters.
    pub column: usize,
    /// The chapter's page, relative to the book's output root (`q7.html`), and the check's
    /// anchor in it, for links.
    pub page: String,
    /// The check's `id` in that page.
    pub anchor: String,
    /// The checked expression (`scores[0]`).
    pub expression: String,
    /// The answer as written (`0,46`).
    pub written: String,
    /// The computed value, or `None` when there was none (unknown name, bad index).
    pub computed: Option<String>,
    /// How they were compared (`arrondi à 2 décimales`).
    pub rule: String,
    /// Whether the written answer matches the computed value.
    pub holds: bool,
    /// Why it does not hold.
    pub problem: Option<String>,
    /// Where the value was published: `src/q7.md:31`.
    pub published_at: Option<String>,
    /// The question whose text holds the check (`{{#question N}}` above it), if any.
    pub question: Option<u32>,
    /// What `check --fix` would write instead, for a check that does not hold.
    #[serde(skip)]
    pub fix: Option<crate::fix::Fix>,
}

/// The record of one build, shared between the preprocessor and the tool that runs it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Every check, in reading order.
    pub checks: Vec<CheckRecord>,
    /// Every number written in an answer or a note, checked or not.
    pub numbers: Vec<crate::coverage::NumberRecord>,
    /// Chapters that hold computations or checks.
    pub chapters: usize,
    /// What compiling and running the computations cost.
    #[serde(skip)]
    pub stats: Stats,
}

impl Report {
    /// How many checks do not hold.
    pub fn failures(&self) -> usize {
        self.checks.iter().filter(|c| !c.holds).count()
    }

    /// The one-line summary `check` prints.
    pub fn summary(&self) -> String {
        let n = self.checks.len();
        let status = match self.failures() {
            0 => "all hold".to_owned(),
            f => format!("{f} fail"),
        };
        format!(
            "{n} answer{} checked in {} chapter{}: {status}",
            plural(n),
            self.chapters,
            plural(self.chapters)
        )
    }
}

impl Report {
    /// How the computations were obtained: compiled (with the time) or from the cache.
    pub fn stats_line(&self) -> String {
        let s = &self.stats;
        if s.compilations == 0 {
            return "computations: from the cache (0 compiler invocations)".into();
        }
        format!(
            "computations: {} compiler invocation{} ({:.2} s), run in {:.2} s",
            s.compilations,
            plural(s.compilations),
            s.compile_time.as_secs_f64(),
            s.run_time.as_secs_f64()
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A handle on the report that outlives the preprocessor (which mdBook owns).
pub type SharedReport = Arc<Mutex<Report>>;
