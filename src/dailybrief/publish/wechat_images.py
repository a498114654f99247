"""Images for WeChat: body images as JPG/PNG under 1 MB, the cover as a JPG of at most 64 KB.

WeChat shows only images uploaded through its own API, and ``media/uploadimg`` accepts JPG or
PNG smaller than 1 MB; ``material/add_material?type=thumb`` takes a JPG of at most 64 KB. Charts
and QR codes are PNGs already; anything else (or anything too big) is converted and shrunk here
with Pillow, step by step until it fits.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from dailybrief.errors import PublishError

BODY_LIMIT = 1024 * 1024  # bytes, exclusive
THUMB_LIMIT = 64 * 1024  # bytes, inclusive
COVER_SIZE = (900, 383)  # WeChat's 2.35:1 cover


def _open(data: bytes, what: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise PublishError(f"WeChat: {what} is not a readable image ({type(exc).__name__})") from None
    return image


def _rgb(image: Image.Image) -> Image.Image:
    """Flatten transparency onto white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        canvas = Image.new("RGB", image.size, "white")
        canvas.paste(image, mask=image.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def body_image(data: bytes, what: str = "an image") -> tuple[bytes, str]:
    """``data`` as an upload for media/uploadimg: (bytes, "png" | "jpg"), always under 1 MB."""
    image = _open(data, what)
    kind = {"PNG": "png", "JPEG": "jpg"}.get(image.format or "")
    if kind and len(data) < BODY_LIMIT:
        return data, kind
    if image.format != "JPEG" and image.mode not in ("RGB", "L"):
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        if len(out.getvalue()) < BODY_LIMIT:
            return out.getvalue(), "png"
    rgb = _rgb(image)
    while True:
        for quality in (88, 75, 60):
            encoded = _jpeg(rgb, quality)
            if len(encoded) < BODY_LIMIT:
                return encoded, "jpg"
        rgb = _shrunk(rgb, what)


def cover_jpeg(data: bytes, what: str = "the cover") -> bytes:
    """``data`` cropped to 2.35:1, scaled to at most 900×383 and encoded as a JPG ≤ 64 KB."""
    image = _rgb(_open(data, what))
    image = _crop_to_ratio(image, COVER_SIZE[0] / COVER_SIZE[1])
    image.thumbnail(COVER_SIZE)
    while True:
        for quality in (85, 70, 55, 40):
            encoded = _jpeg(image, quality)
            if len(encoded) <= THUMB_LIMIT:
                return encoded
        image = _shrunk(image, what)


def plain_cover(colour: str = "#8c1c13") -> bytes:
    """A cover in the report's accent colour, for an edition without any image."""
    return _jpeg(Image.new("RGB", COVER_SIZE, colour), 85)


def _crop_to_ratio(image: Image.Image, ratio: float) -> Image.Image:
    width, height = image.size
    if width / height > ratio:
        new_width = int(height * ratio)
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    new_height = int(width / ratio)
    top = (height - new_height) // 2
    return image.crop((0, top, width, top + new_height))


def _shrunk(image: Image.Image, what: str) -> Image.Image:
    width, height = image.size
    if width < 64 or height < 64:
        raise PublishError(f"WeChat: {what} cannot be made small enough")
    return image.resize((max(1, int(width * 0.8)), max(1, int(height * 0.8))), Image.Resampling.LANCZOS)
