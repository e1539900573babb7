//! This package's own source, so that the `coursebook` binary can hand the runtime to a book
//! without its source checkout and without a registry release.
//!
//! The compute stage writes these files into a folder ([`write_package`]) and builds a book's
//! program against them; a book's library depends on that folder by path. The folder's name
//! carries [`fingerprint`], so a tool whose runtime changed writes a new one instead of
//! changing the files under a build that uses them.

use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The package's files, by path relative to its root. A test checks that every file of `src/`
/// is listed.
pub const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../Cargo.toml")),
    ("src/lib.rs", include_str!("lib.rs")),
    ("src/embedded.rs", include_str!("embedded.rs")),
    ("src/figure.rs", include_str!("figure.rs")),
    ("src/notebook.rs", include_str!("notebook.rs")),
];

/// The package's name, as a book's library names its dependency.
pub const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// The package's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Starts the comment appended to a written Cargo.toml: tells a folder the tool wrote (and may
/// rewrite) from a runtime source someone keeps.
pub const WRITTEN_MARK: &str = "# Written by coursebook";

/// Appended to the written Cargo.toml: the package is a workspace of its own, so it builds
/// even when it lands inside another Cargo workspace (a book kept in a Rust repository).
fn own_workspace() -> String {
    format!("\n{WRITTEN_MARK} from its own binary: a workspace of its own wherever it lands.\n[workspace]\n")
}

/// A short, stable hash of the files (FNV-1a, 64 bits): names the folder they are written to.
pub fn fingerprint() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, text) in FILES {
        for byte in path.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The folder name for this runtime: `coursebook-notebook-0.1.0-<fingerprint>`.
pub fn folder_name() -> String {
    format!("{PACKAGE}-{VERSION}-{}", &fingerprint()[..12])
}

/// Writes the package into `dir`, leaving files that already hold the same text untouched
/// (so Cargo sees nothing new). Each file goes through a temporary file and a rename: two
/// builds writing the same folder at once both leave it whole.
pub fn write_package(dir: &Path) -> io::Result<()> {
    for (path, text) in FILES {
        let target = dir.join(path);
        let text = if *path == "Cargo.toml" {
            format!("{text}{}", own_workspace())
        } else {
            (*text).to_owned()
        };
        if fs::read_to_string(&target).is_ok_and(|old| old == text) {
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        // Unique to this process and call: threads of one process may write the folder too.
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, Ordering::Relaxed);
        let tmp = target.with_extension(format!("tmp{}-{call}", std::process::id()));
        fs::write(&tmp, &text)
            .and_then(|()| fs::rename(&tmp, &target))
            .inspect_err(|_| {
                let _ = fs::remove_file(&tmp);
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_file_is_embedded() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut on_disk: Vec<String> = fs::read_dir(src)
            .unwrap()
            .map(|e| format!("src/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = FILES
            .iter()
            .filter(|(p, _)| p.starts_with("src/"))
            .map(|(p, _)| p.to_string())
            .collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn the_written_package_is_its_own_workspace_and_rewriting_changes_nothing() {
        let dir = std::env::temp_dir().join(format!("notebook-embedded-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        write_package(&dir).unwrap();
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("name = \"coursebook-notebook\""));
        assert!(manifest.trim_end().ends_with("[workspace]"));
        assert!(manifest.contains(WRITTEN_MARK));
        // Beside a book there is no workspace to inherit from: Cargo refuses the manifest.
        for line in manifest
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
        {
            let inherits = line.contains(".workspace") || line.replace(' ', "") == "workspace=true";
            assert!(!inherits, "inherits from a workspace: {line}");
        }
        let before = fs::metadata(dir.join("src/notebook.rs"))
            .unwrap()
            .modified()
            .unwrap();
        write_package(&dir).unwrap();
        let after = fs::metadata(dir.join("src/notebook.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after, "an unchanged file was rewritten");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_folder_name_changes_with_the_source() {
        assert!(folder_name().starts_with("coursebook-notebook-0."));
        assert_eq!(fingerprint(), fingerprint());
        assert_eq!(fingerprint().len(), 16);
    }
}
