//! Loading a book with mdBook's driver and putting the coursebook stages in the place of the
//! command preprocessors that its book.toml names.
//!
//! `MDBook::with_preprocessor` replaces a preprocessor of the same name where it stands, so
//! the order that book.toml declares (`after = ["links", "compute"]`) is kept. A book written
//! for mdbook-katex (`[preprocessor.katex]`) gets the math stage under that name: it builds
//! unchanged.

use anyhow::{bail, Context, Result};
use coursebook_compute::{ComputePreprocessor, Report, SharedReport};
use exam::ExamPreprocessor;
use math::{MathPreprocessor, Strictness};
use mdbook_driver::config::Config;
use mdbook_driver::MDBook;
use std::path::{Path, PathBuf};
use typography::TypographyPreprocessor;

/// One edition of an exam book: `corrige` (with answers) or `sujet` (the paper alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    pub name: String,
}

/// The names of the stages this tool runs in-process.
pub const STAGES: &[&str] = &["compute", "exam", "typography", "math", "katex"];

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

/// The editions to build: those of `[preprocessor.exam] editions`, `corrige` and `sujet` by
/// default when the book has an exam table, none otherwise.
pub fn editions(config: &Config) -> Result<Vec<Edition>> {
    if !config.contains_key("preprocessor.exam") {
        return Ok(Vec::new());
    }
    let names = config
        .get::<Vec<String>>("preprocessor.exam.editions")
        .context("book.toml: `preprocessor.exam.editions` must be a list of names")?
        .unwrap_or_else(|| vec!["corrige".into(), "sujet".into()]);
    for name in &names {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("book.toml: edition name {name:?} must be a plain folder name");
        }
    }
    Ok(names.into_iter().map(|name| Edition { name }).collect())
}

/// A loaded book with its stages in place.
pub struct LoadedBook {
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
        config.set("preprocessor.exam.edition", &edition.name)?;
        // Each edition may have its own title (`[preprocessor.exam.title]`).
        if let Some(title) =
            exam::config::edition_title(&config, &edition.name).map_err(anyhow::Error::msg)?
        {
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
    let present: Vec<String> = STAGES
        .iter()
        .filter(|name| config.contains_key(&format!("preprocessor.{name}")))
        .map(|s| s.to_string())
        .collect();
    let mut book = MDBook::load_with_config(root, config)
        .with_context(|| format!("cannot load the book at {}", root.display()))?;
    let report = SharedReport::default();
    let mut math = None;
    for name in &present {
        match name.as_str() {
            "compute" => {
                book.with_preprocessor(ComputePreprocessor::with_report(report.clone()));
            }
            "exam" => {
                book.with_preprocessor(ExamPreprocessor::new());
            }
            "typography" => {
                book.with_preprocessor(TypographyPreprocessor);
            }
            _ => {
                let formulas = math.get_or_insert_with(math::Deferred::new);
                book.with_preprocessor(
                    MathPreprocessor::deferred(name, formulas).with_strictness(strictness),
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
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
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
