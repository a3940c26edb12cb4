"""A static replay server for saved report-site mirrors (the demo site, synthetic sites).

Why it exists: the demo crawl, the integration tests and the throughput benchmarks need a
real HTTP server that answers exactly like the saved site did (the same bytes, the same
Content-Type, charset lies included) without touching the network. It is stdlib only so
that it runs anywhere the project runs, and it binds to the loopback interface only,
because the pages belong to their sites and are not ours to publish.

Layout of a replay root (DESIGN.md, ``data/demo-site``)::

    ROOT/site/**         the saved bytes, one file per URL path ("/" and "dir/" -> index.html);
                         a file named path?query answers that query (ShowInfo.php?id=8&page=1),
                         any other query is answered by the file of the path alone
    ROOT/headers.json    optional: {"/url/path.html": {"Header": "value", ...}, ...}

When ROOT has no ``site/`` folder, ROOT itself is served (and its ``headers.json``, if any,
is read but never served). Headers from ``headers.json`` override the defaults: a
Content-Type guessed from the extension (plain ``text/html`` for HTML, no charset, so
that a crawler must sniff the meta tag as it would on a careless real server), a
Last-Modified from the file's mtime and an ETag from a hash of the bytes. Conditional
requests (If-None-Match, If-Modified-Since) get a 304, so that a refresh crawl can be
tested; every request is logged and counted per path, so that tests can check politeness
(robots.txt honoured, no page fetched twice).
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import mimetypes
import socket
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["ReplayServer", "serve"]

HEADERS_FILE = "headers.json"
SITE_DIR = "site"
INDEX = "index.html"

# Extensions the stdlib may not know, or guesses differently across platforms.
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    # Dynamic pages saved as files (ShowInfo.php, view.php, show.asp …) are HTML pages.
    ".php": "text/html",
    ".asp": "text/html",
    ".aspx": "text/html",
    ".jsp": "text/html",
}

RequestRecord = tuple[str, str, dict[str, str]]


def _load_headers(path: Path) -> dict[str, dict[str, str]]:
    """Read headers.json; a malformed file is a clear error naming it, not a traceback."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read saved headers: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str)
        and isinstance(v, dict)
        and all(isinstance(hk, str) and isinstance(hv, str) for hk, hv in v.items())
        for k, v in data.items()
    ):
        raise ValueError(f"{path}: expected an object of URL path -> {{header: value}}")
    return {("/" + key.lstrip("/")): dict(value) for key, value in data.items()}


def _check_loopback(host: str) -> None:
    """Refuse any non-loopback address: a replay of other people's pages stays local."""
    if host == "localhost":
        return
    try:
        address = ipaddress.ip_address(host)
    except ValueError as exc:
        raise ValueError(f"replay server host {host!r} is not a loopback IP address") from exc
    if not address.is_loopback:
        raise ValueError(f"replay server host {host!r} is not a loopback address")


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that remembers its open connections so stop() can cut them."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a crawler opens many connections at once; 5 drops SYNs

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        replay: ReplayServer,
        family: socket.AddressFamily,
    ) -> None:
        self.address_family = family
        self.replay = replay
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut kept-alive connections, or their handler threads would outlive stop()."""
        with self._conn_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from the replay root; everything else is 501 (stdlib default)."""

    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy expects from a real site
    server_version = "report-archiver-replay"
    sys_version = ""
    timeout = 30  # an idle kept-alive connection is dropped after this many seconds

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.replay.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _answer(self, *, head: bool) -> None:
        replay = self.server.replay
        parts = urlsplit(self.path)
        url_path = parts.path or "/"
        replay._record(self.command, self.path, url_path, dict(self.headers.items()))
        # A page saved under its path and query ("ShowInfo.php?id=88&page=1") answers that
        # query; any other query gets the page saved under the path alone.
        found = replay._resolve(f"{url_path}?{parts.query}") if parts.query else None
        if not isinstance(found, tuple):
            found = replay._resolve(url_path)
        if isinstance(found, int):
            self._send_status(found, head=head)
            return
        if isinstance(found, str):  # a directory without its trailing slash
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file_path, key = found
        try:
            data = file_path.read_bytes()
            mtime = file_path.stat().st_mtime
        except OSError:
            self._send_status(HTTPStatus.NOT_FOUND, head=head)
            return
        headers = replay._headers_for(key, url_path, file_path, data, mtime)
        if self._not_modified(headers):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name in ("ETag", "Last-Modified", "Cache-Control", "Expires"):
                if name in headers:
                    self.send_header(name, headers[name])
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _not_modified(self, headers: Mapping[str, str]) -> bool:
        """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only when it is absent."""
        if_none_match = self.headers.get("If-None-Match")
        etag = headers.get("ETag")
        if if_none_match is not None:
            if etag is None:
                return False
            tags = [t.strip() for t in if_none_match.split(",")]
            weak = etag.removeprefix("W/")
            return "*" in tags or any(t.removeprefix("W/") == weak for t in tags)
        since = self.headers.get("If-Modified-Since")
        modified = headers.get("Last-Modified")
        if since is None or modified is None:
            return False
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False  # an unparsable date is ignored, as the RFC says

    def _send_status(self, status: int, *, head: bool) -> None:
        phrase = HTTPStatus(status).phrase
        body = (
            f"<html><head><title>{status} {phrase}</title></head>"
            f"<body><h1>{status} {phrase}</h1></body></html>\n"
        ).encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class ReplayServer:
    """Serve a saved site over real HTTP on 127.0.0.1, logging and counting every request.

    The socket is bound in the constructor (port 0 picks a free port), so ``.url`` is known
    before ``start()``; use it as a context manager so that the socket is always closed::

        with ReplayServer(Path("data/demo-site")) as server:
            fetch(server.url + "/xindetihui/")
            assert server.count("/robots.txt") == 1
    """

    handler: type[BaseHTTPRequestHandler] = _Handler  # subclasses may answer some paths otherwise

    def __init__(self, root: Path, port: int = 0, host: str = "127.0.0.1") -> None:
        root = Path(root)
        if not root.is_dir():
            raise ValueError(f"replay root {str(root)!r} does not exist or is not a directory")
        _check_loopback(host)
        self.root = root
        self.site = (root / SITE_DIR) if (root / SITE_DIR).is_dir() else root
        self._site_resolved = self.site.resolve()
        self._headers_file = (root / HEADERS_FILE).resolve()
        self.saved_headers = _load_headers(root / HEADERS_FILE)
        self.verbose = False
        self.requests: list[RequestRecord] = []
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._etags: dict[tuple[str, int, float], str] = {}
        self._thread: threading.Thread | None = None
        self._serving = False
        bind_host = "127.0.0.1" if host == "localhost" else host
        family = socket.AF_INET6 if ":" in bind_host else socket.AF_INET
        self._httpd = _Server((bind_host, port), self.handler, self, family)
        self.host = bind_host
        self.port: int = self._httpd.server_address[1]

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:8123``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> ReplayServer:
        """Serve from a daemon thread; returns self, so ``ReplayServer(p).start()`` works."""
        if self._thread is None:
            self._serving = True  # before the thread runs, so an early stop() still stops it
            self._thread = threading.Thread(
                target=self.serve_forever,
                name=f"replay-server-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread until ``stop()`` (from another thread) or Ctrl-C."""
        self._serving = True
        try:
            self._httpd.serve_forever(poll_interval=0.1)
        finally:
            self._serving = False

    def stop(self) -> None:
        """Stop serving, cut open connections and release the port; safe to call twice."""
        if self._serving:
            # shutdown() waits for the loop to end; never call it when no loop runs
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.close_connections()
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- request log -------------------------------------------------------------------

    def count(self, path: str) -> int:
        """How many requests (any method) asked for this URL path (query string ignored)."""
        with self._lock:
            return self._counts[urlsplit(path).path or "/"]

    @property
    def counts(self) -> dict[str, int]:
        """A snapshot of the per-path request counter."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        """Forget the request log and counters (between phases of a test)."""
        with self._lock:
            self.requests.clear()
            self._counts.clear()

    def _record(self, method: str, target: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((method, target, headers))
            self._counts[path] += 1

    # -- files and headers -------------------------------------------------------------

    def _resolve(self, url_path: str) -> tuple[Path, str] | str | int:
        """Map a URL path to (file, headers key), a redirect target, or an error status.

        The decoded path is resolved (symlinks and ``..`` included) and must stay inside
        the site folder; anything else is 403, so no request can read outside the root.
        """
        try:
            decoded = unquote(url_path, errors="strict")
        except UnicodeDecodeError:
            return HTTPStatus.NOT_FOUND  # not UTF-8 once decoded: no file can have that name
        if "\x00" in decoded or "\\" in decoded or not decoded.startswith("/"):
            return HTTPStatus.BAD_REQUEST
        relative = decoded.lstrip("/")
        try:
            target = (self.site / relative).resolve()
        except (OSError, ValueError):
            return HTTPStatus.BAD_REQUEST
        if target != self._site_resolved and not target.is_relative_to(self._site_resolved):
            return HTTPStatus.FORBIDDEN
        if target == self._headers_file:
            return HTTPStatus.NOT_FOUND  # served from the root itself: keep the metadata out
        if target.is_dir():
            if not decoded.endswith("/"):
                return url_path + "/"
            target = target / INDEX
            decoded += INDEX
        if not target.is_file():
            return HTTPStatus.NOT_FOUND
        return target, decoded

    def _headers_for(
        self, key: str, url_path: str, file_path: Path, data: bytes, mtime: float
    ) -> dict[str, str]:
        """Defaults (type by extension, Last-Modified, ETag), then the saved headers."""
        name = file_path.name.split("?", 1)[0]  # a saved query is no extension
        ctype = _TYPES.get(Path(name).suffix.lower()) or (
            mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        stamp = (str(file_path), len(data), mtime)
        with self._lock:
            etag = self._etags.get(stamp)
        if etag is None:
            etag = '"' + hashlib.sha1(data, usedforsecurity=False).hexdigest()[:20] + '"'
            with self._lock:
                self._etags[stamp] = etag
        headers = {
            "Content-Type": ctype,
            "Last-Modified": format_datetime(datetime.fromtimestamp(mtime, UTC), usegmt=True),
            "ETag": etag,
        }
        saved = self.saved_headers.get(key) or self.saved_headers.get(url_path) or {}
        lower = {name.lower(): name for name in headers}
        for name, value in saved.items():
            if name.lower() in ("content-length", "transfer-encoding", "connection"):
                continue  # framing is ours to set: the bytes are served whole
            headers.pop(lower.get(name.lower(), name), None)
            headers[name] = value
        return headers


def serve(root: Path, port: int) -> None:
    """Serve ``root`` on 127.0.0.1:port until Ctrl-C (``report-archiver serve DIR``)."""
    server = ReplayServer(Path(root), port=port)
    server.verbose = True
    print(f"Serving {server.site} at {server.url}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.stop()
