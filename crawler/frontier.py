"""A crawl frontier shared through Redis, so that several workers on several machines share one crawl.

scrapy-redis keeps the request queue (a sorted set, by priority) and the duplicate filter (a
set of fingerprints) in Redis; this module names the keys of one crawl, stores what the
workers need to join it (start URLs, site profile, refresh, page limit) in a hash beside
them, and turns a ``redis://`` URL into the Scrapy settings that switch a crawl over to
``crawler.frontier_scheduler.FrontierScheduler``. Without ``--frontier`` none of this is
imported and nothing needs Redis.

Keys of a crawl NAME, all under ``report-archiver:NAME:``::

    config              hash: start_urls (JSON list), site, refresh, max_pages
    requests            sorted set: the shared queue (scrapy-redis PriorityQueue)
    dupefilter          set: fingerprints of every request ever queued (RFPDupeFilter)
    seeding             key, while the seeding crawl has not queued its start requests yet
    workers             set: names of the workers that joined
    processing:WORKER   sorted set: requests WORKER took and has not finished (and committed)
    alive:WORKER        key with a time-to-live, renewed while WORKER runs

plus ``report-archiver:crawls``, the set of crawl names, so that a worker started with just
``--frontier`` and ``--db`` finds the crawl to join.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

NAMESPACE = "report-archiver"
CRAWLS_KEY = f"{NAMESPACE}:crawls"

# Request meta: keep this request in this worker's memory, never in Redis (an article's
# continuation pages: their cb_kwargs hold the pages stitched so far).
STAY_LOCAL = "stay_local"
# Request meta: the number of the Redis request this one descends from, in this worker.
CLAIM = "frontier_claim"

_NAME = re.compile(r"[^A-Za-z0-9._:-]+")


class FrontierError(Exception):
    """The frontier cannot be used: bad URL, Redis unreachable, no or several crawls."""


@dataclass(frozen=True)
class CrawlConfig:
    """What a worker needs to run the same spider as the seeding crawl."""

    name: str
    start_urls: tuple[str, ...]
    site: str | None = None
    refresh: bool = False
    max_pages: int | None = None

    def to_hash(self) -> dict[str, str]:
        return {
            "start_urls": json.dumps(list(self.start_urls)),
            "site": self.site or "",
            "refresh": "1" if self.refresh else "0",
            "max_pages": str(self.max_pages or ""),
        }

    @classmethod
    def from_hash(cls, name: str, data: Mapping[str, str]) -> CrawlConfig:
        return cls(
            name=name,
            start_urls=tuple(json.loads(data.get("start_urls") or "[]")),
            site=data.get("site") or None,
            refresh=data.get("refresh") == "1",
            max_pages=int(data["max_pages"]) if data.get("max_pages") else None,
        )


def crawl_name(start_urls: list[str] | tuple[str, ...], site: str | None) -> str:
    """The default name of a crawl: its site profile, else the first start URL's host:port."""
    if site:
        raw = site.rsplit("/", 1)[-1].removesuffix(".toml")
    else:
        raw = urlsplit(start_urls[0]).netloc if start_urls else "crawl"
    return checked_name(raw)


def checked_name(name: str) -> str:
    cleaned = _NAME.sub("-", name.strip()).strip("-")
    if not cleaned:
        raise FrontierError(f"{name!r}: not a usable crawl name")
    return cleaned


def key(crawl: str, *parts: str) -> str:
    return ":".join((NAMESPACE, crawl, *parts))


def frontier_url(value: str | None) -> str:
    """The Redis URL given, checked for its form; FrontierError names it."""
    url = (value or "").strip()
    if not url:
        raise FrontierError("no frontier: give --frontier redis://HOST:PORT/N or set REDIS_URL")
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise FrontierError(f"{url}: not a Redis URL (redis://HOST:PORT/N)")
    try:
        _ = parts.port
    except ValueError:
        raise FrontierError(f"{url}: bad port") from None
    return url


def connect(url: str) -> Any:
    """A Redis client for the URL, checked with a PING; FrontierError names the URL."""
    try:
        import redis
    except ImportError:
        raise FrontierError(
            "--frontier needs the redis extra: pip install 'report-archiver[redis]'"
        ) from None
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        server.ping()
    except (redis.RedisError, ValueError) as error:
        raise FrontierError(f"{url}: cannot reach Redis ({error})") from None
    return server


def frontier_settings(
    url: str, crawl: str, *, worker: str, idle_exit: float | None, seeding: bool = False
) -> dict[str, Any]:
    """Scrapy settings putting a crawl's queue and duplicate filter in Redis (scrapy-redis)."""
    return {
        "SCHEDULER": "crawler.frontier_scheduler.FrontierScheduler",
        "DUPEFILTER_CLASS": "crawler.frontier_scheduler.KnownRedisDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # JSON, not scrapy-redis's default pickle: a queued request must never run code.
        "SCHEDULER_SERIALIZER": "crawler.frontier_codec",
        "SCHEDULER_QUEUE_KEY": key(crawl, "requests"),
        "SCHEDULER_DUPEFILTER_KEY": key(crawl, "dupefilter"),
        # The queue outlives every worker: it is the crawl's, not one process's.
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": url,
        "FRONTIER_CRAWL": crawl,
        "FRONTIER_IDLE_EXIT": idle_exit,
        # The seeding crawl lifts the seeding mark once its start requests are queued.
        "SPIDER_MIDDLEWARES": (
            {"crawler.frontier_scheduler.SeedingMiddleware": 900} if seeding else {}
        ),
        "ARCHIVE_WORKER": worker,
    }


# How long a seeding crawl may take to queue its start requests before workers stop waiting.
SEEDING_SECONDS = 300


def is_empty(server: Any, crawl: str) -> bool:
    """No request queued or about to be seeded, none taken and unfinished by any worker."""
    if server.exists(key(crawl, "seeding")) or server.zcard(key(crawl, "requests")):
        return False
    workers = server.smembers(key(crawl, "workers"))
    return not any(server.zcard(key(crawl, "processing", _text(w))) for w in workers)


def seed(server: Any, config: CrawlConfig) -> bool:
    """Publish a crawl's configuration; True when a finished frontier was reset for it.

    A crawl whose frontier still holds work is joined (its queue and duplicate filter are
    kept); one that finished is started afresh, since its duplicate filter would otherwise
    hide every page of the repeat crawl.
    """
    reset = False
    if server.exists(key(config.name, "config")) and is_empty(server, config.name):
        server.delete(key(config.name, "dupefilter"), key(config.name, "requests"))
        reset = True
    with server.pipeline() as pipe:
        pipe.hset(key(config.name, "config"), mapping=config.to_hash())
        pipe.set(key(config.name, "seeding"), "1", ex=SEEDING_SECONDS)
        pipe.sadd(CRAWLS_KEY, config.name)
        pipe.execute()
    return reset


def find_crawl(server: Any, name: str | None, wait: float | None) -> CrawlConfig:
    """The configuration of the crawl to join: NAME, else the only one registered.

    Waits up to ``wait`` seconds (None: for ever) for a crawl to be seeded.
    """
    deadline = None if wait is None else time.monotonic() + wait
    while True:
        names = sorted(_text(n) for n in server.smembers(CRAWLS_KEY))
        if name is not None:
            names = [n for n in names if n == name]
        if len(names) > 1:
            raise FrontierError(
                f"several crawls on this frontier ({', '.join(names)}): choose one with --crawl"
            )
        if names:
            data = {_text(k): _text(v) for k, v in server.hgetall(key(names[0], "config")).items()}
            if data:
                return CrawlConfig.from_hash(names[0], data)
        if deadline is not None and time.monotonic() >= deadline:
            what = f"crawl {name!r}" if name else "crawl"
            raise FrontierError(
                f"no {what} seeded on this frontier (run `report-archiver crawl --frontier …`)"
            )
        time.sleep(0.5)


def local_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Meta for a request that must stay with this worker: marked, and tied to its origin."""
    carried = {CLAIM: meta[CLAIM]} if CLAIM in meta else {}
    return {STAY_LOCAL: True, **carried}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
