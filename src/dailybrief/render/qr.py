"""QR codes for the closing contact page: made from a contact's ``qr_url``, or the image it
supplied (``qr_image``, a PNG or JPEG data URI put into the report from the configured file)."""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass

import qrcode
import qrcode.image.svg

from dailybrief.models import Contact, Report

_DATA_URI = re.compile(r"data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)")
_MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}


@dataclass(frozen=True)
class QRCode:
    """One contact's QR code: SVG (HTML, PDF) and PNG (WeChat) bytes of a code made from its URL,
    or only ``raster``, the supplied PNG or JPEG image, which every format then shows."""

    contact: Contact
    svg: bytes  # empty for a supplied image
    png: bytes  # the made code as PNG, or the supplied image (see ``raster_type``)
    raster_type: str = "png"  # png | jpeg
    index: int = 0  # the contact's place in organisation.contacts

    @property
    def svg_data_uri(self) -> str:
        """The best image for HTML and PDF: the SVG code, or the supplied image."""
        if not self.svg:
            return self.png_data_uri
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")

    @property
    def png_data_uri(self) -> str:
        return f"data:image/{self.raster_type};base64," + base64.b64encode(self.png).decode("ascii")

    def file(self) -> tuple[str, bytes]:
        """Extension and bytes of the image to typeset (SVG when made, else the supplied one)."""
        if self.svg:
            return "svg", self.svg
        return ("jpg" if self.raster_type == "jpeg" else "png"), self.png


def make_qr(url: str) -> tuple[bytes, bytes]:
    """(svg, png) bytes of a QR code for ``url``, medium error correction, 2-module border."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=8)
    qr.add_data(url)
    qr.make(fit=True)
    svg_buf, png_buf = io.BytesIO(), io.BytesIO()
    qr.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(svg_buf)
    qr.make_image(fill_color="black", back_color="white").save(png_buf)
    return svg_buf.getvalue(), png_buf.getvalue()


def supplied_image(data_uri: str) -> tuple[str, bytes]:
    """(png | jpeg, bytes) of a contact's ``qr_image``; ValueError when it is not such an image."""
    match = _DATA_URI.fullmatch(data_uri.strip())
    if not match:
        raise ValueError("not a data:image/png or data:image/jpeg base64 URI")
    try:
        raw = base64.b64decode(match[2], validate=False)
    except binascii.Error as exc:
        raise ValueError(f"bad base64: {exc}") from None
    if not raw.startswith(_MAGIC[match[1]]):
        raise ValueError(f"the data is not a {match[1].upper()} image")
    return match[1], raw


def build_qr_codes(report: Report, notes: list[str] | None = None) -> list[QRCode]:
    """QR codes for every contact with a ``qr_image`` or a ``qr_url``, in contact order. A
    ``qr_image`` that is not a PNG or JPEG adds a line to ``notes`` and falls back to ``qr_url``."""
    codes = []
    for n, contact in enumerate(report.organisation.contacts):
        if contact.qr_image:
            try:
                kind, raw = supplied_image(contact.qr_image)
            except ValueError as exc:
                if notes is not None:
                    notes.append(f"organisation.contacts[{n}].qr_image: {exc}; QR code from qr_url instead")
            else:
                codes.append(QRCode(contact, b"", raw, kind, n))
                continue
        if contact.qr_url:
            svg, png = make_qr(contact.qr_url)
            codes.append(QRCode(contact, svg, png, "png", n))
    return codes
