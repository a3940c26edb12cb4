"""Labelled lines: 摘要: …, 关键词: …, 作者: … 来源: …, 责任编辑: …, 推荐访问: ….

Report sites print their metadata as "label: value" text rather than markup, in the body or
around it, several labels to a line. One grammar reads them all; each label maps to a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Label spellings per field, longest first within a field so that 作者单位 wins over 作者.
LABELS: dict[str, tuple[str, ...]] = {
    "abstract": ("内容摘要", "内容提要", "摘要", "提要", "Abstract", "ABSTRACT", "Summary"),
    "keywords": ("关键词", "关键字", "关 键 词", "Keywords", "KEYWORDS", "Key words", "Key Words"),
    "author_unit": ("作者单位", "单位"),
    "editor": ("责任编辑", "责编", "编辑", "Editor"),
    "author": ("作者", "撰稿", "撰文", "发布者", "发布人", "Author", "By"),
    "source": ("文章来源", "信息来源", "稿件来源", "来源", "稿源", "出处", "Source"),
    "date": (
        "发布时间",
        "发表时间",
        "更新时间",
        "上传时间",
        "添加时间",
        "录入时间",
        "发布日期",
        "发表日期",
        "更新日期",
        "日期",
        "时间",
        "Published",
        "Date",
    ),
    "category": ("所属栏目", "所属分类", "栏目", "分类", "类别"),
    "tags": ("推荐访问", "相关标签", "文章标签", "标签", "Tags", "TAGS", "Tag", "TAG"),
    # Counters and widgets: their values are ignored, they only end the previous value.
    "noise": (
        "点击数",
        "点击量",
        "浏览次数",
        "阅读次数",
        "阅读量",
        "点击",
        "浏览",
        "阅读",
        "人气",
        "字体",
        "字号",
        "评论",
        "访问量",
        "热度",
    ),
}

_LABEL_FIELD = {label: name for name, labels in LABELS.items() for label in labels}
_ALTERNATION = "|".join(
    re.escape(label).replace("\\ ", r"\s*") for label in sorted(_LABEL_FIELD, key=len, reverse=True)
)
# A label starts the text or follows a space, bracket or separator, and ends in a colon or a
# closing bracket: "作者：", "【摘要】", "(作者单位:", "Tags:".
LABEL_PATTERN = re.compile(
    rf"(?:^|(?<=[\s(（【\[|｜/丨。；;]))[【\[]?(?P<label>{_ALTERNATION})\s*(?:[:：]|[】\]]\s*[:：]?)\s*"
)
_AUTHOR_SLASH = re.compile(r"^[(（]?\s*文\s*[/|｜]\s*(?P<value>[^\s/|｜]{1,20})")
_VALUE_TRIM = " \t|｜/丨·•-—,，;；)）】]【[(（"

# Values that stand for "nobody in particular" (DESIGN.md: placeholders are no value).
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
        "网络",
        "互联网",
        "本站原创",
        "原创",
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
    if ":" not in line and "：" not in line and "】" not in line and "]" not in line:
        slash = _AUTHOR_SLASH.match(line) if "/" in line else None
        return [LabelledValue("author", slash.group("value"), 0)] if slash else []
    if len(line) > 160:
        # Long lines are prose unless they open with a label (an abstract, a keyword line).
        opening = LABEL_PATTERN.match(line[:40])
        if opening is None or not _is_label(line, opening):
            return []
    matches = [m for m in LABEL_PATTERN.finditer(line) if _is_label(line, m)]
    found: list[LabelledValue] = []
    slash = _AUTHOR_SLASH.match(line)
    if slash:
        found.append(LabelledValue("author", slash.group("value"), 0))
    names = [_field_of(match.group("label")) for match in matches]
    for number, match in enumerate(matches):
        following = range(number + 1, len(matches))
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
        value = line[match.end() : end].strip(_VALUE_TRIM)
        found.append(LabelledValue(names[number], value, match.start()))
    return found


def _field_of(label: str) -> str:
    compact = re.sub(r"\s+", "", label)
    return (
        _LABEL_FIELD.get(label)
        or _LABEL_FIELD.get(compact)
        or ("keywords" if compact in ("关键词", "Keywords", "Keywords") else "noise")
    )


def _is_label(line: str, match: re.Match[str]) -> bool:
    """Bracketed labels need no colon; bare ones do, so that prose is not read as a label."""
    text = match.group(0)
    return ":" in text or "：" in text or "】" in text or "]" in text


def clean_value(value: str | None) -> str | None:
    """A credit value without placeholders and decoration, or None."""
    if not value:
        return None
    value = value.strip(_VALUE_TRIM)
    if not value or value.lower() in PLACEHOLDERS:
        return None
    return value
