"""Crawl throughput and memory: our full crawl against a bare-Scrapy floor, on a synthetic site.

Why: extraction, stitching, the pipelines, the SQLite archive and the WARC writer all cost
time per page, and a pages-per-second number alone cannot say whether that cost is
reasonable. So the same run also crawls the same site with a bare Scrapy spider (the
floor, bench/bare_spider.py: same project settings, robots.txt obeyed, same concurrency,
AutoThrottle off for loopback as ours turns it off, following every same-host ``//a/@href``
link, with no extraction, no items, no pipelines, no project middlewares) and reports
full/floor. Target: ratio >= 0.70. Memory: a crawl must not grow with the site (multi-page
articles are held in memory only until stitched), so the full crawl's peak RSS is measured
at 1,000 and at N articles. Target: flat, < 250 MB. And in passing, correctness: the full
crawl's archive must hold exactly the articles the generator wrote (expected.jsonl).

Usage:
    .venv/bin/python bench/crawl.py [--articles 5000] [--memory-at 1000] [--site-dir DIR]
                                    [--json] [--profile OUT.prof] [--keep]

How it measures:
- The site: crawler.sitegen.generate_site into a temp dir (or --site-dir, reused when it
  already holds a site of the right size).
- The server: crawler.serve.ReplayServer (a stdlib ThreadingHTTPServer, a thread per
  connection) in its own process, so that it does not share a GIL with anything we time.
  The machine's cores are shared, though: the server's CPU seconds during each crawl are
  read from /proc and reported, so that a saturated server can be told from a slow crawler.
- Each crawl in its own subprocess (a Twisted reactor cannot be restarted): the full crawl
  is crawler.run.run_crawl, exactly what ``report-archiver crawl URL --db PATH`` runs; the
  floor is a CrawlerProcess over crawler.run.project_settings. Both carry
  bare_spider.TimingExtension: pages/s = Scrapy's response_received_count / the seconds from
  spider_opened to spider_closed, the same for both.
- Peak memory: the crawl process's ru_maxrss, taken by the parent from os.wait4 (the whole
  process, start-up to exit), with the RSS at spider_opened beside it.
- --profile OUT.prof runs the N-article full crawl under cProfile (slower; the timing of that
  crawl is then not comparable, so use it only for a profile).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

RATIO_TARGET = 0.70
RSS_TARGET_MB = 250.0
TIMING_EXTENSION = "bare_spider.TimingExtension"
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class CrawlResult:
    """One crawl, as the child's TimingExtension and the parent's wait4 saw it."""

    kind: str  # "floor" or "full"
    articles: int  # the site's size
    seconds: float  # spider_opened -> spider_closed
    responses: int
    pages_per_second: float
    cpu_seconds: float  # the crawl process, during the crawl proper
    server_cpu_seconds: float  # the server process, during the whole crawl process
    process_seconds: float  # the crawl process, start to exit
    maxrss_mb: float  # the crawl process's peak RSS (wait4)
    rss_opened_mb: float  # its RSS at spider_opened
    finish_reason: str
    items: int = 0
    archive_articles: int | None = None
    archive_pages: int | None = None
    archive_failures: int | None = None
    refetched_pages: int = 0  # the same URL fetched again in this crawl (full only)
    errors: dict[str, Any] = field(default_factory=dict)


# --- children -------------------------------------------------------------------------------


def child_serve(root: Path) -> None:
    """Serve root on a free loopback port; print the URL; serve until stdin closes."""
    from crawler.serve import ReplayServer

    server = ReplayServer(root).start()
    print(server.url, flush=True)
    try:
        sys.stdin.read()  # the parent closes our stdin (or dies) to stop us
    finally:
        server.stop()


def child_crawl(kind: str, url: str, db: Path, timing: Path) -> None:
    """Run one crawl in this process; TimingExtension writes the numbers to `timing`."""
    from crawler.run import project_settings

    extensions = dict(project_settings().getdict("EXTENSIONS"))
    extensions[TIMING_EXTENSION] = 0
    if kind == "full":
        from crawler.run import run_crawl

        summary = run_crawl(
            [url],
            db_url=str(db),
            overrides={"EXTENSIONS": extensions, "BENCH_TIMING_FILE": str(timing)},
        )
        data = json.loads(timing.read_text(encoding="utf-8"))
        data.update(
            archive_articles=summary.archive_articles,
            archive_pages=summary.archive_pages,
            archive_failures=summary.archive_failures,
            refetched_pages=_refetched(db),
        )
        timing.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return
    from bare_spider import BareSpider
    from scrapy.crawler import CrawlerProcess

    settings = project_settings(
        {
            "ITEM_PIPELINES": {},
            "DOWNLOADER_MIDDLEWARES": {},  # Scrapy's own (robots.txt, retry …) stay on
            "EXTENSIONS": {TIMING_EXTENSION: 0},
            "WARC_ENABLED": False,
            "BENCH_TIMING_FILE": str(timing),
        }
    )
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, start_url=url)
    process.start()


def _refetched(db: Path) -> int:
    """Fetches of a URL beyond its first, from the pages ledger (each fetch is one row)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = conn.execute("SELECT count(*) - count(DISTINCT url) FROM pages").fetchone()
    return int(row[0])


# --- the parent -----------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a live process, from /proc/PID/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


class Server:
    """ReplayServer in a child process (see child_serve); a context manager."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child-serve", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://"):
            self.proc.kill()
            raise SystemExit(f"crawl.py: the replay server did not start (got {line!r})")
        self.url = line

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.proc.pid)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def ensure_site(root: Path, articles: int) -> Path:
    """A site of `articles` articles in root: reused if expected.jsonl says so, else written."""
    from crawler.sitegen import generate_site

    expected = root / "expected.jsonl"
    if (root / "site").is_dir() and expected.is_file() and count_lines(expected) == articles:
        return root
    if (root / "site").exists():
        shutil.rmtree(root / "site")
    root.mkdir(parents=True, exist_ok=True)
    generate_site(root, articles)
    return root


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def run_child_crawl(
    kind: str,
    articles: int,
    server: Server,
    work: Path,
    profile: Path | None = None,
) -> CrawlResult:
    """One crawl in a fresh process; its numbers, or SystemExit with its log's tail."""
    tag = f"{kind}-{articles}"
    db = work / tag / "archive.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    timing = work / tag / "timing.json"
    log = work / tag / "crawl.log"
    prefix = [sys.executable]
    if profile is not None:
        prefix += ["-m", "cProfile", "-o", str(profile)]
    command = [
        *prefix,
        str(Path(__file__).resolve()),
        "--child-crawl",
        kind,
        server.url + "/",
        str(db),
        str(timing),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVE_DB_URL", "WARC_DIR")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    server_cpu = server.cpu_seconds()
    started = time.monotonic()
    with log.open("wb") as handle:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=handle, stderr=handle, cwd=REPO, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    process_seconds = time.monotonic() - started
    server_cpu = server.cpu_seconds() - server_cpu
    if proc.returncode != 0 or not timing.is_file():
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"crawl.py: the {tag} crawl failed (exit {proc.returncode}):\n{tail}")
    data: dict[str, Any] = json.loads(timing.read_text(encoding="utf-8"))
    seconds = float(data["seconds"])
    responses = int(data["responses"])
    return CrawlResult(
        kind=kind,
        articles=articles,
        seconds=seconds,
        responses=responses,
        pages_per_second=responses / seconds if seconds else 0.0,
        cpu_seconds=float(data["cpu_seconds"]),
        server_cpu_seconds=server_cpu,
        process_seconds=process_seconds,
        maxrss_mb=usage.ru_maxrss / 1024,
        rss_opened_mb=int(data["rss_opened_kib"]) / 1024,
        finish_reason=str(data["finish_reason"]),
        items=int(data.get("items", 0)),
        archive_articles=data.get("archive_articles"),
        archive_pages=data.get("archive_pages"),
        archive_failures=data.get("archive_failures"),
        refetched_pages=int(data.get("refetched_pages", 0)),
        errors=dict(data.get("errors") or {}),
    )


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Generate, serve and crawl; everything the table and --json show."""
    sizes = [args.articles] + ([args.memory_at] if args.memory_at != args.articles else [])
    results: list[CrawlResult] = []
    expected: dict[int, int] = {}
    for size in sizes:
        if size == args.articles and args.site_dir:
            root = ensure_site(Path(args.site_dir), size)
        else:
            root = ensure_site(work / f"site-{size}", size)
        expected[size] = count_lines(root / "expected.jsonl")
        with Server(root) as server:
            kinds = ["floor", "full"] if size == args.articles or args.floor_all else ["full"]
            for kind in kinds:
                profile = args.profile if kind == "full" and size == args.articles else None
                print(f"crawling {size} articles: {kind} …", file=sys.stderr, flush=True)
                result = run_child_crawl(kind, size, server, work, profile)
                print(
                    f"  {result.responses} pages in {result.seconds:.1f}s"
                    f" ({result.pages_per_second:.1f} pages/s)",
                    file=sys.stderr,
                    flush=True,
                )
                results.append(result)
    by = {(r.kind, r.articles): r for r in results}
    floor, full = by[("floor", args.articles)], by[("full", args.articles)]
    ratio = full.pages_per_second / floor.pages_per_second if floor.pages_per_second else 0.0
    # The same ratio counting each distinct URL once: a re-fetch is not a page gained.
    distinct = (full.responses - full.refetched_pages) / full.seconds if full.seconds else 0.0
    distinct_ratio = distinct / floor.pages_per_second if floor.pages_per_second else 0.0
    memory = {size: by[("full", size)].maxrss_mb for size in sizes}
    correct = {size: by[("full", size)].archive_articles == expected[size] for size in sizes}
    return {
        "articles": args.articles,
        "cores": os.cpu_count(),
        "floor_pages_per_second": floor.pages_per_second,
        "full_pages_per_second": full.pages_per_second,
        "ratio": ratio,
        "ratio_target": RATIO_TARGET,
        "ratio_ok": ratio >= RATIO_TARGET,
        "full_distinct_pages_per_second": distinct,
        "distinct_ratio": distinct_ratio,
        "full_refetched_pages": full.refetched_pages,
        "peak_rss_mb": {str(k): v for k, v in memory.items()},
        "rss_target_mb": RSS_TARGET_MB,
        "rss_ok": all(v < RSS_TARGET_MB for v in memory.values()),
        "expected_articles": {str(k): v for k, v in expected.items()},
        "archive_articles_ok": all(correct.values()),
        "profiled": str(args.profile) if args.profile else None,
        "crawls": [asdict(r) for r in results],
    }


def print_table(report: dict[str, Any]) -> None:
    """The human-readable summary."""
    print(
        f"\n{'crawl':<12}{'articles':>9}{'pages':>7}{'secs':>8}{'pages/s':>9}"
        f"{'cpu s':>8}{'server cpu s':>13}{'peak RSS MB':>12}{'archive':>9}"
    )
    for c in report["crawls"]:
        archive = "" if c["archive_articles"] is None else str(c["archive_articles"])
        print(
            f"{c['kind']:<12}{c['articles']:>9}{c['responses']:>7}{c['seconds']:>8.1f}"
            f"{c['pages_per_second']:>9.1f}{c['cpu_seconds']:>8.1f}"
            f"{c['server_cpu_seconds']:>13.1f}{c['maxrss_mb']:>12.1f}{archive:>9}"
        )
    n = report["articles"]
    mark = "ok" if report["ratio_ok"] else "BELOW TARGET"
    print(
        f"\nthroughput at {n} articles: full {report['full_pages_per_second']:.1f} pages/s,"
        f" floor {report['floor_pages_per_second']:.1f} pages/s,"
        f" ratio {report['ratio']:.3f} (target >= {RATIO_TARGET:.2f}: {mark})"
    )
    print(
        f"  counting distinct URLs only ({report['full_refetched_pages']} re-fetched pages"
        f" dropped): full {report['full_distinct_pages_per_second']:.1f} pages/s,"
        f" ratio {report['distinct_ratio']:.3f}"
    )
    rss = ", ".join(f"{k} articles {v:.0f} MB" for k, v in report["peak_rss_mb"].items())
    mark = "ok" if report["rss_ok"] else "ABOVE TARGET"
    print(f"peak RSS of the full crawl: {rss} (target < {RSS_TARGET_MB:.0f} MB, flat: {mark})")
    archived = ", ".join(
        f"{c['archive_articles']}/{report['expected_articles'][str(c['articles'])]}"
        for c in report["crawls"]
        if c["kind"] == "full"
    )
    mark = "ok" if report["archive_articles_ok"] else "MISMATCH"
    print(f"archive articles / expected.jsonl: {archived} ({mark})")
    print(f"cores: {report['cores']} (the server shares them; see 'server cpu s')")
    if report["profiled"]:
        print(f"profiled run (timing not comparable): {report['profiled']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--articles", type=int, default=5000, help="site size [5000]")
    parser.add_argument(
        "--memory-at", type=int, default=1000, help="second, smaller site for memory [1000]"
    )
    parser.add_argument("--site-dir", help="generate the N-article site here, or reuse it")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--profile", type=Path, help="cProfile the N-article full crawl to this file"
    )
    parser.add_argument(
        "--floor-all", action="store_true", help="also run the floor at --memory-at"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work dir (DBs, logs)")
    parser.add_argument("--child-serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-crawl", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_serve:
        child_serve(args.child_serve)
        return 0
    if args.child_crawl:
        kind, url, db, timing = args.child_crawl
        child_crawl(kind, url, Path(db), Path(timing))
        return 0
    if args.articles < 1 or args.memory_at < 1:
        parser.error("--articles and --memory-at must be >= 1")
    work = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    try:
        report = measure(args, work)
    finally:
        if args.keep:
            print(f"work dir kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    ok = report["archive_articles_ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
