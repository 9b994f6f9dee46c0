"""Reference Shapley values for `model_check::explain` (read by `tests/shapley_parity.rs`
and `model-check/benches/shapley.rs`).

Run by hand in a virtual environment outside the repository, from the repository root:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas scikit-learn shap
    /tmp/venv/bin/python tests/oracles/shapley.py > tests/oracles/shapley.json

Every value is computed by shap's exact explainer with the interventional masker over the
whole background,

    shap.explainers.Exact(f, shap.maskers.Independent(background, max_samples=len(background)))

that is v(S) = mean over background rows b of f(x_S, b_rest) and the Shapley (1953)
weighting of v over every coalition. Two models:

- `logistic`: a scikit-learn pipeline (StandardScaler, then LogisticRegression) predicting
  churn from twelve numeric or 0/1 columns of `examples/data/telco_churn.csv` (rows with a
  blank `total_charges` dropped; `online_security`, `tech_support` are 1 for "Yes",
  `month_to_month` is 1 for that contract). `f` is `predict_proba(X)[:, 1]` (P(churn = Yes));
  the scaler's `mean`/`scale` and the regression's `coef`/`intercept` are exported so Rust
  computes the same function: `1 / (1 + exp(-(intercept + sum coef_i (x_i - mean_i) / scale_i)))`.
  100 background rows and 10 explained rows, drawn without replacement with a seeded numpy
  generator.
- `nonlinear`: a hand-written function of seven features with interactions of two and
  three features, a max of three, a threshold on a sum and an inert feature (see
  `nonlinear` below; the Rust test codes the same expression in the same order). The
  three-way terms matter for the sampled estimator's test: antithetic pairs of
  permutations are exact on games with at most pairwise interactions. `e` takes three values, so many hybrid rows repeat the
  background (the explainers' reuse of unchanged rows is exercised). Seeded synthetic data:
  50 background rows, 8 explained rows.

`timing`: shap's Exact on the logistic model, 12 features x 100 explained rows x 100
background rows (the same background, 100 other rows), timed after a warm-up call that
compiles shap's numba kernels; the seconds of each run, and the values, so the bench can check
what it times. Floats are written with `repr()`, the shortest round-trip form.
"""
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shap
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parents[2]


def cpu():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"

rng = np.random.default_rng(20261215)

LOGISTIC_FEATURES = [
    "female", "senior_citizen", "partner", "dependents", "tenure", "phone_service",
    "paperless_billing", "monthly_charges", "total_charges", "online_security",
    "tech_support", "month_to_month",
]


def exact(f, background, rows):
    masker = shap.maskers.Independent(background, max_samples=len(background))
    explanation = shap.explainers.Exact(f, masker)(rows)
    return explanation.values.tolist(), explanation.base_values.tolist()


def telco():
    frame = pd.read_csv(ROOT / "examples/data/telco_churn.csv")
    frame["total_charges"] = pd.to_numeric(frame["total_charges"], errors="coerce")
    frame = frame.dropna(subset=["total_charges"]).copy()
    frame["online_security"] = (frame["online_security"] == "Yes").astype(float)
    frame["tech_support"] = (frame["tech_support"] == "Yes").astype(float)
    frame["month_to_month"] = (frame["contract"] == "Month-to-month").astype(float)
    x = frame[LOGISTIC_FEATURES].to_numpy(dtype=float)
    y = (frame["churn"] == "Yes").to_numpy()
    return x, y


def logistic_case():
    x, y = telco()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    model.fit(x, y)
    scaler, regression = model[0], model[1]

    def f(rows):
        return model.predict_proba(rows)[:, 1]

    picked = rng.choice(len(x), size=210, replace=False)
    background = x[picked[:100]]
    rows = x[picked[100:110]]
    timing_rows = x[picked[110:210]]
    values, base = exact(f, background, rows)
    case = {
        "features": LOGISTIC_FEATURES,
        "class": "Yes",
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "coef": regression.coef_[0].tolist(),
        "intercept": float(regression.intercept_[0]),
        "background": background.tolist(),
        "rows": rows.tolist(),
        "values": values,
        "base_values": base,
        "predictions": f(rows).tolist(),
    }
    return case, f, background, timing_rows


NONLINEAR_FEATURES = ["a", "b", "c", "d", "e", "g", "inert"]


def nonlinear(rows):
    a, b, c, d, e, g, _inert = (rows[:, i] for i in range(7))
    return (
        1.5 * a * b
        + np.maximum(np.maximum(c, 0.5 * d), g)
        + np.where(a + e > 0.8 * g, 2.0, 0.0)
        + 0.5 * b * d * g
        - 0.8 * a * np.where(g > 0.0, 1.0, 0.0)
    )


def nonlinear_data(n):
    x = rng.normal(0.0, 1.0, size=(n, 7))
    x[:, 4] = rng.choice([0.0, 0.5, 1.0], size=n)
    return x


def nonlinear_case():
    background = nonlinear_data(50)
    rows = nonlinear_data(8)
    values, base = exact(nonlinear, background, rows)
    return {
        "features": NONLINEAR_FEATURES,
        "background": background.tolist(),
        "rows": rows.tolist(),
        "values": values,
        "base_values": base,
        "predictions": nonlinear(rows).tolist(),
    }


def timing_case(f, background, rows):
    exact(f, background, rows[:2])  # compiles shap's numba kernels
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        values, base = exact(f, background, rows)
        seconds.append(time.perf_counter() - started)
    return {
        "what": "shap.explainers.Exact(f, Independent(background, max_samples=100))(rows): "
        "12 features, 100 explained rows, 100 background rows, the logistic model",
        "seconds": seconds,
        "rows": rows.tolist(),
        "values": values,
        "base_values": base,
    }


logistic, f, background, timing_rows = logistic_case()
out = {
    "versions": {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "shap": shap.__version__,
        "machine": f"{platform.machine()}, {cpu()}, {os.cpu_count()} cores",
    },
    "logistic": logistic,
    "nonlinear": nonlinear_case(),
    "timing": timing_case(f, background, timing_rows),
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
