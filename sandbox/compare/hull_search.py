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

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.spatial import Delaunay
from threadpoolctl import threadpool_limits

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
INITIAL, ADD = 6, 4  # LP subset: nearest INITIAL * (k + 1) vectors to start, ADD * (k + 1) more per round


def hull_membership(train: np.ndarray, points: dict[str, np.ndarray], *, gilbert_steps: int = 48,
                    lp_rounds: int = 40, delaunay_max: int = 4,
                    workers: int = 2, progress: Progress | None = None) -> HullCertificates:
    """Certificates of hull membership of every row of every ``points[split]`` against all rows of ``train``.

    ``workers`` threads run the per-point LPs (HiGHS releases the GIL for part
    of each solve); every point's answer is its own, so the result does not
    depend on their number or order.
    """
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
    hints: dict[tuple[int, int], np.ndarray] = {}
    for level, (Z, Pk) in enumerate(coords):
        open_ = np.flatnonzero((certs.outside_level > level) & (certs.inside_level < level))
        if space.levels[level] <= delaunay_max:
            _delaunay(certs, level, Z, Pk, open_)
            open_ = open_[certs.inside_level[open_] < level]
        _gilbert(certs, level, Z, Pk, open_, gilbert_steps, hints)
        if progress:
            progress(f"k={space.levels[level]}: Gilbert/Delaunay pass done")
    with ThreadPoolExecutor(max(1, workers)) as pool:
        list(pool.map(lambda i: _binary_search(certs, i, coords, lp_rounds, hints), range(len(P))))
    if progress:
        progress("LP stage done")
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
    # Locating points computes one small LAPACK factorization per simplex; a
    # multithreaded BLAS makes each of those calls slow (seconds become minutes).
    with threadpool_limits(1):
        simplex = tri.find_simplex(Pk[rows])
    found = simplex >= 0
    rows, simplex = rows[found], simplex[found]
    if len(rows) == 0:
        return
    # Barycentric coordinates by one batched solve (scipy's ``tri.transform`` is slow for many simplices).
    corners = tri.simplices[simplex]  # (m, k + 1)
    M = np.concatenate([np.transpose(Z[corners], (0, 2, 1)), np.ones((len(rows), 1, corners.shape[1]))], axis=1)
    rhs = np.concatenate([Pk[rows], np.ones((len(rows), 1))], axis=1)
    try:
        bary = np.linalg.solve(M, rhs[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:  # a flat simplex among them: leave these points to the other stages
        return
    for i, idx0, b in zip(rows, corners, bary, strict=True):
        idx, lam = _convex(idx0, b)
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
             steps: int, hints: dict[tuple[int, int], np.ndarray]) -> None:
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
                for j in live:  # the vertices Gilbert leant on start the LP's subset
                    hints[(int(ids[j]), level)] = np.unique(verts[j])
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
                   rounds: int, hints: dict[tuple[int, int], np.ndarray]) -> None:
    """Settle point ``i``'s open levels with LPs, each at the middle of an open interval."""
    stack = [(int(certs.inside_level[i]), int(certs.outside_level[i]))]
    while stack:
        lo, hi = stack.pop()
        lo, hi = max(lo, int(certs.inside_level[i])), min(hi, int(certs.outside_level[i]))
        if hi - lo <= 1:
            continue
        mid = (lo + hi + 1) // 2
        Z, Pk = coords[mid]
        kind, a, b = lp_decide(Z, Pk[i], rounds, hints.get((i, mid)))
        if kind == "inside":
            _set_inside(certs, i, mid, a, b)
            stack.append((mid, hi))
        elif kind == "outside":
            _set_outside(certs, i, mid, a)
            stack.append((lo, mid))
        else:
            stack += [(lo, mid), (mid, hi)]


def lp_decide(Z: np.ndarray, p: np.ndarray, rounds: int = 40,
              hint: np.ndarray | None = None) -> tuple[str, np.ndarray, np.ndarray]:
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
    size = min(n, INITIAL * (k + 1))
    S = np.argpartition(d2, size - 1)[:size] if size < n else np.arange(n)
    if hint is not None:  # indices of vectors worth starting with (``hint`` of the caller's earlier search)
        S = np.union1d(S, hint)
    add = ADD * (k + 1)
    lp = _PhaseOne(Z, p)
    lp.add(S)
    for _ in range(rounds):
        solved = lp.solve()
        if solved is None:
            return "undecided", none, none
        fun, lam, dual = solved
        if fun <= _FIND_INSIDE * scale:
            idx, weights = _polish(Z, p, S, lam)
            if inside_holds(Z, p, idx, weights, tol=INSIDE_TOL / 10):
                return "inside", idx, weights
            return "undecided", none, none
        y, y0 = dual[:k], float(dual[k])
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
        lp.add(new)
    return "undecided", none, none


class _PhaseOne:
    """``min |Z_S.T @ lam - p|_1`` over the simplex, with columns added between solves.

    With ``highspy`` the model stays loaded and each solve starts from the
    last basis (column generation's usual warm start); without it, scipy's
    ``linprog`` (the same HiGHS) solves the whole LP each time. Either returns
    the optimum, the weights and the duals of the ``k + 1`` equality rows.
    """

    def __init__(self, Z: np.ndarray, p: np.ndarray):
        self.Z, self.p, self.k = Z, p, Z.shape[1]
        self.columns: list[int] = []
        self.highs = _highs()
        if self.highs is not None:
            import highspy

            h, k, inf = self.highs, self.k, highspy.kHighsInf
            rhs = np.append(p, 1.0)
            h.addRows(k + 1, rhs, rhs, 0, np.zeros(1, np.int32), np.zeros(0, np.int32), np.zeros(0))
            rows = np.repeat(np.arange(k, dtype=np.int32), 2)
            values = np.tile([1.0, -1.0], k)
            h.addCols(2 * k, np.ones(2 * k), np.zeros(2 * k), np.full(2 * k, inf), 2 * k,
                      np.arange(2 * k, dtype=np.int32), rows, values)

    def add(self, indices: np.ndarray) -> None:
        self.columns += [int(i) for i in indices]
        if self.highs is not None and len(indices):
            import highspy

            k, m = self.k, len(indices)
            values = np.hstack([self.Z[indices], np.ones((m, 1))]).ravel()
            self.highs.addCols(m, np.zeros(m), np.zeros(m), np.full(m, highspy.kHighsInf), len(values),
                               (np.arange(m) * (k + 1)).astype(np.int32),
                               np.tile(np.arange(k + 1, dtype=np.int32), m), values)

    def solve(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        k, s = self.k, len(self.columns)
        if self.highs is not None:
            import highspy

            h = self.highs
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
            sol = h.getSolution()
            return (float(h.getInfo().objective_function_value), np.asarray(sol.col_value)[2 * k:],
                    np.asarray(sol.row_dual))
        A = np.zeros((k + 1, s + 2 * k))
        A[:k, :s] = self.Z[self.columns].T
        A[:k, s:s + k] = np.eye(k)
        A[:k, s + k:] = -np.eye(k)
        A[k, :s] = 1.0
        c = np.concatenate([np.zeros(s), np.ones(2 * k)])
        res = linprog(c, A_eq=A, b_eq=np.append(self.p, 1.0), bounds=(0, None), method="highs")
        if res.status != 0:
            return None
        return float(res.fun), res.x[:s], np.asarray(res.eqlin.marginals)


_LOCAL = threading.local()
_QUIET = threading.Lock()


@contextlib.contextmanager
def _silenced_stdout() -> Iterator[None]:
    """File descriptor 1 sent to the null device (C libraries write there, past ``sys.stdout``)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs() -> Any:
    """A fresh model on this thread's quiet ``highspy.Highs`` (``None`` without highspy)."""
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a dependency; scipy's linprog remains
        return None
    h = getattr(_LOCAL, "highs", None)
    if h is None:
        with _QUIET, _silenced_stdout():  # the banner some versions print (from C) on creation
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", 0)
        _LOCAL.highs = h
    h.clearModel()
    return h


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
