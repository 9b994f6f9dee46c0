//! The real `cargo-model-check` binary on fixtures built through model-check's public API:
//! reports of real check runs, pending baselines and profiles recorded by the library's own
//! workflow.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use model_check::baseline::{Baseline, BaselineError, BaselineRecord, UpdateMode};
use model_check::prelude::*;
use model_check::profile::{Profile, ProfileError, ProfileFile};
use model_check::report::{SuiteReport, TestReport};

#[derive(Features, Clone)]
struct Row {
    x: f64,
    group: String,
}

/// A fresh, empty directory for one test.
fn temp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary in `dir` with no terminal on stdin and no `CI` or update setting.
fn cli(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-model-check"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("MODEL_CHECK_UPDATE")
        .stdin(Stdio::null());
    command
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `n` rows with x in [0, scale), in groups `a`, `b` (and `c` when `three_groups`); the
/// label is `yes` when x ≥ 0.5.
fn data(n: usize, scale: f64, three_groups: bool) -> Dataset<Row> {
    let groups = if three_groups { 3 } else { 2 };
    let rows: Vec<Row> = (0..n)
        .map(|i| Row {
            x: scale * i as f64 / n as f64,
            group: ["a", "b", "c"][i % groups].to_string(),
        })
        .collect();
    let labels =
        Labels::classes(rows.iter().map(|r| if r.x >= 0.5 { "yes" } else { "no" })).unwrap();
    Dataset::from_rows(rows, labels)
        .unwrap()
        .with_ids((0..n).map(|i| format!("row-{i:03}")))
        .unwrap()
}

/// A batch's probabilities, or why there are none.
type Scores = Result<Vec<Vec<f64>>, ModelError>;

/// Says `yes` from x ≥ `cut` on.
fn model(version: &str, cut: f64) -> Classifier<Row, impl Fn(&[Row]) -> Scores + use<>> {
    Classifier::from_fn(
        ModelInfo::new("cutoff", version),
        ["no", "yes"],
        move |b: &[Row]| {
            Ok(b.iter()
                .map(|r| {
                    if r.x >= cut {
                        vec![0.2, 0.8]
                    } else {
                        vec![0.7, 0.3]
                    }
                })
                .collect())
        },
    )
    .unwrap()
}

/// Four reports of real runs: three that pass (two on data alone, one of a model) and, when
/// `with_failure`, one that fails (too few rows).
fn reports(with_failure: bool) -> Vec<TestReport> {
    let rows = |least: u64, name: &str| {
        let run = check_data(data(60, 1.0, false))
            .expect(row_count().at_least(least))
            .run(1);
        TestReport::from_run(name, "shop", &run)
    };
    let accurate = check(model("1", 0.5), data(200, 1.0, false))
        .expect(accuracy().at_least(0.9))
        .run(7);
    let mut reports = vec![
        rows(10, "enough rows"),
        rows(50, "rows for training"),
        TestReport::from_run("accuracy", "shop-model", &accurate),
    ];
    reports.push(rows(
        if with_failure { 1000 } else { 20 },
        "rows for evaluation",
    ));
    reports
}

fn write(reports: &[TestReport], dir: &Path) -> Vec<PathBuf> {
    reports.iter().map(|r| r.write_to(dir).unwrap()).collect()
}

#[test]
fn shards_merge_to_what_one_directory_gives() {
    let dir = temp("shards");
    let reports = reports(true);
    assert!(!reports[3].passed && reports[..3].iter().all(|r| r.passed));
    write(&reports[..2], &dir.join("shard-1"));
    write(&reports[2..], &dir.join("shard-2"));
    write(&reports, &dir.join("all"));

    let sharded = cli(
        &dir,
        &[
            "report",
            "shard-1",
            "shard-2",
            "--html",
            "out/sharded.html",
            "--junit",
            "out/sharded.xml",
        ],
    );
    let single = cli(
        &dir,
        &[
            "report",
            "all",
            "--html",
            "out/single.html",
            "--junit",
            "out/single.xml",
        ],
    );
    // A test failed: exit 1, in both.
    assert_eq!(code(&sharded), 1, "{}", stderr(&sharded));
    assert_eq!(code(&single), 1, "{}", stderr(&single));
    let summary = stdout(&sharded);
    assert!(
        summary.contains("4 tests: 3 passed, 1 failed, 0 inconclusive, 0 error"),
        "{summary}"
    );
    assert!(
        summary.contains("FAIL shop::shop::rows for evaluation"),
        "{summary}"
    );
    assert_eq!(summary, stdout(&single));

    let read = |name: &str| std::fs::read(dir.join("out").join(name)).unwrap();
    assert_eq!(read("sharded.html"), read("single.html"));
    assert_eq!(read("sharded.xml"), read("single.xml"));
    // The library's rendering of the same reports, byte for byte.
    let expected = SuiteReport::from_tests(reports.clone());
    assert_eq!(read("sharded.xml"), expected.to_junit().into_bytes());
    assert_eq!(read("sharded.html"), expected.to_html().into_bytes());
    // No temporary file is left beside the outputs.
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["sharded.html", "sharded.xml", "single.html", "single.xml"]
    );
}

#[test]
fn all_passed_exits_0_and_text_shows_each_test() {
    let dir = temp("passed");
    write(&reports(false)[..2], &dir.join("shard-1"));
    write(&reports(false)[2..], &dir.join("shard-2"));
    let output = cli(&dir, &["report", "shard-1", "shard-2", "--text"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("4 tests: 4 passed, 0 failed"), "{text}");
    for name in [
        "enough rows",
        "rows for training",
        "accuracy",
        "rows for evaluation",
    ] {
        assert!(text.contains(name), "{name} missing from {text}");
    }
    // The cargo form: `cargo model-check report ...` passes `model-check` first.
    let cargo_form = cli(
        &dir,
        &["model-check", "report", "shard-1", "shard-2", "--text"],
    );
    assert_eq!(code(&cargo_form), 0);
    assert_eq!(stdout(&cargo_form), text);
}

#[test]
fn a_corrupt_or_missing_input_exits_3_naming_it() {
    let dir = temp("corrupt");
    let shard = dir.join("shard");
    write(&reports(false), &shard);
    std::fs::write(
        shard.join("broken.json"),
        "{\"schema\": \"model-check/test-report/v2\"",
    )
    .unwrap();
    let output = cli(&dir, &["report", "shard", "--junit", "junit.xml"]);
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("broken.json"),
        "{}",
        stderr(&output)
    );
    assert!(
        !dir.join("junit.xml").exists(),
        "nothing is written from a broken input"
    );

    let missing = cli(&dir, &["report", "no-such-dir"]);
    assert_eq!(code(&missing), 3);
    assert!(
        stderr(&missing).contains("no-such-dir"),
        "{}",
        stderr(&missing)
    );

    // An output that cannot be written: its directory is a file.
    std::fs::remove_file(shard.join("broken.json")).unwrap();
    let good = cli(&dir, &["report", "shard", "--html", "out/report.html"]);
    assert_eq!(code(&good), 0, "{}", stderr(&good));
    std::fs::write(dir.join("blocker"), "a file").unwrap();
    let blocked = cli(&dir, &["report", "shard", "--html", "blocker/report.html"]);
    assert_eq!(code(&blocked), 3);
    assert!(stderr(&blocked).contains("blocker"), "{}", stderr(&blocked));
}

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let dir = temp("usage");
    for args in [
        &["report", "x", "--frobnicate"][..],
        &["report"],
        &["deploy"],
        &[],
        &["review", "--accept", "--reject"],
        &["report", "x", "--html"],
    ] {
        let output = cli(&dir, args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("error:"), "{args:?}");
    }
    for args in [
        &["--help"][..],
        &["report", "--help"],
        &["review", "--help"],
        &["help", "review"],
    ] {
        let output = cli(&dir, args);
        assert_eq!(code(&output), 0);
        assert!(stdout(&output).contains("Exit codes:"), "{args:?}");
    }
    let version = cli(&dir, &["model-check", "--version"]);
    assert_eq!(
        stdout(&version),
        format!("cargo-model-check {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_test_in_two_shards_is_an_error_naming_both_files() {
    let dir = temp("duplicate");
    let reports = reports(false);
    let first = write(&reports[..2], &dir.join("shard-1"));
    let second = write(&reports[1..], &dir.join("shard-2"));
    let output = cli(&dir, &["report", "shard-1", "shard-2"]);
    assert_eq!(code(&output), 3);
    let message = stderr(&output);
    assert!(message.contains("rows for training"), "{message}");
    for file in [&first[1], &second[0]] {
        let relative = file.strip_prefix(&dir).unwrap();
        assert!(
            message.contains(&relative.display().to_string()),
            "{message}"
        );
    }
}

/// A project directory with a pending baseline and a pending profile recorded by the
/// library (no accepted files yet), and decoys that review must skip. Returns the accepted
/// paths.
fn pending_project(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = temp(name);
    let data = data(100, 1.0, false);
    let model = model("1", 0.5);
    let baseline = dir.join("tests/baselines/cutoff.json");
    let missing = Baseline::path(&baseline)
        .update_mode(UpdateMode::No)
        .ci(false)
        .resolve(&data, model.classes(), || {
            BaselineRecord::record(&model, &data, &[Cohort::all()])
        });
    assert!(matches!(
        missing,
        Err(BaselineError::Missing {
            pending: Some(_),
            ..
        })
    ));
    let profile = dir.join("tests/profiles/rows.json");
    let missing = ProfileFile::path(&profile)
        .update_mode(UpdateMode::No)
        .ci(false)
        .resolve(&data);
    assert!(matches!(
        missing,
        Err(ProfileError::Missing {
            pending: Some(_),
            ..
        })
    ));
    // Never reviewed: build output, hidden directories.
    for decoy in ["target/debug/old.pending.json", ".git/stale.pending.json"] {
        let decoy = dir.join(decoy);
        std::fs::create_dir_all(decoy.parent().unwrap()).unwrap();
        std::fs::copy(Baseline::path(&baseline).pending_path(), decoy).unwrap();
    }
    (dir, baseline, profile)
}

#[test]
fn review_lists_then_accepts_pending_files() {
    let (dir, baseline, profile) = pending_project("accept");
    // Another tool's pending file is shown as unknown and left alone.
    std::fs::write(
        dir.join("other.pending.json"),
        "{\"schema\": \"someone/else\"}",
    )
    .unwrap();
    let list = cli(&dir, &["review", "--list"]);
    assert_eq!(code(&list), 1, "{}", stderr(&list));
    let text = stdout(&list);
    assert!(
        text.contains("tests/baselines/cutoff.pending.json: baseline, new"),
        "{text}"
    );
    assert!(
        text.contains("tests/profiles/rows.pending.json: profile, new"),
        "{text}"
    );
    assert!(text.contains("other.pending.json: unknown"), "{text}");
    assert!(
        !text.contains("old.pending") && !text.contains("stale.pending"),
        "{text}"
    );
    // Without a terminal and without an action, review lists.
    let default = cli(&dir, &["review"]);
    assert_eq!((code(&default), stdout(&default)), (1, text));

    let pending_baseline = BaselineRecord::load(Baseline::path(&baseline).pending_path()).unwrap();
    let pending_profile = Profile::load(ProfileFile::path(&profile).pending_path()).unwrap();
    // Under CI the library refuses to accept: nothing moves.
    let in_ci = command(&dir, &["review", "--accept"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(code(&in_ci), 3);
    assert!(stderr(&in_ci).contains("CI is set"), "{}", stderr(&in_ci));
    assert!(!baseline.exists() && !profile.exists());

    let accept = cli(&dir, &["review", "--accept", "tests"]);
    assert_eq!(code(&accept), 0, "{}", stderr(&accept));
    assert_eq!(BaselineRecord::load(&baseline).unwrap(), pending_baseline);
    assert_eq!(Profile::load(&profile).unwrap(), pending_profile);
    assert!(!Baseline::path(&baseline).pending_path().exists());
    assert!(!ProfileFile::path(&profile).pending_path().exists());
    assert!(dir.join("other.pending.json").exists());

    let after = cli(&dir, &["review", "--list"]);
    assert_eq!(code(&after), 0, "{}", stdout(&after));
}

#[test]
fn review_rejects_pending_files() {
    let (dir, baseline, profile) = pending_project("reject");
    let reject = cli(&dir, &["review", "--reject"]);
    assert_eq!(code(&reject), 0, "{}", stderr(&reject));
    for path in [&baseline, &profile] {
        assert!(!path.exists());
    }
    assert!(!Baseline::path(&baseline).pending_path().exists());
    assert!(!ProfileFile::path(&profile).pending_path().exists());
    assert!(dir.join("target/debug/old.pending.json").exists());
    assert_eq!(code(&cli(&dir, &["review", "--list"])), 0);
    let missing = cli(&dir, &["review", "--list", "no-such-dir"]);
    assert_eq!(code(&missing), 3);
    assert!(
        stderr(&missing).contains("no-such-dir"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn review_diffs_a_changed_profile_and_baseline() {
    let dir = temp("diff");
    let before = data(100, 1.0, false);
    // The data moved: x now reaches 2, a third group appeared.
    let after = data(120, 2.0, true);
    let profile = dir.join("profiles/rows.json");
    ProfileFile::path(&profile)
        .update_mode(UpdateMode::New)
        .ci(false)
        .resolve(&before)
        .unwrap();
    let pending = ProfileFile::path(&profile).pending_path();
    std::fs::write(&pending, Profile::infer(&after).to_json()).unwrap();

    let baseline = dir.join("baselines/cutoff.json");
    let v1 = model("1", 0.5);
    Baseline::path(&baseline)
        .update_mode(UpdateMode::New)
        .ci(false)
        .resolve(&before, v1.classes(), || {
            BaselineRecord::record(&v1, &before, &[Cohort::all()])
        })
        .unwrap();
    let v2 = BaselineRecord::record(&model("2", 0.6), &before, &[Cohort::all()]).unwrap();
    std::fs::write(Baseline::path(&baseline).pending_path(), v2.to_json()).unwrap();

    let output = cli(&dir, &["review", "--diff"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("profiles/rows.pending.json: profile, "),
        "{text}"
    );
    assert!(text.contains("rows: 100 → 120"), "{text}");
    assert!(
        text.contains("feature `x`: range [0, 0.99] → [0, 1.9833333333333334]"),
        "{text}"
    );
    assert!(
        text.contains("feature `group`: levels added \"c\""),
        "{text}"
    );
    assert!(text.contains("label `no`: share 50% → 25%"), "{text}");
    assert!(!text.contains("feature `group`: range"), "{text}");
    assert!(text.contains("model: cutoff@1 → cutoff@2"), "{text}");
    // Rows 50 to 59 (x in [0.5, 0.6)) now say no.
    assert!(text.contains("10 of 100 rows changed decision"), "{text}");
    assert!(text.contains("row-050: yes → no (truth yes)"), "{text}");
    assert!(text.contains("cohort `all`: accuracy 100% → 90%"), "{text}");
    // --list names the files without the diff.
    let list = stdout(&cli(&dir, &["review", "--list"]));
    assert!(
        list.contains("profile, ") && !list.contains("feature `x`"),
        "{list}"
    );
}

#[test]
fn a_corrupt_pending_file_exits_3_and_stays() {
    let (dir, baseline, profile) = pending_project("corrupt-pending");
    let pending = Baseline::path(&baseline).pending_path();
    let text = std::fs::read_to_string(&pending).unwrap();
    std::fs::write(&pending, &text[..text.len() / 2]).unwrap();
    let garbage = dir.join("tests/garbage.pending.json");
    std::fs::write(&garbage, "not json at all").unwrap();

    for action in ["--list", "--accept"] {
        let output = cli(&dir, &["review", action]);
        assert_eq!(code(&output), 3, "{action}");
        let message = stderr(&output);
        // The library's typed error, naming the file.
        assert!(
            message.contains("cutoff.pending.json is not a valid baseline"),
            "{message}"
        );
        assert!(message.contains("truncated"), "{message}");
        assert!(
            message.contains("garbage.pending.json: not JSON"),
            "{message}"
        );
        assert!(pending.exists() && garbage.exists(), "{action}");
        assert!(!baseline.exists());
    }
    // The valid profile was still accepted.
    assert!(Profile::load(&profile).is_ok());
}
