"""Dates as report sites write them, turned into ISO 8601 with an offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

# Pages that give no zone are in China Standard Time unless a site profile says otherwise.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

# 2023-07-22 16:50:27, 2023/7/22 8:05, 2023.07.22, 2023年07月22日 16时50分, 2023-07-22T16:50:27+08:00,
# 2024年3月15日 星期五 下午3:30
DATE_PATTERN = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*[（(]?(?:星期|周|礼拜)[一二三四五六日天][）)]?)?"
    r"(?:[T\s]*(?P<half>上午|下午|晚上|中午|早上|凌晨)?\s*"
    r"(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})\s*分?"
    r"(?:\s*[:：]\s*(?P<S>\d{1,2})\s*秒?)?(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}(?![\d]))?"
)


# Full-width digits and separators (２０２４－０３－１５　０８：３０), read as their ASCII twins.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")
# A date in Chinese numerals, as official documents write it: 二〇二四年三月十五日.
CHINESE_DATE = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
_NUMERALS = {c: n for n, chars in enumerate(("〇○零", *"一二三四五六七八九")) for c in chars}
# The half of the day before a time: 下午3:30 is 15:30.
_AFTERNOON = frozenset(("下午", "晚上"))


def _chinese_number(numerals: str) -> int:
    """十一 -> 11, 二十五 -> 25, 三十 -> 30, 九 -> 9."""
    tens, ten, units = numerals.partition("十")
    if not ten:
        return _NUMERALS[numerals]
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


def _as_digits(match: re.Match[str]) -> str:
    year = "".join(str(_NUMERALS[c]) for c in match.group("y"))
    month, day = (_chinese_number(match.group(name)) for name in ("m", "d"))
    return f"{year}年{month}月{day}日"


def parse_date(text: str, zone: tzinfo = CHINA) -> str | None:
    """The first date in text as ISO 8601 with offset, or None when there is none or it is invalid."""
    if not text.isascii():
        text = text.translate(_FULL_WIDTH)
        if "年" in text and "日" in text:
            text = CHINESE_DATE.sub(_as_digits, text)
    for match in DATE_PATTERN.finditer(text):
        iso = _to_iso(match, zone)
        if iso:
            return iso
    return None


def _to_iso(match: re.Match[str], zone: tzinfo) -> str | None:
    parts = match.groupdict()
    hour = int(parts["H"] or 0)
    if hour < 12 and (parts["half"] in _AFTERNOON or (parts["half"] == "中午" and hour < 6)):
        hour += 12
    try:
        moment = datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            hour,
            int(parts["M"] or 0),
            int(parts["S"] or 0),
        )
    except ValueError:
        return None
    offset = parts["tz"]
    if offset == "Z":
        aware = moment.replace(tzinfo=UTC)
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        # An offset no zone has ("+99:13") is digits glued to the time, not a zone.
        valid = hours < 24 and minutes < 60
        delta = timedelta(hours=hours, minutes=minutes)
        aware = moment.replace(tzinfo=timezone(sign * delta) if valid else zone)
    else:
        aware = moment.replace(tzinfo=zone)
    return aware.isoformat()
