"""Settings: `dailybrief.toml` read into one validated `Settings` object.

Defaults are written once, as the field defaults of the models below. The packaged
`default_config.toml` (what `dailybrief init` writes) shows every one of them with its meaning
(tests/test_config_defaults.py fails when file and code disagree) and adds the starter data the
models leave empty: organisation, taxonomy, sources, relevance words and prices. A home folder
without a config file (or a file without some keys) falls back to the packaged file key by key.
Invalid values raise `ConfigError` naming the key and the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError, invalid_value
from .models import SourceKind
from .organisation import OrganisationSettings, without_stale_english

CONFIG_NAME = "dailybrief.toml"
DB_NAME = "dailybrief.db"


def default_config_text() -> str:
    """The starter configuration, as shipped in the package."""
    return resources.files("dailybrief").joinpath("default_config.toml").read_text("utf-8")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportSettings(_Strict):
    title: str = "AI 技术每日分析"
    title_en: str = "AI Technology Daily Analysis"
    language: Literal["zh", "en"] = "zh"
    timezone: str = "Asia/Shanghai"
    cutoff: str = "08:00"
    window_hours: float = Field(24, gt=0, le=24 * 14)
    max_sections: int = Field(6, ge=1, le=12)
    stories_per_section: int = Field(4, ge=1, le=20)
    max_paragraphs: int = Field(4, ge=2, le=8)
    file_mode: str = "0644"

    @field_validator("file_mode")
    @classmethod
    def _octal_mode(cls, value: str) -> str:
        if not re.fullmatch(r"0?[0-7]{3}", value):
            raise ValueError(f"expected an octal file mode such as 0644, got {value!r}")
        return value

    @property
    def mode(self) -> int:
        """`file_mode` as a number, for os.chmod."""
        return int(self.file_mode, 8)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("cutoff")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def cutoff_time(self) -> time:
        hour, minute = self.cutoff.split(":")
        return time(int(hour), int(minute))

    def display_title(self, language: str) -> str:
        return self.title if language == "zh" else self.title_en


class RelevanceSettings(_Strict):
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class SectionSpec(_Strict):
    id: str
    title: str
    title_en: str = ""
    description: str = ""
    keywords: list[str] = Field(default_factory=list)

    def display_title(self, language: str) -> str:
        return self.title if language == "zh" or not self.title_en else self.title_en


class SourceSpec(_Strict):
    name: str
    kind: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")  # rss, page, reddit, ... or a plugin's kind
    url: str
    source_kind: SourceKind = "news"
    weight: float = Field(1.0, ge=0, le=10)
    lang: str = ""
    selector: str = ""
    keywords: list[str] = Field(default_factory=list)


class CollectSettings(_Strict):
    """How `dailybrief collect` fetches: limits, timeouts, safety (see [collect] in the config)."""

    allow_private: bool = False
    concurrency: int = Field(64, ge=1, le=1024)
    per_host: int = Field(6, ge=1, le=256)
    connect_timeout: float = Field(10.0, gt=0, le=300)
    read_timeout: float = Field(30.0, gt=0, le=600)
    request_deadline: float = Field(120.0, gt=0, le=3600)
    source_deadline: float = Field(600.0, gt=0, le=24 * 3600)
    retries: int = Field(2, ge=0, le=10)
    max_retry_wait: float = Field(60.0, ge=0, le=3600)
    max_bytes: int = Field(10_000_000, ge=1024)
    user_agent: str = "dailybrief/0.1 (+https://github.com/dailybrief/dailybrief; news digest bot)"
    fulltext: bool = True
    teaser_chars: int = Field(600, ge=0)
    robots: bool = True


class ModelPrice(_Strict):
    """US dollars per million tokens."""

    input: float = Field(0.0, ge=0)
    output: float = Field(0.0, ge=0)


class LocalModelSettings(_Strict):
    """The in-process GGUF model of `--writer local` (see [llm.local] in the config)."""

    model_path: str = Field(
        "", description="A GGUF file [default: the model `dailybrief model install` put in HOME/models]."
    )
    n_ctx: int = Field(8192, ge=512, le=262144, description="Context size in tokens.")
    threads: int = Field(2, ge=1, le=256, description="CPU threads.")
    temperature: float = Field(0.1, ge=0, le=2)
    max_output_tokens: int = Field(1024, ge=64, le=32768, description="Most tokens of one answer.")
    item_chars: int = Field(600, ge=100, description="Characters of each item's text the model reads.")
    items_per_story: int = Field(3, ge=1, description="Items of each story the model reads (the leading ones).")


class LLMSettings(_Strict):
    """The writer backend and the OpenAI-compatible endpoint (see [llm] in the config)."""

    backend: Literal["extractive", "openai", "local"] = Field("extractive", description="Writer backend.")
    base_url: str = Field("https://api.openai.com/v1", description="Chat Completions endpoint root.")
    model: str = Field("gpt-4o-mini", description="Model name sent with every request.")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the API key.")
    timeout: float = Field(120.0, gt=0, le=3600, description="Seconds per request.")
    max_retries: int = Field(3, ge=0, le=10, description="Extra tries after a 429, a 5xx or a network error.")
    max_retry_wait: float = Field(60.0, ge=0, le=3600, description="Longest Retry-After waited for.")
    concurrency: int = Field(4, ge=1, le=64, description="Requests in flight at once.")
    temperature: float = Field(0.2, ge=0, le=2)
    max_output_tokens: int = Field(2048, ge=64, le=65536, description="max_tokens of one request.")
    token_budget: int = Field(200_000, ge=1000, description="Most tokens (in + out) one report may use.")
    direct_tokens: int = Field(
        6000,
        ge=0,
        description="Sections whose items' text fits in this many tokens are written in one request; larger ones get a brief per story first.",
    )
    json_mode: bool = Field(True, description="Send response_format json_object.")
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    local: LocalModelSettings = Field(default_factory=LocalModelSettings)

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError("expected the name of an environment variable, not a key")
        return value


class SiteSettings(_Strict):
    """The static archive (`dailybrief site`) and the links every channel sends."""

    base_url: str = Field("", description="Public root of the archive site; empty means relative links.")
    title: str = Field("", description="Site title [default: the report title].")

    @field_validator("base_url")
    @classmethod
    def _http_root(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/") + "/" if value else ""


class ChannelSpec(BaseModel):
    """One `[[publish.channels]]` entry: `type` picks the publisher, the other keys are its options."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    type: str
    enabled: bool = True
    language: Literal["zh", "en"] | None = None  # the edition sent [default: report.language]

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class PublishSettings(_Strict):
    """Where `dailybrief publish` sends each edition, and how often a failed part is retried."""

    channels: list[ChannelSpec] = Field(default_factory=list)
    retries: int = Field(3, ge=0, le=10, description="Extra tries of a part after a retryable failure.")
    backoff: float = Field(2.0, ge=0, le=600, description="Seconds before the first retry; doubles each time.")

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[ChannelSpec]) -> list[ChannelSpec]:
        names = [c.name for c in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"channel name {name!r} is used twice")
        return value


class ScheduleSettings(_Strict):
    """The daily job of `dailybrief schedule`: collect → build → review gate → publish."""

    time: str = Field("08:00", description="Local time of the daily run, HH:MM.")
    timezone: str = Field("Asia/Shanghai", description="IANA time zone of `time`.")
    misfire_grace_hours: float = Field(6.0, gt=0, le=48, description="A run missed by less than this still happens.")
    catch_up: bool = Field(True, description="On start, run a missed day that is still within the grace time.")
    review: Literal["off", "required"] = Field("off", description="Gate before publishing.")
    alert_channel: str = Field("", description="Channel name that receives one alert when a run fails.")
    languages: list[Literal["zh", "en"]] = Field(
        default_factory=list, description="Editions built [default: report.language]."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return ReportSettings._known_zone(value)

    @field_validator("time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        return ReportSettings._hh_mm(value)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class QueueSettings(_Strict):
    """Distributed runs (docs/scaling.md): the broker, Redis for the shared per-host limits, and
    how collect, extraction and embedding are cut into tasks for `dailybrief worker`."""

    execution: Literal["local", "distributed"] = Field("local", description="Where the daily job collects.")
    broker: str = Field("amqp://guest:guest@127.0.0.1:5672/%2F", description="amqp:// or redis:// URL.")
    redis: str = Field("redis://127.0.0.1:6379/0", description="Redis for the per-host limits across workers.")
    namespace: str = Field("dailybrief", pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$", description="Queue prefix.")
    sources_per_task: int = Field(20, ge=1, le=1000, description="Sources of one host in one collect task.")
    host_tasks: int = Field(1, ge=1, le=64, description="Tasks fetching from one host at once, all workers.")
    extract_batch: int = Field(50, ge=1, le=5000, description="Articles per extraction task.")
    embed_batch: int = Field(256, ge=1, le=20000, description="Items per embedding task.")
    max_retries: int = Field(3, ge=0, le=20, description="Retries of a failed task before it is dead.")
    min_backoff: float = Field(2.0, gt=0, le=3600, description="Seconds before the first retry; doubles.")
    max_backoff: float = Field(300.0, gt=0, le=86400, description="Longest wait between retries.")
    time_limit: float = Field(900.0, gt=0, le=86400, description="Seconds one collect/extract/embed task may run.")
    build_time_limit: float = Field(3600.0, gt=0, le=86400, description="Seconds the build task may run.")
    threads: int = Field(4, ge=1, le=64, description="Tasks one worker process runs at once.")
    wait: float = Field(7200.0, gt=0, le=7 * 86400, description="Seconds a distributed run waits for its tasks.")


class WebSettings(_Strict):
    """`dailybrief serve`: who may read without logging in, and how sessions behave."""

    public: bool = False  # archive, report pages and search readable without login (read-only)
    secure_cookies: bool = True  # the session cookie is sent over HTTPS only (browsers exempt 127.0.0.1)
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    login_attempts: int = Field(default=5, ge=1)  # failed logins per address and 5 minutes


class StoreSettings(_Strict):
    """Where the database lives: "" is the SQLite file `dailybrief.db` in the home folder; a
    SQLAlchemy URL (`postgresql+psycopg://user@host:5432/db`) a shared server. $DAILYBRIEF_STORE_URL wins."""

    url: str = ""


class Settings(_Strict):
    review: Literal["off", "on", "auto"] = "off"  # on: publish needs approval; auto: when the verifier found something
    web: WebSettings = Field(default_factory=WebSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    organisation: OrganisationSettings = Field(default_factory=OrganisationSettings)
    relevance: RelevanceSettings = Field(default_factory=RelevanceSettings)
    sections: list[SectionSpec] = Field(default_factory=list)
    sources: list[SourceSpec] = Field(default_factory=list)
    collect: CollectSettings = Field(default_factory=CollectSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    site: SiteSettings = Field(default_factory=SiteSettings)
    publish: PublishSettings = Field(default_factory=PublishSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)

    def edition_path(self, date: str, language: str) -> str:
        """An edition's page on the archive site, relative to its root: ``D/`` for the report
        language, ``D/LANG/`` for another."""
        return f"{date}/" if language == self.report.language else f"{date}/{language}/"

    def edition_url(self, date: str, language: str) -> str:
        """The absolute URL of an edition's page, or "" when `site.base_url` is not set."""
        base = self.site.base_url
        return base + self.edition_path(date, language) if base else ""

    def source_weight(self, source_name: str) -> float:
        for spec in self.sources:
            if spec.name == source_name:
                return spec.weight
        return 1.0


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; arrays (sections, sources, contacts) replace the default whole."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(home: Path) -> Settings:
    """Read HOME/dailybrief.toml over the packaged defaults."""
    defaults = tomllib.loads(default_config_text())
    path = home / CONFIG_NAME
    data = defaults
    if path.exists():
        try:
            user = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
        data = _merge(defaults, user)
        if isinstance(user.get("organisation"), dict):
            data["organisation"] = without_stale_english(data["organisation"], user["organisation"])
    if os.environ.get("DAILYBRIEF_STORE_URL"):  # a deployment points every process at one server
        data = _merge(data, {"store": {"url": os.environ["DAILYBRIEF_STORE_URL"]}})
    try:
        return Settings.model_validate(data, context={"home": home})  # qr_image paths are under HOME
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid value for {invalid_value(exc)}") from None


def resolve_home(home: str | os.PathLike[str] | None) -> Path:
    """--home, else $DAILYBRIEF_HOME, else ./.dailybrief."""
    if home:
        return Path(home)
    env = os.environ.get("DAILYBRIEF_HOME")
    return Path(env) if env else Path(".dailybrief")
