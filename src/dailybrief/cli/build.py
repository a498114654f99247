"""`build`, `render`, `verify` and `demo`: make a report, re-render or check a report.json."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..app import build as build_app
from ..app import parse_date, reports
from ..app.context import Workspace
from ._shared import console, error, say, use, warn, workspace


@contextmanager
def progress_bar(first: str = "building") -> Iterator[build_app.Progress]:
    """A transient bar over the build stages; yields the callback the build reports to."""
    columns = (
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(first, total=len(build_app.STAGES))

        def progress(stage: str, event: str) -> None:
            if event == "start":
                bar.update(task, description=f"stage: {stage}")
            else:
                bar.advance(task)

        yield progress


def build_with_progress(ws: Workspace, request: build_app.BuildRequest) -> build_app.BuildResult:
    """Build with a progress bar, then print the counts, timings, writer lines and errors."""
    with progress_bar() as progress:
        result = build_app.build_day(ws, request, progress)
    print_build(result)
    return result


def print_build(result: build_app.BuildResult) -> None:
    stats = result.report.stats
    seconds = stats.get("seconds", {})
    table = Table(title=f"report {result.report.date} ({result.report.language})", box=None)
    for column in ("items in window", "duplicates", "stories", "sections"):
        table.add_column(column, justify="right")
    table.add_row(*(str(stats.get(key, 0)) for key in ("items_in_window", "duplicates", "stories", "sections")))
    console.print(table)
    say("seconds: " + ", ".join(f"{s} {seconds.get(s, 0):.2f}" for s in build_app.STAGES if s in seconds))
    for line in build_app.writing_lines(result):
        say(line)
    for warning in result.warnings:
        warn(warning)
    for message in result.errors:
        error(message)


def print_paths(result: build_app.BuildResult) -> None:
    for path in result.paths.values():
        say(path)


def build(
    date_: Annotated[str, typer.Option("--date", help="Report date, YYYY-MM-DD.")],
    out: Annotated[Optional[Path], typer.Option(help="Output folder [default: HOME/reports].")] = None,
    window_hours: Annotated[
        Optional[float], typer.Option(help="Window length in hours [default: from config].")
    ] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="zh or en [default: from config].")] = None,
    writer: Annotated[
        Optional[str],
        typer.Option(
            help="Writer backend: extractive, openai or local (a GGUF model in-process) [default: llm.backend]."
        ),
    ] = None,
    base_url: Annotated[
        Optional[str], typer.Option("--base-url", help="Chat Completions endpoint root [default: llm.base_url].")
    ] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model name [default: llm.model].")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail instead of falling back to the extractive writer.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ask the model again instead of using cached answers.")
    ] = False,
    keep_unsupported: Annotated[
        bool, typer.Option("--keep-unsupported", help="Mark unsupported sentences instead of removing them.")
    ] = False,
) -> None:
    """Build the report for a date: select, dedupe, cluster, rank, write, verify and render."""
    request = build_app.BuildRequest(
        day=parse_date(date_),
        out_dir=out,
        language=lang,
        window_hours=window_hours,
        writer=writer,
        base_url=base_url,
        model=model,
        strict=strict,
        refresh=refresh,
        keep_unsupported=keep_unsupported,
    )
    result = build_with_progress(workspace(), request)
    print_paths(result)
    if result.errors:
        raise typer.Exit(1)


def render(
    report_file: Annotated[Path, typer.Argument(help="A report.json written by build.")],
    format_: Annotated[
        Optional[list[str]],
        typer.Option("--format", help="pdf, html, wechat, md, txt, charts or all (repeatable) [default: all]."),
    ] = None,
    out: Annotated[Optional[Path], typer.Option(help="Output folder [default: the report's folder].")] = None,
) -> None:
    """Re-render a stored report.json without re-running the pipeline."""
    result = reports.render_file(workspace(), report_file, format_ or ["all"], out)
    for path in result.written:
        say(path)
    for message in result.errors:
        error(message)
    if result.errors:
        raise typer.Exit(1)


def verify(
    report_file: Annotated[Path, typer.Argument(help="A report.json written by build.")],
    write: Annotated[
        Optional[Path],
        typer.Option("--write", help="Also write the cleaned report (unsupported sentences removed) here."),
    ] = None,
    keep_unsupported: Annotated[
        bool, typer.Option("--keep-unsupported", help="With --write: mark instead of remove.")
    ] = False,
) -> None:
    """Check every sentence of a report against the stored items it cites; exit 1 on unsupported content."""
    outcome = reports.verify_file(workspace(), report_file, write, keep_unsupported)
    result = outcome.result
    for finding in result.findings:
        say(f"{finding.where}: {finding.text}")
        for reason in finding.reasons:
            say(f"    {reason}")
    say(f"{result.supported}/{result.sentences} sentences supported, {len(result.findings)} findings")
    if outcome.written:
        say(outcome.written)
    for part in result.empty:
        say(f"{part}: no supported sentence left")
    hollow = not result.sentences and bool(outcome.report.sections)
    if hollow:
        say("the report has sections but no sentence to verify")
    if result.findings or result.empty or hollow:
        raise typer.Exit(1)


def demo(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/demo"),
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
) -> None:
    """Build the bundled sample day in a fresh temporary home and print the files written."""
    ws = use(build_app.demo_workspace())
    say(f"home {ws.home}")
    imported = build_app.import_sample(ws)
    c = imported.counts
    say(
        f"imported sample {build_app.SAMPLE_DATE}: added {c.added}, updated {c.updated}, "
        f"unchanged {c.unchanged}, rejected {len(imported.rejected)}"
    )
    result = build_with_progress(ws, build_app.demo_request(out, lang))
    for path in build_app.main_files(result):
        say(path.resolve())
    if result.errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    for command in (build, render, verify, demo):
        app.command()(command)
