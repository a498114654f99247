"""QR codes for the closing contact page, generated from the configured URLs."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg

from dailybrief.models import Contact, Report


@dataclass(frozen=True)
class QRCode:
    """One contact's QR code as SVG (HTML, PDF) and PNG (WeChat) bytes."""

    contact: Contact
    svg: bytes
    png: bytes

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")

    @property
    def png_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def make_qr(url: str) -> tuple[bytes, bytes]:
    """(svg, png) bytes of a QR code for ``url``, medium error correction, 2-module border."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=8)
    qr.add_data(url)
    qr.make(fit=True)
    svg_buf, png_buf = io.BytesIO(), io.BytesIO()
    qr.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(svg_buf)
    qr.make_image(fill_color="black", back_color="white").save(png_buf)
    return svg_buf.getvalue(), png_buf.getvalue()


def build_qr_codes(report: Report) -> list[QRCode]:
    """QR codes for every contact with a ``qr_url``, in contact order."""
    codes = []
    for contact in report.organisation.contacts:
        if contact.qr_url:
            svg, png = make_qr(contact.qr_url)
            codes.append(QRCode(contact, svg, png))
    return codes
