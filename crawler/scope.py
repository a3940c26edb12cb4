"""Keep a crawl inside its scope before any packet leaves: schemes, domains and addresses.

A public report page can link to 127.0.0.1, to a router at 192.168.0.1, or to the cloud
metadata service at 169.254.169.254. Following such links would turn the crawler into a
probe of the network it runs in, so a request whose host is, or resolves to, a private,
loopback, link-local or otherwise non-public address is dropped, unless the crawl itself
started on such an address (the demo, the tests, an intranet archive).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Awaitable[list[str]]]
ALLOWED_SCHEMES = ("http", "https")


def is_internal(address: str) -> bool:
    """Whether an IP address is anything but a public unicast address."""
    try:
        ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True  # not an address at all: treat as unsafe
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


async def system_resolver(host: str) -> list[str]:
    """The addresses the system resolver gives for a host name (run off the event loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def internal_start(urls: Iterable[str]) -> bool:
    """Whether any start URL is itself on an internal address (or localhost)."""
    for url in urls:
        host = urlsplit(url).hostname or ""
        if host == "localhost":
            return True
        try:
            ipaddress.ip_address(host)
        except ValueError:
            continue
        if is_internal(host):
            return True
    return False


class ScopeGuard:
    """The decision for one crawl: may this URL be fetched?"""

    def __init__(self, allow_internal: bool, resolver: Resolver = system_resolver) -> None:
        self.allow_internal = allow_internal
        self.resolver = resolver
        self._verdicts: dict[str, str | None] = {}  # host -> reason to refuse, None if fine

    async def refusal(self, url: str) -> str | None:
        """Why url must not be fetched, or None when it may."""
        parts = urlsplit(url)
        if parts.scheme not in ALLOWED_SCHEMES:
            return f"{url}: scheme {parts.scheme or 'missing'!r} is not followed"
        host = parts.hostname
        if not host:
            return f"{url}: no host"
        if self.allow_internal:
            return None
        if host not in self._verdicts:
            self._verdicts[host] = await self._check_host(host)
        reason = self._verdicts[host]
        return f"{url}: {reason}" if reason else None

    async def _check_host(self, host: str) -> str | None:
        try:
            ipaddress.ip_address(host)
            addresses = [host]
        except ValueError:
            if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
                return f"{host} is a local name"
            try:
                addresses = await self.resolver(host)
            except OSError:
                return None  # unresolvable: the download fails and is recorded as such
        internal = [a for a in addresses if is_internal(a)]
        if internal:
            return f"{host} resolves to the non-public address {internal[0]}"
        return None


class ScopeMiddleware:
    """Downloader middleware applying the ScopeGuard to every request before it is sent."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.guard: ScopeGuard | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if self.guard is None:
            starts = getattr(self.crawler.spider, "start_urls", [])
            self.guard = ScopeGuard(allow_internal=internal_start(starts))
        reason = await self.guard.refusal(request.url)
        if reason:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("scope/refused")
            raise IgnoreRequest(reason)
