//! Exact Shapley values: every coalition, visited along a Gray code.
//!
//! Shapley (1953): `φ_i = Σ_{S ∌ i} |S|! (p − |S| − 1)! / p! · (v(S ∪ i) − v(S))`. The walk
//! visits the `2^p` coalitions in reflected-Gray-code order (step `k` toggles player
//! `trailing_zeros(k)`, so coalition `k` is `k ^ (k >> 1)`), each one player from the
//! last — the order shap's `ExactExplainer` uses, for the same reason: a step rewrites one
//! player's features in each hybrid row.
//!
//! The weighted sum is formed from differences, not from `±v(S)` terms: each `v(S ∪ i) −
//! v(S)` is computed first (exact for nearby values, by Sterbenz's lemma), the differences
//! of one coalition size are summed with Neumaier's compensation and divided by the number
//! of such coalitions, `C(p − 1, s)`, and the `p` size means are averaged. Since the weight
//! of a size is `1 / (p · C(p − 1, s))`, this is the Shapley value; no factorial is formed.

/// The Shapley value of each of `players` players from `v` along the Gray-code walk
/// (`walk[k]` = `v` of coalition `k ^ (k >> 1)`; `2^players` values).
pub(super) fn shapley_values(walk: &[f64], players: usize) -> Vec<f64> {
    let coalitions = 1usize << players;
    debug_assert_eq!(walk.len(), coalitions);
    let mut v = vec![0.0; coalitions];
    for (k, &value) in walk.iter().enumerate() {
        v[k ^ (k >> 1)] = value;
    }
    let subsets: Vec<f64> = (0..players)
        .map(|s| binomial(players - 1, s) as f64)
        .collect();
    (0..players)
        .map(|i| {
            let bit = 1usize << i;
            let mut by_size = vec![Compensated::default(); players];
            for s in (0..coalitions).filter(|s| s & bit == 0) {
                by_size[s.count_ones() as usize].add(v[s | bit] - v[s]);
            }
            let mut total = Compensated::default();
            for (sum, count) in by_size.iter().zip(&subsets) {
                total.add(sum.value() / count);
            }
            total.value() / players as f64
        })
        .collect()
}

/// The toggles of the Gray-code walk over `players` players: `2^players − 1` steps, from
/// the empty coalition through every other once.
pub(super) fn gray_walk(players: usize) -> Vec<usize> {
    (1usize..1 << players)
        .map(|k| k.trailing_zeros() as usize)
        .collect()
}

/// `C(n, k)`, exactly (here `n < 32`, so it fits).
fn binomial(n: usize, k: usize) -> u64 {
    let k = k.min(n - k) as u64;
    let n = n as u64;
    (0..k).fold(1, |c, j| c * (n - j) / (j + 1))
}

/// Neumaier's compensated sum (Neumaier 1974): the rounding error of each addition is
/// carried beside the sum, so many small differences add up without drifting.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Compensated {
    sum: f64,
    carry: f64,
}

impl Compensated {
    pub(super) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.carry += (self.sum - t) + x;
        } else {
            self.carry += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub(super) fn value(&self) -> f64 {
        self.sum + self.carry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials_are_exact() {
        assert_eq!(binomial(15, 7), 6435);
        assert_eq!(binomial(15, 0), 1);
        assert_eq!(binomial(15, 15), 1);
        assert_eq!(binomial(0, 0), 1);
    }

    #[test]
    fn the_gray_walk_visits_every_coalition_once_one_player_at_a_time() {
        let mut mask = 0usize;
        let mut seen = vec![mask];
        for player in gray_walk(4) {
            mask ^= 1 << player;
            assert_eq!(mask, seen.len() ^ (seen.len() >> 1));
            seen.push(mask);
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..16).collect::<Vec<_>>());
    }

    #[test]
    fn a_game_of_three_players_matches_its_textbook_values() {
        // The glove game: player 0 holds a left glove, players 1 and 2 right gloves; a pair
        // is worth 1. Shapley values: 2/3, 1/6, 1/6.
        let v = |s: usize| f64::from(u8::from(s & 1 != 0 && s & 6 != 0));
        let walk: Vec<f64> = (0..8).map(|k| v(k ^ (k >> 1))).collect();
        let phi = shapley_values(&walk, 3);
        assert!((phi[0] - 2.0 / 3.0).abs() < 1e-15, "{phi:?}");
        assert!((phi[1] - 1.0 / 6.0).abs() < 1e-15, "{phi:?}");
        assert!((phi[2] - 1.0 / 6.0).abs() < 1e-15, "{phi:?}");
    }

    #[test]
    fn compensation_keeps_what_plain_summation_loses() {
        let mut sum = Compensated::default();
        for x in [1.0, 1e100, 1.0, -1e100] {
            sum.add(x);
        }
        assert_eq!(sum.value(), 2.0);
    }
}
