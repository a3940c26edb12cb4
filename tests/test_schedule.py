"""The scheduler: crawls in sequence on their trigger, never two at once, clean stop."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crawler.serve import ReplayServer

from .conftest import DEMO, ROOT


def test_runs_crawls_in_sequence_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    profiles = tmp_path / "sites"
    profiles.mkdir()
    with ReplayServer(DEMO) as server:
        server.start()
        (profiles / "demo.toml").write_text(
            f'name = "demo"\nstart_urls = ["{server.url}/"]\n'
            'schedule = "* * * * * *"  # every second\n',
            encoding="utf-8",
        )
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "schedule", "--db", str(db),
             "--profiles", str(profiles)],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            finished = 0
            while time.monotonic() < deadline and finished < 2:
                time.sleep(0.5)
                finished = _finished_runs(db)
            assert finished >= 2, "two scheduled crawls did not finish in time"
            scheduler.send_signal(signal.SIGTERM)
            output, _ = scheduler.communicate(timeout=120)
        finally:
            if scheduler.poll() is None:
                scheduler.kill()
    assert scheduler.returncode == 0, output[-3000:]
    assert "scheduler stopped" in output
    with sqlite3.connect(db) as connection:
        runs = connection.execute(
            "select started_at, finished_at, finish_reason from crawl_runs order by id"
        ).fetchall()
    assert all(finished and reason for _, finished, reason in runs), runs
    for (_, previous_end, _), (next_start, _, _) in itertools.pairwise(runs):
        assert next_start >= previous_end, "two crawls overlapped"


def _finished_runs(db: Path) -> int:
    """Finished runs so far; 0 while the scheduler has not yet created the file or its tables."""
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        try:
            row = connection.execute(
                "select count(*) from crawl_runs where finished_at is not null"
            ).fetchone()
        except sqlite3.OperationalError:  # the file exists, the schema is being written
            return 0
    return int(row[0])
