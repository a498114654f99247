"""Split a Markdown message into parts that each fit one channel's limit.

Chat services cap a message by the size of what is sent (bytes of a JSON body, UTF-16 units of
the visible text, characters of one block), so the splitter never measures anything itself: the
channel passes ``fits(body, label)``, which renders the part the way it will be sent and checks the
limit on that. The splitter only chooses where to cut:

1. between paragraphs (blank lines), else
2. between lines, else
3. after a sentence end or a space,

and never inside a link ``[text](url)``, a bare URL, inline code or an emphasis pair
(``**bold**``, ``*it*``, ``_it_``), nor inside a character (Python strings hold code points, so
a cut never lands inside a UTF-8 sequence or a UTF-16 surrogate pair). Only a single construct
larger than a whole message is degraded: a link becomes its text and URL, emphasis is dropped,
and a lone word longer than the limit is cut between characters.

Parts are labelled ``(1/3)``…; a message that fits in one part has no label. The result depends
only on the text and the limit, so a re-run produces the same parts in the same order and the
deliveries table can tell which ones are still missing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from dailybrief.errors import PublishError

Fits = Callable[[str, str], bool]

# The widest label a message of up to 99 parts can carry: the first pass reserves its room.
_WIDEST_LABEL = "(99/99)"
MAX_PARTS = 99

# Constructs that must stay whole. Order matters: links before emphasis.
_ATOM = re.compile(
    r"!?\[[^\]\n]*\]\([^)\s]*\)"  # [text](url), ![alt](src)
    r"|<https?://[^>\s]+>"  # <https://…>
    r"|https?://[^\s<>()\[\]（）【】，。；：！？、]+"  # bare URL
    r"|`[^`\n]+`"  # inline code
    r"|\*\*[^*\n]+\*\*"  # **bold**
    r"|__[^_\n]+__"
    r"|(?<![*\w])\*[^*\s][^*\n]*\*(?![*\w])"  # *it*
    r"|(?<![_\w])_[^_\s][^_\n]*_(?![_\w])"
)
# Where a line may be cut: after a sentence end (kept on the left) or after whitespace.
_BREAK = re.compile(r"(?<=[。！？；.!?;])(?=\S)|(?<=\s)(?=\S)")


@dataclass(frozen=True)
class Part:
    """One message of a split: ``index`` counts from 1; ``label`` is empty when ``total`` is 1."""

    index: int
    total: int
    body: str
    label: str

    @property
    def key(self) -> str:
        """The part's name in the deliveries table: ``1/3``."""
        return f"{self.index}/{self.total}"


def label_for(index: int, total: int) -> str:
    return f"({index}/{total})" if total > 1 else ""


def split_message(text: str, fits: Fits, channel: str = "") -> list[Part]:
    """Cut ``text`` into the fewest greedy parts for which ``fits(body, label)`` holds."""
    text = text.strip()
    if fits(text, ""):
        return [Part(1, 1, text, "")]
    bodies = _pack_blocks(text, lambda body: fits(body, _WIDEST_LABEL), channel)
    if len(bodies) > MAX_PARTS:
        raise PublishError(f"{channel}: the message needs {len(bodies)} parts (at most {MAX_PARTS})")
    total = len(bodies)
    return [Part(i, total, body, label_for(i, total)) for i, body in enumerate(bodies, 1)]


def _pack_blocks(text: str, fits: Callable[[str], bool], channel: str) -> list[str]:
    """Greedy packing of tokens: whole paragraphs where they fit in a part, else their lines,
    else their pieces; each token carries the separator that joins it to the one before."""
    parts: list[str] = []
    current = ""
    for sep, token in _tokens(text, fits, channel):
        candidate = current + sep + token if current else token
        if fits(candidate.strip()):
            current = candidate
        else:
            if current.strip():
                parts.append(current.strip())
            current = token
    if current.strip():
        parts.append(current.strip())
    return parts


def _tokens(text: str, fits: Callable[[str], bool], channel: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]
    for b, block in enumerate(blocks):
        block_sep = "\n\n" if b else ""
        if fits(block.strip()):
            out.append((block_sep, block))
            continue
        lines = [line for line in block.split("\n") if line.strip()]
        for n, line in enumerate(lines):
            line_sep = block_sep if n == 0 else "\n"
            if fits(line.strip()):
                out.append((line_sep, line))
                continue
            small = [p for piece in pieces_of(line) for p in _smaller(piece, fits, channel)]
            out.extend((line_sep if i == 0 else "", p) for i, p in enumerate(small))
    return out


def pieces_of(line: str) -> list[str]:
    """A line as unbreakable pieces, each with its trailing space; joining them gives ``line``."""
    cuts = {0, len(line)}
    protected: list[tuple[int, int]] = [(m.start(), m.end()) for m in _ATOM.finditer(line)]
    for m in _BREAK.finditer(line):
        if not any(start < m.start() < end for start, end in protected):
            cuts.add(m.start())
    ordered = sorted(cuts)
    return [line[a:b] for a, b in itertools.pairwise(ordered) if a < b]


def _smaller(piece: str, fits: Callable[[str], bool], channel: str) -> list[str]:
    """A piece that fits alone, else smaller ones: cut at construct edges, then a construct
    degraded to plain text (a link to its text and URL), then cuts between characters."""
    if fits(piece.strip()):
        return [piece]
    edges = sorted({0, len(piece)} | {i for m in _ATOM.finditer(piece) for i in (m.start(), m.end())})
    segments = [piece[a:b] for a, b in itertools.pairwise(edges) if a < b]
    if len(segments) > 1:
        return [p for seg in segments for p in _smaller(seg, fits, channel)]
    plain = _plain(piece)
    if plain != piece:
        return [p for sub in pieces_of(plain) for p in _smaller(sub, fits, channel)]
    return _cut_chars(piece, fits, channel)


def _plain(piece: str) -> str:
    link = re.fullmatch(r"(\s*)!?\[([^\]\n]*)\]\(([^)\s]*)\)(\s*)", piece)
    if link:
        return f"{link.group(1)}{link.group(2)} {link.group(3)}{link.group(4)}"
    return re.sub(r"^(\s*)(\*\*|__|\*|_|`)(.*)\2(\s*)$", r"\1\3\4", piece)


def _cut_chars(text: str, fits: Callable[[str], bool], channel: str) -> list[str]:
    out: list[str] = []
    start = 0
    while start < len(text):
        lo, hi = start + 1, len(text)
        if not fits(text[start:lo]):
            raise PublishError(f"{channel}: the limit is too small for even one character")
        while lo < hi:  # the longest prefix that fits (fits is monotonic in length)
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if fits(text[start:mid]) else (lo, mid - 1)
        out.append(text[start:lo])
        start = lo
    return out
