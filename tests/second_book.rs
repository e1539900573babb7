//! A second book, unrelated to the repository's course: `tests/numerics`, a short English book
//! on root finding whose library (`tests/numerics/library`) depends on a crates.io crate the
//! workspace does not use (`roots`). It builds with `coursebook build` and with the official
//! `mdbook` CLI, and its checks hold it to its numbers.

mod support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::Fixture;

const LIMIT: Duration = Duration::from_secs(600);

/// A copy of the numerics book in a scratch folder.
fn numerics(name: &str) -> Fixture {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/numerics");
    Fixture::copy_of(name, &dir, &["book", "target", ".coursebook"])
}

fn coursebook(book: &Fixture, args: &[&str]) -> (Option<i32>, String, String) {
    book.run_program(
        env!("CARGO_BIN_EXE_coursebook"),
        args,
        &[support::shared_library_target()],
        LIMIT,
    )
}

#[test]
fn the_second_book_builds_and_a_moved_value_fails_at_its_line() {
    let book = numerics("numerics-build");
    let (code, _, stderr) = coursebook(&book, &["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    let brent = book.read("book/brent.html");
    assert!(
        brent.contains("<span class=\"cb-written\">1.4142</span>"),
        "{brent}"
    );
    assert!(
        brent.contains("<span class=\"cb-written\">1.3247</span>"),
        "{brent}"
    );
    let quadratic = book.read("book/quadratic.html");
    assert!(quadratic.contains("<span class=\"cb-written\">[1, 2]</span>"));
    assert!(
        quadratic.contains("<svg"),
        "the library's figure is in the page"
    );
    assert!(
        quadratic.contains("class=\"katex\""),
        "the formulas are rendered"
    );
    // The runtime the library depends on was written by the tool, from its own binary.
    let runtime = book.read(".coursebook/coursebook-notebook/Cargo.toml");
    assert!(runtime.contains("# Written by coursebook"), "{runtime}");

    // The plastic number is 1.324718: 1.3248 is wrong at the digits written.
    let chapter = book.read("src/brent.md");
    book.write(
        "src/brent.md",
        &chapter.replace("cube = 1.3247", "cube = 1.3248"),
    );
    let (code, _, stderr) = coursebook(&book, &["build"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--> src/brent.md:13:39"), "{stderr}");
    assert!(stderr.contains("written: 1.3248"), "{stderr}");
    assert!(stderr.contains("computed: cube = 1.324718"), "{stderr}");
}

#[test]
fn a_library_that_does_not_compile_is_reported_with_rustcs_message() {
    let book = numerics("numerics-broken-library");
    let lib = book.read("library/src/lib.rs");
    book.write(
        "library/src/lib.rs",
        &format!("{lib}\npub fn broken() -> u32 {{ \"text\" }}\n"),
    );
    let (code, _, stderr) = coursebook(&book, &["build"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cargo could not build the book's library"),
        "{stderr}"
    );
    assert!(stderr.contains("mismatched types"), "{stderr}");
    assert!(!book.path("book").exists(), "no output for a failed build");
}

/// Where Cargo put the library is saved in the cache, and the next build, a new process, uses
/// it while nothing changed; an edit to the library is seen all the same: the next build
/// computes with the edited library, its roots come out in the other order, and the written
/// answer fails.
#[test]
fn an_edit_to_the_library_is_seen_by_the_next_build() {
    let book = numerics("numerics-library-edit");
    let (code, _, stderr) = coursebook(&book, &["check"]);
    assert_eq!(code, Some(0), "{stderr}");
    let saved = walkdir::WalkDir::new(book.path("target/coursebook/library"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(saved, 1, "the library's location is saved");
    let (code, _, stderr) = coursebook(&book, &["check"]);
    assert_eq!(code, Some(0), "the saved location serves: {stderr}");

    let lib = book.read("library/src/lib.rs");
    let reversed = lib.replace(
        "found.sort_by(f64::total_cmp);",
        "found.sort_by(|a, b| b.total_cmp(a));",
    );
    assert_ne!(
        lib, reversed,
        "the library sorts its roots: update this test"
    );
    book.write("library/src/lib.rs", &reversed);
    let (code, _, stderr) = coursebook(&book, &["check"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--> src/quadratic.md:17:"), "{stderr}");
    assert!(
        stderr.contains("computed: solutions = [2.00, 1.00]"),
        "{stderr}"
    );

    book.write("library/src/lib.rs", &lib);
    let (code, _, stderr) = coursebook(&book, &["check"]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// The official `mdbook` CLI: `$MDBOOK`, else `mdbook` on PATH.
fn mdbook() -> PathBuf {
    let program = std::env::var_os("MDBOOK").map_or_else(|| PathBuf::from("mdbook"), PathBuf::from);
    let version = std::process::Command::new(&program)
        .arg("--version")
        .output();
    match version {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("v0.5.") => program,
        _ => panic!(
            "this test needs the official mdbook CLI 0.5 (`cargo install mdbook --version 0.5.4 --locked`, or MDBOOK=path)"
        ),
    }
}

/// PATH with the `coursebook` under test first, as the book.toml `command` lines call it.
fn path_with_coursebook() -> OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_coursebook"))
        .parent()
        .unwrap();
    let mut paths = vec![bin.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

#[test]
#[ignore = "needs the official mdbook CLI 0.5.4: run by tests/run"]
fn the_official_mdbook_cli_builds_the_second_book_with_its_stylesheet() {
    let book = numerics("numerics-mdbook");
    let envs = [
        support::shared_library_target(),
        ("PATH", path_with_coursebook()),
    ];
    let (code, _, stderr) = book.run_program(mdbook(), &["build"], &envs, LIMIT);
    assert_eq!(code, Some(0), "{stderr}");
    let page = book.read("book/brent.html");
    assert!(
        page.contains("<span class=\"cb-written\">1.4142</span>"),
        "{page}"
    );
    assert!(
        page.contains("class=\"katex\""),
        "the formulas are rendered"
    );
    // The stylesheet reached the output by itself, fonts inside, and the pages link it (mdBook
    // names the copy with a hash of its content: theme/coursebook-katex-429231d9.css).
    let href = page
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("theme/coursebook-katex"))
        .unwrap_or_else(|| panic!("no link to the KaTeX stylesheet: {page}"));
    let css = book.read(&format!("book/{href}"));
    assert!(css.contains(".katex"));
    assert_eq!(css.matches("data:font/woff2;base64,").count(), 20);

    let chapter = book.read("src/brent.md");
    book.write(
        "src/brent.md",
        &chapter.replace("sqrt2 = 1.4142", "sqrt2 = 1.4143"),
    );
    let (code, _, stderr) = book.run_program(mdbook(), &["build"], &envs, LIMIT);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("--> src/brent.md:12:"), "{stderr}");
}
