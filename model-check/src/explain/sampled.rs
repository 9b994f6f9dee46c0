//! Sampled Shapley values: antithetic permutation sampling, with a Monte-Carlo standard
//! error.
//!
//! A Shapley value is the mean, over the `p!` orders in which players can join, of the
//! player's marginal contribution `v(before ∪ i) − v(before)` (Shapley 1953); sampling
//! orders uniformly gives an unbiased estimate (Castro, Gómez & Tejada 2009; Štrumbelj &
//! Kononenko 2014). Each order is drawn with its reverse (antithetic sampling, Mitchell et
//! al. 2022): a player that joins early in one joins late in the other, so the pair's
//! contributions are negatively correlated when the game is close to additive, and the
//! pair's mean varies less than one order's — on a game whose interactions involve at most
//! two players it does not vary at all: player `i`'s contributions in an order and its
//! reverse sum to `2 a_i + Σ_j b_ij`, twice its Shapley value. The pairs are independent, so
//! the standard error of a value is the standard deviation of its pair means over
//! `√pairs`.
//!
//! One walk covers a pair: the players join in order `π` (empty → full), then leave in the
//! same order, and the coalitions passed on the way back — `N \ {π_1 … π_k}` — are exactly
//! those the reversed order passes on its way up. The walk ends where it began, at the empty
//! coalition, so the next pair starts from the background itself.
//!
//! Why permutations rather than (paired) Kernel SHAP: a permutation estimate is a plain mean
//! of independent terms, so it is unbiased at any sample size and its standard error is the
//! textbook one; each order's contributions add up to `f(x) − E f(b)` exactly, so the
//! estimate is additive whatever the number of orders; and it needs no regression, whose
//! error needs a bootstrap or an asymptotic sandwich.

use rand::seq::SliceRandom;

use crate::rng::seeded_rng;

/// `pairs` uniform permutations of `players`, drawn from `seed`. Every explained row is
/// walked through the same orders (common random numbers): a row's estimates depend on the
/// row, the seed and the number of orders alone, and two rows' values differ by what tells
/// the rows apart more than by their draws.
pub(super) fn orders(seed: u64, players: usize, pairs: usize) -> Vec<Vec<usize>> {
    let mut rng = seeded_rng(seed);
    let mut order: Vec<usize> = (0..players).collect();
    (0..pairs)
        .map(|_| {
            order.shuffle(&mut rng);
            order.clone()
        })
        .collect()
}

/// The walk over the pairs of `orders`: for each, every player joins in the order, then
/// leaves in the same order.
pub(super) fn pair_walk(orders: &[Vec<usize>]) -> Vec<usize> {
    orders
        .iter()
        .flat_map(|order| order.iter().chain(order))
        .copied()
        .collect()
}

/// The estimates and their standard errors from `v` along the walks of `orders`
/// (`walk[0]` is the empty coalition, then one value per toggle).
pub(super) fn estimates(
    walk: &[f64],
    orders: &[Vec<usize>],
    players: usize,
) -> (Vec<f64>, Vec<f64>) {
    let pairs = orders.len();
    let mut pair_means = vec![vec![0.0; players]; pairs];
    for ((order, means), at) in orders
        .iter()
        .zip(&mut pair_means)
        .zip((0..).step_by(2 * players))
    {
        for (k, &player) in order.iter().enumerate() {
            // Joining in `order`, the k-th player moves v from walk[at + k] to the next.
            let forward = walk[at + k + 1] - walk[at + k];
            // Leaving in `order` is joining in the reversed order: the k-th player to
            // leave moves v from walk[at + p + k + 1] up to walk[at + p + k].
            let backward = walk[at + players + k] - walk[at + players + k + 1];
            means[player] = 0.5 * (forward + backward);
        }
    }
    let mut values = vec![0.0; players];
    let mut errors = vec![0.0; players];
    for player in 0..players {
        let mean = pair_means.iter().map(|m| m[player]).sum::<f64>() / pairs as f64;
        let squares: f64 = pair_means.iter().map(|m| (m[player] - mean).powi(2)).sum();
        values[player] = mean;
        errors[player] = (squares / (pairs - 1) as f64 / pairs as f64).sqrt();
    }
    (values, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_orders() {
        assert_eq!(orders(7, 6, 3), orders(7, 6, 3));
        assert_ne!(orders(7, 6, 3), orders(8, 6, 3));
        for order in orders(7, 6, 3) {
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..6).collect::<Vec<_>>());
        }
    }

    #[test]
    fn an_additive_game_is_estimated_exactly_by_any_pair() {
        // v(S) = Σ_{i ∈ S} w_i: every order gives every player w_i.
        let w = [1.0, -2.0, 0.5];
        let orders = vec![vec![2, 0, 1], vec![1, 2, 0]];
        let mut member = [false; 3];
        let mut walk = vec![0.0];
        for player in pair_walk(&orders) {
            member[player] = !member[player];
            walk.push((0..3).filter(|&i| member[i]).map(|i| w[i]).sum());
        }
        let (values, errors) = estimates(&walk, &orders, 3);
        for i in 0..3 {
            assert!((values[i] - w[i]).abs() < 1e-15);
            assert_eq!(errors[i], 0.0);
        }
    }
}
