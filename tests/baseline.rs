//! Baselines, no-regression expectations and model diffs: the whole snapshot workflow,
//! McNemar parity with statsmodels/scipy (`tests/oracles/mcnemar.py`), and bootstrap
//! determinism. Update mode and CI are passed explicitly, never through the environment.

mod common;

use std::path::PathBuf;

use model_check::baseline::{Baseline, BaselineError, BaselineRecord, UpdateMode};
use model_check::diff::ModelDiff;
use model_check::expect::{churn, mcnemar_exact, mcnemar_one_sided, no_regression, roc_auc};
use model_check::prelude::*;

#[derive(Clone)]
struct Row {
    x: f64,
    group: &'static str,
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mc-baseline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// 400 rows in two groups; the label is `yes` when x ≥ 0.5.
fn data() -> Dataset<Row> {
    let rows: Vec<Row> = (0..400)
        .map(|i| Row {
            x: f64::from(i % 200) / 200.0,
            group: if i < 200 { "a" } else { "b" },
        })
        .collect();
    let labels =
        Labels::classes(rows.iter().map(|r| if r.x >= 0.5 { "yes" } else { "no" })).unwrap();
    Dataset::from_inputs(rows, labels)
        .unwrap()
        .with_ids((0..400).map(|i| format!("row-{i:03}")))
        .unwrap()
}

fn group(g: &'static str) -> Cohort<Row> {
    Cohort::predicate(format!("group {g}"), move |r: &Row| r.group == g)
}

/// Right on every row; `degrade_b` makes it wrong on a third of group b.
fn model(
    version: &'static str,
    degrade_b: bool,
) -> impl Model<Input = Row, Output = Probabilities> + use<> {
    Classifier::from_fn(
        ModelInfo::new("cutoff", version),
        ["no", "yes"],
        move |b: &[Row]| {
            Ok(b.iter()
                .map(|r| {
                    let p = 0.2 + 0.6 * r.x; // in (0.2, 0.8): right side of 0.5
                    let p = if degrade_b
                        && r.group == "b"
                        && ((r.x * 200.0) as u64).is_multiple_of(3)
                    {
                        1.0 - p
                    } else {
                        p
                    };
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .unwrap()
}

fn regression(baseline: &Baseline) -> model_check::expect::NoRegression<Row> {
    no_regression(baseline)
        .cohorts([Cohort::all(), group("a"), group("b")])
        .max_drop(0.02)
}

#[test]
fn first_run_writes_pending_file_and_fails_then_update_accepts() {
    let dir = temp_dir("workflow");
    let path = dir.join("baselines").join("cutoff.json");
    let baseline = Baseline::path(&path).update_mode(UpdateMode::No).ci(false);

    let report = check(model("1", false), data())
        .expect(regression(&baseline))
        .run(1);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Error);
    let note = outcome.note.as_deref().unwrap();
    assert!(note.contains("does not exist"), "{note}");
    assert!(
        note.contains("cutoff.pending.json") && note.contains("MODEL_CHECK_UPDATE"),
        "{note}"
    );
    assert!(!path.exists());
    let pending = baseline.pending_path();
    let text = std::fs::read_to_string(&pending).unwrap();
    // Diff-friendly: one row per line.
    assert_eq!(
        text.lines().filter(|l| l.contains("\"id\":\"row-")).count(),
        400
    );
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Accept the reviewed pending file.
    baseline.accept().unwrap();
    assert!(path.exists() && !pending.exists());

    // The unchanged model now passes, on every cohort.
    let report = check(model("1", false), data())
        .expect(regression(&baseline))
        .run(1);
    assert_eq!(
        report.outcomes[0].verdict,
        Verdict::Pass,
        "{}",
        report.outcomes[0]
    );
    let results = regression(&baseline)
        .compare_model(&model("1", false), &data(), 1)
        .unwrap();
    assert!(
        results
            .iter()
            .all(|r| r.verdict == Verdict::Pass && r.drop == Some(0.0))
    );
}

#[test]
fn update_new_writes_missing_baseline_and_always_rewrites() {
    let dir = temp_dir("update");
    let path = dir.join("cutoff.json");
    let new = Baseline::path(&path).update_mode(UpdateMode::New).ci(false);
    let report = check(model("1", false), data())
        .expect(regression(&new))
        .run(1);
    assert_eq!(report.outcomes[0].verdict, Verdict::Pass);
    let recorded = BaselineRecord::load(&path).unwrap();
    assert_eq!(recorded.model().version(), "1");

    // `new` never touches an existing file.
    let _ = check(model("2", true), data())
        .expect(regression(&new))
        .run(1);
    assert_eq!(BaselineRecord::load(&path).unwrap(), recorded);

    // `always` compares with the old baseline (and fails), then re-records.
    let always = Baseline::path(&path)
        .update_mode(UpdateMode::Always)
        .ci(false);
    let report = check(model("2", true), data())
        .expect(regression(&always))
        .run(1);
    assert_eq!(report.outcomes[0].verdict, Verdict::Fail);
    assert_eq!(BaselineRecord::load(&path).unwrap().model().version(), "2");
}

#[test]
fn model_degraded_on_one_cohort_fails_on_exactly_that_cohort() {
    let dir = temp_dir("degraded");
    let baseline = Baseline::path(dir.join("cutoff.json"))
        .update_mode(UpdateMode::New)
        .ci(false);
    regression(&baseline)
        .compare_model(&model("1", false), &data(), 1)
        .unwrap();

    let results = regression(&baseline)
        .compare_model(&model("2", true), &data(), 1)
        .unwrap();
    let verdicts: Vec<(&str, Verdict)> = results
        .iter()
        .map(|r| (r.cohort.as_str(), r.verdict))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("all", Verdict::Fail),
            ("group a", Verdict::Pass),
            ("group b", Verdict::Fail)
        ]
    );
    let b = &results[2];
    let paired = b.paired.unwrap();
    assert_eq!((paired.fixed, paired.broken), (0, 67));
    assert!(b.interval.unwrap().lo > 0.02);

    let report = check(model("2", true), data())
        .expect(regression(&baseline))
        .run(1);
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert!(!outcome.examples.is_empty());
    assert!(
        outcome.examples.iter().all(|e| e.row >= 200),
        "examples come from group b"
    );
    let note = outcome.note.as_deref().unwrap();
    assert!(
        note.contains("group a: PASS") && note.contains("group b: FAIL"),
        "{note}"
    );

    // The churn expectation, overall and per cohort.
    let churned = check(model("2", true), data())
        .expect(churn(&baseline).at_most(0.05))
        .run(1);
    assert_eq!(churned.outcomes[0].verdict, Verdict::Fail);
    let on_a = check(model("2", true), data())
        .on(group("a"))
        .expect(churn(&baseline).at_most(0.05))
        .run(1);
    assert_eq!(on_a.outcomes[0].verdict, Verdict::Pass);
}

#[test]
fn ci_writes_nothing() {
    let dir = temp_dir("ci");
    for mode in [UpdateMode::No, UpdateMode::New, UpdateMode::Always] {
        let baseline = Baseline::path(dir.join("cutoff.json"))
            .update_mode(mode)
            .ci(true);
        let report = check(model("1", false), data())
            .expect(regression(&baseline))
            .run(1);
        assert_eq!(report.outcomes[0].verdict, Verdict::Error);
        assert!(
            report.outcomes[0]
                .note
                .as_deref()
                .unwrap()
                .contains("CI is set")
        );
        let err = regression(&baseline)
            .compare_model(&model("1", false), &data(), 1)
            .unwrap_err();
        assert!(
            matches!(
                err,
                BaselineError::Missing {
                    pending: None,
                    ci: true,
                    ..
                }
            ),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

fn expect_error(name: &str, text: &str, mode: UpdateMode) -> BaselineError {
    let dir = temp_dir(name);
    let path = dir.join("cutoff.json");
    std::fs::write(&path, text).unwrap();
    let baseline = Baseline::path(&path).update_mode(mode).ci(false);
    let err = regression(&baseline)
        .compare_model(&model("1", false), &data(), 1)
        .unwrap_err();
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    // Never silently overwritten.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    err
}

fn recorded_text() -> String {
    BaselineRecord::record(&model("1", false), &data(), &[Cohort::all()])
        .unwrap()
        .to_json()
}

#[test]
fn corrupt_truncated_and_mismatched_baselines_are_clear_errors() {
    let err = expect_error("corrupt", "not json at all", UpdateMode::No);
    assert!(
        matches!(err, BaselineError::Corrupt { .. }) && err.to_string().contains("invalid JSON"),
        "{err}"
    );

    let text = recorded_text();
    let err = expect_error("truncated", &text[..text.len() / 2], UpdateMode::New);
    assert!(
        matches!(err, BaselineError::Corrupt { .. }) && err.to_string().contains("truncated"),
        "{err}"
    );

    let err = expect_error(
        "version",
        &text.replace("\"schema_version\": 1", "\"schema_version\": 99"),
        UpdateMode::No,
    );
    assert!(err.to_string().contains("schema version Some(99)"), "{err}");

    let err = expect_error(
        "kind",
        &text.replace("\"kind\": \"classifier\"", "\"kind\": \"regressor\""),
        UpdateMode::No,
    );
    assert!(err.to_string().contains("model kind"), "{err}");

    let err = expect_error(
        "ids",
        &text.replace("\"row-007\"", "\"row-x\""),
        UpdateMode::No,
    );
    assert!(
        matches!(err, BaselineError::Mismatch { .. }) && err.to_string().contains("row-007"),
        "{err}"
    );

    let err = expect_error(
        "classes",
        &text.replace("[\"no\",\"yes\"]", "[\"yes\",\"no\"]"),
        UpdateMode::No,
    );
    assert!(
        matches!(err, BaselineError::Mismatch { .. })
            || matches!(err, BaselineError::Corrupt { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("class") || err.to_string().contains("predicted"),
        "{err}"
    );

    // Fewer rows than the dataset.
    let short: String = text.lines().filter(|l| !l.contains("\"row-399\"")).collect::<Vec<_>>().join("\n")
        .replace("\"row-398\",\"truth\":\"yes\",\"predicted\":\"yes\",\"p\":[0.20300000000000007,0.7969999999999999]},", "X");
    let short = if short.contains('X') {
        short
    } else {
        // Drop the trailing comma of the new last row.
        let i = short.rfind("]},").unwrap();
        format!("{}]}}{}", &short[..i], &short[i + 3..])
    };
    // A row removed by hand no longer matches the file's own summary of all rows.
    let err = expect_error("rows", &short, UpdateMode::No);
    assert!(
        matches!(err, BaselineError::Corrupt { .. })
            && err.to_string().contains("of 400 rows")
            && err.to_string().contains("its rows hold 397 of 399"),
        "{err}"
    );
    // With the summary dropped too, the file is consistent but holds fewer rows than the
    // dataset: a mismatch.
    let all = short
        .lines()
        .find(|l| l.contains("\"name\":\"all\""))
        .unwrap()
        .to_string();
    let without_summary = short
        .replace(&all, "")
        .replace("\"cohorts\": [\n\n  ]", "\"cohorts\": []");
    let err = expect_error("rows-no-summary", &without_summary, UpdateMode::No);
    assert!(
        matches!(err, BaselineError::Mismatch { .. }) && err.to_string().contains("399 rows"),
        "{err}"
    );
}

#[test]
fn mcnemar_matches_statsmodels_and_scipy() {
    let text = std::fs::read_to_string(common::oracle("mcnemar.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = json["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let b = case["table"][0][1].as_u64().unwrap();
        let c = case["table"][1][0].as_u64().unwrap();
        let two = case["two_sided"].as_f64().unwrap();
        let one = case["one_sided_worse"].as_f64().unwrap();
        assert!(
            (mcnemar_exact(b, c) - two).abs() < 1e-12,
            "b={b} c={c}: {} vs {two}",
            mcnemar_exact(b, c)
        );
        assert!(
            (mcnemar_one_sided(b, c) - one).abs() < 1e-12,
            "b={b} c={c}: {} vs {one}",
            mcnemar_one_sided(b, c)
        );
    }
}

#[test]
fn paired_bootstrap_is_deterministic_with_a_seed() {
    let dir = temp_dir("bootstrap");
    let baseline = Baseline::path(dir.join("cutoff.json"))
        .update_mode(UpdateMode::New)
        .ci(false);
    let e = || {
        no_regression(&baseline)
            .metric(roc_auc("yes"))
            .cohorts([Cohort::all(), group("b")])
            .max_drop(0.01)
    };
    e().compare_model(&model("1", false), &data(), 1).unwrap();
    let first = e().compare_model(&model("2", true), &data(), 7).unwrap();
    let again = e().compare_model(&model("2", true), &data(), 7).unwrap();
    assert_eq!(first, again);
    let other = e().compare_model(&model("2", true), &data(), 8).unwrap();
    assert_ne!(first[1].interval, other[1].interval);
    assert_eq!(first[1].verdict, Verdict::Fail, "{}", first[1]);
    // Through a check: the same seed gives the same outcome.
    let run = |seed| {
        check(model("2", true), data())
            .expect(e())
            .run(seed)
            .outcomes[0]
            .clone()
    };
    assert_eq!(run(3), run(3));
}

#[test]
fn diff_against_baseline_reports_flips_and_cohort_deltas() {
    let record = BaselineRecord::record(&model("1", false), &data(), &[Cohort::all()]).unwrap();
    let cohorts = [Cohort::all(), group("a"), group("b")];
    let diff = ModelDiff::against_baseline(
        &record,
        std::path::Path::new("mem.json"),
        &model("2", true),
        &data(),
        &cohorts,
    )
    .unwrap();
    assert_eq!(diff.agreement().successes(), 400 - 67);
    assert_eq!(diff.flips(0, 1) + diff.flips(1, 0), 67);
    assert_eq!(diff.cohorts()[1].flips.successes(), 0);
    assert_eq!(diff.cohorts()[2].flips.successes(), 67);
    let b = &diff.cohorts()[2];
    assert!(b.delta.unwrap() < 0.0 && b.interval.unwrap().hi < 0.0);
    assert!(
        diff.moved_most(3)
            .iter()
            .all(|m| m.row >= 200 && m.before != m.after)
    );
    let live =
        ModelDiff::between(&model("1", false), &model("2", true), &data(), &cohorts).unwrap();
    assert_eq!(live.flip_table(), diff.flip_table());
    let text = diff.to_string();
    assert!(
        text.contains("cutoff@1 → cutoff@2") && text.contains("group b"),
        "{text}"
    );
}

#[test]
fn an_edited_cohort_summary_is_refused() {
    let text = recorded_text();
    // The header's summary of all rows, as recorded.
    let line = text
        .lines()
        .find(|l| l.contains("\"name\":\"all\""))
        .expect("a summary of all rows")
        .to_string();
    let summary: serde_json::Value =
        serde_json::from_str(line.trim().trim_end_matches(',')).unwrap();
    let (n, correct) = (
        summary["n"].as_u64().unwrap(),
        summary["correct"].as_u64().unwrap(),
    );

    // More correct rows than the rows hold, with a matching accuracy: consistent in itself,
    // but not what the rows say.
    let edited = line
        .replace(
            &format!("\"correct\":{correct}"),
            &format!("\"correct\":{}", correct + 1),
        )
        .replace(
            &format!("\"accuracy\":{}", summary["accuracy"]),
            &format!("\"accuracy\":{}", (correct + 1) as f64 / n as f64),
        );
    assert_ne!(edited, line);
    let err = expect_error(
        "edited-summary",
        &text.replace(&line, &edited),
        UpdateMode::No,
    );
    assert!(matches!(err, BaselineError::Corrupt { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("the summary of cohort `all` claims"),
        "{message}"
    );
    assert!(message.contains("was the file edited by hand"), "{message}");

    // An accuracy that does not follow from its own counts.
    let inconsistent = line.replace(
        &format!("\"accuracy\":{}", summary["accuracy"]),
        "\"accuracy\":0.99",
    );
    let err = expect_error(
        "inconsistent-summary",
        &text.replace(&line, &inconsistent),
        UpdateMode::No,
    );
    assert!(
        err.to_string().contains("an accuracy of Some(0.99)"),
        "{err}"
    );
}
