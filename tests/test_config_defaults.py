"""Defaults are written once: the settings models hold them, and the packaged default_config.toml
(what `dailybrief init` writes) shows each one; this test fails when the two disagree or when a
setting is missing from the file. The starter data (organisation, taxonomy, sources, relevance
words, prices) is written only in the file: the models' defaults for it are empty."""

from __future__ import annotations

import tomllib
from typing import Any

from pydantic import BaseModel

from dailybrief.config import Settings, default_config_text, load_settings

# Tables whose packaged values are starter data, not defaults: empty in the models.
DATA = {"organisation", "sections", "sources", "relevance", "llm.prices", "publish.channels"}


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _disagreements(model: type[BaseModel], table: dict[str, Any], where: str) -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        key = f"{where}{name}"
        if key in DATA:
            continue
        nested = _model_of(field.annotation)
        if nested is not None:
            out += _disagreements(nested, table.get(name, {}), f"{key}.")
            continue
        default = field.get_default(call_default_factory=True)
        if name not in table:
            out.append(f"{key}: not in default_config.toml (code default {default!r})")
        elif table[name] != default:
            out.append(f"{key}: default_config.toml says {table[name]!r}, the code {default!r}")
    return out


def test_the_packaged_file_states_every_default_the_code_has():
    packaged = tomllib.loads(default_config_text())
    assert _disagreements(Settings, packaged, "") == []


def test_starter_data_is_only_in_the_packaged_file(tmp_path):
    empty, packaged = Settings(), load_settings(tmp_path)
    assert not empty.sources and not empty.sections and not empty.organisation.name and not empty.llm.prices
    assert packaged.sources and packaged.sections and packaged.organisation.name and packaged.llm.prices


def test_a_wrong_default_is_named():
    class Example(BaseModel):
        timeout: float = 10.0
        retries: int = 2

    assert _disagreements(Example, {"timeout": 12.0}, "collect.") == [
        "collect.timeout: default_config.toml says 12.0, the code 10.0",
        "collect.retries: not in default_config.toml (code default 2)",
    ]
