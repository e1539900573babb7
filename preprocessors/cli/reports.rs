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

fn xml(text: &str) -> String {
    common::html::escape(text)
}
