"""End to end: the real crawl of the served demo site into a real SQLite archive."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.archive import open_archive
from crawler.serve import ReplayServer

from .conftest import run_cli

DEAD_LINK = "/xindetihui/2023/0208/999.html"
CHARSET_LIE = "/shuzhibaogao/2023/0101/113.html"


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture(scope="module")
def crawled(demo_server: ReplayServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One crawl of the demo site; the database file is shared by the tests of this module."""
    db = tmp_path_factory.mktemp("crawl") / "archive.sqlite"
    demo_server.reset()
    result = run_cli("crawl", demo_server.url + "/", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    yield db


def stored(db: Path) -> dict[str, dict[str, Any]]:
    with open_archive(str(db)) as archive:
        return {path_of(r["url"]): r for r in archive.iter_records()}


def test_finds_exactly_the_articles_of_the_site(
    crawled: Path, demo_expected: dict[str, dict[str, Any]]
) -> None:
    assert sorted(stored(crawled)) == sorted(demo_expected)


@pytest.mark.parametrize(
    "field",
    [
        "site",
        "title",
        "category",
        "published_at",
        "abstract",
        "keywords",
        "body",
        "credits",
        "tags",
    ],
)
def test_each_record_equals_its_expected_record(
    crawled: Path, demo_expected: dict[str, dict[str, Any]], field: str
) -> None:
    records = stored(crawled)
    wrong = {
        url: (records[url][field], want[field])
        for url, want in demo_expected.items()
        if url in records and records[url][field] != want[field]
    }
    assert not wrong, f"{len(wrong)} records differ in {field}: {next(iter(wrong.items()))}"


def test_multi_page_articles_are_stitched_in_order(
    crawled: Path, demo_expected: dict[str, dict[str, Any]]
) -> None:
    records = stored(crawled)
    multi = {url: want for url, want in demo_expected.items() if len(want["pages"]) > 1}
    assert len(multi) >= 3
    for url, want in multi.items():
        assert [path_of(p) for p in records[url]["pages"]] == want["pages"]


def test_pages_failures_and_runs_are_recorded(crawled: Path) -> None:
    with sqlite3.connect(crawled) as db:
        failures = db.execute("select url, stage, reason from failures").fetchall()
        kinds = dict(db.execute("select kind, count(*) from pages group by kind").fetchall())
        runs = db.execute("select finish_reason, finished_at from crawl_runs").fetchall()
        lie = db.execute(
            "select encoding from pages where url like ?", (f"%{CHARSET_LIE}",)
        ).fetchone()
    assert [(path_of(u), s, r) for u, s, r in failures] == [
        (DEAD_LINK, "fetch", "HTTP 404 Not Found")
    ]
    assert kinds["article"] >= 52 and kinds["list"] >= 8
    assert runs[0][0] == "finished" and runs[0][1]
    assert lie == ("gb18030",)


def test_robots_txt_is_obeyed(crawled: Path, demo_server: ReplayServer) -> None:
    assert demo_server.count("/robots.txt") >= 1
    assert demo_server.count("/member/login.html") == 0


def test_each_page_is_fetched_once(crawled: Path, demo_server: ReplayServer) -> None:
    # Runs before the second crawl below: the server has seen one crawl only. (robots.txt is
    # no page: Scrapy's robots middleware reads its rules, the spider its Sitemap lines.)
    twice = sorted(
        path for path, count in demo_server.counts.items() if count > 1 and path != "/robots.txt"
    )
    assert not twice, f"fetched more than once: {twice}"


def test_second_crawl_changes_nothing(crawled: Path, demo_server: ReplayServer) -> None:
    def snapshot() -> tuple[Any, ...]:
        with sqlite3.connect(crawled) as db:
            return (
                db.execute("select url, content_hash from articles order by url").fetchall(),
                db.execute("select count(*) from article_versions").fetchone(),
            )

    before = snapshot()
    result = run_cli("crawl", demo_server.url + "/", "--db", str(crawled))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "0 new articles, 0 changed" in result.stdout
    assert snapshot() == before
    # The summary counts the pages the run logged, as `stats` and the pages table do.
    with sqlite3.connect(crawled) as db:
        logged = db.execute(
            "select count(*) from pages where run_id = (select max(id) from crawl_runs)"
        ).fetchone()[0]
    assert f"this run: {logged} pages fetched," in result.stdout
