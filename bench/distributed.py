"""Distributed crawl throughput: 1, 2 and 4 workers on a Redis frontier into PostgreSQL, against
the same crawl by one process on SQLite, in one run.

Why: `--frontier` is for crawls that outgrow one process. Whether more workers help depends
on where the time goes: fetching and parsing (scales with workers and machines), Redis
round-trips (a few per page, on one server), PostgreSQL writes (one database for all). So
besides pages per second this reports, per page, the Redis commands the crawl sent, the
PostgreSQL transactions it committed, and the CPU seconds of the crawl processes.

Usage:
    .venv/bin/python bench/distributed.py [--articles 5000] [--workers 1,2,4] [--site-dir DIR]
        [--redis redis://127.0.0.1:6379/0] [--pg postgresql+psycopg://postgres@127.0.0.1/test]
        [--json] [--keep]

How it measures:
- The site: crawler.sitegen.generate_site (multi-page articles included), served by
  crawler.serve.ReplayServer in its own process (bench/crawl.py's Server).
- SQLite: `report-archiver crawl URL --db FILE`, exactly as a user runs it.
- N workers: a fresh PostgreSQL schema and a fresh crawl name on Redis; `report-archiver crawl
  URL --frontier … --crawl-name …` (seeds, and is worker 1) plus N-1 `report-archiver worker`
  processes, all started at once, each exiting once the frontier has been empty for 1 s.
- Pages per second: rows of the pages ledger (every fetched response) divided by the time
  from the first to the last fetch in that ledger, so process start-up and the idle wait at
  the end count for no configuration. Wall seconds (first start to last exit) are shown too.
- Redis commands: INFO's total_commands_processed before and after (the server is otherwise
  idle, or the figure includes others'); PostgreSQL commits: pg_stat_database.xact_commit
  of the database, likewise. CPU: utime+stime of every crawl process (os.wait4).
- Correctness: the archive must hold exactly the articles the generator wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from crawl import Server, count_lines, ensure_site  # noqa: E402

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Run:
    label: str  # "sqlite x1", "redis+pg x2" …
    workers: int
    pages: int
    crawl_seconds: float  # first to last fetch in the pages ledger
    wall_seconds: float  # first process start to last exit
    pages_per_second: float
    per_worker_pages_per_second: float
    cpu_seconds: float  # all crawl processes
    cpu_ms_per_page: float
    redis_commands_per_page: float | None
    pg_commits_per_page: float | None
    articles: int
    expected_articles: int
    refetched_pages: int


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def _ledger(db_url: str) -> tuple[int, float, int, int]:
    """pages, first-to-last fetch seconds, articles, re-fetched pages of an archive."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            pages, first, last, distinct = conn.execute(
                text(
                    "SELECT count(*), min(fetched_at), max(fetched_at), count(DISTINCT url) FROM pages"
                )
            ).one()
            articles = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    finally:
        engine.dispose()
    span = _seconds(last) - _seconds(first) if pages else 0.0
    return int(pages), span, int(articles), int(pages) - int(distinct)


def _launch(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("ARCHIVE_DB_URL", "WARC_DIR", "REDIS_URL")
    }
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", *args],
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=env,
        )


def _wait_all(procs: list[tuple[subprocess.Popen[bytes], Path]]) -> float:
    """Wait for every process; their CPU seconds; SystemExit with a log's tail on failure."""
    cpu = 0.0
    for proc, log in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        if proc.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise SystemExit(f"distributed.py: {log.stem} failed (exit {proc.returncode}):\n{tail}")
    return cpu


class Counters:
    """Redis commands and PostgreSQL commits, read before and after a run."""

    def __init__(self, redis_url: str, pg_url: str) -> None:
        import redis
        from sqlalchemy import create_engine

        self.redis = redis.Redis.from_url(redis_url)
        self.pg = create_engine(pg_url)

    def read(self) -> tuple[int, int]:
        from sqlalchemy import text

        commands = int(self.redis.info("stats")["total_commands_processed"])
        with self.pg.connect() as conn:
            commits = conn.execute(
                text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
            ).scalar_one()
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return commands, int(commits)


def run_sqlite(url: str, work: Path, expected: int) -> Run:
    db = work / "sqlite" / "archive.sqlite"
    db.parent.mkdir(parents=True)
    started = time.monotonic()
    proc = _launch(["crawl", url, "--db", str(db)], work / "sqlite" / "crawl.log")
    cpu = _wait_all([(proc, work / "sqlite" / "crawl.log")])
    wall = time.monotonic() - started
    pages, span, articles, refetched = _ledger(f"sqlite:///{db}")
    return _run("sqlite x1", 1, pages, span, wall, cpu, None, None, articles, expected, refetched)


def run_workers(
    n: int, url: str, work: Path, expected: int, redis_url: str, pg_base: str, counters: Counters
) -> Run:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from crawler.archive import open_archive

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db_url = make_url(pg_base).update_query_dict({"options": f"-csearch_path={schema}"})
    db = db_url.render_as_string(hide_password=False)
    open_archive(db).close()
    folder = work / f"workers-{n}"
    folder.mkdir()
    name = f"bench-{uuid.uuid4().hex[:8]}"
    common = ["--frontier", redis_url, "--db", db, "--warc-dir", str(folder / "warc")]
    try:
        before = counters.read()
        started = time.monotonic()
        procs = [
            (
                _launch(
                    ["crawl", url, "--crawl-name", name, "--idle-exit", "1", *common],
                    folder / "crawl.log",
                ),
                folder / "crawl.log",
            )
        ]
        for number in range(2, n + 1):
            log = folder / f"worker-{number}.log"
            procs.append(
                (
                    _launch(["worker", "--crawl-name", name, "--idle-exit", "1", *common], log),
                    log,
                )
            )
        cpu = _wait_all(procs)
        wall = time.monotonic() - started
        after = counters.read()
        pages, span, articles, refetched = _ledger(db)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        keys = counters.redis.keys(f"report-archiver:{name}:*")
        if keys:
            counters.redis.delete(*keys)
        counters.redis.srem("report-archiver:crawls", name)
    commands = (after[0] - before[0]) / pages if pages else None
    commits = (after[1] - before[1]) / pages if pages else None
    return _run(
        f"redis+pg x{n}",
        n,
        pages,
        span,
        wall,
        cpu,
        commands,
        commits,
        articles,
        expected,
        refetched,
    )


def _run(
    label: str,
    workers: int,
    pages: int,
    span: float,
    wall: float,
    cpu: float,
    commands: float | None,
    commits: float | None,
    articles: int,
    expected: int,
    refetched: int,
) -> Run:
    rate = pages / span if span else 0.0
    return Run(
        label=label,
        workers=workers,
        pages=pages,
        crawl_seconds=span,
        wall_seconds=wall,
        pages_per_second=rate,
        per_worker_pages_per_second=rate / workers,
        cpu_seconds=cpu,
        cpu_ms_per_page=1000 * cpu / pages if pages else 0.0,
        redis_commands_per_page=commands,
        pg_commits_per_page=commits,
        articles=articles,
        expected_articles=expected,
        refetched_pages=refetched,
    )


def print_table(runs: list[Run], cores: int | None) -> None:
    print(
        f"\n{'crawl':<15}{'pages':>7}{'crawl s':>9}{'wall s':>8}{'pages/s':>9}{'/worker':>9}"
        f"{'cpu ms/page':>12}{'redis cmd/page':>15}{'pg commits/page':>16}{'articles':>13}"
    )
    for r in runs:
        redis_cost = (
            "-" if r.redis_commands_per_page is None else f"{r.redis_commands_per_page:.1f}"
        )
        pg_cost = "-" if r.pg_commits_per_page is None else f"{r.pg_commits_per_page:.2f}"
        print(
            f"{r.label:<15}{r.pages:>7}{r.crawl_seconds:>9.1f}{r.wall_seconds:>8.1f}"
            f"{r.pages_per_second:>9.1f}{r.per_worker_pages_per_second:>9.1f}"
            f"{r.cpu_ms_per_page:>12.2f}{redis_cost:>15}{pg_cost:>16}"
            f"{f'{r.articles}/{r.expected_articles}':>13}"
        )
    print(f"cores: {cores} (shared by the server, Redis, PostgreSQL and every worker)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--articles", type=int, default=5000, help="site size [5000]")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run [1,2,4]")
    parser.add_argument("--site-dir", help="generate the site here, or reuse it")
    parser.add_argument("--redis", default=DEFAULT_REDIS, help=f"Redis URL [{DEFAULT_REDIS}]")
    parser.add_argument("--pg", default=DEFAULT_PG, help=f"PostgreSQL URL [{DEFAULT_PG}]")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, WARC)")
    args = parser.parse_args(argv)
    try:
        counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        parser.error(f"--workers {args.workers}: expected numbers like 1,2,4")
    if args.articles < 1 or any(n < 1 for n in counts):
        parser.error("--articles and --workers must be >= 1")
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    runs: list[Run] = []
    try:
        root = ensure_site(Path(args.site_dir) if args.site_dir else work / "site", args.articles)
        expected = count_lines(root / "expected.jsonl")
        counters = Counters(args.redis, args.pg)
        with Server(root) as server:
            url = server.url + "/"
            print("crawling: sqlite, one process …", file=sys.stderr, flush=True)
            runs.append(run_sqlite(url, work, expected))
            for n in counts:
                print(f"crawling: redis+pg, {n} worker(s) …", file=sys.stderr, flush=True)
                runs.append(run_workers(n, url, work, expected, args.redis, args.pg, counters))
    finally:
        if args.keep:
            print(f"work dir kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"cores": os.cpu_count(), "runs": [asdict(r) for r in runs]}, indent=2))
    else:
        print_table(runs, os.cpu_count())
    return 0 if all(r.articles == r.expected_articles for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
