//! Finding the ```` ```rust,compute ```` blocks of a chapter, and turning them into the code
//! blocks the reader sees.

use common::diagnostic::line_of;
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use std::ops::Range;

/// One embedded computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The code, as the compiler will see it.
    pub code: String,
    /// 1-based line, in the chapter source, of the block's first code line.
    pub first_line: usize,
    /// Whether the author asked to hide the code (`rust,compute,hidden`).
    pub hidden: bool,
    /// Byte range of the whole fenced block in the chapter source.
    pub range: Range<usize>,
    /// Byte range of the info string (`rust,compute`) in the chapter source.
    pub info_range: Range<usize>,
}

/// Whether a fence's info string marks a computation: it names `rust` and `compute`, separated
/// by commas or spaces, as mdBook's own attributes are (`rust,compute,hidden`).
pub fn is_compute(info: &str) -> bool {
    let words: Vec<&str> = words(info).collect();
    words.first() == Some(&"rust") && words.contains(&"compute")
}

fn words(info: &str) -> impl Iterator<Item = &str> {
    info.split([',', ' ', '\t']).filter(|w| !w.is_empty())
}

/// The compute blocks of `source`, in order.
pub fn find(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(Block, bool)> = None;
    for (event, range) in common::markdown::parser(source).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_compute(&info) => {
                let line_end = source[range.start..]
                    .find('\n')
                    .map_or(source.len(), |i| range.start + i);
                let info_start = source[range.start..line_end]
                    .find(info.as_ref())
                    .map_or(line_end, |i| range.start + i);
                let block = Block {
                    code: String::new(),
                    first_line: line_of(source, line_end) + 1,
                    hidden: words(&info).any(|w| w == "hidden"),
                    range: range.clone(),
                    info_range: info_start..info_start + info.len(),
                };
                current = Some((block, false));
            }
            Event::Text(text) => {
                if let Some((block, _)) = current.as_mut() {
                    block.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((block, _)) = current.take() {
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    blocks
}

/// The Markdown that replaces a compute block for the reader: an anchor that checks link to,
/// then a Rust code block without a playground button (the playground lacks the course
/// library).
///
/// A hidden block (`rust,compute,hidden`) keeps its whole code in the page, but its anchor
/// carries the class `cb-hidden`: the theme's stylesheet does not show the code block that
/// follows such an anchor until the anchor is the page's target, that is until the reader
/// follows a check's « voir le calcul » link to it. So a hidden block leaves no empty box,
/// the code behind a value is one click away, and it works without JavaScript.
///
/// The block is written anew from its code, each line after the first carrying the prefix of
/// the block quotes and list items it stands in, so that it stays inside them.
pub fn reader_view(source: &str, block: &Block, anchor: &str) -> String {
    let prefix = common::place::container_prefix(source, block.range.start);
    let fence = fence_of(&source[block.range.clone()], &block.code);
    let class = if block.hidden {
        "cb-block-anchor cb-hidden"
    } else {
        "cb-block-anchor"
    };
    let mut lines = vec![
        format!("<a id=\"{anchor}\" class=\"{class}\"></a>"),
        String::new(),
        format!("{fence}rust,noplayground"),
    ];
    lines.extend(block.code.lines().map(str::to_owned));
    lines.push(fence);
    let mut view = common::place::continue_lines(&lines.join("\n"), &prefix);
    if source[..block.range.end].ends_with('\n') {
        view.push('\n'); // The next line of the source carries its own prefix.
    }
    view
}

/// The fence of a block as written (three or more backticks or tildes), long enough for its
/// code.
fn fence_of(original: &str, code: &str) -> String {
    let mark = original.trim_start().chars().next().unwrap_or('`');
    let written = original
        .trim_start()
        .chars()
        .take_while(|c| *c == mark)
        .count();
    let longest_in_code = code
        .lines()
        .map(|l| l.trim_start().chars().take_while(|c| *c == mark).count())
        .max()
        .unwrap_or(0);
    mark.to_string()
        .repeat(written.max(longest_in_code + 1).max(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "# Q7\n\n```rust,compute\nlet a = 1;\npublish!(a);\n```\n\nTexte.\n\n```rust\nlet b = 2;\n```\n\n```rust,compute,hidden\nlet c = 3;\n```\n";

    #[test]
    fn finds_compute_blocks_only_with_their_first_line() {
        let blocks = find(CHAPTER);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].code, "let a = 1;\npublish!(a);\n");
        assert_eq!(blocks[0].first_line, 4);
        assert!(!blocks[0].hidden);
        assert_eq!(blocks[1].first_line, 15);
        assert!(blocks[1].hidden);
    }

    #[test]
    fn the_reader_sees_a_plain_rust_block_and_hidden_code_stays_reachable() {
        let blocks = find(CHAPTER);
        let shown = reader_view(CHAPTER, &blocks[0], "cb-block-0");
        assert!(
            shown.starts_with("<a id=\"cb-block-0\" class=\"cb-block-anchor\">"),
            "{shown}"
        );
        assert!(
            shown.ends_with("```rust,noplayground\nlet a = 1;\npublish!(a);\n```"),
            "{shown}"
        );
        // No placeholder comment and no mdBook hidden lines: the whole code follows an anchor
        // that the stylesheet folds until a link targets it.
        let hidden = reader_view(CHAPTER, &blocks[1], "cb-block-1");
        assert_eq!(
            hidden,
            "<a id=\"cb-block-1\" class=\"cb-block-anchor cb-hidden\"></a>\n\n\
             ```rust,noplayground\nlet c = 3;\n```"
        );
    }

    #[test]
    fn a_block_in_a_quote_or_a_list_item_stays_there() {
        let quoted = "> Texte.\n>\n> ```rust,compute,hidden\n> let a = 1;\n>\n> publish!(a);\n> ```\n>\n> Fin.\n";
        let block = &find(quoted)[0];
        let shown = reader_view(quoted, block, "cb-block-0");
        let mut page = quoted.to_owned();
        page.replace_range(block.range.clone(), &shown);
        assert_eq!(
            page,
            "> Texte.\n>\n> <a id=\"cb-block-0\" class=\"cb-block-anchor cb-hidden\"></a>\n>\n> ```rust,noplayground\n> let a = 1;\n>\n> publish!(a);\n> ```\n>\n> Fin.\n"
        );
        let listed = "1. Point :\n\n   ```rust,compute\n   let b = 2;\n   ```\n2. Suite.\n";
        let block = &find(listed)[0];
        let shown = reader_view(listed, block, "cb-block-1");
        let mut page = listed.to_owned();
        page.replace_range(block.range.clone(), &shown);
        assert_eq!(
            page,
            "1. Point :\n\n   <a id=\"cb-block-1\" class=\"cb-block-anchor\"></a>\n\n   ```rust,noplayground\n   let b = 2;\n   ```\n2. Suite.\n"
        );
    }

    #[test]
    fn info_strings() {
        assert!(is_compute("rust,compute"));
        assert!(is_compute("rust compute hidden"));
        assert!(!is_compute("rust"));
        assert!(!is_compute("python,compute"));
    }
}
