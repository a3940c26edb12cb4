"""Labelled lines: 摘要: …, 关键词: …, 作者: … 来源: …, 责任编辑: …, 推荐访问: ….

Report sites print their metadata as "label: value" text rather than markup, in the body or
around it, several labels to a line. One grammar reads them all; each label maps to a field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Label spellings per field, longest first within a field so that 作者单位 wins over 作者. A space
# in a label stands for any run of space, or none: "摘 要" reads 摘要, 摘 要 and 摘　要.
LABELS: dict[str, tuple[str, ...]] = {
    "abstract": ("内容摘要", "内容提要", "摘 要", "提要", "Abstract", "ABSTRACT", "Summary"),
    "keywords": ("关 键 词", "关 键 字", "Keywords", "KEYWORDS", "Key words", "Key Words"),
    "author_unit": ("作者单位", "作者机构", "单位", "机构"),
    "editor": ("责任编辑", "责编", "本版编辑", "Editor"),
    # Weaker spellings of a field (WEAKER_FIELDS): the field's value only where the page
    # gives none under a stronger label, whichever comes first on the line.
    "editor?": ("编辑",),
    "author": (
        "本文作者",
        "原作者",
        "作者",
        "撰稿",
        "撰文",
        "文字",
        "记者",
        "通讯员",
        "Author",
        "By",
    ),
    # Who put the text on the site: its author only where no byline names one.
    "author?": ("发布者", "发布人"),
    # A report's signature under its text (述职人：孙立群): its author where no byline names
    # one; the line stays in the text, whose closing it is.
    "signed": ("述职人", "汇报人", "报告人", "发言人", "演讲人"),
    "source": (
        "文章来源",
        "信息来源",
        "稿件来源",
        "来源",
        "稿源",
        "出处",
        "来自",
        "供稿单位",
        "供稿",
        "发布机构",
        "发布单位",
        "Source",
        "From",
    ),
    "date": (
        "发布时间",
        "发表时间",
        "上传时间",
        "添加时间",
        "录入时间",
        "发布日期",
        "发表日期",
        "在线出版日期",
        "发布于",
        "发表于",
        "出版日期",
        "出版时间",
        "在线公开时间",
        "网络首发时间",
        "公开日期",
        "日期",
        "时间",
        "Published",
        "Date",
    ),
    # A change's date dates the article only where nothing says when it was published.
    "date?": ("更新时间", "更新日期", "修改时间", "更新于", "Updated"),
    "category": ("所属栏目", "所属分类", "栏目", "分类", "类别"),
    "tags": (
        "推荐访问",
        "相关热词搜索",  # (PHPCMS v9's article template)
        "相关热词",
        "相关标签",
        "文章标签",
        "文档标签",
        "TAG标签",
        "Tag标签",
        "标签",
        "Tags",
        "TAGS",
        "Topics",
        "Tag",
        "TAG",
    ),
    # Counters and widgets: their values are ignored, they only end the previous value.
    "noise": (
        "点击数",
        "点击量",
        "点击次数",
        "浏览次数",
        "浏览人次",
        "阅读次数",
        "阅读人次",
        "点阅次数",  # (Taiwan's 點閱)
        "点阅",
        "阅读量",
        # A journal page's counters: 摘要点击次数：683 全文下载次数：295, 被引次数.
        "摘要点击次数",
        "摘要浏览量",
        "全文下载次数",
        "下载次数",
        "下载量",
        "被引次数",
        "点击",
        "浏览",
        "阅读",
        "人气",
        "字体",
        "字号",
        "评论",
        "访问量",
        "热度",
        "查看",
        "回复",
        "分享到",
        "分享",
        "短链接",
        "本文链接",
        # Those who checked the text or took the pictures are not its authors.
        "审核",
        "审稿",
        "校对",
        "终审",
        # A text's three reviews (一审：… 二审：… 三审：…), shown under it by many sites.
        "一审",
        "二审",
        "三审",
        "初审",
        "复审",
        "图片",
        "摄影",
        "美编",
        "美术编辑",
        # A composition site's byline: 字数：102字 年级：一年级 指导老师：… (the teacher is
        # not the author).
        "字数",
        "年级",
        "班级",
        "指导老师",
        "指导教师",
        # About the author and the funding, not the text (作者简介：…, 基金项目：…).
        "作者简介",
        "基金项目",
        "基金",
        # A paper's history: received, revised, accepted are not its publication.
        "收稿日期",
        "投稿时间",
        "投稿日期",
        "修订日期",
        # The author to write to, already among the paper's authors.
        "通讯作者",
        "修回日期",
        "录用日期",
        "接收日期",
    ),
    # A paper's catalogue numbers: ignored like the noise, and read from the block under the
    # label when the label stands alone (a database's rows: DOI： over 10.16637/…).
    "catalogue": ("DOI", "分类号", "中图分类号", "文献标识码", "文章编号", "文献标志码"),
    # A book's card beside a review (书名：《小王子》 作者：… 译者：… 出版社：…): its 作者 is the
    # book's, never the review's (fields.read_labelled), and the card leaves the body.
    "book": ("书名", "译者", "出版社", "ISBN", "原作名", "装帧", "定价"),
}
# The labels that may head their value as a line of their own, without a colon.
HEADING_LABELS = {
    **{label: "abstract" for label in ("摘要", "内容摘要", "内容提要", "Abstract", "ABSTRACT")},
    **{label: "keywords" for label in ("关键词", "关键字", "Keywords", "Key words", "KEYWORDS")},
}
HEADING_LABEL_MAX = 12
_HEADING_STARTS = frozenset(label[0] for label in HEADING_LABELS)
# The weaker spelling of each field, read as the field where no stronger label gives it; and
# the unit an author's byline names in brackets (AUTHOR_WITH_UNIT), read where no 作者单位
# line does.
WEAKER_FIELDS = {name: name[:-1] for name in LABELS if name.endswith("?")}
WEAKER_FIELDS["signed"] = "author"
WEAKER_FIELDS["author_unit?"] = "author_unit"
# 作者：林晓（中国人民大学马克思主义学院教授）: the name, and in brackets where the author works.
AUTHOR_WITH_UNIT = re.compile(r"^(?P<name>[^（()]{1,20}?)\s*[（(](?P<unit>[^（()）]{2,60})[）)]$")
# What a unit's name ends with; anything else in the brackets (笔名, 特约撰稿人) is no unit.
INSTITUTION = re.compile(
    r"大学|学院|学校|中学|小学|幼儿园|党校|研究院|研究所|研究中心|科学院|社科院|委员会|政府|"
    r"医院|公司|集团|中心|[局厅委办署部社馆站所院室组处科]"
)
# The titles after a unit's name in such brackets: 教授, 副研究员, 博士生导师 ….
JOB_TITLE = re.compile(
    r"(?:[、，,\s]*(?:副|助理|特聘|兼职)?(?:教授|研究员|讲师|博士生导师|硕士生导师|博士后|"
    r"博士研究生|硕士研究生|博士生|硕士生|研究生|博士|硕士|学生|院长|主任|书记|所长|部长|校长|"
    r"主编|编辑|记者|干部|科员|处长|局长|教师|老师))+$"
)

# Taiwan and Hong Kong sites write the same labels in traditional characters (來源, 標籤,
# 責任編輯, 發佈時間): each label's traditional spelling, character by character.
_TRADITIONAL = str.maketrans(
    "来标签关键词责编辑单发时间栏类点击阅读浏览评论内题页数录审图气访问热号体复对终摄处荐导师构简",
    "來標籤關鍵詞責編輯單發時間欄類點擊閱讀瀏覽評論內題頁數錄審圖氣訪問熱號體復對終攝處薦導師構簡",
)


def _spellings(label: str) -> set[str]:
    traditional = label.translate(_TRADITIONAL)
    return {label, traditional, traditional.replace("布", "佈")}


_LABEL_FIELD = {
    spelling: name
    for name, labels in LABELS.items()
    for label in labels
    for spelling in _spellings(label)
}
_FIELD_BY_COMPACT = {label.replace(" ", ""): name for label, name in _LABEL_FIELD.items()}


def _trie(words: Iterable[str]) -> str:
    """One regex alternation of words, as a trie: the engine tests each character once at a
    position instead of every word in turn (a flat alternation of some three hundred labels,
    many opening with characters common in Chinese text, costs a third of the labels' time).
    Longer words are preferred, as longest-first does in a flat alternation; a space in a
    word matches any run of space, or none."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a word

    def emit(node: dict[str, Any]) -> str:
        branches = [
            (r"\s*" if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


_ALTERNATION = _trie(_LABEL_FIELD)
# A label ends in a colon or a closing bracket: "作者：", "【摘要】", "(作者单位:", "Tags:". Where
# it may start is decided by _at_boundary, so that glued info lines ("时间:2023-07-05来源:…",
# "读书心得Tags: …") split as well as spaced ones.
LABEL_PATTERN = re.compile(rf"[【\[]?(?P<label>{_ALTERNATION})\s*(?:[:：]|[】\]]\s*[:：]?)\s*")
# What every label match contains. Starting with the labels themselves, it lets the regex
# engine skip to the first character of a label, which the optional bracket above prevents:
# most lines with a colon hold no label, and this rules them out several times faster.
_LABEL_HINT = re.compile(rf"(?:{_ALTERNATION})\s*[:：】\]]")
# Characters after which a label always starts a new item.
_SEPARATORS = frozenset(" \t(（【】[]|｜/丨。；;，,、·")
# Colon-less labels of a byline ("发布于 2022年11月3日 作者 青灯", "By Jane Doe"): read only on
# short lines that carry a date, where they cannot be prose.
BARE_LABEL = re.compile(r"(?:^|(?<=\s))(?P<label>作者|发布者|发布人|撰稿|责任编辑|编辑|来源)\s+")
# A date's colon-less label, opening its line: 发布于 2023-11-03, 发表于 2023-7-22 16:50.
BARE_DATE_LABEL = re.compile(r"(?:发布于|发表于|更新于|發佈於|發布於|發表於|更新於)\s*")
_BYLINE_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
BYLINE_MAX = 80
# An English byline: "By Jane Doe and John Roe", "By Jane Doe · March 15, 2024" (the names
# capitalised, up to the line's end, a separator, a date or a time word).
ENGLISH_BYLINE = re.compile(
    r"^(?i:by)\s+(?P<names>[A-Z][\w.'’-]*(?:(?:\s+|,\s*)(?:[A-Z][\w.'’-]*|and|&))*)"
    r"\s*(?:$|[·|•—–-]|,?\s+(?i:on|published|updated|posted)\b|,?\s+\d)"
)
# Counters that end a value without a colon of their own: "市发展改革委阅读 2.3万", "浏览123次",
# "阅读(1745)", "本文已影响 2,351 人".
COUNTER = re.compile(
    r"(?:阅读|浏览|点击|人气|评论|访问)(?:量|数|次数)?\s*[:：(（]?\s*\d|(?:本文)?已(?:影响|有)\s*\d|"
    # … and its label alone at the value's end, the number a script fills in later (浏览量：--).
    r"(?:阅读|浏览|点击|人气|访问)(?:量|数|次数)?\s*[:：]\s*[-—–.…\s]*$|"
    # … and the number first: "3561 次阅读", "1.2万人浏览".
    r"(?<![\d.,])\d[\d,.]*\s*万?\s*(?:次|人)?\s*(?:阅读|浏览|点击|访问|围观)"
)
# A newspaper's byline without a colon, a line of its own: 本报记者　王珂园, 新华社记者 张三 李四.
REPORTER_LINE = re.compile(
    r"^[■□●◆▲★☆·\s]*(?:本报|本刊|本台|本网|新华社|中新社)?(?:特约|实习)?(?:记者|通讯员)\s+"
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:[\s、，,]+[\u4e00-\u9fff]{2,4}){0,5})$"
)
# Words a site glues before a label of its own making (论文来源, 信息来源 …): read as part of the
# label, not as the end of the value before it.
LABEL_PREFIXES = frozenset(("论文", "文章", "信息", "稿件", "新闻", "资料", "图片", "内容", "文档"))
# A reporter's role before the name a byline gives: 作者：记者 易文涛, 作者：通讯员 甘甜.
REPORTER_ROLE = re.compile(r"^(?:本报|本刊|本台|本网)?(?:特约|实习)?(?:记者|通讯员)\s+(?=\S)")
# A widget's word the line runs on into after a credit: 编辑：小文 手机版, 来源：人民网 打印.
TRAILING_WIDGET = re.compile(
    r"(?:\s+(?:手机版|手机站|打印本页|打印|收藏|关闭窗口|关闭|返回顶部|返回))+$"
)
REPORTER_LINE_MAX = 48
# A CMS's code for its staff after a name: 王晓武_NBJ1234.
STAFF_CODE = re.compile(r"_[A-Za-z]{1,5}\d{2,}$")
# A credit line of roles and slashes, opening with the writer's: （文/刘洋 图/陈晨 编辑/赵敏）;
# the writer's role may take a colon instead (文：钟丽华　图：何思远　审核：刘建新).
_AUTHOR_SLASH = re.compile(r"^[(（]?\s*文\s*[/|｜:：]")
_AUTHOR_SLASH_STARTS = "(（文"
_SLASH_CREDIT = re.compile(
    r"(?:^|(?<=[\s(（]))(?P<role>文|编辑|责编|责任编辑|来源)\s*(?:[/|｜]|(?<=文)[:：])\s*"
    r"(?P<value>[^\s/|｜()（）]{1,20})"
)
_SLASH_ROLES = {
    "文": "author",
    "编辑": "editor?",
    "责编": "editor",
    "责任编辑": "editor",
    "来源": "source",
}
_VALUE_TRIM = " \t|｜/丨·•-—,，;；、)）】]【[(（"

# Values that stand for "nobody in particular" (DESIGN.md: placeholders are no value). A source
# such as 网络 or 本站原创 says something about the text and is kept.
PLACEHOLDERS = frozenset(
    [
        "佚名",
        "未知",
        "本站",
        "admin",
        "administrator",
        "管理员",
        "匿名",
        "不详",
        "网友",
        "无",
        "暂无",
        "none",
        "null",
        "unknown",
    ]
)


@dataclass(slots=True)
class LabelledValue:
    field: str
    value: str
    start: int  # where the label starts in the line


def read_labels(line: str) -> list[LabelledValue]:
    """Every label of a line with its value: the text up to the next label."""
    posted = BARE_DATE_LABEL.match(line) if line[:1] in "发更發" else None
    if posted and _BYLINE_DATE.match(line, posted.end()):
        # "发布于 2023-11-03 20:22・IP 属地北京": a date with no colon, under the text; the
        # line's other labels follow ("… 作者 老周").
        # It dates the article only where nothing else does: comments are 发布于 too.
        dated = LabelledValue("posted", line[posted.end() :], 0)
        return [dated, *_read_labels(line)]
    return _read_labels(line)


def _read_labels(line: str) -> list[LabelledValue]:
    if line[0] in "Bb" and line[:3] in ("By ", "BY ", "by ") and len(line) <= BYLINE_MAX:
        byline = ENGLISH_BYLINE.match(line)
        if byline:
            return [LabelledValue("author", byline.group("names"), 0)]
    if ":" not in line and "：" not in line and "】" not in line and "]" not in line:
        if len(line) <= HEADING_LABEL_MAX and line.lstrip(_VALUE_TRIM)[:1] in _HEADING_STARTS:
            heading = line.strip(_VALUE_TRIM)
            named = HEADING_LABELS.get(heading) or HEADING_LABELS.get(heading.replace(" ", ""))
            if named:
                # "Abstract", "摘 要": a heading over its value, which the next block holds.
                return [LabelledValue(named, "", 0)]
        found: list[LabelledValue] = []
        if (
            len(line) <= REPORTER_LINE_MAX
            and ("记者" in line or "通讯员" in line)
            and (reporters := REPORTER_LINE.match(line))
        ):
            return [LabelledValue("author", reporters.group("names"), 0)]
        if line[0] in _AUTHOR_SLASH_STARTS and _AUTHOR_SLASH.match(line):
            found.extend(_slash_credits(line))
        if len(line) <= BYLINE_MAX and _BYLINE_DATE.search(line):
            if not found and "/" in line:
                found.extend(_slash_credits(line))  # 2024-03-05 文/王建国
            found.extend(_bare_labels(line))
        return found
    if len(line) > 160 and LABEL_PATTERN.match(line[:40]) is None:
        # Long lines are prose unless they open with a label (an abstract, a keyword line).
        return []
    matches = _label_matches(line)
    if not matches and len(line) <= BYLINE_MAX and _BYLINE_DATE.search(line):
        # A colon-less byline whose only colon is its time's: 发布于 2023/6/28 18:05 作者 老周.
        return _bare_labels(line)
    found = []
    if line[0] in _AUTHOR_SLASH_STARTS and _AUTHOR_SLASH.match(line):
        found.extend(_slash_credits(line))
    names = [_field_of(match.group("label")) for match in matches]
    for number, match in enumerate(matches):
        if names[number] == "abstract":
            # An abstract is prose: only a keyword label on the same line ends it.
            following = range(number + 1, len(matches))
            nxt = next((i for i in following if names[i] == "keywords"), None)
            end = matches[nxt].start() if nxt is not None else len(line)
            value = line[match.end() : end].strip()
            found.append(LabelledValue("abstract", value, match.start()))
            if nxt is None:
                break
            continue
        if found and found[-1].field == "abstract" and names[number] != "keywords":
            continue
        end = matches[number + 1].start() if number + 1 < len(matches) else len(line)
        value = line[match.end() : end]
        words = value.split()
        if len(words) > 1 and words[-1] in LABEL_PREFIXES and not line[end - 1].isspace():
            # 作者：罗志鹏　论文来源：…: the word glued to the next label is part of it.
            value = value.rstrip()[: -len(words[-1])]
        counter = COUNTER.search(value)
        if counter:
            value = value[: counter.start()]
        roles = _SLASH_CREDIT.search(value, 1) if "/" in value else None
        if roles is not None and value[roles.start() - 1].isspace():
            # 来源：县政府办 文/王建国: the roles and slashes end the value before them.
            found.extend(_slash_credits(value[roles.start() :]))
            value = value[: roles.start()]
        value = value.strip(_VALUE_TRIM)
        if names[number] == "author" and _AUTHOR_SLASH.match(value):
            # 作者：文/陈思雨 图/刘洋: the roles and slashes say who wrote it.
            found.extend(_slash_credits(value))
            continue
        found.append(LabelledValue(names[number], value, match.start()))
    return found


def _slash_credits(line: str) -> list[LabelledValue]:
    """The credits of a line of roles and slashes (文/刘洋 图/陈晨 编辑/赵敏); roles that
    credit no text (图/, 审核/) are left out. 文/图 记者 胡悦: one name for both roles."""
    found = []
    for m in _SLASH_CREDIT.finditer(line):
        value = m.group("value")
        if value == "图" and m.group("role") == "文":
            words = REPORTER_ROLE.sub("", line[m.end() :].strip()).split()
            if not words:
                continue
            value = words[0]
        found.append(LabelledValue(_SLASH_ROLES[m.group("role")], value, m.start()))
    return found


def _label_matches(line: str) -> list[re.Match[str]]:
    """The label matches of a line that really start a label.

    The first label must stand at the start, after a separator, or glued to a different script
    ("…10:30来源：", "读书心得Tags:"); once a line has shown it is an info line, later labels
    may be glued to the previous value ("作者：张三来源：李四"). A label glued to Chinese text
    with nothing before it is prose ("活动时间：…").
    """
    accepted: list[re.Match[str]] = []
    if _LABEL_HINT.search(line) is None:
        return accepted
    for match in LABEL_PATTERN.finditer(line):
        start = match.start()
        if accepted or start == 0:
            accepted.append(match)
            continue
        before = line[start - 1]
        if before in _SEPARATORS or before.isspace():
            accepted.append(match)
        elif _is_latin(match.group("label")[0]):
            if not _is_latin(before) and not before.isdigit():
                accepted.append(match)
        elif before.isascii() and before.isalnum():
            accepted.append(match)
    return accepted


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _bare_labels(line: str) -> list[LabelledValue]:
    """Colon-less byline labels: each value is the one word after its label."""
    found = []
    for match in BARE_LABEL.finditer(line):
        words = line[match.end() :].split(maxsplit=1)
        value = words[0].strip(_VALUE_TRIM) if words else ""
        if value and not _BYLINE_DATE.match(value):
            found.append(LabelledValue(_field_of(match.group("label")), value, match.start()))
    return found


_SPACES = re.compile(r"\s+")


def _field_of(label: str) -> str:
    named = _FIELD_BY_COMPACT.get(label)  # (most labels are written without spaces)
    return named or _FIELD_BY_COMPACT.get(_SPACES.sub("", label), "noise")


_BRACKETS = (("[", "]"), ("【", "】"), ("（", "）"), ("(", ")"))
NATIONALITY_MAX = 5  # 美] … 奥地利]


def clean_value(value: str | None) -> str | None:
    """A credit value without placeholders and decoration, or None.

    A value with no letter in it (a CMS user number such as <meta name="author"
    content="104363">, a lone date) names nobody."""
    if not value:
        return None
    # A byline's spans run on into the date and the hit count: "周立新 2024-03-15 3527".
    dated = _BYLINE_DATE.search(value)
    if dated:
        value = value[: dated.start()]
    value = STAFF_CODE.sub("", value)
    value = TRAILING_WIDGET.sub("", value)
    value = value.strip(_VALUE_TRIM)
    if value.count("（") > value.count("）") or value.count("(") > value.count(")"):
        value += "）" if value.rfind("（") > value.rfind("(") else ")"  # the trim's, given back
    for opening, closing in _BRACKETS:
        # [美]约翰·史密斯, （美）…: a translated author's country, its bracket given back.
        if closing in value[:NATIONALITY_MAX] and opening not in value[: value.find(closing)]:
            value = opening + value
            break
    if not value or value.lower() in PLACEHOLDERS or not any(c.isalpha() for c in value):
        return None
    return value
