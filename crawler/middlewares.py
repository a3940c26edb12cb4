"""Downloader middlewares: keep every raw response (WARC) before anything parses it.

`WarcMiddleware` sits next to the downloader (after the redirect, retry and decompression
middlewares in process_response order), so it sees each exchange as it came off the wire:
redirects as their own records, bodies still compressed when the server compressed them.
The record's location travels to the spider in `response.meta["warc"]`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.archive import database_url
from crawler.archive.signals import record_page
from crawler.diskfull import stop_for_full_disk
from crawler.warc import DEFAULT_MAX_BYTES, WarcArchive, repair_directory, run_prefix


def warc_directory(settings: BaseSettings) -> Path:
    """WARC_DIR, else a `warc/` folder beside the SQLite archive, else data/warc."""
    configured = settings.get("WARC_DIR")
    if configured:
        return Path(configured)
    url = database_url(settings.get("ARCHIVE_DB_URL"))
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return Path(url.removeprefix("sqlite:///")).parent / "warc"
    return Path("data") / "warc"


def worker_name(settings: BaseSettings) -> str:
    return str(settings.get("ARCHIVE_WORKER") or f"{socket.gethostname()}-{os.getpid()}")


class WarcMiddleware:
    """Write each request/response pair to the run's WARC file; note where in the meta."""

    def __init__(self, crawler: Crawler, directory: Path, prefix: str, max_bytes: int) -> None:
        self.crawler = crawler
        self.archive = WarcArchive(directory, prefix, max_bytes)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured
        directory = warc_directory(settings)
        repair_directory(directory)  # a crawl killed mid-record left a torn tail
        middleware = cls(
            crawler,
            directory,
            run_prefix(worker_name(settings)),
            settings.getint("WARC_MAX_BYTES", DEFAULT_MAX_BYTES),
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        if "download_stopped" in response.flags:
            return response  # a file stopped at its headers (downloads.py): nothing to keep
        try:
            location = self.archive.write_exchange(
                url=response.url,
                method=request.method,
                request_headers=_pairs(request.headers),
                status=response.status,
                response_headers=_pairs(response.headers),
                body=response.body,
                protocol=str(response.protocol or "HTTP/1.1"),
            )
        except OSError as error:
            where = self.archive.path or self.archive.directory
            stop_for_full_disk(self.crawler, f"{where}: cannot write ({error.strerror or error})")
            raise IgnoreRequest(
                f"{response.url}: not archived, {where} cannot be written"
            ) from None
        request.meta["warc"] = {
            "warc_file": location.file,
            "warc_offset": location.offset,
            "warc_length": location.length,
        }
        if 300 <= response.status < 400 and "Location" in response.headers:
            # The redirect middleware swallows this response; log it as a page of its own.
            record_page(
                self.crawler,
                response.url,
                status=response.status,
                kind="redirect",
                size=len(response.body),
                **request.meta["warc"],
            )
        return response

    def spider_closed(self) -> None:
        self.archive.close()


def _pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]
