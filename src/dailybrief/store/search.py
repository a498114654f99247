"""Full-text search over reports and items, in Chinese and English: SQLite FTS5, or a
tsvector column with a GIN index on PostgreSQL (tables made by migration web_0003_search).

FTS5's `unicode61` tokenizer takes a run of Chinese characters as one token, so every text is
segmented with jieba first (search mode: a long word also yields its shorter words) and the
words are indexed separated by spaces; a query is segmented the same way and every word must
match. English words are stemmed (`porter`). `search_docs` holds what a hit shows (title, raw
text, date, section, source); `search_fts` holds the segmented words under the same rowid.
`sync_index` brings the index up to date with the items and reports changed since its last run.

PostgreSQL indexes the same segmented words in `search_docs.words` with the `simple`
configuration (every word as it is: no stemming, no stop words) and ranks with `ts_rank_cd`
where SQLite uses bm25; a query matches when every word does, as in FTS5. Unlike FTS5's porter
stemmer, `simple` matches English words exactly (`model` does not find `models`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from . import Store

BODY_CHARS = 3000  # indexed per item: title, summary and the start of the text
_MARKS = re.compile(r"\s?\[\d+\]")
_WORD = re.compile(r"\w", re.UNICODE)
# Terms jieba's dictionary splits (measured: 多模态, 智能体, 英伟达) or does not know.
_TERMS = ("大模型", "多模态", "智能体", "英伟达", "开源模型", "推理模型", "算力", "具身智能", "生成式")


@cache
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for term in _TERMS:
        jieba.add_word(term)
    jieba.initialize()
    return jieba


def index_words(value: str) -> str:
    """Words of `value` for the index: jieba search-mode segmentation, lower case."""
    words = _jieba().cut_for_search(value.lower())
    return " ".join(w for w in words if _WORD.search(w))


def query_words(value: str) -> list[str]:
    """The words of a query as the index holds them."""
    return [w for w in _jieba().lcut(value.lower()) if _WORD.search(w)]


@dataclass
class Doc:
    kind: str  # report | item
    ref: str
    date: str
    title: str
    body: str
    language: str = ""
    section: str = ""
    source: str = ""
    url: str = ""


def _put(conn: Connection, doc: Doc) -> None:
    words = index_words(f"{doc.title}\n{doc.body}")
    if conn.dialect.name == "postgresql":
        conn.execute(text("DELETE FROM search_docs WHERE ref = :ref"), {"ref": doc.ref})
        conn.execute(
            text(
                "INSERT INTO search_docs (kind, ref, date, language, section, source, title, body, url, words)"
                " VALUES (:kind, :ref, :date, :language, :section, :source, :title, :body, :url,"
                " to_tsvector('simple', :words))"
            ),
            {**vars(doc), "words": words},
        )
        return
    old = conn.execute(text("SELECT id FROM search_docs WHERE ref = :r"), {"r": doc.ref}).scalar()
    if old is not None:
        conn.execute(text("DELETE FROM search_fts WHERE rowid = :i"), {"i": old})
        conn.execute(text("DELETE FROM search_docs WHERE id = :i"), {"i": old})
    new = conn.execute(
        text(
            "INSERT INTO search_docs (kind, ref, date, language, section, source, title, body, url)"
            " VALUES (:kind, :ref, :date, :language, :section, :source, :title, :body, :url)"
        ),
        vars(doc),
    ).lastrowid
    conn.execute(text("INSERT INTO search_fts (rowid, words) VALUES (:i, :w)"), {"i": new, "w": words})


def _mark(conn: Connection, key: str) -> str:
    return conn.execute(text("SELECT value FROM search_state WHERE key = :k"), {"k": key}).scalar() or ""


def _set_mark(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        text(
            "INSERT INTO search_state (key, value) VALUES (:k, :v)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": key, "v": value},
    )


def _report_docs(conn: Connection, since: str) -> tuple[list[Doc], dict[str, tuple[str, str]], str]:
    """Docs of the reports stored since `since` (summary and one per section), each item URL's
    (date, section id), and the newest `created` seen."""
    from ..models import Report

    docs: list[Doc] = []
    placed: dict[str, tuple[str, str]] = {}
    newest = since
    rows = conn.execute(text("SELECT report, created FROM reports WHERE created > :s ORDER BY created"), {"s": since})
    for body, created in rows.all():
        report = Report.model_validate_json(body)
        newest = max(newest, created)
        key = f"report:{report.date}:{report.language}"
        docs.append(
            Doc("report", f"{key}:summary", report.date, report.title, _MARKS.sub("", report.summary), report.language)
        )
        for section in report.sections:
            paragraphs = "\n".join(((p.lead + " ") if p.lead else "") + p.text for p in section.paragraphs)
            docs.append(
                Doc(
                    "report",
                    f"{key}:{section.id}",
                    report.date,
                    section.title,
                    _MARKS.sub("", paragraphs),
                    report.language,
                    section.id,
                )
            )
            for story in section.stories:
                for url in story.item_urls:
                    placed[url] = (report.date, section.id)
    return docs, placed, newest


# How far before the last sync's newest stamp the next sync looks again. A row's stamp is taken
# before its transaction commits, so a row committed just after a sync can carry a stamp older
# than that sync's newest (the same second, or a concurrent worker's transaction); rows seen
# again are compared with their index entry and only changed ones are segmented and written.
LOOKBACK = timedelta(seconds=30)


def _looking_back(stamp: str) -> str:
    return (datetime.fromisoformat(stamp) - LOOKBACK).isoformat(timespec="seconds") if stamp else ""


def _unchanged(conn: Connection, doc: Doc) -> bool:
    stored = conn.execute(
        text("SELECT kind, ref, date, title, body, language, section, source, url FROM search_docs WHERE ref = :r"),
        {"r": doc.ref},
    ).first()
    return stored is not None and tuple(stored) == (
        doc.kind,
        doc.ref,
        doc.date,
        doc.title,
        doc.body,
        doc.language,
        doc.section,
        doc.source,
        doc.url,
    )


def sync_index(store: Store, zone: ZoneInfo) -> int:
    """Index the reports and items changed since the last sync; return how many docs were written."""
    written = 0
    with store.engine.begin() as conn:
        since = _mark(conn, "reports")
        docs, placed, newest = _report_docs(conn, _looking_back(since))
        newest = max(newest, since)
        docs = [doc for doc in docs if not _unchanged(conn, doc)]
        for doc in docs:
            _put(conn, doc)
        for url, (date, section) in placed.items():
            conn.execute(
                text("UPDATE search_docs SET date = :d, section = :s WHERE ref = :r"),
                {"d": date, "s": section, "r": f"item:{url}"},
            )
        _set_mark(conn, "reports", newest)
        written += len(docs)
    with store.engine.begin() as conn:
        since = _mark(conn, "items")
        rows = conn.execute(
            text(
                "SELECT url, title, summary, content, source, lang, published, updated FROM items"
                " WHERE updated > :s ORDER BY updated"
            ),
            {"s": _looking_back(since)},
        ).all()
        for row in rows:
            date, section = placed.get(row.url) or _placed(conn, row.url) or (_local_date(row.published, zone), "")
            body = "\n".join(x for x in (row.summary, row.content) if x)[:BODY_CHARS]
            doc = Doc("item", f"item:{row.url}", date, row.title, body, row.lang, section, row.source, row.url)
            since = max(since, row.updated)
            if not _unchanged(conn, doc):
                _put(conn, doc)
                written += 1
        _set_mark(conn, "items", since)
    return written


def _placed(conn: Connection, url: str) -> tuple[str, str] | None:
    row = conn.execute(
        text("SELECT date, section FROM search_docs WHERE ref = :r AND section != ''"), {"r": f"item:{url}"}
    ).first()
    return (row.date, row.section) if row else None


def _local_date(published: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(published).astimezone(zone).date().isoformat()


@dataclass
class Hit:
    kind: str
    ref: str
    date: str
    language: str
    section: str
    source: str
    title: str
    body: str
    url: str


@dataclass
class Filters:
    since: str = ""
    until: str = ""
    section: str = ""
    source: str = ""
    kind: str = ""  # report | item | "" for both


def search(store: Store, query: str, filters: Filters | None = None, limit: int = 30) -> tuple[list[Hit], int]:
    """The best `limit` hits for `query` (every word must match) and the total number of hits."""
    words = query_words(query)
    if not words:
        return [], 0
    postgres = store.dialect == "postgresql"
    if postgres:  # the query's words through the parser that made the index: all must match
        where, params = ["d.words @@ plainto_tsquery('simple', :q)"], {"q": " ".join(words), "limit": limit}
    else:
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        where, params = ["search_fts MATCH :q"], {"q": match, "limit": limit}
    f = filters or Filters()
    for column, op, value in (
        ("date", ">=", f.since),
        ("date", "<=", f.until),
        ("section", "=", f.section),
        ("source", "=", f.source),
        ("kind", "=", f.kind),
    ):
        if value:
            name = f"{column}{len(params)}"
            where.append(f"d.{column} {op} :{name}")
            params[name] = value
    clause = " AND ".join(where)
    if postgres:
        base = f"FROM search_docs d WHERE {clause}"
        order = "ts_rank_cd(d.words, plainto_tsquery('simple', :q)) DESC"
    else:
        base = f"FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE {clause}"
        order = "bm25(search_fts)"
    with store.engine.connect() as conn:
        total = conn.execute(text(f"SELECT count(*) {base}"), params).scalar_one()
        rows = conn.execute(
            text(
                f"SELECT d.kind, d.ref, d.date, d.language, d.section, d.source, d.title, d.body, d.url {base}"
                f" ORDER BY {order}, d.date DESC LIMIT :limit"
            ),
            params,
        ).all()
    return [Hit(*row) for row in rows], total


def facets(store: Store) -> tuple[list[str], list[str]]:
    """The section ids and sources present in the index, for the search filters."""
    with store.engine.connect() as conn:
        sections = conn.execute(text("SELECT DISTINCT section FROM search_docs WHERE section != '' ORDER BY 1"))
        sections_list = list(sections.scalars())
        sources = conn.execute(text("SELECT DISTINCT source FROM search_docs WHERE source != '' ORDER BY 1"))
        return sections_list, list(sources.scalars())
