"""The scope guard decides before any packet is sent: only stubbed resolvers here."""

from __future__ import annotations

import asyncio

import pytest

from crawler.scope import ScopeGuard, internal_start, is_internal

PUBLIC = {"reports.example.cn": ["121.40.1.2"], "www.example.com": ["93.184.216.34"]}
INTERNAL = {
    "intranet.example.cn": ["10.0.0.5"],
    "rebind.example.cn": ["93.184.216.34", "127.0.0.1"],
}
RESOLVED: list[str] = []


async def stub_resolver(host: str) -> list[str]:
    RESOLVED.append(host)
    table = {**PUBLIC, **INTERNAL}
    if host not in table:
        raise OSError(f"{host}: unknown")
    return table[host]


def refusal(guard: ScopeGuard, url: str) -> str | None:
    return asyncio.run(guard.refusal(url))


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
     "::1", "fe80::1", "fc00::1", "0.0.0.0", "224.0.0.1", "::ffff:127.0.0.1", "100.64.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_internal(address: str) -> None:
    assert is_internal(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_not(address: str) -> None:
    assert not is_internal(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://localhost/",
        "http://intranet.example.cn/a.html",
        "http://rebind.example.cn/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "mailto:editor@example.cn",
        "ftp://reports.example.cn/a.doc",
    ],
)
def test_a_public_crawl_refuses_internal_and_odd_targets(url: str) -> None:
    guard = ScopeGuard(allow_internal=False, resolver=stub_resolver)
    reason = refusal(guard, url)
    assert reason and url in reason


def test_a_public_crawl_fetches_public_hosts_and_caches_lookups() -> None:
    RESOLVED.clear()
    guard = ScopeGuard(allow_internal=False, resolver=stub_resolver)
    assert refusal(guard, "https://reports.example.cn/a/1.html") is None
    assert refusal(guard, "https://reports.example.cn/a/2.html") is None
    assert refusal(guard, "http://unknown.example.cn/") is None  # fails later, as a fetch
    assert RESOLVED == ["reports.example.cn", "unknown.example.cn"]


def test_a_crawl_that_starts_internally_may_stay_internal() -> None:
    assert internal_start(["http://127.0.0.1:8765/"])
    assert not internal_start(["https://reports.example.cn/"])
    guard = ScopeGuard(allow_internal=True, resolver=stub_resolver)
    assert refusal(guard, "http://127.0.0.2:8765/a.html") is None
    assert refusal(guard, "file:///etc/passwd")
