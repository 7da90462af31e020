"""Embedding-space geometry: the LP hull test against an independent method, distances, deciles."""

from __future__ import annotations

import numpy as np
from scipy.spatial import Delaunay
from scipy.spatial.distance import cdist

from sandbox.compare.geometry import (
    decile_accuracy,
    embedding_analysis,
    hull_dimensions,
    hull_shares,
    in_hull,
    lp_in_hull,
    nearest_distances,
    pca_basis,
)


def test_lp_hull_agrees_with_delaunay_in_two_and_three_dimensions():
    rng = np.random.default_rng(0)
    for dim in (2, 3):
        X = rng.normal(size=(25, dim))
        points = rng.normal(size=(40, dim)) * 1.3
        expected = Delaunay(X).find_simplex(points) >= 0
        got = np.array([in_hull(p, X) for p in points])
        assert expected.any() and not expected.all()
        assert (got == expected).all()


def test_the_shortcuts_give_the_lp_answer():
    rng = np.random.default_rng(5)
    for dim, n in ((4, 40), (16, 120)):
        X = rng.normal(size=(n, dim))
        # Points from deep inside to far outside, many near the boundary.
        points = np.vstack([rng.normal(size=(8, dim)) * scale for scale in (0.2, 0.6, 1.0, 2.0)])
        points = np.vstack([points, (X[:5] + X[5:10]) / 2, X[:3] * 1.001])
        fast = [in_hull(p, X) for p in points]
        assert fast == [lp_in_hull(p, X) for p in points]
        assert any(fast) and not all(fast)


def test_hull_shares_equal_one_lp_per_point_and_k():
    rng = np.random.default_rng(6)
    X, P = rng.normal(size=(80, 10)), rng.normal(size=(12, 10)) * 0.7
    mean, axes = pca_basis(X)
    expected = {}
    for k in hull_dimensions(10):
        basis = axes[:k].T
        Xk, Pk = ((X, P) if k == 10 else ((X - mean) @ basis, (P - mean) @ basis))
        expected[str(k)] = {"n": 12, "inside": sum(lp_in_hull(p, Xk) for p in Pk)}
    assert hull_shares(P, X) == expected
    assert expected["2"]["inside"] > expected["10"]["inside"]


def test_vertices_and_their_midpoints_are_inside():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 12))  # fewer points than a simplex needs to fill 12 dimensions well
    assert all(in_hull(x, X) for x in X)
    assert in_hull((X[0] + X[1]) / 2, X)
    assert not in_hull(X.mean(axis=0) + 10.0, X)


def test_nearest_distances_match_brute_force():
    rng = np.random.default_rng(2)
    X, P = rng.normal(size=(70, 5)), rng.normal(size=(33, 5))
    assert np.allclose(nearest_distances(P, X), cdist(P, X).min(axis=1))
    full = cdist(X, X)
    np.fill_diagonal(full, np.inf)
    assert np.allclose(nearest_distances(X, X, exclude_self=True), full.min(axis=1))


def test_hull_shares_in_projections():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 6))
    assert hull_dimensions(6) == [2, 4, 6]
    inside = hull_shares(X[:5], X)
    assert inside == {k: {"n": 5, "inside": 5} for k in ("2", "4", "6")}
    # A point far along the main axis of variation is outside in every projection.
    _, _, vt = np.linalg.svd(X - X.mean(axis=0))
    far = X.mean(axis=0) + 50 * vt[0]
    assert all(v["inside"] == 0 for v in hull_shares(far[None, :], X).values())
    # A point off the training data only in the last (least-variance) direction is inside low projections.
    off = X.mean(axis=0) + 50 * vt[-1]
    shares = hull_shares(off[None, :], X)
    assert shares["2"]["inside"] == 1 and shares["6"]["inside"] == 0


def test_distances_are_normalized_by_the_typical_training_spacing():
    grid = np.array([[i, j] for i in range(6) for j in range(6)], dtype=float) * 2.0  # spacing 2
    test = np.array([[1.0, 0.0], [0.0, 4.0], [20.0, 0.0]])
    result = embedding_analysis(grid, test, [True, True, False], grid[:3] + 0.5, hull_points=10)
    assert result["typical_nn_distance"] == 2.0
    assert result["test"]["n"] == 3
    assert result["test"]["median_distance"] == 0.5  # distances 1, 0, 10 -> 0.5, 0, 5
    assert result["heldout"]["median_distance"] == round(np.sqrt(0.5) / 2, 6)
    assert result["hull"]["test"]["2"] == {"n": 3, "inside": 2}
    assert result["hull"]["heldout"]["2"] == {"n": 3, "inside": 3}


def test_samples_are_seeded_and_recorded():
    rng = np.random.default_rng(4)
    X, T = rng.normal(size=(300, 4)), rng.normal(size=(50, 4))
    kw = {"max_train": 100, "hull_points": 7, "hull_train": 40}
    first = embedding_analysis(X, T, [True] * 50, seed=5, **kw)
    assert first == embedding_analysis(X, T, [True] * 50, seed=5, **kw)
    assert first["n_train_used"] == 100 and first["hull"]["n_train_used"] == 40
    assert first["hull"]["test"]["4"]["n"] == 7
    assert first["test"]["n"] == 50


def test_decile_accuracy_bins_by_quantile():
    distances = np.linspace(0, 1, 100)
    correct = distances < 0.5
    rows = decile_accuracy(distances, correct)
    assert [r["n"] for r in rows] == [10] * 10
    assert [r["correct"] for r in rows] == [10] * 5 + [0] * 5
    assert rows[0]["low"] == 0.0 and rows[-1]["high"] == 1.0
    tied = decile_accuracy(np.zeros(20), np.ones(20))
    assert sum(r["n"] for r in tied) == 20
