"""Writer benchmark: the LLM writer on the bundled sample day against a loopback Chat
Completions server that counts requests and tokens, next to a naive summariser that sends one
request per selected item, measured in the same run. Then a rebuild, which must send nothing.

    .venv/bin/python benchmarks/writer_bench.py [--lang zh|en]

Targets (issue 5): requests <= stories + sections + 2; tokens (in + out) <= 1.5 x the tokens of
the selected items' title and text; zero requests on rebuild. Tokens are counted with
`llm_types.estimate_tokens` (1 per CJK character, 1 per 4 other characters) on both sides;
the fake model's answers are sentences of the items, so output sizes are those of an extractive
brief, not of a real model.

The fake model (tests/write/llmfakes.py) answers a section with two sentences per source, taken
in turns across sources until the length the prompt asks for ("Length: about N words") is met,
as a compliant model would; `--ignore-length` makes it ignore that line (the verbose worst case).
It cannot translate: in an English report a Chinese-only source gets a stand-in of the same
estimated token count carrying the sentence's names and figures (see `llmfakes.stand_in`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "write"))

from llmfakes import ChatServer, respond  # noqa: E402

from dailybrief.config import load_settings  # noqa: E402
from dailybrief.importer import import_file  # noqa: E402
from dailybrief.pipeline import BuildOptions, build  # noqa: E402
from dailybrief.store import Store  # noqa: E402
from dailybrief.write.sentences import split_sentences  # noqa: E402

SAMPLE = ROOT / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"
DAY = date(2026, 4, 17)


IGNORE_LENGTH = False


def responder(messages: list[dict[str, str]]) -> str:
    if messages[0]["content"].startswith("TASK: naive"):
        return " ".join(split_sentences(messages[1]["content"])[1:3])  # a two-sentence summary
    if IGNORE_LENGTH:
        messages = [*messages[:1], {**messages[1], "content": "\n".join(
            line for line in messages[1]["content"].splitlines() if not line.startswith("Length: "))}, *messages[2:]]
    return respond(messages)


def naive(server: ChatServer, store: Store, urls: list[str], language: str) -> tuple[int, int]:
    """One request per item: 'summarise this item'. Returns (requests, tokens)."""
    import httpx

    before = (len(server.requests), server.prompt_tokens + server.completion_tokens)
    items = store.items_by_url(urls)
    with httpx.Client(timeout=30) as client:
        for url in urls:
            item = items[url]
            client.post(server.base_url + "/chat/completions", headers={"Authorization": "Bearer bench"}, json={
                "model": "bench", "messages": [
                    {"role": "system", "content": f"TASK: naive. Summarise this news item in {language} in 2-3 sentences."},
                    {"role": "user", "content": f"{item.title}\n{item.text}"},
                ]})
    return len(server.requests) - before[0], server.prompt_tokens + server.completion_tokens - before[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    parser.add_argument("--direct-tokens", type=int, default=None,
                        help="llm.direct_tokens (0 = a brief per story for every section)")
    parser.add_argument("--ignore-length", action="store_true",
                        help="the fake model ignores the section length asked for (verbose worst case)")
    args = parser.parse_args()
    global IGNORE_LENGTH
    IGNORE_LENGTH = args.ignore_length
    os.environ["BENCH_LLM_KEY"] = "bench-key"
    home = Path(tempfile.mkdtemp(prefix="writer-bench-"))
    extra = f"direct_tokens = {args.direct_tokens}\n" if args.direct_tokens is not None else ""
    (home / "dailybrief.toml").write_text(f'[llm]\napi_key_env = "BENCH_LLM_KEY"\nmodel = "gpt-4o-mini"\n{extra}', "utf-8")
    settings = load_settings(home)
    with ChatServer(responder) as server, Store.open(home) as store:
        import_file(store, SAMPLE)
        options = BuildOptions(day=DAY, out_dir=home / "reports", language=args.lang, writer="openai",
                               base_url=server.base_url, formats=("md",))
        started = time.perf_counter()
        first = build(store, settings, options)
        seconds = time.perf_counter() - started
        requests, tokens = len(server.requests), server.prompt_tokens + server.completion_tokens
        notes = first.report.stats["writer"]
        verification = first.report.stats["verification"]
        stories = first.report.stats["stories_written"]
        sections = len(first.report.sections)
        budget_requests = stories + sections + 2
        selected_tokens = notes["selected_item_tokens"]

        rebuild_start = len(server.requests)
        second = build(store, settings, options)
        rebuild_requests = len(server.requests) - rebuild_start
        same = second.report.sections == first.report.sections and second.report.summary == first.report.summary

        written_urls = []
        for section in first.report.sections:
            for story in section.stories:
                written_urls += [u for u in story.item_urls if u not in written_urls]
        primary = [u for u in written_urls if u in store.items_by_url(written_urls)]
        naive_requests, naive_tokens = naive(server, store, primary[: notes["selected_items"]], args.lang)

    print(f"sample day {DAY}, language {args.lang}, model answers from the loopback responder")
    print(f"stories written {stories}, sections {sections}, selected items {notes['selected_items']}, "
          f"their text {selected_tokens} tokens")
    print(f"{'':28}{'requests':>10}{'tokens':>10}{'tokens/items':>14}")
    print(f"{'map-reduce writer':28}{requests:>10}{tokens:>10}{tokens / selected_tokens:>14.2f}")
    print(f"{'naive, one per item':28}{naive_requests:>10}{naive_tokens:>10}{naive_tokens / selected_tokens:>14.2f}")
    print(f"{'rebuild (cache)':28}{rebuild_requests:>10}{0:>10}")
    print(f"targets: requests <= {budget_requests} ({'met' if requests <= budget_requests else 'MISSED'}), "
          f"tokens <= {1.5 * selected_tokens:.0f} ({'met' if tokens <= 1.5 * selected_tokens else 'MISSED'}), "
          f"rebuild 0 ({'met' if rebuild_requests == 0 else 'MISSED'}); rebuild identical: {same}")
    print(f"writer stats: {notes['requests']} requests, {notes['input_tokens']} in / {notes['output_tokens']} out, "
          f"repairs {notes['repairs']}, fallbacks {len(notes['fallbacks'])}, est. ${notes['estimated_cost_usd']:.4f}; "
          f"build {seconds:.1f} s")
    print(f"verification: {verification['supported']}/{verification['sentences']} sentences supported, "
          f"{verification['unsupported']} removed")


if __name__ == "__main__":
    main()
