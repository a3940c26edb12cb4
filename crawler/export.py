"""Write the archive's records out as datasets, streaming, never leaving a half-written file.

One writer per format, each consuming an iterator of records one at a time, so memory stays
flat however many articles are exported.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from .items import CREDIT_FIELDS, RECORD_FIELDS

FORMATS = ("json", "jsonl", "csv")
# Fields holding lists: one CSV cell, items joined by LIST_SEPARATOR.
LIST_SEPARATOR = "; "
# A spreadsheet treats a cell beginning with one of these as a formula (or, for tab and
# CR, may drop the character and then read a formula); such cells get a leading quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CREDIT_COLUMNS = tuple(f"credits.{name}" for name in CREDIT_FIELDS)
FIELDS = RECORD_FIELDS + CREDIT_COLUMNS


class ExportError(ValueError):
    """A field list or format the exporter does not know; the message names it."""


def parse_fields(value: str | None) -> tuple[str, ...] | None:
    """``a,b,c`` as checked field names (record fields or credits.author …); None for all."""
    if value is None:
        return None
    fields = tuple(name.strip() for name in value.split(",") if name.strip())
    if not fields:
        raise ExportError(f"--fields {value!r}: no field names")
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise ExportError(
            f"--fields {value}: unknown field {unknown[0]!r} (known: {', '.join(FIELDS)})"
        )
    return fields


@contextmanager
def atomic_output(path: Path | None) -> Iterator[IO[str]]:
    """A UTF-8 text stream to path that appears there whole or not at all; stdout (as UTF-8,
    whatever the locale says) when path is None."""
    if path is None:
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        sys.stdout.flush()
        try:
            yield stream
            stream.flush()
        finally:
            with suppress(BrokenPipeError):
                stream.flush()
            stream.detach()
        return
    path = path.resolve() if path.is_symlink() else path  # (the link stays, its file changes)
    if path.exists() and not path.is_file():
        # A device, a FIFO, a folder: the rename below would put a file in its place.
        raise ExportError(f"-o {path}: not a regular file")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    # The file gets the mode it had, or the one a new file gets (mkstemp's is 0600).
    os.chmod(temporary, stat.S_IMODE(path.stat().st_mode) if path.exists() else _new_file_mode())
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    """0666 less the process's umask: what open() would have given a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _value(record: dict[str, Any], field: str) -> Any:
    if field in CREDIT_COLUMNS:
        credits = record.get("credits") or {}
        return credits.get(field.removeprefix("credits.")) if isinstance(credits, dict) else None
    return record.get(field)


def _project(
    records: Iterable[dict[str, Any]], fields: Sequence[str] | None
) -> Iterator[dict[str, Any]]:
    if fields is None:
        yield from records
        return
    for record in records:
        yield {field: _value(record, field) for field in fields}


def write_jsonl(
    records: Iterable[dict[str, Any]], stream: IO[str], fields: Sequence[str] | None = None
) -> int:
    """One record a line, Chinese as characters; returns how many were written."""
    count = 0
    for record in _project(records, fields):
        stream.write(json.dumps(record, ensure_ascii=False))
        stream.write("\n")
        count += 1
    return count


def write_json(
    records: Iterable[dict[str, Any]], stream: IO[str], fields: Sequence[str] | None = None
) -> int:
    """One JSON array, written record by record (``[]`` when there are none)."""
    count = 0
    stream.write("[")
    for record in _project(records, fields):
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(record, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def csv_columns(fields: Sequence[str] | None) -> list[str]:
    """The CSV header: the chosen fields, ``credits`` spread over its own columns."""
    columns: list[str] = []
    for field in fields or RECORD_FIELDS:
        columns.extend(CREDIT_COLUMNS if field == "credits" else (field,))
    return columns


def csv_cell(value: Any) -> str:
    """One cell: lists joined, None empty, formula triggers neutralised with a quote."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = LIST_SEPARATOR.join("" if item is None else str(item) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_csv(
    records: Iterable[dict[str, Any]],
    stream: IO[str],
    fields: Sequence[str] | None = None,
    *,
    bom: bool = True,
) -> int:
    """A header and one row per record; line breaks stay inside quoted cells."""
    columns = csv_columns(fields)
    if bom:
        stream.write("\ufeff")
    writer = csv.writer(stream)  # excel dialect: CRLF rows, cells quoted when needed
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([csv_cell(_value(record, column)) for column in columns])
        count += 1
    return count


def write_records(
    records: Iterable[dict[str, Any]],
    stream: IO[str],
    fmt: str,
    fields: Sequence[str] | None = None,
    *,
    bom: bool = True,
) -> int:
    """Write records in one of FORMATS; returns how many were written."""
    writers: dict[str, Callable[[], int]] = {
        "json": lambda: write_json(records, stream, fields),
        "jsonl": lambda: write_jsonl(records, stream, fields),
        "csv": lambda: write_csv(records, stream, fields, bom=bom),
    }
    if fmt not in writers:
        raise ExportError(f"--format {fmt}: unknown format (one of {', '.join(FORMATS)})")
    return writers[fmt]()
