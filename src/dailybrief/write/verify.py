"""The faithfulness verifier: every sentence of a report must be supported by the items it cites.

Run on every report, whichever writer produced it, and by `dailybrief verify REPORT.json`.
For each sentence of the summary and of every paragraph it checks that

1. every [n] resolves to a reference, and that reference belongs to a story of the sentence's
   section (for the summary: of a story the verified sections still cite);
2. every figure with its unit (`numbers.quantities`) is stated in the text of the cited items,
   across languages ($852 billion = 8520 亿美元, 128x = 128 倍), rounded by at most a tenth;
3. every named entity (`entities.entities`, and Chinese person and organisation names by
   jieba's part-of-speech tags) is mentioned in the text of the cited items — and not only in a
   denial ("与 ResBM 等其他工作无关"); a Chinese name that cannot be looked for in an item of
   another script is listed as "unchecked" in the stats;
4. with an embedder, a sentence of the cited items says what the sentence says (cross-lingual
   similarity, `SUPPORT_THRESHOLD`), and no uncited item of its section says it much better —
   so generic filler and a description attached to the wrong paper fail, name or no name.

Parts that had sentences and have no supported one left are listed in `Verification.empty`
(`write.checked` rewrites them extractively).

A sentence that cites nothing passes only when it makes no claim beyond the report's own
structure (section titles, the number of stories and sections). Section headlines and list
leads are checked against all items of their section; an unsupported headline is cut to its
theme (the part before the colon), an unsupported lead is dropped.

Unsupported sentences are removed (or, with `keep_unsupported`, marked) and listed with their
reasons; references no longer cited are dropped and the rest renumbered in order of first
citation, so the report keeps the contract `assemble.build_report` establishes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..models import FindingStat, Item, Report, VerificationStat
from .entities import check_chinese_names, entity_spans, mentions, unsupported_names
from .numbers import Quantity, quantities, same_quantity
from .provenance import lead_facts

MARK = re.compile(r"\[(\d+)\]")
_MARKS = r"(?:\s?\[\d+\])*"
# A sentence ends at Chinese end punctuation, or at . ! ? before a space (or the end); the
# citation marks that follow either belong to it.
_END = re.compile(
    r"(?:" + _MARKS + r"[。！？；]+[”」』\"’)）]*" + _MARKS + r")"
    r"|(?:(?<![A-Z]\.[A-Z])[.!?]+[”\"’)]*" + _MARKS + r"(?=\s+[^a-z]|\s*$))"
)
_ABBREVIATION = re.compile(r"\b(?:vs|etc|Inc|Corp|Ltd|Co|Jr|Sr|St|Mr|Ms|Mrs|Dr|Prof|No|approx|al|e\.g|i\.e)\.\s*$")
UNSUPPORTED_MARK = {"zh": "[未核实] ", "en": "[unverified] "}


@dataclass
class Finding:
    where: str
    text: str
    reasons: list[str]
    action: str

    def as_dict(self) -> FindingStat:
        return {"where": self.where, "text": self.text, "reasons": self.reasons, "action": self.action}


@dataclass
class Verification:
    sentences: int = 0
    supported: int = 0
    findings: list[Finding] = field(default_factory=list)
    # Chinese names that could not be checked (the cited items are in another script)
    unchecked: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # parts left with no supported sentence

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_stats(self) -> VerificationStat:
        return {
            "sentences": self.sentences,
            "supported": self.supported,
            "unsupported": len([f for f in self.findings if f.action in ("removed", "marked")]),
            "unchecked": list(dict.fromkeys(self.unchecked)),
            "empty": self.empty,
            "findings": [f.as_dict() for f in self.findings],
        }


def split_cited(text: str) -> list[str]:
    """Sentences of a rendered paragraph, each with the [n] marks that follow it, whitespace kept."""
    pieces, start = [], 0
    for match in _END.finditer(text):
        end = match.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if text[start:match.end()].strip():
            pieces.append(text[start:end])
        start = end
    if text[start:].strip():
        pieces.append(text[start:])
    # A piece without marks that does not end a Chinese sentence ("TurboQuant vs. ", a title's
    # "…marketing? Critics say") is part of the cited sentence that follows it.
    # An English piece that ends with a full stop after a word that is no abbreviation is a
    # sentence of its own, cited or not ("This issue covers 18 stories in 6 themes: ….").
    merged: list[str] = []
    for piece in pieces:
        if (
            merged and not MARK.search(merged[-1])
            and not re.search(r"[。！？；][”」』\"’)）]*\s*$", merged[-1])
            and not (re.search(r"[a-z0-9%)]{2}\.[”\"’)]*\s*$", merged[-1]) and not _ABBREVIATION.search(merged[-1]))
        ):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def source_text(item: Item) -> str:
    return "\n".join([item.title, item.text, item.source, *(m.title for m in item.mirrors)])


# Clauses of a sentence: what a figure's subject is looked for in first.
_CLAUSE = re.compile(r"[，,；;：:]\s*|\s(?:and|but|while|whereas)\s|、")


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _subject(text: str, figure_at: int, names: list[tuple[int, str]]) -> str | None:
    """The name a figure is said of: the nearest name before it in its clause, else the nearest
    before it in the sentence, else the first after it in its clause."""
    clause = next(((a, b) for a, b in _clauses(text) if a <= figure_at <= b), (0, len(text)))
    before = [(at, n) for at, n in names if at < figure_at]
    in_clause = [(at, n) for at, n in before if at >= clause[0]]
    if in_clause or before:
        return (in_clause or before)[-1][1]
    after = [n for at, n in names if figure_at < at <= clause[1]]
    return after[0] if after else None


def _figure_at(text: str, quantity: Quantity) -> int:
    at = text.find(quantity.text)
    return at if at >= 0 else 0


# Where a text says a name is NOT involved: "与同期发布的 ResBM 等其他工作无关", "unrelated to
# ResBM". A name mentioned only inside such a span does not support a claim about it.
_DENIAL = re.compile(
    r"与[^，。；！？\n]{0,40}?(?:无关|没有关系|没有关联|不相关)"
    r"|(?:并非|否认|而非)[^，。；！？\n]{0,30}"
    r"|(?:unrelated to|not related to|nothing to do with|no (?:connection|relation) (?:to|with)"
    r"|not connected (?:to|with)|rather than|as opposed to|denied|denies)[^.;,\n]{0,60}",
    re.I,
)


def without_denials(text: str) -> str:
    """`text` with its denial spans blanked out."""
    return _DENIAL.sub(lambda m: " " * len(m.group(0)), text)


def denied_names(sentence: str, sources: list[str]) -> list[str]:
    """Names the sentence states something about (outside a denial of its own) that the cited
    items mention only in a denial."""
    asserted = without_denials(sentence)
    out = []
    for _, name in entity_spans(sentence):
        if not mentions(asserted, name) or not any(mentions(s, name) for s in sources):
            continue
        if not any(mentions(without_denials(s), name) for s in sources):
            out.append(name)
    return out


def check_claims(sentence: str, sources: list[str], *, several_stories: bool = False) -> list[str]:
    """Reasons why `sentence` (citation marks removed) is not supported by `sources`, the texts
    of the items it cites:

    - every figure is stated in at least one cited item (not pieced together from several);
    - every name is mentioned in a cited item;
    - the name a figure is said of (its subject, `_subject`) is mentioned in an item that states
      the figure, when some cited item mentions it — "TurboQuant compresses 128x" citing the
      TurboQuant item and the ResBM item (which has the 128x) fails;
    - with `several_stories` (the sentence cites items of more than one story), the names of
      each clause are mentioned together in one cited item — so a controversy about one story
      is not pinned on a name of another.
    """
    text = MARK.sub("", sentence)
    pools = [quantities(source, names_are_numbers=True) for source in sources]
    names = entity_spans(text)
    reasons = []
    for claim in quantities(text):
        stating = [i for i, pool in enumerate(pools) if any(same_quantity(claim, s) for s in pool)]
        if not stating:
            reasons.append(f"figure {claim.text!r} is not in the cited items")
            continue
        subject = _subject(text, _figure_at(text, claim), names)
        if subject and any(mentions(s, subject) for s in sources) and not any(
            mentions(sources[i], subject) for i in stating
        ):
            reasons.append(f"figure {claim.text!r} and {subject!r} are not stated together in any cited item")
    reasons += [f"name {name!r} is not in the cited items"
                for name in unsupported_names(text, "\n".join(sources), sources)]
    reasons += [f"name {name!r} is mentioned in the cited items only in a denial"
                for name in denied_names(text, sources)]
    if several_stories and not reasons:
        for start, end in _clauses(text):
            together = [n for at, n in names if start <= at < end]
            if len(together) > 1 and not any(all(mentions(s, n) for n in together) for s in sources):
                reasons.append(f"names {', '.join(repr(n) for n in together)} are not stated together in any cited item")
    return reasons


# Semantic support: a cited sentence must say what one sentence (or the title) of a cited item
# says. USE multilingual cosine; calibrated on translation pairs and on the local model's
# failures (`tests/write/test_write_support.py`).
SUPPORT_THRESHOLD = 0.4
# …and must not fit a sentence of an item it does not cite (in its section) much better: a
# description attached to the wrong paper.
WRONG_ITEM_MARGIN = 0.2


# Provenance: who reported a story first, who followed, in which languages, how much the
# community engaged (the extractive writer's data lead, `write/lead.py`). Such a sentence is a
# claim about the items, not in them: its names and figures are checked, its meaning is not.
_ZH_PROVENANCE = re.compile(
    r"由.{1,40}最早报道|随后跟进|^中英文来源均有报道|上获 \d+ 分、\d+ 条评论|^延续 \d+ 月 \d+ 日的报道")
_EN_PROVENANCE = re.compile(
    r"^(?:[^,.]{1,60} reported .{1,80}? first(?:, on [A-Z][a-z]+ \d{1,2})?)?"
    r"(?:(?:, )?followed by [A-Z0-9][^,.]*(?:, [A-Z0-9][^,.]*)*(?: and others)?)?"
    r"(?:(?:, )?covered in both Chinese and English)?"
    r"(?:(?:, )?\d+ points and \d+ comments on [A-Z0-9][^,.]*)?"
    r"(?:(?:, )?continuing the report of \d{4}-\d{2}-\d{2})?\.?$"
)


def is_provenance(sentence: str) -> bool:
    """Whether a sentence only says who reported what, when and how widely."""
    text = MARK.sub("", sentence).strip()
    if re.search(r"[\u4e00-\u9fff]", text):
        clauses = [c.strip() for c in text.rstrip("。").split("，") if c.strip()]
        return bool(clauses) and all(_ZH_PROVENANCE.search(c) for c in clauses)
    return len(text) > 12 and bool(_EN_PROVENANCE.match(text))


class _Checker:
    def __init__(self, report: Report, items: Mapping[str, Item], embedder: Any = None):
        self.report = report
        self.items = items
        self.embedder = embedder
        self.refs = {r.n: r for r in report.references}
        self.section_urls = [
            {url for story in section.stories for url in story.item_urls} for section in report.sections
        ]
        self.all_urls = set().union(*self.section_urls) if self.section_urls else set()
        self.story_of = {
            url: (i, story.id) for i, section in enumerate(report.sections)
            for story in section.stories for url in story.item_urls
        }
        n_stories = sum(len(s.stories) for s in report.sections)
        counts = {n_stories, len(report.sections), report.stats.get("stories"), report.stats.get("items_in_window")}
        self.structure = " ".join(
            [s.title for s in report.sections] + [str(c) for c in counts if isinstance(c, int)]
        )
        self.unchecked: list[str] = []
        self._vectors: dict[str, Any] = {}
        self._sentence_vectors: dict[str, Any] = {}
        if embedder is not None:
            self._prefetch(report)

    def _prefetch(self, report: Report) -> None:
        """Embed every sentence of the report and of its items in one call (one batch is many
        times faster than a call per sentence)."""
        from .sentences import split_sentences

        texts = [report.summary] + [p.text for s in report.sections for p in s.paragraphs]
        sentences = list(dict.fromkeys(MARK.sub("", piece) for t in texts for piece in split_cited(t)))
        pieces = {url: [p for p in [self.items[url].title, *split_sentences(self.items[url].text)] if p.strip()]
                  for url in self.all_urls if url in self.items}
        flat = sentences + [p for ps in pieces.values() for p in ps]
        if not flat:
            return
        vectors = self.embedder.embed(flat)
        self._sentence_vectors = dict(zip(sentences, vectors[: len(sentences)]))
        at = len(sentences)
        for url, ps in pieces.items():
            self._vectors[url] = vectors[at : at + len(ps)]
            at += len(ps)

    def sentence(self, sentence: str, allowed: set[str]) -> list[str]:
        numbers = [int(n) for n in MARK.findall(sentence)]
        if not numbers:
            reasons = check_claims(sentence, [self.structure])
            return [f"cites nothing; {r.removesuffix(' is not in the cited items')} needs a source" for r in reasons]
        reasons, sources = [], []
        for n in dict.fromkeys(numbers):
            ref = self.refs.get(n)
            if ref is None:
                reasons.append(f"[{n}] does not resolve to a reference")
            elif ref.url not in allowed:
                reasons.append(f"[{n}] is not a source of a story in this section")
            elif ref.url not in self.items:
                reasons.append(f"[{n}] cannot be checked: its item text is not available")
            else:
                sources.append(source_text(self.items[ref.url]))
        if reasons:
            return reasons
        urls = [self.refs[n].url for n in dict.fromkeys(numbers)]
        stories = {self.story_of.get(url) for url in urls}
        if is_provenance(sentence):  # dates, earlier reports, engagement (lead.py)
            earlier = [d for sec in self.report.sections for st in sec.stories
                       if set(urls) & set(st.item_urls) for d in st.earlier_reports]
            sources = [f"{text}\n{lead_facts(self.items[u], earlier)}" for text, u in zip(sources, urls)]
        reasons = check_claims(sentence, sources, several_stories=len(stories) > 1)
        self.unchecked += check_chinese_names(MARK.sub("", sentence), sources)[1]
        return reasons or self.support(MARK.sub("", sentence), urls, allowed)

    def _item_vectors(self, url: str) -> Any:
        if url not in self._vectors:
            from .sentences import split_sentences

            item = self.items[url]
            pieces = [item.title, *split_sentences(item.text)]
            self._vectors[url] = self.embedder.embed([p for p in pieces if p.strip()])
        return self._vectors[url]

    def support(self, sentence: str, cited: list[str], allowed: set[str]) -> list[str]:
        """Whether a sentence of the cited items says what `sentence` says (see
        SUPPORT_THRESHOLD), and no uncited item of the section says it much better."""
        if self.embedder is None or not sentence.strip() or is_provenance(sentence):
            return []
        vector = self._sentence_vectors.get(sentence)
        if vector is None:
            vector = self.embedder.embed([sentence])[0]

        def best(url: str) -> float:
            vectors = self._item_vectors(url)
            return float((vectors @ vector).max()) if len(vectors) else 0.0

        score = max(best(url) for url in cited)
        if score < SUPPORT_THRESHOLD:
            return [f"no sentence of the cited items says this (similarity {score:.2f} < {SUPPORT_THRESHOLD})"]
        others = [(best(url), url) for url in allowed - set(cited) if url in self.items]
        if others:
            other, url = max(others)
            if other > score + WRONG_ITEM_MARGIN:
                return [f"it matches an uncited item better ({other:.2f} vs {score:.2f}): {self.items[url].title[:60]}"]
        return []

    def section_text(self, index: int) -> list[str]:
        return [source_text(self.items[u]) for u in self.section_urls[index] if u in self.items]

    def reported_urls(self, report: Report) -> set[str]:
        """Item URLs of the stories a cleaned report's sections still cite: what the summary
        may cite (not a story that was left out or whose sentences were all removed)."""
        cited = {self.refs[int(n)].url for s in report.sections for p in s.paragraphs
                 for n in MARK.findall(p.text) if int(n) in self.refs}
        return {url for s in report.sections for story in s.stories
                if cited & set(story.item_urls) for url in story.item_urls}


def _theme(title: str) -> str:
    for colon in ("：", ": "):
        if colon in title:
            return title.split(colon, 1)[0]
    return title


def verify_report(
    report: Report, items: Mapping[str, Item], *, keep_unsupported: bool = False, embedder: Any = None,
) -> tuple[Report, Verification]:
    """Check every sentence of `report` against `items` (by URL); return the cleaned report
    (a copy) and what was found. `report.stats["verification"]` is set on the copy. With an
    `embedder` (`process.embed`), every cited sentence must also say what its items say."""
    out = report.model_copy(deep=True)
    checker = _Checker(report, items, embedder)
    result = Verification()
    mark = UNSUPPORTED_MARK.get(report.language, UNSUPPORTED_MARK["en"])

    def clean(text: str, allowed: set[str], where: str) -> str:
        kept = []
        for piece in split_cited(text):
            result.sentences += 1
            reasons = checker.sentence(piece, allowed)
            if not reasons:
                result.supported += 1
                kept.append(piece)
                continue
            action = "marked" if keep_unsupported else "removed"
            result.findings.append(Finding(where, piece.strip(), reasons, action))
            if keep_unsupported:
                kept.append(mark + piece.lstrip())
        return "".join(kept).strip()

    for index, section in enumerate(out.sections):
        _clean_section(index, section, checker, result, clean)
    had_summary = bool(report.summary.strip())
    out.summary = clean(report.summary, checker.reported_urls(out), "summary")
    if had_summary and not out.summary:
        result.empty.append("summary")
    result.unchecked = checker.unchecked
    _renumber(out)
    out.stats = {**out.stats, "verification": result.as_stats()}
    return out, result


def _clean_section(index: int, section: Any, checker: _Checker, result: Verification, clean: Any) -> None:
    where = f"section {index + 1}"
    had_text = any(p.text.strip() for p in section.paragraphs)
    allowed = checker.section_urls[index]
    section_sources = checker.section_text(index)
    reasons = check_claims(section.title, section_sources)
    if reasons:
        theme = _theme(section.title)
        result.findings.append(Finding(f"{where} headline", section.title, reasons, "cut to theme"))
        section.title = theme
    for p_index, paragraph in enumerate(section.paragraphs):
        if paragraph.lead:
            reasons = check_claims(paragraph.lead, section_sources)
            if reasons:
                result.findings.append(
                    Finding(f"{where} paragraph {p_index + 1} lead", paragraph.lead, reasons, "lead dropped")
                )
                paragraph.lead = None
        paragraph.text = clean(paragraph.text, allowed, f"{where} paragraph {p_index + 1}")
    section.paragraphs = [p for p in section.paragraphs if p.text]
    if had_text and not section.paragraphs:  # emptied by verification (not written empty)
        result.empty.append(where)


def _renumber(report: Report) -> None:
    """Drop references no longer cited; renumber the rest in order of first citation."""
    texts = [report.summary] + [p.text for s in report.sections for p in s.paragraphs]
    order = list(dict.fromkeys(int(n) for text in texts for n in MARK.findall(text)))
    new = {old: i + 1 for i, old in enumerate(order)}
    by_n = {r.n: r for r in report.references}

    def sub(text: str) -> str:
        return MARK.sub(lambda m: f"[{new[int(m.group(1))]}]" if int(m.group(1)) in new else "", text)

    def cited(text: str) -> list[int]:
        return list(dict.fromkeys(int(n) for n in MARK.findall(text)))

    report.summary = sub(report.summary)
    report.summary_citations = cited(report.summary)
    for section in report.sections:
        for paragraph in section.paragraphs:
            paragraph.text = sub(paragraph.text)
            paragraph.citations = cited(paragraph.text)
    report.references = [by_n[old].model_copy(update={"n": new[old]}) for old in order if old in by_n]
