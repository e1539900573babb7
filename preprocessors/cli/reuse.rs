//! Keeping an edition's published pages when nothing mdBook's HTML renderer reads has changed.
//!
//! A build runs every stage, so every answer is checked again; but when the book that comes
//! out of the stages, the configuration and every file the renderer reads are those the
//! published pages were written from, rendering would write the same bytes again. That was
//! most of a warm build: two editions of some fifty megabytes each, a few thousand files
//! created and deleted. Like Cargo's freshness check, [`Html`] compares a fingerprint of those
//! inputs with the one recorded when the published pages were written, and on a match
//! hard-links the published files into the new output instead of rendering.
//!
//! What the fingerprint covers, which is everything [`HtmlHandlebars`] reads: the
//! preprocessed book and the chapter titles, the configuration (but the staging folder the
//! build writes into), the files under `src/` other than Markdown (mdBook copies them) and the
//! 404 page's source, the theme folder, `additional-css` and `additional-js`; and this
//! program's own file, since the renderer and the passes after it (formulas, whose markup the
//! placeholders' keys name, and the French interface) are compiled into it. An edition's PDF
//! is kept the same way, its fingerprint derived from its pages' and Chromium's
//! ([`derived`]).
//!
//! The record also lists each published file with its size, modification time and inode. The
//! published pages are kept only when they are still exactly those files: a page edited or
//! deleted by hand, or replaced by another build, is rendered again. Kept pages are hard
//! links, so they keep their inodes and the record stays true; nothing writes into them
//! afterwards (the formulas and the French interface are already in them).

use common::cache::{file_stamp, Cache, KeyHasher};
use mdbook_html::HtmlHandlebars;
use mdbook_renderer::{RenderContext, Renderer};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Changes when the fingerprint or the record changes meaning: older records no longer match.
const RECORD_VERSION: &str = "coursebook-pages 1";

/// The cache namespace of the records, one per published output folder or PDF.
const NAMESPACE: &str = common::housekeeping::namespace::PAGES;

/// What the HTML renderer of one build did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Outcome {
    /// The renderer did not run (the build failed before it, or the book has no HTML output).
    #[default]
    NotRun,
    /// mdBook rendered the pages; the fingerprint of what it read, when every input could be
    /// read (a page rendered from an unreadable input is never kept).
    Rendered(Option<String>),
    /// The published pages, whose inputs have this fingerprint, were linked into the output.
    Kept(String),
}

impl Outcome {
    /// The fingerprint of the pages' inputs, if known.
    pub fn fingerprint(&self) -> Option<&str> {
        match self {
            Outcome::Rendered(f) => f.as_deref(),
            Outcome::Kept(f) => Some(f),
            Outcome::NotRun => None,
        }
    }
}

/// mdBook's HTML renderer, which keeps the published pages when their inputs are unchanged.
///
/// Put in place of mdBook's own with `MDBook::with_renderer`: it answers to the same name.
pub struct Html {
    published: PathBuf,
    records: Cache,
    folders: Arc<Folders>,
    outcome: Arc<Mutex<Outcome>>,
    on_start: Option<Box<dyn Fn() + Send + Sync>>,
}

impl Html {
    /// A renderer whose pages will be published at `published` (the folder the new output
    /// replaces), with its records in the cache at `cache_root`; the editions of one build
    /// share `folders`.
    pub fn new(published: &Path, cache_root: &Path, folders: &Arc<Folders>) -> Html {
        Html {
            published: published.to_path_buf(),
            records: Cache::new(cache_root, NAMESPACE),
            folders: Arc::clone(folders),
            outcome: Arc::default(),
            on_start: None,
        }
    }

    /// Calls `f` when mdBook hands over the book, before anything is rendered or kept: every
    /// stage has run by then.
    pub fn on_start(mut self, f: impl Fn() + Send + Sync + 'static) -> Html {
        self.on_start = Some(Box::new(f));
        self
    }

    /// What the renderer did; shared, so that it can be read once mdBook owns the renderer.
    pub fn outcome(&self) -> Arc<Mutex<Outcome>> {
        Arc::clone(&self.outcome)
    }

    fn set(&self, outcome: Outcome) {
        *self.outcome.lock().unwrap_or_else(PoisonError::into_inner) = outcome;
    }
}

impl Renderer for Html {
    fn name(&self) -> &str {
        "html"
    }

    fn render(&self, ctx: &RenderContext) -> mdbook_driver::errors::Result<()> {
        if let Some(f) = &self.on_start {
            f();
        }
        let fingerprint = fingerprint(ctx, &self.folders).ok();
        if let Some(fingerprint) = &fingerprint {
            if keep(
                &self.records,
                &self.published,
                fingerprint,
                &ctx.destination,
            ) {
                self.set(Outcome::Kept(fingerprint.clone()));
                return Ok(());
            }
        }
        HtmlHandlebars::new().render(ctx)?;
        self.set(Outcome::Rendered(fingerprint));
        Ok(())
    }
}

/// Hard-links what is published at `published` (a folder or one file) to `into`, when it was
/// recorded as made from `fingerprint` and is still as recorded. On any failure nothing is
/// left at `into`, and the caller makes it anew.
pub fn keep_published(cache_root: &Path, published: &Path, fingerprint: &str, into: &Path) -> bool {
    keep(
        &Cache::new(cache_root, NAMESPACE),
        published,
        fingerprint,
        into,
    )
}

fn keep(records: &Cache, published: &Path, fingerprint: &str, into: &Path) -> bool {
    let Some(record) = Record::read(records, published) else {
        return false;
    };
    if record.fingerprint != fingerprint || manifest(published).ok().as_ref() != Some(&record.files)
    {
        return false;
    }
    match link_all(published, &record.files, into) {
        Ok(()) => true,
        Err(e) => {
            tracing::debug!("cannot keep {}: {e}", published.display());
            let _ = fs::remove_dir_all(into).or_else(|_| fs::remove_file(into));
            false
        }
    }
}

/// Records that what is now published at `published` (a folder or one file) was made from
/// `fingerprint`. Called once it is in place: the record lists the published files themselves.
pub fn record(cache_root: &Path, published: &Path, fingerprint: &str) -> io::Result<()> {
    let record = Record {
        fingerprint: fingerprint.to_owned(),
        files: manifest(published)?,
    };
    let bytes = serde_json::to_vec(&record).map_err(io::Error::other)?;
    Cache::new(cache_root, NAMESPACE).put(&record_key(published), &bytes)
}

/// What the published pages of one output folder were rendered from, and what they are.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    fingerprint: String,
    files: Vec<FileState>,
}

impl Record {
    fn read(records: &Cache, published: &Path) -> Option<Record> {
        serde_json::from_slice(&records.get(&record_key(published))?).ok()
    }
}

fn record_key(published: &Path) -> String {
    let path = fs::canonicalize(published).unwrap_or_else(|_| published.to_path_buf());
    KeyHasher::new()
        .add(RECORD_VERSION)
        .add(path.as_os_str().as_encoded_bytes())
        .finish()
}

/// One published file as the file system sees it: a page edited, replaced or deleted since the
/// record no longer matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FileState {
    path: String,
    /// [`file_stamp`]: size and modification time.
    stamp: String,
    inode: u64,
}

/// Every file under `dir`, in a stable order; `dir` itself when it is a file (its path is then
/// empty).
fn manifest(dir: &Path) -> io::Result<Vec<FileState>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let meta = entry.metadata().map_err(io::Error::other)?;
        files.push(FileState {
            path: relative(dir, entry.path())?,
            stamp: file_stamp(&meta),
            inode: inode(&meta),
        });
    }
    Ok(files)
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

fn relative(dir: &Path, path: &Path) -> io::Result<String> {
    let rel = path.strip_prefix(dir).map_err(io::Error::other)?;
    rel.to_str()
        .map(|s| s.replace('\\', "/"))
        .ok_or_else(|| io::Error::other(format!("{} is not UTF-8", rel.display())))
}

/// Hard-links each of `files` from `from` into `to` (a folder, or one file as [`manifest`]
/// lists it).
fn link_all(from: &Path, files: &[FileState], to: &Path) -> io::Result<()> {
    if from.is_dir() {
        fs::create_dir_all(to)?;
    }
    let within = |dir: &Path, path: &str| match path {
        "" => dir.to_path_buf(),
        path => dir.join(path),
    };
    for file in files {
        let target = within(to, &file.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::hard_link(within(from, &file.path), target)?;
    }
    Ok(())
}

/// The fingerprint of everything mdBook's HTML renderer reads for `ctx`, and of this program.
fn fingerprint(ctx: &RenderContext, folders: &Folders) -> io::Result<String> {
    let mut hasher = KeyHasher::new();
    hasher.add(RECORD_VERSION).add(program_identity()?);
    // The staging folder's name changes with every build; where the pages go is the record's
    // key, not part of what they are.
    let mut config = ctx.config.clone();
    config.build.build_dir = PathBuf::new();
    hasher.add(serde_json::to_vec(&config).map_err(io::Error::other)?);
    hasher.add(serde_json::to_vec(&ctx.book).map_err(io::Error::other)?);
    let titles: BTreeMap<_, _> = ctx.chapter_titles.iter().collect();
    hasher.add(serde_json::to_vec(&titles).map_err(io::Error::other)?);
    let html = ctx.config.html_config().unwrap_or_default();
    // Of src/, mdBook copies every file but the Markdown, and reads the 404 page's source; the
    // chapters are in the book as the stages left them. (The output folder is never inside
    // src/ or the theme: `guard::destination` refuses it.)
    let src = ctx.root.join(&ctx.config.book.src);
    let not_found = html.input_404.as_deref().unwrap_or("404.md").to_owned();
    hasher.add(folders.digest("src", &src, move |rel| {
        !rel.ends_with(".md") || rel == not_found
    })?);
    hasher.add(folders.digest("theme", &html.theme_dir(&ctx.root), |_| true)?);
    for file in html.additional_css.iter().chain(&html.additional_js) {
        add_file(&mut hasher, &ctx.root.join(file))?;
    }
    Ok(hasher.finish())
}

/// This program's version and file: a rebuilt tool may render differently.
fn program_identity() -> io::Result<String> {
    let exe = program_file(&std::env::current_exe()?)?;
    Ok(format!("{} {exe}", env!("CARGO_PKG_VERSION")))
}

/// A program's path, size and modification time, which change when it is rebuilt or upgraded.
pub fn program_file(path: &Path) -> io::Result<String> {
    let meta = fs::metadata(path)?;
    Ok(format!("{} {}", path.display(), file_stamp(&meta)))
}

/// The fingerprint of something made from the pages whose fingerprint is `pages` and from
/// `more` (a PDF: the pages and the Chromium that printed them).
pub fn derived(pages: &str, more: &str) -> String {
    KeyHasher::new()
        .add(RECORD_VERSION)
        .add(pages)
        .add(more)
        .finish()
}

/// The digests of the folders the renderer reads (`src/`, the theme), computed once a build:
/// the editions read the same folders, and a book's images and media can weigh megabytes.
#[derive(Debug, Default)]
pub struct Folders(Mutex<HashMap<(String, PathBuf), String>>);

impl Folders {
    /// The digest of every file under `dir` (none when it does not exist) whose path relative
    /// to it `read` selects, with those paths. `what` names the selection (a theme folder
    /// that is also `src/` is read twice, once with each).
    fn digest(&self, what: &str, dir: &Path, read: impl Fn(&str) -> bool) -> io::Result<String> {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (what.to_owned(), dir.to_path_buf());
        if let Some(digest) = known.get(&key) {
            return Ok(digest.clone());
        }
        let mut hasher = KeyHasher::new();
        hasher.add(dir.as_os_str().as_encoded_bytes());
        if dir.exists() {
            let walk = walkdir::WalkDir::new(dir)
                .follow_links(true)
                .sort_by_file_name();
            for entry in walk {
                let entry = entry.map_err(io::Error::other)?;
                let rel = relative(dir, entry.path())?;
                if entry.file_type().is_file() && read(&rel) {
                    hasher.add(rel).add(fs::read(entry.path())?);
                }
            }
        }
        let digest = hasher.finish();
        known.insert(key, digest.clone());
        Ok(digest)
    }
}

/// One file, or the mark of its absence (mdBook then warns and goes on).
fn add_file(hasher: &mut KeyHasher, path: &Path) -> io::Result<()> {
    hasher.add(path.as_os_str().as_encoded_bytes());
    match fs::read(path) {
        Ok(bytes) => hasher.add(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => hasher.add("missing"),
        Err(e) => return Err(e),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch folder of this test process, emptied first.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cb-reuse-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_manifest_sees_a_page_edited_replaced_or_deleted() {
        let dir = scratch("manifest");
        let root = dir.as_path();
        fs::create_dir_all(root.join("css")).unwrap();
        fs::write(root.join("index.html"), "<p>1</p>").unwrap();
        fs::write(root.join("css/a.css"), "p {}").unwrap();
        let before = manifest(root).unwrap();
        let paths: Vec<&str> = before.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["css/a.css", "index.html"]);
        assert_eq!(manifest(root).unwrap(), before, "unchanged");

        // Replaced by another file of the same size and text (a new inode).
        fs::write(root.join("new.html"), "<p>1</p>").unwrap();
        fs::rename(root.join("new.html"), root.join("index.html")).unwrap();
        assert_ne!(manifest(root).unwrap(), before);

        let before = manifest(root).unwrap();
        fs::remove_file(root.join("css/a.css")).unwrap();
        assert_ne!(manifest(root).unwrap(), before);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn one_file_is_kept_as_a_folder_is() {
        let dir = scratch("file");
        let cache = dir.join("cache");
        let pdf = dir.join("sujet.pdf");
        fs::write(&pdf, "%PDF").unwrap();
        let into = dir.join("staging.pdf");
        assert!(!keep_published(&cache, &pdf, "f", &into), "no record yet");
        record(&cache, &pdf, "f").unwrap();
        assert!(
            !keep_published(&cache, &pdf, "g", &into),
            "another fingerprint"
        );
        assert!(keep_published(&cache, &pdf, "f", &into));
        assert_eq!(fs::read_to_string(&into).unwrap(), "%PDF");
        fs::remove_file(&into).unwrap();
        fs::write(&pdf, "%PDF-2").unwrap();
        assert!(!keep_published(&cache, &pdf, "f", &into), "changed since");
        assert!(!into.exists());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn linked_pages_keep_what_the_record_says_of_them() {
        let dir = scratch("link");
        let published = dir.join("book");
        fs::create_dir_all(published.join("sub")).unwrap();
        fs::write(published.join("sub/page.html"), "page").unwrap();
        let files = manifest(&published).unwrap();
        let staging = dir.join("staging");
        link_all(&published, &files, &staging).unwrap();
        assert_eq!(manifest(&staging).unwrap(), files);
        assert_eq!(
            fs::read_to_string(staging.join("sub/page.html")).unwrap(),
            "page"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
