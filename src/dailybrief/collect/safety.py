"""Which URLs the collector may fetch.

Only http and https are fetched. A host that is, or resolves to, a private, loopback,
link-local, multicast, reserved or unspecified address is refused unless private addresses
are allowed (`--allow-private` or `[collect] allow_private = true`): a feed URL must never be a
way to reach the machine's own services or the local network. Every redirect hop is checked
again, so a public URL cannot bounce into a private one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from ..errors import CollectError


class UnsafeURLError(CollectError):
    """The URL's scheme or address is not allowed."""


def check_scheme(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL; raises UnsafeURLError for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURLError(f"malformed URL: {url!r}") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeURLError(f"only http and https URLs are fetched, not {url!r}")
    if not parts.hostname:
        raise UnsafeURLError(f"URL has no host: {url!r}")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


class AddressGuard:
    """Checks URLs before they are fetched; resolves each host once per collect run."""

    def __init__(self, allow_private: bool = False):
        self.allow_private = allow_private
        self._verdicts: dict[str, str | None] = {}

    async def check(self, url: str) -> None:
        """Raise UnsafeURLError when `url` may not be fetched."""
        host, port = check_scheme(url)
        if self.allow_private:
            return
        if host not in self._verdicts:
            self._verdicts[host] = await self._judge(host, port)
        reason = self._verdicts[host]
        if reason:
            raise UnsafeURLError(f"{url}: {reason} (use --allow-private to fetch it)")

    async def _judge(self, host: str, port: int) -> str | None:
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                return f"cannot resolve {host}: {exc.strerror or exc}"
            addresses = sorted({info[4][0] for info in infos})
        for address in addresses:
            if not is_public_address(address):
                return f"{host} is a private, loopback or link-local address ({address})"
        return None
