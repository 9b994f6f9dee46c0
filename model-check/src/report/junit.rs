//! JUnit XML, the format CI systems read test results from.

use std::fmt::Write;

use super::SuiteReport;
use crate::outcome::Verdict;

/// Escapes text for XML content and attribute values; characters XML cannot carry become
/// U+FFFD, and line ends in attributes are kept as character references.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn render(suite: &SuiteReport) -> String {
    let tests = suite.tests.len();
    let failures = suite
        .tests
        .iter()
        .filter(|t| !t.passed && t.verdict != Verdict::Error && t.error.is_none())
        .count();
    let errors = suite
        .tests
        .iter()
        .filter(|t| !t.passed && (t.verdict == Verdict::Error || t.error.is_some()))
        .count();
    let seconds: f64 = suite.tests.iter().map(|t| t.run.duration_ms).sum::<f64>() / 1000.0;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"model-check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{seconds:.3}\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"model-check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{seconds:.3}\">"
    );
    for t in &suite.tests {
        let (classname, name) = match t.test.rsplit_once("::") {
            Some((module, name)) => (
                format!("{}::{}::{module}", t.package, t.binary),
                name.to_string(),
            ),
            None => (format!("{}::{}", t.package, t.binary), t.test.clone()),
        };
        let _ = writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\">",
            escape(&name),
            escape(&classname),
            escape(&t.file),
            t.line,
            t.run.duration_ms / 1000.0
        );
        let _ = writeln!(out, "      <properties>");
        let _ = writeln!(
            out,
            "        <property name=\"seed\" value=\"{}\"/>",
            t.seed
        );
        let _ = writeln!(
            out,
            "        <property name=\"verdict\" value=\"{}\"/>",
            t.verdict.label()
        );
        let _ = writeln!(
            out,
            "        <property name=\"model_calls\" value=\"{}\"/>",
            t.run.model_calls
        );
        if !t.tags.is_empty() {
            let _ = writeln!(
                out,
                "        <property name=\"tags\" value=\"{}\"/>",
                escape(&t.tags.join(","))
            );
        }
        let _ = writeln!(out, "      </properties>");
        if !t.passed {
            let element = if t.verdict == Verdict::Error || t.error.is_some() {
                "error"
            } else {
                "failure"
            };
            let first = t
                .outcomes
                .iter()
                .find(|o| o.verdict != Verdict::Pass)
                .map(|o| format!("{}: {}", o.verdict.label(), o.expectation))
                .or_else(|| t.error.clone())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "      <{element} message=\"{}\" type=\"{}\">{}</{element}>",
                escape(&first),
                t.verdict.label(),
                escape(&t.to_text())
            );
        }
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
