//! Splicing replacements into a source at byte ranges found by a parser.
//!
//! Stages rewrite only what they own (a directive, a formula) and copy everything else
//! byte for byte, as mdbook-mermaid does; that keeps each stage from disturbing the Markdown
//! that the next stage and the renderer will parse.

use std::ops::Range;

/// Replacements to apply to one source text.
#[derive(Debug, Default)]
pub struct Splicer {
    edits: Vec<(Range<usize>, String)>,
}

impl Splicer {
    /// No replacement yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces `range` of the source with `text` when [`apply`](Self::apply) runs.
    pub fn replace(&mut self, range: Range<usize>, text: impl Into<String>) {
        self.edits.push((range, text.into()));
    }

    /// Whether no replacement was recorded.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// Applies the replacements to `source`.
    ///
    /// Overlapping ranges keep the first one recorded and drop the others: a stage records
    /// disjoint ranges, so an overlap is a bug that must not corrupt the page.
    ///
    /// ```
    /// let mut s = coursebook_common::Splicer::new();
    /// s.replace(6..11, "monde");
    /// assert_eq!(s.apply("Hello world!"), "Hello monde!");
    /// ```
    pub fn apply(mut self, source: &str) -> String {
        self.edits
            .sort_by_key(|(range, _)| (range.start, range.end));
        let mut out = String::with_capacity(source.len());
        let mut at = 0;
        for (range, text) in self.edits {
            if range.start < at || range.end > source.len() {
                continue;
            }
            out.push_str(&source[at..range.start]);
            out.push_str(&text);
            at = range.end;
        }
        out.push_str(&source[at..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_text_is_kept_byte_for_byte() {
        let source = "a é {{#x}} b\n| t |";
        let mut s = Splicer::new();
        s.replace(5..11, "Y");
        assert_eq!(s.apply(source), "a é Y b\n| t |");
    }

    #[test]
    fn edits_apply_in_source_order_whatever_the_recording_order() {
        let mut s = Splicer::new();
        s.replace(4..5, "E");
        s.replace(0..1, "A");
        assert_eq!(s.apply("abcde"), "AbcdE");
    }
}
