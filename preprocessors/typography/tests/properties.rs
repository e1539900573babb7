//! Properties of the typography stage on arbitrary Markdown: it never changes code, math or
//! directives, changes nothing but spaces and apostrophes, and typesetting twice is once.

use coursebook_typography::french;
use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag, TagEnd};
use proptest::prelude::*;

/// Pieces that French prose, Markdown and the stages' syntax are made of.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "mot",
        "l'autre",
        " ",
        " ",
        "\n",
        "\n\n",
        "?",
        " ?",
        "!",
        ";",
        " ; ",
        ":",
        " : ",
        "«",
        " « ",
        "»",
        " » ",
        "30",
        " %",
        " ms",
        "0,46",
        "10:30",
        "`a ? b`",
        "`",
        "$x : y$",
        "$",
        "$$\na ; b\n$$",
        "\n```\nlet x = a ? b;\n```\n",
        "    code ; here\n",
        "<code>c ; d</code>",
        "<span title=\"l'a : b\">",
        "</span>",
        "{{#check x = 0,46; 0,17}}",
        "{{#value q}}",
        "- ",
        "> ",
        "*",
        "_",
        "[lien](https://a.fr/x?y=1)",
        "&amp;",
        "&#91;",
        "| a | b |\n|---|---|\n",
        "# ",
        "\\",
        "<!-- x ? -->",
        "https://ex.fr/a?b",
    ])
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
}

/// The code and math of `source`, in order, as the parser sees them.
fn verbatim(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for event in Parser::new_ext(source, coursebook_typography::prose::options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if in_code => out.push(t.to_string()),
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push(t.to_string())
            }
            _ => {}
        }
    }
    out
}

fn directives(source: &str) -> Vec<&str> {
    source
        .match_indices("{{")
        .filter_map(|(i, _)| source[i..].find("}}").map(|e| &source[i..i + e + 2]))
        .collect()
}

/// `text` with every kind of space removed and apostrophes straightened.
fn visible(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '’' { '\'' } else { c })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn code_math_and_directives_are_never_changed(source in markdown()) {
        let (text, counts) = french(&source);
        // The rules themselves keep code and math: the guard that would undo them never fires.
        prop_assert_eq!(counts.kept, 0);
        prop_assert_eq!(verbatim(&text), verbatim(&source));
        prop_assert_eq!(directives(&text), directives(&source));
    }

    #[test]
    fn only_spaces_and_apostrophes_change(source in markdown()) {
        let (text, _) = french(&source);
        prop_assert_eq!(visible(&text), visible(&source));
    }

    #[test]
    fn typesetting_twice_is_typesetting_once(source in markdown()) {
        let (once, _) = french(&source);
        let (twice, counts) = french(&once);
        prop_assert_eq!(&twice, &once);
        prop_assert_eq!(counts.spaces + counts.apostrophes, 0);
    }
}
