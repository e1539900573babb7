//! The directive scanner on arbitrary text: whole directives on char boundaries, in order, and
//! replacing them keeps every other byte.
#![no_main]

use coursebook_common::directive::scan;
use coursebook_common::Splicer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let found = scan(src, &["check", "value", "answer", "/answer"]);
    let mut splicer = Splicer::new();
    let mut expected = String::new();
    let mut at = 0;
    for d in &found.directives {
        assert!(src.is_char_boundary(d.range.start) && src.is_char_boundary(d.range.end));
        assert!(d.range.start >= at);
        let text = &src[d.range.clone()];
        assert!(text.starts_with("{{#") && text.ends_with("}}"));
        expected.push_str(&src[at..d.range.start]);
        expected.push('\u{1}');
        at = d.range.end;
        splicer.replace(d.range.clone(), "\u{1}");
    }
    expected.push_str(&src[at..]);
    for r in &found.unterminated {
        assert!(src.is_char_boundary(r.start) && src.is_char_boundary(r.end));
    }
    assert_eq!(splicer.apply(src), expected);
});
