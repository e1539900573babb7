//! Chapters as the stages see them, and where their pages land in the output.

use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag};
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::PreprocessorContext;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

/// A chapter with a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// `chapter.path`: identifies the chapter and gives its HTML page.
    pub key: PathBuf,
    /// The Markdown file as diagnostics name it (`src/partie1.md`).
    pub file: String,
    /// The chapter's Markdown, as the previous stages left it.
    pub content: String,
}

/// The book's chapters with a file, in reading order (draft chapters have no content).
pub fn collect(ctx: &PreprocessorContext, book: &Book) -> Vec<Page> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(ch) => ch.path.as_ref().map(|key| Page {
                key: key.clone(),
                file: crate::chapter_path(ctx, ch),
                content: ch.content.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The page a chapter renders to, relative to the book's output root (mdBook renders
/// `README.md` as `index.html`).
///
/// ```
/// use std::path::Path;
/// assert_eq!(coursebook_common::page::page_of(Path::new("a/q7.md")), "a/q7.html");
/// assert_eq!(coursebook_common::page::page_of(Path::new("README.md")), "index.html");
/// ```
pub fn page_of(key: &Path) -> String {
    let page = if key
        .file_name()
        .is_some_and(|f| f.eq_ignore_ascii_case("README.md"))
    {
        key.with_file_name("index.html")
    } else {
        key.with_extension("html")
    };
    page.to_string_lossy().replace('\\', "/")
}

/// `../` as many times as `key` is deep, to link from its page to any other.
pub fn to_root(key: &Path) -> String {
    "../".repeat(key.components().count().saturating_sub(1))
}

/// Whether reader-facing words are French: `book.language` starts with `fr`.
pub fn is_french(config: &Config) -> bool {
    config
        .book
        .language
        .as_deref()
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("fr"))
}

/// The link targets of a SUMMARY.md (every link there names a chapter file), with the byte
/// range of each link in `summary`, in order.
pub fn summary_links(summary: &str) -> Vec<(Range<usize>, String)> {
    Parser::new(summary)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some((range, dest_url.into_string())),
            _ => None,
        })
        .collect()
}

/// Whether a chapter path of SUMMARY.md, relative to `src/`, names a file outside `src/`:
/// an absolute path, or one whose `..` climb above its start (`../x.md`, `a/../../x.md`).
/// A URL (`https://…`) is not a file and does not leave. Percent-escapes are read too, so
/// `%2e%2e/x.md` leaves as `../x.md` does.
///
/// ```
/// use coursebook_common::page::leaves_src;
/// assert!(leaves_src("../outside.md"));
/// assert!(leaves_src("a/../../outside.md"));
/// assert!(leaves_src("/etc/passwd"));
/// assert!(!leaves_src("a/../ch.md"));
/// assert!(!leaves_src("https://example.org/../x"));
/// ```
pub fn leaves_src(target: &str) -> bool {
    if target.contains("://") || target.starts_with("mailto:") {
        return false;
    }
    let path = target.split(['#', '?']).next().unwrap_or(target);
    [path.to_owned(), percent_decoded(path)]
        .iter()
        .any(|p| climbs_out(Path::new(p)))
}

fn climbs_out(path: &Path) -> bool {
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// `%XX` escapes decoded (bytes that do not form UTF-8 are replaced).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = text.get(i + 1..i + 3).filter(|_| bytes[i] == b'%');
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_links_are_found_with_their_place() {
        let summary = "# Summary\n\n- [Un](un.md)\n- [Dehors](../dehors.md)\n";
        let links = summary_links(summary);
        let targets: Vec<&str> = links.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(targets, ["un.md", "../dehors.md"]);
        assert_eq!(&summary[links[1].0.clone()], "[Dehors](../dehors.md)");
    }

    #[test]
    fn escaped_paths_that_climb_out_leave() {
        assert!(leaves_src("%2e%2e/x.md"));
        assert!(leaves_src("./../x.md"));
        assert!(!leaves_src("./x.md#part"));
        assert!(!leaves_src(""));
    }
}
