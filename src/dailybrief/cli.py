"""The `dailybrief` command line: parses arguments, calls the library, prints.

Library code raises `DailybriefError` subclasses; `main` turns them into one line on stderr and
a non-zero exit, so no command needs its own error handling for them.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .config import CONFIG_NAME, Settings, default_config_text, load_settings, resolve_home
from .errors import DailybriefError, InputError
from .importer import import_file
from .pipeline import STAGES, BuildOptions, BuildResult, build as run_build
from .process.window import report_window
from .store import Store

SAMPLE_DATE = date(2026, 4, 17)

app = typer.Typer(
    help="Turn one day of AI-technology news into a cited, publication-quality report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class State:
    home: Path = Path(".dailybrief")

    @property
    def settings(self) -> Settings:
        return load_settings(self.home)

    def store(self) -> Store:
        return Store.open(self.home)


state = State()


@app.callback()
def _global(
    home: Annotated[
        Optional[Path],
        typer.Option("--home", help="Folder holding dailybrief.toml and the database (env DAILYBRIEF_HOME; default ./.dailybrief)."),
    ] = None,
) -> None:
    state.home = resolve_home(home)


def parse_date(value: str, option: str = "--date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: expected a date as YYYY-MM-DD, got {value!r}") from None


@app.command()
def init(force: Annotated[bool, typer.Option(help="Overwrite an existing dailybrief.toml.")] = False) -> None:
    """Write a starter dailybrief.toml (report, organisation, taxonomy, sources) into the home folder."""
    path = state.home / CONFIG_NAME
    if path.exists() and not force:
        raise InputError(f"{path}: already exists (use --force to overwrite)")
    state.home.mkdir(parents=True, exist_ok=True)
    path.write_text(default_config_text(), "utf-8")
    settings = load_settings(state.home)
    with state.store():
        pass
    console.print(
        f"wrote {path} ({len(settings.sections)} sections, {len(settings.sources)} sources); "
        f"database {state.home / 'dailybrief.db'}"
    )


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="A JSON Lines file, one item a line.")]) -> None:
    """Import items from JSON Lines (url, title, published required). Idempotent."""
    with state.store() as store:
        result = import_file(store, file)
    for rejection in result.rejected:
        err.print(f"{file}:{rejection.line}: rejected: {rejection.reason}", markup=False, highlight=False)
    c = result.counts
    console.print(f"added {c.added}, updated {c.updated}, unchanged {c.unchanged}, rejected {len(result.rejected)}")


@app.command()
def items(
    date_: Annotated[Optional[str], typer.Option("--date", help="Only items in the report window of this date (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List stored items, oldest first."""
    settings = state.settings
    start = end = None
    if date_:
        start, end = report_window(parse_date(date_), settings.report)
    with state.store() as store:
        found = store.items(start, end)
    if as_json:
        keys = ("url", "title", "source", "source_kind", "lang", "published", "content")
        rows = [item.model_dump(mode="json", include=set(keys)) for item in found]
        for row, item in zip(rows, found):
            row["content"] = item.text
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("published (UTC)", "source", "kind", "lang", "title", box=None)
    for item in found:
        table.add_row(item.published.strftime("%Y-%m-%d %H:%M"), item.source, item.source_kind, item.lang, item.title)
    console.print(table)
    console.print(f"{len(found)} items")


def _build_and_report(store: Store, settings: Settings, options: BuildOptions) -> BuildResult:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("building", total=len(STAGES))

        def progress(stage: str, event: str) -> None:
            if event == "start":
                bar.update(task, description=f"stage: {stage}")
            else:
                bar.advance(task)

        result = run_build(store, settings, options, progress)
    stats = result.report.stats
    seconds = stats.get("seconds", {})
    table = Table(title=f"report {result.report.date} ({result.report.language})", box=None)
    table.add_column("items in window", justify="right")
    table.add_column("duplicates", justify="right")
    table.add_column("stories", justify="right")
    table.add_column("sections", justify="right")
    table.add_row(
        str(stats.get("items_in_window", 0)), str(stats.get("duplicates", 0)),
        str(stats.get("stories", 0)), str(stats.get("sections", 0)),
    )
    console.print(table)
    console.print("seconds: " + ", ".join(f"{s} {seconds.get(s, 0):.2f}" for s in STAGES if s in seconds))
    _print_writing(result)
    for error in result.errors:
        err.print(f"error: {error}", markup=False, highlight=False)
    return result


def _print_writing(result: BuildResult) -> None:
    from .write.llm import usage_line

    stats = result.report.stats
    line = usage_line(stats.get("writer", {}))
    if line:
        console.print(line, highlight=False, markup=False)
    verification = stats.get("verification", {})
    if verification:
        console.print(
            f"verified {verification.get('supported', 0)}/{verification.get('sentences', 0)} sentences; "
            f"{verification.get('unsupported', 0)} unsupported "
            f"({'marked' if any(f['action'] == 'marked' for f in verification.get('findings', [])) else 'removed'})",
            highlight=False, markup=False,
        )
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)


@app.command()
def build(
    date_: Annotated[str, typer.Option("--date", help="Report date, YYYY-MM-DD.")],
    out: Annotated[Optional[Path], typer.Option(help="Output folder [default: HOME/reports].")] = None,
    window_hours: Annotated[Optional[float], typer.Option(help="Window length in hours [default: from config].")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="zh or en [default: from config].")] = None,
    writer: Annotated[Optional[str], typer.Option(help="Writer backend: extractive or openai [default: llm.backend].")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Chat Completions endpoint root [default: llm.base_url].")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model name [default: llm.model].")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail instead of falling back to the extractive writer.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ask the model again instead of using cached answers.")] = False,
    keep_unsupported: Annotated[bool, typer.Option("--keep-unsupported", help="Mark unsupported sentences instead of removing them.")] = False,
) -> None:
    """Build the report for a date: select, dedupe, cluster, rank, write, verify and render."""
    day = parse_date(date_)
    settings = state.settings
    language = lang or settings.report.language
    if language not in ("zh", "en"):
        raise InputError(f"--lang: expected zh or en, got {language!r}")
    if window_hours is not None and not 0 < window_hours <= 24 * 14:
        raise InputError(f"--window-hours: expected a number of hours in (0, 336], got {window_hours}")
    options = BuildOptions(
        day=day, out_dir=out or state.home / "reports", language=language,
        window_hours=window_hours, writer=writer or settings.llm.backend, template_dir=state.home / "templates",
        base_url=base_url, model=model, strict=strict, refresh=refresh, keep_unsupported=keep_unsupported,
        prompt_dir=state.home / "prompts",
    )
    if options.writer not in ("extractive", "openai"):
        raise InputError(f"--writer: expected extractive or openai, got {options.writer!r}")
    with state.store() as store:
        result = _build_and_report(store, settings, options)
    for path in result.paths.values():
        console.print(str(path), highlight=False)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def render(
    report_file: Annotated[Path, typer.Argument(help="A report.json written by build.")],
    format_: Annotated[list[str], typer.Option("--format", help="pdf, html, wechat, md, txt, charts or all (repeatable).")] = ["all"],
    out: Annotated[Optional[Path], typer.Option(help="Output folder [default: the report's folder].")] = None,
) -> None:
    """Re-render a stored report.json without re-running the pipeline."""
    from .render import ReportLoadError, load_report, render_report

    try:
        report = load_report(report_file)
    except ReportLoadError as exc:
        raise InputError(str(exc)) from None
    result = render_report(report, out or report_file.parent, formats=format_, template_dir=state.home / "templates")
    for path in result.written:
        console.print(str(path), highlight=False)
    for error in result.errors:
        err.print(f"error: {error}", markup=False, highlight=False)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def verify(
    report_file: Annotated[Path, typer.Argument(help="A report.json written by build.")],
    write: Annotated[Optional[Path], typer.Option("--write", help="Also write the cleaned report (unsupported sentences removed) here.")] = None,
    keep_unsupported: Annotated[bool, typer.Option("--keep-unsupported", help="With --write: mark instead of remove.")] = False,
) -> None:
    """Check every sentence of a report against the stored items it cites; exit 1 on unsupported content."""
    from .render import ReportLoadError, load_report
    from .write.verify import verify_report

    try:
        report = load_report(report_file)
    except ReportLoadError as exc:
        raise InputError(str(exc)) from None
    urls = {r.url for r in report.references} | {u for s in report.sections for st in s.stories for u in st.item_urls}
    with state.store() as store:
        items = store.items_by_url(urls)
    cleaned, result = verify_report(report, items, keep_unsupported=keep_unsupported)
    for finding in result.findings:
        console.print(f"{finding.where}: {finding.text}", highlight=False, markup=False)
        for reason in finding.reasons:
            console.print(f"    {reason}", highlight=False, markup=False)
    console.print(f"{result.supported}/{result.sentences} sentences supported, {len(result.findings)} findings", highlight=False)
    if write:
        write.write_text(cleaned.model_dump_json(indent=2), "utf-8")
        console.print(str(write), highlight=False)
    if result.findings:
        raise typer.Exit(1)


def sample_path() -> Path:
    return Path(str(resources.files("dailybrief").joinpath(f"samples/{SAMPLE_DATE.isoformat()}.jsonl")))


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/demo"),
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
) -> None:
    """Build the bundled sample day in a fresh temporary home and print the files written."""
    home = Path(tempfile.mkdtemp(prefix="dailybrief-demo-"))
    state.home = home
    console.print(f"home {home}")
    with Store.open(home) as store:
        result = import_file(store, sample_path())
        c = result.counts
        console.print(f"imported sample {SAMPLE_DATE}: added {c.added}, updated {c.updated}, "
                      f"unchanged {c.unchanged}, rejected {len(result.rejected)}")
        options = BuildOptions(day=SAMPLE_DATE, out_dir=out, language=lang)
        built = _build_and_report(store, load_settings(home), options)
    for name in ("report.md", "report.html", "report.pdf", "report.json"):
        if name in built.paths:
            console.print(str(built.paths[name].resolve()), highlight=False)
    if built.errors:
        raise typer.Exit(1)


# -- collecting ------------------------------------------------------------------------------

sources_app = typer.Typer(help="Manage the sources that `collect` reads.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


def _collect_errors():  # noqa: ANN202 - imported lazily: collecting pulls in httpx and parsers
    from .collect import commands
    from .errors import CollectError

    return commands, CollectError


@app.command()
def collect(
    source: Annotated[Optional[str], typer.Option("--source", help="Collect only this source.")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow private, loopback and link-local addresses.")] = False,
) -> None:
    """Fetch every source concurrently and store new and updated items; prints a table per source."""
    commands, _ = _collect_errors()
    summary = commands.collect(state.home, state.settings, source=source, allow_private=allow_private)
    console.print(commands.render_summary_table(summary))
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


@app.command()
def run(
    date_: Annotated[Optional[str], typer.Option("--date", help="Report date, YYYY-MM-DD [default: today in the report time zone].")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow private, loopback and link-local addresses.")] = False,
) -> None:
    """Collect, then build the report for a date (today by default)."""
    from datetime import datetime

    settings = state.settings
    day = date_ or datetime.now(settings.report.zone).date().isoformat()
    parse_date(day)
    commands, _ = _collect_errors()
    summary = commands.collect(state.home, settings, allow_private=allow_private)
    console.print(commands.render_summary_table(summary))
    if summary.exit_code:
        err.print("error: every source failed; building from what is stored", markup=False, highlight=False)
    build(date_=day)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="A unique name.")],
    url: Annotated[str, typer.Argument(help="Feed, listing page, API or channel URL.")],
    kind: Annotated[str, typer.Option("--kind", help="rss, page, reddit, hackernews, arxiv, github or youtube.")],
    weight: Annotated[float, typer.Option(help="Ranking weight (1.0 = neutral).")] = 1.0,
    lang: Annotated[str, typer.Option(help="Language of the source's items (zh, en, ...).")] = "",
    source_kind: Annotated[Optional[str], typer.Option("--source-kind", help="news, blog, paper, forum, video, press, release or other.")] = None,
    selector: Annotated[str, typer.Option(help="CSS selector for article links (page sources).")] = "",
) -> None:
    """Add a source to the database (beside those in dailybrief.toml)."""
    commands, _ = _collect_errors()
    spec = commands.add_source(state.home, state.settings, name, url, kind, weight=weight, lang=lang,
                               source_kind=source_kind, selector=selector)
    console.print(f"added {spec.name} ({spec.kind}) {spec.url}", highlight=False)


@sources_app.command("list")
def sources_list() -> None:
    """Sources with their health: last success, last error, consecutive failures, items in 7 days."""
    commands, _ = _collect_errors()
    console.print(commands.render_sources_table(commands.list_sources(state.home, state.settings)))


@sources_app.command("remove")
def sources_remove(name: Annotated[str, typer.Argument(help="A source added with `sources add`.")]) -> None:
    """Remove a source added by command."""
    commands, _ = _collect_errors()
    commands.remove_source(state.home, state.settings, name)
    console.print(f"removed {name}", highlight=False)


@sources_app.command("test")
def sources_test(
    name: Annotated[str, typer.Argument(help="Source name.")],
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow private addresses.")] = False,
) -> None:
    """Fetch a source once and print what would be stored (stores nothing)."""
    commands, _ = _collect_errors()
    result = commands.test_source(state.home, state.settings, name, allow_private=allow_private)
    if result.error:
        err.print(f"error: {result.error}", markup=False, highlight=False)
        raise typer.Exit(1)
    for found in result.items:
        extra = ""
        if found.score is not None or found.comments is not None:
            extra = f"  (score {found.score or 0}, comments {found.comments or 0})"
        console.print(f"{found.published:%Y-%m-%d %H:%M}  {found.title}  {found.url}{extra}", highlight=False, markup=False)
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    total = sum(r.bytes for r in result.records)
    console.print(f"{len(result.items)} items, {len(result.records)} requests, {total} bytes")


@sources_app.command("import-opml")
def sources_import_opml(file: Annotated[Path, typer.Argument(help="An OPML file of feeds.")]) -> None:
    """Add every feed of an OPML file as an rss source."""
    commands, _ = _collect_errors()
    result = commands.import_opml(state.home, state.settings, file)
    console.print(f"imported {len(result.added)} sources")
    for entry, reason in result.bad:
        err.print(f"skipped {entry}: {reason}", markup=False, highlight=False)
    if result.bad and not result.added:
        raise typer.Exit(1)


@sources_app.command("export-opml")
def sources_export_opml() -> None:
    """Print every source as OPML."""
    commands, _ = _collect_errors()
    sys.stdout.write(commands.export_opml(state.home, state.settings))


# -- stories (editor view and corrections) ---------------------------------------------------

stories_app = typer.Typer(
    help="List the stories of a date with their items; split or merge them (builds respect it).",
    invoke_without_command=True,
)
app.add_typer(stories_app, name="stories")


def _story_build(store: Store, day: date, rebuild: bool = False):  # noqa: ANN202 - StoryBuild
    from .process.engine import latest_build, stories_for_day

    build_ = None if rebuild else latest_build(store, day)
    if build_ is None:
        stories_for_day(store, state.settings, day)
        build_ = latest_build(store, day)
    return build_


@stories_app.callback()
def stories_list(
    ctx: typer.Context,
    date_: Annotated[Optional[str], typer.Option("--date", help="Report date, YYYY-MM-DD.")] = None,
    rebuild: Annotated[bool, typer.Option(help="Cluster again instead of showing the last build.")] = False,
    log: Annotated[bool, typer.Option("--log", help="Also print the merge log (reason and score).")] = False,
) -> None:
    """Stories of the last build for --date (clustering the day first if it has none)."""
    if ctx.invoked_subcommand is not None:
        return
    if not date_:
        raise InputError("--date: required, e.g. dailybrief stories --date 2026-04-17")
    with state.store() as store:
        build_ = _story_build(store, parse_date(date_), rebuild)
        from .store.stories import items_by_url

        # Near-duplicate copies folded into an item: from the build's merge log, plus copies an
        # item already carried when it was stored.
        copies: dict[str, list[str]] = {}
        for m in build_.merges:
            if m.kind == "duplicate" and m.into_url:
                copies.setdefault(m.into_url, []).append(m.item_url)
        urls = [u for story in build_.stories for u in story.item_urls]
        found = items_by_url(store, urls + [u for c in copies.values() for u in c])
        titles = {it.url: it.title for it in found}
        sources = {it.url: it.source for it in found}
        for it in found:
            for mirror in it.mirrors:
                sources.setdefault(mirror.url, mirror.source)
                if mirror.url not in copies.get(it.url, []):
                    copies.setdefault(it.url, []).append(mirror.url)
    for n, story in enumerate(build_.stories, 1):
        console.print(f"{n:>3}. {story.id} [{story.status}] {story.title}", markup=False, highlight=False)
        for url in story.item_urls:
            console.print(f"       {url}  {titles.get(url, '')[:70]}", markup=False, highlight=False)
            for copy in copies.get(url, []):
                source = f" ({sources[copy]})" if sources.get(copy) else ""
                console.print(f"         copy: {copy}{source}", markup=False, highlight=False)
    if log:
        for m in build_.merges:
            score = f"{m.score:.3f}" if m.score is not None else "-"
            console.print(f"merge {m.kind:<9} {score:>6} {m.item_url} -> {m.into_url or m.story}: {m.reason}",
                          markup=False, highlight=False)
    console.print(f"{len(build_.stories)} stories, {sum(len(s.item_urls) for s in build_.stories)} items "
                  f"(build {build_.id}, {build_.created}, {build_.method}, {build_.embedder})", highlight=False)


def _override(kind: str, refs: list[str], date_: Optional[str], note: str) -> None:
    from .store.stories import add_override

    with state.store() as store:
        day = parse_date(date_) if date_ else None
        urls: list[str] = []
        for ref in refs:
            if ref.startswith("s-"):
                if day is None:
                    raise InputError(f"{ref}: a story id needs --date to find its items")
                story = next((s for s in _story_build(store, day).stories if s.id == ref), None)
                if story is None:
                    raise InputError(f"{ref}: no such story on {day}")
                urls.extend(story.item_urls)
            else:
                urls.append(ref)
        saved = add_override(store, kind, urls, day.isoformat() if day else "", note)
        console.print(f"override {saved.id}: {kind} {len(urls)} item(s); later builds apply it", highlight=False)
        if day is not None:
            build_ = _story_build(store, day, rebuild=True)
            for story in build_.stories:
                if set(story.item_urls) & set(urls):
                    console.print(f"  {story.id}: {len(story.item_urls)} item(s) {story.title}", markup=False, highlight=False)


@stories_app.command("split")
def stories_split(
    urls: Annotated[list[str], typer.Argument(help="Item URLs to take out of their stories (they form one story).")],
    date_: Annotated[Optional[str], typer.Option("--date", help="Rebuild this date's stories and show the result.")] = None,
    note: Annotated[str, typer.Option(help="Why (kept with the override).")] = "",
) -> None:
    """Take items out of their stories into a story of their own; stored, later builds respect it."""
    _override("split", urls, date_, note)


@stories_app.command("merge")
def stories_merge(
    refs: Annotated[list[str], typer.Argument(help="Story ids (with --date) or item URLs; their stories become one.")],
    date_: Annotated[Optional[str], typer.Option("--date", help="Report date the story ids belong to.")] = None,
    note: Annotated[str, typer.Option(help="Why (kept with the override).")] = "",
) -> None:
    """Merge the stories holding these items (or story ids) into one; stored, later builds respect it."""
    if len(refs) < 2 and not (refs and refs[0].startswith("s-")):
        raise InputError("merge: name at least two stories or items")
    _override("merge", refs, date_, note)


eval_app = typer.Typer(help="Measure quality on labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("clustering")
def eval_clustering(file: Annotated[Path, typer.Argument(help="JSON Lines items with a gold `story` label.")]) -> None:
    """Dedupe and cluster labelled items; print B-cubed precision, recall, F1 and story counts."""
    from .importer import read_file
    from .process.embed import default_embedder
    from .process.evaluate import evaluate_clustering

    if not file.is_file():
        raise InputError(f"{file}: no such file")
    found, rejected = read_file(file)
    for rejection in rejected:
        err.print(f"{file}:{rejection.line}: rejected: {rejection.reason}", markup=False, highlight=False)
    try:
        score = evaluate_clustering(found)
    except ValueError as exc:
        raise InputError(f"{file}: {exc}") from None
    console.print(f"items {score.items}\nprecision {score.precision:.4f}\nrecall {score.recall:.4f}\n"
                  f"f1 {score.f1:.4f}\nstories {score.predicted_stories} (gold {score.gold_stories})\n"
                  f"embedder {default_embedder().name}", highlight=False)


def main() -> None:
    try:
        app()
    except DailybriefError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
