//! The math stage's entries in the content-addressed cache (namespace `math`).
//!
//! An entry is KaTeX's HTML for one formula, as KaTeX wrote it (the inline stage makes it
//! Markdown-safe when it splices it). Its key covers everything that decides that HTML: the
//! TeX, display or inline, the KaTeX options and macros ([`MathOptions::fingerprint`]), the
//! KaTeX version, and the version of what an entry holds ([`ENTRY_VERSION`]).
//!
//! Entries are kept in pack files, `<cache>/math/packs/<hash>.pack`, each one written whole by
//! one build (the formulas it rendered) through a temporary file renamed into place, and named
//! by the hash of its content. One file per build rather than one per formula: creating 2,000
//! small files (and syncing each) cost a cold build of the halo2 book seconds. Concurrent builds
//! write different packs, or the same pack with the same bytes; a reader takes the union of the
//! packs it finds. When a build reads more than [`MAX_PACKS`] packs it writes their union as
//! one pack and removes the ones it read (a concurrent build that misses one renders again).
//!
//! Validation: a pack starts with a magic line; each record is `key` and byte length on their
//! own lines, then the HTML and a newline, and must hold a whole formula. Reading a pack stops at its first invalid
//! record (a truncated or edited file): the records before it are used, the rest are misses,
//! rendered again and written to a new pack. No `fsync`: a cache needs validity, not
//! durability.

use crate::config::MathOptions;
use common::cache::{Cache, KeyHasher};
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Bump when what an entry holds changes, so stale entries are never read.
pub const ENTRY_VERSION: &str = "coursebook-math katex-html 4";

const MAGIC: &str = "coursebook-math-pack-1\n";

/// Above this many packs, a build merges what it read into one pack.
pub const MAX_PACKS: usize = 16;

/// The digest of what every key of a build shares: options, macros, versions. Computed once,
/// so that a long macros file is not hashed again for each formula.
pub fn base_digest(options: &MathOptions) -> String {
    KeyHasher::new()
        .add(katex::KATEX_VERSION)
        .add(ENTRY_VERSION)
        .add(options.fingerprint())
        .finish()
}

/// The key of one formula.
pub fn key(base_digest: &str, tex: &str, display: bool) -> String {
    KeyHasher::new()
        .add(base_digest)
        .add(if display { "display" } else { "inline" })
        .add(tex)
        .finish()
}

/// The `(key, html)` pairs of the formulas that rendered, for [`Store::put_all`]; `rendered[i]`
/// is the result for `keys[i]`.
pub fn successes<'a>(
    keys: &'a [String],
    rendered: &'a [Result<String, String>],
) -> Vec<(&'a str, &'a str)> {
    keys.iter()
        .zip(rendered)
        .filter_map(|(k, r)| Some((k.as_str(), r.as_ref().ok()?.as_str())))
        .collect()
}

/// The entries of every pack of a cache namespace, read once per build.
#[derive(Debug, Default)]
pub struct Store {
    dir: PathBuf,
    entries: HashMap<String, String>,
    read: Vec<PathBuf>,
}

impl Store {
    /// Reads every pack under `cache`; unreadable packs and invalid records are skipped.
    pub fn open(cache: &Cache) -> Self {
        let dir = cache.dir().join("packs");
        let mut store = Store {
            dir,
            ..Store::default()
        };
        let Ok(listing) = fs::read_dir(&store.dir) else {
            return store;
        };
        for entry in listing.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "pack") {
                continue;
            }
            if let Ok(bytes) = fs::read(&path) {
                parse_pack(&bytes, &mut store.entries);
                store.read.push(path);
            }
        }
        store
    }

    /// The markup stored under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Stores the new entries of this build as one pack (and merges the packs read when there
    /// are too many). A failure to write only costs renders next time.
    pub fn put_all(&self, new: &[(&str, &str)]) {
        if self.read.len() >= MAX_PACKS {
            let mut all: Vec<(&str, &str)> = self
                .entries
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(new.iter().copied())
                .collect();
            all.sort_unstable();
            all.dedup_by(|a, b| a.0 == b.0);
            if write_pack(&self.dir, &all).is_ok() {
                for old in &self.read {
                    let _ = fs::remove_file(old);
                }
            }
        } else if !new.is_empty() {
            let _ = write_pack(&self.dir, new);
        }
    }
}

fn whole(markup: &str) -> bool {
    markup.starts_with("<span class=\"katex") && markup.ends_with("</span>")
}

/// Adds the valid records of `bytes` to `entries`, stopping at the first invalid one.
fn parse_pack(bytes: &[u8], entries: &mut HashMap<String, String>) {
    let Some(mut rest) = bytes.strip_prefix(MAGIC.as_bytes()) else {
        return;
    };
    while !rest.is_empty() {
        let Some(record) = parse_record(rest) else {
            return;
        };
        let (key, markup, tail) = record;
        entries
            .entry(key.to_owned())
            .or_insert_with(|| markup.to_owned());
        rest = tail;
    }
}

fn parse_record(bytes: &[u8]) -> Option<(&str, &str, &[u8])> {
    let line = |b: &[u8]| -> Option<(usize, usize)> {
        let end = b.iter().position(|&c| c == b'\n')?;
        Some((end, end + 1))
    };
    let (key_end, after_key) = line(bytes)?;
    let key = std::str::from_utf8(&bytes[..key_end]).ok()?;
    if key.len() != 32 || !key.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let rest = &bytes[after_key..];
    let (len_end, after_len) = line(rest)?;
    let len: usize = std::str::from_utf8(&rest[..len_end]).ok()?.parse().ok()?;
    let rest = &rest[after_len..];
    let markup = rest.get(..len)?;
    if rest.get(len) != Some(&b'\n') {
        return None;
    }
    let markup = std::str::from_utf8(markup).ok()?;
    whole(markup).then_some((key, markup, &rest[len + 1..]))
}

fn write_pack(dir: &Path, entries: &[(&str, &str)]) -> io::Result<()> {
    let size = entries
        .iter()
        .map(|(k, m)| k.len() + m.len() + 12)
        .sum::<usize>();
    let mut pack = String::with_capacity(MAGIC.len() + size);
    pack.push_str(MAGIC);
    for (key, markup) in entries {
        if !whole(markup) {
            continue;
        }
        pack.push_str(key);
        pack.push('\n');
        pack.push_str(&markup.len().to_string());
        pack.push('\n');
        pack.push_str(markup);
        pack.push('\n');
    }
    let name = format!("{}.pack", KeyHasher::new().add(&pack).finish());
    let path = dir.join(&name);
    if path.is_file() {
        return Ok(());
    }
    common::cache::write_durably(&path, pack.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> Cache {
        let dir = std::env::temp_dir().join(format!("cb-math-pack-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        Cache::new(&dir, "math")
    }

    const A: &str = "<span class=\"katex\">a</span>";
    const B: &str = "<span class=\"katex\">b</span>";
    const KA: &str = "0123456789abcdef0123456789abcdef";
    const KB: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn entries_round_trip_and_a_truncated_pack_keeps_its_whole_records() {
        let cache = scratch("roundtrip");
        Store::open(&cache).put_all(&[(KA, A), (KB, B)]);
        let store = Store::open(&cache);
        assert_eq!((store.get(KA), store.get(KB)), (Some(A), Some(B)));
        let pack = fs::read_dir(cache.dir().join("packs"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let bytes = fs::read(&pack).unwrap();
        fs::write(&pack, &bytes[..bytes.len() - 5]).unwrap();
        let store = Store::open(&cache);
        assert_eq!((store.get(KA), store.get(KB)), (Some(A), None));
        fs::write(&pack, b"garbage").unwrap();
        assert_eq!(Store::open(&cache).get(KA), None);
        fs::remove_dir_all(cache.dir().parent().unwrap()).unwrap();
    }

    #[test]
    fn many_packs_are_merged_into_one() {
        let cache = scratch("merge");
        for i in 0..MAX_PACKS {
            let key = format!("{i:032x}");
            Store::open(&cache).put_all(&[(&key, A)]);
        }
        Store::open(&cache).put_all(&[(KB, B)]);
        let packs = fs::read_dir(cache.dir().join("packs")).unwrap().count();
        assert_eq!(packs, 1);
        let store = Store::open(&cache);
        assert_eq!(store.get(KB), Some(B));
        assert_eq!(store.get(&format!("{:032x}", 3)), Some(A));
        fs::remove_dir_all(cache.dir().parent().unwrap()).unwrap();
    }
}
