"""Use cases that measure quality on labelled data (clustering for now)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EvalError, InputError
from ..importer import Rejection, read_file
from ..process.embed import default_embedder
from ..process.evaluate import BCubed, evaluate_clustering

__all__ = ["ClusteringEval", "clustering"]


@dataclass
class ClusteringEval:
    score: BCubed
    embedder: str
    rejected: list[Rejection] = field(default_factory=list)


def clustering(file: Path) -> ClusteringEval:
    """Dedupe and cluster labelled items (gold `story` key); B-cubed scores and story counts."""
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    found, rejected = read_file(file)
    try:
        score = evaluate_clustering(found)
    except ValueError as exc:
        raise EvalError(f"{file}: {exc}") from None
    return ClusteringEval(score, default_embedder().name, rejected)
