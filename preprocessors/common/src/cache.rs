//! A content-addressed cache kept outside the book's `src/`.
//!
//! Entries are files named by the BLAKE3 hash of everything that determines them (the input,
//! the options, the tool versions), so an entry never needs invalidating: a change of any input
//! is a different name. Writes go to a temporary file that is renamed into place, which is atomic
//! on one file system: concurrent builds may race to write the same entry, and a reader sees
//! either no entry or a whole one. A reader must still validate what it reads (a disk can be
//! damaged, a user can edit files) and treat an invalid entry as a miss.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that moves every cache of the tool elsewhere.
pub const CACHE_DIR_ENV: &str = "COURSEBOOK_CACHE_DIR";

/// Where the caches of the book at `book_root` live: `$COURSEBOOK_CACHE_DIR` when set, else
/// `target/coursebook` in the book root, beside Cargo's own build output (ignored by git, wiped
/// by `cargo clean`, and never inside `src/`, which `serve` watches). Always absolute: the
/// book's program runs in the book root, and the paths it is given lead into the cache.
pub fn cache_root(book_root: &Path) -> PathBuf {
    let root = match std::env::var_os(CACHE_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => book_root.join("target").join("coursebook"),
    };
    std::path::absolute(&root).unwrap_or(root)
}

/// A file's size and modification time (nanoseconds since the epoch, 0 when the system does
/// not say): what Cargo compares, and what tells a file edited, replaced or rebuilt since it
/// was last seen. Part of a fingerprint (`KeyHasher::add`) as one text.
pub fn file_stamp(meta: &fs::Metadata) -> String {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{} {modified}", meta.len())
}

/// A hasher for cache keys: feed it every input that determines an entry.
#[derive(Default)]
pub struct KeyHasher(blake3::Hasher);

impl KeyHasher {
    /// An empty hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one input. Inputs are length-prefixed, so `("ab", "c")` and `("a", "bc")` differ.
    pub fn add(&mut self, part: impl AsRef<[u8]>) -> &mut Self {
        let part = part.as_ref();
        self.0.update(&(part.len() as u64).to_le_bytes());
        self.0.update(part);
        self
    }

    /// The key: 32 hex digits, enough to make a collision in a book's lifetime negligible.
    pub fn finish(&self) -> String {
        self.0.finalize().to_hex()[..32].to_owned()
    }
}

/// One namespace of the cache (`compute`, `math`), a folder of entries.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    dir: PathBuf,
}

impl Cache {
    /// The namespace `name` under `root`. Nothing is created until the first write.
    pub fn new(root: &Path, name: &str) -> Self {
        Self {
            root: root.to_path_buf(),
            dir: root.join(name),
        }
    }

    /// The folder of this cache's entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache root this namespace is in, where [`crate::housekeeping`] keeps its locks and
    /// work folders.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        // Two-level fan-out keeps folders small for books with thousands of formulas.
        self.dir.join(&key[..2.min(key.len())]).join(key)
    }

    /// The bytes stored under `key`, or `None` when there are none (or they cannot be read).
    /// A hit refreshes the entry's modification time: it was used by this build, and
    /// [`crate::housekeeping::prune`] keeps it.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.path(key);
        let bytes = fs::read(&path).ok()?;
        if let Ok(file) = fs::File::options().write(true).open(&path) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
        Some(bytes)
    }

    /// Stores `bytes` under `key` atomically.
    pub fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        write_durably(&self.path(key), bytes)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place: a
/// reader (`serve`, another build, a browser) sees the old file or the whole new one, never a
/// part. A file that is replaced keeps its permissions. For output pages and assets, which a
/// build writes by the thousand: no `fsync`, which costs about 2 ms a file here.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, false)
}

/// [`write_atomically`], with the data on disk before the rename, so that a crash leaves the
/// old file or the new one, never an empty one: for the author's sources (`check --fix`) and
/// the cache, whose entries are trusted when read back.
pub fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, true)
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let base = path
        .file_name()
        .map_or("entry".into(), |n| n.to_string_lossy());
    let tmp = parent.join(temp_name(&base));
    let written = fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        if let Ok(meta) = fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        if durable {
            f.sync_data()?;
        }
        Ok(())
    });
    match written.and_then(|()| fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = fs::remove_file(&tmp);
            Err(err)
        }
    }
}

/// A name no other writer uses at the same time: process id and a per-process counter.
pub fn temp_name(base: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".{base}.tmp-{}-{n}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cb-cache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_stored_entry_reads_back_and_leaves_no_temporary_file() {
        let root = scratch("roundtrip");
        let cache = Cache::new(&root, "math");
        let key = KeyHasher::new().add("x^2").add("inline").finish();
        assert_eq!(cache.get(&key), None);
        cache.put(&key, b"<span>x</span>").unwrap();
        assert_eq!(cache.get(&key).as_deref(), Some(&b"<span>x</span>"[..]));
        let files: Vec<_> = walk(&root);
        assert_eq!(files.len(), 1, "{files:?}");
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn keys_depend_on_part_boundaries() {
        let a = KeyHasher::new().add("ab").add("c").finish();
        let b = KeyHasher::new().add("a").add("bc").finish();
        assert_ne!(a, b);
    }

    #[test]
    fn concurrent_writers_of_one_entry_leave_a_whole_entry() {
        let root = scratch("race");
        let cache = Cache::new(&root, "c");
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let cache = cache.clone();
                std::thread::spawn(move || cache.put("abcdef", &[7u8; 100_000]).unwrap())
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(cache.get("abcdef").unwrap(), vec![7u8; 100_000]);
        assert_eq!(walk(&root).len(), 1);
        fs::remove_dir_all(root).unwrap();
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}
