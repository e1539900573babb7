//! The reader's page of the real book: what a French reader sees once the book is built. The
//! ✓ marks sit after whole words, the tooltips are French, hidden computations leave no box,
//! the landing page presents the book, and the glossary's terms hold in prose and figures.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::Fixture;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The book, built once for every test of this file.
struct Built {
    /// Keeps the scratch folder for the tests' lifetime.
    _scratch: Fixture,
    dest: PathBuf,
    checks: usize,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let scratch = Fixture::new("reader-page", &[]);
        let dest = scratch.path("book");
        let built = coursebook::build(Path::new(ROOT), Some(&dest))
            .map_err(|e| coursebook::render_error(&e))
            .unwrap();
        Built {
            _scratch: scratch,
            dest,
            checks: built.report.checks.len(),
        }
    })
}

/// Up to 20 characters each side of byte `i` of `text`, for messages.
fn around(text: &str, i: usize) -> String {
    let before: String = text[..i]
        .chars()
        .rev()
        .take(20)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[i..].chars().take(20).collect();
    format!("{before}{after}")
}

/// The HTML pages of one edition, by file name.
fn pages(edition: &str) -> Vec<(String, String)> {
    let dir = built().dest.join(edition);
    let mut pages: Vec<(String, String)> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| e.file_name() != "print.html")
        .map(|e| {
            let name = e.path().strip_prefix(&dir).unwrap().display().to_string();
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

/// `html` without the elements named `tag` (with their content); `<tag` must not nest.
fn without(html: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        match rest[start..].find(close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// The text a reader reads: no code, no tooltip, no tags (removed without adding spaces, so
/// that « 10✓ᵉ » stays glued as the eye sees it).
fn reading_text(html: &str) -> String {
    let html = without(html, "<pre", "</pre>");
    let html = without(&html, "<code", "</code>");
    let html = without(&html, "<script", "</script>");
    let html = without(&html, "<span class=\"cb-proof\"", "</span>");
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn no_check_mark_lands_inside_a_word() {
    let mut seen = 0;
    for (name, html) in pages("corrige") {
        let text = reading_text(&html);
        for (i, _) in text.match_indices('✓') {
            seen += 1;
            let after = text[i + '✓'.len_utf8()..].chars().next();
            assert!(
                !after.is_some_and(char::is_alphabetic),
                "{name}: a ✓ is followed by a letter: «{}»",
                around(&text, i)
            );
        }
    }
    assert!(seen > 50, "the corrigé shows its marks ({seen})");
    // The ordinal of Q10 is certified as a whole: « 6<sup>e</sup> ✓ ».
    let partie2 = std::fs::read_to_string(built().dest.join("corrige/partie2.html")).unwrap();
    assert!(
        partie2.contains("<span class=\"cb-written\">6<sup>e</sup></span><span class=\"cb-mark\""),
        "the suffix is inside the check"
    );
}

#[test]
fn tooltips_speak_french() {
    for (name, html) in pages("corrige") {
        let proofs: Vec<&str> = html
            .match_indices("<span class=\"cb-proof\"")
            .map(|(i, _)| &html[i..i + html[i..].find("</span>").unwrap()])
            .collect();
        for proof in proofs {
            for english in ["décimale(s)", "true", "false", "même booléen", "decimal"] {
                assert!(!proof.contains(english), "{name}: {english} in {proof}");
            }
        }
        let text = reading_text(&html);
        for english in ["décimale(s)", "même booléen", "(vrai", "(faux"] {
            assert!(!text.contains(english), "{name}: {english}");
        }
    }
    let partie3 = std::fs::read_to_string(built().dest.join("corrige/partie3.html")).unwrap();
    assert!(partie3.contains("arrondi à 2 décimales"));
}

#[test]
fn hidden_computations_leave_no_box_and_stay_reachable() {
    let css = std::fs::read_to_string(Path::new(ROOT).join("theme/coursebook.css")).unwrap();
    assert!(css.contains("p:has(> .cb-block-anchor.cb-hidden) + pre {\n    display: none;"));
    assert!(css.contains("p:has(> .cb-block-anchor.cb-hidden:target) + pre {\n    display: block;"));
    let mut hidden = 0;
    for (name, html) in pages("corrige") {
        assert!(!html.contains("calcul masqué"), "{name}");
        for (i, _) in html.match_indices("class=\"cb-block-anchor cb-hidden\"") {
            hidden += 1;
            let id_start = html[..i].rfind("id=\"").unwrap() + 4;
            let id = &html[id_start..id_start + html[id_start..].find('"').unwrap()];
            // The code follows the anchor's paragraph directly, so the stylesheet folds it.
            let after = &html[i..];
            let next = after[after.find("</p>").unwrap() + 4..].trim_start();
            assert!(
                next.starts_with("<pre"),
                "{name}: {id} is followed by {next:.60}"
            );
            // The whole code, not mdBook's hidden lines behind its eye button.
            let code = &next[..next.find("</pre>").unwrap()];
            assert!(!code.contains("class=\"boring\""), "{name}: {id}");
        }
    }
    assert!(hidden >= 5, "the book's hidden blocks ({hidden})");
}

#[test]
fn the_landing_page_presents_the_course_the_exam_and_the_editions() {
    let Built { dest, checks, .. } = built();
    let html = std::fs::read_to_string(dest.join("index.html")).unwrap();
    // French typography sets its no-break spaces; the words are what this test reads.
    let landing = html.replace(['\u{a0}', '\u{202f}'], " ");
    for expected in [
        "<html lang=\"fr\" class=\"light\">",
        "IA et Multimédia",
        "Examen — 1 h 30",
        "Les documents sont autorisés.",
        "href=\"corrige/index.html\"",
        "href=\"sujet/index.html\"",
        "Les questions et le barème, sans les réponses.",
        &format!("✓ {checks} réponses chiffrées vérifiées"),
    ] {
        assert!(landing.contains(expected), "{expected} in {landing}");
    }
    // The exclamation mark of an instruction keeps its narrow no-break space.
    assert!(html.contains("réponses\u{202f}!"), "{html}");
    // In the book's theme: every stylesheet it links exists.
    let sheets: Vec<&str> = landing
        .match_indices("<link rel=\"stylesheet\" href=\"")
        .map(|(i, m)| {
            let start = i + m.len();
            &landing[start..start + landing[start..].find('"').unwrap()]
        })
        .collect();
    assert!(sheets.len() >= 2, "{sheets:?}");
    for sheet in sheets {
        assert!(dest.join(sheet).is_file(), "{sheet}");
    }
}

/// The glossary's ruled-out variants: the « … » of its second column.
fn ruled_out() -> Vec<String> {
    let glossary =
        std::fs::read_to_string(Path::new(ROOT).join("src/annexes/glossaire.md")).unwrap();
    let mut variants = Vec::new();
    for row in glossary.lines().filter(|l| l.starts_with("| ")) {
        let Some(cell) = row.split('|').nth(2) else {
            continue;
        };
        let mut rest = cell;
        while let Some(start) = rest.find('«') {
            let after = &rest[start + '«'.len_utf8()..];
            let end = after.find('»').unwrap();
            variants.push(after[..end].trim().to_owned());
            rest = &after[end..];
        }
    }
    variants
}

/// The alt texts, ARIA labels and SVG texts of a page.
fn figure_strings(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["alt=\"", "aria-label=\""] {
        for (i, m) in html.match_indices(attr) {
            let start = i + m.len();
            out.push(html[start..start + html[start..].find('"').unwrap()].to_owned());
        }
    }
    for (i, _) in html.match_indices("<text") {
        let start = i + html[i..].find('>').unwrap() + 1;
        out.push(html[start..start + html[start..].find("</text>").unwrap()].to_owned());
    }
    out
}

#[test]
fn one_word_for_one_thing_in_prose_and_figures() {
    let variants = ruled_out();
    assert!(variants.contains(&"jeton".to_string()), "{variants:?}");
    let is_word_at = |text: &str, i: usize, len: usize| {
        let before = text[..i].chars().next_back();
        let after = text[i + len..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    };
    for edition in ["corrige", "sujet"] {
        for (name, html) in pages(edition) {
            if name.contains("glossaire") {
                continue;
            }
            let mut texts = figure_strings(&html);
            texts.push(reading_text(&html));
            for text in &texts {
                for variant in variants.iter().filter(|v| *v != "'") {
                    let found = text
                        .match_indices(variant.as_str())
                        .any(|(i, _)| is_word_at(text, i, variant.len()));
                    assert!(!found, "{edition}/{name}: « {variant} » in {text:.200}");
                }
            }
            for text in figure_strings(&html) {
                assert!(
                    !text.contains('\'') && !text.contains("&#39;"),
                    "{edition}/{name}: a straight apostrophe in {text}"
                );
            }
        }
    }
}
