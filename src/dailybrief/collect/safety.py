"""Which URLs the collector may fetch.

Only http and https are fetched. A host that is, or resolves to, a private, loopback,
link-local, multicast, reserved or unspecified address is refused unless private addresses
are allowed (`--allow-private` or `[collect] allow_private = true`): a feed URL must never be a
way to reach the machine's own services or the local network. Every redirect hop is checked
again, so a public URL cannot bounce into a private one. IPv6 forms that carry an IPv4
address (mapped, compatible, 6to4, Teredo, NAT64) are judged by that address, and site-local
fec0::/10 counts as private.

The name check here happens before the connection; the collector's transport checks the
address it actually connected to as well (`http._Backend`), so a host name that resolves to a
public address for the check and to a private one for the connection (DNS rebinding) is
refused too.
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


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known prefix: the last 32 bits are IPv4
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local-use translation: never public


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and that a router may deliver to: mapped
    (::ffff:a.b.c.d), compatible (::a.b.c.d), 6to4 (2002:AABB:CCDD::), Teredo (server and
    client) and NAT64 (64:ff9b::a.b.c.d)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 0xFFFF):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address, IPv4 inside IPv6 included: an IPv6 form
    that wraps an IPv4 address is public only when the wrapped address is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner:
            return all(_public(v4) for v4 in inner)
        if ip.is_site_local or ip in _NAT64_LOCAL:
            return False
    return _public(ip)


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


UNRESOLVED = "cannot resolve"


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
        if reason and reason.startswith(UNRESOLVED):
            raise UnsafeURLError(f"{url}: {reason}")  # a network or DNS problem: no flag helps
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
                return f"{UNRESOLVED} {host}: {exc.strerror or exc}"
            addresses = sorted({str(info[4][0]) for info in infos})
        for address in addresses:
            if not is_public_address(address):
                return f"{host} is a private, loopback or link-local address ({address})"
        return None
