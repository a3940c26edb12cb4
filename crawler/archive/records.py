"""Record-level helpers shared by the archive and the pipelines (no database access)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

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
