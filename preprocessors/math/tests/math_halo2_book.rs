//! The halo2 book (about 4,400 formulas, 1,940 distinct, with `macros.txt`) built through the
//! math stage, as mdbook-katex users build it: `[preprocessor.katex]` unchanged.
//!
//! The corpus is read-only: the test copies it into a temporary folder first.

use coursebook_math::{Deferred, MathPreprocessor};
use mdbook_driver::MDBook;
use mdbook_preprocessor::PreprocessorContext;
use std::fs;
use std::path::{Path, PathBuf};

/// Where the corpus is when `COURSEBOOK_HALO2_BOOK` does not say: `shared/` beside the clone.
const CORPUS: &str = "../../../shared/corpus/halo2-book";

/// The corpus folder; it is not part of the repository, so the test is opt-in (`tests/run`
/// runs it, and fails when the corpus is missing on CI).
fn corpus() -> PathBuf {
    let path = std::env::var_os("COURSEBOOK_HALO2_BOOK").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS),
        PathBuf::from,
    );
    assert!(
        path.join("book.toml").is_file(),
        "the halo2 corpus is not at {}: set COURSEBOOK_HALO2_BOOK to its folder",
        path.display()
    );
    path
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn html_pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

/// The text of a page's `<main>` outside `<code>` elements and TeX annotations (which hold
/// the formula's source, `$` included when it has `\text{... $x$ ...}`).
fn prose(html: &str) -> String {
    let main = match (html.find("<main>"), html.find("</main>")) {
        (Some(s), Some(e)) => &html[s..e],
        _ => return String::new(),
    };
    without(
        &without(main, "<code", "</code>"),
        "<annotation",
        "</annotation>",
    )
}

fn without(text: &str, open: &str, close: &str) -> String {
    text.split(open)
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once(close).map_or("", |(_, rest)| rest)
            }
        })
        .collect()
}

#[test]
#[ignore = "needs the halo2 corpus (COURSEBOOK_HALO2_BOOK): run by tests/run"]
fn the_halo2_book_builds_with_every_formula_rendered() {
    let corpus = corpus();
    let root = std::env::temp_dir().join(format!("cb-math-halo2-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    copy_tree(&corpus, &root);

    // The stage alone: every formula found is rendered (none reported as an error).
    let md = MDBook::load(&root).unwrap();
    let ctx = PreprocessorContext::new(root.clone(), md.config.clone(), "html".into());
    let mut book = md.book.clone();
    let report = MathPreprocessor::new("katex")
        .process(&ctx, &mut book)
        .unwrap_or_else(|d| panic!("{d}"));
    let summary = format!(
        "{} formulas, {} distinct, {} warnings",
        report.formulas,
        report.distinct,
        report.warnings.len()
    );
    eprintln!("{summary}");
    assert!(report.formulas > 4_000, "{summary}");
    assert!((1_800..2_400).contains(&report.distinct), "{summary}");
    assert_eq!(report.rendered + report.cache_hits, report.distinct);
    // Every warning points at a line of a chapter file.
    let warned: Vec<String> = report.warnings.iter().map(|w| w.path.clone()).collect();
    assert!(report
        .warnings
        .iter()
        .all(|w| w.path.starts_with("src/") && w.line > 0));
    // What is left of the chapters has no math for pulldown-cmark to find.
    book.for_each_chapter_mut(|c| {
        let left = coursebook_math::find::scan(&c.content).formulas;
        assert!(
            left.is_empty(),
            "{}: {:?}",
            c.name,
            &left[..left.len().min(3)]
        );
    });

    // The whole build, as the CLI runs it; the cache of the first run makes this one warm.
    let mut md = MDBook::load(&root).unwrap();
    let formulas = Deferred::new();
    md.with_preprocessor(MathPreprocessor::deferred("katex", &formulas));
    md.build().unwrap();
    // Two outputs are configured (html, pdf): mdBook writes to `book/html`.
    let dest = md.build_dir_for("html");
    formulas.install(&dest).unwrap();

    let mut pages = Vec::new();
    html_pages(&dest, &mut pages);
    // Every placeholder was filled, the print page's too, and it holds every formula.
    for page in &pages {
        let html = fs::read_to_string(page).unwrap();
        assert!(!html.contains("<cb-math"), "{}", page.display());
    }
    let print = fs::read_to_string(dest.join("print.html")).unwrap();
    assert!(print.matches("class=\"katex\"").count() >= report.formulas * 95 / 100);
    let mut rendered = 0;
    for page in &pages {
        let name = page.strip_prefix(&dest).unwrap().display().to_string();
        if name == "print.html" || name == "index.html" {
            continue;
        }
        let html = fs::read_to_string(page).unwrap();
        let count = html.matches("class=\"katex\"").count();
        rendered += count;
        if count > 0 {
            assert!(
                html.contains("katex/katex.min.css\""),
                "{name} does not link the CSS"
            );
        }
        // A `$` left in a page is one the stage reported in that page's source.
        let text = prose(&html);
        let source = format!("src/{}", name.trim_end_matches(".html")) + ".md";
        if text.contains('$') {
            assert!(
                warned.contains(&source),
                "{name} has a `$` left that {source} was not warned about"
            );
        }
        assert!(!text.contains("katex-error"), "{name} has an error");
    }
    assert!(
        rendered >= report.formulas * 95 / 100,
        "{rendered} of {report:?}"
    );
    fs::remove_dir_all(root).unwrap();
}
