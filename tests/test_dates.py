"""Dates as report sites write them (crawler/extract/dates.py)."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from crawler.extract.dates import parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("发布时间：2023-07-22 16:50:27", "2023-07-22T16:50:27+08:00"),
        ("2023年07月22日", "2023-07-22T00:00:00+08:00"),
        ("2023/7/22 8:05", "2023-07-22T08:05:00+08:00"),
        ("2023-07-22T16:50:27Z", "2023-07-22T16:50:27+00:00"),
        ("2023-07-22T16:50:27+05:30", "2023-07-22T16:50:27+05:30"),
        # No zone has such an offset: digits glued to the time, read in the page's zone.
        ("2023-07-22 10:00+99:13", "2023-07-22T10:00:00+08:00"),
        ("2023-07-22 10:00-2375", "2023-07-22T10:00:00+08:00"),
        ("2023-02-30", None),  # no such day
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_the_site_zone_applies_without_an_offset() -> None:
    assert parse_date("2023-07-22 10:00", timezone(timedelta(hours=-5))) == (
        "2023-07-22T10:00:00-05:00"
    )


def test_a_papers_history_dates_are_not_its_publication() -> None:
    """收稿日期 (received) and 修回日期 (revised) come first on a paper's line; 网络首发时间 and
    出版日期 date it."""
    from crawler.extract import extract

    paragraphs = "".join(
        f"<p>第{n}段：本文讨论基层治理能力的提升路径，并提出了对策建议。</p>" for n in range(4)
    )
    for line, expected in [
        ("收稿日期：2023-03-15 修回日期：2023-04-02 网络首发时间：2023-05-26", "2023-05-26"),
        ("收稿日期：2023-03-15　出版日期：2023-07-20　发布日期：2023-08-02", "2023-07-20"),
        ("在线公开时间：2023-05-26", "2023-05-26"),
    ]:
        page = (
            f"<html><head><meta charset='utf-8'><title>论文_学报</title></head><body>"
            f"<h1>论文</h1><div class='dates'>{line}</div><div class='text'>{paragraphs}</div>"
            f"</body></html>"
        ).encode()
        report = extract(page, "http://xb.example.edu.cn/a/1.html")
        assert report.published_at == f"{expected}T00:00:00+08:00", line
