"""Reference p-values for McNemar's exact test (tests/baseline.rs compares to 1e-12).

Run by hand, never in CI:  /work/venv/bin/python tests/oracles/mcnemar.py > tests/oracles/mcnemar.json

Tables are [[a, b], [c, d]]: rows = current model right / wrong, columns = baseline right /
wrong; so b = pairs the current model fixed, c = pairs it broke (the new model is worse when
c >> b).
"""
import json

import scipy
import statsmodels
from scipy.stats import binomtest
from statsmodels.stats.contingency_tables import mcnemar

TABLES = [
    [[10, 0], [0, 10]],  # b + c = 0
    [[50, 1], [0, 49]],
    [[50, 0], [1, 49]],
    [[40, 3], [7, 50]],
    [[40, 7], [3, 50]],
    [[100, 5], [5, 90]],
    [[20, 2], [12, 30]],
    [[0, 0], [25, 0]],
    [[500, 40], [62, 398]],
    [[3000, 480], [530, 6000]],
    [[9000, 1234], [1320, 800]],
    [[1, 13], [17, 2]],
]

cases = []
for t in TABLES:
    b, c = t[0][1], t[1][0]
    cases.append(
        {
            "table": t,
            "two_sided": float(mcnemar(t, exact=True).pvalue),
            "one_sided_worse": 1.0 if b + c == 0 else float(binomtest(c, b + c, 0.5, alternative="greater").pvalue),
        }
    )

print(
    json.dumps(
        {
            "generator": "tests/oracles/mcnemar.py",
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "cases": cases,
        },
        indent=1,
    )
)
