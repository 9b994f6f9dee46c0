//! `cargo model-check report`: merge report directories, write HTML and JUnit, summarize.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use model_check::outcome::Verdict;
use model_check::report::{SuiteReport, TestReport};

use crate::{Failure, IO, NOT_OK, OK, write_atomically};

pub(crate) const HELP: &str = "\
Merge model-check report directories into one summary, HTML page and JUnit file

Usage: cargo model-check report DIR... [--html FILE] [--junit FILE] [--text]

Each DIR holds the JSON reports model tests wrote under MODEL_CHECK_REPORT=DIR, e.g. one
directory per CI shard (cargo nextest run --partition count:K/N). The directories are merged
into one suite; a test (package, binary, test name) reported in two of them is an error
naming both files. Output files are written atomically (a temporary file, then a rename).

Arguments:
  DIR...          Report directories to merge (at least one)

Options:
  --html FILE     Write the suite as one self-contained HTML page
  --junit FILE    Write the suite as JUnit XML
  --text          Print every test's full text report before the summary
  -h, --help      Print help

Exit codes:
  0  every test passed
  1  some test failed, was inconclusive (when not allowed) or could not run
  2  usage error
  3  a directory or report could not be read (missing, unreadable, not a report of this
     schema, a duplicate test), or an output could not be written
";

struct Options {
    dirs: Vec<PathBuf>,
    html: Option<PathBuf>,
    junit: Option<PathBuf>,
    text: bool,
}

pub(crate) fn run(parser: &mut lexopt::Parser) -> Result<u8, Failure> {
    use lexopt::prelude::*;
    let mut options = Options {
        dirs: Vec::new(),
        html: None,
        junit: None,
        text: false,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => return crate::print(HELP),
            Long("html") => options.html = Some(parser.value()?.into()),
            Long("junit") => options.junit = Some(parser.value()?.into()),
            Long("text") => options.text = true,
            Value(dir) => options.dirs.push(dir.into()),
            other => return Err(other.unexpected().into()),
        }
    }
    if options.dirs.is_empty() {
        return Err(Failure::usage(
            "`report` needs at least one report directory",
        ));
    }
    report(&options)
}

fn report(options: &Options) -> Result<u8, Failure> {
    let suite = merge(&options.dirs)?;
    if let Some(path) = &options.html {
        write_atomically(path, &suite.to_html())?;
    }
    if let Some(path) = &options.junit {
        write_atomically(path, &suite.to_junit())?;
    }
    if options.text {
        for test in &suite.tests {
            println!("{}", test.to_text());
        }
    }
    print!("{}", summary(&suite));
    Ok(if suite.passed() { OK } else { NOT_OK })
}

/// The directories' reports as one suite; a test in two directories is an error.
fn merge(dirs: &[PathBuf]) -> Result<SuiteReport, Failure> {
    let mut tests: Vec<TestReport> = Vec::new();
    let mut seen: HashMap<(String, String, String), &Path> = HashMap::new();
    for dir in dirs {
        let suite = SuiteReport::read_dir(dir).map_err(|e| Failure::io(e.to_string()))?;
        if suite.tests.is_empty() {
            eprintln!("warning: {}: no reports", dir.display());
        }
        for test in suite.tests {
            let key = (test.package.clone(), test.binary.clone(), test.test.clone());
            if let Some(earlier) = seen.get(&key) {
                return Err(Failure {
                    code: IO,
                    message: format!(
                        "test `{}` (package `{}`, binary `{}`) is reported twice: in {} and in {}",
                        test.test,
                        test.package,
                        test.binary,
                        file_of(earlier, &key).display(),
                        file_of(dir, &key).display()
                    ),
                });
            }
            seen.insert(key, dir);
            tests.push(test);
        }
    }
    Ok(SuiteReport::from_tests(tests))
}

/// The report file in `dir` of the test `key` (package, binary, test), or `dir` itself if
/// it cannot be found again.
fn file_of(dir: &Path, key: &(String, String, String)) -> PathBuf {
    let found = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .find_map(|entry| {
            let path = entry.ok()?.path();
            let report = TestReport::from_json(&std::fs::read_to_string(&path).ok()?).ok()?;
            (key.0 == report.package && key.1 == report.binary && key.2 == report.test)
                .then_some(path)
        });
    found.unwrap_or_else(|| dir.to_path_buf())
}

/// `N tests: P passed, F failed, I inconclusive, E error`, then the tests that did not pass.
fn summary(suite: &SuiteReport) -> String {
    let count = |v: Verdict| suite.tests.iter().filter(|t| t.verdict == v).count();
    let mut out = format!(
        "{} tests: {} passed, {} failed, {} inconclusive, {} error\n",
        suite.tests.len(),
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Inconclusive),
        count(Verdict::Error),
    );
    for test in suite.tests.iter().filter(|t| !t.passed) {
        out += &format!(
            "  {} {}::{}::{}\n",
            test.verdict.label(),
            test.package,
            test.binary,
            test.test
        );
    }
    out += if suite.passed() {
        "result: ok\n"
    } else {
        "result: FAILED\n"
    };
    out
}
