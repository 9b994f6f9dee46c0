"""Reference values for the `potential_mislabel` tag: cleanlab's confident learning.

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas cleanlab
    /tmp/venv/bin/python tests/oracles/mislabel.py > tests/oracles/mislabel.json

`cleanlab.filter.find_label_issues(labels, pred_probs, filter_by="confident_learning")` on
(1) the peers' Telco split (`telco_peer_split.csv`: out-of-sample probabilities of a logistic
regression, labels from examples/data/telco_churn.csv), and (2) a seeded three-class case with
Dirichlet probabilities and 10% of labels flipped. Row positions, in the order given.
"""
import json

import cleanlab
import numpy as np
import pandas as pd
from cleanlab.filter import find_label_issues

split = pd.read_csv("tests/oracles/telco_peer_split.csv")
telco = pd.read_csv("examples/data/telco_churn.csv").set_index("rownames")
labels = (telco.loc[split["rownames"], "churn"] == "Yes").astype(int).to_numpy()
p = split["p_yes"].to_numpy()
pred_probs = np.column_stack([1 - p, p])
telco_issues = find_label_issues(labels, pred_probs, filter_by="confident_learning")

rng = np.random.default_rng(20261207)
n = 600
truth = rng.integers(0, 3, n)
probs = rng.dirichlet([1, 1, 1], n)
probs[np.arange(n), truth] += 1.5
probs /= probs.sum(axis=1, keepdims=True)
given = truth.copy()
flip = rng.random(n) < 0.1
given[flip] = (given[flip] + rng.integers(1, 3, flip.sum())) % 3
three_issues = find_label_issues(given, probs, filter_by="confident_learning")

print(json.dumps({
    "cleanlab": cleanlab.__version__,
    "telco": {"issues": np.flatnonzero(telco_issues).tolist()},
    "three_classes": {
        "labels": given.tolist(),
        "probs": probs.tolist(),
        "issues": np.flatnonzero(three_issues).tolist(),
    },
}))
