"""A generated report site that misbehaves in every way an old site does, on 127.0.0.1.

Why: a crawler of badly kept sites is only trusted when each fault such a site throws at it
(errors, stalls, resets, lies, bombs, loops) ends as a bounded, recorded failure while every
good article still lands in the archive exactly once. The fault-injection tests and
``bench/faults.py`` crawl this site and compare the archive with ``FaultSite.expected``.

The site is ``crawler.sitegen``'s synthetic site plus a ``/fault/`` section whose index links
one URL per fault; a few faults sit on real article URLs (a 503 that clears, a charset
header that lies, a page cut off, a later page that fails), and robots.txt closes a whole
category. A second server on 127.0.0.2 is the "other site" a redirect points to: it must
never be asked for anything.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.serve import ReplayServer, _Handler
from crawler.sitegen import generate_site

__all__ = ["CRAWL_SETTINGS", "FAULTS", "Fault", "FaultServer", "FaultSite", "SlowServer"]

ROBOTS = b"User-agent: *\nDisallow: /member/\nDisallow: /lunwen/\n"
BLOCKED_SECTION = "/lunwen/"
HUGE_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 64 * 1024 * 1024  # inflated size of the gzip bomb: past any sane DOWNLOAD_MAXSIZE
SLOW_SECONDS = 4.0
_CHUNK = 64 * 1024

# Crawl settings that keep a fault crawl to seconds: short timeout, one retry, small limits.
CRAWL_SETTINGS: dict[str, str] = {
    "DOWNLOAD_TIMEOUT": "1",
    "RETRY_TIMES": "1",
    "RETRY_AFTER_MAX": "2",
    "DOWNLOAD_MAXSIZE": str(1024 * 1024),
    "DOWNLOAD_WARNSIZE": str(256 * 1024),
    "REDIRECT_MAX_TIMES": "5",
    "LOG_LEVEL": "INFO",
}


@dataclass(frozen=True)
class Fault:
    """One injected fault: where it is served, and how the crawl must end up with it.

    ``stage`` is the failure stage the archive must record for ``failure_path`` (None: no
    failure, the crawl copes); ``reason`` a fragment the recorded reason must contain;
    ``retried`` whether the request is retried (RETRY_TIMES more requests), else fetched once.
    """

    name: str
    kind: str
    path: str
    stage: str | None
    reason: str
    retried: bool = False
    article: str | None = None  # the article (first page) this fault sits on, if any
    incomplete: bool = False  # whether that article ends up archived as incomplete

    @property
    def recorded_at(self) -> str:
        """Where the failure is recorded: the URL the crawl asked for."""
        return self.path


# Faults on their own URLs, linked from /fault/. Article faults get their paths at build time.
FAULTS: list[Fault] = [
    Fault("HTTP 500", "status500", "/fault/500.html", "fetch", "HTTP 500", retried=True),
    Fault(
        "HTTP 429, Retry-After past the cap", "status429", "/fault/429.html", "fetch", "HTTP 429"
    ),
    Fault(
        "slower than the timeout", "slow", "/fault/slow.html", "fetch", "timed out", retried=True
    ),
    Fault("connection reset", "reset", "/fault/reset.html", "fetch", "connection", retried=True),
    Fault(
        "body shorter than Content-Length",
        "short",
        "/fault/short.html",
        "fetch",
        "shorter than its Content-Length",
        retried=True,
    ),
    Fault("gzip bomb", "bomb", "/fault/bomb.html", "fetch", "DOWNLOAD_MAXSIZE"),
    Fault("50 MB page, Content-Length", "huge", "/fault/huge.html", "fetch", "DOWNLOAD_MAXSIZE"),
    Fault(
        "50 MB page, chunked",
        "huge_chunked",
        "/fault/huge-chunked.html",
        "fetch",
        "DOWNLOAD_MAXSIZE",
    ),
    Fault("redirect loop", "loop", "/fault/loop-a.html", "fetch", "redirect loop"),
    Fault("endless redirects", "endless", "/fault/endless.html", "fetch", "too many redirects"),
    Fault("redirect off the site", "offsite", "/fault/offsite.html", "fetch", "off the site"),
    Fault("redirect to file:", "to_file", "/fault/to-file.html", "fetch", "file:///etc/passwd"),
    Fault("redirect to ftp:", "to_ftp", "/fault/to-ftp.html", "fetch", "ftp://"),
    Fault("binary bytes as text/html", "binary", "/fault/binary.html", "decode", "binary"),
    Fault("empty 200", "empty", "/fault/empty.html", "decode", "empty"),
    Fault("javascript:, mailto:, file: links", "links", "/fault/links.html", None, ""),
]


@dataclass
class FaultSite:
    """The generated site, the faults it serves, and what an archive of it must hold."""

    root: Path
    faults: list[Fault]
    articles: list[str]  # every article path of the generated site

    @classmethod
    def build(cls, root: Path, articles: int = 25) -> FaultSite:
        generate_site(root, articles, per_list_page=4, multipage_every=6)
        records = [
            json.loads(line)
            for line in (root / "expected.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        paths = [record["url"] for record in records]
        multi = next(r for r in records if len(r["pages"]) > 2)
        open_ = [p for p in paths if not p.startswith(BLOCKED_SECTION) and p != multi["url"]]
        retry_after, lying, cut = open_[0], open_[1], open_[2]
        faults = [
            *FAULTS,
            Fault(
                "503 with Retry-After, then 200",
                "retry_after",
                retry_after,
                None,
                "",
                article=retry_after,
            ),
            Fault("charset header that lies", "lying_charset", lying, None, "", article=lying),
            Fault(
                "HTML cut off midway",
                "cut_off",
                cut,
                "extract",
                "cut off",
                article=cut,
                incomplete=True,
            ),
            Fault(
                "HTTP 500 on a later page",
                "status500",
                multi["pages"][1],
                "fetch",
                "HTTP 500",
                retried=True,
                article=multi["url"],
                incomplete=True,
            ),
            Fault("robots.txt closes a section", "robots", "/robots.txt", None, ""),
        ]
        return cls(root, faults, paths)

    def only(self, fault: Fault) -> FaultSite:
        """The same site serving one fault alone."""
        return replace(self, faults=[fault])

    @property
    def routes(self) -> dict[str, Fault]:
        routes = {fault.path: fault for fault in self.faults}
        if "/fault/loop-a.html" in routes:
            routes["/fault/loop-b.html"] = routes["/fault/loop-a.html"]
        return routes

    @property
    def blocked(self) -> list[str]:
        """Article paths robots.txt closes: never fetched, never archived."""
        if not any(fault.kind == "robots" for fault in self.faults):
            return []
        return [path for path in self.articles if path.startswith(BLOCKED_SECTION)]

    @property
    def incomplete(self) -> list[str]:
        """Article paths archived once, marked incomplete."""
        return [f.article for f in self.faults if f.incomplete and f.article]

    @property
    def good(self) -> list[str]:
        """Article paths archived once, complete."""
        spoiled = {*self.blocked, *self.incomplete}
        return [path for path in self.articles if path not in spoiled]


def _gzip_bomb(size: int) -> bytes:
    """A small gzip body that inflates to ``size`` bytes, built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<p>" + b"0" * (_CHUNK - 7) + b"</p>"
    parts = [packer.compress(b"<html><body>")]
    parts += [packer.compress(block) for _ in range(size // len(block))]
    parts.append(packer.flush())
    return b"".join(parts)


class _FaultHandler(_Handler):
    """Answers the fault routes its own way; everything else as the replay server does."""

    server: Any

    def do_GET(self) -> None:
        faults: FaultServer = self.server.replay
        path = urlsplit(self.path).path or "/"
        if faults.delay:
            faults.stopping.wait(faults.delay)
        fault = faults.routes.get(path)
        if fault is None:
            self._answer(head=False)
            return
        faults.note_time(path)
        if fault.kind != "retry_after":  # that one logs itself, or _answer logs it
            faults._record(self.command, self.path, path, dict(self.headers.items()))
        answer: Callable[[_FaultHandler, str], None] = getattr(_FaultHandler, f"_{fault.kind}")
        try:
            answer(self, path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the crawler gave up on us, as it should

    # -- fault answers -----------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **extra: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect_to(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _status500(self, path: str) -> None:
        self._send(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>")

    def _status429(self, path: str) -> None:
        self._send(429, b"<html><body>slow down</body></html>", Retry_After="3600")

    def _retry_after(self, path: str) -> None:
        replay: FaultServer = self.server.replay
        if len(replay.times(path)) == 1:
            replay._record(self.command, self.path, path, dict(self.headers.items()))
            self._send(503, b"<html><body>busy</body></html>", Retry_After="1")
        else:
            self._answer(head=False)

    def _slow(self, path: str) -> None:
        self.server.replay.stopping.wait(SLOW_SECONDS)
        self._send(200, b"<html><head><title>late</title></head><body>too late</body></html>")

    def _reset(self, path: str) -> None:
        # SO_LINGER 0: close() sends a RST instead of a FIN, before any byte of an answer.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _short(self, path: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "20000")
        self.end_headers()
        self.wfile.write(b"<html><head><title>short</title></head><body>" + b"x" * 1000)
        self.close_connection = True

    def _bomb(self, path: str) -> None:
        body = self.server.replay.bomb
        self._send(200, body, "text/html; charset=utf-8", Content_Encoding="gzip")

    def _huge(self, path: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        self._stream(path, HUGE_BYTES, chunked=False)

    def _huge_chunked(self, path: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._stream(path, HUGE_BYTES, chunked=True)
        self.wfile.write(b"0\r\n\r\n")

    def _stream(self, path: str, total: int, *, chunked: bool) -> None:
        """Write ``total`` bytes of filler a block at a time; count what went out."""
        block = (b"<p>" + b"filler " * (_CHUNK // 7))[:_CHUNK]
        replay: FaultServer = self.server.replay
        sent = 0
        while sent < total and not replay.stopping.is_set():
            piece = block[: total - sent]
            if chunked:
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            else:
                self.wfile.write(piece)
            sent += len(piece)
            replay.add_sent(path, len(piece))

    def _loop(self, path: str) -> None:
        self._redirect_to(
            "/fault/loop-b.html" if path.endswith("-a.html") else "/fault/loop-a.html"
        )

    def _endless(self, path: str) -> None:
        query = urlsplit(self.path).query
        step = int(query.removeprefix("n=")) + 1 if query.startswith("n=") else 1
        self._redirect_to(f"/fault/endless.html?n={step}")

    def _offsite(self, path: str) -> None:
        self._redirect_to(f"{self.server.replay.other_site}/trap.html")

    def _to_file(self, path: str) -> None:
        self._redirect_to("file:///etc/passwd")

    def _to_ftp(self, path: str) -> None:
        self._redirect_to("ftp://127.0.0.1/pub/report.doc")

    def _binary(self, path: str) -> None:
        self._send(200, random.Random(6).randbytes(4096), "text/html")

    def _empty(self, path: str) -> None:
        self._send(200, b"", "text/html")

    def _links(self, path: str) -> None:
        other = self.server.replay.other_site
        links = [
            "javascript:void(0)",
            "javascript:location.href='/fault/js-target.html'",
            "mailto:editor@example.cn",
            "file:///etc/passwd",
            "tel:+861012345678",
            "data:text/html,<h1>x</h1>",
            "http://169.254.169.254/latest/meta-data/",
            f"{other}/elsewhere.html",
        ]
        items = "".join(f'<li><a href="{href}">link {n}</a></li>' for n, href in enumerate(links))
        body = f"<html><head><title>links</title></head><body><ul>{items}</ul></body></html>"
        self._send(200, body.encode())

    def _lying_charset(self, path: str) -> None:
        found = self.server.replay._resolve(path)
        data = found[0].read_bytes()  # GBK bytes, served as UTF-8
        self._send(200, data, "text/html; charset=utf-8")

    def _cut_off(self, path: str) -> None:
        found = self.server.replay._resolve(path)
        data = found[0].read_bytes()
        self._send(200, data[: len(data) * 11 // 20], "text/html; charset=gbk")

    def _robots(self, path: str) -> None:
        self._send(200, ROBOTS, "text/plain")


class FaultServer(ReplayServer):
    """Serve a FaultSite on 127.0.0.1, with a second, never-to-be-visited site on 127.0.0.2.

    ``delay`` slows every answer (to catch a crawl midway); ``sent(path)`` says how many
    body bytes a streamed page wrote before the crawler hung up; ``times(path)`` when each
    request for a path came.
    """

    handler = _FaultHandler

    def __init__(self, site: FaultSite, *, delay: float = 0.0) -> None:
        super().__init__(site.root)
        self.plan = site
        self.delay = delay
        self.stopping = threading.Event()
        self.bomb = _gzip_bomb(BOMB_BYTES)
        self._sent: dict[str, int] = defaultdict(int)
        self._times: dict[str, list[float]] = defaultdict(list)
        self.routes = site.routes
        self.other = ReplayServer(site.root, host="127.0.0.2")
        self.other_site = self.other.url
        self._index = self._write_index()

    def start(self) -> FaultServer:
        self.other.start()
        super().start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        super().stop()
        self.other.stop()

    @property
    def start_urls(self) -> list[str]:
        return [self.url + "/", self.url + "/fault/"]

    def note_time(self, path: str) -> None:
        with self._lock:
            self._times[path].append(time.monotonic())

    def times(self, path: str) -> list[float]:
        with self._lock:
            return list(self._times[path])

    def add_sent(self, path: str, count: int) -> None:
        with self._lock:
            self._sent[path] += count

    def sent(self, path: str) -> int:
        with self._lock:
            return self._sent[path]

    def _resolve(self, url_path: str) -> tuple[Path, str] | str | int:
        if url_path in ("/fault/", "/fault/index.html"):
            return self._index, "/fault/index.html"
        return super()._resolve(url_path)

    def _write_index(self) -> Path:
        """The /fault/ page: a plain list of links, one per fault with its own URL."""
        items = "".join(
            f'<li><a href="{f.path}">{f.name}</a></li>'
            for f in self.plan.faults
            if f.path.startswith("/fault/")
        )
        index = self.root / "fault-index.html"
        page = f"<html><head><title>faults</title></head><body><ul>{items}</ul></body></html>"
        index.write_text(page, encoding="utf-8")
        return index


class _SlowHandler(_Handler):
    def do_GET(self) -> None:
        replay: SlowServer = self.server.replay  # type: ignore[assignment]
        if replay.delay:
            replay.stopping.wait(replay.delay)
        self._answer(head=False)


class SlowServer(ReplayServer):
    """A replay server that answers every request ``delay`` seconds late (settable live),
    so that a test can catch a crawl midway and kill it."""

    handler = _SlowHandler

    def __init__(self, root: Path, delay: float = 0.0) -> None:
        super().__init__(root)
        self.delay = delay
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()
        super().stop()
