//! Which header column feeds which field of a row type, checked before any row is read.
//!
//! A row is deserialized by serde, which looks fields up by *its* names: the Rust field name,
//! unless `#[serde(rename)]` or `#[serde(rename_all)]` say otherwise. The feature's name
//! (`#[features(rename = "Age")]`) is the column's name in data files. Serde also fills a
//! missing `Option` field with `None` without a word, so an absent or misspelt column would
//! load as "every value missing". This module reconciles the two namings and refuses a
//! feature whose column is absent:
//!
//! 1. serde's names for the row's fields are read off its `Deserialize` impl (the list it
//!    passes to `deserialize_struct`), without reading any data;
//! 2. each feature is given the serde name it is read under: its field name or its feature
//!    name when serde has one of those, else the serde name in the field's position (when
//!    the schema lists every field and the lists line up one to one);
//! 3. a column named like the feature is handed to serde under that serde name; failing
//!    that, a column named like the serde name is read as serde would; failing both, the
//!    feature's column is missing: an error naming the field, the file and the header, and
//!    the closest header name.
//!
//! A row type that serde does not read as a plain struct (`#[serde(flatten)]`, a
//! hand-written impl) is assumed to read its fields under their Rust names. A feature whose
//! serde name cannot be found (serde renames it *and* uses aliases or skips
//! fields, so the lists do not line up) is left to serde. `#[features(skip)]` fields are not
//! features: serde reads them by its own rules (a `#[serde(default)]` field may be absent);
//! an absent column of a required one is reported as [`DataError::MissingFieldColumn`] too.

use std::cell::Cell;
use std::fmt;
use std::path::Path;

use super::{DataError, Features, Location, suggest};

/// The names serde reads the fields of `R` under (aliases included), when `R` deserializes
/// as a struct; `None` for other shapes (`#[serde(flatten)]`, hand-written impls).
fn serde_field_names<R: serde::de::DeserializeOwned>() -> Option<&'static [&'static str]> {
    let seen = Cell::new(None);
    let _ = R::deserialize(FieldNames(&seen));
    seen.get()
}

/// A deserializer that records the field names a struct asks for, then stops.
struct FieldNames<'a>(&'a Cell<Option<&'static [&'static str]>>);

/// Ends the probe; never shown.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field-name probe")
    }
}

impl std::error::Error for Stop {}

impl serde::de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = Stop;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.0.set(Some(fields));
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// How the columns of one header feed a row type.
pub(crate) struct Columns {
    /// The header as serde is given it: renamed columns under their serde names, columns a
    /// renamed feature displaces under a name no field has.
    pub(crate) serde_headers: csv::StringRecord,
    /// serde name → (Rust field, whether it is a feature), for fields whose serde name is
    /// known: to name the field when serde reports a missing one.
    fields: Vec<(String, String, bool)>,
}

impl Columns {
    /// Lines the header up with the fields of `R`, or names the first feature whose column
    /// is absent. `header_line` is the header's line in the file (`None` when the headers
    /// were given in the options); `reserved` are the label and id columns, which are never
    /// suggested for a feature.
    pub(crate) fn plan<R: Features + serde::de::DeserializeOwned>(
        path: &Path,
        headers: &[String],
        header_line: Option<u64>,
        reserved: &[&str],
    ) -> Result<Columns, DataError> {
        let schema = R::SCHEMA;
        let serde_names = serde_field_names::<R>();
        let all_fields = schema.fields();
        // The serde name of each field in `all_fields`, by position, when the lists line up
        // one to one and no serde name is another field's Rust name.
        let by_position: Option<&[&str]> = serde_names.filter(|names| {
            names.len() == all_fields.len()
                && names.iter().enumerate().all(|(i, name)| {
                    all_fields
                        .iter()
                        .enumerate()
                        .all(|(j, field)| i == j || field != name)
                })
        });
        let serde_name_of = |field: &str, feature: Option<&str>| -> Option<&'static str> {
            match serde_names {
                // Not a struct to serde: assume it reads the Rust field names.
                None => None,
                Some(names) => names
                    .iter()
                    .find(|n| **n == field)
                    .or_else(|| feature.and_then(|f| names.iter().find(|n| **n == f)))
                    .or_else(|| {
                        let at = all_fields.iter().position(|f| *f == field)?;
                        by_position.map(|names| &names[at])
                    })
                    .copied(),
            }
        };

        let position = |name: &str| headers.iter().position(|h| h == name);
        let mut serde_headers: Vec<String> = headers.to_vec();
        let mut fields = Vec::new();
        let mut claimed: Vec<&str> = reserved.to_vec();
        let mut missing = None;
        for spec in schema.iter() {
            let (name, field) = (spec.name(), spec.field());
            let serde_name: Option<&str> = match serde_names {
                None => Some(field),
                Some(_) => serde_name_of(field, Some(name)),
            };
            if let Some(serde_name) = serde_name {
                fields.push((serde_name.to_string(), field.to_string(), true));
            }
            match (position(name), serde_name) {
                (Some(at), Some(serde_name)) => {
                    claimed.push(name);
                    if serde_name != name {
                        // The column named like the feature feeds it; a column under the
                        // serde name is displaced, so serde does not see the field twice.
                        for (j, header) in headers.iter().enumerate() {
                            if j != at && header == serde_name && schema.index_of(header).is_none()
                            {
                                serde_headers[j] = format!("\u{0}displaced {header}");
                            }
                        }
                        serde_headers[at] = serde_name.to_string();
                    }
                }
                (Some(_), None) => claimed.push(name),
                (None, Some(serde_name)) if position(serde_name).is_some() => {
                    claimed.push(serde_name);
                }
                // serde reads the field under a name we cannot see: left to serde.
                (None, None) => {}
                (None, Some(serde_name)) => {
                    if missing.is_none() {
                        missing = Some((name, field, serde_name));
                    }
                }
            }
        }
        if let Some((name, field, serde_name)) = missing {
            let unclaimed = || {
                headers
                    .iter()
                    .map(String::as_str)
                    .filter(|h| !claimed.contains(h))
            };
            let closest = suggest::closest(name, unclaimed())
                .or_else(|| suggest::closest(serde_name, unclaimed()))
                .map(str::to_string);
            return Err(DataError::MissingFieldColumn {
                at: Box::new(Location {
                    line: header_line,
                    ..Location::file(path).in_field(name)
                }),
                field: field.to_string(),
                // Worth naming only when serde renames the field.
                serde_name: (serde_name != name && serde_name != field)
                    .then(|| serde_name.to_string()),
                feature: true,
                available: headers.to_vec(),
                closest,
            });
        }
        // Skipped fields, for naming them when serde misses one.
        if let Some(names) = by_position {
            for (serde_name, field) in names.iter().zip(all_fields) {
                if schema.iter().all(|spec| spec.field() != *field) {
                    fields.push((serde_name.to_string(), field.to_string(), false));
                }
            }
        }
        Ok(Columns {
            serde_headers: csv::StringRecord::from(serde_headers),
            fields,
        })
    }

    /// The error for serde's "missing field `name`": the header has no column for a field
    /// the checks above could not see (a skipped field, or one serde renames unseen).
    pub(crate) fn missing_field(
        &self,
        serde_name: &str,
        path: &Path,
        headers: &[String],
        header_line: Option<u64>,
    ) -> DataError {
        let (field, feature) = self
            .fields
            .iter()
            .find(|(name, _, _)| name == serde_name)
            .map_or((serde_name, false), |(_, field, feature)| {
                (field.as_str(), *feature)
            });
        DataError::MissingFieldColumn {
            at: Box::new(Location {
                line: header_line,
                ..Location::file(path).in_field(serde_name)
            }),
            field: field.to_string(),
            serde_name: None,
            feature,
            available: headers.to_vec(),
            closest: suggest::closest(serde_name, headers.iter().map(String::as_str))
                .map(str::to_string),
        }
    }
}
