"""Respondent bootstrap in memory-bounded chunks.

A bootstrap resample draws ``n`` respondents with replacement; all that a weighted
total needs from it is how many times each respondent was drawn. So each chunk of
resamples becomes a (resamples x respondents) matrix of draw counts (from
``np.bincount`` of the drawn indices), and every weighted total of every resample is
one matrix product ``counts @ columns``. Chunks hold about :data:`CHUNK_CELLS` counts,
which keeps 1,000 resamples of 100,000 respondents within a few hundred megabytes.

The products run on one BLAS thread: with several processes sharing the cores (gunicorn
workers, a busy server), multi-threaded OpenBLAS spins waiting for its threads and was
measured five to ten times slower here, while one thread does 1,000 x 100,000 in seconds.
"""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

#: counts held in memory at once (resamples per chunk x respondents)
CHUNK_CELLS = 8_000_000
#: resamples counted per ``np.bincount`` call: few enough that the bins stay in cache
COUNT_ROWS = 8


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
    counts = np.empty((chunk, n))
    totals = np.empty((n_resamples, m))
    with threadpool_limits(limits=1, user_api="blas"):
        for start in range(0, n_resamples, chunk):
            size = min(chunk, n_resamples - start)
            _count_draws(rng, n, counts[:size])
            totals[start:start + size] = counts[:size] @ columns
    return totals


def _count_draws(rng: np.random.Generator, n: int, counts: np.ndarray) -> None:
    """Fill each row of ``counts`` with the draw counts of a fresh resample of ``n``."""
    # 32-bit draws are several times faster to generate than 64-bit ones
    drawn = rng.integers(0, n, size=counts.shape, dtype=np.int32 if n < 2**31 else np.int64)
    for first in range(0, counts.shape[0], COUNT_ROWS):
        rows = min(COUNT_ROWS, counts.shape[0] - first)
        flat = drawn[first:first + rows].astype(np.intp)
        flat += (np.arange(rows, dtype=np.intp) * n)[:, None]
        counts[first:first + rows] = np.bincount(flat.ravel(), minlength=rows * n).reshape(rows, n)


def percentile_interval(replicates: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile bounds over resamples (axis 0), ignoring NaN."""
    tail = 100 * (1 - confidence) / 2
    with np.errstate(all="ignore"):
        if np.isnan(replicates).all(axis=0).any():
            low = np.full(replicates.shape[1:], np.nan)
            high = low.copy()
            ok = ~np.isnan(replicates).all(axis=0)
            if ok.any():  # every column empty (e.g. nobody is most affected): all NaN
                low[ok], high[ok] = np.nanpercentile(replicates[:, ok], [tail, 100 - tail], axis=0)
            return low, high
        low, high = np.nanpercentile(replicates, [tail, 100 - tail], axis=0)
    return low, high
