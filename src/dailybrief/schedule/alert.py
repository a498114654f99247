"""One alert message to `schedule.alert_channel` when a run fails.

The alert goes through the channel's own publisher (`Publisher.build_alert`), with the same
check, retries and secret masking as an edition; it is never recorded as a delivery of the edition.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config import Settings
from ..publish.base import Publisher
from ..publish.deliver import checked_publisher, one_line, send_with_retries
from ..publish.redact import Redactor


def send_alert(settings: Settings, text: str, env: Mapping[str, str] | None = None) -> str:
    """Send `text` to the alert channel; return one line saying what happened (never raises)."""
    name = settings.schedule.alert_channel
    spec = next((c for c in settings.publish.channels if c.name == name), None)
    if spec is None:
        return f"not sent: schedule.alert_channel names no channel {name!r}"
    redactor = Redactor()
    publisher: Publisher | None = None
    try:
        publisher = checked_publisher(spec, settings, env, redactor)
        ids = []
        for part in publisher.build_alert(text):
            sent, error, _ = send_with_retries(publisher, part, settings, redactor)
            if sent is None:
                return f"not sent: {error}"
            ids.append(sent.remote_id)
        return redactor.scrub(f"sent to {name} ({', '.join(ids)})") or ""
    except Exception as exc:  # noqa: BLE001 - an alert that fails must not hide the run's own failure
        return f"not sent: {one_line(name, exc, redactor)}"
    finally:
        if publisher is not None:
            publisher.close()
