"""Map-reduce writing with a chat model, so that nothing is truncated.

1. map — per story, one request: a factual brief from its items' full text, each fact tagged
   with the items that state it (near-verbatim repeats across items are sent once). Only for
   sections whose items' text exceeds `llm.direct_tokens`: a smaller section is written
   straight from its items, which saves a request per story and the brief's tokens twice;
2. reduce — per section, one request: an analytic "theme：framing" headline and either 2–4
   prose paragraphs or, for 3+ stories, a numbered story list (one entry per story with a bold
   lead) synthesising the section's briefs (or items), every sentence ending with its [n] marks,
   at the length the prompt states (`section_length`);
3. one request for the 摘要 and a title for the day.

Answers are JSON validated with pydantic (plus: citations must name given sources, sentences
must be in the report language). An invalid, off-task or truncated answer gets one repair
request; if that fails too, a story's brief falls back to its extractive sentences, a section
to the extractive writer, the summary to the extractive summary — each listed in the notes
with its reason. A per-report token budget is enforced before anything is sent: stories are
left out (lowest importance first, at least one per section) and listed.

`MapReduceWriter` takes any object with `complete(messages) -> Completion` and a `usage`, so
tests drive it with a fake model; `openai_compat.ChatClient` is the real one.
"""

from __future__ import annotations

import json
import re
import string
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import AliasChoices, BaseModel, Field, ValidationError, model_validator

from ..config import ModelPrice
from ..errors import invalid_value
from ..models import Item, Section, Story
from ..tuning import REPEAT
from .base import WriteContext
from .draft import Draft, DraftParagraph, DraftSection, DraftSentence
from .examples import example
from .extractive import ExtractiveWriter, pick_sentences
from .llm_types import Completion, LLMError, LLMSetupError, Usage, estimate_tokens
from .sentences import bigrams, overlap, split_sentences
from .verify import split_cited  # the verifier's own splitting, so both see the same sentences
from .zh_figures import with_chinese_figures

LANGUAGES = {"zh": "Simplified Chinese (简体中文); keep names of products and companies as written", "en": "English"}
PROMPTS = ("brief.system", "brief.user", "section.system", "section.user", "summary.system", "summary.user", "repair")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MARKS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


class ChatModel(Protocol):
    usage: Usage
    model: str
    endpoint: str

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any] | None = None) -> Completion: ...


class AnswerError(ValueError):
    """An answer that cannot be used; the message is sent back in the repair request."""


# --- answer schemas ---------------------------------------------------------------------------


class Fact(BaseModel):
    text: str = Field(min_length=2)
    items: list[str] = Field(min_length=1)


class BriefAnswer(BaseModel):
    facts: list[Fact] = Field(min_length=1, max_length=16)


class SentenceOut(BaseModel):
    """One sentence and the numbers of the sources it states (`sources`; `cite` accepted)."""

    text: str = Field(min_length=2)
    cite: list[int] = Field(min_length=1, validation_alias=AliasChoices("sources", "cite"))


class ParagraphOut(BaseModel):
    """A paragraph as `sentences`, each with its `sources` — what we ask for: the code renders
    the [n] marks, which small models drop or misplace. Text with inline [n] marks (what larger
    models sometimes send anyway) is accepted too. `lead` is the bold lead-in of a list entry."""

    lead: str | None = None
    text: str | None = None
    sentences: list[SentenceOut] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> ParagraphOut:
        if not (self.text and self.text.strip()) and not self.sentences:
            raise ValueError("a paragraph needs sentences, each with its sources")
        return self


class SectionAnswer(BaseModel):
    headline: str = Field(min_length=2, max_length=160)
    layout: Literal["prose", "list"] = "prose"
    paragraphs: list[ParagraphOut] = Field(min_length=1, max_length=8)


class SummaryAnswer(BaseModel):
    title: str = ""
    sentences: list[SentenceOut] | None = None
    summary: str | list[SentenceOut] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> SummaryAnswer:
        if not self.sentences and not self.summary:
            raise ValueError("the summary needs sentences, each with its sources")
        return self

    @property
    def body(self) -> str | list[SentenceOut]:
        return self.sentences or self.summary or []


def _sentences_schema(numbers: list[int]) -> dict[str, Any]:
    sources = {"type": "array", "items": {"type": "integer", "enum": numbers or [1]}, "minItems": 1}
    return {"type": "array", "minItems": 1, "items": {
        "type": "object", "properties": {"text": {"type": "string"}, "sources": sources},
        "required": ["text", "sources"], "additionalProperties": False}}


def section_schema(numbers: list[int]) -> dict[str, Any]:
    """The JSON schema of a section answer; `sources` limited to the given numbers."""
    paragraph = {"type": "object", "properties": {
        "lead": {"type": ["string", "null"]}, "sentences": _sentences_schema(numbers)},
        "required": ["lead", "sentences"], "additionalProperties": False}
    return {"type": "object", "properties": {
        "headline": {"type": "string"}, "layout": {"type": "string", "enum": ["prose", "list"]},
        "paragraphs": {"type": "array", "items": paragraph, "minItems": 1, "maxItems": 6}},
        "required": ["headline", "layout", "paragraphs"], "additionalProperties": False}


def summary_schema(numbers: list[int]) -> dict[str, Any]:
    return {"type": "object", "properties": {"title": {"type": "string"}, "sentences": _sentences_schema(numbers)},
            "required": ["title", "sentences"], "additionalProperties": False}


def brief_schema(letters: list[str]) -> dict[str, Any]:
    fact = {"type": "object", "properties": {
        "text": {"type": "string"}, "items": {"type": "array", "items": {"type": "string", "enum": letters}, "minItems": 1}},
        "required": ["text", "items"], "additionalProperties": False}
    return {"type": "object", "properties": {"facts": {"type": "array", "items": fact, "minItems": 1, "maxItems": 8}},
            "required": ["facts"], "additionalProperties": False}


# --- prompts ----------------------------------------------------------------------------------


def load_prompts(override_dir: Path | None = None) -> dict[str, string.Template]:
    """The packaged prompt templates, each replaced by `override_dir/<name>.txt` when present."""
    out = {}
    for name in PROMPTS:
        custom = override_dir / f"{name}.txt" if override_dir else None
        if custom is not None and custom.is_file():
            text = custom.read_text("utf-8")
        else:
            text = resources.files("dailybrief").joinpath(f"write/prompts/{name}.txt").read_text("utf-8")
        out[name] = string.Template(text.strip())
    return out


def parse_answer(completion: Completion, schema: type[BaseModel]) -> Any:
    """The JSON object in an answer, validated; `AnswerError` says what is wrong with it."""
    if completion.truncated:
        raise AnswerError("it was cut off at the length limit; give a shorter answer.")
    if completion.finish_reason != "stop":
        # a cut-off answer may come back as clean-looking JSON that is not what was generated
        raise AnswerError(f"it ended with finish_reason {completion.finish_reason!r}, not 'stop'.")
    text = completion.text.strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise AnswerError("it was prose, not a JSON object.")
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise AnswerError(f"it was not valid JSON ({exc.msg} at character {exc.pos}).") from None
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise AnswerError(f"field {invalid_value(exc)}.") from None


def _check_language(text: str, language: str) -> None:
    cjk = len(_CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    if language == "zh" and cjk == 0 and latin > 12:
        raise AnswerError(f"a sentence is not in Chinese: {text[:60]!r}.")
    if language == "en" and cjk > max(4, latin // 4):
        raise AnswerError(f"a sentence is not in English: {text[:60]!r}.")


def _check_sentences(sentences: list[SentenceOut], known: set[int], language: str) -> None:
    for sentence in sentences:
        unknown = [n for n in sentence.cite if n not in known]
        if unknown:
            raise AnswerError(f"citation {unknown[0]} is not one of the given source numbers.")
        _check_language(sentence.text, language)


_GROUPED = re.compile(r"\[(\d+(?:\s*[,，]\s*\d+)+)\]")
_ONE_MARK = re.compile(r"\[(\d+)\]")


def cited_sentences(text: str | list[SentenceOut], known: set[int], language: str) -> list[tuple[str, list[int]]]:
    """(sentence without marks, its source numbers) for a paragraph written as text with inline
    [n] marks (or given as sentences with `cite` lists). `AnswerError` on a citation that is not
    a given source, a sentence not in the report language, or a paragraph citing nothing."""
    if isinstance(text, list):
        _check_sentences(text, known, language)
        # A "sentence" of several sentences (the 1.5B model often sends two or three) is split,
        # each part with the sources: marked only at its end, the verifier would read the
        # parts before as citing nothing and remove them.
        return [
            (piece.strip(), list(dict.fromkeys(s.cite)))
            for s in text
            for piece in split_cited(_MARKS.sub("", s.text).strip())
            if len(piece.strip()) >= 2
        ]

    flat = _GROUPED.sub(lambda m: "".join(f"[{n.strip()}]" for n in re.split(r"[,，]", m.group(1))), text)
    out = []
    for piece in split_cited(flat):
        cites = list(dict.fromkeys(int(n) for n in _ONE_MARK.findall(piece)))
        unknown = [n for n in cites if n not in known]
        if unknown:
            raise AnswerError(f"citation {unknown[0]} is not one of the given source numbers.")
        sentence = re.sub(r"\s+([。！？；，.!?;,])", r"\1", _ONE_MARK.sub("", piece)).strip()
        if len(sentence) < 2:
            continue
        _check_language(sentence, language)
        out.append((sentence, cites))
    if not any(cites for _, cites in out):
        raise AnswerError(f"a paragraph cites no source number: {text[:60]!r}.")
    return out


_ENGLISH_WORD = re.compile(r"(?<![A-Za-z\-])[a-z]{6,}(?![A-Za-z0-9\-])")


def english_words(text: str) -> list[str]:
    """English common words left in a Chinese sentence ("hallucinations", "harness"): lower-case
    words of six letters or more; names are capitalised or mixed-case and stay as written."""
    from .entities import GENERIC

    return [w for w in _ENGLISH_WORD.findall(text) if w not in GENERIC]


def without_new_names(
    sentences: list[tuple[str, list[int]]], given: str, language: str
) -> tuple[list[tuple[str, list[int]]], list[str]]:
    """The sentences a Chinese report can use, and what was wrong with the others: a Chinese-script
    person or organisation name (jieba's tags, beyond the alias table) that is not in the text
    the model was given, or an English common word left untranslated. A name the model made up
    or transliterated from an English source ("Elon Musk's xAI" → "特斯拉 AI") cannot be checked
    against that source by the verifier (only reported as unchecked); an English word in a
    Chinese sentence ("减少 hallucinations") is half a translation. Repairs of these came back
    unchanged on the sample day, so the sentence is left out instead."""
    if language != "zh":
        return sentences, []
    from .entities import chinese_person_and_org_names

    kept, new = [], []
    for text, cites in sentences:
        missing = [name for name in chinese_person_and_org_names(text) if name not in given] + english_words(text)
        if missing:
            new += missing
        else:
            kept.append((text, cites))
    return kept, new


def check_list(
    layout: str, paragraphs: list[tuple[str | None, list[tuple[str, list[int]]]]],
    story_of: dict[int, int], n_stories: int, language: str,
) -> list[int]:
    """For a "list" answer: 3+ stories, one entry per distinct story, each with a lead and
    citing only that story's sources. Returns the stories' indices in the order written."""
    if layout != "list":
        return []
    if n_stories < 3:
        raise AnswerError(f'layout "list" needs 3 or more stories and this section has {n_stories}; write prose.')
    order: list[int] = []
    for index, (lead, sentences) in enumerate(paragraphs, 1):
        if not lead or not lead.strip():
            raise AnswerError(f'list entry {index} has no "lead".')
        _check_language(lead, language)
        stories = {story_of[n] for _, cites in sentences for n in cites if n in story_of}
        if len(stories) != 1:
            raise AnswerError(f"list entry {index} cites sources of {len(stories)} stories; one entry per story.")
        story = stories.pop()
        if story in order:
            raise AnswerError(f"list entries {order.index(story) + 1} and {index} are about the same story.")
        order.append(story)
    if len(order) < 3:
        raise AnswerError('layout "list" needs an entry for each of 3 or more stories; write prose.')
    return order


# --- the writer -------------------------------------------------------------------------------


@dataclass
class _Brief:
    story: Story
    facts: list[tuple[str, list[str]]]  # (text, item URLs)
    fallback: str = ""


def _letters(n: int) -> list[str]:
    return [chr(ord("a") + i) if i < 26 else f"a{i}" for i in range(n)]


def _clip(sentences: list[str], chars: int | None) -> list[str]:
    """The leading sentences that fit in `chars` (at least one)."""
    if chars is None:
        return sentences
    out: list[str] = []
    used = 0
    for sentence in sentences:
        if out and used + len(sentence) > chars:
            break
        out.append(sentence)
        used += len(sentence)
    return out


def _item_blocks(
    story: Story, labels: list[str] | None = None, language: str = "", item_chars: int | None = None,
) -> tuple[str, dict[str, str]]:
    """The items of a story as prompt text, repeats sent once; and label → URL. Labels are
    letters (a brief) or the section's source numbers (a section written from its items). For
    a Chinese report the figures are written in Chinese units first (`zh_figures`)."""
    seen: list[set[str]] = []
    blocks, by_label = [], {}
    for label, item in zip(labels or _letters(len(story.items)), story.items):
        by_label[label] = item.url
        kept = []
        for sentence in split_sentences(item.text):
            grams = bigrams(sentence)
            if any(overlap(grams, other) > REPEAT for other in seen):
                continue
            seen.append(grams)
            kept.append(sentence)
        kept = _clip(kept, item_chars)
        body = " ".join(kept) if item.lang != "zh" else "".join(kept)
        block = f"[{label}] {item.source} · {item.title}\n{body}".rstrip()
        blocks.append(with_chinese_figures(block) if language == "zh" else block)
    return "\n".join(blocks), by_label


def section_length(stories: int, language: str) -> str:
    """The length a section is asked for: the reference report's density, about 200 characters
    plus 100 per story in Chinese (300 for one story, 600 for four), two thirds as many words in
    English."""
    chars = 200 + 100 * max(1, stories)
    return f"{chars} Chinese characters" if language == "zh" else f"{round(chars * 0.65, -1):.0f} words"


def story_line(index: int, story: Story, with_items: bool) -> str:
    """A story's heading in a section prompt; its title only when no item heading that follows
    (`with_items`) carries it already."""
    if with_items and any(item.title == story.title for item in story.items):
        return f"Story {index}"
    return f"Story {index}: {story.title}"


def extractive_fallback(sections: list[Section], context: WriteContext, reason: str) -> Draft:
    """The whole report by the extractive writer, noting why the LLM was not used."""
    draft = ExtractiveWriter().write(sections, context)
    draft.notes = {**draft.notes, "requested": "openai", "fallback": reason}
    return draft


class MapReduceWriter:
    def __init__(
        self,
        model: ChatModel,
        *,
        prices: dict[str, ModelPrice] | None = None,
        strict: bool = False,
        prompt_dir: Path | None = None,
        token_budget: int = 200_000,
        concurrency: int = 4,
        direct_tokens: int = 6000,
        use_schema: bool = True,
        item_chars: int | None = None,
        items_per_story: int | None = None,
    ):
        self.model = model
        self.item_chars = item_chars  # characters of each item's text sent (None: all)
        self.items_per_story = items_per_story  # items of each story sent (None: all)
        self.prices = prices or {}
        self.strict = strict
        self.prompts = load_prompts(prompt_dir)
        self.token_budget = token_budget
        self.concurrency = concurrency
        self.direct_tokens = direct_tokens
        self.use_schema = use_schema
        self.repairs = 0
        self.outcomes = {"valid_first": 0, "valid_after_repair": 0, "failed": 0}
        self.dropped_names: list[str] = []  # names and words of sentences not used (`without_new_names`)

    # -- one question, one repair ------------------------------------------------------------

    def _complete(self, messages: list[dict[str, str]], json_schema: dict[str, Any] | None) -> Completion:
        if json_schema is not None and self.use_schema:
            return self.model.complete(messages, schema=json_schema)
        return self.model.complete(messages)

    def _ask(self, *args: Any, **kwargs: Any) -> Any:
        """`_ask_once`, counting a failure (an unusable answer or a failed request)."""
        try:
            return self._ask_once(*args, **kwargs)
        except (AnswerError, LLMError) as exc:
            if not isinstance(exc, LLMSetupError):
                self.outcomes["failed"] += 1
            raise

    def _ask_once(
        self, system: str, user: str, schema: type[BaseModel], check: Any = None,
        json_schema: dict[str, Any] | None = None, example: tuple[str, str] | None = None,
    ) -> Any:
        """The validated answer to one question (one worked example as a prior turn); one
        repair that says what was wrong. Unusable answers are discarded from the cache."""
        messages = [{"role": "system", "content": system}]
        if example:
            messages += [{"role": "user", "content": example[0]}, {"role": "assistant", "content": example[1]}]
        messages.append({"role": "user", "content": user})
        completion = self._complete(messages, json_schema)
        try:
            answer = parse_answer(completion, schema)
            if check:
                check(answer)
            self.outcomes["valid_first"] += 1
            return answer
        except AnswerError as problem:
            self._discard(completion)
            self.repairs += 1
            repair = self.prompts["repair"].safe_substitute(problem=str(problem))
            messages += [{"role": "assistant", "content": completion.text}, {"role": "user", "content": repair}]
            second = self._complete(messages, json_schema)
            try:
                if second.text.strip() == completion.text.strip():
                    raise AnswerError(f"the repair came back unchanged ({problem})")
                answer = parse_answer(second, schema)
                if check:
                    check(answer)
            except AnswerError:
                self._discard(second)
                raise
            self.outcomes["valid_after_repair"] += 1
            return answer

    def _known_names(
        self, paragraphs: list[tuple[str | None, list[tuple[str, list[int]]]]], given: str, language: str
    ) -> list[tuple[str | None, list[tuple[str, list[int]]]]]:
        """`paragraphs` without the sentences that name someone the prompt does not or keep an
        English word (`without_new_names`); listed in the notes. `AnswerError` when nothing is left."""
        out = []
        for lead, sentences in paragraphs:
            kept, new = without_new_names(sentences, given, language)
            if new:
                self.dropped_names += new
            if kept:
                out.append((lead, kept))
        if not out:
            raise AnswerError(
                f"every sentence names someone the sources do not, or keeps an English word "
                f"({', '.join(dict.fromkeys(self.dropped_names[-3:]))}); keep names as the sources write them "
                "and translate the other words."
            )
        return out

    def _discard(self, completion: Completion) -> None:
        discard = getattr(self.model, "discard", None)
        if discard is not None:
            discard(completion)

    def _fallback(self, reason: str) -> None:
        if self.strict:
            raise LLMError(f"llm (--strict): {reason}")

    def _ask_or_fallback(self, what: str, *args: Any, **kwargs: Any) -> tuple[Any, str]:
        """(`_ask`'s answer, "") or, when the part `what` is to be written extractively, (None,
        why). A setup error is raised (the whole report falls back), as is any failure with --strict."""
        try:
            return self._ask(*args, **kwargs), ""
        except (AnswerError, LLMError) as exc:
            if isinstance(exc, LLMSetupError):
                raise
            self._fallback(f"{what}: {exc}")
            return None, str(exc)

    # -- stages --------------------------------------------------------------------------------

    def _brief(self, story: Story, context: WriteContext) -> _Brief:
        blocks, letters = _item_blocks(story, language=context.language, item_chars=self.item_chars)
        system = self.prompts["brief.system"].safe_substitute(language=LANGUAGES[context.language])
        user = self.prompts["brief.user"].safe_substitute(story=story.title, items=blocks)

        def check(answer: BriefAnswer) -> None:
            for fact in answer.facts:
                if not [x for x in fact.items if x in letters]:
                    raise AnswerError(f"fact {fact.text[:40]!r} names no given item letter.")
                _check_language(fact.text, context.language)

        answer, reason = self._ask_or_fallback(
            f"brief of {story.id}", system, user, BriefAnswer, check,
            json_schema=brief_schema(list(letters)), example=example("brief", context.language),
        )
        if answer is None:
            picked = pick_sentences(story, context.language, 6)
            return _Brief(story, [(s.text, s.sources) for s in picked], fallback=reason)
        return _Brief(story, [(f.text, [letters[x] for x in f.items if x in letters]) for f in answer.facts])

    def _section(
        self, section: Section, briefs: list[_Brief] | None, context: WriteContext
    ) -> tuple[DraftSection, str]:
        """One section from its stories' briefs, or (`briefs` None) straight from the items."""
        lines, by_number, story_of = self._section_material(section, briefs, context.language)
        colon = "：" if context.language == "zh" else ": "
        system = self.prompts["section.system"].safe_substitute(language=LANGUAGES[context.language], colon=colon)
        user = self.prompts["section.user"].safe_substitute(
            theme=section.title, length=section_length(len(section.stories), context.language),
            stories="\n".join(lines),
        )
        stories = list(section.stories)
        written: dict[str, Any] = {}

        def check(answer: SectionAnswer) -> None:
            paragraphs = [
                (p.lead, cited_sentences(p.sentences or p.text or "", set(by_number), context.language))
                for p in answer.paragraphs
            ]
            paragraphs = self._known_names(paragraphs, user, context.language)
            _check_language(answer.headline, context.language)
            order = check_list(answer.layout, paragraphs, story_of, len(stories), context.language)
            written.update(paragraphs=paragraphs, order=order)

        answer, reason = self._ask_or_fallback(
            f"section {section.id}", system, user, SectionAnswer, check,
            json_schema=section_schema(sorted(by_number)), example=example("section", context.language),
        )
        if answer is None:
            return ExtractiveWriter().write_section(section.model_copy(update={"stories": stories}), context), reason
        return _drafted_section(section.id, answer, written, by_number, stories), ""

    def _section_material(
        self, section: Section, briefs: list[_Brief] | None, language: str
    ) -> tuple[list[str], dict[int, str], dict[int, int]]:
        """The prompt's lines for a section (each story's briefed facts, or its items), the URL of
        each source number, and the index of the story each source number belongs to."""
        numbers: dict[str, int] = {}
        story_of: dict[int, int] = {}  # source number → index of its story
        lines = []
        for index, story in enumerate(section.stories):
            lines.append(story_line(index + 1, story, briefs is None))
            if briefs is None:
                labels = [str(numbers.setdefault(it.url, len(numbers) + 1)) for it in story.items]
                lines.append(_item_blocks(story, labels, language, self.item_chars)[0])
            else:
                for text, urls in briefs[index].facts:
                    cites = [numbers.setdefault(u, len(numbers) + 1) for u in urls]
                    fact = with_chinese_figures(text) if language == "zh" else text
                    lines.append(f"- {fact} [{','.join(map(str, cites))}]")
            for item in story.items:
                if item.url in numbers:
                    story_of.setdefault(numbers[item.url], index)
        return lines, {n: u for u, n in numbers.items()}, story_of

    def _summary(self, drafted: list[DraftSection], context: WriteContext) -> tuple[list[DraftSentence], str, str]:
        numbers: dict[str, int] = {}
        lines = []
        for section in drafted:
            lines.append(f"## {section.title}")
            sentences = [s for p in section.paragraphs for s in p.sentences][:2]
            for s in sentences:
                cites = [numbers.setdefault(u, len(numbers) + 1) for u in s.sources]
                lines.append(f"- {s.text} [{','.join(map(str, cites))}]")
        by_number = {n: u for u, n in numbers.items()}
        system = self.prompts["summary.system"].safe_substitute(language=LANGUAGES[context.language])
        user = self.prompts["summary.user"].safe_substitute(sections="\n".join(lines))
        written: list[tuple[str, list[int]]] = []

        def check(answer: SummaryAnswer) -> None:
            written[:] = self._known_names(
                [(None, cited_sentences(answer.body, set(by_number), context.language))], user, context.language
            )[0][1]

        answer, reason = self._ask_or_fallback(
            "summary", system, user, SummaryAnswer, check,
            json_schema=summary_schema(sorted(by_number)), example=example("summary", context.language),
        )
        if answer is None:
            return [], "", reason
        sentences = [DraftSentence(text=text, sources=[by_number[n] for n in cites]) for text, cites in written]
        return sentences, _MARKS.sub("", answer.title).strip(), ""

    # -- budget ----------------------------------------------------------------------------------

    def _direct_cost(self, section: Section) -> int:
        return sum(estimate_tokens(_item_blocks(story, item_chars=self.item_chars)[0]) for story in section.stories)

    def _story_cost(self, story: Story, context: WriteContext) -> int:
        blocks, _ = _item_blocks(story, item_chars=self.item_chars)
        prompt = estimate_tokens(self.prompts["brief.system"].template) + estimate_tokens(blocks)
        return prompt + prompt // 3 + prompt // 3  # the brief out, then in and out again at the section

    def plan(self, sections: list[Section], context: WriteContext) -> tuple[list[Section], list[dict[str, Any]]]:
        """The stories to write per section within the token budget, and those left out."""
        report = context.settings.report
        limit = min(report.stories_per_section, report.max_paragraphs)
        left_out: list[dict[str, Any]] = []
        chosen = []
        for section in sections:
            chosen.append(list(section.stories[:limit]))
            for story in section.stories[limit:]:
                left_out.append({"story": story.id, "title": story.title, "section": section.id,
                                 "reason": f"beyond the {limit} stories written per section"})
        cost = {s.id: self._story_cost(s, context) for stories in chosen for s in stories}
        fixed = 1500 + 1200 * len(sections)
        total = fixed + sum(cost.values())
        while total > self.token_budget:
            candidates = [(stories[-1].importance, i) for i, stories in enumerate(chosen) if len(stories) > 1]
            if not candidates:
                break
            _, index = min(candidates)
            story = chosen[index].pop()
            total -= cost[story.id]
            left_out.append({"story": story.id, "title": story.title, "section": sections[index].id,
                             "reason": f"token budget: {cost[story.id]} estimated tokens would exceed llm.token_budget {self.token_budget}"})
        planned = [s.model_copy(update={"stories": stories}) for s, stories in zip(sections, chosen) if stories]
        return planned, left_out

    # -- the whole report ----------------------------------------------------------------------

    def write(self, sections: list[Section], context: WriteContext) -> Draft:
        started = time.perf_counter()
        planned, left_out = self.plan(sections, context)
        if self.items_per_story:  # a small local model reads each story's leading items only
            planned = [sec.model_copy(update={"stories": [
                st.model_copy(update={"items": st.items[: self.items_per_story]}) for st in sec.stories]})
                for sec in planned]
        if not planned:
            draft = ExtractiveWriter().write(sections, context)
            draft.notes = {**draft.notes, **self._notes(started, [], [], left_out)}
            return draft
        stories = [story for section in planned for story in section.stories]
        # Map only where needed: a section whose items fit `direct_tokens` is written from them.
        mapped = [sec for sec in planned if self._direct_cost(sec) > self.direct_tokens]
        to_brief = [story for sec in mapped for story in sec.stories]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            briefs = dict(zip([s.id for s in to_brief], pool.map(lambda s: self._brief(s, context), to_brief)))
            results = list(pool.map(
                lambda sec: self._section(
                    sec, [briefs[s.id] for s in sec.stories] if sec in mapped else None, context
                ),
                planned,
            ))
        drafted = [d for d, _ in results]
        fallbacks = [{"section": sec.id, "reason": reason} for sec, (_, reason) in zip(planned, results) if reason]
        fallbacks += [{"story": b.story.id, "stage": "brief", "reason": b.fallback} for b in briefs.values() if b.fallback]
        summary, day_title, reason = self._summary(drafted, context)
        if reason or not summary:
            summary = ExtractiveWriter().write_summary(planned, drafted, context)
            fallbacks.append({"section": "summary", "reason": reason or "empty summary"})
        notes = self._notes(started, fallbacks, planned, left_out)
        notes["selected_items"] = sum(len(story.items) for story in stories)
        notes["selected_item_tokens"] = item_text_tokens(stories)
        if day_title:
            notes["day_title"] = day_title
        return Draft(
            title=context.settings.report.display_title(context.language),
            summary=summary,
            sections=drafted,
            notes=notes,
        )

    def _notes(self, started: float, fallbacks: list, planned: list, left_out: list) -> dict[str, Any]:
        usage = self.model.usage
        price = self.prices.get(self.model.model, ModelPrice())
        cost = (usage.input_tokens * price.input + usage.output_tokens * price.output) / 1e6
        return {
            "writer": "openai",
            "endpoint": self.model.endpoint,
            "model": self.model.model,
            **usage.as_dict(),
            "repairs": self.repairs,
            "dropped": list(dict.fromkeys(self.dropped_names)),
            "answers": dict(self.outcomes),
            "seconds": round(time.perf_counter() - started, 3),
            "estimated_cost_usd": round(cost, 6),
            "fallbacks": fallbacks,
            "left_out": left_out,
        }


def _drafted_section(
    section_id: str, answer: SectionAnswer, written: dict[str, Any], by_number: dict[int, str], stories: list[Story]
) -> DraftSection:
    """The section a checked answer wrote: paragraphs (at most four of prose), headline, and the
    stories in the order the answer covered them (those it left out last)."""
    is_list = answer.layout == "list"
    paragraphs = [
        DraftParagraph(
            lead=_MARKS.sub("", lead).strip() if is_list and lead else None,
            sentences=[DraftSentence(text=text, sources=[by_number[n] for n in cites]) for text, cites in sentences],
        )
        for lead, sentences in (written["paragraphs"] if is_list else written["paragraphs"][:4])
    ]
    order = written["order"] + [i for i in range(len(stories)) if i not in written["order"]]
    return DraftSection(
        id=section_id,
        title=_MARKS.sub("", answer.headline).strip(),
        paragraphs=paragraphs,
        layout=answer.layout,
        story_ids=[stories[i].id for i in order],
    )


def item_text_tokens(stories: list[Story]) -> int:
    """Tokens of the selected items' title and text: the yardstick of the token target."""
    return sum(estimate_tokens(f"{it.title}\n{it.text}") for story in stories for it in story.items)


def items_of(sections: list[Section]) -> dict[str, Item]:
    return {it.url: it for section in sections for story in section.stories for it in story.items}


def writer_warnings(notes: Mapping[str, Any]) -> list[str]:
    """One line per thing the user should know about the writing: a fallback, parts written
    extractively, stories left out for the token budget."""
    out = []
    if notes.get("fallback"):
        out.append(f"{notes['fallback']} — wrote the extractive report instead")
    for fallback in notes.get("fallbacks", []):
        what = fallback.get("section") or fallback.get("story")
        out.append(f"llm: {what} written extractively: {fallback['reason']}")
    budget = [x for x in notes.get("left_out", []) if str(x.get("reason", "")).startswith("token budget")]
    if budget:
        out.append(f"llm.token_budget: {len(budget)} stories left out (listed in stats.writer.left_out)")
    return out


def usage_line(notes: Mapping[str, Any]) -> str:
    """The run-log line of an LLM-written report: requests, tokens, seconds, estimated cost."""
    if notes.get("writer") not in ("openai", "local"):
        return ""
    return (
        f"llm {notes.get('model')}: {notes.get('requests', 0)} requests ({notes.get('cache_hits', 0)} cached), "
        f"{notes.get('input_tokens', 0)} in / {notes.get('output_tokens', 0)} out tokens, "
        f"{notes.get('seconds', 0):.1f} s, ~${notes.get('estimated_cost_usd', 0):.4f}"
    )
