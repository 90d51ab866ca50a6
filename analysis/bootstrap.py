"""Respondent bootstrap in memory-bounded chunks.

A bootstrap resample draws ``n`` respondents with replacement; all that a weighted
total needs from it is how many times each respondent was drawn. So each chunk of
resamples becomes a (resamples x respondents) matrix of draw counts (from
``np.bincount`` of the drawn indices), and every weighted total of every resample is
one matrix product ``counts @ columns``. Chunks hold about :data:`CHUNK_CELLS` counts,
which keeps 1,000 resamples of 100,000 respondents within a few hundred megabytes.
"""
from __future__ import annotations

import numpy as np

#: counts held in memory at once (resamples per chunk x respondents)
CHUNK_CELLS = 8_000_000


def bootstrap_totals(columns: np.ndarray, n_resamples: int, seed: int | None) -> np.ndarray:
    """Column totals of ``columns`` over respondent bootstrap resamples.

    Parameters
    ----------
    columns : numpy.ndarray
        (n, m) per-respondent contributions (e.g. weight x rating).
    n_resamples : int
        Number of resamples.
    seed : int or None
        Seed of the ``numpy.random.Generator``; the same seed and data give the same
        totals.

    Returns
    -------
    numpy.ndarray
        (n_resamples, m) totals, one row per resample.
    """
    n, m = columns.shape
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_resamples, CHUNK_CELLS // max(n, 1)))
    totals = np.empty((n_resamples, m))
    dtype = np.int32 if chunk * n < 2**31 else np.int64
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        drawn = rng.integers(0, n, size=(size, n), dtype=dtype)
        drawn += (np.arange(size, dtype=dtype) * n)[:, None]
        counts = np.bincount(drawn.ravel(), minlength=size * n).reshape(size, n)
        totals[start:start + size] = counts.astype(float) @ columns
    return totals


def percentile_interval(replicates: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile bounds over resamples (axis 0), ignoring NaN."""
    tail = 100 * (1 - confidence) / 2
    with np.errstate(all="ignore"):
        if np.isnan(replicates).all(axis=0).any():
            low = np.full(replicates.shape[1:], np.nan)
            high = low.copy()
            ok = ~np.isnan(replicates).all(axis=0)
            low[ok], high[ok] = np.nanpercentile(replicates[:, ok], [tail, 100 - tail], axis=0)
            return low, high
        low, high = np.nanpercentile(replicates, [tail, 100 - tail], axis=0)
    return low, high
