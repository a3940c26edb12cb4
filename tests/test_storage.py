"""The archive database, on a real SQLite file and, when ARCHIVE_TEST_PG_URL is set, on
PostgreSQL (each test in a fresh schema, dropped afterwards)."""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select, text

from crawler.archive import (
    SCHEMA_VERSION,
    Archive,
    ArchiveError,
    content_hash,
    database_url,
    open_archive,
    schema,
)
from crawler.archive.models import Article
from crawler.archive.records import ALIAS_MIN_BODY, alias_fingerprint, better_address


@pytest.fixture
def archive(db_url: str) -> Iterator[Archive]:
    with open_archive(db_url) as opened:
        yield opened


def record(n: int, body: str = "正文第一段。\n\n正文第二段。", **extra: Any) -> dict[str, Any]:
    return {
        "url": f"http://example.cn/a/{n}.html",
        "pages": [f"http://example.cn/a/{n}.html"],
        "site": "范文网",
        "title": f"工作报告 {n}",
        "category": "工作报告",
        "published_at": "2024-03-01T10:00:00+08:00",
        "abstract": None,
        "keywords": [],
        "body": body,
        "credits": {"author": None, "author_unit": None, "editor": None, "source": None},
        "tags": [],
        "fetched_at": "2024-03-02T00:00:00+00:00",
        "content_hash": None,
        "extractor_version": "1",
        **extra,
    }


def test_save_new_unchanged_changed(archive: Archive) -> None:
    run = archive.start_run({"spider": "test"})
    assert archive.save_article(record(1), run_id=run) == "new"
    refetched = record(1, fetched_at="2024-04-01T00:00:00+00:00", extractor_version="2")
    assert archive.save_article(refetched, run_id=run) == "unchanged"
    assert archive.save_article(record(1, body="改过的正文。"), run_id=run) == "changed"
    archive.commit()
    counts = archive.counts()
    assert counts["articles"] == 1
    assert counts["article_versions"] == 2
    current = archive.get_record("http://example.cn/a/1.html")
    assert current is not None
    assert current["body"] == "改过的正文。"
    assert current["content_hash"] == content_hash(record(1, body="改过的正文。"))
    assert archive.get_record("http://example.cn/a/404.html") is None


def test_versions_kept_when_content_returns(archive: Archive) -> None:
    outcomes = [
        archive.save_article(record(1, body=body)) for body in ("甲。", "乙。", "甲。", "甲。")
    ]
    assert outcomes == ["new", "changed", "changed", "unchanged"]
    assert archive.counts()["article_versions"] == 2
    assert archive.get_record("http://example.cn/a/1.html")["body"] == "甲。"  # type: ignore[index]


def test_incomplete_record_does_not_replace_complete(archive: Archive) -> None:
    assert archive.save_article(record(1)) == "new"
    assert archive.save_article(record(1, body="只有第一页。"), incomplete=True) == "unchanged"
    assert archive.get_record("http://example.cn/a/1.html")["body"] == record(1)["body"]  # type: ignore[index]
    assert archive.counts()["article_versions"] == 2  # nothing lost
    assert list(archive.iter_records(include_incomplete=False))


# A body long enough to have a fingerprint (records.ALIAS_MIN_BODY).
LONG_BODY = "\n\n".join(
    f"第{n}段：今年以来，我们紧紧围绕中心工作，扎实推进各项任务落实。" for n in range(8)
)


def moved(data: dict[str, Any], url: str, **extra: Any) -> dict[str, Any]:
    """The record as fetched from another URL."""
    return {**data, "url": url, "pages": [url], **extra}


def test_second_url_of_an_article_is_an_alias(archive: Archive) -> None:
    first = moved(record(1, body=LONG_BODY), "https://example.cn/a/1.html")
    assert len(first["body"]) >= ALIAS_MIN_BODY
    assert archive.save_article(first) == "new"
    other_urls = [
        "http://www.example.cn/a/1.html",  # scheme and www
        "http://m.example.cn/view.php?aid=1",  # mobile mirror, dynamic URL
        "http://example.cn/plus/view.php?aid=1",  # same host, dynamic URL
    ]
    for url in other_urls:
        assert archive.save_article(moved(first, url)) == "alias"
    assert archive.save_article(moved(first, other_urls[0])) == "alias"  # again: still one
    counts = archive.counts()
    assert counts["articles"] == 1
    assert counts["article_aliases"] == 3
    assert counts["article_versions"] == 1
    # Looked up by an alias, the article's record comes back, under its own url.
    found = archive.get_record(other_urls[1])
    assert found is not None and found["url"] == first["url"]
    # Once an alias, always: a changed text at the alias does not make a second article.
    changed = moved(first, other_urls[2], body=LONG_BODY + "\n\n新增的一段。" * 20)
    assert archive.save_article(changed) == "alias"
    assert archive.counts()["articles"] == 1


def test_an_article_moves_to_its_better_address(archive: Archive) -> None:
    """Found first under a dynamic address, the article takes its static one when that comes:
    the dynamic address becomes the alias, and the record's url is the static one."""
    dynamic = moved(record(1, body=LONG_BODY), "http://example.cn/plus/view.php?aid=1")
    static = record(1, body=LONG_BODY)
    assert archive.save_article(dynamic) == "new"
    assert archive.save_article(static) == "changed"  # the record's url changed
    assert archive.save_article(dynamic) == "alias"
    counts = archive.counts()
    assert (counts["articles"], counts["article_aliases"]) == (1, 1)
    for url in (static["url"], dynamic["url"]):
        found = archive.get_record(url)
        assert found is not None and found["url"] == static["url"]


def test_better_address() -> None:
    assert better_address("http://x.cn/a/1.html", "http://x.cn/plus/view.php?aid=1")
    assert better_address("http://x.cn/a/1.html", "http://x.cn/show.php/1")  # no query, a script
    assert better_address("http://x.cn/a/1.html", "http://m.x.cn/a/1.html")
    assert better_address("https://x.cn/a/1.html", "http://x.cn/a/1.html")
    assert not better_address("http://www.x.cn/a/1.html", "http://x.cn/a/1.html")  # a tie
    # An IIS site's case variants: a tie, whichever was archived first stays.
    assert not better_address(
        "http://x.cn/article/show.asp?id=1", "http://x.cn/Article/Show.asp?ID=1"
    )
    assert not better_address(
        "http://x.cn/Article/Show.asp?ID=1", "http://x.cn/article/show.asp?id=1"
    )
    assert not better_address("http://m.x.cn/a/1.html", "http://x.cn/e/ShowInfo.php?id=1")


def test_same_text_elsewhere_is_not_an_alias(archive: Archive) -> None:
    first = record(1, body=LONG_BODY)
    assert archive.save_article(first) == "new"
    # Another site reprinting the text is another publication.
    assert archive.save_article(moved(first, "http://other.cn/a/1.html")) == "new"
    # Another title over the same body is another article (a series, a template page).
    assert archive.save_article(moved(first, "http://example.cn/a/2.html", title="另一篇")) == "new"
    # Short bodies tell nothing: two picture pages with one caption each stay two.
    pictures = record(3, body="点击查看大图")
    assert archive.save_article(pictures) == "new"
    assert archive.save_article(moved(pictures, "http://example.cn/a/4.html")) == "new"
    assert archive.counts()["articles"] == 5
    assert archive.counts()["article_aliases"] == 0


def test_archive_before_aliases_is_upgraded_and_keeps_its_articles(db_url: str) -> None:
    first = record(1, body=LONG_BODY)
    twin = moved(first, "http://www.example.cn/a/1.html")
    with open_archive(db_url) as archive:
        archive.save_article(first)
        archive.save_article(record(2))
    # The layout of schema version 2: no aliases, no body_hash; an article archived twice.
    with open_archive(db_url) as archive, archive.engine.begin() as conn:
        conn.execute(text("DROP TABLE article_aliases"))
        conn.execute(text("DROP INDEX ix_articles_body_hash"))
        conn.execute(text("ALTER TABLE articles DROP COLUMN body_hash"))
        conn.execute(text("DELETE FROM schema_version"))
        conn.execute(text("INSERT INTO schema_version VALUES (2, '2024-01-01T00:00:00+00:00')"))
    with open_archive(db_url) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        hashes = dict(archive.query(select(Article.url, Article.body_hash)))
        assert hashes[first["url"]] == alias_fingerprint(first)
        assert hashes[record(2)["url"]] is None  # too short to tell
        # The filled fingerprint finds the article's other address.
        assert archive.save_article(twin) == "alias"
        assert archive.counts()["articles"] == 2


def test_two_urls_archived_before_aliases_both_stay(archive: Archive) -> None:
    first = record(1, body=LONG_BODY)
    twin = moved(first, "http://www.example.cn/a/1.html")
    archive.save_article(first)
    archive.save_article(moved(first, twin["url"], title="临时标题"))
    # The twin's title is corrected: its text is now the first article's, but it is an
    # article of its own already, and stays one.
    assert archive.save_article(twin) == "changed"
    assert archive.counts()["articles"] == 2


def test_a_reparse_leaves_status_and_last_seen(archive: Archive) -> None:
    """Re-parsing stored responses asks nothing of the site: a gone article stays gone."""
    first = record(1, body=LONG_BODY)
    archive.save_article(first)
    assert archive.mark_gone(first["url"])
    before = archive.query(select(Article.status, Article.last_seen))
    assert archive.save_article(first, seen=False) == "unchanged"
    assert archive.save_article(record(1, body=LONG_BODY + "补。"), seen=False) == "changed"
    assert archive.query(select(Article.status, Article.last_seen)) == before


def test_validators_kept_only_where_they_tell_the_whole_article(archive: Archive) -> None:
    """An incomplete save keeps the validators of the last complete one (its missing pages
    must be asked for again); a multi-page article keeps none (page 1 unchanged says
    nothing of page 2)."""
    url = record(1)["url"]
    archive.save_article(record(1), etag='"a"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    archive.save_article(record(1, body="只有第一页。"), incomplete=True, etag='"b"')
    assert archive.http_validators(url) == ('"a"', "Mon, 01 Jan 2024 00:00:00 GMT")
    two_pages = record(1, pages=[url, url.replace(".html", "_2.html")])
    archive.save_article(two_pages, etag='"c"')
    assert archive.http_validators(url) == (None, None)


def test_rerun_adds_no_rows(db_url: str) -> None:
    for expected in ("new", "unchanged"):
        with open_archive(db_url) as archive:
            run = archive.start_run({"spider": "test"})
            assert {archive.save_article(record(n), run_id=run) for n in range(5)} == {expected}
            archive.finish_run(run, "finished", {})
    with open_archive(db_url) as archive:
        counts = archive.counts()
    assert counts["articles"] == 5
    assert counts["article_versions"] == 5
    assert counts["crawl_runs"] == 2


def test_uncommitted_batch_is_rolled_back(db_url: str) -> None:
    archive = open_archive(db_url)
    archive.save_article(record(1))
    archive.commit()
    archive.save_article(record(2))
    assert archive.pending == 1
    archive.rollback()
    archive.close()
    with open_archive(db_url) as again:
        assert again.counts()["articles"] == 1


def test_runs_pages_and_failures_recorded(archive: Archive) -> None:
    from datetime import UTC, datetime

    run = archive.start_run({"spider": "test", "start_urls": ["http://example.cn/"]}, "w1")
    archive.record_page(
        "http://example.cn/a/1.html", run_id=run, status=200, kind="article", size=123
    )
    archive.record_failure("http://example.cn/a/2.html", "fetch", "HTTP 500", run)
    archive.record_failure("http://example.cn/a/3.html", "extract", "no body found", run)
    with pytest.raises(ArchiveError, match="unknown failure stage"):
        archive.record_failure("http://example.cn/a/4.html", "parse", "x", run)
    archive.finish_run(run, "finished", {"start_time": datetime.now(UTC), "item_scraped_count": 1})
    failures = list(archive.iter_failures(run_id=run))
    assert [(f["url"], f["stage"], f["reason"]) for f in failures] == [
        ("http://example.cn/a/2.html", "fetch", "HTTP 500"),
        ("http://example.cn/a/3.html", "extract", "no body found"),
    ]
    assert [f["stage"] for f in archive.iter_failures(stage="extract")] == ["extract"]
    counts = archive.counts()
    assert counts["pages"] == 1
    assert counts["crawl_runs"] == 1


def test_iter_records_streams_and_filters(archive: Archive) -> None:
    for n in range(23):
        archive.save_article(record(n, site="甲网" if n % 2 else "乙网"))
    urls = [r["url"] for r in archive.iter_records(batch_size=5)]  # commits first
    assert urls == [record(n)["url"] for n in range(23)]
    assert len(list(archive.iter_records(site="甲网"))) == 11
    assert list(archive.iter_records(changed_since="2999-01-01T00:00:00+00:00")) == []
    assert archive.mark_gone(record(0)["url"])
    assert len(list(archive.iter_records())) == 22
    assert len(list(archive.iter_records(include_gone=True))) == 23


def test_http_validators(archive: Archive) -> None:
    archive.save_article(record(1), etag='"abc"', last_modified="Mon, 01 Jan 2024")
    assert archive.http_validators(record(1)["url"]) == ('"abc"', "Mon, 01 Jan 2024")
    archive.save_article(record(1), etag='"def"')  # seen again: a new ETag, the date kept
    assert archive.http_validators(record(1)["url"]) == ('"def"', "Mon, 01 Jan 2024")
    archive.save_article(record(2))
    assert archive.http_validators(record(2)["url"]) == (None, None)
    assert archive.http_validators("http://example.cn/none") is None


def test_schema_created_and_reopened(db_url: str) -> None:
    with open_archive(db_url) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        archive.save_article(record(1))
    with open_archive(db_url) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert archive.counts()["articles"] == 1
        assert archive.counts()["schema_version"] == 1


def test_older_schema_is_upgraded_and_newer_refused(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_archive(db_url).close()
    ran: list[int] = []

    def add_note(conn: Any) -> None:
        ran.append(1)
        conn.execute(text("ALTER TABLE failures ADD COLUMN note TEXT"))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, SCHEMA_VERSION, add_note)
    with open_archive(db_url) as archive:
        assert archive.schema_version == SCHEMA_VERSION + 1
        columns = {c["name"] for c in inspect(archive.engine).get_columns("failures")}
        assert "note" in columns
    with open_archive(db_url):
        pass
    assert ran == [1]  # once only
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION)
    with pytest.raises(ArchiveError, match="newer than this"):
        open_archive(db_url)


def test_non_archive_database_refused(db_url: str) -> None:
    engine = create_engine(database_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(ArchiveError, match=r"not a report-archiver archive.*customers"):
        open_archive(db_url)


def test_non_database_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("just some notes, not a database\n" * 100)
    with pytest.raises(ArchiveError, match=str(path)):
        open_archive(str(path))


def test_other_sqlite_file_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(ArchiveError, match=f"{path} is not a report-archiver archive"):
        open_archive(str(path))


def test_database_url_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCHIVE_DB_URL", raising=False)
    assert database_url(None) == f"sqlite:///{tmp_path}/data/archive.sqlite"
    assert (tmp_path / "data").is_dir()
    assert database_url("sub/dir/a.sqlite") == f"sqlite:///{tmp_path}/sub/dir/a.sqlite"
    assert (tmp_path / "sub" / "dir").is_dir()
    assert database_url("sqlite:///rel.sqlite") == f"sqlite:///{tmp_path}/rel.sqlite"
    pg = "postgresql+psycopg://u:pw@db.example:5432/archive"
    assert database_url(pg) == pg
    monkeypatch.setenv("ARCHIVE_DB_URL", str(tmp_path / "env.sqlite"))
    assert database_url(None) == f"sqlite:///{tmp_path}/env.sqlite"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("postgresql://u:secret@host:badport/db", r"bad database URL 'postgresql://u:\*\*\*@host"),
        ("nosuchdb://host/x", "unsupported database URL 'nosuchdb://host/x'"),
        ("/proc/no/such/dir/archive.sqlite", "/proc/no/such/dir"),
    ],
)
def test_bad_database_url(value: str, message: str) -> None:
    with pytest.raises(ArchiveError, match=message) as info:
        database_url(value)
    assert "secret" not in str(info.value)


def test_unreachable_server_names_it() -> None:
    url = "postgresql+psycopg://nobody:pw@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(ArchiveError, match=r"cannot open the archive postgresql\+psycopg://nobody"):
        open_archive(url)


def test_directory_path_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="is a directory"):
        database_url(str(tmp_path))


def test_content_hash_ignores_provenance_and_key_order() -> None:
    base = record(1)
    later = record(1, fetched_at="2030-01-01T00:00:00+00:00", extractor_version="9")
    later["content_hash"] = "stale"
    assert content_hash(base) == content_hash(later)
    assert content_hash(dict(reversed(list(base.items())))) == content_hash(base)
    assert content_hash(record(1, title="别的标题")) != content_hash(base)


def test_concurrent_writers(db_url: str) -> None:
    """Threads, each its own Archive, save the same URLs in different orders and with one of
    two contents, in batches: one row per URL, each distinct content stored once."""
    open_archive(db_url).close()
    urls = range(30)
    threads_n, variants = 4, ("版本一。", "版本二。")
    saved: dict[int, set[str]] = {n: set() for n in urls}
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def work(seed: int) -> None:
        rng = random.Random(seed)
        order = list(urls)
        rng.shuffle(order)
        try:
            with open_archive(db_url) as archive:
                start.wait()
                for i, n in enumerate(order):
                    body = variants[(seed + n) % 2]
                    archive.save_article(record(n, body=body))
                    with lock:
                        saved[n].add(body)
                    if i % 5 == 4:
                        archive.commit()
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors

    with open_archive(db_url) as archive, archive.engine.connect() as conn:
        counts = archive.counts()
        assert counts["articles"] == len(urls)
        assert counts["article_versions"] == sum(len(bodies) for bodies in saved.values())
        assert conn.scalar(text("SELECT sum(times_seen) FROM articles")) == threads_n * len(urls)
        duplicates = conn.execute(
            text(
                "SELECT article_id, content_hash FROM article_versions "
                "GROUP BY article_id, content_hash HAVING count(*) > 1"
            )
        ).all()
        assert duplicates == []
        for current in archive.iter_records():
            n = int(current["url"].rsplit("/", 1)[1].split(".")[0])
            assert current["body"] in saved[n]
