//! Isotonic regression by pool-adjacent-violators: the monotone map that calibrates a
//! model's confidence on labelled data.

/// A fitted non-decreasing step-and-ramp function, as scikit-learn's
/// `IsotonicRegression(out_of_bounds="clip")` fits and predicts it: `y` averaged over equal
/// `x` (weighted), pooled by pool-adjacent-violators until non-decreasing, then interpolated
/// linearly between the distinct `x` and clipped outside them.
///
/// ```
/// use model_check::stats::Isotonic;
///
/// let fit = Isotonic::fit(&[0.1, 0.2, 0.3, 0.4], &[0.0, 1.0, 0.0, 1.0]).unwrap();
/// // 1 then 0 violate the order: pooled to 0.5.
/// assert_eq!(fit.predict(0.25), 0.5);
/// assert_eq!(fit.predict(0.0), 0.0); // clipped
/// assert!((fit.predict(0.35) - 0.75).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Isotonic {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl Isotonic {
    /// Fits `y` on `x` (same lengths, at least one point, no NaN); `None` otherwise.
    pub fn fit(x: &[f64], y: &[f64]) -> Option<Isotonic> {
        if x.is_empty() || x.len() != y.len() || x.iter().chain(y).any(|v| v.is_nan()) {
            return None;
        }
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        // Distinct x with the mean of their y and their count as weight.
        let mut xs: Vec<f64> = Vec::new();
        let mut blocks: Vec<(f64, f64)> = Vec::new(); // (weighted sum of y, weight)
        for &i in &order {
            if xs.last() == Some(&x[i]) {
                let last = blocks.last_mut().expect("one per x");
                last.0 += y[i];
                last.1 += 1.0;
            } else {
                xs.push(x[i]);
                blocks.push((y[i], 1.0));
            }
        }
        // Pool adjacent violators: a stack of pooled blocks with the distinct x they cover.
        let mut pooled: Vec<(f64, f64, usize)> = Vec::with_capacity(blocks.len());
        for (sum, weight) in blocks {
            pooled.push((sum, weight, 1));
            while pooled.len() > 1 {
                let (s2, w2, c2) = pooled[pooled.len() - 1];
                let (s1, w1, c1) = pooled[pooled.len() - 2];
                if s1 / w1 <= s2 / w2 {
                    break;
                }
                pooled.pop();
                *pooled.last_mut().expect("two blocks") = (s1 + s2, w1 + w2, c1 + c2);
            }
        }
        let y = pooled
            .iter()
            .flat_map(|&(sum, weight, count)| std::iter::repeat_n(sum / weight, count))
            .collect();
        Some(Isotonic { x: xs, y })
    }

    /// The fitted value at `x`: linear between the distinct fitted points, clipped outside.
    pub fn predict(&self, x: f64) -> f64 {
        let k = self.x.partition_point(|&v| v < x);
        if k == 0 {
            return self.y[0];
        }
        if k == self.x.len() {
            return self.y[k - 1];
        }
        if self.x[k] == x {
            return self.y[k];
        }
        let (x0, x1, y0, y1) = (self.x[k - 1], self.x[k], self.y[k - 1], self.y[k]);
        // scipy's interp1d, which scikit-learn predicts with, in its order of operations.
        let slope = (y1 - y0) / (x1 - x0);
        slope * (x - x0) + y0
    }
}
