//! mdBook's interface in the book's language, read from the HTML as a reader without
//! JavaScript, a screen reader or a search engine gets it: no script runs here.

mod support;

use support::Fixture;

/// English strings of mdBook's interface, as they stand in its pages and scripts.
const ENGLISH: &[&str] = &[
    "Print this book",
    "Search this book",
    "Toggle Table of Contents",
    "Change theme",
    "Previous chapter",
    "Next chapter",
    "Keyboard shortcuts",
    "to navigate between chapters",
    "Page not found",
    "Document not found",
    ">Light<",
    "Copy to clipboard",
    "search results for",
];

fn book(name: &str, language: &str) -> Fixture {
    Fixture::new(
        name,
        &[
            (
                "book.toml",
                &format!("[book]\ntitle = \"T\"\nlanguage = \"{language}\"\n\n[output.html.search]\nenable = true\n"),
            ),
            ("src/SUMMARY.md", "# Summary\n\n- [Un](un.md)\n- [Deux](deux.md)\n"),
            ("src/un.md", "# Un\n\nPourquoi ? Parce que.\n"),
            ("src/deux.md", "# Deux\n\n```rust\nlet x = 1;\n```\n"),
        ],
    )
}

/// The text of every HTML page and script the build wrote.
fn output(book: &Fixture) -> Vec<(String, String)> {
    walkdir::WalkDir::new(book.path("book"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "html" || x == "js")
        })
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            (e.path().display().to_string(), text)
        })
        .collect()
}

#[test]
fn a_french_book_has_no_english_interface_string_in_its_html_or_scripts() {
    let book = book("interface-fr", "fr");
    book.build().expect("the book builds");
    let files = output(&book);
    assert!(
        files.iter().any(|(f, _)| f.ends_with("404.html")),
        "{files:?}"
    );
    for (file, text) in &files {
        for english in ENGLISH {
            assert!(!text.contains(english), "{file} holds {english:?}");
        }
    }
    let page = book.read("book/un.html");
    assert!(page.contains("title=\"Imprimer ce livre\""), "{page}");
    assert!(page.contains("placeholder=\"Rechercher dans ce livre…\""));
    assert!(page.contains(">Raccourcis clavier<"));
    // The book's src/ holds no theme: nothing was written there.
    assert!(!book.path("src/theme").exists() && !book.path("theme").exists());
}

#[test]
fn an_english_book_keeps_mdbooks_interface() {
    let book = book("interface-en", "en");
    book.build().expect("the book builds");
    let page = book.read("book/un.html");
    assert!(page.contains("title=\"Print this book\""), "{page}");
    assert!(!page.contains("Imprimer"), "{page}");
}
