"""`report-archiver export`: every format and filter on an archive filled from the fixtures'
expected records, and the user's mistakes."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect

from crawler.archive import content_hash, open_archive
from crawler.cli import main
from crawler.export import atomic_output

from .conftest import fixture_articles

CREDITS = ("author", "author_unit", "editor", "source")


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return fixture_articles()


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]) -> Path:
    path = tmp_path_factory.mktemp("export") / "archive.sqlite"
    with open_archive(str(path)) as archive:
        for record in records:
            archive.save_article(record)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def export(runner: CliRunner, archive_path: Path, *args: str) -> Any:
    result = runner.invoke(main, ["export", "--db", str(archive_path), *args])
    assert result.exit_code == 0, result.output
    return result


def as_stored(record: dict[str, Any]) -> dict[str, Any]:
    """A fixture record as the archive keeps it: with its content hash filled in."""
    return {**record, "content_hash": content_hash(record)}


def test_jsonl_round_trips_the_stored_records(
    runner: CliRunner, archive_path: Path, records: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = export(runner, archive_path, "--format", "jsonl", "-o", str(out))
    assert f"{len(records)} records -> {out}" in result.stderr
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == len(records)
    assert [json.loads(line) for line in lines] == [as_stored(r) for r in records]
    assert "\\u" not in text  # Chinese as characters
    assert "党群关系" in text


def test_json_is_one_array_equal_to_the_jsonl(
    runner: CliRunner, archive_path: Path, records: list[dict[str, Any]]
) -> None:
    result = export(runner, archive_path, "--format", "json")  # stdout without -o
    data = json.loads(result.stdout)
    assert data == [as_stored(r) for r in records]
    assert "\\u" not in result.stdout


def test_json_of_nothing_is_an_empty_array(
    runner: CliRunner, archive_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "empty.json"
    export(runner, archive_path, "--format", "json", "--site", "没有这个网站", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == []


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_a_bom_credit_columns_joined_lists_and_multiline_bodies(
    runner: CliRunner, archive_path: Path, records: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    export(runner, archive_path, "--format", "csv", "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert len(rows) == len(records)
    assert "credits" not in rows[0]
    assert [f"credits.{name}" for name in CREDITS] == [
        c for c in rows[0] if c.startswith("credits.")
    ]
    for row, record in zip(rows, records, strict=True):
        assert row["url"] == record["url"]
        assert row["body"] == record["body"]  # line breaks kept inside the quoted cell
        assert row["keywords"] == "; ".join(record["keywords"])
        assert row["tags"] == "; ".join(record["tags"])
        assert row["pages"] == "; ".join(record["pages"])
        for name in CREDITS:
            assert row[f"credits.{name}"] == (record["credits"][name] or "")
    assert any("\n" in record["body"] for record in records)
    papers = [row for row in rows if row["keywords"].count("; ") >= 2]
    assert papers  # some fixtures have several keywords


def test_csv_without_bom(runner: CliRunner, archive_path: Path) -> None:
    result = export(runner, archive_path, "--format", "csv", "--no-bom", "--fields", "title")
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert result.stdout_bytes.startswith(b"title\r\n")


def test_csv_neutralises_formulas(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "formulas.sqlite"
    dangerous = {
        "url": "http://example.cn/x.html",
        "pages": ["http://example.cn/x.html"],
        "site": '=HYPERLINK("http://evil.example","点击")',
        "title": "+1+2",
        "category": "-3",
        "published_at": None,
        "abstract": "@SUM(A1:A2)",
        "keywords": ["=cmd|' /C calc'!A0", "正常"],
        "body": "\t=1+1\n\n第二段",
        "credits": {"author": "\r=2", "author_unit": "普通单位", "editor": None, "source": None},
        "tags": [],
        "fetched_at": None,
        "content_hash": None,
        "extractor_version": "1",
    }
    with open_archive(str(path)) as archive:
        archive.save_article(dangerous)
    result = export(runner, path, "--format", "csv")
    (row,) = read_csv(result.stdout_bytes)
    assert row["site"] == "'" + dangerous["site"]
    assert row["title"] == "'+1+2"
    assert row["category"] == "'-3"
    assert row["abstract"] == "'@SUM(A1:A2)"
    assert row["keywords"] == "'=cmd|' /C calc'!A0; 正常"
    assert row["body"] == "'\t=1+1\n\n第二段"
    assert row["credits.author"] == "'\r=2"
    assert row["credits.author_unit"] == "普通单位"
    assert row["url"] == dangerous["url"]


def urls_of(result: Any) -> list[str]:
    return [json.loads(line)["url"] for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("args", "keep"),
    [
        (["--site", "论文库"], lambda r: r["site"] == "论文库"),
        (["--category", "演讲稿"], lambda r: r["category"] == "演讲稿"),
        (["--since", "2023-01-01"], lambda r: (r["published_at"] or "")[:10] >= "2023-01-01"),
        (
            ["--until", "2021-12-31"],
            lambda r: bool(r["published_at"]) and r["published_at"][:10] <= "2021-12-31",
        ),
        (
            ["--since", "2022-06-15", "--until", "2023-03-02", "--site", "工作报告网"],
            lambda r: (
                r["site"] == "工作报告网"
                and "2022-06-15" <= (r["published_at"] or "")[:10] <= "2023-03-02"
            ),
        ),
    ],
)
def test_filters(
    runner: CliRunner,
    archive_path: Path,
    records: list[dict[str, Any]],
    args: list[str],
    keep: Any,
) -> None:
    expected = [r["url"] for r in records if keep(r)]
    assert expected  # the filter selects something, and (below) not everything
    assert len(expected) < len(records)
    assert urls_of(export(runner, archive_path, "--format", "jsonl", *args)) == expected


def test_since_and_until_are_inclusive_days(
    runner: CliRunner, archive_path: Path, records: list[dict[str, Any]]
) -> None:
    day = "2023-07-22"  # the seed page, published 16:50 that day (its mobile copy is an alias)
    result = export(runner, archive_path, "--since", day, "--until", day)
    assert urls_of(result) == [r["url"] for r in records if (r["published_at"] or "")[:10] == day]
    assert len(urls_of(result)) == 1


def test_fields_choose_and_order_the_columns(
    runner: CliRunner, archive_path: Path, records: list[dict[str, Any]]
) -> None:
    fields = "title,url,credits.editor,keywords"
    data = json.loads(export(runner, archive_path, "--format", "json", "--fields", fields).stdout)
    assert [list(item) for item in data] == [fields.split(",")] * len(records)
    assert [item["credits.editor"] for item in data] == [r["credits"]["editor"] for r in records]
    result = export(runner, archive_path, "--format", "csv", "--fields", "url,credits")
    header = result.stdout_bytes.decode("utf-8-sig").splitlines()[0]
    assert header == "url," + ",".join(f"credits.{name}" for name in CREDITS)


def test_an_interrupted_export_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    with pytest.raises(RuntimeError), atomic_output(out) as stream:
        stream.write("[\n{")
        raise RuntimeError("killed midway")
    assert list(tmp_path.iterdir()) == []


def test_the_output_file_gets_the_mode_a_new_file_would_or_keeps_its_own(tmp_path: Path) -> None:
    fresh, kept = tmp_path / "fresh.jsonl", tmp_path / "kept.jsonl"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    umask = os.umask(0o022)
    try:
        for out in (fresh, kept):
            with atomic_output(out) as stream:
                stream.write("{}\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_a_symlinked_output_writes_its_target_and_keeps_the_link(
    runner: CliRunner, archive_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "real.jsonl"
    target.write_text("", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    export(runner, archive_path, "--format", "jsonl", "-o", str(link))
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").count("\n") > 10


def test_dash_is_stdout(runner: CliRunner, archive_path: Path, tmp_path: Path) -> None:
    result = export(runner, archive_path, "--format", "jsonl", "-o", "-")
    assert result.stdout.count("\n") > 10
    assert not Path("-").exists()


# -- the user's mistakes ------------------------------------------------------------------


def test_an_output_that_is_no_regular_file_is_refused(
    runner: CliRunner, archive_path: Path, tmp_path: Path
) -> None:
    """A FIFO (or a device) would be replaced by a file: refused, and left as it is."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = runner.invoke(main, ["export", "--db", str(archive_path), "-o", str(fifo)])
    assert_one_line_error(result, str(fifo), "not a regular file")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def assert_one_line_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--format", "xml"], ["--format xml", "unknown format"]),
        (["--fields", "title,nope"], ["nope", "unknown field"]),
        (["--fields", ","], ["--fields", "no field names"]),
        (["--since", "2023-13-01"], ["--since 2023-13-01", "not a date"]),
        (["--until", "yesterday"], ["--until yesterday", "not a date"]),
    ],
)
def test_bad_options_write_nothing(
    runner: CliRunner, archive_path: Path, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(main, ["export", "--db", str(archive_path), "-o", str(out), *args])
    assert_one_line_error(result, *fragments)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def not_archives(tmp_path: Path) -> list[tuple[Path, str]]:
    """Files that are not archives: a text file, an empty file, someone else's SQLite."""
    text = tmp_path / "notes.txt"
    text.write_text("这不是数据库\n", encoding="utf-8")
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
    return [
        (text, "not an SQLite database"),
        (empty, "not an SQLite database"),
        (other, "no schema_version table"),
    ]


@pytest.mark.parametrize("command", [["export"], ["search", "党群"], ["stats"]])
def test_a_path_that_is_not_an_archive_is_reported_and_left_alone(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "nowhere" / "archive.sqlite"
    result = runner.invoke(main, [*command, "--db", str(missing)])
    assert_one_line_error(result, str(missing), "no such archive")
    assert not missing.parent.exists()
    for path, message in not_archives(tmp_path):
        before = path.read_bytes()
        result = runner.invoke(main, [*command, "--db", str(path)])
        assert_one_line_error(result, str(path), message)
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "empty.sqlite",
        "notes.txt",
        "other.sqlite",
    ]


@pytest.mark.parametrize("command", [["export"], ["search", "党群"], ["stats"]])
def test_an_empty_database_is_not_made_into_an_archive(db_url: str, command: list[str]) -> None:
    """On SQLite db_url is a path that does not exist yet; on PostgreSQL an empty schema."""
    result = CliRunner().invoke(main, [*command, "--db", db_url])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no such archive" in result.stderr or "not a report-archiver archive" in result.stderr
    if "://" in db_url:
        engine = create_engine(db_url)
        try:
            with engine.connect() as conn:
                assert inspect(conn).get_table_names() == []
        finally:
            engine.dispose()
    else:
        assert not Path(db_url).exists()


def test_every_backend_exports_and_filters_alike(
    db_url: str, records: list[dict[str, Any]]
) -> None:
    """The same export on SQLite and PostgreSQL (a server-side cursor there)."""
    with open_archive(db_url) as archive:
        for record in records:
            archive.save_article(record)
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--db", db_url, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        as_stored(r) for r in records
    ]
    args = ["--since", "2022-01-01", "--until", "2022-12-31", "--category", "述职报告"]
    result = runner.invoke(main, ["export", "--db", db_url, "--format", "csv", *args])
    assert result.exit_code == 0, result.output
    expected = [
        r["url"]
        for r in records
        if r["category"] == "述职报告"
        and "2022-01-01" <= (r["published_at"] or "")[:10] <= "2022-12-31"
    ]
    assert expected
    assert [row["url"] for row in read_csv(result.stdout_bytes)] == expected
