//! Correctness at scale (issue « A 500-chapter book »): in the synthetic 500-chapter book of
//! the scale benchmark (`tests/bench/synth.sh`), one wrong written value fails at its own
//! file and line, and the reports list it alone among the book's 5,000 checks.

mod support;

use support::Fixture;

/// The book's size and the chapter whose answer is written wrong.
const CHAPTERS: usize = 500;
const WRONG_CHAPTER: usize = 377;

#[test]
fn a_wrong_value_in_chapter_377_of_500_fails_at_its_line_and_alone() {
    let book = Fixture::new("scale-500", &[]);
    let synth = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bench/synth.sh");
    let made = std::process::Command::new("bash")
        .arg(synth)
        .arg(CHAPTERS.to_string())
        .arg(&book.root)
        .status()
        .unwrap();
    assert!(made.success());
    // The math stage renders the 6,000 formulas, which proves nothing here and takes
    // minutes in a debug build: the book keeps its compute and exam stages.
    let toml = book.read("book.toml");
    let without_math = toml.replace(
        "[preprocessor.math]\nafter = [\"links\", \"compute\", \"exam\"]\n",
        "",
    );
    assert_ne!(
        toml, without_math,
        "synth.sh's book.toml changed: update this test"
    );
    book.write("book.toml", &without_math);

    // Chapter 377: twice a = 2 × (377 × 7 + 3) = 5284, written 5285.
    let file = format!("src/ch{WRONG_CHAPTER}.md");
    let right = "{{#check twice = 5284}}";
    let text = book.read(&file);
    let line = 1 + text
        .lines()
        .position(|l| l.contains(right))
        .expect("chapter 377 checks twice = 5284");
    book.write(&file, &text.replace(right, "{{#check twice = 5285}}"));

    let limit = std::time::Duration::from_secs(600);
    let (code, _, stderr) = book.run(&["check", "--json", "report.json"], limit);
    assert_eq!(code, Some(1), "{stderr}");
    let at = format!("--> {file}:{line}:");
    assert!(stderr.contains(&at), "no error at {at}:\n{stderr}");
    assert_eq!(stderr.matches("--> ").count(), 1, "{stderr}");
    assert!(
        stderr.contains("5285") && stderr.contains("5284"),
        "{stderr}"
    );

    let report: serde_json::Value = serde_json::from_str(&book.read("report.json")).unwrap();
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), CHAPTERS * 10);
    let failed: Vec<&serde_json::Value> = checks.iter().filter(|c| c["holds"] == false).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["file"], file.as_str());
    assert_eq!(failed[0]["line"], line);
    assert_eq!(failed[0]["written"], "5285");
    assert_eq!(report["failures"], 1);
}
