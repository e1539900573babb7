//! Helpers shared by the end-to-end tests: fixture books in scratch folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A book written into a fresh folder under Cargo's scratch space for tests.
pub(crate) struct Fixture {
    pub root: PathBuf,
}

/// The folder of this repository's course library, `preprocessors/calc`.
pub(crate) fn course_library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("preprocessors/calc")
}

/// One Cargo target folder (`CARGO_TARGET_DIR`) for the libraries of every scratch book, so
/// that their dependencies (ndarray, serde, roots) are compiled once, not once per test.
pub(crate) fn shared_library_target() -> (&'static str, std::ffi::OsString) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-libraries");
    ("CARGO_TARGET_DIR", dir.into_os_string())
}

impl Fixture {
    /// A book made of `files` (path relative to the book root, contents).
    pub(crate) fn new(name: &str, files: &[(&str, &str)]) -> Fixture {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        Fixture { root }
    }

    /// A one-chapter book with the compute stage, whose chapter `src/ch.md` is `chapter`; its
    /// library is this repository's course library (`softmax`, `dot_attention`, …).
    pub(crate) fn chapter(name: &str, chapter: &str) -> Fixture {
        let book_toml = format!(
            "[book]\ntitle = \"T\"\n\n[preprocessor.compute]\nafter = [\"links\"]\ntimeout = 5\nlibrary = {:?}\n",
            course_library().display().to_string()
        );
        Fixture::new(
            name,
            &[
                ("book.toml", &book_toml),
                ("src/SUMMARY.md", "# Summary\n\n- [Chapitre](ch.md)\n"),
                ("src/ch.md", chapter),
            ],
        )
    }

    /// A copy of the repository's book (book.toml, src/, theme/) in a scratch folder. The
    /// library stays where it is: book.toml names it by an absolute path in the copy.
    pub(crate) fn copy_of_the_book(name: &str) -> Fixture {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixture = Fixture::new(name, &[]);
        std::fs::create_dir_all(&fixture.root).unwrap();
        let book_toml = std::fs::read_to_string(root.join("book.toml"))
            .unwrap()
            .replace(
                "library = \"preprocessors/calc\"",
                &format!("library = {:?}", course_library().display().to_string()),
            );
        fixture.write("book.toml", &book_toml);
        for dir in ["src", "theme"] {
            for entry in walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
            {
                let rel = entry.path().strip_prefix(root).unwrap();
                let to = fixture.root.join(rel);
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), to).unwrap();
            }
        }
        fixture
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub(crate) fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    pub(crate) fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.path(relative), text).unwrap();
    }

    /// Builds with the library entry point; the error rendered as the CLI prints it.
    pub(crate) fn build(&self) -> Result<coursebook::Built, String> {
        coursebook::build(&self.root, None).map_err(|e| coursebook::render_error(&e))
    }

    /// Checks without rendering; the error rendered as the CLI prints it.
    pub(crate) fn check(&self) -> (coursebook_compute::Report, Result<(), String>) {
        let mut report = coursebook_compute::Report::default();
        let result =
            coursebook::check(&self.root, &mut report).map_err(|e| coursebook::render_error(&e));
        (report, result)
    }

    /// Every file below `relative`, with its bytes, to compare folders before and after.
    pub(crate) fn snapshot(&self, relative: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = walkdir::WalkDir::new(self.path(relative))
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    }

    /// The cache's entries, to compare before and after a build: [`Fixture::snapshot`] of
    /// `target/coursebook` without its work folders, where rustc keeps its incremental state
    /// (the compiler's scratch space, valid in any state, which every compilation updates).
    pub(crate) fn cache_snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let work = self.path("target/coursebook/work");
        let mut files = self.snapshot("target/coursebook");
        files.retain(|(path, _)| !path.starts_with(&work));
        files
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

impl Fixture {
    /// A copy of the book folder `dir` (bytes, any encoding), without its top-level entries
    /// named in `skip`.
    pub(crate) fn copy_of(name: &str, dir: &Path, skip: &[&str]) -> Fixture {
        let fixture = Fixture::new(name, &[]);
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.unwrap();
            let relative = entry.path().strip_prefix(dir).unwrap();
            let top = relative.components().next().unwrap().as_os_str();
            if skip.iter().any(|s| top == *s) {
                continue;
            }
            let to = fixture.root.join(relative);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        fixture
    }

    /// Runs the `coursebook` binary with `args` in the book root, with the caches in the book's
    /// own `target/coursebook` (whatever `COURSEBOOK_CACHE_DIR` says), killing it after
    /// `limit`. The exit status (`None` when it was killed), stdout and stderr.
    pub(crate) fn run(
        &self,
        args: &[&str],
        limit: std::time::Duration,
    ) -> (Option<i32>, String, String) {
        self.run_program(env!("CARGO_BIN_EXE_coursebook"), args, &[], limit)
    }

    /// Runs `program` as [`Fixture::run`] runs the `coursebook` binary, with `envs` added to
    /// its environment.
    pub(crate) fn run_program(
        &self,
        program: impl AsRef<std::ffi::OsStr>,
        args: &[&str],
        envs: &[(&str, std::ffi::OsString)],
        limit: std::time::Duration,
    ) -> (Option<i32>, String, String) {
        let out = self.root.with_extension("stdout");
        let err = self.root.with_extension("stderr");
        let mut child = std::process::Command::new(program)
            .envs(envs.iter().map(|(k, v)| (k, v)))
            .args(args)
            .current_dir(&self.root)
            .env_remove(common::cache::CACHE_DIR_ENV)
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let code = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status.code();
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
        let result = (code, read(&out), read(&err));
        let _ = std::fs::remove_file(out);
        let _ = std::fs::remove_file(err);
        result
    }

    /// The names of the entries of the book root, sorted.
    pub(crate) fn top_level(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}
