"""The raw archive: WARC files a crawl writes, and re-parsing the archive from them alone."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler import reparse as reparse_module
from crawler.archive import open_archive
from crawler.extract import analyse
from crawler.serve import ReplayServer
from crawler.warc import WarcArchive, WarcLocation, iter_responses, read_response

from .conftest import DEMO, run_cli


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A crawl of the demo site by a server that is gone once the crawl is over."""
    db = tmp_path_factory.mktemp("warc") / "archive.sqlite"
    with ReplayServer(DEMO) as server:
        server.start()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    yield db


def test_every_response_is_in_a_valid_warc_file_beside_the_database(crawled: Path) -> None:
    files = sorted((crawled.parent / "warc").glob("*.warc.gz"))
    assert files
    for path in files:
        check = warcio_check(path)
        assert check.returncode == 0, check.stdout + check.stderr
    urls = {stored.url for path in files for _, stored in iter_responses(path)}
    assert any(url.endswith("/robots.txt") for url in urls)
    assert any(url.endswith("/xindetihui/2023/0208/999.html") for url in urls)  # the 404 too


def warcio_check(path: Path) -> Any:
    """warcio's own validator, `warcio check FILE`, as installed beside this Python."""
    import subprocess
    import sys

    script = Path(sys.executable).parent / "warcio"
    return subprocess.run([script, "check", str(path)], capture_output=True, text=True, check=False)


def test_page_rows_point_at_their_records(crawled: Path) -> None:
    with sqlite3.connect(crawled) as db:
        rows = db.execute(
            "select url, status, warc_file, warc_offset, warc_length from pages"
        ).fetchall()
    assert rows and all(row[2] for row in rows)
    for url, status, file, offset, length in rows[:20]:
        stored = read_response(crawled.parent / "warc", WarcLocation(file, offset, length))
        assert stored.url == url and stored.status == status
        assert stored.body


def test_reparse_rebuilds_records_from_the_warc_alone(
    crawled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("re-parse tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)

    # An "improved" extractor: the same, with every title marked.
    def improved(*args: Any, **kwargs: Any) -> Any:
        result = analyse(*args, **kwargs)
        result.report.title = f"{result.report.title}（修订）"
        return result

    with open_archive(str(crawled)) as archive:
        before = {r["url"]: r for r in archive.iter_records()}
        unchanged = reparse_module.reparse_archive(archive, crawled.parent / "warc")
        assert unchanged.changed == 0 and unchanged.unchanged == len(before)
        monkeypatch.setattr(reparse_module, "analyse", improved)
        summary = reparse_module.reparse_archive(archive, crawled.parent / "warc")
        after = {r["url"]: r for r in archive.iter_records()}
    assert summary.changed == len(before) and summary.failed == 0
    for url, record in before.items():
        assert after[url]["title"] == f"{record['title']}（修订）"
        assert after[url]["body"] == record["body"]
    with sqlite3.connect(crawled) as db:
        versions = db.execute("select count(*) from article_versions").fetchone()[0]
    assert versions == 2 * len(before)  # the old versions are kept


def test_a_torn_last_record_is_skipped_not_fatal(tmp_path: Path) -> None:
    writer = WarcArchive(tmp_path, "torn")
    for number in range(3):
        writer.write_exchange(
            f"http://127.0.0.1/{number}.html",
            "GET",
            [("Host", "127.0.0.1")],
            200,
            [("Content-Type", "text/html")],
            f"<p>page {number}</p>".encode(),
        )
    writer.close()
    path = next(tmp_path.glob("*.warc.gz"))
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 40])  # a crawl killed mid-write
    urls = [stored.url for _, stored in iter_responses(path)]
    assert urls[:2] == ["http://127.0.0.1/0.html", "http://127.0.0.1/1.html"]


def test_reparse_in_a_folder_without_the_archives_warc_files_is_one_line(
    crawled: Path, tmp_path: Path
) -> None:
    """A wrong --warc-dir is the user's mistake: said once, no failures recorded."""
    from click.testing import CliRunner

    from crawler.cli import main

    with sqlite3.connect(crawled) as db:
        before = db.execute("select count(*) from failures").fetchone()[0]
    result = CliRunner().invoke(
        main, ["reparse", "--db", str(crawled), "--warc-dir", str(tmp_path)]
    )
    assert result.exit_code == 2, result.output
    assert f"{tmp_path}: holds none of the" in result.stderr
    with sqlite3.connect(crawled) as db:
        assert db.execute("select count(*) from failures").fetchone()[0] == before
