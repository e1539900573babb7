//! `coursebook check --fix`: rewrites each failing written answer to the computed value, in the
//! form the author wrote it (decimals, separators, grouping, `%`, list punctuation), as
//! `cargo fix` rewrites code.
//!
//! Only the written part of a `{{#check}}` changes; everything else of the file is kept byte for
//! byte (line endings, non-ASCII text, code blocks). A fix is refused, with the reason, where
//! the written form cannot carry the new value:
//!
//! - a string that changed: a sentence of the prose may depend on it;
//! - a boolean that changed: `vrai`/`faux` is the truth of the claim the sentence around it
//!   makes (« Dire qu’il a besoin des mots qui le suivent est {{#check … = faux}} »); flipping
//!   it would not rewrite the sentence, so the author rereads it;
//! - a tolerance (`± 0,01`): the author chose the margin for the value written;
//! - a list whose length changed, a value whose kind changed, a name that is not published.

use crate::claim::{Claim, Tolerance};
use crate::compare::compare;
use crate::report::CheckRecord;
use crate::written::{list_item_ranges, Locale, NumberForm, Written};
use common::directive::scan;
use common::{Diagnostic, Diagnostics};
use coursebook_notebook::notebook::Value;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// What `--fix` would do to one failing check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Replace the written text `old` (as it stands in the source) with `new`.
    Replace {
        /// The written text.
        old: String,
        /// The computed value, written in the same form.
        new: String,
    },
    /// The written form cannot carry the computed value, for this reason.
    Refuse(String),
}

/// One rewrite made in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The Markdown file, relative to the book root.
    pub file: String,
    /// The 1-based line of the check.
    pub line: usize,
    /// The written value before.
    pub old: String,
    /// The computed value, in the same form.
    pub new: String,
}

impl std::fmt::Display for Change {
    /// `src/partie2.md:88: 0,46 -> 0,52`, as `check --fix` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} -> {}",
            self.file, self.line, self.old, self.new
        )
    }
}

/// The byte range, inside a check's arguments (`scores[0] = 0,46 ± 0,01`), of what is
/// written (`0,46`).
pub fn written_range(args: &str) -> Option<Range<usize>> {
    let eq = args.find('=')? + 1;
    let end = args[eq..].find('±').map_or(args.len(), |i| eq + i);
    let text = &args[eq..end];
    let start = eq + (text.len() - text.trim_start().len());
    let end = eq + text.trim_end().len();
    Some(start..end.max(start))
}

/// The fix of a claim that does not hold: `raw` is its written text as it stands in the
/// source, `computed` the value (`None` when there is none).
pub fn propose(raw: &str, claim: &Claim, computed: Option<&Value>, locale: Locale) -> Fix {
    let Some(value) = computed else {
        return Fix::Refuse("there is no computed value to write".into());
    };
    if claim.tolerance != Tolerance::Digits {
        return Fix::Refuse(
            "the answer is written with a tolerance (`±`), which was chosen for the value written; \
             rewrite it by hand"
                .into(),
        );
    }
    match rewrite(raw, &claim.written, value, locale) {
        Ok(new) if new != raw => Fix::Replace {
            old: raw.to_owned(),
            new,
        },
        Ok(_) => Fix::Refuse("the value written already reads as the computed one".into()),
        Err(reason) => Fix::Refuse(reason),
    }
}

/// `raw` (read as `written`) rewritten to hold `value`, items that already hold left as written.
fn rewrite(raw: &str, written: &Written, value: &Value, locale: Locale) -> Result<String, String> {
    if compare(written, Tolerance::Digits, value).is_ok() {
        return Ok(raw.to_owned());
    }
    match (written, value) {
        (Written::Number { .. }, Value::Int(_) | Value::Float(_)) => NumberForm::of(raw, locale)
            .ok_or_else(|| format!("`{raw}` is not a number this tool can rewrite"))?
            .render(value),
        (Written::List(items), Value::List(values)) if items.len() != values.len() => Err(format!(
            "the list written has {} item(s) and the computed one {}: rewrite it by hand",
            items.len(),
            values.len()
        )),
        (Written::List(items), Value::List(values)) => rewrite_list(raw, items, values, locale),
        (Written::Str(_), Value::Str(s)) => Err(format!(
            "a string is not rewritten: the computation gives \"{}\"; check the sentence \
             around it and write it by hand",
            crate::format::printable(s)
        )),
        (Written::Bool(_), Value::Bool(b)) => Err(format!(
            "a boolean is not rewritten: the computation gives {b}, and the sentence around \
             it states the claim it is the truth of; reread it and write it by hand"
        )),
        (w, v) => Err(format!(
            "the answer is written as {} and the computation gives {}",
            w.kind(),
            crate::compare::kind(v)
        )),
    }
}

/// A bracketed list rewritten item by item, its brackets, separators and spaces kept.
fn rewrite_list(
    raw: &str,
    items: &[Written],
    values: &[Value],
    locale: Locale,
) -> Result<String, String> {
    let open = raw.find('[').ok_or("a list is written in brackets")? + 1;
    let close = raw.rfind(']').ok_or("a list is written in brackets")?;
    let inner = &raw[open..close];
    let ranges = list_item_ranges(inner);
    if inner.trim().is_empty() || ranges.len() != items.len() {
        return Err("the list written cannot be split into its items".into());
    }
    let mut out = raw[..open].to_owned();
    let mut at = 0;
    for ((range, item), value) in ranges.into_iter().zip(items).zip(values) {
        let text = &inner[range.clone()];
        let lead = text.len() - text.trim_start().len();
        let core = text.trim();
        out.push_str(&inner[at..range.start + lead]);
        out.push_str(&rewrite(core, item, value, locale)?);
        at = range.start + lead + core.len();
    }
    out.push_str(&inner[at..]);
    out.push_str(&raw[close..]);
    Ok(out)
}

/// Applies the fixes of `checks` to the files under `root`: one atomic write per file that
/// holds a fix, nothing for the others. Returns the changes made and, as errors at file:line,
/// the fixes refused and the files that could not be rewritten.
pub fn apply(root: &Path, checks: &[CheckRecord]) -> (Vec<Change>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let mut by_file: BTreeMap<&str, Vec<&CheckRecord>> = BTreeMap::new();
    for check in checks {
        match &check.fix {
            Some(Fix::Replace { .. }) => by_file.entry(&check.file).or_default().push(check),
            Some(Fix::Refuse(reason)) => diagnostics.push(refusal(root, check, reason)),
            None => {}
        }
    }
    let mut changes = Vec::new();
    for (file, fixes) in by_file {
        match fix_file(root, file, &fixes) {
            Ok(mut made) => changes.append(&mut made),
            Err(d) => diagnostics.push(*d),
        }
    }
    (changes, diagnostics)
}

fn refusal(root: &Path, check: &CheckRecord, reason: &str) -> Diagnostic {
    let source = std::fs::read_to_string(root.join(&check.file)).ok();
    let mut d = Diagnostic::error("`--fix` cannot rewrite this answer").at_line(
        &check.file,
        source.as_deref(),
        check.line,
    );
    d.column = check.column;
    d.note(format!("written: {}", check.written))
        .note(reason.to_owned())
}

/// Rewrites the written values of `fixes` in `file`, all or none.
fn fix_file(
    root: &Path,
    file: &str,
    fixes: &[&CheckRecord],
) -> Result<Vec<Change>, Box<Diagnostic>> {
    let path = root.join(file);
    let failed = |what: String| {
        Diagnostic::error(format!("`--fix` cannot rewrite {file}: {what}")).in_file(file)
    };
    let source = std::fs::read_to_string(&path).map_err(|e| failed(e.to_string()))?;
    let found = scan(&source, &["check"]);
    let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
    let mut changes = Vec::new();
    for check in fixes {
        let Some(Fix::Replace { old, new }) = &check.fix else {
            continue;
        };
        let span = found
            .directives
            .iter()
            .filter(|d| common::diagnostic::line_column(&source, d.range.start).0 == check.line)
            .filter_map(|d| {
                let args_at = d.args.as_ptr() as usize - source.as_ptr() as usize;
                let range = written_range(d.args)?;
                let span = args_at + range.start..args_at + range.end;
                let column = common::diagnostic::line_column(&source, d.range.start).1;
                (source[span.clone()] == **old).then_some((column, span))
            })
            .min_by_key(|(column, _)| column.abs_diff(check.column))
            .map(|(_, span)| span);
        let Some(span) = span else {
            return Err(Box::new(
                Diagnostic::error(
                    "`--fix` cannot find this answer in the file (was it edited during the check?)",
                )
                .at_line(file, Some(&source), check.line)
                .note(format!("written: {old}")),
            ));
        };
        edits.push((span, new));
        changes.push(Change {
            file: file.to_owned(),
            line: check.line,
            old: old.clone(),
            new: new.clone(),
        });
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    edits.dedup_by_key(|(span, _)| span.start);
    let mut text = source.clone();
    for (span, new) in edits {
        text.replace_range(span, new);
    }
    common::cache::write_durably(&path, text.as_bytes()).map_err(|e| failed(e.to_string()))?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix_of(args: &str, value: Value) -> Fix {
        let claim = Claim::parse(args).unwrap();
        let raw = &args[written_range(args).unwrap()];
        propose(raw, &claim, Some(&value), Locale::French)
    }

    fn replaced(args: &str, value: Value) -> String {
        match fix_of(args, value) {
            Fix::Replace { new, .. } => new,
            Fix::Refuse(why) => panic!("refused {args}: {why}"),
        }
    }

    #[test]
    fn numbers_keep_their_written_form() {
        assert_eq!(replaced("x = 0,46", Value::Float(0.5213)), "0,52");
        assert_eq!(replaced("x = 0.460", Value::Float(0.5)), "0.500");
        assert_eq!(replaced("x = −0,2", Value::Float(-0.34)), "−0,3");
        assert_eq!(replaced("x = 46 %", Value::Float(0.518)), "52 %");
        assert_eq!(
            replaced("x = 12,5\u{a0}%", Value::Float(0.1)),
            "10,0\u{a0}%"
        );
        assert_eq!(replaced("x = 82", Value::Int(97.into())), "97");
        assert_eq!(
            replaced("x = 30 000", Value::Int(1_234_567.into())),
            "1 234 567"
        );
        assert_eq!(replaced("x = 3", Value::Float(-0.2)), "0");
    }

    #[test]
    fn lists_keep_their_punctuation_and_the_items_that_hold() {
        assert_eq!(
            replaced(
                "s = [0,46;0,17 ;  0,37]",
                Value::List(vec![
                    Value::Float(0.46),
                    Value::Float(0.2),
                    Value::Float(0.34),
                ])
            ),
            "[0,46;0,20 ;  0,34]"
        );
        let two = Value::List(vec![Value::Int(1.into()), Value::Int(2.into())]);
        assert!(matches!(fix_of("s = [1, 2, 3]", two), Fix::Refuse(r) if r.contains("3 item")));
    }

    #[test]
    fn what_the_form_cannot_carry_is_refused() {
        let refused = |args: &str, v: Value| matches!(fix_of(args, v), Fix::Refuse(_));
        assert!(refused(
            "k = \"many-to-one\"",
            Value::Str("one-to-one".into())
        ));
        assert!(refused("b = vrai", Value::Bool(false)));
        assert!(refused("h = 1,10 ± 0,01", Value::Float(1.3)));
        assert!(refused("n = 82", Value::Str("82".into())));
        assert!(refused("n = 0,5", Value::Float(f64::NAN)));
    }

    #[test]
    fn the_written_range_excludes_name_and_tolerance() {
        let args = "scores[0] =  0,46 ± 0,01";
        assert_eq!(&args[written_range(args).unwrap()], "0,46");
        assert_eq!(
            &"a = [1, 2]"[written_range("a = [1, 2]").unwrap()],
            "[1, 2]"
        );
    }
}
