//! Whole-book tests of [`process`]: both editions of a small exam of three chapters.

use super::*;
use mdbook_preprocessor::book::Chapter;
use mdbook_preprocessor::config::Config;

fn ctx() -> PreprocessorContext {
    PreprocessorContext::new(PathBuf::from("/book"), Config::default(), "html".into())
}

fn chapter(name: &str, path: &str, content: &str) -> BookItem {
    BookItem::Chapter(Chapter::new(name, content.into(), path, Vec::new()))
}

const PART1: &str = "# Partie 1\n\n{{#question 1 points=1}} Quel type de problème ?\n\n{{#answer}}\nMANY-TO-ONE-SECRET : une classe pour une séquence.\n\n```rust\nlet hidden_code_secret = 1;\n```\n{{#/answer}}\n\n{{#question 2 points=1,5}} Longueur de séquence ?\n\n{{#answer}}LENGTH-SECRET{{#/answer}}\n\n{{#note title=\"Convention\"}}\nNOTE-SECRET\n{{#/note}}\n";
const PART2: &str = "# Partie 2\n\n{{#question 3 points=2,5}} Paramètres ?\n\n{{#answer}}\n82, PARAM-SECRET\n{{#/answer}}\n\n{{#bareme}}\n";
const APPENDIX: &str = "# Vérification\n\n{{#corrige-only}}\n\nAPPENDIX-SECRET\n";

fn book() -> Book {
    let mut part2 = Chapter::new("Partie 2", PART2.into(), "partie2.md", Vec::new());
    part2.sub_items.push(chapter(
        "Détail",
        "partie2/detail.md",
        "# Détail\n\nSous-chapitre.\n",
    ));
    Book::new_with_items(vec![
        chapter("Partie 1", "partie1.md", PART1),
        BookItem::Separator,
        BookItem::Chapter(part2),
        BookItem::Separator,
        BookItem::PartTitle("Annexes".into()),
        chapter("Vérification", "verification.md", APPENDIX),
    ])
}

fn options(edition: Edition, total: u64) -> Options {
    Options {
        total: Some(syntax::Points(total)),
        edition,
        words: words::Words { french: true },
        metadata: Default::default(),
    }
}

fn everything(book: &Book) -> String {
    book.iter()
        .map(|item| match item {
            BookItem::Chapter(ch) => format!("{}\n{}\n", ch.name, ch.content),
            BookItem::PartTitle(t) => t.clone(),
            BookItem::Separator => "---".into(),
        })
        .collect()
}

#[test]
fn the_sujet_holds_no_answer_text() {
    let out = process(book(), &options(Edition::Sujet, 5000), &ctx()).expect("valid exam");
    let text = everything(&out);
    crate::testing::assert_no_answer(&text);
    assert!(
        text.contains("Quel type de problème ?") && text.contains("Paramètres ?"),
        "{text}"
    );
    assert!(text.contains("{#question-3 .cb-question}"), "{text}");
}

#[test]
fn the_sujet_drops_corrige_only_chapters_and_what_they_leave_empty() {
    let out = process(book(), &options(Edition::Sujet, 5000), &ctx()).expect("valid exam");
    let names: Vec<String> = out
        .items
        .iter()
        .map(|item| match item {
            BookItem::Chapter(ch) => ch.name.clone(),
            BookItem::PartTitle(t) => format!("part:{t}"),
            BookItem::Separator => "---".into(),
        })
        .collect();
    assert_eq!(names, ["Partie 1", "---", "Partie 2"]);
    let detail = out
        .iter()
        .any(|i| matches!(i, BookItem::Chapter(ch) if ch.name == "Détail"));
    assert!(detail, "the sub-chapter of a kept chapter stays");
}

#[test]
fn the_corrige_keeps_everything_and_the_bareme_adds_up() {
    let out = process(book(), &options(Edition::Corrige, 5000), &ctx()).expect("valid exam");
    let text = everything(&out);
    for secret in [
        "MANY-TO-ONE-SECRET",
        "LENGTH-SECRET",
        "NOTE-SECRET",
        "APPENDIX-SECRET",
        "hidden_code_secret",
    ] {
        assert!(text.contains(secret), "{secret} missing");
    }
    assert!(!text.contains("{{#"), "a directive was left: {text}");
    assert!(
        text.contains(
            "<a href=\"partie1.html#question-2\">Question 2</a></td><td>1,5\u{a0}point</td>"
        ),
        "{text}"
    );
    assert!(
        text.contains("<a href=\"#question-3\">Question 3</a>"),
        "{text}"
    );
    assert!(
        text.contains("<th scope=\"row\">Total</th><td>5\u{a0}points</td>"),
        "{text}"
    );
}

#[test]
fn a_wrong_total_fails_with_every_question() {
    let err = process(book(), &options(Edition::Corrige, 20_000), &ctx()).expect_err("5 is not 20");
    let text = err.to_string();
    assert!(
        text.contains("the points add up to 5, but book.toml declares a total of 20"),
        "{text}"
    );
    assert!(
        text.contains("question 2: 1,5 (src/partie1.md:13:1)"),
        "{text}"
    );
}

#[test]
fn all_errors_of_the_book_are_reported_at_once() {
    let mut broken = book();
    broken.items.push(chapter(
        "Cassé",
        "casse.md",
        "{{#question 5 points=abc}}\n\n{{#question 1 points=1}}\n{{#answer}}\nsans fin\n",
    ));
    let err = process(broken, &options(Edition::Corrige, 6000), &ctx()).expect_err("broken");
    let messages: Vec<&str> = err
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("`abc` is not a number")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("question 1 is numbered twice")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("never closed")),
        "{messages:?}"
    );
    assert!(
        err.0
            .iter()
            .all(|d| d.path.starts_with("src/") || d.path == "book.toml"),
        "{err}"
    );
}

#[test]
fn a_book_without_questions_passes_through() {
    let plain = Book::new_with_items(vec![chapter("A", "a.md", "# A\n\nTexte {{#include x}}.\n")]);
    let out = process(plain.clone(), &Options::default(), &ctx()).expect("no exam, no error");
    assert_eq!(out, plain);
}

#[test]
fn a_sujet_link_to_a_corrige_only_page_fails_at_its_line() {
    let mut linked = book();
    linked.items.insert(
        0,
        chapter(
            "Intro",
            "intro.md",
            "# Intro\n\nVoir [le corrigé](verification.md).\n\n{{#corrige-only}}\nEt [ici](verification.html#x).\n{{#/corrige-only}}\n",
        ),
    );
    let err =
        process(linked.clone(), &options(Edition::Sujet, 5000), &ctx()).expect_err("dead link");
    let text = err.to_string();
    assert!(
        text.contains("this link leads to `verification.md`, a page the sujet does not have"),
        "{text}"
    );
    assert!(text.contains("src/intro.md:3:"), "{text}");
    assert_eq!(
        err.errors(),
        1,
        "the link in the corrigé-only block is not checked: {text}"
    );
    process(linked, &options(Edition::Corrige, 5000), &ctx()).expect("the corrigé has the page");
}

#[test]
fn edition_blocks_and_rubrics_follow_the_edition() {
    let mut items = book();
    items.items.insert(
        0,
        chapter(
            "Intro",
            "intro.md",
            "# Intro\n\n{{#exam-header}}\n\n{{#corrige-only}}\nCORRIGE-TEXT\n{{#/corrige-only}}\n\n{{#sujet-only}}\nSUJET-TEXT\n{{#/sujet-only}}\n",
        ),
    );
    let rubric =
        "\n{{#rubric}}\n- 2 : RUBRIC-PART\n- 0,5 : autre\n- accepté : RUBRIC-ALT\n{{#/rubric}}\n";
    if let BookItem::Chapter(ch) = &mut items.items[3] {
        ch.content.push_str(rubric);
    }
    let mut opts = options(Edition::Sujet, 5000);
    opts.metadata.duration = Some("1 h 30".into());
    let sujet = everything(&process(items.clone(), &opts, &ctx()).expect("valid"));
    assert!(
        sujet.contains("SUJET-TEXT") && !sujet.contains("CORRIGE-TEXT"),
        "{sujet}"
    );
    assert!(!sujet.contains("RUBRIC"), "{sujet}");
    assert!(
        sujet.contains("Examen — 1 h 30") && sujet.contains("cb-identity"),
        "{sujet}"
    );
    opts.edition = Edition::Corrige;
    let corrige = everything(&process(items.clone(), &opts, &ctx()).expect("valid"));
    assert!(
        corrige.contains("CORRIGE-TEXT") && !corrige.contains("SUJET-TEXT"),
        "{corrige}"
    );
    assert!(
        corrige.contains("**2\u{a0}points** — RUBRIC-PART"),
        "{corrige}"
    );
    assert!(
        corrige.contains("*Accepté aussi* — RUBRIC-ALT"),
        "{corrige}"
    );
    assert!(corrige.contains("class=\"cb-note cb-rubric\""), "{corrige}");
    assert!(!corrige.contains("{{#"), "{corrige}");

    // Parts that do not add up to the question's points.
    if let BookItem::Chapter(ch) = &mut items.items[3] {
        ch.content = ch.content.replace("- 0,5 : autre", "- 1 : autre");
    }
    let err = process(items, &opts, &ctx()).expect_err("3 is not 2,5");
    assert!(
        err.to_string()
            .contains("the parts of this rubric add up to 3, but question 3 is worth 2.5"),
        "{err}"
    );
}
