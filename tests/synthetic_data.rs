//! Synthetic data out: augmented rows and template texts written as CSV, then read back —
//! feature rows with `Dataset::from_csv`, texts with the csv crate — and compared with what
//! was written.

use std::path::PathBuf;

use model_check::data::{DataError, seeded_rng};
use model_check::perturb::{
    Augmenter, CsvColumns, Editable, Template, Templates, augment, noise, resample, shift,
    swap_protected, write_csv,
};
use model_check::prelude::*;
use serde::Deserialize;

#[derive(Categorical, Deserialize, Clone, Copy, Debug, PartialEq)]
enum Contract {
    #[features(rename = "Month-to-month")]
    #[serde(rename = "Month-to-month")]
    Monthly,
    #[features(rename = "One year")]
    #[serde(rename = "One year")]
    OneYear,
    #[features(rename = "Two year")]
    #[serde(rename = "Two year")]
    TwoYear,
}

/// Every kind of feature a CSV cell must carry: an integer with a range, a float, an
/// optional float, a declared category, a boolean and an open category (both protected).
#[derive(Features, Deserialize, Clone, Debug, PartialEq)]
struct Customer {
    #[features(range = 0..=72)]
    tenure: u32,
    monthly_charges: f64,
    total_charges: Option<f64>,
    contract: Contract,
    #[features(protected)]
    senior: bool,
    #[features(protected)]
    region: String,
}

fn customers(n: usize) -> Vec<Customer> {
    (0..n)
        .map(|i| {
            let tenure = ((i * 37) % 73) as u32;
            let monthly_charges = 20.0 + ((i * 53) % 100) as f64 + 0.15;
            Customer {
                tenure,
                monthly_charges,
                total_charges: (i % 5 != 0).then_some(monthly_charges * f64::from(tenure)),
                contract: [Contract::Monthly, Contract::OneYear, Contract::TwoYear][i % 3],
                senior: i % 4 == 0,
                // Commas and quotes must survive the CSV quoting.
                region: ["north, coast", "south", "the \"west\""][i % 3].to_string(),
            }
        })
        .collect()
}

fn churn(c: &Customer) -> &'static str {
    if c.tenure < 12 { "Yes" } else { "No" }
}

fn dataset(n: usize) -> Dataset<Customer> {
    let rows = customers(n);
    let labels = Labels::classes(rows.iter().map(churn)).unwrap();
    Dataset::from_rows(rows, labels)
        .unwrap()
        .with_ids((0..n).map(|i| format!("c{i}")))
        .unwrap()
}

/// A fresh file path under the target directory's temporary folder.
fn path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("model-check-synthetic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn augmented_rows_are_the_seeded_variants_of_each_row_labelled_as_their_original() {
    let data = dataset(60);
    let augmenter = noise(0.2).then(resample(Customer::CONTRACT));
    let synthetic = augment(&data, &augmenter, 3, 7).unwrap();

    // The variants are the augmenter's proposals, fitted on the data, three per row, drawn
    // from one generator seeded with 7 in row order.
    let fitted = augmenter.fit(data.rows());
    let mut rng = seeded_rng(7);
    let mut expected = Vec::new();
    for (i, row) in data.rows().iter().enumerate() {
        // A proposal of `None` (nothing to change) makes no variant; the variants of a row
        // are numbered from 1 in its id.
        let variants = (0..3).filter_map(|_| fitted.propose(row, &mut rng));
        for (k, edits) in (1..).zip(variants.collect::<Vec<_>>()) {
            expected.push((format!("c{i}~{k}"), row.apply(&edits), churn(row)));
        }
    }
    assert!(expected.len() > 170, "{}", expected.len());
    assert_eq!(synthetic.len(), expected.len());
    for (j, (id, row, label)) in expected.iter().enumerate() {
        assert_eq!(synthetic.id(j), Some(id.as_str()));
        assert_eq!(&synthetic.rows()[j], row);
        // A variant keeps its original's label, and the classes are the original's.
        assert_eq!(synthetic.labels().class_of(j), Some(*label));
    }
    assert_eq!(synthetic.labels().class_names().unwrap(), ["No", "Yes"]);
    // Variants, not copies: every one differs from its original.
    for (j, id) in synthetic.ids().unwrap().iter().enumerate() {
        let source: usize = id[1..id.find('~').unwrap()].parse().unwrap();
        assert_ne!(synthetic.rows()[j], data.rows()[source]);
    }

    // Same seed, same variants; another seed, others.
    assert_eq!(
        augment(&data, &augmenter, 3, 7).unwrap().rows(),
        synthetic.rows()
    );
    assert_ne!(
        augment(&data, &augmenter, 3, 8).unwrap().rows(),
        synthetic.rows()
    );
}

#[test]
fn augmented_rows_round_trip_through_csv() {
    let data = dataset(60);
    let synthetic = augment(&data, &noise(0.3).then(swap_protected()), 2, 11).unwrap();
    let file = path("augmented.csv");
    write_csv(
        &synthetic,
        &file,
        &CsvColumns::new().label("churn").id("source"),
    )
    .unwrap();

    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "source,tenure,monthly_charges,total_charges,contract,senior,region,churn"
    );
    let back: Dataset<Customer> =
        Dataset::from_csv(&file, CsvOptions::classify("churn").id("source")).unwrap();
    assert_eq!(back.rows(), synthetic.rows());
    assert_eq!(back.ids(), synthetic.ids());
    assert_eq!(
        back.labels().class_names(),
        synthetic.labels().class_names()
    );
    assert_eq!(
        back.labels().class_indices(),
        synthetic.labels().class_indices()
    );
    // Noisy floats came back bit for bit, and missing values as missing.
    assert!(synthetic.rows().iter().any(|c| c.total_charges.is_none()));

    // Enumerating augmenters give each of their variants once, whatever `per_row` says:
    // per row the other value of `senior` and the two other regions.
    let swapped = augment(&data, &swap_protected(), 5, 0).unwrap();
    assert_eq!(swapped.len(), 3 * 60);
    assert_eq!(swapped.id(0), Some("c0~1"));
    assert_eq!(swapped.id(2), Some("c0~3"));
    write_csv(&swapped, &file, &CsvColumns::new().label("churn")).unwrap();
    let back: Dataset<Customer> = Dataset::from_csv(&file, CsvOptions::classify("churn")).unwrap();
    assert_eq!(back.rows(), swapped.rows());
    assert_eq!(back.ids(), None);
}

#[test]
fn regression_and_unlabelled_rows_round_trip() {
    let rows = customers(30);
    let targets: Vec<f64> = rows.iter().map(|c| c.monthly_charges * 1.1).collect();
    let data = Dataset::from_rows(rows.clone(), Labels::values(targets.clone()).unwrap()).unwrap();
    let longer = augment(&data, &shift(Customer::TENURE, 6.0), 1, 0).unwrap();
    // Rows already at the top of the range have no variant; ids fall back to row positions.
    let at_top = rows.iter().filter(|c| c.tenure == 72).count();
    assert_eq!(longer.len(), 30 - at_top);
    assert_eq!(longer.id(0), Some("0~1"));
    let file = path("regression.csv");
    write_csv(&longer, &file, &CsvColumns::new().label("spend")).unwrap();
    let back: Dataset<Customer> = Dataset::from_csv(&file, CsvOptions::regress("spend")).unwrap();
    assert_eq!(back.rows(), longer.rows());
    assert_eq!(back.labels().targets(), longer.labels().targets());
    assert_eq!(longer.labels().value_of(0), Some(targets[0]));

    let batch = Dataset::unlabelled(rows).unwrap();
    let noisy = augment(&batch, &noise(0.1), 1, 3).unwrap();
    assert!(!noisy.labels().is_labelled());
    write_csv(&noisy, &file, &CsvColumns::new()).unwrap();
    let header = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        header.lines().next().unwrap(),
        "tenure,monthly_charges,total_charges,contract,senior,region"
    );
}

#[test]
fn template_texts_round_trip_with_their_labels() {
    let data = Templates::new()
        .fill("good", ["good", "great"])
        .with(Template::new("The {food} was {good}, \"really\".").label("positive"))
        .with(Template::new("The {food} was not {good}.").label("negative"))
        .fill("food", ["soup", "pasta, with cheese"])
        .dataset(10, 1)
        .unwrap();
    assert_eq!(data.len(), 8);
    let file = path("templates.csv");
    write_csv(
        &data,
        &file,
        &CsvColumns::new().text("review").label("sentiment"),
    )
    .unwrap();

    let mut reader = csv::Reader::from_path(&file).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["review", "sentiment"]);
    let records: Vec<(String, String)> = reader.deserialize().map(Result::unwrap).collect();
    assert_eq!(records.len(), data.len());
    for (i, (text, label)) in records.iter().enumerate() {
        assert_eq!(text, &data.rows()[i]);
        assert_eq!(Some(label.as_str()), data.labels().class_of(i));
    }
    assert!(
        records
            .iter()
            .any(|(t, _)| t == "The pasta, with cheese was great, \"really\".")
    );

    // One template's texts: a dataset of them, written the same way.
    let (texts, labels) = Template::new("I love {city}.")
        .label("positive")
        .generate(5, 2)
        .unwrap();
    let one = Dataset::from_inputs(texts.clone(), Labels::classes(labels).unwrap()).unwrap();
    write_csv(&one, &file, &CsvColumns::new()).unwrap();
    let mut reader = csv::Reader::from_path(&file).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["text", "label"]);
    let back: Vec<(String, String)> = reader.deserialize().map(Result::unwrap).collect();
    assert_eq!(
        back.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
        texts
    );

    // Text augmenters make synthetic texts too.
    let typos = augment(&data, &model_check::perturb::typos(1), 2, 5).unwrap();
    assert_eq!(typos.len(), 16);
    assert_eq!(typos.labels().class_of(0), data.labels().class_of(0));
    // The template tags follow the variants.
    let tagged = typos.tag("The {food} was not {good}.").unwrap();
    assert_eq!(tagged.len(), 8);
    assert!(
        tagged
            .iter()
            .all(|&r| typos.labels().class_of(r) == Some("negative"))
    );
}

#[test]
fn what_cannot_be_made_or_written_is_an_error_naming_it() {
    let data = dataset(20);
    let setting = |err: DataError| match err {
        DataError::Setting { reason } => reason,
        other => panic!("not a setting error: {other:?}"),
    };
    assert_eq!(
        setting(augment(&data, &noise(0.1), 0, 1).unwrap_err()),
        "augment(per_row): must be at least 1 variant per row, got 0"
    );
    assert_eq!(
        setting(augment(&data, &noise(-1.0), 2, 1).unwrap_err()),
        "noise(scale): must be a finite number of standard deviations, at least 0, got -1"
    );
    assert_eq!(
        setting(augment(&data, &swap_protected().only(Customer::TENURE), 2, 1).unwrap_err()),
        "swap_protected().only(tenure): `tenure` is not protected; mark it #[features(protected)], or use resample(..) for a feature that is not"
    );
    // No variant at all: nothing to write, said so.
    let constant: Vec<Customer> = (0..5).map(|_| customers(1).remove(0)).collect();
    let flat = Dataset::unlabelled(constant).unwrap();
    let err = augment(&flat, &noise(0.5), 3, 1).unwrap_err();
    assert!(matches!(&err, DataError::Empty { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the augmented `dataset` (Gaussian noise (0.5 × sd) on tenure, monthly_charges, total_charges) has no rows"
    );

    let file = path("errors.csv");
    // The label or id column named like a feature would not load back.
    assert_eq!(
        setting(write_csv(&data, &file, &CsvColumns::new().label("tenure")).unwrap_err()),
        "column `tenure` is both the label column and a feature of the row type"
    );
    assert_eq!(
        setting(
            write_csv(&data, &file, &CsvColumns::new().label("churn").id("churn")).unwrap_err()
        ),
        "column `churn` is both the label column and the row id column"
    );
    let unnamed = Dataset::unlabelled(customers(3)).unwrap();
    assert_eq!(
        setting(write_csv(&unnamed, &file, &CsvColumns::new().id("id")).unwrap_err()),
        "dataset `dataset` has no row ids to write in column `id`"
    );
    // A value that would not load back is refused, naming row and feature.
    let mut rows = customers(3);
    rows[2].monthly_charges = f64::NAN;
    let unchecked = Dataset::from_inputs(rows, Labels::unlabelled(3)).unwrap();
    let err = write_csv(&unchecked, &file, &CsvColumns::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 2, field `monthly_charges`: NaN is not a finite number"
    );
    // And a file that cannot be created names its path.
    let nowhere = path("no-such-dir").join("x.csv");
    let err = write_csv(&data, &nowhere, &CsvColumns::new()).unwrap_err();
    assert!(
        matches!(&err, DataError::Io { path, .. } if *path == nowhere),
        "{err:?}"
    );
}
