//! The splicer with arbitrary edits on char boundaries: no panic, no edit is the identity,
//! and the text before the first edit is kept.
#![no_main]

use coursebook_common::Splicer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Vec<(u16, u8, String)>)| {
    let (src, edits) = input;
    assert_eq!(Splicer::new().apply(src), src);
    let bounds: Vec<usize> = (0..=src.len())
        .filter(|&i| src.is_char_boundary(i))
        .collect();
    let mut splicer = Splicer::new();
    let mut first = src.len();
    for (start, len, text) in edits {
        let s = start as usize % bounds.len();
        let e = (s + len as usize).min(bounds.len() - 1);
        first = first.min(bounds[s]);
        splicer.replace(bounds[s]..bounds[e], text);
    }
    assert!(splicer.apply(src).starts_with(&src[..first]));
});
