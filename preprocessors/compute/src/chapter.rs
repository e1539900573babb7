//! The stage's pass over a book: collect each chapter's blocks, evaluate them once for the
//! whole book, then rewrite each chapter's directives and blocks.

use crate::blocks::{self, Block};
use crate::claim::{Claim, Show, ValuePath};
use crate::compare::{self, Rule};
use crate::config::Options;
use crate::engine::{self, ChapterValues, Published};
use crate::format::{format_value, Style};
use crate::includes::LineMap;
use crate::program::ChapterCode;
use crate::render::{self, Reader};
use crate::report::{CheckRecord, Report};
use common::cache::Cache;
use common::directive::{self, scan, Directive};
use common::page::{page_of, to_root};
use common::place::{container_prefix, continue_lines, Place, Places};
use common::{Diagnostic, Diagnostics, Splicer};
use coursebook_notebook::notebook::Value;
use mdbook_preprocessor::errors::Result;
use std::path::PathBuf;

pub(crate) use common::page::{collect, Page};

/// A directive of this stage, as its name says: the names are matched once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    /// `{{#check NAME = WRITTEN}}`.
    Check,
    /// `{{#value NAME}}`.
    Value,
    /// `{{#verification}}`.
    Verification,
    /// `{{#figure NAME}}`.
    Figure,
    /// `{{#n TEXT}}`: a number that is not a result.
    NotAResult,
}

/// Every directive of this stage, as the author spells it.
const NAMES: [(&str, Name); 5] = [
    ("check", Name::Check),
    ("value", Name::Value),
    ("verification", Name::Verification),
    ("figure", Name::Figure),
    ("n", Name::NotAResult),
];

/// The directives this stage replaces; `n` marks a number that is not a result.
pub const DIRECTIVES: [&str; NAMES.len()] = directive::names(&NAMES);

/// Evaluates the book's blocks and rewrites every page. Returns the new contents by key.
pub(crate) fn process(
    pages: &[Page],
    options: &Options,
    cache: &Cache,
    report: &mut Report,
) -> Result<Vec<(PathBuf, String)>> {
    let found: Vec<Vec<Block>> = pages.iter().map(|p| blocks::find(&p.content)).collect();
    let with_code: Vec<usize> = (0..pages.len()).filter(|&i| !found[i].is_empty()).collect();
    let code: Vec<ChapterCode> = with_code
        .iter()
        .map(|&i| ChapterCode {
            path: pages[i].file.clone(),
            blocks: found[i].clone(),
        })
        .collect();
    let sources: Vec<&str> = with_code
        .iter()
        .map(|&i| pages[i].content.as_str())
        .collect();
    // Errors inside an `{{#include}}`d file are reported at that file's own lines.
    let maps: Vec<LineMap> = pages
        .iter()
        .filter_map(|p| LineMap::of(&options.root, &p.file, &p.content))
        .collect();
    let evaluation = engine::evaluate(&code, &sources, cache, options, &mut report.stats)
        .map_err(|d| mdbook_preprocessor::errors::Error::new(LineMap::relocate_all(&maps, d)))?;
    let values = evaluation.values;
    let mut values_of = vec![ChapterValues::new(); pages.len()];
    for (values, &i) in values.into_iter().zip(&with_code) {
        values_of[i] = values;
    }

    let reader = reader(options);
    let mut diagnostics = Diagnostics::new();
    let mut rewritten = Vec::new();
    let mut tables = Vec::new();
    let mut figures = 0;
    for (i, page) in pages.iter().enumerate() {
        let mut ctx = PageContext {
            page,
            values: &values_of[i],
            options,
            reader,
            figures: &mut figures,
        };
        let rewrite = rewrite_page(&mut ctx, &found[i], report, &mut diagnostics);
        if rewrite.has_verification {
            tables.push(rewritten.len());
        }
        if rewrite.touched || !found[i].is_empty() {
            report.chapters += 1;
        }
        rewritten.push((page.key.clone(), rewrite.content));
        report
            .numbers
            .extend(crate::coverage::numbers(&page.file, &page.content));
    }
    for check in &mut report.checks {
        if let Some(map) = maps.iter().find(|m| m.chapter() == check.file) {
            map.relocate_place(&mut check.file, &mut check.line);
        }
    }
    for number in &mut report.numbers {
        if let Some(map) = maps.iter().find(|m| m.chapter() == number.file) {
            map.relocate_place(&mut number.file, &mut number.line);
        }
    }
    for index in tables {
        let (key, content) = &mut rewritten[index];
        let table = render::verification_table(report, &to_root(key), reader.words);
        *content = put_tables(content, &table);
    }
    crate::finish(LineMap::relocate_all(&maps, diagnostics))?;
    // Cached only once every check of the stage held: a failed build leaves the cache alone.
    if let Some(pending) = evaluation.pending {
        pending.store(cache);
    }
    Ok(rewritten)
}

/// Stands for the verification table until every page has been checked.
const VERIFICATION_PLACEHOLDER: &str = "\u{0}coursebook-verification\u{0}";

/// `content` with each placeholder replaced by `table`, every line of which carries the
/// prefix of the block quote or list item where the placeholder stands.
fn put_tables(content: &str, table: &str) -> String {
    let mut out = String::with_capacity(content.len() + table.len());
    let mut from = 0;
    for (at, _) in content.match_indices(VERIFICATION_PLACEHOLDER) {
        out.push_str(&content[from..at]);
        out.push_str(&continue_lines(table, &container_prefix(content, at)));
        from = at + VERIFICATION_PLACEHOLDER.len();
    }
    out.push_str(&content[from..]);
    out
}

struct Rewrite {
    content: String,
    touched: bool,
    has_verification: bool,
}

/// What rewriting a page needs besides its blocks.
struct PageContext<'a> {
    page: &'a Page,
    values: &'a ChapterValues,
    options: &'a Options,
    reader: Reader,
    /// The number of the last figure shown so far in the book.
    figures: &'a mut u32,
}

fn rewrite_page(
    ctx: &mut PageContext<'_>,
    blocks: &[Block],
    report: &mut Report,
    diagnostics: &mut Diagnostics,
) -> Rewrite {
    let source = ctx.page.content.as_str();
    let mut splicer = Splicer::new();
    for (b, block) in blocks.iter().enumerate() {
        // The sujet shows no computation: the code that produced an answer is the answer.
        let view = if ctx.reader.is_sujet() {
            String::new()
        } else {
            blocks::reader_view(source, block, &block_anchor(b))
        };
        splicer.replace(block.range.clone(), view);
    }
    let found = scan(source, &DIRECTIVES);
    for range in &found.unterminated {
        diagnostics.push(
            Diagnostic::error("this directive is not closed with `}}` on the same line").at(
                &ctx.page.file,
                source,
                range.clone(),
            ),
        );
    }
    let places = Places::of(source);
    let mut rewriter = Rewriter {
        page: ctx.page,
        values: ctx.values,
        options: ctx.options,
        reader: ctx.reader,
        figures: &mut *ctx.figures,
        splicer,
        report,
        diagnostics,
        has_verification: false,
        checks: 0,
        questions: crate::coverage::questions(source),
    };
    for d in &found.directives {
        // The scanner finds only the names of DIRECTIVES.
        let Some(name) = directive::named(&NAMES, d.name) else {
            continue;
        };
        let place = places.at(d.range.start);
        if let Some((message, help)) = misplaced(name, place) {
            rewriter.error(d, message, Some(help));
            continue;
        }
        match name {
            Name::Check => rewriter.check(d, place),
            Name::Value => rewriter.value(d, place),
            Name::Figure => rewriter.figure(d),
            Name::Verification => rewriter.verification(d),
            // A number that is not a result (coverage.rs): shown as written.
            Name::NotAResult => rewriter.splicer.replace(d.range.clone(), d.args.to_owned()),
        }
    }
    let touched = !rewriter.splicer.is_empty();
    Rewrite {
        content: rewriter.splicer.apply(source),
        touched,
        has_verification: rewriter.has_verification,
    }
}

/// One page being rewritten: what it needs, and what it has done so far.
struct Rewriter<'a, 'r> {
    page: &'a Page,
    values: &'a ChapterValues,
    options: &'a Options,
    reader: Reader,
    /// The number of the last figure shown so far in the book.
    figures: &'r mut u32,
    splicer: Splicer,
    report: &'r mut Report,
    diagnostics: &'r mut Diagnostics,
    has_verification: bool,
    /// How many checks the page holds so far: the next one's anchor.
    checks: usize,
    /// The questions of the page, for the checks' report.
    questions: Vec<(usize, u32)>,
}

impl Rewriter<'_, '_> {
    fn source(&self) -> &str {
        &self.page.content
    }

    fn error(&mut self, d: &Directive<'_>, message: String, help: Option<&str>) {
        let mut e = Diagnostic::error(message).at(&self.page.file, self.source(), d.range.clone());
        if let Some(help) = help {
            e = e.note(help);
        }
        self.diagnostics.push(e);
    }

    /// `text` replacing `d`; a replacement of several lines continues the block quote or list
    /// item it is in.
    fn replace_block(&mut self, d: &Directive<'_>, text: &str) {
        let text = continue_lines(text, &container_prefix(self.source(), d.range.start));
        self.splicer.replace(d.range.clone(), text);
    }

    /// `{{#figure NAME}}`: the published figure, numbered, with its caption.
    fn figure(&mut self, d: &Directive<'_>) {
        let found = figure_args(d.args).and_then(|args| {
            let figure = match lookup(self.values, &args.path)? {
                Value::Figure(f) => f,
                other => {
                    return Err(format!(
                        "`{}` is {}, not a figure",
                        args.path,
                        compare::kind(&other)
                    ))
                }
            };
            Ok((checked_figure(figure, &args.path)?, args))
        });
        match found {
            Ok((figure, args)) => {
                let number = args.number.unwrap_or(*self.figures + 1);
                *self.figures = number;
                let html = render::figure(&figure, number, &args.caption, self.reader.words);
                self.replace_block(d, &html);
            }
            Err(message) => self.error(d, message, None),
        }
    }

    /// `{{#verification}}`: a placeholder for the table of every check of the book, filled
    /// once every page is checked. The sujet leaves it out: it lists every answer.
    fn verification(&mut self, d: &Directive<'_>) {
        if self.reader.is_sujet() {
            self.splicer.replace(d.range.clone(), "");
        } else {
            self.has_verification = true;
            self.replace_block(d, &format!("\n\n{VERIFICATION_PLACEHOLDER}\n\n"));
        }
    }

    /// `{{#value NAME}}`: the computed value, as text or inside a formula.
    fn value(&mut self, d: &Directive<'_>, place: Place) {
        let found = Show::parse(d.args)
            .map_err(|e| e.0)
            .and_then(|show| lookup(self.values, &show.path).map(|p| (show, p)));
        let (show, published) = match found {
            Ok(found) => found,
            Err(message) => return self.error(d, message, None),
        };
        let style = Style::of_book(self.options.french, self.options.decimal);
        let text = format_value(&published, style, show.digits);
        if place != Place::Math {
            let html = render::value(&text, &show.path.to_string(), self.reader);
            self.splicer.replace(d.range.clone(), html);
        } else if is_finite_number(&published) {
            self.splicer
                .replace(d.range.clone(), render::number_in_math(&text));
        } else {
            let message = format!(
                "`{}` is {}: only a number can be shown inside a formula",
                show.path,
                compare::kind(&published)
            );
            self.error(d, message, None);
        }
    }

    /// `{{#check NAME = WRITTEN}}`: the written answer, compared with the computed value,
    /// recorded for the report, and shown with its proof in the corrigé.
    fn check(&mut self, d: &Directive<'_>, place: Place) {
        let anchor = format!("cb-check-{}", self.checks);
        self.checks += 1;
        let claim = match Claim::parse_in(d.args, self.options.locale) {
            Ok(claim) => claim,
            Err(e) => return self.error(d, format!("malformed check: {e}"), None),
        };
        let site = CheckSite {
            range: d.range.clone(),
            args: d.args,
            anchor,
            question: crate::coverage::question_at(&self.questions, d.range.start),
        };
        let source = self.page.content.as_str();
        let (record, block, plain) =
            check(self.page, source, site, &claim, self.values, self.options);
        if let Some(problem) = &record.problem {
            self.diagnostics.push(mismatch(
                self.page,
                source,
                d.range.clone(),
                &claim,
                &record,
                plain.as_deref(),
                problem,
            ));
        }
        let (range, shown) = match place {
            Place::Heading | Place::LinkText => {
                (d.range.clone(), render::check_plain(&record, self.reader))
            }
            _ => {
                let suffix = render::word_suffix(&source[d.range.end..]);
                (
                    d.range.start..d.range.end + suffix.len(),
                    render::check(&record, suffix, block.as_deref(), self.reader),
                )
            }
        };
        self.splicer.replace(range, shown);
        self.report.checks.push(record);
    }
}

/// Where a check stands in its page.
struct CheckSite<'a> {
    range: std::ops::Range<usize>,
    /// The directive's arguments, as written (`scores[0] = 0,46`).
    args: &'a str,
    anchor: String,
    /// The question above it.
    question: Option<u32>,
}

/// Why directive `name` cannot stand at `place`, with a hint: inside a formula only a value
/// can (as TeX); a figure or the verification table is a block, which a heading or a link's
/// text cannot hold.
fn misplaced(name: Name, place: Place) -> Option<(String, &'static str)> {
    let spelled = NAMES
        .iter()
        .find(|(_, n)| *n == name)
        .map_or("", |(s, _)| *s);
    match (name, place) {
        // `{{#n …}}` is the author's own text, marked as no result: it stands anywhere.
        (Name::Value | Name::NotAResult, _)
        | (_, Place::Text)
        | (Name::Check, Place::Heading | Place::LinkText) => None,
        (_, Place::Math) => Some((
            format!("a {spelled} cannot stand inside a formula"),
            "help: close the formula before the directive: `$n$ = {{#check n = 82}}`",
        )),
        (_, Place::Heading | Place::LinkText) => Some((
            format!("a {spelled} cannot stand in a heading or in a link's text"),
            "help: put it in a paragraph of its own",
        )),
    }
}

/// Whether `value` is a number that can be typeset inside a formula.
fn is_finite_number(value: &Value) -> bool {
    match value {
        Value::Int(_) => true,
        Value::Float(x) => x.is_finite(),
        _ => false,
    }
}

/// Checks one claim; returns its record (the computed value as the page shows it), the anchor
/// of the block that published the value, and the computed value as diagnostics show it
/// (Rust's digits, without the page's typography).
fn check(
    page: &Page,
    source: &str,
    place: CheckSite<'_>,
    claim: &Claim,
    values: &ChapterValues,
    options: &Options,
) -> (CheckRecord, Option<String>, Option<String>) {
    let CheckSite {
        range,
        args,
        anchor,
        question,
    } = place;
    let french = options.french;
    let (line, column) = common::diagnostic::line_column(source, range.start);
    let rule = Rule::of(&claim.written, claim.tolerance);
    let published = values.get(&claim.path.name);
    let value = lookup(values, &claim.path);
    let problem = match &value {
        Ok(v) => compare::compare(&claim.written, claim.tolerance, v)
            .err()
            .map(|m| m.reason),
        Err(message) => Some(message.clone()),
    };
    // The computed value is shown like the written one: same decimal separator, two more digits.
    let comma =
        claim.text.contains(';') || (!claim.text.starts_with('[') && claim.text.contains(','));
    let decimal = if comma { ',' } else { '.' };
    let digits = max_decimals(&claim.written).map(|d| d as usize + 2);
    let fix = problem.as_ref().map(|_| {
        let raw = crate::fix::written_range(args).map_or("", |r| &args[r]);
        crate::fix::propose(raw, claim, value.as_ref().ok(), options.locale)
    });
    let record = CheckRecord {
        file: page.file.clone(),
        line,
        column,
        page: page_of(&page.key),
        anchor,
        expression: claim.path.to_string(),
        written: claim.text.clone(),
        computed: value
            .as_ref()
            .ok()
            .map(|v| format_value(v, Style::of_book(french, decimal), digits)),
        rule: rule.describe(french),
        holds: problem.is_none(),
        problem,
        published_at: published.map(|p| format!("{}:{}", page.file, p.line)),
        question,
        fix,
    };
    let plain = value
        .ok()
        .map(|v| format_value(&v, Style::Plain(decimal), digits));
    (record, published.map(|p| block_anchor(p.block)), plain)
}

/// The most decimals written in a value, `None` when no number is written.
fn max_decimals(written: &crate::written::Written) -> Option<u32> {
    use crate::written::Written;
    match written {
        Written::Number { decimals, .. } => Some(*decimals),
        Written::List(items) => items.iter().filter_map(max_decimals).max(),
        _ => None,
    }
}

fn mismatch(
    page: &Page,
    source: &str,
    range: std::ops::Range<usize>,
    claim: &Claim,
    record: &CheckRecord,
    computed: Option<&str>,
    problem: &str,
) -> Diagnostic {
    let message = if computed.is_some() {
        "the written answer does not match the computation"
    } else {
        "this answer cannot be checked"
    };
    let mut d = Diagnostic::error(message)
        .at(&page.file, source, range)
        .note(format!("written: {}", claim.text));
    if let Some(computed) = computed {
        d = d.note(format!(
            "computed: {} = {}",
            record.expression,
            crate::format::printable(computed)
        ));
    }
    if let Some(at) = &record.published_at {
        d = d.note(format!("published at {at}"));
    }
    d.note(format!(
        "rule: {}",
        Rule::of(&claim.written, claim.tolerance).describe(false)
    ))
    .note(problem.to_owned())
}

/// The value at `path`, or a message saying why there is none.
fn lookup(values: &ChapterValues, path: &ValuePath) -> Result<Value, String> {
    let Some(Published { value, .. }) = values.get(&path.name) else {
        let known: Vec<&str> = values.keys().map(String::as_str).collect();
        return Err(if known.is_empty() {
            format!(
                "unknown name `{}`: no block of this chapter publishes anything",
                path.name
            )
        } else {
            format!(
                "unknown name `{}`: this chapter publishes {}",
                path.name,
                known.join(", ")
            )
        });
    };
    let mut current = value;
    let mut walked = path.name.clone();
    for &index in &path.indices {
        match current {
            Value::List(items) => match items.get(index) {
                Some(item) => current = item,
                None => {
                    return Err(format!(
                        "index {index} is out of range: `{walked}` has {} item(s)",
                        items.len()
                    ))
                }
            },
            other => {
                return Err(format!(
                    "`{walked}` is {}, it has no items to index",
                    compare::kind(other)
                ))
            }
        }
        walked.push_str(&format!("[{index}]"));
    }
    Ok(current.clone())
}

/// For whom the stage renders the pages of `options`' book.
fn reader(options: &Options) -> Reader {
    Reader {
        words: common::words::Words {
            french: options.french,
        },
        edition: options.edition,
    }
}

fn block_anchor(block: usize) -> String {
    format!("cb-block-{block}")
}

/// The arguments of `{{#figure NAME caption="…" number=N}}`.
struct FigureArgs {
    path: ValuePath,
    caption: String,
    number: Option<u32>,
}

fn figure_args(args: &str) -> Result<FigureArgs, String> {
    use common::args::{tokenize, Arg};
    let mut path = None;
    let mut caption = String::new();
    let mut number = None;
    for arg in tokenize(args)? {
        match arg {
            Arg::Bare(name) if path.is_none() => {
                path = Some(ValuePath::parse(&name).map_err(|e| e.0)?)
            }
            Arg::Pair(key, value) if key == "caption" => caption = value,
            Arg::Pair(key, value) if key == "number" => {
                number = Some(value.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("`number={value}`: a figure number is a whole number from 1")
                })?)
            }
            Arg::Bare(word) => {
                return Err(format!(
                    "unexpected `{word}`: write {{{{#figure NAME caption=\"…\"}}}}"
                ))
            }
            Arg::Pair(key, _) => {
                return Err(format!("unknown argument `{key}` (known: caption, number)"))
            }
        }
    }
    let path = path.ok_or("a figure directive names the published figure: {{#figure NAME}}")?;
    Ok(FigureArgs {
        path,
        caption,
        number,
    })
}

/// A figure must stay small, and an SVG is held to an allow-list (no script, no handler, no
/// `javascript:`): a page shows it inline. Returns the figure as the page may show it.
fn checked_figure(
    figure: coursebook_notebook::figure::Figure,
    path: &ValuePath,
) -> Result<coursebook_notebook::figure::Figure, String> {
    use crate::svg::sanitized_svg;
    use coursebook_notebook::figure::{FigureFormat, MAX_FIGURE_BYTES};
    if figure.size() > MAX_FIGURE_BYTES {
        return Err(format!(
            "figure `{path}` weighs {} KB, above the {} KB limit",
            figure.size() / 1024,
            MAX_FIGURE_BYTES / 1024
        ));
    }
    if figure.format == FigureFormat::Png {
        // Figure's fields are public: a block may build one by hand, not through base64().
        let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
        if !figure.data.chars().all(base64) {
            return Err(format!(
                "figure `{path}`: a PNG figure's data is not base64"
            ));
        }
        return Ok(figure);
    }
    let data = sanitized_svg(&figure.data).map_err(|why| format!("figure `{path}`: {why}"))?;
    Ok(coursebook_notebook::figure::Figure { data, ..figure })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A statement whose data are shown and whose answers are checked, in a block quote, a
    /// heading and prose, with the book's verification table.
    const STATEMENT: &str = "# Q6\n\n```rust,compute,hidden\nlet secret_code = 1;\npublish!(total = 82, rate = 0.4573, width = 200);\n```\n\nLargeur : {{#value width}}.\n\n> Total : {{#check total = 82}}<sup>e</sup>, taux {{#check rate = 0,46}}.\n\n## Bilan {{#check total = 82}}\n\n{{#verification}}\n";

    /// `STATEMENT` rewritten for the edition that book.toml's exam table names.
    fn rendered(edition: &str) -> String {
        let toml =
            format!("[book]\nlanguage = \"fr\"\n[preprocessor.exam]\nedition = \"{edition}\"\n");
        let ctx = mdbook_preprocessor::PreprocessorContext::new(
            "/book".into(),
            toml.parse().expect("valid TOML"),
            "html".into(),
        );
        let options = Options::from_context(&ctx, "compute").expect("valid options");
        let page = Page {
            key: "q6.md".into(),
            file: "src/q6.md".into(),
            content: STATEMENT.into(),
        };
        let published = |value: Value| Published {
            value,
            block: 0,
            line: 5,
        };
        let values: ChapterValues = [
            ("total", published(Value::Int(82i64.into()))),
            ("rate", published(Value::Float(0.4573))),
            ("width", published(Value::Int(200i64.into()))),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
        let mut figures = 0;
        let mut ctx = PageContext {
            page: &page,
            values: &values,
            options: &options,
            reader: reader(&options),
            figures: &mut figures,
        };
        let blocks = blocks::find(STATEMENT);
        let (mut report, mut diagnostics) = (Report::default(), Diagnostics::new());
        let rewrite = rewrite_page(&mut ctx, &blocks, &mut report, &mut diagnostics);
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        assert_eq!(report.checks.len(), 3, "both editions check every answer");
        rewrite.content
    }

    #[test]
    fn the_sujet_shows_answers_as_written_and_no_trace_of_the_computation() {
        let (corrige, sujet) = (rendered("corrige"), rendered("sujet"));
        // What the corrigé shows of the computation: the proof, its mark, the computed value at
        // more digits, the code, the origin of a shown value, the verification table.
        let traces = [
            "cb-check",
            "cb-proof",
            "\u{2713}",
            "0,4573",
            "secret_code",
            "cb-block",
            "calculé",
            VERIFICATION_PLACEHOLDER,
        ];
        for trace in traces {
            assert!(
                corrige.contains(trace),
                "the corrigé shows {trace:?}: {corrige}"
            );
            assert!(!sujet.contains(trace), "the sujet shows {trace:?}: {sujet}");
        }
        assert_eq!(
            sujet,
            "# Q6\n\n\n\nLargeur : <span class=\"cb-value\">200</span>.\n\n> Total : 82<sup>e</sup>, taux 0,46.\n\n## Bilan 82\n\n\n"
        );
    }

    #[test]
    fn the_verification_table_stays_in_its_block_quote() {
        let content = format!("> Bilan :\n>\n> {VERIFICATION_PLACEHOLDER}\n>\n> Fin.\n");
        assert_eq!(
            put_tables(&content, "<table>\n<tr></tr>\n</table>\n"),
            "> Bilan :\n>\n> <table>\n> <tr></tr>\n> </table>\n>\n>\n> Fin.\n"
        );
    }

    #[test]
    fn blocks_are_refused_where_only_inline_text_fits() {
        for place in [Place::Text, Place::Heading, Place::LinkText, Place::Math] {
            assert_eq!(misplaced(Name::Value, place), None, "{place:?}");
        }
        assert_eq!(misplaced(Name::Check, Place::Heading), None);
        assert_eq!(misplaced(Name::Check, Place::LinkText), None);
        let (message, _) = misplaced(Name::Check, Place::Math).unwrap();
        assert_eq!(message, "a check cannot stand inside a formula");
        let (message, _) = misplaced(Name::Figure, Place::Heading).unwrap();
        assert_eq!(
            message,
            "a figure cannot stand in a heading or in a link's text"
        );
        assert!(misplaced(Name::Verification, Place::LinkText).is_some());
        assert_eq!(misplaced(Name::Figure, Place::Text), None);
    }
}
