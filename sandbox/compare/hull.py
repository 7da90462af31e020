"""Exact convex-hull membership of every point against every training vector, with a certificate per answer.

The question (Balestriero, Pesenti & LeCun 2021): does ``p`` lie in the convex
hull of the training vectors, in the full space and after projection onto the
top-``k`` principal components (``k = 2, 4, 8, ...``)? Every answer carries a
certificate that :func:`verify` checks against *all* training vectors:

- **inside** at level ``k``: convex weights ``lam >= 0`` with ``sum(lam) = 1``
  whose combination of training vectors reproduces ``p`` within
  ``INSIDE_TOL`` times the level's scale (the largest absolute coordinate of
  the training vectors and the point) in every coordinate;
- **outside** at level ``k``: a direction ``w`` with
  ``w @ p - max(Z @ w) > OUTSIDE_MARGIN * |w| * scale`` over every training
  vector ``Z`` (a separating hyperplane);
- **undecided**: neither was found within the counted budgets; never guessed.

Projection keeps convex combinations, so membership is monotone in ``k``: a
point inside at some level is inside at every smaller one (the same weights),
and a point outside is outside at every larger one (the same ``w``, padded
with zeros; mapped through the principal axes for the full space). Each point
therefore stores one weight vector (at its largest inside level) and one
hyperplane (at its smallest outside level); :func:`verify` still checks each
claimed level on its own.

The search: Delaunay's simplex location (Qhull) in the plane for cheap inside
certificates; Gilbert's nearest-point iteration, batched over points, for
cheap outside certificates; for what stays open, a column-generation LP
(HiGHS) over a growing subset of training vectors, whose dual gives a
hyperplane checked against every vector, at the middle of each point's open
interval of levels (a binary search over ``k``).

The search lives in :mod:`sandbox.compare.hull_search`.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

INSIDE_TOL = 1e-6  # verification: residual per coordinate, relative to the level's scale
OUTSIDE_MARGIN = 1e-9  # verification: separation, relative to |w| and the level's scale
_FIND_INSIDE = 1e-9  # the search accepts only stricter certificates than verification needs
_FIND_MARGIN = 1e-7
_CHUNK_CELLS = 8_000_000  # points x training vectors per batched product (64 MB of float64)
_UNDECIDED, _INSIDE, _OUTSIDE = 0, 1, 2


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


@dataclass
class Space:
    """The training vectors and the coordinates of every level (``k`` principal components, or the raw space)."""

    train: np.ndarray  # (n, d) float64
    mean: np.ndarray  # (d,)
    axes: np.ndarray  # (d, d): principal axes as rows, by decreasing variance
    levels: list[int]

    @classmethod
    def of(cls, train: np.ndarray) -> Space:
        X = np.asarray(train, dtype=np.float64)
        if X.ndim != 2 or len(X) == 0:
            raise ValueError("training vectors must be a non-empty (n, d) array")
        mean = X.mean(axis=0)
        # Fewer vectors than dimensions: complete the axes (the extra ones carry no training variance).
        _, _, vt = np.linalg.svd(X - mean, full_matrices=len(X) < X.shape[1])
        return cls(X, mean, vt, hull_dimensions(X.shape[1]))

    def coords(self, level: int, A: np.ndarray) -> np.ndarray:
        """Rows of ``A`` (raw vectors) in the coordinates of level index ``level``."""
        k = self.levels[level]
        if k == self.train.shape[1]:
            return np.asarray(A, dtype=np.float64)
        return (np.asarray(A, dtype=np.float64) - self.mean) @ self.axes[:k].T

    def lift(self, level: int, w: np.ndarray, to: int) -> np.ndarray:
        """A direction of level ``level`` expressed in the coordinates of a level ``to >= level``."""
        k, k_to, d = self.levels[level], self.levels[to], self.train.shape[1]
        if k == k_to:
            return w
        if k_to == d:  # into the raw space: w @ ((x - mean) @ A.T) = (A.T @ w) @ x - const
            return self.axes[:k].T @ w
        return np.concatenate([w, np.zeros(k_to - k)])


def _scale(Z: np.ndarray, p: np.ndarray) -> float:
    return float(max(np.abs(Z).max(initial=0.0), np.abs(p).max(initial=0.0), 1e-300))


@dataclass
class HullCertificates:
    """Per point: the largest inside level with its weights, the smallest outside level with its direction.

    ``inside_level[i] = -1`` when no inside certificate exists, and
    ``outside_level[i] = len(levels)`` when no outside one does. Weights are
    ragged: point ``i``'s indices and values are ``w_index/w_value[w_start[i]:
    w_start[i + 1]]``. Directions are stored in float32 and were accepted only
    after rounding, so the stored value is the certificate itself.
    """

    space: Space
    points: np.ndarray  # (m, d)
    splits: dict[str, tuple[int, int]]  # split name -> (start, stop) rows of points
    inside_level: np.ndarray
    outside_level: np.ndarray
    weights: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    directions: dict[int, np.ndarray] = field(default_factory=dict)

    def status(self) -> np.ndarray:
        """``(m, levels)``: 1 inside, 2 outside, 0 undecided."""
        L = np.arange(len(self.space.levels))
        out = np.zeros((len(self.points), len(L)), dtype=np.int8)
        out[L[None, :] <= self.inside_level[:, None]] = _INSIDE
        out[L[None, :] >= self.outside_level[:, None]] = _OUTSIDE
        return out

    def counts(self, split: str) -> dict[str, dict[str, int]]:
        """``{k: {"n", "inside", "outside", "undecided"}}`` for the points of ``split``."""
        start, stop = self.splits[split]
        status = self.status()[start:stop]
        return {str(k): {"n": stop - start, "inside": int((status[:, j] == _INSIDE).sum()),
                         "outside": int((status[:, j] == _OUTSIDE).sum()),
                         "undecided": int((status[:, j] == _UNDECIDED).sum())}
                for j, k in enumerate(self.space.levels)}

    def to_npz(self) -> bytes:
        """The certificates and the vectors they are checked against, as compressed ``.npz`` bytes."""
        m = len(self.points)
        starts, idx, val = [0], [], []
        for i in range(m):
            ix, vs = self.weights.get(i, (np.zeros(0, np.int64), np.zeros(0)))
            idx.append(ix)
            val.append(vs)
            starts.append(starts[-1] + len(ix))
        dmax = max(self.space.levels)
        dirs = np.zeros((m, dmax), dtype=np.float32)
        for i, w in self.directions.items():
            dirs[i, : len(w)] = w
        names = sorted(self.splits)
        buf = io.BytesIO()
        np.savez_compressed(
            buf, train=self.space.train, mean=self.space.mean, axes=self.space.axes, points=self.points,
            levels=np.array(self.space.levels), split_names=np.array(names),
            split_bounds=np.array([self.splits[s] for s in names], dtype=np.int64).reshape(-1, 2),
            inside_level=self.inside_level, outside_level=self.outside_level,
            w_start=np.array(starts, dtype=np.int64),
            w_index=np.concatenate(idx).astype(np.int64) if idx else np.zeros(0, np.int64),
            w_value=np.concatenate(val) if val else np.zeros(0), directions=dirs,
        )
        return buf.getvalue()

    @classmethod
    def from_npz(cls, data: bytes) -> HullCertificates:
        """Read :meth:`to_npz` bytes (no pickles: ``allow_pickle=False``)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as f:
            space = Space(f["train"], f["mean"], f["axes"], [int(k) for k in f["levels"]])
            splits = {str(n): (int(a), int(b)) for n, (a, b) in zip(f["split_names"], f["split_bounds"], strict=True)}
            certs = cls(space, f["points"], splits, f["inside_level"].copy(), f["outside_level"].copy())
            starts, w_index, w_value, dirs = f["w_start"], f["w_index"], f["w_value"], f["directions"]
        for i in range(len(certs.points)):
            if starts[i + 1] > starts[i]:
                certs.weights[i] = (w_index[starts[i]:starts[i + 1]], w_value[starts[i]:starts[i + 1]])
            if certs.outside_level[i] < len(space.levels):
                certs.directions[i] = dirs[i, : space.levels[int(certs.outside_level[i])]]
        return certs


def verify(certs: HullCertificates) -> list[str]:
    """Check every certificate at every level it is claimed for, against every training vector.

    Returns one message per failure (an empty list means all hold).
    """
    space, problems = certs.space, []
    n_levels = len(space.levels)
    for level in range(n_levels):
        Z = space.coords(level, space.train)
        P = space.coords(level, certs.points)
        for i in np.flatnonzero(certs.inside_level >= level):
            idx, lam = certs.weights.get(int(i), (np.zeros(0, np.int64), np.zeros(0)))
            if not inside_holds(Z, P[i], idx, lam):
                problems.append(f"point {i}: inside weights fail at k={space.levels[level]}")
        claimed = np.flatnonzero(certs.outside_level <= level)
        for start in range(0, len(claimed), 256):
            rows = claimed[start:start + 256]
            W = np.stack([space.lift(int(certs.outside_level[i]), certs.directions[int(i)].astype(np.float64), level)
                          for i in rows]) if len(rows) else np.zeros((0, Z.shape[1]))
            for i, ok in zip(rows, _separates(Z, P[rows], W, OUTSIDE_MARGIN), strict=True):
                if not ok:
                    problems.append(f"point {i}: hyperplane fails at k={space.levels[level]}")
        bad = np.flatnonzero((certs.inside_level >= level) & (certs.outside_level <= level))
        problems += [f"point {i}: both inside and outside at k={space.levels[level]}" for i in bad]
    return problems


def inside_holds(Z: np.ndarray, p: np.ndarray, idx: np.ndarray, lam: np.ndarray, tol: float = INSIDE_TOL) -> bool:
    """Whether ``lam`` (on rows ``idx`` of ``Z``) are convex weights reproducing ``p`` within ``tol * scale``."""
    if len(idx) == 0 or np.any(lam < 0) or abs(float(lam.sum()) - 1.0) > 1e-9:
        return False
    if np.any(idx < 0) or np.any(idx >= len(Z)):
        return False
    residual = np.abs(lam @ Z[idx] - p).max(initial=0.0)
    return bool(residual <= tol * _scale(Z, p))


def _separates(Z: np.ndarray, P: np.ndarray, W: np.ndarray, margin: float) -> np.ndarray:
    """For each row pair (p, w): ``w @ p - max(Z @ w) > margin * |w| * scale`` (chunked over rows)."""
    out = np.zeros(len(P), dtype=bool)
    if len(P) == 0:
        return out
    zmax = np.abs(Z).max(initial=0.0)
    chunk = max(1, _CHUNK_CELLS // max(1, len(Z)))
    for s in range(0, len(P), chunk):
        p, w = P[s:s + chunk], W[s:s + chunk]
        reach = (w @ Z.T).max(axis=1)
        scale = np.maximum(np.maximum(zmax, np.abs(p).max(axis=1, initial=0.0)), 1e-300)
        norm = np.linalg.norm(w, axis=1)
        out[s:s + chunk] = (norm > 0) & ((w * p).sum(axis=1) - reach > margin * norm * scale)
    return out


def save_certificates(certs: HullCertificates, directory: Path, key: str) -> dict[str, str]:
    """Write ``directory/KEY.npz`` atomically; return its path (relative to ``directory``'s parent) and SHA-256."""
    data = certs.to_npz()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{key}.npz"
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return {"file": f"{directory.name}/{path.name}", "sha256": hashlib.sha256(data).hexdigest()}


def verify_saved(out_dir: str | Path, reference: dict[str, str]) -> list[str]:
    """Re-verify the certificates a record names (``{"file", "sha256"}`` under ``out_dir``) from the file alone.

    A missing, altered or unreadable file is a failure like a broken certificate.
    """
    path = Path(out_dir) / reference["file"]
    if not path.is_file():
        return [f"{path}: missing"]
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != reference["sha256"]:
        return [f"{path}: checksum mismatch"]
    try:
        certs = HullCertificates.from_npz(data)
    except (ValueError, KeyError, OSError) as err:
        return [f"{path}: unreadable ({err})"]
    return [f"{path}: {p}" for p in verify(certs)]
