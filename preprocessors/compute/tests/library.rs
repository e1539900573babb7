//! Locating a book's library: Cargo runs once per process, and again only after the library
//! changed (one test in this binary: it sets the process's CARGO_TARGET_DIR).

use common::cache::Cache;
use coursebook_compute::library::locate;
use std::path::Path;
use std::sync::Arc;

#[test]
fn the_library_is_located_once_and_again_after_an_edit() {
    // Shared with the end-to-end tests' scratch books: ndarray and serde compile once.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-libraries");
    std::env::set_var("CARGO_TARGET_DIR", &target);
    let root =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("located-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let lib = root.join("library");
    std::fs::create_dir_all(lib.join("src")).unwrap();
    std::fs::write(
        lib.join("Cargo.toml"),
        "[package]\nname = \"located\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ncoursebook-notebook = { path = \"../.coursebook/coursebook-notebook\" }\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(lib.join("src/lib.rs"), "pub fn answer() -> u32 { 42 }\n").unwrap();
    let cache = Cache::new(&root.join("cache"), "compute");

    let first = locate(Some(&lib), &cache).unwrap();
    assert_eq!(first.crate_name.as_deref(), Some("located"));
    assert_eq!(first.externs.len(), 2, "the runtime and the library");
    assert!(root
        .join(".coursebook/coursebook-notebook/src/notebook.rs")
        .is_file());
    let again = locate(Some(&lib), &cache).unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "Cargo ran again with nothing changed"
    );

    std::fs::write(lib.join("src/lib.rs"), "pub fn answer() -> u32 { 4242 }\n").unwrap();
    let edited = locate(Some(&lib), &cache).unwrap();
    assert!(
        !Arc::ptr_eq(&first, &edited),
        "an edit of the library went unseen"
    );
    assert_ne!(first.fingerprint, edited.fingerprint);
    std::fs::remove_dir_all(&root).unwrap();
}
