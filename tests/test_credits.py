"""Credits read from <head> and from labelled lines: only values that name someone."""

from __future__ import annotations

import pytest

from crawler.extract import extract

PARAGRAPHS = "".join(
    f"<p>第{n}段：今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。</p>"
    for n in range(1, 4)
)


def _page(head: str, byline: str) -> bytes:
    return (
        f'<html><head><meta charset="utf-8"><title>工作总结_范文网</title>{head}</head>'
        f"<body><h1>工作总结</h1><div class='info'>{byline}</div>"
        f"<div class='content'>{PARAGRAPHS}</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("head", "byline", "author", "editor"),
    [
        # people.com.cn style: the CMS puts user numbers in <meta name="author|editor">.
        (
            '<meta name="author" content="104363"><meta name="editor" content="1610">',
            "2019-06-15 来源：人民网",
            None,
            None,
        ),
        ('<meta name="author" content="张三">', "2019-06-15", "张三", None),
        ("", "作者：2019 责任编辑：李四", None, "李四"),
        ("", "作者：王五 编辑：11", "王五", None),
    ],
)
def test_a_credit_without_letters_names_nobody(
    head: str, byline: str, author: str | None, editor: str | None
) -> None:
    report = extract(_page(head, byline), "http://example.com/a.html")
    assert report.credits.author == author
    assert report.credits.editor == editor
