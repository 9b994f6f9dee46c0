//! Cohorts as bit masks over a dataset's rows, and categorical columns as codes: computed
//! once per (cohort, dataset) and kept with the dataset (see `Dataset::derived`).

use std::collections::HashMap;

/// One bit per row of a dataset: whether the row is in a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Mask {
    words: Vec<u64>,
    len: usize,
}

impl Mask {
    /// The rows `i < len` for which `f(i)` holds.
    pub(crate) fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Self {
        let mut words = vec![0u64; len.div_ceil(64)];
        for (w, word) in words.iter_mut().enumerate() {
            let start = w * 64;
            let mut bits = 0u64;
            for i in start..(start + 64).min(len) {
                bits |= u64::from(f(i)) << (i - start);
            }
            *word = bits;
        }
        Mask { words, len }
    }

    /// The listed rows (positions below `len`).
    pub(crate) fn from_rows(len: usize, rows: &[usize]) -> Self {
        let mut words = vec![0u64; len.div_ceil(64)];
        for &r in rows.iter().filter(|&&r| r < len) {
            words[r / 64] |= 1 << (r % 64);
        }
        Mask { words, len }
    }

    /// Every row.
    pub(crate) fn full(len: usize) -> Self {
        Mask::from_fn(len, |_| true)
    }

    /// The rows the mask is over (in it or not).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether row `i` is in the mask.
    pub(crate) fn contains(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// How many of the rows `range` are in the mask.
    pub(crate) fn count_in(&self, range: std::ops::Range<usize>) -> usize {
        range.filter(|&i| self.contains(i)).count()
    }

    /// How many rows are in the mask.
    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn zip(&self, other: &Mask, f: impl Fn(u64, u64) -> u64) -> Mask {
        debug_assert_eq!(self.len, other.len, "masks of one dataset");
        Mask {
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(&a, &b)| f(a, b))
                .collect(),
            len: self.len,
        }
    }

    /// How many rows are in both, how many of those are in `third` too, and a fingerprint
    /// of the rows in both (equal sets of rows have equal fingerprints) — in one pass,
    /// without building the intersection.
    pub(crate) fn and_counts(&self, other: &Mask, third: &Mask) -> (u64, u64, u64) {
        let (mut n, mut k, mut print) = (0u64, 0u64, 0u64);
        for (w, ((&a, &b), &c)) in self
            .words
            .iter()
            .zip(&other.words)
            .zip(&third.words)
            .enumerate()
        {
            let both = a & b;
            n += u64::from(both.count_ones());
            k += u64::from((both & c).count_ones());
            print = print.wrapping_add(fingerprint_word(both, w));
        }
        (n, k, print)
    }

    /// The fingerprint of the mask's rows (see [`and_counts`](Mask::and_counts)).
    #[cfg(test)]
    fn fingerprint(&self) -> u64 {
        self.words
            .iter()
            .enumerate()
            .fold(0u64, |print, (w, &word)| {
                print.wrapping_add(fingerprint_word(word, w))
            })
    }

    /// Rows in both.
    pub(crate) fn and(&self, other: &Mask) -> Mask {
        self.zip(other, |a, b| a & b)
    }

    /// Rows in either.
    pub(crate) fn or(&self, other: &Mask) -> Mask {
        self.zip(other, |a, b| a | b)
    }

    /// Rows not in the mask.
    pub(crate) fn not(&self) -> Mask {
        let mut words: Vec<u64> = self.words.iter().map(|w| !w).collect();
        if let (false, Some(last)) = (self.len.is_multiple_of(64), words.last_mut()) {
            *last &= (1u64 << (self.len % 64)) - 1;
        }
        Mask {
            words,
            len: self.len,
        }
    }

    /// The positions of the rows in the mask, ascending.
    pub(crate) fn rows(&self) -> Vec<usize> {
        let mut rows = Vec::with_capacity(self.count());
        for (w, &word) in self.words.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                rows.push(w * 64 + bits.trailing_zeros() as usize);
                bits &= bits - 1;
            }
        }
        rows
    }
}

/// One word's share of a mask's fingerprint: a mix of the word and its position (the
/// SplitMix64 finaliser), summed over words.
fn fingerprint_word(word: u64, position: usize) -> u64 {
    if word == 0 {
        return 0;
    }
    let mut z = word ^ (position as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A categorical column as codes: `codes[row]` indexes `levels`, or is [`Codes::MISSING`].
#[derive(Debug)]
pub(crate) struct Codes {
    levels: Vec<String>,
    codes: Vec<u32>,
}

impl Codes {
    /// The code of a missing value (or of a value that is not a category).
    pub(crate) const MISSING: u32 = u32::MAX;

    /// Codes from each row's level, in order of first appearance.
    pub(crate) fn from_levels<'a>(
        levels: impl Iterator<Item = Option<std::borrow::Cow<'a, str>>>,
    ) -> Self {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut names = Vec::new();
        let codes = levels
            .map(|level| match level {
                None => Codes::MISSING,
                Some(level) => match index.get(level.as_ref()) {
                    Some(&code) => code,
                    None => {
                        let code = names.len() as u32;
                        index.insert(level.to_string(), code);
                        names.push(level.into_owned());
                        code
                    }
                },
            })
            .collect();
        Codes {
            levels: names,
            codes,
        }
    }

    /// The code of `level`, if a row has it.
    pub(crate) fn code(&self, level: &str) -> Option<u32> {
        self.levels
            .iter()
            .position(|l| l == level)
            .map(|c| c as u32)
    }

    /// The levels rows have, empty ones aside, sorted.
    pub(crate) fn levels_sorted(&self) -> Vec<String> {
        let mut levels: Vec<String> = self
            .levels
            .iter()
            .filter(|l| !l.is_empty())
            .cloned()
            .collect();
        levels.sort();
        levels
    }

    /// The rows whose level has code `code`.
    pub(crate) fn mask(&self, code: u32) -> Mask {
        Mask::from_fn(self.codes.len(), |i| self.codes[i] == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_combine_as_sets_of_rows() {
        for len in [1, 63, 64, 65, 130] {
            let a = Mask::from_fn(len, |i| i % 3 == 0);
            let b = Mask::from_rows(len, &[1, 3, 64, 129]);
            let set = |m: &Mask| (0..len).filter(|&i| m.contains(i)).collect::<Vec<_>>();
            assert_eq!(a.rows(), set(&a));
            assert_eq!(a.count(), a.rows().len());
            let both: Vec<usize> = (0..len)
                .filter(|&i| i % 3 == 0 && [1, 3, 64, 129].contains(&i))
                .collect();
            assert_eq!(a.and(&b).rows(), both);
            let either: Vec<usize> = (0..len)
                .filter(|&i| i % 3 == 0 || [1, 3, 64, 129].contains(&i))
                .collect();
            assert_eq!(a.or(&b).rows(), either);
            let not_a: Vec<usize> = (0..len).filter(|&i| i % 3 != 0).collect();
            assert_eq!(a.not().rows(), not_a);
            assert_eq!(a.not().not(), a);
            assert_eq!(Mask::full(len).count(), len);
            let (n, k, print) = a.and_counts(&b, &Mask::from_rows(len, &[3]));
            assert_eq!((n, k), (a.and(&b).count() as u64, u64::from(len > 3)));
            assert_eq!(print, a.and(&b).fingerprint());
            assert_ne!(a.fingerprint(), a.not().fingerprint());
            assert!(!a.contains(len));
        }
    }

    #[test]
    fn codes_number_levels_in_order_of_first_appearance() {
        use std::borrow::Cow;
        let rows = [Some("b"), None, Some("a"), Some("b"), Some("")];
        let codes = Codes::from_levels(rows.iter().map(|l| l.map(Cow::Borrowed)));
        assert_eq!(codes.code("b"), Some(0));
        assert_eq!(codes.code("a"), Some(1));
        assert_eq!(codes.code("c"), None);
        assert_eq!(codes.mask(0).rows(), [0, 3]);
        assert_eq!(codes.mask(Codes::MISSING).rows(), [1]);
        assert_eq!(codes.levels_sorted(), ["a", "b"]);
    }
}
