"""Glyph coverage for the PDF: characters no installed font can draw become ``〓``.

Typst falls back through every font it knows, but when no font has a glyph it silently draws an
empty box (tofu) and emits no warning. An emoji or a rare character in an item title must not do
that to a published page, so before the data reaches typst each character outside the ranges the
CJK fonts surely cover is checked against the cmaps of the fonts typst can use, and replaced with
the geta mark ``〓`` (U+3013, the customary placeholder for a missing character in Chinese
typesetting) when none covers it.
"""

from __future__ import annotations

from functools import lru_cache

PLACEHOLDER = "〓"

# Ranges Noto CJK SC covers completely: ASCII, Latin-1, general punctuation, CJK punctuation,
# kana, CJK unified ideographs (basic block), fullwidth forms.
_SAFE = (
    (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x30FF),
    (0x4E00, 0x9FFF), (0xFF00, 0xFFEF),
)
_FAMILIES_HINT = ("Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans", "DejaVu Serif", "Libertinus Serif")


def _safe(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _SAFE)


@lru_cache(maxsize=1)
def _coverage() -> frozenset[int]:
    """Code points covered by the regular faces of the fonts typst will use or fall back to."""
    import typst
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    seen: set[tuple[str, int]] = set()
    for info in typst.Fonts().fonts():
        fam = info.family
        wanted = fam in _FAMILIES_HINT or any(k in fam for k in ("Emoji", "Symbol", "Symbola"))
        if not wanted or info.path is None or info.style != "normal" or info.weight != 400:
            continue
        key = (info.path, info.index)
        if key in seen:
            continue
        seen.add(key)
        try:
            font = TTFont(info.path, fontNumber=info.index, lazy=True)
            covered.update(font.getBestCmap() or {})
            font.close()
        except Exception:  # an unreadable font simply covers nothing
            continue
    return frozenset(covered)


def printable(text: str) -> str:
    """``text`` with characters no available font can draw replaced by :data:`PLACEHOLDER`."""
    if all(_safe(ord(ch)) or ch in "\n\t" for ch in text):
        return text
    cov = _coverage()
    out = []
    for ch in text:
        cp = ord(ch)
        if _safe(cp) or ch in "\n\t" or cp in cov:
            out.append(ch)
        elif cp in (0x200D, 0xFE0F, 0xFE0E) or 0x1F3FB <= cp <= 0x1F3FF:
            continue  # joiners, variation selectors, skin tones: drop with the emoji they modify
        else:
            out.append(PLACEHOLDER)
    return "".join(out)
