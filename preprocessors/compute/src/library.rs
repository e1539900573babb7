//! The book's library, as Cargo builds it: what the program's single rustc invocation links.
//!
//! A book names its library in book.toml (`[preprocessor.compute] library = "calc"`, a Cargo
//! package). Its Cargo dependencies are its own, and one of them is the tool's runtime,
//! `coursebook-notebook`. A book without a library links the runtime alone. Either way Cargo
//! builds the package (`--release`, as courses compute spectrograms and FFTs, with debug
//! assertions) and its typed messages ([`cargo_metadata::Message`]) name the rlibs.
//!
//! The runtime comes from the binary itself ([`coursebook_notebook::embedded`]): for a book
//! without a library it is written once to the user's cache folder and built there, shared by
//! every book; for a library that depends on a runtime folder the tool wrote (or on one that is
//! missing, as in a fresh clone of a book), it is written there. A runtime folder the tool did
//! not write, such as this repository's own source, is never touched.
//!
//! Locating runs Cargo (about 0.15 s even when it has nothing to build, a third of a warm
//! build of a 500-chapter book and most of a small one's) only when something it would look
//! at changed. The result is kept in the process, for the editions and `serve`'s rebuilds, and
//! saved in the book's cache for the next process. It is reused for as long as the files of
//! the library's local packages (path dependencies) and its Cargo.lock stay as they were; a
//! saved one also needs the same rlibs (size and time), the same `rustc -vV` and the same
//! `CARGO*` and `RUST*` environment variables, which Cargo and rustc read.

use cargo_metadata::{Artifact, Message, TargetKind};
use common::cache::{file_stamp, Cache, KeyHasher};
use common::housekeeping::namespace;
use coursebook_notebook::embedded;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// The runtime's crate name, as the program and Cargo's messages spell it.
pub const RUNTIME_CRATE: &str = "coursebook_notebook";

/// What rustc needs to compile a book's program.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Library {
    /// The crate name of the book's library (`coursebook_calc`), whose public items the
    /// blocks see; `None` for a book without a library.
    pub crate_name: Option<String>,
    /// `--extern NAME=RLIB`: the runtime, then the book's library.
    pub externs: Vec<(String, PathBuf)>,
    /// `target/release/deps`, where the rlibs' own dependencies are.
    pub deps: PathBuf,
    /// A hash of the rlibs and of every package of the build with its version and source:
    /// part of the cache key, so a library rebuilt with other code or other dependency
    /// versions invalidates cached results.
    pub fingerprint: String,
    /// `rustc -vV`: the toolchain, also part of the cache key.
    pub rustc_version: String,
}

/// A located library and what it was built from.
struct Located {
    package: PathBuf,
    stamp: String,
    watched: Vec<PathBuf>,
    library: Arc<Library>,
}

static LOCATED: Mutex<Vec<Located>> = Mutex::new(Vec::new());

/// The library of the package at `library` (its folder), or the runtime alone for `None`.
/// Runs Cargo only when the library's files changed since it last did, in this process or
/// in a former one that saved what it found in `cache`.
pub fn locate(library: Option<&Path>, cache: &Cache) -> Result<Arc<Library>, String> {
    let package = match library {
        Some(dir) => {
            provide_runtime_for(dir)?;
            dir.to_path_buf()
        }
        None => standalone_runtime()?,
    };
    let mut located = LOCATED.lock().unwrap_or_else(|e| e.into_inner());
    let known = located.iter().find(|l| l.package == package);
    if let Some(known) = known.filter(|k| stamp(&k.watched) == k.stamp) {
        return Ok(known.library.clone());
    }
    // What this process located went stale, and so did what it saved: only a new process
    // reads the saved location.
    let saved = match known {
        Some(_) => None,
        None => Saved::read(cache, &package).filter(Saved::is_current),
    };
    let (library, watched, stamp) = match saved {
        Some(saved) => (Arc::new(saved.library), saved.watched, saved.stamp),
        None => {
            let build = cargo_build(&package)?;
            let library = build.library(&package, library.is_some())?;
            let watched = build.watched(&package);
            let saved = Saved::of(library, watched);
            saved.write(cache, &package);
            (Arc::new(saved.library), saved.watched, saved.stamp)
        }
    };
    located.retain(|l| l.package != package);
    located.push(Located {
        stamp,
        package,
        watched,
        library: library.clone(),
    });
    Ok(library)
}

/// A located library as the book's cache keeps it for the next process.
#[derive(Serialize, Deserialize)]
struct Saved {
    library: Library,
    watched: Vec<PathBuf>,
    /// [`stamp`] of `watched`.
    stamp: String,
    /// [`surroundings`] when it was located.
    surroundings: String,
}

impl Saved {
    fn of(library: Library, watched: Vec<PathBuf>) -> Saved {
        Saved {
            stamp: stamp(&watched),
            surroundings: surroundings(&library),
            library,
            watched,
        }
    }

    fn key(package: &Path) -> String {
        let package = package
            .canonicalize()
            .unwrap_or_else(|_| package.to_path_buf());
        KeyHasher::new()
            .add("library 1")
            .add(package.as_os_str().as_encoded_bytes())
            .finish()
    }

    fn read(cache: &Cache, package: &Path) -> Option<Saved> {
        let bytes = Cache::new(cache.root(), namespace::LIBRARY).get(&Saved::key(package))?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Saves it; a failure only costs a run of Cargo next time.
    fn write(&self, cache: &Cache, package: &Path) {
        if let Ok(json) = serde_json::to_vec(self) {
            let _ = Cache::new(cache.root(), namespace::LIBRARY).put(&Saved::key(package), &json);
        }
    }

    /// Whether Cargo would find nothing to do and rustc is the same.
    fn is_current(&self) -> bool {
        stamp(&self.watched) == self.stamp
            && surroundings(&self.library) == self.surroundings
            && crate::toolchain::rustc_version().ok().as_ref() == Some(&self.library.rustc_version)
    }
}

/// What else Cargo's and rustc's work depends on: the rlibs it made (a `cargo clean` removes
/// them), and the environment variables they read.
fn surroundings(library: &Library) -> String {
    let mut hasher = KeyHasher::new();
    for (_, rlib) in &library.externs {
        let stamp = std::fs::metadata(rlib).map_or_else(|_| "missing".into(), |m| file_stamp(&m));
        hasher.add(rlib.as_os_str().as_encoded_bytes()).add(stamp);
    }
    let mut vars: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.to_string_lossy().into_owned())))
        .filter(|(k, _)| k.starts_with("CARGO") || k.starts_with("RUST"))
        .collect();
    vars.sort();
    for (k, v) in vars {
        hasher.add(k).add(v);
    }
    hasher.finish()
}

/// Where the runtime is written for books without a library: `$COURSEBOOK_HOME`, else the
/// user's cache folder (`$XDG_CACHE_HOME/coursebook`, `~/.cache/coursebook`).
pub fn runtime_home() -> PathBuf {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(home) = env("COURSEBOOK_HOME") {
        return PathBuf::from(home);
    }
    if let Some(cache) = env("XDG_CACHE_HOME") {
        return Path::new(&cache).join("coursebook");
    }
    match env("HOME") {
        Some(home) => Path::new(&home).join(".cache/coursebook"),
        None => std::env::temp_dir().join("coursebook"),
    }
}

/// Writes the runtime into the shared cache folder and returns that folder.
fn standalone_runtime() -> Result<PathBuf, String> {
    let dir = runtime_home().join(embedded::folder_name());
    embedded::write_package(&dir)
        .map_err(|e| format!("cannot write the runtime into {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Writes the runtime where the library's Cargo.toml expects it, when that folder is missing
/// or is one the tool wrote; a runtime source the tool did not write is left alone.
fn provide_runtime_for(library: &Path) -> Result<(), String> {
    let manifest = library.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let Some(runtime) = runtime_dependency_path(&text) else {
        return Ok(());
    };
    let dir = library.join(runtime);
    let ours = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map(|t| t.contains(embedded::WRITTEN_MARK))
        .unwrap_or(true);
    if ours {
        embedded::write_package(&dir)
            .map_err(|e| format!("cannot write the runtime into {}: {e}", dir.display()))?;
    }
    Ok(())
}

/// The `path` of the `coursebook-notebook` dependency in a Cargo.toml, if it has one.
fn runtime_dependency_path(manifest: &str) -> Option<String> {
    let doc: toml::Table = manifest.parse().ok()?;
    let dep = doc.get("dependencies")?.get(embedded::PACKAGE)?;
    dep.get("path")?.as_str().map(str::to_owned)
}

/// Cargo's report of one build.
struct Build {
    artifacts: Vec<Artifact>,
}

/// Builds the package at `dir` with Cargo and collects its artifacts.
fn cargo_build(dir: &Path) -> Result<Build, String> {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // No `--offline` here: Cargo touches no network when the packages are already downloaded
    // and the lock file is there, and `CARGO_NET_OFFLINE=true` (or `net.offline` in Cargo's
    // configuration) forbids it entirely.
    // Optimised, with debug assertions: the library's panics say more (ndarray names the index
    // and the shape), as a debug build's would, and its own `debug_assert!`s hold it.
    cargo
        .args(["build", "--release", "--message-format=json"])
        .args(["--config", "profile.release.debug-assertions=true"])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .stdin(Stdio::null());
    let output = cargo
        .output()
        .map_err(|e| format!("cannot run cargo to build {}: {e}", dir.display()))?;
    let mut artifacts = Vec::new();
    let mut errors = Vec::new();
    for message in Message::parse_stream(output.stdout.as_slice()).flatten() {
        match message {
            Message::CompilerArtifact(artifact) => artifacts.push(artifact),
            Message::CompilerMessage(m) if is_error(&m.message.level) => {
                errors.push(m.message.rendered.unwrap_or(m.message.message));
            }
            _ => {}
        }
    }
    if !output.status.success() {
        let detail = if errors.is_empty() {
            String::from_utf8_lossy(&output.stderr).trim().to_owned()
        } else {
            errors.join("\n")
        };
        return Err(format!(
            "cargo could not build the book's library at {}:\n{detail}",
            dir.display()
        ));
    }
    Ok(Build { artifacts })
}

fn is_error(level: &cargo_metadata::diagnostic::DiagnosticLevel) -> bool {
    use cargo_metadata::diagnostic::DiagnosticLevel::{Error, Ice};
    matches!(level, Error | Ice)
}

impl Build {
    /// The library of the package at `dir` (`has_library`) or the runtime alone.
    fn library(&self, dir: &Path, has_library: bool) -> Result<Library, String> {
        let runtime = self
            .artifacts
            .iter()
            .find(|a| a.target.name == RUNTIME_CRATE && is_lib(a))
            .ok_or_else(|| {
                format!(
                    "the library at {} does not depend on the runtime: add `{} = {{ path = \"…\" }}` to its [dependencies] (`coursebook init` writes one)",
                    dir.display(),
                    embedded::PACKAGE
                )
            })?;
        let mut externs = vec![(RUNTIME_CRATE.to_owned(), rlib(runtime)?)];
        let mut crate_name = None;
        if has_library {
            let own = self
                .artifacts
                .iter()
                .find(|a| {
                    same_file(a.manifest_path.as_std_path(), &dir.join("Cargo.toml")) && is_lib(a)
                })
                .ok_or_else(|| {
                    format!(
                        "the package at {} has no library target (src/lib.rs)",
                        dir.display()
                    )
                })?;
            let name = own.target.name.replace('-', "_");
            externs.push((name.clone(), rlib(own)?));
            crate_name = Some(name);
        }
        let deps = externs[0]
            .1
            .parent()
            .map(Path::to_path_buf)
            .ok_or("the runtime's rlib has no folder")?;
        Ok(Library {
            fingerprint: self.fingerprint(&externs)?,
            crate_name,
            externs,
            deps,
            rustc_version: crate::toolchain::rustc_version()?,
        })
    }

    /// Hashes the linked rlibs' bytes and every package id of the build (name, version,
    /// source), sorted.
    fn fingerprint(&self, externs: &[(String, PathBuf)]) -> Result<String, String> {
        let mut hasher = common::cache::KeyHasher::new();
        for (name, rlib) in externs {
            let bytes =
                std::fs::read(rlib).map_err(|e| format!("cannot read {}: {e}", rlib.display()))?;
            hasher.add(name).add(&bytes);
        }
        let mut ids: Vec<&str> = self
            .artifacts
            .iter()
            .map(|a| a.package_id.repr.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            hasher.add(id);
        }
        Ok(hasher.finish())
    }

    /// The folders whose changes call for a new build: the local packages (path
    /// dependencies, the library itself) and the Cargo.lock that governs them.
    fn watched(&self, dir: &Path) -> Vec<PathBuf> {
        let mut watched: Vec<PathBuf> = self
            .artifacts
            .iter()
            .filter(|a| a.package_id.repr.starts_with("path+file://"))
            .filter_map(|a| {
                a.manifest_path
                    .parent()
                    .map(|p| p.as_std_path().to_path_buf())
            })
            .collect();
        watched.extend(
            dir.ancestors()
                .map(|d| d.join("Cargo.lock"))
                .find(|l| l.is_file()),
        );
        watched.sort();
        watched.dedup();
        watched
    }
}

fn is_lib(artifact: &Artifact) -> bool {
    artifact
        .target
        .kind
        .iter()
        .any(|k| matches!(k, TargetKind::Lib | TargetKind::RLib))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The rlib of a library artifact that sits with its dependencies in `deps/`: Cargo lists the
/// copy uplifted to `target/release/` and, in `deps/`, the metadata named with its hash.
fn rlib(artifact: &Artifact) -> Result<PathBuf, String> {
    let files: Vec<PathBuf> = artifact
        .filenames
        .iter()
        .map(|f| f.as_std_path().to_path_buf())
        .collect();
    files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rmeta"))
        .map(|f| f.with_extension("rlib"))
        .find(|f| f.is_file())
        .or_else(|| {
            files
                .iter()
                .find(|f| f.extension().is_some_and(|e| e == "rlib"))
                .cloned()
        })
        .ok_or_else(|| {
            format!(
                "cargo built {} but reported no .rlib for it",
                artifact.target.name
            )
        })
}

/// The modification times and sizes of every file under `watched` (build output and hidden
/// folders left out): equal stamps mean nothing was edited since the last build.
fn stamp(watched: &[PathBuf]) -> String {
    let mut hasher = common::cache::KeyHasher::new();
    for root in watched {
        let walk = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_name() == "target"
                        || e.file_name().to_string_lossy().starts_with('.'))
            });
        for entry in walk.filter_map(Result::ok) {
            let stamp = entry
                .metadata()
                .map_or_else(|_| "unreadable".into(), |m| file_stamp(&m));
            hasher
                .add(entry.path().to_string_lossy().as_ref())
                .add(stamp);
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_dependency_path_is_read_from_the_manifest() {
        let manifest = "[package]\nname = \"stats\"\n\n[dependencies]\ncoursebook-notebook = { path = \"../.coursebook/coursebook-notebook\" }\nroots = \"0.0.8\"\n";
        assert_eq!(
            runtime_dependency_path(manifest).as_deref(),
            Some("../.coursebook/coursebook-notebook")
        );
        assert_eq!(
            runtime_dependency_path("[dependencies]\nndarray = \"0.17\"\n"),
            None
        );
        assert_eq!(runtime_dependency_path("not toml ["), None);
    }

    #[test]
    fn a_runtime_source_the_tool_did_not_write_is_left_alone() {
        let root = std::env::temp_dir().join(format!("library-provide-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let lib = root.join("lib");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(
            lib.join("Cargo.toml"),
            "[dependencies]\ncoursebook-notebook = { path = \"../runtime\" }\n",
        )
        .unwrap();
        // Missing: written.
        provide_runtime_for(&lib).unwrap();
        assert!(root.join("runtime/src/notebook.rs").is_file());
        // Someone's own source (no mark): untouched.
        std::fs::write(
            root.join("runtime/Cargo.toml"),
            "[package]\nname = \"mine\"\n",
        )
        .unwrap();
        std::fs::write(root.join("runtime/src/notebook.rs"), "// mine").unwrap();
        provide_runtime_for(&lib).unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("runtime/src/notebook.rs")).unwrap(),
            "// mine"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_saved_library_is_stale_once_its_rlibs_are_rebuilt_or_removed() {
        let root = std::env::temp_dir().join(format!("library-saved-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let rlib = root.join("libcalc.rlib");
        std::fs::write(&rlib, "rlib").unwrap();
        let library = Library {
            crate_name: Some("calc".into()),
            externs: vec![("calc".into(), rlib.clone())],
            deps: root.clone(),
            fingerprint: String::new(),
            rustc_version: String::new(),
        };
        let before = surroundings(&library);
        assert_eq!(surroundings(&library), before);
        std::fs::write(&rlib, "rlib, rebuilt").unwrap();
        let rebuilt = surroundings(&library);
        assert_ne!(rebuilt, before);
        std::fs::remove_file(&rlib).unwrap();
        assert_ne!(surroundings(&library), rebuilt, "cargo clean");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_edit_changes_the_stamp() {
        let root = std::env::temp_dir().join(format!("library-stamp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("target")).unwrap();
        std::fs::write(root.join("src/lib.rs"), "pub fn a() {}").unwrap();
        let before = stamp(std::slice::from_ref(&root));
        std::fs::write(root.join("target/out"), "build output").unwrap();
        assert_eq!(
            stamp(std::slice::from_ref(&root)),
            before,
            "target/ is not the library's source"
        );
        std::fs::write(root.join("src/lib.rs"), "pub fn a() { }").unwrap();
        assert_ne!(stamp(std::slice::from_ref(&root)), before);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
