"""Generalization distance in embedding space: nearest-neighbour distance and convex-hull membership.

For a learner that implements ``encode(sources) -> np.ndarray`` (the
:class:`~sandbox.protocol.EmbeddingLearner` protocol):

- **normalized distance** of a point: its Euclidean distance to the nearest
  training vector divided by the *typical* nearest-neighbour distance within
  training (the median, over training vectors, of the distance to the nearest
  *other* training vector);
- **accuracy by distance decile**: test points binned by the deciles of their
  normalized distance;
- **convex-hull membership** by linear-programming feasibility, the definition
  of Balestriero, Pesenti & LeCun (2021), "Learning in high dimension always
  amounts to extrapolation": ``x`` lies in the hull of the rows of ``X`` iff
  some ``lambda >= 0`` with ``sum(lambda) = 1`` has ``X.T @ lambda = x``. It is
  tested in the full space and after projecting onto the top-``k`` principal
  components of the training vectors, for ``k = 2, 4, 8, ...`` below the
  dimension.

>>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
>>> in_hull(np.array([0.2, 0.2]), X), in_hull(np.array([1.0, 1.0]), X)
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import linprog


def in_hull(point: np.ndarray, X: np.ndarray, tol: float = 1e-9) -> bool:
    """Whether ``point`` is a convex combination of the rows of ``X``.

    The answer is the LP's (:func:`lp_in_hull`); cheaper tests settle a point
    first only where they carry a certificate: a coordinate outside the
    bounding box, or a separating hyperplane found by Gilbert's nearest-point
    iteration, proves the point outside; a feasible LP over its nearest
    training rows proves it inside. In high dimension most points are outside
    and the iteration finds the hyperplane in a few steps, where the full LP
    takes about a second.
    """
    if np.any(point < X.min(axis=0) - tol) or np.any(point > X.max(axis=0) + tol):
        return False
    d2 = ((X - point) ** 2).sum(axis=1)
    if separating_direction(point, X, start=X[int(np.argmin(d2))]) is not None:
        return False
    subset = min(len(X), 4 * (X.shape[1] + 1))
    if subset < len(X) and lp_in_hull(point, X[np.argsort(d2, kind="stable")[:subset]]):
        return True
    return lp_in_hull(point, X)


def lp_in_hull(point: np.ndarray, X: np.ndarray) -> bool:
    """The definition: is ``{lambda >= 0, sum(lambda) = 1, X.T @ lambda = point}`` feasible (HiGHS)?"""
    n = X.shape[0]
    a_eq = np.vstack([X.T, np.ones((1, n))])
    b_eq = np.concatenate([point, [1.0]])
    result = linprog(np.zeros(n), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    return bool(result.status == 0)


def separating_direction(point: np.ndarray, X: np.ndarray, start: np.ndarray,
                         iterations: int = 100) -> np.ndarray | None:
    """A direction ``w`` with ``w @ point > max(X @ w)`` (so ``point`` is outside the hull), or ``None``.

    Gilbert's algorithm: keep a point ``q`` of the hull, step towards the
    training row that lies farthest along ``point - q``, and stop as soon as no
    row reaches past ``point`` along that direction. ``None`` means none was
    found within ``iterations`` steps, not that the point is inside.

    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> separating_direction(np.array([1.0, 1.0]), X, X[1]) is not None
    True
    >>> separating_direction(np.array([0.2, 0.2]), X, X[0]) is None
    True
    """
    q = np.array(start, dtype=float)
    for _ in range(iterations):
        w = point - q
        reach = X @ w
        best = int(np.argmax(reach))
        if w @ point > reach[best] + 1e-12 * max(1.0, abs(reach[best])):
            return w
        step = X[best] - q
        length = step @ step
        if length <= 0.0:
            return None
        q = q + min(1.0, max(0.0, (w @ step) / length)) * step
    return None


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


def pca_basis(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The training mean and the principal axes (rows, by decreasing variance) of ``X``."""
    mean = X.mean(axis=0)
    _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
    return mean, vt


def hull_dimensions(dim: int) -> list[int]:
    """``2, 4, 8, ...`` below ``dim``, then ``dim`` itself (the full space).

    >>> hull_dimensions(20)
    [2, 4, 8, 16, 20]
    """
    ks = []
    k = 2
    while k < dim:
        ks.append(k)
        k *= 2
    return [*ks, dim]


def hull_shares(points: np.ndarray, X: np.ndarray) -> dict[str, dict[str, int]]:
    """For each ``k`` of :func:`hull_dimensions`, how many ``points`` lie in the hull of ``X``'s projection.

    The full space (``k`` equal to the dimension) uses the raw vectors.
    """
    dim = X.shape[1]
    mean, axes = pca_basis(X)
    out: dict[str, dict[str, int]] = {}
    # Projection onto fewer components keeps convex combinations, so a point
    # outside the hull for some k is outside for every larger k (and in the
    # full space): it needs no further test.
    still = np.ones(len(points), dtype=bool)
    for k in hull_dimensions(dim):
        if k == dim:
            train_k, points_k = X, points
        else:
            basis = axes[:k].T
            train_k, points_k = (X - mean) @ basis, (points - mean) @ basis
        for i in np.flatnonzero(still):
            still[i] = in_hull(points_k[i], train_k)
        out[str(k)] = {"n": len(points), "inside": int(still.sum())}
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


def _sample(n: int, cap: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(n) if n <= cap else np.sort(rng.choice(n, size=cap, replace=False))


def embedding_analysis(
    train_vectors: np.ndarray,
    test_vectors: np.ndarray,
    test_correct: Sequence[bool],
    heldout_vectors: np.ndarray | None = None,
    *,
    seed: int = 0,
    max_train: int = 5000,
    hull_points: int = 100,
    hull_train: int = 1000,
) -> dict[str, Any]:
    """Distances, decile accuracy and hull shares of test (and held-out) vectors against training.

    Training vectors are capped at ``max_train`` for distances and at
    ``hull_train`` for the hull tests, and ``hull_points`` test (and held-out)
    points are tested for hull membership; every sample is drawn with ``seed``
    and its size recorded.
    """
    rng = np.random.default_rng(seed)
    X = np.asarray(train_vectors, dtype=float)
    X = X[_sample(len(X), max_train, rng)]
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
    hull_rng = np.random.default_rng(seed + 1)
    H = X[_sample(len(X), hull_train, hull_rng)]
    result["hull"] = {"n_train_used": len(H), "test": hull_shares(T[_sample(len(T), hull_points, hull_rng)], H)}
    if heldout_vectors is not None and len(heldout_vectors):
        V = np.asarray(heldout_vectors, dtype=float)
        held_dist = nearest_distances(V, X) / scale
        result["heldout"] = {
            "n": len(V),
            "median_distance": round(float(np.median(held_dist)), 6),
            "mean_distance": round(float(np.mean(held_dist)), 6),
        }
        result["hull"]["heldout"] = hull_shares(V[_sample(len(V), hull_points, hull_rng)], H)
    return result
