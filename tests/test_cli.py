"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import subprocess
import sys

from itemfiles import item, write_jsonl


def run(*args: str, home=None, check_rc: int | None = 0) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "dailybrief"]
    if home is not None:
        cmd += ["--home", str(home)]
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=300)
    if check_rc is not None:
        assert proc.returncode == check_rc, proc.stdout + proc.stderr
    return proc


def test_init_writes_the_starter_config(tmp_path):
    proc = run("init", home=tmp_path)
    assert (tmp_path / "dailybrief.toml").exists()
    assert "sources" in proc.stdout
    again = run("init", home=tmp_path, check_rc=1)
    assert "already exists" in again.stderr


def test_import_prints_counts_and_rejections(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [item("https://example.com/a", "A"), "{bad", item("https://example.com/a?utm_source=x", "A")])
    proc = run("import", str(path), home=tmp_path / "h")
    assert "added 1, updated 0, unchanged 1, rejected 1" in proc.stdout
    assert f"{path}:2: rejected: invalid JSON" in proc.stderr


def test_items_json(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [item("https://example.com/a", "A", published="2026-04-16T03:00:00Z", content="Body")])
    run("import", str(path), home=tmp_path / "h")
    import json

    rows = json.loads(run("items", "--date", "2026-04-17", "--json", home=tmp_path / "h").stdout)
    assert rows == [{"url": "https://example.com/a", "title": "A", "source": "", "source_kind": "other",
                     "lang": "en", "published": "2026-04-16T03:00:00Z", "content": "Body"}]
    assert json.loads(run("items", "--date", "2026-04-18", "--json", home=tmp_path / "h").stdout) == []


def test_bad_input_gives_one_clear_line(tmp_path):
    proc = run("build", "--date", "2026-02-30", home=tmp_path, check_rc=1)
    assert proc.stderr.strip() == "error: --date: expected a date as YYYY-MM-DD, got '2026-02-30'"
    proc = run("import", str(tmp_path / "nope.jsonl"), home=tmp_path, check_rc=1)
    assert proc.stderr.strip().count("\n") == 0 and "nope.jsonl" in proc.stderr
    (tmp_path / "dailybrief.toml").write_text('[report]\ncutoff = "8 am"\n', "utf-8")
    proc = run("items", home=tmp_path, check_rc=1)
    assert "report.cutoff" in proc.stderr and "dailybrief.toml" in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
