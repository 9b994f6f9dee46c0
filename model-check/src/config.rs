//! Every environment variable model-check reads, and how a test's seed is resolved.
//!
//! A leaf module: the variables are named here once and read nowhere else.
//!
//! | variable | effect |
//! |---|---|
//! | `MODEL_CHECK_SEED` | overrides every test's seed ([`SEED_ENV`]) |
//! | `MODEL_CHECK_REPORT` | a directory each test writes its JSON report to ([`REPORT_ENV`]) |
//! | `MODEL_CHECK_UPDATE` | when baselines may be written: `always`, `new`, `no` ([`UPDATE_ENV`]) |
//! | `CI` | when set (not empty, `false` or `0`), nothing is written ([`CI_ENV`]) |

use std::fmt;

/// The environment variable that overrides every test's seed.
pub const SEED_ENV: &str = "MODEL_CHECK_SEED";

/// The environment variable naming the directory per-test JSON reports are written to.
pub const REPORT_ENV: &str = "MODEL_CHECK_REPORT";

/// The environment variable that accepts baselines: `1`/`always`, `new`, `no`/`0`.
pub const UPDATE_ENV: &str = "MODEL_CHECK_UPDATE";

/// The environment variable that, when set (not empty, `false` or `0`), forbids writing.
pub const CI_ENV: &str = "CI";

/// The value of an environment variable, if set and valid Unicode.
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Whether the value of `CI` forbids writing files: set, and not empty, `false` or `0`.
///
/// ```
/// use model_check::config::ci_value_forbids_writing;
///
/// assert!(ci_value_forbids_writing(Some("true")));
/// assert!(!ci_value_forbids_writing(Some("false")));
/// assert!(!ci_value_forbids_writing(None));
/// ```
pub fn ci_value_forbids_writing(value: Option<&str>) -> bool {
    match value.map(str::trim) {
        None | Some("") | Some("0") => false,
        Some(v) => !v.eq_ignore_ascii_case("false"),
    }
}

/// Whether this process runs in CI (the `CI` variable forbids writing).
pub fn in_ci() -> bool {
    ci_value_forbids_writing(var(CI_ENV).as_deref())
}

/// `MODEL_CHECK_SEED` is set but is not a seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    value: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SEED_ENV}={:?} is not a seed (an integer from 0 to {})",
            self.value,
            u64::MAX
        )
    }
}

impl std::error::Error for SeedError {}

/// Where a test's seed came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedSource {
    /// Derived from the test's name.
    Derived,
    /// Given with `seed = N`.
    Attribute,
    /// Given by the `MODEL_CHECK_SEED` environment variable.
    Environment,
}

/// The seed a test runs with: `MODEL_CHECK_SEED` if set, else the attribute's seed, else
/// [`derive_seed`](crate::rng::derive_seed) of the name.
pub fn resolve_seed(
    test_name: &str,
    attribute: Option<u64>,
) -> Result<(u64, SeedSource), SeedError> {
    if let Some(value) = std::env::var_os(SEED_ENV) {
        let value = value.to_string_lossy();
        return value
            .trim()
            .parse::<u64>()
            .map(|seed| (seed, SeedSource::Environment))
            .map_err(|_| SeedError {
                value: value.into_owned(),
            });
    }
    Ok(match attribute {
        Some(seed) => (seed, SeedSource::Attribute),
        None => (crate::rng::derive_seed(test_name), SeedSource::Derived),
    })
}
