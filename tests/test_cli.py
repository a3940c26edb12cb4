"""The report-archiver command: what users type, including their mistakes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.archive import open_archive
from crawler.cli import main

from .conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "gzbgw-dede" / "seed"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_extract_prints_the_record_of_a_saved_page(runner: CliRunner) -> None:
    case = json.loads((SEED / "case.json").read_text(encoding="utf-8"))
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    url = case["pages"][0]["url"]
    result = runner.invoke(main, ["extract", str(SEED / "1.html"), "--url", url])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["url"] == expected["url"]
    assert record["title"] == expected["title"]
    assert record["body"] == expected["body"]
    # The hash an archive keeps for this record: the same as a save of it computes.
    with open_archive("sqlite://") as archive:
        archive.save_article(expected)
        assert record["content_hash"] == archive.get_record(expected["url"])["content_hash"]


def test_extract_stitches_several_files_in_order(runner: CliRunner) -> None:
    case_dir = FIXTURES / "gzbgw-dede" / "shuzhi-3pages-anonymous"
    case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    files = [str(case_dir / page["file"]) for page in case["pages"]]
    result = runner.invoke(main, ["extract", *files])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert len(record["pages"]) == len(files) == 3
    expected = json.loads((case_dir / "expected.json").read_text(encoding="utf-8"))
    assert record["body"] == expected["body"]


def test_extract_names_later_pages_from_the_first_pages_pager(runner: CliRunner) -> None:
    """With one --url, pages 2 and 3 take their URLs from page 1's pager, as a crawl would."""
    case_dir = FIXTURES / "gzbgw-dede" / "shuzhi-3pages-anonymous"
    case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    files = [str(case_dir / page["file"]) for page in case["pages"]]
    result = runner.invoke(main, ["extract", *files, "--url", case["pages"][0]["url"]])
    assert result.exit_code == 0, result.output
    expected = json.loads((case_dir / "expected.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout)["pages"] == expected["pages"]


def test_extract_takes_one_url_per_file(runner: CliRunner) -> None:
    case_dir = FIXTURES / "gzbgw-dede" / "xinde-2pages"
    case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    files = [str(case_dir / page["file"]) for page in case["pages"]]
    urls = ["http://a.example.cn/1.html", "http://a.example.cn/1-second.html"]
    result = runner.invoke(main, ["extract", *files, "--url", urls[0], "--url", urls[1]])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pages"] == urls
    too_many = runner.invoke(main, ["extract", files[0], "--url", urls[0], "--url", urls[1]])
    assert too_many.exit_code == 2
    assert "2 --url given for 1 FILE(s)" in too_many.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "empty file"),
        (b"\x00\x01\x02\x89PNG\x00\x00binary", "binary file"),
        (b"just some words, no markup at all", "not an HTML page"),
        (b'{"title": "<b>\xe6\x80\xbb\xe7\xbb\x93</b>", "body": "..."}', "not an HTML page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>>", "binary file"),
    ],
)
def test_extract_rejects_bad_files_with_one_line(
    runner: CliRunner, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "page.html"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(main, ["extract", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {path}: {message}" or message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(path) in result.stderr


def test_extract_rejects_a_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["extract", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["crawl", "ftp://example.com/"], "ftp://example.com/: not an http(s) URL"),
        (["crawl", "http://"], "no host name"),
        (["crawl", "not a url"], "not an http(s) URL"),
        (["crawl", "--site", "no-such-site"], "no-such-site: no such site profile"),
        (["crawl", "http://127.0.0.1:9/", "--db", "nosuchdialect://x/y"], "nosuchdialect"),
        (["crawl"], "give at least one URL or --site NAME"),
        (["export", "--db", "/nonexistent/dir/archive.sqlite"], "archive"),
    ],
)
def test_bad_input_gets_one_line_and_status_2(
    runner: CliRunner, args: list[str], fragment: str
) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_database_that_is_not_an_archive_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as connection:
        connection.execute("create table notes (text)")
    result = runner.invoke(main, ["export", "--db", str(db)])
    assert result.exit_code == 2
    assert str(db) in result.stderr


def test_unreachable_start_url_is_one_line_error(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    result = run_cli(
        "crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.sqlite"), "-s", "RETRY_TIMES=0"
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: http://127.0.0.1:9/: unreachable, nothing was fetched"
    )
    with open_archive(str(tmp_path / "a.sqlite")) as archive:
        failures = list(archive.iter_failures())
    assert failures and failures[0]["stage"] == "fetch"


def test_sites_lists_the_bundled_profiles(runner: CliRunner) -> None:
    result = runner.invoke(main, ["sites"])
    assert result.exit_code == 0
    assert result.stdout.startswith("demo\t范文工作报告网\t0 */6 * * *\thttp://127.0.0.1:8765/")


def test_sites_checks_a_folder_of_profiles(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(
        'name = "good"\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8"
    )
    (tmp_path / "bad.toml").write_text("name = [unclosed\n", encoding="utf-8")
    result = runner.invoke(main, ["sites", "--profiles", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("bad\tINVALID\t")
    assert lines[1] == "good\t-\t-\thttp://127.0.0.1:9/"


def test_export_jsonl_round_trips_the_stored_records(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    records = []
    with open_archive(str(db)) as archive:
        for case_dir in sorted((FIXTURES / "gzbgw-dede").iterdir()):
            expected = case_dir / "expected.json"
            if expected.exists():
                record = json.loads(expected.read_text(encoding="utf-8"))
                archive.save_article(record)
                records.append(record)
    out = tmp_path / "out" / "reports.jsonl"
    result = runner.invoke(main, ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "\\u" not in text and "党群关系" in text
    back = {r["url"]: r for r in map(json.loads, text.splitlines())}
    assert len(back) == len(records)
    for record in records:
        for field in ("title", "body", "keywords", "credits", "tags", "published_at"):
            assert back[record["url"]][field] == record[field]


def test_extract_refuses_a_fifo_instead_of_blocking(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    result = runner.invoke(main, ["extract", str(fifo)])
    assert result.exit_code == 2
    assert f"{fifo}: not a regular file" in result.stderr
