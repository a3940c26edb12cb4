"""The raw archive: every HTTP exchange as WARC/1.1 records in gzip files, for re-parsing.

One file per crawl run and worker, rotated by size; each record is its own gzip member and
is flushed as soon as it is written, so a killed crawl loses at most the record it was
writing. That torn tail is found by decompressing member by member (a whole member ends
with its gzip trailer and holds a whole WARC record): readers stop before it, and
``repair_directory`` (run when a crawl opens its WARC folder) cuts it off. It looks only at
files left open: a writer marks its file with ``<file>.open`` until it closes it cleanly,
and holds an flock on it, which the system drops when the writer dies; a marked file whose
lock is free was left by a dead crawl.
"""

from __future__ import annotations

import fcntl
import io
import logging
import re
import zlib
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

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
_BLOCK = 1 << 16
_HEAD = 1 << 16  # a WARC record's header block is far smaller than this
OPEN_SUFFIX = ".open"  # beside a WARC file its writer has not closed cleanly (yet)
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

    @property
    def path(self) -> Path | None:
        """The file being written, None before the first record."""
        return self.directory / self._name if self._name else None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self._number += 1
            self._name = f"{self.prefix}-{self._number:05d}.warc.gz"
            path = self.directory / self._name
            if not path.exists():
                break
        self._stream = path.open("ab")
        # Held while writing: repair_directory leaves a file alone while its writer lives.
        fcntl.flock(self._stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _marker(path).touch()
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
        stream, self._stream, self._writer = self._stream, None, None
        if stream is None:
            return
        try:
            stream.close()
        except OSError as error:  # a full disk: the torn end is cut off by the next crawl
            log.warning("%s: not closed cleanly (%s)", self.path, error.strerror or error)
            return
        if self.path is not None:
            _marker(self.path).unlink(missing_ok=True)


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
            if not _whole_member(stream.read(location.length)):
                raise ValueError(f"{path}@{location.offset}: torn WARC record (cut short)")
            stream.seek(location.offset)
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    break
                return _stored(record)
    except (OSError, ArchiveLoadFailed, EOFError) as error:
        raise ValueError(f"{path}@{location.offset}: unreadable WARC record ({error})") from None
    raise ValueError(f"{path}@{location.offset}: no response record there")


def iter_responses(path: Path) -> Iterator[tuple[int, StoredResponse]]:
    """Every whole response of a WARC file with its offset; a torn tail is left out."""
    end = complete_length(path)
    with path.open("rb") as stream:
        # warcio trips over a torn record in ways it does not catch: never show it one.
        records = ArchiveIterator(_Prefix(stream, end))
        try:
            for record in records:
                stored = _stored(record) if record.rec_type == "response" else None
                offset = records.get_record_offset()  # read the record first: this skips it
                if stored is not None:
                    yield offset, stored
        except (ArchiveLoadFailed, EOFError, OSError, ValueError):
            return


class _Prefix(io.RawIOBase):
    """The first ``end`` bytes of a binary stream, read-only."""

    def __init__(self, stream: IO[bytes], end: int) -> None:
        self.stream = stream
        self.left = end

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(size)
        self.left -= len(data)
        return data


def complete_length(path: Path) -> int:
    """Bytes from the start of a WARC file to the end of its last whole record."""
    end = 0
    with path.open("rb") as stream:
        for end in _whole_member_ends(stream):  # noqa: B007 - the last one is wanted
            pass
    return end


def repair_warc(path: Path) -> int | None:
    """Cut a torn last record off a WARC file; return the bytes cut, None (and leave the
    file alone) while a live writer holds it."""
    with path.open("r+b") as stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        end = 0
        for end in _whole_member_ends(stream):  # noqa: B007 - the last one is wanted
            pass
        size = stream.seek(0, io.SEEK_END)
        if end < size:
            stream.truncate(end)
        return size - end


def repair_directory(directory: Path) -> int:
    """Repair the WARC files of a folder that dead writers left open; return the bytes cut."""
    cut = 0
    if not directory.is_dir():
        return 0
    for marker in sorted(directory.glob("*.warc.gz" + OPEN_SUFFIX)):
        path = marker.with_name(marker.name.removesuffix(OPEN_SUFFIX))
        dropped = repair_warc(path) if path.exists() else 0
        if dropped is None:
            continue  # still being written
        if dropped:
            log.warning(
                "%s: cut a torn last record (%d bytes) left by a killed crawl", path, dropped
            )
        marker.unlink(missing_ok=True)
        cut += dropped
    return cut


def _marker(path: Path) -> Path:
    return path.with_name(path.name + OPEN_SUFFIX)


def _whole_member_ends(stream: IO[bytes]) -> Iterator[int]:
    """The end offset of each gzip member holding a whole WARC record, in file order,
    stopping at the first member that is cut short or not a record."""
    stream.seek(0)
    position = 0  # bytes read from the stream so far
    pending = b""
    while True:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        head = bytearray()
        size = 0
        data = pending
        while not inflater.eof:
            if not data:
                data = stream.read(_BLOCK)
                if not data:
                    return  # end of file: clean between members, torn inside one
                position += len(data)
            try:
                out = inflater.decompress(data, _BLOCK)
            except zlib.error:
                return
            data = inflater.unconsumed_tail
            size += len(out)
            if len(head) < _HEAD:
                head += out[: _HEAD - len(head)]
        pending = inflater.unused_data
        if not _whole_record(bytes(head), size):
            return
        yield position - len(pending)


def _whole_member(data: bytes) -> bool:
    """Whether bytes are exactly one whole gzip member holding a whole WARC record."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = bytearray()
    size = 0
    try:
        out = inflater.decompress(data, _BLOCK)
        while True:
            size += len(out)
            if len(head) < _HEAD:
                head += out[: _HEAD - len(head)]
            if not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, _BLOCK)
    except zlib.error:
        return False
    return inflater.eof and _whole_record(bytes(head), size)


def _whole_record(head: bytes, size: int) -> bool:
    """Whether a decompressed member of ``size`` bytes starting ``head`` is a whole record."""
    if not head.startswith(b"WARC/"):
        return False
    header_end = head.find(b"\r\n\r\n")
    match = re.search(rb"\r\nContent-Length:\s*(\d+)", head[:header_end], re.IGNORECASE)
    if header_end < 0 or match is None:
        return False
    return size >= header_end + 4 + int(match[1])


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
