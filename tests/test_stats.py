"""`report-archiver stats`: after a real crawl of the demo site (which has a dead link), and
on failures recorded through the Archive's API on each backend."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.archive import FAILURE_STAGES, open_archive
from crawler.cli import main
from crawler.serve import ReplayServer

from .conftest import run_cli


def stats(db: str, *args: str) -> Any:
    result = CliRunner().invoke(main, ["stats", "--db", db, *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def crawled(demo_server: ReplayServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stats") / "archive.sqlite"
    demo_server.reset()
    result = run_cli("crawl", demo_server.url + "/", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def test_stats_after_a_crawl_with_a_dead_link(
    crawled: Path, demo_expected: dict[str, dict[str, Any]]
) -> None:
    data = json.loads(stats(str(crawled), "--format", "json").stdout)
    (site,) = data["sites"]
    names = {record["site"] for record in demo_expected.values()}
    assert {site["site"]} == names
    assert site["articles"] == site["versions"] == len(demo_expected)
    assert site["gone"] == 0
    assert site["failures"] == {**dict.fromkeys(FAILURE_STAGES, 0), "fetch": 1}
    assert site["last_crawl"]
    (run,) = data["runs"]
    assert run["finish_reason"] == "finished"
    assert run["articles"] == len(demo_expected)
    assert run["failures"] == 1
    assert run["pages"] > len(demo_expected)  # list pages and continuation pages too
    assert run["duration_s"] is not None and run["duration_s"] >= 0
    with open_archive(str(crawled)) as archive:
        assert run["pages"] == archive.counts()["pages"]


def test_stats_table(crawled: Path, demo_expected: dict[str, dict[str, Any]]) -> None:
    lines = stats(str(crawled)).stdout.splitlines()
    site_name = next(iter(demo_expected.values()))["site"]
    header = lines[0].split()
    assert header[:2] == ["site", "articles"]
    row = dict(
        zip(
            header, next(line for line in lines if line.startswith(site_name)).split(), strict=False
        )
    )
    assert row["articles"] == str(len(demo_expected))
    assert row["fetch"] == "1"
    assert any(line.split()[-1:] == ["finished"] for line in lines)


def test_failures_by_site_and_unfinished_runs(db_url: str) -> None:
    article = {"url": "http://a.example.cn/1.html", "site": "甲网", "title": "甲", "body": "正文"}
    with open_archive(db_url) as archive:
        first = archive.start_run({"spider": "reports"})
        archive.save_article(article, run_id=first)
        archive.save_article({**article, "body": "改过的正文"}, run_id=first)
        archive.record_page(article["url"], run_id=first, status=200)
        archive.record_failure("http://a.example.cn/2.html", "fetch", "HTTP 404", first)
        archive.record_failure("http://a.example.cn/3.html", "extract", "no body", first)
        archive.record_failure("http://a.example.cn/4.html", "extract", "no body", first)
        archive.finish_run(
            first, "finished", {"archive/articles_new": 1, "archive/articles_changed": 1}
        )
        second = archive.start_run({"spider": "reports"})
        archive.record_failure("http://b.example.cn/x.html", "decode", "bad bytes", second)
        archive.commit()
    data = json.loads(stats(db_url, "--format", "json").stdout)
    by_site = {site["site"]: site for site in data["sites"]}
    assert by_site["甲网"]["articles"] == 1
    assert by_site["甲网"]["versions"] == 2
    assert by_site["甲网"]["failures"] == {
        **dict.fromkeys(FAILURE_STAGES, 0),
        "fetch": 1,
        "extract": 2,
    }
    assert by_site["b.example.cn"]["articles"] == 0  # no article from that host
    assert by_site["b.example.cn"]["failures"]["decode"] == 1
    newest, oldest = data["runs"]
    assert (newest["id"], oldest["id"]) == (second, first)
    assert newest["finish_reason"] is None and newest["duration_s"] is None
    assert newest["articles"] is None and newest["failures"] == 1
    assert (oldest["articles"], oldest["pages"], oldest["failures"]) == (2, 1, 3)
    assert len(json.loads(stats(db_url, "--format", "json", "--runs", "1").stdout)["runs"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Error: --format xml: unknown format (one of table, json)"),
        (["--runs", "ten"], "Error: --runs ten: expected a count of runs (0 or more)"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "archive.sqlite"
    open_archive(str(db)).close()
    result = CliRunner().invoke(main, ["stats", "--db", str(db), *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_a_repeat_crawl_that_skips_every_article_is_the_sites_last_crawl(
    crawled: Path, demo_server: ReplayServer, tmp_path: Path
) -> None:
    """A repeat crawl updates no article (each is known and skipped), yet it is the site's
    last crawl: the run's start, not the last article's fetch."""
    import shutil
    import sqlite3

    db = tmp_path / "again.sqlite"
    shutil.copy(crawled, db)
    result = run_cli("crawl", demo_server.url + "/", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    (site,) = json.loads(stats(str(db), "--format", "json").stdout)["sites"]
    with sqlite3.connect(db) as conn:
        (newest,) = conn.execute("select max(started_at) from crawl_runs").fetchone()
        (last_seen,) = conn.execute("select max(last_seen) from articles").fetchone()
    assert newest > last_seen
    assert site["last_crawl"] == newest
