"""Sentence-level detectors the report score uses. They are written for grading and kept apart
from the writer's own filters (write/, process/furniture.py), so the score is not the filter
grading itself: each detector here is a small list of patterns described in docs/quality.md.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-.]*")
_QUOTED = re.compile(r"“.*”|「.*」|\"[^\"]*\"|『.*』")  # greedy: quotations nest
_CITE = re.compile(r"\[\d+\]")
_BOUNDARY = re.compile(r"[“”「」]|[。！？!?](?:\[\d+\])*|(?<![A-Z]\.[A-Z])\.(?=\s+[A-Z\"“(])")  # not after "U.S"
_SENTENCE = re.compile(r"[。！？!?.]")


def sentences(text: str) -> list[str]:
    """Split prose into sentences (Chinese and English end marks), never inside a quotation
    (“…”, 「…」): an attributed quotation of two sentences is one sentence of the report."""
    out, depth, start = [], 0, 0
    for match in _BOUNDARY.finditer(text or ""):
        mark = match.group(0)
        if mark in "“「":
            depth += 1
        elif mark in "”」":
            depth = max(0, depth - 1)
        elif depth == 0 and _SENTENCE.match(text, match.start()):
            end = match.end()
            out.append(text[start:end])
            start = end
    out.append((text or "")[start:])
    return [s.strip() for s in out if s.strip()]


def bare(sentence: str) -> str:
    return _CITE.sub("", sentence).strip()


def in_language(sentence: str, language: str) -> bool:
    """True when the sentence's own voice (quotations removed) is in `language` (zh or en).
    For Chinese, CJK characters are weighed against lower-case Latin words (English grammar
    words), so product and outlet names inside Chinese prose do not make it English."""
    own = _QUOTED.sub("", bare(sentence))
    words = _WORD.findall(own)
    cjk, lower = len(_CJK.findall(own)), sum(w[0].islower() for w in words)
    if cjk + len(words) == 0:
        return True
    if language == "zh":
        return cjk >= 20 or (cjk >= 2 and cjk >= 2 * lower)
    return cjk <= len(words)


# Page furniture: bylines, datelines, reading meta, share/subscribe/login strings, navigation,
# menus run together, emoji lists, image credits.
_FURNITURE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(by|written by|reported by|author)[:\s]+[A-Z\w]",
        r"(作者|编辑|撰文|记者|来源)\s*[|｜:：]",
        r"\b(published|updated|last updated|posted)\b\s*[:：]?\s*(on\s+)?(\w+\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})",
        r"(发布时间|发布日期|更新时间|發佈時間|浏览量|閱讀|阅读)\s*[:：]",
        r"\b\d+\s*(min|minute)s?\s+read\b",
        r"\bseen\s+\d+[dhm]\b",
        r"\b(sign in|log in|subscribe|sign up|share this|read more|click here|follow us|newsletter|cookie)\b",
        r"(点击|關注|关注我们|订阅|登录|分享到|阅读原文|扫码|下载.{0,6}App|一键三连)",
        r"\b(skip to (main )?content|table of contents|advertisement|sponsored)\b",
        r"(广告|目录|返回顶部|上一篇|下一篇)",
        r"(^|\s)(home|首页)\s*[/>›»]",
        r"\s[›»]\s",
        r"(image|photo|credit)s?\s*[:：]|(图片来源|圖片來源|图源|图/|圖/)",
        r"\|\s*\S+\s*\|",
        r"\w\|\S",
        r"\s[·•]\s\S.*\s[·•]\s",
        r"\d+\s*(阅读|閱讀|次浏览|views?\b)",
    )
]
_RUN_TOGETHER = re.compile(r"[a-z]{4,}[A-Z][a-z]{3,}")  # "TrendsIdeas": menu entries glued together
_MENU_SEPARATOR = re.compile(r"\s[&|·•/]\s")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2705\u274C\u2B06\u2B07\u20E3]")


def is_furniture(sentence: str) -> bool:
    text = bare(sentence)
    glued = len(_RUN_TOGETHER.findall(text)) >= 2 and _MENU_SEPARATOR.search(text)  # not "LayerLens, NetworkCraft"
    if any(p.search(text) for p in _FURNITURE) or glued:
        return True
    return len(_EMOJI.findall(text)) >= 2


_ZH_OPENERS = (
    "与此同时",
    "此外",
    "另外",
    "同时",
    "巧的是",
    "不过",
    "但是",
    "但",
    "然而",
    "对此",
    "这也",
    "这一",
    "此举",
    "这意味着",
    "其中",
    "因此",
    "所以",
    "而且",
    "并且",
    "随后",
    "该公司",
    "他表示",
    "她表示",
    "他说",
    "她说",
    "此前",
    "除此之外",
)
_EN_OPENERS = re.compile(
    r"^(however|meanwhile|also|additionally|moreover|furthermore|but|and|still|instead|then|this|that|these|those|"
    r"it|its|they|their|he|she|his|her|the (reply|company|move|deal|report|model|firm)|such|which|as a result)\b",
    re.IGNORECASE,
)


def dangling_opener(sentence: str) -> bool:
    """A sentence that opens by referring back to something before it."""
    text = bare(sentence).lstrip("“\"'（(")
    return text.startswith(_ZH_OPENERS) or bool(_EN_OPENERS.match(text))


def incomplete(sentence: str) -> bool:
    """An enumeration that stops halfway, or a sentence ending on a semicolon or colon."""
    text = bare(sentence)
    if text.endswith(("；", "：", ";", ":")):
        return True
    started = re.search(r"(有二|有三|两点|三点)[：:，,]?\s*(一是|其一|第一)", text)
    return bool(started) and not re.search(r"(二是|其二|第二)", text)


_FIGURE = re.compile(
    r"(?<![A-Za-z\d.])\$?\d[\d,]*(?:\.\d+)?\s*(?:%|％|x|×|倍|亿|万|billion|million|trillion|bn|B|GW|MW|tokens?)?",
    re.IGNORECASE,
)


def figures(sentence: str) -> set[str]:
    """Figures worth checking: numbers with a unit, or with 3+ digits (years excluded)."""
    found = set()
    text = bare(sentence)
    for m in _FIGURE.finditer(text):
        if _in_name(text, m.start(), m.end()):
            continue
        raw = m.group(0).strip()
        digits = re.sub(r"[^\d.]", "", raw)
        has_unit = raw[-1:] not in "0123456789" or raw.startswith("$")
        if not digits or (not has_unit and len(digits.replace(".", "")) < 3):
            continue
        if not has_unit and re.fullmatch(r"(19|20)\d\d", digits):
            continue
        found.add(digits.rstrip("."))
    return found


# A version after a name ("Grok 4.20", "Claude Opus 4.6") and a number inside a hyphenated
# identifier ("Qwen3.6-35B-A3B") are parts of a name, not figures.
_VERSION_AFTER_NAME = re.compile(r"[A-Z][\w.+-]*\s$")


def _in_name(text: str, start: int, end: int) -> bool:
    raw = text[start:end].rstrip()
    if text[start - 1 : start] == "-" and re.match(r"\w", text[start - 2 : start - 1] or " "):
        return True
    if re.match(r"-\w", text[start + len(raw) : start + len(raw) + 2]):
        return True
    return bool(re.fullmatch(r"\d+\.\d+", raw)) and bool(_VERSION_AFTER_NAME.search(text[max(0, start - 40) : start]))


def bigrams(text: str) -> set[str]:
    flat = re.sub(r"[\W_]+", "", bare(text).lower())
    return {flat[k : k + 2] for k in range(len(flat) - 1)}


def near_duplicate(a: str, b: str, threshold: float = 0.6) -> bool:
    x, y = bigrams(a), bigrams(b)
    return bool(x and y) and len(x & y) / len(x | y) >= threshold


def repeated_facts(section_sentences: list[str]) -> int:
    """Sentences of one section that restate a figure or nearly repeat an earlier sentence."""
    seen_figures: set[str] = set()
    repeats = 0
    for k, sentence in enumerate(section_sentences):
        figs = {f for f in figures(sentence) if len(f.replace(".", "")) >= 2}
        if figs & seen_figures or any(near_duplicate(sentence, earlier) for earlier in section_sentences[:k]):
            repeats += 1
        seen_figures |= figs
    return repeats
