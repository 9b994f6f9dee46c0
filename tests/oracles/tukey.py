"""Reference values for the `outlier` tag: Tukey's fences with numpy's percentiles.

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy
    /tmp/venv/bin/python tests/oracles/tukey.py > tests/oracles/tukey.json

Three seeded columns (lognormal, heavy-tailed Student t, and integer counts with ties), some
values missing; for each, `numpy.percentile(present, [25, 75])` (the default linear rule) and
the rows outside `[Q1 - 1.5 IQR, Q3 + 1.5 IQR]`.
"""
import json

import numpy as np

rng = np.random.default_rng(20261205)
n = 400
columns = {
    "lognormal": rng.lognormal(0.0, 1.0, n),
    "student": rng.standard_t(2.5, n),
    "counts": rng.poisson(3.0, n).astype(float),
}
out = {"numpy": np.__version__, "rows": n, "columns": {}}
for name, values in columns.items():
    values = values.copy()
    missing = rng.choice(n, 12, replace=False)
    values[missing] = np.nan
    present = values[~np.isnan(values)]
    q1, q3 = np.percentile(present, [25, 75])
    lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    outliers = [int(i) for i in range(n) if not np.isnan(values[i]) and (values[i] < lo or values[i] > hi)]
    out["columns"][name] = {
        "values": [None if np.isnan(v) else float(v) for v in values],
        "q1": float(q1), "q3": float(q3), "outliers": outliers,
    }
print(json.dumps(out))
