"""Keeping secrets out of everything dailybrief writes: logs, the database, dumps, errors.

Publishers register each secret they read (`Publisher.secret`); the publish loop passes every
error, note and remote id through `Redactor.scrub` before it is stored or printed, and refuses
to dump or send a payload that contains a secret.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
_MIN_LENGTH = 4  # shorter values would mask ordinary text


class Redactor:
    """The set of secret values in play, in their raw and URL-encoded forms."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._forms: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if len(secret) >= _MIN_LENGTH:
            self._forms.update({secret, quote(secret, safe=""), quote_plus(secret)})

    def scrub(self, text: str | None) -> str | None:
        if not text:
            return text
        for form in sorted(self._forms, key=len, reverse=True):
            text = text.replace(form, MASK)
        return text

    def leaks(self, body: bytes) -> bool:
        """Whether `body` contains any secret (in any of its forms)."""
        return any(form.encode("utf-8") in body for form in self._forms)


class RedactingFilter(logging.Filter):
    """A logging filter, put on the handlers while publishing, that scrubs every record."""

    def __init__(self, redactor: Redactor):
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.scrub(record.getMessage()) or ""
        record.args = None
        return True
