//! Text datasets from CSV and TSV: a text column and a label column, in UTF-8, Latin-1 or
//! Windows-1252, with optional HTML-entity decoding; every bad input an error naming the
//! file, line and column.
//!
//! Expected texts and counts come from the files as Python's `csv` module reads them (with
//! the entities replaced by hand), or from the bytes written below.

use std::path::PathBuf;

use model_check::data::{Encoding, TextCsvOptions};
use model_check::prelude::*;

const REVIEWS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/food_reviews_test.csv"
);

/// Writes `contents` to a fresh file named `name` and returns its path.
fn file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("model-check-text-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[track_caller]
fn assert_at(err: &DataError, line: u64, column: &str) {
    let at = err
        .location()
        .unwrap_or_else(|| panic!("no location in {err:?}"));
    assert_eq!(at.line, Some(line), "{err}");
    assert_eq!(at.field.as_deref(), Some(column), "{err}");
}

fn reviews() -> Dataset<String> {
    Dataset::from_text_csv(
        REVIEWS,
        TextCsvOptions::new("review", "score")
            .id("rownames")
            .classes(["great", "other"])
            .decode_html_entities(),
    )
    .unwrap()
}

#[test]
fn the_food_reviews_load_with_ids_labels_and_decoded_entities() {
    let data = reviews();
    assert_eq!(data.len(), 1000);
    assert_eq!(data.name(), "food_reviews_test.csv");
    assert_eq!(data.labels().class_names().unwrap(), ["great", "other"]);
    let great = data.labels().indicator("great").unwrap();
    assert_eq!(great.iter().filter(|&&g| g).count(), 658);
    assert_eq!(data.id(0), Some("1"));
    assert_eq!(data.id(999), Some("1000"));
    assert!(
        data.rows()[0].starts_with("These are the best tasting gummy fruits I have ever eaten.")
    );
    let text = |id: &str| {
        let row = data.ids().unwrap().iter().position(|i| i == id).unwrap();
        data.rows()[row].as_str()
    };
    assert!(text("22").contains("Institut coopératif du vin (ICV)"));
    assert!(text("199").contains("the finest coffee for café con leche"));
    assert!(text("239").contains("by themselves <g>."));
    assert!(text("540").contains("13 grams Dietary Fiber: <1 gram Sugars:"));
    assert!(text("993").contains("<<Otto's"));
    // 1,125 `<br />` in the file, none left.
    assert!(data.rows().iter().all(|t| !t.contains("<br")));
}

#[test]
fn without_decoding_the_text_is_as_written() {
    let data = Dataset::from_text_csv(REVIEWS, TextCsvOptions::new("review", "score")).unwrap();
    let brs: usize = data
        .rows()
        .iter()
        .map(|t| t.matches("<br />").count())
        .sum();
    assert_eq!(brs, 1125);
    assert!(data.rows()[21].contains("coop&eacute;ratif"));
    assert_eq!(data.ids(), None);
}

#[test]
fn a_latin1_file_decodes_byte_for_byte() {
    // "Café crème; très bon" and "Naïve &amp; bland £ 5" in Latin-1, separated by
    // semicolons (so the cells holding one are quoted).
    let path = file(
        "latin1.csv",
        b"avis;note\n\"Caf\xe9 cr\xe8me; tr\xe8s bon\";pos\n\"Na\xefve &amp; bland \xa3 5\";neg\n",
    );
    let options = || TextCsvOptions::new("avis", "note").delimiter(b';');
    let data = Dataset::from_text_csv(
        &path,
        options().encoding(Encoding::Latin1).decode_html_entities(),
    )
    .unwrap();
    assert_eq!(data.rows(), ["Café crème; très bon", "Naïve & bland £ 5"]);
    assert_eq!(data.labels().class_of(1), Some("neg"));

    // Read as UTF-8 (the default), the first accented byte is an error naming its cell.
    let err = Dataset::from_text_csv(&path, options()).unwrap_err();
    assert!(matches!(err, DataError::Parse { .. }), "{err:?}");
    assert_at(&err, 2, "avis");
    assert!(
        err.to_string().contains(
            "the cell is not valid UTF-8 after its first 3 bytes; if the file is Latin-1 or \
             Windows-1252, say so with TextCsvOptions::encoding"
        ),
        "{err}"
    );
}

#[test]
fn windows_1252_is_not_mistaken_for_latin1() {
    // Curly quotes and a dash in Windows-1252: 0x93, 0x94 and 0x96.
    let path = file(
        "cp1252.tsv",
        b"text\tlabel\nsaid \x93fine\x94 \x96 ok\tpos\n",
    );
    let options = || TextCsvOptions::new("text", "label").delimiter(b'\t');
    let data = Dataset::from_text_csv(&path, options().encoding(Encoding::Windows1252)).unwrap();
    assert_eq!(data.rows(), ["said \u{201c}fine\u{201d} \u{2013} ok"]);
    // In Latin-1 those bytes are control characters: an error pointing at the encoding.
    let err = Dataset::from_text_csv(&path, options().encoding(Encoding::Latin1)).unwrap_err();
    assert_at(&err, 2, "text");
    assert!(
        err.to_string().ends_with(
            "byte 0x93 is a C1 control character in Latin-1; the file is likely Windows-1252 \
             (Encoding::Windows1252)"
        ),
        "{err}"
    );
    // Five bytes Windows-1252 leaves undefined.
    let path = file("undefined.tsv", b"text\tlabel\nab\x81\tpos\n");
    let err = Dataset::from_text_csv(&path, options().encoding(Encoding::Windows1252)).unwrap_err();
    assert_at(&err, 2, "text");
    assert!(
        err.to_string()
            .ends_with("byte 0x81 is not a character in Windows-1252"),
        "{err}"
    );
}

#[test]
fn bad_text_files_name_the_file_line_and_column() {
    let options = || TextCsvOptions::new("text", "label");
    let load = |name: &str, contents: &str, options: TextCsvOptions| {
        Dataset::from_text_csv(file(name, contents.as_bytes()), options).unwrap_err()
    };

    let err = load("cols.csv", "review,label\nok,pos\n", options());
    assert!(
        matches!(err, DataError::MissingColumn { ref column, .. } if column == "text"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("cols.csv: no column `text` in the header (columns: review, label)"),
        "{err}"
    );

    let err = load("empty-text.csv", "text,label\nok,pos\n  ,neg\n", options());
    assert!(matches!(err, DataError::Invalid { .. }), "{err:?}");
    assert_at(&err, 3, "text");
    assert!(err.to_string().ends_with("the text is empty"), "{err}");

    let err = load("no-label.csv", "text,label\nok,\n", options());
    assert_at(&err, 2, "label");
    assert!(err.to_string().ends_with("the label is missing"), "{err}");

    let err = load(
        "class.csv",
        "text,label\nok,pos\nbad,neutral\n",
        options().classes(["neg", "pos"]),
    );
    assert!(matches!(err, DataError::UnknownClass { .. }), "{err:?}");
    assert_at(&err, 3, "label");

    let err = load(
        "ids.csv",
        "id,text,label\na,ok,pos\na,bad,neg\n",
        options().id("id"),
    );
    assert!(matches!(err, DataError::DuplicateId { .. }), "{err:?}");
    assert_at(&err, 3, "id");

    let err = load(
        "entity.csv",
        "text,label\nok,pos\nbad &#xD800; char,neg\n",
        options().decode_html_entities(),
    );
    assert_at(&err, 3, "text");
    assert!(
        err.to_string()
            .ends_with("`&#xD800;` is not a character (U+D800 is a surrogate)"),
        "{err}"
    );

    let err = load(
        "quote.csv",
        "text,label\nok,pos\n\"never closed,neg\nmore,pos\n",
        options(),
    );
    assert_at(&err, 3, "text");
    assert!(
        err.to_string()
            .contains("a quoted cell opens with `\"` here and is never closed"),
        "{err}"
    );

    let err = load("short.csv", "text,label\nok,pos\nonly\n", options());
    assert_at(&err, 3, "label");

    let err = load("empty.csv", "", options());
    assert!(matches!(err, DataError::EmptyFile { .. }), "{err:?}");
    let err = load("header.csv", "text,label\n", options());
    assert!(matches!(err, DataError::Empty { .. }), "{err:?}");

    let err = load(
        "same.csv",
        "text,label\nok,pos\n",
        TextCsvOptions::new("text", "text"),
    );
    assert!(matches!(err, DataError::Setting { .. }), "{err:?}");

    let err = Dataset::from_text_csv("/no/such/reviews.csv", options()).unwrap_err();
    assert!(matches!(err, DataError::Io { .. }), "{err:?}");
}

#[test]
fn text_datasets_work_with_text_models_and_cohorts() {
    let data = reviews();
    let model = Classifier::from_fn(
        ModelInfo::new("exclaims", "1"),
        ["great", "other"],
        |batch: &[String]| {
            Ok(batch
                .iter()
                .map(|t| {
                    if t.contains('!') {
                        vec![0.8, 0.2]
                    } else {
                        vec![0.4, 0.6]
                    }
                })
                .collect())
        },
    )
    .unwrap();
    let long = Cohort::predicate("long reviews", |t: &String| t.len() > 500);
    let report = evaluate_classifier(&model, &data, &[Cohort::all(), long]).unwrap();
    assert_eq!(report[0].n(), 1000);
    let n_long = data.rows().iter().filter(|t| t.len() > 500).count();
    assert_eq!(report[1].n(), n_long as u64);
}
