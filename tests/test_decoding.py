"""UTF-8 pages go to libxml2 undecoded; a bad byte past the first few kilobytes must still
send the page down the decoding path (crawler/extract/__init__.py, _prepare)."""

from __future__ import annotations

import pytest

from crawler.extract import ExtractError, analyse, extract

PARAGRAPH = "这是一个很长的段落，用来检查页面的解码路径是否正确，每一句都要完整保留。"


def _page(paragraphs: int, last: str) -> bytes:
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(paragraphs))
    return (
        '<html><head><meta charset="utf-8"><title>解码测试_测试网</title></head>'
        f"<body><h1>解码测试</h1><div>{body}<p>{last}</p></div></body></html>"
    ).encode()


def test_download_cut_inside_a_character_far_into_the_page() -> None:
    # The page stops inside the last character of "最后一段文字", well past the first 4 KB of
    # text that decide whether a page is handed to libxml2 as UTF-8.
    whole = _page(100, "最后一段文字")
    cut = whole[: whole.rindex("字".encode()) + 2]
    assert len(cut) > 8192

    analysis = analyse(cut, "http://example.com/a.html")

    assert analysis.encoding == "utf-8"
    assert "\ufffd" not in analysis.report.body
    paragraphs = analysis.report.body.split("\n\n")
    assert paragraphs[0] == PARAGRAPH
    assert paragraphs[-1] == "最后一段文"


def test_utf8_page_without_declaration() -> None:
    page = _page(3, "尾声").replace(b'<meta charset="utf-8">', b"")

    analysis = analyse(page, "http://example.com/b.html")

    assert analysis.encoding == "utf-8"
    assert analysis.report.title == "解码测试"
    assert analysis.report.body.split("\n\n") == [PARAGRAPH] * 3 + ["尾声"]


DAMAGED = "码"  # a three-byte character of PARAGRAPH whose damage fooled the old decoder


def _damage(page: bytes, at: int, how: str) -> bytes:
    """page with the first DAMAGED character at or after byte `at` damaged."""
    start = page.index(DAMAGED.encode(), at)
    if how == "invalid byte":
        return page[: start + 1] + b"\xff" + page[start + 2 :]
    if how == "lost byte":
        return page[:start] + page[start + 1 :]
    return page[:start] + b"\x80" + page[start + 1 :]  # a stray continuation byte


@pytest.mark.parametrize("declaration", ['<meta charset="utf-8">', "", '<meta charset="gb2312">'])
@pytest.mark.parametrize("how", ["invalid byte", "lost byte", "stray byte"])
@pytest.mark.parametrize("where", ["near the top", "far into the page"])
def test_utf8_page_with_one_damaged_byte(declaration: str, how: str, where: str) -> None:
    # One bad byte must cost one character, not turn the page into GB18030 or Cyrillic
    # mojibake, whatever the page declares and wherever the byte is.
    whole = _page(100, "尾声").replace(b'<meta charset="utf-8">', declaration.encode())
    at = whole.index(b"<div>") if where == "near the top" else len(whole) // 2
    damaged = _damage(whole, at, how)

    analysis = analyse(damaged, "http://example.com/c.html")

    assert analysis.encoding == "utf-8"
    assert analysis.report.title == "解码测试"
    paragraphs = analysis.report.body.split("\n\n")
    assert "\ufffd" not in analysis.report.body
    assert len(paragraphs) == 101 and paragraphs[-1] == "尾声"
    assert [p for p in paragraphs[:-1] if p != PARAGRAPH] == [PARAGRAPH.replace(DAMAGED, "", 1)]


def test_gbk_page_is_not_taken_for_damaged_utf8() -> None:
    # GBK bytes read as UTF-8 fail at nearly every character: the declaration decides.
    page = _page(20, "尾声").replace(b"utf-8", b"gbk").decode().encode("gbk")

    analysis = analyse(page, "http://example.com/d.html")

    assert analysis.encoding == "gb18030"
    assert analysis.report.body.split("\n\n") == [PARAGRAPH] * 20 + ["尾声"]


def test_gbk_download_cut_inside_a_character() -> None:
    whole = _page(20, "最后一段文字").replace(b"utf-8", b"gbk").decode().encode("gbk")
    cut = whole[: whole.rindex("字".encode("gbk")) + 1]  # the first of its two bytes

    analysis = analyse(cut, "http://example.com/e.html")

    assert analysis.encoding == "gb18030"
    assert "\ufffd" not in analysis.report.body
    assert analysis.report.body.split("\n\n")[-1] == "最后一段文"


REPORT_LINE = "今年以来，我们围绕中心工作，扎实推进各项任务，凝心聚力取得了明显成效。"


def _report_page(paragraphs: str) -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>工作报告_范文网</title></head><body>"
        f"<h1>工作报告</h1><div class='text'>{paragraphs}</div></body></html>"
    ).encode()


@pytest.mark.parametrize("where", ["first paragraph", "past 2 KB"])
def test_a_stray_nul_byte_is_dropped_not_the_page(where: str) -> None:
    """A NUL in a page (a CMS's bad copy and paste) costs nothing but itself."""
    filler = "".join(
        f"<p>第{n}段。{REPORT_LINE}</p>" for n in range(30 if where == "past 2 KB" else 0)
    )
    damaged = REPORT_LINE.replace("凝心", "凝心\x00")
    body = _report_page(f"{filler}<p>{damaged}</p>" + f"<p>{REPORT_LINE}</p>" * 3)
    report = extract(body, "http://example.cn/a/1.html")
    assert "凝心聚力" in report.body
    assert "\ufffd" not in report.body and "\x00" not in report.body


def test_control_characters_are_dropped_from_title_and_body() -> None:
    body = (
        "<html><head><meta charset='utf-8'><title>坚强\x01领导_范文网</title></head><body>"
        "<h1>坚强\x01领导</h1><div class='text'>"
        + "<p>"
        + REPORT_LINE.replace("中心", "中\x02心\x7f")
        + "</p>" * 4
        + "</div></body></html>"
    ).encode()
    report = extract(body, "http://example.cn/a/1.html")
    assert report.title == "坚强领导"
    assert report.body.split("\n\n")[0] == REPORT_LINE


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "<b>x</b>", "body": "' + "工作报告".encode() * 40 + b'"}',
        b"[1, 2, 3]",
        "纯文本的工作报告，没有任何标记。".encode() * 20,
        b"%PDF-1.7\n<< /Type /Catalog >>",
    ],
)
def test_what_is_no_page_is_refused_by_the_extractor(body: bytes) -> None:
    with pytest.raises(ExtractError):
        extract(body, "http://example.cn/a/1.json")


def test_a_frameset_pages_fallback_text_is_no_body() -> None:
    body = (
        "<html><head><meta charset='utf-8'><title>工作报告网</title></head>"
        "<frameset cols='20%,80%'><frame src='menu.html'><frame src='main.html'>"
        "<noframes><body>您的浏览器不支持框架。</body></noframes></frameset></html>"
    ).encode()
    report = extract(body, "http://example.cn/")
    assert "<body>" not in report.body


def test_pathological_markup_loses_no_text_and_raises_nothing() -> None:
    """300 unclosed <font> tags (an old editor's output) nest deeper than libxml2's default
    limit, past which it drops the rest of the page; a JSON-LD nested a thousand levels deep
    would raise RecursionError."""
    lines = "".join(f"<font color=red>第{n}行：{REPORT_LINE}<br>" for n in range(300))
    deep = "[" * 1200 + "]" * 1200
    body = (
        "<html><head><meta charset='utf-8'><title>工作报告_范文网</title>"
        f"<script type='application/ld+json'>{deep}</script></head><body>"
        f"<h1>工作报告</h1><div class='text'>{lines}</div></body></html>"
    ).encode()
    paragraphs = extract(body, "http://example.cn/a/1.html").body.split("\n\n")
    assert paragraphs[-1] == f"第299行：{REPORT_LINE}"


def test_a_pager_of_ten_thousand_links_is_no_articles() -> None:
    """An article's pages stop at MAX_PAGES whatever names them (?page=, routes, folders)."""
    from crawler.extract.urls import MAX_PAGES, same_article_pages

    hrefs = [f"show.php?id=1&page={n}" for n in range(1, 10_000)]
    pages = same_article_pages("http://example.cn/show.php?id=1", hrefs)
    assert len(pages) == MAX_PAGES - 1  # pages 2 to 50


def test_bytes_no_encoding_reads_cleanly_are_decoded_from_a_sample_guess() -> None:
    """A large page whose bytes decode cleanly in no encoding (binary junk after Latin-1 text):
    the encoding is guessed from a sample (a guess over the whole page costs seconds a
    megabyte) and the whole page decoded with it, no U+FFFD kept."""
    from crawler.extract.decode import DETECTION_SAMPLE, decode_html

    junk = bytes(range(0x80, 0x100)) * 8  # (lone bytes no multibyte encoding accepts)
    body = (
        b"<html><head><title>Caf\xe9 report</title></head><body><p>"
        + b"Annual caf\xe9 report, na\xefve figures. " * (3 * DETECTION_SAMPLE // 40)
        + junk
        + b"</p></body></html>"
    )
    text, encoding = decode_html(body, None)
    assert len(body) > DETECTION_SAMPLE
    assert "Annual café report" in text and "\ufffd" not in text
    assert text.endswith("</p></body></html>")
    assert encoding
