//! A warm build keeps the published pages (`coursebook::reuse`), and only when nothing they
//! are made from has changed: each input the HTML renderer reads is changed in turn, and the
//! next build must render again and publish the change.

mod support;

use std::path::PathBuf;
use support::Fixture;

const CHAPTER: &str = "# Chapitre\n\n```rust,compute\nlet n = 6 * 7;\npublish!(n);\n```\n\nLa réponse est {{#check n = 42}}.\n";

/// The chapter computing `n = 6 × (computed / 6)`, with `written` as its answer.
fn chapter(computed: u32, written: u32) -> String {
    CHAPTER
        .replace("6 * 7", &format!("6 * {}", computed / 6))
        .replace("n = 42", &format!("n = {written}"))
}

fn book() -> Fixture {
    let book = Fixture::chapter("fresh", CHAPTER);
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[output.html]\nadditional-css = [\"extra.css\"]\n"),
    );
    book.write("extra.css", "p { color: black; }\n");
    book.write("src/figure.svg", "<svg><text>un</text></svg>");
    std::fs::create_dir_all(book.path("theme")).unwrap();
    book.write("theme/head.hbs", "<meta name=\"marker\" content=\"one\">\n");
    book
}

/// Builds the HTML (the PDFs' own keeping is tested in tests/pdf.rs, without Chromium).
fn html(book: &Fixture) -> Result<coursebook::Built, String> {
    let options = coursebook::BuildOptions {
        paper: coursebook::Paper::Skip,
        ..Default::default()
    };
    coursebook::build_with(&book.root, None, options).map_err(|e| coursebook::render_error(&e))
}

/// Writes `text` into `file`, builds, and asserts that the pages were rendered again.
fn edit_and_build(book: &Fixture, file: &str, text: &str) {
    book.write(file, text);
    assert!(
        !build(book),
        "{file} changed: the pages must be rendered again"
    );
}

/// Builds, and says whether the published pages were kept.
fn build(book: &Fixture) -> bool {
    let built = html(book).unwrap_or_else(|e| panic!("{e}"));
    let kept = !built.kept.is_empty();
    assert_eq!(
        built.summary().contains("(unchanged)"),
        kept,
        "{}",
        built.summary()
    );
    kept
}

/// The published copy of `extra.css`, whose name mdBook gives a hash of its contents.
fn published_css(book: &Fixture) -> String {
    let names = std::fs::read_dir(book.path("book")).unwrap();
    let name = names
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.starts_with("extra-"))
        .expect("extra.css is published");
    book.read(&format!("book/{name}"))
}

#[cfg(unix)]
fn inode(path: PathBuf) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[test]
fn pages_are_kept_only_while_nothing_they_come_from_changes() {
    let book = book();
    assert!(!build(&book), "the first build renders");
    let first = book.snapshot("book");
    #[cfg(unix)]
    let rendered = inode(book.path("book/ch.html"));
    assert!(build(&book), "nothing changed: the pages are kept");
    assert_eq!(
        book.snapshot("book"),
        first,
        "kept pages are the same bytes"
    );
    #[cfg(unix)]
    assert_eq!(
        inode(book.path("book/ch.html")),
        rendered,
        "a kept page is the published file itself, not a copy"
    );

    // A file of src/ that mdBook copies.
    edit_and_build(&book, "src/figure.svg", "<svg><text>deux</text></svg>");
    assert!(book.read("book/figure.svg").contains("deux"));
    assert!(build(&book));

    // The theme.
    edit_and_build(
        &book,
        "theme/head.hbs",
        "<meta name=\"marker\" content=\"two\">\n",
    );
    assert!(book.read("book/ch.html").contains("content=\"two\""));

    // A stylesheet named by additional-css.
    edit_and_build(&book, "extra.css", "p { color: navy; }\n");
    assert!(published_css(&book).contains("navy"));

    // book.toml.
    let toml = book.read("book.toml");
    edit_and_build(
        &book,
        "book.toml",
        &toml.replace("title = \"T\"", "title = \"Titre\""),
    );
    assert!(book.read("book/ch.html").contains("Titre"));

    // A computation and the answer written for it.
    edit_and_build(&book, "src/ch.md", &chapter(48, 48));
    assert!(book.read("book/ch.html").contains("48"));
    assert!(build(&book));

    // A published page edited by hand is written again.
    edit_and_build(&book, "book/ch.html", "edited");
    assert!(book.read("book/ch.html").contains("48"));

    // A failed build leaves the published pages, which the next good build keeps.
    book.write("src/ch.md", &chapter(48, 47));
    let published = book.snapshot("book");
    assert!(html(&book).is_err(), "47 is a wrong answer");
    assert_eq!(book.snapshot("book"), published);
    book.write("src/ch.md", &chapter(48, 48));
    assert!(build(&book));
    assert_eq!(book.snapshot("book"), published);
}

#[test]
fn each_edition_is_kept_or_rendered_on_its_own() {
    let book = Fixture::new(
        "fresh-editions",
        &[
            (
                "book.toml",
                "[book]\ntitle = \"T\"\nlanguage = \"fr\"\n\n[preprocessor.exam]\ntotal = 1\n",
            ),
            ("src/SUMMARY.md", "# Sommaire\n\n- [Q](q.md)\n"),
            (
                "src/q.md",
                "# Q\n\n{{#question 1 points=1}}\nCombien ?\n\n{{#answer}}\nDeux.\n{{#/answer}}\n",
            ),
        ],
    );
    let built = html(&book).unwrap();
    assert!(built.kept.is_empty());
    let built = html(&book).unwrap();
    assert_eq!(built.kept.len(), 2, "{}", built.summary());
    assert!(book.read("book/corrige/q.html").contains("Deux"));
    assert!(!book.read("book/sujet/q.html").contains("Deux"));

    // Only the corrigé shows the answer: a change to it leaves the sujet's pages as they were.
    let q = book.read("src/q.md");
    book.write("src/q.md", &q.replace("Deux.", "Deux, évidemment."));
    let built = html(&book).unwrap();
    assert_eq!(built.kept, [book.path("book/sujet")], "{}", built.summary());
    assert!(book.read("book/corrige/q.html").contains("évidemment"));
    assert!(!book.read("book/sujet/q.html").contains("évidemment"));
}

/// The editions are built two at a time (`coursebook::editions`), the second once the first has
/// run its stages: a cold build of an exam book with computations compiles them once, and a
/// wrong answer fails the build once, with the previous output left as it was.
#[test]
fn editions_built_side_by_side_compile_once_and_fail_once() {
    let toml = format!(
        "[book]\ntitle = \"T\"\nlanguage = \"fr\"\n\n[preprocessor.compute]\nafter = [\"links\"]\nlibrary = {:?}\n\n[preprocessor.exam]\nafter = [\"links\", \"compute\"]\ntotal = 1\n",
        support::course_library().display().to_string()
    );
    let question = "# Q\n\n```rust,compute\nlet n = 6 * 7;\npublish!(n);\n```\n\n{{#question 1 points=1}}\nCombien ?\n\n{{#answer}}\n{{#check n = 42}}.\n{{#/answer}}\n";
    let book = Fixture::new(
        "fresh-side-by-side",
        &[
            ("book.toml", &toml),
            ("src/SUMMARY.md", "# Sommaire\n\n- [Q](q.md)\n"),
            ("src/q.md", question),
        ],
    );
    let built = html(&book).unwrap();
    assert_eq!(built.computations.compilations, 1, "{}", built.summary());
    assert_eq!(built.editions.len(), 2);
    assert!(book.read("book/corrige/q.html").contains("42"));
    assert!(book.path("book/sujet/q.html").is_file());

    let published = book.snapshot("book");
    book.write("src/q.md", &question.replace("n = 42}}", "n = 41}}"));
    let err = html(&book).unwrap_err();
    assert_eq!(err.matches("--> src/q.md:").count(), 1, "{err}");
    assert_eq!(book.snapshot("book"), published);
}
