//! The one Markdown configuration of every stage: mdBook 0.5's extensions (those of
//! `mdbook_markdown::new_cmark_parser`, smart punctuation aside, which changes no structure) and
//! math, so that what one stage takes for code, math, a heading or a link, every stage does, and
//! so does the HTML renderer.

use mdbook_markdown::pulldown_cmark::{Options, Parser};

/// The parser options every stage uses.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

/// A parser of `source` with [`options`].
pub fn parser(source: &str) -> Parser<'_> {
    Parser::new_ext(source, options())
}

#[cfg(test)]
mod tests {
    use super::parser;
    use mdbook_markdown::pulldown_cmark::{Event, Tag};
    use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
    use std::ops::Range;

    /// Where a parser sees code: what every stage must leave alone.
    fn code<'a>(events: impl Iterator<Item = (Event<'a>, Range<usize>)>) -> Vec<Range<usize>> {
        events
            .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
            .map(|(_, r)| r)
            .collect()
    }

    #[test]
    fn the_stages_see_code_where_mdbooks_renderer_does() {
        // Constructs on which option sets disagree: tables, definition lists, admonitions,
        // footnotes, heading attributes, task lists, strikethrough.
        let sources = [
            "| a | `{{#check x = 1}}` |\n|---|---|\n| `b|c` | d |\n",
            "Term\n: `{{#value v}}` and {{#check y = 2}}\n",
            "> [!NOTE]\n> ```\n> {{#check z = 3}}\n> ```\n",
            "Text[^1].\n\n[^1]: `{{#check f = 4}}`\n",
            "# Title {#id .class}\n\n- [ ] `task` ~~`gone`~~\n",
            "    indented {{#check i = 5}}\n\n~~~rust,compute\nlet a = 1;\n~~~\n",
        ];
        for source in sources {
            let ours = code(parser(source).into_offset_iter());
            let renderer = new_cmark_parser(source, &MarkdownOptions::default());
            assert_eq!(ours, code(renderer.into_offset_iter()), "{source:?}");
        }
    }
}
