//! The PDFs of `coursebook build`, as a user meets them without Chromium, or with one that
//! fails: the binary runs with `COURSEBOOK_CHROMIUM` pointing elsewhere, so these tests need
//! no browser.

mod support;

use std::process::Command;
use support::Fixture;

const BOOK_TOML: &str =
    "[book]\ntitle = \"T\"\nlanguage = \"fr\"\n\n[preprocessor.exam]\ntotal = 1\n";
const SUMMARY: &str = "# Summary\n\n- [Examen](ch.md)\n";
const CHAPTER: &str =
    "# Examen\n\n{{#question 1 points=1}}\nPourquoi ?\n\n{{#answer}}\nParce que.\n{{#/answer}}\n";

fn exam_book(name: &str) -> Fixture {
    Fixture::new(
        name,
        &[
            ("book.toml", BOOK_TOML),
            ("src/SUMMARY.md", SUMMARY),
            ("src/ch.md", CHAPTER),
        ],
    )
}

fn build(book: &Fixture, chromium: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .arg("build")
        .arg(&book.root)
        .env("COURSEBOOK_CHROMIUM", chromium)
        .output()
        .unwrap()
}

#[test]
fn without_chromium_the_html_is_built_and_one_line_says_why_there_is_no_pdf() {
    let book = exam_book("pdf-missing");
    let out = build(&book, &book.path("no-chromium-here"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("PDF")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("PDFs skipped") && lines[0].contains("COURSEBOOK_CHROMIUM"),
        "{stderr}"
    );
    assert!(book.path("book/sujet/index.html").is_file());
    assert!(!book.path("book/sujet.pdf").exists());
    assert!(!book.read("book/index.html").contains(".pdf"));
}

#[test]
fn a_failing_chromium_fails_the_build_and_keeps_the_previous_output() {
    let book = exam_book("pdf-failing");
    let first = build(&book, &book.path("no-chromium-here"));
    assert!(first.status.success());
    let before = book.snapshot("book");

    // A "Chromium" that starts writing the PDF, then fails.
    let fake = book.path("fake-chromium");
    std::fs::write(
        &fake,
        "#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) printf '%%PDF-1.4 half' > \"${a#--print-to-pdf=}\";; esac; done\necho 'crashed' >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = build(&book, &fake);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a failing Chromium is an error");
    assert!(
        stderr.contains("Chromium could not print") && stderr.contains("crashed"),
        "{stderr}"
    );
    assert_eq!(
        book.snapshot("book"),
        before,
        "the previous book/ is untouched"
    );
    let stray: Vec<_> = std::fs::read_dir(&book.root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(stray.is_empty(), "left behind: {stray:?}");
}

/// A "Chromium" that prints a complete PDF holding a fresh stamp: a PDF printed again differs.
fn stamping_chromium(book: &Fixture, name: &str) -> std::path::PathBuf {
    let fake = book.path(name);
    std::fs::write(
        &fake,
        "#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) printf '%%PDF-1.4 %s\\n%%%%EOF\\n' \"$(date +%s%N)\" > \"${a#--print-to-pdf=}\";; esac; done\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    fake
}

#[test]
fn a_pdf_is_printed_again_only_when_its_pages_or_chromium_change() {
    let book = exam_book("pdf-kept");
    let chromium = stamping_chromium(&book, "chromium-a");
    let pdfs = |book: &Fixture| (book.read("book/corrige.pdf"), book.read("book/sujet.pdf"));
    let built = |out: std::process::Output| {
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        stderr
    };
    built(build(&book, &chromium));
    let (corrige, sujet) = pdfs(&book);
    assert!(corrige.starts_with("%PDF-1.4 "), "{corrige}");

    let stderr = built(build(&book, &chromium));
    // The pages were kept, so the PDFs may be: their bytes say whether they were.
    assert!(stderr.contains("sujet (unchanged)"), "{stderr}");
    assert_eq!(
        pdfs(&book),
        (corrige.clone(), sujet.clone()),
        "nothing printed again"
    );

    // The answer is only in the corrigé: its PDF is printed again, the sujet's is kept.
    book.write(
        "src/ch.md",
        &CHAPTER.replace("Parce que.", "Parce qu'il le faut."),
    );
    built(build(&book, &chromium));
    let (corrige_now, sujet_now) = pdfs(&book);
    assert_ne!(corrige_now, corrige);
    assert_eq!(sujet_now, sujet);
    assert!(book.read("book/corrige/ch.html").contains("il le faut"));

    // Another Chromium prints both again.
    let other = stamping_chromium(&book, "chromium-b");
    built(build(&book, &other));
    let (corrige_other, sujet_other) = pdfs(&book);
    assert_ne!(corrige_other, corrige_now);
    assert_ne!(sujet_other, sujet_now);
}
