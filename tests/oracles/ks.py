"""Reference values for model-check's two-sample Kolmogorov-Smirnov test
(`stats::ks_test`, `stats::kstwo_sf`).

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy
    /tmp/venv/bin/python tests/oracles/ks.py > tests/oracles/ks.json

`tests/ks_parity.rs` reads the output. It holds:

- `samples`: seeded samples (numpy `default_rng`), rounded to 6 decimals and sorted, by name.
  scipy's answers below are computed on exactly these stored values, so Rust parses the same
  f64s (floats are written with `repr()`).
- `cases`: pairs of samples with `scipy.stats.ks_2samp(a, b)` (two-sided, `method="auto"`):
  the statistic, the p-value, the method scipy took (`exact` when max(n, m) <= 10,000 and its
  exact count succeeded, else `asymptotic`), and the branch: `exact: square` (equal sizes,
  `_compute_prob_outside_square`), `exact: inside` (`_compute_outer_prob_inside_method`),
  or `asymptotic: <kstwo branch>` / `asymptotic (exact failed): <kstwo branch>` with
  `n_eff = round(mn / (m + n))`.
- `kstwo`: `scipy.stats.kstwo.sf(d, n)` on a grid of (n, d) that reaches every branch of
  scipy's `_kolmogn(n, d, cdf=False)`, each labelled: `support` (d <= 1/(2n) or d >= 1),
  `ruben-gambino lower` (n d <= 1), `ruben-gambino upper` (n d >= n - 1), `2 smirnov`, `dmtw`
  (Marsaglia-Tsang-Wang), `pomeranz`, `pelz-good`, `zero` (n d^2 >= 370).

The versions of Python, numpy and scipy are recorded under `versions`.
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy.stats import ks_2samp, kstwo
from scipy.stats._stats_py import _attempt_exact_2kssamp

MAX_AUTO_N = 10000


def kstwo_branch(n, x):
    """The branch `kstwo.sf(x, n)` takes (rv_continuous.sf, then `_kolmogn`)."""
    if x <= 0.5 / n or x >= 1.0:
        return "support"
    t = n * x
    if t <= 1.0:
        return "ruben-gambino lower"
    if t >= n - 1:
        return "ruben-gambino upper"
    if x >= 0.5:
        return "2 smirnov"
    nxsquared = t * x
    if n <= 140:
        if nxsquared <= 0.754693:
            return "dmtw"
        if nxsquared <= 4:
            return "pomeranz"
        return "2 smirnov"
    if nxsquared >= 370.0:
        return "zero"
    if nxsquared >= 2.2:
        return "2 smirnov"
    if n <= 100000 and n * x**1.5 <= 1.4:
        return "dmtw"
    return "pelz-good"


def ks_case(name, a_name, b_name):
    a, b = samples[a_name], samples[b_name]
    res = ks_2samp(a, b)
    d, p = float(res.statistic), float(res.pvalue)
    n1, n2 = len(a), len(b)
    # Replay scipy's `_ks_2samp_prob` to record its branch, and check it gives the same p.
    method, branch, n_eff, d_used = None, None, None, d
    if max(n1, n2) <= MAX_AUTO_N:
        g = math.gcd(n1, n2)
        ok, d_lattice, prob = _attempt_exact_2kssamp(
            np.int64(n1), np.int64(n2), np.int64(g), np.float64(d), "two-sided")
        if ok:
            method, branch = "exact", "exact: square" if n1 == n2 else "exact: inside"
            replay = float(np.clip(prob, 0, 1))
        else:
            d_used = float(d_lattice)
    if method is None:
        m, n = sorted([float(n1), float(n2)], reverse=True)
        n_eff = int(np.round(m * n / (m + n)))
        failed = " (exact failed)" if max(n1, n2) <= MAX_AUTO_N else ""
        method, branch = "asymptotic", f"asymptotic{failed}: {kstwo_branch(n_eff, d_used)}"
        replay = float(np.clip(kstwo.sf(d_used, n_eff), 0, 1))
    assert replay == p, (name, replay, p)
    return {"name": name, "a": a_name, "b": b_name, "statistic": d, "p": p,
            "method": method, "branch": branch, "n_eff": n_eff}


rng = np.random.default_rng(20260515)
samples = {}


def add(name, x):
    samples[name] = np.sort(np.round(np.asarray(x, dtype=float), 6))


def interleaved(n, block):
    """Two samples of n alternating in blocks: D = block / n."""
    idx = np.arange(2 * n)
    a = idx[(idx // block) % 2 == 0].astype(float)
    b = idx[(idx // block) % 2 == 1].astype(float)
    return a, b


def closest(target_log10, make):
    """The candidate batch whose p-value against the reference is nearest 10**target."""
    best = None
    for shift in np.arange(0.30, 0.80, 0.01):
        x = make(shift)
        p = ks_2samp(samples["ref 20000"], np.round(x, 6)).pvalue
        score = abs(math.log10(max(p, 1e-320)) - target_log10)
        if best is None or score < best[0]:
            best = (score, x)
    return best[1]


# Exact branch, equal sizes (Hodges' reflection, `_compute_prob_outside_square`).
add("normal 500 a", rng.normal(0, 1, 500))
add("normal 500 b", rng.normal(0, 1, 500))
add("normal 3000", rng.normal(0, 1, 3000))
add("shifted 3000", rng.normal(0.08, 1, 3000))
add("normal 10000", rng.normal(0, 1, 10000))
add("shifted 10000", rng.normal(0.05, 1, 10000))
add("uniform 1000", rng.uniform(0, 1, 1000))
add("uniform 1000 above", rng.uniform(2, 3, 1000))
for n, block in [(5, 1), (30, 1), (60, 2)]:
    # D = 1/5, 1/30, 2/60: scipy's count comes out a few ulps above 1 and it falls back.
    a, b = interleaved(n, block)
    add(f"interleaved {n}/{block} a", a)
    add(f"interleaved {n}/{block} b", b)
# Exact branch, unequal sizes (Viehmann's inside recursion).
add("normal 997", rng.normal(0, 1, 997))
add("shifted 1000", rng.normal(0.1, 1, 1000))
add("normal 9999", rng.normal(0.03, 1, 9999))
add("normal 800", rng.normal(0, 1, 800))
add("shifted 1200", rng.normal(0.5, 1, 1200))
add("poisson 600", rng.poisson(3, 600))
add("poisson 500", rng.poisson(3.4, 500))
add("twos 50", np.full(50, 2.0))
add("twos 40", np.full(40, 2.0))
add("uniform 50", rng.uniform(0, 1, 50))
add("uniform 60 above", rng.uniform(2, 3, 60))
for k in [1, 2, 3, 4, 5, 6, 7]:
    add(f"tiny {k} a", rng.normal(0, 1, k))
    add(f"tiny {k} b", rng.normal(0.7, 1, k))
# Asymptotic branch: a reference of 20,000 (and one of 50,000) against batches.
add("ref 20000", rng.normal(0, 1, 20000))
add("ref 50000", rng.normal(0, 1, 50000))
add("shifted 15000", rng.normal(0.025, 1, 15000))
add("shifted more 15000", rng.normal(0.045, 1, 15000))
ref = samples["ref 20000"]
q = (np.arange(15000) + 0.5) / 15000
# Quantiles of the reference, distorted by a sine: D close to the amplitude.
add("wavy 15000", np.quantile(ref, np.clip(q + 0.0045 * np.sin(2 * np.pi * q), 0, 1)))
add("flat 15000", np.quantile(ref, np.clip(q + 0.0026 * np.sin(2 * np.pi * q), 0, 1)))
z3000 = rng.normal(0, 1, 3000)
add("shifted 3000 tiny p", closest(-45, lambda s: z3000 + s))
add("shifted 3000 1e-100", closest(-100, lambda s: z3000 + s))
add("shifted 100", rng.normal(0.3, 1, 100))
q100 = (np.arange(100) + 0.5) / 100
add("wavy 100", np.quantile(ref, q100 + 0.04 * np.sin(2 * np.pi * q100)))
add("shifted far 100", rng.normal(0.8, 1, 100))
add("above but two 100", np.concatenate([[-10.0, -9.0], rng.uniform(10, 11, 98)]))
add("above but one 100", np.concatenate([[-10.0], rng.uniform(10, 11, 99)]))
add("above 100", rng.uniform(10, 11, 100))
add("shifted 60", rng.normal(0.2, 1, 60))
add("shifted more 60", rng.normal(0.5, 1, 60))
add("one value", [0.3])

cases = [
    ks_case("equal 500, same distribution", "normal 500 a", "normal 500 b"),
    ks_case("equal 3000, shifted", "normal 3000", "shifted 3000"),
    ks_case("equal 10000 (at the limit), shifted", "normal 10000", "shifted 10000"),
    ks_case("equal 1000, disjoint (p underflows to 0)", "uniform 1000", "uniform 1000 above"),
    ks_case("equal 500, identical", "normal 500 a", "normal 500 a"),
    ks_case("997 vs 1000 (coprime)", "normal 997", "shifted 1000"),
    ks_case("10000 vs 9999 (coprime, at the limit)", "normal 10000", "normal 9999"),
    ks_case("800 vs 1200, strong shift", "normal 800", "shifted 1200"),
    ks_case("ties, poisson 600 vs 500", "poisson 600", "poisson 500"),
    ks_case("all ties", "twos 50", "twos 40"),
    ks_case("disjoint 50 vs 60", "uniform 50", "uniform 60 above"),
]
for n, block in [(5, 1), (30, 1), (60, 2)]:
    cases.append(ks_case(f"interleaved {n} vs {n}, D = {block}/{n} (exact fails)",
                         f"interleaved {n}/{block} a", f"interleaved {n}/{block} b"))
for ka, kb in [(1, 1), (1, 7), (2, 2), (3, 4), (6, 6), (7, 5), (5, 2)]:
    cases.append(ks_case(f"tiny {ka} vs {kb}", f"tiny {ka} a", f"tiny {kb} b"))
cases.append(ks_case("tiny 1 vs 1, reversed", "tiny 1 b", "tiny 1 a"))
cases += [
    ks_case("20000 vs 15000, moderate p", "ref 20000", "shifted 15000"),
    ks_case("20000 vs 15000, small p", "ref 20000", "shifted more 15000"),
    ks_case("20000 vs 15000, p near 1", "ref 20000", "wavy 15000"),
    ks_case("20000 vs 15000, p = 1 (dmtw)", "ref 20000", "flat 15000"),
    ks_case("20000 vs 3000, p < 1e-40", "ref 20000", "shifted 3000 tiny p"),
    ks_case("20000 vs 3000, p near 1e-100", "ref 20000", "shifted 3000 1e-100"),
    ks_case("20000 vs 100, pomeranz", "ref 20000", "shifted 100"),
    ks_case("20000 vs 100, dmtw", "ref 20000", "wavy 100"),
    ks_case("20000 vs 100, far", "ref 20000", "shifted far 100"),
    ks_case("20000 vs 100, all but two above", "ref 20000", "above but two 100"),
    ks_case("20000 vs 100, all but one above", "ref 20000", "above but one 100"),
    ks_case("20000 vs 100, disjoint", "ref 20000", "above 100"),
    ks_case("50000 vs 60", "ref 50000", "shifted 60"),
    ks_case("50000 vs 60, shifted more", "ref 50000", "shifted more 60"),
    ks_case("20000 vs 1", "ref 20000", "one value"),
    ks_case("20000 identical", "ref 20000", "ref 20000"),
]
for c in cases:
    print(f"{c['name']:<48} {c['branch']:<40} p={c['p']:.6g}", file=sys.stderr)

# kstwo.sf on a grid reaching every branch of `_kolmogn`.
grid = []
fixed = [0.0, 1e-6, 0.001, 0.01, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6,
         0.75, 0.9, 0.99, 0.999999, 1.0]
for n in [1, 2, 5, 50, 140, 141, 1000, 100000, 200000]:
    ds = set(fixed)
    ds.update([0.5 / n, 0.51 / n, 0.75 / n, 1.0 / n, 1.5 / n, 3.3 / n, (n - 1) / n, 1 - 0.5 / n])
    ds.update(math.sqrt(c / n) for c in [0.3, 0.7, 0.76, 1.0, 2.0, 2.1, 2.3, 3.9, 4.1, 10, 18,
                                         46, 100, 230, 369, 371])
    if n > 140:
        ds.update(f * (1.4 / n) ** (2 / 3) for f in [0.5, 0.9])
    for d in sorted(ds):
        if not 0.0 <= d <= 1.0:
            continue
        grid.append({"n": n, "d": d, "sf": float(kstwo.sf(d, n)), "branch": kstwo_branch(n, d)})

out = {
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                 "scipy": scipy.__version__},
    "samples": {k: v.tolist() for k, v in samples.items()},
    "cases": cases,
    "kstwo": grid,
}
print(json.dumps(out, separators=(",", ":")))
