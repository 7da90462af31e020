"""Exact hull membership with certificates: re-verification, agreement with a plain LP, degenerate inputs."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.compare.geometry import lp_in_hull
from sandbox.compare.hull import HullCertificates, hull_dimensions, inside_holds, verify
from sandbox.compare.hull_search import hull_membership, lp_decide


def _plain_lp(certs: HullCertificates, split: str) -> dict[str, int]:
    """Share inside per k by one full LP per point and level (the definition), for comparison."""
    space = certs.space
    start, stop = certs.splits[split]
    out = {}
    for level, k in enumerate(space.levels):
        Z, P = space.coords(level, space.train), space.coords(level, certs.points[start:stop])
        out[str(k)] = sum(lp_in_hull(p, Z) for p in P)
    return out


@pytest.mark.parametrize(("n", "d", "seed"), [(60, 6, 0), (150, 10, 1), (40, 16, 2)])
def test_certificates_reverify_and_agree_with_a_plain_lp(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    test = np.vstack([rng.normal(size=(10, d)) * s for s in (0.3, 0.8, 1.5)])
    held = np.vstack([X[:3], (X[3:6] + X[6:9]) / 2])
    certs = hull_membership(X, {"test": test, "heldout": held})
    assert verify(certs) == []
    plain = _plain_lp(certs, "test")
    counts = certs.counts("test")
    for k, c in counts.items():
        assert c["undecided"] == 0
        assert c["inside"] == plain[k], k
    assert counts["2"]["inside"] > counts[str(d)]["inside"]  # projection puts more points inside
    assert all(c["inside"] == 6 for c in certs.counts("heldout").values())  # vertices and midpoints


def test_every_answer_has_a_certificate_of_its_own_kind():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 8))
    certs = hull_membership(X, {"test": rng.normal(size=(25, 8))})
    status = certs.status()
    for i in range(len(certs.points)):
        if (status[i] == 1).any():
            assert i in certs.weights
        if (status[i] == 2).any():
            assert i in certs.directions and certs.directions[i].dtype == np.float32


def test_a_forged_certificate_fails_verification():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 4))
    certs = hull_membership(X, {"test": np.vstack([np.zeros(4), np.full(4, 9.0)])})
    assert verify(certs) == []
    inside, outside = 0, 1
    assert certs.inside_level[inside] == len(certs.space.levels) - 1
    assert certs.outside_level[outside] == 0
    # Claim the far point inside with the centre's weights, and the centre outside with the far one's plane.
    certs.inside_level[outside], certs.weights[outside] = certs.inside_level[inside], certs.weights[inside]
    certs.outside_level[inside], certs.directions[inside] = 0, certs.directions[outside]
    problems = verify(certs)
    assert any("point 1: inside weights fail" in p for p in problems)
    assert any("point 0: hyperplane fails" in p for p in problems)


def test_certificates_round_trip_through_npz():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 5))
    certs = hull_membership(X, {"test": rng.normal(size=(9, 5)), "heldout": X[:2]})
    again = HullCertificates.from_npz(certs.to_npz())
    assert again.counts("test") == certs.counts("test")
    assert again.counts("heldout") == certs.counts("heldout")
    assert verify(again) == []


@pytest.mark.parametrize("case", ["duplicates", "training_point", "all_equal", "fewer_than_dim", "collinear"])
def test_degenerate_inputs_never_crash_and_answer_right_or_undecided(case):
    rng = np.random.default_rng(6)
    if case == "duplicates":
        X = np.repeat(rng.normal(size=(10, 4)), 3, axis=0)
        P, expect_inside = np.vstack([X[0], X[:10].mean(axis=0), X[0] + 50]), [True, True, False]
    elif case == "training_point":
        X = rng.normal(size=(30, 6))
        P, expect_inside = X[[4, 7]], [True, True]
    elif case == "all_equal":
        X = np.ones((12, 5))
        P, expect_inside = np.vstack([np.ones(5), np.ones(5) * 1.5]), [True, False]
    elif case == "fewer_than_dim":
        X = rng.normal(size=(4, 10))
        P, expect_inside = np.vstack([X[:4].mean(axis=0), X[0] + 1.0]), [True, False]
    else:
        X = np.outer(np.linspace(0, 1, 20), np.ones(3))
        P, expect_inside = np.vstack([np.full(3, 0.5), np.array([0.5, 0.5, 0.6])]), [True, False]
    certs = hull_membership(X, {"test": P})
    assert verify(certs) == []
    full = len(certs.space.levels) - 1
    for i, inside in enumerate(expect_inside):
        status = certs.status()[i, full]
        assert status in ((1, 0) if inside else (2, 0)), (case, i, status)
    assert (certs.status()[:, full] != 0).all()  # these small cases are all settled


def test_no_points_and_one_training_vector():
    certs = hull_membership(np.zeros((1, 3)), {"test": np.zeros((0, 3)), "heldout": np.zeros((1, 3))})
    assert certs.counts("test")["3"]["n"] == 0
    assert certs.counts("heldout")["3"]["inside"] == 1
    assert verify(certs) == []


def test_lp_decide_returns_checked_certificates():
    rng = np.random.default_rng(7)
    Z = rng.normal(size=(200, 12))
    kind, idx, lam = lp_decide(Z, Z[:20].mean(axis=0))
    assert kind == "inside" and len(idx) <= 13 and inside_holds(Z, Z[:20].mean(axis=0), idx, lam)
    kind, w, _ = lp_decide(Z, Z[0] * 3.0)
    assert kind == "outside" and w @ (Z[0] * 3.0) > (Z @ w).max()


def test_hull_dimensions():
    assert hull_dimensions(128) == [2, 4, 8, 16, 32, 64, 128]
    assert hull_dimensions(2) == [2]
