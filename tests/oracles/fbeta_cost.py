"""Reference F-beta scores and expected costs of scikit-learn's Telco churn predictions.

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-learn pandas
    /tmp/venv/bin/python tests/oracles/fbeta_cost.py > tests/oracles/fbeta_cost.json

Reads the committed predictions (`telco_binary_predictions.csv`) and the labels of
`examples/data/telco_churn.csv`; the predicted class is the most probable one (ties to the
first class, "No"), as model-check predicts. Expected cost = sum(confusion * cost) / n.
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import confusion_matrix, fbeta_score

here = os.path.dirname(os.path.abspath(__file__))
data = pd.read_csv(os.path.join(here, "..", "..", "examples", "data", "telco_churn.csv"))
pred = pd.read_csv(os.path.join(here, "telco_binary_predictions.csv"))
frame = data.merge(pred, on="rownames")
frame["predicted"] = np.where(frame["Yes"] > frame["No"], "Yes", "No")

cost = np.array([[0.0, 50.0], [500.0, -20.0]])  # rows: true No, Yes; columns: predicted No, Yes
cohorts = {
    "all": frame,
    "senior_citizen = 1": frame[frame["senior_citizen"] == 1],
    "contract = Two year": frame[frame["contract"] == "Two year"],
}
out = {"versions": {"scikit-learn": sklearn.__version__}, "cost": cost.tolist(), "cohorts": {}}
for name, rows in cohorts.items():
    cm = confusion_matrix(rows["churn"], rows["predicted"], labels=["No", "Yes"])
    out["cohorts"][name] = {
        "n": int(len(rows)),
        "f_beta_2": float(fbeta_score(rows["churn"], rows["predicted"], beta=2, pos_label="Yes", zero_division=0)),
        "f_beta_0_5": float(fbeta_score(rows["churn"], rows["predicted"], beta=0.5, pos_label="Yes", zero_division=0)),
        "expected_cost": float((cm * cost).sum() / len(rows)),
    }
print(json.dumps(out, indent=1))
