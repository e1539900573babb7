//! Hostile inputs: each folder of `tests/hostile/` is a small book that the `coursebook`
//! binary must refuse with a clear diagnostic (file, line, message, non-zero exit), leaving
//! the previous output, the caches and `src/` as they were; or, for the cases marked
//! `exit: success`, build with the page as `expected.txt` describes. See
//! `tests/hostile/README.md` for the format.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use support::Fixture;

/// What `expected.txt` asks of a case.
#[derive(Debug, Default)]
struct Expected {
    success: bool,
    stderr: Vec<String>,
    /// (file under `book/`, text, whether it must be there).
    pages: Vec<(String, String, bool)>,
}

impl Expected {
    fn parse(text: &str) -> Expected {
        let mut expected = Expected::default();
        for line in text.lines().map(str::trim_end) {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(exit) = line.strip_prefix("exit: ") {
                expected.success = match exit {
                    "success" => true,
                    "failure" => false,
                    other => panic!("exit: {other:?} is neither success nor failure"),
                };
            } else if let Some(rest) = line.strip_prefix("page ") {
                let (head, text) = rest.split_once(": ").expect("page FILE has|lacks: TEXT");
                let (file, verb) = head.split_once(' ').expect("page FILE has|lacks: TEXT");
                let present = match verb {
                    "has" => true,
                    "lacks" => false,
                    other => panic!("page {file} {other}: expected `has` or `lacks`"),
                };
                expected.pages.push((file.into(), text.into(), present));
            } else {
                expected.stderr.push(line.to_owned());
            }
        }
        expected
    }
}

const LIMIT: Duration = Duration::from_secs(300);

/// Runs one case; returns what went wrong, if anything.
fn run_case(dir: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let expected = Expected::parse(
        &std::fs::read_to_string(dir.join("expected.txt"))
            .map_err(|e| format!("{name}: no expected.txt: {e}"))?,
    );
    let book = Fixture::copy_of(&format!("hostile-{name}"), dir, &["good", "expected.txt"]);
    let src_before = book.snapshot("src");
    let good = dir.join("good");
    let mut previous = None;
    if good.is_dir() {
        previous = Some(build_good(&book, &good).map_err(|e| format!("{name}: {e}"))?);
    } else if !expected.success {
        return Err(format!(
            "{name}: a failing case needs a good/ variant to build first"
        ));
    }

    let (code, _, stderr) = book.run(&["build"], LIMIT);
    let mut problems = Vec::new();
    match (expected.success, code) {
        (_, None) => problems.push(format!("still running after {LIMIT:?}")),
        (true, Some(0)) | (false, Some(1..)) => {}
        (true, Some(c)) => problems.push(format!("exit code {c}, expected success")),
        (false, Some(c)) => problems.push(format!("exit code {c}, expected a failure")),
    }
    for text in &expected.stderr {
        if !stderr.contains(text.as_str()) {
            problems.push(format!("stderr lacks {text:?}"));
        }
    }
    for (file, text, present) in &expected.pages {
        let page = match page_file(&book.path("book"), file) {
            Ok(path) => std::fs::read_to_string(path).unwrap_or_default(),
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if page.contains(text.as_str()) != *present {
            let verb = if *present { "lacks" } else { "has" };
            problems.push(format!("book/{file} {verb} {text:?}"));
        }
    }
    if book.snapshot("src") != src_before {
        problems.push("src/ was changed".into());
    }
    if let (false, Some(previous)) = (expected.success, previous) {
        if book.snapshot("book") != previous.book {
            problems.push("the previous book/ was changed".into());
        }
        if book.cache_snapshot() != previous.cache {
            problems.push("the caches were changed".into());
        }
        if book.top_level() != previous.top_level {
            problems.push(format!("the book root now holds {:?}", book.top_level()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name}:\n  - {}\n--- stderr ---\n{stderr}",
            problems.join("\n  - ")
        ))
    }
}

/// The file `book/FILE` of a `page` line; one `*` in the file's name matches any text, for
/// files that mdBook names with a hash (`searchindex-*.js`), and exactly one file must match.
fn page_file(book: &Path, file: &str) -> Result<PathBuf, String> {
    let path = book.join(file);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let Some((head, tail)) = name.split_once('*') else {
        return Ok(path);
    };
    let folder = path.parent().unwrap();
    let matches: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| format!("cannot list {}: {e}", folder.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.len() >= head.len() + tail.len() && n.starts_with(head) && n.ends_with(tail)
        })
        .map(|e| e.path())
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("book/{file} matches {} files", matches.len())),
    }
}

/// What a successful build left.
struct Previous {
    book: Vec<(PathBuf, Vec<u8>)>,
    cache: Vec<(PathBuf, Vec<u8>)>,
    top_level: Vec<String>,
}

/// Puts the files of `good` in place, builds, snapshots, and puts the case's own files back.
fn build_good(book: &Fixture, good: &Path) -> Result<Previous, String> {
    let mut saved = Vec::new();
    for entry in walkdir::WalkDir::new(good) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let target = book.path(entry.path().strip_prefix(good).unwrap().to_str().unwrap());
            saved.push((target.clone(), std::fs::read(&target).ok()));
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let (code, _, stderr) = book.run(&["build"], LIMIT);
    if code != Some(0) {
        return Err(format!("the good variant does not build:\n{stderr}"));
    }
    let previous = Previous {
        book: book.snapshot("book"),
        cache: book.cache_snapshot(),
        top_level: book.top_level(),
    };
    if previous.book.is_empty() {
        return Err("the good variant wrote nothing into book/".into());
    }
    for (target, bytes) in saved {
        match bytes {
            Some(bytes) => std::fs::write(&target, bytes).unwrap(),
            None => std::fs::remove_file(&target).unwrap(),
        }
    }
    Ok(previous)
}

#[test]
fn every_hostile_book_is_refused_clearly_and_harmlessly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let cases: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    assert!(cases.len() >= 20, "the catalogue lost cases: {cases:?}");
    // Two cases at a time: each build compiles and runs computations.
    let queue = Mutex::new(cases.into_iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some(case) = queue.lock().unwrap().next() else {
                    break;
                };
                if let Err(e) = run_case(&case) {
                    failures.lock().unwrap().push(e);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn check_writes_json_and_junit_reports_even_when_a_check_fails() {
    let book = Fixture::chapter(
        "hostile-reports",
        "# T\n\n```rust,compute\nlet total = 82;\npublish!(total);\n```\n\nBon : {{#check total = 82}}.\n\nFaux : {{#check total = 83}}.\n",
    );
    let (code, _, stderr) = book.run(
        &[
            "check",
            "--json",
            "reports/check.json",
            "--junit",
            "reports/check.xml",
        ],
        LIMIT,
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--> src/ch.md:10:"), "{stderr}");

    let json: serde_json::Value = serde_json::from_str(&book.read("reports/check.json")).unwrap();
    assert_eq!(json["failures"], 1, "{json:#}");
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 2, "{json:#}");
    let failed: Vec<_> = checks.iter().filter(|c| c["holds"] == false).collect();
    assert_eq!(failed.len(), 1, "{json:#}");
    assert_eq!(failed[0]["file"], "src/ch.md");
    assert_eq!(failed[0]["line"], 10);
    assert_eq!(failed[0]["written"], "83");
    assert!(json["diagnostics"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));

    let xml = book.read("reports/check.xml");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(xml.contains("name=\"src/ch.md:10 total = 83\""), "{xml}");
    assert!(!book.path("book").exists(), "check renders nothing");
}

#[test]
fn a_formula_refused_while_mdbook_writes_the_pages_fails_build_and_check() {
    // Enough formulas, none cached, for the math stage to render them in the background.
    let many: Vec<String> = (0..150).map(|i| format!("$x_{{{i}}}$")).collect();
    let chapter = format!(
        "# Chapitre\n\n{}.\n\nLa loi est $p(x) = \\undefinedmacro{{x}}$.\n",
        many.join(" ")
    );
    let book = Fixture::new(
        "hostile-math-background",
        &[
            (
                "book.toml",
                "[book]\ntitle = \"T\"\n\n[preprocessor.math]\n",
            ),
            ("src/SUMMARY.md", "# Summary\n\n- [Chapitre](ch.md)\n"),
            ("src/ch.md", &chapter),
        ],
    );
    for command in ["build", "check"] {
        let _ = std::fs::remove_dir_all(book.path("target"));
        let (code, _, stderr) = book.run(&[command], LIMIT);
        assert_eq!(code, Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains("error: invalid formula"),
            "{command}: {stderr}"
        );
        assert!(stderr.contains("--> src/ch.md:5:12"), "{command}: {stderr}");
        assert!(
            stderr.contains("Undefined control sequence: \\undefinedmacro"),
            "{command}: {stderr}"
        );
        assert!(!book.path("book").exists(), "{command} left an output");
    }
}

#[test]
fn a_book_written_for_mdbook_katex_builds_with_warnings_and_check_refuses_its_bad_formulas() {
    // What real mdbook-katex books hold: `_` in \text, and a macro KaTeX does not define. The
    // 150 good formulas make the math stage render in the background on the cold build.
    let many: Vec<String> = (0..150).map(|i| format!("$y_{{{i}}}$")).collect();
    let chapter = format!(
        "# Chapter\n\n{}.\n\nShift: $\\text{{right_shift}}(x)$ and $\\ceil{{x}}$.\n",
        many.join(" ")
    );
    for throw in ["true", "false"] {
        let book = Fixture::new(
            &format!("hostile-katex-drop-in-{throw}"),
            &[
                (
                    "book.toml",
                    &format!("[book]\ntitle = \"T\"\n\n[preprocessor.katex]\nthrow-on-error = {throw}\nerror-color = \"#cc0000\"\n"),
                ),
                ("src/SUMMARY.md", "# Summary\n\n- [Chapter](ch.md)\n"),
                ("src/ch.md", &chapter),
            ],
        );
        // `build`, cold then warm: warnings at the formulas' lines, the TeX in error-color.
        for run in ["cold", "warm"] {
            let (code, _, stderr) = book.run(&["build"], LIMIT);
            let what = format!("throw-on-error = {throw}, {run} build");
            assert_eq!(code, Some(0), "{what}: {stderr}");
            assert_eq!(
                stderr.matches("warning: invalid formula").count(),
                2,
                "{what}: {stderr}"
            );
            assert!(stderr.contains("--> src/ch.md:5:8"), "{what}: {stderr}");
            assert!(stderr.contains("--> src/ch.md:5:36"), "{what}: {stderr}");
            let page = book.read("book/ch.html");
            assert_eq!(page.matches("class=\"katex-error\"").count(), 2, "{what}");
            assert!(page.contains("color:#cc0000"), "{what}");
            assert!(
                page.contains("\\ceil{x}"),
                "{what}: the TeX is shown as written"
            );
            assert!(
                page.contains("class=\"katex\""),
                "{what}: the good formulas render"
            );
        }
        // `check` and `build --deny-warnings` keep them as errors, and write nothing.
        let before = book.snapshot("book");
        for args in [&["check"][..], &["build", "--deny-warnings"][..]] {
            let (code, _, stderr) = book.run(args, LIMIT);
            let what = format!("throw-on-error = {throw}, {args:?}");
            assert_eq!(code, Some(1), "{what}: {stderr}");
            assert_eq!(
                stderr.matches("error: invalid formula").count(),
                2,
                "{what}: {stderr}"
            );
            assert!(stderr.contains("--> src/ch.md:5:36"), "{what}: {stderr}");
            assert_eq!(book.snapshot("book"), before, "{what} changed book/");
        }
    }
}

#[test]
fn check_speaks_rustc_json_to_editors_and_annotates_pull_requests_on_github() {
    let book = Fixture::chapter(
        "hostile-message-format",
        "# T\n\n```rust,compute\nlet total = 82;\npublish!(total);\n```\n\nÉté : {{#check total = 83}}.\n",
    );
    let (code, stdout, stderr) = book.run(&["check", "--message-format", "json"], LIMIT);
    assert_eq!(code, Some(1), "{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let d = &lines[0];
    assert_eq!(d["$message_type"], "diagnostic");
    assert_eq!(d["level"], "error");
    let span = &d["spans"][0];
    assert_eq!(span["file_name"], "src/ch.md");
    assert_eq!(
        (span["line_start"].as_u64(), span["column_start"].as_u64()),
        (Some(8), Some(7))
    );
    assert!(
        d["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["message"] == "written: 83"),
        "{d:#}"
    );
    assert!(d["rendered"]
        .as_str()
        .unwrap()
        .contains("--> src/ch.md:8:7"));

    // Under GitHub Actions: the human diagnostic, and a workflow command on its line.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .arg("check")
        .current_dir(book.path(""))
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--> src/ch.md:8:7"), "{stderr}");
    let annotation = stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no annotation: {stdout}"));
    assert!(
        annotation.starts_with("::error file=src/ch.md,line=8,col=7,title="),
        "{annotation}"
    );
    assert!(annotation.contains("%0Awritten: 83"), "{annotation}");
}
