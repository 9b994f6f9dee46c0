//! Every bad input is a typed error naming what is at fault — file, line, field, class or
//! model — and none panics.

use std::path::PathBuf;

use model_check::data::Location;
use model_check::model::ModelErrorKind;
use model_check::prelude::*;
use serde::Deserialize;

#[derive(Features, Deserialize, Debug, Clone)]
struct Customer {
    tenure: f64,
    contract: String,
    total_charges: Option<f64>,
}

/// Writes `contents` to a fresh file named `name` and returns its path.
fn file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("model-check-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn load(name: &str, contents: &str, options: CsvOptions) -> Result<Dataset<Customer>, DataError> {
    Dataset::from_csv(file(name, contents), options)
}

fn churn() -> CsvOptions {
    CsvOptions::classify("churn")
}

#[track_caller]
fn assert_at(err: &DataError, line: u64, field: &str) {
    let at = err
        .location()
        .unwrap_or_else(|| panic!("no location in {err:?}"));
    assert_eq!(at.line, Some(line), "{err}");
    assert_eq!(at.field.as_deref(), Some(field), "{err}");
}

#[test]
fn a_well_formed_file_loads_with_declared_missing_values() {
    let data = load(
        "ok.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,,Yes\n30,Yearly,?,No\n5,Monthly,50.5,No\n",
        churn().missing("?"),
    )
    .unwrap();
    assert_eq!(data.len(), 3);
    assert_eq!(data.rows()[0].total_charges, None);
    assert_eq!(data.rows()[1].total_charges, None);
    assert_eq!(data.rows()[2].total_charges, Some(50.5));
    assert_eq!(data.labels().class_names().unwrap(), ["No", "Yes"]);
    assert_eq!(data.name(), "ok.csv");
}

#[test]
fn a_missing_file_names_the_path() {
    let err = Dataset::<Customer>::from_csv("/no/such/dir/data.csv", churn()).unwrap_err();
    assert!(matches!(err, DataError::Io { .. }));
    assert!(
        err.to_string().starts_with("/no/such/dir/data.csv: "),
        "{err}"
    );
}

#[test]
fn a_record_with_too_few_fields_names_its_line() {
    let err = load(
        "short.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,2,Yes\n3,Monthly\n",
        churn(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Parse { .. }), "{err:?}");
    assert_eq!(err.location().unwrap().line, Some(3));
    assert!(
        err.to_string()
            .ends_with("short.csv:3: record has 2 fields, the header has 4"),
        "{err}"
    );
}

#[test]
fn a_value_of_the_wrong_type_names_line_and_field() {
    let err = load(
        "typo.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,2,Yes\n1O,Monthly,2,No\n",
        churn(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Parse { .. }), "{err:?}");
    assert_at(&err, 3, "tenure");
    assert!(
        err.to_string()
            .ends_with("typo.csv:3, field `tenure`: \"1O\" is not a number"),
        "{err}"
    );
}

#[test]
fn nan_and_infinity_are_errors() {
    for (cell, shown) in [("NaN", "NaN"), ("inf", "inf"), ("-inf", "-inf")] {
        let err = load(
            "nan.csv",
            &format!("tenure,contract,total_charges,churn\n1,Monthly,2,Yes\n3,Monthly,{cell},No\n"),
            churn(),
        )
        .unwrap_err();
        assert!(matches!(err, DataError::Invalid { .. }), "{err:?}");
        assert_at(&err, 3, "total_charges");
        assert!(
            err.to_string()
                .ends_with(&format!("{shown} is not a finite number")),
            "{err}"
        );
    }
}

#[test]
fn a_missing_value_in_a_required_field_is_an_error() {
    // Empty cell.
    let err = load(
        "gap.csv",
        "tenure,contract,total_charges,churn\n,Monthly,2,Yes\n",
        churn(),
    )
    .unwrap_err();
    assert_at(&err, 2, "tenure");
    assert!(
        err.to_string()
            .contains("the value is missing, and the field is not an Option"),
        "{err}"
    );
    // A declared marker is missing too, and still not allowed outside an Option.
    let err = load(
        "marker.csv",
        "tenure,contract,total_charges,churn\n?,Monthly,2,Yes\n",
        churn().missing("?"),
    )
    .unwrap_err();
    assert_at(&err, 2, "tenure");
    // An undeclared marker is not guessed to be missing: it is a bad number.
    let err = load(
        "undeclared.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,?,Yes\n",
        churn(),
    )
    .unwrap_err();
    assert_at(&err, 2, "total_charges");
    assert!(err.to_string().ends_with("\"?\" is not a number"), "{err}");
}

#[test]
fn a_missing_label_is_an_error() {
    let err = load(
        "nolabel.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,2,\n",
        churn(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Invalid { .. }));
    assert_at(&err, 2, "churn");
    assert!(err.to_string().ends_with("the label is missing"), "{err}");
}

#[test]
fn a_label_outside_the_declared_classes_is_an_error() {
    let err = load(
        "classes.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,2,Yes\n2,Monthly,2,Maybe\n",
        churn().classes(["No", "Yes"]),
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::UnknownClass { ref label, .. } if label == "Maybe"),
        "{err:?}"
    );
    assert_at(&err, 3, "churn");
    assert!(
        err.to_string()
            .ends_with("label \"Maybe\" is not a known class (classes: No, Yes)"),
        "{err}"
    );
}

#[test]
fn a_regression_label_must_be_a_finite_number() {
    for (cell, expected) in [
        ("abc", "\"abc\" is not a number"),
        ("NaN", "label NaN is not a finite number"),
    ] {
        let err = Dataset::<Customer>::from_csv(
            file(
                "reg.csv",
                &format!("tenure,contract,total_charges,y\n1,Monthly,2,{cell}\n"),
            ),
            CsvOptions::regress("y"),
        )
        .unwrap_err();
        assert_at(&err, 2, "y");
        assert!(err.to_string().ends_with(expected), "{err}");
    }
}

#[test]
fn a_missing_label_or_id_column_lists_the_columns() {
    let err = load(
        "cols.csv",
        "tenure,contract,total_charges\n1,Monthly,2\n",
        churn(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::MissingColumn { ref column, .. } if column == "churn"));
    assert!(
        err.to_string().ends_with(
            "no column `churn` in the header (columns: tenure, contract, total_charges)"
        ),
        "{err}"
    );
    let err = load(
        "ids.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,2,Yes\n",
        churn().id("customer"),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::MissingColumn { ref column, .. } if column == "customer"));
}

#[test]
fn a_column_the_row_type_needs_is_named() {
    let err = load(
        "field.csv",
        "tenure,total_charges,churn\n1,2,Yes\n",
        churn(),
    )
    .unwrap_err();
    // Found from the header, before any row is read.
    assert!(
        matches!(err, DataError::MissingFieldColumn { ref field, feature: true, .. } if field == "contract"),
        "{err:?}"
    );
    assert_at(&err, 1, "contract");
    assert!(
        err.to_string().ends_with(
            "field.csv:1: no column `contract` for field `contract` in the header (columns: tenure, total_charges, churn)"
        ),
        "{err}"
    );
}

#[test]
fn a_label_read_as_a_feature_is_refused() {
    let err = load(
        "leak.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,2,Yes\n",
        CsvOptions::classify("contract"),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Setting { .. }));
    assert!(
        err.to_string()
            .contains("the label column `contract` is also a feature"),
        "{err}"
    );
}

#[test]
fn a_missing_category_in_a_required_field_is_an_error() {
    let err = load(
        "cat.csv",
        "tenure,contract,total_charges,churn\n1,Monthly,2,Yes\n2,?,3,No\n",
        churn().missing("?"),
    )
    .unwrap_err();
    assert_at(&err, 3, "contract");
    assert!(
        err.to_string()
            .ends_with("the value is missing, and the field is not an Option"),
        "{err}"
    );
}

#[test]
fn line_numbers_count_blank_lines_and_windows_line_ends() {
    for (contents, line) in [
        (
            "tenure,contract,total_charges,churn\r\n1,M,2,Yes\r\nx,M,2,No\r\n",
            3,
        ),
        (
            "tenure,contract,total_charges,churn\n1,M,2,Yes\n\nx,M,2,No\n",
            4,
        ),
        (
            "tenure,contract,total_charges,churn\r\n1,M,2,Yes\r\n\r\n\r\nx,M,2,No\r\n",
            5,
        ),
    ] {
        let err = load("lines.csv", contents, churn()).unwrap_err();
        assert_at(&err, line, "tenure");
    }
}

#[derive(Features, serde::Deserialize, Debug)]
struct Ranged {
    #[features(range = 0..=72)]
    tenure: u32,
}

#[test]
fn a_value_outside_the_declared_range_is_an_error() {
    let err =
        Dataset::<Ranged>::from_csv(file("range.csv", "tenure,churn\n12,No\n500,Yes\n"), churn())
            .unwrap_err();
    assert_at(&err, 3, "tenure");
    assert!(
        err.to_string()
            .ends_with("500 is outside the declared range [0, 72]"),
        "{err}"
    );
}

#[test]
fn duplicate_row_ids_name_the_second_line() {
    let err = load(
        "dup.csv",
        "id,tenure,contract,total_charges,churn\na,1,Monthly,2,Yes\nb,1,Monthly,2,Yes\na,1,Monthly,2,No\n",
        churn().id("id"),
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::DuplicateId { ref id, .. } if id == "a"),
        "{err:?}"
    );
    assert_at(&err, 4, "id");
}

#[test]
fn an_empty_file_is_an_error() {
    let err = load("empty.csv", "", churn()).unwrap_err();
    assert!(matches!(err, DataError::EmptyFile { .. }), "{err:?}");
    let err = load(
        "empty.csv",
        "tenure,contract,total_charges,churn\n",
        churn(),
    )
    .unwrap_err();
    assert!(err.to_string().ends_with("empty.csv has no rows"), "{err}");
}

#[test]
fn in_memory_datasets_check_lengths_values_and_emptiness() {
    let row = |tenure| Customer {
        tenure,
        contract: "Monthly".into(),
        total_charges: None,
    };
    let err = Dataset::from_rows(vec![row(1.0), row(2.0)], Labels::classes(["Yes"]).unwrap())
        .unwrap_err();
    assert!(matches!(
        err,
        DataError::LengthMismatch {
            expected: 2,
            got: 1,
            ..
        }
    ));
    assert_eq!(err.to_string(), "1 labels for 2 rows");

    let err = Dataset::from_rows(
        vec![row(1.0), row(f64::INFINITY)],
        Labels::classes(["Yes", "No"]).unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 1, field `tenure`: inf is not a finite number"
    );

    let err = Dataset::<Customer>::from_rows(vec![], Labels::values(vec![]).unwrap()).unwrap_err();
    assert!(matches!(err, DataError::Empty { .. }));
    assert!(
        Labels::classes(Vec::<String>::new()).is_err(),
        "no classes at all"
    );

    let err = Labels::values(vec![1.0, f64::NAN]).unwrap_err();
    assert_eq!(err.to_string(), "row 1: label NaN is not a finite number");

    let data = Dataset::from_rows(
        vec![row(1.0), row(2.0)],
        Labels::classes(["Yes", "No"]).unwrap(),
    )
    .unwrap();
    let err = data.clone().with_ids(["a"]).unwrap_err();
    assert!(matches!(
        err,
        DataError::LengthMismatch {
            what: "row ids",
            ..
        }
    ));
    let err = data.clone().with_ids(["a", "a"]).unwrap_err();
    assert_eq!(err.to_string(), "row 1: duplicate row id \"a\"");
    let err = data.sample_rows(3, 1).unwrap_err();
    assert_eq!(err.to_string(), "cannot sample 3 rows from 2 rows");
    assert!(
        data.sample(0, 1).is_err(),
        "an empty sample is not a dataset"
    );
    assert!(matches!(
        data.subset(&[]).unwrap_err(),
        DataError::Empty { .. }
    ));
    assert_eq!(
        data.subset(&[0, 0]).unwrap_err().to_string(),
        "row 0 is selected twice"
    );
    assert_eq!(
        data.subset(&[2]).unwrap_err().to_string(),
        "row 2 is out of range for 2 rows"
    );
    let err = data.split(1.5, 1).unwrap_err();
    assert!(matches!(err, DataError::Setting { .. }));
    let mut tagged = data.clone();
    assert!(tagged.tag_rows("bad", [5]).is_err());
    assert!(tagged.tag_ids("bad", ["a"]).is_err()); // no ids attached
}

#[test]
fn seeded_sampling_is_reproducible() {
    let data = Dataset::from_inputs(
        (0..1000).collect::<Vec<u32>>(),
        Labels::values(vec![0.0; 1000]).unwrap(),
    )
    .unwrap();
    let a = data.sample_rows(50, 7).unwrap();
    assert_eq!(a, data.sample_rows(50, 7).unwrap());
    assert_ne!(a, data.sample_rows(50, 8).unwrap());
    assert!(
        a.windows(2).all(|w| w[0] < w[1]),
        "sampled rows are distinct and in order"
    );
}

#[test]
fn models_that_misbehave_are_errors_naming_the_model() {
    let info = ModelInfo::new("broken", "3");
    let short = Classifier::from_fn(info.clone(), ["No", "Yes"], |b: &[u8]| {
        Ok(vec![vec![0.5, 0.5]; b.len() - 1])
    })
    .unwrap();
    let err = short.predict(&[1, 2]).unwrap_err();
    assert!(matches!(
        err.kind(),
        ModelErrorKind::OutputCount {
            expected: 2,
            got: 1
        }
    ));
    assert_eq!(
        err.to_string(),
        "model `broken@3` returned 1 outputs for a batch of 2 inputs"
    );

    let unnormalised = Classifier::from_fn(info.clone(), ["No", "Yes"], |b: &[u8]| {
        Ok(vec![vec![0.5, 0.6]; b.len()])
    })
    .unwrap();
    let err = unnormalised.predict(&[1]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "model `broken@3` returned an invalid output for input 0 of the batch: probabilities sum to 1.1, not 1"
    );

    let nan = Classifier::from_fn(info.clone(), ["No", "Yes"], |b: &[u8]| {
        Ok(vec![vec![f64::NAN, 1.0]; b.len()])
    })
    .unwrap();
    assert!(
        nan.predict(&[1])
            .unwrap_err()
            .to_string()
            .contains("probability of class \"No\" is NaN")
    );

    let failing = Regressor::from_fn(info.clone(), |_: &[u8]| {
        Err(ModelError::failed("out of memory"))
    });
    let err = failing.predict(&[1]).unwrap_err();
    assert_eq!(err.to_string(), "model `broken@3` failed: out of memory");
    assert!(std::error::Error::source(&err).is_some());

    let infinite = Regressor::from_fn(info.clone(), |b: &[u8]| Ok(vec![f64::INFINITY; b.len()]));
    assert!(matches!(
        infinite.predict(&[1]).unwrap_err().kind(),
        ModelErrorKind::InvalidOutput { row: Some(0), .. }
    ));

    let err = Classifier::from_fn(info, ["Yes", "Yes"], |b: &[u8]| {
        Ok(vec![vec![0.5, 0.5]; b.len()])
    })
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "model `broken@3` has invalid classes: class \"Yes\" is listed twice"
    );
}

#[test]
fn evaluation_rejects_labels_the_model_does_not_know() {
    let rows = vec![
        Customer {
            tenure: 1.0,
            contract: "Monthly".into(),
            total_charges: None,
        },
        Customer {
            tenure: 2.0,
            contract: "Monthly".into(),
            total_charges: None,
        },
    ];
    let data = Dataset::from_rows(rows, Labels::classes(["Yes", "Maybe"]).unwrap()).unwrap();
    let model = Classifier::from_fn(
        ModelInfo::new("m", "1"),
        ["No", "Yes"],
        |b: &[Customer]| Ok(vec![vec![0.5, 0.5]; b.len()]),
    )
    .unwrap();
    let err = evaluate_classifier(&model, &data, &[Cohort::all()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 1: label \"Maybe\" is not a known class (classes: No, Yes)"
    );

    // A numeric-feature cohort given a category, an unknown tag: clear errors, not empty cohorts.
    let data = Dataset::from_rows(
        data.rows().to_vec(),
        Labels::classes(["Yes", "No"]).unwrap(),
    )
    .unwrap();
    let err =
        evaluate_classifier(&model, &data, &[Cohort::category(Customer::TENURE, "1")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cohort `tenure = 1`: feature `tenure` is numeric; select it with Cohort::range"
    );
    let err = evaluate_classifier(&model, &data, &[Cohort::tag("holdout")]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cohort `tag holdout`: dataset `dataset` has no tag \"holdout\""),
        "{err}"
    );
}

#[test]
fn a_bad_output_names_the_dataset_row_not_the_batch_position() {
    let rows: Vec<Customer> = (0..5000)
        .map(|i| Customer {
            tenure: i as f64,
            contract: "M".into(),
            total_charges: None,
        })
        .collect();
    let data = Dataset::from_rows(rows, Labels::classes(vec!["No"; 5000]).unwrap()).unwrap();
    let model = Classifier::from_fn(
        ModelInfo::new("m", "1"),
        ["No", "Yes"],
        |b: &[Customer]| {
            Ok(b.iter()
                .map(|c| {
                    if c.tenure == 4500.0 {
                        vec![0.7, 0.7]
                    } else {
                        vec![0.5, 0.5]
                    }
                })
                .collect())
        },
    )
    .unwrap();
    let err = evaluate_classifier(&model, &data, &[Cohort::all()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "model `m@1` returned an invalid output for row 4500: probabilities sum to 1.4, not 1"
    );
}

#[test]
fn prediction_tables_check_their_file() {
    let info = || ModelInfo::new("python", "1");
    let err =
        PredictionTable::classifier_csv(info(), file("p1.csv", "id,No,Yes\na,0.5,0.6\n"), "id")
            .unwrap_err();
    assert_eq!(err.location().unwrap().line, Some(2));
    assert!(
        err.to_string()
            .ends_with("p1.csv:2: probabilities sum to 1.1, not 1"),
        "{err}"
    );

    let err = PredictionTable::classifier_csv(info(), file("p2.csv", "id,No,Yes\na,0.5,x\n"), "id")
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("p2.csv:2, field `Yes`: \"x\" is not a number"),
        "{err}"
    );

    let err = PredictionTable::classifier_csv(
        info(),
        file("p3.csv", "id,No,Yes\na,0.5,0.5\na,0.5,0.5\n"),
        "id",
    )
    .unwrap_err();
    assert!(matches!(err, DataError::DuplicateId { .. }));

    let err = PredictionTable::classifier_csv(info(), file("p4.csv", "id,Yes\na,1.0\n"), "id")
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("a classifier needs at least two classes"),
        "{err}"
    );

    let err = PredictionTable::regressor_csv(info(), file("p5.csv", "id,y\na,NaN\n"), "id", "y")
        .unwrap_err();
    assert_eq!(
        err.location(),
        Some(&Location {
            path: Some(file("p5.csv", "id,y\na,NaN\n")),
            line: Some(2),
            row: None,
            field: Some("y".into())
        })
    );

    let err =
        PredictionTable::regressor_csv(info(), file("p6.csv", "id,y\n"), "id", "y").unwrap_err();
    assert!(matches!(err, DataError::Empty { .. }));

    let table =
        PredictionTable::regressor_csv(info(), file("p7.csv", "id,y\na,1.5\n"), "id", "y").unwrap();
    let model = table.keyed_by(|id: &&str| id.to_string());
    let err = model.predict(&["a", "b"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "model `python@1` has no prediction for row id \"b\""
    );
}

#[derive(Features, serde::Deserialize, Debug)]
struct Person {
    age: u32,
    sex: String,
    workclass: Option<String>,
}

#[test]
fn uci_adult_style_files_load_with_comments_markers_and_label_rewrites() {
    let err_free = Dataset::<Person>::from_csv(
        file(
            "adult.csv",
            "|1x3 Cross validator\n25, Private, Male, <=50K.\n18, ?, Female, >50K.\n",
        ),
        CsvOptions::classify("income")
            .headers(["age", "workclass", "sex", "income"])
            .comment(b'|')
            .trim()
            .missing("?")
            .classes(["<=50K", ">50K"])
            .map_label(|l| l.trim_end_matches('.').to_string()),
    )
    .unwrap();
    assert_eq!(err_free.len(), 2);
    assert_eq!(err_free.rows()[1].workclass, None);
    assert_eq!(err_free.labels().class_of(1), Some(">50K"));
    // Line numbers still count the comment line.
    let err = Dataset::<Person>::from_csv(
        file(
            "adult-bad.csv",
            "|comment\n25, Private, Male, <=50K.\nx, ?, Female, >50K.\n",
        ),
        CsvOptions::classify("income")
            .headers(["age", "workclass", "sex", "income"])
            .comment(b'|')
            .trim()
            .missing("?")
            .map_label(|l| l.trim_end_matches('.').to_string()),
    )
    .unwrap_err();
    assert_at(&err, 3, "age");
}

/// A model that panics on its second batch.
fn exploding_after_one_batch() -> impl Model<Input = Customer, Output = Probabilities> {
    let calls = std::sync::atomic::AtomicUsize::new(0);
    Classifier::from_fn(
        ModelInfo::new("exploding", "2"),
        ["No", "Yes"],
        move |batch: &[Customer]| {
            if calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 0 {
                panic!("weights are corrupt");
            }
            Ok(batch.iter().map(|_| vec![0.5, 0.5]).collect())
        },
    )
    .unwrap()
}

fn many_customers(n: usize) -> Dataset<Customer> {
    let rows = (0..n)
        .map(|i| Customer {
            tenure: (i % 72) as f64,
            contract: "Month-to-month".into(),
            total_charges: None,
        })
        .collect();
    Dataset::from_rows(
        rows,
        Labels::classes((0..n).map(|i| if i % 3 == 0 { "Yes" } else { "No" })).unwrap(),
    )
    .unwrap()
}

#[test]
fn a_panicking_model_is_an_error_naming_it_in_cohort_metrics_and_flip_search() {
    // Two batches: the second panics.
    let data = many_customers(model_check::model::BATCH_SIZE + 10);
    let err =
        evaluate_classifier(&exploding_after_one_batch(), &data, &[Cohort::all()]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("model `exploding@2` panicked: weights are corrupt"),
        "{text}"
    );
    assert!(matches!(
        err,
        EvalError::Model(ref e) if matches!(e.kind(), ModelErrorKind::Panicked(_))
    ));

    let search = model_check::search::FlipSearch::new(Customer::TENURE);
    let err = search
        .run(&exploding_after_one_batch(), data.rows())
        .unwrap_err()
        .to_string();
    assert!(err.contains("model `exploding@2` panicked"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Columns the row type reads must be in the header (issue 10).

#[test]
fn an_absent_column_of_an_option_feature_is_an_error_naming_the_closest_header() {
    // `Total_Charges` is not `total_charges`: the Option field must not load as all-missing.
    let err = load(
        "case.csv",
        "tenure,contract,Total_Charges,churn\n1,Monthly,5,Yes\n",
        churn(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            DataError::MissingFieldColumn { ref field, ref closest, feature: true, .. }
                if field == "total_charges" && closest.as_deref() == Some("Total_Charges")
        ),
        "{err:?}"
    );
    assert_at(&err, 1, "total_charges");
    assert!(
        err.to_string().ends_with(
            "case.csv:1: no column `total_charges` for field `total_charges` in the header \
             (columns: tenure, contract, Total_Charges, churn); did you mean `Total_Charges`? \
             Rename the column, or the feature with #[features(rename = \"Total_Charges\")]"
        ),
        "{err}"
    );
    // A small edit distance is near too.
    let err = load(
        "typo.csv",
        "tenure,contract,total_chrages,churn\n1,Monthly,5,Yes\n",
        churn(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("did you mean `total_chrages`?"),
        "{err}"
    );
    // Nothing near: the header is listed, no guess is made.
    let err = load(
        "none.csv",
        "tenure,contract,churn\n1,Monthly,Yes\n",
        churn(),
    )
    .unwrap_err();
    assert!(
        err.to_string().ends_with(
            "none.csv:1: no column `total_charges` for field `total_charges` in the header \
             (columns: tenure, contract, churn)"
        ),
        "{err}"
    );
    // Headers given in the options have no line in the file.
    let err = load(
        "given.csv",
        "1,Monthly,Yes\n",
        churn().headers(["tenure", "contract", "churn"]),
    )
    .unwrap_err();
    let at = err.location().unwrap();
    assert_eq!(
        (at.line, at.field.as_deref()),
        (None, Some("total_charges"))
    );
}

#[derive(Features, Deserialize, Debug)]
struct Applicant {
    #[features(rename = "Age")]
    age: u32,
    #[features(rename = "Annual income")]
    income: Option<f64>,
}

#[test]
fn a_renamed_feature_reads_its_renamed_column() {
    let data = Dataset::<Applicant>::from_csv(
        file(
            "renamed.csv",
            "Age,Annual income,churn\n30,,Yes\n41,52000,No\n",
        ),
        churn(),
    )
    .unwrap();
    let rows: Vec<(u32, Option<f64>)> = data.rows().iter().map(|a| (a.age, a.income)).collect();
    assert_eq!(rows, [(30, None), (41, Some(52000.0))]);
    // Errors in a renamed column name the column as the file spells it.
    let err = Dataset::<Applicant>::from_csv(
        file("renamed-bad.csv", "Age,Annual income,churn\nold,1,Yes\n"),
        churn(),
    )
    .unwrap_err();
    assert_at(&err, 2, "Age");
}

#[test]
fn an_absent_renamed_column_names_the_header_the_field_and_the_fix() {
    let err = Dataset::<Applicant>::from_csv(
        file("renamed-missing.csv", "age,annual_income,churn\n30,1,Yes\n"),
        churn(),
    )
    .unwrap_err();
    assert_at(&err, 1, "Annual income");
    assert!(
        err.to_string().ends_with(
            "renamed-missing.csv:1: no column `Annual income` for field `income` in the header \
             (columns: age, annual_income, churn); did you mean `annual_income`? Rename the \
             column, or the feature with #[features(rename = \"annual_income\")]"
        ),
        "{err}"
    );
}

#[derive(Features, Deserialize, Debug)]
#[serde(rename_all = "PascalCase")]
struct Pascal {
    tenure: f64,
    total_charges: Option<f64>,
}

#[derive(Features, Deserialize, Debug)]
struct SerdeRenamed {
    #[features(rename = "temperature_c")]
    #[serde(rename = "temp")]
    temperature: f64,
    #[features(skip)]
    #[serde(default)]
    note: Option<String>,
}

#[test]
fn serde_renames_are_respected_and_still_checked() {
    // serde's names are read as before.
    let data = Dataset::<Pascal>::from_csv(
        file(
            "pascal.csv",
            "Tenure,TotalCharges,churn\n1,,Yes\n2,3.5,No\n",
        ),
        churn(),
    )
    .unwrap();
    assert_eq!(data.rows()[1].total_charges, Some(3.5));
    // ... and the absent Option column is an error, naming both names.
    let err =
        Dataset::<Pascal>::from_csv(file("pascal-missing.csv", "Tenure,churn\n1,Yes\n"), churn())
            .unwrap_err();
    assert_at(&err, 1, "total_charges");
    assert!(
        err.to_string().contains(
            "no column `total_charges` (or `TotalCharges`, as serde names it) for field `total_charges`"
        ),
        "{err}"
    );
    // A feature name and a serde name for one field: either column feeds it; a skipped
    // `#[serde(default)]` field may be absent.
    for header in ["temp", "temperature_c"] {
        let data = Dataset::<SerdeRenamed>::from_csv(
            file("temp.csv", &format!("{header},churn\n21.5,Yes\n")),
            churn(),
        )
        .unwrap();
        assert_eq!(data.rows()[0].temperature, 21.5, "{header}");
        assert_eq!(data.rows()[0].note, None);
    }
}

#[derive(Features, Deserialize, Debug)]
struct Keyed {
    #[features(skip)]
    #[allow(dead_code)]
    customer: String,
    tenure: f64,
}

#[test]
fn an_absent_column_of_a_skipped_field_names_the_header() {
    let err = Dataset::<Keyed>::from_csv(
        file("keyed.csv", "Customer,tenure,churn\na,1,Yes\n"),
        churn(),
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::MissingFieldColumn { ref field, feature: false, .. } if field == "customer"),
        "{err:?}"
    );
    assert!(
        err.to_string().ends_with(
            "keyed.csv:1: no column `customer` for field `customer` in the header \
             (columns: Customer, tenure, churn); did you mean `Customer`? Rename the column, \
             or the field with #[serde(rename = \"Customer\")]"
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// Malformed files say what is wrong and where (issue 10).

#[test]
fn an_empty_file_says_it_is_empty() {
    for (name, contents) in [("zero.csv", ""), ("blank.csv", "\n\n\r\n")] {
        let err = load(name, contents, churn()).unwrap_err();
        assert!(matches!(err, DataError::EmptyFile { .. }), "{err:?}");
        assert!(
            err.to_string().ends_with(&format!(
                "{name}: the file is empty: no header line and no rows"
            )),
            "{err}"
        );
        let err = load(
            name,
            contents,
            churn().headers(["tenure", "contract", "total_charges", "churn"]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("the file is empty"), "{err}");
    }
}

#[test]
fn an_unterminated_quote_names_its_line_and_column() {
    for (name, contents, line, column) in [
        // In a middle field, in the label, on the last line: the quote swallows the rest of
        // the file.
        (
            "q1.csv",
            "tenure,contract,total_charges,churn\n1,\"Monthly,5,Yes\n2,Monthly,5,No\n",
            2,
            "contract",
        ),
        (
            "q2.csv",
            "tenure,contract,total_charges,churn\n1,Monthly,5,\"Yes\n2,Monthly,5,No\n",
            2,
            "churn",
        ),
        (
            "q3.csv",
            "tenure,contract,total_charges,churn\n1,Monthly,5,Yes\n2,\"Monthly,5,No\n",
            3,
            "contract",
        ),
    ] {
        let err = load(name, contents, churn()).unwrap_err();
        assert_at(&err, line, column);
        assert!(
            err.to_string().ends_with(
                "a quoted cell opens with `\"` here and is never closed: the quote runs to the end of the file"
            ),
            "{err}"
        );
    }
    // A quoted cell over two lines is fine.
    let data = load(
        "multiline.csv",
        "tenure,contract,total_charges,churn\n1,\"Month\nto month\",5,Yes\n",
        churn(),
    )
    .unwrap();
    assert_eq!(data.rows()[0].contract, "Month\nto month");
}

#[test]
fn a_cell_that_is_not_utf8_names_its_column() {
    let path = file("x", "");
    std::fs::write(
        &path,
        b"tenure,contract,total_charges,churn\n1,Monthly,5,Yes\n2,Caf\xe9,5,No\n",
    )
    .unwrap();
    let err = Dataset::<Customer>::from_csv(&path, churn()).unwrap_err();
    assert_at(&err, 3, "contract");
    assert!(err.to_string().contains("is not valid UTF-8"), "{err}");
    // In the header: the column's position.
    std::fs::write(
        &path,
        b"tenure,contr\xe9ct,total_charges,churn\n1,M,5,Yes\n",
    )
    .unwrap();
    let err = Dataset::<Customer>::from_csv(&path, churn()).unwrap_err();
    assert_eq!(err.location().unwrap().line, Some(1));
    assert!(
        err.to_string()
            .contains("column 2 of the header is not valid UTF-8"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// Encoding huge but finite numbers (issue 10).

fn charges(values: &[Option<f64>]) -> Dataset<Customer> {
    let rows = values
        .iter()
        .map(|&total_charges| Customer {
            tenure: 1.0,
            contract: "Monthly".into(),
            total_charges,
        })
        .collect();
    Dataset::from_rows(rows, Labels::classes(vec!["No"; values.len()]).unwrap()).unwrap()
}

#[test]
fn standardising_huge_finite_numbers_does_not_overflow_to_zero() {
    // Mean 0, standard deviation 1e308: the standardised values are -1 and 1, exactly.
    let data = charges(&[Some(1e308), Some(-1e308)]);
    let encoder = Encoder::fit_standardized(&data);
    let charge = |row: &Customer| *encoder.encode(row).last().unwrap();
    assert_eq!(charge(&data.rows()[0]), 1.0);
    assert_eq!(charge(&data.rows()[1]), -1.0);
    // Mean 1.5e308 with a constant column: centred to 0, and the gap filled with the mean.
    let data = charges(&[Some(1.5e308), Some(1.5e308), None]);
    let plain = Encoder::fit(&data);
    assert_eq!(*plain.encode(&data.rows()[2]).last().unwrap(), 1.5e308);
    let standard = Encoder::fit_standardized(&data);
    for row in data.rows() {
        assert_eq!(*standard.encode(row).last().unwrap(), 0.0);
    }
}

#[test]
fn an_encoding_beyond_f64_is_an_error_naming_the_row_and_feature() {
    let data = charges(&[Some(0.0), Some(1.0)]);
    let encoder = Encoder::fit_standardized(&data);
    let rows = charges(&[Some(0.5), Some(1e308)]);
    // (1e308 - 0.5) / 0.5 is beyond f64.
    let err = encoder.try_encode_flat(rows.rows()).unwrap_err();
    assert!(matches!(err, DataError::Invalid { .. }), "{err:?}");
    assert_eq!(
        err.location(),
        Some(&Location::row(1).in_field("total_charges"))
    );
    assert!(
        err.to_string().ends_with(
            "standardises to inf, beyond the range of f64 (fitted mean 0.5, standard deviation 0.5)"
        ),
        "{err}"
    );
    assert!(encoder.try_encode(&rows.rows()[1]).is_err());
    // `encode` gives the infinity, as documented; within range both agree.
    assert_eq!(encoder.encode(&rows.rows()[1]).last(), Some(&f64::INFINITY));
    assert_eq!(
        encoder.try_encode_flat(data.rows()).unwrap(),
        encoder.encode_flat(data.rows())
    );
}
