"""The configured organisation (``[organisation]``) and what each edition prints of it.

Every text has an English variant under the same key with ``_en`` (``name_en``, ``partner_en``,
``contact_title_en``, and per contact ``name_en``, ``description_en``, ``qr_label_en``). The zh
edition prints the plain keys; any other edition prints the ``_en`` value, or the plain one when
it has no Chinese in it. A Chinese text without its ``_en`` key is printed as configured and named
in one warning line, so an English edition never loses its masthead silently. A contact's QR code
is made from ``qr_url`` or, with ``qr_image``, is a supplied PNG or JPEG file (a path relative to
HOME) carried into the report as a data URI, so report.json alone still renders.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from dailybrief.models import Contact, Organisation

MAX_QR_IMAGE = 1_000_000  # bytes: the image travels inside report.json and every HTML edition
_HAN = re.compile(  # Chinese characters, CJK punctuation, fullwidth forms: a text that needs its _en key
    r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
)
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactSettings(_Settings):
    """One ``[[organisation.contacts]]`` entry."""

    name: str
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    qr_label: str = ""
    qr_label_en: str = ""
    qr_url: str = ""
    qr_image: str = ""  # a PNG or JPEG file (relative to HOME) printed instead of a code from qr_url

    @field_validator("qr_image")
    @classmethod
    def _under_home(cls, value: str, info: ValidationInfo) -> str:
        home = (info.context or {}).get("home")
        if not value or home is None:
            return value
        return str(Path(home) / Path(value).expanduser())


class OrganisationSettings(_Settings):
    """``[organisation]``: the masthead, the partner line and the closing contact page."""

    name: str = ""
    name_en: str = ""
    partner: str = ""
    partner_en: str = ""
    website: str = ""
    contact_title: str = ""
    contact_title_en: str = ""
    contacts: list[ContactSettings] = Field(default_factory=list)

    def edition(self, language: str) -> Edition:
        """The organisation as the ``language`` edition prints it, and what was missing."""
        pick = _Picker(english=language != "zh")
        name = pick(self.name, self.name_en, "organisation.name_en")
        partner = pick(self.partner, self.partner_en, "organisation.partner_en")
        # without an English title the page gets the label "Contact us"
        contact_title = pick(self.contact_title, self.contact_title_en, "", fallback="")
        contacts = []
        for n, c in enumerate(self.contacts):
            where = f"organisation.contacts[{n}]"
            contacts.append(
                Contact(
                    name=pick(c.name, c.name_en, f"{where}.name_en"),
                    description=pick(c.description, c.description_en, f"{where}.description_en"),
                    qr_label=pick(c.qr_label, c.qr_label_en, f"{where}.qr_label_en"),
                    qr_url=c.qr_url,
                    qr_image=pick.image(c.qr_image, f"{where}.qr_image"),
                )
            )
        organisation = Organisation(
            name=name, partner=partner, website=self.website, contact_title=contact_title, contacts=contacts
        )
        return Edition(organisation, pick.warnings(language))


@dataclass
class Edition:
    """What one edition prints of the organisation, and one line per problem found on the way."""

    organisation: Organisation
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Picker:
    """Chooses each text for one edition and remembers the keys it lacked."""

    english: bool
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __call__(self, text: str, text_en: str, key: str, fallback: str | None = None) -> str:
        if not self.english or text_en:
            return text_en if self.english else text
        if not _HAN.search(text):
            return text
        if fallback is not None:
            return fallback
        self.missing.append(key)
        return text

    def image(self, path: str, key: str) -> str:
        if not path:
            return ""
        try:
            return qr_image_uri(Path(path))
        except ValueError as exc:
            self.problems.append(f"{key}: {exc}; the QR code is left out")
            return ""

    def warnings(self, language: str) -> list[str]:
        lines = list(self.problems)
        if self.missing:
            lines.append(f"{language} edition prints Chinese where these keys are not set: {', '.join(self.missing)}")
        return lines


def without_stale_english(merged: dict[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    """``[organisation]`` of the defaults merged with the user's, less each default ``_en`` text
    whose plain key the user set: it names the example organisation, not theirs. (Contacts are
    an array, which the user's replaces whole.)"""
    merged = dict(merged)
    for key in ("name", "partner", "contact_title"):
        if key in user and f"{key}_en" not in user:
            merged.pop(f"{key}_en", None)
    return merged


def qr_image_uri(path: Path) -> str:
    """A PNG or JPEG file as a data URI; ValueError with a one-line reason when it is not one."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    kind = next((k for magic, k in _IMAGE_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise ValueError(f"{path}: not a PNG or JPEG image")
    if len(data) > MAX_QR_IMAGE:
        raise ValueError(f"{path}: {len(data):,} bytes, more than {MAX_QR_IMAGE:,}")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception as exc:  # Pillow raises several kinds for a damaged file
        raise ValueError(f"{path}: damaged {kind.upper()} image: {exc}") from None
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")
