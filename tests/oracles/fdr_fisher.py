"""Reference values for model-check's false-discovery adjustments and Fisher's exact test.

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scipy statsmodels numpy
    /tmp/venv/bin/python tests/oracles/fdr_fisher.py > tests/oracles/fdr_fisher.json

Writes `statsmodels.stats.multitest.multipletests(p, alpha=q, method="fdr_bh" | "fdr_by")`
on seeded p-value vectors (ties and ones included), and
`scipy.stats.fisher_exact(table, alternative="greater")` on 2x2 tables from tiny to a
million rows, whose p-values span 1 down to below 1e-300.
"""
import json

import numpy as np
import scipy
import statsmodels
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(20261202)
fdr = []
for m in [1, 2, 3, 7, 20, 150]:
    for _ in range(3):
        p = rng.uniform(0, 1, m) ** rng.uniform(1, 8)
        if m > 3:
            p[1] = p[0]          # a tie
            p[-1] = 1.0          # a pruned candidate enters with p = 1
        for q in [0.05, 0.1]:
            for method in ["fdr_bh", "fdr_by"]:
                reject, adjusted, _, _ = multipletests(p, alpha=q, method=method)
                fdr.append({"method": method, "q": q, "p": p.tolist(),
                            "adjusted": adjusted.tolist(), "reject": reject.tolist()})

tables = [
    [[0, 0], [0, 1]], [[1, 0], [0, 1]], [[3, 1], [1, 3]], [[1, 9], [11, 3]],
    [[8, 2], [1, 5]], [[0, 5], [5, 0]], [[10, 10], [10, 10]], [[40, 60], [150, 850]],
    [[120, 380], [700, 3800]], [[20, 80], [2000, 7900]], [[5000, 15000], [150000, 830000]],
    [[3100, 16900], [146900, 833100]], [[467, 0], [1200, 5376]], [[1, 0], [0, 999999]],
    [[50000, 0], [0, 950000]], [[2, 30], [100, 3000]],
]
for _ in range(30):
    n = int(rng.integers(5, 20000))
    a, b, c = (int(x) for x in rng.multinomial(n, rng.dirichlet([1, 1, 1, 1]))[:3])
    d = n - a - b - c
    tables.append([[a, b], [c, d]])
fisher = []
for t in tables:
    _, p = fisher_exact(t, alternative="greater")
    fisher.append({"table": t, "p": float(p)})

print(json.dumps({
    "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                 "numpy": np.__version__},
    "fdr": fdr,
    "fisher_greater": fisher,
}, indent=1))
