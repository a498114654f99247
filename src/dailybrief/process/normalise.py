"""Normalise stage: canonical URLs, clean text, language and UTC times for raw items.

`canonical_url` is the key of every stored item: lower-case scheme and host, tracking
parameters (utm_*, fbclid, gclid, spm, ref, ...) removed, fragment and trailing slash dropped,
meaningful query parameters such as `id` kept in their order.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3

from ..models import Item

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "spm", "ref", "ref_src", "ref_url",
     "mc_cid", "mc_eid", "igshid", "_hsenc", "_hsmi", "mkt_tok", "cmpid", "share_from"}
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Characters no stored text keeps: C0 and C1 controls but tab and newline, DEL, the
# bidirectional embedding/override/isolate marks (a right-to-left override makes "gpj.exe" look
# like "exe.jpg"), and lone surrogates (not encodable: SQLite and every file writer reject them).
# Terminals act on ESC and BEL sequences, so none of them may reach report.txt or the screen.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# In a URL the same characters and every kind of space are percent-encoded instead of dropped
# (a no-break space left at the end of a path would be stripped by the next pass).
_UNSAFE_URL_CHAR = re.compile(
    "[\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000"
    "\ud800-\udfff]"
)


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", "surrogatepass"))


def strip_controls(text: str) -> str:
    """`text` without control characters (see CONTROL_CHARS); carriage returns become newlines."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        # Most feed text: deleting the ASCII controls from the bytes is a tenth of the regex.
        raw = text.encode("ascii")
        kept = raw.translate(None, _ASCII_CONTROLS)
        return text if len(kept) == len(raw) else kept.decode("ascii")
    return CONTROL_CHARS.sub("", text)


_ASCII_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])


def canonical_url(url: str) -> str:
    """The key under which an item is stored. Raises ValueError for a URL that is not http(s)."""
    url = _UNSAFE_URL_CHAR.sub(_percent, url.strip())
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal keeps its brackets, or the port would be part of it
        host = f"[{host}]"
    if parts.port and str(parts.port) != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    query = ""
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        kept = [
            (key, value)
            for key, value in pairs
            if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
        ]
        query = urlencode(kept, doseq=True)
    path = parts.path or "/"
    if path != "/" and path.endswith("/"):
        path = path.rstrip("/") or "/"  # "//" is the root too (else a second pass changes it)
    if path == "/" and not query:
        path = ""
    return urlunsplit((scheme, host, path, query, ""))


_BLOCK_TAGS = re.compile(r"</?(p|div|br|li|h[1-6]|tr|blockquote|section|article)\b[^>]*>", re.I)
_NH3_REWRITES = ("&#", "\r", "\x00", "\ufeff")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_text(value: str) -> str:
    """Plain text from a fragment that may hold HTML: tags and scripts removed, entities decoded,
    whitespace collapsed, paragraphs kept as blank-line breaks.

    Text without markup skips the HTML sanitiser, and each later step is skipped when it cannot
    change the text (no entity, already NFC, no run of spaces, no blank line): most feed text
    takes the cheap path.
    """
    if not value:
        return ""
    value = strip_controls(value)
    if "<" in value and ">" in value:
        value = _BLOCK_TAGS.sub("\n\n", value)
        # Fragments whose only tags were block tags (`<p>...</p>`) have none left: the
        # sanitiser would then only decode entities and escape &, <, > and no-break spaces
        # again, which the unescape below undoes, so it is skipped unless something it reads
        # differently is present (NUL, CR, a BOM, a numeric reference). Same output: checked
        # against the sanitiser on the feedparser corpus and random fragments
        # (tests/collect/test_collect_clean_fastpath.py).
        if "<" in value or any(mark in value for mark in _NH3_REWRITES):
            value = nh3.clean(value, tags=set(), clean_content_tags={"script", "style"})
    if "&" in value:
        value = strip_controls(html.unescape(value))  # "&#27;" is an ESC too
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    if "  " in value or "\t" in value or "\u00a0" in value or "\u3000" in value:
        # Only a tab, a no-break or ideographic space, or two spaces in a row change under
        # `_SPACES`; it never spans a line break, so one pass equals one pass per line.
        value = _SPACES.sub(" ", value)
    value = "\n".join(line.strip() for line in value.splitlines())
    if "\n\n" in value:  # lines are stripped: a blank line is exactly an empty one
        value = _BLANK_LINES.sub("\n\n", value)
    return value.strip()


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str:
    """'zh' when Chinese characters carry the text, 'en' for Latin script, '' when unsure.

    Counts characters, not words: one Chinese character carries about as much as a short
    English word, so a text that is a third Chinese characters reads as Chinese.
    """
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0 and latin == 0:
        return ""
    return "zh" if cjk * 3 >= latin else "en"


def to_utc(value: datetime) -> datetime:
    """A timezone-aware UTC datetime; naive inputs are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def normalise(item: Item) -> Item:
    """Return a copy with canonical URL, clean text, UTC time and a language tag."""
    title = clean_text(item.title).replace("\n", " ")
    content = clean_text(item.content)
    summary = clean_text(item.summary)
    lang = (item.lang or "").lower().split("-")[0] or detect_lang(f"{title} {content or summary}")
    return item.model_copy(
        update={
            "url": canonical_url(item.url),
            "title": title,
            "content": content,
            "summary": summary,
            "published": to_utc(item.published),
            "fetched": to_utc(item.fetched) if item.fetched else None,
            "lang": lang,
        }
    )
