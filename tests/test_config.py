import tomllib

import pytest

from dailybrief.config import default_config_text, load_settings
from dailybrief.errors import ConfigError


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(tmp_path)
    assert settings.report.title == "AI 技术每日分析"
    assert settings.report.timezone == "Asia/Shanghai"
    assert settings.report.cutoff == "08:00"
    assert settings.report.window_hours == 24


def test_starter_config_has_the_required_blocks():
    data = tomllib.loads(default_config_text())
    assert {"report", "organisation", "sections", "sources"} <= set(data)
    assert len(data["sources"]) >= 25
    kinds = {s["kind"] for s in data["sources"]}
    assert {"rss", "reddit", "hackernews", "arxiv", "youtube", "github"} <= kinds
    assert any(s.get("lang") == "zh" for s in data["sources"])
    names = " ".join(s["name"] for s in data["sources"])
    assert "r/MachineLearning" in names and "r/LocalLLaMA" in names
    assert {s["id"] for s in data["sections"]} >= {"business", "safety", "agents", "research", "evaluation", "compute", "opensource", "other"}
    assert all(s["description"] for s in data["sections"])


def test_partial_file_falls_back_key_by_key(tmp_path):
    (tmp_path / "dailybrief.toml").write_text('[report]\nlanguage = "en"\n', "utf-8")
    settings = load_settings(tmp_path)
    assert settings.report.language == "en"
    assert settings.report.cutoff == "08:00"
    assert len(settings.sources) >= 25


@pytest.mark.parametrize(
    "body, key",
    [
        ('[report]\ntimezone = "Mars/Base"\n', "report.timezone"),
        ('[report]\ncutoff = "25:00"\n', "report.cutoff"),
        ('[report]\nwindow_hours = -3\n', "report.window_hours"),
        ('[report]\nlanguage = "fr"\n', "report.language"),
        ('[report]\ncolour = "red"\n', "report.colour"),
    ],
)
def test_invalid_value_names_key_and_file(tmp_path, body, key):
    path = tmp_path / "dailybrief.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    message = str(caught.value)
    assert str(path) in message and key in message
    assert "\n" not in message


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "dailybrief.toml"
    path.write_text("[report\n", "utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path)
