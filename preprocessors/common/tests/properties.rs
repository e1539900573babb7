//! Properties of the directive scanner and the splicer on arbitrary Markdown: no panic, ranges
//! that are whole directives on char boundaries, and every byte outside them kept as it was.

use coursebook_common::directive::scan;
use coursebook_common::Splicer;
use proptest::prelude::*;

const WANTED: &[&str] = &["check", "value", "answer", "/answer"];

/// Markdown made of the pieces that matter to the scanner (braces, names, code fences and
/// spans, line ends, multi-byte characters), and of arbitrary characters.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{#".to_string()),
        Just("}}".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("check".to_string()),
        Just("value".to_string()),
        Just("/answer".to_string()),
        Just(" x = 0,46".to_string()),
        Just("`".to_string()),
        Just("```\n".to_string()),
        Just("\n".to_string()),
        Just("    ".to_string()),
        Just("é".to_string()),
        Just("€".to_string()),
        Just("😀".to_string()),
        Just("|".to_string()),
        Just("$".to_string()),
        any::<char>().prop_map(String::from),
        "[a-z ]{0,4}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn directives_are_whole_ordered_and_on_char_boundaries(src in markdown()) {
        let found = scan(&src, WANTED);
        let mut end = 0;
        for d in &found.directives {
            prop_assert!(src.is_char_boundary(d.range.start) && src.is_char_boundary(d.range.end));
            prop_assert!(d.range.start >= end, "overlapping directives");
            end = d.range.end;
            let text = &src[d.range.clone()];
            prop_assert!(text.starts_with("{{#") && text.ends_with("}}"), "{text:?}");
            prop_assert!(text[3..].starts_with(d.name));
            prop_assert!(WANTED.contains(&d.name));
            prop_assert!(text.contains(d.args));
            prop_assert!(!text.contains('\n'));
        }
        for r in &found.unterminated {
            prop_assert!(src.is_char_boundary(r.start) && src.is_char_boundary(r.end));
            prop_assert!(src[r.clone()].starts_with("{{#"));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        let _ = scan(&src, WANTED);
    }

    #[test]
    fn no_edit_is_the_identity(src in markdown()) {
        prop_assert_eq!(Splicer::new().apply(&src), src);
    }

    #[test]
    fn replacing_directives_keeps_every_other_byte(src in markdown()) {
        let found = scan(&src, WANTED);
        let mut splicer = Splicer::new();
        let mut expected = String::new();
        let mut at = 0;
        // Recorded in reverse order: the splicer sorts them.
        for d in found.directives.iter().rev() {
            splicer.replace(d.range.clone(), "\u{1}");
        }
        for d in &found.directives {
            expected.push_str(&src[at..d.range.start]);
            expected.push('\u{1}');
            at = d.range.end;
        }
        expected.push_str(&src[at..]);
        prop_assert_eq!(splicer.apply(&src), expected);
    }

    #[test]
    fn any_edits_on_char_boundaries_never_panic(
        src in markdown(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..12, "[a-zé]{0,3}"), 0..8),
    ) {
        let bounds: Vec<usize> = (0..=src.len()).filter(|&i| src.is_char_boundary(i)).collect();
        let mut splicer = Splicer::new();
        for (start, len, text) in &edits {
            let s = start.index(bounds.len());
            let e = (s + len).min(bounds.len() - 1);
            splicer.replace(bounds[s]..bounds[e], text.clone());
        }
        let out = splicer.apply(&src);
        // Whatever the edits, the text before the first one is kept.
        let first = edits
            .iter()
            .map(|(start, _, _)| bounds[start.index(bounds.len())])
            .min()
            .unwrap_or(src.len());
        prop_assert!(out.starts_with(&src[..first]));
    }
}
