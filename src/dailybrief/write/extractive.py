"""The offline extractive writer: every sentence of the report body is a sentence of an item.

For each story it picks the most informative sentences of its items — preferring the report
language, early sentences, sentences with figures and with names that other items of the story
also carry — and skips sentences that repeat one already chosen. A sentence cites the item it
comes from and every other item of the story that states nearly the same thing. Headlines are
the section name followed by the lead story's title. Only connective phrases of the summary
("N stories in K themes") are the writer's own words; it never states a fact that is not in an
item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..models import Item, Section, Story
from .base import WriteContext, register
from .draft import Draft, DraftParagraph, DraftSection, DraftSentence
from .sentences import bigrams, overlap, split_sentences
from .verify import check_claims, source_text

REDUNDANT = 0.45  # bigram Jaccard above which a sentence repeats one already chosen
SAME_FACT = 0.35  # above which another item is cited for the same sentence
CROSS_LANGUAGE_FACT = 0.55  # embedding cosine above which a sentence in another language may say the same
MAX_CROSS_LANGUAGE = 2  # such citations per sentence, the closest first
_DIGIT = re.compile(r"\d")
# Wire datelines say where a story was filed, not what happened: "IT之家 4 月 16 日消息，",
# "新浪科技讯 4 月 16 日晚间消息，", "SAN FRANCISCO (AP) — ".
_DATELINE = re.compile(
    r"^(?:[\w\u4e00-\u9fff]{1,12}?讯\s*)?(?:[\w\u4e00-\u9fff]{1,12}\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"(?:早间|晚间|上午|下午|凌晨)?(?:消息|电)[，,]\s*"
    r"|^[A-Z][A-Z .]{2,30}\((?:AP|Reuters|AFP|Bloomberg)\)\s*[—–-]+\s*"
    # Press-wire openers: "PALO ALTO, Calif.--(BUSINESS WIRE)--", "SANTA CLARA, Calif., April 16,
    # 2026 (GLOBE NEWSWIRE) --".
    r"|^[A-Z][A-Za-z0-9 .,]{2,80}?-*\((?:BUSINESS WIRE|GLOBE NEWSWIRE|PR NEWSWIRE|PRNewswire)\)\s*-+\s*"
)
# A sentence in a company's own voice ("we're releasing") or about the item itself ("this post
# explains", "the thread asks") reads wrongly in a third-person report.
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Ww]e're|[Ww]e've|[Oo]ur|us|I|I'm|[Mm]y)\b|我们|我司|笔者|小编")
_META = re.compile(
    r"^(?:in )?(?:this|the) (?:[\w-]+ ){0,2}(?:post|article|video|segment|episode|thread|poster|"
    r"summary|week's|newsletter)\b|^本文|^这篇(?:文章|帖子)|^帖子|^楼主|^视频中",
    re.I,
)


def _facts(sentence: str) -> int:
    return len(_DIGIT.findall(sentence)) // 2 + len(_NAME.findall(sentence))


def strip_dateline(sentence: str) -> str:
    stripped = _DATELINE.sub("", sentence, count=1)
    return stripped if len(stripped) >= 8 else sentence
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9.\-]+")


@dataclass
class _Candidate:
    text: str
    item: Item
    position: int
    score: float
    grams: set[str]


def _lang_of(sentence: str) -> str:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", sentence))
    latin = len(re.findall(r"[A-Za-z]", sentence))
    return "zh" if cjk * 3 >= latin and cjk else "en"


def _length_fit(sentence: str, lang: str) -> float:
    n = len(sentence)
    low, high = (18, 160) if lang == "zh" else (50, 320)
    if n < low:
        return -0.6
    if n > high:
        return -0.3
    return 0.0


def _candidates(story: Story, language: str) -> list[_Candidate]:
    names_per_item = [set(_NAME.findall(f"{it.title} {it.text}")) for it in story.items]
    shared_names = {n for i, names in enumerate(names_per_item) for n in names
                    if any(n in other for j, other in enumerate(names_per_item) if j != i)}
    out = []
    for item in story.items:
        sentences = split_sentences(item.text) or [item.title]
        for position, sentence in enumerate(sentences[:12]):
            sentence = strip_dateline(sentence)
            lang = _lang_of(sentence)
            score = 1.0 if lang == language else 0.0
            score += 0.6 / (1 + position)
            score += 0.3 if _DIGIT.search(sentence) else 0.0
            score += min(0.4, 0.1 * len(shared_names & set(_NAME.findall(sentence))))
            score += _length_fit(sentence, lang)
            if item.source_kind in ("blog", "press"):
                score += 0.15  # the company's own words first
            if _FIRST_PERSON.search(sentence):
                score -= 0.9
            if _META.search(sentence):
                score -= 0.6
            out.append(_Candidate(sentence, item, position, score, bigrams(sentence)))
    return out


def pick_sentences(story: Story, language: str, limit: int, embedder: Any = None) -> list[DraftSentence]:
    """The `limit` best non-redundant sentences of a story, each with its sources.

    When the story's items offer at least two sentences in the report language, sentences in
    other languages are left out, so a paragraph does not switch language midway. With an
    `embedder`, items in other languages that state the same fact are cited too (see
    `_cross_language_sources`), so a Chinese sentence drawn from 机器之心 also cites the English
    company post it reports on."""
    candidates = _candidates(story, language)
    native = [c for c in candidates if _lang_of(c.text) == language]
    if len(native) >= 2:
        candidates = native
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: -c.score):
        if len(chosen) >= limit:
            break
        if any(overlap(cand.grams, c.grams) > REDUNDANT for c in chosen):
            continue
        chosen.append(cand)
    # Keep the story readable: sentences of one item together, in their original order.
    first_seen = {}
    for c in chosen:
        first_seen.setdefault(c.item.url, len(first_seen))
    chosen.sort(key=lambda c: (first_seen[c.item.url], c.position))

    sentences = []
    for cand in chosen:
        sources = [cand.item.url]
        for other in story.items:
            if other.url == cand.item.url:
                continue
            if any(overlap(cand.grams, s) > SAME_FACT for s in split_sentences(other.text)):
                sources.append(other.url)
        sentences.append(DraftSentence(text=cand.text, sources=sources))
    if embedder is not None:
        for sentence, extra in zip(sentences, _cross_language_sources(sentences, story, language, embedder)):
            sentence.sources += [url for url in extra if url not in sentence.sources]
    return sentences


def _cross_language_sources(
    sentences: list[DraftSentence], story: Story, language: str, embedder: Any
) -> list[list[str]]:
    """For each sentence, the items in other languages that state the same fact: a sentence of
    theirs is close in the multilingual embedding space, and the item's text supports every
    figure and name of the sentence by the verifier's own rules. Sentences without a figure or a
    name get no such citation: the rules would accept any item for them."""
    others = [
        (item, sentence)
        for item in story.items
        for sentence in split_sentences(item.text)[:12]
        if item.lang != language and _lang_of(sentence) != language
    ]
    if not sentences or not others:
        return [[] for _ in sentences]
    similarity = embedder.embed([s.text for s in sentences]) @ embedder.embed([s for _, s in others]).T
    found = []
    for row, sentence in zip(similarity, sentences):
        urls: list[str] = []
        if _facts(sentence.text) == 0:
            found.append(urls)  # nothing for the verifier's rules to anchor the match on
            continue
        for j in row.argsort()[::-1][:4]:
            if len(urls) == MAX_CROSS_LANGUAGE:
                break
            if row[j] < CROSS_LANGUAGE_FACT:
                break
            item = others[j][0]
            if item.url not in urls and not check_claims(sentence.text, [source_text(item)]):
                urls.append(item.url)
        found.append(urls)
    return found


def story_heading(story: Story, language: str) -> str:
    """The story's title in the report language when one of its items has one."""
    titled = next((it for it in story.items if it.title == story.title), story.lead)
    if titled.lang == language:
        return story.title
    return next((it.title for it in story.items if it.lang == language), story.title)
    for item in story.items:
        if item.title == story.title and item.lang == language:
            return story.title
    for item in story.items:
        if item.lang == language:
            return item.title
    return story.title


@register
class ExtractiveWriter:
    id = "extractive"

    def write(self, sections: list[Section], context: WriteContext) -> Draft:
        language = context.language
        report = context.settings.report
        drafted = [self._section(section, context) for section in sections]
        written = {sid for d in drafted for sid in d.story_ids}
        left_out = [
            {"story": story.id, "title": story.title, "section": section.id,
             "reason": f"beyond the {len([s for s in section.stories if s.id in written])} stories written for this section"}
            for section in sections for story in section.stories if story.id not in written
        ]
        return Draft(
            title=report.display_title(language),
            summary=self._summary(sections, drafted, context),
            sections=drafted,
            notes={"writer": self.id, "left_out": left_out},
        )

    def _section(self, section: Section, context: WriteContext) -> DraftSection:
        language = context.language
        report = context.settings.report
        stories = section.stories[: min(report.stories_per_section, report.max_paragraphs)]
        colon = "：" if language == "zh" else ": "
        title = f"{section.title}{colon}{story_heading(stories[0], language)}"
        if len(stories) >= 3:
            paragraphs = [
                DraftParagraph(lead=story_heading(story, language), sentences=pick_sentences(story, language, 3, context.embedder))
                for story in stories
            ]
            layout = "list"
        elif len(stories) == 2:
            paragraphs = [DraftParagraph(sentences=pick_sentences(story, language, 4, context.embedder)) for story in stories]
            layout = "prose"
        else:
            sentences = pick_sentences(stories[0], language, 6, context.embedder)
            half = max(1, (len(sentences) + 1) // 2)
            paragraphs = [DraftParagraph(sentences=sentences[:half])]
            if sentences[half:]:
                paragraphs.append(DraftParagraph(sentences=sentences[half:]))
            layout = "prose"
        return DraftSection(
            id=section.id,
            title=title,
            paragraphs=[p for p in paragraphs if p.sentences],
            layout=layout,
            story_ids=[s.id for s in stories],
        )

    def _summary(
        self, sections: list[Section], drafted: list[DraftSection], context: WriteContext
    ) -> list[DraftSentence]:
        language = context.language
        if not sections:
            text = (
                "本期时间窗口内没有收集到符合主题的条目，因此本报告没有正文。"
                if language == "zh"
                else "No on-topic items were collected in this report's window, so the report has no body."
            )
            return [DraftSentence(text=text)]
        n_stories = sum(len(s.stories) for s in sections)
        names = [s.title for s in sections]
        if language == "zh":
            opening = f"本期共梳理 {n_stories} 条动态，分为 {len(sections)} 个主题：{'；'.join(names)}。"
        else:
            # Section names hold commas themselves, so the list is separated by semicolons.
            listed = "; ".join(names[:-1]) + (f"; and {names[-1]}" if len(names) > 1 else names[0])
            opening = f"This issue covers {n_stories} stories in {len(sections)} themes: {listed}."
        summary = [DraftSentence(text=opening)]
        # One sentence per leading section: the lede of its top story, unless the lede is a hook
        # with hardly a fact in it ("another challenger to the Transformer has appeared").
        for section in drafted[:4]:
            sentences = [s for p in section.paragraphs[:1] for s in p.sentences]
            if sentences:
                summary.append(next((s for s in sentences[:2] if _facts(s.text) >= 2), sentences[0]))
        return summary
