"""The page's blocks and the spans of its elements, which content scoring reads.

`Page.blocks_in` and `Page.link_density` answer from the spans the walk records, not by
looking at the tree again; these tests check them against the tree itself, on hand-written
markup and on every fixture page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from crawler.extract.blocks import SPANNED_TAGS, Block, Page, parse, segment
from crawler.extract.decode import decode_html

FIXTURES = Path(__file__).parent / "fixtures"


def _page(html: str) -> Page:
    root = parse(html)
    assert root is not None
    return segment(root)


def _by_id(page: Page, ident: str) -> etree._Element:
    found = page.root.xpath(f"//*[@id='{ident}']")
    assert isinstance(found, list) and found
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


def _texts(blocks: list[Block]) -> list[str]:
    return [block.text for block in blocks]


def test_blocks_of_a_paragraph_with_links() -> None:
    page = _page(
        "<html><body><div id='main'><p>第一段，正文。</p>"
        "<p>见 <a href='/a'>链接一</a> 与 <a href='/b'><b>链接</b>二</a>。</p></div>"
        "<ul id='menu'><li><a href='/c'>首页</a></li><li><a href='/d'>心得体会</a></li></ul>"
        "</body></html>"
    )
    assert _texts(page.blocks) == ["第一段，正文。", "见 链接一 与 链接二。", "首页", "心得体会"]
    second = page.blocks[1]
    assert second.links == ["链接一", "链接二"]
    assert second.hrefs == ["/a", "/b"]
    assert second.link_chars == len("链接一") + len("链接二")
    assert _texts(page.blocks_in(_by_id(page, "main"))) == [
        "第一段，正文。",
        "见 链接一 与 链接二。",
    ]
    assert page.link_density(_by_id(page, "menu")) == 1.0
    assert page.link_density(_by_id(page, "main")) == pytest.approx(
        6 / (len("第一段，正文。") + len("见 链接一 与 链接二。"))
    )


def test_a_span_holds_only_its_own_blocks() -> None:
    # The <br> inside the span ends a block of the paragraph's, which lies outside the span.
    page = _page(
        "<html><body><p>段落开头<span id='s'>里面<br>后面<div>块中文字</div>尾</span>"
        "</p></body></html>"
    )
    assert _texts(page.blocks) == ["段落开头里面", "后面", "块中文字", "尾"]
    assert _texts(page.blocks_in(_by_id(page, "s"))) == ["块中文字"]


def test_an_element_without_blocks() -> None:
    page = _page("<html><body><p>文字<span id='empty'></span></p></body></html>")
    empty = _by_id(page, "empty")
    assert page.blocks_in(empty) == []
    assert page.link_density(empty) == 1.0


def _fixture_pages() -> list[Path]:
    return sorted(FIXTURES.glob("**/*.html"))


@pytest.mark.parametrize("path", _fixture_pages(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_spans_agree_with_the_tree(path: Path) -> None:
    """For every element of <body> that can hold blocks, the blocks the spans give are exactly the blocks whose element
    lies in its subtree, and the link density is theirs."""
    text, _ = decode_html(path.read_bytes())
    root = parse(text)
    assert root is not None
    page = segment(root)
    owners: dict[etree._Element, list[Block]] = {}
    for block in page.blocks:
        owners.setdefault(block.element, []).append(block)
    body = root.find("body")
    for element in (body if body is not None else root).iter(*SPANNED_TAGS):
        inside = [b for e in element.iter() for b in owners.get(e, [])]
        inside.sort(key=lambda b: b.index)
        assert page.blocks_in(element) == inside, element
        total = sum(len(b.text) for b in inside)
        expected = sum(b.link_chars for b in inside) / total if total else 1.0
        assert page.link_density(element) == pytest.approx(expected), element


def test_hidden_element_before_text_with_control_characters() -> None:
    # libxml2 keeps a stray control byte in the text it reads, but lxml refuses to write one
    # back: moving the tail of a dropped hidden element must not fail on it.
    page = _page(
        "<html><body><p>前文<span style='display: none'>隐藏</span>\x01后文\x0b。</p>"
        "<div><i hidden>藏</i>\x02开头</div></body></html>"
    )
    assert _texts(page.blocks) == ["前文后文。", "开头"]


def _lines_of(html: str) -> list[str]:
    from crawler.extract.blocks import keep_preformatted_lines

    root = parse(html)
    assert root is not None
    keep_preformatted_lines([*root.iter("pre", "textarea")])
    return [block.text for block in segment(root).blocks]


def test_a_pre_keeps_its_lines_inside_and_after_inline_markup() -> None:
    html = "<html><body><pre>第一行\n<b>第二行\n第三行</b>接着\n第四行</pre></body></html>"
    assert _lines_of(html) == ["第一行", "第二行", "第三行接着", "第四行"]


def test_a_pre_with_blank_lines_splits_only_there() -> None:
    html = "<html><body><pre>Wrapped\nparagraph one.\n\n  \nParagraph two.</pre></body></html>"
    assert _lines_of(html) == ["Wrapped paragraph one.", "Paragraph two."]


def test_a_pres_lines_with_control_characters_are_kept_without_them() -> None:
    """libxml2 keeps a control character lxml refuses to write back (&#1;, U+FFFE): the lines
    are given all the same, without it."""
    html = "<html><body><pre>一&#1;行\n二\x02行\n<b>三</b>&#xFFFE;\n四</pre></body></html>"
    assert _lines_of(html) == ["一行", "二行", "三", "四"]


def test_pres_inside_pres_give_each_line_once() -> None:
    html = "<html><body>" + "<pre>行\n" * 50 + "末" + "</pre>" * 50 + "</body></html>"
    assert _lines_of(html) == ["行"] * 50 + ["末"]


def test_a_noscript_inside_a_shown_one_is_shown_with_it() -> None:
    from crawler.extract.blocks import show_noscript_text

    text = "单页应用为不运行脚本的读者给出的正文，内容足够长。" * 10
    root = parse(
        f"<html><body><noscript><p>{text}</p><noscript><p>内层的一段</p></noscript></noscript>"
        "<noscript>请启用脚本</noscript></body></html>"
    )
    assert root is not None
    show_noscript_text([*root.iter("noscript")])
    assert [block.text for block in segment(root).blocks] == [text, "内层的一段"]


def test_a_textarea_holding_a_text_is_read_but_a_form_box_is_not() -> None:
    text = "我志愿加入中国共产党，愿意为共产主义事业奋斗终身。" * 5
    html = (
        f"<html><body><p>正文</p><textarea readonly>敬爱的党组织：\n\n{text}</textarea>"
        "<textarea name='comment'>请输入评论</textarea></body></html>"
    )
    assert _lines_of(html) == ["正文", "敬爱的党组织：", text]
