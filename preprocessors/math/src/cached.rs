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
pub const MARKUP_VERSION: &str = "coursebook-math markup 1";

const MAGIC: &str = "coursebook-math-entry-1";

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
    let (stored_key, markup) = rest.split_once('\n')?;
    let whole = markup.starts_with("<span class=\"katex") && markup.ends_with("</span>");
    (stored_key == key && whole && !markup.contains('\n')).then(|| markup.to_owned())
}

/// Stores `markup` under `key`. A failure to write only costs a render next time.
pub fn put(cache: &Cache, key: &str, markup: &str) {
    let entry = format!("{MAGIC}\n{key}\n{markup}");
    let _ = cache.put(key, entry.as_bytes());
}
