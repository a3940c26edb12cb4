"""Distributed crawls: a seeding crawl and worker processes sharing a Redis frontier, writing
into one PostgreSQL archive, over the served demo site.

Needs Redis on 127.0.0.1:6379 (or ARCHIVE_TEST_REDIS_URL) and PostgreSQL
(ARCHIVE_TEST_PG_URL, else postgres@127.0.0.1:5432/test); skipped, saying so, without them.
Each test gets an empty Redis database number and a fresh PostgreSQL schema.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crawler.archive import open_archive
from crawler.serve import ReplayServer

from .conftest import ROOT, run_cli

PG_URL = os.environ.get("ARCHIVE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("ARCHIVE_TEST_REDIS_URL", "redis://127.0.0.1:6379")
# Each process takes two requests at a time, a little slowly, so that every worker gets a
# share of a 78-page site (with Scrapy's 16 at once, two processes hold the whole frontier).
PACE = (
    *("-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.1"),
    *("-s", "FRONTIER_LEASE_SECONDS=3"),
)


def _redis_db() -> Iterator[str]:
    try:
        import redis
    except ImportError:
        pytest.skip("Redis is not available: the redis extra is not installed")
    base = REDIS_BASE.rstrip("/")
    try:
        probe = redis.Redis.from_url(base + "/0", socket_connect_timeout=2)
        probe.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not available at {base} ({error})")
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{base}/{number}")
        # Claim an empty database number (another test run may use one at the same time).
        if client.dbsize() == 0 and client.set("report-archiver-test", "1", nx=True):
            try:
                yield f"{base}/{number}"
            finally:
                client.flushdb()
            return
    pytest.skip(f"Redis at {base} has no empty database number to test in")


@pytest.fixture
def frontier() -> Iterator[str]:
    yield from _redis_db()


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    except Exception as error:
        pytest.skip(f"PostgreSQL is not available at {PG_URL} ({type(error).__name__})")
    try:
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={name}"})
        rendered = url.render_as_string(hide_password=False)
        open_archive(rendered).close()  # the tables, so that the test can poll them
        yield rendered
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


_RUNNING: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_stray_processes() -> Iterator[None]:
    """A failed test must not leave crawls running into the next one."""
    yield
    while _RUNNING:
        proc = _RUNNING.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def start(*args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", *args],
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    _RUNNING.append(proc)
    return proc


def finish(proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]


def rows(db_url: str, sql: str) -> list[Any]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        engine.dispose()


def worker_name(proc: subprocess.Popen[bytes]) -> str:
    return f"{socket.gethostname()}-{proc.pid}"


def check_archive(db_url: str, expected: dict[str, dict[str, Any]]) -> None:
    """Every article of the site exactly once, whole, complete, with one version."""
    records = {
        urlsplit(url).path: json.loads(record)
        for url, record in rows(db_url, "SELECT url, record FROM articles")
    }
    assert sorted(records) == sorted(expected)
    multi = [path for path, want in expected.items() if len(want["pages"]) > 1]
    assert len(multi) == 4
    for path in multi:
        assert records[path]["body"] == expected[path]["body"], path
        assert len(records[path]["pages"]) == len(expected[path]["pages"]), path
    assert rows(db_url, "SELECT count(*) FROM articles WHERE incomplete") == [(0,)]
    # One version per article: a page fetched twice (a requeued request) is not a new one.
    assert rows(db_url, "SELECT count(*), count(DISTINCT article_id) FROM article_versions") == [
        (len(expected), len(expected))
    ]


def check_frontier_drained(frontier: str) -> None:
    import redis

    client = redis.Redis.from_url(frontier)
    leftovers = {
        k.decode(): client.zcard(k)
        for k in client.keys("report-archiver:*")
        if client.type(k) == b"zset" and client.zcard(k)
    }
    assert leftovers == {}


def test_two_workers_and_a_seeding_crawl_share_the_demo_site(
    demo_server: ReplayServer,
    demo_expected: dict[str, dict[str, Any]],
    frontier: str,
    pg_url: str,
    tmp_path: Path,
) -> None:
    demo_server.reset()
    warc = tmp_path / "warc"
    common = ("--db", pg_url, "--warc-dir", str(warc), *PACE)
    crawl = start(
        "crawl", demo_server.url + "/", "--frontier", frontier, *common, log=tmp_path / "c.log"
    )
    # Workers need nothing but the frontier and the database: the rest comes from Redis.
    workers = [
        start(
            "worker",
            "--frontier",
            frontier,
            "--idle-exit",
            "1",
            "--wait",
            "60",
            *common,
            log=tmp_path / f"w{n}.log",
        )
        for n in (1, 2)
    ]
    for proc, log in [(crawl, "c.log"), *zip(workers, ["w1.log", "w2.log"], strict=True)]:
        finish(proc, tmp_path / log)

    check_archive(pg_url, demo_expected)
    runs = {
        worker: (reason, json.loads(stats))
        for worker, reason, stats in rows(
            pg_url, "SELECT worker, finish_reason, stats FROM crawl_runs"
        )
    }
    names = {worker_name(p) for p in (crawl, *workers)}
    assert set(runs) == names
    for worker, (reason, stats) in runs.items():
        assert reason == "finished", worker
        assert stats.get("response_received_count", 0) > 0, f"{worker} fetched nothing"
    # A multi-page article's pages were all fetched by one run (the one that took page 1).
    split = rows(
        pg_url,
        "SELECT article_url FROM pages WHERE article_url IS NOT NULL "
        "GROUP BY article_url HAVING count(DISTINCT run_id) > 1",
    )
    assert split == []
    # Each worker wrote its own WARC files, named by run and worker, as the pages table says.
    files = {row[0] for row in rows(pg_url, "SELECT DISTINCT warc_file FROM pages")}
    assert {f for f in files if f} == {p.name for p in warc.iterdir()}
    for name in names:
        assert any(name in f for f in files), name
    check_frontier_drained(frontier)


def test_a_killed_worker_loses_nothing(
    demo_server: ReplayServer,
    demo_expected: dict[str, dict[str, Any]],
    frontier: str,
    pg_url: str,
    tmp_path: Path,
) -> None:
    import redis

    demo_server.reset()
    common = ("--db", pg_url, "--warc-dir", str(tmp_path / "warc"), *PACE)
    crawl = start(
        "crawl", demo_server.url + "/", "--frontier", frontier, *common, log=tmp_path / "c.log"
    )
    victim = start(
        "worker",
        "--frontier",
        frontier,
        "--idle-exit",
        "1",
        "--wait",
        "60",
        *common,
        log=tmp_path / "v.log",
    )
    survivor = start(
        "worker",
        "--frontier",
        frontier,
        "--idle-exit",
        "1",
        "--wait",
        "60",
        *common,
        log=tmp_path / "s.log",
    )
    client = redis.Redis.from_url(frontier)
    deadline = time.monotonic() + 60
    # Midway: the victim holds requests it took from Redis and has archived some pages.
    while time.monotonic() < deadline:
        taken = client.keys(f"report-archiver:*:processing:{worker_name(victim)}")
        fetched = rows(
            pg_url,
            "SELECT count(*) FROM pages JOIN crawl_runs ON pages.run_id = crawl_runs.id "
            f"WHERE crawl_runs.worker = '{worker_name(victim)}'",
        )[0][0]
        if taken and client.zcard(taken[0]) > 0 and fetched >= 3:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the worker never got midway")
    holding = client.zcard(taken[0])
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert holding > 0
    finish(survivor, tmp_path / "s.log")
    finish(crawl, tmp_path / "c.log")

    check_archive(pg_url, demo_expected)
    runs = {
        worker: (finished_at, json.loads(stats or "{}"))
        for worker, finished_at, stats in rows(
            pg_url, "SELECT worker, finished_at, stats FROM crawl_runs"
        )
    }
    assert runs[worker_name(victim)][0] is None  # killed: never finished
    requeued = sum(
        stats.get("frontier/requeued", 0)
        for worker, (_, stats) in runs.items()
        if worker != worker_name(victim)
    )
    assert requeued > 0
    check_frontier_drained(frontier)


@pytest.mark.parametrize(
    ("frontier", "message"),
    [
        ("http://127.0.0.1:6379/0", "not a Redis URL"),
        ("redis://127.0.0.1:notaport/0", "bad port"),
        ("redis://127.0.0.1:1/0", "cannot reach Redis"),
    ],
)
def test_a_bad_frontier_is_one_line_naming_it(frontier: str, message: str, tmp_path: Path) -> None:
    db = str(tmp_path / "archive.sqlite")
    for args in (
        ["crawl", "http://127.0.0.1:9/", "--frontier", frontier, "--db", db],
        ["worker", "--frontier", frontier, "--db", db, "--wait", "0"],
    ):
        result = run_cli(*args, timeout=60)
        assert result.returncode == 2, result.stderr
        assert frontier in result.stderr and message in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_worker_with_no_crawl_to_join_says_so(frontier: str, tmp_path: Path) -> None:
    result = run_cli(
        "worker", "--frontier", frontier, "--db", str(tmp_path / "a.sqlite"), "--wait", "0"
    )
    assert result.returncode == 2
    assert "no crawl seeded on this frontier" in result.stderr
