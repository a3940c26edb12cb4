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
