"""One real crawl of a site that injects every fault; then, fault by fault, what it left.

The site (crawler/faultsite.py) is a generated report site on 127.0.0.1 plus one URL per
fault; the crawl is the real `report-archiver crawl` with a 1 s timeout and one retry.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawler.extract import cut_off
from crawler.faultsite import CRAWL_SETTINGS, HUGE_BYTES, Fault, FaultServer, FaultSite

from .conftest import run_cli

RETRIES = int(CRAWL_SETTINGS["RETRY_TIMES"])
REDIRECTS = int(CRAWL_SETTINGS["REDIRECT_MAX_TIMES"])
CONNECTION_FAULTS = {"reset", "short", "slow", "huge", "huge_chunked", "bomb"}


@dataclass
class Crawled:
    site: FaultSite
    server: FaultServer
    db: Path
    result: Any
    expected: dict[str, dict[str, Any]]

    def query(self, sql: str, *args: Any) -> list[Any]:
        with sqlite3.connect(self.db) as db:
            return db.execute(sql, args).fetchall()

    def failures_at(self, path: str) -> list[tuple[str, str]]:
        return self.query(
            "select stage, reason from failures where url = ?", self.server.url + path
        )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    root = tmp_path_factory.mktemp("faultsite")
    site = FaultSite.build(root / "site")
    db = root / "archive.sqlite"
    expected = {
        record["url"]: record
        for record in map(
            json.loads, (site.root / "expected.jsonl").read_text("utf-8").splitlines()
        )
    }
    with FaultServer(site) as server:
        settings = [
            arg for name, value in CRAWL_SETTINGS.items() for arg in ("-s", f"{name}={value}")
        ]
        result = run_cli("crawl", *server.start_urls, "--db", str(db), *settings, timeout=120)
        yield Crawled(site, server, db, result, expected)


def fault_ids(fault: Fault) -> str:
    return fault.kind + ("-" + fault.path.rsplit("/", 1)[-1] if fault.kind == "status500" else "")


def all_faults() -> list[Fault]:
    """The catalogue with the article faults, whose paths come from the generated site."""
    with tempfile.TemporaryDirectory() as tmp:
        return FaultSite.build(Path(tmp), articles=25).faults


FAULTS = all_faults()


def test_the_crawl_finishes(crawled: Crawled) -> None:
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    assert "Traceback" not in crawled.result.stderr
    (reason,) = crawled.query("select finish_reason from crawl_runs")[0]
    assert reason == "finished"


@pytest.mark.parametrize("fault", FAULTS, ids=fault_ids)
def test_each_fault_is_recorded_once_with_its_stage(crawled: Crawled, fault: Fault) -> None:
    found = crawled.failures_at(fault.recorded_at)
    if fault.stage is None:
        assert found == []
        return
    assert len(found) == 1, found
    stage, reason = found[0]
    assert stage == fault.stage
    assert fault.reason in reason
    assert "\n" not in reason and "Traceback" not in reason and len(reason) < 400


@pytest.mark.parametrize("fault", [f for f in FAULTS if f.kind != "robots"], ids=fault_ids)
def test_retries_are_bounded(crawled: Crawled, fault: Fault) -> None:
    count = crawled.server.count(fault.path)
    attempts = 1 + RETRIES if fault.retried else 1
    if fault.kind == "retry_after":
        assert count == 2  # the 503, then the page
    elif fault.kind == "endless":
        assert count == 1 + REDIRECTS
    elif fault.kind in CONNECTION_FAULTS:
        # Twisted's connection pool itself resends once when a reused connection dies.
        assert attempts <= count <= 2 * attempts
    else:
        assert count == attempts


def test_retry_after_is_honoured(crawled: Crawled) -> None:
    fault = next(f for f in FAULTS if f.kind == "retry_after")
    first, second = crawled.server.times(fault.path)
    assert second - first >= 1.0  # the 503 said Retry-After: 1


def test_every_good_article_is_archived_exactly_once(crawled: Crawled) -> None:
    rows = crawled.query("select url, incomplete, times_seen from articles")
    paths = [url.removeprefix(crawled.server.url) for url, _, _ in rows]
    assert sorted(paths) == sorted(crawled.site.good + crawled.site.incomplete)
    assert all(times == 1 for _, _, times in rows)
    incomplete = {url.removeprefix(crawled.server.url) for url, flag, _ in rows if flag}
    assert incomplete == set(crawled.site.incomplete)
    versions = crawled.query(
        "select article_id from article_versions group by article_id having count(*) > 1"
    )
    assert versions == []


@pytest.mark.parametrize("kind", ["retry_after", "lying_charset"])
def test_articles_behind_survivable_faults_are_right(crawled: Crawled, kind: str) -> None:
    path = next(f.path for f in FAULTS if f.kind == kind)
    (record,) = crawled.query(
        "select record from articles where url = ?", crawled.server.url + path
    )
    stored = json.loads(record[0])
    want = crawled.expected[path]
    assert (stored["title"], stored["body"], stored["category"]) == (
        want["title"],
        want["body"],
        want["category"],
    )


def test_a_cut_off_article_keeps_what_arrived(crawled: Crawled) -> None:
    path = next(f.path for f in FAULTS if f.kind == "cut_off")
    (row,) = crawled.query(
        "select record, incomplete from articles where url = ?", crawled.server.url + path
    )
    stored, want = json.loads(row[0]), crawled.expected[path]
    assert row[1] == 1
    assert stored["title"] == want["title"]
    first_paragraph = want["body"].split("\n\n")[0]
    assert stored["body"].startswith(first_paragraph)
    assert len(stored["body"]) < len(want["body"])


def test_robots_txt_closes_its_section_without_a_failure(crawled: Crawled) -> None:
    asked = [path for path in crawled.server.counts if path.startswith(("/lunwen/", "/member/"))]
    assert asked == []
    assert crawled.site.blocked
    archived = crawled.query("select url from articles where url like ?", "%/lunwen/%")
    assert archived == []
    assert crawled.query("select url from failures where url like ?", "%/lunwen/%") == []
    (stats,) = crawled.query("select stats from crawl_runs")[0]
    assert json.loads(stats)["robotstxt/forbidden"] >= 1


def test_nothing_is_asked_of_another_site_or_scheme(crawled: Crawled) -> None:
    assert crawled.server.other.counts == {}
    odd = [path for path in crawled.server.counts if "js-target" in path or "passwd" in path]
    assert odd == []


@pytest.mark.parametrize("path", ["/fault/huge.html", "/fault/huge-chunked.html"])
def test_a_huge_page_is_cut_short(crawled: Crawled, path: str) -> None:
    # The crawler hangs up near DOWNLOAD_MAXSIZE (1 MB) instead of reading 50 MB.
    assert crawled.server.sent(path) < HUGE_BYTES // 4


@pytest.mark.parametrize(
    ("body", "cut"),
    [
        (b"<html><body><p>\xd5\xfd\xce\xc4</p></body></html>\n", False),
        (b"<!DOCTYPE html><title>t</title><p>HTML5 may omit both closing tags</p>\n", False),
        (b"<html><body><div class=content><p>\xd5\xfd\xce\xc4\xb5\xda", True),
        (b"<html><body><div class=content><p>text</p><a href=", True),
    ],
)
def test_a_cut_off_page_is_told_from_one_without_closing_tags(body: bytes, cut: bool) -> None:
    assert cut_off(body) is cut
