"""The checks bench's work done the scikit-learn way, for the ratio in benches/README.md.

The same shape as `benches/common/mod.rs`: 1,000,000 rows of ten standard-normal numbers and
two text features (`region`, 5 levels; `segment`, 12), a label drawn from the logistic model
of the same linear score, and the model itself as a vectorised numpy function (the same
closure as the Rust bench's). Then what `benches/checks.rs` asks: for each of the ten cohorts
(boolean masks), `accuracy_score` and `recall_score(pos_label=1)` — no intervals.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas scikit-learn
    /tmp/venv/bin/python model-check/benches/sklearn_checks.py

Prints the median of five runs of (predict + masks + 20 metrics), and of the metrics alone.
"""

import time

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, recall_score

N = 1_000_000
REGIONS = ["north", "south", "east", "west", "central"]
SEGMENTS = ["basic", "standard", "plus", "premium", "family", "student", "senior",
            "business", "enterprise", "trial", "legacy", "partner"]
WEIGHTS = np.array([1.2, -0.9, 0.8, 0.6, -0.5, 0.4, 0.3, -0.3, 0.2, 0.1])
INTERCEPT = -0.2
REGION_EFFECT = dict(zip(REGIONS, [-0.8, 0.0, 0.4, 0.8, -0.4]))
SEGMENT_EFFECT = {s: -1.1 + 2.2 * i / 11 for i, s in enumerate(SEGMENTS)}

rng = np.random.default_rng(11)
x = rng.standard_normal((N, 10))
frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(10)])
frame["region"] = np.array(REGIONS)[rng.integers(0, 5, N)]
frame["segment"] = np.array(SEGMENTS)[rng.integers(0, 12, N)]


def predict_proba(df):
    score = (INTERCEPT + df[[f"x{i}" for i in range(10)]].to_numpy() @ WEIGHTS
             + df["region"].map(REGION_EFFECT).to_numpy()
             + df["segment"].map(SEGMENT_EFFECT).to_numpy())
    p = 1.0 / (1.0 + np.exp(-score))
    return np.column_stack([1.0 - p, p])


# Labels encoded as integers (1 = "Yes"), as scikit-learn users keep them: string labels
# make sklearn.metrics several times slower.
truth = (rng.random(N) < predict_proba(frame)[:, 1]).astype(np.int64)


def cohorts(df):
    north, east = df["region"] == "north", df["region"] == "east"
    premium = df["segment"] == "premium"
    x0 = (df["x0"] >= 0) & (df["x0"] < 1)
    return [
        np.ones(N, dtype=bool), north, df["region"] == "west", premium,
        df["segment"] == "trial", x0, df["x1"] < -1,
        (df["x2"] >= -0.5) & (df["x2"] <= 0.5), north & x0, premium & east,
    ]


def metrics(predicted, masks):
    out = []
    for m in masks:
        m = np.asarray(m)
        out.append(accuracy_score(truth[m], predicted[m]))
        out.append(recall_score(truth[m], predicted[m], pos_label=1))
    return out


def everything():
    p = predict_proba(frame)
    predicted = (p[:, 1] > p[:, 0]).astype(np.int64)
    return metrics(predicted, cohorts(frame))


def median_of(f, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2]


predicted = (predict_proba(frame)[:, 1] > 0.5).astype(np.int64)
masks = cohorts(frame)
print(f"predict_proba alone: {median_of(lambda: predict_proba(frame)) * 1e3:.0f} ms")
print(f"predict + masks + 20 metrics: {median_of(everything) * 1e3:.0f} ms")
print(f"20 metrics on precomputed masks: {median_of(lambda: metrics(predicted, masks)) * 1e3:.0f} ms")
