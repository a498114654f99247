"""The functions behind `dailybrief sources ...`: add, list, remove, test, OPML."""

from __future__ import annotations

import pytest
from collecthelpers import LONG, make_settings, rss, spec
from rich.console import Console

from dailybrief.cli.sources import sources_table
from dailybrief.collect import commands
from dailybrief.errors import CollectError


def test_add_list_remove(home, collect_settings):
    settings = make_settings(collect_settings, spec("Config feed", "https://example.com/feed.xml"))
    added = commands.add_source(
        home, settings, commands.make_spec("Mine", "https://example.org/rss", "rss", weight=1.5, lang="en")
    )
    assert added.source_kind == "news" and added.weight == 1.5
    names = [(s.name, s.origin) for s in commands.list_sources(home, settings)]
    assert names == [("Config feed", "config"), ("Mine", "command")]
    console = Console(record=True, width=160)
    console.print(sources_table(commands.list_sources(home, settings)))
    assert "never" in console.export_text()
    commands.remove_source(home, settings, "Mine")
    assert [s.name for s in commands.list_sources(home, settings)] == ["Config feed"]


@pytest.mark.parametrize(
    ("name", "url", "kind", "message"),
    [
        ("x", "not a url", "rss", "not an http"),
        ("x", "ftp://example.com/feed", "rss", "not an http"),
        ("x", "https://example.com/feed", "podcast", "unknown kind"),
        ("Config feed", "https://example.com/other", "rss", "already exists"),
        ("Mine", "https://example.com/other", "rss", "already exists"),
        ("", "https://example.com/other", "rss", "non-empty name"),
    ],
)
def test_bad_add_changes_nothing(home, collect_settings, name, url, kind, message):
    settings = make_settings(collect_settings, spec("Config feed", "https://example.com/feed.xml"))
    commands.add_source(home, settings, commands.make_spec("Mine", "https://example.org/rss", "rss"))
    with pytest.raises(CollectError, match=message):
        commands.add_source(home, settings, commands.make_spec(name, url, kind))
    assert [s.name for s in commands.list_sources(home, settings)] == ["Config feed", "Mine"]


def test_remove_errors(home, collect_settings):
    settings = make_settings(collect_settings, spec("Config feed", "https://example.com/feed.xml"))
    with pytest.raises(CollectError, match="dailybrief.toml"):
        commands.remove_source(home, settings, "Config feed")
    with pytest.raises(CollectError, match="no source"):
        commands.remove_source(home, settings, "Nope")


def test_source_test_stores_nothing(server, home, collect_settings):
    server.expect_request("/feed").respond_with_data(rss([("One", "https://example.com/1", LONG)]))
    settings = make_settings(collect_settings, spec("f", server.url_for("/feed")))
    result = commands.test_source(home, settings, "f")
    assert result.error is None and [item.title for item in result.items] == ["One"]
    assert result.records[0].status == 200
    assert commands.list_sources(home, settings)[0].last_success is None
    with pytest.raises(CollectError, match="no source"):
        commands.test_source(home, settings, "missing")


def test_collect_one_source_and_unknown(server, home, collect_settings):
    server.expect_request("/a").respond_with_data(rss([("A", "https://example.com/a", LONG)]))
    settings = make_settings(collect_settings, spec("a", server.url_for("/a")), spec("b", server.url_for("/b")))
    summary = commands.collect(home, settings, source="a")
    assert [r.name for r in summary.sources] == ["a"]
    with pytest.raises(CollectError, match="no source"):
        commands.collect(home, settings, source="zzz")


def test_command_sources_are_collected_and_private_needs_permission(server, home, collect_settings):
    server.expect_request("/mine").respond_with_data(rss([("Mine", "https://example.com/m", LONG)]))
    collect_settings.allow_private = False
    settings = make_settings(collect_settings)
    commands.add_source(home, settings, commands.make_spec("mine", server.url_for("/mine"), "rss"))
    refused = commands.collect(home, settings)
    assert refused.exit_code == 1 and "allow-private" in refused.sources[0].error
    allowed = commands.collect(home, settings, allow_private=True)
    assert allowed.exit_code == 0 and allowed.sources[0].new == 1


OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
<outline text="Folder">
  <outline text="Good one" type="rss" xmlUrl="https://example.com/one.xml"/>
  <outline text="Bad URL" type="rss" xmlUrl="javascript:alert(1)"/>
</outline>
<outline text="Good two" type="rss" xmlUrl="https://example.com/two.xml"/>
<outline text="No URL"/>
<outline text="Good one" type="rss" xmlUrl="https://example.com/dup.xml"/>
<outline text="Releases" kind="github" xmlUrl="https://github.com/a/b"/>
</body></opml>"""


def test_opml_import_keeps_good_lists_bad_and_round_trips(tmp_path, home, collect_settings):
    settings = make_settings(collect_settings)
    path = tmp_path / "subs.opml"
    path.write_text(OPML)
    result = commands.import_opml(home, settings, path)
    assert [s.name for s in result.added] == ["Good one", "Good two", "Releases"]
    assert [entry for entry, _ in result.bad] == [
        "Bad URL <javascript:alert(1)>",
        "No URL",
        "Good one <https://example.com/dup.xml>",
    ]
    exported = commands.export_opml(home, settings)
    again = tmp_path / "again.opml"
    again.write_text(exported)
    other_home = tmp_path / "other"
    second = commands.import_opml(other_home, settings, again)
    assert [(s.name, s.kind, s.url) for s in second.added] == [(s.name, s.kind, s.url) for s in result.added]
    broken = tmp_path / "broken.opml"
    broken.write_text("<html>nope</html>")
    with pytest.raises(CollectError, match="not an OPML"):
        commands.import_opml(home, settings, broken)
