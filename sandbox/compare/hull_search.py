"""The search for hull certificates (see :mod:`sandbox.compare.hull` for what a certificate is).

Three stages, cheapest first, each accepting only answers whose certificate
it has checked against every training vector:

1. in the plane (``k <= delaunay_max``), Qhull's Delaunay triangulation locates
   the simplex around each point: its barycentric coordinates are inside weights;
2. Gilbert's nearest-point iteration, batched over points, level by level
   upwards (a point outside at one level is outside at every larger one): the
   direction from the current hull point to ``p`` is a separating hyperplane as
   soon as no training vector reaches past ``p`` along it;
3. for every point and level still open, a column-generation LP (HiGHS): the
   feasibility LP over a subset of training vectors either yields convex
   weights (inside) or a dual direction that separates the subset; the
   direction is checked against every vector and the vectors that reach past
   it join the subset. Levels are chosen by binary search over each point's
   open interval, so one LP settles all levels on one side of it.

Work is bounded by counts (Gilbert steps, LP rounds), never by clocks.

>>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
>>> certs = hull_membership(X, {"test": np.array([[0.5, 0.5], [2.0, 0.5], [1.0, 1.0]])})
>>> certs.counts("test")["2"]
{'n': 3, 'inside': 2, 'outside': 1, 'undecided': 0}
>>> from sandbox.compare.hull import verify
>>> verify(certs)
[]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog
from scipy.spatial import Delaunay

from sandbox.compare.hull import (
    _CHUNK_CELLS,
    _FIND_INSIDE,
    _FIND_MARGIN,
    INSIDE_TOL,
    OUTSIDE_MARGIN,
    HullCertificates,
    Space,
    _scale,
    _separates,
    inside_holds,
)

Progress = Callable[[str], None]


def hull_membership(train: np.ndarray, points: dict[str, np.ndarray], *, gilbert_steps: int = 48,
                    lp_rounds: int = 40, delaunay_max: int = 2,
                    progress: Progress | None = None) -> HullCertificates:
    """Certificates of hull membership of every row of every ``points[split]`` against all rows of ``train``."""
    space = Space.of(train)
    d = space.train.shape[1]
    blocks, splits, start = [], {}, 0
    for name, block in points.items():
        arr = np.asarray(block, dtype=np.float64).reshape(-1, d)
        blocks.append(arr)
        splits[name] = (start, start + len(arr))
        start += len(arr)
    P = np.vstack(blocks) if blocks else np.zeros((0, d))
    L = len(space.levels)
    certs = HullCertificates(space, P, splits, np.full(len(P), -1, dtype=np.int64),
                             np.full(len(P), L, dtype=np.int64))
    coords = [(space.coords(j, space.train), space.coords(j, P)) for j in range(L)]
    for level, (Z, Pk) in enumerate(coords):
        open_ = np.flatnonzero((certs.outside_level > level) & (certs.inside_level < level))
        if space.levels[level] <= delaunay_max:
            _delaunay(certs, level, Z, Pk, open_)
            open_ = open_[certs.inside_level[open_] < level]
        _gilbert(certs, level, Z, Pk, open_, gilbert_steps)
        if progress:
            progress(f"k={space.levels[level]}: Gilbert/Delaunay pass done")
    for i in range(len(P)):
        _binary_search(certs, i, coords, lp_rounds)
    return certs


def _set_inside(certs: HullCertificates, i: int, level: int, idx: np.ndarray, lam: np.ndarray) -> None:
    if level > certs.inside_level[i]:
        certs.inside_level[i] = level
        certs.weights[i] = (np.asarray(idx, dtype=np.int64), np.asarray(lam, dtype=np.float64))


def _set_outside(certs: HullCertificates, i: int, level: int, w32: np.ndarray) -> None:
    if level < certs.outside_level[i]:
        certs.outside_level[i] = level
        certs.directions[i] = w32


def _convex(idx: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge repeated indices, drop zeros and negatives within rounding, and normalize to sum 1."""
    uniq, inv = np.unique(idx, return_inverse=True)
    merged = np.zeros(len(uniq))
    np.add.at(merged, inv, lam)
    merged[merged < 0] = 0.0
    keep = merged > 0
    uniq, merged = uniq[keep], merged[keep]
    return uniq, merged / merged.sum() if len(merged) else merged


def _delaunay(certs: HullCertificates, level: int, Z: np.ndarray, Pk: np.ndarray, rows: np.ndarray) -> None:
    if len(rows) == 0 or len(Z) <= Z.shape[1]:
        return
    try:
        tri = Delaunay(Z)
    except Exception:  # Qhull refuses degenerate input (collinear, all equal): the other stages remain
        return
    simplex = tri.find_simplex(Pk[rows])
    k = Z.shape[1]
    for i, s in zip(rows, simplex, strict=True):
        if s < 0:
            continue
        T = tri.transform[s]
        b = T[:k] @ (Pk[i] - T[k])
        idx, lam = _convex(tri.simplices[s], np.append(b, 1.0 - b.sum()))
        if inside_holds(Z, Pk[i], idx, lam, tol=INSIDE_TOL / 10):
            _set_inside(certs, int(i), level, idx, lam)


def _nearest(Z: np.ndarray, P: np.ndarray) -> np.ndarray:
    z2 = (Z * Z).sum(axis=1)
    out = np.empty(len(P), dtype=np.int64)
    chunk = max(1, _CHUNK_CELLS // max(1, len(Z)))
    for s in range(0, len(P), chunk):
        block = P[s:s + chunk]
        out[s:s + chunk] = np.argmin(z2[None, :] - 2.0 * block @ Z.T, axis=1)
    return out


def _gilbert(certs: HullCertificates, level: int, Z: np.ndarray, Pk: np.ndarray, rows: np.ndarray,
             steps: int) -> None:
    """Batched Gilbert iteration from each point's nearest training vector (see the module docstring)."""
    if len(rows) == 0:
        return
    chunk = max(1, _CHUNK_CELLS // max(1, len(Z)))
    zmax = np.abs(Z).max(initial=0.0)
    for s in range(0, len(rows), chunk):
        ids = rows[s:s + chunk]
        P = Pk[ids]
        scale = np.maximum(np.maximum(zmax, np.abs(P).max(axis=1, initial=0.0)), 1e-300)
        verts = np.zeros((len(ids), steps + 1), dtype=np.int64)
        gammas = np.zeros((len(ids), steps))
        verts[:, 0] = _nearest(Z, P)
        Q = Z[verts[:, 0]].copy()
        live = np.arange(len(ids))
        for t in range(steps + 1):
            if len(live) == 0:
                break
            W = P[live] - Q[live]
            near = np.abs(W).max(axis=1) <= _FIND_INSIDE * scale[live]
            for j in live[near]:
                idx, lam = _gilbert_weights(verts[j, : t + 1], gammas[j, :t])
                if inside_holds(Z, P[j], idx, lam, tol=INSIDE_TOL / 10):
                    _set_inside(certs, int(ids[j]), level, idx, lam)
            live, W = live[~near], W[~near]
            if len(live) == 0:
                break
            R = W @ Z.T
            best = np.argmax(R, axis=1)
            reach = R[np.arange(len(live)), best]
            norm = np.linalg.norm(W, axis=1)
            gap = (W * P[live]).sum(axis=1) - reach
            found = gap > _FIND_MARGIN * norm * scale[live]
            if found.any():
                W32 = W[found].astype(np.float32)
                ok = _separates(Z, P[live[found]], W32.astype(np.float64), OUTSIDE_MARGIN * 10)
                for j, w, good in zip(live[found], W32, ok, strict=True):
                    if good:
                        _set_outside(certs, int(ids[j]), level, w)
            if t == steps:
                break
            step = Z[best] - Q[live]
            length = (step * step).sum(axis=1)
            along = (W * step).sum(axis=1)
            moving = ~found & (length > 0) & (along > 0)
            gamma = np.clip(along[moving] / length[moving], 0.0, 1.0)
            mv = live[moving]
            Q[mv] += gamma[:, None] * step[moving]
            gammas[mv, t] = gamma
            verts[mv, t + 1] = best[moving]
            live = mv


def _gilbert_weights(verts: np.ndarray, gammas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The convex weights of Gilbert's point after steps ``gammas`` towards ``verts[1:]`` from ``verts[0]``."""
    lam = np.empty(len(verts))
    tail = 1.0
    for t in range(len(gammas) - 1, -1, -1):
        lam[t + 1] = gammas[t] * tail
        tail *= 1.0 - gammas[t]
    lam[0] = tail
    return _convex(verts, lam)


def _binary_search(certs: HullCertificates, i: int, coords: list[tuple[np.ndarray, np.ndarray]],
                   rounds: int) -> None:
    """Settle point ``i``'s open levels with LPs, each at the middle of an open interval."""
    stack = [(int(certs.inside_level[i]), int(certs.outside_level[i]))]
    while stack:
        lo, hi = stack.pop()
        lo, hi = max(lo, int(certs.inside_level[i])), min(hi, int(certs.outside_level[i]))
        if hi - lo <= 1:
            continue
        mid = (lo + hi + 1) // 2
        Z, Pk = coords[mid]
        kind, a, b = lp_decide(Z, Pk[i], rounds)
        if kind == "inside":
            _set_inside(certs, i, mid, a, b)
            stack.append((mid, hi))
        elif kind == "outside":
            _set_outside(certs, i, mid, a)
            stack.append((lo, mid))
        else:
            stack += [(lo, mid), (mid, hi)]


def lp_decide(Z: np.ndarray, p: np.ndarray, rounds: int = 40) -> tuple[str, np.ndarray, np.ndarray]:
    """``("inside", indices, weights)``, ``("outside", w32, [])`` or ``("undecided", [], [])`` for ``p``.

    Column generation on the phase-one LP ``min |Z_S.T @ lam - p|_1`` over the
    simplex on a subset ``S``: its dual ``(y, y0)`` satisfies
    ``y @ z + y0 <= 0`` on ``S`` and ``y @ p + y0 > 0`` when the optimum is
    positive, so ``y`` separates ``S`` from ``p``. If it separates every vector,
    ``p`` is outside; otherwise the vectors that reach past it join ``S``.

    >>> Z = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    >>> lp_decide(Z, np.array([0.5, 0.5]))[0], lp_decide(Z, np.array([2.0, 2.0]))[0]
    ('inside', 'outside')
    """
    n, k = Z.shape
    none = np.zeros(0)
    scale = _scale(Z, p)
    d2 = ((Z - p) ** 2).sum(axis=1)
    size = min(n, 2 * (k + 1) + 8)
    S = np.argpartition(d2, size - 1)[:size] if size < n else np.arange(n)
    add = 2 * (k + 1)
    for _ in range(rounds):
        s = len(S)
        A = np.zeros((k + 1, s + 2 * k))
        A[:k, :s] = Z[S].T
        A[:k, s:s + k] = np.eye(k)
        A[:k, s + k:] = -np.eye(k)
        A[k, :s] = 1.0
        c = np.concatenate([np.zeros(s), np.ones(2 * k)])
        res = linprog(c, A_eq=A, b_eq=np.append(p, 1.0), bounds=(0, None), method="highs")
        if res.status != 0:
            return "undecided", none, none
        lam = res.x[:s]
        if res.fun <= _FIND_INSIDE * scale:
            idx, weights = _polish(Z, p, S, lam)
            if inside_holds(Z, p, idx, weights, tol=INSIDE_TOL / 10):
                return "inside", idx, weights
            return "undecided", none, none
        y = np.asarray(res.eqlin.marginals[:k])  # the dual: the optimum's slope in the right-hand side
        y0 = float(res.eqlin.marginals[k])
        w32 = y.astype(np.float32)
        if _separates(Z, p[None, :], w32.astype(np.float64)[None, :], OUTSIDE_MARGIN * 10)[0]:
            return "outside", w32, none
        reach = Z @ y + y0
        reach[S] = -np.inf
        order = np.argsort(-reach, kind="stable")[:add]
        new = order[reach[order] > -1e-12 * scale]
        if len(new) == 0:
            return "undecided", none, none
        S = np.concatenate([S, new])
    return "undecided", none, none


def _polish(Z: np.ndarray, p: np.ndarray, S: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The LP's weights, re-solved exactly on their support when that keeps them non-negative."""
    idx, weights = _convex(S, lam)
    if len(idx) == 0:
        return idx, weights
    M = np.vstack([Z[idx].T, np.ones(len(idx))])
    exact, *_ = np.linalg.lstsq(M, np.append(p, 1.0), rcond=None)
    if np.all(exact >= 0) and exact.sum() > 0:
        tidy = exact / exact.sum()
        if np.abs(tidy @ Z[idx] - p).max() <= np.abs(weights @ Z[idx] - p).max():
            return idx, tidy
    return idx, weights
