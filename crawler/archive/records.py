"""Record-level helpers shared by the archive and the pipelines (no database access)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

# Provenance fields: they say when and by what a record was made, not what it says, so a
# re-fetch or a parser upgrade that recovers the same content must not count as a change.
PROVENANCE_FIELDS = frozenset({"fetched_at", "content_hash", "extractor_version"})


def utc_now() -> str:
    """Now as an ISO 8601 UTC string; every time stamp the archive writes has this form.

    Strings rather than datetimes because SQLite has no zoned time type: one textual form,
    sortable and identical on SQLite and PostgreSQL, avoids naive/aware mix-ups.
    """
    return datetime.now(UTC).isoformat(timespec="seconds")


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and real characters (not \\u escapes): stable across runs."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_json(record: Mapping[str, Any]) -> str:
    """The stored JSON text of a record, keeping the record's own field order for humans."""
    return json.dumps(dict(record), ensure_ascii=False)


def content_hash(record: Mapping[str, Any]) -> str:
    """sha256 of a normalised record's content, ignoring provenance fields.

    Two fetches of an unchanged article hash alike even though their fetched_at differ,
    which is what lets the archive tell "unchanged" from "changed".
    """
    content = {k: v for k, v in record.items() if k not in PROVENANCE_FIELDS}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


# Below this many characters of body, two different articles may share a title and a body
# (a picture page's one caption, a "内容已删除" stub): such a record has no fingerprint.
ALIAS_MIN_BODY = 200


def alias_fingerprint(record: Mapping[str, Any]) -> str | None:
    """sha256 of a record's title and body, or None when they are too short to tell.

    A site that serves one article under two URLs (http and https, www and the bare host, a
    dynamic and a static address) gives two records with different urls and the same title
    and body: this is what the archive looks such a second address up by.
    """
    title, body = record.get("title"), record.get("body")
    if not isinstance(title, str) or not isinstance(body, str) or len(body) < ALIAS_MIN_BODY:
        return None
    if not title.strip():
        return None
    return hashlib.sha256(f"{title}\x1f{body}".encode()).hexdigest()


# Host prefixes under which a site serves the same pages again: www.x.cn, m.x.cn, wap.x.cn.
_MIRROR_PREFIX = re.compile(r"^(?:www|m|wap|3g|mobile)\.")


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on one site: the same host but for a www/m/wap prefix, or one a
    subdomain of the other. Two sites printing one text are two publications, not aliases."""
    host = _MIRROR_PREFIX.sub("", (urlsplit(url).hostname or "").lower())
    other_host = _MIRROR_PREFIX.sub("", (urlsplit(other).hostname or "").lower())
    if not host or not other_host:
        return False
    return host == other_host or host.endswith(f".{other_host}") or other_host.endswith(f".{host}")


# Extensions of scripts that render pages on request: a dynamic address of an article.
_SCRIPT = re.compile(r"\.(?:php|asp|aspx|jsp|cgi|do)(?:/|$)", re.IGNORECASE)


def better_address(url: str, other: str) -> bool:
    """Whether url is a better address than other for the same article, in this order: the
    main host over a mobile mirror, no query over one, a static page over a script
    (`/a/12.html` over `/plus/view.php?aid=12`), https over http. A tie keeps the address
    archived first: an IIS site's case variants (Show.asp?ID=1, show.asp?id=1) are one, and
    the site's own spelling, the one its lists use and a crawl meets first, stays."""
    return _address_cost(url) < _address_cost(other)


def _address_cost(url: str) -> tuple[int, int, int, int]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    mirror = bool(_MIRROR_PREFIX.match(host)) and not host.startswith("www.")
    return (
        int(mirror),
        int(bool(parts.query)),
        int(bool(_SCRIPT.search(parts.path))),
        int(parts.scheme != "https"),
    )
