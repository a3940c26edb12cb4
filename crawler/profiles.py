"""Site profiles: what the crawler may know of a site, as data (TOML), never as code.

A profile narrows the generic crawl (start URLs, allowed domains, URL patterns) or
overrides one field's reading with an XPath; everything else stays generic. Profiles live in
`crawler/sites/*.toml`; `report-archiver sites` lists them.

    name = "demo"                          # required, [a-z0-9_-]
    title = "范文工作报告网"                 # optional display name
    start_urls = ["http://127.0.0.1:8765/"] # required, http(s)
    allowed_domains = ["127.0.0.1"]        # optional, default: hosts of start_urls
    article_patterns = ['/\\d+\\.html$']   # optional regexes on the URL
    list_patterns = ['/list_\\d+_\\d+\\.html$', '/$']
    timezone = "Asia/Shanghai"             # optional, for dates without an offset
    schedule = "0 */6 * * *"               # optional cron line for `report-archiver schedule`
    refresh_after = "7d"                   # optional: re-fetch known articles after this
    [selectors]                            # optional XPaths overriding the generic reading
    body = "//div[@id='text']"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from crawler.extract import OVERRIDABLE, FieldRules

SITES_DIR = Path(__file__).parent / "sites"
KEYS = {
    "name",
    "title",
    "start_urls",
    "allowed_domains",
    "article_patterns",
    "list_patterns",
    "timezone",
    "schedule",
    "refresh_after",
    "selectors",
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class SiteProfile:
    """One site's profile, validated."""

    name: str
    path: Path
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    title: str | None = None
    article_patterns: tuple[re.Pattern[str], ...] = ()
    list_patterns: tuple[re.Pattern[str], ...] = ()
    timezone: str = "Asia/Shanghai"
    schedule: str | None = None
    refresh_after: timedelta | None = None
    selectors: dict[str, str] = field(default_factory=dict)

    @property
    def rules(self) -> FieldRules:
        return FieldRules(zone=ZoneInfo(self.timezone), xpaths=dict(self.selectors))

    def wants(self, url: str) -> bool:
        """Whether a discovered URL is worth following under this profile's patterns."""
        patterns = self.article_patterns + self.list_patterns
        return not patterns or any(p.search(url) for p in patterns)


def load_profile(path: Path) -> SiteProfile:
    """Read and validate one profile file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from None
    return _validate(path, data)


def _validate(path: Path, data: dict[str, Any]) -> SiteProfile:
    def fail(key: str, problem: str) -> ProfileError:
        return ProfileError(f"{path}: key '{key}': {problem}")

    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail("name", "required, lower-case letters, digits, '-' or '_'")
    start_urls = _strings(data, "start_urls", fail, required=True)
    for url in start_urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise fail("start_urls", f"{url!r} is not an http(s) URL")
    domains = _strings(data, "allowed_domains", fail) or tuple(
        dict.fromkeys(urlsplit(u).hostname or "" for u in start_urls)
    )
    patterns = {}
    for key in ("article_patterns", "list_patterns"):
        compiled = []
        for text in _strings(data, key, fail):
            try:
                compiled.append(re.compile(text))
            except re.error as error:
                raise fail(key, f"bad regular expression {text!r}: {error}") from None
        patterns[key] = tuple(compiled)
    zone = data.get("timezone", "Asia/Shanghai")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise fail("timezone", f"unknown time zone {zone!r}") from None
    schedule = data.get("schedule")
    if schedule is not None:
        _check_schedule(str(schedule), fail)
    refresh = data.get("refresh_after")
    refresh_after = None
    if refresh is not None:
        match = _DURATION.match(str(refresh).strip())
        if not match:
            raise fail("refresh_after", "a duration such as '12h', '7d' or '2w'")
        refresh_after = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    selectors = data.get("selectors", {})
    if not isinstance(selectors, dict):
        raise fail("selectors", "a table of field = XPath")
    for key, xpath in selectors.items():
        if key not in OVERRIDABLE:
            raise fail(f"selectors.{key}", f"not an overridable field ({', '.join(OVERRIDABLE)})")
        try:
            etree.XPath(str(xpath))
        except etree.XPathSyntaxError as error:
            raise fail(f"selectors.{key}", f"bad XPath {xpath!r}: {error}") from None
    title = data.get("title")
    return SiteProfile(
        name=name,
        path=path,
        title=str(title) if title is not None else None,
        start_urls=start_urls,
        allowed_domains=domains,
        article_patterns=patterns["article_patterns"],
        list_patterns=patterns["list_patterns"],
        timezone=str(zone),
        schedule=schedule,
        refresh_after=refresh_after,
        selectors={k: str(v) for k, v in selectors.items()},
    )


def _check_schedule(schedule: str, fail: Any) -> None:
    """A cron line of five fields (minute first), or six with seconds first."""
    from apscheduler.triggers.cron import CronTrigger

    fields = schedule.split()
    if len(fields) not in (5, 6):
        raise fail("schedule", "a cron line of five fields, e.g. '0 */6 * * *'")
    try:
        if len(fields) == 5:
            CronTrigger.from_crontab(schedule)
        else:
            CronTrigger(
                **dict(
                    zip(
                        ("second", "minute", "hour", "day", "month", "day_of_week"),
                        fields,
                        strict=True,
                    )
                )
            )
    except ValueError as error:
        raise fail("schedule", f"not a valid cron line: {error}") from None


def _strings(
    data: dict[str, Any], key: str, fail: Any, *, required: bool = False
) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if required:
            raise fail(key, "required, a list of strings")
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(key, "a list of non-empty strings")
    if required and not value:
        raise fail(key, "must not be empty")
    return tuple(value)


def iter_profiles(directory: Path = SITES_DIR) -> Iterator[Path]:
    """The profile files of a directory, by name."""
    yield from sorted(directory.glob("*.toml"))


def find_profile(name_or_path: str, directory: Path = SITES_DIR) -> SiteProfile:
    """A profile by name (from crawler/sites) or by the path of a TOML file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        return load_profile(candidate)
    for path in iter_profiles(directory):
        if path.stem == name_or_path:
            return load_profile(path)
    known = ", ".join(p.stem for p in iter_profiles(directory)) or "none"
    raise ProfileError(f"{name_or_path}: no such site profile (known: {known})")
