//! Loading a text dataset — one text column and one label column — from CSV or TSV, with
//! errors that name file, line and column.
//!
//! Text exports are messier than feature tables: they come in Latin-1 or Windows-1252 as
//! often as UTF-8, and scraped text carries HTML (`&amp;`, `<br />`). [`TextCsvOptions`]
//! says which encoding the file is in ([`Encoding`]) and whether to decode that HTML; a
//! byte the encoding rejects, an empty text or label, an unclosed quote or a numeric
//! reference that is no character is an error at its line and column, never a guess.

use std::path::Path;

use super::csv_load::{
    Dialect, Record, column_of, csv_error_in, each_record, is_blank, line_at, unclosed_quote,
};
use super::{DataError, Dataset, Encoding, Labels, Location, check_class_names, html};

/// How to read a text dataset from CSV: the text and label columns, optionally a row-id
/// column and declared classes, the delimiter, the encoding, and HTML decoding.
///
/// ```
/// use model_check::data::{Encoding, TextCsvOptions};
///
/// let options = TextCsvOptions::new("review", "label")
///     .delimiter(b'\t')
///     .encoding(Encoding::Latin1)
///     .decode_html_entities()
///     .classes(["negative", "positive"])
///     .id("review_id");
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
pub struct TextCsvOptions {
    text: String,
    label: String,
    id: Option<String>,
    classes: Option<Vec<String>>,
    delimiter: u8,
    encoding: Encoding,
    html: bool,
}

impl TextCsvOptions {
    /// Texts in column `text`, class labels in column `label`; comma-separated UTF-8 with a
    /// header line.
    pub fn new(text: impl Into<String>, label: impl Into<String>) -> Self {
        TextCsvOptions {
            text: text.into(),
            label: label.into(),
            id: None,
            classes: None,
            delimiter: b',',
            encoding: Encoding::Utf8,
            html: false,
        }
    }

    /// Row ids in column `id`; ids must be distinct.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Declares the classes; a label outside them is an error. Without this the classes are
    /// the distinct labels found, sorted.
    pub fn classes<I, S>(mut self, classes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.classes = Some(classes.into_iter().map(Into::into).collect());
        self
    }

    /// Uses `delimiter` instead of a comma (`b'\t'` for TSV).
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Reads the file in `encoding` (default UTF-8); header, ids and labels too.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Decodes HTML in the texts (not the labels or ids): the XML entities, the HTML 4
    /// Latin-1 entities (`&eacute;`, `&nbsp;`, …), common typographic ones (`&rsquo;`,
    /// `&mdash;`, …), decimal and hexadecimal references (`&#39;`, `&#xE9;`), and `<br>`,
    /// `<br/>`, `<br />` as one space each. Unknown entities and other tags are left as
    /// written; a numeric reference that is no character (`&#xD800;`) is an error.
    ///
    /// ```
    /// use model_check::data::{Dataset, TextCsvOptions};
    ///
    /// # let dir = std::env::temp_dir().join(format!("mc-doc-html-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("reviews.csv");
    /// std::fs::write(&path, "review,label\nCaf&eacute; &amp; cake<br />Great!,pos\n")?;
    /// let data = Dataset::from_text_csv(&path, TextCsvOptions::new("review", "label").decode_html_entities())?;
    /// assert_eq!(data.rows()[0], "Café & cake Great!");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_html_entities(mut self) -> Self {
        self.html = true;
        self
    }
}

impl Dataset<String> {
    /// Loads a text dataset from CSV or TSV: one text per record from the text column, its
    /// class from the label column, optionally row ids. The dataset is named after the
    /// file.
    ///
    /// Every bad input is an error naming the file, line and column: a cell the encoding
    /// rejects (invalid UTF-8, a C1 control byte in Latin-1), an empty text, a missing or
    /// undeclared label, a duplicate or missing id, a record with too few cells, a quoted
    /// cell never closed, a numeric HTML reference that is no character, an empty file.
    ///
    /// ```
    /// use model_check::data::{DataError, Dataset, Encoding, TextCsvOptions};
    ///
    /// # let dir = std::env::temp_dir().join(format!("mc-doc-text-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("avis.tsv");
    /// // Latin-1, tab-separated.
    /// std::fs::write(&path, b"texte\tnote\nTr\xe8s bon caf\xe9\tpos\nBof\tneg\n")?;
    /// let options = TextCsvOptions::new("texte", "note").delimiter(b'\t');
    /// let data = Dataset::from_text_csv(&path, options.clone().encoding(Encoding::Latin1))?;
    /// assert_eq!(data.rows(), ["Très bon café", "Bof"]);
    /// assert_eq!(data.labels().class_of(0), Some("pos"));
    ///
    /// // Read as UTF-8, the accented byte is an error at its line and column.
    /// let err = Dataset::from_text_csv(&path, options).unwrap_err();
    /// assert!(matches!(err, DataError::Parse { .. }));
    /// assert!(err.to_string().contains("avis.tsv:2, field `texte`: the cell is not valid UTF-8"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_text_csv(
        path: impl AsRef<Path>,
        options: TextCsvOptions,
    ) -> Result<Dataset<String>, DataError> {
        load(path.as_ref(), &options)
    }
}

fn load(path: &Path, options: &TextCsvOptions) -> Result<Dataset<String>, DataError> {
    let file = std::fs::File::open(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let dialect = Dialect {
        delimiter: options.delimiter,
        comment: None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(options.delimiter)
        .flexible(true)
        .from_reader(file);
    let header = reader
        .byte_headers()
        .map_err(|e| csv_error_in(e, path, Record::Header))?
        .clone();
    if header.is_empty() {
        return Err(DataError::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    let header_line = line_at(path, header.position()).unwrap_or(1);
    let headers = header
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            options
                .encoding
                .decode(cell)
                .map(|name| name.into_owned())
                .map_err(|reason| DataError::Parse {
                    at: Box::new(Location::file(path).at_line(header_line)),
                    message: format!("column {} of the header: {reason}", i + 1),
                })
        })
        .collect::<Result<Vec<String>, _>>()?;
    // A header swallowed by an unclosed quote explains a missing column.
    let header_quote =
        |error: DataError| unclosed_quote(path, 0, dialect, &headers).unwrap_or(error);
    let column = |name: &str| column_of(&headers, name, path).map_err(header_quote);
    let text_at = column(&options.text)?;
    let label_at = column(&options.label)?;
    let id_at = options.id.as_deref().map(column).transpose()?;
    let distinct = [Some(text_at), Some(label_at), id_at];
    for (i, a) in distinct.iter().enumerate() {
        if a.is_some() && distinct[..i].contains(a) {
            return Err(DataError::Setting {
                reason: format!(
                    "{}: the text, label and id columns must differ (`{}` is given twice)",
                    path.display(),
                    headers[a.unwrap_or_default()]
                ),
            });
        }
    }
    if let Some(classes) = &options.classes {
        check_class_names(classes)?;
    }

    let mut texts = Vec::new();
    let mut labels = Vec::new();
    let mut ids = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    each_record(
        &mut reader,
        path,
        dialect,
        &headers,
        |record: &csv::ByteRecord| {
            let position = record.position().cloned();
            let at = |column: usize| Location {
                line: line_at(path, position.as_ref()),
                ..Location::file(path).in_field(headers[column].as_str())
            };
            if record.len() != headers.len() {
                let mut place = at(record.len().min(headers.len() - 1));
                if record.len() > headers.len() {
                    place.field = None;
                }
                return Err(DataError::Parse {
                    at: Box::new(place),
                    message: format!(
                        "record has {} fields, the header has {}",
                        record.len(),
                        headers.len()
                    ),
                });
            }
            let cell = |column: usize| {
                options
                    .encoding
                    .decode(&record[column])
                    .map_err(|message| DataError::Parse {
                        at: Box::new(at(column)),
                        message,
                    })
            };

            let mut text = cell(text_at)?.into_owned();
            if options.html {
                text = html::decode(&text)
                    .map_err(|message| DataError::Parse {
                        at: Box::new(at(text_at)),
                        message,
                    })?
                    .into_owned();
            }
            if text.trim().is_empty() {
                return Err(DataError::Invalid {
                    at: Box::new(at(text_at)),
                    reason: "the text is empty".into(),
                });
            }

            let label = cell(label_at)?;
            if label.is_empty() {
                return Err(DataError::Invalid {
                    at: Box::new(at(label_at)),
                    reason: "the label is missing".into(),
                });
            }
            if let Some(classes) = &options.classes
                && !classes.iter().any(|c| *c == label)
            {
                return Err(DataError::UnknownClass {
                    at: Box::new(at(label_at)),
                    label: label.into_owned(),
                    classes: classes.clone(),
                });
            }

            if let Some(i) = id_at {
                let id = cell(i)?;
                if id.is_empty() {
                    return Err(DataError::Invalid {
                        at: Box::new(at(i)),
                        reason: "the row id is missing".into(),
                    });
                }
                if !seen_ids.insert(id.to_string()) {
                    return Err(DataError::DuplicateId {
                        at: Box::new(at(i)),
                        id: id.into_owned(),
                    });
                }
                ids.push(id.into_owned());
            }
            labels.push(label.into_owned());
            texts.push(text);
            Ok(())
        },
    )?;
    if texts.is_empty() {
        if is_blank(path) {
            return Err(DataError::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        return Err(header_quote(DataError::Empty {
            what: format!("dataset {}", path.display()),
        }));
    }

    let labels = match &options.classes {
        Some(classes) => Labels::with_classes(classes.iter().cloned(), &labels)?,
        None => Labels::classes(&labels)?,
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let dataset = Dataset::from_inputs(texts, labels)?.named(name);
    match id_at {
        None => Ok(dataset),
        Some(_) => dataset.with_ids(ids),
    }
}
