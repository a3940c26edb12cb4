"""The item pipelines, driven through a real Scrapy crawler object and, once, a real
crawl; the archive is a SQLite file in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, text

from crawler.archive import content_hash, open_archive
from crawler.archive.signals import record_failure, record_page
from crawler.items import RECORD_FIELDS, ArticleItem
from pipelines.dedupe import DedupePipeline
from pipelines.normalize import NormalizePipeline, normalize_record
from pipelines.store import StorePipeline, archive_of
from pipelines.validate import InvalidItem, ValidatePipeline

ROOT = Path(__file__).resolve().parent.parent


class ReportSpider(Spider):
    name = "reports"


def article(n: int = 1, **fields: Any) -> ArticleItem:
    record: dict[str, Any] = {
        "url": f"http://example.cn/a/{n}.html",
        "pages": [f"http://example.cn/a/{n}.html"],
        "title": f"述职报告 {n}",
        "body": "第一段。\n\n第二段。",
        **fields,
    }
    return ArticleItem(record=record)


@pytest.fixture
def crawler(tmp_path: Path) -> Iterator[Crawler]:
    settings = {"ARCHIVE_DB_URL": str(tmp_path / "archive.sqlite"), "ARCHIVE_COMMIT_EVERY": 2}
    made = get_crawler(ReportSpider, settings)
    made.spider = ReportSpider.from_crawler(made, site="demo")
    assert made.stats is not None
    made.stats.open_spider()
    yield made


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def close(crawler: Crawler, pipeline: StorePipeline, reason: str = "finished") -> None:
    """What the engine does at the end of a crawl: pipelines' close_spider, then the
    spider_closed signal carrying the finish reason."""
    pipeline.close_spider()
    crawler.signals.send_catch_log(
        signal=signals.spider_closed, spider=crawler.spider, reason=reason
    )


# -- normalize -----------------------------------------------------------------------


def test_normalize_folds_whitespace_and_lists() -> None:
    item = article(
        title="  2024年\u3000个人\xa0述职报告 \n",
        category="\u3000",
        body="  第一段\u3000\u3000内容。 \r\n\r\n\n   \n第二段&nbsp;内容。\n第二段续行  ",
        keywords=["述职", " 述职 ", "", "\u3000", "报告"],
        tags=["标签", "标签", "  "],
        credits={"author": " 张三\xa0", "editor": ""},
        abstract="  ",
    )
    item.record["fetched_at"] = None
    result = NormalizePipeline(get_crawler()).process_item(item)
    record = result.record
    assert list(record)[: len(RECORD_FIELDS)] == list(RECORD_FIELDS)
    assert record["title"] == "2024年 个人 述职报告"
    assert record["category"] is None
    assert record["abstract"] is None
    assert record["body"] == "第一段 内容。\n\n第二段 内容。\n第二段续行"
    assert record["keywords"] == ["述职", "报告"]
    assert record["tags"] == ["标签"]
    assert record["credits"] == {
        "author": "张三",
        "author_unit": None,
        "editor": None,
        "source": None,
    }
    assert record["fetched_at"]  # set when missing
    assert record["content_hash"] == content_hash(record)
    assert normalize_record(record) == record  # idempotent


def test_normalize_keeps_fetched_at_and_words() -> None:
    item = article(body="錯別字 原樣保留", fetched_at="2024-01-01T00:00:00+00:00")
    record = NormalizePipeline(get_crawler()).process_item(item).record
    assert record["body"] == "錯別字 原樣保留"
    assert record["fetched_at"] == "2024-01-01T00:00:00+00:00"


def test_normalize_passes_other_items() -> None:
    other = {"not": "an article"}
    assert NormalizePipeline(get_crawler()).process_item(other) is other


# -- validate ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"url": None}, "no url"),
        ({"url": "ftp://example.cn/a.html"}, r"url is not http\(s\)"),
        ({"url": "http:///nohost"}, r"url is not http\(s\)"),
        ({"title": "  "}, "empty title"),
        ({"body": ""}, "empty body"),
    ],
)
def test_validate_rejects(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidItem, match=reason):
        ValidatePipeline(get_crawler()).process_item(article(**fields))


def test_validate_accepts_good_record() -> None:
    item = article()
    assert ValidatePipeline(get_crawler()).process_item(item) is item


def test_validation_failures_land_in_failures_table(crawler: Crawler, tmp_path: Path) -> None:
    validate = ValidatePipeline.from_crawler(crawler)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    bad = article(7, title="")
    with pytest.raises(InvalidItem) as info:
        validate.process_item(bad)
    # The engine sends item_dropped for a DropItem; the store pipeline listens.
    crawler.signals.send_catch_log(
        signal=signals.item_dropped,
        item=bad,
        response=None,
        spider=crawler.spider,
        exception=info.value,
    )
    close(crawler, store)
    assert rows(tmp_path / "archive.sqlite", "SELECT url, stage, reason, run_id FROM failures") == [
        ("http://example.cn/a/7.html", "validate", "empty title", 1)
    ]


# -- dedupe --------------------------------------------------------------------------


def test_dedupe_drops_second_item_with_same_url(crawler: Crawler) -> None:
    dedupe = DedupePipeline.from_crawler(crawler)
    dedupe.open_spider()
    assert dedupe.process_item(article(1))
    assert dedupe.process_item(article(2))
    with pytest.raises(DropItem, match="duplicate") as info:
        dedupe.process_item(ArticleItem(record={"url": "http://example.cn/a/1.html#top"}))
    assert not isinstance(info.value, InvalidItem)  # a duplicate is not a failure
    dedupe.open_spider()  # a new run starts afresh
    assert dedupe.process_item(article(1))


# -- store ---------------------------------------------------------------------------


def test_store_saves_counts_and_finishes_run(crawler: Crawler, tmp_path: Path) -> None:
    normalize = NormalizePipeline.from_crawler(crawler)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    assert archive_of(crawler) is store.archive
    for item in (article(1), article(2), article(1), article(2, body="新正文。")):
        store.process_item(normalize.process_item(item))
    incomplete = normalize.process_item(article(3))
    incomplete.incomplete = True
    store.process_item(incomplete)
    assert store.archive is not None
    assert store.archive.pending < 2  # batches of ARCHIVE_COMMIT_EVERY=2 were committed
    record_page(crawler, "http://example.cn/a/1.html", status=200, kind="article", size=10)
    record_failure(crawler, "http://example.cn/a/9.html", "fetch", "HTTP 503")
    close(crawler, store, reason="closespider_itemcount")
    assert archive_of(crawler) is None

    stats = crawler.stats.get_stats()
    assert stats["archive/articles_new"] == 3
    assert stats["archive/articles_unchanged"] == 1
    assert stats["archive/articles_changed"] == 1
    assert stats["archive/articles_incomplete"] == 1
    assert stats["archive/pages"] == 1
    assert stats["archive/failures/fetch"] == 1

    db = tmp_path / "archive.sqlite"
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]
    assert rows(db, "SELECT count(*) FROM article_versions") == [(4,)]
    assert rows(db, "SELECT incomplete FROM articles WHERE url LIKE '%/3.html'") == [(1,)]
    assert rows(db, "SELECT url, status, kind, run_id FROM pages") == [
        ("http://example.cn/a/1.html", 200, "article", 1)
    ]
    assert rows(db, "SELECT stage, reason FROM failures") == [("fetch", "HTTP 503")]
    [(args, reason, run_stats, finished, worker)] = rows(
        db, "SELECT args, finish_reason, stats, finished_at, worker FROM crawl_runs"
    )
    assert json.loads(args)["spider"] == "reports"
    assert json.loads(args)["site"] == "demo"
    assert reason == "closespider_itemcount"
    assert json.loads(run_stats)["archive/articles_new"] == 3
    assert finished and worker


def test_store_failure_is_recorded_and_dropped(crawler: Crawler, tmp_path: Path) -> None:
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    with pytest.raises(DropItem, match="could not store"):
        store.process_item(ArticleItem(record={"title": "no url"}))
    assert store.process_item(article(1))  # the crawl goes on
    close(crawler, store)
    db = tmp_path / "archive.sqlite"
    assert rows(db, "SELECT stage FROM failures") == [("store",)]
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]


def test_signals_without_store_are_harmless() -> None:
    crawler = get_crawler(ReportSpider)
    record_page(crawler, "http://example.cn/", status=200)
    record_failure(crawler, "http://example.cn/", "fetch", "timeout")


def test_bad_database_setting_is_named(tmp_path: Path) -> None:
    from crawler.archive import ArchiveError

    blocker = tmp_path / "file"
    blocker.write_text("")
    crawler = get_crawler(ReportSpider, {"ARCHIVE_DB_URL": str(blocker / "archive.sqlite")})
    with pytest.raises(ArchiveError, match=str(blocker)):
        StorePipeline.from_crawler(crawler)


# -- a real crawl ------------------------------------------------------------------------

CRAWL_SCRIPT = """
import sys
from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from crawler.items import ArticleItem

def item(n, **fields):
    url = f"http://example.cn/a/{n}.html"
    return ArticleItem(record={"url": url, "title": f"报告{n}", "body": "正文。", **fields})

class ItemsSpider(Spider):
    name = "items"

    async def start(self):
        yield item(1, title="  心得体会\\u3000一  ")
        yield item(2, body="")
        yield item(1)
        yield item(3)

process = CrawlerProcess({
    "ARCHIVE_DB_URL": sys.argv[1],
    "ITEM_PIPELINES": {
        "pipelines.normalize.NormalizePipeline": 100,
        "pipelines.validate.ValidatePipeline": 200,
        "pipelines.dedupe.DedupePipeline": 300,
        "pipelines.store.StorePipeline": 400,
    },
    "LOG_LEVEL": "INFO",
})
process.crawl(ItemsSpider)
process.start()
"""


def test_pipelines_in_a_real_crawl(tmp_path: Path) -> None:
    script = tmp_path / "crawl.py"
    script.write_text(textwrap.dedent(CRAWL_SCRIPT))
    db = tmp_path / "archive.sqlite"
    for _ in range(2):  # the second run must add no article rows
        done = subprocess.run(
            [sys.executable, str(script), str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    with open_archive(str(db)) as archive:
        records = {r["url"]: r for r in archive.iter_records()}
        failures = list(archive.iter_failures())
        counts = archive.counts()
    assert sorted(records) == ["http://example.cn/a/1.html", "http://example.cn/a/3.html"]
    assert records["http://example.cn/a/1.html"]["title"] == "心得体会 一"
    assert [(f["url"], f["stage"], f["reason"], f["run_id"]) for f in failures] == [
        ("http://example.cn/a/2.html", "validate", "empty body", 1),
        ("http://example.cn/a/2.html", "validate", "empty body", 2),
    ]
    assert counts["article_versions"] == 2
    assert rows(db, "SELECT finish_reason FROM crawl_runs ORDER BY id") == [
        ("finished",),
        ("finished",),
    ]
    stats = json.loads(rows(db, "SELECT stats FROM crawl_runs WHERE id = 2")[0][0])
    assert stats["archive/articles_unchanged"] == 2
    assert stats["archive/duplicates"] == 1
