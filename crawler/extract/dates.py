"""Dates as report sites write them, turned into ISO 8601 with an offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

# Pages that give no zone are in China Standard Time unless a site profile says otherwise.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

# 2023-07-22 16:50:27, 2023/7/22 8:05, 2023.07.22, 2023年07月22日 16时50分, 2023-07-22T16:50:27+08:00
DATE_PATTERN = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[T\s]*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})\s*分?"
    r"(?:\s*[:：]\s*(?P<S>\d{1,2})\s*秒?)?(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}(?![\d]))?"
)


def parse_date(text: str, zone: tzinfo = CHINA) -> str | None:
    """The first date in text as ISO 8601 with offset, or None when there is none or it is invalid."""
    for match in DATE_PATTERN.finditer(text):
        iso = _to_iso(match, zone)
        if iso:
            return iso
    return None


def _to_iso(match: re.Match[str], zone: tzinfo) -> str | None:
    parts = match.groupdict()
    try:
        moment = datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
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
