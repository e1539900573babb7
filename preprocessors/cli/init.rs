//! `coursebook init DIR`: a new book that builds and checks at once, as `cargo new` starts a
//! crate.
//!
//! The book has a chapter with a computation, checked answers, formulas and a figure; the
//! book's library crate (`library/`, the functions the blocks call) with the runtime it
//! depends on written beside it; the stages in book.toml, with `command` lines so that the
//! official `mdbook` CLI runs them too; and, with `--exam`, a question with its points,
//! answer, annotation and barème, published as two editions (corrigé and sujet).
//!
//! The book is written into a temporary folder next to `DIR` and renamed into place, so an
//! error leaves nothing half-written.

use anyhow::{bail, Context, Result};
use coursebook_notebook::embedded;
use std::fs;
use std::path::{Path, PathBuf};

/// The language of the book's text and of its reader-facing words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Language {
    /// English: `language = "en"`, English starter text.
    En,
    /// French: `language = "fr"`, French starter text and typography.
    Fr,
}

/// What `init` writes.
#[derive(Debug, Clone, Copy)]
pub struct InitOptions {
    /// Adds the exam: a question, its barème, the two editions.
    pub exam: bool,
    /// The language of the book's text.
    pub language: Language,
}

/// Where the runtime goes, relative to the book: the library's Cargo.toml names this path.
pub const RUNTIME_DIR: &str = ".coursebook/coursebook-notebook";

/// Writes a new book into `dir`, which must not exist or be empty. Returns the files written,
/// relative to `dir`.
pub fn init(dir: &Path, options: InitOptions) -> Result<Vec<PathBuf>> {
    if dir.exists() && fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        bail!(
            "{} is not an empty folder: `coursebook init` writes a new book",
            dir.display()
        );
    }
    let dir =
        std::path::absolute(dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    let parent = dir.parent().context("the book's folder has no parent")?;
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = parent.join(common::cache::temp_name(".coursebook-init"));
    let files = files(&title_of(&dir), options);
    let written = write_book(&staging, &files).and_then(|()| {
        if dir.exists() {
            fs::remove_dir(&dir).with_context(|| format!("cannot replace {}", dir.display()))?;
        }
        fs::rename(&staging, &dir).with_context(|| format!("cannot create {}", dir.display()))
    });
    if written.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    written?;
    Ok(files
        .into_iter()
        .map(|(path, _)| PathBuf::from(path))
        .collect())
}

/// Writes `files` and the runtime into `root`.
fn write_book(root: &Path, files: &[(String, String)]) -> Result<()> {
    for (path, text) in files {
        let file = root.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
    }
    // So that `cargo test` in library/ works before the first build; builds keep it current.
    embedded::write_package(&root.join(RUNTIME_DIR))
        .with_context(|| format!("cannot write the runtime into {RUNTIME_DIR}"))
}

/// The book's title: its folder's name, words separated by spaces.
fn title_of(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map_or_else(|| "Course".to_owned(), |n| n.to_string_lossy().into_owned());
    let words: String = name
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Course".to_owned(),
    }
}

/// The book's files, by path relative to its root.
fn files(title: &str, options: InitOptions) -> Vec<(String, String)> {
    let (chapter, exam, grading) = match options.language {
        Language::En => (
            include_str!("templates/en/chapter.md"),
            include_str!("templates/en/exam.md"),
            include_str!("templates/en/grading.md"),
        ),
        Language::Fr => (
            include_str!("templates/fr/chapter.md"),
            include_str!("templates/fr/exam.md"),
            include_str!("templates/fr/grading.md"),
        ),
    };
    let mut files = vec![
        ("book.toml".to_owned(), book_toml(title, options)),
        ("src/SUMMARY.md".to_owned(), summary(options)),
        ("src/chapter_1.md".to_owned(), chapter.to_owned()),
        (
            "library/Cargo.toml".to_owned(),
            include_str!("templates/library/Cargo.toml").to_owned(),
        ),
        (
            "library/src/lib.rs".to_owned(),
            include_str!("templates/library/lib.rs").to_owned(),
        ),
        (
            "theme/coursebook.css".to_owned(),
            include_str!("../../theme/coursebook.css").to_owned(),
        ),
        (
            "theme/coursebook.js".to_owned(),
            include_str!("../../theme/coursebook.js").to_owned(),
        ),
        (".gitignore".to_owned(), GITIGNORE.to_owned()),
    ];
    if options.exam {
        files.push(("src/exam.md".to_owned(), exam.to_owned()));
        files.push(("src/grading.md".to_owned(), grading.to_owned()));
    }
    files
}

const GITIGNORE: &str = "\
/book
/target
/library/target
# Written by coursebook from its own binary at each build.
/.coursebook
/theme/coursebook-katex.css
# Staging folders of interrupted builds.
/.book.*
";

fn summary(options: InitOptions) -> String {
    let french = options.language == Language::Fr;
    let mut text = String::from(if french {
        "# Résumé\n\n"
    } else {
        "# Summary\n\n"
    });
    text.push_str(if french {
        "- [Chapitre 1](chapter_1.md)\n"
    } else {
        "- [Chapter 1](chapter_1.md)\n"
    });
    if options.exam {
        text.push_str(if french {
            "- [Examen](exam.md)\n- [Barème](grading.md)\n"
        } else {
            "- [Exam](exam.md)\n- [Grading](grading.md)\n"
        });
    }
    text
}

fn book_toml(title: &str, options: InitOptions) -> String {
    let language = match options.language {
        Language::En => "en",
        Language::Fr => "fr",
    };
    let mut text = format!(
        r#"[book]
title = {title:?}
authors = []
language = "{language}"
src = "src"

# The coursebook stages. `coursebook build` runs them in-process; the `command` lines let the
# official `mdbook` CLI (0.5) run the same stages: `mdbook build` needs `coursebook` on PATH.
[preprocessor.compute]
command = "coursebook preprocess compute"
after = ["links"]
# The book's library: a Cargo package whose public items every block sees.
library = "library"
# Seconds the book's computations may run, all together.
timeout = 20
"#
    );
    let mut math_after = r#"["links", "compute"]"#;
    let mut typography_after = r#"["links", "compute"]"#;
    if options.exam {
        text.push_str(
            r#"
# The exam: questions, points, answers; `coursebook build` publishes the corrigé and the sujet.
[preprocessor.exam]
command = "coursebook preprocess exam"
after = ["links", "compute"]
total = 2
"#,
        );
        math_after = r#"["links", "compute", "exam"]"#;
        typography_after = math_after;
    }
    if options.language == Language::Fr {
        text.push_str(&format!(
            r#"
# French typography (no-break spaces before ; ! ? : and inside « »). `coursebook build` runs
# it for a French book even without this table; the official CLI needs the table.
[preprocessor.typography]
command = "coursebook preprocess typography"
after = {typography_after}
before = ["math"]
"#
        ));
    }
    text.push_str(&format!(
        r#"
[preprocessor.math]
command = "coursebook preprocess math"
after = {math_after}
renderers = ["html"]

[output.html]
# coursebook-katex.css is written by the math stage for the official CLI (KaTeX's stylesheet
# and fonts in one file); `coursebook build` links KaTeX's files itself.
additional-css = ["theme/coursebook.css", "theme/coursebook-katex.css"]
additional-js = ["theme/coursebook.js"]
"#
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_comes_from_the_folder() {
        assert_eq!(
            title_of(Path::new("/x/signal-processing")),
            "Signal processing"
        );
        assert_eq!(title_of(Path::new("/x/stats_101")), "Stats 101");
    }

    #[test]
    fn an_exam_book_declares_the_exam_stage_and_the_math_stage_runs_after_it() {
        let exam = InitOptions {
            exam: true,
            language: Language::Fr,
        };
        let toml = book_toml("T", exam);
        assert!(toml.contains("[preprocessor.exam]") && toml.contains("total = 2"));
        assert!(toml.contains(r#"after = ["links", "compute", "exam"]"#));
        let plain = book_toml(
            "T",
            InitOptions {
                exam: false,
                ..exam
            },
        );
        assert!(!plain.contains("exam"), "{plain}");
        assert!(files("T", exam).iter().any(|(p, _)| p == "src/grading.md"));
    }

    #[test]
    fn a_folder_that_holds_something_is_refused_and_kept() {
        let dir = std::env::temp_dir().join(format!("init-refused-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let options = InitOptions {
            exam: false,
            language: Language::En,
        };
        let err = init(&dir, options).unwrap_err().to_string();
        assert!(err.contains("not an empty folder"), "{err}");
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
        assert!(!dir.join("book.toml").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
