"""Bytes to text: the charset of a feed or page, decided before any parser sees it.

Order: byte-order mark; the charset in the HTTP Content-Type (unless it is the ISO-8859-1
default many servers send blindly); the XML declaration or HTML meta tag; UTF-8; then
charset-normalizer's guess. Each candidate must decode the whole body strictly to be chosen.
GB2312 and GBK are read as GB18030 (their superset) and Big5 as Big5-HKSCS, because Chinese
sites often label text with the narrow name and use characters only the wide one has.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
}
_LATIN1 = {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "l1"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _WIDER.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset named in a Content-Type header value, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(body: bytes) -> str | None:
    """The charset named by an XML declaration or an HTML meta tag near the start."""
    head = body[:2048]
    match = _XML_DECL.search(head) or _META.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, codec name) for a response body."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name
    from_header = header_charset(content_type)
    latin_header = bool(from_header) and (from_header or "").strip().lower() in _LATIN1
    candidates = [] if latin_header else [from_header]
    candidates += [declared_charset(body), "utf-8"]
    if latin_header:
        candidates.append(from_header)
    for candidate in candidates:
        codec = _codec(candidate)
        if codec is None:
            continue
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    guess = from_bytes(body[:200_000]).best()
    codec = _codec(guess.encoding) if guess is not None else None
    codec = codec or "utf-8"
    return body.decode(codec, errors="replace"), codec


_DECL_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[\w.:-]+\2", re.I)


def to_utf8_xml(body: bytes, content_type: str | None = None) -> bytes:
    """The body re-encoded as UTF-8 with its XML declaration saying so.

    Feed parsers trust the declaration; after our decoding it would be wrong.
    """
    text, _ = decode(body, content_type)
    text = text.lstrip("\ufeff")
    text = _DECL_ENCODING.sub(r"\1\2utf-8\2", text, count=1)
    return text.encode("utf-8")
