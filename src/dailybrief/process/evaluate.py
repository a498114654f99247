"""Clustering quality against gold labels: B-cubed precision, recall and F1.

For each item, precision is the share of its predicted story that shares its gold label, and
recall the share of its gold story that landed in its predicted story; both are averaged over
items. F1 is their harmonic mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass
class BCubed:
    precision: float
    recall: float
    f1: float
    items: int
    predicted_stories: int
    gold_stories: int


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> BCubed:
    """`predicted[i]` and `gold[i]` are the cluster labels of item i."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold labels differ in length")
    n = len(gold)
    if n == 0:
        return BCubed(1.0, 1.0, 1.0, 0, 0, 0)
    pairs = Counter(zip(predicted, gold))
    pred_sizes = Counter(predicted)
    gold_sizes = Counter(gold)
    precision = sum(pairs[(p, g)] / pred_sizes[p] for p, g in zip(predicted, gold)) / n
    recall = sum(pairs[(p, g)] / gold_sizes[g] for p, g in zip(predicted, gold)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(round(precision, 4), round(recall, 4), round(f1, 4), n, len(pred_sizes), len(gold_sizes))


def evaluate_clustering(items: list, embedder=None) -> BCubed:  # noqa: ANN001 - list[Item]
    """Dedupe and cluster labelled items (gold label in `extra['story']`), fold small stories as
    the pipeline does (process/story_pairs.py), and score the result.

    Items folded into another as syndicated copies take their primary's story. Items with the
    same canonical URL count once, as they would in the store.
    """
    from .dedupe import dedupe
    from .stories import cluster
    from .story_pairs import merge_small_stories

    unique = list({item.url: item for item in items}.values())
    gold = {item.url: str(item.extra.get("story", "")) for item in unique}
    missing = [url for url, label in gold.items() if not label]
    if missing:
        raise ValueError(f"{len(missing)} items have no 'story' label, e.g. {missing[0]}")
    deduped = dedupe(unique)
    predicted: dict[str, str] = {}
    stories, _ = merge_small_stories(cluster(deduped.items, embedder), embedder)
    for story in stories:
        for item in story.items:
            predicted[item.url] = story.id
            for mirror in item.mirrors:
                predicted[mirror.url] = story.id
    urls = list(gold)
    return bcubed([predicted[u] for u in urls], [gold[u] for u in urls])
