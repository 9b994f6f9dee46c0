//! `cargo model-check review`: find pending baselines and profiles, show what they change,
//! accept or reject them.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use model_check::baseline::{self, Baseline, BaselineRecord};
use model_check::fmt::{exact, number, percent};
use model_check::profile::{self, FeatureProfile, LabelProfile, Profile, ProfileFile};

use crate::{Failure, IO, NOT_OK, OK};

pub(crate) const HELP: &str = "\
Review pending baselines and profiles (*.pending.json)

Usage: cargo model-check review [PATH...] [--accept | --reject | --list | --diff]

A test whose baseline or profile file <name>.json is missing records the current one to
<name>.pending.json beside it. `review` finds every pending file under the PATHs (files or
directories, searched recursively, skipping target/ and hidden directories), classifies it
by its `schema` field (model-check/baseline or model-check/profile; other files are listed
as unknown and left alone) and shows what it changes against the accepted file, or that it
is new.

Arguments:
  [PATH...]   Where to look (default: the current directory)

Options:
  --accept    Accept every pending file: validate it and rename it to <name>.json
  --reject    Reject every pending file: delete it
  --list      List the pending files without changing anything
  --diff      List the pending files with what each changes
  -h, --help  Print help

With none of these, each file is shown and you are asked to [a]ccept, [r]eject or [s]kip
it when standard input is a terminal; otherwise the files are listed as with --list.
Accepting refuses to write when CI is set (as the library does).

Exit codes:
  0  nothing is left pending
  1  files are pending (--list, --diff, or skipped when asked)
  2  usage error
  3  a path could not be read, a pending file is not valid (it is left in place), or a
     file could not be accepted or rejected
";

#[derive(Clone, Copy, PartialEq)]
enum Action {
    List,
    Diff,
    Accept,
    Reject,
    Ask,
}

pub(crate) fn run(parser: &mut lexopt::Parser) -> Result<u8, Failure> {
    use lexopt::prelude::*;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut action = None;
    while let Some(arg) = parser.next()? {
        let chosen = match arg {
            Short('h') | Long("help") => return crate::print(HELP),
            Long("accept") => Action::Accept,
            Long("reject") => Action::Reject,
            Long("list") => Action::List,
            Long("diff") => Action::Diff,
            Value(path) => {
                paths.push(path.into());
                continue;
            }
            other => return Err(other.unexpected().into()),
        };
        if action.is_some_and(|a| a != chosen) {
            return Err(Failure::usage(
                "choose one of --accept, --reject, --list and --diff",
            ));
        }
        action = Some(chosen);
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let action = action.unwrap_or(if std::io::stdin().is_terminal() {
        Action::Ask
    } else {
        Action::List
    });
    review(&paths, action)
}

fn review(paths: &[PathBuf], action: Action) -> Result<u8, Failure> {
    let mut files = Vec::new();
    for path in paths {
        find(path, &mut files)?;
    }
    files.sort();
    files.dedup();
    let (mut pending, mut failed) = (0, false);
    let mut answers = std::io::stdin().lock().lines();
    for path in &files {
        let shown = path.display();
        let file = match Pending::read(path) {
            Ok(Some(file)) => file,
            Ok(None) => {
                println!("{shown}: unknown (not a baseline or a profile), left alone");
                continue;
            }
            Err(message) => {
                eprintln!("error: {message} (left in place)");
                failed = true;
                continue;
            }
        };
        let changes = file.changes();
        let status = match &changes {
            None => "new".to_string(),
            Some(c) if c.is_empty() => "unchanged".to_string(),
            Some(_) => "changed".to_string(),
        };
        println!("{shown}: {}, {status}", file.kind());
        if action != Action::List {
            for line in changes.iter().flatten() {
                println!("    {line}");
            }
        }
        let decision = match action {
            Action::List | Action::Diff => None,
            Action::Accept => Some(true),
            Action::Reject => Some(false),
            Action::Ask => ask(&mut answers),
        };
        let done = match decision {
            None => Ok(()),
            Some(true) => file
                .accept()
                .map(|()| println!("  accepted as {}", file.accepted.display())),
            Some(false) => std::fs::remove_file(path)
                .map(|()| println!("  rejected (deleted)"))
                .map_err(|e| format!("deleting {}: {e}", path.display())),
        };
        match done {
            Ok(()) => {}
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
            }
        }
        if decision.is_none() {
            pending += 1;
        }
    }
    if files.is_empty() {
        println!("no pending files");
    }
    Ok(if failed {
        IO
    } else if pending > 0 {
        NOT_OK
    } else {
        OK
    })
}

/// Asks whether to accept (`Some(true)`), reject (`Some(false)`) or skip (`None`); skips
/// when standard input ends.
fn ask(answers: &mut impl Iterator<Item = std::io::Result<String>>) -> Option<bool> {
    loop {
        print!("  [a]ccept [r]eject [s]kip? ");
        let _ = std::io::stdout().flush();
        let Some(Ok(answer)) = answers.next() else {
            println!();
            return None;
        };
        match answer.trim() {
            "a" | "accept" => return Some(true),
            "r" | "reject" => return Some(false),
            "s" | "skip" | "" => return None,
            _ => {}
        }
    }
}

/// Collects the `*.pending.json` files at or under `path`.
fn find(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let unreadable = |e: std::io::Error| Failure::io(format!("{}: {e}", path.display()));
    if !path.metadata().map_err(unreadable)?.is_dir() {
        if is_pending(path) {
            out.push(path.to_path_buf());
        }
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let path = entry.path();
        // `./tests/x` reads better as `tests/x`.
        let path = path
            .strip_prefix(".")
            .map_or(path.clone(), Path::to_path_buf);
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type().map_err(unreadable)?.is_dir() {
            if !(name.starts_with('.') || name == "target") {
                find(&path, out)?;
            }
        } else if is_pending(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_pending(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".pending.json"))
}

/// A pending file that parsed, with the accepted file it would replace.
struct Pending {
    accepted: PathBuf,
    contents: Contents,
}

enum Contents {
    /// The pending baseline, and the accepted one (or why it cannot be read).
    Baseline(BaselineRecord, Option<Result<BaselineRecord, String>>),
    /// The pending profile, and the accepted one (or why it cannot be read).
    Profile(Profile, Option<Result<Profile, String>>),
}

impl Pending {
    /// Reads a pending file: `None` when it is neither a baseline nor a profile, an error
    /// (the library's, naming the file) when it is one but is not valid.
    fn read(path: &Path) -> Result<Option<Pending>, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let stem = name.strip_suffix(".pending.json").unwrap_or(&name);
        let accepted = path.with_file_name(format!("{stem}.json"));
        let existing = accepted.exists();
        let contents = match schema_of(&text) {
            Schema::Baseline => {
                let pending = BaselineRecord::load(path).map_err(|e| e.to_string())?;
                let old =
                    existing.then(|| BaselineRecord::load(&accepted).map_err(|e| e.to_string()));
                Contents::Baseline(pending, old)
            }
            Schema::Profile => {
                let pending = Profile::load(path).map_err(|e| e.to_string())?;
                let old = existing.then(|| Profile::load(&accepted).map_err(|e| e.to_string()));
                Contents::Profile(pending, old)
            }
            Schema::Other => return Ok(None),
            Schema::NotJson(e) => return Err(format!("{}: not JSON ({e})", path.display())),
        };
        Ok(Some(Pending { accepted, contents }))
    }

    fn kind(&self) -> &'static str {
        match self.contents {
            Contents::Baseline(..) => "baseline",
            Contents::Profile(..) => "profile",
        }
    }

    /// What accepting changes, `None` when there is no accepted file.
    fn changes(&self) -> Option<Vec<String>> {
        let unreadable = |e: &String| vec![format!("replaces a file that is not valid: {e}")];
        match &self.contents {
            Contents::Baseline(new, old) => old.as_ref().map(|old| match old {
                Ok(old) => baseline_changes(old, new),
                Err(e) => unreadable(e),
            }),
            Contents::Profile(new, old) => old.as_ref().map(|old| match old {
                Ok(old) => profile_changes(old, new),
                Err(e) => unreadable(e),
            }),
        }
    }

    /// Renames the pending file over the accepted one, through the library (which validates
    /// it again and refuses under CI).
    fn accept(&self) -> Result<(), String> {
        match self.contents {
            Contents::Baseline(..) => Baseline::path(&self.accepted)
                .accept()
                .map_err(|e| e.to_string()),
            Contents::Profile(..) => ProfileFile::path(&self.accepted)
                .accept()
                .map_err(|e| e.to_string()),
        }
    }
}

enum Schema {
    Baseline,
    Profile,
    Other,
    NotJson(serde_json::Error),
}

/// The kind of file by its `schema` field. A file that is not JSON (truncated, say) but
/// names one of the schemas is that kind, so that the library reports what is wrong.
fn schema_of(text: &str) -> Schema {
    let named = |schema: &str| match schema {
        baseline::SCHEMA => Schema::Baseline,
        profile::PROFILE_SCHEMA => Schema::Profile,
        _ => Schema::Other,
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => named(value.get("schema").and_then(|s| s.as_str()).unwrap_or("")),
        Err(_) if text.contains(&format!("\"{}\"", baseline::SCHEMA)) => Schema::Baseline,
        Err(_) if text.contains(&format!("\"{}\"", profile::PROFILE_SCHEMA)) => Schema::Profile,
        Err(e) => Schema::NotJson(e),
    }
}

/// How many rows whose decision changed are shown.
const SHOWN_ROWS: usize = 5;

fn baseline_changes(old: &BaselineRecord, new: &BaselineRecord) -> Vec<String> {
    let mut out = Vec::new();
    if old.model() != new.model() {
        out.push(format!("model: {} → {}", old.model(), new.model()));
    }
    if old.dataset() != new.dataset() {
        out.push(format!(
            "dataset: {:?} → {:?}",
            old.dataset(),
            new.dataset()
        ));
    }
    if old.classes().names() != new.classes().names() {
        out.push(format!("classes: {} → {}", old.classes(), new.classes()));
    }
    // The decision threshold has no accessor: compare it in the files' text.
    let decision = |r: &BaselineRecord| {
        let value: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap_or_default();
        value
            .get("decision")
            .map_or("none".into(), |d| d.to_string())
    };
    if decision(old) != decision(new) {
        out.push(format!("decision: {} → {}", decision(old), decision(new)));
    }
    let rate = |r: Option<f64>| r.map_or("none".into(), percent);
    let loss = |l: Option<f64>| l.map_or("none".into(), number);
    for cohort in new.cohorts() {
        let Some(before) = old.cohorts().iter().find(|c| c.name == cohort.name) else {
            out.push(format!(
                "cohort `{}`: added (n {}, accuracy {})",
                cohort.name,
                cohort.n,
                rate(cohort.accuracy)
            ));
            continue;
        };
        if before == cohort {
            continue;
        }
        let mut line = format!("cohort `{}`:", cohort.name);
        if before.n != cohort.n {
            line += &format!(" n {} → {},", before.n, cohort.n);
        }
        line += &format!(
            " accuracy {} → {}, log loss {} → {}",
            rate(before.accuracy),
            rate(cohort.accuracy),
            loss(before.log_loss),
            loss(cohort.log_loss)
        );
        out.push(line);
    }
    for cohort in old.cohorts() {
        if !new.cohorts().iter().any(|c| c.name == cohort.name) {
            out.push(format!("cohort `{}`: removed", cohort.name));
        }
    }
    let before: HashMap<&str, _> = old.rows().iter().map(|r| (r.id.as_str(), r)).collect();
    let (mut decided, mut relabelled, mut probabilities, mut added) = (vec![], 0, 0, 0);
    for row in new.rows() {
        let Some(was) = before.get(row.id.as_str()) else {
            added += 1;
            continue;
        };
        if was.predicted != row.predicted {
            decided.push(format!(
                "{}: {} → {} (truth {})",
                row.id, was.predicted, row.predicted, row.truth
            ));
        } else if was.p != row.p {
            probabilities += 1;
        }
        if was.truth != row.truth {
            relabelled += 1;
        }
    }
    let ids: BTreeSet<&str> = new.rows().iter().map(|r| r.id.as_str()).collect();
    let removed = old
        .rows()
        .iter()
        .filter(|r| !ids.contains(r.id.as_str()))
        .count();
    let n = new.rows().len();
    let mut counted = |count: usize, what: &str| {
        if count > 0 {
            out.push(format!("{count} of {n} rows {what}"));
        }
    };
    counted(decided.len(), "changed decision");
    counted(probabilities, "changed probabilities only");
    counted(relabelled, "changed true label");
    counted(added, "are new");
    if removed > 0 {
        out.push(format!("{removed} rows removed"));
    }
    for row in decided.iter().take(SHOWN_ROWS) {
        out.push(format!("  {row}"));
    }
    if decided.len() > SHOWN_ROWS {
        out.push(format!("  … and {} more", decided.len() - SHOWN_ROWS));
    }
    out
}

fn profile_changes(old: &Profile, new: &Profile) -> Vec<String> {
    let mut out = Vec::new();
    if old.dataset != new.dataset {
        out.push(format!("dataset: {:?} → {:?}", old.dataset, new.dataset));
    }
    if old.rows != new.rows {
        out.push(format!("rows: {} → {}", old.rows, new.rows));
    }
    for feature in &new.features {
        let Some(before) = old.feature(&feature.name) else {
            out.push(format!(
                "feature `{}`: added ({})",
                feature.name,
                describe(feature)
            ));
            continue;
        };
        let at = |what: String| format!("feature `{}`: {what}", feature.name);
        if (before.kind, before.number) != (feature.kind, feature.number) {
            out.push(at(format!(
                "type {} → {}",
                type_of(before),
                type_of(feature)
            )));
        }
        if (before.min, before.max) != (feature.min, feature.max) {
            out.push(at(format!("range {} → {}", range(before), range(feature))));
        }
        if before.levels != feature.levels {
            let levels = |f: &FeatureProfile| -> BTreeSet<String> {
                f.levels.iter().flatten().cloned().collect()
            };
            let (was, is) = (levels(before), levels(feature));
            let list = |s: Vec<&String>| {
                s.iter()
                    .map(|l| format!("{l:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut line = String::from("levels");
            let gained: Vec<_> = is.difference(&was).collect();
            let lost: Vec<_> = was.difference(&is).collect();
            if !gained.is_empty() {
                line += &format!(" added {}", list(gained));
            }
            if !lost.is_empty() {
                line += &format!(" removed {}", list(lost));
            }
            out.push(at(line));
        }
        if before.missing != feature.missing {
            out.push(at(format!(
                "missing {} → {}",
                percent(before.missing),
                percent(feature.missing)
            )));
        }
    }
    for feature in &old.features {
        if new.feature(&feature.name).is_none() {
            out.push(format!("feature `{}`: removed", feature.name));
        }
    }
    match (&old.labels, &new.labels) {
        (a, b) if a == b => {}
        (Some(LabelProfile::Classes { shares: was }), Some(LabelProfile::Classes { shares })) => {
            for (class, share) in shares {
                match was.iter().find(|(c, _)| c == class) {
                    Some((_, s)) if s == share => {}
                    Some((_, s)) => out.push(format!(
                        "label `{class}`: share {} → {}",
                        percent(*s),
                        percent(*share)
                    )),
                    None => out.push(format!("label `{class}`: added ({})", percent(*share))),
                }
            }
            for (class, _) in was {
                if !shares.iter().any(|(c, _)| c == class) {
                    out.push(format!("label `{class}`: removed"));
                }
            }
        }
        (a, b) => out.push(format!("labels: {} → {}", labels(a), labels(b))),
    }
    out
}

fn type_of(f: &FeatureProfile) -> String {
    match f.number {
        Some(number) => format!("{} ({})", f.kind, format!("{number:?}").to_lowercase()),
        None => f.kind.to_string(),
    }
}

fn range(f: &FeatureProfile) -> String {
    let end = |x: Option<f64>| x.map_or("none".into(), exact);
    format!("[{}, {}]", end(f.min), end(f.max))
}

fn describe(f: &FeatureProfile) -> String {
    let mut text = type_of(f);
    if f.min.is_some() || f.max.is_some() {
        text += &format!(", range {}", range(f));
    }
    if let Some(levels) = &f.levels {
        text += &format!(", {} levels", levels.len());
    }
    text + &format!(", missing {}", percent(f.missing))
}

fn labels(l: &Option<LabelProfile>) -> String {
    match l {
        None => "none".into(),
        Some(LabelProfile::Classes { shares }) => shares
            .iter()
            .map(|(c, s)| format!("{c} {}", percent(*s)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(LabelProfile::Targets { min, max }) => {
            format!("targets in [{}, {}]", exact(*min), exact(*max))
        }
    }
}
