//! "Did you mean …?": the closest of some names to a name that was not found, for errors
//! about a misspelt column or category level.
//!
//! Two names are near when they are equal ignoring case, whitespace, `_` and `-`
//! (`Total_Charges` for `total_charges`, `Month to month` for `Month-to-month`), or, failing
//! that, within a small edit distance (one edit for names of up to five characters, two for
//! longer ones; a swap of two neighbouring characters is one edit, so `Asain` is near
//! `Asian`). A guess is offered only when one name is nearest.

/// The name as compared loosely: lower case, without whitespace, `_` or `-`.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The candidate nearest to `target`, if one is near and nearer than every other.
pub(crate) fn closest<'a, I>(target: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&'a str> = candidates.into_iter().filter(|c| *c != target).collect();
    let wanted = loose(target);
    let loosely_equal: Vec<&'a str> = candidates
        .iter()
        .copied()
        .filter(|c| loose(c) == wanted)
        .collect();
    if let [only] = loosely_equal[..] {
        return Some(only);
    }
    if loosely_equal.len() > 1 {
        return None;
    }
    let limit = if wanted.chars().count() <= 5 { 1 } else { 2 };
    let mut best: Option<(usize, &'a str)> = None;
    let mut tied = false;
    for candidate in candidates {
        let d = edit_distance(&wanted, &loose(candidate));
        if d > limit {
            continue;
        }
        match best {
            Some((b, _)) if d > b => {}
            Some((b, _)) if d == b => tied = true,
            _ => {
                best = Some((d, candidate));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(_, c)| c) }
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// neighbouring characters, each one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};

    #[test]
    fn edit_distance_counts_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("asain", "asian"), 1);
        assert_eq!(edit_distance("ca", "abc"), 3); // OSA, not Damerau: no edit of a swap
    }

    #[test]
    fn loose_matches_come_first_then_one_nearest_name() {
        let names = ["tenure", "Total_Charges", "contract"];
        assert_eq!(closest("total_charges", names), Some("Total_Charges"));
        assert_eq!(closest("total charges", names), Some("Total_Charges"));
        assert_eq!(closest("tenrue", names), Some("tenure"));
        assert_eq!(closest("income", names), None);
        assert_eq!(
            closest("Month to month", ["Month-to-month", "One year"]),
            Some("Month-to-month")
        );
        assert_eq!(closest("Asain", ["Asian", "White"]), Some("Asian"));
        assert_eq!(closest("Yes", ["yes", "no"]), Some("yes"));
        // Two equally near names: no guess.
        assert_eq!(closest("Yes", ["yes", "YES"]), None);
        assert_eq!(closest("ab", ["ac", "ad"]), None);
        // Short names allow one edit only.
        assert_eq!(closest("male", ["female"]), None);
        // The name itself is not a suggestion.
        assert_eq!(closest("yes", ["yes"]), None);
    }
}
