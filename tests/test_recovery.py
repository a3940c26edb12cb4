"""Crash recovery: a crawl killed with SIGKILL midway, then resumed; torn WARC tails."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.faultsite import SlowServer
from crawler.sitegen import generate_site
from crawler.warc import (
    OPEN_SUFFIX,
    WarcArchive,
    WarcLocation,
    complete_length,
    iter_responses,
    read_response,
    repair_directory,
    repair_warc,
)

from .conftest import ROOT, run_cli

FAST = ["-s", "DOWNLOAD_TIMEOUT=5", "-s", "LOG_LEVEL=INFO"]


def articles(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select url, times_seen from articles order by url").fetchall()


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("pragma integrity_check").fetchone()[0])


def committed_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:
        return 0  # the schema is not there yet


def paths(rows: list[tuple[str, int]], base: str) -> list[str]:
    return [url.removeprefix(base) for url, _ in rows]


def half_a_record() -> bytes:
    """The first half of a gzip member holding a WARC record: what a kill mid-write leaves."""
    member = gzip.compress(
        b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\n" + b"x" * 5000
    )
    return member[: len(member) // 2]


def test_a_killed_crawl_resumes_to_the_same_archive(tmp_path: Path) -> None:
    generate_site(tmp_path / "site", 24, per_list_page=4, multipage_every=7)
    reference = tmp_path / "reference.sqlite"
    db = tmp_path / "archive.sqlite"
    jobdir = tmp_path / "job"
    with SlowServer(tmp_path / "site") as server:
        start = server.url + "/"
        done = run_cli("crawl", start, "--db", str(reference), *FAST, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        uninterrupted = paths(articles(reference), server.url)
        assert len(uninterrupted) == 24

        server.delay = 0.05
        command = [sys.executable, "-m", "crawler.cli", "crawl", start, "--db", str(db)]
        command += ["--jobdir", str(jobdir), *FAST, "-s", "ARCHIVE_COMMIT_EVERY=5"]
        command += ["-s", "CONCURRENT_REQUESTS=2"]
        crawl = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while committed_articles(db) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate(timeout=10)
        killed_with = committed_articles(db)
        assert 5 <= killed_with < 24, "the crawl was not caught midway"
        assert (jobdir / "crawl.running").exists()
        assert integrity(db) == "ok"
        # The worst moment for a kill: in the middle of writing a WARC record.
        warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
        with warcs[-1].open("ab") as stream:
            stream.write(half_a_record())
        torn_size = warcs[-1].stat().st_size
        assert warcs[-1].with_name(warcs[-1].name + OPEN_SUFFIX).exists()  # left open

        server.delay = 0
        resumed = run_cli("crawl", start, "--db", str(db), "--jobdir", str(jobdir), *FAST)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "was killed" in resumed.stderr
    rows = articles(db)
    assert sorted(paths(rows, server.url)) == sorted(uninterrupted)
    assert all(times == 1 for _, times in rows)  # none stored twice
    assert integrity(db) == "ok"
    assert not (jobdir / "crawl.running").exists()
    with sqlite3.connect(db) as conn:
        reasons = [r for (r,) in conn.execute("select finish_reason from crawl_runs order by id")]
    assert reasons == ["killed", "finished"]  # the killed run is named, not left open
    # The torn tail was cut off, and every WARC file reads to its end.
    assert warcs[-1].stat().st_size < torn_size
    assert list((tmp_path / "warc").glob("*" + OPEN_SUFFIX)) == []
    for path in sorted((tmp_path / "warc").glob("*.warc.gz")):
        assert complete_length(path) == path.stat().st_size
        with path.open("rb") as stream:
            assert sum(1 for _ in ArchiveIterator(stream)) > 0
    # Every page the archive logged points at a whole, readable response.
    with sqlite3.connect(db) as conn:
        located = conn.execute(
            "select warc_file, warc_offset, warc_length from pages where warc_file is not null"
        ).fetchall()
    assert len(located) >= 24
    for file, offset, length in located:
        assert read_response(tmp_path / "warc", WarcLocation(file, offset, length)).status > 0


def test_a_paused_crawl_resumes_from_its_queue(tmp_path: Path) -> None:
    generate_site(tmp_path / "site", 20, per_list_page=4, multipage_every=3)
    db = tmp_path / "archive.sqlite"
    jobdir = tmp_path / "job"
    with SlowServer(tmp_path / "site", delay=0.05) as server:
        start = server.url + "/"
        command = [sys.executable, "-m", "crawler.cli", "crawl", start, "--db", str(db)]
        command += ["--jobdir", str(jobdir), *FAST, "-s", "ARCHIVE_COMMIT_EVERY=5"]
        command += ["-s", "CONCURRENT_REQUESTS=2"]
        crawl = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while committed_articles(db) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        crawl.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy stops cleanly and saves its queue
        crawl.communicate(timeout=60)
        assert committed_articles(db) < 20, "the crawl was not caught midway"
        assert (jobdir / "requests.seen").exists() and not (jobdir / "crawl.running").exists()
        paused_at = len(server.requests)
        server.delay = 0
        resumed = run_cli("crawl", start, "--db", str(db), "--jobdir", str(jobdir), *FAST)
        home_again = server.count("/") > 1
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "was killed" not in resumed.stderr
    assert not home_again  # the start page was not fetched again: the queue carried on
    assert len(server.requests) > paused_at
    assert len(articles(db)) == 20
    assert all(times == 1 for _, times in articles(db))
    # Multi-page articles caught mid-stitch resume from their queued next page, whole.
    expected = {
        record["url"]: record["body"]
        for record in map(
            json.loads, (tmp_path / "site" / "expected.jsonl").read_text().splitlines()
        )
    }
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select url, record, incomplete from articles").fetchall()
    for url, record, incomplete in stored:
        assert json.loads(record)["body"] == expected[url.removeprefix(server.url)]
        assert not incomplete
    assert not (jobdir / "requests.seen").exists()  # a finished job leaves no state behind


def write_three(directory: Path) -> tuple[Path, list[WarcLocation]]:
    archive = WarcArchive(directory, "t")
    locations = [
        archive.write_exchange(
            f"http://example.cn/{n}.html", "GET", [], 200, [("Content-Type", "text/html")],
            f"<p>{n}</p>".encode() * 2000,
        )
        for n in range(3)
    ]  # fmt: skip
    archive.close()
    (path,) = directory.glob("*.warc.gz")
    return path, locations


def test_a_torn_last_record_is_skipped_by_readers_then_cut_off(tmp_path: Path) -> None:
    path, locations = write_three(tmp_path)
    whole = path.read_bytes()
    last = locations[-1]
    for cut in range(last.offset + 1, last.offset + last.length, 37):
        path.write_bytes(whole[:cut])
        found = [(offset, stored.url, len(stored.body)) for offset, stored in iter_responses(path)]
        assert found == [
            (loc.offset, f"http://example.cn/{n}.html", len(f"<p>{n}</p>") * 2000)
            for n, loc in enumerate(locations[:2])
        ]
        with pytest.raises(ValueError, match="torn"):
            read_response(tmp_path, last)
        assert read_response(tmp_path, locations[0]).body.startswith(b"<p>0</p>")
    path.write_bytes(whole[: last.offset + last.length // 2])
    assert repair_warc(path) == last.length // 2
    assert path.stat().st_size == last.offset == complete_length(path)
    assert repair_warc(path) == 0


def test_a_file_a_live_crawl_writes_is_left_alone(tmp_path: Path) -> None:
    path, _ = write_three(tmp_path)
    with path.open("ab") as stream:
        stream.write(half_a_record())
        stream.flush()
        fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as WarcArchive holds its file
        size = os.path.getsize(path)
        # flock belongs to an open file: repair_warc's own open() is refused it.
        assert repair_warc(path) is None
        assert repair_directory(tmp_path) == 0
        assert os.path.getsize(path) == size
    assert repair_directory(tmp_path) == 0  # closed cleanly: not even looked at
    path.with_name(path.name + OPEN_SUFFIX).touch()  # as a killed writer leaves it
    assert repair_directory(tmp_path) > 0  # once the writer is gone, the torn tail goes
    assert os.path.getsize(path) == complete_length(path)
    assert not path.with_name(path.name + OPEN_SUFFIX).exists()


def test_a_stop_as_soon_as_the_run_opens_still_finishes_the_run(tmp_path: Path) -> None:
    """SIGTERM the moment the archive records the run (before or just as the engine starts):
    the run is finished, never left open for ever, and no "unreachable" is claimed."""
    generate_site(tmp_path / "site", 20, per_list_page=4)
    db = tmp_path / "archive.sqlite"
    with SlowServer(tmp_path / "site", delay=0.05) as server:
        command = [sys.executable, "-m", "crawler.cli", "crawl", server.url + "/"]
        crawl = subprocess.Popen(
            [*command, "--db", str(db), *FAST], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if db.exists():
                with sqlite3.connect(db) as conn:
                    tables = {r[0] for r in conn.execute("select name from sqlite_master")}
                    if (
                        "crawl_runs" in tables
                        and conn.execute("select count(*) from crawl_runs").fetchone()[0]
                    ):
                        break
            time.sleep(0.005)
        crawl.send_signal(signal.SIGTERM)
        _, stderr = crawl.communicate(timeout=60)
    with sqlite3.connect(db) as conn:
        reasons = [r[0] for r in conn.execute("select finish_reason from crawl_runs")]
    assert reasons and None not in reasons, reasons
    assert "unreachable" not in stderr
