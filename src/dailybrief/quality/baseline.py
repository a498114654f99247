"""The baseline the story engine is measured against: TF-IDF over character 2–4-grams of each
item's title and text, then agglomerative clustering (average linkage, cosine distance, a fixed
distance threshold chosen once on tests/data/clustering-dev.jsonl). scikit-learn is an
evaluation-only dependency (the `dev` extra); the product does not import this module.
"""

from __future__ import annotations

from ..models import Item
from ..process.evaluate import BCubed, bcubed

DISTANCE = 0.7  # best B-cubed F1 on the dev set (0.59; 0.6–0.93 tried)


def baseline_labels(items: list[Item], distance: float = DISTANCE) -> list[int]:
    """A cluster number per item."""
    if len(items) < 2:
        return list(range(len(items)))
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{it.title}. {it.text[:600]}" for it in items]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(texts)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance, metric="cosine", linkage="average")
    return [int(n) for n in model.fit_predict(matrix.toarray())]


def baseline_score(groups: list[list[Item]], gold: dict[str, str]) -> BCubed:
    """Cluster each group (a day, or the whole window) on its own; score all groups together."""
    predicted, labels = [], []
    for g, items in enumerate(groups):
        for item, cluster in zip(items, baseline_labels(items)):
            predicted.append(f"{g}:{cluster}")
            labels.append(f"{g}:{gold[item.url]}")
    return bcubed(predicted, labels)
