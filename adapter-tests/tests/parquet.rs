#![cfg(feature = "parquet")]
//! Parquet and Arrow data (`model-check/parquet`) against the CSV path: pyarrow's Parquet copy
//! of Telco (`fixtures/parquet/make_telco_parquet.py`) loads to the CSV's rows, labels and ids,
//! field by field; metrics and prediction tables on it equal the CSV path's bit for bit; the
//! streaming source hands out the whole load's rows in order; corrupt and mismatched files
//! are typed errors naming the file, row and column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use model_check::data::parquet::arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray,
    types::Int8Type,
};
use model_check::data::parquet::parquet::arrow::ArrowWriter;
use model_check::data::parquet::{
    ParquetOptions, ParquetSource, ProbabilityRows, probability_rows, value_rows,
};
use model_check::data::{CsvSource, Source};
use model_check::prelude::*;
use serde::Deserialize;

const TELCO_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/data/telco_churn.csv"
);
const ORACLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/oracles");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/parquet");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn oracle(name: &str) -> PathBuf {
    Path::new(ORACLES).join(name)
}

/// A file in this test run's own temporary directory.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mc-parquet-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write_parquet(name: &str, batch: &RecordBatch) -> PathBuf {
    let path = temp(name);
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
    path
}

fn column<A: model_check::data::parquet::arrow_array::Array + 'static>(array: A) -> ArrayRef {
    Arc::new(array)
}

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

/// Every Telco column but the label: integers of three widths, numbers, a gap, a declared
/// category (from a dictionary column in the Parquet file), open categories.
#[derive(Features, Deserialize, Clone, Debug, PartialEq)]
struct Telco {
    #[features(skip)]
    rownames: u32,
    female: u8,
    senior_citizen: u8,
    partner: i64,
    dependents: u16,
    #[features(range = 0..=72)]
    tenure: u32,
    phone_service: u8,
    multiple_lines: String,
    internet_service: String,
    online_security: String,
    online_backup: String,
    device_protection: String,
    tech_support: String,
    streaming_tv: String,
    streaming_movies: String,
    contract: Contract,
    paperless_billing: u8,
    payment_method: String,
    monthly_charges: f64,
    total_charges: Option<f64>,
}

/// A customer without its monthly charges, the target of the regression table.
#[derive(Features, Deserialize, Clone, Debug, PartialEq)]
struct Account {
    #[features(skip)]
    rownames: u32,
    tenure: u32,
    contract: Contract,
    internet_service: String,
}

fn csv_telco() -> Dataset<Telco> {
    Dataset::from_csv(TELCO_CSV, CsvOptions::classify("churn").id("rownames")).unwrap()
}

fn parquet_telco() -> Dataset<Telco> {
    Dataset::from_parquet(
        fixture("telco_churn.parquet"),
        ParquetOptions::classify("churn").id("rownames"),
    )
    .unwrap()
}

/// Every field of every row, the floats compared by their bits.
fn assert_same_rows(csv: &[Telco], parquet: &[Telco]) {
    assert_eq!(csv.len(), parquet.len());
    for (i, (a, b)) in csv.iter().zip(parquet).enumerate() {
        assert_eq!(a, b, "row {i}");
        assert_eq!(
            a.monthly_charges.to_bits(),
            b.monthly_charges.to_bits(),
            "row {i}"
        );
        assert_eq!(
            a.total_charges.map(f64::to_bits),
            b.total_charges.map(f64::to_bits),
            "row {i}"
        );
    }
}

fn assert_same_dataset<R: std::fmt::Debug + PartialEq>(a: &Dataset<R>, b: &Dataset<R>) {
    assert_eq!(a.rows(), b.rows());
    assert_eq!(a.labels(), b.labels());
    assert_eq!(a.ids(), b.ids());
}

#[test]
fn telco_parquet_loads_to_the_csv_rows() {
    let csv = csv_telco();
    let parquet = parquet_telco();
    assert_eq!(parquet.len(), 7043);
    assert_eq!(parquet.name(), "telco_churn.parquet");
    assert_same_rows(csv.rows(), parquet.rows());
    assert_eq!(csv.labels(), parquet.labels());
    assert_eq!(csv.ids(), parquet.ids());
    // The 11 empty `total_charges` cells are the file's nulls.
    let gaps = |d: &Dataset<Telco>| {
        d.rows()
            .iter()
            .filter(|r| r.total_charges.is_none())
            .count()
    };
    assert_eq!((gaps(&csv), gaps(&parquet)), (11, 11));
    assert_eq!(
        parquet.rows()[0].payment_method,
        "Electronic check",
        "a dictionary column into a String"
    );
}

fn scorer() -> impl Model<Input = Telco, Output = Probabilities> {
    Classifier::from_fn(
        ModelInfo::new("telco-rule", "1"),
        ["No", "Yes"],
        |batch: &[Telco]| {
            Ok(batch
                .iter()
                .map(|c| {
                    let contract = match c.contract {
                        Contract::Monthly => 1.1,
                        Contract::OneYear => -0.4,
                        Contract::TwoYear => -1.6,
                    };
                    let z = contract - 0.045 * f64::from(c.tenure) + 0.018 * c.monthly_charges
                        - 0.0001 * c.total_charges.unwrap_or(0.0)
                        - 1.2;
                    let p = 1.0 / (1.0 + (-z).exp());
                    vec![1.0 - p, p]
                })
                .collect())
        },
    )
    .unwrap()
}

fn cohorts() -> Vec<Cohort<Telco>> {
    vec![
        Cohort::all(),
        Cohort::category(Telco::CONTRACT, "Month-to-month"),
        Cohort::category(Telco::INTERNET_SERVICE, "Fiber optic"),
        Cohort::range(Telco::TENURE, ..12.0),
        Cohort::range(Telco::TOTAL_CHARGES, 1000.0..),
    ]
}

#[test]
fn metrics_on_the_parquet_copy_equal_the_csv_path_bit_for_bit() {
    let model = scorer();
    let csv = evaluate_classifier(&model, &csv_telco(), &cohorts()).unwrap();
    let parquet = evaluate_classifier(&model, &parquet_telco(), &cohorts()).unwrap();
    assert_eq!(csv, parquet);
    // `{:?}` prints each float's shortest round trip: equal text, equal bits.
    assert_eq!(format!("{csv:?}"), format!("{parquet:?}"));
    assert!(csv[0].metrics.accuracy().rate().unwrap() > 0.6);
    assert_eq!(csv[0].n(), 7043);
}

#[test]
fn binary_predictions_from_parquet_equal_the_csv_table() {
    let info = || ModelInfo::new("sklearn-lr", "telco");
    let csv =
        PredictionTable::classifier_csv(info(), oracle("telco_binary_predictions.csv"), "rownames")
            .unwrap();
    let read = probability_rows(
        fixture("telco_binary_predictions.parquet"),
        "rownames",
        None,
    )
    .unwrap();
    assert_eq!(read.classes, ["No", "Yes"]);
    assert_eq!(read.rows.len(), 7043);
    let parquet = PredictionTable::classifier_parquet(
        info(),
        fixture("telco_binary_predictions.parquet"),
        "rownames",
        None,
    )
    .unwrap();
    assert_eq!(parquet.len(), csv.len());
    for (id, p) in &read.rows {
        let from_csv = csv.get(id).unwrap();
        assert_eq!(parquet.get(id).unwrap(), from_csv, "row id {id}");
        let bits = |q: &[f64]| q.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(p), bits(from_csv.as_slice()), "row id {id}");
    }

    // As models over the same rows, from either format: the same metrics, bit for bit.
    let key = |c: &Telco| c.rownames.to_string();
    let from_csv = evaluate_classifier(&csv.keyed_by(key), &csv_telco(), &cohorts()).unwrap();
    let from_parquet =
        evaluate_classifier(&parquet.keyed_by(key), &parquet_telco(), &cohorts()).unwrap();
    assert_eq!(format!("{from_csv:?}"), format!("{from_parquet:?}"));
}

#[test]
fn multiclass_and_regression_predictions_from_parquet_equal_the_csv_tables() {
    let info = || ModelInfo::new("sklearn", "telco");
    let csv = PredictionTable::classifier_csv(
        info(),
        oracle("telco_multiclass_predictions.csv"),
        "rownames",
    )
    .unwrap();
    let ProbabilityRows { classes, rows } = probability_rows(
        fixture("telco_multiclass_predictions.parquet"),
        "rownames",
        Some(&["Two year", "Month-to-month", "One year"]),
    )
    .unwrap();
    // The classes in the order asked for.
    assert_eq!(classes, ["Two year", "Month-to-month", "One year"]);
    for (id, p) in &rows {
        let from_csv = csv.get(id).unwrap();
        for (class, q) in classes.iter().zip(p) {
            assert_eq!(from_csv.of(class).unwrap().to_bits(), q.to_bits());
        }
    }

    let csv = PredictionTable::regressor_csv(
        info(),
        oracle("telco_regression_predictions.csv"),
        "rownames",
        "prediction",
    )
    .unwrap();
    let rows = value_rows(
        fixture("telco_regression_predictions.parquet"),
        "rownames",
        "prediction",
    )
    .unwrap();
    assert_eq!(rows.len(), csv.len());
    for (id, y) in &rows {
        assert_eq!(csv.get(id).unwrap().to_bits(), y.to_bits(), "row id {id}");
    }
    let parquet = PredictionTable::regressor_parquet(
        info(),
        fixture("telco_regression_predictions.parquet"),
        "rownames",
        "prediction",
    )
    .unwrap();
    assert_eq!(parquet.len(), rows.len());

    let options = || ParquetOptions::regress("monthly_charges").id("rownames");
    let accounts: Dataset<Account> =
        Dataset::from_parquet(fixture("telco_churn.parquet"), options()).unwrap();
    let accounts_csv: Dataset<Account> = Dataset::from_csv(
        TELCO_CSV,
        CsvOptions::regress("monthly_charges").id("rownames"),
    )
    .unwrap();
    assert_same_dataset(&accounts, &accounts_csv);
    let key = |a: &Account| a.rownames.to_string();
    let cohorts = [
        Cohort::all(),
        Cohort::category(Account::CONTRACT, "Two year"),
    ];
    let from_csv = evaluate_regressor(&csv.keyed_by(key), &accounts_csv, &cohorts).unwrap();
    let from_parquet = evaluate_regressor(&parquet.keyed_by(key), &accounts, &cohorts).unwrap();
    assert_eq!(format!("{from_csv:?}"), format!("{from_parquet:?}"));
    assert!(from_parquet[0].metrics.mae().unwrap() < 5.0);
}

#[test]
fn the_stream_hands_out_the_whole_load_in_order() {
    let whole = parquet_telco();
    // Reader batches of 1,000 rows (the row groups are 1,000 too), dataset batches of 700:
    // batches cross both boundaries.
    for (reader_rows, max) in [(1000, 700), (4096, 1500), (333, 7043), (8192, 1)] {
        // Declared classes: without them each batch's classes are the labels it holds.
        let options = ParquetOptions::classify("churn")
            .classes(["No", "Yes"])
            .id("rownames")
            .batch_size(reader_rows);
        let mut source =
            ParquetSource::<Telco>::open(fixture("telco_churn.parquet"), options).unwrap();
        let mut start = 0;
        while let Some(batch) = source.next_batch(max).unwrap() {
            let n = batch.len();
            assert_eq!(n, max.min(7043 - start), "batch at row {start}");
            assert_eq!(batch.name(), "telco_churn.parquet");
            let rows: Vec<usize> = (start..start + n).collect();
            assert_same_dataset(&batch, &whole.subset(&rows).unwrap());
            start += n;
            assert_eq!(source.rows_read(), start);
        }
        assert_eq!(start, 7043, "reader batches of {reader_rows}, max {max}");
        assert!(source.next_batch(max).unwrap().is_none());
    }

    // Streamed metrics equal the CSV stream's, batch for batch.
    let model = scorer();
    let options = ParquetOptions::classify("churn").classes(["No", "Yes"]);
    let parquet = ParquetSource::<Telco>::open(fixture("telco_churn.parquet"), options).unwrap();
    let csv = CsvSource::<Telco>::open(
        TELCO_CSV,
        CsvOptions::classify("churn").classes(["No", "Yes"]),
    )
    .unwrap();
    let a = model_check::cohort::evaluate_classifier_stream(&model, parquet, &cohorts()).unwrap();
    let b = model_check::cohort::evaluate_classifier_stream(&model, csv, &cohorts()).unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

#[test]
fn unlabelled_data_and_record_batches() {
    let data: Dataset<Telco> =
        Dataset::from_parquet(fixture("telco_churn.parquet"), ParquetOptions::unlabelled())
            .unwrap();
    assert!(!data.labels().is_labelled());
    assert_eq!(data.len(), 7043);
    assert_same_rows(csv_telco().rows(), data.rows());

    #[derive(Features, Deserialize, Debug, PartialEq)]
    struct Row {
        code: String,
        flag: bool,
        level: Contract,
        note: Option<String>,
        x: f32,
    }
    let contracts: DictionaryArray<Int8Type> = vec!["Two year", "Month-to-month", "Two year"]
        .into_iter()
        .collect();
    let first = RecordBatch::try_from_iter([
        ("code", column(Int64Array::from(vec![7, -1, 40]))),
        ("flag", column(BooleanArray::from(vec![true, false, true]))),
        ("level", column(contracts)),
        (
            "note",
            column(StringArray::from(vec![Some("a"), None, Some("")])),
        ),
        ("x", column(Float64Array::from(vec![0.5, 1.25, -3.0]))),
        ("y", column(Int64Array::from(vec![1, 0, 1]))),
    ])
    .unwrap();
    let data: Dataset<Row> = Dataset::from_record_batches(
        [first.clone(), first.slice(1, 1)],
        ParquetOptions::classify("y"),
    )
    .unwrap();
    assert_eq!(data.name(), "record batches");
    assert_eq!(data.len(), 4);
    // Integer labels are classes named as written; integers read into a String likewise.
    assert_eq!(data.labels().class_names().unwrap(), ["0", "1"]);
    assert_eq!(
        data.rows()[0],
        Row {
            code: "7".into(),
            flag: true,
            level: Contract::TwoYear,
            note: Some("a".into()),
            x: 0.5
        }
    );
    assert_eq!(data.rows()[1].note, None);
    assert_eq!(data.rows()[3], data.rows()[1]);
    // An empty string is a value, not a null: an `Option<String>` keeps it.
    assert_eq!(data.rows()[2].note.as_deref(), Some(""));
}

fn telco_error<R>(path: &Path, options: ParquetOptions) -> DataError
where
    R: Features + for<'de> Deserialize<'de> + std::fmt::Debug,
{
    Dataset::<R>::from_parquet(path, options).unwrap_err()
}

#[test]
fn corrupt_files_are_typed_errors_naming_the_file() {
    let options = || ParquetOptions::classify("churn");

    // Not Parquet: the CSV itself.
    let err = telco_error::<Telco>(Path::new(TELCO_CSV), options());
    assert!(
        matches!(&err, DataError::Corrupt { path, .. } if path == Path::new(TELCO_CSV)),
        "{err:?}"
    );
    assert!(err.to_string().starts_with(TELCO_CSV), "{err}");
    assert!(
        err.to_string().contains("not a readable Parquet file"),
        "{err}"
    );

    // Truncated: the first half of the file, its footer gone.
    let bytes = std::fs::read(fixture("telco_churn.parquet")).unwrap();
    let truncated = temp("truncated.parquet");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let err = telco_error::<Telco>(&truncated, options());
    assert!(
        matches!(&err, DataError::Corrupt { path, .. } if *path == truncated),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("truncated.parquet: not a readable Parquet file"),
        "{err}"
    );

    // Empty.
    let empty = temp("empty.parquet");
    std::fs::write(&empty, b"").unwrap();
    let err = telco_error::<Telco>(&empty, options());
    assert!(
        matches!(&err, DataError::Corrupt { path, .. } if *path == empty),
        "{err:?}"
    );

    // The footer intact, the pages in the middle overwritten: an error while reading rows.
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle - 4096..middle + 4096].fill(0xAB);
    let damaged_path = temp("damaged.parquet");
    std::fs::write(&damaged_path, &damaged).unwrap();
    let err = telco_error::<Telco>(&damaged_path, options());
    assert!(
        matches!(&err, DataError::Corrupt { path, .. } if *path == damaged_path),
        "{err:?}"
    );
    assert!(err.to_string().contains("cannot be decoded"), "{err}");

    // Absent.
    let err = telco_error::<Telco>(&temp("absent.parquet"), options());
    assert!(matches!(err, DataError::Io { .. }), "{err:?}");

    // The predictions readers too.
    let err = probability_rows(TELCO_CSV, "rownames", None).unwrap_err();
    assert!(matches!(err, DataError::Corrupt { .. }), "{err:?}");
    let err = value_rows(&truncated, "rownames", "prediction").unwrap_err();
    assert!(matches!(err, DataError::Corrupt { .. }), "{err:?}");
}

#[test]
fn mismatched_files_name_the_file_row_and_column() {
    let options = || ParquetOptions::classify("churn").id("rownames");

    // pyarrow's Telco with `tenure` as strings: refused before any row is read.
    let path = fixture("telco_wrong_types.parquet");
    let err = telco_error::<Telco>(&path, options());
    let DataError::ColumnType {
        at,
        expected,
        found,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (at.path.as_deref(), at.field.as_deref(), at.row),
        (Some(path.as_path()), Some("tenure"), None)
    );
    assert_eq!(found, "Utf8");
    assert!(expected.contains("integers"), "{expected}");
    assert!(
        err.to_string()
            .ends_with("telco_wrong_types.parquet, field `tenure`: expected a column of integers for the feature `tenure`, found a column of Arrow type Utf8"),
        "{err}"
    );

    // pyarrow's Telco with a null `monthly_charges` in row 5.
    let path = fixture("telco_nulls.parquet");
    let err = telco_error::<Telco>(&path, options());
    assert!(matches!(err, DataError::Invalid { .. }), "{err:?}");
    assert!(
        err.to_string().ends_with(
            "telco_nulls.parquet, row 5, field `monthly_charges`: the value is missing, and the field is not an Option"
        ),
        "{err}"
    );
    // The stream names the row by its place in the file, not in its batch.
    let mut source = ParquetSource::<Telco>::open(&path, options()).unwrap();
    assert_eq!(source.next_batch(4).unwrap().unwrap().len(), 4);
    let err = source.next_batch(4).unwrap_err();
    assert_eq!(err.location().and_then(|at| at.row), Some(5));

    // A feature whose column is absent, with the closest column as the fix.
    #[derive(Features, Deserialize, Debug)]
    struct Misspelt {
        monthly_charge: f64,
    }
    let telco = fixture("telco_churn.parquet");
    let err = telco_error::<Misspelt>(&telco, options());
    assert!(
        matches!(err, DataError::MissingFieldColumn { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("telco_churn.parquet: no column `monthly_charge`"),
        "{err}"
    );
    assert!(
        err.to_string().contains("did you mean `monthly_charges`?"),
        "{err}"
    );

    // The label column absent.
    let err = telco_error::<Telco>(&telco, ParquetOptions::classify("Churn"));
    assert!(
        matches!(&err, DataError::MissingColumn { column, .. } if column == "Churn"),
        "{err:?}"
    );

    // A label outside the declared classes: the first churned customer.
    let first_yes = (0..7043)
        .find(|&r| csv_telco().labels().class_of(r) == Some("Yes"))
        .unwrap();
    let err = telco_error::<Telco>(&telco, options().classes(["No"]));
    let DataError::UnknownClass { at, label, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (at.row, at.field.as_deref(), label.as_str()),
        (Some(first_yes), Some("churn"), "Yes")
    );

    // A value outside the declared range: the first tenure over 60.
    #[derive(Features, Deserialize, Debug)]
    struct Short {
        #[features(range = 0..=60)]
        tenure: u32,
    }
    let first_long = csv_telco()
        .rows()
        .iter()
        .position(|r| r.tenure > 60)
        .unwrap();
    let err = telco_error::<Short>(&telco, options());
    assert!(matches!(err, DataError::Invalid { .. }), "{err:?}");
    assert_eq!(err.location().and_then(|at| at.row), Some(first_long));
    assert!(err.to_string().contains("field `tenure`: "), "{err}");
    assert!(
        err.to_string()
            .contains("is outside the declared range [0, 60]"),
        "{err}"
    );

    // A float column for an integer feature; an integer out of its field's range.
    #[derive(Features, Deserialize, Debug)]
    struct Narrow {
        monthly_charges: u32,
    }
    let err = telco_error::<Narrow>(&telco, options());
    assert!(
        matches!(&err, DataError::ColumnType { found, .. } if found == "Float64"),
        "{err:?}"
    );
    #[derive(Features, Deserialize, Debug)]
    struct Tiny {
        tenure: i8,
    }
    let batch = RecordBatch::try_from_iter([
        ("tenure", column(Int64Array::from(vec![3, 300]))),
        ("churn", column(StringArray::from(vec!["No", "Yes"]))),
    ])
    .unwrap();
    let err = Dataset::<Tiny>::from_record_batches([batch], ParquetOptions::classify("churn"))
        .unwrap_err();
    assert!(matches!(err, DataError::Parse { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "row 1, field `tenure`: invalid value: integer `300`, expected i8"
    );

    // A repeated row id; a null label; batches of two schemas.
    let batch = RecordBatch::try_from_iter([
        ("id", column(StringArray::from(vec!["a", "b", "a"]))),
        ("tenure", column(Int64Array::from(vec![1, 2, 3]))),
        (
            "churn",
            column(StringArray::from(vec![Some("No"), Some("Yes"), Some("No")])),
        ),
    ])
    .unwrap();
    let path = write_parquet("ids.parquet", &batch);
    let err = telco_error::<Tiny>(&path, ParquetOptions::classify("churn").id("id"));
    assert!(
        matches!(&err, DataError::DuplicateId { id, .. } if id == "a"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("ids.parquet, row 2, field `id`: duplicate row id \"a\""),
        "{err}"
    );
    let unlabelled = RecordBatch::try_from_iter([
        ("tenure", column(Int64Array::from(vec![1, 2]))),
        ("churn", column(StringArray::from(vec![Some("No"), None]))),
    ])
    .unwrap();
    let path = write_parquet("no-label.parquet", &unlabelled);
    let err = telco_error::<Tiny>(&path, ParquetOptions::classify("churn"));
    assert!(
        err.to_string()
            .ends_with("no-label.parquet, row 1, field `churn`: the label is missing"),
        "{err}"
    );
    let other =
        RecordBatch::try_from_iter([("tenure", column(Int64Array::from(vec![1])))]).unwrap();
    let err =
        Dataset::<Tiny>::from_record_batches([batch.clone(), other], ParquetOptions::unlabelled())
            .unwrap_err();
    assert!(matches!(err, DataError::Setting { .. }), "{err:?}");

    // A regression label of strings.
    let err = telco_error::<Tiny>(&path, ParquetOptions::regress("churn"));
    assert!(
        matches!(&err, DataError::ColumnType { at, .. } if at.field.as_deref() == Some("churn")),
        "{err:?}"
    );
}

#[test]
fn mismatched_prediction_files_are_typed_errors() {
    let batch = RecordBatch::try_from_iter([
        ("id", column(Int64Array::from(vec![1, 2, 2]))),
        ("label", column(StringArray::from(vec!["No", "Yes", "No"]))),
        (
            "Yes",
            column(Float64Array::from(vec![Some(0.2), None, Some(0.4)])),
        ),
    ])
    .unwrap();
    let path = write_parquet("scores.parquet", &batch);
    let err = probability_rows(&path, "rownames", None).unwrap_err();
    assert!(matches!(err, DataError::MissingColumn { .. }), "{err:?}");
    // Every column but the id is a class: a label left in is a column of strings.
    let err = probability_rows(&path, "id", None).unwrap_err();
    assert!(
        matches!(&err, DataError::ColumnType { at, found, .. } if at.field.as_deref() == Some("label") && found == "Utf8"),
        "{err:?}"
    );
    let err = probability_rows(&path, "id", Some(&["Yes"])).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("scores.parquet, row 1, field `Yes`: the prediction is missing"),
        "{err}"
    );
    let err = value_rows(&path, "id", "label").unwrap_err();
    assert!(matches!(err, DataError::ColumnType { .. }), "{err:?}");

    let batch = batch.slice(1, 2);
    let path = write_parquet(
        "scores-dup.parquet",
        &RecordBatch::try_from_iter([
            ("id", batch.column(0).clone()),
            ("y", column(Float64Array::from(vec![1.0, 2.0]))),
        ])
        .unwrap(),
    );
    let err = value_rows(&path, "id", "y").unwrap_err();
    assert!(
        matches!(&err, DataError::DuplicateId { id, .. } if id == "2"),
        "{err:?}"
    );
    assert_eq!(err.location().and_then(|at| at.row), Some(1));
}
