"""What the extractive writer says in its own words, from the build's own figures: the name of a
story ("Opus 4.7"), a section's title ("智能体与开发工具：Opus 4.7、Agents SDK 与 TinyFish") and
a section's data lead (who reported a story first, who followed, in which languages, how much
the community engaged, which earlier report it continues).

Every clause of a data lead is checked with the verifier's own rules (`verify.check_claims`)
against the items it cites and left out when they do not support it, so the lead is verified
like any copied sentence; its dates against the cited items' publication times and the story's
earlier reports, its engagement against the items' points and comments (`provenance.lead_facts`),
which the verifier reads too.
"""

from __future__ import annotations

import re
from collections import Counter

from ..models import Item, Story
from .draft import DraftSentence
from .provenance import lead_facts
from .verify import check_claims, source_text

_TOKEN = r"[A-Z][A-Za-z0-9.+\-]*|[a-z]+[A-Z][A-Za-z0-9.+\-]*|\d[A-Za-z0-9.+\-]*"
_NAME = re.compile(rf"(?:{_TOKEN})(?: (?:{_TOKEN}))*")
# Title-case words that are no names.
_TITLE_WORDS = {
    "The",
    "A",
    "An",
    "How",
    "Why",
    "What",
    "When",
    "New",
    "Launches",
    "Launch",
    "Introducing",
    "Announces",
    "First",
    "World",
    "World's",
    "Open",
    "Models",
    "Model",
    "AI",
    "Is",
    "Are",
    "Its",
    "It",
    "Of",
    "For",
    "And",
    "With",
    "To",
    "In",
    "On",
    "Says",
    "Said",
    "Release",
    "Releases",
    "Released",
    "Update",
    "Updates",
    "Show",
    "HN",
    "Ask",
    "Tell",
    "This",
    "That",
    "Your",
    "Our",
    "We",
    "You",
    "I",
    "Now",
    "Just",
    "Big",
    "Top",
    "Accelerate",
    "Path",
    "Useful",
    "Next",
    "Evolution",
    "Inside",
    "Here's",
    "Report",
    "Research",
    "Paper",
    "API",
    "GPU",
    "LLM",
    "LLMs",
    "CEO",
    "Google's",
    "OpenAI's",
}
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}(?:大学|研究院|实验室)")


def _names(title: str) -> list[str]:
    """Candidate names in a title: runs of capitalised, mixed-case or numbered tokens, with
    title words trimmed from both ends, and their shorter tails ("Claude Opus 4.7", "Opus 4.7")."""
    out = []
    for match in _NAME.finditer(title):
        tokens = match.group(0).split()
        while tokens and tokens[0].rstrip("'s") in _TITLE_WORDS | {"The"}:
            tokens = tokens[1:]
        while tokens and tokens[-1] in _TITLE_WORDS:
            tokens = tokens[:-1]
        if not tokens or (len(tokens) == 1 and tokens[0].isdigit()):
            continue
        runs = [
            " ".join(tokens[a:b]) for a in range(min(len(tokens), 3)) for b in range(a + 1, min(len(tokens), a + 3) + 1)
        ]
        out += [run for run in dict.fromkeys(runs) if not run[0].isdigit() and len(run) <= 28]
    return out + _CJK_NAME.findall(title)


def story_name(story: Story, others: list[Story], read: list[Item] | None = None) -> str:
    """The short name a story goes by: the name its items' titles share most, and other stories
    of the day share least (a company's name usually names several stories; its product, one).
    Only `read` (the story's items the writer reads, best first) are looked at."""
    items = read or story.items
    mentions: Counter[str] = Counter()
    for item in items:
        for name in set(_names(item.title)):
            mentions[name] += 1
    if not mentions:
        return ""
    other_titles = [" ".join(it.title for it in s.items).lower() for s in others if s.id != story.id]

    def weight(name: str) -> float:
        text_hits = sum(1 for it in items if name.lower() in f"{it.title} {it.text[:400]}".lower())
        shared = sum(1 for titles in other_titles if name.lower() in titles)
        digits = 0.4 if re.search(r"\d", name) else 0.0
        # A name is written the same way in the text; title-case words found only in headlines
        # are no names ("Data Centre Capacity", "Irrationality", "APP").
        pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])")
        in_text = any(pattern.search(it.text) for it in items)
        headline_only = 0.0 if in_text else -1.5
        return mentions[name] + 0.5 * text_hits - 1.2 * shared + digits + 0.1 * len(name.split()) + headline_only

    return max(sorted(mentions), key=lambda n: (weight(n), len(n)))


def section_title(theme: str, names: list[str], language: str, sources: list[str]) -> str:
    """ "主题：A、B 与 C" / "Theme: A, B and C" — the theme alone when no story has a name. A name
    the section's items (`sources`, their texts) do not support by the verifier's rules is left out."""
    kept: list[str] = []
    for name in dict.fromkeys(names):
        # one name per product line: "Gemini 3" makes "Gemini 3.0" redundant
        if name and not check_claims(name, sources) and not any(name.split()[0] == k.split()[0] for k in kept):
            kept.append(name)
    names = kept[:3]
    if not names:
        return theme
    if language == "zh":
        listed = names[0] if len(names) == 1 else "、".join(names[:-1]) + " 与 " + names[-1]
        return f"{theme}：{listed}"
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{theme}: {listed}"


def _spaced(name: str) -> str:
    """A name set off by a space on each side that is Latin, in Chinese text."""
    left = " " if re.match(r"[A-Za-z0-9(]", name[:1]) else ""
    right = " " if re.match(r"[A-Za-z0-9)]", name[-1:]) else ""
    return f"{left}{name}{right}"


def _outlets(items: list[Item]) -> list[Item]:
    """One item per outlet, earliest first."""
    seen: dict[str, Item] = {}
    for item in sorted(items, key=lambda it: (it.published, it.url)):
        seen.setdefault((item.source or item.url).lower(), item)
    return list(seen.values())


def _clauses(story: Story, name: str, language: str, timezone: str) -> list[tuple[str, list[Item]]]:
    """The lead's clauses, each with the items that support it."""
    from zoneinfo import ZoneInfo

    outlets = _outlets(story.items)
    first = outlets[0]
    when = first.published.astimezone(ZoneInfo(timezone))
    zh = language == "zh"
    subject = _spaced(name) if zh else name
    by = _spaced(first.source)
    continued = story.status == "update" and bool(story.earlier_reports)
    out = [
        (
            f"{subject.lstrip()}由{by}于 {when.month} 月 {when.day} 日最早报道"
            if zh
            else f"{first.source} reported {subject} first, on {when.strftime('%B')} {when.day}",
            [first],
        ),
        (f"{subject.lstrip()}由{by}最早报道" if zh else f"{first.source} reported {subject} first", [first]),
    ]
    if continued:
        out = out[1:]  # the story was first reported before this day's items: no date for "first"
    # Followers whose names the verifier reads cleanly ("36氪" reads as a figure next to a name).
    followers = [
        it
        for it in outlets[1:]
        if it.source and not check_claims(it.source, [source_text(it)]) and not re.match(r"\d", it.source)
    ][:3]
    if followers:
        listed = "、".join(it.source for it in followers) if zh else ", ".join(it.source for it in followers)
        more = len(outlets) - 1 > len(followers)
        tail = ("等媒体" if zh else " and others") if more else ""
        out.append((f"{_spaced(listed).lstrip()}{tail}随后跟进" if zh else f"followed by {listed}{tail}", followers))
    langs = {it.lang for it in story.items if it.lang}
    if {"zh", "en"} <= langs:
        out.append(("中英文来源均有报道" if zh else "covered in both Chinese and English", []))
    engaged = max(story.items, key=lambda it: (it.score or 0) + 2 * (it.comments or 0))
    if engaged.score or engaged.comments:
        out.append(
            (
                f"{_spaced(engaged.source).lstrip()}上获 {engaged.score or 0} 分、{engaged.comments or 0} 条评论"
                if zh
                else f"{engaged.score or 0} points and {engaged.comments or 0} comments on {engaged.source}",
                [engaged],
            )
        )
    if continued:
        earlier = story.earlier_reports[-1]
        month, day = int(earlier[5:7]), int(earlier[8:10])
        out.append((f"延续 {month} 月 {day} 日的报道" if zh else f"continuing the report of {earlier}", [first]))
    return out


def _dated(item: Item, story: Story) -> str:
    """An item's text with what a lead may state about it beyond its words (`lead_facts`)."""
    return f"{source_text(item)}\n{lead_facts(item, story.earlier_reports)}"


def data_lead(story: Story, name: str, language: str, timezone: str, read: list[Item]) -> DraftSentence | None:
    """The section's data lead about `story`: the clauses the cited items support, joined. A
    clause that cites no item is checked against `read`, the story's items the writer reads."""
    if not name.strip():
        return None  # "这一事件由…" would open a section with a reference to nothing before it
    kept: list[str] = []
    cited: list[Item] = []
    dated = False
    for clause, items in _clauses(story, name, language, timezone):
        if dated and ("最早报道" in clause or "first" in clause):
            continue  # the dated form of the first clause was kept; skip the undated one
        # The dates (first report, earlier report continued) are metadata, not item text.
        sources = [_dated(it, story) for it in (items or read)]
        if check_claims(clause, sources):
            continue
        if clause.endswith("日最早报道") or re.search(r"first, on", clause):
            dated = True
        kept.append(clause)
        cited += [it for it in (items or []) if it not in cited]
    if len(kept) < 2:
        return None  # "X 由 Y 最早报道" alone says too little to lead a section
    end = "。" if language == "zh" else "."
    sources = [_dated(it, story) for it in cited]
    # Clauses that pass alone can fail together (an outlet named "36氪" reads as a figure next
    # to another name): drop clauses from the end until the whole sentence passes.
    while len(kept) >= 2:
        text = ("，" if language == "zh" else ", ").join(kept) + end
        if not check_claims(text, sources):
            return DraftSentence(text=text, sources=[it.url for it in cited], kind="lead")
        kept.pop()
    return None
