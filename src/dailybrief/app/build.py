"""Use cases that build a report: one date from the store, or the bundled demo day."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..importer import ImportResult, import_file
from ..pipeline import STAGES, BuildOptions, BuildResult, Progress, build
from ..write.extractive import language_line
from ..write.llm import usage_line
from ..write.writers import writer_names
from .context import Workspace

__all__ = [
    "STAGES",
    "BuildRequest",
    "BuildResult",
    "DemoResult",
    "Progress",
    "build_day",
    "demo",
    "import_sample",
    "main_files",
    "writing_lines",
]

SAMPLE_DATE = date(2026, 4, 17)
LANGUAGES = ("zh", "en")
MAX_WINDOW_HOURS = 24 * 14


@dataclass
class BuildRequest:
    """What a front end asks for; None means "from config"."""

    day: date
    out_dir: Path | None = None
    language: str | None = None
    window_hours: float | None = None
    writer: str | None = None
    base_url: str | None = None
    model: str | None = None
    strict: bool = False
    refresh: bool = False
    keep_unsupported: bool = False
    formats: tuple[str, ...] = ("all",)


def build_options(ws: Workspace, request: BuildRequest) -> BuildOptions:
    """Check a request against the settings and fill in the defaults; InputError names the option."""
    settings = ws.settings
    language = request.language or settings.report.language
    if language not in LANGUAGES:
        raise InputError(f"--lang: expected zh or en, got {language!r}")
    hours = request.window_hours
    if hours is not None and not 0 < hours <= MAX_WINDOW_HOURS:
        raise InputError(f"--window-hours: expected a number of hours in (0, {MAX_WINDOW_HOURS}], got {hours}")
    writer = request.writer or settings.llm.backend
    if writer not in (known := writer_names()):
        raise InputError(f"--writer: expected one of {', '.join(known)}, got {writer!r}")
    return BuildOptions(
        day=request.day,
        out_dir=request.out_dir or ws.reports_dir,
        language=language,
        window_hours=hours,
        writer=writer,
        formats=request.formats,
        template_dir=ws.template_dir,
        base_url=request.base_url,
        model=request.model,
        strict=request.strict,
        refresh=request.refresh,
        keep_unsupported=request.keep_unsupported,
        prompt_dir=ws.prompt_dir,
    )


def build_day(ws: Workspace, request: BuildRequest, progress: Progress | None = None) -> BuildResult:
    """Build, store and render the report for `request.day`; render errors are in the result."""
    options = build_options(ws, request)
    with ws.store() as store:
        return build(store, ws.settings, options, progress)


def writing_lines(result: BuildResult) -> list[str]:
    """What the writer and the verifier did, one line each (token use, sentences verified)."""
    stats = result.report.stats
    lines = [line] if (line := usage_line(stats.get("writer", {}))) else []
    verification = stats.get("verification", {})
    if verification:
        marked = any(f["action"] == "marked" for f in verification.get("findings", []))
        lines.append(
            f"verified {verification.get('supported', 0)}/{verification.get('sentences', 0)} sentences; "
            f"{verification.get('unsupported', 0)} unsupported ({'marked' if marked else 'removed'})"
        )
    if language := language_line(stats.get("writer", {})):
        lines.append(language)  # how many prose sentences are not in the report language, and why
    return lines


def sample_path() -> Path:
    """The bundled sample day (JSON Lines)."""
    return Path(str(resources.files("dailybrief").joinpath(f"samples/{SAMPLE_DATE.isoformat()}.jsonl")))


MAIN_FILES = ("report.md", "report.html", "report.pdf", "report.json")


def main_files(result: BuildResult) -> list[Path]:
    """The outputs worth naming to a user, in a fixed order."""
    return [result.paths[name] for name in MAIN_FILES if name in result.paths]


@dataclass
class DemoResult:
    home: Path
    imported: ImportResult
    build: BuildResult
    files: list[Path] = field(default_factory=list)


def demo_workspace() -> Workspace:
    """A fresh temporary home for the demo."""
    return Workspace(Path(tempfile.mkdtemp(prefix="dailybrief-demo-")), embedded=True)  # never a shared database


def import_sample(ws: Workspace) -> ImportResult:
    """Import the bundled sample day into `ws`."""
    with ws.store() as store:
        return import_file(store, sample_path())


def demo_request(out_dir: Path, language: str = "zh") -> BuildRequest:
    """The offline build of the sample day."""
    return BuildRequest(day=SAMPLE_DATE, out_dir=out_dir, language=language, writer="extractive")


def demo(ws: Workspace, out_dir: Path, language: str = "zh", progress: Progress | None = None) -> DemoResult:
    """Import the bundled sample day into `ws` (normally a fresh one) and build it offline."""
    imported = import_sample(ws)
    built = build_day(ws, demo_request(out_dir, language), progress)
    return DemoResult(ws.home, imported, built, main_files(built))
