//! `cargo model-check`: merge model-check reports into HTML and JUnit, and review pending
//! baselines and profiles.
//!
//! Install it with `cargo install cargo-model-check`; cargo then runs it as
//! `cargo model-check ...` (the binary also runs directly as `cargo-model-check ...`).
//!
//! # `cargo model-check report DIR... [--html FILE] [--junit FILE] [--text]`
//!
//! Reads the JSON reports that model tests write under `MODEL_CHECK_REPORT=DIR`
//! ([`SuiteReport::read_dir`](model_check::report::SuiteReport::read_dir)) from every `DIR`
//! — one per CI shard, say, each running `cargo nextest run --partition count:K/N` — merges
//! them into one suite, writes it as one offline HTML page (`--html`) and as JUnit XML
//! (`--junit`), and prints a summary. A test reported in two directories is an error naming
//! both files. Outputs are written atomically (a temporary file, then a rename).
//!
//! ```text
//! MODEL_CHECK_REPORT=target/mc-1 cargo nextest run --partition count:1/2
//! MODEL_CHECK_REPORT=target/mc-2 cargo nextest run --partition count:2/2
//! cargo model-check report target/mc-1 target/mc-2 --html report.html --junit junit.xml
//! ```
//!
//! # `cargo model-check review [PATH...] [--accept | --reject | --list | --diff]`
//!
//! Finds every `*.pending.json` under the paths (the current directory by default; skipping
//! `target/` and hidden directories) — baselines and profiles that a test recorded because
//! the accepted file `<name>.json` was missing — and shows each as a diff against the
//! accepted file, or as new. `--accept` renames every pending file over its accepted file
//! (after validating it), `--reject` deletes them, `--list` lists them (exiting 1 when any is
//! pending, for CI), `--diff` lists them with their diffs. With none of these, it asks about
//! each file in turn when standard input is a terminal, and lists them when it is not.
//!
//! # Exit codes
//!
//! | code | `report` | `review` |
//! |---|---|---|
//! | 0 | every test passed | nothing left pending |
//! | 1 | a test did not pass | files are pending (`--list`, `--diff`, or skipped) |
//! | 2 | usage error | usage error |
//! | 3 | an input could not be read or an output written | a pending file is invalid, or could not be accepted or rejected |

mod report;
mod review;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

/// Every test passed; nothing is pending.
const OK: u8 = 0;
/// A test did not pass; files are pending.
const NOT_OK: u8 = 1;
/// The command line is wrong.
const USAGE: u8 = 2;
/// A file could not be read, parsed or written.
const IO: u8 = 3;

const HELP: &str = "\
cargo-model-check: merge model-check reports, review pending baselines and profiles

Usage: cargo model-check <COMMAND> [OPTIONS]

Commands:
  report   Merge report directories into one summary, HTML page and JUnit file
  review   Review pending baselines and profiles (*.pending.json)
  help     Print this message or the help of a command

Options:
  -h, --help     Print help (`cargo model-check <COMMAND> --help` for a command's)
  -V, --version  Print version

Exit codes:
  0  success: every test passed / nothing is pending
  1  a test did not pass / files are pending
  2  usage error
  3  a file could not be read, parsed or written
";

/// Why a command stopped: an exit code and what to tell the user.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    fn io(message: impl Into<String>) -> Failure {
        Failure {
            code: IO,
            message: message.into(),
        }
    }
}

impl From<lexopt::Error> for Failure {
    fn from(e: lexopt::Error) -> Failure {
        Failure::usage(e.to_string())
    }
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    // `cargo model-check ...` runs `cargo-model-check model-check ...`.
    if args.first().is_some_and(|a| a == "model-check") {
        args.remove(0);
    }
    match run(args) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            if failure.code == USAGE {
                eprintln!("Run `cargo model-check --help` for usage.");
            }
            ExitCode::from(failure.code)
        }
    }
}

fn run(args: Vec<OsString>) -> Result<u8, Failure> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next()? {
        None => return Err(Failure::usage("no command given (`report` or `review`)")),
        Some(Short('h') | Long("help")) => return print(HELP),
        Some(Short('V') | Long("version")) => {
            println!("cargo-model-check {}", env!("CARGO_PKG_VERSION"));
            return Ok(OK);
        }
        Some(Value(command)) => command.string()?,
        Some(other) => return Err(other.unexpected().into()),
    };
    match command.as_str() {
        "report" => report::run(&mut parser),
        "review" => review::run(&mut parser),
        "help" => match parser.next()? {
            None => print(HELP),
            Some(Value(c)) if c == "report" => print(report::HELP),
            Some(Value(c)) if c == "review" => print(review::HELP),
            Some(other) => Err(other.unexpected().into()),
        },
        other => Err(Failure::usage(format!(
            "unknown command `{other}` (expected `report` or `review`)"
        ))),
    }
}

/// Prints a help text; exits 0.
fn print(help: &str) -> Result<u8, Failure> {
    print!("{help}");
    Ok(OK)
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so
/// a reader never sees half a file.
fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::io(format!("writing {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| Failure::io(format!("writing {}: not a file name", path.display())))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let temporary = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temporary, text).map_err(fail)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        fail(e)
    })
}
