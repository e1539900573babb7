//! End-to-end tests of the compute stage through the `coursebook` front end: embedded blocks
//! run, written answers are checked, and every failure names the Markdown file and line.

mod support;

use support::Fixture;

const Q7: &str = "# Q7

```rust,compute
let keys = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
let query = array![-0.2, 0.8];
let scores = dot_attention(&keys, &query);
```

La requête est {{#value query}}.

```rust,compute
let winner = argmax1(&scores);
publish!(query, scores, winner);
```

Les scores valent {{#check scores = [0,46; 0,17; 0,37]}} et le gagnant est le jeton {{#check winner = 1}}.
Le premier score, {{#check scores[0] = 0.46}}, domine.
";

#[test]
fn a_correct_book_builds_and_shows_checked_answers() {
    let book = Fixture::chapter("compute-ok", Q7);
    let built = book.build().expect("the book builds");
    assert_eq!(built.report.checks.len(), 3);
    assert_eq!(built.report.failures(), 0);
    let html = book.read("book/ch.html");
    assert!(
        html.contains("<span class=\"cb-written\">[0,46; 0,17; 0,37]</span>"),
        "{html}"
    );
    assert!(html.contains("cb-mark"), "the verified mark is shown");
    assert!(
        html.contains("href=\"#cb-block-1\""),
        "the check links to the block that published it"
    );
    assert!(
        html.contains("[-0.2, 0.8]"),
        "{{{{#value}}}} shows the computed query"
    );
    assert!(!html.contains("{{#check"), "no directive is left");
}

#[test]
fn a_wrong_answer_fails_at_its_line_with_both_values_and_the_rule() {
    let book = Fixture::chapter(
        "compute-wrong",
        &Q7.replace("scores[0] = 0.46", "scores[0] = 0.47"),
    );
    let err = book.build().unwrap_err();
    assert!(err.contains("--> src/ch.md:17:"), "{err}");
    assert!(err.contains("written: 0.47"), "{err}");
    assert!(err.contains("computed: scores[0] = 0.4573"), "{err}");
    assert!(
        err.contains("rule: rounds to the value written at 2 decimal(s)"),
        "{err}"
    );
    assert!(!book.path("book").exists(), "nothing is written on failure");
}

#[test]
fn a_failed_build_leaves_the_previous_output_and_cache_as_they_were() {
    let book = Fixture::chapter("compute-keep", Q7);
    book.build().unwrap();
    let before = book.snapshot("book");
    let cache_before = book.cache_snapshot();
    book.write("src/ch.md", &Q7.replace("winner = 1}}", "winner = 2}}"));
    assert!(book.build().is_err());
    assert_eq!(book.snapshot("book"), before);
    assert_eq!(book.cache_snapshot(), cache_before);
}

#[test]
fn unknown_names_bad_indices_and_types_are_reported_together() {
    let chapter = format!(
        "{Q7}\n{{{{#check score = 1}}}}\n{{{{#check scores[3] = 1}}}}\n{{{{#check winner = \"un\"}}}}\n{{{{#check scores = 0.46}}}}\n"
    );
    let book = Fixture::chapter("compute-names", &chapter);
    let err = book.build().unwrap_err();
    assert!(
        err.contains("unknown name `score`: this chapter publishes query, scores, winner"),
        "{err}"
    );
    assert!(
        err.contains("index 3 is out of range: `scores` has 3 item(s)"),
        "{err}"
    );
    assert!(
        err.contains("type mismatch: a string is written, the computation gives an integer"),
        "{err}"
    );
    assert!(
        err.contains(
            "type mismatch: a decimal number is written, the computation gives a list of 3 items"
        ),
        "{err}"
    );
    assert!(err.contains("the book has 4 errors"), "{err}");
}

#[test]
fn a_compile_error_points_at_the_markdown_line_and_column() {
    let book = Fixture::chapter(
        "compute-compile",
        "# T\n\nTexte.\n\n```rust,compute\nlet a: u32 = 1;\nlet b: u32 = a + \"x\";\n```\n",
    );
    let err = book.build().unwrap_err();
    assert!(err.contains("a computation does not compile"), "{err}");
    assert!(err.contains("--> src/ch.md:7:"), "{err}");
    assert!(err.contains("let b: u32 = a + \"x\";"), "{err}");
}

#[test]
fn a_panic_is_reported_at_its_line() {
    let book = Fixture::chapter(
        "compute-panic",
        "# T\n\n```rust,compute\nlet v: Vec<u32> = Vec::new();\nlet x = v[2];\n```\n",
    );
    let err = book.build().unwrap_err();
    assert!(
        err.contains("a computation panicked: index out of bounds"),
        "{err}"
    );
    assert!(err.contains("--> src/ch.md:5:"), "{err}");
}

#[test]
fn a_panic_inside_the_course_library_points_at_the_calling_block() {
    let book = Fixture::chapter(
        "compute-libpanic",
        "# T\n\n```rust,compute\nlet ok = 1;\n```\n\n```rust,compute\nlet bad = average(&[]);\n```\n",
    );
    let err = book.build().unwrap_err();
    assert!(err.contains("a computation panicked"), "{err}");
    assert!(err.contains("--> src/ch.md:8:"), "{err}");
    assert!(err.contains("called from this block"), "{err}");
}

#[test]
fn a_computation_that_never_ends_is_stopped_with_its_location() {
    let book = Fixture::new(
        "compute-timeout",
        &[
            ("book.toml", "[book]\ntitle = \"T\"\n[preprocessor.compute]\ntimeout = 1\n"),
            ("src/SUMMARY.md", "- [C](ch.md)\n"),
            ("src/ch.md", "# T\n\n```rust,compute\nlet a = 1;\n```\n\n```rust,compute\nloop { std::hint::black_box(a); }\n```\n"),
        ],
    );
    let started = std::time::Instant::now();
    let err = book.build().unwrap_err();
    assert!(err.contains("did not finish within 1 s"), "{err}");
    assert!(err.contains("--> src/ch.md:8:"), "{err}");
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn a_flood_of_output_is_stopped() {
    let book = Fixture::chapter(
        "compute-flood",
        "# T\n\n```rust,compute\nfor i in 0..100_000_000u64 { println!(\"{i}\"); }\n```\n",
    );
    let err = book.build().unwrap_err();
    assert!(err.contains("printed more than"), "{err}");
    assert!(err.contains("--> src/ch.md:4:"), "{err}");
}

#[test]
fn directives_in_code_are_left_alone_and_published_html_is_escaped() {
    let chapter = "# T\n\n```rust,compute\nlet s = \"<b>gras</b> & $x$\".to_string();\npublish!(s);\n```\n\nValeur : {{#value s}}.\n\nExemple : `{{#check s = 1}}`.\n\n```text\n{{#check nothing = 2}}\n```\n";
    let book = Fixture::chapter("compute-escape", chapter);
    book.build().expect("directives in code are not run");
    let html = book.read("book/ch.html");
    assert!(html.contains("&lt;b&gt;gras&lt;/b&gt; &amp; $x$"), "{html}");
    assert!(!html.contains("<b>gras</b>"));
    assert!(html.contains("{{#check nothing = 2}}"));
}

#[test]
fn an_unclosed_directive_is_an_error() {
    let book = Fixture::chapter("compute-unclosed", "# T\n\nTotal {{#check total = 82\n");
    let err = book.build().unwrap_err();
    assert!(err.contains("not closed with `}}`"), "{err}");
    assert!(err.contains("--> src/ch.md:3:7"), "{err}");
}

#[test]
fn prose_edits_reuse_the_cached_computations_and_code_edits_compile_once() {
    let book = Fixture::chapter("compute-cache", Q7);
    let (report, result) = book.check();
    result.unwrap();
    assert_eq!(report.stats.compilations, 1, "a cold check compiles once");
    let (report, _) = book.check();
    assert_eq!(
        report.stats.compilations, 0,
        "a warm check compiles nothing"
    );
    book.write(
        "src/ch.md",
        &Q7.replace("La requête est", "Ici, la requête vaut"),
    );
    let (report, result) = book.check();
    result.unwrap();
    assert_eq!(
        report.stats.compilations, 0,
        "a prose edit compiles nothing"
    );
    book.write("src/ch.md", &Q7.replace("[-0.2, 0.8]", "[-0.2, 0.80]"));
    let (report, result) = book.check();
    result.unwrap();
    assert_eq!(report.stats.compilations, 1, "a block edit compiles once");
}

#[test]
fn a_corrupt_cache_entry_is_ignored() {
    let book = Fixture::chapter("compute-corrupt", Q7);
    book.check().1.unwrap();
    for (path, _) in book.snapshot("target/coursebook/compute") {
        std::fs::write(path, b"{ not json").unwrap();
    }
    let (report, result) = book.check();
    result.expect("a corrupt entry is a miss, not an error");
    assert_eq!(report.stats.compilations, 1);
}

/// Sends a one-chapter book through `coursebook preprocess compute`, as `mdbook` would.
fn preprocess(book: &Fixture, chapter_text: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let config = mdbook_driver::config::Config::from_disk(book.path("book.toml")).unwrap();
    let ctx =
        mdbook_preprocessor::PreprocessorContext::new(book.root.clone(), config, "html".into());
    let mut chapter = mdbook_preprocessor::book::Chapter::new(
        "Q7",
        chapter_text.to_string(),
        "ch.md",
        Vec::new(),
    );
    chapter.source_path = Some("ch.md".into());
    let input = mdbook_preprocessor::book::Book::new_with_items(vec![chapter.into()]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["preprocess", "compute"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let json = serde_json::to_vec(&(&ctx, &input)).unwrap();
    child.stdin.take().unwrap().write_all(&json).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_stage_speaks_the_mdbook_preprocessor_protocol() {
    let supports = std::process::Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["preprocess", "compute", "supports", "html"])
        .status()
        .unwrap();
    assert!(supports.success());

    let book = Fixture::chapter("compute-protocol", Q7);
    let out = preprocess(&book, Q7);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let book_out: mdbook_preprocessor::book::Book = serde_json::from_slice(&out.stdout).unwrap();
    let content = &book_out.chapters().next().unwrap().content;
    assert!(content.contains("cb-check"), "{content}");
    assert!(!content.contains("{{#check"));

    let out = preprocess(&book, &Q7.replace("winner = 1}}", "winner = 3}}"));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--> src/ch.md:16:"), "{stderr}");
}

#[test]
fn figures_are_numbered_captioned_and_inlined() {
    let chapter = r###"# T

```rust,compute
let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">

<circle cx="5" cy="5" r="4" stroke="currentColor"/>
</svg>"##;
let cercle = Figure::svg(svg, "un cercle");
let carre = Figure::png(&[137, 80, 78, 71], "un carré");
publish!(cercle, carre);
```

{{#figure cercle caption="Un cercle"}}

{{#figure carre number=6 caption="Un carré"}}
"###;
    let book = Fixture::chapter("compute-figures", chapter);
    book.build().expect("figures build");
    let html = book.read("book/ch.html");
    assert!(
        html.contains("<figure class=\"cb-figure\" id=\"figure-1\">"),
        "{html}"
    );
    assert!(html.contains("<circle cx=\"5\""), "the SVG is inline");
    assert!(html.contains("Figure 1</span> — Un cercle"), "{html}");
    assert!(
        html.contains("<img src=\"data:image/png;base64,iVBORw==\" alt=\"un carré\">"),
        "{html}"
    );
    assert!(html.contains("Figure 6</span> — Un carré"), "{html}");
}

#[test]
fn figures_that_script_or_weigh_too_much_are_refused() {
    let chapter = "# T\n\n```rust,compute\nlet a = Figure::svg(\"<svg onload=alert(1)></svg>\", \"x\");\nlet b = Figure::svg(\"<svg>\".repeat(100_000), \"y\");\nlet c = 3;\npublish!(a, b, c);\n```\n\n{{#figure a}}\n\n{{#figure b}}\n\n{{#figure c}}\n";
    let book = Fixture::chapter("compute-badfigures", chapter);
    let err = book.build().unwrap_err();
    assert!(err.contains("figure `a`: not well-formed SVG"), "{err}");
    assert!(
        err.contains("figure `b` weighs 488 KB, above the 300 KB limit"),
        "{err}"
    );
    assert!(err.contains("`c` is an integer, not a figure"), "{err}");
}

#[test]
fn staging_folders_of_killed_builds_are_removed() {
    let book = Fixture::chapter("compute-stale", Q7);
    // A staging folder left by a process that no longer exists (pid beyond the kernel's limit).
    std::fs::create_dir_all(book.path(".book.tmp-999999999-0/sub")).unwrap();
    book.build().unwrap();
    assert!(!book.path(".book.tmp-999999999-0").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&book.root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".book"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn build_closes_with_a_summary_of_what_it_did_and_q_silences_it() {
    let book = Fixture::chapter("compute-summary", Q7);
    let limit = std::time::Duration::from_secs(300);
    let (code, _, stderr) = book.run(&["build"], limit);
    assert_eq!(code, Some(0), "{stderr}");
    let finished = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("Finished"))
        .unwrap_or_else(|| panic!("no summary line: {stderr}"));
    assert!(finished.contains("book in "), "{finished}");
    assert!(finished.contains("3 answers checked"), "{finished}");
    assert!(
        finished.contains("computations compiled (1 rustc run"),
        "{finished}"
    );
    // Not a terminal: no step lines, only the summary.
    assert!(!stderr.contains("Compiling"), "{stderr}");

    let (code, _, stderr) = book.run(&["build", "-q"], limit);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "", "-q prints nothing on success");
    let (_, _, stderr) = book.run(&["build"], limit);
    assert!(stderr.contains("computations from the cache"), "{stderr}");
}

/// Files of the compute cache (not its temporary files).
fn compute_entries(book: &Fixture) -> usize {
    walkdir::WalkDir::new(book.path("target/coursebook/compute"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .count()
}

#[test]
fn the_cache_keeps_the_last_builds_survives_concurrent_builds_and_clean_empties_it() {
    let book = Fixture::chapter("compute-cache-bounded", Q7);
    // French, so that the builds also write the French interface theme into the cache.
    let toml = book
        .read("book.toml")
        .replace("[book]\n", "[book]\nlanguage = \"fr\"\n");
    book.write("book.toml", &toml);
    let limit = std::time::Duration::from_secs(300);
    // Five versions of a block: the cache keeps the entries of the last three builds.
    for i in 0..5 {
        let edit = format!("let winner = argmax1(&scores);\nlet _version = {i};");
        book.write(
            "src/ch.md",
            &Q7.replace("let winner = argmax1(&scores);", &edit),
        );
        let (code, _, stderr) = book.run(&["build"], limit);
        assert_eq!(code, Some(0), "{stderr}");
    }
    let kept = compute_entries(&book);
    assert!(
        (1..=common::housekeeping::KEEP_BUILDS).contains(&kept),
        "{kept} entries after 5 builds"
    );

    // Two builds at once on one cache: both succeed, and the cache they leave is whole.
    book.write("src/ch.md", Q7);
    let builds: Vec<_> = ["out-a", "out-b"]
        .iter()
        .map(|dest| {
            std::process::Command::new(env!("CARGO_BIN_EXE_coursebook"))
                .args(["build", "-q", "-d", dest])
                .current_dir(book.path(""))
                .env_remove(common::cache::CACHE_DIR_ENV)
                .output()
        })
        .collect::<Vec<_>>();
    for out in builds {
        let out = out.unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (code, _, stderr) = book.run(&["check"], limit);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("from the cache"), "{stderr}");

    // `clean` empties it; the next build computes again.
    let (code, _, stderr) = book.run(&["clean"], limit);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(compute_entries(&book), 0);
    let (code, _, stderr) = book.run(&["check"], limit);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("1 compiler invocation"), "{stderr}");
}

/// A book of `n` chapters `src/cI.md`, chapter I publishing `xI = I × factor(I)` and checking
/// the value written by `written(I)`.
fn many_chapters(
    name: &str,
    n: usize,
    factor: impl Fn(usize) -> usize,
    written: impl Fn(usize) -> usize,
) -> Fixture {
    let book = Fixture::chapter(name, "");
    let summary: String = (1..=n).map(|i| format!("- [C{i}](c{i}.md)\n")).collect();
    book.write("src/SUMMARY.md", &format!("# Summary\n\n{summary}"));
    std::fs::remove_file(book.path("src/ch.md")).unwrap();
    rewrite_chapters(&book, n, factor, written);
    book
}

fn rewrite_chapters(
    book: &Fixture,
    n: usize,
    factor: impl Fn(usize) -> usize,
    written: impl Fn(usize) -> usize,
) {
    for i in 1..=n {
        // A factor other than 10 adds lines to the block: the lines after it move.
        let padding = if factor(i) == 10 {
            ""
        } else {
            "let unused = 0;\nlet also = 1;\n"
        };
        let text = format!(
            "# C{i}\n\n```rust,compute\n{padding}let x{i} = {i} * {};\npublish!(x{i});\n```\n\nLa valeur : {{{{#check x{i} = {}}}}}.\n",
            factor(i),
            written(i)
        );
        let path = format!("src/c{i}.md");
        // Unchanged chapters keep their files (and times) as an author's editor would.
        if std::fs::read_to_string(book.path(&path)).ok().as_deref() != Some(&text) {
            book.write(&path, &text);
        }
    }
}

/// Block edits compile incrementally: rustc's state stays in a work folder of the cache,
/// whole between builds, and what an edit changes (values, lines that move) is what the
/// next check sees, in the edited chapter and in the others of its module.
#[test]
fn block_edits_compile_incrementally_and_map_every_line_exactly() {
    let n = 20;
    let book = many_chapters("compute-incremental", n, |_| 10, |i| i * 10);
    let (report, result) = book.check();
    result.unwrap();
    assert_eq!(report.checks.len(), n);
    let work: Vec<_> = std::fs::read_dir(book.path("target/coursebook/work"))
        .expect("a work folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(work.len(), 1, "{work:?}");
    let state = work[0].join("incremental");
    assert!(
        std::fs::read_dir(&state).is_ok_and(|mut d| d.next().is_some()),
        "rustc keeps its incremental state in {}",
        state.display()
    );

    // Chapter 3 grows by two lines and computes 33; its written 30 is now wrong, and so is
    // chapter 5's, written wrong on purpose: both fail, each at its own line.
    let factor = |i: usize| if i == 3 { 11 } else { 10 };
    rewrite_chapters(&book, n, factor, |i| if i == 5 { 51 } else { i * 10 });
    let (report, result) = book.check();
    let err = result.unwrap_err();
    assert_eq!(report.stats.compilations, 1);
    assert!(err.contains("--> src/c3.md:10"), "{err}");
    assert!(err.contains("33"), "{err}");
    assert!(err.contains("--> src/c5.md:8"), "{err}");
    assert_eq!(err.matches("--> src/").count(), 2, "{err}");

    // Written right, the book checks; chapter 18 (another module) grows too.
    let factor = |i: usize| match i {
        3 => 11,
        18 => 12,
        _ => 10,
    };
    rewrite_chapters(&book, n, factor, |i| i * factor(i));
    let (report, result) = book.check();
    result.unwrap();
    assert_eq!(report.stats.compilations, 1);
    // Where each value was published: read back from the program's lines.
    let published = |file: &str| {
        let check = report.checks.iter().find(|c| c.file == file).unwrap();
        check.published_at.clone().unwrap_or_default()
    };
    assert_eq!(published("src/c18.md"), "src/c18.md:7");
    assert_eq!(published("src/c17.md"), "src/c17.md:5");
    // After chapter 18, in its module: its lines did not move with chapter 18's.
    assert_eq!(published("src/c19.md"), "src/c19.md:5");
    assert_eq!(published("src/c3.md"), "src/c3.md:7");
}

/// rustc's saved state, damaged (its object files overwritten, as a full disk or a crash
/// mid-write can leave them), fails the link; the build compiles again from no state and
/// succeeds, without blaming the book.
#[test]
fn a_damaged_incremental_state_is_discarded_and_the_build_succeeds() {
    let n = 20;
    let book = many_chapters("compute-damaged-state", n, |_| 10, |i| i * 10);
    book.check().1.unwrap();
    let objects: Vec<_> = walkdir::WalkDir::new(book.path("target/coursebook/work"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "o"))
        .map(|e| e.into_path())
        .collect();
    assert!(!objects.is_empty(), "rustc saved object files");
    for object in &objects {
        std::fs::write(object, "not an object file").unwrap();
    }
    // Chapter 3 changes: the other chapters' saved objects would be linked as they are.
    let factor = |i: usize| if i == 3 { 11 } else { 10 };
    rewrite_chapters(&book, n, factor, |i| i * factor(i));
    let (report, result) = book.check();
    result.unwrap();
    assert_eq!(
        report.stats.compilations, 2,
        "once with the state, once without"
    );
    assert_eq!(report.checks.len(), n);
}

/// A relative `COURSEBOOK_CACHE_DIR`, from a working folder other than the book's: the book's
/// program (which runs in the book root) is still found in the cache.
#[test]
fn a_relative_cache_folder_is_taken_from_the_working_folder() {
    let book = Fixture::chapter("compute-relative-cache", Q7);
    let elsewhere = book.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .arg("check")
        .arg(&book.root)
        .current_dir(&elsewhere)
        .env("COURSEBOOK_CACHE_DIR", "cache")
        .env(
            support::shared_library_target().0,
            support::shared_library_target().1,
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(elsewhere.join("cache/compute").is_dir(), "{stderr}");
}
