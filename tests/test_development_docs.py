"""docs/development.md lists every module of the package with the first sentence of its docstring,
so the layout shown to developers cannot drift from the code. To regenerate the list after adding,
removing or redescribing a module: `.venv/bin/python tests/test_development_docs.py`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "dailybrief"
DOC = ROOT / "docs" / "development.md"
BEGIN, END = "<!-- modules: begin -->", "<!-- modules: end -->"


def first_sentence(path: Path) -> str:
    """The first sentence of a module's docstring, on one line ("" without a docstring)."""
    doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    match = re.match(r"(.+?\.)(?:\s|$)", paragraph)
    sentence = match.group(1) if match else paragraph
    return sentence if len(sentence) <= 200 else sentence[:199] + "…"


def module_table() -> str:
    """The markdown list of modules, one line each, grouped by package."""
    lines = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".")
        sentence = first_sentence(path)
        if name.endswith(".__init__") and not sentence:
            continue  # an empty package marker
        lines.append(f"- `{name.removesuffix('.__init__')}`: {sentence}")
    return "\n".join(lines)


def test_development_doc_lists_every_module_with_its_docstring():
    text = DOC.read_text("utf-8")
    listed = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert listed == module_table(), "docs/development.md is out of date: run python tests/test_development_docs.py"


if __name__ == "__main__":
    text = DOC.read_text("utf-8")
    head, rest = text.split(BEGIN, 1)
    DOC.write_text(f"{head}{BEGIN}\n{module_table()}\n{END}{rest.split(END, 1)[1]}", "utf-8")
