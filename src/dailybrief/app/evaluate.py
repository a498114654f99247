"""Use cases that measure quality on labelled data: story clustering on a labelled file, and
report quality on real evaluation cases built day by day (docs/quality.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EvalError, InputError
from ..importer import Rejection, read_file
from ..process.embed import default_embedder
from ..process.evaluate import BCubed, evaluate_clustering
from ..quality.scoring import Score

__all__ = ["ClusteringEval", "clustering", "report"]


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


def report(
    cases: list[Path],
    sample: bool = False,
    writer: str = "extractive",
    language: str = "zh",
    base_url: str | None = None,
    model: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Score]:
    """Build each case (and the bundled sample day) in a temporary home; score every report."""
    # The evaluation suite (and its build of every case) loads only for `eval report`.
    from ..quality.cases import load_case, sample_case
    from ..quality.runner import RunOptions
    from ..quality.suite import evaluate_case
    from .build import SAMPLE_DATE, sample_path

    if language not in ("zh", "en"):
        raise InputError(f"--lang: expected zh or en, got {language!r}")
    loaded = [load_case(folder) for folder in cases]
    if sample:
        loaded.append(sample_case(sample_path(), SAMPLE_DATE))
    if not loaded:
        raise InputError("eval report: name at least one case folder or --sample")
    options = RunOptions(writer=writer, language=language, base_url=base_url, model=model)
    scores = []
    for case in loaded:
        if progress:
            progress(f"building {case.name} ({len(case.report_days)} days)")
        scores.append(evaluate_case(case, options))
    return scores
