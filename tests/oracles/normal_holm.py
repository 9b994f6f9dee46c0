"""Reference values for model-check's normal distribution and Holm adjustment.

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scipy statsmodels
    /tmp/venv/bin/python tests/oracles/normal_holm.py > tests/oracles/normal_holm.json

Writes `scipy.stats.norm.cdf` and `norm.ppf` on a grid, and
`statsmodels.stats.multitest.multipletests(p, method="holm")` on seeded p-value vectors.
"""
import json

import numpy as np
import scipy
import statsmodels
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

xs = [-40.0, -37.5, -20.0, -8.0, -7.0, -5.0, -3.0, -1.959963984540054, -1.0, -0.5, -1e-3, 0.0,
      1e-3, 0.25, 0.5, 1.0, 1.5, 1.959963984540054, 2.5, 3.0, 4.0, 5.0, 6.5, 7.1, 8.0, 10.0]
ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-6, 1e-4, 0.001, 0.01, 0.02, 0.02425, 0.025, 0.05, 0.1,
      0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 0.975, 0.97575, 0.99, 0.999, 0.9999, 1 - 1e-10]

rng = np.random.default_rng(20261201)
holm = []
for m in [1, 2, 3, 5, 10, 45]:
    for _ in range(3):
        p = rng.uniform(0, 1, m) ** rng.uniform(1, 6)
        reject, adjusted, _, _ = multipletests(p, alpha=0.05, method="holm")
        holm.append({"p": p.tolist(), "adjusted": adjusted.tolist(), "reject": reject.tolist()})

print(json.dumps({
    "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
    "cdf": [[x, float(norm.cdf(x))] for x in xs],
    "sf": [[x, float(norm.sf(x))] for x in xs],
    "ppf": [[p, float(norm.ppf(p))] for p in ps],
    "holm": holm,
}, indent=1))
