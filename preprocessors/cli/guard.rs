//! Where a build must not write, nor read: refused before anything is written.
//!
//! A build replaces its output folder whole (see [`crate::output::Staging`]). An output folder
//! that is, holds or lies inside `src/` (or the theme), that holds the book root, or that is a
//! file (book.toml), would replace the author's files with HTML; a chapter path of SUMMARY.md
//! that leaves `src/` would be read from anywhere on disk and its page written outside the
//! output folder.

use anyhow::{Context, Result};
use common::{Diagnostic, Diagnostics};
use mdbook_driver::config::Config;
use std::path::{Component, Path, PathBuf};

/// The output folder of a build of the book at `root`: `dest` (the `-d` option) when given,
/// else book.toml's `build.build-dir`; refused when writing it would destroy the book.
pub fn destination(root: &Path, config: &Config, dest: Option<&Path>) -> Result<PathBuf> {
    let chosen = match dest {
        Some(d) => {
            std::path::absolute(d).with_context(|| format!("cannot resolve {}", d.display()))?
        }
        None => root.join(&config.build.build_dir),
    };
    let Some(clash) = clash(root, config, &chosen) else {
        return Ok(chosen);
    };
    let message = "the build directory would overwrite the book's sources";
    let named = dest.unwrap_or(&config.build.build_dir);
    let note = format!(
        "`{}` {clash}, and a build replaces its output folder whole",
        named.display()
    );
    let hint = "build into a folder of its own outside src/, such as `book` (the default)";
    match dest {
        Some(_) => Err(anyhow::anyhow!("{message}: {note}; {hint}")),
        None => {
            let file = root.join("book.toml");
            let text = std::fs::read_to_string(&file).ok();
            let line = text.as_deref().and_then(build_dir_line);
            let d = match line {
                Some(line) => {
                    Diagnostic::error(message).at_line("book.toml", text.as_deref(), line)
                }
                None => Diagnostic::error(message).in_file("book.toml"),
            };
            let mut all = Diagnostics::new();
            all.push(d.note(note).note(format!("help: {hint}")));
            Err(anyhow::Error::new(all))
        }
    }
}

/// How `dest` would destroy the book at `root`, if it would.
fn clash(root: &Path, config: &Config, dest: &Path) -> Option<String> {
    let dest = resolved(dest);
    let root = resolved(root);
    if root.starts_with(&dest) {
        return Some("holds the book root".into());
    }
    if dest.exists() && !dest.is_dir() {
        return Some("is a file, not a folder".into());
    }
    let theme = config
        .get::<PathBuf>("output.html.theme")
        .ok()
        .flatten()
        .unwrap_or_else(|| PathBuf::from("theme"));
    for (what, folder) in [("src/", &config.book.src), ("the theme", &theme)] {
        let folder = resolved(&root.join(folder));
        if dest == folder {
            return Some(format!("is {what}"));
        }
        if dest.starts_with(&folder) {
            return Some(format!("lies inside {what}"));
        }
        if folder.starts_with(&dest) {
            return Some(format!("holds {what}"));
        }
    }
    None
}

/// The 1-based line of book.toml that sets `build-dir`.
fn build_dir_line(toml: &str) -> Option<usize> {
    toml.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix("build-dir")
                .or_else(|| line.strip_prefix("\"build-dir\""))
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// `path` absolute, with `.` and `..` folded, and with symbolic links resolved in the part of
/// it that exists: two spellings of one folder compare equal.
fn resolved(path: &Path) -> PathBuf {
    let mut folded = PathBuf::new();
    for component in std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .components()
    {
        match component {
            Component::ParentDir => {
                folded.pop();
            }
            Component::CurDir => {}
            other => folded.push(other),
        }
    }
    let mut existing = folded.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return folded,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

/// Refuses the chapters of SUMMARY.md whose path leaves `src/`, each at its line.
pub fn chapters_inside_src(root: &Path, config: &Config) -> Result<()> {
    let relative = config.book.src.join("SUMMARY.md");
    let Ok(summary) = std::fs::read_to_string(root.join(&relative)) else {
        return Ok(()); // mdBook reports a missing or unreadable SUMMARY.md itself.
    };
    let shown = relative.display().to_string();
    let mut all = Diagnostics::new();
    for (range, target) in common::page::summary_links(&summary) {
        if common::page::leaves_src(&target) {
            all.push(
                Diagnostic::error("this chapter lies outside src/")
                    .at(&shown, &summary, range)
                    .note(format!(
                        "`{target}` leaves {}: a chapter is read from the book's sources, \
                         and its page is written inside the output folder",
                        config.book.src.display()
                    ))
                    .note("help: move the file into src/ and name it from there"),
            );
        }
    }
    all.into_result().map_err(anyhow::Error::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clash_of(build_dir: &str) -> Option<String> {
        let root = std::env::temp_dir().join("coursebook-guard-book");
        let mut config = Config::default();
        config.build.build_dir = PathBuf::from(build_dir);
        clash(&root, &config, &root.join(build_dir))
    }

    #[test]
    fn output_folders_that_would_replace_the_book_are_refused() {
        assert_eq!(clash_of("src").as_deref(), Some("is src/"));
        assert_eq!(clash_of("src/../src/").as_deref(), Some("is src/"));
        assert_eq!(clash_of("src/html").as_deref(), Some("lies inside src/"));
        assert_eq!(clash_of("theme").as_deref(), Some("is the theme"));
        assert_eq!(clash_of(".").as_deref(), Some("holds the book root"));
        assert_eq!(clash_of("..").as_deref(), Some("holds the book root"));
        assert_eq!(clash_of("/").as_deref(), Some("holds the book root"));
        let root = std::env::temp_dir().join("coursebook-guard-book");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("book.toml"), "").unwrap();
        assert_eq!(
            clash_of("book.toml").as_deref(),
            Some("is a file, not a folder")
        );
    }

    #[test]
    fn output_folders_beside_the_sources_are_fine() {
        assert_eq!(clash_of("book"), None);
        assert_eq!(clash_of("target/site"), None);
        assert_eq!(clash_of("../elsewhere"), None);
        assert_eq!(clash_of("srcbook"), None);
    }

    #[test]
    fn the_build_dir_line_is_found() {
        let toml = "[book]\ntitle = \"T\"\n\n[build]\n  build-dir = \"src\"\n";
        assert_eq!(build_dir_line(toml), Some(5));
        assert_eq!(build_dir_line("[build]\nbuild-dirs = 1\n"), None);
    }
}
