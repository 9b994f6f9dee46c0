"""Reference values for model-check's DeLong interval of the ROC AUC (`stats::delong`).

Run by hand from the repository root, in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy
    /tmp/venv/bin/python tests/oracles/delong.py > tests/oracles/delong.json

It takes about a second, the Telco dataset's 9.7 million comparisons in pure Python included.

The definitions, not the fast algorithm: for m positives X_i and n negatives Y_j, with
psi(x, y) = 1, 1/2, 0 as x > y, x = y, x < y, every pair is compared (O(mn)):

    V10_i = (1/n) sum_j psi(X_i, Y_j)      V01_j = (1/m) sum_i psi(X_i, Y_j)
    AUC = mean(V10)                         Var = S10/m + S01/n

with S10, S01 the sample variances (ddof = 1) of V10 and V01. When m = 1 (or n = 1) S10
(or S01) is undefined; it is written as null and its term of Var taken as 0, the
convention model-check documents.

Everything is exact: twice each psi is an integer, so the comparisons are counted in
integers and every later quantity is a `fractions.Fraction`, for the large datasets
(medium, Telco) too. The floats written are the exact values correctly rounded (`float` of
a Fraction); the 95% interval is AUC -/+ Z_95 * sqrt(float(Var)) in float arithmetic,
clipped to [0, 1] (Z_95 = scipy.stats.norm.isf(0.025)). Floats are written with repr(), so
Rust parses the same f64 bits.

Datasets: tiny (m = 2, n = 3); many ties (scores rounded to one decimal); all tied;
perfectly separated; m = 1; medium (m = 300, n = 700 from N(1, 1) and N(0, 1), seeded
numpy); Telco churn (the `Yes` column of `telco_binary_predictions.csv` as the score,
positives the rows whose `churn` in `examples/data/telco_churn.csv` is `Yes`, joined on
`rownames`). The Telco scores are not copied into the JSON: the Rust test reads the same
two files.
"""
import csv
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np

Z_95 = 1.959963984540054
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def sample_variance(values):
    """The ddof = 1 sample variance of Fractions; None for fewer than two values."""
    k = len(values)
    if k < 2:
        return None
    mean = sum(values) / k
    return sum((v - mean) ** 2 for v in values) / (k - 1)


def delong(scores, positive):
    x = [s for s, p in zip(scores, positive) if p]
    y = [s for s, p in zip(scores, positive) if not p]
    m, n = len(x), len(y)
    # Twice the row and column sums of psi, in integers.
    a = [0] * m
    b = [0] * n
    for i, xi in enumerate(x):
        row = 0
        for j, yj in enumerate(y):
            t = 2 if xi > yj else (1 if xi == yj else 0)
            row += t
            b[j] += t
        a[i] = row
    v10 = [Fraction(ai, 2 * n) for ai in a]
    v01 = [Fraction(bj, 2 * m) for bj in b]
    auc = sum(v10) / m
    assert auc == sum(v01) / n
    s10, s01 = sample_variance(v10), sample_variance(v01)
    variance = (s10 / m if s10 is not None else 0) + (s01 / n if s01 is not None else 0)
    half = Z_95 * math.sqrt(float(variance))
    out = {
        "positives": m,
        "negatives": n,
        "auc": float(auc),
        "auc_exact": str(auc),
        "s10": None if s10 is None else float(s10),
        "s01": None if s01 is None else float(s01),
        "variance": float(variance),
        "variance_exact": str(Fraction(variance)),
        "interval_95": [min(max(float(auc) - half, 0.0), 1.0),
                        min(max(float(auc) + half, 0.0), 1.0)],
    }
    if m * n <= 100:
        out["v10"] = [float(v) for v in v10]
        out["v01"] = [float(v) for v in v01]
    return out


def telco():
    with open(os.path.join(ROOT, "tests/oracles/telco_binary_predictions.csv")) as f:
        score = {r["rownames"]: float(r["Yes"]) for r in csv.DictReader(f)}
    with open(os.path.join(ROOT, "examples/data/telco_churn.csv")) as f:
        rows = list(csv.DictReader(f))
    return [score[r["rownames"]] for r in rows], [r["churn"] == "Yes" for r in rows]


rng = np.random.default_rng(20261211)
datasets = []


def add(name, scores, positive, inline=True):
    case = {"name": name}
    if inline:
        case["scores"] = [float(s) for s in scores]
        case["positive"] = [bool(p) for p in positive]
    case.update(delong(list(scores), list(positive)))
    datasets.append(case)
    print(f"{name}: m = {case['positives']}, n = {case['negatives']}, "
          f"AUC {case['auc']}, variance {case['variance']}", file=sys.stderr)


add("tiny", [0.9, 0.4, 0.4, 0.2, 0.6], [True, True, False, False, False])

labels = rng.random(60) < 0.4
raw = rng.normal(labels * 0.8, 1.0) / 4 + 0.5
add("many_ties", [round(s, 1) for s in raw], labels)

add("all_tied", [0.25] * 9, [True, False, False, True, False, False, True, False, True])

add("separated", [0.1, 0.15, 0.2, 0.3, 0.6, 0.7, 0.95],
    [False, False, False, False, True, True, True])

add("single_positive", [0.55, 0.1, 0.7, 0.55, 0.3, 0.9, 0.2],
    [True, False, False, False, False, False, False])

medium_positive = np.array([True] * 300 + [False] * 700)
rng.shuffle(medium_positive)
add("medium", rng.normal(medium_positive * 1.0, 1.0), medium_positive)

scores, positive = telco()
add("telco", scores, positive, inline=False)

print(json.dumps({
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__},
    "z": Z_95,
    "datasets": datasets,
}, indent=1))
