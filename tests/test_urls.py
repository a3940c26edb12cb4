"""Canonical URLs and the numbering of an article's pages (crawler/extract/urls.py)."""

from __future__ import annotations

import pytest

from crawler.extract import canonical_url, continuation_urls
from crawler.extract.urls import (
    first_page_address,
    page_key,
    same_article_pages,
    with_page,
    without_tracking,
)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # Already canonical: returned as given.
        (
            "http://www.gzbgw.cn/a/2023/0722/12345.html",
            "http://www.gzbgw.cn/a/2023/0722/12345.html",
        ),
        ("http://127.0.0.1:8765/demo/a_2.html", "http://127.0.0.1:8765/demo/a_2.html"),
        ("https://example.cn/文章/1.html", "https://example.cn/文章/1.html"),
        # Scheme and host lower-cased, default ports, fragments and tracking parameters dropped.
        ("HTTP://WWW.Example.CN/A.html", "http://www.example.cn/A.html"),
        ("http://example.cn:80/a.html", "http://example.cn/a.html"),
        ("https://example.cn:443/a.html", "https://example.cn/a.html"),
        ("http://example.cn:8080/a.html#p3", "http://example.cn:8080/a.html"),
        ("http://example.cn", "http://example.cn/"),
        (
            "http://example.cn/a.php?id=3&utm_source=wx&from=timeline&spm=1.2",
            "http://example.cn/a.php?id=3",
        ),
        ("http://example.cn/a.html?utm_medium=share", "http://example.cn/a.html"),
        ("  http://example.cn/a.html  ", "http://example.cn/a.html"),
        # A GBK-encoded value stays as written (decoding it as UTF-8 would garble it).
        (
            "http://example.cn/tags.php?q=%D1%A7%CF%B0&utm_source=wx",
            "http://example.cn/tags.php?q=%D1%A7%CF%B0",
        ),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_page_numbers_of_an_article() -> None:
    assert page_key("http://example.cn/a/123_2.html") == ("http://example.cn/a/123.html", 2)
    assert page_key("http://example.cn/view.php?aid=5&pageno=3") == (
        "http://example.cn/view.php?aid=5",
        3,
    )
    assert page_key("http://example.cn/2023/06/28/slug/2/") == (
        "http://example.cn/2023/06/28/slug/",
        2,
    )
    assert page_key("http://example.cn/2023/06/28/") == ("http://example.cn/2023/06/28/", 1)
    hrefs = ["#", "123_3.html", "123_2.html", "/list_2.html", "javascript:;", "124.html"]
    assert same_article_pages("http://example.cn/a/123.html", hrefs) == [
        "http://example.cn/a/123_2.html",
        "http://example.cn/a/123_3.html",
    ]


def test_a_lone_p_is_a_post_id_not_a_page() -> None:
    """WordPress default permalinks: /?p=231 is post 231; its second page is &page=2."""
    assert page_key("http://example.cn/?p=231") == ("http://example.cn/?p=231", 1)
    assert page_key("http://example.cn/?p=231&page=2") == ("http://example.cn/?p=231", 2)
    assert page_key("http://example.cn/list.php?tid=3&p=2") == (
        "http://example.cn/list.php?tid=3",
        2,
    )
    assert same_article_pages("http://example.cn/?p=231", ["/?p=231&page=2", "/?p=232"]) == [
        "http://example.cn/?p=231&page=2"
    ]


def test_empirecms_dynamic_pages_count_from_zero() -> None:
    """ShowInfo.php's page parameter numbers the second page 1: its pages are 1, 2, 3 all the
    same, and the second is not taken for the first."""
    first = "http://example.cn/e/action/ShowInfo.php?classid=5&id=88"
    assert page_key(first) == (first, 1)
    assert page_key(first + "&page=1") == (first, 2)
    assert page_key(first + "&page=2") == (first, 3)
    assert page_key(first + "&page=0") == (first, 1)
    pager = [
        "ShowInfo.php?classid=5&id=88",
        "ShowInfo.php?classid=5&id=88&page=1",
        "ShowInfo.php?classid=5&id=88&page=2",
        "ShowInfo.php?classid=5&id=88&page=1",
    ]
    assert same_article_pages(first, pager) == [first + "&page=1", first + "&page=2"]
    # From the second page: the first is the bare URL, and 共3页 fills in the third.
    second = first + "&page=1"
    assert same_article_pages(second, [first, "ShowInfo.php?classid=5&id=88&page=1"], 3) == [
        first,
        first + "&page=2",
    ]
    # Elsewhere ?page=1 is still the first page.
    assert page_key("http://example.cn/show.php?id=88&page=1") == (
        "http://example.cn/show.php?id=88",
        1,
    )


def test_trs_documents_count_later_pages_from_1() -> None:
    """TRS WCM (government portals): t20240220_2001_1.html is the second page."""
    first = "http://www.x.gov.cn/zwgk/202402/t20240220_2001.html"
    second, third = first.replace(".html", "_1.html"), first.replace(".html", "_2.html")
    assert [page_key(u) for u in (first, second, third)] == [(first, 1), (first, 2), (first, 3)]
    assert same_article_pages(first, ["t20240220_2001_1.html", "t20240220_2001_2.html"]) == [
        second,
        third,
    ]
    # From page 2, linking only page 1, with 共3页: page 3 follows TRS's numbering.
    assert same_article_pages(second, ["t20240220_2001.html"], 3) == [first, third]
    # Elsewhere _1 is still the first page's own name (PHPCMS show-12-345-1.html).
    assert page_key("http://x.cn/a/123_2.html") == ("http://x.cn/a/123.html", 2)


def test_a_pager_writing_the_path_raw_finds_the_encoded_pages() -> None:
    """The page's URL percent-encodes its Chinese file name; its pager writes it raw."""
    url = "http://x.cn/2024/0402/%E5%85%9A%E8%AF%BE%E5%BF%83%E5%BE%97.html"
    pages = same_article_pages(url, ["党课心得_2.html", "党课心得_3.html", "党课心得.html"])
    assert pages == [
        "http://x.cn/2024/0402/党课心得_2.html",
        "http://x.cn/2024/0402/党课心得_3.html",
    ]


def test_links_resolve_against_the_base() -> None:
    url = "http://x.cn/article/show.asp?id=106"
    pages = same_article_pages(url, ["article/show.asp?id=106&page=2"], base="http://x.cn/")
    assert pages == ["http://x.cn/article/show.asp?id=106&page=2"]


def test_without_tracking_keeps_the_rest_as_written() -> None:
    assert without_tracking("http://x.cn/a.html?utm_source=wx") == "http://x.cn/a.html"
    assert without_tracking("http://x.cn/s.php?q=%D1%A7&spm=1") == "http://x.cn/s.php?q=%D1%A7"
    assert without_tracking("http://x.cn/s.php?q=%D1%A7&b=") == "http://x.cn/s.php?q=%D1%A7&b="
    # Session ids: a visitor's, not the page's; a short sid is a section's id.
    assert without_tracking("http://x.cn/a/203.html;jsessionid=AB12") == "http://x.cn/a/203.html"
    assert without_tracking("http://x.cn/a.php?id=3&PHPSESSID=ab12") == "http://x.cn/a.php?id=3"
    long_sid = "http://x.cn/a.php?sid=0123456789abcdef01&id=3"
    assert without_tracking(long_sid) == "http://x.cn/a.php?id=3"
    assert without_tracking("http://x.cn/a.php?sid=5&id=3") == "http://x.cn/a.php?sid=5&id=3"
    assert canonical_url("http://x.cn/a/203.html;jsessionid=AB12") == "http://x.cn/a/203.html"


def test_hrefs_that_are_no_urls_are_skipped() -> None:
    # urljoin raises ValueError on a bracketed host that is no IP address; the page's other
    # links still count.
    hrefs = ["http://[CDATA[x]]>/a/123_3.html", "123_2.html"]
    assert same_article_pages("http://example.cn/a/123.html", hrefs) == [
        "http://example.cn/a/123_2.html"
    ]


def test_an_article_folder_numbers_its_later_pages() -> None:
    """/article/58213/ then 2.html, 3.html; a day's folder (/2020/0104/, /20240312/) holds
    articles, not pages."""
    first = "http://x.cn/article/58213/"
    assert page_key(first + "2.html") == (first, 2)
    assert same_article_pages(first, ["2.html", "3.html", first]) == [
        first + "2.html",
        first + "3.html",
    ]
    for url in (
        "http://x.cn/xindetihui/2020/0104/12.html",
        "http://x.cn/a/20240312/12.html",
        "http://x.cn/news/202403/15.html",
    ):
        assert page_key(url) == (url, 1)


def test_a_large_number_after_an_underscore_is_an_id_not_a_page() -> None:
    """20240315_77.shtml is article 77 of a day; its pages are _77_2.shtml, _77_3.shtml."""
    first = "http://x.cn/html/2024/03/20240315_77.shtml"
    assert page_key(first) == (first, 1)
    assert same_article_pages(first, ["20240315_77_2.shtml", "20240315_77_3.shtml"]) == [
        first.replace("_77", "_77_2"),
        first.replace("_77", "_77_3"),
    ]


def test_thinkphp_routes_number_pages_in_the_path_or_the_route_query() -> None:
    """PbootCMS and other ThinkPHP sites: /article/23/p/2.html, and in the compatible mode the
    route in ?s=: both are page 2 of the article, and a page's URL makes the others."""
    path_first = "http://x.cn/index.php/article/23.html"
    path_second = "http://x.cn/index.php/article/23/p/2.html"
    assert page_key(path_second) == (path_first, 2)
    assert with_page(path_second, 3) == "http://x.cn/index.php/article/23/p/3.html"
    query_first = "http://x.cn/?s=/home/article/detail/id/23.html"
    query_pages = [f"http://x.cn/?s=/home/article/detail/id/23/page/{n}.html" for n in (2, 3)]
    assert [page_key(u) for u in query_pages] == [(query_first, 2), (query_first, 3)]
    # The pager of page 1 (上一页 1 2 3 下一页), with another article's link beside it.
    hrefs = ["/?s=/home/article/detail/id/23/page/2.html", "/?s=/home/article/detail/id/24.html"]
    assert same_article_pages(query_first, hrefs, total=3) == query_pages


def test_a_visitors_tracking_query_does_not_hide_the_pages() -> None:
    """continuation_urls of a page fetched as …/2871563.html?utm_source=baidu."""
    page = (
        "<html><head><meta charset='utf-8'><title>心得体会_范文网</title></head><body>"
        "<h1>心得体会</h1><div class='text'>"
        + "<p>今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。</p>"
        * 6
        + "<div class='pages'><a href='2871563.html'>1</a> <a href='2871563_2.html'>2</a>"
        " <a href='2871563_2.html'>下一页</a></div></div></body></html>"
    ).encode()
    url = "https://www.example.cn/xinde/2871563.html"
    for visited in (url, url + "?utm_source=baidu", url + "?from=timeline&isappinstalled=0"):
        assert continuation_urls(page, visited) == ["https://www.example.cn/xinde/2871563_2.html"]


def test_an_iis_sites_case_variants_are_one_articles_pages() -> None:
    """Linked as Show.asp?ID=103, paged as show.asp?id=103&page=2 (IIS ignores case)."""
    pages = same_article_pages(
        "http://x.cn/Show.asp?ID=103", ["show.asp?id=103&page=2", "SHOW.ASP?id=103&page=3"]
    )
    assert pages == ["http://x.cn/show.asp?id=103&page=2", "http://x.cn/SHOW.ASP?id=103&page=3"]


def test_a_first_page_named_by_its_parameter_is_its_own_address() -> None:
    assert first_page_address("http://x.cn/show.asp?id=103&page=1") == "http://x.cn/show.asp?id=103"
    zero_based = "http://x.cn/e/action/ShowInfo.php?classid=5&id=88&page=0"
    assert first_page_address(zero_based) == "http://x.cn/e/action/ShowInfo.php?classid=5&id=88"
    for kept in (
        "http://x.cn/list.asp?classid=5&page=3",
        "http://x.cn/?p=231",  # a post's id, no page
        "http://x.cn/phpcms/show-12-345-1.html",  # the first page's own name
        "http://x.cn/ShowNews.asp?id=2841&ArticlePage=2",
    ):
        assert first_page_address(kept) == kept
