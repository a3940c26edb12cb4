"""Run the crawls the site profiles declare (`schedule = "0 */6 * * *"`) until stopped.

APScheduler 3 keeps the clock: one job per profile, missed runs coalesced into one, never
two instances of a job at once. Each crawl runs in its own subprocess (Twisted's reactor
cannot restart inside one process) under an exclusive lock on the site, so two schedulers
sharing an archive folder do not crawl one site twice at once; the lock is an flock, which
the operating system releases when its holder dies, so a crashed run never leaves it stuck.
SIGTERM or Ctrl-C passes the signal to the running crawl, which Scrapy stops gracefully
(its last batch committed, its run recorded with finish reason "shutdown"), then exits.
"""

from __future__ import annotations

import fcntl
import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.profiles import SiteProfile

log = logging.getLogger(__name__)


def trigger_for(profile: SiteProfile) -> CronTrigger:
    """A cron trigger from the profile's line: five fields, or six with seconds first."""
    assert profile.schedule is not None
    fields = profile.schedule.split()
    if len(fields) == 5:
        return CronTrigger.from_crontab(profile.schedule, timezone=profile.timezone)
    second, minute, hour, day, month, day_of_week = fields
    return CronTrigger(
        second=second,
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=day_of_week,
        timezone=profile.timezone,
    )


@contextmanager
def site_lock(directory: Path, site: str) -> Iterator[bool]:
    """Hold the site's lock for the block; yields False when another process holds it."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f"{site}.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class CrawlScheduler:
    """The scheduled crawls of a set of profiles, against one archive."""

    def __init__(self, profiles: list[SiteProfile], db_url: str, lock_dir: Path) -> None:
        self.profiles = [p for p in profiles if p.schedule]
        self.db_url = db_url
        self.lock_dir = lock_dir
        self.scheduler = BlockingScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        )
        self._child: subprocess.Popen[bytes] | None = None
        self._guard = threading.Lock()
        self._stopping = False

    def run(self) -> None:
        for profile in self.profiles:
            self.scheduler.add_job(
                self.crawl, trigger_for(profile), args=[profile], id=profile.name, name=profile.name
            )
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.scheduler.start()  # blocks until shutdown

    def crawl(self, profile: SiteProfile) -> int | None:
        """One crawl of one site in a subprocess; None when its lock is taken or we stop."""
        with site_lock(self.lock_dir, profile.name) as locked:
            if not locked:
                log.warning("%s: a crawl of this site is still running; skipped", profile.name)
                return None
            command = [
                sys.executable, "-m", "crawler.cli", "crawl",
                "--site", str(profile.path), "--db", self.db_url,
            ]  # fmt: skip
            with self._guard:
                if self._stopping:
                    return None
                self._child = subprocess.Popen(command)
            log.info("%s: crawl started (pid %d)", profile.name, self._child.pid)
            code = self._child.wait()
            with self._guard:
                self._child = None
            log.info("%s: crawl ended with status %d", profile.name, code)
            return code

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        """Let the running crawl finish its batch, then stop the scheduler."""
        with self._guard:
            self._stopping = True
            child = self._child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)
        threading.Thread(target=self.scheduler.shutdown, kwargs={"wait": True}).start()
