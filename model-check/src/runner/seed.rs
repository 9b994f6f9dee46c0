//! One seed per test: derived from the test's name, overridden by `seed = N`, overridden
//! again by the `MODEL_CHECK_SEED` environment variable.

use std::fmt;

/// The environment variable that overrides every test's seed.
pub const SEED_ENV: &str = "MODEL_CHECK_SEED";

/// The seed of a test that was given none: a 64-bit FNV-1a hash of its name, stable across
/// platforms, Rust versions and runs.
///
/// ```
/// use model_check::runner::derive_seed;
///
/// assert_eq!(derive_seed("cohorts::seniors_keep_recall"), derive_seed("cohorts::seniors_keep_recall"));
/// assert_ne!(derive_seed("a"), derive_seed("b"));
/// assert_eq!(derive_seed(""), 0xcbf2_9ce4_8422_2325); // the FNV-1a offset basis
/// ```
pub fn derive_seed(test_name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in test_name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
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
/// [`derive_seed`] of the name.
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
        None => (derive_seed(test_name), SeedSource::Derived),
    })
}
