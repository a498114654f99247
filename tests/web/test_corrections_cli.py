"""`dailybrief stories` corrections are exact and honest: canonical-URL matching, an unknown
URL is an error naming it, corrections are listed with who/when and can be undone; drop, pin
and move reach the report of the next build."""

from __future__ import annotations

from datetime import date

import pytest

from dailybrief.app.corrections import correct, list_corrections, undo
from dailybrief.config import load_settings
from dailybrief.errors import InputError
from dailybrief.importer import import_file
from dailybrief.pipeline import BuildOptions, build
from dailybrief.store import Store
from dailybrief.store.stories import latest_story_build
from itemfiles import SAMPLE

from .conftest import cli

DAY = "2026-04-17"
PARCAE_ZH = "https://www.qbitai.com/2026/04/38702.html"


def test_split_by_a_variant_url_unknown_url_list_and_undo(tmp_path):
    assert cli(tmp_path, "import", str(SAMPLE)).returncode == 0
    variant = PARCAE_ZH.replace("https://www.", "https://WWW.") + "/?utm_source=x&fbclid=1#top"
    split = cli(tmp_path, "stories", "split", variant, "--date", DAY, "--note", "different angle")
    assert split.returncode == 0, split.stderr
    assert "correction 1: split 1 item(s)" in split.stdout
    missing = cli(tmp_path, "stories", "split", "https://nowhere.example/story/", "--date", DAY)
    assert missing.returncode == 1
    assert missing.stderr.strip() == ("error: https://nowhere.example/story/: no stored item has this URL "
                                      "(canonical form https://nowhere.example/story)")
    listed = cli(tmp_path, "stories", "corrections", "--date", DAY).stdout
    assert "split" in listed and PARCAE_ZH in listed and "different angle" in listed and "1 corrections" in listed
    with Store.open(tmp_path) as store:
        groups = [s.item_urls for s in latest_story_build(store, DAY).stories]
    assert [PARCAE_ZH] in groups
    undone = cli(tmp_path, "stories", "undo", "1")
    assert undone.returncode == 0 and "undone" in undone.stdout
    with Store.open(tmp_path) as store:
        groups = [s.item_urls for s in latest_story_build(store, DAY).stories]
    assert [PARCAE_ZH] not in groups  # back in its story: the undone correction is not applied
    assert "[undone" in cli(tmp_path, "stories", "corrections").stdout
    again = cli(tmp_path, "stories", "undo", "1")
    assert again.returncode == 1 and "already undone" in again.stderr
    assert "no such correction" in cli(tmp_path, "stories", "undo", "99").stderr


def test_drop_pin_and_move_reach_the_next_report(tmp_path):
    day = date.fromisoformat(DAY)
    with Store.open(tmp_path) as store:
        import_file(store, SAMPLE)
        settings = load_settings(tmp_path)
        options = BuildOptions(day=day, out_dir=tmp_path / "r", formats=("md",))
        first = build(store, settings, options).report
        sections = [(sec.id, [s.id for s in sec.stories]) for sec in first.sections]
        dropped = sections[0][1][0]
        moved_from, moved = next((sid, ids[0]) for sid, ids in sections[1:] if sid != "other")
        target = next(s.id for s in settings.sections if s.id not in (moved_from, "other"))
        correct(store, settings, "drop", [dropped], day=day, author="ed")
        correct(store, settings, "move", [moved], day=day, author="ed", target=target)
        with pytest.raises(InputError, match="no section 'nope'"):
            correct(store, settings, "move", [moved], day=day, target="nope")
        second = build(store, settings, options).report
        placed = {s.id: sec.id for sec in second.sections for s in sec.stories}
        assert dropped not in placed
        assert placed[moved] == target
        reasons = {a["story"]: a["reason"] for a in second.stats["sections_assignment"]}
        assert reasons[moved].startswith("editor move")
        pin = correct(store, settings, "pin", [dropped], day=day, author="ed")  # a later pin wins over the drop
        third = build(store, settings, options).report
        leads = [sec.stories[0].id for sec in third.sections]
        assert dropped in leads
        undo(store, settings, pin.correction.id, "ed")
        assert [c.kind for c in list_corrections(store, day)] == ["drop", "move", "pin"]
