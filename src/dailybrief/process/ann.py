"""Approximate nearest stories: a coarse quantiser (inverted file of k-means cells) over item
vectors, so that clustering compares an item with the stories near it instead of every open one.

Cells are trained once per run on a sample of the day's item vectors, in a `REDUCED`-dimension
PCA space (centred, so the direction all texts share does not dominate). Every item gets the
`nprobe` cells nearest to it (one matrix product in blocks); a story is registered in the home
cell of each of its members, whose vectors never move, so a story's registrations only grow as
it grows. An item's candidates are the stories registered in its probed cells.

There is one cell per `ITEMS_PER_CELL` items, so the candidates per item stay about constant
as the day grows and the clustering pass is linear in items. Assigning items to cells costs
n x cells x REDUCED multiply-adds, quadratic in principle but 64/512 of a full comparison and
a few seconds at 100k items; cells stop growing at `MAX_CELLS`.
"""

from __future__ import annotations

import numpy as np

MAX_CELLS = 8192
ITEMS_PER_CELL = 24
REDUCED = 64
SAMPLE = 20_000
ITERATIONS = 3
BLOCK = 8192


def cell_count(n: int) -> int:
    """One cell per ITEMS_PER_CELL items, at most MAX_CELLS."""
    return max(1, min(MAX_CELLS, n // ITEMS_PER_CELL))


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
    reduced = (vectors - mean) @ axes.T
    norms = np.linalg.norm(reduced, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (reduced / norms).astype(np.float32, copy=False)


def train_cells(vectors: np.ndarray, n_cells: int, seed: int = 0) -> np.ndarray:
    """Spherical k-means on a sample of the rows; returns L2-normalised cell centres."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    size = max(SAMPLE, 8 * n_cells)
    sample = vectors[rng.choice(n, size=size, replace=False)] if n > size else vectors
    n_cells = min(n_cells, len(sample))
    centres = sample[rng.choice(len(sample), size=n_cells, replace=False)].copy()
    for _ in range(ITERATIONS):
        nearest = np.argmax(sample @ centres.T, axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, nearest, sample)
        counts = np.bincount(nearest, minlength=n_cells)
        filled = counts > 0
        centres[filled] = sums[filled]  # empty cells keep their seed
        norms = np.linalg.norm(centres, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        centres = centres / norms
    return centres.astype(np.float32, copy=False)


def nearest_cells(vectors: np.ndarray, centres: np.ndarray, nprobe: int) -> np.ndarray:
    """The `nprobe` cells nearest to each row, nearest first, as an (n, nprobe) int array."""
    nprobe = min(nprobe, len(centres))
    out = np.empty((len(vectors), nprobe), dtype=np.int32)
    for start in range(0, len(vectors), BLOCK):
        sims = vectors[start : start + BLOCK] @ centres.T
        if nprobe < sims.shape[1]:
            top = np.argpartition(-sims, nprobe - 1, axis=1)[:, :nprobe]
        else:
            top = np.tile(np.arange(sims.shape[1]), (len(sims), 1))
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1)
        out[start : start + BLOCK] = np.take_along_axis(top, order, axis=1)
    return out


class CellIndex:
    """Stories registered by cell; `candidates(i)` gives the stories near item i."""

    def __init__(self, vectors: np.ndarray, nprobe: int = 8, n_cells: int | None = None, seed: int = 0):
        reduced = reduce(vectors, seed=seed)
        centres = train_cells(reduced, n_cells or cell_count(len(vectors)), seed)
        self.probes = nearest_cells(reduced, centres, nprobe)
        self.cells: list[list[int]] = [[] for _ in range(len(centres))]
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
            found.update(self.cells[cell])
        return found
