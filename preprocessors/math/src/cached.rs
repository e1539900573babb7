//! The math stage's entries in the content-addressed cache (namespace `math`).
//!
//! A key covers everything that decides the markup of one formula: the TeX, display or inline,
//! the KaTeX options and macros ([`MathOptions::fingerprint`]), the KaTeX version, and the
//! version of this stage's post-processing ([`MARKUP_VERSION`]). An entry is read back only if it
//! names its own key and holds a whole formula; anything else (a truncated file, an edited one)
//! is a miss, rendered again and overwritten.

use crate::config::MathOptions;
use common::cache::{Cache, KeyHasher};

/// Bump when [`crate::markup`] changes what it writes, so stale entries are never read.
pub const MARKUP_VERSION: &str = "coursebook-math markup 2";

const MAGIC: &str = "coursebook-math-entry-2";

/// The digest of what every key of a build shares: options, macros, versions. Computed once,
/// so that a long macros file is not hashed again for each formula.
pub fn base_digest(options: &MathOptions) -> String {
    KeyHasher::new()
        .add(katex::KATEX_VERSION)
        .add(MARKUP_VERSION)
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

/// The markup stored under `key`, if the entry is whole and is that key's.
pub fn get(cache: &Cache, key: &str) -> Option<String> {
    let bytes = cache.get(key)?;
    let text = String::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix(MAGIC)?.strip_prefix('\n')?;
    let (stored_key, rest) = rest.split_once('\n')?;
    let (len, markup) = rest.split_once('\n')?;
    let whole = len.parse::<usize>().ok() == Some(markup.len())
        && markup.starts_with("<span class=\"katex")
        && markup.ends_with("</span>");
    (stored_key == key && whole && !markup.contains('\n')).then(|| markup.to_owned())
}

/// Stores `markup` under `key`. A failure to write only costs a render next time.
///
/// The entry is written to a temporary file renamed into place (atomic: a concurrent reader
/// sees no entry or a whole one) but, unlike [`Cache::put`], not synced to disk: one `fsync`
/// per formula made a cold build of a book of 2,000 formulas wait seconds on the disk, and a
/// cache entry needs no durability, only validity. An entry that a crash left empty or torn
/// fails the checks of [`get`] (magic line, own key, byte length, whole markup) and is a miss.
pub fn put(cache: &Cache, key: &str, markup: &str) {
    let _ = write_entry(cache, key, markup);
}

fn write_entry(cache: &Cache, key: &str, markup: &str) -> std::io::Result<()> {
    // The layout of `common::cache::Cache`: `<dir>/<first two hex digits>/<key>`.
    let dir = cache.dir().join(key.get(..2).unwrap_or(key));
    let path = dir.join(key);
    let tmp = dir.join(common::cache::temp_name(key));
    let entry = format!("{MAGIC}\n{key}\n{}\n{markup}", markup.len());
    let written = std::fs::write(&tmp, entry.as_bytes()).or_else(|_| {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&tmp, entry.as_bytes())
    });
    match written.and_then(|()| std::fs::rename(&tmp, &path)) {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = std::fs::remove_file(&tmp);
            Err(err)
        }
    }
}
