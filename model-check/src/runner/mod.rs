//! Running model tests: registration, seeds, the predict-once cache, and the entry points
//! `#[model_test]` expands to.
//!
//! Every `#[model_test]` function becomes an ordinary `#[test]` **and** a [`Registration`]
//! collected with `inventory`, so a test binary (or any program linking the tests) can list
//! and run the whole suite in-process: see [`registered`] and [`run_registered`].
//!
//! Registrations live in the object code of the crate that declares them. A binary only sees
//! the registrations of crates it links; a crate of tests that the binary never names is
//! dropped by the linker. Name it (`use my_model_tests as _;`) to pull its tests in.

use crate::expect::Check;

pub use crate::config::{SEED_ENV, SeedError, SeedSource, resolve_seed};
pub use crate::rng::derive_seed;

/// What `#[model_test]` records about a test: its name, place, tags, seed and ignore flag.
#[derive(Debug)]
pub struct TestMeta {
    /// The function's name.
    pub function: &'static str,
    /// `module_path!()` where the function is declared.
    pub module_path: &'static str,
    /// `file!()` of the declaration.
    pub file: &'static str,
    /// `line!()` of the declaration.
    pub line: u32,
    /// `env!("CARGO_PKG_NAME")` of the crate declaring the test.
    pub package: &'static str,
    /// `option_env!("CARGO_BIN_NAME")`: the binary (or example) target declaring the test,
    /// when it is one.
    pub bin: Option<&'static str>,
    /// Tags given with `tags = [...]`.
    pub tags: &'static [&'static str],
    /// The seed given with `seed = N`.
    pub seed: Option<u64>,
    /// `Some(reason)` for `ignore = "reason"`, `Some("")` for a bare `ignore`.
    pub ignore: Option<&'static str>,
}

impl TestMeta {
    /// The test's name as libtest prints it: the module path without the crate name, then
    /// the function (`cohorts::seniors_keep_recall`).
    pub fn name(&self) -> String {
        match self.module_path.split_once("::") {
            Some((_crate, rest)) => format!("{rest}::{}", self.function),
            None => self.function.to_string(),
        }
    }

    /// Whether the test carries `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.contains(&tag)
    }

    /// Whether the test is ignored unless asked for.
    pub fn is_ignored(&self) -> bool {
        self.ignore.is_some()
    }
}

/// A registered model test: its metadata and the function that builds its checks.
pub struct Registration {
    /// Name, place, tags, seed, ignore.
    pub meta: &'static TestMeta,
    /// Builds the test's checks (calls the user's function).
    pub plan: fn() -> crate::expect::Planned,
}

inventory::collect!(Registration);

/// Turns what a test function returned into the checks to run; used by `#[model_test]`.
#[doc(hidden)]
pub fn plan<T: crate::expect::Testable>(t: T) -> crate::expect::Planned {
    t.into_suite()
}

/// Every registered model test in this binary, sorted by name.
pub fn registered() -> Vec<&'static Registration> {
    let mut all: Vec<&'static Registration> = inventory::iter::<Registration>.into_iter().collect();
    all.sort_by_key(|r| r.meta.name());
    all
}

/// Which registered tests to run in-process with [`run_registered`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    name: Option<String>,
    tags: Vec<String>,
    include_ignored: bool,
}

impl Filter {
    /// Every test that is not ignored.
    pub fn all() -> Self {
        Filter::default()
    }

    /// Tests whose name contains `text` (as `cargo test text` filters).
    pub fn name(mut self, text: impl Into<String>) -> Self {
        self.name = Some(text.into());
        self
    }

    /// Tests carrying `tag` (every tag given must be carried).
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Also runs ignored tests.
    pub fn include_ignored(mut self) -> Self {
        self.include_ignored = true;
        self
    }

    /// Whether the filter selects the test.
    pub fn matches(&self, meta: &TestMeta) -> bool {
        (self.include_ignored || !meta.is_ignored())
            && self
                .name
                .as_ref()
                .is_none_or(|n| meta.name().contains(n.as_str()))
            && self.tags.iter().all(|t| meta.has_tag(t))
    }
}

/// Runs the registered tests the filter selects, one after another in this process, and
/// returns their reports. A test that panics or fails to build its checks is reported as an
/// error; the others still run.
pub fn run_registered(filter: &Filter) -> crate::report::SuiteReport {
    let reports = registered()
        .into_iter()
        .filter(|r| filter.matches(r.meta))
        .map(|r| run_registration(r.meta, r.plan))
        .collect();
    crate::report::SuiteReport::from_tests(reports)
}

/// The cargo target flag that selects the binary a test was compiled into: `--test churn`,
/// `--lib`, `--bin serve`, `--example churn`.
fn target_flag(meta: &TestMeta) -> String {
    // `file!()` is relative to the workspace root: `tests/x.rs`, `member/tests/x.rs`,
    // `member/src/...`. The crate a test is compiled into is the first segment of its module
    // path: a `[[test]]` target's name with `-` as `_`, whatever its file is called.
    let krate = meta.module_path.split("::").next().unwrap_or_default();
    let parts: Vec<&str> = meta.file.split(['/', '\\']).collect();
    if let Some(bin) = meta.bin {
        return if parts.contains(&"examples") {
            format!(" --example {bin}")
        } else {
            format!(" --bin {bin}")
        };
    }
    let stem = match parts.as_slice() {
        [.., "tests", file] if file.ends_with(".rs") => Some(file.trim_end_matches(".rs")),
        [.., "tests", dir, "main.rs"] => Some(*dir),
        _ => None,
    };
    match stem {
        // The file's own name keeps a target's hyphens, which the crate name lost.
        Some(stem) if stem.replace('-', "_") == krate => format!(" --test {stem}"),
        Some(_) => format!(" --test {krate}"),
        None if parts.contains(&"src") => " --lib".to_string(),
        None => String::new(),
    }
}

/// The command that reruns a test with its seed.
fn reproduce(meta: &TestMeta, name: &str, seed: u64) -> String {
    let target = target_flag(meta);
    let ignored = if meta.is_ignored() {
        " --include-ignored"
    } else {
        ""
    };
    format!(
        "{SEED_ENV}={seed} cargo test -p {}{target} -- --exact {name}{ignored}",
        meta.package
    )
}

/// Builds and runs one test, catching panics, into a report.
pub fn run_registration(
    meta: &'static TestMeta,
    plan: fn() -> crate::expect::Planned,
) -> crate::report::TestReport {
    let name = meta.name();
    let started = std::time::Instant::now();
    let mut report = crate::report::TestReport {
        schema: crate::report::SCHEMA.to_string(),
        test: name.clone(),
        package: meta.package.to_string(),
        binary: meta
            .module_path
            .split("::")
            .next()
            .unwrap_or_default()
            .to_string(),
        file: meta.file.to_string(),
        line: meta.line,
        tags: meta.tags.iter().map(|t| t.to_string()).collect(),
        seed: 0,
        seed_source: SeedSource::Derived,
        reproduce: String::new(),
        verdict: crate::expect::Verdict::Error,
        passed: false,
        error: None,
        outcomes: Vec::new(),
        run: crate::report::RunStats::default(),
    };
    match resolve_seed(&name, meta.seed) {
        Ok((seed, source)) => {
            report.seed = seed;
            report.seed_source = source;
        }
        Err(e) => {
            report.error = Some(format!("the seed could not be resolved: {e}"));
            return report;
        }
    }
    report.reproduce = reproduce(meta, &name, report.seed);
    let built = std::panic::catch_unwind(plan);
    match built {
        Ok(Ok(suite)) if suite.checks().iter().all(Check::is_empty) => {
            report.error =
                Some("could not build its checks: the test function returned none".into());
        }
        Ok(Ok(suite)) => {
            let ran = suite.run(report.seed);
            report.verdict = ran.verdict();
            report.passed = ran.passed();
            report.run.model_calls = ran.model_calls;
            report.outcomes = ran.outcomes;
        }
        Ok(Err(e)) => report.error = Some(format!("could not build its checks: {e}")),
        Err(panic) => {
            report.error = Some(format!(
                "could not build its checks: the test function panicked: {}",
                crate::model::panic_message(&panic)
            ))
        }
    }
    report.run.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    report
}

/// The body of every `#[model_test]`: runs the test, writes its JSON report when
/// `MODEL_CHECK_REPORT` is set, and panics with the readable report unless it passed.
#[doc(hidden)]
pub fn run_test(meta: &'static TestMeta, plan: fn() -> crate::expect::Planned) {
    if let Err(failure) = execute(meta, plan) {
        panic!("{failure}");
    }
}

/// Runs a test as a test harness does: writes its JSON report when `MODEL_CHECK_REPORT` is
/// set, and returns the readable report as the error unless it passed.
pub(crate) fn execute(
    meta: &'static TestMeta,
    plan: fn() -> crate::expect::Planned,
) -> Result<(), String> {
    let report = run_registration(meta, plan);
    if let Some(dir) = std::env::var_os(crate::report::REPORT_ENV) {
        // An empty value is a mistake, not the current directory.
        if dir.is_empty() {
            return Err(format!(
                "{}={dir:?} names no directory; set it to the directory reports go to, or unset it\n{}",
                crate::report::REPORT_ENV,
                report.to_text()
            ));
        }
        write_report(&report, std::path::Path::new(&dir))?;
    }
    if report.passed {
        Ok(())
    } else {
        Err(report.to_text())
    }
}

/// Writes `report` into `dir`, or says why it could not.
fn write_report(report: &crate::report::TestReport, dir: &std::path::Path) -> Result<(), String> {
    report.write_to(dir).map(drop).map_err(|e| {
        format!(
            "could not write the report of `{}` to {}: {e}",
            report.test,
            dir.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(file: &'static str) -> TestMeta {
        TestMeta {
            function: "f",
            module_path: "churn::m",
            file,
            line: 1,
            package: "pkg",
            bin: None,
            tags: &[],
            seed: None,
            ignore: None,
        }
    }

    #[test]
    fn reproduce_names_the_test_target() {
        let cmd = |file| reproduce(&meta(file), "m::f", 3);
        assert_eq!(
            cmd("tests/churn.rs"),
            "MODEL_CHECK_SEED=3 cargo test -p pkg --test churn -- --exact m::f"
        );
        assert_eq!(
            cmd("member/tests/churn.rs"),
            "MODEL_CHECK_SEED=3 cargo test -p pkg --test churn -- --exact m::f"
        );
        // A `[[test]]` named `churn` whose file is `tests/suite/main.rs`.
        assert_eq!(
            cmd("tests/suite/main.rs"),
            "MODEL_CHECK_SEED=3 cargo test -p pkg --test churn -- --exact m::f"
        );
        // A hyphenated target keeps its hyphens.
        let hyphen = TestMeta {
            module_path: "my_suite::m",
            ..meta("tests/my-suite.rs")
        };
        assert_eq!(
            reproduce(&hyphen, "m::f", 3),
            "MODEL_CHECK_SEED=3 cargo test -p pkg --test my-suite -- --exact m::f"
        );
        // Binaries and examples.
        let bin = TestMeta {
            bin: Some("serve"),
            ..meta("src/bin/serve.rs")
        };
        assert_eq!(
            reproduce(&bin, "m::f", 3),
            "MODEL_CHECK_SEED=3 cargo test -p pkg --bin serve -- --exact m::f"
        );
        let example = TestMeta {
            bin: Some("churn"),
            ..meta("examples/churn/main.rs")
        };
        assert_eq!(
            reproduce(&example, "m::f", 3),
            "MODEL_CHECK_SEED=3 cargo test -p pkg --example churn -- --exact m::f"
        );
        assert_eq!(
            cmd("member/src/lib.rs"),
            "MODEL_CHECK_SEED=3 cargo test -p pkg --lib -- --exact m::f"
        );
        assert_eq!(meta("x.rs").name(), "m::f");
    }
}
