"""docs/report-json.md describes exactly the fields the Report models have, down to the parts of
`stats` (`BuildStats`): a field added to or removed from the models fails here until the doc says so."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from dailybrief.models import BuildStats, Organisation, Reference, Report, ReportSection

DOC = (Path(__file__).resolve().parents[1] / "docs" / "report-json.md").read_text("utf-8")


def chapter(title: str) -> str:
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def table(title: str) -> dict[str, str]:
    """First-column field name → the rest of the row, for the table under a heading."""
    rows = re.findall(r"^\| `([a-z_]+)` \|(.*)$", chapter(title), re.M)
    return dict(rows)


def typed_dict_keys(tp: object) -> set[str]:
    """Keys of a TypedDict part, or of the TypedDict in a list; empty for plain values."""
    if typing.get_origin(tp) is list:
        tp = typing.get_args(tp)[0]
    return set(typing.get_type_hints(tp)) if typing.is_typeddict(tp) else set()


def test_top_level_sections_and_references_tables_match_the_models():
    assert set(table("Top level")) == set(Report.model_fields)
    assert set(table("`sections[]`")) == set(ReportSection.model_fields)
    assert set(table("`references[]`")) == set(Reference.model_fields)


def test_organisation_paragraph_names_every_field():
    named = set(re.findall(r"`([a-z_]+)`", chapter("`organisation`")))
    assert set(Organisation.model_fields) - {"contacts"} <= named
    contact = Organisation.model_fields["contacts"].annotation
    assert set(typing.get_args(contact)[0].model_fields) <= named


def test_stats_table_matches_build_stats_down_to_its_parts():
    rows = table("`stats`")
    hints = typing.get_type_hints(BuildStats)
    assert set(rows) == set(hints), "docs/report-json.md `stats` table and models.BuildStats differ"
    for key, tp in hints.items():
        named = set(re.findall(r"`([a-z_]+)`", rows[key]))
        missing = typed_dict_keys(tp) - named
        assert not missing, f"stats.{key}: {sorted(missing)} not described in docs/report-json.md"
