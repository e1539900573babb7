//! The pass over the HTML pages after mdBook's renderer: formulas go into the pages, KaTeX's
//! assets next to them.
//!
//! Two ways for a formula to reach a page:
//!
//! - **inline** ([`crate::MathPreprocessor::new`], what the official `mdbook` CLI gets through
//!   the JSON protocol, which has no step after the renderer): the stage splices KaTeX's
//!   complete markup into the Markdown, made Markdown-safe by [`crate::markup`]; the stage
//!   writes a self-contained stylesheet where book.toml's `additional-css` names it (see
//!   [`crate::assets::STANDALONE_CSS`]), and mdBook links it from every page.
//! - **deferred** ([`crate::MathPreprocessor::deferred`], what `coursebook build` uses): the
//!   stage splices a small placeholder, `<cb-math k="KEY">words of the TeX</cb-math>`, and keeps
//!   the rendered formulas in a [`crate::Deferred`]; after the renderer,
//!   [`crate::Deferred::install`] puts KaTeX's markup, untouched, in place of each placeholder.
//!   mdBook's HTML renderer then never parses KaTeX's markup, which is about a hundred times
//!   the size of its TeX and was most of a warm build's time, and the search index, built from
//!   the placeholders, holds the words of each formula's TeX once.
//!
//! In the deferred way the stylesheets are linked from the `<head>` of every page that shows a
//! formula, with the relative prefix of the page's depth, chapter pages and `print.html` alike (mdBook
//! rewrites the links of `<a>` and `<img>` when it builds `print.html`, not those of `<link>`,
//! so a chapter-level `../katex/...` would point outside the book there). Pages without math
//! load nothing. Pages are rewritten through a temporary file and a rename.

use crate::assets::{write_assets, ASSET_DIR};
use common::cache::write_atomically;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// How a placeholder opens, up to its key.
pub const PLACEHOLDER_OPEN: &str = "<cb-math k=\"";

/// How a placeholder closes.
pub const PLACEHOLDER_CLOSE: &str = "</cb-math>";

/// Ships the assets, then fills the placeholders of every page with `formulas` (by key) and
/// links the stylesheets from the pages that show a formula.
pub(crate) fn fill_and_link(
    html_dest: &Path,
    formulas: &HashMap<String, String>,
) -> io::Result<()> {
    write_assets(&html_dest.join(ASSET_DIR))?;
    let pages = html_pages(html_dest)?;
    // Pages are read and rewritten whole (the print page holds every formula of the book):
    // share them among the cores, largest first.
    let mut pages: Vec<(u64, PathBuf)> = pages
        .into_iter()
        .map(|p| (fs::metadata(&p).map_or(0, |m| m.len()), p))
        .collect();
    pages.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(pages.len())
        .max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let pages = &pages;
                scope.spawn(move || -> io::Result<()> {
                    for (_, page) in pages.iter().skip(t).step_by(threads) {
                        finish_page(html_dest, page, formulas)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(io::Error::other("panicked")))
        })
    })
}

/// Fills the placeholders of one page and links the stylesheets; writes the page only when
/// something changed.
fn finish_page(root: &Path, page: &Path, formulas: &HashMap<String, String>) -> io::Result<()> {
    let html = fs::read_to_string(page)?;
    let filled = fill(&html, formulas).map_err(|key| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}: a formula placeholder ({key}) has no rendered formula",
                page.display()
            ),
        )
    })?;
    let html = filled.as_deref().unwrap_or(&html);
    let depth = page
        .strip_prefix(root)
        .map_or(0, |rel| rel.components().count().saturating_sub(1));
    match with_stylesheets(html, depth) {
        Some(linked) => write_atomically(page, linked.as_bytes()),
        None if filled.is_some() => write_atomically(page, html.as_bytes()),
        None => Ok(()),
    }
}

/// `html` with every placeholder replaced by its formula, `Ok(None)` when it has none, and
/// `Err(key)` for a placeholder that is cut short or whose key is unknown.
pub fn fill(html: &str, formulas: &HashMap<String, String>) -> Result<Option<String>, String> {
    if !html.contains(PLACEHOLDER_OPEN) {
        return Ok(None);
    }
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(at) = rest.find(PLACEHOLDER_OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + PLACEHOLDER_OPEN.len()..];
        let key = after.split('"').next().unwrap_or_default();
        let markup = formulas.get(key).ok_or_else(|| key.to_owned())?;
        let end = after
            .find(PLACEHOLDER_CLOSE)
            .ok_or_else(|| key.to_owned())?;
        out.push_str(markup);
        rest = &after[end + PLACEHOLDER_CLOSE.len()..];
    }
    out.push_str(rest);
    Ok(Some(out))
}

/// The `<link>` tags for a page `depth` folders below the output root.
pub fn stylesheet_links(depth: usize) -> String {
    let prefix = "../".repeat(depth);
    format!(
        "<link rel=\"stylesheet\" href=\"{prefix}{ASSET_DIR}/katex.min.css\">\n\
         <link rel=\"stylesheet\" href=\"{prefix}{ASSET_DIR}/coursebook-math.css\">\n"
    )
}

/// `html` with the stylesheet links at the end of its `<head>`, or `None` when it shows no
/// formula, already links them, or has no `<head>`.
fn with_stylesheets(html: &str, depth: usize) -> Option<String> {
    if !html.contains("class=\"katex") || html.contains("/katex.min.css\"") {
        return None;
    }
    let head_end = html.find("</head>")?;
    let links = stylesheet_links(depth);
    let mut out = String::with_capacity(html.len() + links.len());
    out.push_str(&html[..head_end]);
    out.push_str(&links);
    out.push_str(&html[head_end..]);
    Some(out)
}

fn html_pages(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut pages = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() && path != root.join(ASSET_DIR) {
                dirs.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "html") {
                pages.push(path);
            }
        }
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formulas() -> HashMap<String, String> {
        HashMap::from([
            ("a".to_owned(), "<span class=\"katex\">A</span>".to_owned()),
            ("b".to_owned(), "<span class=\"katex\">B</span>".to_owned()),
        ])
    }

    #[test]
    fn placeholders_are_replaced_and_the_rest_kept() {
        let html = "<p>x <cb-math k=\"a\">a b</cb-math>, <cb-math k=\"b\">c</cb-math>.</p>";
        let out = fill(html, &formulas()).unwrap().unwrap();
        assert_eq!(
            out,
            "<p>x <span class=\"katex\">A</span>, <span class=\"katex\">B</span>.</p>"
        );
        assert_eq!(fill("<p>none</p>", &formulas()), Ok(None));
    }

    #[test]
    fn an_unknown_or_cut_placeholder_is_an_error() {
        assert_eq!(
            fill("<cb-math k=\"zz\">x</cb-math>", &formulas()),
            Err("zz".into())
        );
        assert_eq!(fill("<cb-math k=\"a\">x", &formulas()), Err("a".into()));
    }

    #[test]
    fn links_use_the_page_depth_and_no_network() {
        assert!(stylesheet_links(0).contains("href=\"katex/katex.min.css\""));
        assert!(stylesheet_links(2).contains("href=\"../../katex/coursebook-math.css\""));
        let page = "<head><title>t</title></head><body><span class=\"katex\"></span></body>";
        let linked = with_stylesheets(page, 1).unwrap();
        assert!(linked.contains("href=\"../katex/katex.min.css\">\n<link"));
        assert_eq!(with_stylesheets(&linked, 1), None, "linked once");
        assert_eq!(with_stylesheets("<head></head><p>no math</p>", 0), None);
    }
}
