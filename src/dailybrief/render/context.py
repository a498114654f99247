"""What every renderer receives: the report, where to write, templates, shared images.

Templates are looked up first in the organisation's ``template_dir`` (``HOME/templates/``) and then
in the packaged ``render/templates/``; a file of the same name overrides the packaged one. Charts
and QR codes are built at most once per :func:`dailybrief.render.render_report` call and shared by
the HTML, PDF and WeChat renderers.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from dailybrief.errors import RenderError
from dailybrief.models import Report
from dailybrief.process.normalise import CONTROL_CHARS
from dailybrief.render.charts import Chart, History
from dailybrief.render.labels import Labels, format_date, labels, title_stop

if TYPE_CHECKING:  # pragma: no cover
    from dailybrief.render.qr import QRCode

PACKAGED_TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class RenderContext:
    """Inputs shared by the renderers of one ``render_report`` call."""

    report: Report
    out_dir: Path
    template_dir: Path | None = None
    history: History | None = None
    notes: list[str] = field(default_factory=list)  # non-fatal problems (e.g. charts omitted)

    def template_path(self, name: str) -> Path:
        """The file to use for template ``name``: the custom one if present, else the packaged one."""
        if self.template_dir is not None:
            custom = Path(self.template_dir) / name
            if custom.is_file():
                return custom
        return PACKAGED_TEMPLATES / name

    def read_template(self, name: str) -> str:
        return self.template_path(name).read_text(encoding="utf-8")

    def jinja(self, autoescape: bool) -> jinja2.Environment:
        """A Jinja2 environment over the custom folder (first) and the packaged templates."""
        dirs = [str(PACKAGED_TEMPLATES)]
        if self.template_dir is not None:
            dirs.insert(0, str(self.template_dir))
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(dirs),
            autoescape=autoescape,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.globals["stop"] = title_stop
        return env

    def render_template(self, name: str, autoescape: bool, **values: object) -> str:
        """Render a Jinja2 template; template errors become a one-line :class:`RenderError`."""
        env = self.jinja(autoescape)
        try:
            return env.get_template(name).render(**values)
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(f"template {exc.filename or name} line {exc.lineno}: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {name}: {exc}") from exc

    @cached_property
    def t(self) -> Labels:
        """The fixed labels in the report's language (see :mod:`dailybrief.render.labels`)."""
        return labels(self.report.language)

    @property
    def date_text(self) -> str:
        """The report date as readers see it: ``2026 年 4 月 17 日`` or ``17 April 2026``."""
        return format_date(self.report.date, self.report.language)

    def template_values(self) -> dict[str, object]:
        """Values every Jinja2 template gets: ``report``, ``t`` (labels), ``date_text``.

        ``date_cn`` is the same as ``date_text`` (its old name, kept for custom templates).
        """
        return {"report": self.report, "t": self.t, "date_text": self.date_text, "date_cn": self.date_text}

    @cached_property
    def charts(self) -> list[Chart]:
        """Charts for today (and the history, when given); empty with a note if they fail."""
        from dailybrief.render.charts import build_charts  # looked up at call time (tests replace it)

        try:
            return build_charts(self.report, self.history, self.t)
        except Exception as exc:  # charts are an extra: the report must still render
            self.notes.append(f"charts/: charts omitted: {exc}")
            return []

    @cached_property
    def qr_codes(self) -> list[QRCode]:
        """QR codes for the contacts that have a ``qr_image`` or a ``qr_url``."""
        from dailybrief.render.qr import build_qr_codes

        return build_qr_codes(self.report, self.notes)


DEFAULT_FILE_MODE = 0o644  # report files are published: a web server running as another user reads them
# Temporary files of write_atomic: ".<name>.<pid>.<random>"; the pid tells a crashed writer's
# leftovers from a running writer's file.
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}$")
_OLD_TEMP = re.compile(r"^\.(?P<name>.+\.[a-z]+)\.[A-Za-z0-9_]{8}$")  # before the pid was added
OLD_TEMP_AGE = 600.0  # seconds: an unnamed temp file this old belongs to no running build


def write_atomic(path: Path, data: bytes | str, mode: int = DEFAULT_FILE_MODE) -> Path:
    """Write ``data`` to ``path`` through a temporary file, so a failure (or a kill) leaves no
    half file, only a temporary one that :func:`remove_stale_temps` clears later. Text has its
    control characters removed (see ``normalise.CONTROL_CHARS``): terminals act on them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = CONTROL_CHARS.sub("", data)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temporary files that killed writers left in ``folder`` (and its ``charts/``):
    those whose process is gone, and unnamed ones older than ``OLD_TEMP_AGE``."""
    removed: list[Path] = []
    for place in (folder, folder / "charts"):
        try:
            entries = list(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and _is_stale(entry):
                entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


def _is_stale(entry: Path) -> bool:
    match = _TEMP.match(entry.name)
    if match:
        return not _alive(int(match["pid"]))
    if _OLD_TEMP.match(entry.name):
        try:
            return time.time() - entry.stat().st_mtime > OLD_TEMP_AGE
        except OSError:
            return False
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except (OverflowError, ValueError):  # not a possible pid
        return False
    return True
