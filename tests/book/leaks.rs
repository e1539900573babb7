//! The leak scan of the sujet, derived from the build: every check that stands inside an
//! answer or a note gives the tokens a student must not find in the exam paper (its written
//! text, and the computed value at the written precision with both decimal separators), and
//! every file of the built sujet is searched for them as whole tokens.
//!
//! A token is allowed where it stands in the statement of the check's question: the source of
//! the exam's chapters outside answers, notes and code blocks, in reading order up to that
//! question's statement included, with `{{#value}}` shown as the corrigé shows it and
//! `{{#question N}}` as its heading. A one-character integer is too common to mean anything,
//! and so is a two-character integer that some statement of the exam shows (a question
//! number, a figure's datum), and so is a digit with one decimal (`0,5`, an axis tick).

use common::directive::{code_ranges, scan};
use coursebook_compute::Report;
use exam::structure::{parse_page, Page, PageExam};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One token a student must not meet, and the check it comes from.
#[derive(Debug, Clone)]
pub(crate) struct Needle {
    pub token: String,
    pub question: u32,
    /// `src/partie2.md:71`, for the report.
    pub check: String,
}

/// A token found in the sujet where it is not allowed.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub file: String,
    pub token: String,
    pub check: String,
    pub context: String,
}

impl std::fmt::Display for Hit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: `{}` (check at {}) in « {} »",
            self.file, self.token, self.check, self.context
        )
    }
}

/// The exam as the sources write it: each chapter with its parsed structure, in reading order.
pub(crate) struct Sources {
    pages: Vec<(Page, PageExam)>,
    /// Shown values of the corrigé: expression → texts (`keys[0]` → `[0; 1]`).
    values: HashMap<String, BTreeSet<String>>,
}

impl Sources {
    /// Reads the chapters SUMMARY.md lists under `root/src`, and the shown values of the built
    /// corrigé at `corrige`.
    pub(crate) fn read(root: &Path, corrige: &Path) -> Sources {
        let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
        let mut pages = Vec::new();
        for (i, rel) in summary_links(&summary).into_iter().enumerate() {
            let content = std::fs::read_to_string(root.join("src").join(&rel)).unwrap();
            let page = Page {
                key: PathBuf::from(&rel),
                file: format!("src/{rel}"),
                content,
            };
            let mut diagnostics = common::Diagnostics::new();
            let exam = parse_page(&page, i, &mut diagnostics);
            assert!(!diagnostics.has_errors(), "{diagnostics}");
            pages.push((page, exam));
        }
        Sources {
            pages,
            values: shown_values(corrige),
        }
    }

    /// The tokens of every check inside an answer or a note.
    pub(crate) fn needles(&self, report: &Report) -> Vec<Needle> {
        let mut needles = Vec::new();
        for record in &report.checks {
            let Some((page, exam)) = self.pages.iter().find(|(p, _)| p.file == record.file) else {
                continue;
            };
            let at = offset(&page.content, record.line, record.column);
            let Some(block) = exam
                .blocks
                .iter()
                .find(|b| b.open.start <= at && at < b.close.end)
            else {
                continue;
            };
            let Some(question) = block.question else {
                continue;
            };
            let check = format!("{}:{}", record.file, record.line);
            for token in tokens_of(&record.written, record.computed.as_deref()) {
                needles.push(Needle {
                    token,
                    question,
                    check: check.clone(),
                });
            }
        }
        needles
    }

    /// The statement text a student has read up to question `n` included (see the module's
    /// documentation), and the statement text of the whole exam.
    pub(crate) fn statements(&self) -> (HashMap<u32, String>, String) {
        let mut read = String::new();
        let mut upto = HashMap::new();
        for (page, exam) in self.pages.iter().filter(|(_, e)| !e.questions.is_empty()) {
            let source = page.content.as_str();
            let hidden = hidden_ranges(source, exam);
            let mut cuts: Vec<(usize, Option<u32>)> = exam
                .questions
                .iter()
                .skip(1)
                .map(|q| (q.range.start, Some(q.number - 1)))
                .collect();
            let last = exam.questions.last().map(|q| q.number);
            cuts.push((source.len(), last));
            let mut from = 0;
            for (to, question) in cuts {
                read.push_str(&self.visible(&source[from..to], from, &hidden));
                if let Some(n) = question {
                    upto.insert(n, read.clone());
                }
                from = to;
            }
        }
        (upto, read)
    }

    /// `text` (starting at byte `base` of its chapter) without the `hidden` ranges, its
    /// directives replaced by what they show.
    fn visible(&self, text: &str, base: usize, hidden: &[std::ops::Range<usize>]) -> String {
        let mut kept = String::new();
        for (i, c) in text.char_indices() {
            if !hidden.iter().any(|r| r.contains(&(base + i))) {
                kept.push(c);
            }
        }
        let found = scan(&kept, &["value", "question"]);
        let mut out = String::new();
        let mut at = 0;
        for d in &found.directives {
            out.push_str(&kept[at..d.range.start]);
            match d.name {
                "question" => {
                    let n = d.args.split_whitespace().next().unwrap_or("");
                    out.push_str(&format!(" Question {n} "));
                }
                _ => {
                    let expr = d.args.split_whitespace().next().unwrap_or("");
                    for shown in self.values.get(expr).into_iter().flatten() {
                        out.push_str(&format!(" {shown} "));
                    }
                }
            }
            at = d.range.end;
        }
        out.push_str(&kept[at..]);
        out
    }
}

/// Answers, notes, rubrics, `{{#corrige-only}}` blocks and fenced code blocks: what the
/// statement of a question does not show.
fn hidden_ranges(source: &str, exam: &PageExam) -> Vec<std::ops::Range<usize>> {
    let mut hidden: Vec<_> = exam
        .blocks
        .iter()
        .map(|b| b.open.start..b.close.end)
        .collect();
    hidden.extend(
        exam.only
            .blocks
            .iter()
            .filter(|b| b.edition == exam::Edition::Corrige)
            .map(|b| b.open.start..b.close.end),
    );
    hidden.extend(
        code_ranges(source)
            .into_iter()
            .filter(|r| source[r.clone()].trim_start().starts_with(['`', '~'])),
    );
    hidden
}

/// The `.md` files SUMMARY.md links, in order.
fn summary_links(summary: &str) -> Vec<String> {
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|link| link.ends_with(".md"))
        .map(str::to_owned)
        .collect()
}

/// The byte offset of a 1-based line and column (in characters).
fn offset(source: &str, line: usize, column: usize) -> usize {
    let start: usize = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &source[start..];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// The texts of `{{#value}}` in the corrigé's pages, by expression.
fn shown_values(corrige: &Path) -> HashMap<String, BTreeSet<String>> {
    let mut values: HashMap<String, BTreeSet<String>> = HashMap::new();
    let marker = "<span class=\"cb-value\" title=\"";
    for file in files(corrige, "html") {
        let html = std::fs::read_to_string(&file).unwrap();
        for (i, _) in html.match_indices(marker) {
            let rest = &html[i + marker.len()..];
            let Some((title, rest)) = rest.split_once("\">") else {
                continue;
            };
            let Some((text, _)) = rest.split_once("</span>") else {
                continue;
            };
            // `calculé : keys[0]` (French) or `computed: keys[0]`.
            let expr = title.split_once(": ").map_or(title, |(_, e)| e.trim());
            values.entry(decode(expr)).or_default().insert(decode(text));
        }
    }
    values
}

/// What a check gives away: its written text, each number of it, and the computed value at
/// the written precision, with both decimal separators.
pub(crate) fn tokens_of(written: &str, computed: Option<&str>) -> BTreeSet<String> {
    // A French book's computed values group digits with U+202F (« 30 000 ») and write U+2212:
    // one number, as the checker reads it.
    let computed = computed.map(|c| c.replace('\u{202f}', "").replace('\u{2212}', "-"));
    let computed = computed.as_deref();
    let mut tokens = BTreeSet::new();
    let written = written.split('±').next().unwrap_or("").trim();
    if ["vrai", "faux", "true", "false"].contains(&written) {
        // A truth value says nothing out of the sentence that holds it.
        return tokens;
    }
    let numbers = numbers_in(written);
    if numbers.is_empty() {
        tokens.insert(written.to_owned());
        if let Some(c) = computed {
            tokens.insert(c.trim().trim_matches('"').to_owned());
        }
    } else {
        if numbers.len() == 1 || written.starts_with('[') {
            tokens.insert(written.trim_end_matches('%').trim().to_owned());
        }
        let computed = computed.map(numbers_in).unwrap_or_default();
        for (i, n) in numbers.iter().enumerate() {
            tokens.insert(n.clone());
            if let Some(value) = computed.get(i).and_then(|c| parse(c)) {
                let decimals = n.split([',', '.']).nth(1).map_or(0, str::len);
                tokens.insert(format!("{value:.decimals$}"));
            }
        }
    }
    let mut both = BTreeSet::new();
    for t in tokens.into_iter().filter(|t| !t.is_empty()) {
        both.insert(normalize(&t.replace('.', ",")));
        both.insert(normalize(&t.replace(',', ".")));
        both.insert(normalize(&t));
    }
    both
}

/// The numbers of a written value: `-0,2`, `30000`, `0.46`.
fn numbers_in(text: &str) -> Vec<String> {
    let text = normalize(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let signed = chars[i] == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if chars[i].is_ascii_digit() || signed {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (matches!(chars[i], ',' | '.')
                        && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            i += 1;
        }
    }
    out
}

fn parse(number: &str) -> Option<f64> {
    number.replace(',', ".").parse().ok()
}

/// One spelling for what reads the same: U+2212 is a minus, no-break spaces are spaces.
pub(crate) fn normalize(text: &str) -> String {
    text.replace('\u{2212}', "-")
        .replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ")
}

/// Byte offsets where `token` stands in `text` as a whole token: not inside a word or a
/// number (a sign or a decimal separator between digits is part of the number).
pub(crate) fn find_token(text: &str, token: &str) -> Vec<usize> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices(token) {
        let before = text[..i].chars().rev().take(2).collect::<Vec<_>>();
        let after = text[i + token.len()..].chars().take(2).collect::<Vec<_>>();
        let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
        let digit = |c: Option<&char>| c.is_some_and(char::is_ascii_digit);
        let sep = |c: Option<&char>| c.is_some_and(|c| matches!(c, ',' | '.'));
        let starts_with_digit = token.chars().next().is_some_and(|c| c.is_ascii_digit());
        let ends_with_digit = token.chars().last().is_some_and(|c| c.is_ascii_digit());
        let glued_before = word(before.first())
            || (starts_with_digit && sep(before.first()) && digit(before.get(1)))
            || (starts_with_digit && matches!(before.first(), Some('-' | '\u{2212}')));
        let glued_after =
            word(after.first()) || (ends_with_digit && sep(after.first()) && digit(after.get(1)));
        if !glued_before && !glued_after {
            found.push(i);
        }
    }
    found
}

/// What a reader of each file of the sujet can see: page text with alt, title and aria-label
/// attributes; the texts of the search index; the sidebar's table of contents; the files the
/// book's `src/` gives (`src` holds them: mdBook copies them as they are); the PDF's text.
/// The rest is the theme's and mdBook's code, fonts and styles.
pub(crate) fn readable_files(
    sujet: &Path,
    src: &Path,
    pdf: Option<&Path>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in walkdir::WalkDir::new(sujet)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
    {
        let path = file.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let rel = path.strip_prefix(sujet).unwrap().display().to_string();
        let text = if name.ends_with(".html") || name.ends_with(".svg") {
            html_text(&std::fs::read_to_string(path).unwrap())
        } else if name.starts_with("searchindex") && name.ends_with(".json") {
            json_strings(&std::fs::read_to_string(path).unwrap())
        } else if name.starts_with("searchindex") && name.ends_with(".js") {
            let js = std::fs::read_to_string(path).unwrap();
            let json = js
                .split_once("JSON.parse('")
                .and_then(|(_, rest)| rest.rsplit_once("')"))
                .map(|(json, _)| json.replace("\\'", "'").replace("\\\\", "\\"))
                .unwrap_or(js);
            json_strings(&json)
        } else if name.starts_with("toc") && name.ends_with(".js") {
            // The sidebar's outline is one HTML string in the script.
            let js = std::fs::read_to_string(path).unwrap();
            let outline = js
                .split_once("innerHTML = '")
                .and_then(|(_, rest)| rest.split_once("';"))
                .map_or("", |(html, _)| html);
            html_text(&outline.replace("\\'", "'"))
        } else if src.join(&rel).is_file() {
            match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(_) => continue, // an image: no text to read
            }
        } else {
            continue;
        };
        out.push((rel, normalize(&text)));
    }
    if let Some(pdf) = pdf {
        let text = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) reads the PDF");
        assert!(
            text.status.success(),
            "pdftotext failed on {}",
            pdf.display()
        );
        let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
        out.push((
            name,
            normalize(&String::from_utf8_lossy(&text.stdout)).replace('\u{c}', "\n"),
        ));
    }
    out
}

/// Text content and the alt, title and aria-label attributes of an HTML page; scripts and
/// styles are code, not text.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode(&rest[..open]));
        let tag_end = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
        let tag = &rest[open..tag_end];
        for attr in ["alt=\"", "title=\"", "aria-label=\""] {
            for (i, _) in tag.match_indices(attr) {
                let value = &tag[i + attr.len()..];
                let value = &value[..value.find('"').unwrap_or(value.len())];
                out.push_str(&format!(" {} ", decode(value)));
            }
        }
        out.push(' ');
        rest = &rest[tag_end..];
        for raw in ["script", "style"] {
            if tag.starts_with(&format!("<{raw}")) {
                let close = format!("</{raw}>");
                rest = rest.find(&close).map_or("", |i| &rest[i..]);
            }
        }
    }
    out.push_str(&decode(rest));
    out
}

fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Every string of a JSON document (the search index's titles and bodies), keys excepted.
fn json_strings(json: &str) -> String {
    fn walk(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            // A document's `id` is a number written as a string, not text.
            serde_json::Value::Object(map) => map
                .iter()
                .filter(|(k, _)| *k != "id")
                .for_each(|(_, v)| walk(v, out)),
            _ => {}
        }
    }
    let value: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("search index is not JSON: {e}"));
    let mut out = String::new();
    walk(&value, &mut out);
    out
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// Every place where a token of `needles` stands in `files` without being allowed.
pub(crate) fn hits(sources: &Sources, needles: &[Needle], files: &[(String, String)]) -> Vec<Hit> {
    let (statements, all) = sources.statements();
    let all = normalize(&all);
    let mut hits = Vec::new();
    for needle in needles {
        let token = &needle.token;
        let integer = token.chars().all(|c| c.is_ascii_digit());
        if (integer && token.len() == 1) || is_tenth(token) {
            continue;
        }
        if integer && token.len() == 2 && !find_token(&all, token).is_empty() {
            continue;
        }
        let statement = normalize(statements.get(&needle.question).map_or("", String::as_str));
        if !find_token(&statement, token).is_empty() {
            continue;
        }
        for (file, text) in files {
            for at in find_token(text, token) {
                hits.push(Hit {
                    file: file.clone(),
                    token: token.clone(),
                    check: needle.check.clone(),
                    context: context(text, at, token.len()),
                });
            }
        }
    }
    hits
}

/// `0,5`, `2.0`, `-0,2`: a digit and a tenth, as common as a one-digit integer (an axis
/// tick, a datum of the statement).
fn is_tenth(token: &str) -> bool {
    let digits = token.trim_start_matches('-').as_bytes();
    digits.len() == 3
        && digits[0].is_ascii_digit()
        && matches!(digits[1], b',' | b'.')
        && digits[2].is_ascii_digit()
}

fn context(text: &str, at: usize, len: usize) -> String {
    let mut start = at.saturating_sub(50);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + len + 50).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn tokens_are_whole_and_numbers_read_both_ways() {
    assert_eq!(find_token("total 82 paramètres", "82"), vec![6]);
    assert!(find_token("0,823 et 182 et x82", "82").is_empty());
    assert!(find_token("−0,2", "0,2").is_empty() && find_token("-0,2", "0,2").is_empty());
    assert_eq!(find_token("[0,46; 0,17]", "0,46"), vec![1]);
    assert!(find_token("0,46", "0,4").is_empty());
    let t = tokens_of("[0,46; 0,17; 0,37]", Some("[0,4573; 0,1698; 0,3729]"));
    for want in ["0,46", "0.46", "0,17", "0.37", "[0,46; 0,17; 0,37]"] {
        assert!(t.contains(want), "{want} not in {t:?}");
    }
    assert!(tokens_of("82", Some("82")).contains("82"));
    // A computed value grouped as a French page shows it is one number, not « 30 » and « 000 ».
    let t = tokens_of("30000", Some("30\u{202f}000"));
    assert!(!t.contains("30") && t.contains("30000"), "{t:?}");
    assert!(tokens_of("-0,2", Some("\u{2212}0,20")).contains("-0,2"));
    assert!(tokens_of("many-to-one", Some("\"many-to-one\"")).contains("many-to-one"));
}
