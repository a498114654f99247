"""E-mail: one message per recipient, sent over SMTP with STARTTLS or implicit TLS.

Each message is multipart/alternative (plain text + HTML with inline styles), optionally inside
multipart/mixed with the PDF attached. When the full HTML would exceed `max_html_bytes`, both
parts carry the 摘要, the section heads and the link to the edition page instead. Headers:
Message-ID (stable per date, language and recipient, so a resend is recognisable), Date,
List-Id, List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click, with an https URL).
Recipients come from `to` and/or `to_file` (one address a line, # comments); the password is
read from the environment variable named by `password_env`.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import uuid
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP, default
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field

from ..render.citations import strip_markers
from ..render.html import safe_url
from ..render.labels import format_date, html_lang, labels
from ..render.wechat import cite_wechat
from .base import Edition, Part, Publisher, PublishError, RetryLater, Sent

TEMPLATES = Path(__file__).parent / "templates"
_UNSUBSCRIBE = "https://unsubscribe.invalid/"  # replaced per recipient in the HTML part
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_WORDS = {
    "zh": {"read": "在网页上阅读全文", "unsubscribe": "退订", "sections": "本期栏目",
           "footer": "您收到此邮件是因为订阅了{title}。"},
    "en": {"read": "Read the full edition online", "unsubscribe": "Unsubscribe", "sections": "In this edition",
           "footer": "You receive this because you subscribed to {title}."},
}


class EmailOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(description="SMTP server.")
    port: int | None = Field(None, ge=1, le=65535, description="[default: 587 starttls, 465 tls, 25 none]")
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str = ""
    password_env: str = Field("", description="Environment variable holding the SMTP password.")
    sender: str = Field(description='From: header, e.g. "AI Daily <daily@example.org>".')
    to: list[str] = Field(default_factory=list)
    to_file: str = Field("", description="A file with one address a line.")
    list_id: str = Field("", description='List-Id, e.g. "ai-daily.example.org".')
    unsubscribe_url: str = Field("", description="https URL; {email} is replaced by the recipient (URL-encoded).")
    unsubscribe_mailto: str = ""
    attach_pdf: bool = False
    max_html_bytes: int = Field(100_000, ge=2_000)
    subject: str = Field("", description="[default: title · date]")
    ca_file: str = Field("", description="Extra CA certificates to trust (a private mail relay).")
    timeout: float = Field(30.0, gt=0, le=600)


def _valid_address(text: str) -> bool:
    _, addr = parseaddr(text)
    local, _, domain = addr.partition("@")
    return bool(local and "." in domain.strip(".") and " " not in addr)


class EmailPublisher(Publisher):
    type = "email"
    Options = EmailOptions
    ordered = False  # one message per recipient: a refused address holds back no one else

    password = ""
    _smtp: smtplib.SMTP | None = None

    def check(self) -> None:
        super().check()
        o = self.options
        if not _valid_address(o.sender):
            raise self.error("sender", f"not an e-mail address: {o.sender!r}")
        self.recipients = self._recipients()
        if not self.recipients:
            raise self.error("to", "no recipients (set `to` or `to_file`)")
        if o.unsubscribe_url and not o.unsubscribe_url.startswith("https://"):
            raise self.error("unsubscribe_url", "one-click unsubscribe needs an https URL")
        if o.password_env:
            if not o.username:
                raise self.error("username", "required with password_env")
            self.password = self.secret("password_env")
            if o.security == "none" and o.host not in _LOOPBACK:
                raise self.error("security", "refusing to send a password without TLS to a remote server")
        if o.ca_file and not Path(o.ca_file).expanduser().is_file():
            raise self.error("ca_file", f"no such file: {o.ca_file}")

    def _recipients(self) -> list[str]:
        o = self.options
        lines = list(o.to)
        if o.to_file:
            path = Path(o.to_file).expanduser()
            try:
                lines += [ln.split("#", 1)[0].strip() for ln in path.read_text("utf-8").splitlines()]
            except (OSError, UnicodeDecodeError) as exc:
                raise self.error("to_file", f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
        found: dict[str, None] = {}
        for n, line in enumerate(lines, 1):
            if not line:
                continue
            if not _valid_address(line):
                where = "to_file" if n > len(o.to) else "to"
                raise self.error(where, f"not an e-mail address: {line!r}")
            found.setdefault(parseaddr(line)[1].lower(), None)
        return sorted(found)

    # -- building ------------------------------------------------------------------------------

    def build(self, edition: Edition) -> list[Part]:
        html_full, text_full = self._bodies(edition, short=False)
        short = len(html_full.encode("utf-8")) > self.options.max_html_bytes
        html, text = self._bodies(edition, short=True) if short else (html_full, text_full)
        pdf = edition.file("report.pdf") if self.options.attach_pdf else None
        if self.options.attach_pdf and pdf is None:
            raise self.error("attach_pdf", f"{edition.out_dir / 'report.pdf'} was not rendered")
        attachment = pdf.read_bytes() if pdf else None
        total = len(self.recipients)
        return [
            Part(i, total, self._message(edition, rcpt, html, text, attachment).as_bytes(policy=SMTP),
                 "message/rfc822", target=rcpt)
            for i, rcpt in enumerate(self.recipients, 1)
        ]

    def build_alert(self, text: str) -> list[Part]:
        """A plain-text message to every recipient."""
        total = len(self.recipients)
        parts = []
        for i, rcpt in enumerate(self.recipients, 1):
            msg = EmailMessage(policy=SMTP)
            msg["Subject"] = text.splitlines()[0][:150]
            msg["From"], msg["To"], msg["Date"] = self.options.sender, rcpt, formatdate(usegmt=True)
            msg["Message-ID"] = self._message_id("alert", uuid.uuid4().hex[:12], rcpt)
            msg.set_content(text + "\n", charset="utf-8")
            parts.append(Part(i, total, msg.as_bytes(policy=SMTP), "message/rfc822", target=rcpt))
        return parts

    def _words(self, language: str) -> dict[str, str]:
        return _WORDS["zh" if labels(language).language == "zh" else "en"]

    def _bodies(self, edition: Edition, short: bool) -> tuple[str, str]:
        report = edition.report
        t = labels(report.language)
        words = self._words(report.language)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        html = env.get_template("email.html.j2").render(
            report=report, t=t, lang=html_lang(report.language), date_text=format_date(report.date, report.language),
            cite=lambda text: Markup(cite_wechat(text, report)), safe_url=safe_url, short=short, url=edition.url,
            read_online=words["read"], footer=words["footer"].format(title=report.title),
            unsubscribe=_UNSUBSCRIBE if self.options.unsubscribe_url else "", unsubscribe_label=words["unsubscribe"],
        )
        return html, self._plain(edition, short)

    def _plain(self, edition: Edition, short: bool) -> str:
        report = edition.report
        t = labels(report.language)
        words = self._words(report.language)
        summary = strip_markers(report.summary, report) if short else report.summary
        lines = [report.title, format_date(report.date, report.language), "", t.summary, summary, ""]
        if short:
            lines.append(words["sections"])
            lines += [f"{n}. {s.title}" for n, s in enumerate(report.sections, 1)]
        else:
            for n, section in enumerate(report.sections, 1):
                lines += [f"{n}. {section.title}", ""]
                for p in section.paragraphs:
                    lead = f"{p.lead}{t.colon}" if p.lead else ""
                    lines += [lead + p.text, ""]
            lines.append(t.references)
            lines += [f"[{r.n}] {r.title}. {r.url}" for r in report.references]
        if edition.url:
            lines += ["", f"{words['read']}: {edition.url}"]
        return "\n".join(lines).strip() + "\n"

    def _message(self, edition: Edition, rcpt: str, html: str, text: str, pdf: bytes | None) -> EmailMessage:
        o = self.options
        report = edition.report
        msg = EmailMessage(policy=SMTP)
        msg["Subject"] = o.subject or f"{report.title} · {format_date(report.date, report.language)}"
        msg["From"] = o.sender
        msg["To"] = rcpt
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = self._message_id(report.date, report.language, rcpt)
        if o.list_id:
            msg["List-Id"] = f"{report.title} <{o.list_id}>"
        unsubscribe = []
        if o.unsubscribe_url:
            link = o.unsubscribe_url.replace("{email}", quote(rcpt, safe=""))
            html = html.replace(_UNSUBSCRIBE, str(escape(link)))
            unsubscribe.append(f"<{link}>")
        if o.unsubscribe_mailto:
            unsubscribe.append(f"<mailto:{o.unsubscribe_mailto}?subject=unsubscribe>")
        if unsubscribe:
            msg["List-Unsubscribe"] = ", ".join(unsubscribe)
        if o.unsubscribe_url:
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.set_content(text, subtype="plain", charset="utf-8")
        msg.add_alternative(html, subtype="html", charset="utf-8")
        if pdf is not None:
            msg.make_mixed()
            msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{report.date}-{report.language}.pdf")
        return msg

    def _message_id(self, date: str, language: str, rcpt: str) -> str:
        domain = parseaddr(self.options.sender)[1].rpartition("@")[2]
        key = hashlib.sha256(f"{self.name}\n{date}\n{language}\n{rcpt}".encode()).hexdigest()[:20]
        return f"<{date}.{language}.{key}@{domain}>"

    # -- sending -------------------------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        o = self.options
        context = ssl.create_default_context(cafile=str(Path(o.ca_file).expanduser()) if o.ca_file else None)
        port = o.port or {"starttls": 587, "tls": 465, "none": 25}[o.security]
        if o.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(o.host, port, timeout=o.timeout, context=context)
        else:
            smtp = smtplib.SMTP(o.host, port, timeout=o.timeout)
            if o.security == "starttls":
                smtp.starttls(context=context)
        if o.password_env:
            smtp.login(o.username, self.password)
        return smtp

    def send(self, part: Part) -> Sent:
        sender = str(Address(addr_spec=parseaddr(self.options.sender)[1]))
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.sendmail(sender, [part.target], part.body)
        except smtplib.SMTPAuthenticationError as exc:
            raise self.error("password_env", f"the server refused the login ({exc.smtp_code})") from None
        except smtplib.SMTPNotSupportedError:
            self._drop()
            raise self.error("username", f"{self.options.host} offers no login (AUTH) on this connection") from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise PublishError(f"channel {self.name}: {part.target} refused ({code} {_text(reply)})") from None
        except smtplib.SMTPResponseException as exc:
            self._drop()
            message = f"channel {self.name}: SMTP {exc.smtp_code} {_text(exc.smtp_error)}"
            raise (RetryLater(message) if 400 <= exc.smtp_code < 500 else PublishError(message)) from None
        except ssl.SSLError as exc:
            self._drop()
            raise self.error("security", f"TLS failed with {self.options.host}: {exc.reason or exc}") from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise RetryLater(f"channel {self.name}: cannot reach {self.options.host}: {type(exc).__name__}: {exc}") from None
        return Sent(str(BytesHeaderParser(policy=default).parsebytes(part.body)["Message-ID"]))

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None


def _text(reply: bytes | str) -> str:
    return (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply).replace("\n", " ")

