"""The peers' Telco model (the pipeline Giskard 2.19.2 and Deepchecks 0.19.1 were run on;
their findings are in tests/oracles/peers/telco_findings.md), its test-split predictions
exported for slice discovery.

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas scikit-learn
    /tmp/venv/bin/python tests/oracles/telco_peer_split.py > tests/oracles/telco_peer_split.csv

The same split and pipeline as the peers: rows with `total_charges` present,
`train_test_split(test_size=0.3, random_state=0, stratify=churn)`, one-hot categories (0/1
flags included) and standardised numbers into `LogisticRegression(max_iter=1000)`. Writes
`rownames,p_yes` for the 2,110 test rows (their `rownames` key the repository's copy of the
data, examples/data/telco_churn.csv). The peers used scikit-learn 1.5.2; this export records
its own versions in a comment line.
"""
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

DATA = "examples/data/telco_churn.csv"
LABEL = "churn"
NUM_COLS = ["tenure", "monthly_charges", "total_charges"]
CAT_COLS = [
    "female", "senior_citizen", "partner", "dependents", "phone_service",
    "multiple_lines", "internet_service", "online_security", "online_backup",
    "device_protection", "tech_support", "streaming_tv", "streaming_movies",
    "contract", "paperless_billing", "payment_method",
]

df = pd.read_csv(DATA)
features = [c for c in df.columns if c not in ("rownames", LABEL)]
df = df.dropna(subset=["total_charges"]).reset_index(drop=True)
train, test = train_test_split(df, test_size=0.3, random_state=0, stratify=df[LABEL])
model = Pipeline([
    ("pre", ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), CAT_COLS),
        ("num", StandardScaler(), NUM_COLS),
    ])),
    ("clf", LogisticRegression(max_iter=1000)),
])
model.fit(train[features], train[LABEL])
yes = list(model.classes_).index("Yes")
p = model.predict_proba(test[features])[:, yes]
print(f"# sklearn {sklearn.__version__}, numpy {np.__version__}, pandas {pd.__version__}; "
      f"{len(test)} test rows; accuracy "
      f"{(model.predict(test[features]) == test[LABEL]).mean():.4f}", file=sys.stderr)
out = pd.DataFrame({"rownames": test["rownames"].to_numpy(), "p_yes": p})
out.to_csv(sys.stdout, index=False, float_format="%.17g")
