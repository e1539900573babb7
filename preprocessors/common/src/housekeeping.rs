//! Keeping the cache bounded and safe to share between builds.
//!
//! Every build holds a shared lock on `<cache root>/.lock` while it reads and writes entries.
//! When it has finished, it records its start time and prunes the `compute` entries that none
//! of the last [`KEEP_BUILDS`] builds read or wrote (a read refreshes an entry's modification
//! time, see [`crate::cache::Cache::get`]). Pruning needs the lock exclusively and only tries:
//! while another build runs, nothing is deleted. `coursebook clean` waits for the lock and
//! empties the cache.
//!
//! A build may also claim a work folder (`<cache root>/work/NAME-K/`), which persists between
//! builds: the compute stage keeps rustc's incremental state there. A folder is held by one
//! process at a time, through a lock file beside it that is never deleted (a lock on a file
//! that someone unlinks would no longer exclude anyone); a second build at once claims the
//! next folder. Pruning removes a whole folder that the last builds neither claimed nor kept
//! ([`WorkDir::keep`]: a build served from the cache still relies on it), never its files one
//! by one: rustc's state is only valid whole.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many recent builds keep their entries.
pub const KEEP_BUILDS: usize = 3;

/// The cache's namespaces whose entries are pruned ([`prune`]).
pub mod namespace {
    /// The computations' results: one entry a build, superseded by every edit of a block.
    pub const COMPUTE: &str = "compute";
    /// What the published pages and PDFs were made from: one record an output folder and PDF.
    pub const PAGES: &str = "pages";
    /// Where Cargo put a book's library: one record a library.
    pub const LIBRARY: &str = "library";
}

/// The namespaces whose entries are pruned. (The math stage keeps its formulas in packs that
/// it merges itself.)
const PRUNED: &[&str] = &[namespace::COMPUTE, namespace::PAGES, namespace::LIBRARY];

/// The namespace of the work folders.
const WORK: &str = "work";

/// How many work folders of one name may be held at once: as many concurrent builds of one
/// book keep an incremental state; more build without one.
pub const WORK_FOLDERS: usize = 4;

/// The file that says when a work folder was last claimed or kept, in milliseconds since the
/// epoch: written rather than read from the file's modification time, which coarse file-system
/// clocks can put before the start of the build that wrote it.
const CLAIMED: &str = ".claimed";

/// A lock on the cache held for as long as the value lives.
#[derive(Debug)]
pub struct CacheLock {
    _file: fs::File,
}

impl CacheLock {
    /// The lock a build holds: shared with other builds, exclusive of pruning and cleaning.
    pub fn shared(root: &Path) -> io::Result<CacheLock> {
        let file = lock_file(root)?;
        file.lock_shared()?;
        Ok(CacheLock { _file: file })
    }

    /// The lock that pruning and cleaning need; `None` when a build holds the cache.
    pub fn try_exclusive(root: &Path) -> io::Result<Option<CacheLock>> {
        let file = lock_file(root)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(CacheLock { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

fn lock_file(root: &Path) -> io::Result<fs::File> {
    open_lock(&root.join(".lock"))
}

fn open_lock(path: &Path) -> io::Result<fs::File> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// A work folder held by this process for as long as the value lives.
#[derive(Debug)]
pub struct WorkDir {
    path: PathBuf,
    _lock: fs::File,
}

impl WorkDir {
    /// Claims one of the [`WORK_FOLDERS`] work folders named `name` under the cache `root`,
    /// the first that no other process holds, and creates it. `None` when all are held.
    pub fn claim(root: &Path, name: &str) -> io::Result<Option<WorkDir>> {
        for k in 0..WORK_FOLDERS {
            let path = root.join(WORK).join(format!("{name}-{k}"));
            let file = open_lock(&path.with_extension("lock"))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => continue,
                Err(fs::TryLockError::Error(e)) => return Err(e),
            }
            fs::create_dir_all(&path)?;
            stamp_claimed(&path)?;
            return Ok(Some(WorkDir { path, _lock: file }));
        }
        Ok(None)
    }

    /// The folder, which this build alone uses while the value lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Marks the work folders named `name` as used by this build without claiming them (a
    /// build whose results came from the cache still relies on their state), so that pruning
    /// keeps them.
    pub fn keep(root: &Path, name: &str) {
        for k in 0..WORK_FOLDERS {
            let path = root.join(WORK).join(format!("{name}-{k}"));
            if path.is_dir() {
                let _ = stamp_claimed(&path);
            }
        }
    }
}

/// Records that the work folder at `path` is used now.
fn stamp_claimed(path: &Path) -> io::Result<()> {
    fs::write(
        path.join(CLAIMED),
        millis(SystemTime::now()).to_string().as_bytes(),
    )
}

/// When the work folder at `path` was last used; `None` when that cannot be read.
fn claimed_at(path: &Path) -> Option<u128> {
    fs::read_to_string(path.join(CLAIMED))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// What [`prune`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// How many cache entries were removed.
    pub entries: usize,
    /// How many bytes they took.
    pub bytes: u64,
}

/// Records a finished build that started at `started`, then removes the entries that the last
/// [`KEEP_BUILDS`] builds did not use. Does nothing while another build holds the cache.
pub fn prune(root: &Path, started: SystemTime) -> io::Result<Pruned> {
    let Some(_lock) = CacheLock::try_exclusive(root)? else {
        return Ok(Pruned::default());
    };
    let log = root.join("builds");
    let mut starts: Vec<u128> = fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    starts.push(millis(started));
    starts.sort_unstable();
    let keep_from = starts.len().saturating_sub(KEEP_BUILDS);
    starts.drain(..keep_from);
    let text: String = starts.iter().map(|s| format!("{s}\n")).collect();
    crate::cache::write_atomically(&log, text.as_bytes())?;
    // Entries older than the oldest build kept. (On a file system with coarse times an entry
    // of that build may look older and go: a cache miss later, never a wrong value.)
    let cutoff = UNIX_EPOCH + Duration::from_millis(starts[0] as u64);
    let mut pruned = Pruned::default();
    for namespace in PRUNED {
        for file in files(&root.join(namespace)) {
            let Ok(meta) = fs::metadata(&file) else {
                continue;
            };
            if meta.modified().is_ok_and(|m| m < cutoff) && fs::remove_file(&file).is_ok() {
                pruned.entries += 1;
                pruned.bytes += meta.len();
            }
        }
    }
    prune_work_folders(&root.join(WORK), cutoff, &mut pruned);
    Ok(pruned)
}

/// Removes the work folders not claimed since `cutoff`, each whole, unless a process holds
/// it (the compute stage run by the official mdBook CLI takes no lock on the cache).
fn prune_work_folders(work: &Path, cutoff: SystemTime, pruned: &mut Pruned) {
    let Ok(entries) = fs::read_dir(work) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
        if claimed_at(&path).is_some_and(|t| t >= millis(cutoff)) {
            continue;
        }
        let Ok(lock) = open_lock(&path.with_extension("lock")) else {
            continue;
        };
        if lock.try_lock().is_err() {
            continue;
        }
        let bytes: u64 = files(&path)
            .iter()
            .filter_map(|f| fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        if fs::remove_dir_all(&path).is_ok() {
            pruned.entries += 1;
            pruned.bytes += bytes;
        }
    }
}

/// Empties the cache at `root`, waiting for the builds that use it. Returns the bytes freed.
pub fn clean(root: &Path) -> io::Result<u64> {
    if !root.exists() {
        return Ok(0);
    }
    let file = lock_file(root)?;
    file.lock()?;
    let mut freed = 0;
    for entry in fs::read_dir(root)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n == ".lock") {
            continue;
        }
        freed += files(&path)
            .iter()
            .filter_map(|f| fs::metadata(f).ok())
            .map(|m| m.len())
            .sum::<u64>();
        if path.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    Ok(freed)
}

/// Every file under `dir` (the file itself when `dir` is one).
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return if dir.is_file() {
            vec![dir.to_path_buf()]
        } else {
            Vec::new()
        };
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                files(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

fn millis(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Cache;

    #[test]
    fn only_the_entries_of_the_last_builds_are_kept_and_never_under_a_running_build() {
        let root = std::env::temp_dir().join(format!("cb-prune-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let cache = Cache::new(&root, namespace::COMPUTE);
        let old = SystemTime::now() - Duration::from_secs(3600);
        // An entry no build uses any more, in each namespace that is pruned.
        let stale: Vec<PathBuf> = PRUNED
            .iter()
            .map(|name| {
                Cache::new(&root, name).put("aa-old", b"old").unwrap();
                let entry = root.join(name).join("aa/aa-old");
                fs::File::options()
                    .write(true)
                    .open(&entry)
                    .unwrap()
                    .set_modified(old)
                    .unwrap();
                entry
            })
            .collect();
        let entry = &stale[0];
        // A build is running: nothing goes.
        let running = CacheLock::shared(&root).unwrap();
        assert_eq!(prune(&root, SystemTime::now()).unwrap(), Pruned::default());
        assert!(entry.exists());
        drop(running);
        // Three builds later, the entry none of them used goes; the one they read stays.
        cache.put("bb-new", b"new").unwrap();
        for _ in 0..KEEP_BUILDS {
            let started = SystemTime::now();
            std::thread::sleep(Duration::from_millis(5));
            assert!(cache.get("bb-new").is_some());
            prune(&root, started).unwrap();
        }
        assert!(stale.iter().all(|e| !e.exists()), "{stale:?}");
        assert_eq!(cache.get("bb-new").as_deref(), Some(&b"new"[..]));
        assert!(clean(&root).unwrap() > 0);
        assert_eq!(cache.get("bb-new"), None);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_work_folder_is_held_by_one_claim_and_pruned_whole_once_unused() {
        let root = std::env::temp_dir().join(format!("cb-work-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let first = WorkDir::claim(&root, "book").unwrap().unwrap();
        fs::create_dir_all(first.path().join("incremental/s-1")).unwrap();
        fs::write(first.path().join("incremental/s-1/a.o"), b"object").unwrap();
        // Every other claim gets a folder of its own, until none is left.
        let others: Vec<WorkDir> = (1..WORK_FOLDERS)
            .map(|_| WorkDir::claim(&root, "book").unwrap().unwrap())
            .collect();
        let mut paths: Vec<&Path> = others.iter().map(WorkDir::path).collect();
        paths.push(first.path());
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), WORK_FOLDERS);
        assert!(WorkDir::claim(&root, "book").unwrap().is_none());
        let kept = first.path().to_path_buf();
        drop(others);
        // Kept by builds that only read the cache: not pruned either.
        drop(first);
        for _ in 0..KEEP_BUILDS {
            let started = SystemTime::now();
            std::thread::sleep(Duration::from_millis(5));
            WorkDir::keep(&root, "book");
            prune(&root, started).unwrap();
        }
        assert!(kept.join("incremental/s-1/a.o").is_file());
        let first = WorkDir::claim(&root, "book").unwrap().unwrap();
        assert_eq!(first.path(), kept);
        // Held, even by a process that took no lock on the cache: never pruned.
        let later = SystemTime::now() + Duration::from_secs(3600);
        for _ in 0..KEEP_BUILDS {
            prune(&root, later).unwrap();
        }
        assert!(kept.join("incremental/s-1/a.o").is_file());
        // Released and unclaimed by the last builds: gone, whole.
        drop(first);
        let pruned = prune(&root, later).unwrap();
        assert!(pruned.entries >= 1, "{pruned:?}");
        assert!(!kept.exists());
        // The folder comes back on the next claim.
        let again = WorkDir::claim(&root, "book").unwrap().unwrap();
        assert!(again.path().is_dir());
        drop(again);
        fs::remove_dir_all(root).unwrap();
    }
}
