//! No library code: this crate exists so that `jsonschema`, a slow dependency, is built only
//! for the tests that validate model-check's JSON reports against
//! `model-check/schema/test-report.v2.json` (in `tests/schema.rs`), and not for the root
//! package's examples and end-to-end tests.
