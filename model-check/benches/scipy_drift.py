"""The drift bench's work done with scipy and numpy, and the ratio, in one script run.

Times `scipy.stats.ks_2samp` (two-sided, method="auto": asymptotic at this size) and the PSI
over the reference's deciles in numpy (`numpy.quantile`, `searchsorted`, `bincount`) on a
million standard-normal values against a million shifted by 0.01 — the data of
`benches/drift.rs` in distribution, not value by value — then runs that bench and prints
the ratios of the medians of five runs.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy
    /tmp/venv/bin/python model-check/benches/scipy_drift.py
"""
import re
import subprocess
import time

import numpy as np
import scipy
from scipy.stats import ks_2samp

N, REPS = 1_000_000, 5
rng = np.random.default_rng(14)
reference = rng.standard_normal(N)
current = rng.standard_normal(N) + 0.01


def median_ms(f):
    times = []
    for _ in range(REPS):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return 1e3 * sorted(times)[REPS // 2]


def psi(reference, current, bins=10):
    edges = np.unique(np.quantile(reference, np.arange(1, bins) / bins))
    e = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1)
    a = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1)
    e, a = np.maximum(e / len(reference), 1e-6), np.maximum(a / len(current), 1e-6)
    return float(np.sum((a - e) * np.log(a / e)))


ks_ms = median_ms(lambda: ks_2samp(current, reference))
psi_ms = median_ms(lambda: psi(reference, current))
print(f"scipy {scipy.__version__}, numpy {np.__version__}: {N} values against {N}, median of {REPS}")
print(f"  scipy.stats.ks_2samp  {ks_ms:9.1f} ms")
print(f"  numpy PSI, 10 bins    {psi_ms:9.1f} ms")

bench = subprocess.run(["cargo", "bench", "-q", "-p", "model-check", "--bench", "drift"],
                       capture_output=True, text=True, check=True).stdout
print(bench, end="")
rust = {name: float(ms) for name, ms in re.findall(r"^\s+(\S+).*?([\d.]+) ms", bench, re.M)}
print(f"ratio: ks_2samp / ks_test = {ks_ms / rust['ks_test']:.2f}, "
      f"numpy PSI / psi = {psi_ms / rust['psi,']:.2f}")
