"""The spider's handling of one fetched page, in process: what it yields and records."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

import crawler.spiders.reports as reports
from crawler.archive.signals import page_failed
from crawler.extract import PageAnalysis, analyse
from crawler.spiders.reports import ReportsSpider

URL = "http://reports.example.cn/gongzuobaogao/2024/0305/1.html"  # (never fetched)
PROSE = "今年以来，我们坚持以人民为中心的发展思想，认真落实各项工作部署，扎实推进重点任务。" * 4
ARTICLE = (
    "<html><head><meta charset='utf-8'><title>一篇工作报告_示例范文网</title></head><body>"
    "<h1>一篇工作报告</h1><div class='info'>时间：2024-03-05 09:12</div>"
    f"<div class='content'><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
)


def test_a_parser_bug_in_a_pages_record_is_a_recorded_failure_not_a_lost_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The record is read lazily; a bug met reading it (here: any exception) is caught where
    the page is analysed, and recorded as the page's extract failure with its reason."""

    def failing_analyse(*args: Any, **kwargs: Any) -> PageAnalysis:
        def broken() -> Any:
            raise RuntimeError("an odd page the extractor trips on")

        return dataclasses.replace(analyse(*args, **kwargs), make_report=broken)

    monkeypatch.setattr(reports, "analyse", failing_analyse)
    crawler = get_crawler(ReportsSpider)
    spider = ReportsSpider.from_crawler(crawler, start_url=URL)
    failures: list[tuple[str, str, str]] = []

    def on_failure(url: str, stage: str, reason: str, **_: Any) -> None:
        failures.append((url, stage, reason))

    crawler.signals.connect(on_failure, signal=page_failed)
    response = HtmlResponse(URL, body=ARTICLE.encode(), encoding="utf-8", request=Request(URL))
    out = list(spider.parse(response))
    assert not [item for item in out if not isinstance(item, Request)]
    assert failures == [(URL, "extract", "RuntimeError: an odd page the extractor trips on")]
