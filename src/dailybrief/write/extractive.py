"""The offline extractive writer: the report body is made of sentences of the items, edited the
way an editor edits a clipping, plus a data lead per section stated from the build's figures.

Per section, sentences are chosen greedily by an MMR-style score — informative (report
language, early in the item, figures, names other items share) minus its closeness to what the
section already says — under these rules:

- furniture is never a sentence (`process.furniture`); a figure is stated once per section
  and a near-identical sentence is skipped;
- a quote budget per item: at most `QUOTE_SENTENCES` sentences and `QUOTE_SHARE` of its text
  (one sentence of any item is allowed, even of a teaser where it is more), and each further
  sentence from an item already quoted costs `SOURCE_PENALTY`, so a story
  draws on several sources before it draws more from one;
- no enumeration left open, no sentence ending on "；" or "：" (`editing`);
- an opener that refers back stays only right after the sentence it refers to; a connective is
  dropped, any other such sentence is skipped;
- relative dates become absolute from the item's publication time in the report's timezone,
  or are dropped when the verifier could not check the date;
- a sentence not in the report language appears only as an attributed quotation
  ("据 TechCrunch 报道：“…”"), and only when the story lacks report-language sentences.

Cost is bounded per story: its items are ranked and only the best `MAX_ITEMS` are read, and
cross-language support is looked for in the best `MAX_SUPPORT_ITEMS` other-language items.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..models import Item, Section, Story
from ..process.furniture import clean_text, display_title, furniture_reason
from ..process.normalise import detect_lang
from ..process.rank import KIND_WEIGHTS
from ..process.stories import story_text
from ..tuning import (
    CROSS_LANGUAGE_FACT,
    FOREIGN_QUOTES,
    MAX_CROSS_LANGUAGE,
    MAX_ITEMS,
    MAX_SUPPORT_ITEMS,
    MMR_WEIGHT,
    QUOTE_SENTENCES,
    QUOTE_SHARE,
    REDUNDANT,
    SAME_FACT,
    SENTENCES_PER_ITEM,
    SOURCE_PENALTY,
)
from .base import WriteContext, register
from .draft import Draft, DraftParagraph, DraftSection, DraftSentence
from .editing import (
    absolute_dates,
    close_semicolons,
    ends_open,
    has_relative_date,
    incomplete_enumeration,
    opener,
    without_opener,
)
from .lead import data_lead, section_title, story_name
from .numbers import SOFT_UNITS, quantities
from .sentences import bigrams, overlap, split_sentences
from .verify import check_claims, source_text

_DIGIT = re.compile(r"\d")
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9.\-]+")
# Wire datelines say where a story was filed, not what happened: "IT之家 4 月 16 日消息，",
# "新浪科技讯 4 月 16 日晚间消息，", "SAN FRANCISCO (AP) — ".
_DATELINE = re.compile(
    r"^(?:[\w\u4e00-\u9fff]{1,12}?讯\s*)?(?:[\w\u4e00-\u9fff]{1,12}\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"(?:早间|晚间|上午|下午|凌晨)?(?:消息|电)[，,]\s*"
    r"|^[A-Z][A-Z .]{2,30}\((?:AP|Reuters|AFP|Bloomberg)\)\s*[—–-]+\s*"
    # Press-wire openers: "PALO ALTO, Calif.--(BUSINESS WIRE)--", "SANTA CLARA, Calif., April 16,
    # 2026 (GLOBE NEWSWIRE) --".
    r"|^[A-Z][A-Za-z0-9 .,]{2,80}?-*\((?:BUSINESS WIRE|GLOBE NEWSWIRE|PR NEWSWIRE|PRNewswire)\)\s*-+\s*"
    # A bracketed desk tag: "〔財經頻道／綜合報導〕", "【新智元导读】".
    r"|^[〔【\[][^〕】\]]{1,16}[〕】\]]\s*"
    # A date and a dash: "2026 年 2 月 18 日 —— ", "Feb. 18, 2026 — ".
    r"|^(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*[—–-]+\s*"
    r"|^[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}\s*[—–-]+\s*"
)
# A sentence in a company's own voice ("we're releasing") or about the item itself ("this post
# explains", "the thread asks") reads wrongly in a third-person report.
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Ww]e're|[Ww]e've|[Oo]ur|us|I|I'm|[Mm]y)\b|我们|我們|我司|笔者|筆者|小编|小編")
_META = re.compile(
    r"^(?:in )?(?:this|the) (?:[\w-]+ ){0,2}(?:post|article|video|segment|episode|thread|poster|"
    r"summary|week's|newsletter)\b|^本文|^这篇(?:文章|帖子)|^帖子|^楼主|^视频中",
    re.I,
)
_ATTRIBUTION = {
    "zh": {"forum": "{source} 上有网友写道", "paper": "{source} 上的论文写道", "video": "{source} 的视频中提到",
           "blog": "{source} 在博客中写道", "press": "{source} 的新闻稿称", "release": "{source} 的发布说明写道",
           "": "据 {source} 报道"},
    "en": {"forum": "A post on {source} reads", "paper": "A paper on {source} states", "video": "{source} says",
           "blog": "{source} writes", "press": "{source} says", "release": "{source}'s release notes say",
           "": "{source} reports"},
}


def _facts(sentence: str) -> int:
    return len(_DIGIT.findall(sentence)) // 2 + len(_NAME.findall(sentence))


def strip_dateline(sentence: str) -> str:
    stripped = _DATELINE.sub("", sentence, count=1)
    return stripped if len(stripped) >= 8 else sentence


def lang_of(sentence: str) -> str:
    """zh or en: a sentence without letters of either script counts as English."""
    return "zh" if detect_lang(sentence) == "zh" else "en"


_DIGITS = re.compile(r"(?<![\d.])\d{3,}(?![\d.])")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _figures(sentence: str) -> set[tuple[float, str | None]]:
    """The hard figures of a sentence (dates left out): what must be stated once per section.
    Besides the quantities, any number of three or more digits but a year counts as it is
    written, so that one figure with a garbled unit ("150 元美元" beside "150 亿美元") is caught."""
    found = {(q.value, q.unit) for q in quantities(sentence) if q.unit not in SOFT_UNITS or q.unit is None}
    return found | {(float(n), "digits") for n in _DIGITS.findall(sentence) if not _YEAR.fullmatch(n)}


@dataclass
class _Candidate:
    text: str
    item: Item
    position: int
    score: float
    grams: set[str]
    lang: str
    figures: set[tuple[float, str | None]]


@dataclass
class _Section:
    """What a section has said so far, and how much of each item it has quoted."""

    chosen: list[_Candidate] = field(default_factory=list)
    figures: set[tuple[float, str | None]] = field(default_factory=set)
    quoted: dict[str, tuple[int, int]] = field(default_factory=dict)  # url -> (sentences, chars)

    def allows(self, cand: _Candidate, text_chars: int) -> bool:
        count, chars = self.quoted.get(cand.item.url, (0, 0))
        if count >= QUOTE_SENTENCES:
            return False
        # One sentence of any item may be quoted, even of a teaser so short that one sentence is
        # more than its share; a second only within the share.
        if count and chars + len(cand.text) > QUOTE_SHARE * max(text_chars, 1):
            return False
        if cand.figures & self.figures:
            return False  # the figure is already stated in this section
        return not any(overlap(cand.grams, c.grams) > REDUNDANT for c in self.chosen)

    def value(self, cand: _Candidate) -> float:
        closeness = max((overlap(cand.grams, c.grams) for c in self.chosen), default=0.0)
        count, _ = self.quoted.get(cand.item.url, (0, 0))
        return cand.score - MMR_WEIGHT * closeness - SOURCE_PENALTY * count

    def take(self, cand: _Candidate) -> None:
        self.chosen.append(cand)
        self.figures |= cand.figures
        count, chars = self.quoted.get(cand.item.url, (0, 0))
        self.quoted[cand.item.url] = (count + 1, chars + len(cand.text))


def rank_items(story: Story) -> list[Item]:
    """A story's items, the best sources first: kind of source, engagement, then body length."""
    def key(item: Item) -> tuple[float, float, str]:
        engaged = (item.score or 0) + 2 * (item.comments or 0)
        return (-KIND_WEIGHTS.get(item.source_kind, 0.6) - min(engaged, 1000) / 2000 - min(len(item.text), 2000) / 4000,
                -len(item.text), item.url)
    return sorted(story.items, key=key)


class _Texts:
    """Each item's cleaned sentences, split once per build."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}

    def sentences(self, item: Item) -> list[str]:
        if item.url not in self._cache:
            self._cache[item.url] = split_sentences(clean_text(item.text, item.title))[:SENTENCES_PER_ITEM]
        return self._cache[item.url]

    def chars(self, item: Item) -> int:
        return sum(len(s) for s in self.sentences(item))


def _usable(sentence: str, title: str) -> str | None:
    """The sentence as the writer may use it, or None: furniture, open endings and open
    enumerations are not usable; datelines are cut and inner "；" closed."""
    if furniture_reason(sentence, title):
        return None
    sentence = close_semicolons(strip_dateline(sentence))
    if ends_open(sentence) or incomplete_enumeration(sentence):
        return None
    return sentence


def _score(sentence: str, item: Item, position: int, language: str, shared_names: set[str]) -> float:
    lang = lang_of(sentence)
    score = 1.0 if lang == language else 0.0
    score += 0.6 / (1 + position)
    score += 0.3 if _DIGIT.search(sentence) else 0.0
    score += min(0.4, 0.1 * len(shared_names & set(_NAME.findall(sentence))))
    low, high = (18, 160) if lang == "zh" else (50, 320)
    score += -0.6 if len(sentence) < low else (-0.3 if len(sentence) > high else 0.0)
    if item.source_kind in ("blog", "press"):
        score += 0.15  # the company's own words first
    if _FIRST_PERSON.search(sentence):
        score -= 0.9
    if _META.search(sentence):
        score -= 0.6
    if (found := opener(sentence)) and found[0] == "reference":
        score -= 0.3  # usable only next to its antecedent
    return score


def _candidates(items: list[Item], language: str, texts: _Texts) -> list[_Candidate]:
    names_per_item = [set(_NAME.findall(f"{it.title} {it.text}")) for it in items]
    shared = {n for i, names in enumerate(names_per_item) for n in names
              if any(n in other for j, other in enumerate(names_per_item) if j != i)}
    out = []
    for item in items:
        for position, raw in enumerate(texts.sentences(item)):
            sentence = _usable(raw, item.title)
            if sentence is None:
                continue
            out.append(_Candidate(sentence, item, position, _score(sentence, item, position, language, shared),
                                  bigrams(sentence), lang_of(sentence), _figures(sentence)))
    return out


def _select(candidates: list[_Candidate], limit: int, state: _Section, texts: _Texts) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    pool = list(candidates)
    while pool and len(chosen) < limit:
        allowed = [c for c in pool if state.allows(c, texts.chars(c.item))]
        if not allowed:
            break
        best = max(allowed, key=lambda c: (state.value(c), -c.position))
        pool.remove(best)
        if check_claims(best.text, [source_text(best.item)]):
            continue  # its own item does not support it by the verifier's rules (a name split oddly)
        state.take(best)
        chosen.append(best)
    return chosen


def _in_order(chosen: list[_Candidate]) -> list[_Candidate]:
    """Sentences of one item together, in their original order, items in order of first choice."""
    first_seen: dict[str, int] = {}
    for c in chosen:
        first_seen.setdefault(c.item.url, len(first_seen))
    return sorted(chosen, key=lambda c: (first_seen[c.item.url], c.position))


def _edit_openers(chosen: list[_Candidate]) -> list[_Candidate]:
    """Keep a referring opener only right after the sentence it refers to (the previous
    sentence of the same item); drop a bare connective; skip the rest."""
    out: list[_Candidate] = []
    for cand in chosen:
        found = opener(cand.text)
        prev = out[-1] if out else None
        follows = prev is not None and prev.item.url == cand.item.url and prev.position == cand.position - 1
        if found and not follows:
            if found[0] == "reference":
                continue
            cand.text = without_opener(cand.text)
            if opener(cand.text):
                continue  # "不过，这也……": the connective hid a reference
        out.append(cand)
    return out


def _dated(cand: _Candidate, timezone: str, year: int) -> str:
    """The sentence with relative dates made absolute when the verifier can check the date in
    the item, else with them dropped."""
    if not has_relative_date(cand.text):
        return cand.text
    dated, dropped = absolute_dates(cand.text, cand.item.published, timezone, year)
    return dated if not check_claims(dated, [source_text(cand.item)]) else dropped


def _quoted(cand: _Candidate, language: str) -> str:
    """A sentence in another language as an attributed quotation."""
    forms = _ATTRIBUTION[language]
    lead = forms.get(cand.item.source_kind, forms[""]).format(source=cand.item.source or "原文")
    body = cand.text.strip().replace("“", "‘").replace("”", "’")  # quotes inside a quote
    if language == "zh":
        return f"{lead}：“{body}”。"
    return f"{lead}: “{body}”"


@dataclass
class _Story:
    """A story as the writer reads it: ranked items and their candidates."""

    story: Story
    items: list[Item]
    candidates: list[_Candidate]


def pick_sentences(
    story: Story, language: str, limit: int, embedder: Any = None, *,
    state: _Section | None = None, texts: _Texts | None = None,
    timezone: str = "Asia/Shanghai", year: int = 0,
) -> list[DraftSentence]:
    """The `limit` best sentences of a story under the section's rules (see the module doc),
    each with its sources. Report-language sentences first; when the story has fewer than two,
    up to `FOREIGN_QUOTES` others appear as attributed quotations."""
    state = state if state is not None else _Section()
    texts = texts or _Texts()
    items = rank_items(story)[:MAX_ITEMS]
    candidates = _candidates(items, language, texts)
    native = [c for c in candidates if c.lang == language]
    if len(native) >= 2:
        candidates = native
    else:
        foreign = [c for c in candidates if c.lang != language and not opener(c.text) and not has_relative_date(c.text)]
        candidates = native + foreign
        limit = min(limit, len(native) + FOREIGN_QUOTES)
    chosen = _edit_openers(_in_order(_select(candidates, limit, state, texts)))
    year = year or max(it.published.year for it in story.items)
    sentences = []
    for cand in chosen:
        # A sentence in another language, or in a company's own voice ("我們很高興……"), is
        # quoted with its attribution; the report's own voice is the third person.
        quote = cand.lang != language or bool(_FIRST_PERSON.search(cand.text))
        text = _quoted(cand, language) if quote else _dated(cand, timezone, year)
        sentences.append(DraftSentence(text=text, sources=[cand.item.url, *_same_fact(cand, items, texts)],
                                       kind="quote" if quote else "copied"))
    if embedder is not None:
        extra = _cross_language_sources(sentences, items, language, embedder, texts)
        for sentence, urls in zip(sentences, extra):
            sentence.sources += [url for url in urls if url not in sentence.sources]
    return sentences


def _same_fact(cand: _Candidate, items: list[Item], texts: _Texts) -> list[str]:
    """Other items of the story (among the ranked ones read) that state nearly the same."""
    return [other.url for other in items if other.url != cand.item.url
            and any(overlap(cand.grams, bigrams(s)) > SAME_FACT for s in texts.sentences(other))]


def _cross_language_sources(
    sentences: list[DraftSentence], items: list[Item], language: str, embedder: Any, texts: _Texts
) -> list[list[str]]:
    """For each sentence, the items in other languages that state the same fact: the item (its
    title and opening, the vector the story stage already computed and cached) is close to the
    sentence in the multilingual embedding space, and its text supports every figure and name of
    the sentence by the verifier's own rules. Only the sentences are embedded — a few per story —
    so the cost does not grow with the story. Sentences without a figure or a name get no such
    citation: the rules would accept any item for them."""
    support = [it for it in items if it.lang != language]
    claims = [s for s in sentences if s.kind == "copied" and _facts(s.text)]
    found: dict[int, list[str]] = {}
    if claims and support:
        similarity = embedder.embed([s.text for s in claims]) @ embedder.embed([story_text(it) for it in support]).T
        for row, sentence in zip(similarity, claims):
            urls: list[str] = []
            for j in row.argsort()[::-1][:MAX_SUPPORT_ITEMS]:
                if len(urls) == MAX_CROSS_LANGUAGE or row[j] < CROSS_LANGUAGE_FACT:
                    break
                if not check_claims(sentence.text, [source_text(support[j])]):
                    urls.append(support[j].url)
            found[id(sentence)] = urls
    return [found.get(id(s), []) for s in sentences]


def story_heading(story: Story, language: str, name: str = "") -> str:
    """The story's title in the report language when one of its items has one, forum tags
    removed; else the story's name, when it has one (a list lead in the report language)."""
    titled = next((it for it in story.items if it.title == story.title), story.lead)
    if titled.lang == language:
        return display_title(story.title)
    native = next((it.title for it in story.items if it.lang == language), None)
    return display_title(native or name or story.title)


def language_counts(sections: list[DraftSection], language: str) -> dict[str, Any]:
    """How many prose sentences are not in the report language, and why (build summary)."""
    sentences = [s for sec in sections for p in sec.paragraphs for s in p.sentences]
    quoted = [s for s in sentences if s.kind == "quote" and lang_of(s.text[s.text.find("“"):]) != language]
    foreign = [s for s in sentences if s.kind == "copied" and lang_of(s.text) != language]
    return {
        "language": language,
        "sentences": len(sentences),  # the data leads included: they are in the report language
        "not_in_report_language": len(foreign) + len(quoted),
        "quoted": len(quoted),
        "why": "quoted, attributed, from stories without a source in the report language; the extractive "
               "writer does not translate" if quoted or foreign else "",
    }


def language_line(notes: Mapping[str, Any]) -> str:
    """The build summary's line on language: how many prose sentences are not in the report
    language, and why."""
    counts = notes.get("language") or {}
    if not counts.get("sentences"):
        return ""
    line = (f"language: {counts['not_in_report_language']} of {counts['sentences']} prose sentences "
            f"not in {counts['language']}")
    return f"{line} ({counts['why']})" if counts.get("why") else line


def language_warnings(notes: Mapping[str, Any]) -> list[str]:
    """One line when more than a third of the prose is not in the report language."""
    counts = notes.get("language") or {}
    total, foreign = counts.get("sentences", 0), counts.get("not_in_report_language", 0)
    if not total or foreign * 3 <= total:
        return []
    return [f"{foreign} of {total} prose sentences are not in {counts['language']} (quoted from sources in "
            f"other languages); build with --writer local, a writer that translates, to fix this"]


@register
class ExtractiveWriter:
    id = "extractive"

    def write(self, sections: list[Section], context: WriteContext) -> Draft:
        language = context.language
        report = context.settings.report
        self._texts = _Texts()
        drafted = [self.write_section(section, context, sections) for section in sections]
        written = {sid for d in drafted for sid in d.story_ids}
        left_out = [
            {"story": story.id, "title": story.title, "section": section.id,
             "reason": f"beyond the {len([s for s in section.stories if s.id in written])} stories written for this section"}
            for section in sections for story in section.stories if story.id not in written
        ]
        return Draft(
            title=report.display_title(language),
            summary=self.write_summary(sections, drafted, context),
            sections=drafted,
            notes={"writer": self.id, "left_out": left_out, "language": language_counts(drafted, language)},
        )

    def write_section(self, section: Section, context: WriteContext, day: list[Section] | None = None) -> DraftSection:
        """One section from its stories' own sentences (`day`: all sections, for story names);
        the LLM writers call it for a part their model could not write."""
        language = context.language
        report = context.settings.report
        texts = getattr(self, "_texts", None) or _Texts()
        stories = section.stories[: min(report.stories_per_section, report.max_paragraphs)]
        everyone = [s for sec in (day or [section]) for s in sec.stories]
        names = [story_name(story, everyone, rank_items(story)[:MAX_ITEMS]) for story in stories]
        state = _Section()
        options: dict[str, Any] = {"state": state, "texts": texts, "timezone": report.timezone, "year": int(context.date[:4])}

        def pick(story: Story, limit: int) -> list[DraftSentence]:
            return pick_sentences(story, language, limit, context.embedder, **options)

        if len(stories) >= 3:
            paragraphs = [DraftParagraph(lead=story_heading(story, language, name), sentences=pick(story, 3))
                          for story, name in zip(stories, names)]
            layout = "list"
        elif len(stories) == 2:
            paragraphs = [DraftParagraph(sentences=pick(story, 4)) for story in stories]
            layout = "prose"
        else:
            sentences = pick(stories[0], 6)
            half = max(1, (len(sentences) + 1) // 2)
            paragraphs = [DraftParagraph(sentences=sentences[:half])]
            if sentences[half:]:
                paragraphs.append(DraftParagraph(sentences=sentences[half:]))
            layout = "prose"
        lead = data_lead(stories[0], names[0], language, report.timezone, rank_items(stories[0])[:MAX_ITEMS])
        if lead is not None and paragraphs:
            paragraphs[0].sentences.insert(0, lead)
        return DraftSection(
            id=section.id,
            title=section_title(section.title, names, language,
                                [source_text(it) for s in stories for it in rank_items(s)[:MAX_ITEMS]]),
            paragraphs=[p for p in paragraphs if p.sentences],
            layout=layout,
            story_ids=[s.id for s in stories],
        )

    def write_summary(
        self, sections: list[Section], drafted: list[DraftSection], context: WriteContext
    ) -> list[DraftSentence]:
        """One sentence per section, in the order of the sections (by their most important
        story): the first fact-bearing sentence written about the section's lead story."""
        if not sections:
            text = (
                "本期时间窗口内没有收集到符合主题的条目，因此本报告没有正文。"
                if context.language == "zh"
                else "No on-topic items were collected in this report's window, so the report has no body."
            )
            return [DraftSentence(text=text)]
        summary: list[DraftSentence] = []
        for section in drafted:
            first = section.paragraphs[0].sentences if section.paragraphs else []
            copied = [s for s in first if s.kind != "lead"][:4]
            if copied:
                # The first of the lead story's sentences that states facts, not a hook
                # ("又一个……出现了"); else the most factual one.
                pick = next((s for s in copied[:3] if _facts(s.text) >= 2),
                            max(copied, key=lambda s: (_facts(s.text), -copied.index(s))))
                summary.append(pick.model_copy())
        return summary

