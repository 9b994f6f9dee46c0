"""Exports scikit-learn's bundled 8x8 handwritten digits to `digits.csv`.

    /tmp/venv/bin/python adapter-tests/examples/data/export_digits.py

`sklearn.datasets.load_digits()` reads the copy of the UCI "Optical Recognition of
Handwritten Digits" test set (optdigits.tes, 1,797 images from 13 writers) that
scikit-learn ships in `sklearn/datasets/data/digits.csv.gz`; no network is used.

The output has a header `label,p0,...,p63`, then one image per line in scikit-learn's
order: the digit (0-9), then its 64 pixels row by row (p0 is the top-left pixel, p7 the
top-right), each an integer count of "on" pixels in a 4x4 block, 0..16. Written with
"\n" line endings and no trailing spaces, so the file's sha256 is reproducible.
"""

import hashlib
import pathlib

import numpy as np
import sklearn
from sklearn.datasets import load_digits

OUT = pathlib.Path(__file__).with_name("digits.csv")


def main() -> None:
    digits = load_digits()
    pixels = digits.data.astype(np.int64)
    labels = digits.target.astype(np.int64)
    assert pixels.shape == (1797, 64), pixels.shape
    assert pixels.min() == 0 and pixels.max() == 16
    assert np.array_equal(digits.data, pixels), "pixels are whole numbers"
    lines = ["label," + ",".join(f"p{i}" for i in range(64))]
    for y, row in zip(labels, pixels):
        lines.append(",".join([str(y)] + [str(v) for v in row]))
    OUT.write_bytes(("\n".join(lines) + "\n").encode("ascii"))

    source = pathlib.Path(sklearn.__file__).parent / "datasets" / "data" / "digits.csv.gz"
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print(f"source  {source.name}  sha256 {sha(source)}")
    print(f"wrote   {OUT.name}  {len(labels)} images  sha256 {sha(OUT)}")
    print("class counts", np.bincount(labels).tolist())


if __name__ == "__main__":
    main()
