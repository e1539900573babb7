//! Lines of a chapter that mdBook's `links` stage expanded, mapped back to the files they came
//! from, so that an error inside an `{{#include}}`d file names that file and its own line.
//!
//! The stage sees the chapter after the expansion. The map is rebuilt from the chapter file
//! on disk: its `{{#include PATH}}` directives (whole files, or `PATH:FROM:TO` line ranges)
//! are expanded again, and the map is trusted only when that gives back exactly the content
//! the stage received. Anything else (anchors, nested includes) keeps the chapter's lines.

use common::{Diagnostic, Diagnostics};
use std::path::Path;

/// Where each line of an expanded chapter came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LineMap {
    /// The chapter as diagnostics name it (`src/ch.md`).
    chapter: String,
    /// For each line of the expanded content (0-based), its file and 1-based line there.
    origins: Vec<(String, usize)>,
}

impl LineMap {
    /// The map of the chapter `file` (relative to `root`) whose expanded text is `content`,
    /// or `None` when nothing was included or the expansion cannot be reproduced.
    pub fn of(root: &Path, file: &str, content: &str) -> Option<LineMap> {
        let raw = std::fs::read_to_string(root.join(file)).ok()?;
        if raw == content || !raw.contains("{{#include ") {
            return None;
        }
        let dir = Path::new(file).parent().unwrap_or(Path::new(""));
        let mut expanded = String::new();
        let mut origins = Vec::new();
        let mut rest = raw.as_str();
        let mut raw_line = 1;
        while let Some(start) = rest.find("{{#include ") {
            let end = start + rest[start..].find("}}")?;
            let before = &rest[..start];
            push(&mut expanded, &mut origins, before, file, raw_line);
            raw_line += before.matches('\n').count();
            let args = rest[start + "{{#include ".len()..end].trim();
            let (path, text, first) = included(root, dir, args)?;
            push(&mut expanded, &mut origins, &text, &path, first);
            raw_line += rest[start..end].matches('\n').count();
            rest = &rest[end + 2..];
        }
        push(&mut expanded, &mut origins, rest, file, raw_line);
        (expanded == content).then(|| LineMap {
            chapter: file.to_owned(),
            origins,
        })
    }

    /// Moves a diagnostic of the chapter to the file and line its text came from.
    pub fn relocate(&self, d: &mut Diagnostic) {
        self.relocate_place(&mut d.path, &mut d.line);
    }

    /// Moves a place (`file`, 1-based `line`) of the chapter to where its text came from.
    pub fn relocate_place(&self, file: &mut String, line: &mut usize) {
        if *file != self.chapter {
            return;
        }
        if let Some((origin, origin_line)) = self.origin(*line) {
            *file = origin.to_owned();
            *line = origin_line;
        }
    }

    /// Every diagnostic of `all` relocated by whichever map is its chapter's.
    pub fn relocate_all(maps: &[LineMap], mut all: Diagnostics) -> Diagnostics {
        for d in &mut all.0 {
            if let Some(map) = maps.iter().find(|m| m.chapter == d.path) {
                map.relocate(d);
            }
        }
        all
    }

    /// The file and line a line of the chapter came from.
    pub fn origin(&self, line: usize) -> Option<(&str, usize)> {
        let (file, line) = self.origins.get(line.checked_sub(1)?)?;
        Some((file, *line))
    }

    /// The chapter whose lines this maps.
    pub fn chapter(&self) -> &str {
        &self.chapter
    }
}

/// Appends `text` to `expanded`, recording that its lines start at line `first` of `file`.
/// A line already begun (text after a directive on the same line) keeps its first origin.
fn push(
    expanded: &mut String,
    origins: &mut Vec<(String, usize)>,
    text: &str,
    file: &str,
    first: usize,
) {
    let mut line = first;
    let mut at_line_start = expanded.is_empty() || expanded.ends_with('\n');
    for c in text.chars() {
        if at_line_start {
            origins.push((file.to_owned(), line));
            at_line_start = false;
        }
        expanded.push(c);
        if c == '\n' {
            line += 1;
            at_line_start = true;
        }
    }
}

/// The file an include names (relative to the book root), the text it brings in, and the
/// line of that file where the text starts. `PATH:FROM:TO` keeps lines FROM to TO (1-based,
/// either may be empty), `PATH:N` line N alone, as mdBook does; an anchor is not supported.
fn included(root: &Path, dir: &Path, args: &str) -> Option<(String, String, usize)> {
    let mut parts = args.splitn(3, ':');
    let path = dir.join(parts.next()?.trim());
    let text = std::fs::read_to_string(root.join(&path)).ok()?;
    let number = |s: Option<&str>| -> Option<Option<usize>> {
        match s.map(str::trim) {
            None | Some("") => Some(None),
            Some(n) => n.parse().ok().map(Some),
        }
    };
    let (from, to) = match (parts.next(), parts.next()) {
        (None, _) => (None, None),
        (Some(n), None) => {
            let n = number(Some(n))?;
            (n, n)
        }
        (from, to) => (number(from)?, number(to)?),
    };
    let path = path.to_string_lossy().replace('\\', "/");
    // Like mdBook: the lines kept, joined by `\n` (so without the file's last line break).
    let first = from.unwrap_or(1).max(1);
    let lines: Vec<&str> = text.lines().collect();
    let last = to.unwrap_or(lines.len()).min(lines.len());
    let kept = lines.get(first - 1..last).unwrap_or_default().join("\n");
    Some((path, kept, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(files: &[(&str, &str)]) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "cb-includes-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        for (path, text) in files {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        root
    }

    #[test]
    fn lines_of_an_included_file_map_to_that_file() {
        let root = book(&[
            ("src/ch.md", "# T\n\n{{#include part.md}}\n\nFin.\n"),
            ("src/part.md", "a\nb\nc\n"),
        ]);
        let content = "# T\n\na\nb\nc\n\nFin.\n";
        let map = LineMap::of(&root, "src/ch.md", content).unwrap();
        assert_eq!(map.origin(1), Some(("src/ch.md", 1)));
        assert_eq!(map.origin(4), Some(("src/part.md", 2)));
        assert_eq!(map.origin(7), Some(("src/ch.md", 5)));
        let mut d = Diagnostic::error("x").at_line("src/ch.md", Some(content), 5);
        map.relocate(&mut d);
        assert_eq!((d.path.as_str(), d.line), ("src/part.md", 3));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn line_ranges_start_at_their_first_line_and_unknown_expansions_are_left_alone() {
        let root = book(&[
            ("src/ch.md", "{{#include part.md:2:3}}\n"),
            ("src/part.md", "a\nb\nc\nd\n"),
        ]);
        let map = LineMap::of(&root, "src/ch.md", "b\nc\n").unwrap();
        assert_eq!(map.origin(2), Some(("src/part.md", 3)));
        assert_eq!(LineMap::of(&root, "src/ch.md", "something else\n"), None);
        let _ = std::fs::remove_dir_all(&root);
    }
}
