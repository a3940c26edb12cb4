"""Dates as report sites write them, turned into ISO 8601 with an offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

# Pages that give no zone are in China Standard Time unless a site profile says otherwise.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

# 2023-07-22 16:50:27, 2023/7/22 8:05, 2023.07.22, 2023年07月22日 16时50分, 2023-07-22T16:50:27+08:00,
# 2024年3月15日 星期五 下午3:30
_DAY = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
_TIME = (
    r"(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})\s*分?"
    r"(?:\s*[:：]\s*(?P<S>\d{1,2})\s*秒?)?(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}(?![\d]))?"
)
# (half is always empty here: the pattern with the weekday and the half of the day is slower
# to try, and tried only on the lines that hold one, DATE_WITH_DAY.)
DATE_PATTERN = re.compile(_DAY + r"(?P<half>)(?:[T\s]*" + _TIME)
DATE_WITH_DAY = re.compile(
    _DAY
    + r"(?:\s*[（(]?(?:星期|周|礼拜)[一二三四五六日天][）)]?)?"
    + r"(?:[T\s]*(?P<half>上午|下午|晚上|中午|早上|凌晨)?\s*"
    + _TIME
)
# What DATE_WITH_DAY reads that DATE_PATTERN does not: a weekday or the half of the day.
_DAY_WORDS = re.compile("星期|周|礼拜|午|晚上|早上|凌晨")


# Full-width digits and separators (２０２４－０３－１５　０８：３０), read as their ASCII twins.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")
_FULL_WIDTH_DIGIT = re.compile("[０-９]")
# A date in Chinese numerals, as official documents write it: 二〇二四年三月十五日.
CHINESE_DATE = re.compile(
    r"(?P<y>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
_NUMERALS = {c: n for n, chars in enumerate(("〇○零", *"一二三四五六七八九")) for c in chars}
# The half of the day before a time: 下午3:30 is 15:30.
_AFTERNOON = frozenset(("下午", "晚上"))
# Taiwan's official calendar counts years from 1912 (民國1年): 中華民國113年3月15日, and on a
# dated line 113-03-15, are 2024-03-15.
ROC_YEAR = re.compile(r"(?:中華民國|中华民国|民國|民国)\s*(?P<y>\d{2,3})\s*年")
ROC_NUMERIC = re.compile(
    r"(?:^|(?<=[:：]))\s*(?P<y>1[0-2]\d)\s*(?P<sep>[-/.])\s*\d{1,2}\s*(?P=sep)\s*\d{1,2}(?!\d)"
)
ROC_OFFSET = 1911
# English dates: March 15, 2024; 15 March 2024; Mar. 15, 2024 10:30 AM EDT.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
ENGLISH_DATE = re.compile(
    rf"\b(?:(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTH}),?\s+(?P<y2>(?:19|20)\d{{2}}))\b"
    r"(?:,?\s+(?:at\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<half>(?i:[ap]\.?m\.?))?(?:\s+(?P<zone>[A-Z]{3,4})\b)?)?"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# The zones English pages name after a time (CST is left out: China's or the US Central?).
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EST": -5,
    "EDT": -4,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "HKT": 8,
    "JST": 9,
    "KST": 9,
    "SGT": 8,
    "AEST": 10,
    "AEDT": 11,
}


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


# A year written in two digits, which only a date's label tells apart from other numbers
# (更新时间：24-03-05 09:08): this century's.
SHORT_YEAR_DATE = re.compile(
    r"^\s*(?P<y>\d{2})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)(?P<rest>.*)$"
)


def parse_labelled_date(value: str, zone: tzinfo = CHINA) -> str | None:
    """The date of a date label's value: as parse_date reads it, or with a two-digit year."""
    found = parse_date(value, zone)
    if found is None and (short := SHORT_YEAR_DATE.match(value)):
        found = parse_date(f"20{short['y']}-{short['m']}-{short['d']}{short['rest']}", zone)
    return found


def parse_date(text: str, zone: tzinfo = CHINA) -> str | None:
    """The first date in text as ISO 8601 with offset, or None when there is none or it is invalid."""
    iso = _first_iso(text, zone)
    if iso is None:
        # Written otherwise: full-width digits, Chinese numerals, Taiwan's years. (Tried only
        # after the common forms, and each where its cheapest sign is present: parse_date
        # runs on every short line between the title and the body.)
        western = _western_digits(text)
        if western is not None:
            iso = _first_iso(western, zone)
    if iso is None and _YEAR.search(text) is not None:
        iso = next(
            (found for m in ENGLISH_DATE.finditer(text) if (found := _english_iso(m, zone))),
            None,
        )
    return iso


def _first_iso(text: str, zone: tzinfo) -> str | None:
    pattern = DATE_WITH_DAY if _DAY_WORDS.search(text) else DATE_PATTERN
    for match in pattern.finditer(text):
        found = _to_iso(match, zone)
        if found:
            return found
    return None


def _western_digits(text: str) -> str | None:
    """text with its dates in Western digits and years, or None when it holds none otherwise."""
    original = text
    if not text.isascii():
        if _FULL_WIDTH_DIGIT.search(text):
            text = text.translate(_FULL_WIDTH)
        if "年" in text and "日" in text:
            text = CHINESE_DATE.sub(_as_digits, text)
        if "民" in text:
            text = ROC_YEAR.sub(lambda m: f"{int(m.group('y')) + ROC_OFFSET}年", text)
    if text.lstrip()[:1] == "1" or "：1" in text or ":1" in text:
        roc = ROC_NUMERIC.search(text)
        if roc:
            year = int(roc.group("y")) + ROC_OFFSET
            text = f"{text[: roc.start('y')]}{year}{text[roc.end('y') :]}"
    return None if text == original else text


def _english_iso(match: re.Match[str], zone: tzinfo) -> str | None:
    month_name = (match.group("mon") or match.group("mon2")).rstrip(".").lower()
    hour = int(match.group("H") or 0)
    half = (match.group("half") or "").replace(".", "").lower()
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    named = _ZONES.get(match.group("zone") or "")
    try:
        moment = datetime(
            int(match.group("y") or match.group("y2")),
            _MONTHS[month_name],
            int(match.group("d") or match.group("d2")),
            hour,
            int(match.group("M") or 0),
            int(match.group("S") or 0),
        )
    except (ValueError, KeyError):
        return None
    return moment.replace(
        tzinfo=zone if named is None else timezone(timedelta(hours=named))
    ).isoformat()


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
