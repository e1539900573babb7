//! Arbitrary input never makes the compute stage's parsers and comparator panic, and a chapter
//! with no directive of the stage (but other stages' directives, math, code, multi-byte text)
//! comes out of the stage byte for byte.

use coursebook_compute::claim::{Claim, Show, Tolerance};
use coursebook_compute::compare::compare;
use coursebook_compute::written::Written;
use coursebook_compute::ComputePreprocessor;
use coursebook_notebook::notebook::Value;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use proptest::prelude::*;

/// Text shaped like written answers: digits, separators, signs, brackets, quotes, units.
fn written_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+−]?[0-9]{0,40}([.,][0-9]{0,40})? ?%?",
        r#"[\[\]0-9.,; "«»±%a-z−-]{0,30}"#,
        any::<String>(),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<f64>().prop_map(Value::Float),
        any::<i128>().prop_map(|n| Value::Int(n.into())),
        any::<bool>().prop_map(Value::Bool),
        "[a-z0-9 ]{0,8}".prop_map(Value::Str),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(Value::List)
    })
}

fn tolerance() -> impl Strategy<Value = Tolerance> {
    prop_oneof![
        Just(Tolerance::Digits),
        any::<f64>().prop_map(Tolerance::Absolute),
        any::<f64>().prop_map(Tolerance::Relative),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn parsing_and_comparing_never_panic(
        text in written_text(),
        computed in value(),
        tolerance in tolerance(),
    ) {
        let _ = Claim::parse(&format!("x = {text}"));
        let _ = Claim::parse(&text);
        let _ = Show::parse(&text);
        if let Ok(written) = Written::parse(&text) {
            let _ = compare(&written, tolerance, &computed);
        }
    }
}

/// Prose around which the compute stage has nothing to do. No `<`: a line that opens a raw
/// HTML block (`<?`, `<div>`) has no code spans, so a directive in backticks there is live.
fn prose() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{#include a.md}}".to_string()),
        Just("{{#question 1 points=2}}".to_string()),
        Just("`{{#check x = 1}}`".to_string()),
        Just("\n```text\n{{#value y}}\n```\n".to_string()),
        Just("$\\frac{1}{2}$".to_string()),
        Just("{{".to_string()),
        Just("}}".to_string()),
        Just("\n".to_string()),
        Just("é€😀".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        "[a-zA-Z0-9 ,.;:!?&*_#-]{0,10}",
    ];
    // Random pieces may join into one of the stage's own directives (`{{` then `#n`): such a
    // text is not what this property is about.
    prop::collection::vec(piece, 0..30)
        .prop_map(|p| p.concat())
        .prop_filter("holds a directive of the stage", |text| {
            let found = common::directive::scan(text, &coursebook_compute::DIRECTIVES);
            found.directives.is_empty() && found.unterminated.is_empty()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn chapters_without_the_stage_directives_are_left_byte_for_byte(text in prose()) {
        let dir = std::env::temp_dir().join("coursebook-compute-robustness");
        let ctx = PreprocessorContext::new(dir, Config::default(), "html".into());
        let mut chapter = Chapter::new("C", text.clone(), "c.md", Vec::new());
        chapter.source_path = Some("c.md".into());
        let book = Book::new_with_items(vec![chapter.into()]);
        let out = ComputePreprocessor::new().run(&ctx, book).expect("nothing to fail on");
        let Some(BookItem::Chapter(ch)) = out.iter().next() else { panic!("no chapter") };
        prop_assert_eq!(&ch.content, &text);
    }
}
