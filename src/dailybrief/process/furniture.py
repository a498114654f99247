"""Page furniture: the parts of a scraped page that are not the article.

Collected pages carry bylines ("智东西 2025/4/13 15:18:26 责编:远洋"), dates and counters
("published Apr 15, 2026 · seen 5d", "899 Upvotes"), calls to action ("Sign up here to get it in
your inbox"), menus whose entries ran together when the markup was stripped
("OpinionSignals & Early TrendsIdeas & Deep Analysis"), emoji and keycap lists, breadcrumbs
("当前位置:首页 > 数码 > …") and the headline repeated as the first sentence. None of it may reach
a report as a sentence.

`furniture_reason(sentence, title)` says why a sentence is furniture (or None); `clean_text`
drops such sentences and lines from an item's text; `display_title` removes forum tags
("[D]", "Show HN:") from a title shown to readers while the item keeps its own.
"""

from __future__ import annotations

import re

from .sentences import split_sentences

# Forum tags that classify a post rather than say what it is about.
_FORUM_TAG = re.compile(
    r"^\s*(?:\[(?:D|R|P|N|Discussion|Research|Project|News)\]\s*|(?:Show|Ask|Tell|Launch) HN\s*[:：]\s*)+",
    re.I,
)
_PICTOGRAPH = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2705\u274c]")
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")
_DATE = re.compile(
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/]\d{1,2}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:,? \d{4})?"
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}"
    r"|'\d{2}\b|\d{4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d+\s*(?:个月|天|小时|分钟|年)前"
    r"|\b\d+\s*(?:[smhdwy]|mins?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b|\bseen \d+[smhdw]\b",
    re.I,
)
# Words that only ever surround a date or a counter in page chrome.
_META_WORDS = re.compile(
    r"\b(?:published|updated|posted|seen|by|on|at|min(?:ute)?s?|read(?:ing)?|time|ago|views?|"
    r"comments?|upvotes?|points?|likes?|shares?|edited|admin|date|today|yesterday)\b"
    r"|发布(?:于|时间)?|更新|时间|来源|作者|责编|责任编辑|编辑|阅读|浏览|评论|点赞|收藏|分享|转发|原创|早报|新闻",
    re.I,
)
_CALL_TO_ACTION = re.compile(
    r"^(?:sign up|subscribe|share (?:this|on|via)|follow us|log ?in|sign in|click here|read more|"
    r"continue reading|watch now|join (?:over|our|\d)|download (?:the|our) app|leave a comment|"
    r"refer a friend)\b",
    re.I,
)
_CHROME = re.compile(
    r"comments are closed|view all comments|comments? sorted by|opens in a new window|image credits?:|"
    r"all rights reserved|\bcopyright ©|\d+\s+upvotes\b|in partnership with|sponsored by|"
    r"^advertisement$|^\s*comment\s*$|分享到|扫码|扫一扫|关注(?:我们|公众号)|阅读原文|返回(?:顶部|首页)|"
    r"上一篇|下一篇|版权所有|免责声明|责任编辑|责编[:：]|^\s*(?:作者|来源|编辑|文|图)\s*[:：|｜]",
    re.I,
)
_BREADCRUMB = re.compile(r"当前位置|您的位置|^\s*(?:home|首页)\s*[>»/|]|(?:[^\s>»]{1,20}\s*[>»]\s*){2,}", re.I)
# Glued menu entries: "OpinionSignals", "TECHNOLOGYFirmus", "valuationNvidia" — a lower-case run
# of five or more letters (or a capital run of four) straight into a capitalised word.
_GLUED = re.compile(r"(?:[a-z]{5,}|[A-Z]{4,})[A-Z][a-z]{2,}")
_GLUED_STOP = re.compile(r"[a-z0-9][.!?][A-Z]|·")
_FORUM_META = re.compile(r"(?:^|\s)u/[\w-]+|(?:^|\s)r/\w+\s*[•·]")
_WORD = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")
_PIPE = re.compile(r"[|｜]")


def display_title(title: str) -> str:
    """The title as a reader should see it: forum tags removed ("[D] Why …" → "Why …")."""
    stripped = _FORUM_TAG.sub("", title).strip()
    return stripped or title


def _content_words(sentence: str) -> int:
    rest = _META_WORDS.sub(" ", _DATE.sub(" ", sentence))
    return len(_WORD.findall(rest))


def _same_as_title(sentence: str, title: str) -> bool:
    if not title:
        return False
    norm = re.sub(r"[\W_]+", "", sentence.lower())
    head = re.sub(r"[\W_]+", "", display_title(title).lower())
    return bool(head) and (norm == head or (norm.startswith(head) and len(norm) <= len(head) + 6))


def _is_menu(sentence: str) -> bool:
    """Menu entries in a row: glued words, or short tokens with no punctuation at all."""
    glued = len(_GLUED.findall(sentence))
    if glued >= 2 or (glued and _GLUED_STOP.search(sentence)):
        return True
    tokens = sentence.split()
    if len(tokens) >= 4 and not re.search(r"[，。,.!?！？；;：:]", sentence):
        return all(len(t) <= 4 for t in tokens) and any(re.search(r"[\u4e00-\u9fff]", t) for t in tokens)
    return False


def furniture_reason(sentence: str, title: str = "") -> str | None:
    """Why `sentence` is page furniture rather than article text, or None when it is not."""
    text = sentence.strip()
    if not text:
        return "empty"
    if _same_as_title(text, title):
        return "headline repeated as a sentence"
    if _BREADCRUMB.search(text) and len(text) < 160:
        return "navigation breadcrumb"
    if _KEYCAP.search(text) or len(_PICTOGRAPH.findall(text)) >= 2 or (_PIPE.search(text) and len(text) < 40):
        return "emoji or pipe menu"
    if _FORUM_META.search(text) and _content_words(text) < 12:
        return "forum byline"
    if _CHROME.search(text) or (_CALL_TO_ACTION.search(text) and len(text) < 160):
        return "share, subscribe or login string"
    if _is_menu(text):
        return "menu entries run together"
    bare = not re.search(r"[.!?。！？]\W*$", text) or re.search(r"\d", text)
    if bare and _content_words(text) < (4 if re.search(r"[\u4e00-\u9fff]", text) else 3):
        return "byline, date or counter"
    if re.match(r"^by [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}\s*$", text, re.I) and len(text) < 50:
        return "byline"
    if _DATE.search(text) and len(text) < 60 and _content_words(text) < 4:
        return "byline, date or counter"
    return None


def _emoji_list_lines(lines: list[str]) -> set[int]:
    """Lines of a list whose entries start with an emoji or bullet (a newsletter's table of
    contents): two or more such lines in a row."""
    starts = [bool(_PICTOGRAPH.match(line.strip()) or _KEYCAP.match(line.strip())) for line in lines]
    out = set()
    for i, flag in enumerate(starts):
        if flag and ((i > 0 and starts[i - 1]) or (i + 1 < len(starts) and starts[i + 1])):
            out.add(i)
    return out


def clean_text(text: str, title: str = "") -> str:
    """`text` without furniture: emoji lists, then furniture sentences, line by line."""
    lines = text.split("\n")
    listed = _emoji_list_lines(lines)
    kept_lines = []
    for i, line in enumerate(lines):
        if i in listed:
            continue
        kept = [s for s in split_sentences(line) if furniture_reason(s, title) is None]
        if kept:
            kept_lines.append(" ".join(kept) if not re.search(r"[\u4e00-\u9fff]", line) else "".join(kept))
    return "\n".join(kept_lines)
