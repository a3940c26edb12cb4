"""Shared fixtures: the bundled demo site served on 127.0.0.1, and a crawl helper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crawler.serve import ReplayServer

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo-site"
FIXTURES = ROOT / "tests" / "fixtures"
PG_ENV = "ARCHIVE_TEST_PG_URL"


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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty archive on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "archive.sqlite")
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"set {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test) to run")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def fixture_records() -> list[dict[str, Any]]:
    """The expected records of the extractor fixtures (tests/fixtures/*/*/expected.json)."""
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(FIXTURES.glob("*/*/expected.json"))
    ]


def fixture_articles() -> list[dict[str, Any]]:
    """The fixture records as an archive holds them: a later record with the title and body
    of an earlier one is the same article at another address (the seed page's mobile copy on
    m.gzbgw.cn beside www.gzbgw.cn), which the archive keeps as an alias of the first."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for record in fixture_records():
        key = (record["title"], record["body"])
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept
