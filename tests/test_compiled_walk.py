"""The compiled walk (crawler/extract/_compiled_walk.pyx) cuts every page as the Python one.

`python_walk` is the reference; where the install built the extension, `segment` uses the
compiled walk instead. Both must give the same blocks (element, text, link characters, links,
hrefs, heading), the same spans and the same <time> stamps: on every fixture page, on markup
written for the walk's corner cases, and on a few hundred generated pages.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lxml import etree

from crawler.extract import blocks as blocks_module
from crawler.extract.blocks import Block, Page, parse, python_walk, segment, visible_body
from crawler.extract.compiled import native as compiled
from crawler.extract.decode import decode_html
from crawler.extract.text import PROSE_PUNCTUATION, python_fold, python_punctuation_count

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.skipif(
    compiled is None, reason="crawler/extract/_compiled_walk was not built (no C compiler?)"
)


def _fields(block: Block) -> tuple[object, ...]:
    return (
        block.index,
        block.element,
        block.position,
        block.text,
        block.link_chars,
        block.link_density,
        block.prose_chars,
        block.punctuation,
        block.heading,
        block.links,
        block.hrefs,
    )


def _assert_same_walk(html: str | bytes) -> Page:
    """Both walks over one tree; returns the Python walk's page."""
    root = parse(html if isinstance(html, str) else html.decode("utf-8"))
    assert root is not None
    body = visible_body(root)
    expected = python_walk(root, body)
    assert compiled is not None
    blocks, span, times = compiled.walk(body)
    assert [_fields(b) for b in blocks] == [_fields(b) for b in expected.blocks]
    assert span.to_dict() == expected.span
    for element in body.iter():  # (looked up as the dict is, elements it lacks too)
        assert span.get(element, (-1, -2, 0, 0)) == expected.span.get(element, (-1, -2, 0, 0))
    assert times == expected.times
    return expected


CORNER_CASES = {
    "links": "<p>见 <a href='/a'>链接一</a> 与 <a href='/b'><b>链接</b>二</a>。</p>",
    "nested links": "<p><a href='/o'>外<a href='/i'>内</a>尾</a>后</p>",
    "link without href": "<div><a>无链接</a><a href=''> </a>文字</div>",
    "link as a block's only child": "<li><a href='/x'>  \n </a></li><li><a href='/y'>标题</a></li>",
    "link holding a break": "<p><a href='/z'>第一行<br>第二行</a>之后</p>",
    "break runs": "<div>一<br>二<br><br>三<br/> <br>四</div>",
    "span holding blocks": "<div><span id='s'>甲<br>乙<p>丙</p>丁</span>戊</div>",
    "headings": "<h1>题目</h1><h2>一、<a href='/h'>小节</a></h2><p>正文，内容。</p>",
    "time stamps": "<p>日期 <time datetime='2023-07-22'>7月22日</time></p><time datetime=''>x</time>",
    "spaces": "<p>\u3000\u3000段落\u00a0开始\u200b，\ufeff结束。</p><p>   </p><p>\t\n</p>",
    "inline only": "<b>粗</b><i>斜</i> <em>强调</em>",
    "table": "<table><tr><td>甲</td><td><a href='/t'>乙</a></td></tr><tr><th>丙</th></tr></table>",
    "namespaced tags": "<o:p>办公</o:p><p>段<o:p></o:p>落</p><st1:date>2023</st1:date>",
    "empty elements": "<div></div><p></p><a href='/e'></a><br><span></span>",
    "text beside hidden": "<div>前<div style='display:none'>藏</div>后<p hidden>也藏</p>尾</div>",
    "dropped elements": "<p>甲<script>x=1</script>乙<style>p{}</style>丙<select><option>o</select></p>",
    "unclosed": "<div><p>未闭合<div>里面<li>项",
    "text after body": "<html><body><p>正文</p></body></html>后来的文字",
    "no body": "<html><head><title>t</title></head></html>",
    "entities": "<p>&lt;标签&gt; &amp; &#20013;&#25991; &nbsp;&copy;</p>",
    "deep nesting": "<div>" * 300 + "深处<a href='/d'>链接</a>" + "</div>" * 300,
}


@pytest.mark.parametrize("html", CORNER_CASES.values(), ids=list(CORNER_CASES))
def test_corner_cases(html: str) -> None:
    _assert_same_walk(html)


def test_the_corner_cases_make_blocks() -> None:
    """The comparison above is not between two empty results."""
    page = _assert_same_walk(CORNER_CASES["span holding blocks"])
    assert [b.text for b in page.blocks] == ["甲", "乙", "丙", "丁戊"]  # a span is inline
    page = _assert_same_walk(CORNER_CASES["links"])
    assert page.blocks[0].links == ["链接一", "链接二"]
    assert page.blocks[0].hrefs == ["/a", "/b"]
    page = _assert_same_walk(CORNER_CASES["time stamps"])
    assert page.times == [(0, "2023-07-22")]


def _fixture_pages() -> list[Path]:
    return sorted(FIXTURES.glob("*/*/*.html"))


@pytest.mark.parametrize("path", _fixture_pages(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_pages(path: Path) -> None:
    text, _ = decode_html(path.read_bytes(), None)
    _assert_same_walk(text)


_TAGS = ["div", "p", "span", "font", "a", "b", "br", "td", "li", "h2", "time", "em", "section"]
_TEXTS = [
    "",
    " ",
    "\n  ",
    "文字",
    "\u3000\u3000段落，",
    "word ",
    " 链接 ",
    "\u00a0",
    "。",
    "x\u200by",
]


def _random_markup(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(0, 4)):
        parts.append(rng.choice(_TEXTS))
        tag = rng.choice(_TAGS)
        if tag == "br":
            parts.append("<br>")
            continue
        attributes = ""
        if tag == "a" and rng.random() < 0.8:
            attributes = f" href='/{rng.randint(0, 99)}'"
        elif tag == "time":
            attributes = f" datetime='2023-0{rng.randint(1, 9)}-01'"
        inner = _random_markup(rng, depth + 1) if depth < 6 else rng.choice(_TEXTS)
        parts.append(f"<{tag}{attributes}>{inner}</{tag}>")
    return "".join(parts)


@pytest.mark.parametrize("seed", range(300))
def test_generated_pages(seed: int) -> None:
    rng = random.Random(seed)
    _assert_same_walk(f"<html><body>{_random_markup(rng)}</body></html>")


def test_segment_uses_the_compiled_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(root: etree._Element, body: etree._Element) -> Page:
        raise AssertionError("the Python walk ran although the compiled one is built")

    monkeypatch.setattr(blocks_module, "python_walk", refuse)
    root = parse("<p>一段</p>")
    assert root is not None
    assert [b.text for b in segment(root).blocks] == ["一段"]


@pytest.mark.parametrize("seed", range(20))
def test_punctuation_count(seed: int) -> None:
    """The compiled count agrees with text.punctuation_count's regex, marks and others mixed."""
    assert compiled is not None
    rng = random.Random(seed)
    alphabet = "".join(sorted(PROSE_PUNCTUATION)) + "abc 中文字\u3000\u00a0·—\U0001f600"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert compiled.punctuation_count(text) == python_punctuation_count(text)


# Every character fold() may treat as space: Unicode whitespace (ASCII, NEL, no-break, the
# U+2000 block, line and paragraph separators, ideographic) and the zero-width ones.
SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff"


@pytest.mark.parametrize("seed", range(20))
def test_fold(seed: int) -> None:
    """The compiled fold agrees with text.python_fold: runs of any space, ends, no space,
    control characters."""
    assert compiled is not None
    rng = random.Random(seed)
    alphabet = SPACES + "ab 中文\u00b7\u200c\U0001f600\x00\x01\x1b\x7f\x9f"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert compiled.fold(text) == python_fold(text), repr(text)
    assert compiled.fold(None) == python_fold(None) == ""


def test_fold_knows_every_space() -> None:
    """Each code point folds as in python_fold, alone and between letters: the compiled fold's
    shortcut (no whitespace above U+3000) holds for the whole of Unicode."""
    assert compiled is not None
    for code in range(0x110000):
        char = chr(code)
        assert compiled.fold(f"a{char}b") == python_fold(f"a{char}b"), hex(code)


def _xpath_hiding_attributes(body: etree._Element) -> list[tuple[etree._Element, str, str]]:
    """The pure-Python reading of what may hide an element (blocks._hiding_attributes)."""
    found = []
    for path in (blocks_module._HIDING_STYLES, blocks_module._HIDDEN_ATTRIBUTES):
        for attribute in path(body):
            found.append((attribute.getparent(), attribute.attrname, str(attribute)))
    return found


HIDING_MARKUP = (
    "<div style='color:red'>可见<p style='display: none'>藏</p><span hidden>藏</span>"
    "<i STYLE='DISPLAY:NONE'>大写</i><b style='border:none'>边框</b>"
    "<em style='display:&#110;one'>实体</em><u hidden=''>空</u>"
    "<div style='display:none'><p hidden style='x:none'>嵌套</p></div><svg:g hidden>名字空间</svg:g></div>"
)


@pytest.mark.parametrize(
    "html", [HIDING_MARKUP, *CORNER_CASES.values()], ids=["hiding", *CORNER_CASES]
)
def test_hiding_attributes(html: str) -> None:
    """The compiled one-pass reading finds the attributes the two XPaths find (in document
    order rather than path by path)."""
    root = parse(html)
    assert root is not None
    assert compiled is not None
    found = compiled.hiding_attributes(root)
    expected = _xpath_hiding_attributes(root)
    key = lambda item: (id(item[0]), item[1], item[2])  # noqa: E731
    assert sorted(found, key=key) == sorted(expected, key=key)
    if html == HIDING_MARKUP:
        assert len(found) >= 8  # (not two empty lists)


@pytest.mark.parametrize(
    "path", _fixture_pages()[::7], ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_hiding_attributes_on_fixture_pages(path: Path) -> None:
    root = parse(decode_html(path.read_bytes(), None)[0])
    assert root is not None and compiled is not None
    found = compiled.hiding_attributes(root)
    expected = _xpath_hiding_attributes(root)
    assert sorted(map(repr, found)) == sorted(map(repr, expected))


LINK_MARKUP = (
    "<html><head><a href='/in-head'>x</a></head><body><a href='/a'>甲</a><a>无</a>"
    "<a href=''>空</a><p><A HREF='/upper'>大写</A><a href='/x?a=1&amp;b=2'>实体</a></p>"
    "<x:a href='/ns'>名字空间</x:a><area href='/area'><div><a name='n' href='/deep'>"
    "<a href='/nested'>套</a></a></div></body></html>"
)


@pytest.mark.parametrize(
    "html", [LINK_MARKUP, *CORNER_CASES.values()], ids=["links", *CORNER_CASES]
)
def test_link_targets(html: str) -> None:
    """The compiled pass reads the hrefs //a/@href reads, in the same order."""
    root = parse(html)
    assert root is not None and compiled is not None
    assert compiled.link_targets(root) == blocks_module._LINK_HREFS(root)
    if html == LINK_MARKUP:
        assert compiled.link_targets(root)[:3] == ["/in-head", "/a", ""]


@pytest.mark.parametrize(
    "path", _fixture_pages()[::5], ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_link_targets_on_fixture_pages(path: Path) -> None:
    root = parse(decode_html(path.read_bytes(), None)[0])
    assert root is not None and compiled is not None
    assert compiled.link_targets(root) == blocks_module._LINK_HREFS(root)


def _python_short_text(element: etree._Element, limit: int) -> str | None:
    words = ""
    for text in element.itertext():
        words += str(text).strip()
        if len(words) > limit:
            return None
    return words


@pytest.mark.parametrize(
    "path", _fixture_pages()[::9], ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_short_text(path: Path) -> None:
    """The compiled reading of a button's words agrees with itertext on every element of a
    page, at a button's limit and at a larger one."""
    root = parse(decode_html(path.read_bytes(), None)[0])
    assert root is not None and compiled is not None
    read = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for limit in (20, 200):
            found = compiled.short_text(element, limit)
            assert found == _python_short_text(element, limit), (element, limit)
            read += found is not None and found != ""
    assert read  # (not only empty or overlong elements)
