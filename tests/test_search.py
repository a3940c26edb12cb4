"""`report-archiver search` on archives filled from the fixtures' expected records, on SQLite
and (when ARCHIVE_TEST_PG_URL is set) PostgreSQL. Expected hits are found by plain substring
tests on the records, independently of the index."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from crawler.archive import SCHEMA_VERSION, open_archive
from crawler.cli import main

from .conftest import fixture_articles


def searchable(record: dict[str, Any]) -> list[str]:
    return [
        record.get("title") or "",
        record.get("abstract") or "",
        " ".join(record.get("keywords") or []),
        record.get("body") or "",
    ]


def holding(records: list[dict[str, Any]], *words: str) -> set[str]:
    """URLs of the records in which every word occurs in some field."""
    return {
        r["url"]
        for r in records
        if all(any(word in field for field in searchable(r)) for word in words)
    }


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return fixture_articles()


@pytest.fixture
def filled(db_url: str, records: list[dict[str, Any]]) -> str:
    with open_archive(db_url) as archive:
        for record in records:
            archive.save_article(record)
    return db_url


def search(db: str, *args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["search", *args, "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    hits: list[dict[str, Any]] = json.loads(result.stdout)
    return hits


@pytest.mark.parametrize("word", ["党群", "党群关系", "群众", "振兴", "榜样7", "2023"])
def test_a_word_finds_exactly_the_articles_holding_it(
    filled: str, records: list[dict[str, Any]], word: str
) -> None:
    expected = holding(records, word)
    assert expected
    hits = search(filled, word, "--limit", "100")
    assert {hit["url"] for hit in hits} == expected
    for hit in hits:
        assert set(hit) >= {"title", "site", "published_at", "url", "snippet", "score"}
        assert f"**{word}**" in hit["snippet"]


def test_two_characters_are_enough_and_rank_title_hits_first(
    filled: str, records: list[dict[str, Any]]
) -> None:
    hits = search(filled, "党群")
    in_title = {r["url"] for r in records if "党群" in r["title"]}
    assert in_title and len(hits) > len(in_title)
    assert {hit["url"] for hit in hits[: len(in_title)]} == in_title
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_words_apart_are_and_quoted_words_a_phrase(
    filled: str, records: list[dict[str, Any]]
) -> None:
    apart = {
        "url": "http://example.cn/apart.html",
        "site": "测试网",
        "title": "路线图",
        "body": "我们走访群众，制定了新的公交线路。",
        "keywords": [],
        "credits": {},
    }
    with open_archive(filled) as archive:
        archive.save_article(apart)
    records = [*records, apart]
    both = holding(records, "群众", "路线")
    phrase = holding(records, "群众路线")
    assert apart["url"] in both and apart["url"] not in phrase
    assert phrase
    assert {hit["url"] for hit in search(filled, "群众 路线", "--limit", "100")} == both
    phrase_hits = search(filled, '"群众路线"', "--limit", "100")
    assert {hit["url"] for hit in phrase_hits} == phrase
    assert all("**群众路线**" in hit["snippet"] for hit in phrase_hits)


def test_site_filter_and_limit(filled: str, records: list[dict[str, Any]]) -> None:
    expected = {r["url"] for r in records if r["site"] == "工作报告网"} & holding(records, "党")
    assert expected and expected != holding(records, "党")
    hits = search(filled, "党", "--site", "工作报告网", "--limit", "100")
    assert {hit["url"] for hit in hits} == expected
    assert len(search(filled, "党", "--limit", "2")) == 2


def test_insert_update_and_new_version_show_at_once(db_url: str) -> None:
    page = {
        "url": "http://example.cn/news/1.html",
        "site": "测试网",
        "title": "春季植树活动总结",
        "body": "全体党员参加了春季植树活动。",
        "keywords": [],
        "credits": {},
    }
    with open_archive(db_url) as archive:
        assert archive.save_article(page) == "new"
        assert [hit.url for hit in archive.search("植树")] == [
            page["url"]
        ]  # no commit needed: search sees the batch
        changed = {**page, "body": "全体党员参加了秋季义务劳动。"}
        assert archive.save_article(changed) == "changed"
        assert [hit.url for hit in archive.search("秋季 义务劳动")] == [page["url"]]
        assert archive.search("参加了春季") == []  # the old body is gone from the index
        assert archive.search("春季 植树")  # still in the title
    assert [hit["url"] for hit in search(db_url, "义务劳动")] == [page["url"]]
    assert search(db_url, "植树活动。") == search(db_url, "植树活动")
    with open_archive(db_url) as archive:
        archive.mark_gone(page["url"])
    assert search(db_url, "义务劳动") == []


def test_an_archive_made_before_the_index_is_upgraded_and_filled(
    db_url: str, records: list[dict[str, Any]]
) -> None:
    with open_archive(db_url) as archive:
        for record in records:
            archive.save_article(record)
    # The layout of schema version 1: no search table.
    with open_archive(db_url) as archive, archive.engine.begin() as conn:
        conn.execute(text("DROP TABLE articles_fts"))
        conn.execute(text("DELETE FROM schema_version"))
        conn.execute(text("INSERT INTO schema_version VALUES (1, '2024-01-01T00:00:00+00:00')"))
    with open_archive(db_url) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        hits = archive.search("党群关系", limit=100)
        assert {hit.url for hit in hits} == holding(records, "党群关系")


def test_ascii_words_fold_case_and_width(db_url: str) -> None:
    with open_archive(db_url) as archive:
        archive.save_article(
            {"url": "http://example.cn/e.html", "title": "Python 与 ＳＱＬｉｔｅ 入门", "body": "x"}
        )
        assert len(archive.search("sqlite")) == 1
        assert len(archive.search("PYTHON 入门")) == 1
        assert archive.search("pyth") == []  # words match whole, not as prefixes


def test_table_output(filled: str) -> None:
    result = CliRunner().invoke(main, ["search", "群众路线", "--db", filled])
    assert result.exit_code == 0, result.output
    assert "不断探索密切党群关系的途径与方法" in result.stdout
    assert "**群众路线**" in result.stdout
    assert "1 result for 群众路线" in result.stderr  # the mobile copy is an alias


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["", "--db"], "search query is empty"),
        (["   ", "--db"], "search query is empty"),
        (["！？——", "--db"], "'！？——' has no letters or digits"),
        (["党群", "--limit", "0", "--db"], "--limit 0: not a positive whole number"),
        (["党群", "--format", "xml", "--db"], "--format xml: unknown format"),
    ],
)
def test_bad_queries(filled: str, args: list[str], fragment: str) -> None:
    result = CliRunner().invoke(main, ["search", *args, filled])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert fragment in result.stderr


def test_neighbouring_hits_are_marked_once() -> None:
    """星辰 大海 over 星辰大海: one mark, not **星辰****大海**."""
    from crawler.archive.search import _hit_pattern, parse_query, snippet

    record = {"title": "t", "body": "我们的征途是星辰大海，也是脚下的土地。"}
    marked = snippet(record, [_hit_pattern(term) for term in parse_query("星辰 大海")])
    assert "**星辰大海**" in marked and "****" not in marked
