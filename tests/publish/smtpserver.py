"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps and parses what it received, plus a
self-signed certificate made with openssl for the TLS cases."""

from __future__ import annotations

import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Mailbox:
    """The aiosmtpd handler: accepts mail, refuses listed recipients with 550."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


def start_server(mailbox: Mailbox, cert: tuple[Path, Path] | None = None, implicit_tls: bool = False,
                 user: str = "", password: str = "") -> Controller:
    """STARTTLS (required, with AUTH) when `cert` is given; implicit TLS with `implicit_tls`."""
    kwargs: dict = {}
    context = None
    if cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert[0]), str(cert[1]))
    if user:
        def authenticate(server, session, envelope, mechanism, auth_data):
            assert isinstance(auth_data, LoginPassword)
            mailbox.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        # AUTH only after STARTTLS when there is a certificate; with implicit TLS aiosmtpd does not
        # count the connection as TLS for AUTH (it already is); without one, plain (loopback tests).
        kwargs.update(authenticator=authenticate, auth_require_tls=bool(cert) and not implicit_tls)
    if implicit_tls:
        kwargs.update(ssl_context=context)
    elif context is not None:
        kwargs.update(tls_context=context, require_starttls=True)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller
