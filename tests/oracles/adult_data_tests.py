"""Reference counts for the data unit tests on UCI Adult (issue 14): pandas on the two files.

Run by hand in a virtual environment outside the repository:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pandas
    /tmp/venv/bin/python tests/oracles/adult_data_tests.py > tests/oracles/adult_data_tests.json

Both files are read as the fairness example reads them: no header, `?` is missing, cells
trimmed, `adult.test`'s first line skipped and its labels' trailing dot dropped. A row's
features are the 13 columns the example's `Person` reads (every column but `fnlwgt` and the
label), compared exactly, a missing value equal to a missing value (pandas' `duplicated`).
"""
import json

import pandas as pd

COLUMNS = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
           "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss",
           "hours_per_week", "native_country", "income"]
FEATURES = [c for c in COLUMNS if c not in ("fnlwgt", "income")]


def read(path, skip):
    df = pd.read_csv(path, header=None, names=COLUMNS, skipinitialspace=True,
                     na_values="?", keep_default_na=False, skiprows=skip)
    df["income"] = df["income"].str.rstrip(".")
    return df


train = read("examples/data/adult.data", 0)
test = read("examples/data/adult.test", 1)


def keys(df):
    return df[FEATURES].astype(object).fillna("\x00missing").astype(str).agg("\x1f".join, axis=1)


train_keys = set(keys(train))
test_keys = keys(test)
groups = test.assign(key=test_keys).groupby("key")["income"].nunique()
conflicted = set(groups[groups > 1].index)

out = {
    "pandas": pd.__version__,
    "rows": {"data": len(train), "test": len(test)},
    "missing": {f: {"data": int(train[f].isna().sum()), "test": int(test[f].isna().sum())}
                for f in ["workclass", "occupation", "native_country"]},
    "duplicates": {"data": int(train[FEATURES].duplicated().sum()),
                   "test": int(test[FEATURES].duplicated().sum())},
    "test_rows_in_data": int(test_keys.isin(train_keys).sum()),
    "conflicting_test_rows": int(test_keys.isin(conflicted).sum()),
    "high_share": {"data": float((train["income"] == ">50K").mean()),
                   "test": float((test["income"] == ">50K").mean())},
}
print(json.dumps(out, indent=1))
