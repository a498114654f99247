"""Keyword matching shared by relevance and sections: whole words for Latin terms
(so "AI" does not match "said"), plain substrings for Chinese terms."""

from __future__ import annotations

import re
from collections.abc import Iterable


class Terms:
    """A compiled set of terms; `find(text)` returns the distinct terms present."""

    def __init__(self, terms: Iterable[str]):
        self.terms = [t for t in dict.fromkeys(t.strip() for t in terms) if t]
        parts = []
        for term in self.terms:
            escaped = re.escape(term)
            if re.match(r"\w", term, re.ASCII):
                escaped = r"(?<![A-Za-z0-9])" + escaped
            if re.search(r"\w$", term, re.ASCII):
                escaped = escaped + r"(?![A-Za-z0-9])"
            parts.append(escaped)
        # Terms that are all lower case match any case; acronyms such as "AI" must match as written.
        self._insensitive = re.compile(
            "|".join(p for p, t in zip(parts, self.terms) if t.lower() == t) or r"(?!x)x", re.I
        )
        self._sensitive = re.compile("|".join(p for p, t in zip(parts, self.terms) if t.lower() != t) or r"(?!x)x")

    def find(self, text: str) -> set[str]:
        found = {m.group(0).lower() for m in self._insensitive.finditer(text)}
        found |= {m.group(0).lower() for m in self._sensitive.finditer(text)}
        return found

    def count(self, text: str) -> int:
        """How many times the terms occur (each occurrence, not each distinct term)."""
        return sum(1 for _ in self._insensitive.finditer(text)) + sum(1 for _ in self._sensitive.finditer(text))

    def __bool__(self) -> bool:
        return bool(self.terms)
