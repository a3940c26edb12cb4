"""The record's fields other than the body: title, site, category, date and the labelled ones."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import cast
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .blocks import Block, Page, same_row
from .dates import CHINA, DATE_PATTERN, parse_date, parse_labelled_date
from .labels import (
    AUTHOR_WITH_UNIT,
    BYLINE_MAX,
    INSTITUTION,
    JOB_TITLE,
    LABEL_PATTERN,
    REPORTER_ROLE,
    WEAKER_FIELDS,
    LabelledValue,
    clean_value,
    read_labels,
)
from .meta import (
    AUTHOR_META,
    AUTHOR_UNIT_META,
    DATE_META,
    SECTION_META,
    SITE_META,
    SITE_NAME_END,
    SOFTWARE_CREDIT,
    TITLE_META,
    HeadInfo,
)
from .text import fold, split_list
from .urls import is_front_page

BREADCRUMB_LABEL = re.compile(
    r"(当前位置|您的位置|你的位置|您现在的位置|现在位置|所在位置|当前页面|位置)\s*[:：]"
)
BREADCRUMB_SEPARATOR = re.compile(r"[>»›→＞/]|&gt;")
# The arrows between a trail's sections ("/" also separates a menu's items).
BREADCRUMB_ARROW = re.compile(r"[>»›→＞]|&gt;")
# Links to the previous and next article or page, which arrows often frame.
ADJACENT_LINK = re.compile(
    r"^[«‹<\s]*(?:上一|下一|前一|后一|上|下)(?:篇|页|条|章)|^(?:previous|next)\b", re.I
)
# A section's name is short, never an article's title; a trail has a few of them.
CRUMB_MAX = 15
MAX_CRUMBS = 8
MAX_TAGS = 12
# How long a line holding only a breadcrumb label may be ("您现在的位置：").
CRUMB_LABEL_MAX = 12
HOME_LINKS = frozenset(("首页", "网站首页", "主页", "返回首页", "home", "Home", "HOME"))
NOT_A_CATEGORY = frozenset(
    ("正文", "内容", "详情", "阅读", "文章", "正文内容", "浏览文章", "查看文章")
)
WELCOME_BANNER = re.compile(
    r"欢迎(?:您)?(?:来到|光临|访问)(?:本站)?[:：]?\s*(?P<name>[^!！,，。\s]{2,20}?)(?:官方)?(?:网站)?(?:[!！,，。]|$)"
)
CREDIT_FIELDS = ("author", "author_unit", "editor", "source")
# Links to a person's page (the reposter's, the author's), whose name is no section.
PERSON_LINK = re.compile(
    r"user|author|space|member|/u/|uid=|blogger|/people/|/home(?:/|\?|$)|profile", re.IGNORECASE
)
# A forum thread's type before its title in the heading: [原创], 【分享】.
THREAD_TAG = re.compile(r"^(?:\[[^\]]{1,6}\]|【[^】]{1,6}】)\s*")
# How far above the body an info line may stand for the line over it to be taken as the title.
INFO_REACH = 3
# How long a <title> part may be, and how many bare hyphens in it are tried, for a title glued
# to its channel (a title is short; a page of hyphenated words is not worth the prefixes).
GLUED_TITLE_MAX = 200
MAX_CUTS = 6
# How long a heading found inside <title> must be to be taken for the title without being a
# whole part of it.
SHORT_HEADING = 6
# How many of the page's first lines may hold its logo's link.
LOGO_REACH = 12
# The longest site name read from after a bare hyphen in <title>.
GLUED_SITE_MAX = 12


_CHINESE_FIRST = frozenset(("abstract", "keywords"))
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _latin(text: str) -> bool:
    """Whether a value is written without Chinese characters (an English abstract's)."""
    return _CJK.search(text) is None


@dataclass(slots=True)
class Labelled:
    """Labelled values read around the article, first occurrence of each field kept."""

    values: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)  # the block each value came from
    consumed: set[int] = field(default_factory=set)  # blocks that are metadata, not body
    prefixes: list[str] = field(default_factory=list)  # text before the labels of info lines
    # The dates that open info lines before their labels (2023-06-12 08:30 来源：…).
    dated: list[str] = field(default_factory=list)
    # Values of weaker labels that a stronger one outranked (编辑 beside 责任编辑), by field.
    outranked: dict[str, str] = field(default_factory=dict)

    def take(self, item: LabelledValue, block: Block) -> None:
        value = item.value
        name = WEAKER_FIELDS.get(item.field, item.field)
        if name == "author":
            value = FOOTNOTE_MARK.sub("", value)  # 周立群<sup>1</sup>，黄海燕<sup>2</sup>
            value = REPORTER_ROLE.sub("", value)  # 作者：记者 易文涛
        if name in CREDIT_FIELDS:
            value = clean_value(_own_words(value, block.links, name)) or ""
        elif name == "category":
            value = _own_words(value, block.links, name)
        if name == "author" and value.endswith(("）", ")")):
            value = self._named_with_unit(value, block)
        if value and (
            item.field not in self.values
            # (A Chinese abstract or keyword line is the record's, an English one before it
            # notwithstanding.)
            or (
                item.field in _CHINESE_FIRST
                and _latin(self.values[item.field])
                and not _latin(value)
            )
        ):
            self.values[item.field] = value
            self.blocks[item.field] = block

    def _named_with_unit(self, value: str, block: Block) -> str:
        """The author's name of 林晓（中国人民大学马克思主义学院教授）; the unit, its titles
        dropped, is kept as the weaker author_unit."""
        named = AUTHOR_WITH_UNIT.match(value)
        if named is None:
            return value
        unit = JOB_TITLE.sub("", named.group("unit")).strip()
        if INSTITUTION.search(unit):
            self.offer("author_unit?", unit, block)
        elif not JOB_TITLE.fullmatch(named.group("unit")):
            return value  # 张三（笔名） and the like: the brackets say something else
        return named.group("name")

    def offer(self, name: str, value: str, block: Block) -> None:
        """A value read without its own label (a unit in brackets, a journal's byline), kept
        when the field has none yet."""
        self.values.setdefault(name, value)
        self.blocks.setdefault(name, block)

    def settle(self) -> None:
        """A weaker label's value (编辑, 发布者, 更新时间) becomes its field's where no stronger
        label gave one; it is kept aside as outranked otherwise."""
        for weak, name in WEAKER_FIELDS.items():
            value = self.values.pop(weak, None)
            block = self.blocks.pop(weak, None)
            if value is not None and block is not None and name not in self.values:
                self.values[name] = value
                self.blocks[name] = block
            elif value is not None:
                self.outranked[name] = value


def _own_words(value: str, links: list[str], name: str) -> str:
    """A credit (or a category) without what runs on after it on the line: a bracketed widget (来源：人民网
    【字号 大 中 小】) or links to elsewhere (作者：小龙 个人工作总结 我要投稿). An author that is
    itself a link keeps the links after it: they are more names; a source is one."""
    widget = value.find("【", 1)
    if widget > 0:
        value = value[:widget]
    words = value.split()
    # (张永强; 李玉洁; 周雪;: a name's separator is not part of its link.)
    first = words[0].rstrip(";；,，、") if words else ""
    if len(words) > 1 and first in links and name in ("source", "category"):
        # 来源：<a>中国新闻网</a> 北京 举报, 分类：<a>读书笔记</a> <a>编辑</a>: one name, its link.
        return first
    if len(words) > 1 and first not in links:
        while len(words) > 1 and words[-1] in links:
            words.pop()
        return " ".join(words)
    return value


def read_labelled(
    blocks: list[Block], passed_over: Callable[[Block], bool] | None = None
) -> Labelled:
    """Read every labelled line among blocks; mark metadata lines so the body can skip them.

    Blocks for which passed_over() holds (navigation around the body) are read as if absent.
    """
    found = Labelled()
    labels_of = [read_labels(block.text) for block in blocks]
    # A book's card (书名, 出版社, ISBN lines): the 作者 on it is the book's. (The indexes
    # near one, as a set: a page of a thousand cards is looked up, not searched.)
    near_cards = {
        block.index + offset
        for block, items in zip(blocks, labels_of, strict=True)
        if items and any(item.field == "book" for item in items)
        for offset in range(-BOOK_CARD_REACH, BOOK_CARD_REACH + 1)
    }
    for position, block in enumerate(blocks):
        items = labels_of[position]
        if not items:
            if position and block.text[:1] in "（(":
                _unlabelled_byline(found, blocks[position - 1], block)
            continue
        if items[0].field == "keywords":
            items = [item for item in items if not _is_phrase(item)]
        if not items or (passed_over is not None and passed_over(block)):
            continue
        first = items[0].start
        if block.link_density > 0.5 and first > 1 and not _is_byline(block.text):
            continue  # a list of links that merely mentions a label
        prefix = block.text[:first].strip(" (（【[")
        # The text before the labels of an info line is a date, a section name or both.
        undated = DATE_PATTERN.sub("", prefix).strip() if prefix else ""
        metadata_line = first <= 1 or (len(block.text) < 120 and len(undated) <= 20)
        if not metadata_line:
            continue
        if near_cards and _on_book_card(block, items, near_cards):
            # (The line leaves the body with the card, its author unread.)
            found.consumed.add(block.index)
            items = [item for item in items if item.field != "author"]
            if not items:
                continue
        if items[0].field != "signed" or len(items) > 1:
            found.consumed.add(block.index)  # (a signature line stays in the text)
        if undated:
            found.prefixes.append(undated)
        if prefix and prefix != undated:
            found.dated.append(prefix)  # 2023年06月12日08:30 来源：…: the line's own date
        for item in items:
            if item.field == "abstract" and item.value and item is items[-1]:
                # 摘要：P1 then P2, then 关键词：…: the paragraphs before the keyword line are
                # the abstract's too.
                more = _abstract_paragraphs(blocks, labels_of, position + 1)
                item.value = "\n\n".join([item.value, *(b.text for b in more)])
                found.consumed.update(b.index for b in more)
            elif (
                item.field in _VALUE_BELOW
                and not item.value
                and len(items) == 1
                and block.link_density <= 0.5  # (a tab's 摘要 | HTML全文 heads no value)
            ):
                # "【摘要】" on a line of its own: the value is the next block (a database's
                # rows: 作者： over the names, DOI： over 10.16637/…, when it reads as one).
                below = next(
                    (
                        (at, b)
                        for at, b in enumerate(blocks[position + 1 :], position + 1)
                        if passed_over is None or not passed_over(b)
                    ),
                    None,
                )
                if below is not None and _VALUE_BELOW[item.field](below[1].text):
                    item.value = below[1].text
                    found.consumed.add(below[1].index)
                    if item.field == "abstract":
                        # 摘　要 over two paragraphs, then 关键词: the paragraphs between are its.
                        more = _abstract_paragraphs(blocks, labels_of, below[0] + 1)
                        item.value = "\n\n".join([item.value, *(b.text for b in more)])
                        found.consumed.update(b.index for b in more)
            if (
                item.field == "noise"
                and not item.value
                and len(items) == 1
                and position + 1 < len(blocks)
                and same_row(block, blocks[position + 1])
            ):
                # 作者简介： | 刘海涛（1983-）…: a database row's value cell, ignored as its
                # label is.
                found.consumed.add(blocks[position + 1].index)
            if item.field == "tags" and not item.value and len(items) == 1:
                # "标签：" over a list of tag links, one to an <li>.
                tags = _links_after(blocks, position, MAX_TAGS)
                # (Those that lead where the first does, /tag/…: not a share box's after them.)
                kind = _link_kind(tags[0][1]) if tags else ""
                item.value = "、".join(text for text, href in tags if _link_kind(href) == kind)
            if item.field == "tags" and len(block.links) >= 2:
                # Tags glued together by their links: the links are the items, those that
                # lead where the first does (/tag/…), not the print or share links after them.
                inside = [
                    (link, href)
                    for link, href in zip(block.links, block.hrefs, strict=False)
                    if link in item.value
                ]
                if len(inside) >= 2:
                    kind = _link_kind(inside[0][1])
                    item.value = "、".join(t for t, href in inside if _link_kind(href) == kind)
            found.take(item, block)
        if (
            position + 1 < len(blocks)
            and "author" in found.blocks
            and found.blocks["author"] is block
        ):
            # A journal's byline: the authors' units in brackets on the line under their
            # names, （1.江西师范大学 数学与统计学院，江西 南昌 330022；2.…）.
            under = blocks[position + 1]
            units = _bracketed_units(under.text)
            if units:
                found.offer("author_unit?", units, under)
                found.consumed.add(under.index)
    found.settle()
    return found


# How far from a book card's 书名 / 出版社 lines its 作者 line may stand.
BOOK_CARD_REACH = 2


def _on_book_card(block: Block, items: list[LabelledValue], near_cards: set[int]) -> bool:
    """Whether a line is a book card's (书名：… 作者：… 出版社：…, or a 作者 line among them),
    not the review's byline, which names a date or a source too."""
    return block.index in near_cards and all(item.field in ("author", "book") for item in items)


def _unlabelled_byline(found: Labelled, names: Block, units: Block) -> None:
    """A journal's byline without labels: a line of names (王建国1，刘芳2) over their units in
    brackets. Both are taken (weaker than labelled ones) and leave the body."""
    bracketed = _bracketed_units(units.text)
    if bracketed is None or names.index in found.consumed or not NAME_LIST.match(names.text):
        return
    found.offer("author?", FOOTNOTE_MARK.sub("", names.text), names)
    found.offer("author_unit?", bracketed, units)
    found.consumed.update((names.index, units.index))


def _bracketed_units(text: str) -> str | None:
    """The units of a line that is only their bracketed list, the line under a journal
    article's authors; None for other brackets (a note, an aside)."""
    bracketed = UNITS_IN_BRACKETS.match(text)
    units = bracketed.group("units") if bracketed else None
    return units if units and INSTITUTION.search(units) else None


# A line of a few Chinese names, each maybe with its footnote mark: 王建国1，刘芳2 / 张三 李四.
NAME_LIST = re.compile(
    r"^[\u4e00-\u9fff]{2,4}(?:\d{1,2}(?:,\d{1,2})*|\*)?"
    r"(?:\s*[，,、;；\s]\s*[\u4e00-\u9fff]{2,4}(?:\d{1,2}(?:,\d{1,2})*|\*)?){0,7}$"
)
# A line that is only a bracketed list of units (the line under a journal article's authors).
UNITS_IN_BRACKETS = re.compile(r"^[（(]\s*(?P<units>[^（()）]{4,150}?)\s*[)）]$")


def _name_line(text: str) -> bool:
    """A short line of names, no sentence and no label of its own: an author's, a source's."""
    return len(text) <= 40 and "。" not in text and not LABEL_PATTERN.match(text)


# How many paragraphs an abstract (under its heading, or after its label) may have.
ABSTRACT_PARAGRAPHS = 4


def _abstract_paragraphs(
    blocks: list[Block], labels_of: list[list[LabelledValue]], start: int
) -> list[Block]:
    """The further paragraphs of an abstract (under its heading 摘　要, or after its label
    摘要：…): those up to the keyword line that closes it within a few lines; none without
    such a line."""
    for at in range(start, min(start + ABSTRACT_PARAGRAPHS, len(blocks))):
        if labels_of[at]:
            return blocks[start:at] if labels_of[at][0].field == "keywords" else []
    return []


# The labels whose value may stand in the block under them, and what that block must look like
# to be the value: any text under 摘要 or 关键词; a short line of names or units, no sentence;
# a date; a catalogue number.
_VALUE_BELOW: dict[str, Callable[[str], bool]] = {
    "abstract": lambda text: True,
    "keywords": lambda text: True,
    "author": _name_line,
    "author_unit": lambda text: len(text) <= 100 and "。" not in text,
    "source": _name_line,
    "category": lambda text: len(text) <= 20 and not any(mark in text for mark in "。，,"),
    "date": lambda text: len(text) <= 40 and DATE_PATTERN.search(text) is not None,
    "catalogue": lambda text: len(text) <= 60,
}
# Footnote marks glued after an author's name: 周立群1，黄海燕2 (superscripts), 王五*.
FOOTNOTE_MARK = re.compile(r"(?<=[\u4e00-\u9fff])(?:\d{1,2}(?:[,，]\d{1,2})*|\*)(?=[\s，,、;；]|$)")
# The longest keyword a keyword line holds alone: 关键词：新质生产力频频出现 is a subheading.
KEYWORD_MAX = 8


def _is_phrase(item: LabelledValue) -> bool:
    """Whether a keyword "line" is a phrase that only opens with the label: one item, longer
    than any keyword (a subheading of the text, 关键词：新质生产力频频出现)."""
    return (
        item.field == "keywords"
        and len(item.value) > KEYWORD_MAX
        and len(split_list(item.value)) == 1
    )


def _link_kind(href: str) -> str:
    """Where a link leads, to tell a tag's link from others: its path's folder (/tag/ of
    /tag/党建/), or the script of a query (/tags.php of /tags.php?/党建/)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return href
    path = parts.path
    return path if parts.query else path.rstrip("/").rpartition("/")[0]


def _is_byline(text: str) -> bool:
    """A short dated line: its links are the date and the author's page, not a list."""
    return len(text) <= BYLINE_MAX and DATE_PATTERN.search(text) is not None


def title_of(
    page: Page, head: HeadInfo, body_start: int | None = None
) -> tuple[str | None, Block | None]:
    """The article title and the block that shows it, if any (body_start: the index of the
    body's first block)."""
    full = head.title
    social = head.first(TITLE_META) or head.ld("headline", "name")
    segments = head.title_segments
    first_segment = segments[0] if segments else ""
    # (Not a logo: a heading that is one link to the front page, <h1><a href="/">公文易</a>.)
    headings = [b for b in page.blocks if b.heading and 2 <= len(b.text) <= 150 and not _is_logo(b)]
    headings.sort(key=lambda b: (b.element.tag, b.index))
    last = segments[-1] if len(segments) > 1 else None
    if social:
        # The heading that is og:title exactly, over a blog's name in <h1> (痞客邦).
        same = next((b for b in headings if b.text == social), None)
        if same is not None:
            return same.text, same
    for block in headings:
        # The heading as it is, else without a forum thread's type ([原创] 标题).
        for text in dict.fromkeys((block.text, THREAD_TAG.sub("", block.text))):
            # (A short heading inside <title> may be the site's name in it, 禾州日报 of
            # 禾州日报数字报--…: only a whole part of it says it is the title.)
            shown = (
                full
                and (
                    text in segments
                    or (len(text) > SHORT_HEADING and (text in full or full.startswith(text[:12])))
                )
            ) or (social and text in social)
            if shown and text != last:
                return _without_info_tail(text, first_segment), block
    # A block showing a part of <title>: the longest such part is the title, whether the
    # site's name comes after it or (鹤川市人民医院--院长述职报告) before.
    wanted = {t for t in (*segments, social, full) if t}
    # (标题-期刊-万方数据知识服务平台: a channel glued to the title by a bare hyphen too.)
    if len(first_segment) <= GLUED_TITLE_MAX:
        wanted.update(first_segment[:cut] for cut in _glued_cuts(first_segment)[:MAX_CUTS])
    showing = [b for b in page.blocks if b.text in wanted and b.link_density < 1]
    if showing:
        # (og:title's own words first: the site's name in <title> may be the longer part.)
        block = max(showing, key=lambda b: (b.text == social, len(b.text)))
        return block.text, block
    h1 = [b for b in headings if b.element.tag == "h1"]
    if len(h1) == 1:
        return h1[0].text, h1[0]
    # No <title> part on the page (an empty <title>, or one that is the site's name alone):
    # the line over the dated info line that opens the article.
    above = _line_above_info(page, body_start) if body_start is not None else None
    if above is not None:
        return above.text, above
    if social:
        parts = [p for p in re.split(r"\s*[_|｜]\s*", social) if p]
        return parts[0] if parts else social, None
    return first_segment or None, None


def _without_info_tail(text: str, title: str) -> str:
    """A heading's text without the info line its markup tucks inside it (<h1>标题 <small>
    2024-01-02 作者：张三</small></h1>), where <title> gives the title alone."""
    if not title or len(text) <= len(title) or not text.startswith(title):
        return text
    rest = text[len(title) :]
    if rest[:1].isspace() and (DATE_PATTERN.search(rest) or LABEL_PATTERN.search(rest)):
        return title
    return text


def _is_logo(block: Block) -> bool:
    return block.link_density >= 1 and len(block.hrefs) == 1 and is_front_page(block.hrefs[0])


def _glued_cuts(segment: str) -> list[int]:
    """Where a <title> segment may end its title: at a bare hyphen (2023-2024学年 keeps its
    year's hyphen: a digit on either side is no cut), or at a space before a site's name
    (…技能大赛 湖南省中医药研究院附属医院)."""
    cuts = [
        at
        for at, char in enumerate(segment)
        if char == "-"
        and at >= 4
        and not segment[at - 1].isdigit()
        and not segment[at + 1 : at + 2].isdigit()
    ]
    space = segment.rfind(" ")
    if space >= 4 and SITE_NAME.fullmatch(segment[space + 1 :]):
        cuts.append(space)
    return cuts


def _line_above_info(page: Page, body_start: int) -> Block | None:
    """The short unlinked line just over a dated info line (时间：… 来源：…) that stands at most
    INFO_REACH blocks above the body: where a title without markup stands."""
    blocks = page.blocks
    for index in range(body_start - 1, max(body_start - 1 - INFO_REACH, 0), -1):
        info = blocks[index]
        if len(info.text) <= 120 and info.link_density < 0.5 and DATE_PATTERN.search(info.text):
            above = blocks[index - 1]
            text = above.text
            if (
                4 <= len(text) <= 80
                and not above.links
                and DATE_PATTERN.search(text) is None
                and not text.endswith(("。", "：", ":"))
            ):
                return above
            return None
    return None


# The owner a footer's copyright names, as the site calls itself: "© 中国知网空间 京ICP证…",
# "版权所有：青石县人民政府", "Copyright © 2024 范文网 All rights reserved".
COPYRIGHT_OWNER = re.compile(
    r"(?:版权所有|©|Copyright\s*(?:©|\(c\))?)\s*[:：]?\s*(?:(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\s*)?"
    r"(?P<name>[^\s\d,，.。|｜©:：()（）][^\s,，。|｜©:：()（）]{1,19})"
)
SITE_NAME = re.compile(rf"\w{{1,16}}{SITE_NAME_END}")
# A site's domain in brackets after its name: 央视网(cctv.com), 新华网（xinhuanet.com）.
DOMAIN_AFTER_NAME = re.compile(r"(?<=\S)\s*[（(](?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+[)）]$", re.I)


# The separators a <title> with an empty title part leaves around the site's name.
_NAME_TRIM = " -_|｜—–·•"


# A mobile edition's mark after a site's name: 瑞文网手机版, 范文网(移动版).
MOBILE_EDITION = re.compile(
    r"\s*[-_·(（]?\s*(?:手机版|手机站|移动版|触屏版|[Ww][Aa][Pp]版)\s*[)）]?$"
)


def site_of(page: Page, head: HeadInfo, url: str, title: str | None = None) -> str:
    """The site's own name: og:site_name, the <title> suffix (its prefix where the title is
    the suffix), a welcome banner, else the host; without a domain in brackets after it."""
    name = _site_name(page, head, url, title).strip(_NAME_TRIM)  # (<title>-铜雀历史网</title>)
    name = DOMAIN_AFTER_NAME.sub("", name) if name.endswith((")", "）")) else name
    # (The site, whichever edition of it the page belongs to.)
    edition = MOBILE_EDITION.search(name)
    return name[: edition.start()] if edition and edition.start() >= 2 else name


def _site_name(page: Page, head: HeadInfo, url: str, title: str | None) -> str:
    named = head.first(SITE_META) or head.ld("publisher")
    if named:
        return named
    # (A <title> that is the article's title whole, subtitle and all, names no site.)
    segments = head.title_segments if title != head.title else [head.title]
    if len(segments) >= 2 and not _keyword_tail(segments, head):
        named = segments[0] if title and segments[-1] == title else _site_segment(segments)
        if not named.startswith("《"):  # 标题--《农业经济问题》2019年03期: a journal's issue
            return named
    alone = segments[0] if len(segments) == 1 else ""
    if title and 0 < len(alone) <= GLUED_SITE_MAX and title not in alone and alone not in title:
        return alone  # a <title> that is the site's name alone (学习强国)
    # "报告标题-公文易": a name glued by a bare hyphen (no 网 or 站 to tell it, and a hyphen
    # also joins years, 2023-2024学年) is the site's when the page links it by that name.
    glued = head.title.rsplit("-", 1)[-1].strip() if "-" in head.title else ""
    if (
        2 <= len(glued) <= GLUED_SITE_MAX
        and not glued[0].isdigit()
        and " " not in glued
        and any(glued in block.links for block in page.blocks)
    ):
        return glued
    for block in page.blocks[:12]:
        match = WELCOME_BANNER.search(block.text)
        if match:
            return match.group("name")
    host = urlsplit(url).hostname or ""
    for block in page.blocks[:LOGO_REACH]:
        # The logo: a link to the site's front page whose words are a site's name (湖州师范大学
        # 新闻网; not a link to another site's front page, which names that site).
        for text, href in zip(block.links, block.hrefs, strict=False):
            if SITE_NAME.fullmatch(text) and _front_page_of(url, href, host):
                return text
    for block in page.blocks[-8:]:
        # The footer's copyright: © 中国知网空间, 版权所有：青石县人民政府.
        owner = COPYRIGHT_OWNER.search(block.text) if len(block.text) <= 200 else None
        if owner and SITE_NAME.fullmatch(owner.group("name")):
            return owner.group("name")
    return host[4:] if host.startswith("www.") else host


def _front_page_of(url: str, href: str, host: str) -> bool:
    try:
        link = urljoin(url, href)
        return urlsplit(link).hostname == host and is_front_page(link)
    except ValueError:  # (a link that is no URL)
        return False


def _site_segment(segments: list[str]) -> str:
    """The part of a <title> after the article's title that names the site: the last, unless
    it is a search phrase repeating the title's words after a part ending like a site's name
    (在公司技术分享会上的发言_51CTO博客_技术分享会发言稿)."""
    last = segments[-1]
    if len(segments) < 3 or SITE_NAME.fullmatch(last) or not _repeats(last, segments[0]):
        return last
    return next((s for s in reversed(segments[1:-1]) if SITE_NAME.fullmatch(s)), last)


# How many characters in a row a <title>'s last part must share with the title to repeat it.
SHARED_WORDS = 4


def _repeats(part: str, title: str) -> bool:
    """Whether part holds SHARED_WORDS characters in a row that the title holds too."""
    return any(part[at : at + SHARED_WORDS] in title for at in range(len(part) - SHARED_WORDS + 1))


def _keyword_tail(segments: list[str], head: HeadInfo) -> bool:
    """Whether the parts after the title are the page's keywords (标题_发展_产业_农村, the
    keywords meta listing 发展, 产业, 农村), not the names of a site and its channel."""
    keywords = head.meta.get("keywords")
    if len(segments) < 3 or not keywords or head.title in keywords:
        return False  # (a keywords tag that repeats the whole <title>, as Discuz!'s does)
    if SITE_NAME.fullmatch(segments[-1]):
        return False  # (标题—组工动态—临溪先锋网 with keywords 临溪先锋网,组工动态: a site's name)
    listed = set(split_list(keywords))
    return all(segment in listed for segment in segments[1:])


_NOT_IN_SECTION = "《》：:？?！!，,。"


def category_of(
    page: Page,
    head: HeadInfo,
    labelled: Labelled,
    title: str | None,
    site: str,
    header: list[Block] | None = None,
    title_at: int | None = None,
    *,
    raw: bytes | None = None,
) -> str | None:
    """The section the site files the article under (title_at: the title's block index;
    raw: the page's bytes, whose saying "breadcrumb" (class, id, aria-label, itemtype) makes
    the tree worth a search for a trail its markup names; None: search it)."""
    crumb = _breadcrumb_category(page, title, site, title_at)
    if not crumb and (raw is None or b"rumb" in raw):
        crumb = _marked_trail_category(page, title, site)
    if crumb:
        return crumb
    if "category" in labelled.values:
        return labelled.values["category"]
    section = head.first(SECTION_META) or head.ld("articleSection")
    if section:
        return section
    # The word before the date of an info line ("心得体会 2023-03-02 作者：…") is the section
    # when the site links to a section of that name.
    words = list(labelled.prefixes)
    for block in header or ():
        # (Not a line that is mostly a link: a sidebar's dated post title, no info line.)
        if len(block.text) > 100 or block.link_density > 0.5:
            continue
        dated = DATE_PATTERN.search(block.text)
        if dated:
            words.append(block.text[: dated.start()].strip(" |｜/丨·•-—"))
    # (A section's name has no book title's brackets and no sentence's marks: 《活着》笔记：…
    # is a post's title, a sidebar's dated link.)
    wanted = {
        word
        for word in words
        if 2 <= len(word) <= 15 and word != title and not any(m in word for m in _NOT_IN_SECTION)
    }
    sections = {
        text
        for block in (page.blocks if wanted else ())
        for text, href in zip(block.links, block.hrefs, strict=False)
        if text in wanted and not PERSON_LINK.search(href)
    }
    # Last, an e-paper's page line above the title (第03版：要闻).
    return next((word for word in words if word in sections), None) or _paper_page_section(
        page.blocks[: title_at or 0]
    )


# An e-paper's page over an article: 第03版：要闻, its section.
PAPER_PAGE = re.compile(r"^第\s*[0-9A-Z]{1,3}\s*版\s*[:：]\s*(?P<name>[^\s:：]{2,8})(?:\s|$)")


def _paper_page_section(above_title: list[Block]) -> str | None:
    """The section an e-paper's page line above the title names (第03版：要闻)."""
    for block in above_title:
        if block.text[:1] == "第" and (page := PAPER_PAGE.match(block.text)):
            return page.group("name")
    return None


def _breadcrumb_category(
    page: Page, title: str | None, site: str, title_at: int | None = None
) -> str | None:
    """The last section of the page's breadcrumb trail, if it shows one."""
    blocks = page.blocks
    for position, block in enumerate(blocks):
        text, links = block.text, block.links
        if not links and CRUMB_LABEL_MAX < len(text) <= CRUMB_TEXT_MAX:
            # 当前位置：首页 > 领导讲话 > 正文, not a link in it.
            label = BREADCRUMB_LABEL.search(text)
            if label and label.start() <= 2 and BREADCRUMB_ARROW.search(text, label.end()):
                names = _section_names(_plain_sections(text[label.end() :], title), title, site)
                if names:
                    return names[-1]
            continue
        if len(text) > 200 or not (links or len(text) <= CRUMB_LABEL_MAX):
            continue
        labelled = BREADCRUMB_LABEL.search(text)
        if labelled and not links:
            # "您现在的位置：" alone, each section a block of its own (<li>s of an <ol>).
            links = [text for text, _ in _links_after(blocks, position, MAX_CRUMBS)]
        elif not labelled and (len(links) < 2 or not _is_trail(block, site, title_at)):
            continue
        if labelled and block.links:
            # 当前位置：首页 > 政务公开 > 通知公告: the current section as plain text.
            links = links + _plain_sections_after(text, links[-1], title)
        names = _section_names(links, title, site)
        if names:
            return names[-1]
    return None


# How long a trail's last section, shown as plain text, may be: a column's name (通知公告,
# 工作动态), not the article's title.
PLAIN_SECTION_MAX = 10


def _plain_sections_after(text: str, last_link: str, title: str | None) -> list[str]:
    """The sections a labelled trail shows as plain text after its last link, each behind an
    arrow; none that is (the start of) the article's title, or that is longer than a name."""
    at = text.rfind(last_link)
    if at < 0:
        return []
    rest = text[at + len(last_link) :]
    if not BREADCRUMB_ARROW.match(rest.lstrip()):
        return []  # no arrow right after the link: what follows is no section
    return _plain_sections(rest, title)


# How long a line holding a whole trail as plain text may be.
CRUMB_TEXT_MAX = 80


def _plain_sections(trail: str, title: str | None) -> list[str]:
    """The sections of a trail written as plain text between arrows: those short enough to
    be a column's name and not (the start of) the article's title."""
    parts = [part.strip() for part in BREADCRUMB_ARROW.split(trail)]
    prefix = (title or "")[: PLAIN_SECTION_MAX // 2]
    return [
        part
        for part in parts
        if part
        and len(part) <= PLAIN_SECTION_MAX
        and not (prefix and part.startswith(prefix))
        and not any(mark in part for mark in "，。！？…")
        and not DATE_PATTERN.search(part)
    ]


_NO_WORD = re.compile(r"[\W_]*")


def _section_names(items: list[str], title: str | None, site: str) -> list[str]:
    """A trail's items that name a section: not home, the title, the site, nor 正文."""
    return [
        item
        for item in items
        if item not in HOME_LINKS
        and item not in (title, site)
        and item not in NOT_A_CATEGORY
        and not _NO_WORD.fullmatch(item)  # (a slider's ‹ › arrows name nothing)
    ]


# Markup that says "breadcrumb" (Bootstrap's <ol class="breadcrumb">, aria-label, schema.org's
# BreadcrumbList): a trail with neither a label nor separators, each section an <li>.
_CRUMB_MARKUP = etree.XPath(
    "//@class[contains(., 'rumb')] | //@id[contains(., 'rumb')]"
    " | //@aria-label[contains(., 'rumb')] | //@itemtype[contains(., 'rumb')]"
)


def _marked_trail_category(page: Page, title: str | None, site: str) -> str | None:
    """The last section of a trail the markup names as one. Its last item may be plain text
    (the current section, on a journal's 首页 / 当期目录 / 2023年第4期 / 职业教育研究)."""
    result = _CRUMB_MARKUP(page.root)
    attribute = result[0] if isinstance(result, list) and result else None
    if not isinstance(attribute, etree._ElementUnicodeResult):
        return None
    container = attribute.getparent()
    if container is None:
        return None
    items: list[str] = []
    for block in page.blocks_in(container):
        if block.text == title:
            continue
        if _width(block.text) > CRUMB_MAX * 2 or len(items) > MAX_CRUMBS:
            return None  # a wrapper holding more than a trail
        items.extend(block.links or [block.text])
    names = [
        name
        for name in _section_names(items, title, site)
        if _width(name) <= CRUMB_MAX and not BREADCRUMB_SEPARATOR.fullmatch(name)
    ]
    return names[-1] if names else None


def _width(text: str) -> float:
    """A name's length as it shows: a Latin letter is half a Chinese character (Climate &
    Energy is as short a section name as 气候与能源)."""
    return len(text) - len(text.encode("ascii", "ignore")) / 2  # (the ASCII, counted in C)


def _is_trail(block: Block, site: str, title_at: int | None) -> bool:
    """Links joined by separators: 首页 > 栏目 (or /), or sections between arrows that start at
    the site's name or stand above the title (a list of short links between » marks is a menu
    anywhere else)."""
    links, text = block.links, block.text
    if len(links) < 2:
        return False
    if links[0] in HOME_LINKS and BREADCRUMB_SEPARATOR.search(text):
        return True
    # (The last section may be the article's own title, as long as titles are.)
    if len(text) > 100 or any(_width(link) > CRUMB_MAX for link in links[:-1]):
        return False
    if any(ADJACENT_LINK.match(link) for link in links):
        return False  # « 上一篇 | 下一篇 »: arrows, but no trail
    if len(BREADCRUMB_ARROW.findall(text)) < len(links) - 1:
        return False
    above_title = title_at is not None and block.index < title_at
    return above_title or (bool(site) and site in links[0])


def _links_after(blocks: list[Block], position: int, most: int) -> list[tuple[str, str]]:
    """The links (text, href) of the short link blocks that follow a label standing alone (a
    breadcrumb's, a tag line's): its items, one to an <li>."""
    found: list[tuple[str, str]] = []
    for block in blocks[position + 1 : position + 1 + most]:
        if not block.links or block.link_density <= 0.5 or _width(block.text) > CRUMB_MAX * 2:
            break
        if LABEL_PATTERN.match(block.text):
            break  # the next label's line (标签：… then 分类：学习心得)
        found.extend(zip(block.links, block.hrefs, strict=False))
    return found


def date_of(
    head: HeadInfo,
    labelled: Labelled,
    header: list[Block],
    zone: tzinfo = CHINA,
    stamps: list[str] | None = None,
    closing: Sequence[str] = (),
    url: str = "",
    index_table: str | None = None,
    above_title: Sequence[str] = (),
) -> str | None:
    """The publication time: a labelled line, JSON-LD, meta tags, <time>, a date near the title,
    the 发布日期 of a 信息公开 index table over the title (index_table, its labelled value),
    a date line closing the text (closing: the short last lines of the body; a 公文's date
    under its issuer is its signing date, which the table's 发布日期 outranks), a month and day
    shown without their year that the page's address dates (url), and last the day the
    address gives where a line above the title shows it (above_title: an e-paper's masthead).

    A machine-readable time (JSON-LD, meta, <time datetime>) of the same day or minute as the
    visible one is more precise and wins over it.
    """
    machine = [
        found
        for value in (
            head.ld("datePublished", "dateCreated", "pubDate"),  # (pubDate: Baidu MIP)
            head.first(DATE_META),
            *(stamps or ()),
        )
        if value and (found := parse_date(value, zone))
    ]
    labelled_date = labelled.values.get("date")
    visible = parse_labelled_date(labelled_date, zone) if labelled_date else None
    if visible:
        return next((m for m in machine if _refines(m, visible)), visible)
    if machine and not machine[0].endswith("T00:00:00", 0, 19):  # (ISO: the time at 11-19)
        return machine[0]  # a machine time of its own
    shown = next(
        (
            found
            for block in header
            if len(block.text) <= 100 and (found := parse_date(block.text, zone))
        ),
        None,
    ) or next(
        # An info line under the text: its date before its labels (时间 unlabelled).
        (found for text in labelled.dated if (found := parse_date(text, zone))),
        None,
    )
    if machine:
        # A date-only meta tag yields to the same day shown with its time under the title.
        return shown if shown and _refines(shown, machine[0]) else machine[0]
    if shown is None and index_table and (published := parse_labelled_date(index_table, zone)):
        return published
    if shown is None and "posted" in labelled.values:
        # 发布于 … under the text.
        return parse_date(labelled.values["posted"], zone) or _address_day_shown(
            above_title, url, zone
        )
    if shown is None:
        # Last, a date line closing the text: a 公文's date under its issuer, a press
        # release's 2024年3月15日（星期五） under 完; or a day shown without its year.
        return (
            next((found for text in reversed(closing) if (found := parse_date(text, zone))), None)
            or _year_from_address(
                [labelled.values.get("date", ""), *(b.text for b in header)], url, zone
            )
            or _address_day_shown(above_title, url, zone)
        )
    return shown


# A day shown without its year (03-05 09:05, 3月5日), and an address dated with one:
# /2022-01-12/156.html, /20220112/, /2022/0112/, t20220112_… .
YEARLESS_DAY = re.compile(
    r"(?<![\d/-])(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?\s*(?:(?P<H>\d{1,2}):(?P<M>\d{2}))?(?![\d/-])"
)
DATED_ADDRESS = re.compile(r"(?<!\d)(?P<y>20\d{2})[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?!\d)")


def _year_from_address(lines: list[str], url: str, zone: tzinfo) -> str | None:
    """A day shown without a year (the labelled date's, a line's of the header), when the
    page's address gives that very day with its year."""
    dated = DATED_ADDRESS.search(urlsplit(url).path) if url else None
    if dated is None:
        return None
    for line in lines:
        day = YEARLESS_DAY.search(line) if len(line) <= 100 else None
        if day and (int(day["m"]), int(day["d"])) == (int(dated["m"]), int(dated["d"])):
            text = f"{dated['y']}-{day['m']}-{day['d']} {day['H'] or '00'}:{day['M'] or '00'}"
            return parse_date(text, zone)
    return None


def _address_day_shown(lines: Sequence[str], url: str, zone: tzinfo) -> str | None:
    """The day the page's address gives (/html/2024-05/16/, /20240309/) where a line of the
    page shows that very day: an e-paper's issue date in its masthead, for an article that
    dates itself nowhere else."""
    dated = DATED_ADDRESS.search(urlsplit(url).path) if url else None
    if dated is None:
        return None
    day = (int(dated["y"]), int(dated["m"]), int(dated["d"]))
    for line in lines:
        # (Only a line showing the year is worth reading for a date.)
        found = parse_date(line, zone) if len(line) <= 100 and dated["y"] in line else None
        if found and (int(found[:4]), int(found[5:7]), int(found[8:10])) == day:
            return found[:10] + "T00:00:00" + found[19:]
    return None


def _refines(precise: str, shown: str) -> bool:
    """Whether precise names the same moment as shown, to more digits than shown gives."""
    moment, visible = datetime.fromisoformat(precise), datetime.fromisoformat(shown)
    moment = moment.astimezone(visible.tzinfo)
    if visible.second or moment == visible:
        return False
    if visible.hour == visible.minute == 0:
        return moment.date() == visible.date()
    return moment.replace(second=0, microsecond=0) == visible


def author_fallback(head: HeadInfo, site: str) -> str | None:
    """The author named in <head>, unless it is the site itself (an Organization byline)."""
    author = clean_value(head.first(AUTHOR_META) or head.ld("author"))
    if author is None or author in (site, head.ld("publisher"), head.first(SITE_META)):
        return None
    if (author in site or site in author) and not site.startswith(f"{author}的"):
        return None  # 网易 of 网易新闻: the site, not a person (青禾 of 青禾的读书笔记 is one)
    if SOFTWARE_CREDIT.search(author):
        return None  # the template's authors
    return author


def author_unit_fallback(head: HeadInfo) -> str | None:
    """The authors' institutions a paper's page names in <head> (citation_author_institution)."""
    return clean_value(head.first(AUTHOR_UNIT_META))


# Links the markup calls the post's tags (rel="tag") or categories (rel="category tag"), as
# WordPress, Hexo and many blog templates write them; read where no labelled line names them.
_REL_LINKS = etree.XPath("//a/@rel")  # (the attribute axis: several times faster to walk)


def rel_tag_links(root: etree._Element) -> tuple[list[str], list[str]]:
    """(tags, categories) the page's rel="tag" links name, in order, each once."""
    tags: dict[str, None] = {}
    categories: dict[str, None] = {}
    for attribute in cast("list[etree._ElementUnicodeResult]", _REL_LINKS(root)):
        rel = attribute.lower().split()
        link = attribute.getparent()
        if "tag" not in rel or link is None:
            continue
        text = fold("".join(map(str, link.itertext()))).lstrip("#＃ ")
        if text and len(text) <= CRUMB_MAX * 2:
            (categories if "category" in rel else tags)[text] = None
    return list(tags)[:MAX_TAGS], list(categories)


def list_values(value: str | None) -> list[str]:
    return split_list(fold(value)) if value else []
