"""FrontierScheduler: scrapy-redis's scheduler, made safe for stitching and for killed workers.

Adapter for Scrapy 2.19: scrapy-redis 0.9 waits for work through its RedisSpider's
``start_requests``/``next_requests`` on spider_idle, a start path Scrapy 2.13+ no longer
drives. Here the spider keeps its async ``start()`` (its requests go through this scheduler
into Redis, where the shared duplicate filter drops those another worker already queued),
and this scheduler pops from Redis itself; on spider_idle it keeps the spider open
(DontCloseSpider) until the frontier has been empty for FRONTIER_IDLE_EXIT seconds (never,
when unset), and a starved worker wakes its engine five times a second to look for work.
In the seeding crawl, SeedingMiddleware says when start() has queued everything.

Two additions to scrapy-redis's Scheduler:

- Requests marked ``meta["stay_local"]`` (an article's continuation pages, whose cb_kwargs
  hold the pages stitched so far and cannot be serialised) go to an in-memory priority
  queue served before Redis, so the worker that took an article's first page fetches and
  stitches the rest.
- A request popped from Redis moves atomically into this worker's ``processing`` set (a Lua
  script), and leaves it only once it, everything it spawned locally (continuations,
  retries, redirects) and the archive batch holding their writes are done and committed.
  The tick renews this worker's ``alive`` key; a worker whose key expired (killed, machine
  lost) has its processing set put back in the queue by whichever worker notices first.
  So a killed worker costs re-fetches, never a lost page; re-saving an article is an upsert.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.archive import ArchiveError
from crawler.frontier import CLAIM, STAY_LOCAL, key
from pipelines.store import archive_of

log = logging.getLogger(__name__)

# Take the best request off the queue and into the worker's processing set, in one step.
_CLAIM = """
local best = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #best == 0 then return false end
redis.call('ZREM', KEYS[1], best[1])
redis.call('ZADD', KEYS[2], best[2], best[1])
return best
"""
# Put a dead worker's unfinished requests back in the queue (once: its set is deleted).
_REQUEUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local taken = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #taken, 2 do redis.call('ZADD', KEYS[3], taken[i + 1], taken[i]) end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return #taken / 2
"""


class SeedingMiddleware:
    """In the seeding crawl: once the spider's start() is exhausted (its requests are in
    Redis), lift the crawl's seeding mark, which keeps workers from leaving before then."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedingMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield request
        settings = self.crawler.settings
        server = get_redis_from_settings(settings)
        server.delete(key(settings.get("FRONTIER_CRAWL") or "crawl", "seeding"))


class KnownRedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter, minus the round trip for fingerprints this worker
    already sent: a report site links its home and category pages from every page, so most
    links are ones the worker has seen, and Redis only ever gains fingerprints."""

    MAX_KNOWN = 1_000_000  # about 120 MB of hex fingerprints; then start afresh

    def __init__(self, server: Any, key: str, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self._known: set[str] = set()

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.request_fingerprint(request)
        if fingerprint in self._known:
            return True
        if len(self._known) >= self.MAX_KNOWN:
            self._known.clear()
        self._known.add(fingerprint)
        return bool(self.server.sadd(self.key, fingerprint) == 0)


@dataclass
class _Claim:
    """A request taken from Redis, and the local requests it has spawned since."""

    member: bytes  # as stored in Redis, to remove or requeue it
    score: float
    requests: list[Request] = field(default_factory=list)


class FrontierScheduler(Scheduler):
    """scrapy-redis Scheduler with a local queue for stay-local requests and crash recovery."""

    def __init__(self, server: Any, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.crawler: Crawler | None = None
        self.crawl = ""
        self.worker = ""
        self.idle_exit: float | None = None
        self.lease = 15.0
        self._local: list[tuple[int, int, Request]] = []
        self._order = itertools.count()
        self._claims: dict[int, _Claim] = {}
        self._claim_ids = itertools.count(1)
        self._starved = False
        self._empty_since: float | None = None
        self._tick: task.LoopingCall | None = None
        self._poll: task.LoopingCall | None = None
        self._claim_script = server.register_script(_CLAIM)
        self._requeue_script = server.register_script(_REQUEUE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        settings = crawler.settings
        scheduler: FrontierScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.crawl = settings.get("FRONTIER_CRAWL") or "crawl"
        scheduler.worker = str(settings.get("ARCHIVE_WORKER"))
        idle_exit = settings.get("FRONTIER_IDLE_EXIT")
        scheduler.idle_exit = None if idle_exit in (None, "") else float(idle_exit)
        scheduler.lease = settings.getfloat("FRONTIER_LEASE_SECONDS", 15.0)
        crawler.signals.connect(scheduler._on_idle, signal=signals.spider_idle)
        return scheduler

    # -- keys --------------------------------------------------------------------------

    def _key(self, *parts: str) -> str:
        return key(self.crawl, *parts)

    @property
    def _processing(self) -> str:
        return self._key("processing", self.worker)

    @property
    def _alive(self) -> str:
        return self._key("alive", self.worker)

    # -- Scrapy's scheduler interface ------------------------------------------------------

    def open(self, spider: Spider) -> None:
        super().open(spider)
        with self.server.pipeline() as pipe:
            pipe.set(self._alive, "1", px=int(self.lease * 1000))
            pipe.sadd(self._key("workers"), self.worker)
            pipe.execute()
        self._tick = task.LoopingCall(self._on_tick)
        self._tick.start(1.0, now=False)
        # A worker that found the queue empty asks again soon: the busy ones re-ask at once
        # after each page, and would otherwise take every new link first.
        self._poll = task.LoopingCall(self._on_poll)
        self._poll.start(0.2, now=False)

    def close(self, reason: str) -> None:
        """Release what is done, requeue what is not (the spider is closed: all in memory
        that remains is the local queue), and leave the crawl."""
        for loop in (self._tick, self._poll):
            if loop is not None and loop.running:
                loop.stop()
        unfinished = {id(r) for _, _, r in self._local}
        with self.server.pipeline() as pipe:
            for claim in self._claims.values():
                if any(id(r) in unfinished for r in claim.requests):
                    pipe.zadd(self.queue.key, {claim.member: claim.score})
                pipe.zrem(self._processing, claim.member)
            pipe.srem(self._key("workers"), self.worker)
            pipe.delete(self._alive)
            pipe.execute()
        self._claims.clear()
        self._local.clear()
        super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        claim = self._claims.get(request.meta.get(CLAIM, 0))
        if claim is not None or request.meta.get(STAY_LOCAL):
            if claim is not None:
                claim.requests.append(request)
            heapq.heappush(self._local, (-request.priority, next(self._order), request))
            self._inc("scheduler/enqueued/local")
            return True
        self.queue.push(request)
        self._inc("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self._local:
            self._inc("scheduler/dequeued/local")
            return heapq.heappop(self._local)[2]
        taken = self._claim_script(keys=[self.queue.key, self._processing])
        if not taken:
            self._starved = True
            self._inc("frontier/empty_pops")
            return None
        member, score = taken[0], float(taken[1])
        try:
            request: Request = self.queue._decode_request(member)
        except Exception as error:  # a request this code cannot rebuild: drop it, loudly
            log.error("Dropping an undecodable request from %s: %s", self.queue.key, error)
            self.server.zrem(self._processing, member)
            return None
        number = next(self._claim_ids)
        request.meta[CLAIM] = number
        self._claims[number] = _Claim(member, score, [request])
        self._starved = False
        self._inc("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self._local) or len(self.queue) > 0

    def __len__(self) -> int:
        return len(self._local) + len(self.queue)

    # -- the tick: lease, release, recovery, wake-up -------------------------------------

    def _on_tick(self) -> None:
        try:
            with self.server.pipeline() as pipe:
                pipe.set(self._alive, "1", px=int(self.lease * 1000))
                # Back in the set if a stall past the lease had this worker taken for dead.
                pipe.sadd(self._key("workers"), self.worker)
                pipe.execute()
            self._release_finished()
            self._requeue_dead()
        except Exception as error:  # Redis or the database hiccuped: try again next tick
            log.warning("Frontier upkeep failed: %s", error)
        if self._starved or self._local:
            self._wake_engine()

    def _on_poll(self) -> None:
        if self._starved:
            self._wake_engine()

    def _release_finished(self) -> None:
        """Commit the archive batch, then drop finished requests from the processing set.

        Which requests are finished is decided before the commit, so every write they made
        is in it; a request still downloading or being scraped stays claimed.
        """
        busy = self._busy()
        if busy is None:
            return
        done = [
            number
            for number, claim in self._claims.items()
            if not any(id(r) in busy for r in claim.requests)
        ]
        if not done:
            return
        archive = archive_of(self.crawler) if self.crawler is not None else None
        if archive is not None:
            try:
                archive.commit()
            except ArchiveError as error:
                log.warning("Archive commit failed, requests stay claimed: %s", error)
                return
        members = [self._claims.pop(number).member for number in done]
        self.server.zrem(self._processing, *members)

    def _busy(self) -> set[int] | None:
        """ids of the requests this worker has not finished: queued here, or in the engine
        (downloading or being scraped, item pipelines included). None when the engine
        cannot say, and then nothing is released before the spider closes."""
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)  # Scrapy's in-progress set has no public API
        inprogress = getattr(slot, "inprogress", None)
        if inprogress is None:
            return None
        return {id(r) for r in inprogress} | {id(r) for _, _, r in self._local}

    def _requeue_dead(self) -> None:
        for name in self.server.smembers(self._key("workers")):
            other = name.decode() if isinstance(name, bytes) else str(name)
            if other == self.worker:
                continue
            moved = self._requeue_script(
                keys=[
                    self._key("alive", other),
                    self._key("processing", other),
                    self.queue.key,
                    self._key("workers"),
                ],
                args=[other],
            )
            if moved:
                log.warning("Worker %s is gone: %d of its requests requeued", other, moved)
                self._inc("frontier/requeued", int(moved))

    def _wake_engine(self) -> None:
        """Have the engine ask for requests now rather than at its 5-second heartbeat."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    # -- idling ----------------------------------------------------------------------------

    def _on_idle(self) -> None:
        """Keep the spider open while the crawl has work anywhere, or until idle-exit."""
        from crawler.frontier import is_empty

        if self._local or self._claims or not is_empty(self.server, self.crawl):
            self._empty_since = None
            raise DontCloseSpider
        if self.idle_exit is None:
            raise DontCloseSpider
        now = time.monotonic()
        if self._empty_since is None:
            self._empty_since = now
        if now - self._empty_since < self.idle_exit:
            raise DontCloseSpider

    def _inc(self, name: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(name, count)
