"""Reference-value oracle for tests/metrics_parity.rs.

Run by hand from the repository root:

    /work/venv/bin/python tests/oracles/generate.py

(the venv lives outside the repo and was created with
``python3 -m venv /work/venv && /work/venv/bin/pip install scikit-learn
statsmodels numpy scipy pandas``).

It reads examples/data/telco_churn.csv, fits three real scikit-learn models
and writes, next to this file:

* telco_binary_predictions.csv      rownames,No,Yes
      LogisticRegression(max_iter=2000) predicting ``churn``.
* telco_multiclass_predictions.csv  rownames,Month-to-month,One year,Two year
      multinomial LogisticRegression(max_iter=2000) predicting ``contract``
      (churn and contract excluded from the features).
* telco_regression_predictions.csv  rownames,prediction
      LinearRegression predicting ``monthly_charges`` from the one-hot
      encoded service columns.
* reference.json                    metric reference values (see below).

All models train on the rows with ``rownames % 5 != 0``; the held-out split is
``rownames % 5 == 0`` (cohort "test").  Predictions are written for ALL 7043
rows, in file order, and every metric cohort is evaluated over all rows it
selects.  Probabilities are written exactly as ``predict_proba`` returned them
(no rounding, no renormalisation), using ``repr(float)`` -- the shortest
round-trip representation -- so a correct f64 parser recovers the identical
bits.  Columns are in the model's ``classes_`` order (sorted).

Package versions used to generate the committed files:

    Python        3.11.7
    numpy         2.4.6
    scipy         1.17.1
    pandas        3.1.1
    scikit-learn  1.9.1
    statsmodels   0.15.0

(the script prints a warning when run with different versions; the exact
versions used are also recorded in reference.json under "versions").

Everything in reference.json comes from sklearn / statsmodels / numpy calls;
the only hand-written arithmetic is what the brief prescribes: fpr / fnr from
``multilabel_confusion_matrix`` counts, ``brier_multiclass`` and ``ece`` in
numpy.  Undefined values (zero denominators, AUC on a one-class cohort) are
``null``.

Notes on the library semantics the Rust side must reproduce:

* log_loss (sklearn 1.9.1, sklearn/metrics/_classification.py ``_log_loss``):
  ``eps = np.finfo(y_proba.dtype).eps`` -- for float64 that is
  2**-52 = 2.220446049250313e-16 -- and the probabilities are clipped
  element-wise with ``np.clip(y_proba, eps, 1 - eps)``.  Rows are NOT
  renormalised after clipping (older sklearn versions, <1.5 or so, did
  renormalise and used eps=1e-15); a row that does not sum to 1 within
  ``rtol=sqrt(eps)`` only triggers a UserWarning.  The loss is then
  ``mean_i( -sum_k y_ik * log(clip(p_ik)) )`` via xlogy.
* brier_score_loss (binary, 1-d y_proba): sklearn 1.9 builds the two-column
  form, sums squared errors over both columns and multiplies by 0.5
  (``scale_by_half="auto"``), which equals the classic mean((p - y)^2).
  ``brier_multiclass`` is the unscaled sum over classes (numpy), which equals
  sklearn's ``brier_score_loss(y, P, labels=classes)`` for 3 classes.
* statsmodels proportion_confint(method="wilson") uses
  ``crit = norm.isf(alpha / 2)`` and clips both bounds to [0, 1] with
  np.clip.
* predicted label = np.argmax over the probability columns in class order
  (first class wins ties).
"""

import csv
import json
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    multilabel_confusion_matrix,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
    root_mean_squared_error,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from statsmodels.stats.proportion import proportion_confint

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(REPO, "examples", "data", "telco_churn.csv")

EXPECTED_VERSIONS = {
    "python": "3.11.7",
    "numpy": "2.4.6",
    "scipy": "1.17.1",
    "pandas": "3.1.1",
    "sklearn": "1.9.1",
    "statsmodels": "0.15.0",
}

NUMERIC = ["tenure", "monthly_charges", "total_charges"]
BINARY01 = ["female", "senior_citizen", "partner", "dependents",
            "phone_service", "paperless_billing"]
CATEGORICAL = ["multiple_lines", "internet_service", "online_security",
               "online_backup", "device_protection", "tech_support",
               "streaming_tv", "streaming_movies", "contract",
               "payment_method"]
SERVICES = ["phone_service", "multiple_lines", "internet_service",
            "online_security", "online_backup", "device_protection",
            "tech_support", "streaming_tv", "streaming_movies"]

WILSON_CASES = [(0, 10), (10, 10), (1, 20), (57, 1000), (3, 7), (1, 1),
                (500, 1000), (1869, 7043)]


def versions():
    return {
        "sklearn": sklearn.__version__,
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def f(x):
    """Python float, or None for NaN / None (json null)."""
    if x is None:
        return None
    x = float(x)
    return None if np.isnan(x) else x


STAT_NS = [20, 30, 50, 100, 200, 500, 1000, 2000]
FALSE_FAILURE_THRESHOLDS = [0.5, 0.7, 0.785, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99]

NEWCOMBE_CASES = [(56, 70, 48, 80), (0, 10, 3, 10), (5, 20, 15, 40), (120, 400, 90, 410),
                  (1, 1, 0, 5), (30, 1000, 45, 1000), (7, 7, 7, 7)]


def wilson(count, nobs):
    if nobs == 0:
        return None
    lo, hi = proportion_confint(int(count), int(nobs), alpha=0.05,
                                method="wilson")
    return [float(lo), float(hi)]


def classifier_pipeline(numeric, binary01, categorical):
    pre = ColumnTransformer(
        [
            ("num", Pipeline([("impute", SimpleImputer(strategy="median")),
                              ("scale", StandardScaler())]), numeric),
            ("bin", "passthrough", binary01),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )
    return Pipeline([("pre", pre),
                     ("model", LogisticRegression(max_iter=2000))])


def write_csv(path, header, rownames, matrix):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for rid, row in zip(rownames, matrix):
            w.writerow([str(int(rid))] + [repr(float(v)) for v in row])


def read_back(path, ncols):
    """Re-read a written CSV with Python's float() (parity check)."""
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return np.array([[float(v) for v in r[1:1 + ncols]] for r in rows],
                    dtype=np.float64)


# --------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------

def classification_metrics(y, P, classes, binary):
    y = np.asarray(y, dtype=object)
    classes_arr = np.asarray(classes, dtype=object)
    pred = classes_arr[np.argmax(P, axis=1)]
    n = int(len(y))
    correct = pred == y
    out = {"n": n}
    out["accuracy"] = f(accuracy_score(y, pred))
    out["accuracy_wilson"] = wilson(int(correct.sum()), n)
    out["confusion"] = confusion_matrix(y, pred, labels=classes).tolist()

    p, r, f1, s = precision_recall_fscore_support(
        y, pred, labels=classes, average=None, zero_division=0)
    out["precision"] = [f(v) for v in p]
    out["recall"] = [f(v) for v in r]
    out["f1"] = [f(v) for v in f1]
    out["support"] = [int(v) for v in s]
    for avg in ("macro", "micro", "weighted"):
        p, r, f1, _ = precision_recall_fscore_support(
            y, pred, labels=classes, average=avg, zero_division=0)
        out[f"precision_{avg}"] = f(p)
        out[f"recall_{avg}"] = f(r)
        out[f"f1_{avg}"] = f(f1)

    mcm = multilabel_confusion_matrix(y, pred, labels=classes)
    fpr, fnr, rw, fw = [], [], [], []
    for k in range(len(classes)):
        (tn, fp), (fn, tp) = mcm[k].tolist()
        fpr.append(fp / (fp + tn) if fp + tn > 0 else None)
        fnr.append(fn / (fn + tp) if fn + tp > 0 else None)
        rw.append(wilson(tp, tp + fn))
        fw.append(wilson(fp, fp + tn))
    out["fpr"] = fpr
    out["fnr"] = fnr
    out["recall_wilson"] = rw
    out["fpr_wilson"] = fw

    aucs = []
    for k, c in enumerate(classes):
        yk = y == c
        if yk.all() or not yk.any():
            aucs.append(None)
        else:
            aucs.append(f(roc_auc_score(yk, P[:, k])))
    out["roc_auc"] = aucs

    out["log_loss"] = f(log_loss(y, P, labels=classes))

    onehot = (y[:, None] == classes_arr[None, :]).astype(np.float64)
    if binary:
        pos = classes.index("Yes")
        out["brier"] = f(brier_score_loss(y == "Yes", P[:, pos]))
        # cross-check against the textbook definition
        assert abs(out["brier"] - np.mean((P[:, pos] - onehot[:, pos]) ** 2)) < 1e-15
    else:
        bm = np.mean(np.sum((P - onehot) ** 2, axis=1))
        out["brier_multiclass"] = f(bm)
        assert abs(bm - brier_score_loss(y, P, labels=classes)) < 1e-14

    conf = P.max(axis=1)
    bins = np.minimum(np.floor(conf * 10).astype(int), 9)
    ece = 0.0
    for b in range(10):
        m = bins == b
        nb = int(m.sum())
        if nb == 0:
            continue
        ece += (nb / n) * abs(np.mean(correct[m]) - np.mean(conf[m]))
    out["ece"] = f(ece)
    return out


def regression_metrics(y, yhat):
    return {
        "n": int(len(y)),
        "mae": f(mean_absolute_error(y, yhat)),
        "rmse": f(root_mean_squared_error(y, yhat)),
        "r2": f(r2_score(y, yhat)),
        "mse": f(mean_squared_error(y, yhat)),
    }


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main():
    v = versions()
    for k, want in EXPECTED_VERSIONS.items():
        if v[k] != want:
            print(f"WARNING: {k} {v[k]} differs from the documented {want}; "
                  "reference values may change", file=sys.stderr)

    df = pd.read_csv(DATA)
    assert len(df) == 7043 and df["rownames"].is_unique
    for c in CATEGORICAL + ["churn"]:
        df[c] = df[c].astype(object)
    rid = df["rownames"].to_numpy()
    train = rid % 5 != 0
    test = ~train

    cohorts = {
        "all": np.ones(len(df), dtype=bool),
        "test": test,
        "senior_citizen=1": (df["senior_citizen"] == 1).to_numpy(),
        "tenure<12": (df["tenure"] < 12).to_numpy(),
        "payment_method=Electronic check":
            (df["payment_method"] == "Electronic check").to_numpy(),
        "contract=Month-to-month":
            (df["contract"] == "Month-to-month").to_numpy(),
    }
    multiclass_cohorts = [k for k in cohorts if k != "contract=Month-to-month"]

    # ---- binary: churn ---------------------------------------------------
    bin_model = classifier_pipeline(NUMERIC, BINARY01, CATEGORICAL)
    Xb = df[NUMERIC + BINARY01 + CATEGORICAL]
    yb = df["churn"].to_numpy(dtype=object)
    bin_model.fit(Xb[train], yb[train])
    bin_classes = [str(c) for c in bin_model.classes_]
    assert bin_classes == ["No", "Yes"], bin_classes
    Pb = bin_model.predict_proba(Xb)
    path_b = os.path.join(HERE, "telco_binary_predictions.csv")
    write_csv(path_b, ["rownames"] + bin_classes, rid, Pb)
    assert np.array_equal(read_back(path_b, 2), Pb)

    # ---- multiclass: contract -------------------------------------------
    mc_cat = [c for c in CATEGORICAL if c != "contract"]
    mc_model = classifier_pipeline(NUMERIC, BINARY01, mc_cat)
    Xm = df[NUMERIC + BINARY01 + mc_cat]
    ym = df["contract"].to_numpy(dtype=object)
    mc_model.fit(Xm[train], ym[train])
    mc_classes = [str(c) for c in mc_model.classes_]
    assert mc_classes == ["Month-to-month", "One year", "Two year"], mc_classes
    Pm = mc_model.predict_proba(Xm)
    path_m = os.path.join(HERE, "telco_multiclass_predictions.csv")
    write_csv(path_m, ["rownames"] + mc_classes, rid, Pm)
    assert np.array_equal(read_back(path_m, 3), Pm)

    # ---- regression: monthly_charges --------------------------------------
    # drop="first" removes the per-column redundancy; the design is still
    # rank deficient ("No internet service" repeats across columns and
    # multiple_lines="No phone service" == phone_service 0), so
    # LinearRegression (scipy lstsq) returns a minimum-norm coefficient
    # vector -- fitted values are unique regardless.
    reg_model = Pipeline([
        ("pre", ColumnTransformer([("cat", OneHotEncoder(drop="first"),
                                    SERVICES)])),
        ("model", LinearRegression()),
    ])
    Xr = df[SERVICES]
    yr = df["monthly_charges"].to_numpy(dtype=np.float64)
    reg_model.fit(Xr[train], yr[train])
    yhat = reg_model.predict(Xr)
    path_r = os.path.join(HERE, "telco_regression_predictions.csv")
    write_csv(path_r, ["rownames", "prediction"], rid, yhat[:, None])
    assert np.array_equal(read_back(path_r, 1)[:, 0], yhat)

    # ---- reference.json ------------------------------------------------------
    ref = {"generator": "tests/oracles/generate.py", "versions": v}
    ref["wilson"] = []
    for c, n in WILSON_CASES:
        lo, hi = wilson(c, n)
        ref["wilson"].append({"count": c, "nobs": n, "lo": lo, "hi": hi})

    # Newcombe's hybrid score interval for a difference of two proportions (cohort gaps).
    from statsmodels.stats.proportion import confint_proportions_2indep
    ref["newcombe"] = []
    for c1, n1, c2, n2 in NEWCOMBE_CASES:
        lo, hi = confint_proportions_2indep(c1, n1, c2, n2, method="newcomb", compare="diff")
        ref["newcombe"].append({"count1": c1, "nobs1": n1, "count2": c2, "nobs2": n2,
                                "lo": float(lo), "hi": float(hi)})

    # Exact operating characteristics of the Wilson interval and of the interval rule
    # (tests/statistics.rs): binomial sums with scipy over statsmodels' intervals.
    from scipy.stats import binom
    ref["statistics"] = {"coverage": [], "false_failure": []}
    grid = [round(0.01 + 0.005 * i, 3) for i in range(197)]  # 0.010 .. 0.990
    for n in STAT_NS:
        x = np.arange(n + 1)
        lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
        cov = [float(binom.pmf(x, n, p)[(lo <= p) & (p <= hi)].sum()) for p in grid]
        ref["statistics"]["coverage"].append(
            {"n": n, "p_grid": [grid[0], grid[-1], 0.005],
             "mean": float(np.mean(cov)), "min": float(np.min(cov))})
        for t in FALSE_FAILURE_THRESHOLDS:
            ff = float(binom.pmf(x, n, t)[hi < t].sum())
            ref["statistics"]["false_failure"].append({"n": n, "threshold": t, "rate": ff})

    ref["binary"] = {
        "predictions": "telco_binary_predictions.csv",
        "label": "churn",
        "classes": bin_classes,
        "positive": "Yes",
        "cohorts": {name: classification_metrics(yb[m], Pb[m], bin_classes, True)
                    for name, m in cohorts.items()},
        "roc_auc_rounded_probabilities": f(roc_auc_score(
            yb == "Yes", np.round(Pb[:, bin_classes.index("Yes")], 1))),
    }
    ref["multiclass"] = {
        "predictions": "telco_multiclass_predictions.csv",
        "label": "contract",
        "classes": mc_classes,
        "cohorts": {name: classification_metrics(ym[cohorts[name]],
                                                 Pm[cohorts[name]],
                                                 mc_classes, False)
                    for name in multiclass_cohorts},
    }
    ref["regression"] = {
        "predictions": "telco_regression_predictions.csv",
        "target": "monthly_charges",
        "cohorts": {name: regression_metrics(yr[m], yhat[m])
                    for name, m in cohorts.items()},
    }

    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        json.dump(ref, fh, indent=1, allow_nan=False)
        fh.write("\n")

    # ---- summary -----------------------------------------------------------
    for name in ("all", "test"):
        c = ref["binary"]["cohorts"][name]
        print(f"binary {name:5s} n={c['n']} acc={c['accuracy']:.4f} "
              f"auc={c['roc_auc'][1]:.4f} logloss={c['log_loss']:.4f}")
        c = ref["multiclass"]["cohorts"][name]
        print(f"multi  {name:5s} n={c['n']} acc={c['accuracy']:.4f} "
              f"auc={[round(a, 4) for a in c['roc_auc']]}")
        c = ref["regression"]["cohorts"][name]
        print(f"regr   {name:5s} n={c['n']} r2={c['r2']:.6f} "
              f"rmse={c['rmse']:.4f}")
    print("max |row sum - 1|: binary", float(np.abs(Pb.sum(1) - 1).max()),
          "multiclass", float(np.abs(Pm.sum(1) - 1).max()))


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)
        main()
