"""Reference values for model-check's permutation importance and partial dependence (issue 13).

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas scikit-learn
    /tmp/venv/bin/python tests/oracles/explain.py > tests/oracles/explain.json

A scikit-learn LogisticRegression on Telco's eight numeric and 0/1 columns (predicting churn,
trained on every row), its coefficients exported so that Rust computes the same
probabilities. On the first 300 rows:

- `permutation_importance(lr, X, y, scoring=..., n_repeats=5, random_state=0)` for accuracy and
  neg_log_loss: importances, importances_mean and importances_std. scikit-learn draws one
  sequence of shuffles for every feature and applies each to the already-permuted column,
  so repeat r gives row i the value of row sigma_r[i] with sigma_r = sigma_{r-1}[shuffle_r];
  the script replays that sequence, checks that numpy gives scikit-learn's numbers with it,
  and exports sigma_1..sigma_5.
- `partial_dependence(lr, X, [feature], method="brute", response_method="predict_proba",
  kind="both")` for tenure, monthly_charges and partner: scikit-learn's grid (percentiles
  0.05-0.95, 100 points, or the unique values when fewer), the average and the individual
  curves (probability of churn = Yes).
"""
import json

import numpy as np
import pandas as pd
import sklearn
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state

FEATURES = ["female", "senior_citizen", "partner", "dependents", "tenure", "phone_service",
            "paperless_billing", "monthly_charges"]
telco = pd.read_csv("examples/data/telco_churn.csv")
X_all = telco[FEATURES].to_numpy(dtype=float)
y_all = (telco["churn"] == "Yes").astype(int).to_numpy()
lr = LogisticRegression(max_iter=5000).fit(X_all, y_all)

X, y = X_all[:300], y_all[:300]
N_REPEATS = 5

# scikit-learn's shuffles, replayed.
seed = check_random_state(0).randint(np.iinfo(np.int32).max + 1)
rs = check_random_state(seed)
idx = np.arange(len(X))
sigma, current = [], np.arange(len(X))
for _ in range(N_REPEATS):
    rs.shuffle(idx)
    current = current[idx]
    sigma.append(current.copy())


def proba(X):
    return lr.predict_proba(X)[:, 1]


importance = {}
for scoring in ["accuracy", "neg_log_loss"]:
    result = permutation_importance(lr, X, y, scoring=scoring, n_repeats=N_REPEATS,
                                    random_state=0)
    # The same numbers from the replayed permutations.
    def score(X):
        p = proba(X)
        if scoring == "accuracy":
            return np.mean((p > 0.5).astype(int) == y)
        q = np.clip(np.where(y == 1, p, 1 - p), np.finfo(float).eps, 1 - np.finfo(float).eps)
        return np.mean(np.log(q))  # neg_log_loss
    base = score(X)
    replayed = np.zeros((len(FEATURES), N_REPEATS))
    for j in range(len(FEATURES)):
        for r in range(N_REPEATS):
            Xp = X.copy()
            Xp[:, j] = X[sigma[r], j]
            replayed[j, r] = base - score(Xp)
    assert np.allclose(replayed, result.importances, rtol=0, atol=1e-12), (replayed, result.importances)
    importance[scoring] = {"importances": result.importances.tolist(),
                           "mean": result.importances_mean.tolist(),
                           "std": result.importances_std.tolist()}

pdp = {}
for name in ["tenure", "monthly_charges", "partner"]:
    j = FEATURES.index(name)
    result = partial_dependence(lr, X, [j], method="brute", response_method="predict_proba",
                                kind="both")
    pdp[name] = {"grid": result["grid_values"][0].tolist(),
                 "average": result["average"][0].tolist(),
                 "individual": result["individual"][0][:10].tolist()}

print(json.dumps({
    "numpy": np.__version__, "sklearn": sklearn.__version__, "features": FEATURES,
    "coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]),
    "rows": X.tolist(), "churn": y.tolist(),
    "permutations": [s.tolist() for s in sigma],
    "importance": importance, "pdp": pdp,
}))
