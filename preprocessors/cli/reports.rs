//! Machine-readable reports of `check`, for CI: JSON, and JUnit XML that CI services display
//! as test results (one test case per checked answer, one per other error).

use anyhow::{Context, Result};
use common::Diagnostics;
use coursebook_compute::Report;
use std::path::Path;

/// Writes every check and every diagnostic as JSON.
pub fn write_json(path: &Path, report: &Report, diagnostics: Option<&Diagnostics>) -> Result<()> {
    let json = serde_json::json!({
        "summary": report.summary(),
        "checks": report.checks,
        "failures": report.failures(),
        "diagnostics": diagnostics.map(|d| &d.0),
    });
    write(path, &serde_json::to_string_pretty(&json)?)
}

/// Writes a JUnit XML report.
pub fn write_junit(path: &Path, report: &Report, diagnostics: Option<&Diagnostics>) -> Result<()> {
    let mut cases = String::new();
    let mut failures = 0;
    for c in &report.checks {
        let name = format!("{}:{} {} = {}", c.file, c.line, c.expression, c.written);
        cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml(&c.file),
            xml(&name)
        ));
        match &c.problem {
            None => cases.push_str("/>\n"),
            Some(problem) => {
                failures += 1;
                cases.push_str(&format!(
                    ">\n      <failure message=\"{}\">computed: {}; rule: {}</failure>\n    </testcase>\n",
                    xml(problem),
                    xml(c.computed.as_deref().unwrap_or("?")),
                    xml(&c.rule)
                ));
            }
        }
    }
    // Errors other than the failed checks already listed, counted once.
    let other: Vec<_> = diagnostics
        .map(|d| d.0.iter().filter(|d| d.is_error()).collect())
        .unwrap_or_default();
    let other: Vec<_> = other
        .into_iter()
        .filter(|d| {
            !report
                .checks
                .iter()
                .any(|c| c.problem.is_some() && c.file == d.path && c.line == d.line)
        })
        .collect();
    for d in &other {
        failures += 1;
        cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
            xml(&d.path),
            xml(&d.location()),
            xml(&d.message),
            xml(&d.to_string())
        ));
    }
    let tests = report.checks.len() + other.len();
    let xml_text = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"coursebook check\" tests=\"{tests}\" failures=\"{failures}\">\n{cases}  </testsuite>\n</testsuites>\n"
    );
    write(path, &xml_text)
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Escapes `text` for an XML attribute or element. XML 1.0 forbids most control characters
/// even as references, so those a computed string may hold (an escape sequence, a bell) are
/// written out as `\u{1b}`, as in the terminal: the report stays well formed.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in common::html::escape(text).chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use coursebook_compute::CheckRecord;

    #[test]
    fn junit_stays_well_formed_whatever_a_computed_string_holds() {
        let record = CheckRecord {
            file: "src/ch.md".into(),
            line: 3,
            column: 1,
            page: "ch.html".into(),
            anchor: "cb-check-0".into(),
            expression: "s".into(),
            written: "x".into(),
            computed: Some("\u{1b}[2J\u{7}<b>\u{0}".into()),
            rule: "same text".into(),
            holds: false,
            problem: Some("the computation gives \u{1b}[2J".into()),
            published_at: None,
            question: None,
            fix: None,
        };
        let report = Report {
            checks: vec![record],
            ..Report::default()
        };
        let dir = std::env::temp_dir().join(format!("cb-junit-{}", std::process::id()));
        let path = dir.join("check.xml");
        write_junit(&path, &report, None).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "control characters in {text:?}"
        );
        assert!(text.contains("\\u{1b}[2J\\u{7}&lt;b&gt;\\u{0}"), "{text}");
    }
}
