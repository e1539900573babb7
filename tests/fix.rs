//! `coursebook check --fix`: failing written values are rewritten in the author's form, only
//! there, and the book then checks.

mod support;

use common::directive::scan;
use std::process::{Command, Output};
use support::Fixture;

fn coursebook(args: &[&str], book: &Fixture) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coursebook"))
        .args(args)
        .arg(&book.root)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("coursebook runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `source` with the written part of every `{{#check}}` blanked: what `--fix` may not change.
fn without_written_values(source: &str) -> String {
    let mut out = source.to_owned();
    let found = scan(source, &["check"]);
    for d in found.directives.iter().rev() {
        let at = d.args.as_ptr() as usize - source.as_ptr() as usize;
        let range = coursebook_compute::fix::written_range(d.args).unwrap();
        out.replace_range(at + range.start..at + range.end, "…");
    }
    out
}

#[test]
fn a_new_q7_query_is_fixed_in_the_checks_only_and_the_book_then_checks() {
    let book = Fixture::copy_of_the_book("fix-q7");
    let before = book.read("src/partie2.md");
    let edited = before.replace(
        "let query = array![-0.2, 0.8];",
        "let query = array![0.5, 0.3];",
    );
    assert_ne!(edited, before, "the Q7 query is in src/partie2.md");
    book.write("src/partie2.md", &edited);
    let others = |b: &Fixture| {
        let mut all = b.snapshot("src");
        all.retain(|(p, _)| !p.ends_with("partie2.md"));
        all
    };
    let untouched = others(&book);

    let fixed = coursebook(&["check", "--fix"], &book);
    let stdout = text(&fixed.stdout);
    assert!(fixed.status.success(), "{stdout}{}", text(&fixed.stderr));
    assert!(
        stdout.contains("src/partie2.md:145: 0,8 -> 0,3"),
        "each change is printed at its file:line: {stdout}"
    );
    assert!(
        stdout.contains("[0,46; 0,17; 0,37] -> [0,26; 0,32; 0,43]"),
        "{stdout}"
    );
    let after = book.read("src/partie2.md");
    assert_ne!(after, edited, "the answers were rewritten");
    assert_eq!(
        without_written_values(&after),
        without_written_values(&edited),
        "only written values of checks change"
    );
    assert_eq!(
        others(&book),
        untouched,
        "files whose checks hold are untouched"
    );

    let again = coursebook(&["check"], &book);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("all hold"));
}

/// A chapter with CRLF line endings and non-ASCII prose; the code block quotes a check that
/// must stay as it is.
const CRLF_CHAPTER: &str = "# Données « réelles » ✓\r\n\
\r\n\
```rust,compute\r\n\
let p = 0.5213;\r\n\
let xs = vec![0.25, -0.5, 1.0];\r\n\
let n: u64 = 1_234_567;\r\n\
let share = 0.375;\r\n\
publish!(p, xs, n, share);\r\n\
```\r\n\
\r\n\
Élément : {{#check p = 0,46}} ; là-bas {{#check xs = [0,2; −0,5; 1,0]}}.\r\n\
Grand nombre : {{#check n = 30\u{202f}000}} et part : {{#check share = 12,5\u{a0}%}} — fin.\r\n\
\r\n\
```text\r\n\
{{#check p = 0,46}}\r\n\
```\r\n";

#[test]
fn crlf_and_non_ascii_files_are_fixed_byte_for_byte_elsewhere() {
    let book = Fixture::chapter("fix-crlf", CRLF_CHAPTER);
    let fixed = coursebook(&["check", "--fix"], &book);
    let stdout = text(&fixed.stdout);
    assert!(fixed.status.success(), "{stdout}{}", text(&fixed.stderr));
    assert!(stdout.contains("src/ch.md:11: 0,46 -> 0,52"), "{stdout}");
    let expected = CRLF_CHAPTER
        .replacen("p = 0,46", "p = 0,52", 1)
        .replace("[0,2; −0,5; 1,0]", "[0,3; −0,5; 1,0]")
        .replace("30\u{202f}000", "1\u{202f}234\u{202f}567")
        .replace("12,5\u{a0}%", "37,5\u{a0}%");
    assert_eq!(book.read("src/ch.md"), expected);
    let again = coursebook(&["check"], &book);
    assert!(again.status.success(), "{}", text(&again.stderr));
}

#[test]
fn forms_that_cannot_carry_the_new_value_are_refused_at_their_line() {
    let chapter = "# R\n\n```rust,compute\nlet kind = \"one-to-one\";\nlet b = false;\nlet h = 1.3;\nlet xs = vec![1, 2];\nlet ok = 2.0;\npublish!(kind, b, h, xs, ok);\n```\n\n\
Sorte : {{#check kind = \"many-to-one\"}}.\n\
Vrai : {{#check b = vrai}}.\n\
Hauteur : {{#check h = 1,10 ± 0,01}}.\n\
Liste : {{#check xs = [1; 2; 3]}}.\n\
Juste : {{#check ok = 1,5}}.\n";
    let book = Fixture::chapter("fix-refused", chapter);
    let fixed = coursebook(&["check", "--fix"], &book);
    let stderr = text(&fixed.stderr);
    assert!(!fixed.status.success(), "refusals fail the command");
    for line in 12..=15 {
        assert!(
            stderr.contains(&format!("--> src/ch.md:{line}:")),
            "refused at line {line}: {stderr}"
        );
    }
    assert!(stderr.contains("a string is not rewritten"), "{stderr}");
    assert!(stderr.contains("a boolean is not rewritten"), "{stderr}");
    assert!(stderr.contains("tolerance"), "{stderr}");
    assert!(
        stderr.contains("3 item(s) and the computed one 2"),
        "{stderr}"
    );
    assert_eq!(
        book.read("src/ch.md"),
        chapter.replace("ok = 1,5", "ok = 2,0"),
        "what can be fixed is, the rest is left as written"
    );
}

#[test]
fn a_check_in_an_included_file_is_fixed_there() {
    let book = Fixture::chapter(
        "fix-include",
        "# I\n\n```rust,compute\nlet total = 97;\npublish!(total);\n```\n\n{{#include partie.md}}\n",
    );
    book.write(
        "src/partie.md",
        "Texte.\n\nTotal : {{#check total = 82}}.\n",
    );
    let fixed = coursebook(&["check", "--fix"], &book);
    let stdout = text(&fixed.stdout);
    assert!(fixed.status.success(), "{stdout}{}", text(&fixed.stderr));
    assert!(stdout.contains("src/partie.md:3: 82 -> 97"), "{stdout}");
    assert_eq!(
        book.read("src/partie.md"),
        "Texte.\n\nTotal : {{#check total = 97}}.\n"
    );
    assert!(book.read("src/ch.md").contains("{{#include partie.md}}"));
}
