//! `coursebook init`: the book it writes builds and checks at once, in both languages, and its
//! checks hold it to its numbers. The install test runs a `cargo install`ed binary after its
//! source checkout was moved away.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;
use support::Fixture;

const LIMIT: Duration = Duration::from_secs(900);

/// An empty scratch folder and, inside it, the path `init` is given.
fn scratch(name: &str) -> (Fixture, PathBuf) {
    let fixture = Fixture::new(name, &[]);
    std::fs::create_dir_all(&fixture.root).unwrap();
    let book = fixture.root.join("book-under-test");
    (fixture, book)
}

fn run(program: &Path, dir: &Fixture, args: &[&str]) -> (Option<i32>, String, String) {
    dir.run_program(program, args, &[support::shared_library_target()], LIMIT)
}

fn coursebook() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_coursebook"))
}

#[test]
fn an_english_exam_book_from_init_builds_both_editions_and_fails_on_a_wrong_answer() {
    let (dir, book) = scratch("init-en");
    let (code, _, stderr) = run(coursebook(), &dir, &["init", "book-under-test", "--exam"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(coursebook(), &dir, &["build", "book-under-test"]);
    assert_eq!(code, Some(0), "{stderr}");
    let read = |p: &str| std::fs::read_to_string(book.join(p)).unwrap();
    let chapter = read("book/corrige/chapter_1.html");
    for written in ["13.25", "3.03", "17"] {
        let span = format!("<span class=\"cb-written\">{written}</span>");
        assert!(chapter.contains(&span), "{written} is not a checked answer");
    }
    assert!(chapter.contains("<svg"), "the figure is in the page");
    assert!(
        chapter.contains("class=\"katex\""),
        "the formulas are rendered"
    );
    let answer = "<span class=\"cb-written\">13.25</span>";
    assert!(read("book/corrige/exam.html").contains(answer));
    let sujet = read("book/sujet/exam.html");
    assert!(!sujet.contains("13.25"), "the sujet holds no answer");
    assert!(read("book/corrige/grading.html").contains("2"));

    let source = read("src/chapter_1.md");
    let line = source
        .lines()
        .position(|l| l.contains("{{#check spread = 3.03}}"))
        .unwrap()
        + 1;
    std::fs::write(
        book.join("src/chapter_1.md"),
        source.replace("spread = 3.03", "spread = 3.1"),
    )
    .unwrap();
    let (code, _, stderr) = run(coursebook(), &dir, &["build", "book-under-test"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("--> src/chapter_1.md:{line}:")),
        "{stderr}"
    );
}

#[test]
fn a_french_book_from_init_checks_with_decimal_commas() {
    let (dir, book) = scratch("init-fr");
    let (code, _, stderr) = run(
        coursebook(),
        &dir,
        &["init", "book-under-test", "--language", "fr"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!book.join("src/exam.md").exists(), "no exam without --exam");
    let (code, stdout, stderr) = run(coursebook(), &dir, &["check", "book-under-test"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains('3'), "three checks: {stdout}");
    let (code, _, stderr) = run(coursebook(), &dir, &["build", "book-under-test"]);
    assert_eq!(code, Some(0), "{stderr}");
    let page = std::fs::read_to_string(book.join("book/chapter_1.html")).unwrap();
    assert!(page.contains("<html lang=\"fr\""), "{page}");
    assert!(page.contains("<span class=\"cb-written\">13,25</span>"));
}

#[test]
fn a_book_from_init_leaves_no_number_of_an_answer_unchecked() {
    for language in ["en", "fr"] {
        let (dir, _) = scratch(&format!("init-covered-{language}"));
        let init = ["init", "book-under-test", "--exam", "--language", language];
        let (code, _, stderr) = run(coursebook(), &dir, &init);
        assert_eq!(code, Some(0), "{stderr}");
        // The starter book teaches the convention it checks: every number in an answer or a
        // note is checked, or marked as no result.
        let check = ["check", "book-under-test", "--deny-unchecked"];
        let (code, _, stderr) = run(coursebook(), &dir, &check);
        assert_eq!(code, Some(0), "{language}: {stderr}");
    }
}

#[test]
fn init_refuses_a_folder_that_holds_a_book() {
    let (dir, book) = scratch("init-twice");
    assert_eq!(
        run(coursebook(), &dir, &["init", "book-under-test"]).0,
        Some(0)
    );
    let before = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let (code, _, stderr) = run(coursebook(), &dir, &["init", "book-under-test", "--exam"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("not an empty folder"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(book.join("book.toml")).unwrap(),
        before
    );
}

/// Copies the files git tracks (and the working tree's changes to them) into `to`.
fn copy_checkout(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = std::process::Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .expect("git lists the checkout's files");
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let relative = Path::new(std::str::from_utf8(name).unwrap());
        let from = root.join(relative);
        if !from.is_file() {
            continue;
        }
        let target = to.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&from, &target).unwrap();
    }
}

#[test]
#[ignore = "slow: run by tests/run"]
fn an_installed_binary_builds_a_new_book_after_its_checkout_is_moved_away() {
    let (dir, book) = scratch("install");
    let checkout = dir.root.join("checkout");
    copy_checkout(&checkout);
    let root = dir.root.join("installed");
    // The install's own target folder is kept between runs: only the first one is slow.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("install-target");
    let installed = std::process::Command::new(env!("CARGO"))
        .args(["install", "--locked", "--path"])
        .arg(&checkout)
        .arg("--root")
        .arg(&root)
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .unwrap();
    assert!(installed.success(), "cargo install failed");
    std::fs::rename(&checkout, dir.root.join("moved-away")).unwrap();
    std::fs::remove_dir_all(dir.root.join("moved-away")).unwrap();

    let binary = root.join("bin/coursebook");
    let (code, _, stderr) = run(&binary, &dir, &["init", "book-under-test", "--exam"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(&binary, &dir, &["build", "book-under-test"]);
    assert_eq!(code, Some(0), "{stderr}");
    let page = std::fs::read_to_string(book.join("book/corrige/chapter_1.html")).unwrap();
    assert!(page.contains("<span class=\"cb-written\">13.25</span>"));
}
