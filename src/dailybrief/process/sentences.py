"""Splitting text into sentences, for Chinese and English alike, and comparing them."""

from __future__ import annotations

import re

# Break after Chinese end punctuation (with any closing quote), or after . ! ? followed by space
# and something that starts a sentence. Decimal points ("4.7") and "U.S." mid-sentence survive.
_BOUNDARY = re.compile(
    r"(?<=[。！？；!?])[”」』\"')）]*\s*"
    r"|(?<=[.!?][”\"')])\s+"
    r"|(?<=[a-z0-9%)][.!?])\s+(?=[A-Z\"“‘(\u4e00-\u9fff])"
)


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        block = block.strip()
        if not block:
            continue
        start = 0
        for match in _BOUNDARY.finditer(block):
            piece = block[start : match.start()].strip()
            if match.start() > start and piece:
                sentences.append(block[start : match.end()].strip())
            start = match.end()
        tail = block[start:].strip()
        if tail:
            sentences.append(tail)
    return [s for s in sentences if len(s) > 1]


def bigrams(text: str) -> set[str]:
    flat = re.sub(r"\W+", "", text.lower())
    return {flat[i : i + 2] for i in range(len(flat) - 1)}


def overlap(a: str | set[str], b: str | set[str]) -> float:
    """Jaccard similarity of character bigrams."""
    sa = bigrams(a) if isinstance(a, str) else a
    sb = bigrams(b) if isinstance(b, str) else b
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)
