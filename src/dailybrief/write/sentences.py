"""Sentence splitting and comparison, as the writers import them; the code lives in
`process/sentences.py` because the process stage (page-furniture removal) needs it too."""

from ..process.sentences import bigrams, overlap, split_sentences

__all__ = ["bigrams", "overlap", "split_sentences"]
