"""Embedding-space geometry: the LP hull test against an independent method, distances, deciles, the analysis."""

from __future__ import annotations

import numpy as np
from scipy.spatial import Delaunay
from scipy.spatial.distance import cdist

from sandbox.compare.geometry import (
    decile_accuracy,
    embedding_analysis,
    hull_dimensions,
    lp_in_hull,
    nearest_distances,
)
from sandbox.compare.hull import verify


def test_lp_hull_agrees_with_delaunay_in_two_and_three_dimensions():
    rng = np.random.default_rng(0)
    for dim in (2, 3):
        X = rng.normal(size=(25, dim))
        points = rng.normal(size=(40, dim)) * 1.3
        expected = Delaunay(X).find_simplex(points) >= 0
        got = np.array([lp_in_hull(p, X) for p in points])
        assert expected.any() and not expected.all()
        assert (got == expected).all()


def test_nearest_distances_match_brute_force():
    rng = np.random.default_rng(2)
    X, P = rng.normal(size=(70, 5)), rng.normal(size=(33, 5))
    assert np.allclose(nearest_distances(P, X), cdist(P, X).min(axis=1))
    full = cdist(X, X)
    np.fill_diagonal(full, np.inf)
    assert np.allclose(nearest_distances(X, X, exclude_self=True), full.min(axis=1))


def test_distances_are_normalized_by_the_typical_training_spacing():
    grid = np.array([[i, j] for i in range(6) for j in range(6)], dtype=float) * 2.0  # spacing 2
    test = np.array([[1.0, 0.0], [0.0, 4.0], [20.0, 0.0]])
    result, certs = embedding_analysis(grid, test, [True, True, False], grid[:3] + 0.5)
    assert result["typical_nn_distance"] == 2.0
    assert result["test"]["n"] == 3
    assert result["test"]["median_distance"] == 0.5  # distances 1, 0, 10 -> 0.5, 0, 5
    assert result["heldout"]["median_distance"] == round(np.sqrt(0.5) / 2, 6)
    assert result["hull"]["test"]["2"] == {"n": 3, "inside": 2, "outside": 1, "undecided": 0}
    assert result["hull"]["heldout"]["2"] == {"n": 3, "inside": 3, "outside": 0, "undecided": 0}
    assert verify(certs) == []


def test_decile_accuracy_bins_by_quantile():
    distances = np.linspace(0, 1, 100)
    correct = distances < 0.5
    rows = decile_accuracy(distances, correct)
    assert [r["n"] for r in rows] == [10] * 10
    assert [r["correct"] for r in rows] == [10] * 5 + [0] * 5
    assert rows[0]["low"] == 0.0 and rows[-1]["high"] == 1.0
    tied = decile_accuracy(np.zeros(20), np.ones(20))
    assert sum(r["n"] for r in tied) == 20


def test_the_analysis_uses_every_point_and_every_training_vector():
    rng = np.random.default_rng(4)
    X, T = rng.normal(size=(300, 4)), rng.normal(size=(50, 4))
    first, certs = embedding_analysis(X, T, [True] * 50)
    assert first == embedding_analysis(X, T, [True] * 50)[0]  # deterministic
    assert first["n_train_used"] == 300 and first["hull"]["n_train_used"] == 300
    assert all(c["n"] == 50 for c in first["hull"]["test"].values())
    assert len(certs.space.train) == 300 and hull_dimensions(4) == [2, 4]
