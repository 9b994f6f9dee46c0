//! The one seeded random number generator, and how seeds are derived.
//!
//! A leaf module. Every random choice in model-check — samples, bootstrap resamples,
//! augmenters, flip searches — draws from a [`SeededRng`] whose seed is derived from the
//! test's seed and a label saying what the randomness is for, so the same seed
//! gives the same result bit for bit and adding a check changes no other check's draws.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The random number generator behind every seeded operation: small, fast, and stable for a
/// given `rand` version, so a seed reproduces a result bit for bit.
pub type SeededRng = Xoshiro256PlusPlus;

/// A generator seeded with `seed`.
pub fn seeded_rng(seed: u64) -> SeededRng {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

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
pub fn derive_seed(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The golden-ratio increment of SplitMix64.
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's finaliser: a bijection of `u64` that spreads every input bit over the output.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64: turns related seeds into unrelated ones.
pub(crate) fn splitmix(seed: u64) -> u64 {
    mix64(seed.wrapping_add(GOLDEN))
}

/// The `i`-th of a family of independent streams under `seed` (templates, resamples).
pub(crate) fn nth_stream(seed: u64, i: u64) -> u64 {
    mix64(seed ^ (i + 1).wrapping_mul(GOLDEN))
}

/// The seed of the randomness labelled `what` under `seed`: what it is for, not its position
/// among other draws, decides it.
pub(crate) fn stream(seed: u64, what: &str) -> u64 {
    splitmix(seed ^ derive_seed(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // SplitMix64 from state 0 (Vigna's reference implementation): the first outputs.
        assert_eq!(splitmix(0), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix(GOLDEN), 0x6e78_9e6a_a1b9_65f4);
    }
}
