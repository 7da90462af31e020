"""Generalization distance in embedding space: nearest-neighbour distance and convex-hull membership.

For a learner that implements ``encode(sources) -> np.ndarray`` (the
:class:`~sandbox.protocol.EmbeddingLearner` protocol):

- **normalized distance** of a point: its Euclidean distance to the nearest
  training vector divided by the *typical* nearest-neighbour distance within
  training (the median, over training vectors, of the distance to the nearest
  *other* training vector);
- **accuracy by distance decile**: test points binned by the deciles of their
  normalized distance;
- **convex-hull membership**, the definition of Balestriero, Pesenti & LeCun
  (2021), "Learning in high dimension always amounts to extrapolation": ``x``
  lies in the hull of the rows of ``X`` iff some ``lambda >= 0`` with
  ``sum(lambda) = 1`` has ``X.T @ lambda = x``. Every test and held-out point
  is tested against every training vector, in the full space and after
  projecting onto the top-``k`` principal components of the training vectors
  (``k = 2, 4, 8, ...``), each answer with a certificate
  (:mod:`sandbox.compare.hull`); nothing is sampled.

>>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
>>> lp_in_hull(np.array([0.2, 0.2]), X), lp_in_hull(np.array([1.0, 1.0]), X)
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import linprog

from sandbox.compare.hull import INSIDE_TOL, OUTSIDE_MARGIN, HullCertificates, hull_dimensions
from sandbox.compare.hull_search import hull_membership

__all__ = ["decile_accuracy", "embedding_analysis", "hull_dimensions", "lp_in_hull", "nearest_distances"]


def lp_in_hull(point: np.ndarray, X: np.ndarray) -> bool:
    """The definition: is ``{lambda >= 0, sum(lambda) = 1, X.T @ lambda = point}`` feasible (HiGHS)?"""
    n = X.shape[0]
    a_eq = np.vstack([X.T, np.ones((1, n))])
    b_eq = np.concatenate([point, [1.0]])
    result = linprog(np.zeros(n), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    return bool(result.status == 0)


def nearest_distances(points: np.ndarray, X: np.ndarray, *, exclude_self: bool = False) -> np.ndarray:
    """Distance of each row of ``points`` to its nearest row of ``X`` (chunked to bound memory).

    With ``exclude_self`` (``points`` is ``X``), a row's distance to itself is ignored.

    >>> nearest_distances(np.array([[0.0, 3.0]]), np.array([[0.0, 0.0], [4.0, 3.0]]))
    array([3.])
    """
    x_sq = (X * X).sum(axis=1)
    out = np.empty(len(points))
    chunk = max(1, 4_000_000 // max(1, len(X)))
    for start in range(0, len(points), chunk):
        block = points[start : start + chunk]
        d2 = (block * block).sum(axis=1)[:, None] + x_sq[None, :] - 2.0 * block @ X.T
        if exclude_self:
            rows = np.arange(len(block))
            d2[rows, start + rows] = np.inf
        out[start : start + len(block)] = np.sqrt(np.maximum(d2.min(axis=1), 0.0))
    return out


def decile_accuracy(distances: np.ndarray, correct: np.ndarray) -> list[dict[str, Any]]:
    """Test points binned by the deciles of their normalized distance, with the accuracy in each bin.

    Ties can leave a bin empty; empty bins are dropped.

    >>> rows = decile_accuracy(np.arange(10.0), np.array([1] * 5 + [0] * 5))
    >>> [r["correct"] for r in rows]
    [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    """
    if len(distances) == 0:
        return []
    edges = np.quantile(distances, np.linspace(0.0, 1.0, 11))
    bins = np.clip(np.searchsorted(edges, distances, side="right") - 1, 0, 9)
    rows = []
    for b in range(10):
        mask = bins == b
        if mask.any():
            rows.append({
                "decile": b + 1,
                "low": round(float(edges[b]), 6),
                "high": round(float(edges[b + 1]), 6),
                "n": int(mask.sum()),
                "correct": int(correct[mask].sum()),
            })
    return rows


def embedding_analysis(
    train_vectors: np.ndarray,
    test_vectors: np.ndarray,
    test_correct: Sequence[bool],
    heldout_vectors: np.ndarray | None = None,
    *,
    gilbert_steps: int = 48,
    lp_rounds: int = 40,
) -> tuple[dict[str, Any], HullCertificates]:
    """Distances, decile accuracy and hull membership of every test (and held-out) vector against all training.

    Returns the JSON-ready summary and the certificates behind its hull counts
    (:meth:`~sandbox.compare.hull.HullCertificates.to_npz` stores them).
    ``test.distances`` keeps every test item's normalized distance, in test
    order, for plots against other learners on the same items.
    """
    X = np.asarray(train_vectors, dtype=float)
    T = np.asarray(test_vectors, dtype=float)
    correct = np.asarray(test_correct, dtype=bool)
    typical = float(np.median(nearest_distances(X, X, exclude_self=True))) if len(X) > 1 else 0.0
    scale = typical if typical > 0 else 1.0
    test_dist = nearest_distances(T, X) / scale
    result: dict[str, Any] = {
        "dim": int(X.shape[1]),
        "n_train_used": len(X),
        "typical_nn_distance": round(typical, 6),
        "test": {
            "n": len(T),
            "median_distance": round(float(np.median(test_dist)), 6) if len(T) else 0.0,
            "mean_distance": round(float(np.mean(test_dist)), 6) if len(T) else 0.0,
            "deciles": decile_accuracy(test_dist, correct),
        },
    }
    points = {"test": T}
    if heldout_vectors is not None and len(heldout_vectors):
        V = np.asarray(heldout_vectors, dtype=float)
        held_dist = nearest_distances(V, X) / scale
        result["heldout"] = {
            "n": len(V),
            "median_distance": round(float(np.median(held_dist)), 6),
            "mean_distance": round(float(np.mean(held_dist)), 6),
        }
        points["heldout"] = V
    certs = hull_membership(X, points, gilbert_steps=gilbert_steps, lp_rounds=lp_rounds)
    result["hull"] = {"n_train_used": len(X), "inside_tol": INSIDE_TOL, "outside_margin": OUTSIDE_MARGIN,
                      **{split: certs.counts(split) for split in points}}
    return result, certs
