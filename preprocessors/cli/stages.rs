//! Loading a book with mdBook's driver and putting the coursebook stages in the place of the
//! command preprocessors that its book.toml names.
//!
//! `MDBook::with_preprocessor` replaces a preprocessor of the same name where it stands, so
//! the order that book.toml declares (`after = ["links", "compute"]`) is kept. A book written
//! for mdbook-katex (`[preprocessor.katex]`) gets the math stage under that name: it builds
//! unchanged.

use anyhow::{Context, Result};
use common::config::Table;
use common::Diagnostics;
use coursebook_compute::{ComputePreprocessor, Report, SharedReport};
use exam::ExamPreprocessor;
use math::{MathPreprocessor, Strictness};
use mdbook_driver::config::Config;
use mdbook_driver::MDBook;
use std::path::{Path, PathBuf};
use typography::TypographyPreprocessor;

pub use common::Edition;

/// A stage of this tool, named as its book.toml table (`[preprocessor.NAME]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    /// Runs the computations and checks the written answers.
    Compute,
    /// The exam's structure, barème and editions.
    Exam,
    /// French typography.
    Typography,
    /// Server-side KaTeX.
    Math,
    /// The math stage under mdbook-katex's name, for books written for it.
    Katex,
}

impl Stage {
    /// Every stage.
    pub const ALL: [Stage; 5] = [
        Stage::Compute,
        Stage::Exam,
        Stage::Typography,
        Stage::Math,
        Stage::Katex,
    ];

    /// The name of its book.toml table, which is the preprocessor's name.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Compute => ComputePreprocessor::NAME,
            Stage::Exam => ExamPreprocessor::NAME,
            Stage::Typography => TypographyPreprocessor::NAME,
            Stage::Math => math::NATIVE_NAME,
            Stage::Katex => math::DROP_IN_NAME,
        }
    }
}

/// Reads book.toml (or mdBook's defaults when there is none) with `MDBOOK_*` overrides.
pub fn load_config(root: &Path) -> Result<Config> {
    let file = root.join("book.toml");
    let mut config = if file.exists() {
        Config::from_disk(&file).with_context(|| format!("invalid {}", file.display()))?
    } else {
        Config::default()
    };
    config.update_from_env()?;
    Ok(config)
}

/// The editions to build ([`exam::config::editions`]), none when the book has no exam table.
pub fn editions(root: &Path, config: &Config) -> Result<Vec<Edition>> {
    if !config.contains_key("preprocessor.exam") {
        return Ok(Vec::new());
    }
    exam::config::editions(&Table::of_book(config, root, ExamPreprocessor::NAME)).map_err(located)
}

/// A configuration error as the front end reports every diagnostic.
fn located(error: common::config::Error) -> anyhow::Error {
    anyhow::Error::new(Diagnostics::from(error))
}

/// A loaded book with its stages in place.
pub struct LoadedBook {
    /// The book, its configuration adjusted for the edition.
    pub book: MDBook,
    /// The formulas the math stage rendered, for the pages; `None` when the book has no math
    /// stage.
    pub math: Option<math::Deferred>,
    report: SharedReport,
}

impl LoadedBook {
    /// Where the HTML renderer writes, if the book has one.
    pub fn html_dir(&self) -> Option<PathBuf> {
        let outputs = self.book.config.outputs::<toml::Value>().ok()?;
        (outputs.is_empty() || outputs.contains_key("html"))
            .then(|| self.book.build_dir_for("html"))
    }

    /// The checks the compute stage recorded.
    pub fn take_report(&self) -> Report {
        self.report
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}

/// Loads the book at `root` for `edition`, writing into `out` when given; its math stage treats
/// refused formulas and warnings as `strictness` says.
pub fn load(
    root: &Path,
    edition: Option<&Edition>,
    out: Option<&Path>,
    strictness: Strictness,
) -> Result<LoadedBook> {
    let mut config = load_config(root)?;
    if let Some(edition) = edition {
        config.set("preprocessor.exam.edition", edition.name())?;
        // Each edition may have its own title (`[preprocessor.exam.title]`).
        let exam = Table::of_book(&config, root, ExamPreprocessor::NAME);
        if let Some(title) = exam::config::edition_title(&exam, *edition).map_err(located)? {
            config.book.title = Some(title);
        }
    }
    if let Some(out) = out {
        config.build.build_dir = out.to_path_buf();
    }
    // mdBook creates the chapters SUMMARY.md lists but src/ lacks; a missing chapter is an
    // error here, and nothing is ever written into src/.
    config.build.create_missing = false;
    drop_standalone_css(&mut config)?;
    check_encoding(&root.join(&config.book.src))?;
    crate::guard::chapters_inside_src(root, &config)?;
    schedule_typography(&mut config)?;
    let interface = common::cache::cache_root(root).join("interface-fr");
    crate::interface::prepare(root, &mut config, &interface)?;
    let present: Vec<Stage> = Stage::ALL
        .into_iter()
        .filter(|stage| config.contains_key(&format!("preprocessor.{}", stage.name())))
        .collect();
    let mut book = MDBook::load_with_config(root, config)
        .with_context(|| format!("cannot load the book at {}", root.display()))?;
    let report = SharedReport::default();
    let mut math = None;
    for stage in present {
        match stage {
            Stage::Compute => {
                book.with_preprocessor(ComputePreprocessor::with_report(report.clone()));
            }
            Stage::Exam => {
                book.with_preprocessor(ExamPreprocessor::new());
            }
            Stage::Typography => {
                book.with_preprocessor(TypographyPreprocessor);
            }
            Stage::Math | Stage::Katex => {
                let formulas = math.get_or_insert_with(math::Deferred::new);
                book.with_preprocessor(
                    MathPreprocessor::deferred(stage.name(), formulas).with_strictness(strictness),
                );
            }
        }
    }
    Ok(LoadedBook { book, math, report })
}

/// Takes the math stage's self-contained stylesheet out of `additional-css`: it is there for
/// the official CLI, and `coursebook build` links KaTeX's own files from the pages that need
/// them instead (the math stage does not write it in-process).
fn drop_standalone_css(config: &mut Config) -> Result<()> {
    let key = "output.html.additional-css";
    let Ok(Some(entries)) = config.get::<Vec<String>>(key) else {
        return Ok(());
    };
    let kept: Vec<String> = entries
        .iter()
        .filter(|e| {
            Path::new(e)
                .file_name()
                .is_none_or(|n| n != math::assets::STANDALONE_CSS)
        })
        .cloned()
        .collect();
    if kept.len() != entries.len() {
        config.set(key, kept)?;
    }
    Ok(())
}

/// A French book gets the typography stage without asking for it: when book.toml has no
/// `[preprocessor.typography]` table, one is added that runs it after the stages that write
/// prose (links, compute, exam) and before the math stage, which must find its `$` as typed.
fn schedule_typography(config: &mut Config) -> Result<()> {
    let table = format!("preprocessor.{}", TypographyPreprocessor::NAME);
    if config.contains_key(&table) || !TypographyPreprocessor::enabled(config) {
        return Ok(());
    }
    let present = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| **n == "links" || config.contains_key(&format!("preprocessor.{n}")))
            .map(|n| n.to_string())
            .collect()
    };
    let after = present(&["links", "compute", "exam"]);
    let before = present(&["math", "katex"]);
    config.set(format!("{table}.after"), after)?;
    config.set(format!("{table}.before"), before)?;
    Ok(())
}

/// Refuses a book whose Markdown is not UTF-8, naming the file, line and column of the first
/// bad byte (mdBook itself only says that a chapter could not be read).
fn check_encoding(src: &Path) -> Result<()> {
    let mut all = common::Diagnostics::new();
    for entry in walkdir::WalkDir::new(src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        if let Err(e) = std::str::from_utf8(&bytes) {
            let at = e.valid_up_to();
            let valid = String::from_utf8_lossy(&bytes[..at]);
            let (line, column) = common::diagnostic::line_column(&valid, valid.len());
            let path = entry
                .path()
                .strip_prefix(src.parent().unwrap_or(src))
                .unwrap_or(entry.path());
            let mut d = common::Diagnostic::error(format!(
                "this file is not UTF-8 (byte 0x{:02X}): save it as UTF-8",
                bytes[at]
            ));
            d.path = path.display().to_string();
            d.line = line;
            d.column = column;
            all.push(d);
        }
    }
    all.into_result().map_err(anyhow::Error::new)
}

/// A renderer that renders nothing, for `check`: the stages decide whether to run by the
/// renderer's name, so it answers to "html".
pub struct CheckOnly;

impl mdbook_renderer::Renderer for CheckOnly {
    fn name(&self) -> &str {
        "html"
    }

    fn render(&self, _ctx: &mdbook_renderer::RenderContext) -> mdbook_driver::errors::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod names {
    use super::*;

    fn config(toml: &str) -> Config {
        toml.parse().expect("a valid book.toml")
    }

    #[test]
    fn an_edition_the_exam_stage_does_not_know_is_refused_with_the_ones_it_does() {
        let root = Path::new("/nonexistent");
        let err = editions(
            root,
            &config("[preprocessor.exam]\neditions = [\"prof\"]\n"),
        )
        .unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("\"prof\"") && text.contains("\"corrige\" and \"sujet\""),
            "{text}"
        );
        let both = editions(
            root,
            &config("[preprocessor.exam]\neditions = [\"sujet\", \"corrigé\"]\n"),
        );
        assert_eq!(both.unwrap(), [Edition::Sujet, Edition::Corrige]);
        // Twice the same edition would be two builds into one folder, at once.
        let twice = editions(
            root,
            &config("[preprocessor.exam]\neditions = [\"sujet\", \"sujet\"]\n"),
        )
        .unwrap_err();
        assert!(
            format!("{twice:#}").contains("names the sujet edition twice"),
            "{twice:#}"
        );
        let default = editions(root, &config("[preprocessor.exam]\ntotal = 20\n"));
        assert_eq!(default.unwrap(), [Edition::Corrige, Edition::Sujet]);
        assert!(editions(root, &config("[book]\n")).unwrap().is_empty());
    }

    #[test]
    fn each_stage_is_named_as_its_preprocessor() {
        let names: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["compute", "exam", "typography", "math", "katex"]);
        for stage in Stage::ALL {
            let value = clap::ValueEnum::to_possible_value(&stage).unwrap();
            assert_eq!(
                value.get_name(),
                stage.name(),
                "the CLI's name is book.toml's"
            );
        }
    }
}
