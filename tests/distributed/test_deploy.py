"""The deployment files say what they should: the compose file parses and runs the services
docs/scaling.md describes, every command in it and every systemd ExecStart is a real
`dailybrief` command line (its options parse), and the shipped config loads."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import typer
import yaml

from dailybrief.cli import app
from dailybrief.config import Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def parses(args: list[str]) -> None:
    """`dailybrief ARGS` would start: the command exists and takes these options (click parses
    them exactly as it would at run time, without running anything)."""
    group = typer.main.get_command(app)
    ctx = click.Context(group, info_name="dailybrief")
    command = group.get_command(ctx, args[0])  # type: ignore[attr-defined]
    assert command is not None, f"no command {args[0]!r}"
    command.make_context(args[0], list(args[1:]), parent=ctx).close()


def test_the_compose_file_runs_the_stores_broker_workers_scheduler_and_web_app() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "rabbitmq", "scheduler", "web"} <= set(services)
    workers = {name: s for name, s in services.items() if s.get("command", [None])[0] == "worker"}
    queues = set()
    for service in workers.values():
        command = service["command"]
        queues |= set(command[command.index("--queues") + 1].split(","))
    assert queues == {"collect", "extract", "embed", "build"}  # every queue has a worker
    for service in services.values():
        if service.get("image") == "dailybrief":
            parses(service["command"])
    mounted = services["scheduler"]["volumes"][0].split(":")[0]
    assert (DEPLOY / mounted).exists()


def test_every_systemd_unit_starts_a_real_command() -> None:
    units = sorted(DEPLOY.glob("*.service"))
    assert len(units) >= 3
    for unit in units:
        lines = [line for line in unit.read_text("utf-8").splitlines() if line.startswith("ExecStart=")]
        assert len(lines) == 1, unit
        argv = shlex.split(lines[0].removeprefix("ExecStart=").replace("%i", "collect,extract"))
        assert argv[0].endswith("/dailybrief"), unit
        parses(argv[1:])


def test_the_deployed_config_is_valid_and_distributed(tmp_path: Path) -> None:
    (tmp_path / "dailybrief.toml").write_text((DEPLOY / "dailybrief.toml").read_text("utf-8"))
    settings: Settings = load_settings(tmp_path)
    assert settings.queue.execution == "distributed"
    assert settings.queue.broker.startswith("amqp://") and "rabbitmq" in settings.queue.broker
