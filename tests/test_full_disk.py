"""A full disk mid-crawl: simulated with RLIMIT_FSIZE on the crawl process, so that any file
it grows past the limit fails with EFBIG (SIGXFSZ ignored, as a full disk fails ENOSPC)."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import open_archive
from crawler.serve import ReplayServer
from crawler.sitegen import generate_site
from crawler.warc import complete_length, iter_responses

from .conftest import ROOT, run_cli

LIMIT = 512 * 1024  # bytes any one file of the crawl may grow to


def limited_crawl(*args: str) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # stays ignored across exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=limit,
        check=False,
    )


@pytest.mark.parametrize(
    ("fills", "settings"),
    [
        ("archive.sqlite", ["-s", "ARCHIVE_COMMIT_EVERY=10"]),  # commits grow the database
        (".warc.gz", ["-s", "ARCHIVE_COMMIT_EVERY=100000", "-s", "ARCHIVE_COMMIT_SECONDS=600"]),
    ],
)
def test_a_full_disk_stops_the_crawl_and_keeps_what_was_saved(
    tmp_path: Path, fills: str, settings: list[str]
) -> None:
    generate_site(tmp_path / "small", 8, per_list_page=4)
    generate_site(tmp_path / "big", 300, per_list_page=20, seed=1)
    db = tmp_path / "archive.sqlite"
    with ReplayServer(tmp_path / "small") as small:
        first = run_cli("crawl", small.url + "/", "--db", str(db))
        assert first.returncode == 0, first.stderr[-2000:]
        with open_archive(str(db)) as archive:
            before = {r["url"]: r for r in archive.iter_records()}
        assert len(before) == 8
    assert db.stat().st_size < LIMIT

    with ReplayServer(tmp_path / "big") as big:
        full = limited_crawl(big.url + "/", "--db", str(db), *settings)
    assert full.returncode == 1, full.stderr[-3000:]
    last = full.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "disk is full" in last
    assert str(tmp_path) in last and fills in last  # it names the file that could not be written
    assert "Traceback" not in full.stderr

    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        stored = conn.execute("select count(*) from articles").fetchone()[0]
    assert 8 <= stored < 8 + 300
    with open_archive(str(db)) as archive:
        after = {r["url"]: r for r in archive.iter_records()}
    assert {url: after[url] for url in before} == before
    for path in (tmp_path / "warc").glob("*.warc.gz"):
        whole = complete_length(path)
        assert whole <= path.stat().st_size
        assert all(stored.status for _, stored in iter_responses(path))
    assert "finished: storage_full" in full.stdout
