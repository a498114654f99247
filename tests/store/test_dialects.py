"""Every store module behaves the same on SQLite and PostgreSQL (`db` is parametrized over both):
items, sources and the fetch log, reports, deliveries, review and versions, users and sessions,
corrections, pauses, the LLM cache, story builds, embeddings and the scheduler's date lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from dailybrief.config import SourceSpec
from dailybrief.errors import AuthError, CollectError, InputError, LockHeld
from dailybrief.models import Item, Paragraph, Report, ReportSection, ReportStory, Story
from dailybrief.store import Store
from dailybrief.store import corrections as corr
from dailybrief.store import deliveries as dl
from dailybrief.store import review as rv
from dailybrief.store import runs as rn
from dailybrief.store import sources as src
from dailybrief.store import stories as st
from dailybrief.store import users as us
from dailybrief.store.embeddings import EmbeddingCache
from dailybrief.store.llm_cache import CachedAnswer, LLMCache
from dailybrief.store.pauses import pause_source, paused_sources, resume_source

T0 = datetime(2026, 4, 16, 8, tzinfo=UTC)


def _item(n: int, **changes: object) -> Item:
    values: dict[str, object] = {
        "url": f"https://news.example/{n}",
        "title": f"模型 {n} released",
        "published": T0 + timedelta(hours=n),
        "source": "Example",
        "content": f"body {n}",
        "lang": "en",
        "fetched": T0 + timedelta(hours=n, minutes=5),
    }
    return Item(**(values | changes))


def test_items_upsert_by_url(db: Store) -> None:
    first = db.upsert_items([_item(1), _item(2), _item(2)])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 1)
    again = db.upsert_items([_item(1), _item(2, title="changed", fetched=T0 + timedelta(days=3))])
    assert (again.added, again.updated, again.unchanged) == (0, 1, 1)
    stored = db.items_by_url(["https://news.example/2", "https://unknown.example/"])
    assert list(stored) == ["https://news.example/2"]
    assert stored["https://news.example/2"].title == "changed"
    assert stored["https://news.example/2"].fetched == T0 + timedelta(hours=2, minutes=5)  # the first fetch kept
    guessed = _item(1, published=T0 + timedelta(days=9), extra={"date_guessed": True})
    assert db.upsert_items([guessed]).updated == 1  # extra changed, the stored date kept
    assert db.items_by_url([guessed.url])[guessed.url].published == T0 + timedelta(hours=1)
    assert [i.url for i in db.items(T0, T0 + timedelta(hours=2))] == ["https://news.example/1"]
    assert db.count_items() == 2


def test_sources_fetch_state_log_and_articles(db: Store) -> None:
    config = [SourceSpec(name="feed", kind="rss", url="https://feed.example/rss", keywords=["AI"])]
    src.sync_config_sources(db, config)
    src.add_source(db, SourceSpec(name="page", kind="page", url="https://page.example/", weight=2.5))
    with pytest.raises(CollectError, match="already exists"):
        src.add_source(db, SourceSpec(name="page", kind="page", url="https://other.example/"))
    assert [s.name for s in src.all_sources(db, config)] == ["feed", "page"]
    assert src.command_sources(db)[0].weight == 2.5

    @dataclass
    class Record:
        url: str
        started: datetime
        status: int | None
        bytes: int
        seconds: float
        error: str | None

    ok = src.SourceWrite(
        "feed",
        [_item(3, source="feed")],
        T0,
        True,
        etag='"v1"',
        records=[Record("https://feed.example/rss", T0, 200, 512, 0.25, None)],
    )
    bad = src.SourceWrite(
        "page", [], T0, False, error="HTTP 500", records=[Record("https://page.example/", T0, 500, 0, 0.5, "HTTP 500")]
    )
    counts = src.save_fetches(db, [ok, bad])
    assert [c.added for c in counts] == [1, 0]
    src.record_failure(db, "page", "timeout")
    statuses = src.source_statuses(db, T0 - timedelta(days=1))
    assert statuses["page"].failures == 2 and statuses["page"].last_error == "timeout"
    assert statuses["feed"].etag == '"v1"' and statuses["feed"].failures == 0
    assert src.validators(db)["feed"] == ('"v1"', None)
    log = src.fetch_log(db)
    assert [(e.source, e.status, e.seconds) for e in log] == [("page", 500, 0.5), ("feed", 200, 0.25)]
    src.save_article(db, "https://a.example/1", "正文", 200, T0)
    src.save_article(db, "https://a.example/1", "正文 v2", 200, T0)
    assert src.cached_articles(db, ["https://a.example/1", "https://a.example/2"]) == {"https://a.example/1": "正文 v2"}
    assert src.remove_source(db, "page") == "command" and src.remove_source(db, "page") is None


def _report(date: str, language: str = "zh", summary: str = "摘要") -> Report:
    section = ReportSection(
        id="research",
        title="研究",
        paragraphs=[Paragraph(text="段落 [1]", citations=[1])],
        stories=[ReportStory(id="s1", title="t", item_urls=["https://news.example/1"], importance=1.0)],
    )
    return Report(
        date=date, title="AI 技术每日分析", language=language, summary=summary, sections=[section], references=[]
    )


def test_reports_versions_and_review(db: Store) -> None:
    db.save_report(_report("2026-04-17"))
    db.save_report(_report("2026-04-17", summary="新的摘要"))  # replaces the stored one
    db.save_report(_report("2026-04-17", "en", "summary"))
    db.save_report(_report("2026-04-18"))
    got = list(db.reports("2026-04-17", "2026-04-18", "zh"))
    assert [(r.date, r.summary) for r in got] == [("2026-04-17", "新的摘要")]
    with db.engine.begin() as conn:
        assert rv.report_body(conn, "2026-04-17", "en") is not None
        first = rv.add_version(conn, "2026-04-17", "zh", "{}", note="build")
        second = rv.add_version(conn, "2026-04-17", "zh", '{"a": 1}', author="ed", flags=[{"n": 1}])
        assert (first.version, second.version) == (1, 2)
        row = rv.set_state(conn, "2026-04-17", "zh", "approved", digest_=second.digest, actor="ed", version=2)
        assert (row.state, row.approved_by) == ("approved", "ed")
        row = rv.set_state(conn, "2026-04-17", "zh", "draft", digest_=second.digest, actor="ed")
        assert row.approved_by is None
        assert [v.flags for v in rv.versions(conn, "2026-04-17", "zh")] == [[], [{"n": 1}]]
        assert [e["state"] for e in rv.events(conn, "2026-04-17", "zh")] == ["approved", "draft"]
        assert [r.state for r in rv.all_reviews(conn)] == ["draft"]


def test_deliveries_add_up_attempts(db: Store) -> None:
    dl.record_delivery(db, "2026-04-17", "mail", 1, 2, "failed", error="refused", attempts=3)
    dl.record_delivery(db, "2026-04-17", "mail", 1, 2, "sent", remote_id="m1", attempts=1)
    dl.record_delivery(db, "2026-04-17", "mail", 2, 2, "skipped")
    assert dl.sent_parts(db, "2026-04-17", "mail") == {1}
    rows = dl.list_deliveries(db, "2026-04-17")
    assert [(r.part, r.status, r.attempts) for r in rows] == [(1, "sent", 4), (2, "skipped", 0)]


def test_users_sessions_corrections_and_pauses(db: Store) -> None:
    us.add_user(db, "ed", "long enough pw", "admin")
    with pytest.raises(InputError, match="exists already"):
        us.add_user(db, "ed", "long enough pw")
    with pytest.raises(AuthError):
        us.authenticate(db, "ed", "wrong password")
    user = us.authenticate(db, "ed", "long enough pw")
    session = us.start_session(db, user, hours=1)
    found = us.session_for(db, session.token)
    assert found is not None and found.user == user and found.csrf == session.csrf
    us.end_session(db, session.token)
    assert us.session_for(db, session.token) is None

    made = corr.add_correction(db, "move", ["https://news.example/1"], date="2026-04-17", author="ed", target="safety")
    corr.add_correction(db, "drop", ["https://news.example/2"], date="2026-04-18")
    undone = corr.undo_correction(db, made.id, by="ed")
    assert undone.undone and undone.undone_by == "ed"
    with pytest.raises(InputError, match="already undone"):
        corr.undo_correction(db, made.id)
    assert [c.kind for c in corr.corrections(db, include_undone=False)] == ["drop"]
    assert [o.kind for o in st.overrides(db)] == ["drop"]

    pause_source(db, "feed", by="ed")
    pause_source(db, "feed", by="ed2")
    assert paused_sources(db)["feed"][1] == "ed2"
    assert resume_source(db, "feed") and not resume_source(db, "feed")


def test_llm_cache_replaces_answers(db: Store) -> None:
    cache = LLMCache(db)
    cache.put("http://llm/v1", "m", "h", CachedAnswer("一", 1, 2))
    cache.put("http://llm/v1", "m", "h", CachedAnswer("二", 3, 4))
    assert cache.get("http://llm/v1", "m", "h") == CachedAnswer("二", 3, 4)
    assert cache.count() == 1
    cache.discard("http://llm/v1", "m", "h")
    assert cache.get("http://llm/v1", "m", "h") is None
    cache.put("http://llm/v1", "m", "h2", CachedAnswer("三", 0, 0))
    assert cache.clear() == 1


def test_story_builds(db: Store) -> None:
    db.upsert_items([_item(1), _item(2)])
    items = db.items()
    story = Story(id="s1", title="故事", items=items)
    merges = [st.MergeLogEntry("duplicate", items[1].url, items[0].url, "s1", 0.93, "same text")]
    ids = [st.save_story_build(db, "2026-04-17", [story], merges, "use", "exact") for _ in range(3)]
    st.set_story_status(db, ids[-1], {"s1": "update"})
    build = st.latest_story_build(db, "2026-04-17")
    assert build is not None and build.id == ids[-1]
    assert [(s.status, s.item_urls) for s in build.stories] == [("update", [i.url for i in items])]
    assert build.merges[0].score == pytest.approx(0.93)
    st.prune_story_builds(db, "2026-04-17", keep=1)
    assert st.latest_story_build(db, "2026-04-17").id == ids[-1]  # type: ignore[union-attr]
    assert len(st.items_by_url(db, [items[0].url, "https://unknown.example/"])) == 1
    assert st.add_override(db, "merge", [i.url for i in items]).kind == "merge"


def test_embeddings_round_trip_float32(db: Store) -> None:
    cache = EmbeddingCache(db)
    vectors = {"a": np.array([0.1, -2.5, 3.0], dtype=np.float32), "b": np.array([1e-8, 0, 7], dtype=np.float32)}
    cache.put("m", vectors)
    cache.put("m", {"a": np.array([9, 9, 9], dtype=np.float32)})  # a cached key is never rewritten
    got = cache.get("m", ["a", "b", "c"])
    assert set(got) == {"a", "b"}
    assert got["a"].dtype == np.float32 and np.array_equal(got["a"], vectors["a"])
    assert np.array_equal(got["b"], vectors["b"])
    assert cache.count("m") == 2 and cache.count("other") == 0


def test_date_lock_is_held_by_one_owner(db: Store) -> None:
    with rn.date_lock(db, "2026-04-17") as owner:
        with pytest.raises(LockHeld, match=owner.split(":")[0]):
            rn.acquire_lock(db, "2026-04-17", "someone-else")
        rn.acquire_lock(db, "2026-04-18", "someone-else")  # another date is free
    rn.acquire_lock(db, "2026-04-17", "next")  # released at the end of the block
    rn.acquire_lock(db, "2026-04-19", "crashed", ttl=timedelta(seconds=-1))
    rn.acquire_lock(db, "2026-04-19", "successor")  # the expired lock is taken over
    run = rn.start_run(db, "2026-04-17", "manual", "next")
    assert not rn.succeeded(db, "2026-04-17")
    rn.finish_run(db, run, "ok", [rn.StageRecord("build", "ok", 1.5, "6 sections")], {"mail": {"sent": 1}})
    assert rn.succeeded(db, "2026-04-17")
    record = rn.list_runs(db, date="2026-04-17")[0]
    assert (record.status, record.stages[0].detail, record.deliveries) == ("ok", "6 sections", {"mail": {"sent": 1}})
