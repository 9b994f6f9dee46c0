//! Data unit tests against a profile inferred from Telco's training split and committed as
//! `tests/profiles/telco_train.json`: the held-out split matches it, and each kind of damage a
//! real feed suffers — a unit change, a renamed level, a spike of missing values, a label
//! shift, a retyped field — fails on the finding that names it. Then the file's workflow:
//! pending file, acceptance, CI, corruption.

mod common;

use std::path::PathBuf;

use common::Customer;
use model_check::baseline::UpdateMode;
use model_check::expect::Outcome;
use model_check::prelude::*;
use model_check::profile::{Profile, ProfileError, ProfileFile};

fn splits() -> (Dataset<Customer>, Dataset<Customer>) {
    let (train, test) = common::telco("churn").split(0.75, 42).unwrap();
    (train.named("telco train"), test.named("telco test"))
}

/// The committed profile; run once with `MODEL_CHECK_UPDATE=new` to write it.
fn telco_profile(train: &Dataset<Customer>) -> Profile {
    ProfileFile::path("tests/profiles/telco_train.json")
        .resolve(train)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn outcome<'a>(outcomes: &'a [Outcome], subject: &str) -> &'a Outcome {
    outcomes
        .iter()
        .find(|o| o.subject.as_deref() == Some(subject))
        .unwrap_or_else(|| panic!("no finding on {subject}"))
}

fn failing(outcomes: &[Outcome]) -> Vec<&str> {
    outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Fail)
        .filter_map(|o| o.subject.as_deref())
        .collect()
}

fn check(profile: &Profile, data: Dataset<Customer>) -> Vec<Outcome> {
    check_data(data)
        .expect(matches_profile(profile))
        .run(1)
        .outcomes
}

#[test]
fn the_committed_profile_is_the_training_splits() {
    let (train, _) = splits();
    let profile = telco_profile(&train);
    // The file is what inference gives today: the data and the inference have not moved.
    assert_eq!(profile, Profile::infer(&train));
    let tenure = profile.feature("tenure").unwrap();
    assert_eq!((tenure.min, tenure.max), (Some(0.0), Some(72.0)));
    let contract = profile.feature("contract").unwrap();
    assert_eq!(
        contract.levels.as_deref().unwrap(),
        ["Month-to-month", "One year", "Two year"]
    );
    // Telco's 11 blank total charges are the customers of tenure 0.
    assert!(profile.feature("total_charges").unwrap().missing > 0.0);
}

#[test]
fn the_held_out_split_matches_the_training_profile() {
    let (train, test) = splits();
    let outcomes = check(&telco_profile(&train), test);
    assert!(failing(&outcomes).is_empty(), "{:?}", failing(&outcomes));
    // 19 features with a range or levels, one optional feature's missing share, two classes.
    assert_eq!(outcomes.len(), 19 + 1 + 2);
    // What was measured is reported on a pass too.
    let charges = outcome(&outcomes, "monthly_charges: range");
    assert_eq!(charges.verdict, Verdict::Pass);
    assert!(charges.note.as_deref().unwrap().contains("of 1761 rows"));
    let yes = outcome(&outcomes, "label Yes: share");
    assert_eq!(yes.verdict, Verdict::Pass, "{yes}");
    assert!((yes.evidence.estimate.unwrap() - 0.2623).abs() < 0.05);
}

fn damaged(edit: impl Fn(usize, &mut Customer)) -> Dataset<Customer> {
    let (_, test) = splits();
    let rows: Vec<Customer> = test
        .rows()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut c = c.clone();
            edit(i, &mut c);
            c
        })
        .collect();
    Dataset::from_rows(rows, test.labels().clone()).unwrap()
}

#[test]
fn each_kind_of_damage_fails_on_the_finding_that_names_it() {
    let (train, _) = splits();
    let profile = telco_profile(&train);
    // Total charges arrive in cents. (Monthly charges could not: their declared range,
    // 0..=200, rejects the rows when the dataset is built.)
    let cents = check(
        &profile,
        damaged(|_, c| c.total_charges = c.total_charges.map(|t| t * 100.0)),
    );
    assert_eq!(failing(&cents), ["total_charges: range"]);
    let range = outcome(&cents, "total_charges: range");
    assert!(
        range.examples[0]
            .detail
            .contains("is outside [18.8, 8684.8]"),
        "{range}"
    );
    // A level renamed upstream, in one row of ten.
    let renamed = check(
        &profile,
        damaged(|i, c| {
            if i % 10 == 0 && c.contract == "Month-to-month" {
                c.contract = "month-to-month".into();
            }
        }),
    );
    assert_eq!(failing(&renamed), ["contract: levels"]);
    // A tenth of the total charges lost.
    let lost = check(
        &profile,
        damaged(|i, c| {
            if i % 10 == 3 {
                c.total_charges = None;
            }
        }),
    );
    assert_eq!(failing(&lost), ["total_charges: missing"]);
    // Only churners' rows arrived.
    let (_, test) = splits();
    let churners: Vec<usize> = (0..test.len())
        .filter(|&r| test.labels().class_of(r) == Some("Yes"))
        .collect();
    let shifted = check(&profile, test.subset(&churners).unwrap());
    assert_eq!(failing(&shifted), ["label No: share", "label Yes: share"]);
}

#[test]
fn a_retyped_or_renamed_feature_fails_the_schema() {
    let (train, test) = splits();
    let mut profile = telco_profile(&train);
    let tenure = profile
        .features
        .iter_mut()
        .find(|f| f.name == "tenure")
        .unwrap();
    tenure.number = Some(model_check::profile::NumberKind::Float);
    profile
        .features
        .iter_mut()
        .find(|f| f.name == "contract")
        .unwrap()
        .name = "contract_type".into();
    let outcomes = check(&profile, test);
    assert_eq!(
        failing(&outcomes),
        [
            "contract_type: schema",
            "tenure: schema",
            "contract: schema"
        ]
    );
    assert!(
        outcome(&outcomes, "tenure: schema")
            .note
            .as_deref()
            .unwrap()
            .contains("numeric (float) in the profile, numeric (integer) now")
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mc-profile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_missing_profile_is_written_for_review_and_never_in_ci() {
    let (train, _) = splits();
    let dir = temp_dir("workflow");
    let file = ProfileFile::path(dir.join("telco.json"));
    // CI: nothing is written.
    let err = file.clone().ci(true).resolve(&train).unwrap_err();
    assert!(matches!(
        err,
        ProfileError::Missing {
            pending: None,
            ci: true,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains("nothing was written because CI is set")
    );
    assert!(!file.pending_path().exists());
    // Locally: a pending file and a failure saying how to accept it.
    let local = file.clone().ci(false).update_mode(UpdateMode::No);
    let err = local.resolve(&train).unwrap_err();
    assert!(err.to_string().contains("telco.pending.json"), "{err}");
    assert!(!file.file().exists());
    local.accept().unwrap();
    assert!(file.file().exists() && !file.pending_path().exists());
    assert_eq!(local.resolve(&train).unwrap(), Profile::infer(&train));
    // `always` re-infers an existing profile; an edited file is read back as edited.
    let text = std::fs::read_to_string(file.file()).unwrap();
    std::fs::write(file.file(), text.replace("\"rows\": 5282", "\"rows\": 1")).unwrap();
    assert_eq!(local.resolve(&train).unwrap().rows, 1);
    let always = file.clone().ci(false).update_mode(UpdateMode::Always);
    assert_eq!(always.resolve(&train).unwrap().rows, 5282);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_profile_file_is_an_error_naming_it() {
    let (train, _) = splits();
    let dir = temp_dir("corrupt");
    let path = dir.join("telco.json");
    let text = Profile::infer(&train).to_json();
    let cases = [
        (text[..text.len() / 2].to_string(), "truncated"),
        (
            text.replace("model-check/profile", "model-check/baseline"),
            "its schema is",
        ),
        (
            text.replace("\"schema_version\": 1", "\"schema_version\": 9"),
            "schema version",
        ),
        (
            text.replace("\"missing\":0.0", "\"missing\":1.5"),
            "not in [0, 1]",
        ),
        (text.replace("\"rows\"", "\"rowz\""), "unknown field"),
    ];
    for (damaged, reason) in cases {
        std::fs::write(&path, damaged).unwrap();
        let err = ProfileFile::path(&path)
            .ci(true)
            .resolve(&train)
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, ProfileError::Corrupt { .. }), "{message}");
        assert!(message.contains("telco.json"), "{message}");
        assert!(message.contains(reason), "{reason}: {message}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
