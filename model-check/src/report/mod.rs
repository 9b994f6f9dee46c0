//! Reports: what each model test found, as readable text, versioned JSON and JUnit XML.
//!
//! Each test's outcome is a [`TestReport`]. With `MODEL_CHECK_REPORT=<dir>` set, every test
//! writes `<dir>/<package>.<binary>.<test>.json` (schema [`SCHEMA`], documented in
//! `schema/test-report.v2.json` of the crate) — one file per test, so tests running in
//! separate processes (as under cargo-nextest) never write the same file.
//! [`SuiteReport::read_dir`] merges the files, [`SuiteReport::to_junit`] renders the suite
//! for CI systems and [`SuiteReport::to_html`] as one offline HTML file for people.
//!
//! Everything in a report but its [`run`](TestReport::run) statistics (model calls and
//! wall-clock time) is a function of the code, the data and the seed: two fresh processes
//! with the same seed write the same bytes outside `run`. Seeds are strings, because they
//! exceed 2^53 and JSON readers lose such numbers.

mod html;
mod junit;
mod text;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::SeedSource;
use crate::outcome::{Outcome, Verdict};

pub use crate::config::REPORT_ENV;

/// The schema identifier every JSON report carries; it changes when the format changes.
pub const SCHEMA: &str = "model-check/test-report/v2";

/// The JSON Schema of [`SCHEMA`] reports (draft 2020-12), as committed with the crate.
pub const JSON_SCHEMA: &str = include_str!("../../schema/test-report.v2.json");

/// What a run cost: model calls and time. Outside the part of a report that is the same for
/// the same seed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunStats {
    /// Model calls made by this test (predictions cached earlier in the process cost none).
    pub model_calls: u64,
    /// Wall-clock milliseconds.
    pub duration_ms: f64,
}

/// What one model test found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestReport {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The test's name as libtest prints it.
    pub test: String,
    /// The package declaring the test.
    pub package: String,
    /// The crate the test was compiled into: the test binary (`churn` for `tests/churn.rs`)
    /// or the library.
    pub binary: String,
    /// The file declaring the test.
    pub file: String,
    /// The line of the test function.
    pub line: u32,
    /// The test's tags.
    pub tags: Vec<String>,
    /// The seed it ran with (a string in JSON).
    #[serde(
        serialize_with = "crate::outcome::seed_to_string",
        deserialize_with = "crate::outcome::seed_from_string"
    )]
    pub seed: u64,
    /// Where the seed came from.
    pub seed_source: SeedSource,
    /// The command that reruns this test with this seed.
    pub reproduce: String,
    /// Pass, fail, inconclusive or error, over all outcomes.
    pub verdict: Verdict,
    /// Whether the test passed (inconclusive passes only when allowed).
    pub passed: bool,
    /// Why the test could not run its checks, if it could not: a bad seed, or the test
    /// function failed to build them.
    pub error: Option<String>,
    /// One outcome per finding, in the order of the expectations.
    pub outcomes: Vec<Outcome>,
    /// Model calls and time: the only part that differs between two runs with one seed.
    pub run: RunStats,
}

impl TestReport {
    /// The report of a check or suite run outside `#[model_test]` (by an example or an
    /// embedding tool), under the name `test`, so it can be written as JSON and merged into
    /// JUnit XML like any model test's.
    pub fn from_run(test: &str, package: &str, run: &crate::outcome::CheckReport) -> TestReport {
        let verdict = run.verdict();
        TestReport {
            schema: SCHEMA.to_string(),
            test: test.to_string(),
            package: package.to_string(),
            binary: package.replace('-', "_"),
            file: String::new(),
            line: 0,
            tags: Vec::new(),
            seed: run.seed,
            seed_source: SeedSource::Attribute,
            reproduce: String::new(),
            verdict,
            passed: run.passed(),
            error: None,
            outcomes: run.outcomes.clone(),
            run: RunStats {
                model_calls: run.model_calls,
                duration_ms: run.duration.as_secs_f64() * 1000.0,
            },
        }
    }

    /// The report as readable text: a one-line summary, then each outcome with its evidence
    /// and examples (passing outcomes on one line).
    pub fn to_text(&self) -> String {
        text::render(self)
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    /// Reads a report written by [`to_json`](TestReport::to_json). A report of another
    /// schema version — v1, written by model-check 0.1 before findings — is refused with a
    /// message naming its version, never misread.
    pub fn from_json(text: &str) -> Result<TestReport, String> {
        #[derive(Deserialize)]
        struct Versioned {
            schema: Option<String>,
        }
        let versioned: Versioned = serde_json::from_str(text).map_err(|e| e.to_string())?;
        match versioned.schema.as_deref() {
            Some(SCHEMA) => {
                let report: TestReport = serde_json::from_str(text).map_err(|e| e.to_string())?;
                report.check()?;
                Ok(report)
            }
            Some(old @ "model-check/test-report/v1") => Err(format!(
                "a report of schema {old:?}, which this version of model-check no longer reads (it reads {SCHEMA:?}); rerun the tests to write it again"
            )),
            Some(other) => Err(format!("a report of schema {other:?}, expected {SCHEMA:?}")),
            None => Err(format!(
                "not a model-check report: no `schema` field (expected {SCHEMA:?})"
            )),
        }
    }

    /// What the schema requires beyond the shape of the JSON, and what a report written by
    /// this library always satisfies: run statistics that are counts and times, tables
    /// within their bound, and a verdict and `passed` that follow from the outcomes.
    fn check(&self) -> Result<(), String> {
        let run = &self.run;
        if !(run.duration_ms.is_finite() && run.duration_ms >= 0.0) {
            return Err(format!(
                "run.duration_ms is {}, not a duration",
                run.duration_ms
            ));
        }
        for (i, outcome) in self.outcomes.iter().enumerate() {
            for table in &outcome.evidence.tables {
                let at = || format!("outcome {i}, table `{}`", table.name);
                if table.rows.len() > crate::outcome::MAX_TABLE_ROWS {
                    return Err(format!(
                        "{}: {} rows, more than the {} a table keeps",
                        at(),
                        table.rows.len(),
                        crate::outcome::MAX_TABLE_ROWS
                    ));
                }
                if table.total_rows < table.rows.len() as u64 {
                    return Err(format!(
                        "{}: {} rows kept of {} offered",
                        at(),
                        table.rows.len(),
                        table.total_rows
                    ));
                }
                if let Some(row) = table
                    .rows
                    .iter()
                    .position(|r| r.len() != table.columns.len())
                {
                    return Err(format!(
                        "{}: row {row} has {} cells for {} columns",
                        at(),
                        table.rows[row].len(),
                        table.columns.len()
                    ));
                }
            }
        }
        let (verdict, passed) = match &self.error {
            Some(_) => (Verdict::Error, false),
            None => {
                let run = crate::outcome::CheckReport {
                    seed: self.seed,
                    outcomes: self.outcomes.clone(),
                    model_calls: 0,
                    duration: std::time::Duration::ZERO,
                };
                (run.verdict(), run.passed())
            }
        };
        if (self.verdict, self.passed) != (verdict, passed) {
            return Err(format!(
                "verdict {:?} and passed = {} do not follow from its outcomes ({verdict:?}, passed = {passed})",
                self.verdict, self.passed
            ));
        }
        Ok(())
    }

    /// Writes the report to `dir/<package>.<binary>.<test>.json` atomically (a temporary
    /// file, then a rename), creating `dir` if needed; returns the path. Tests of the same
    /// name in different binaries or packages get different files.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let file_name: String = format!("{}.{}.{}", self.package, self.binary, self.test)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '.'
                }
            })
            .collect();
        let path = dir.join(format!("{file_name}.json"));
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temporary = dir.join(format!(".{file_name}.{}.{write}.tmp", std::process::id()));
        std::fs::write(&temporary, self.to_json())?;
        std::fs::rename(&temporary, &path)?;
        Ok(path)
    }
}

/// Reports of many tests, merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SuiteReport {
    /// One report per test, sorted by test name.
    pub tests: Vec<TestReport>,
}

/// A report file that cannot be read or is not a report of this schema.
#[derive(Debug)]
pub struct ReportError {
    path: PathBuf,
    reason: String,
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for ReportError {}

impl SuiteReport {
    /// Merges every `*.json` report in `dir` (as written under `MODEL_CHECK_REPORT`). A file
    /// that is not a report of schema [`SCHEMA`] is an error naming it.
    pub fn read_dir(dir: &Path) -> Result<SuiteReport, ReportError> {
        let error = |path: &Path, reason: String| ReportError {
            path: path.to_path_buf(),
            reason,
        };
        let entries = std::fs::read_dir(dir).map_err(|e| error(dir, e.to_string()))?;
        let mut tests = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| error(dir, e.to_string()))?.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| error(&path, e.to_string()))?;
            let report = TestReport::from_json(&text).map_err(|reason| error(&path, reason))?;
            if let Some(earlier) = tests.iter().find(|t: &&TestReport| {
                (&t.package, &t.binary, &t.test) == (&report.package, &report.binary, &report.test)
            }) {
                return Err(error(
                    &path,
                    format!(
                        "a second report of test `{}` ({})",
                        earlier.test, earlier.file
                    ),
                ));
            }
            tests.push(report);
        }
        Ok(SuiteReport::from_tests(tests))
    }

    /// A suite of these reports, sorted by package, binary and test name.
    pub fn from_tests(mut tests: Vec<TestReport>) -> SuiteReport {
        tests.sort_by(|a, b| {
            (&a.package, &a.binary, &a.test).cmp(&(&b.package, &b.binary, &b.test))
        });
        SuiteReport { tests }
    }

    /// Whether every test passed.
    pub fn passed(&self) -> bool {
        self.tests.iter().all(|t| t.passed)
    }

    /// The suite as JUnit XML, one `<testcase>` per test.
    pub fn to_junit(&self) -> String {
        junit::render(self)
    }

    /// The suite as one self-contained HTML file a person reads: a summary by verdict and
    /// tag, every test with its findings, and the findings' tables drawn as inline SVG
    /// (forest plots of intervals against their thresholds, bars, histograms, matrices). No
    /// script, no URL, a Content-Security-Policy of `default-src 'none'`; user text escaped;
    /// size bounded by findings × table rows, never by the data's rows; the same results
    /// give the same bytes but for each test's run line (model calls, milliseconds).
    ///
    /// ```
    /// use model_check::prelude::*;
    /// use model_check::report::{SuiteReport, TestReport};
    ///
    /// #[derive(Features, Clone)]
    /// struct Row { x: f64 }
    ///
    /// let data = Dataset::unlabelled(vec![Row { x: 1.0 }; 40])?;
    /// let run = check_data(data).expect(row_count().at_least(100)).run(1);
    /// let html = SuiteReport::from_tests(vec![TestReport::from_run("rows <b>", "demo", &run)]).to_html();
    /// assert!(html.starts_with("<!DOCTYPE html>"));
    /// assert!(html.contains("default-src 'none'"));
    /// assert!(html.contains("rows &lt;b&gt;")); // user text stays text
    /// assert!(html.contains("FAIL"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_html(&self) -> String {
        html::render(self)
    }
}
