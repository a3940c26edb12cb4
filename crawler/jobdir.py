"""A --jobdir: Scrapy's JOBDIR, with a marker that tells a paused crawl from a killed one.

Scrapy writes its queue's bookkeeping and flushes its duplicate filter only when a crawl
stops cleanly (Ctrl-C, SIGTERM), so that state resumes. After a kill (SIGKILL, power loss)
it is stale or torn: it is dropped and the crawl starts again from its start URLs, where
the archive's own memory skips every article already committed. The marker
(``crawl.running``: the process id, then the archive's run id) exists only while a crawl
runs, so finding it at start means the last crawl was killed, and names its run.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

RUNNING_MARKER = "crawl.running"
# What Scrapy keeps in a JOBDIR: the request queue, the duplicate filter, the spider state.
SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")


@dataclass(frozen=True)
class JobState:
    state: str  # "new", "resumed" (from a clean stop) or "restarted" (after a kill)
    killed_run: int | None = None  # the archive's run id of the killed crawl, if known


def open_jobdir(path: Path) -> JobState:
    """Prepare a job folder for a crawl and say what it continues."""
    path.mkdir(parents=True, exist_ok=True)
    marker = path / RUNNING_MARKER
    if marker.exists():
        killed = _run_id(marker)
        _drop_state(path)
        log.warning(
            "%s: the last crawl in this job folder was killed; its queue cannot be trusted, "
            "so the crawl restarts from its start URLs (archived articles are skipped)",
            path,
        )
        job = JobState("restarted", killed)
    elif any((path / name).exists() for name in SCRAPY_STATE):
        job = JobState("resumed")
    else:
        job = JobState("new")
    marker.write_text(f"pid {os.getpid()}\n", encoding="ascii")
    return job


def note_run(path: Path, run_id: int) -> None:
    """Write the archive's run id into the running crawl's marker (if it has one)."""
    marker = path / RUNNING_MARKER
    if marker.exists():
        with marker.open("a", encoding="ascii") as stream:
            stream.write(f"run {run_id}\n")


def close_jobdir(path: Path, finish_reason: str) -> None:
    """The crawl ended on its own: a finished job's state is spent, a paused one is kept."""
    if finish_reason == "finished":
        _drop_state(path)
    (path / RUNNING_MARKER).unlink(missing_ok=True)


def _run_id(marker: Path) -> int | None:
    try:
        lines = marker.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    runs = [line.split()[1] for line in lines if line.startswith("run ") and len(line.split()) == 2]
    return int(runs[-1]) if runs and runs[-1].isdigit() else None


def _drop_state(path: Path) -> None:
    for name in SCRAPY_STATE:
        target = path / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
