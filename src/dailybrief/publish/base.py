"""The publisher contract: an `Edition` goes in, `Part`s come out, each part is sent once.

A channel type is a `Publisher` subclass registered under its `type` (see `registry`). The
publish loop (`deliver.publish_edition`) drives every configured channel the same way:

1. `check()` validates the channel's options and reads its secrets before anything is sent;
   a problem raises `PublishError` with one line naming the channel and the key.
2. `build(edition)` returns the exact payloads to send, as numbered `Part`s (a dry run writes
   them to `out/D/publish/NAME/`).
3. `send(part)` delivers one part and returns `Sent(remote_id)`; it raises `PublishError`
   for a refusal that retrying will not fix and `RetryLater` for one that it may.

See docs/publishing.md for a worked example.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ..config import ChannelSpec, Settings
from ..errors import PublishError, invalid_value
from ..models import Report

__all__ = ["Edition", "NoOptions", "Part", "PublishError", "Publisher", "RetryLater", "Sent"]

_SUFFIXES = {
    "application/json": ".json",
    "message/rfc822": ".eml",
    "text/html": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/x-www-form-urlencoded": ".form",
}


@dataclass(frozen=True)
class Edition:
    """One built report as publishers see it.

    `files` maps a file name relative to `out_dir` (``report.html``, ``report.pdf``,
    ``charts/sections.png`` ...) to its path; `url` is the absolute address of the edition's page
    on the archive site, or "" when `site.base_url` is not configured.
    """

    report: Report
    out_dir: Path
    url: str = ""
    files: Mapping[str, Path] = field(default_factory=dict)

    @classmethod
    def from_folder(cls, report: Report, out_dir: Path, url: str = "") -> Edition:
        """The edition whose rendered files are in `out_dir` (earlier publish dumps excluded)."""
        files: dict[str, Path] = {}
        if out_dir.is_dir():
            for path in sorted(out_dir.rglob("*")):
                rel = path.relative_to(out_dir).as_posix()
                if path.is_file() and not rel.startswith("publish/"):
                    files[rel] = path
        return cls(report=report, out_dir=out_dir, url=url, files=files)

    @property
    def date(self) -> str:
        return self.report.date

    @property
    def language(self) -> str:
        return self.report.language

    def file(self, name: str) -> Path | None:
        """The rendered file `name`, or None when it was not written."""
        return self.files.get(name)


@dataclass(frozen=True)
class Part:
    """One payload exactly as it goes on the wire.

    `index` is 1-based and `total` is the number of parts of this edition on this channel;
    `label` is what the reader sees (e.g. "(2/3)", "" for a single part). `target` is an
    optional non-secret description of where the part goes (a chat id, a recipient count),
    shown in dry-run manifests and `publish --status`.
    """

    index: int
    total: int
    body: bytes
    content_type: str = "application/json"
    label: str = ""
    target: str = ""

    @classmethod
    def from_json(cls, index: int, total: int, payload: Any, label: str = "", target: str = "") -> Part:
        """A JSON part serialised compactly as UTF-8 (the bytes that limits are measured on)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(index, total, body, "application/json", label, target)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:16]

    @property
    def suffix(self) -> str:
        return _SUFFIXES.get(self.content_type.split(";")[0].strip(), ".bin")


@dataclass(frozen=True)
class Sent:
    """A delivered part: what the service answered, and an optional note for the operator
    (for instance "account not verified (48001): saved as a draft instead")."""

    remote_id: str
    note: str = ""


class RetryLater(PublishError):
    """A refusal that may pass: rate limited, 5xx, a dropped connection. The loop waits
    `retry_after` seconds when the service named it, else its own backoff, then tries again."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Publisher(ABC):
    """One configured channel. Subclasses set `type` and `Options` and implement build and send.

    `Options` is a pydantic model of the channel's keys in `[[publish.channels]]` (besides
    name, type, enabled and language); keys holding secrets name environment variables
    (convention: they end in ``_env``) and are read with `secret()`.
    """

    type: ClassVar[str] = ""
    Options: ClassVar[builtins.type[BaseModel]] = NoOptions  # `type` above shadows the builtin
    # True: parts are one message in pieces, so after a failed part the later ones wait for the
    # next run (readers never get part 3 before part 2). False: parts are independent (one
    # e-mail per recipient) and a failed part does not hold back the others.
    ordered: ClassVar[bool] = True

    def __init__(self, spec: ChannelSpec, settings: Settings, env: Mapping[str, str] | None = None):
        self.spec = spec
        self.name = spec.name
        self.settings = settings
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.secrets: list[str] = []  # every secret value read, so the loop can keep it out of artefacts
        self._options: BaseModel | None = None

    @property
    def options(self) -> Any:
        """The validated options (`check()` must have run)."""
        if self._options is None:
            self._options = self._validate_options()
        return self._options

    def check(self) -> None:
        """Validate options and read secrets; raise `PublishError` naming channel and key.

        Subclasses that need more checks (URL forms, secrets present) extend this and call
        ``super().check()`` first. Nothing may be sent from here.
        """
        self._options = self._validate_options()

    def _validate_options(self) -> BaseModel:
        try:
            return self.Options.model_validate(self.spec.options)
        except ValidationError as exc:
            raise PublishError(f"channel {self.name}: {invalid_value(exc)}") from None

    def error(self, key: str, message: str) -> PublishError:
        """The one-line error about option `key` of this channel."""
        return PublishError(f"channel {self.name}: {key}: {message}")

    def secret(self, key: str) -> str:
        """The value of the environment variable named by option `key`; an error when unset."""
        var = getattr(self.options, key, None)
        if not var:
            raise self.error(key, "the name of an environment variable is required")
        value = self.env.get(var, "")
        if not value:
            raise self.error(key, f"environment variable {var} is not set")
        if value not in self.secrets:
            self.secrets.append(value)
        return value

    @abstractmethod
    def build(self, edition: Edition) -> list[Part]:
        """The exact payloads for `edition`, numbered 1..total; no network access."""

    @abstractmethod
    def send(self, part: Part) -> Sent:
        """Deliver one part; raise `PublishError` (final) or `RetryLater` (transient)."""

    def build_alert(self, text: str) -> list[Part]:
        """Parts carrying a short operator alert (`schedule.alert_channel`); plain `text`, a few lines."""
        raise PublishError(f"channel {self.name}: type {self.type} cannot send alerts")

    def close(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Release connections; called once after the channel's last part."""
