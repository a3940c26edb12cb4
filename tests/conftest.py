"""Shared fixtures: the bundled demo site served on 127.0.0.1, and a crawl helper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.serve import ReplayServer

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo-site"


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The report-archiver command in its own process, as a user runs it.

    Crawls need their own process: Twisted's reactor cannot be restarted in one.
    """
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        check=False,
    )


@pytest.fixture(scope="session")
def demo_server() -> Iterator[ReplayServer]:
    with ReplayServer(DEMO) as server:
        server.start()
        yield server


@pytest.fixture(scope="session")
def demo_expected() -> dict[str, dict[str, Any]]:
    """The demo site's expected records by URL path, from the site generator's source data."""
    lines = (DEMO / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["url"]: record for record in map(json.loads, lines)}
