"""Find the article's body among the page's blocks and drop what is not the article.

The container is found by text, link and punctuation density, never by class names: prose
blocks vote for the element that holds them and, with less weight, for its ancestors. Inside
the container, lists, pagers, share bars, comment boxes and disclaimers are removed by what
they say and how they are linked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from .blocks import CONTAINER_TAGS, Block, Page
from .dates import DATE_PATTERN

# Titles of the lists that sites put around and inside articles.
LIST_HEADING = re.compile(
    r"(热门|相关|推荐|猜你|最新|精彩|延伸阅读|大家都在|感兴趣|随机|热点|排行|精选|为你|"
    r"友情链接|栏目导航|更多|热文|本周|本月|热搜|专题|阅读榜|文章榜|目录|还看了|也看了|还喜欢|"
    # A journal's lists of papers like this one and of those citing it.
    r"相似文献|引证文献|"
    r"related|popular|recommended|latest|recent|more)",
    re.IGNORECASE,
)


def _outside_title(text: str) -> str:
    """A heading's words outside the article's title it names in 【】 (【不负韶华，青春逐梦】
    相关文章：): the title's punctuation is no sign of a sentence."""
    if text.startswith("【") and (end := text.find("】")) > 0:
        return text[end + 1 :]
    return text


# A longer heading that names its article before the list: "【…】相关文章：", "…的相关推荐",
# "看过“…”的人还看了：".
LIST_HEADING_END = re.compile(
    r"(?:相关|推荐|延伸|热门|猜你喜欢|的人还看了|的人也看了|的人还喜欢)(?:文章|阅读|范文|推荐|内容)?\s*[:：]?$"
)
LONG_LIST_HEADING = 50
# What a sentence has and a heading naming an article in quotes (看过“…”的人还看了：) has not.
SENTENCE_MARKS = "，。！？；,!?;"
LIST_HEADING_TAIL = 10  # longer than any ending LIST_HEADING_END matches
COMMENT_HEADING = re.compile(r"(评论|留言|回复|跟帖|comments?|leave a reply)", re.IGNORECASE)
# Numbered section headings are the article's own, whatever words they contain.
NUMBERED_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|"
    r"第[一二三四五六七八九十百\d]+[章节部分条篇])"
)
# Lines that are navigation, not text: pagers, previous/next article, widgets.
NAVIGATION_LINE = re.compile(
    r"^(?:上一篇|下一篇|上一页|下一页|上一章|下一章|上一条|下一条|前一篇|后一篇|"
    r"返回列表|返回顶部|返回首页|打印本页|打印此文|关闭窗口|收藏本文|加入收藏|"
    r"分享到|分享：|分享:|扫一扫|扫描二维码|【字体|字体[:：]|字号[:：]|Previous|Next|"
    # The calls to follow an account that open and close articles copied from WeChat.
    r"点击蓝字|点击上方|长按识别|长按二维码|长按扫码|扫码关注|识别二维码|分享[、，,\s]*点赞|"
    r"请关注[^，。]{0,16}公众号|"
    # A 范文 site's download box.
    r"点击下载|下载文档|下载本文|文档为\s*\w{2,4}\s*格式|"
    r"[-—–\s]*END[-—–\s]*$|"
    # The button that unfolds the rest of a text on a phone: 展开全文 ∨, 展开剩余70%.
    r"(?:点击)?(?:展开|查看)(?:全文|剩余\s*(?:\d+\s*%)?|更多)[\s∨∧↓>»︾▼]*$|"
    # … and the gate over the rest of a 范文: 剩余43%未读，点击阅读全文.
    r"剩余\s*\d{1,3}\s*%\s*未读[，,。\s]*(?:点击)?(?:阅读|查看|展开)?(?:全文)?[\s∨∧↓>»︾▼]*$|"
    # A template's separator (DedeCMS's ------分隔线------), or a rule drawn in dashes.
    r"[-—=_*~]{2,}\s*分[隔割]线\s*[-—=_*~]*$|[-—=_*~]{6,}$|"
    # A document preview's page number between dashes, under each of its pages: - 2 -.
    r"[-—–]\s*\d{1,4}\s*[-—–]\s*$)",
    re.IGNORECASE,
)
# A pager line is nothing but these tokens. The atomic group takes, at each point, the first
# token that matches and never reconsiders, as a left-to-right scan would; fullmatch then
# stops at the first character that is no token, instead of scanning the whole line.
PAGER_LINE = re.compile(
    r"(?>首页|尾页|末页|上一页|下一页|上页|下页|共\s*\d+\s*页[:：]?|第\s*\d+\s*页|分页|页码|页次|页面|"
    r"[Pp]ages?|"
    r"\d+|[<>«»]+|\.\.\.|…|:|：|\||/|\s)*"
)
# Copyright and disclaimer lines that sites stamp on every article. The Latin phrases have a
# pattern of their own, which opens with a plain character class ([cCaA]) so that the regex
# engine skips to the next candidate letter; a case-insensitive pattern from the first
# character would be tried at every position of the Chinese text.
DISCLAIMER = re.compile(
    r"免责声明|版权声明|版权所有|版权归|本文来源于网络|本文来自网络|来源于网络|如有侵权|"
    r"侵权请|侵删|转载请注明|转载请保留|未经授权|未经许可|本站仅提供|仅供参考|不代表本站|©|"
    # A forum's edit notice; a 范文 site's lead-in ("以下是小编为大家整理的…，欢迎阅读参考").
    r"本帖最后由|为大家整理|为大家收集|为大家搜集|小编整理|小编收集|小编为大家|小编帮大家|小编给大家|"
    r"小编精心|"
    r"本站部分内容|用户上传分享|"
    # A document site's paywall between the texts: 本文档为VIP专享文档，开通VIP后可免费下载.
    r"VIP专享|开通VIP|升级VIP|成为VIP|"
    # … and the lead-ins that name the site instead (以下是无忧考网整理的…, 为您整理了…) or
    # mark themselves so (【#演讲稿# 导语】).
    r"以下是[^，。！？\s]{0,12}(?:整理|收集|搜集|精选|推荐)的|为您整理|为你整理|为您精心|"
    r"#\s*导语】|"
    # … and the promotion that closes its texts: 想了解更多家长会发言稿网的资讯，请访问：….
    r"想了解更多.{0,30}请(?:访问|关注|点击)"
)
# The hint over a box to copy the text from (以下为范文全文，可一键复制：): looked for only in
# lines that say 复制, as 一 would make every line of Chinese text a candidate for DISCLAIMER.
COPY_HINT = re.compile(r"一键复制|复制全文")
COPY_HINT_MAX = 40
# The page's own address stamped under the text: a pattern of its own, as one group of
# alternatives in DISCLAIMER would cost the plain words there their fast scan.
OWN_ADDRESS = re.compile(r"(?:本文|原文|文章)(?:来源|地址|链接|网址)\s*[:：]\s*(?:https?://|www\.)")
# The note under a theory article saying who its author is, （作者系中共中央党校教授）, and a
# reprint's note of the title it first had, （原标题：…）.
AUTHOR_NOTE = re.compile(r"[（(]\s*(?:作者系|作者为|作者是|作者单位|原标题[:：])[^）)]*[）)]$")
# The label of an advertisement slot, a line of its own among the paragraphs.
AD_LABELS = frozenset(
    ("广告", "推广", "赞助", "广告位", "AD", "Ad", "Advertisement", "ADVERTISEMENT")
)
# The label of the box the text stands in ("全文" over a journal's full text, "目 录" over a
# thesis's contents), a line of its own.
BOX_LABELS = frozenset(
    (
        *("全文", "正文", "正文内容", "文章正文", "文章内容", "全文阅读", "阅读全文"),
        *("目录", "文章目录", "文本预览", "文档预览", "内容预览", "在线预览"),
    )
)
LATIN_DISCLAIMER = re.compile(
    r"[cCaAlL](?:(?<=[cC])(?i:opyright)|(?<=[aA])(?i:ll rights reserved)|"  # any letter case
    r"(?<=[lL])(?i:icensed under the terms))"
)
# The mark a news text ends with, a line of its own: 完, （完）, -完-.
END_MARKS = frozenset(("完", "（完）", "(完)", "【完】", "[完]", "-完-", "—完—", "- 完 -"))
# How many wrappers up from the content the other pages of a paged document are looked for.
MAX_WRAPPERS = 3
_DIGITS = re.compile(r"\d+")
# An advertisement's call to action ending a short line (…培训班，点击报名>>), looked for in
# the line's last characters only.
AD_CALL_END = re.compile(r"(?:点击|立即|马上)(?:报名|咨询|领取|购买|抢购)[\s>»》!！]*$")
AD_LINE_MAX = 60
AD_CALL_TAIL = 10
# A 范文 site's box under each essay: 文档《…》复制本文下载本篇, its buttons ending the line.
COPY_BOX_END = re.compile(r"(?:复制本文|复制全文|下载本篇|下载本文|下载全文|下载文档)[\s>»]*$")
SHARE_WORDS = re.compile(r"(分享|微信|微博|QQ空间|朋友圈|豆瓣|复制链接)")


def _owner(element: etree._Element) -> etree._Element:
    """The nearest element that can contain an article body."""
    while element.tag not in CONTAINER_TAGS:
        parent = element.getparent()
        if parent is None:
            break
        element = parent
    return element


# What a block's vote gives the element holding it and the next two up that can hold a text.
VOTE_SHARES = (1.0, 0.5, 0.25)


def _voters(
    element: etree._Element, chains: dict[etree._Element, list[etree._Element]]
) -> list[etree._Element]:
    """The elements a block's vote goes to: its owner and the next owners up (a cell's vote
    reaches the cell of the layout table around its table, not the row and the table
    between). chains remembers each owner's, which the owner's other blocks share."""
    owner = _owner(element)
    chain = chains.get(owner)
    if chain is None:
        chain = chains[owner] = [owner]
        while len(chain) < len(VOTE_SHARES):
            parent = chain[-1].getparent()
            if parent is None:
                break
            chain.append(_owner(parent))
    return chain


def is_prose(block: Block) -> bool:
    """Running text: long enough, punctuated, and not mostly links."""
    return block.link_density < 0.5 and block.prose_chars >= 20 and block.punctuation >= 1


def find_containers(
    page: Page, passed: frozenset[etree._Element] = frozenset()
) -> list[etree._Element]:
    """The element holding the article's body, plus siblings that continue it (never one of
    passed: containers found to hold only an info line)."""
    scores: dict[etree._Element, float] = {}
    chains: dict[etree._Element, list[etree._Element]] = {}
    for block in page.blocks:
        score = _vote(block)
        if not score:
            continue
        for element, share in zip(_voters(block.element, chains), VOTE_SHARES, strict=False):
            if element not in passed:
                scores[element] = scores.get(element, 0.0) + score * share
    if not scores:
        return []
    # (Never a box that opens with 网友评论 or 相关阅读: its prose is comments or excerpts,
    # however much of it there is beside a short page of the article.)
    top = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:6]
    ranked = [item for item in top if not _opens_with_box(page, item[0])] or top[:1]
    best, best_score = max(
        ((element, score * (1.0 - page.link_density(element))) for element, score in ranked),
        key=lambda item: item[1],
    )
    chosen = [best]
    parent = best.getparent()
    if parent is not None:
        siblings = list(parent)
        shape = _shape(best)
        for sibling in siblings:
            # (A sibling of the winner's own shape, <div> beside <div>, needs less: a text
            # split in two around a table.)
            share = SIBLING_SHARE if _shape(sibling) != shape else SAME_SHAPE_SHARE
            if (
                sibling is not best
                and scores.get(sibling, 0.0) > share * best_score
                and page.link_density(sibling) < 0.25
                and not _opens_with_box(page, sibling)
            ):
                chosen.append(sibling)
        # A table of figures between two parts of the text (表1 …) is part of it, though
        # its numbers cast no vote.
        at = sorted(siblings.index(c) for c in chosen)
        chosen.extend(
            s
            for s in siblings[at[0] + 1 : at[-1]]
            if s.tag == "table" and s not in chosen and page.link_density(s) == 0
        )
    if len(chosen) == 1:
        chosen.extend(_repeated_pages(page, best, scores))
    return chosen


def _opens_with_box(page: Page, element: etree._Element) -> bool:
    """Whether element opens with 网友评论, 相关作文, 热门文章 …: a box of comments or excerpts
    beside the article, which its prose would otherwise pass for the article or more of it.
    (Not with 目录: an article opening with its table of contents is still the article.)"""
    inside = page.blocks_in(element)
    if not inside:
        return False
    heading = inside[0]
    if not is_list_heading(heading):
        # The heading may stand just outside, as the box's previous sibling:
        # <h3>相关推荐</h3><ul>…</ul>.
        before = element.getprevious()
        above = page.blocks_in(before) if before is not None else []
        if len(above) != 1 or not is_list_heading(above[0]):
            return False
        heading = above[0]
    return heading.text.replace(" ", "").strip(_HEADING_FRAME) not in BOX_LABELS


def _repeated_pages(
    page: Page, best: etree._Element, scores: dict[etree._Element, float]
) -> list[etree._Element]:
    """The other pages of a document shown page by page (a 文库 preview: reader-page-1,
    reader-page-2 …, the text a few wrappers down in each): the siblings, alike in tag and
    class but for digits, of the nearest wrapper of best that has any. Climbing stops at a
    wrapper whose parent holds prose of its own: that is the article's neighbourhood."""
    node = best
    for _ in range(MAX_WRAPPERS):
        parent = node.getparent()
        if parent is None:
            return []
        # (Content scoring has scored every element holding prose, or whose children do.)
        scored = [s for s in parent if s is not node and s in scores]
        if not scored:
            node = parent  # a bare wrapper: look one level up
            continue
        shape = _shape(node)
        alike = [s for s in scored if _shape(s) == shape]
        if not alike:
            return []
        own = _prose_score(page, best)
        return [
            s for s in alike if _prose_score(page, s) >= 0.3 * own and not _opens_with_box(page, s)
        ]
    return []


def _shape(element: etree._Element) -> tuple[object, str]:
    """An element's tag and class with the digits left out: page 1's and page 2's alike."""
    return element.tag, _DIGITS.sub("", element.get("class") or "")


def _prose_score(page: Page, element: etree._Element) -> float:
    """The prose an element holds, weighed as content scoring weighs its blocks."""
    return sum(_vote(block) for block in page.blocks_in(element))


def _vote(block: Block) -> float:
    """What a block gives the element holding it: more for more punctuation and running
    text; nothing for links, headings and scraps."""
    if block.link_density > 0.5 or block.heading or block.prose_chars < 8:
        return 0.0
    return 1.0 + block.punctuation + min(block.prose_chars / 50, 6.0)


def body_blocks(
    page: Page,
    containers: list[etree._Element],
    own_heading: Callable[[Block], bool] | None = None,
) -> list[Block]:
    """The blocks of the containers, in page order, without lists, pagers, widgets and notices
    (own_heading: whether a linked heading leads to the article's own pages, as the heading of
    each essay of a collection may: a heading of the text, not a link)."""
    inside = {block.index: block for c in containers for block in page.blocks_in(c)}
    blocks = [inside[index] for index in sorted(inside)]
    dropped = _dropped_sections(page, blocks, containers)
    kept: list[Block] = []
    attachments = False  # whether the last kept line opened or continued a 公文's 附件 list
    for block in blocks:
        if block.index in dropped or is_navigation(block) or is_disclaimer(block):
            continue
        opens = block.text.startswith("附件") and ATTACHMENT_HEAD.match(block.text) is not None
        # (附件：<a>…</a>, a single attachment, is its list's head and its item at once.)
        listed = opens or (attachments and ATTACHMENT_ITEM.match(block.text) is not None)
        if (
            block.link_density > 0.5
            and not listed
            and not (block.heading and own_heading is not None and own_heading(block))
        ):
            continue
        kept.append(block)
        attachments = opens or listed
    return _without_footer(kept)


def _without_footer(kept: list[Block]) -> list[Block]:
    """The body without a site footer a template copied inside the text's container: from its
    first footer line (an ICP number, 网站标识码, 版权所有 …) among the last lines on, and the
    few short lines just above it (主办单位：…, 关于本站, a row of the site's links)."""
    tail = len(kept) - FOOTER_REACH
    for position in range(max(tail, 1), len(kept)):
        text = kept[position].text
        last = position == len(kept) - 1
        if len(text) <= FOOTER_LINE_MAX and (
            FOOTER_MARK.search(text) or (last and text.startswith(("主办单位", "主办：")))
        ):
            cut = position
            while cut > 0 and position - cut < FOOTER_LINES_ABOVE and _footer_line(kept[cut - 1]):
                cut -= 1
            return kept[:cut]
    return kept


def _footer_line(block: Block) -> bool:
    """A footer's line over its mark: a row of the site's links (关于我们 | 网站地图 | …) or a
    short line without a sentence (主办单位：…)."""
    text = block.text
    if text.count("|") >= 3:
        return True
    return len(text) <= 40 and not any(mark in text for mark in "。！？；!?")


def is_navigation(block: Block) -> bool:
    """Pagers, previous/next links, share bars, font-size widgets, WeChat follow lines,
    ad-slot and box labels."""
    text = block.text
    if NAVIGATION_LINE.match(text) or text in AD_LABELS:
        return True
    if len(text) <= 8 and text.replace(" ", "") in BOX_LABELS:  # (目 录: spaced out)
        return True
    if len(text) <= AD_LINE_MAX and (
        AD_CALL_END.search(text, len(text) - AD_CALL_TAIL)
        or (
            ("复制" in text or "下载" in text)
            and COPY_BOX_END.search(text, len(text) - AD_CALL_TAIL)
        )
    ):
        return True
    if len(text) < 60 and SHARE_WORDS.search(text) and block.punctuation <= 2 and "分享" in text:
        return True
    return bool(block.links) and PAGER_LINE.fullmatch(text) is not None


def is_disclaimer(block: Block) -> bool:
    text = block.text
    if len(text) <= 5 and text in END_MARKS:
        return True
    if text[:1] in "（(" and AUTHOR_NOTE.match(text) and len(text) <= 100:
        return True  # （作者系…研究员）, （原标题：…）: about the text, not the text
    if len(text) <= COPY_HINT_MAX and "复制" in text and COPY_HINT.search(text):
        return True
    return (len(text) < 200 or (len(text) < 400 and text.isascii())) and (
        DISCLAIMER.search(text) is not None
        or LATIN_DISCLAIMER.search(text) is not None
        or (("://" in text or "www." in text) and OWN_ADDRESS.search(text) is not None)
    )


# The share of the winner's score a sibling needs to be taken as more of the text.
SIBLING_SHARE = 0.3
SAME_SHAPE_SHARE = 0.1
# A site footer's marks: its ICP licence, the government site code, its copyright (spaced out
# too), the browser it wants.
FOOTER_MARK = re.compile(
    r"ICP[备证]|网站标识码|公网安备|版\s*权\s*所\s*有|建议使用.{0,20}(?:分辨率|浏览器)|技术支持[:：]"
)
FOOTER_REACH = 8  # the last lines of the body where a footer is looked for
FOOTER_LINE_MAX = 200
FOOTER_LINES_ABOVE = 3  # short lines over the footer's mark that are the footer's too
# How many linked titles a headed box of excerpts shows at least.
MIN_EXCERPT_ITEMS = 3
# A 公文's list of its attachments, part of the document even where each is a download link:
# "附件：1.…行动方案" then "2.…名单" (or "附件：" over them).
ATTACHMENT_HEAD = re.compile(r"附件\s*\d{0,2}\s*[:：]")
ATTACHMENT_ITEM = re.compile(r"^(?:附件\s*\d{0,2}\s*[:：]\s*)?\d{1,2}\s*[.．、]\s*\S")
# The count a heading may show: 网友评论（20条）, 相关文章 (8).
HEADING_COUNT = re.compile(r"\s*[（(]\s*\d+\s*[条篇个]?\s*[)）]$")
# What may frame a list heading: "更多>>", "【热门文章】", "相关推荐:".
_HEADING_FRAME = " >»更多:：[]【】()"


def is_list_heading(block: Block) -> bool:
    """A short title such as 热门文章, 相关推荐 or 网友评论 that opens a list or a comment box."""
    text = block.text
    # "【党纪学习教育心得体会3篇】相关文章：" (the words end the line: only its tail is read)
    if (
        16 < len(text) <= LONG_LIST_HEADING
        and LIST_HEADING_END.search(text, len(text) - LIST_HEADING_TAIL)
        and (
            block.punctuation <= 1
            or not any(mark in _outside_title(text) for mark in SENTENCE_MARKS)
        )
    ):
        return True
    if len(text) > 16 and text[0] not in _HEADING_FRAME and text[-1] not in _HEADING_FRAME:
        return False  # too long, and strip() would copy a whole paragraph to find that out
    text = text.strip(_HEADING_FRAME)
    marks = block.punctuation
    counted = HEADING_COUNT.search(text)
    if counted:  # 网友评论（20条）: the count's brackets are no prose
        text, marks = text[: counted.start()], marks - 2
    if not text or len(text) > 16 or NUMBERED_HEADING.match(text) or marks > 1:
        return False
    return bool(LIST_HEADING.search(text) or COMMENT_HEADING.search(text))


# A comment's buttons, a line of their own under its text: 回复 支持(3), 顶 踩, 举报.
_COMMENT_BUTTONS = ("回复", "支持", "反对", "举报", "引用", "顶", "踩", "点赞", "赞", "喜欢")
COMMENT_ACTIONS = re.compile(
    rf"^(?:(?:{'|'.join(_COMMENT_BUTTONS)})\s*(?:[(（\[]\s*\d*\s*[)）\]]|\d+)?\s*[|｜·]?\s*)+$"
)
_COMMENT_ACTION_STARTS = frozenset(button[0] for button in _COMMENT_BUTTONS)
COMMENT_ACTION_MAX = 24
# How far above its buttons a comment's dated line (作者：… 时间：…, or a name and a time) is,
# and how long that line may be.
COMMENT_REACH = 3
COMMENT_META_MAX = 80


def comment_start(blocks: list[Block], start: int) -> int | None:
    """The index of the first comment's dated line at or after block start, where a box of
    comments has no heading to say so: the line over a comment's buttons (回复 支持)."""
    for position in range(start, len(blocks)):
        text = blocks[position].text
        if len(text) > COMMENT_ACTION_MAX or text[:1] not in _COMMENT_ACTION_STARTS:
            continue
        if not COMMENT_ACTIONS.match(text):
            continue
        for above in range(position - 1, max(position - 1 - COMMENT_REACH, start - 1), -1):
            line = blocks[above].text
            if len(line) <= COMMENT_META_MAX and DATE_PATTERN.search(line):
                return blocks[above].index
    return None


def is_comment_heading(block: Block) -> bool:
    """网友评论, 发表评论, Leave a reply: the heading of a comment box."""
    return is_list_heading(block) and COMMENT_HEADING.search(block.text) is not None


def _dropped_sections(
    page: Page, blocks: list[Block], containers: Iterable[etree._Element]
) -> set[int]:
    """Indexes of blocks in sections that open with a list or comment heading."""
    dropped: set[int] = set()
    tops = set(containers)
    for position, block in enumerate(blocks):
        if len(block.text) <= 8 and block.text.replace(" ", "") in CONTENTS_LABELS:
            dropped.update(_plain_contents(blocks, position))
        if block.index in dropped or not is_list_heading(block):
            continue
        following = blocks[position + 1 : position + 4]
        comments = bool(COMMENT_HEADING.search(block.text))
        if not comments and not any(map(_listed, following)):
            continue  # a heading followed by prose is the article's own
        section = _section_of(page, block, tops)
        if section is not None:
            members = page.blocks_in(section)
            own = sum(1 for b in members if is_prose(b) and not b.links)
            titles = sum(1 for b in members if b.link_density > 0.5)
            # Dropped whole: comments, a list of links, or one of excerpts, each under its
            # linked title (相关阅读: title, a line of its text, title, …).
            if comments or not own or titles >= max(MIN_EXCERPT_ITEMS, own):
                dropped.update(b.index for b in members)
                continue
        dropped.add(block.index)
        # A table of contents (目录, links to the text's own anchors) ends at its first line
        # that is no link: 各位领导、同事们： under it is the text's.
        contents = all(h.startswith("#") for b in following for h in b.hrefs)
        for after in blocks[position + 1 :]:
            if not comments and (is_prose(after) or (contents and not after.links)):
                break
            dropped.add(after.index)
    return dropped


# How long a line opening with a link may be and still be a list's item (a related paper's
# linked title and its citation), not a paragraph that happens to start with a link.
LISTED_LINE_MAX = 150


def _listed(block: Block) -> bool:
    """A list's item: mostly a link, or a short line opening with a title link."""
    if block.link_density > 0.5:
        return True
    links = block.links
    return (
        bool(links)
        and len(block.text) <= LISTED_LINE_MAX
        and len(links[0]) >= 6
        and block.text.startswith(links[0])
    )


CONTENTS_LABELS = frozenset(("目录", "文章目录"))
# A contents entry's dot leader and page number: 一、实习目的……………1.
CONTENTS_LEADER = re.compile(r"[\s.…·．_—-]*\d{0,4}\s*$")
CONTENTS_ENTRY_MAX = 40


def _plain_contents(blocks: list[Block], position: int) -> list[int]:
    """The lines of a table of contents written as plain text under its 目录 label (pasted
    from Word): the short lines whose words stand again, as headings, further down."""
    entries: list[tuple[Block, str]] = []
    seen: set[str] = set()
    for after in blocks[position + 1 :]:
        entry = CONTENTS_LEADER.sub("", after.text)
        if not entry or len(entry) > CONTENTS_ENTRY_MAX or "。" in entry:
            break
        if entry in seen:
            break  # the text's first heading again: the contents ended above it
        seen.add(entry)
        entries.append((after, entry))
    later = {b.text for b in blocks[position + 1 + len(entries) :]}
    found = [number for number, (_, entry) in enumerate(entries) if entry in later]
    if len(found) < 2:
        return []
    return [block.index for block, _ in entries[: found[-1] + 1]]


def _section_of(page: Page, heading: Block, tops: set[etree._Element]) -> etree._Element | None:
    """The largest element inside the container whose text starts with this heading."""
    section = None
    element: etree._Element | None = heading.element
    while element is not None and element not in tops:
        inside = page.blocks_in(element)
        if not inside or inside[0].index != heading.index:
            break
        if len(inside) > 1:
            section = element
        element = element.getparent()
    return section
