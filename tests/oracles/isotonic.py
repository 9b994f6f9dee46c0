"""Reference fits for model-check's isotonic regression (calibration for the estimated accuracy).

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scikit-learn
    /tmp/venv/bin/python tests/oracles/isotonic.py > tests/oracles/isotonic.json

`sklearn.isotonic.IsotonicRegression(out_of_bounds="clip")` fitted on seeded (x, y) pairs —
a classifier's confidence and whether it was right (0/1), with ties in x, and real-valued y —
then predicted on a grid reaching outside the fitted range.
"""
import json

import numpy as np
import sklearn
from sklearn.isotonic import IsotonicRegression

rng = np.random.default_rng(20261215)
cases = []
for name, n, ties, binary in [("confidence, 0/1", 400, False, True),
                              ("rounded confidence, ties", 300, True, True),
                              ("real y", 200, False, False),
                              ("tiny", 3, False, True)]:
    x = rng.uniform(0.5, 1.0, n)
    if ties:
        x = np.round(x, 2)
    y = (rng.uniform(size=n) < 0.3 + 0.6 * (x - 0.5) * 2).astype(float) if binary \
        else np.sin(6 * x) + rng.normal(0, 0.3, n)
    fit = IsotonicRegression(out_of_bounds="clip").fit(x, y)
    grid = np.linspace(0.4, 1.1, 57)
    cases.append({"name": name, "x": x.tolist(), "y": y.tolist(), "grid": grid.tolist(),
                  "predicted": fit.predict(grid).tolist(), "at_x": fit.predict(x).tolist()})
print(json.dumps({"numpy": np.__version__, "sklearn": sklearn.__version__, "cases": cases}))
