//! Links of the sujet to pages it does not have. A chapter marked `{{#corrige-only}}` is left
//! out of the sujet; a link to it from a page the sujet keeps would lead a student to a
//! missing page, so the build fails at the link's file and line (rather than remove the link
//! and change the sentence around it behind the author's back). Links inside what the sujet
//! removes (answers, notes, rubrics, `{{#corrige-only}}` blocks) are not checked.

use crate::edition::Edition;
use crate::only;
use crate::structure::{Page, PageExam};
use common::{Diagnostic, Diagnostics};
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

/// Reports every link of `page` (kept in the sujet) to a chapter of `dropped`.
pub fn check_sujet(
    page: &Page,
    exam: &PageExam,
    dropped: &HashSet<PathBuf>,
    diagnostics: &mut Diagnostics,
) {
    let source = page.content.as_str();
    let mut removed: Vec<Range<usize>> = exam
        .blocks
        .iter()
        .map(|b| b.open.start..b.close.end)
        .collect();
    removed.extend(only::removed(&exam.only, Edition::Sujet));
    let parser = common::markdown::parser(source).into_offset_iter();
    for (event, range) in parser {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        if removed.iter().any(|r| r.contains(&range.start)) {
            continue;
        }
        let Some(target) = target(&page.key, &dest_url) else {
            continue;
        };
        if dropped.contains(&target) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "this link leads to `{}`, a page the sujet does not have",
                    dest_url
                ))
                .at(&page.file, source, range)
                .note(format!("{} is marked `{{{{#corrige-only}}}}`", target.display()))
                .note("put the sentence in a `{{#corrige-only}}` … `{{#/corrige-only}}` block, or remove the link"),
            );
        }
    }
}

/// The chapter a relative link of the page `key` leads to (`annexes/x.md` for
/// `annexes/x.html#top` from `intro.md`); `None` for external links and anchors.
fn target(key: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() || url.contains("://") || url.starts_with("mailto:") || path.starts_with('/')
    {
        return None;
    }
    let joined = key.parent().unwrap_or(Path::new("")).join(path);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            _ => {}
        }
    }
    match out.extension().and_then(|e| e.to_str()) {
        Some("html") => Some(out.with_extension("md")),
        Some("md") => Some(out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_their_page() {
        let t = |key: &str, url: &str| target(Path::new(key), url);
        assert_eq!(t("intro.md", "annexes/v.md"), Some("annexes/v.md".into()));
        assert_eq!(t("a/b.md", "../c.html#x"), Some("c.md".into()));
        assert_eq!(t("a.md", "#x"), None);
        assert_eq!(t("a.md", "https://x.org/a.md"), None);
    }
}
