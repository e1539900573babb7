//! The built course book in a real browser: headless Chromium from Debian's packages, driven
//! over WebDriver by chromedriver (`apt-get install -y chromium chromium-driver`).
//!
//! It builds the real book (both editions), serves it on 127.0.0.1 and checks what a reader
//! would meet: the pages render with their question headers, the corrigé's answer toggle hides
//! and shows the answers and remembers the choice, checked values show their proof on focus,
//! the sujet has neither answers nor toggle, the styles hold in every mdBook theme, the console
//! stays free of errors and no request leaves the machine. Then `coursebook serve` shows a
//! failed rebuild over the open page.
//!
//! It needs Chromium, so plain `cargo test` lists it as ignored; `tests/run` (the project's
//! test command) installs Chromium when it can and runs it. Run without Chromium, the test
//! fails and says what to install.

#[path = "browser/http.rs"]
mod http;
#[path = "browser/webdriver.rs"]
mod webdriver;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use webdriver::Browser;

const THEMES: &[&str] = &["light", "rust", "coal", "navy", "ayu"];

#[test]
#[ignore = "needs chromium and chromedriver: run by tests/run"]
fn the_book_renders_and_behaves_in_chromium() {
    let chromium = tool("CHROMIUM", "/usr/bin/chromium");
    let chromedriver = tool("CHROMEDRIVER", "/usr/bin/chromedriver");

    let scratch =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let out = scratch.join("book");
    // The real book; another one can be named for trying the test on a work in progress.
    let book = std::env::var_os("COURSEBOOK_BROWSER_BOOK")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    coursebook::build(&book, Some(&out))
        .unwrap_or_else(|e| panic!("the book does not build: {e:#}"));

    static_checks(&out);
    let page = page_with_answers(&out.join("corrige"));

    let port = http::serve(out.clone());
    let base = format!("http://127.0.0.1:{port}");
    let browser = Browser::start(&chromium, &chromedriver, &scratch);

    // The landing page links both editions.
    browser.goto(&format!("{base}/index.html"));
    assert!(
        !browser.title().trim().is_empty(),
        "the landing page has no title"
    );
    let links = browser.run(
        "return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'));",
        vec![],
    );
    let links = links.to_string();
    assert!(
        links.contains("corrige") && links.contains("sujet"),
        "the landing page links {links}"
    );
    expect_clean(&browser, &base, "the landing page");

    // The corrigé: question headers, answers, the toggle.
    browser.goto(&format!("{base}/corrige/{page}"));
    browser.run("localStorage.clear(); location.reload();", vec![]);
    wait_for(
        &browser,
        "return document.readyState === 'complete' && !!document.querySelector('.cb-toggle');",
    );
    assert!(
        !browser.title().trim().is_empty(),
        "corrige/{page} has no title"
    );
    let header = browser.run(
        "return document.querySelector('.cb-question').textContent;",
        vec![],
    );
    assert!(
        header.as_str().unwrap_or_default().contains("Question"),
        "question header reads {header}"
    );
    let answer_shown = "const a = document.querySelector('.cb-answer:not(.cb-inline)'); \
        const inner = a.querySelector(':scope > :not(.cb-label)'); \
        return inner ? getComputedStyle(inner).display !== 'none' : getComputedStyle(a).display !== 'none';";
    assert_eq!(
        browser.run(answer_shown, vec![]),
        json!(true),
        "answers are shown at first"
    );

    let toggle = browser.find(".cb-toggle");
    assert_eq!(attribute(&browser, &toggle, "aria-pressed"), "false");
    browser.click(&toggle);
    assert_eq!(attribute(&browser, &toggle, "aria-pressed"), "true");
    assert_eq!(
        browser.run(answer_shown, vec![]),
        json!(false),
        "the toggle hides the answers"
    );
    assert_eq!(
        browser.run(
            "return localStorage.getItem('coursebook-answers-hidden');",
            vec![]
        ),
        json!("true")
    );

    // The choice survives a reload, and one answer can be revealed alone.
    browser.run("location.reload();", vec![]);
    wait_for(
        &browser,
        "return document.readyState === 'complete' && !!document.querySelector('.cb-toggle');",
    );
    assert_eq!(
        browser.run(answer_shown, vec![]),
        json!(false),
        "the choice is remembered"
    );
    let reveal = browser.find(".cb-answer:not(.cb-inline) .cb-reveal");
    browser.click(&reveal);
    assert_eq!(
        browser.run(answer_shown, vec![]),
        json!(true),
        "one answer can be revealed"
    );
    assert_eq!(attribute(&browser, &reveal, "aria-expanded"), "true");
    // Back to the top of the page, where the toggle stands, as a reader would scroll.
    browser.run("window.scrollTo(0, 0);", vec![]);
    let toggle = browser.find(".cb-toggle");
    browser.click(&toggle);
    assert_eq!(attribute(&browser, &toggle, "aria-pressed"), "false");
    assert_eq!(
        browser.run(answer_shown, vec![]),
        json!(true),
        "the toggle shows the answers again"
    );
    let french = browser.run(
        "return document.documentElement.lang.startsWith('fr');",
        vec![],
    );
    if french == json!(true) {
        assert_eq!(
            browser.run(
                "return document.querySelector('.cb-toggle').textContent;",
                vec![]
            ),
            json!("Masquer les réponses")
        );
        assert_eq!(
            browser.run("const s = document.getElementById('mdbook-searchbar'); return s ? s.placeholder : 'Rechercher dans ce livre…';", vec![]),
            json!("Rechercher dans ce livre…"),
            "mdBook's interface strings follow the book's language"
        );
    }

    // A checked value shows its proof on keyboard focus, without moving the text around it.
    let has_check = browser.run("return !!document.querySelector('.cb-check');", vec![]);
    if has_check == json!(true) {
        let proof = browser.run(
            "const c = document.querySelector('.cb-check'); const before = c.getBoundingClientRect().height; \
             c.focus(); const p = c.querySelector('.cb-proof'); \
             return [getComputedStyle(p).display, getComputedStyle(p).position, c.getBoundingClientRect().height === before];",
            vec![],
        );
        assert_eq!(
            proof,
            json!(["block", "absolute", true]),
            "the proof pops over on focus"
        );
    }

    // Every theme gives answers and notes a visible, distinct style.
    for theme in THEMES {
        let style = browser.run(
            "const root = document.documentElement; \
             for (const t of arguments[1]) root.classList.remove(t); root.classList.add(arguments[0]); \
             const a = document.querySelector('.cb-answer:not(.cb-inline)'); const l = a.querySelector('.cb-label'); \
             const body = getComputedStyle(document.body); const s = getComputedStyle(a); \
             return [s.backgroundColor !== body.backgroundColor, getComputedStyle(l).color !== s.backgroundColor, s.borderLeftStyle];",
            vec![json!(theme), json!(THEMES)],
        );
        assert_eq!(
            style,
            json!([true, true, "solid"]),
            "answer style in the {theme} theme"
        );
    }
    expect_clean(&browser, &base, &format!("corrige/{page}"));

    // The sujet: the same page, its questions, no answer, no toggle.
    browser.goto(&format!("{base}/sujet/{page}"));
    wait_for(&browser, "return document.readyState === 'complete';");
    assert!(
        !browser.title().trim().is_empty(),
        "sujet/{page} has no title"
    );
    let sujet = browser.run(
        "return [!!document.querySelector('.cb-question'), document.querySelectorAll('.cb-answer, .cb-note, .cb-toggle, .cb-proof').length];",
        vec![],
    );
    assert_eq!(
        sujet,
        json!([true, 0]),
        "sujet/{page}: questions but no answers"
    );
    expect_clean(&browser, &base, &format!("sujet/{page}"));

    serve_shows_a_failed_rebuild_over_the_open_page(&browser, &scratch);

    drop(browser);
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The path of a required program, from `env` or its Debian location.
fn tool(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.exists(),
        "{} not found: install Debian's Chromium with `apt-get install -y chromium chromium-driver` \
         (tests/run does) or point {env} at it",
        path.display()
    );
    path
}

/// No console error on the current page, and every resource it loaded came from the local
/// server.
fn expect_clean(browser: &Browser, base: &str, what: &str) {
    let errors: Vec<Value> = browser
        .console()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: console errors: {}",
        Value::Array(errors.clone())
    );
    let resources = browser.run(
        "return performance.getEntriesByType('resource').map(e => e.name);",
        vec![],
    );
    let outside: Vec<&Value> = resources
        .as_array()
        .into_iter()
        .flatten()
        .filter(|name| {
            !name
                .as_str()
                .unwrap_or_default()
                .starts_with(&format!("{base}/"))
        })
        .collect();
    assert!(
        outside.is_empty(),
        "{what}: requests left the machine: {outside:?}"
    );
}

fn attribute(browser: &Browser, element: &Value, name: &str) -> String {
    browser
        .run(
            "return arguments[0].getAttribute(arguments[1]);",
            vec![element.clone(), json!(name)],
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn wait_for(browser: &Browser, condition: &str) {
    let start = std::time::Instant::now();
    while browser.run(condition, vec![]) != json!(true) {
        assert!(
            start.elapsed().as_secs() < 90,
            "timed out waiting for: {condition}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A chapter page of the corrigé that holds answers (its path relative to the edition).
fn page_with_answers(corrige: &Path) -> String {
    let mut pages: Vec<String> = files(corrige)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
        .filter(|f| {
            !matches!(
                f.file_name().and_then(|n| n.to_str()),
                Some("print.html" | "toc.html" | "404.html")
            )
        })
        .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains("class=\"cb-answer\"")))
        .filter_map(|f| {
            f.strip_prefix(corrige)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    pages.sort();
    pages
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no page of {} has an answer", corrige.display()))
}

/// Checks on the files alone: no resource loaded from the network in any page or style
/// sheet, and nothing of an answer, a note or a proof anywhere in the sujet (HTML, print
/// page, search index).
fn static_checks(out: &Path) {
    let remote = [
        "src=\"http:",
        "src=\"https:",
        "src='http",
        "src=\"//",
        "url(http",
        "url(\"http",
        "url('http",
        "url(//",
        "@import \"http",
        "@import 'http",
    ];
    for file in files(out) {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "css") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for pattern in remote {
            assert!(
                !text.contains(pattern),
                "{} loads a remote resource ({pattern}…)",
                file.display()
            );
        }
        for tag in text.split("<link").skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            assert!(
                !tag.contains("href=\"http") && !tag.contains("href=\"//"),
                "{} links a remote resource: <link{tag}>",
                file.display()
            );
        }
    }
    // The pages and the search index: the theme's own files name these classes legitimately.
    let content = |f: &Path| {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.ends_with(".html") || name.starts_with("searchindex")
    };
    for file in files(&out.join("sujet")).into_iter().filter(|f| content(f)) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for trace in [
            "cb-answer",
            "cb-note",
            "cb-proof",
            "cb-verification",
            "cb-block-anchor",
        ] {
            assert!(
                !text.contains(trace),
                "the sujet's {} holds `{trace}`",
                file.display()
            );
        }
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// `coursebook serve`: a failed rebuild shows its diagnostics over the last good page, as text,
/// and a good build takes them away.
///
/// It runs in the same browser session as the book's test: a second Chromium session in the
/// same test process did not load pages from `serve` on this machine.
fn serve_shows_a_failed_rebuild_over_the_open_page(browser: &Browser, scratch: &Path) {
    let book = scratch.join("serve-book");
    std::fs::create_dir_all(book.join("src")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"T\"\nlanguage = \"fr\"\n\n[preprocessor.compute]\nafter = [\"links\"]\n",
    )
    .unwrap();
    std::fs::write(book.join("src/SUMMARY.md"), "# Sommaire\n\n- [Ch](ch.md)\n").unwrap();
    let chapter = |written: &str| {
        format!("# Ch\n\n```rust,compute\nlet total = 82;\nlet balise = String::from(\"<i>x</i>\");\npublish!(total, balise);\n```\n\nTotal : {{{{#check total = {written}}}}}.\n\nBalise : {{{{#check balise = \"<script>alert(1)</script>\"}}}}\n")
    };
    let good = chapter("82").replace(
        "{{#check balise = \"<script>alert(1)</script>\"}}",
        "{{#check balise = \"<i>x</i>\"}}",
    );
    std::fs::write(book.join("src/ch.md"), &good).unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = std::process::Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["serve", "-p", &port.to_string()])
        .current_dir(&book)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _serve = KillOnDrop(serve);
    let started = std::time::Instant::now();
    while http::request(port, "GET", "/ch.html", None).map_or(true, |(code, _)| code != 200) {
        assert!(started.elapsed().as_secs() < 240, "serve did not start");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    browser.goto(&format!("http://127.0.0.1:{port}/ch.html"));
    wait_for(browser, "return document.readyState === 'complete';");
    let overlay = "return !!document.getElementById('cb-build-error');";
    assert_eq!(browser.run(overlay, vec![]), json!(false));

    // A wrong number, and a written string that is markup.
    std::fs::write(book.join("src/ch.md"), chapter("83")).unwrap();
    wait_for(browser, overlay);
    let text = browser.run(
        "return document.getElementById('cb-build-error').textContent;",
        vec![],
    );
    let text = text.as_str().unwrap_or_default().to_owned();
    for expected in [
        "src/ch.md:11:",
        "written: 83",
        "computed: total = 82",
        "Total : {{#check total = 83}}",
        "<script>alert(1)</script>",
    ] {
        assert!(
            text.contains(expected),
            "the overlay lacks {expected:?}: {text}"
        );
    }
    assert_eq!(
        browser.run(
            "return document.querySelectorAll('#cb-build-error *').length;",
            vec![]
        ),
        json!(0),
        "the diagnostics are text, not markup"
    );
    assert!(
        browser
            .run("return document.body.textContent;", vec![])
            .as_str()
            .unwrap_or_default()
            .contains("Total"),
        "the last good page is still there under the overlay"
    );

    // A good build takes the overlay away (the page reloads).
    std::fs::write(book.join("src/ch.md"), &good).unwrap();
    wait_for(
        browser,
        "return !document.getElementById('cb-build-error') && document.readyState === 'complete';",
    );
    expect_clean(browser, &format!("http://127.0.0.1:{port}"), "serve");
}

/// A child process that is killed when the test ends, passed or panicked.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
