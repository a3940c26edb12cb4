"""Bytes and URL in, a clean report record out: the extractor's public, stable API.

Pure functions on lxml trees: no Scrapy, no I/O. The cascade for one page:
decode -> parse -> read <head> -> split the body into blocks -> find the content container
-> read labelled lines and fields -> keep the body's paragraphs.

`extract`, `extract_article`, `continuation_urls` and `page_kind` are the documented API;
`analyse` gives a crawler all three answers for one page from a single parse.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property, partial
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..items import Credits, Report
from .blocks import (
    Block,
    Page,
    keep_preformatted_lines,
    link_targets,
    parse,
    parse_utf8,
    same_row,
    segment,
    show_noscript_text,
)
from .content import (
    body_blocks,
    comment_start,
    find_containers,
    is_comment_heading,
    is_disclaimer,
    is_navigation,
    is_prose,
)
from .dates import CHINA, DATE_PATTERN, parse_date
from .decode import UTF16_BOMS, decode_html, looks_utf8, not_a_page
from .fields import (
    CREDIT_FIELDS,
    MAX_TAGS,
    Labelled,
    author_fallback,
    author_unit_fallback,
    category_of,
    date_of,
    list_values,
    read_labelled,
    rel_tag_links,
    site_of,
    title_of,
)
from .labels import COUNTER, read_labels
from .meta import KEYWORD_META, TAG_META, HeadInfo, read_head
from .text import fold
from .urls import (
    canonical_url,
    is_front_page,
    page_key,
    same_article_pages,
    without_tracking,
)

__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractError",
    "FieldRules",
    "PageAnalysis",
    "Report",
    "analyse",
    "canonical_url",
    "continuation_urls",
    "cut_off",
    "extract",
    "extract_article",
    "merge_pages",
    "page_kind",
]

EXTRACTOR_VERSION = "1.3.0"
PageKind = Literal["article", "list", "other"]

# Link texts of an article's own pager (never 上一篇/下一篇, which lead to other articles).
PAGER_LINK = re.compile(
    r"^(?:\d{1,3}|\[\d{1,3}\]|下一页|上一页|下页|上页|尾页|末页|第\s*\d+\s*页|next|»|›)$", re.I
)
# The link after an excerpt to the whole text.
READ_MORE = re.compile(
    r"^(?:继续阅读|阅读全文|查看全文|全文|详细|详情|更多|read more|continue reading)", re.I
)
# How much running text makes a page an article on its own, and with an article's frame.
ARTICLE_PROSE = 150
SHORT_ARTICLE_PROSE = 80
# How many lines make a text of verses (a poem's) rather than a few scraps.
MIN_VERSE_LINES = 4
# A list shows at least this many title links; a front page has several headed sections of them.
LIST_MIN_TITLES = 8
MIN_SECTION_ITEMS = 3
FRONT_PAGE_SECTIONS = 4
# How many blocks an item of an excerpt list may show between its title link and its excerpt.
EXCERPT_REACH = 2
# How an excerpt stops short of its text.
ELLIPSES = ("…", "...", "[…]", "[...]")
# How many such items make an excerpt list.
EXCERPT_LIST_ITEMS = 4
# Links to the previous and next article: the frame of an article page.
ADJACENT_ARTICLE = re.compile(r"^(?:上一篇|下一篇|上一条|下一条|前一篇|后一篇|上篇|下篇)")
# Titles of the pages a site keeps about itself: prose, but no article.
SITE_PAGE = re.compile(
    r"^(?:关于(?:我们|本站|本网)|联系(?:我们|本站|方式)|(?:网站|本站|本网)(?:简介|介绍|声明|地图|导航)|"
    r"(?:免责|版权|隐私|法律)(?:声明|申明|条款|说明|政策)|用户协议|服务条款|投稿(?:须知|指南)|"
    r"广告(?:服务|合作)|商务合作|about(?: us)?|contact(?: us)?|privacy(?: policy)?)$",
    re.IGNORECASE,
)
# Link texts that are only a date: archive links, not article titles.
DATE_ONLY = re.compile(r"^[\d\s年月日./-]+$")
# What may stand beside a list item's title link: a date (2024年3月1日, 2024-03-01), or a
# catalogue code with digits in it (a 信息公开 list's 索引号: 11330114MB1A23456K/2024-00088).
ITEM_CODE = re.compile(r"[\d年月日./-]+|(?=[A-Za-z]*\d)[A-Za-z\d/_.〔〕\[\]-]{6,}")
# The page count a pager states: 共3页, 1/3, 第1/3页.
PAGE_COUNT = re.compile(
    r"共\s*(?P<total>\d{1,3})\s*页|(?<![\d/])\d{1,3}\s*/\s*(?P<of>\d{1,3})(?![\d/])"
)
# Fields a site profile may point at with an XPath, overriding the generic reading.
OVERRIDABLE = ("body", "title", "category", "published_at", *CREDIT_FIELDS)


class ExtractError(ValueError):
    """The input is not an HTML page (empty, binary, no markup), or its URL is no URL."""


@dataclass(frozen=True, slots=True)
class FieldRules:
    """Per-site overrides from a site profile, applied as data."""

    zone: tzinfo = CHINA  # the site's time zone for dates without one
    xpaths: Mapping[str, str] = field(default_factory=dict)  # field -> XPath of its element(s)


DEFAULT_RULES = FieldRules()


@dataclass  # (no slots: cached_property keeps the record in the instance's __dict__)
class PageAnalysis:
    """What a crawler needs to know of one fetched page. Its record is read when first asked
    for: the crawl asks only for an article's, not for the lists it passes through."""

    kind: PageKind
    encoding: str
    continuation_urls: list[str]  # other pages of this article, in order
    make_report: Callable[[], Report] = field(repr=False, compare=False)
    page_number: int = 1  # 1 for an article's first page, 2 for its _2 page, …
    links: list[str] = field(default_factory=list)  # every <a href> as written, in page order
    cut_off: bool = False  # the HTML stops mid-way: what it holds is only part of the page
    canonical: str | None = None  # the address the page gives itself (<link rel=canonical>)
    base_url: str = ""  # what links resolve against: the page's <base href>, else its URL

    @cached_property
    def report(self) -> Report:
        """The page's record (meaningful when kind == "article", or for an article's later
        page)."""
        return self.make_report()


@dataclass(slots=True)
class _Parsed:
    """A page decoded, parsed and segmented once."""

    url: str
    encoding: str
    head: HeadInfo
    page: Page
    containers: list[etree._Element]
    body: list[Block]
    field_texts: dict[str, str]  # texts of the non-body fields a site profile selects
    title: str | None = None
    title_block: Block | None = None
    links: list[str] = field(default_factory=list)
    # A pager drawn as a drop-down (<select> of 第1页/共3页 …): (text, value) of its options.
    options: list[tuple[str, str]] = field(default_factory=list)
    # The page's bytes, asked only when a field needs markup the tree walk does not keep: a
    # trail the markup calls a breadcrumb. (A scan of the bytes costs a tenth of the parse on
    # a large page: done for the pages that lack a trail otherwise.)
    raw: bytes = b""
    comments: int | None = None  # the index of the block where comments start, if known
    base: str = ""  # the URL relative links resolve against (set from <base href> or url)


# The text of a drop-down pager's option: 2, 第2页, 第2页/共3页, 第2页：存在问题 (its heading).
PAGER_OPTION = re.compile(
    r"^第?\s*\d{1,3}\s*页?(?:\s*/\s*共?\s*\d{1,3}\s*页?)?(?:\s*[:：、.．]\s*\S.{0,40})?$"
)
# An option's value that is an address: a path, a URL, a page file.
OPTION_URL = re.compile(r"^(?:https?://|/|\./|\.\./)|\.(?:s?html?|php|aspx?|jsp)(?:[?#]|$)", re.I)


# What ExtractError says of bytes that are no page (decode.not_a_page).
_PROBLEMS = {
    "empty": "empty response",
    "binary": "binary content, not HTML",
    "no markup": "no HTML markup",
}


def _prepare(
    body: bytes, url: str, headers: Mapping[str, str] | None, rules: FieldRules
) -> _Parsed:
    problem = not_a_page(body)
    if problem is not None:
        raise ExtractError(f"{url}: {_PROBLEMS[problem]}")
    try:
        _ = urlsplit(url).port  # (read for its check: a port out of range, a bad host)
    except ValueError as error:
        raise ExtractError(f"{url}: not a valid URL ({error})") from None
    if b"\x00" in body and not body.startswith(UTF16_BOMS):
        body = body.replace(b"\x00", b"")  # stray NULs, which libxml2 would make U+FFFD
    # UTF-8 goes to libxml2 as it is, which checks it while parsing: decoding the page in
    # Python first would cost a fifth of the parse. Anything else goes as the decoded text
    # re-encoded in UTF-8, which libxml2 parses faster than it converts GB18030 itself.
    root = parse_utf8(body) if looks_utf8(body) else None
    encoding = "utf-8"
    if root is None:
        text, encoding = decode_html(body, headers)
        root = parse(text)
    if root is None:
        raise ExtractError(f"{url}: no HTML markup")
    head = read_head(root)
    overrides = _override_texts(root, rules)
    # Read before segment() drops scripts and hidden elements from the tree.
    field_texts = _field_texts(overrides)
    # Every link of the page, read before segmentation drops hidden parts: the crawler follows
    # them from this one parse instead of parsing the page again.
    links = link_targets(root) + head.other_links
    if head.script_pager:
        links.extend(_script_pager_pages(head.script_pager))  # (a list's pages too)
    # (Read before the walk below drops <select>.)
    options: list[tuple[str, str]] = []
    if "select" in head.found:
        options, jumps = _drop_down_links(head.found["select"])
        links.extend(jumps)
    preformatted = head.found.get("pre", []) + head.found.get("textarea", [])
    if preformatted:
        keep_preformatted_lines(preformatted)
    if "noscript" in head.found:
        show_noscript_text(head.found["noscript"])
    page = segment(root)
    chosen = overrides.pop("body", None)  # (a site profile's choice stands)
    # (Computed for the few linked headings inside the text's container only.)
    base = _base_url(url, head.base)
    own_heading = partial(_links_own_pages, url, base)
    containers = chosen or find_containers(page)
    body_list = body_blocks(page, containers, own_heading)
    if not chosen and 0 < len(body_list) <= 2 and all(read_labels(b.text) for b in body_list):
        # The "text" is an info line (时间:… 来源:… 作者:…, its colons read as punctuation):
        # a page whose own text is a few short lines, the last page of an article.
        containers = find_containers(page, frozenset(containers))
        body_list = body_blocks(page, containers, own_heading)
    # Comments without a heading to say so (a name and a time, the text, 回复 支持) end the
    # article: neither its body nor its labelled lines go on past them.
    comments = _comments_at(page, body_list)
    if not chosen and comments is not None and comments <= body_list[0].index:
        # The winner was the comments themselves (more prose than a short article): the vote
        # is taken again without it.
        containers = find_containers(page, frozenset(containers))
        body_list = body_blocks(page, containers, own_heading)
        comments = _comments_at(page, body_list)
    if comments is not None:
        body_list = [b for b in body_list if b.index < comments]
    parsed = _Parsed(
        url,
        encoding,
        head,
        page,
        containers,
        body_list,
        field_texts,
        links=links,
        options=options,
        raw=body,
        comments=comments,
    )
    parsed.title, parsed.title_block = title_of(
        page, head, body_list[0].index if body_list else None
    )
    parsed.base = base
    return parsed


# A speech's date and occasion in brackets, the line under its title: （2024年3月1日，在…上）.
DATED_OCCASION = re.compile(
    r"^[（(]\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^（()）]{0,40}[)）]$"
)
# What an unlabelled info line holds beside its date: a time's and counters' marks, counters'
# words, a weekday.
_INFO_LINE_REST = re.compile(
    r"[\s\d:：.,，|｜/·•()（）\[\]-]|阅读|浏览|点击|评论|访问|次|人|星期.|周[一二三四五六日天]"
)
INFO_LINE_MAX = 60


def _is_date_line(text: str) -> bool:
    """Whether a line is a date with nothing but counters beside it (no sentence, no name),
    a date written as a machine writes it or a counter beside it: a speech's （2023年6月9日）
    under its title is the text's own line."""
    if len(text) > INFO_LINE_MAX:
        return False
    dated = DATE_PATTERN.search(text)
    if dated is None:
        return False
    rest = text[: dated.start()] + text[dated.end() :]
    if _INFO_LINE_REST.sub("", rest):
        return False
    return "年" not in dated.group() or COUNTER.search(text) is not None


def _without_page_mark(title: str | None, number: int) -> str | None:
    """A later page's title without the page's number that a CMS adds to it: 总结(2),
    总结（第2页）, 总结_2, 总结 第2页. (An article's record takes its first page's title; this
    is for a later page read alone.)"""
    if not title or number < 2:
        return title
    marked = re.search(
        rf"\s*(?:[(（]\s*(?:第\s*)?{number}\s*页?\s*[)）]|_{number}|第\s*{number}\s*页)$", title
    )
    return title[: marked.start()] if marked and marked.start() else title


def _comments_at(page: Page, body_list: list[Block]) -> int | None:
    """Where comments without a heading start (comment_start), looked for from the body's
    start to a little after its end."""
    if not body_list:
        return None
    return comment_start(page.blocks[: body_list[-1].index + LABELS_AFTER_BODY], body_list[0].index)


def _base_url(url: str, base: str) -> str:
    """The URL relative links resolve against: <base href> made absolute, when it is an
    http(s) URL; else the page's own."""
    if not base:
        return url
    try:
        absolute = urljoin(url, base)
    except ValueError:
        return url
    return absolute if absolute.startswith(("http://", "https://")) else url


def _drop_down_links(
    selects: list[etree._Element],
) -> tuple[list[tuple[str, str]], list[str]]:
    """The drop-downs' links: (text, value) of the options of those that read like a pager,
    and the value of every option that is a URL (a jump menu to a list's pages, to the
    sections), which the crawl follows like a link. A drop-down whose first options are no
    pages (a menu of hundreds of cities) is no pager."""
    pager: list[tuple[str, str]] = []
    jumps: list[str] = []
    for select in selects:
        options = select.findall("option")
        paged = any(PAGER_OPTION.match(fold(o.text)) for o in options[:3])
        for option in options:
            value = (option.get("value") or "").strip()
            if not value:
                continue
            if OPTION_URL.search(value):
                jumps.append(value)
            if paged and PAGER_OPTION.match(text := fold(option.text)):
                pager.append((text, value))
    return pager, jumps


def _override_texts(root: etree._Element, rules: FieldRules) -> dict[str, list[etree._Element]]:
    """The elements a site profile's XPaths select, per field."""
    found: dict[str, list[etree._Element]] = {}
    for name, xpath in rules.xpaths.items():
        try:
            result = root.xpath(xpath)
        except etree.XPathError:
            continue
        if isinstance(result, list):
            found[name] = [e for e in result if isinstance(e, etree._Element)]
    return found


# What the address of a tag's or a category's page holds (/tag/…, ?tag=, tags.php, /category/).
_TAG_HREFS = ("/tag", "tag=", "tags.", "/categor")
# How long the line over the title may be to be read for the article's date.
DATE_ABOVE_MAX = 30
# How many blocks after the body's end may still be its labelled lines (a paper database's
# rows of 作者, 作者单位, 关键词, 分类号, 基金项目, 在线出版日期 under the abstract).
LABELS_AFTER_BODY = 24
# The last lines of the body where a date closing the text may stand, and how long such a
# line may be.
CLOSING_LINES = 3
CLOSING_LINE_MAX = 30


# A government page's index table (索引号 发布机构 发布日期 文号 …), above the title on
# some templates, and how many of its cells above the title it may span.
INDEX_NUMBER = re.compile(r"^索\s*引\s*号\s*[:：]?")
INDEX_TABLE_REACH = 30
# The lines just over the title where a template may put a labelled 栏目： line.
LINES_ABOVE_TITLE = 3


def _labels_above_title(page: Page, title_block: Block | None) -> tuple[Labelled, bool]:
    """The labelled lines a template puts above the title, where the labelled lines under it
    are not looked for: a 信息公开 index table (the bool says it is one), or the few lines
    just over the title (栏目：…)."""
    if title_block is None:
        return Labelled(), False
    above = page.blocks[max(title_block.index - INDEX_TABLE_REACH, 0) : title_block.index]
    table = next(
        (n for n, b in enumerate(above) if b.text[:1] == "索" and INDEX_NUMBER.match(b.text)), None
    )
    if table is None:
        return read_labelled(above[-LINES_ABOVE_TITLE:]), False
    return read_labelled(above[table:]), True


# A news text's dateline naming its reporters: 本报讯（记者 吴昊 通讯员 胡丽）,
# 中新网北京3月12日电（记者 刘越）: the reporters, not the correspondents, are its authors.
DATELINE_REPORTER = re.compile(
    r"^[^（(，。]{0,30}?(?:讯|电|报道)\s*[（(]\s*(?:本报|本台|本网)?(?:特约|实习)?记者\s*"
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:[\s、，,]+(?!通讯员|实习生)[\u4e00-\u9fff]{2,4})*)"
    r"\s*(?:[\s、，,]*(?:通讯员|实习生)[^（）()]*)?[）)]"
)
# Credits in brackets closing the text's last paragraph: …。（编辑：孟凡 审核：唐宁）
TRAILING_CREDITS = re.compile(
    r"[（(]\s*(?P<credits>(?:责任编辑|编辑|责编|审核|校对|终审|来源|作者|记者|通讯员)\s*[:：]"
    r"[^（）()]{1,60})[）)]$"
)


def _trailing_credits(text: str) -> re.Match[str] | None:
    """The bracketed credits closing a paragraph that has words before them (looked for from
    the last opening bracket: a scan of the whole paragraph would cost every page)."""
    if not text.endswith(("）", ")")):
        return None
    at = max(text.rfind("（"), text.rfind("("))
    return TRAILING_CREDITS.match(text, at) if at > 0 else None


# A reference's number alone in its table cell, the entry in the next: <td>[1]</td><td>…</td>.
ENTRY_NUMBER = re.compile(r"^[\[［【]\d{1,3}[\]］】]$")
# The mark of a heading's link to itself (VuePress's, Sphinx's, GitHub's): no word of it.
PERMALINK_MARKS = frozenset(("#", "¶", "§", "🔗"))


def _without_permalink(block: Block) -> str:
    """A heading's text without the mark of its link to itself (<a href="#一、回顾">#</a>)."""
    text = block.text
    for mark, href in zip(block.links, block.hrefs, strict=False):
        if mark in PERMALINK_MARKS and href.startswith("#"):
            if text.startswith(mark + " "):
                text = text[len(mark) + 1 :]
            elif text.endswith(" " + mark):
                text = text[: -len(mark) - 1]
    return text


def _paragraph_texts(blocks: list[Block]) -> list[str]:
    """The texts of the body's blocks: a heading's without its link to itself (#), and a
    numbered list's number that stands in a cell of its own joined to its entry in the next
    cell of the row (one paragraph, not two)."""
    texts: list[str] = []
    joined = False
    for number, block in enumerate(blocks):
        if joined:
            joined = False
            continue
        following = blocks[number + 1] if number + 1 < len(blocks) else None
        if following is not None and ENTRY_NUMBER.match(block.text) and same_row(block, following):
            texts.append(f"{block.text} {following.text}")
            joined = True
        elif block.heading and block.links:
            texts.append(_without_permalink(block))
        else:
            texts.append(block.text)
    return texts


def _record(parsed: _Parsed, rules: FieldRules) -> Report:
    head, page, body_list = parsed.head, parsed.page, parsed.body
    title, title_block = parsed.title, parsed.title_block
    site = site_of(page, head, parsed.url, title)
    first_body = body_list[0].index if body_list else len(page.blocks)
    last_body = body_list[-1].index if body_list else first_body
    start = title_block.index if title_block is not None else max(first_body - 8, 0)
    # Labelled lines live between the title and a little after the body's end, navigation
    # aside. (The body's blocks passed the navigation test already.)
    kept = {b.index for b in body_list}
    # The region ends at a comment heading after the body: the 作者 and 时间 lines of comments
    # name their writers and dates, not the article's.
    end = next(
        (
            b.index
            for b in page.blocks[last_body + 1 : last_body + LABELS_AFTER_BODY]
            if is_comment_heading(b)
        ),
        last_body + LABELS_AFTER_BODY,
    )
    if parsed.comments is not None:
        end = min(end, parsed.comments)
    labelled = read_labelled(
        page.blocks[start:end],
        lambda block: block.index not in kept and is_navigation(block),
    )
    # The lines between the title and the body: where an unlabelled date may stand.
    # (A forum's edit notice there, 本帖最后由 … 编辑, dates an edit, not the article.)
    header = [b for b in page.blocks[start : max(first_body, start + 1)] if not is_disclaimer(b)]
    # (Where the container holds the title too, the dated line under it is the body's first
    # block after the title: a line with no sentence in it is the info line, not the text.)
    # The text's first block: the body's first after the title.
    opening = next(
        (b for b in body_list if title_block is None or b.index > title_block.index), None
    )
    if (
        title_block is not None
        and opening is not None
        and first_body <= start
        and "。" not in opening.text
    ):
        header.append(opening)
    if title_block is not None and title_block.index:
        # Last, a date line just over the title (Z-Blog's <h4 class="post-date">).
        above = page.blocks[title_block.index - 1]
        if len(above.text) <= DATE_ABOVE_MAX and not above.links:
            header.append(above)
    # <time datetime> stamps between the title and the body's start.
    stamps = [stamp for at, stamp in page.times if start <= at <= first_body]
    values = labelled.values
    credits = Credits(**{name: values.get(name) for name in CREDIT_FIELDS})
    if credits.author is None:
        author = author_fallback(head, site)
        # A <meta name="author"> naming the page's editor (央视网's) is no byline, nor one
        # naming the office the page says the text is from.
        if author not in (credits.editor, labelled.outranked.get("editor"), credits.source):
            credits.author = author
    if (
        credits.author is None
        and opening is not None
        and (dateline := DATELINE_REPORTER.match(opening.text))
    ):
        credits.author = dateline.group("names")  # 本报讯（记者 吴昊 通讯员 胡丽）…
    if credits.author_unit is None:
        credits.author_unit = author_unit_fallback(head)
    if credits.source == site:
        credits.source = None  # 来源：<this site> is 本站, a placeholder
    if credits.author == site:
        credits.author = None  # 作者：<this site>: nobody in particular, as 佚名
    # The title repeated over the text leaves it; a line of verse that is the title (an
    # untitled poem's first line, one of several lines of one element) stays.
    repeated = any(b.text == title for b in body_list)
    lines_of = Counter(id(b.element) for b in body_list) if repeated else Counter()
    # An info line opening the text without a label: a date and counters (2023-11-20 阅读
    # 1208), which dates the page where no label does.
    occasion = [opening.text] if opening is not None and DATED_OCCASION.match(opening.text) else []
    info_line = (
        opening.index
        if opening is not None and "date" not in values and _is_date_line(opening.text)
        else None
    )
    paragraphs = _paragraph_texts(
        [
            b
            for b in body_list
            if b.index not in labelled.consumed
            and b.index != info_line
            and (title_block is None or b.index > title_block.index)
            and (b.text != title or (lines_of[id(b.element)] >= MIN_VERSE_LINES and not b.heading))
        ]
    )
    if paragraphs and (trailing := _trailing_credits(paragraphs[-1])):
        # （编辑：孟凡 审核：唐宁） closing the last paragraph: credits, not its words.
        paragraphs[-1] = paragraphs[-1][: trailing.start()].rstrip()
        closing_credits = Labelled()
        for item in read_labels(trailing.group("credits")):
            closing_credits.take(item, body_list[-1])
        closing_credits.settle()
        for name in CREDIT_FIELDS:
            if getattr(credits, name) is None:
                setattr(credits, name, closing_credits.values.get(name))
    over_title, index_table = _labels_above_title(page, title_block)
    if "category" in over_title.values:
        values.setdefault("category", over_title.values["category"])  # (栏目： over the title)
    if credits.editor is None and not index_table:
        credits.editor = over_title.values.get("editor")  # (an e-paper's 本版编辑 over it)
    # (An index table's 发布日期 dates a page only where nothing under the title does.)
    table_date = over_title.values.get("date") if index_table else None
    category = category_of(
        page,
        head,
        labelled,
        title,
        site,
        header,
        title_block.index if title_block else None,
        raw=parsed.raw,
    )
    tags = list_values(values.get("tags")) or list_values(head.first(TAG_META))
    if (not tags or category is None) and _links_tags(parsed.links):
        linked_tags, linked_categories = rel_tag_links(page.root)
        tags = tags or linked_tags or _tag_links_under(page, last_body)
        category = category or next(iter(linked_categories), None)
    closing = [text for text in paragraphs[-CLOSING_LINES:] if len(text) <= CLOSING_LINE_MAX]
    # (Last of all, a speech's （2024年3月1日，在全县…会议上） opening its text: it stays in it.)
    closing = occasion + closing
    url = canonical_url(parsed.url)
    report = Report(
        url=url,
        pages=[url],
        site=site,
        title=_without_page_mark(title, page_key(parsed.url)[1]),
        category=category,
        published_at=date_of(
            head,
            labelled,
            header,
            rules.zone,
            stamps,
            closing,
            parsed.url,
            table_date,
            [b.text for b in page.blocks[: title_block.index if title_block else 0]],
        ),
        abstract=values.get("abstract") or None,
        keywords=list_values(values.get("keywords") or head.first(KEYWORD_META)),
        body="\n\n".join(paragraphs),
        credits=credits,
        tags=tags,
        extractor_version=EXTRACTOR_VERSION,
    )
    for name, text in parsed.field_texts.items():
        if name == "published_at":
            report.published_at = parse_date(text, rules.zone) or report.published_at
        elif name in CREDIT_FIELDS:
            setattr(report.credits, name, text)
        elif name in ("title", "category"):
            setattr(report, name, text)
    if "\ufffd" in report.body or any("\ufffd" in (v or "") for v in _short_texts(report)):
        _drop_replacement_characters(report)
    return report


def _short_texts(report: Report) -> list[str | None]:
    return [
        report.title,
        report.category,
        report.abstract,
        report.site,
        *report.keywords,
        *report.tags,
        *vars(report.credits).values(),
    ]


def _drop_replacement_characters(report: Report) -> None:
    """The record without U+FFFD: libxml2 writes it for a character reference to no character
    (&#xD800;, &#0;, &#x110000;), and a page may print it itself; it is no text either way."""

    def clean(text: str | None) -> str | None:
        return fold(text.replace("\ufffd", "")) if text else text

    report.body = "\n\n".join(p for p in (clean(p) for p in report.body.split("\n\n")) if p)
    for name in ("title", "category", "abstract", "site"):
        setattr(report, name, clean(getattr(report, name)) or None)
    report.keywords = [k for k in (clean(k) for k in report.keywords) if k]
    report.tags = [t for t in (clean(t) for t in report.tags) if t]
    for name, value in vars(report.credits).items():
        setattr(report.credits, name, clean(value) or None)


# A link to a tag's page (/tags/心理学/, /tag/党建.html, ?tag=…), and how far under the text a
# row of them may start to be the post's tags (a theme's <ul class="post-tags">).
TAG_PAGE = re.compile(r"/tags?/[^/?#]|[?&]tags?=", re.IGNORECASE)
TAG_ROW_REACH = 6


def _tag_links_under(page: Page, last_body: int) -> list[str]:
    """The post's tags where no label names them: the links of the lines just under the text
    that all lead to tag pages; none where they are more than a post's tags (a tag cloud)."""
    found: list[str] = []
    for block in page.blocks[last_body + 1 :]:
        if block.links and block.link_density > 0.5 and all(map(TAG_PAGE.search, block.hrefs)):
            found.extend(block.links)
            if len(found) > MAX_TAGS:
                return []
        elif found or block.index > last_body + TAG_ROW_REACH:
            break  # (the row ends, or none starts near enough: a row is taken whole)
    return found


def _links_tags(links: list[str]) -> bool:
    """Whether some link leads to a tag's or a category's page (/tag/…, ?tag=, /category/):
    a page linking none holds no rel="tag" link worth a search of the tree."""
    every_href = " ".join(links)
    return any(hint in every_href for hint in _TAG_HREFS)


def cut_off(body: bytes) -> bool:
    """Whether an HTML page stops mid-way: no closing </body> or </html>, and not even at
    the end of a tag (HTML5 lets a page omit both, but such a page still ends with '>')."""
    tail = body[-4096:].lower()
    if b"</html" in tail or b"</body" in tail:
        return False
    return not tail.rstrip().endswith(b">")


def analyse(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    rules: FieldRules = DEFAULT_RULES,
) -> PageAnalysis:
    """Kind, encoding, continuation pages and record of one page, from a single parse."""
    parsed = _prepare(body, url, headers, rules)
    kind = _kind(parsed)
    pages = _continuations(parsed) if kind == "article" else []
    return PageAnalysis(
        kind=kind,
        encoding=parsed.encoding,
        continuation_urls=pages,
        make_report=partial(_record, parsed, rules),
        page_number=page_key(url)[1] if pages else 1,
        links=parsed.links,
        cut_off=cut_off(body),
        canonical=_canonical_link(parsed),
        base_url=parsed.base,
    )


def _canonical_link(parsed: _Parsed) -> str | None:
    """<link rel="canonical">, absolute; None when absent or no http(s) URL."""
    href = parsed.head.canonical
    if not href:
        return None
    try:
        absolute = urljoin(parsed.base, href).split("#", 1)[0]
    except ValueError:
        return None
    return absolute if absolute.startswith(("http://", "https://")) else None


def _field_texts(overrides: Mapping[str, list[etree._Element]]) -> dict[str, str]:
    """Texts of the non-body fields a site profile selects; nothing to do without a profile."""
    texts: dict[str, str] = {}
    for name, elements in overrides.items():
        if name == "body" or name not in OVERRIDABLE:
            continue
        text = fold(
            " ".join(
                e.text_content() if hasattr(e, "text_content") else "".join(map(str, e.itertext()))
                for e in elements
            )
        )
        if text:
            texts[name] = text
    return texts


def extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    rules: FieldRules = DEFAULT_RULES,
) -> Report:
    """One page -> its record. Raises ExtractError when the bytes are not an HTML page."""
    return analyse(body, url, headers, rules=rules).report


def merge_pages(reports: Sequence[Report]) -> Report:
    """The records of an article's pages, in order -> one record of the whole article."""
    if not reports:
        raise ExtractError("no pages given")
    first = reports[0]
    merged = Report.from_dict(first.to_dict())
    for later in reports[1:]:
        for name in CREDIT_FIELDS:
            if getattr(merged.credits, name) is None:
                setattr(merged.credits, name, getattr(later.credits, name))
        merged.abstract = merged.abstract or later.abstract
        merged.keywords = merged.keywords or later.keywords
        merged.tags = merged.tags or later.tags
        merged.category = merged.category or later.category
        merged.published_at = merged.published_at or later.published_at
    merged.body = "\n\n".join(r.body for r in reports if r.body)
    merged.pages = [r.url for r in reports if r.url]
    return merged


def extract_article(
    pages: Sequence[tuple[str, bytes]],
    *,
    rules: FieldRules = DEFAULT_RULES,
) -> Report:
    """The pages of one article, in order -> one record: bodies joined, every URL in pages."""
    return merge_pages([extract(body, url, rules=rules) for url, body in pages])


def continuation_urls(body: bytes, url: str) -> list[str]:
    """The other pages of this article (分页), in page order; [] for lists and single pages."""
    try:
        parsed = _prepare(body, url, None, DEFAULT_RULES)
    except ExtractError:
        return []
    return _continuations(parsed) if _kind(parsed) == "article" else []


def _continuations(parsed: _Parsed) -> list[str]:
    hrefs: list[str] = []
    total = 0
    for block in parsed.page.blocks:
        if not block.links:
            continue
        # Every pager text but 第N页 has at most five characters, so most link texts (titles,
        # menus) are ruled out without the regex.
        pager = [
            href
            for text, href in zip(block.links, block.hrefs, strict=False)
            if (len(text) <= 5 or text[0] == "第") and PAGER_LINK.match(text)
        ]
        if pager:
            hrefs.extend(pager)
            total = max(total, _stated_count(block.text))
    for text, value in parsed.options:
        hrefs.append(value)
        total = max(total, _stated_count(text))
    if parsed.head.script_pager:
        hrefs.extend(_script_pager_pages(parsed.head.script_pager))
        total = max(total, parsed.head.script_pager[0])
    if not hrefs:
        return []
    # (A URL as a visitor came by it, ?utm_source=… and all, names the same pages.)
    return same_article_pages(without_tracking(parsed.url), hrefs, total, base=parsed.base)


# The most pages a script pager's links are made for (a list of a thousand pages is rare; a
# count past it, a page's typo or a trap).
SCRIPT_PAGER_MAX = 1000


def _script_pager_pages(pager: tuple[int, str, str]) -> list[str]:
    """The pages a script draws a pager to (TRS's createPageHTML(3, 0, "index", "html"):
    index.html, index_1.html, index_2.html), as links relative to the page."""
    count, prefix, extension = pager
    return [
        f"{prefix}.{extension}" if n == 0 else f"{prefix}_{n}.{extension}"
        for n in range(min(count, SCRIPT_PAGER_MAX))
    ]


def _stated_count(text: str) -> int:
    """The page count a pager states ("共3页", "1/3", "第1/3页"); 0 when it states none."""
    stated = PAGE_COUNT.search(text)
    return int(stated.group("total") or stated.group("of")) if stated else 0


def page_kind(body: bytes, url: str) -> PageKind:
    """Whether a page is an article, a list of articles, or something else."""
    try:
        parsed = _prepare(body, url, None, DEFAULT_RULES)
    except ExtractError:
        return "other"
    return _kind(parsed)


def _kind(parsed: _Parsed) -> PageKind:
    if parsed.title and _about_the_site(parsed.title.strip(" 【】[]"), parsed):
        return "other"  # the site speaking of itself, however much prose it holds
    prose = sum(b.prose_chars for b in parsed.body if is_prose(b))
    # Enough running text is an article; a short one needs the frame of an article around it,
    # and so do verses, whose lines are no prose (short, unpunctuated: a poem, 板书).
    lines = [b for b in parsed.body if not b.links]
    verse = len(lines) >= MIN_VERSE_LINES and sum(len(b.text) for b in lines) >= SHORT_ARTICLE_PROSE
    # (One page of an article split in several may hold a paragraph or two: its pager to
    # the other pages makes it one; a list's pager leaves no prose and no frame.)
    framed = prose >= ARTICLE_PROSE or (
        (prose > 0 or verse)
        and _article_frame(parsed)
        and (prose >= SHORT_ARTICLE_PROSE or verse or bool(_continuations(parsed)))
    )
    if framed and not _excerpt_list(parsed):
        return "article"
    blocks = parsed.page.blocks
    titled = [_is_title_link(b) for b in blocks]
    if sum(titled) + parsed.head.scripted_items < LIST_MIN_TITLES:
        return "other"
    # A front page: several headed sections of title links rather than one main list.
    sections = 0
    for number, block in enumerate(blocks[:-MIN_SECTION_ITEMS]):
        if (
            not titled[number]
            and len(block.text) <= 16
            and all(titled[number + 1 : number + 1 + MIN_SECTION_ITEMS])
            and not DATE_PATTERN.search(block.text)
        ):
            sections += 1
    if sections >= FRONT_PAGE_SECTIONS or (sections >= 2 and is_front_page(parsed.url)):
        return "other"
    return "list"


def _about_the_site(title: str, parsed: _Parsed) -> bool:
    """关于我们, 免责声明, 网站地图 …, or 关于 followed by the site's own name."""
    if SITE_PAGE.match(title):
        return True
    if not title.startswith("关于") or len(title) > 20:
        return False
    site = site_of(parsed.page, parsed.head, parsed.url)
    return bool(site) and title[2:].startswith(site)


def _is_title_link(block: Block) -> bool:
    """A block that is mostly a link whose text reads like an article title (not a date), or
    a short title link with only its date beside it (安全生产月活动方案 2023-06-02)."""
    title = next((t for t in block.links if 6 <= len(t) <= 60 and not DATE_ONLY.match(t)), None)
    if title is None:
        return False
    if block.link_density > 0.5:
        return True
    rest = block.text.replace(title, "", 1).strip(" []【】()（）|")
    # (Beside it, its date, or catalogue codes and a date: a 信息公开 list's 索引号.)
    return len(block.links) == 1 and bool(rest) and all(map(ITEM_CODE.fullmatch, rest.split()))


def _article_frame(parsed: _Parsed) -> bool:
    """A title above the body with a dated info line under it, or a title heading with
    上一篇/下一篇 after the body."""
    title = parsed.title_block
    if title is None or not parsed.body:
        return False
    # (The body's container may hold the title: the text starts after it.)
    first = next((b.index for b in parsed.body if b.index > title.index), None)
    if first is None:
        return False
    last = parsed.body[-1].index
    blocks = parsed.page.blocks
    # (The info line may stand inside the text's container, as the body's first block.)
    header = blocks[title.index + 1 : first + 1]
    # (A dated line that is mostly a link is a list's item, not the article's info line.) The
    # title may be no heading here (a <div class="title"> showing <title>'s words).
    if any(
        len(b.text) <= 100 and b.link_density < 0.5 and DATE_PATTERN.search(b.text) for b in header
    ):
        return True
    return title.heading and any(
        ADJACENT_ARTICLE.match(b.text) for b in blocks[last + 1 : last + 12]
    )


def _excerpt_list(parsed: _Parsed) -> bool:
    """A list whose items are a title link followed by an excerpt, which reads like prose.

    Between the title and its excerpt an item may show a line of its own (a date, a byline),
    so a title link up to EXCERPT_REACH blocks before a prose block opens its item. Where each
    item stands in a cell of its own, content scoring may pick a single item: a body of items
    then counts the items of the whole page.
    """
    blocks = parsed.page.blocks

    def opens_item(block: Block) -> bool:
        for before in blocks[max(block.index - EXCERPT_REACH, 0) : block.index]:
            if (
                before.links
                and _is_item_title(before)
                and not (before.heading and _links_own_pages(parsed.url, parsed.base, before))
            ):
                return True
        return bool(block.links and len(block.links[0]) >= 6)

    prose = [block for block in parsed.body if is_prose(block)]
    items = sum(opens_item(block) for block in prose)
    if not items or items * 2 < len(prose):
        return False
    if items >= EXCERPT_LIST_ITEMS or (items >= 2 and items == len(prose)):
        return True  # (a tag page of two posts: nothing but excerpts)
    if items == len(prose) and all(_cut_short(b) for b in prose):
        return True  # a list's last page, one excerpt on it
    # Each item in an element of its own (<article>s of a blog's archive): the page's.
    page_prose = [b for b in blocks if is_prose(b)]
    opened = sum(1 for b in page_prose if opens_item(b))
    return opened >= EXCERPT_LIST_ITEMS or (opened >= 2 and opened == len(page_prose))


def _cut_short(block: Block) -> bool:
    """An excerpt: text cut at an ellipsis that a link to the rest follows, or at a lone
    ellipsis ("……", the ellipsis of Chinese prose, may end a paragraph of an article)."""
    text = block.text
    if block.links and READ_MORE.match(block.links[-1]) and text.endswith(block.links[-1]):
        return text[: -len(block.links[-1])].rstrip().endswith(ELLIPSES)
    return text.endswith(ELLIPSES) and not text.endswith("……")


def _links_own_pages(url: str, base: str, block: Block) -> bool:
    """Whether every link of a block leads to a page of the article at url: an essay's
    heading linking to its page of its own, 4431207_2.html of 4431207.html, is no other
    article's title. (Asked of few blocks: linked headings.)"""
    try:
        article = page_key(url)[0]
        return bool(block.hrefs) and all(
            page_key(urljoin(base, href))[0] == article for href in block.hrefs
        )
    except ValueError:  # (an href that is no URL)
        return False


def _is_item_title(block: Block) -> bool:
    """A list item's title line: mostly a link, or opening with a title link that its date
    and counters follow (标题 日期：2024-03-02 点击：64)."""
    title = next((t for t in block.links if len(t) >= 6 and not DATE_ONLY.match(t)), None)
    if title is None:
        return False  # (a byline's date and author links)
    return block.link_density > 0.5 or block.text.startswith(title)
