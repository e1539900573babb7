//! End-to-end tests of the math stage on small books built with mdBook 0.5.4 in-process.

use coursebook_math::{Deferred, MathPreprocessor, Strictness};
use mdbook_driver::MDBook;
use mdbook_preprocessor::PreprocessorContext;
use std::fs;
use std::path::{Path, PathBuf};

/// A fresh book folder under the system temp dir.
fn book(name: &str, table: &str, chapter: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("cb-math-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("src/part")).unwrap();
    fs::write(
        root.join("book.toml"),
        format!("[book]\ntitle = \"T\"\n\n[preprocessor.katex]\nafter = [\"links\"]\n{table}\n"),
    )
    .unwrap();
    fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [One](chapter_1.md)\n  - [Nested](part/nested.md)\n",
    )
    .unwrap();
    fs::write(root.join("src/chapter_1.md"), chapter).unwrap();
    fs::write(
        root.join("src/part/nested.md"),
        "# Nested\n\nAlso $\\beta$.\n",
    )
    .unwrap();
    root
}

/// How the stage hands formulas to the pages.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// KaTeX's markup spliced into the Markdown (the official mdbook CLI's way).
    Inline,
    /// Placeholders, filled after the renderer (`coursebook build`'s way).
    Deferred,
}

/// Builds the book at `root` as `mode` has it.
fn build_as(root: &Path, mode: Mode) -> Result<(), String> {
    build_with(root, mode, Strictness::Configured)
}

/// Builds the book at `root` as `mode` has it, `strictness` deciding what a refusal is.
fn build_with(root: &Path, mode: Mode, strictness: Strictness) -> Result<(), String> {
    if mode == Mode::Inline {
        link_standalone_css(root);
    }
    let mut md = MDBook::load(root).map_err(|e| format!("{e:#}"))?;
    let formulas = Deferred::new();
    md.with_preprocessor(
        match mode {
            Mode::Inline => MathPreprocessor::new("katex"),
            Mode::Deferred => MathPreprocessor::deferred("katex", &formulas),
        }
        .with_strictness(strictness),
    );
    md.build().map_err(|e| format!("{e:#}"))?;
    match mode {
        // The stage wrote the stylesheet that book.toml links, and mdBook copied it.
        Mode::Inline => Ok(()),
        Mode::Deferred => formulas
            .install(&root.join("book"))
            .map_err(|e| e.to_string()),
    }
}

/// Links the stage's self-contained stylesheet from book.toml, as `coursebook init` writes it
/// for the official CLI: the inline stage writes it before mdBook's renderer copies it.
fn link_standalone_css(root: &Path) {
    let toml = fs::read_to_string(root.join("book.toml")).unwrap();
    if !toml.contains("[output.html]") {
        let css = format!("theme/{}", coursebook_math::assets::STANDALONE_CSS);
        let link = format!("{toml}\n[output.html]\nadditional-css = [{css:?}]\n");
        fs::write(root.join("book.toml"), link).unwrap();
    }
}

/// Builds the book at `root` as `coursebook build` does.
fn build(root: &Path) -> Result<(), String> {
    build_as(root, Mode::Deferred)
}

/// Builds the book at `root` as `coursebook check` does: a refused formula is an error, where
/// the drop-in's `build` only warns (as mdbook-katex does).
fn build_strict(root: &Path) -> Result<(), String> {
    build_with(root, Mode::Deferred, Strictness::Refusals)
}

fn read(root: &Path, file: &str) -> String {
    fs::read_to_string(root.join("book").join(file)).unwrap()
}

/// The search index mdBook 0.5 wrote (`searchindex-<hash>.js`, a `JSON.parse('...')` call).
fn search_index(root: &Path) -> serde_json::Value {
    let file = fs::read_dir(root.join("book"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("searchindex") && n.ends_with(".js"))
        .expect("mdBook wrote a search index");
    let js = read(root, &file);
    let start = js.find("JSON.parse('").unwrap() + "JSON.parse('".len();
    let end = js.rfind("'));").unwrap();
    let json = js[start..end].replace("\\'", "'").replace("\\\\", "\\");
    serde_json::from_str(&json).unwrap()
}

/// Whether elasticlunr's trie of body terms holds `term`.
fn has_term(index: &serde_json::Value, term: &str) -> bool {
    let mut node = &index["index"]["index"]["body"]["root"];
    for c in term.chars() {
        node = &node[c.to_string()];
    }
    node["docs"]
        .as_object()
        .is_some_and(|docs| !docs.is_empty())
}

/// The `<main>` part of a page: what the chapter produced.
fn main_of(html: &str) -> &str {
    let start = html.find("<main>").unwrap();
    let end = html.find("</main>").unwrap();
    &html[start..end]
}

const CHAPTER: &str = r#"# One

Softmax is $\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}$, cheap.

| name | value |
|------|-------|
| norm | $\lVert x \rVert_2$ |
| mean | $\frac{1}{n}\sum_{i=1}^{n} x_i$ |

- item with display math:

  $$
  a_1 * b_2 = c
  $$

- second item

Code stays: `$not math$` and

```
$also not$
```
"#;

#[test]
fn a_book_with_math_builds_offline_with_tables_lists_and_search_intact() {
    for mode in [Mode::Deferred, Mode::Inline] {
        builds_offline_with_tables_lists_and_search_intact(mode);
    }
}

fn builds_offline_with_tables_lists_and_search_intact(mode: Mode) {
    let root = book(&format!("ok-{mode:?}"), "", CHAPTER);
    build_as(&root, mode).unwrap();
    let page = read(&root, "chapter_1.html");
    let main = main_of(&page);

    // Every formula rendered, none left as `$`, code untouched.
    assert_eq!(main.matches("class=\"katex\"").count(), 4, "{main}");
    assert!(main.contains("<code>$not math$</code>"), "{main}");
    assert!(main.contains("$also not$"), "{main}");
    let outside_code: String = main
        .split("<code")
        .map(|s| s.split("</code>").last().unwrap_or(""))
        .collect();
    assert!(!outside_code.contains('$'), "{outside_code}");

    // The table keeps its two rows and its math is inside the cells.
    let table = &main[main.find("<table>").unwrap()..main.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 3, "{table}");
    assert_eq!(table.matches("<td>").count(), 4, "{table}");
    assert_eq!(table.matches("class=\"katex\"").count(), 2, "{table}");
    // The list keeps its two items and the display math stays in the first.
    let list = &main[main.find("<ul>").unwrap()..main.find("</ul>").unwrap()];
    assert_eq!(list.matches("<li>").count(), 2, "{list}");
    assert!(list.contains("katex-display"), "{list}");
    // `a_1 * b_2` in the TeX annotation did not become emphasis.
    assert!(!main.contains("<em>"), "{main}");

    // Offline: CSS and fonts shipped, linked with the right relative prefix, no CDN.
    let nested = read(&root, "part/nested.html");
    let print = read(&root, "print.html");
    // mdBook 0.5 names the stylesheets of `additional-css` with a hash of their content.
    let css = match mode {
        Mode::Deferred => "katex/katex.min.css",
        Mode::Inline => "theme/coursebook-katex-",
    };
    assert!(page.contains(&format!("<link rel=\"stylesheet\" href=\"{css}")));
    assert!(
        nested.contains(&format!("href=\"../{css}")),
        "nested page link"
    );
    assert!(print.contains(&format!("href=\"{css}")), "print page link");
    match mode {
        Mode::Deferred => {
            assert!(root
                .join("book/katex/fonts/KaTeX_Main-Regular.woff2")
                .is_file());
            assert!(root.join("book/katex/LICENSE").is_file());
        }
        Mode::Inline => {
            let shipped = fs::read_dir(root.join("book/theme"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.to_string_lossy().contains("coursebook-katex-"))
                .map(|p| fs::read_to_string(p).unwrap())
                .expect("mdBook copied the stage's stylesheet");
            assert!(shipped.contains("data:font/woff2;base64,"), "fonts inlined");
            assert!(!shipped.contains("url(fonts/"), "no font file to ship");
        }
    }
    for html in [&page, &nested, &print] {
        assert!(!html.contains("cdn.jsdelivr") && !html.contains("unpkg.com"));
        assert!(!html.contains("katex@"), "a CDN-style link");
        assert!(!html.contains("<cb-math"), "a placeholder left");
        assert_eq!(
            html.matches("class=\"katex\"").count(),
            html.matches("</math>").count()
        );
    }
    assert_eq!(print.matches("class=\"katex\"").count(), 5, "both chapters");
    assert!(nested.contains("<mi>β</mi>"), "{nested}");

    // MathML for screen readers is there; search gets the formula's TeX once, as words, and
    // no glyph soup.
    let index = search_index(&root);
    assert!(
        has_term(&index, "softmax"),
        "the word softmax is not a search term"
    );
    let body = index["index"]["documentStore"]["docs"]["0"]["body"]
        .as_str()
        .unwrap();
    match mode {
        Mode::Deferred => {
            // KaTeX's markup as KaTeX wrote it.
            assert!(
                main.contains("<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><semantics>"),
                "{main}"
            );
            assert!(
                main.contains("<span class=\"mord mathrm\">softmax</span>"),
                "{main}"
            );
            assert!(!main.contains(" data-c="), "{main}");
            assert_eq!(
                body.matches("operatorname softmax z i frac e z i sum j e z j")
                    .count(),
                1,
                "{body}"
            );
            assert_eq!(body.matches("softmax").count(), 1, "{body}");
        }
        Mode::Inline => {
            // The glyph spans hold no text: mdBook's index reads the page's text.
            assert!(main.contains("<math><semantics>"), "{main}");
            assert!(main.contains(" data-c="), "{main}");
            assert_eq!(
                body.matches(r"\operatorname{softmax}(z)_i").count(),
                1,
                "{body}"
            );
            // MathML's `softmax` and the TeX's: the glyphs would have added a third.
            assert_eq!(body.matches("softmax").count(), 2, "{body}");
        }
    }
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn an_invalid_formula_fails_the_build_with_file_line_and_katex_message() {
    let root = book(
        "bad",
        "",
        "# One\n\nFine $x$.\n\nBad $\\frac{a}{b} + \\nope$ here.\n",
    );
    let err = build_strict(&root).unwrap_err();
    assert!(err.contains("src/chapter_1.md:5:5"), "{err}");
    assert!(err.contains("Undefined control sequence: \\nope"), "{err}");
    assert!(!err.contains('\u{0332}'), "{err}");
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn lenient_mode_shows_the_formula_in_red_and_builds() {
    for mode in [Mode::Deferred, Mode::Inline] {
        let root = book(
            &format!("lenient-{mode:?}"),
            "throw-on-error = false\nerror-color = \"#ff0000\"",
            "# One\n\nBad $\\nope_1$ but $x$ fine.\n",
        );
        build_as(&root, mode).unwrap();
        let main = read(&root, "chapter_1.html");
        assert!(main.contains("class=\"katex-error\""), "{main}");
        assert!(main.contains("color:#ff0000"), "{main}");
        assert!(main.contains("\\nope_1"), "{main}");
        assert_eq!(main.matches("class=\"katex\"").count(), 1, "{main}");
        fs::remove_dir_all(root).unwrap();
    }
}

#[test]
fn macros_file_is_read_relative_to_the_book_root() {
    let root = book("macros", "macros = \"macros.txt\"", "# One\n\n$\\RR^n$\n");
    fs::write(root.join("macros.txt"), "# sets\n\\RR:{\\mathbb{R}}\n").unwrap();
    build(&root).unwrap();
    let main = read(&root, "chapter_1.html");
    assert!(main.contains("mathbb"), "{main}");
    assert!(
        main.contains("<mi mathvariant=\"double-struck\">R</mi>"),
        "{main}"
    );
    fs::remove_dir_all(root).unwrap();
}

/// Runs the stage alone on the book at `root`; returns its report and the chapter's new text.
fn process(root: &Path) -> (coursebook_math::Report, String) {
    let md = MDBook::load(root).unwrap();
    let ctx = PreprocessorContext::new(root.to_path_buf(), md.config.clone(), "html".into());
    let mut book = md.book.clone();
    let report = MathPreprocessor::new("katex")
        .process(&ctx, &mut book)
        .unwrap();
    let mut text = String::new();
    book.for_each_chapter_mut(|c| text.push_str(&c.content));
    (report, text)
}

#[test]
fn the_cache_makes_a_second_build_render_nothing_and_ignores_corrupt_entries() {
    let root = book("cache", "", "# One\n\n$x$ and $x$ and $$x$$ and $y^2$.\n");
    let (first, text) = process(&root);
    // Each distinct (TeX, mode) rendered once: `x` inline twice is one render.
    assert_eq!((first.formulas, first.distinct, first.rendered), (5, 4, 4));
    let cache_dir = root.join("target/coursebook/math");
    assert!(cache_dir.is_dir(), "cache outside src/");
    assert_eq!(
        fs::read_dir(root.join("src")).unwrap().count(),
        3,
        "nothing written in src/"
    );

    let (second, text2) = process(&root);
    assert_eq!((second.rendered, second.cache_hits), (0, 4));
    assert_eq!(text, text2);

    // Corrupt the cache: a truncated pack keeps its whole records, the rest are misses,
    // rendered again, same output; a pack of garbage is all misses.
    let packs: Vec<_> = fs::read_dir(cache_dir.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(packs.len(), 1, "one pack per build: {packs:?}");
    let whole = fs::read(&packs[0]).unwrap();
    fs::write(&packs[0], &whole[..whole.len() * 2 / 3]).unwrap();
    let (third, text3) = process(&root);
    assert_eq!(third.rendered + third.cache_hits, 4);
    assert!(third.rendered >= 1 && third.cache_hits >= 1, "{third:?}");
    assert_eq!(text, text3);
    for pack in fs::read_dir(cache_dir.join("packs")).unwrap() {
        fs::write(pack.unwrap().path(), b"garbage").unwrap();
    }
    let (fourth, text4) = process(&root);
    assert_eq!((fourth.rendered, fourth.cache_hits), (4, 0));
    assert_eq!(text, text4);
    assert_eq!(text, text3);
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn broken_dollars_warn_but_build() {
    let root = book(
        "lint",
        "",
        "# One\n\nIt costs $5-$10.\n\nbroken $\\frac{a}{b$ here\n",
    );
    let (report, _) = process(&root);
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    build(&root).unwrap();
    fs::remove_dir_all(root).unwrap();
}

/// A chapter with enough distinct formulas for the deferring stage to render them in the
/// background (see `render::MIN_FORMULAS_PER_THREAD`), and `extra` at its end, on line 3.
fn many_formulas(extra: &str) -> String {
    let n = coursebook_math::render::MIN_FORMULAS_PER_THREAD * 2;
    let formulas: Vec<String> = (0..n).map(|i| format!("$x_{{{i}}}$")).collect();
    format!("# Many\n\n{} {extra}\n", formulas.join(" "))
}

#[test]
fn formulas_rendered_in_the_background_reach_the_pages_and_the_cache() {
    let root = book("background", "", &many_formulas("and $y$."));
    build(&root).unwrap();
    let page = read(&root, "chapter_1.html");
    let n = coursebook_math::render::MIN_FORMULAS_PER_THREAD * 2;
    assert_eq!(page.matches("class=\"katex\"").count(), n + 1);
    assert!(page.contains("<annotation encoding=\"application/x-tex\">x_{7}</annotation>"));
    assert!(!page.contains("<cb-math"));
    // The background render wrote its cache entries: the stage alone now renders nothing.
    let (report, _) = process(&root);
    // Every formula of the book, `\beta` of the nested chapter too.
    assert_eq!(
        (report.rendered, report.cache_hits),
        (0, n + 2),
        "{report:?}"
    );
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_formula_refused_in_the_background_fails_the_build_at_its_line() {
    let chapter = many_formulas("and $\\frac{a}{b} + \\nope$.");
    let column = chapter.lines().nth(2).unwrap().find("$\\frac").unwrap() + 1;
    let root = book("background-bad", "", &chapter);
    let err = build_strict(&root).unwrap_err();
    assert!(
        err.contains(&format!("src/chapter_1.md:3:{column}")),
        "{err}"
    );
    assert!(err.contains("Undefined control sequence: \\nope"), "{err}");

    // Lenient: it builds, the formula in red among the others.
    fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"T\"\n\n[preprocessor.katex]\nthrow-on-error = false\n",
    )
    .unwrap();
    build(&root).unwrap();
    let page = read(&root, "chapter_1.html");
    assert_eq!(page.matches("class=\"katex-error\"").count(), 1, "{page}");
    assert!(page.contains("\\nope"), "{page}");
    fs::remove_dir_all(root).unwrap();
}
