//! Writing the output atomically, and the landing page of a book with editions.

use crate::stages::Edition;
use anyhow::{Context, Result};
use common::html::escape;
use mdbook_driver::config::Config;
use std::fs;
use std::path::{Path, PathBuf};

/// A folder next to the destination where a build writes; it replaces the destination only
/// when [`commit`](Staging::commit) is called, and is removed if the build fails.
pub struct Staging {
    dest: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(dest: &Path) -> Result<Staging> {
        let parent = dest.parent().unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "book".into());
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        remove_abandoned(parent, &name);
        let tmp = parent.join(common::cache::temp_name(&name));
        fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(Staging {
            dest: dest.to_path_buf(),
            tmp,
            committed: false,
        })
    }

    /// Where the build writes.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Puts the new output in place of the old one: two renames, so a reader of `dest` sees
    /// the old or the new output, never a mix.
    pub fn commit(mut self) -> Result<()> {
        let old = self
            .tmp
            .with_file_name(common::cache::temp_name("previous"));
        let had_old = self.dest.exists();
        if had_old {
            fs::rename(&self.dest, &old).with_context(|| {
                format!("cannot move the previous {} aside", self.dest.display())
            })?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.dest) {
            if had_old {
                let _ = fs::rename(&old, &self.dest);
            }
            return Err(e)
                .with_context(|| format!("cannot move the new output to {}", self.dest.display()));
        }
        self.committed = true;
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

/// Removes the staging folders of builds that were killed before they could clean up (their
/// process is gone). Only on systems with `/proc`; elsewhere they stay until removed by hand.
fn remove_abandoned(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    // `.book.tmp-PID-N` (staging) and `.book.old.tmp-PID-N` (the previous output, moved aside).
    let prefix = format!(".{name}");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let file = entry.file_name().to_string_lossy().into_owned();
        let pid = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once(".tmp-"))
            .and_then(|(_, rest)| rest.split('-').next()?.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Writes `index.html` at the output root: the book's title and a link to each edition, and
/// to its PDF when one was printed.
pub fn write_landing_page(out: &Path, config: &Config, editions: &[Edition]) -> Result<()> {
    let french = config
        .book
        .language
        .as_deref()
        .is_some_and(|l| l.starts_with("fr"));
    let lang = config.book.language.as_deref().unwrap_or("en");
    let title = config.book.title.as_deref().unwrap_or("Book");
    let mut items = String::new();
    for e in editions {
        let (label, what) = edition_label(e.name(), french);
        let pdf = format!("{}.pdf", e.name());
        let paper = if out.join(&pdf).is_file() {
            format!(" · <a class=\"pdf\" href=\"{}\">PDF (A4)</a>", escape(&pdf))
        } else {
            String::new()
        };
        items.push_str(&format!(
            "<li><a href=\"{name}/index.html\">{label}</a>{paper}<br><span>{what}</span></li>\n",
            name = escape(e.name()),
            label = escape(&label),
            what = escape(what),
        ));
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n{icon}\
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222;background:#fff}}\
@media (prefers-color-scheme:dark){{body{{color:#ddd;background:#1d1f21}}a{{color:#8ab4f8}}}}\
li{{margin:1rem 0}}a{{font-size:1.25rem}}span{{opacity:.8}}</style>\n</head>\n<body>\n<main>\n\
<h1>{title}</h1>\n<ul>\n{items}</ul>\n</main>\n</body>\n</html>\n",
        lang = escape(lang),
        title = escape(title),
        icon = icon_link(out, editions),
    );
    let path = out.join("index.html");
    fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))
}

/// A `<link rel="icon">` to the first edition's favicon (mdBook names it `favicon-HASH.svg`),
/// so that browsers do not ask the server for a `/favicon.ico` that does not exist.
fn icon_link(out: &Path, editions: &[Edition]) -> String {
    let find = |edition: &Edition| {
        let mut names: Vec<String> = fs::read_dir(out.join(edition.name()))
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("favicon") && (n.ends_with(".svg") || n.ends_with(".png")))
            .collect();
        names.sort_by_key(|n| !n.ends_with(".svg"));
        names.first().map(|n| format!("{}/{n}", edition.name()))
    };
    editions
        .iter()
        .find_map(find)
        .map(|rel| format!("<link rel=\"icon\" href=\"{}\">\n", escape(&rel)))
        .unwrap_or_default()
}

fn edition_label(name: &str, french: bool) -> (String, &'static str) {
    match (name, french) {
        ("corrige", true) => (
            "Corrigé".into(),
            "Les questions, leurs réponses vérifiées et les annotations.",
        ),
        ("sujet", true) => (
            "Sujet".into(),
            "Les questions et le barème, sans les réponses.",
        ),
        ("corrige", false) => (
            "Worked correction".into(),
            "Questions, checked answers and annotations.",
        ),
        ("sujet", false) => (
            "Exam paper".into(),
            "Questions and points, without answers.",
        ),
        (other, _) => (other.to_owned(), ""),
    }
}
