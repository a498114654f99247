"""`dailybrief stories`, `stories split/merge`, `eval clustering` and novelty in a real build."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from dailybrief.config import load_settings
from dailybrief.importer import import_file
from dailybrief.pipeline import BuildOptions, build
from dailybrief.store import Store
from itemfiles import SAMPLE

DEV = Path(__file__).parents[1] / "data" / "clustering-dev.jsonl"


def run(*args: str, home: Path, rc: int = 0) -> str:
    proc = subprocess.run([sys.executable, "-m", "dailybrief", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == rc, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def test_stories_list_split_and_merge(tmp_path):
    run("import", str(SAMPLE), home=tmp_path)
    listing = run("stories", "--date", "2026-04-17", "--log", home=tmp_path)
    assert "https://arxiv.org/abs/2604.14187" in listing and "merge story" in listing and "stories," in listing
    parcae_zh = "https://www.qbitai.com/2026/04/38702.html"
    out = run("stories", "split", parcae_zh, "--date", "2026-04-17", home=tmp_path)
    assert "correction 1: split 1 item(s)" in out
    after = run("stories", "--date", "2026-04-17", home=tmp_path)
    lines = after.splitlines()
    at = next(i for i, line in enumerate(lines) if parcae_zh in line)
    assert lines[at - 1].lstrip()[0].isdigit() and not lines[at + 1].startswith("       ")  # alone
    out = run("stories", "merge", parcae_zh, "https://arxiv.org/abs/2604.14187", home=tmp_path)
    assert "correction 2: merge 2 item(s)" in out
    run("stories", "--date", "2026-04-17", "--rebuild", home=tmp_path)
    merged = run("stories", "--date", "2026-04-17", home=tmp_path).splitlines()
    at = next(i for i, line in enumerate(merged) if parcae_zh in line)
    assert not merged[at - 1].lstrip()[0].isdigit()  # back inside a story
    assert "needs --date" in run("stories", "merge", "s-0000000000", "s-1", home=tmp_path, rc=1)


def test_eval_clustering_prints_bcubed(tmp_path):
    out = run("eval", "clustering", str(DEV), home=tmp_path)
    f1 = float(next(line.split()[1] for line in out.splitlines() if line.startswith("f1 ")))
    assert f1 >= 0.9 and "precision" in out and "recall" in out and "stories" in out
    assert "no such file" in run("eval", "clustering", str(tmp_path / "none.jsonl"), home=tmp_path, rc=1)


def test_a_rebuild_the_next_day_leaves_repeats_out_and_marks_updates(tmp_path):
    with Store.open(tmp_path) as store:
        import_file(store, SAMPLE)
        settings = load_settings(tmp_path)
        first = build(store, settings, BuildOptions(day=date(2026, 4, 17), out_dir=tmp_path / "r", formats=("md",))).report
        shown = {s.id for sec in first.sections for s in sec.stories}
        assert shown and first.stats["novelty"]["repeat"] == 0
        # The next day with a window that still covers the same items: nothing is new.
        second = build(store, settings, BuildOptions(day=date(2026, 4, 18), out_dir=tmp_path / "r",
                                                      window_hours=48, formats=("md",))).report
    assert second.stats["novelty"]["repeat"] >= len(shown) - 1
    assert {r["id"] for r in second.stats["repeats"]} and all(
        r["earlier_reports"] == ["2026-04-17"] for r in second.stats["repeats"])
    for sec in second.sections:
        for story in sec.stories:
            assert story.status in ("new", "update")
            assert story.status == "new" or story.earlier_reports == ["2026-04-17"]


def test_stories_list_shows_near_duplicate_copies_under_their_item(tmp_path):
    run("import", str(SAMPLE), home=tmp_path)
    lines = run("stories", "--date", "2026-04-17", "--log", home=tmp_path).splitlines()
    folds = [line.split() for line in lines if line.startswith("merge duplicate")]
    assert folds
    copy_url, kept_url = folds[0][3], folds[0][5].rstrip(":")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(kept_url))
    below = []
    for line in lines[at + 1:]:
        if not line.strip().startswith("copy: "):
            break
        below.append(line)
    assert any(copy_url in line for line in below), lines[at:at + 4]
    assert all(line.startswith("         copy: ") and line.rstrip().endswith(")") for line in below)
