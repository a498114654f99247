"""The layers hold: front ends (cli/) call the application layer (app/) and never the stages."""

from __future__ import annotations

import ast
from pathlib import Path

import dailybrief

PACKAGE = Path(dailybrief.__file__).parent
STAGES = ("collect", "process", "write", "render", "store", "publish", "pipeline", "importer")


def imported_modules(path: Path) -> set[str]:
    """Absolute dailybrief module names imported by a file (relative imports resolved)."""
    parts = ["dailybrief", *path.relative_to(PACKAGE).with_suffix("").parts]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("dailybrief")}


def test_cli_imports_nothing_from_the_stages():
    files = sorted((PACKAGE / "cli").glob("*.py"))
    assert len(files) >= 6
    for path in files:
        for name in imported_modules(path):
            layer = name.split(".")[1] if "." in name else ""
            assert layer not in STAGES, f"{path.name} imports {name}: call dailybrief.app instead"


def test_every_cli_module_registers_its_commands():
    from dailybrief.cli import command_modules

    for name in command_modules():
        module = __import__(f"dailybrief.cli.{name}", fromlist=["register"])
        assert callable(getattr(module, "register", None)), f"cli/{name}.py has no register(app)"
