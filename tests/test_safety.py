"""Scope and safety: what a hostile page, profile, record or output path cannot make us do.

No packet leaves this machine: the spider parses a real page in memory, and the scope
guard asks a stub resolver (public names map to public addresses, as a real resolver
would answer; one in-scope name resolves to a private address, as DNS rebinding does).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.archive import open_archive
from crawler.profiles import ProfileError, load_profile
from crawler.resilience import RedirectGuardMiddleware
from crawler.scope import ScopeGuard, ScopeMiddleware, internal_start
from crawler.spiders.reports import ReportsSpider

from .conftest import ROOT, run_cli

START = "https://reports.example.cn/gongzuobaogao/"
DNS = {
    "reports.example.cn": ["121.40.1.2"],
    "cdn.reports.example.cn": ["121.40.1.3"],
    "intranet.reports.example.cn": ["10.0.0.5"],
    "meta.reports.example.cn": ["169.254.169.254"],
}
LINKS = {
    "/gongzuobaogao/2024/0101/1.html": True,
    "https://cdn.reports.example.cn/gongzuobaogao/2.html": True,
    "http://127.0.0.1/admin/": False,
    "http://169.254.169.254/latest/meta-data/": False,
    "http://[::1]:8080/": False,
    "http://192.168.1.1/": False,
    "http://intranet.reports.example.cn/secret.html": False,
    "http://meta.reports.example.cn/latest/": False,
    "http://localhost/": False,
    "file:///etc/passwd": False,
    "javascript:alert(1)": False,
    "mailto:editor@reports.example.cn": False,
    "ftp://reports.example.cn/a.doc": False,
    "https://other.example.com/": False,
    "http://[not-an-address]/a.html": False,  # no URL: urljoin raises on it
}


async def stub_resolver(host: str) -> list[str]:
    if host not in DNS:
        raise OSError(f"{host}: not in the stub")
    return DNS[host]


def page() -> HtmlResponse:
    items = "".join(f'<li><a href="{href}">条目{n}</a></li>' for n, href in enumerate(LINKS))
    body = (
        "<html><head><title>工作报告_范文网</title></head><body>"
        f'<div class="list"><ul>{items}</ul></div></body></html>'
    )
    return HtmlResponse(START, body=body.encode("utf-8"), encoding="utf-8", request=Request(START))


def fetched(requests: list[Request]) -> list[str]:
    """The URLs of requests the scope middleware lets through to the downloader."""
    crawler = get_crawler(ReportsSpider, {"ROBOTSTXT_OBEY": False})
    crawler.spider = ReportsSpider.from_crawler(crawler, start_url=START)
    middleware = ScopeMiddleware.from_crawler(crawler)
    middleware.guard = ScopeGuard(internal_start([START]), resolver=stub_resolver)
    allowed = []
    for request in requests:
        try:
            asyncio.run(middleware.process_request(request))
        except IgnoreRequest:
            continue
        allowed.append(request.url)
    return allowed


def test_a_public_page_never_leads_to_an_internal_address() -> None:
    crawler = get_crawler(ReportsSpider)
    spider = ReportsSpider.from_crawler(crawler, start_url=START)
    out = list(spider.parse(page()))
    requests = [r for r in out if isinstance(r, Request)]
    assert sorted(fetched(requests)) == sorted(
        (START.split("/gong")[0] + href if href.startswith("/") else href)
        for href, ok in LINKS.items()
        if ok
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://intranet.reports.example.cn/secret.html",  # in scope by name, private by address
        "http://meta.reports.example.cn/latest/",
        "http://127.0.0.1/admin/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_the_guard_refuses_even_what_the_spider_would_follow(url: str) -> None:
    # Redirects and profile start pages reach the downloader without the spider's link
    # filter: the guard decides on its own.
    assert fetched([Request(url)]) == []


def test_a_profile_is_data_never_code(tmp_path: Path) -> None:
    canary = tmp_path / "executed"
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(
        'name = "hostile"\n'
        f"title = \"__import__('os').system('touch {canary}')\"\n"
        'start_urls = ["https://reports.example.cn/"]\n'
        f"article_patterns = ['{re.escape(str(canary))}']\n",
        encoding="utf-8",
    )
    profile = load_profile(hostile)
    assert profile.title is not None and "__import__" in profile.title
    assert not canary.exists()
    hostile.write_text(f"import os\nos.system('touch {canary}')\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(hostile)
    assert not canary.exists()


def test_no_code_path_evaluates_or_unpickles_input() -> None:
    sources = [*ROOT.joinpath("crawler").rglob("*.py"), *ROOT.joinpath("pipelines").rglob("*.py")]
    risky = re.compile(r"\b(eval|exec|__import__)\(|pickle\.loads?\(|yaml\.load\(|import_module\(")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sources
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if risky.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []


def test_sql_is_never_built_from_input() -> None:
    """Values are always bound; an f-string may only name module constants (a table name)."""
    sources = [*ROOT.joinpath("crawler").rglob("*.py"), *ROOT.joinpath("pipelines").rglob("*.py")]
    call = r"(?<!\w)(?:text|execute|exec_driver_sql)\(\s*"
    fstring = re.compile(call + r"f([\"'])(.*?)\1")
    glued = re.compile(call + r"[\"'][^\"']*[\"']\s*(?:%|\.format|\+)")
    found = []
    for path in sources:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            fields = [f for m in fstring.finditer(line) for f in re.findall(r"{([^}]*)}", m[2])]
            if glued.search(line) or any(not re.fullmatch(r"[A-Z][A-Z0-9_]*", f) for f in fields):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []


def test_hostile_text_is_stored_as_text(tmp_path: Path) -> None:
    hostile = "x'); DROP TABLE articles; --"
    record = {
        "url": "https://reports.example.cn/a/1.html?q=" + hostile,
        "pages": ["https://reports.example.cn/a/1.html"],
        "site": hostile,
        "title": hostile,
        "category": "工作报告",
        "published_at": None,
        "abstract": None,
        "keywords": [hostile],
        "body": hostile + "\n\n" + "正文。",
        "credits": {"author": hostile, "author_unit": None, "editor": None, "source": None},
        "tags": [],
    }
    with open_archive(str(tmp_path / "a.sqlite")) as archive:
        archive.save_article(record)
        archive.record_failure(record["url"], "fetch", hostile)
    with open_archive(str(tmp_path / "a.sqlite")) as archive:
        (stored,) = list(archive.iter_records())
        assert archive.counts()["articles"] == 1
    assert (stored["title"], stored["site"], stored["keywords"]) == (hostile, hostile, [hostile])


def test_export_writes_only_the_file_it_was_given(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    open_archive(str(db)).close()
    target = tmp_path / "out" / "reports.jsonl"
    before = set(tmp_path.rglob("*"))
    result = run_cli("export", "--db", str(db), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert set(tmp_path.rglob("*")) - before == {target.parent, target}
    # A failed export leaves nothing behind, not even its temporary file.
    blocked = tmp_path / "out" / "blocked.jsonl"
    blocked.mkdir()
    failed = run_cli("export", "--db", str(db), "-o", str(blocked))
    assert failed.returncode == 2
    assert sorted(p.name for p in target.parent.iterdir()) == ["blocked.jsonl", "reports.jsonl"]


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("/gongzuobaogao/", "redirect loop"),
        ("https://other.example.com/landing", "redirect off the site"),
        ("http://[not-an-address]/", "redirect to a malformed URL"),
    ],
)
def test_the_redirect_guard_names_what_it_refuses(location: str, reason: str) -> None:
    crawler = get_crawler(ReportsSpider)
    crawler.spider = ReportsSpider.from_crawler(crawler, start_url=START)
    guard = RedirectGuardMiddleware.from_crawler(crawler)
    request = Request(START + "old.html", meta={"redirect_urls": [START]})
    response = HtmlResponse(
        request.url, status=302, headers={"Location": location}, request=request
    )
    with pytest.raises(IgnoreRequest, match=reason):
        guard.process_response(request, response)
    fine = HtmlResponse(request.url, status=302, headers={"Location": "/gongzuobaogao/2.html"})
    assert guard.process_response(request, fine) is fine


def test_a_crawl_of_an_address_stays_on_that_address() -> None:
    """A subdomain of a site's name is the site's (m.example.cn of example.cn); an IP address
    has no subdomains: m.127.0.0.1 is some other host, never followed."""
    spider = ReportsSpider(start_url="http://127.0.0.1:8788/")
    assert spider._followable("http://127.0.0.1:8788/", "/a/1.html")
    assert spider._followable("http://127.0.0.1:8788/", "http://m.127.0.0.1:8788/") is None
    named = ReportsSpider(start_url=START)
    assert named._followable(START, "https://m.reports.example.cn/a/1.html")
    assert named._followable(START, "https://reports.example.cn.evil.com/") is None
    assert named._followable(START, "/plus/feedback.php?aid=5") is None
