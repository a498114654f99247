"""Approximate nearest stories: a two-level inverted file of k-means cells over item vectors, so
that clustering compares an item with the stories near it instead of every open one.

Cells live in a `REDUCED`-dimension PCA space (centred, so the direction all texts share does
not dominate). The index has two levels: `coarse` cells (about the square root of the number of
fine cells) trained on a sample, and inside each coarse cell its own fine cells trained on the
items whose nearest coarse cell it is. An item is assigned by looking at every coarse centre,
then only at the fine centres of its `COARSE_PROBE` nearest coarse cells; its `nprobe` nearest
fine cells among those are its probes, the nearest one its home cell. Assignment is done per
coarse cell in batched matrix products (no Python loop over items), and costs about
n x (coarse + COARSE_PROBE x fine-per-coarse) x REDUCED multiply-adds, i.e. n x 4 sqrt(cells)
instead of n x cells: at 100k items 250 dot products per item instead of 3,800.

There is one fine cell per `ITEMS_PER_CELL` items, so the candidates per item stay about
constant as the day grows. A story is registered in the home cell of each of its members,
whose vectors never move, so a story's registrations only grow as it grows. An item's
candidates are the stories registered in its probed cells.
"""

from __future__ import annotations

import math

import numpy as np

ITEMS_PER_CELL = 24
REDUCED = 64
SAMPLE = 20_000  # rows for the PCA axes (a quarter) and the coarse k-means
FINE_SAMPLE = 32  # rows per fine cell used to train the fine k-means of one coarse cell
COARSE_PROBE = 3
ITERATIONS = 4
BLOCK = 16384


def cell_count(n: int) -> int:
    """One fine cell per ITEMS_PER_CELL items."""
    return max(1, n // ITEMS_PER_CELL)


def reduce(vectors: np.ndarray, dims: int = REDUCED, seed: int = 0) -> np.ndarray:
    """Rows projected on the top `dims` principal axes of a sample, centred, L2-normalised."""
    if vectors.shape[1] <= dims:
        return vectors
    rng = np.random.default_rng(seed)
    n = len(vectors)
    sample = vectors[rng.choice(n, size=min(n, SAMPLE // 4), replace=False)] if n > SAMPLE // 4 else vectors
    mean = sample.mean(axis=0)
    centred = (sample - mean).astype(np.float64)
    _, eigenvectors = np.linalg.eigh(centred.T @ centred)  # ascending eigenvalues
    axes = eigenvectors[:, ::-1][:, :dims].T.astype(np.float32)
    out = np.empty((n, dims), dtype=np.float32)
    for start in range(0, n, BLOCK):
        block = (vectors[start : start + BLOCK] - mean) @ axes.T
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out[start : start + BLOCK] = block / norms
    return out


def train_cells(vectors: np.ndarray, n_cells: int, seed: int = 0, sample_size: int = SAMPLE) -> np.ndarray:
    """Spherical k-means on a sample of the rows; returns L2-normalised cell centres."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    sample = vectors[rng.choice(n, size=sample_size, replace=False)] if n > sample_size else vectors
    n_cells = max(1, min(n_cells, len(sample)))
    centres = sample[rng.choice(len(sample), size=n_cells, replace=False)].copy()
    for _ in range(ITERATIONS):
        nearest = np.argmax(sample @ centres.T, axis=1)
        by_cell = np.argsort(nearest, kind="stable")
        filled, starts = np.unique(nearest[by_cell], return_index=True)
        centres[filled] = np.add.reduceat(sample[by_cell], starts, axis=0)  # empty cells keep their seed
        norms = np.linalg.norm(centres, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        centres = centres / norms
    return centres.astype(np.float32, copy=False)


def _top(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the `k` largest entries of each row, largest first."""
    k = min(k, sims.shape[1])
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < sims.shape[1] else np.broadcast_to(
        np.arange(sims.shape[1]), sims.shape).copy()
    values = np.take_along_axis(sims, top, axis=1)
    order = np.argsort(-values, axis=1)
    return np.take_along_axis(top, order, axis=1), np.take_along_axis(values, order, axis=1)


def nearest_cells(vectors: np.ndarray, centres: np.ndarray, nprobe: int) -> np.ndarray:
    """The `nprobe` cells nearest to each row, nearest first (flat, exhaustive: small indexes)."""
    out = np.empty((len(vectors), min(nprobe, len(centres))), dtype=np.int32)
    for start in range(0, len(vectors), BLOCK):
        out[start : start + BLOCK] = _top(vectors[start : start + BLOCK] @ centres.T, nprobe)[0]
    return out


class TwoLevelCells:
    """Coarse k-means cells, each split into its own fine k-means cells (global fine ids)."""

    def __init__(self, reduced: np.ndarray, n_cells: int, seed: int = 0, coarse_probe: int = COARSE_PROBE):
        n = len(reduced)
        self.n_coarse = max(1, min(int(round(math.sqrt(n_cells))), n))
        self.coarse = train_cells(reduced, self.n_coarse, seed)
        self.n_coarse = len(self.coarse)
        self.coarse_probe = min(coarse_probe, self.n_coarse)
        self.coarse_of = nearest_cells(reduced, self.coarse, self.coarse_probe)  # (n, coarse_probe)
        per = max(1, math.ceil(n_cells / self.n_coarse))
        home = self.coarse_of[:, 0]
        by_coarse = np.argsort(home, kind="stable")
        bounds = np.searchsorted(home[by_coarse], np.arange(self.n_coarse + 1))
        rng = np.random.default_rng(seed + 1)
        self.fine: list[np.ndarray] = []
        self.offset = np.zeros(self.n_coarse + 1, dtype=np.int64)
        for c in range(self.n_coarse):
            rows = by_coarse[bounds[c] : bounds[c + 1]]
            if len(rows) == 0:
                centres = self.coarse[c : c + 1]
            else:
                k = max(1, min(per, len(rows) // 2 or 1))
                centres = train_cells(reduced[rows], k, int(rng.integers(1 << 31)), sample_size=FINE_SAMPLE * k)
            self.fine.append(centres)
            self.offset[c + 1] = self.offset[c] + len(centres)
        self.n_cells = int(self.offset[-1])

    def probes(self, reduced: np.ndarray, nprobe: int) -> np.ndarray:
        """(n, nprobe) global fine cell ids, nearest first, among the fine cells of each row's
        `coarse_probe` nearest coarse cells; one batched product per coarse cell."""
        n = len(reduced)
        slots = self.coarse_probe * nprobe
        ids = np.full((n, slots), -1, dtype=np.int64)
        sims = np.full((n, slots), -np.inf, dtype=np.float32)
        flat = self.coarse_of.ravel()
        order = np.argsort(flat, kind="stable")
        bounds = np.searchsorted(flat[order], np.arange(self.n_coarse + 1))
        for c in range(self.n_coarse):
            entries = order[bounds[c] : bounds[c + 1]]
            if not len(entries):
                continue
            rows, slot = np.divmod(entries, self.coarse_probe)
            k = min(nprobe, len(self.fine[c]))
            top, values = _top(reduced[rows] @ self.fine[c].T, k)
            cols = slot[:, None] * nprobe + np.arange(k)[None, :]
            ids[rows[:, None], cols] = top + self.offset[c]
            sims[rows[:, None], cols] = values
        best, _ = _top(sims, nprobe)
        out = np.take_along_axis(ids, best, axis=1)
        return out.astype(np.int32)


class CellIndex:
    """Stories registered by cell; `candidates(i)` gives the stories near item i."""

    def __init__(self, vectors: np.ndarray, nprobe: int = 8, n_cells: int | None = None, seed: int = 0):
        reduced = reduce(vectors, seed=seed)
        tree = TwoLevelCells(reduced, n_cells or cell_count(len(vectors)), seed)
        self.n_cells = tree.n_cells
        self.probes = tree.probes(reduced, nprobe)
        self.cells: list[list[int]] = [[] for _ in range(self.n_cells)]
        self._registered: set[tuple[int, int]] = set()

    def register(self, item: int, story: int) -> None:
        """Record that `story` now has item `item` as a member (in the item's home cell)."""
        cell = int(self.probes[item, 0])
        if (cell, story) not in self._registered:
            self._registered.add((cell, story))
            self.cells[cell].append(story)

    def candidates(self, item: int) -> set[int]:
        found: set[int] = set()
        for cell in self.probes[item]:
            if cell >= 0:
                found.update(self.cells[cell])
        return found
