"""The review workflow: draft → in_review → approved → published, or rejected back to draft.

With `review = "on"` every report needs an editor's approval before `publish`; with `"auto"`
only a report where the verifier removed or flagged something. Editors may change a section's
title, the summary (摘要) and any paragraph before approval: each save is a new version (none is
ever lost), every edited sentence is verified again against the items it cites, and a save made
from a page older than the latest version is refused. A rebuild after approval is a new
version and needs approving again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..config import Settings
from ..errors import InputError, ReviewError
from ..models import Report
from ..store import Store, schema
from ..store import review as rs
from ..store.stories import items_by_url
from ..write.verify import split_cited, verify_report

EDIT_LIMIT = 20_000  # characters in one edited field


@dataclass
class ReviewStatus:
    date: str
    language: str
    state: str  # draft | in_review | approved | published
    required: bool  # publish needs approval under the current `review` setting
    version: int
    digest: str
    reason: str = ""
    approved_by: str | None = None
    approved_at: str | None = None
    flags: list[dict] = field(default_factory=list)  # verifier findings on the last edit
    findings: int = 0  # sentences the build's verifier removed or flagged
    events: list[dict] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.state in ("approved", "published")


def _stored(store: Store, day: str, language: str) -> tuple[str, Report]:
    with store.engine.connect() as conn:
        body = rs.report_body(conn, day, language)
    if body is None:
        raise InputError(f"{day} ({language}): no report stored for this date (build it first)")
    return body, Report.model_validate_json(body)


def _sync(store: Store, day: str, language: str) -> tuple[rs.Version, Report]:
    """The latest version, recording the stored report as a new (build) version when it changed."""
    body, report = _stored(store, day, language)
    with store.engine.begin() as conn:
        last = rs.latest_version(conn, day, language)
        if last is None or last.digest != rs.digest(body):
            last = rs.add_version(conn, day, language, body, note="build")
    return last, report


def mode(settings: Settings) -> str:
    """The review setting in force: `review`, or "on" when only the scheduler's
    `schedule.review = "required"` asks for approval."""
    if settings.review != "off":
        return settings.review
    return "on" if settings.schedule.review == "required" else "off"


def _findings(report: Report) -> int:
    return len(report.stats.get("verification", {}).get("findings", []))


def status(store: Store, settings: Settings, day: str, language: str) -> ReviewStatus:
    """Where a report stands; a state recorded for an older version reads as draft."""
    version, report = _sync(store, day, language)
    with store.engine.connect() as conn:
        row = rs.review_row(conn, day, language)
        history = rs.events(conn, day, language)
    state, reason, by, at = "draft", "", None, None
    if row is not None and row.digest == version.digest:
        state, reason, by, at = row.state, row.reason, row.approved_by, row.approved_at
    elif row is not None:
        reason = f"changed since it was {row.state.replace('_', ' ')} (version {version.version})"
    findings = _findings(report) + len(version.flags)
    required = mode(settings) == "on" or (mode(settings) == "auto" and findings > 0)
    return ReviewStatus(day, language, state, required, version.version, version.digest, reason, by, at,
                        version.flags, _findings(report), history)


def _move(store: Store, settings: Settings, day: str, language: str, to: str, allowed: tuple[str, ...],
          actor: str, reason: str = "", expected: int | None = None) -> ReviewStatus:
    current = status(store, settings, day, language)
    if expected is not None and expected != current.version:
        raise ReviewError(f"{day}: the report changed since this page was loaded (now version "
                          f"{current.version}); reload and try again")
    if current.state not in allowed:
        raise ReviewError(f"{day} ({language}): cannot go from {current.state} to {to}")
    with store.engine.begin() as conn:
        rs.set_state(conn, day, language, to, digest_=current.digest, actor=actor, reason=reason,
                     version=current.version)
    return status(store, settings, day, language)


def submit(store: Store, settings: Settings, day: str, language: str, actor: str,
           expected: int | None = None) -> ReviewStatus:
    return _move(store, settings, day, language, "in_review", ("draft",), actor, expected=expected)


def approve(store: Store, settings: Settings, day: str, language: str, actor: str,
            expected: int | None = None) -> ReviewStatus:
    return _move(store, settings, day, language, "approved", ("draft", "in_review"), actor, expected=expected)


def reject(store: Store, settings: Settings, day: str, language: str, actor: str, reason: str,
           expected: int | None = None) -> ReviewStatus:
    if not reason.strip():
        raise InputError("reason: say why the report is sent back")
    return _move(store, settings, day, language, "draft", ("in_review", "approved"), actor, reason.strip(),
                 expected)


def mark_published(store: Store, settings: Settings, day: str, language: str, actor: str = "") -> ReviewStatus:
    """Record that a report went out (the publish command calls this after a delivery)."""
    return _move(store, settings, day, language, "published", ("draft", "in_review", "approved", "published"),
                 actor)


def require_approval(store: Store, settings: Settings, day: str, language: str) -> ReviewStatus:
    """The publish gate: raise ReviewError (one line, saying how to approve) when the report
    needs approval under `review` and does not have it."""
    current = status(store, settings, day, language)
    if current.required and not current.approved:
        why = f"; {current.reason}" if current.reason else ""
        raise ReviewError(
            f"{day} ({language}) is not approved (review = {mode(settings)}, state {current.state}{why}): "
            f"approve it with `dailybrief review approve {day}` or on the review page /review/{day}/{language}"
        )
    return current


@dataclass
class Edit:
    """A changed field: `summary`, `title:I` (section I's title) or `para:I:J` (paragraph J of section I)."""

    field: str
    text: str


def _apply(report: Report, edit: Edit) -> str:
    """Put the edit into `report`; return the text it replaced."""
    text = edit.text.replace("\r\n", "\n").strip()
    if not text:
        raise InputError(f"{edit.field}: must not be empty")
    if len(text) > EDIT_LIMIT:
        raise InputError(f"{edit.field}: longer than {EDIT_LIMIT} characters")
    parts = edit.field.split(":")
    try:
        if parts == ["summary"]:
            old, report.summary = report.summary, text
            return old
        section = report.sections[int(parts[1])]
        if parts[0] == "title" and len(parts) == 2:
            old, section.title = section.title, text
            return old
        if parts[0] == "para" and len(parts) == 3:
            paragraph = section.paragraphs[int(parts[2])]
            old, paragraph.text = paragraph.text, text
            return old
    except (IndexError, ValueError):
        pass
    raise InputError(f"{edit.field}: no such field in this report")


def edit(store: Store, settings: Settings, day: str, language: str, actor: str, expected: int,
         edits: list[Edit]) -> ReviewStatus:
    """Save an editor's changes as a new version; the edited sentences are verified again and
    what the verifier flags is kept with the version (and shown)."""
    current = status(store, settings, day, language)
    if expected != current.version:
        raise ReviewError(f"{day}: the report changed since this page was loaded (now version "
                          f"{current.version}); your edit was not saved — reload and edit again")
    if current.state in ("approved", "published"):
        raise ReviewError(f"{day} ({language}) is {current.state}: reject it back to draft before editing")
    _, report = _stored(store, day, language)
    new_sentences: set[str] = set()
    for change in edits:
        old = _apply(report, change)
        before = {s.strip() for s in split_cited(old)}
        new_sentences |= {s.strip() for s in split_cited(_current(report, change.field))} - before
        if change.field.startswith("title:") and _current(report, change.field) != old:
            new_sentences.add(_current(report, change.field))
    urls = {r.url for r in report.references} | {u for s in report.sections for st in s.stories for u in st.item_urls}
    _, checked = verify_report(report, {it.url: it for it in items_by_url(store, urls)}, keep_unsupported=True)
    flags = [f.as_dict() for f in checked.findings if f.text.strip() in new_sentences]
    body = report.model_dump_json()
    store.save_report(report)
    with store.engine.begin() as conn:
        version = rs.add_version(conn, day, language, body, author=actor, note="edit", flags=flags)
        rs.set_state(conn, day, language, "draft", digest_=version.digest, actor=actor,
                     reason=f"edited {', '.join(e.field for e in edits)}", version=version.version)
    return status(store, settings, day, language)


def _current(report: Report, name: str) -> str:
    parts = name.split(":")
    if parts == ["summary"]:
        return report.summary
    section = report.sections[int(parts[1])]
    return section.title if parts[0] == "title" else section.paragraphs[int(parts[2])].text


def report_lines(report: Report) -> list[str]:
    """The editable text of a report, one field a line, for diffs."""
    lines = [f"摘要 / summary: {report.summary}"]
    for i, section in enumerate(report.sections):
        lines.append(f"## {i + 1}. {section.title}")
        lines += [f"[{i + 1}.{j + 1}] {p.text}" for j, p in enumerate(section.paragraphs)]
    return lines


@dataclass
class VersionInfo:
    version: int
    author: str
    created: str
    note: str
    flags: list[dict]


def history(store: Store, day: str, language: str) -> list[VersionInfo]:
    _sync(store, day, language)
    with store.engine.connect() as conn:
        return [VersionInfo(v.version, v.author, v.created, v.note, v.flags) for v in rs.versions(conn, day, language)]


def diff(store: Store, day: str, language: str, old: int, new: int) -> list[str]:
    """A unified diff of the editable text between two versions."""
    with store.engine.connect() as conn:
        found = {v.version: v for v in rs.versions(conn, day, language)}
    for number in (old, new):
        if number not in found:
            raise InputError(f"{day} ({language}): no version {number}")
    a, b = (report_lines(Report.model_validate_json(found[n].body)) for n in (old, new))
    return list(difflib.unified_diff(a, b, f"version {old}", f"version {new}", lineterm="", n=0))


def reviews(store: Store, settings: Settings, since: str = "", language: str | None = None) -> list[ReviewStatus]:
    """The review state of every stored report (newest first), from `since` on."""
    t = schema.reports
    query = select(t.c.date, t.c.language).order_by(t.c.date.desc(), t.c.language)
    if since:
        query = query.where(t.c.date >= since)
    if language:
        query = query.where(t.c.language == language)
    with store.engine.connect() as conn:
        keys = conn.execute(query).all()
    return [status(store, settings, d, lang) for d, lang in keys]


def parse_day(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def recent(days: int = 30) -> str:
    return (date.today() - timedelta(days=days)).isoformat()
