"""Real-model evaluation of `--writer local`: build a day with the in-process GGUF model and
report what the model wrote and what the verifier kept.

    .venv/bin/python benchmarks/eval_local.py --home HOME [--lang zh] [--days N] [--no-sample] [CASE_DIR ...]

HOME must hold an installed model (`dailybrief model install`). The bundled sample day is
evaluated unless --no-sample is given; each CASE_DIR (a real evaluation case:
tests/data/real/<case>/items.jsonl and labels.json) is imported into a fresh database and built
for each of its `report_days` (only the first N with --days N: a day takes 5-30 minutes on two
busy cores). One build at a time (2 cores). Printed per built day, as a Markdown table row:

- answers: JSON valid first time / after one repair / failed (the part fell back);
- sections written by the model (not fallen back, not emptied by the verifier) / all sections;
- sentences in the report, removed by the verifier by reason;
- prose in the report language (share of sentences), figures/names left unsupported (a second
  verification of the final report: must be 0), Chinese-script names it could not check against
  an English item, Chinese sentences that keep an English common word, sentences the writer
  left out for a name not in its prompt or an English word (`dropped`), empty sections;
- tokens in/out, the ratio to the selected items' tokens, output tokens/s, wall time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from dailybrief.config import load_settings
from dailybrief.importer import import_file
from dailybrief.models import Report
from dailybrief.pipeline import BuildOptions, build
from dailybrief.process.engine import cached_embedder
from dailybrief.store import Store
from dailybrief.write.entities import is_chinese_text
from dailybrief.write.verify import MARK, Verification, split_cited, verify_report

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"
REASONS = [
    ("figure", "figure"),
    ("name", "name"),
    ("names", "name"),
    ("no sentence of the cited", "unsupported meaning"),
    ("it matches an uncited", "wrong item"),
    ("[", "citation"),
    ("cites nothing", "uncited claim"),
]


def reason_kind(reason: str) -> str:
    return next((kind for prefix, kind in REASONS if reason.startswith(prefix)), "other")


def sentences_of(report: Report) -> list[str]:
    texts = [report.summary] + [p.text for s in report.sections for p in s.paragraphs]
    return [MARK.sub("", piece).strip() for text in texts for piece in split_cited(text) if piece.strip()]


def english_left(sentence: str) -> bool:
    """Whether a Chinese sentence keeps an English common word ("hallucinations"); names are
    capitalised or mixed-case and stay as written."""
    return bool(re.search(r"(?<![A-Za-z])[a-z]{4,}(?![A-Za-z0-9])", sentence))


def in_language(sentence: str, language: str) -> bool:
    return is_chinese_text(sentence) if language == "zh" else not re.search(r"[\u4e00-\u9fff]{3,}", sentence)


def evaluate(home: Path, case: Path, day: date, language: str, out: Path) -> dict:
    started = time.perf_counter()
    with Store.open(home) as store:
        import_file(store, case)
        options = BuildOptions(day=day, out_dir=out, language=language, formats=("md",), writer="local")
        report = build(store, load_settings(home), options).report
        items = store.items_by_url(
            {r.url for r in report.references} | {u for s in report.sections for st in s.stories for u in st.item_urls}
        )
        _, second = verify_report(report, items, embedder=cached_embedder(store))
    return measure(report, second, language, time.perf_counter() - started) | {
        "case": f"{case.parent.name if case.name == 'items.jsonl' else case.stem} {day}"
    }


def measure(report: Report, second: Verification, language: str, wall: float) -> dict:
    """The table row of a built report; `second` is a verification of the final report."""
    notes, verification = report.stats["writer"], report.stats["verification"]
    fallen = {f.get("section") for f in notes.get("fallbacks", [])} | set(notes.get("emptied", []))
    by_model = [s for i, s in enumerate(report.sections) if s.id not in fallen and f"section {i + 1}" not in fallen]
    removed = Counter(reason_kind(f["reasons"][0]) for f in verification["findings"] if f["action"] == "removed")
    sentences = sentences_of(report)
    prose = [s for s in sentences if len(s) > 8]
    answers = notes.get("answers", {})
    selected = notes.get("selected_item_tokens") or 1
    return {
        "case": report.date,
        "language": language,
        "json": f"{answers.get('valid_first', 0)} / {answers.get('valid_after_repair', 0)} / {answers.get('failed', 0)}",
        "sections_by_model": f"{len(by_model)}/{len(report.sections)}",
        "summary_by_model": "summary" not in fallen,
        "sentences": len(sentences),
        "removed": dict(removed),
        "in_language": f"{sum(in_language(s, language) for s in prose) / max(1, len(prose)):.0%}",
        "unsupported_left": len(
            [f for f in second.findings if any(reason_kind(r) in ("figure", "name") for r in f.reasons)]
        ),
        "english_left": sum(english_left(s) for s in prose) if language == "zh" else 0,
        "names_unchecked": len(set(second.unchecked)),
        "dropped": len(notes.get("dropped", [])),
        "empty_sections": sum(1 for s in report.sections if not s.paragraphs),
        "tokens": f"{notes.get('input_tokens', 0)} / {notes.get('output_tokens', 0)}",
        "tokens_vs_selected": round((notes.get("input_tokens", 0) + notes.get("output_tokens", 0)) / selected, 2),
        "tokens_per_s": round(notes.get("output_tokens", 0) / max(1e-9, notes.get("request_seconds", 0)), 1),
        "wall_s": round(wall),
        "fallback_reasons": [
            f"{f.get('section') or f.get('story')}: {f['reason'][:90]}" for f in notes.get("fallbacks", [])
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="a home with an installed model")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--days", type=int, default=0, help="build only the first N report days of each case")
    parser.add_argument("--no-sample", action="store_true", help="leave out the bundled sample day")
    parser.add_argument("cases", type=Path, nargs="*", help="real evaluation case folders")
    args = parser.parse_args()
    cases = [] if args.no_sample else [(SAMPLE, date(2026, 4, 17))]
    for folder in args.cases:
        labels = json.loads((folder / "labels.json").read_text("utf-8"))
        days = labels["report_days"][: args.days] if args.days > 0 else labels["report_days"]
        cases += [(folder / "items.jsonl", date.fromisoformat(d)) for d in days]
    rows = []
    for case, day in cases:
        work = args.home / "eval" / f"{case.parent.name if case.name == 'items.jsonl' else case.stem}-{day}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        (work / "models").symlink_to((args.home / "models").resolve())
        if (args.home / "dailybrief.toml").is_file():
            shutil.copy(args.home / "dailybrief.toml", work / "dailybrief.toml")
        row = evaluate(work, case, day, args.lang, work / "out")
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    columns = [
        "case",
        "language",
        "json",
        "sections_by_model",
        "summary_by_model",
        "sentences",
        "removed",
        "in_language",
        "unsupported_left",
        "names_unchecked",
        "english_left",
        "dropped",
        "empty_sections",
        "tokens",
        "tokens_vs_selected",
        "tokens_per_s",
        "wall_s",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    sys.exit(0)


if __name__ == "__main__":
    main()
