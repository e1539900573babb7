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
    /// A fresh staging folder beside `dest`, on the same file system so that the rename is atomic.
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
    /// the old or the new output, never a mix. The old output, moved aside, goes when the
    /// returned value is dropped.
    pub fn commit(mut self) -> Result<Previous> {
        // `.book.previous.tmp-PID-N`: named as [`remove_abandoned`] finds it, should this
        // process be killed before it removes the folder (`serve` removes it once the new
        // build is announced).
        let name = self
            .dest
            .file_name()
            .map_or_else(|| "book".into(), |n| n.to_string_lossy());
        let old = self
            .tmp
            .with_file_name(common::cache::temp_name(&format!("{name}.previous")));
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
        Ok(Previous(had_old.then_some(old)))
    }
}

/// The previous output, moved aside by [`Staging::commit`] and removed when this is dropped.
/// Removing a large book's pages takes seconds on a slow disk (500 chapters, two editions:
/// 108 MB in 1,000 files, 2.8 s here): `serve` announces the new build first.
#[derive(Debug, Default)]
pub struct Previous(Option<PathBuf>);

impl Drop for Previous {
    fn drop(&mut self) {
        if let Some(old) = self.0.take() {
            let _ = fs::remove_dir_all(&old);
        }
    }
}

/// Removes the staging folders of builds that were killed before they could clean up (their
/// process is gone). Only on systems with `/proc`; elsewhere they stay until removed by hand.
fn remove_abandoned(parent: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    // `.book.tmp-PID-N` (staging) and `.book.previous.tmp-PID-N` (the previous output, moved aside).
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

/// What the landing page says besides the editions: the number of answers the build checked.
pub struct Landing {
    /// How many answers the build checked.
    pub checked_answers: usize,
}

/// Writes `index.html` at the output root: a page in the book's theme (mdBook's stylesheets,
/// taken from the first edition) with the book's title and description, the exam's header
/// (`[preprocessor.exam]`'s course, duration and instructions), a line for each edition with
/// its PDF when one was printed, and how many answers the build checked.
pub fn write_landing_page(
    out: &Path,
    config: &Config,
    editions: &[Edition],
    landing: &Landing,
) -> Result<()> {
    let french = common::page::is_french(config);
    let lang = config.book.language.as_deref().unwrap_or("en");
    let title = config.book.title.as_deref().unwrap_or("Book");
    let prose = |text: &str| escape(&typeset(text, french));
    let mut items = String::new();
    for e in editions {
        let (label, what) = edition_label(e.name(), french);
        let pdf = crate::pdf::file_name(e);
        let paper = if out.join(&pdf).is_file() {
            format!(
                " · <a class=\"cb-pdf\" href=\"{}\">PDF (A4)</a>",
                escape(&pdf)
            )
        } else {
            String::new()
        };
        items.push_str(&format!(
            "<li><a href=\"{name}/index.html\">{label}</a>{paper}<br><span>{what}</span></li>\n",
            name = escape(e.name()),
            label = prose(&label),
            what = prose(what),
        ));
    }
    let description = config
        .book
        .description
        .as_deref()
        .map(|d| format!("<p class=\"cb-landing-description\">{}</p>\n", prose(d)))
        .unwrap_or_default();
    let checked = match (landing.checked_answers, french) {
        (0, _) => String::new(),
        (n, true) => format!(
            "<p class=\"cb-landing-checks\">✓ {n} réponse{s} chiffrée{s} vérifiée{s} par le calcul à la construction.</p>\n",
            s = if n > 1 { "s" } else { "" }
        ),
        (n, false) => format!(
            "<p class=\"cb-landing-checks\">✓ {n} answer{s} checked against the computation at build time.</p>\n",
            s = if n > 1 { "s" } else { "" }
        ),
    };
    let theme = config
        .get::<String>("output.html.default-theme")
        .ok()
        .flatten()
        .unwrap_or_else(|| "light".into());
    let dark = config
        .get::<String>("output.html.preferred-dark-theme")
        .ok()
        .flatten()
        .unwrap_or_else(|| "navy".into());
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" class=\"{theme}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n{icon}{styles}\
<script>if(window.matchMedia&&matchMedia('(prefers-color-scheme: dark)').matches){{document.documentElement.className='{dark}';}}</script>\n\
<style>main.cb-landing{{max-width:42em;margin:2em auto;padding:0 1em;line-height:1.5}}\
.cb-landing ul.cb-editions{{list-style:none;padding:0}}.cb-editions li{{margin:1em 0}}\
.cb-editions a{{font-size:1.25em}}.cb-editions .cb-pdf{{font-size:1em}}.cb-editions span{{opacity:.8}}\
.cb-landing-checks{{color:var(--blockquote-tip-color,var(--links))}}</style>\n</head>\n<body>\n<main class=\"cb-landing content\">\n\
<h1>{title}</h1>\n{description}{header}<ul class=\"cb-editions\">\n{items}</ul>\n{checked}</main>\n</body>\n</html>\n",
        lang = escape(lang),
        theme = escape(&theme),
        dark = escape(&dark).replace('\'', ""),
        title = prose(title),
        icon = icon_link(out, editions),
        styles = theme_links(out, editions),
        header = exam_header(config, french),
    );
    let path = out.join("index.html");
    fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))
}

/// The exam's header from `[preprocessor.exam]`: the course, the duration, the instructions.
/// Empty for a book without these keys.
fn exam_header(config: &Config, french: bool) -> String {
    let text = |key: &str| {
        config
            .get::<String>(&format!("preprocessor.exam.{key}"))
            .ok()
            .flatten()
    };
    let instructions: Vec<String> = config
        .get::<Vec<String>>("preprocessor.exam.instructions")
        .ok()
        .flatten()
        .or_else(|| text("instructions").map(|one| vec![one]))
        .unwrap_or_default();
    let prose = |text: &str| escape(&typeset(text, french));
    let mut html = String::new();
    if let Some(course) = text("course") {
        html.push_str(&format!(
            "<p class=\"cb-exam-course\">{}</p>\n",
            prose(&course)
        ));
    }
    if let Some(duration) = text("duration") {
        let exam = if french { "Examen" } else { "Exam" };
        html.push_str(&format!(
            "<p class=\"cb-exam-duration\">{exam} — {}</p>\n",
            prose(&duration)
        ));
    }
    if !instructions.is_empty() {
        html.push_str("<ul class=\"cb-exam-instructions\">\n");
        for line in &instructions {
            html.push_str(&format!("<li><em>{}</em></li>\n", prose(line)));
        }
        html.push_str("</ul>\n");
    }
    if html.is_empty() {
        html
    } else {
        format!("<header class=\"cb-exam-header\">\n{html}</header>\n")
    }
}

/// `text` with French typography (no-break spaces before `!`, `?`, `:`…) in a French book, as
/// the typography stage sets the chapters; unchanged otherwise.
fn typeset(text: &str, french: bool) -> String {
    if french {
        typography::rules::typeset(text, None, None).0
    } else {
        text.to_owned()
    }
}

/// `<link rel="stylesheet">`s to the first edition's copies of mdBook's theme and the book's
/// own stylesheets (mdBook 0.5 names them `css/variables-HASH.css`…), so the landing page
/// wears the book's theme, light or dark.
fn theme_links(out: &Path, editions: &[Edition]) -> String {
    let Some(edition) = editions.first() else {
        return String::new();
    };
    let mut links = String::new();
    for (folder, prefix) in [
        ("fonts", "fonts"),
        ("css", "variables"),
        ("css", "general"),
        ("theme", "coursebook"),
    ] {
        if let Some(file) = asset(out, edition.name(), folder, prefix, ".css") {
            links.push_str(&format!(
                "<link rel=\"stylesheet\" href=\"{}\">\n",
                escape(&file)
            ));
        }
    }
    links
}

/// The path, relative to `out`, of the first file of `out/edition/folder` whose name starts
/// with `prefix` and ends with `ext` (mdBook adds a hash to the names of its assets).
fn asset(out: &Path, edition: &str, folder: &str, prefix: &str, ext: &str) -> Option<String> {
    let mut names: Vec<String> = fs::read_dir(out.join(edition).join(folder))
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix) && n.ends_with(ext))
        .collect();
    names.sort();
    names.first().map(|n| format!("{edition}/{folder}/{n}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_landing_page_is_french_whatever_the_case_of_the_language() {
        let out = std::env::temp_dir().join(format!("cb-landing-{}", std::process::id()));
        fs::create_dir_all(&out).unwrap();
        for language in ["fr", "FR", "fr-CA"] {
            let config: Config = format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n")
                .parse()
                .unwrap();
            let landing = Landing { checked_answers: 2 };
            write_landing_page(&out, &config, &[], &landing).unwrap();
            let html = fs::read_to_string(out.join("index.html")).unwrap();
            assert!(
                html.contains("2 réponses chiffrées vérifiées"),
                "{language}: {html}"
            );
        }
        let _ = fs::remove_dir_all(&out);
    }

    #[test]
    fn the_new_output_is_in_place_before_the_previous_one_is_removed() {
        let root = std::env::temp_dir().join(format!("cb-staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let dest = root.join("book");
        fs::create_dir_all(&dest).unwrap();
        fs::write(dest.join("page.html"), "old").unwrap();
        let staging = Staging::new(&dest).unwrap();
        fs::write(staging.path().join("page.html"), "new").unwrap();
        let previous = staging.commit().unwrap();
        assert_eq!(fs::read_to_string(dest.join("page.html")).unwrap(), "new");
        let aside = previous.0.clone().expect("the old output was moved aside");
        assert_eq!(fs::read_to_string(aside.join("page.html")).unwrap(), "old");
        drop(previous);
        assert!(!aside.exists());
        assert_eq!(
            fs::read_dir(&root).unwrap().count(),
            1,
            "only book/ is left"
        );

        // Left behind by a process killed before it removed it: the next build removes it.
        let dead = (4_000_000..)
            .find(|pid| !Path::new(&format!("/proc/{pid}")).exists())
            .unwrap();
        let pid = std::process::id();
        let left = aside.file_name().unwrap().to_string_lossy().replacen(
            &format!("-{pid}-"),
            &format!("-{dead}-"),
            1,
        );
        fs::create_dir_all(root.join(&left).join("css")).unwrap();
        drop(Staging::new(&dest).unwrap());
        assert!(!root.join(&left).exists(), "{left} was left");
        fs::remove_dir_all(&root).unwrap();
    }
}
