"""The article body sent to ``draft/add``: the rendered WeChat HTML made to fit WeChat's rules.

``draft/add`` takes content of fewer than 20,000 characters and less than 1 MB, strips scripts,
and shows only images whose URLs came from its own upload API. So the body of
``report.wechat.html`` (the ``#js_content`` section) is taken without scripts, styles or event
handlers, every ``<img>`` gets a stable placeholder ``src`` that the publisher replaces with the
URL ``media/uploadimg`` returns, and when the article is still too long it is shortened in this
order until it fits — each step measured, each one named in the notes:

1. line breaks between tags and the inline style of citation superscripts are dropped;
2. the reference list becomes one line pointing to 阅读原文 (the edition's page);
3. paragraphs are dropped from the end of the last section, with a line saying so.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from dailybrief.errors import PublishError

MAX_CHARS = 20_000  # exclusive
MAX_BYTES = 1024 * 1024  # exclusive
URL_RESERVE = 200  # characters kept free per image for the URL WeChat hands back
PLACEHOLDER = "dailybrief-image:"
_REF = re.compile(r"^\s*\[\d+\]\s")


@dataclass
class Article:
    html: str
    images: dict[str, bytes] = field(default_factory=dict)  # placeholder → image bytes
    notes: list[str] = field(default_factory=list)


def load_article(path: Path, out_dir: Path, language: str) -> Article:
    """The article of ``report.wechat.html`` at ``path``, fitted to WeChat's limits."""
    try:
        doc = lxml_html.fromstring(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise PublishError(f"WeChat: cannot read {path.name}: {type(exc).__name__}") from None
    found = doc.xpath('//*[@id="js_content"]')
    root = found[0] if found else doc.find("body") if doc.find("body") is not None else doc
    _strip_active(root)
    article = Article(html="")
    _collect_images(root, out_dir, article)
    fit(root, article, language)
    return article


def _strip_active(root: lxml_html.HtmlElement) -> None:
    for bad in root.xpath(".//script|.//style|.//iframe|.//object|.//embed|.//link|.//meta"):
        bad.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            value = element.attrib[name].strip().lower()
            if name.lower().startswith("on") or (name in ("href", "src") and value.startswith("javascript:")):
                del element.attrib[name]
    if "id" in root.attrib:
        del root.attrib["id"]


def _collect_images(root: lxml_html.HtmlElement, out_dir: Path, article: Article) -> None:
    for img in root.xpath(".//img"):
        src = img.get("src", "")
        data = _image_bytes(src, out_dir)
        if data is None:
            if not re.match(r"https?://mmbiz\.qpic\.cn/", src):
                img.drop_tree()
                article.notes.append(f"an image WeChat would not show was left out ({src[:40]})")
            continue
        key = PLACEHOLDER + hashlib.sha256(data).hexdigest()[:16]
        article.images[key] = data
        img.set("src", key)


def _image_bytes(src: str, out_dir: Path) -> bytes | None:
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        try:
            return base64.b64decode(payload, validate=True) if ";base64" in header else None
        except (binascii.Error, ValueError):
            return None
    if not src or re.match(r"[a-z][a-z0-9+.-]*:", src, re.IGNORECASE):
        return None
    path = (out_dir / src).resolve()
    if out_dir.resolve() not in path.parents or not path.is_file():
        return None  # never read outside the edition's folder
    return path.read_bytes()


def measure(html: str, images: int) -> tuple[int, int]:
    """(characters, bytes) of ``html`` once every placeholder is a WeChat URL (reserved)."""
    extra = images * URL_RESERVE
    return len(html) + extra, len(html.encode("utf-8")) + extra


def fits(html: str, images: int) -> bool:
    chars, size = measure(html, images)
    return chars < MAX_CHARS and size < MAX_BYTES


def fit(root: lxml_html.HtmlElement, article: Article, language: str) -> None:
    zh = language.startswith("zh")
    steps = [_compact, _fold_references, _drop_tail]
    article.html = _serialise(root)
    for step in steps:
        if fits(article.html, len(article.images)):
            return
        while not fits(article.html, len(article.images)):
            note = step(root, zh)
            if not note:
                break
            article.html = _serialise(root)
            if note not in article.notes:
                article.notes.append(note)
    if not fits(article.html, len(article.images)):
        chars, size = measure(article.html, len(article.images))
        raise PublishError(f"WeChat: the article is still {chars} characters / {size} bytes after shortening")


def _serialise(root: lxml_html.HtmlElement) -> str:
    return lxml_html.tostring(root, encoding="unicode", method="html").strip()


def _compact(root: lxml_html.HtmlElement, zh: bool) -> str:
    changed = False
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "sup" and "style" in element.attrib:
            del element.attrib["style"]
            changed = True
        for attr in ("text", "tail"):
            value = getattr(element, attr)
            # Only the template's line breaks between tags; a single space is part of the text.
            if value is not None and value.strip() == "" and "\n" in value:
                setattr(element, attr, None if attr == "tail" else "")
                changed = True
    return "line breaks and citation styles compacted to fit WeChat's 20,000 characters" if changed else ""


def _fold_references(root: lxml_html.HtmlElement, zh: bool) -> str:
    refs = [p for p in root.iter("p") if _REF.match(p.text_content() or "")]
    if not refs:
        return ""
    note = refs[0].makeelement("p", {"style": refs[0].get("style", "")})
    note.text = (
        f"参考文献共 {len(refs)} 条，完整列表见文末「阅读原文」。" if zh else f"{len(refs)} references: see “Read more” for the full list."
    )
    refs[0].addprevious(note)
    for p in refs:
        p.drop_tree()
    return "the reference list was folded into one line (the full list is on the edition's page)"


def _drop_tail(root: lxml_html.HtmlElement, zh: bool) -> str:
    marker = "dailybrief-cut"
    paragraphs = [p for p in root.iter("p") if len(p.text_content() or "") > 80 and p.get("class") != marker]
    if len(paragraphs) < 2:
        return ""
    last = paragraphs[-1]
    existing = root.xpath(f'.//p[@class="{marker}"]')
    if not existing:
        cut = last.makeelement("p", {"class": marker, "style": "margin:0 0 16px;font-size:14px;color:#888;"})
        cut.text = "（篇幅所限，其余内容见文末「阅读原文」。）" if zh else "(Shortened: the rest is on the edition's page, see “Read more”.)"
        last.addprevious(cut)
    last.drop_tree()
    return "paragraphs at the end were left out to stay under WeChat's 20,000 characters"
