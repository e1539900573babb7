//! Tests of the real book in `src/`: it builds, every answer holds, every written number is
//! really checked, and the sujet edition holds no answer.

#[path = "book/leaks.rs"]
mod leaks;
mod support;

use common::directive::scan;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use support::Fixture;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The book's Markdown files, relative to the book root (`src/partie2.md`).
fn chapters() -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(Path::new(ROOT).join("src"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            e.path()
                .strip_prefix(ROOT)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A written answer changed by one unit in the last digit of its `which`-th number
/// (booleans and strings are changed on `which == 0`), or `None` when it has no such number.
fn perturb(written: &str, which: usize, up: bool) -> Option<String> {
    let trimmed = written.trim();
    if which == 0 {
        for (a, b) in [
            ("vrai", "faux"),
            ("faux", "vrai"),
            ("true", "false"),
            ("false", "true"),
        ] {
            if trimmed == a {
                return Some(b.to_string());
            }
        }
        if trimmed.starts_with('"') || !trimmed.chars().any(|c| c.is_ascii_digit()) {
            return Some(format!("\"{}x\"", trimmed.trim_matches('"')));
        }
    }
    if trimmed.starts_with('"') {
        return None;
    }
    // The last digit of each number: a run of digits with `.` or `,` between digits.
    let bytes = written.as_bytes();
    let mut last_digits = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_ascii_digit()
                    || (matches!(bytes[j], b'.' | b',')
                        && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)))
            {
                j += 1;
            }
            last_digits.push(j - 1);
            i = j;
        } else {
            i += 1;
        }
    }
    let at = *last_digits.get(which)?;
    let digit = bytes[at] - b'0';
    let new = match (up, digit) {
        (true, 9) => 8,
        (true, d) => d + 1,
        (false, 0) => 1,
        (false, d) => d - 1,
    };
    let mut out = written.to_string();
    out.replace_range(at..at + 1, &new.to_string());
    Some(out)
}

#[test]
fn perturbation_moves_one_last_digit() {
    assert_eq!(perturb("0,46", 0, true).as_deref(), Some("0,47"));
    assert_eq!(
        perturb("[0,46; 0,17; 0,37]", 2, false).as_deref(),
        Some("[0,46; 0,17; 0,36]")
    );
    assert_eq!(
        perturb("[0.46, 0.17]", 1, true).as_deref(),
        Some("[0.46, 0.18]")
    );
    assert_eq!(perturb("82", 0, true).as_deref(), Some("83"));
    assert_eq!(perturb("vrai", 0, true).as_deref(), Some("faux"));
    assert_eq!(
        perturb("\"many-to-one\"", 0, true).as_deref(),
        Some("\"many-to-onex\"")
    );
    assert_eq!(perturb("82", 1, true), None);
}

/// Every `{{#check}}` of the book: each number of its written value, moved by one unit in its
/// last digit, must fail the check at the directive's file and line. One run perturbs the
/// `k`-th number of every directive of the book at once (the checker reports every failure),
/// so a few runs cover them all.
#[test]
fn every_written_answer_fails_when_one_digit_moves() {
    let book = Fixture::copy_of_the_book("book-perturb");
    let (report, result) = book.check();
    result.expect("the untouched book passes");
    assert!(
        report.checks.len() >= 60,
        "the book checks its answers: {}",
        report.summary()
    );

    let originals: Vec<(String, String)> = chapters()
        .into_iter()
        .map(|f| (f.clone(), book.read(&f)))
        .collect();
    let mut covered = 0;
    for which in 0.. {
        for up in [true, false] {
            let mut expected = Vec::new();
            for (file, source) in &originals {
                let mut text = source.clone();
                let found = scan(source, &["check"]);
                for d in found.directives.iter().rev() {
                    let Some((_, written)) = d.args.split_once('=') else {
                        continue;
                    };
                    if written.contains('±') {
                        continue;
                    }
                    let Some(changed) = perturb(written, which, up) else {
                        continue;
                    };
                    let args_at = d.range.start + source[d.range.clone()].find(d.args).unwrap();
                    let eq = args_at + d.args.find('=').unwrap() + 1;
                    text.replace_range(eq..eq + written.len(), &changed);
                    let line = source[..d.range.start].matches('\n').count() + 1;
                    expected.push(format!("--> {file}:{line}:"));
                }
                book.write(file, &text);
            }
            if expected.is_empty() {
                for (file, source) in &originals {
                    book.write(file, source);
                }
                assert!(covered > 0);
                return;
            }
            let (_, result) = book.check();
            let err = result.expect_err("perturbed answers fail");
            for location in &expected {
                assert!(
                    err.contains(location.as_str()),
                    "no error {location} (number {which}, up {up}):\n{err}"
                );
                covered += 1;
            }
            for (file, source) in &originals {
                book.write(file, source);
            }
        }
    }
}

/// Lower-case words of `text`, for comparing what a reader sees whatever the markup.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Runs of `n` consecutive words.
fn grams(words: &[String], n: usize) -> HashSet<String> {
    words.windows(n).map(|w| w.join(" ")).collect()
}

/// The prose of a chapter with code blocks, math, HTML comments and directives removed, split
/// into what is inside `{{#answer}}`/`{{#note}}` blocks and what is outside.
fn answer_and_other_text(source: &str) -> (String, String) {
    let mut answer = String::new();
    let mut other = String::new();
    let mut depth = 0usize;
    let mut in_code = false;
    for line in source.lines() {
        let t = line.trim_start();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if t.starts_with("{{#answer") || t.starts_with("{{#note") {
            depth += 1;
            continue;
        }
        if t.starts_with("{{#/answer") || t.starts_with("{{#/note") {
            depth = depth.saturating_sub(1);
            continue;
        }
        let mut clean = String::new();
        let mut rest = line;
        while let Some(start) = rest.find(['$', '{', '<']) {
            clean.push_str(&rest[..start]);
            let close = match rest[start..].chars().next() {
                Some('$') => rest[start + 1..].find('$').map(|i| start + 1 + i + 1),
                Some('{') if rest[start..].starts_with("{{#") => {
                    rest[start..].find("}}").map(|i| start + i + 2)
                }
                Some('<') => rest[start..].find('>').map(|i| start + i + 1),
                _ => Some(start + 1),
            };
            rest = &rest[close.unwrap_or(rest.len()).min(rest.len())..];
        }
        clean.push_str(rest);
        let target = if depth > 0 { &mut answer } else { &mut other };
        target.push_str(&clean);
        target.push('\n');
    }
    (answer, other)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn the_book_builds_both_editions_and_the_sujet_holds_no_answer() {
    let out = Fixture::new("book-editions", &[]);
    let dest = out.path("book");
    let built = coursebook::build(Path::new(ROOT), Some(&dest))
        .map_err(|e| coursebook::render_error(&e))
        .unwrap();
    assert_eq!(built.report.failures(), 0);
    assert!(built.report.checks.len() >= 60);
    let landing = read(dest.join("index.html"));
    assert!(
        landing.contains("href=\"corrige/index.html\"")
            && landing.contains("href=\"sujet/index.html\"")
    );

    // The corrigé has the answers, checks and annotations.
    let corrige = read(dest.join("corrige/partie2.html"));
    for marker in ["cb-answer", "cb-check", "cb-note"] {
        assert!(corrige.contains(marker), "the corrigé has {marker}");
    }

    // Every run of 8 words that the sources have only inside answers and notes.
    let mut answer_words = HashSet::new();
    let mut other_words = HashSet::new();
    for file in chapters() {
        let (answer, other) = answer_and_other_text(&read(Path::new(ROOT).join(&file)));
        answer_words.extend(grams(&words(&answer), 8));
        other_words.extend(grams(&words(&other), 8));
    }
    let secret: Vec<&String> = answer_words.difference(&other_words).collect();
    assert!(
        secret.len() > 100,
        "the answers have text of their own: {}",
        secret.len()
    );
    // The same comparison finds the answers in the corrigé, so it would find a leak.
    let corrige_grams = grams(&words(&strip_tags(&corrige)), 8);
    let found = secret
        .iter()
        .filter(|g| corrige_grams.contains(**g))
        .count();
    assert!(
        found > 20,
        "answer text is recognised in the corrigé: {found}"
    );

    // Nothing of it in the sujet: pages, print page, search index.
    let mut sujet_files = 0;
    for entry in walkdir::WalkDir::new(dest.join("sujet"))
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "js" | "json")
            || path.components().any(|c| c.as_os_str() == "FontAwesome")
        {
            continue;
        }
        let text = read(path.to_path_buf());
        if ext == "html" {
            for marker in [
                "cb-answer",
                "cb-check",
                "cb-note",
                "cb-proof",
                "cb-verification",
            ] {
                assert!(!text.contains(marker), "{} has {marker}", path.display());
            }
        }
        // No computation either: the code behind the statement's data tells the method.
        assert!(
            !text.contains("publish!"),
            "{} shows a computation",
            path.display()
        );
        let seen = grams(&words(&strip_tags(&text)), 8);
        let leaked: Vec<_> = secret
            .iter()
            .filter(|g| seen.contains(**g))
            .take(3)
            .collect();
        assert!(
            leaked.is_empty(),
            "{} shows answer text: {leaked:?}",
            path.display()
        );
        sujet_files += 1;
    }
    assert!(sujet_files > 5);
    assert!(dest.join("sujet/print.html").exists());
    let has_index = std::fs::read_dir(dest.join("sujet"))
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().starts_with("searchindex"));
    assert!(
        has_index,
        "the sujet has a search index, and it was read above"
    );
}

/// No answer token reaches the sujet: not its pages, figures, alt texts, captions, titles,
/// search index, print page or PDF. The tokens come from the build's own checks (see
/// `book/leaks.rs`), and the same scan run on the corrigé finds them, so it would see a leak.
#[test]
fn no_answer_token_reaches_the_sujet() {
    let out = Fixture::new("book-leaks", &[]);
    let dest = out.path("book");
    let built = coursebook::build(Path::new(ROOT), Some(&dest))
        .map_err(|e| coursebook::render_error(&e))
        .unwrap();
    let sources = leaks::Sources::read(Path::new(ROOT), &dest.join("corrige"));
    let needles = sources.needles(&built.report);
    assert!(
        needles.len() > 100,
        "the answers give tokens to look for: {}",
        needles.len()
    );
    for token in ["82", "0,46", "0.46", "97", "many-to-many"] {
        assert!(
            needles.iter().any(|n| n.token == token),
            "{token} is an answer token"
        );
    }

    let src = Path::new(ROOT).join("src");
    let corrige = leaks::readable_files(&dest.join("corrige"), &src, None);
    let seen = leaks::hits(&sources, &needles, &corrige);
    assert!(
        seen.iter().any(|h| h.token == "82") && seen.iter().any(|h| h.token == "0,46"),
        "the scan finds the answers in the corrigé"
    );

    let pdf = dest.join("sujet.pdf");
    let sujet = leaks::readable_files(
        &dest.join("sujet"),
        &src,
        pdf.exists().then_some(pdf.as_path()),
    );
    assert!(sujet.iter().any(|(f, _)| f.starts_with("searchindex")));
    assert!(sujet.iter().any(|(f, _)| f == "print.html"));
    let hits = leaks::hits(&sources, &needles, &sujet);
    let list: Vec<String> = hits.iter().map(ToString::to_string).collect();
    assert!(
        hits.is_empty(),
        "{} answer token(s) in the sujet:\n{}",
        hits.len(),
        list.join("\n")
    );
}

/// The A4 PDFs of both editions, printed by Chromium: the sujet's text has the header, the 13
/// questions with their points, the total of 20 and page numbers, and no answer token.
#[test]
#[ignore = "needs chromium: run by tests/run"]
fn the_pdfs_are_a4_with_every_question_and_no_answer() {
    let out = Fixture::new("book-pdf", &[]);
    let dest = out.path("book");
    let built = coursebook::build(Path::new(ROOT), Some(&dest))
        .map_err(|e| coursebook::render_error(&e))
        .unwrap();
    let landing = read(dest.join("index.html"));
    for name in ["sujet", "corrige"] {
        let pdf = dest.join(format!("{name}.pdf"));
        assert!(pdf.is_file(), "{} was not printed", pdf.display());
        assert!(
            landing.contains(&format!("href=\"{name}.pdf\"")),
            "{landing}"
        );
        let info = std::process::Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("(A4)"), "{name}.pdf is not A4: {info}");
    }
    let text = std::process::Command::new("pdftotext")
        .arg(dest.join("sujet.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = leaks::normalize(&String::from_utf8_lossy(&text.stdout));
    for n in 1..=13 {
        assert!(
            text.contains(&format!("Question {n} (")),
            "question {n} is not on paper"
        );
    }
    for line in [
        "Examen — 1 h 30",
        "Les documents sont autorisés.",
        "Prenez le temps de systématiquement justifier vos réponses !",
        "Total : 20 points",
        "Nom et prénom",
    ] {
        assert!(text.contains(line), "« {line} » is not on paper");
    }
    // Page numbers, « 1 / N » at the foot of each page.
    let info = std::process::Command::new("pdfinfo")
        .arg(dest.join("sujet.pdf"))
        .output()
        .unwrap();
    let pages: usize = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count");
    let compact = text.replace(' ', "");
    for page in [1, pages] {
        assert!(
            compact.contains(&format!("{page}/{pages}")),
            "no page number {page}/{pages}"
        );
    }
    // No question heading is the last line of a page: it stays with its statement.
    for name in ["sujet", "corrige"] {
        let out = std::process::Command::new("pdftotext")
            .arg(dest.join(format!("{name}.pdf")))
            .arg("-")
            .output()
            .unwrap();
        let all = leaks::normalize(&String::from_utf8_lossy(&out.stdout));
        for (i, page) in all.split('\u{c}').enumerate() {
            let lines: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.replace(' ', "").contains('/'))
                .collect();
            if let Some(last) = lines.last() {
                assert!(
                    !(last.starts_with("Question ") && last.ends_with(')')),
                    "{name}.pdf page {}: « {last} » stands alone at the foot",
                    i + 1
                );
            }
        }
    }
    let sources = leaks::Sources::read(Path::new(ROOT), &dest.join("corrige"));
    let needles = sources.needles(&built.report);
    let pdf = dest.join("sujet.pdf");
    let src = Path::new(ROOT).join("src");
    let on_paper: Vec<_> = leaks::readable_files(&dest.join("sujet"), &src, Some(&pdf))
        .into_iter()
        .filter(|(f, _)| f == "sujet.pdf")
        .collect();
    assert_eq!(on_paper.len(), 1);
    let hits = leaks::hits(&sources, &needles, &on_paper);
    assert!(hits.is_empty(), "answers on paper: {hits:#?}");
}

/// An edit of a computation's input or intermediate step, and the published booleans it must
/// flip: `(file, text found exactly once, replacement, booleans)`.
type Witness = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// For each boolean the book checks (`vrai` / `faux`), an edit upstream of its definition that
/// changes it. A boolean that no upstream edit can change depends on no computed value: it
/// proves nothing, and has no place here.
const BOOLEAN_WITNESSES: &[Witness] = &[
    (
        "src/partie1.md",
        "let t_identity = 1.0;",
        "let t_identity = 1.5;",
        &["identity_keeps_p"],
    ),
    (
        "src/partie1.md",
        "let h_exam: Vec<f64> = temperatures.iter().map(|&t| entropy(&power_temperature(&p, t)))",
        "let h_exam: Vec<f64> = temperatures.iter().map(|&t| entropy(&softmax_temperature(&logits, t)))",
        &["exam_entropy_falls"],
    ),
    (
        "src/partie1.md",
        "let h_usual: Vec<f64> = temperatures.iter().map(|&t| entropy(&softmax_temperature(&logits, t)))",
        "let h_usual: Vec<f64> = temperatures.iter().map(|&t| entropy(&power_temperature(&p, t)))",
        &["usual_entropy_rises"],
    ),
    (
        "src/partie1.md",
        "&softmax_temperature(&logits, 0.5))",
        "&softmax_temperature(&logits, 2.0))",
        &["exponent_is_inverse"],
    ),
    (
        "src/partie2.md",
        "let scores = dot_attention(&keys, &query);",
        "let scores = dot_attention(&keys, &(-&query));",
        &["same_order"],
    ),
    (
        "src/partie2.md",
        "let via_layer = layer.call(&x, &x);",
        "let via_layer = layer.call(&x, &x.slice(s![..;-1, ..]));",
        &["q8_same"],
    ),
    (
        "src/partie2.md",
        "let sentence_1 = \"To be or not to [mask], that is the question.\";",
        "let sentence_1 = \"To be or not to be, that is the [mask].\";",
        &["needs_right_1"],
    ),
    (
        "src/partie2.md",
        "let sentence_2 = \"To be or not to be, that is the [mask].\";",
        "let sentence_2 = \"To be or not to be, that is [mask] question.\";",
        &["needs_right_2"],
    ),
    (
        "src/partie2.md",
        "let sigmoid = 1.0 / (1.0 + (-a).exp());",
        "let sigmoid = 1.0 / (1.0 + a.exp());",
        &["sigmoid_is_softmax"],
    ),
    (
        "src/partie3.md",
        "let sharpened = sharpen(&averaged, t);",
        "let sharpened = sharpen(&averaged, 2.0);",
        &[
            "entropy_decreased",
            "uses_entropy_minimisation",
            "sharpen_is_exam_temperature",
        ],
    ),
    (
        "src/partie3.md",
        "let k = MIXMATCH_K;",
        "let k = MIXMATCH_K - 1;",
        &["uses_augmentation"],
    ),
    (
        "src/partie3.md",
        "assert_eq!(predictions.len(), k);",
        "assert_eq!(predictions.len(), k + 1);",
        &[],
    ),
    (
        "src/partie3.md",
        "let t_plain = 1.0;",
        "let t_plain = t;",
        &["uses_consistency"],
    ),
    (
        "src/partie3.md",
        "let t_hard = 0.05;",
        "let t_hard = 0.5;",
        &["uses_pseudo_labels"],
    ),
    (
        "src/annexes/conventions.md",
        "let p1 = power_temperature(&p, 1.0);",
        "let p1 = power_temperature(&p, 1.5);",
        &["t1_unchanged"],
    ),
    (
        "src/annexes/conventions.md",
        "&softmax_temperature(&logits, 1.0 / t)",
        "&softmax_temperature(&logits, t)",
        &["inverse_everywhere"],
    ),
    (
        "src/annexes/conventions.md",
        "let scaled = scaled_dot_attention(&keys, &query);",
        "let scaled = scaled_dot_attention(&keys, &(-&query));",
        &["same_winner"],
    ),
    (
        "src/annexes/conventions.md",
        "let (input_dim, key_dim, heads) = (5, 2, 2);",
        "let (input_dim, key_dim, heads) = (6, 2, 2);",
        &["pytorch_accepts_5"],
    ),
];

/// The names of the booleans the book checks (`{{#check NAME = vrai}}` or `faux`).
fn checked_booleans() -> HashSet<String> {
    let mut names = HashSet::new();
    for file in chapters() {
        let source = read(Path::new(ROOT).join(&file));
        for d in scan(&source, &["check"]).directives {
            if let Some((name, written)) = d.args.split_once('=') {
                if ["vrai", "faux", "true", "false"].contains(&written.trim()) {
                    names.insert(name.trim().to_string());
                }
            }
        }
    }
    names
}

/// Every published boolean that the book checks depends on a computed value: each has a
/// witness (an edit of an input or intermediate step, never of the line that defines it), and
/// with every witness applied at once the build refuses each of them. A new boolean without a
/// witness, or a witness that no longer changes its boolean, fails this test.
#[test]
fn every_checked_boolean_depends_on_a_computation() {
    let witnessed: HashSet<String> = BOOLEAN_WITNESSES
        .iter()
        .flat_map(|w| w.3.iter().map(|b| b.to_string()))
        .collect();
    let checked = checked_booleans();
    let mut missing: Vec<_> = checked.difference(&witnessed).collect();
    missing.sort();
    assert!(missing.is_empty(), "booleans with no witness: {missing:?}");
    let mut stale: Vec<_> = witnessed.difference(&checked).collect();
    stale.sort();
    assert!(
        stale.is_empty(),
        "witnesses of booleans the book no longer checks: {stale:?}"
    );

    let book = Fixture::copy_of_the_book("book-booleans");
    let files: HashSet<&str> = BOOLEAN_WITNESSES.iter().map(|w| w.0).collect();
    for file in files {
        let source = book.read(file);
        // Every edit is located in the untouched text, then applied from the end.
        let mut edits: Vec<(usize, &str, &str)> = Vec::new();
        for (_, from, to, booleans) in BOOLEAN_WITNESSES.iter().filter(|w| w.0 == file) {
            assert_eq!(
                source.matches(from).count(),
                1,
                "{file}: `{from}` must occur once"
            );
            for name in *booleans {
                assert!(
                    !from.contains(name) && !to.contains(name),
                    "the witness of `{name}` edits its own definition: `{from}`"
                );
            }
            edits.push((source.find(from).unwrap(), from, to));
        }
        edits.sort();
        let mut text = source.clone();
        for (at, from, to) in edits.into_iter().rev() {
            text.replace_range(at..at + from.len(), to);
        }
        book.write(file, &text);
    }
    let (report, result) = book.check();
    let err = result.expect_err("the edited computations change the booleans");
    for name in &checked {
        let record = report
            .checks
            .iter()
            .find(|c| &c.expression == name)
            .unwrap_or_else(|| panic!("no check of `{name}` in the report:\n{err}"));
        assert!(
            !record.holds,
            "`{name}` ({}:{}) did not change when its inputs did: {:?}",
            record.file, record.line, record.computed
        );
    }
}

/// CI runs `check --deny-unchecked`: every number written in an answer or a note of the book
/// stands under a check or a value (or is marked `{{#n}}` as no result).
#[test]
fn every_number_of_the_answers_is_checked() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(["check", "--deny-unchecked", ROOT])
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let coverage = stderr
        .lines()
        .find(|l| l.contains("numbers in answers are checked"))
        .unwrap_or_else(|| panic!("no coverage line: {stderr}"));
    let (checked, rest) = coverage.split_once(" of ").unwrap();
    assert_eq!(checked, rest.split(' ').next().unwrap(), "{coverage}");
    assert!(checked.parse::<usize>().unwrap() > 100, "{coverage}");
}
