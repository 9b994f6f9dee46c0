"""Reference values for model-check's drift statistics (issue 14, first part).

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy
    /tmp/venv/bin/python tests/oracles/drift.py > tests/oracles/drift.json

For seeded pairs of samples (normal, shifted, scaled, heavy-tailed, discrete with ties, tiny):
the two-sample Kolmogorov-Smirnov statistic (`scipy.stats.ks_2samp(a, b).statistic`),
`scipy.stats.wasserstein_distance(a, b)`, the PSI with edges at the reference's deciles
(`numpy.quantile`, linear), duplicates merged, bins by `numpy.searchsorted(inner, x,
side="right")`, shares floored at 1e-6 and not renormalised, and
`scipy.spatial.distance.jensenshannon(p, q, base=2)` on the same bins' unfloored shares.
For contingency tables: `scipy.stats.chi2_contingency(table, correction=False)` after
dropping all-zero columns.
"""
import json

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance

rng = np.random.default_rng(20261208)


def psi_and_js(reference, current, bins=10):
    edges = np.unique(np.quantile(reference, np.arange(1, bins) / bins))
    e = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1)
    a = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1)
    e_share, a_share = e / len(reference), a / len(current)
    ef, af = np.maximum(e_share, 1e-6), np.maximum(a_share, 1e-6)
    psi = float(np.sum((af - ef) * np.log(af / ef)))
    js = float(jensenshannon(a_share, e_share, base=2))
    return psi, js, edges.tolist()


pairs = []
cases = [
    ("same normal", lambda: (rng.normal(0, 1, 1000), rng.normal(0, 1, 800))),
    ("shifted", lambda: (rng.normal(0, 1, 500), rng.normal(0.3, 1, 700))),
    ("scaled", lambda: (rng.normal(0, 1, 1200), rng.normal(0, 1.5, 1000))),
    ("heavy tails", lambda: (rng.standard_t(2, 300), rng.standard_t(2, 400))),
    ("ties", lambda: (rng.poisson(3, 600).astype(float), rng.poisson(3.4, 500).astype(float))),
    ("tiny", lambda: (rng.normal(0, 1, 7), rng.normal(1, 1, 5))),
    ("large", lambda: (rng.normal(0, 1, 4000), rng.normal(0.05, 1, 5000))),
    ("disjoint", lambda: (rng.uniform(0, 1, 50), rng.uniform(2, 3, 60))),
]
for name, make in cases:
    a, b = make()
    psi, js, edges = psi_and_js(a, b)
    pairs.append({
        "name": name, "reference": a.tolist(), "current": b.tolist(),
        "ks": float(ks_2samp(a, b).statistic),
        "wasserstein": float(wasserstein_distance(a, b)),
        "psi": psi, "js": js, "edges": edges,
    })

tables = [
    [[10, 20, 30], [15, 25, 5]],
    [[100, 0, 50], [80, 0, 70]],          # an all-zero column, dropped
    [[5, 3], [2, 9]],
    [[1000, 2000, 3000, 4000], [1100, 1900, 3200, 3800]],
    [[400, 100], [100, 400]],             # p far below 1e-40
    [[3, 4, 5, 6, 7], [7, 6, 5, 4, 3], [5, 5, 5, 5, 5]],
]
chi2 = []
for t in tables:
    arr = np.array(t)
    kept = arr[:, arr.sum(axis=0) > 0]
    stat, p, dof, _ = chi2_contingency(kept, correction=False)
    chi2.append({"table": t, "statistic": float(stat), "p": float(p), "dof": int(dof)})

print(json.dumps({"numpy": np.__version__, "scipy": scipy.__version__,
                  "pairs": pairs, "chi2": chi2}))
