"""The faithfulness verifier: every sentence of a report must be supported by the items it cites.

Run on every report, whichever writer produced it, and by `dailybrief verify REPORT.json`.
For each sentence of the summary and of every paragraph it checks that

1. every [n] resolves to a reference, and that reference belongs to a story of the sentence's
   section (for the summary: of any section);
2. every figure with its unit (`numbers.quantities`) is stated in the text of the cited items,
   across languages ($852 billion = 8520 亿美元, 128x = 128 倍);
3. every named entity (`entities.entities`) is mentioned in the text of the cited items.

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

from ..models import FindingStat, Item, Report, VerificationStat
from .entities import entity_spans, mentions, unsupported_names
from .numbers import Quantity, quantities, same_quantity

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

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_stats(self) -> VerificationStat:
        return {
            "sentences": self.sentences,
            "supported": self.supported,
            "unsupported": len([f for f in self.findings if f.action in ("removed", "marked")]),
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
    if several_stories and not reasons:
        for start, end in _clauses(text):
            together = [n for at, n in names if start <= at < end]
            if len(together) > 1 and not any(all(mentions(s, n) for n in together) for s in sources):
                reasons.append(f"names {', '.join(repr(n) for n in together)} are not stated together in any cited item")
    return reasons


class _Checker:
    def __init__(self, report: Report, items: Mapping[str, Item]):
        self.report = report
        self.items = items
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
        stories = {self.story_of.get(self.refs[n].url) for n in dict.fromkeys(numbers)}
        return check_claims(sentence, sources, several_stories=len(stories) > 1)

    def section_text(self, index: int) -> list[str]:
        return [source_text(self.items[u]) for u in self.section_urls[index] if u in self.items]


def _theme(title: str) -> str:
    for colon in ("：", ": "):
        if colon in title:
            return title.split(colon, 1)[0]
    return title


def verify_report(
    report: Report, items: Mapping[str, Item], *, keep_unsupported: bool = False
) -> tuple[Report, Verification]:
    """Check every sentence of `report` against `items` (by URL); return the cleaned report
    (a copy) and what was found. `report.stats["verification"]` is set on the copy."""
    out = report.model_copy(deep=True)
    checker = _Checker(report, items)
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

    out.summary = clean(report.summary, checker.all_urls, "summary")
    for index, section in enumerate(out.sections):
        where = f"section {index + 1}"
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
    _renumber(out)
    out.stats = {**out.stats, "verification": result.as_stats()}
    return out, result


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
