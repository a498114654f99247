"""Evaluation cases: a folder with `items.jsonl` (the import format) and `labels.json` (hand
labels: the story of every item, each story's section, key entities and figures, off-topic and
out-of-window items, the report days). The bundled sample day is a case too, labelled by the
`story` key of its items. A missing or malformed label file is reported in one line naming it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import EvalError
from ..process.normalise import canonical_url

SECTION_IDS = frozenset({"business", "safety", "agents", "research", "evaluation", "compute", "opensource", "other"})


@dataclass
class GoldItem:
    story: str
    off_topic: bool = False
    out_of_window: bool = False
    date_source: str = ""


@dataclass
class GoldStory:
    title: str = ""
    section: str = ""
    entities: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)


@dataclass
class Case:
    name: str
    items_path: Path
    report_days: list[date]
    items: dict[str, GoldItem]  # canonical URL → labels
    stories: dict[str, GoldStory]
    related: set[frozenset[str]] = field(default_factory=set)
    config: str = ""  # TOML written into the temporary home

    def related_to(self, a: str, b: str) -> bool:
        return a == b or frozenset((a, b)) in self.related


def _need(data: dict, key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise EvalError(f"{where}: missing key '{key}'")
    if not isinstance(data[key], kind):
        raise EvalError(f"{where}: '{key}' must be a {kind.__name__}")
    return data[key]


def _read_labels(path: Path) -> dict:
    if not path.is_file():
        raise EvalError(f"{path}: label file missing")
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise EvalError(f"{path}: expected a JSON object")
    return data


def _stories(data: dict, where: str) -> dict[str, GoldStory]:
    stories = {}
    for sid, spec in _need(data, "stories", dict, where).items():
        if not isinstance(spec, dict):
            raise EvalError(f"{where}: story '{sid}' must be an object")
        section = spec.get("section", "")
        if section not in SECTION_IDS:
            raise EvalError(f"{where}: story '{sid}' has unknown section {section!r}")
        stories[sid] = GoldStory(str(spec.get("title", "")), section, list(spec.get("entities", [])), list(spec.get("figures", [])))
    return stories


def _items(data: dict, stories: dict[str, GoldStory], where: str) -> dict[str, GoldItem]:
    items = {}
    for url, spec in _need(data, "items", dict, where).items():
        if not isinstance(spec, dict) or not isinstance(spec.get("story"), str):
            raise EvalError(f"{where}: item {url} needs a 'story'")
        if spec["story"] not in stories:
            raise EvalError(f"{where}: item {url} names unknown story '{spec['story']}'")
        items[canonical_url(url)] = GoldItem(
            spec["story"], bool(spec.get("off_topic")), bool(spec.get("out_of_window")), str(spec.get("date_source", "")))
    return items


def _days(data: dict, where: str) -> list[date]:
    try:
        return [date.fromisoformat(d) for d in _need(data, "report_days", list, where)]
    except (TypeError, ValueError):
        raise EvalError(f"{where}: 'report_days' must be a list of YYYY-MM-DD dates") from None


def _config(data: dict) -> str:
    settings = data.get("settings", {})
    lines = ["[report]"]
    for key, value in settings.items():
        lines.append(f"{key.split('.', 1)[1]} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def load_case(folder: Path) -> Case:
    """Read and check a case folder; raise `EvalError` naming the file and the problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EvalError(f"{folder}: no such case folder")
    items_path = folder / "items.jsonl"
    if not items_path.is_file():
        raise EvalError(f"{items_path}: items file missing")
    where = str(folder / "labels.json")
    data = _read_labels(folder / "labels.json")
    stories = _stories(data, where)
    related = set()
    for pair in data.get("related", []):
        if not (isinstance(pair, list) and len(pair) == 2 and all(p in stories for p in pair)):
            raise EvalError(f"{where}: 'related' entries must be pairs of known story ids, got {pair!r}")
        related.add(frozenset(pair))
    return Case(str(data.get("case") or folder.name), items_path, _days(data, where),
                _items(data, stories, where), stories, related, _config(data))


def sample_case(path: Path, day: date) -> Case:
    """The bundled sample day: one report day, stories from each item's `story` key, no sections."""
    items: dict[str, GoldItem] = {}
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if not row.get("story"):
                raise EvalError(f"{path}:{n}: item has no 'story' label")
            items[canonical_url(row["url"])] = GoldItem(row["story"])
    stories = {s: GoldStory() for s in {g.story for g in items.values()}}
    return Case("sample " + day.isoformat(), path, [day], items, stories)

