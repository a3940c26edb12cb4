"""The raw archive: every HTTP exchange as WARC/1.1 records in gzip files, for re-parsing.

One file per crawl run and worker, rotated by size; each record is its own gzip member and
is flushed as soon as it is written, so a killed crawl loses at most the record it was
writing, and a reader skips that torn tail instead of failing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Hop-by-hop framing the downloader already undid: the stored body is de-chunked.
_DROPPED_HEADERS = frozenset({"transfer-encoding"})


@dataclass(frozen=True)
class WarcLocation:
    """Where one response record lies: file name (relative to the WARC folder), offset, length."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class StoredResponse:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


class WarcArchive:
    """Append-only WARC writer for one run of one worker, rotating files past max_bytes."""

    def __init__(self, directory: Path, prefix: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.prefix = _UNSAFE.sub("-", prefix).strip("-") or "crawl"
        self.max_bytes = max_bytes
        self._number = 0
        self._stream: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._name = ""

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self._number += 1
            self._name = f"{self.prefix}-{self._number:05d}.warc.gz"
            path = self.directory / self._name
            if not path.exists():
                break
        self._stream = path.open("ab")
        self._writer = WARCWriter(self._stream, gzip=True, warc_version="WARC/1.1")
        info = self._writer.create_warcinfo_record(
            self._name, {"software": "report-archiver", "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)

    def write_exchange(
        self,
        url: str,
        method: str,
        request_headers: Iterable[tuple[str, str]],
        status: int,
        response_headers: Iterable[tuple[str, str]],
        body: bytes,
        protocol: str = "HTTP/1.1",
    ) -> WarcLocation:
        """Write the request and its response; return where the response record lies."""
        if self._stream is None or self._stream.tell() >= self.max_bytes:
            self.close()
            self._open()
        assert self._stream is not None and self._writer is not None
        reason = _reason(status)
        headers = [(k, v) for k, v in response_headers if k.lower() not in _DROPPED_HEADERS]
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol=protocol),
        )
        target = url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        request = self._writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{method} {path} {protocol}", list(request_headers), is_http_request=True
            ),
        )
        offset = self._stream.tell()
        self._writer.write_record(response)
        length = self._stream.tell() - offset
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        self._writer.write_record(request)
        self._stream.flush()
        return WarcLocation(self._name, offset, length)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
            self._writer = None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def read_response(directory: Path, location: WarcLocation) -> StoredResponse:
    """The response stored at a location (ValueError when the record is missing or torn)."""
    path = directory / location.file
    try:
        with path.open("rb") as stream:
            stream.seek(location.offset)
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    break
                return _stored(record)
    except (OSError, ArchiveLoadFailed, EOFError) as error:
        raise ValueError(f"{path}@{location.offset}: unreadable WARC record ({error})") from None
    raise ValueError(f"{path}@{location.offset}: no response record there")


def iter_responses(path: Path) -> Iterator[tuple[int, StoredResponse]]:
    """Every response of a WARC file with its offset; a torn last record ends the iteration."""
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type == "response":
                    yield records.get_record_offset(), _stored(record)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError):
            return


def _stored(record: object) -> StoredResponse:
    rec_headers = record.rec_headers  # type: ignore[attr-defined]
    http_headers = record.http_headers  # type: ignore[attr-defined]
    body = record.content_stream().read()  # type: ignore[attr-defined]
    return StoredResponse(
        url=rec_headers.get_header("WARC-Target-URI"),
        status=int(http_headers.get_statuscode() or 0),
        headers={k: v for k, v in http_headers.headers},
        body=body,
    )


def run_prefix(worker: str, started: datetime | None = None) -> str:
    """File name prefix for one run of one worker: UTC start time, then the worker."""
    moment = (started or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{moment}-{worker}"
