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
        # Official documents write dates in Chinese numerals.
        ("二〇二四年三月十五日", "2024-03-15T00:00:00+08:00"),
        ("成文日期：二〇二三年十二月三十一日", "2023-12-31T00:00:00+08:00"),
        # Full-width digits and separators.
        ("２０２４年３月１５日", "2024-03-15T00:00:00+08:00"),
        ("２０２４－０３－１５　０８：３０", "2024-03-15T08:30:00+08:00"),
        # A weekday or the half of the day between the date and its time.
        ("2024年3月15日 星期五 08:30", "2024-03-15T08:30:00+08:00"),
        ("2024-03-15（周五）08:30", "2024-03-15T08:30:00+08:00"),
        ("2024年3月15日 下午3:30", "2024-03-15T15:30:00+08:00"),
        ("2024年3月15日 上午9:05", "2024-03-15T09:05:00+08:00"),
        ("2024年3月15日 晚上12:00", "2024-03-15T12:00:00+08:00"),
        # English month names, with a time and a named zone.
        ("March 15, 2024", "2024-03-15T00:00:00+08:00"),
        ("Published 15 March 2024", "2024-03-15T00:00:00+08:00"),
        ("6 min read · Mar. 15, 2024", "2024-03-15T00:00:00+08:00"),
        ("May 24, 2024 10:30 AM EDT", "2024-05-24T10:30:00-04:00"),
        ("Sept 3rd, 2023 at 4:05 pm", "2023-09-03T16:05:00+08:00"),
        ("15 Mayday 2024", None),
        # Taiwan's calendar: 民國113年 is 2024, and so is 113 on a labelled line.
        ("中華民國113年3月15日", "2024-03-15T00:00:00+08:00"),
        ("發布日期：113-03-15", "2024-03-15T00:00:00+08:00"),
        ("版本 113-03-15", None),
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


@pytest.mark.parametrize(
    "line",
    [
        "更新时间：2024-04-01 发布时间：2024-03-15",
        "发布时间：2024-03-15 更新时间：2024-04-01",
        "更新日期：2024-04-01 发布日期：2024-03-15",
    ],
)
def test_the_publication_date_wins_over_the_update(line: str) -> None:
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>工作报告_政府网</title></head><body>"
        f"<h1>工作报告</h1><div class='info'>{line}</div><div class='text'>"
        + "<p>今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。</p>" * 4
        + "</div></body></html>"
    ).encode()
    assert extract(page, "http://www.example.gov.cn/a/1.html").published_at == (
        "2024-03-15T00:00:00+08:00"
    )


def test_an_update_date_alone_dates_the_article() -> None:
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>工作报告_政府网</title></head><body>"
        "<h1>工作报告</h1><div class='info'>更新时间：2024-04-01 10:20</div><div class='text'>"
        + "<p>今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。</p>" * 4
        + "</div></body></html>"
    ).encode()
    assert extract(page, "http://www.example.gov.cn/a/1.html").published_at == (
        "2024-04-01T10:20:00+08:00"
    )


def test_a_date_closing_the_text_dates_it_when_nothing_else_does() -> None:
    """A press release: no date above the text, 完 then the day under it."""
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>行政長官開場發言_新聞公報</title></head><body>"
        "<h1>行政長官開場發言</h1><div class='text'>"
        + "<p>大家好！歡迎大家今日出席施政報告公眾諮詢會，我們會認真聽取意見。</p>" * 4
        + "<p>完</p><p>2024年3月15日（星期五）</p></div></body></html>"
    ).encode()
    record = extract(page, "https://www.info.example.hk/gia/general/202403/15/P1.htm")
    assert record.published_at == "2024-03-15T00:00:00+08:00"
    assert "完" not in record.body.split("\n\n")


def test_a_date_line_over_the_title_dates_the_post_not_its_comments() -> None:
    """Z-Blog's theme shows the post's date over its title; its comments are 发布于 too."""
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>读后感-静思范文</title></head><body>"
        "<h4 class='post-date'>2023年10月8日</h4><h2 class='post-title'>读后感</h2>"
        "<div class='post-body'>"
        + "<p>今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。</p>"
        * 4
        + "</div><ul class='comments'><li><p>写得很好。</p><p>发布于 2023-10-09 21:14:05</p></li>"
        "</ul></body></html>"
    ).encode()
    assert extract(page, "https://www.example.cn/post/12.html").published_at == (
        "2023-10-08T00:00:00+08:00"
    )


@pytest.mark.parametrize(
    ("url", "published_at"),
    [
        ("http://www.example.cn/szbg/2022-01-12/156.html", "2022-01-12T16:40:00+08:00"),
        ("http://www.example.gov.cn/zwgk/202201/t20220112_156.html", "2022-01-12T16:40:00+08:00"),
        # The address names another day: the year is not borrowed.
        ("http://www.example.cn/szbg/2022-01-13/156.html", None),
        ("http://www.example.cn/szbg/156.html", None),
    ],
)
def test_a_day_shown_without_its_year_takes_the_year_of_its_address(
    url: str, published_at: str | None
) -> None:
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>述职报告_范文网</title></head><body>"
        "<h1>述职报告</h1><div class='info'>01-12 16:40 阅读 356</div><div class='text'>"
        + "<p>今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。</p>" * 4
        + "</div></body></html>"
    ).encode()
    assert extract(page, url).published_at == published_at


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("24-03-05", "2024-03-05T00:00:00+08:00"),
        ("24/3/5 9:08", "2024-03-05T09:08:00+08:00"),
        ("24.03.05", "2024-03-05T00:00:00+08:00"),
        ("12-345-678", None),  # no date
        ("24-3/5", None),  # separators that differ
    ],
)
def test_a_date_labels_value_may_write_its_year_in_two_digits(value: str, iso: str | None) -> None:
    from crawler.extract.dates import parse_date, parse_labelled_date

    assert parse_labelled_date(value) == iso
    assert parse_date(value) is None  # (unlabelled, two digits are no year)


def test_an_index_tables_publication_date_outranks_a_documents_signing_date() -> None:
    """A 信息公开 page: the index table over the title says 发布日期 (and 成文日期); the 公文
    closes with its issuer and signing date. The page was published on the table's day."""
    from crawler.extract import extract

    table = (
        "<table><tr><th>索 引 号：</th><td>000014349/2024-02310</td><th>成文日期：</th>"
        "<td>2024-02-02</td></tr><tr><th>文　　号：</th><td>青府发〔2024〕3号</td>"
        "<th>发布日期：</th><td>2024-02-07</td></tr></table>"
    )
    page = (
        "<html><head><meta charset='utf-8'><title>关于做好春耕生产工作的通知</title></head><body>"
        f"{table}<h2>关于做好春耕生产工作的通知</h2><div class='zoom'>"
        + "<p>各乡镇人民政府，县政府各部门：为做好今年春耕生产工作，现就有关事项通知如下。</p>" * 4
        + "<p>青山县人民政府</p><p>2024年2月2日</p></div></body></html>"
    ).encode()
    record = extract(page, "http://www.qsx.gov.cn/xxgk/zfwj/202402/t20240207_3015.html")
    assert record.published_at == "2024-02-07T00:00:00+08:00"
    without_table = page.replace(table.encode(), b"")
    record = extract(without_table, "http://www.qsx.gov.cn/xxgk/zfwj/202402/t20240207_3015.html")
    assert record.published_at == "2024-02-02T00:00:00+08:00"  # (then the signing date)
