"""The docs keep up with the command line: every command has help text and a README entry."""

from pathlib import Path

import typer.main

from dailybrief.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _commands(group, prefix=""):
    for name, command in group.commands.items():
        yield prefix + name, command
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + name + " ")


def test_every_command_has_help_and_a_readme_entry():
    click_app = typer.main.get_command(app)
    names = list(_commands(click_app))
    assert len(names) >= 15
    for name, command in names:
        assert (command.help or "").strip(), f"`dailybrief {name}` has no help text"
        top = name.split(" ")[0]
        assert f"dailybrief {top}" in README, f"`dailybrief {top}` is not in the README"


def test_readme_opens_with_the_two_commands():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.splitlines() if line.startswith("make ")]
    assert commands == ["make demo", "make test"]
