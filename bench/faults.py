"""Crawl the fault-injection site once per fault, then once with every fault, and tabulate.

    .venv/bin/python bench/faults.py [--articles N] [--only KIND]

For each fault: did the crawl finish, how many articles the site has that must be archived
(good, plus those archived marked incomplete), how many were archived, lost, duplicated
(stored more than once or with more than one version), how many requests the faulty URL
cost, and the failure the archive recorded for it (stage: reason). The last row is one
crawl over the site with all faults at once. Peak RSS is the largest of all crawl
processes (the 50 MB page and the 64 MB gzip bomb must not show in it).

The crawls use crawler.faultsite.CRAWL_SETTINGS (1 s timeout, one retry, 1 MB max size).
Everything runs on 127.0.0.1 (and 127.0.0.2, the "other site" that must see no request).
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.faultsite import CRAWL_SETTINGS, Fault, FaultServer, FaultSite  # noqa: E402


@dataclass
class Row:
    fault: str
    finished: bool
    expected: int
    archived: int
    lost: int
    duplicated: int
    requests: int
    failure: str
    seconds: float


def crawl(site: FaultSite, workdir: Path, faults: list[Fault], label: str) -> Row:
    db = workdir / "archive.sqlite"
    settings = [arg for name, value in CRAWL_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    settings += ["-s", "LOG_LEVEL=WARNING"]
    with FaultServer(site) as server:
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "crawler.cli",
                "crawl",
                *server.start_urls,
                "--db",
                str(db),
                "--warc-dir",
                str(workdir / "warc"),
                *settings,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        seconds = time.monotonic() - started
        requests = sum(server.count(f.path) for f in faults)
        other_site_asked = sum(server.other.counts.values())
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, times_seen, id from articles").fetchall()
        versions = dict(
            conn.execute("select article_id, count(*) from article_versions group by article_id")
        )
        run = conn.execute("select finish_reason, stats from crawl_runs").fetchone()
        failures = conn.execute("select url, stage, reason from failures").fetchall()
    base = server.url
    archived = {url.removeprefix(base) for url, _, _ in rows}
    expected = set(site.good) | set(site.incomplete)
    duplicated = sum(1 for _, times, aid in rows if times > 1 or versions.get(aid, 0) > 1)
    stray = archived - expected  # archived but should not be (robots-closed, say)
    finished = result.returncode == 0 and run is not None and run[0] == "finished"
    if other_site_asked:
        finished = False
    recorded = [
        f"{stage}: {reason}"
        for url, stage, reason in failures
        if any(url == base + f.recorded_at for f in faults)
    ]
    if len(faults) > 1:
        failure = f"{len(failures)} failures recorded"
    elif recorded:
        failure = recorded[0] if len(recorded) == 1 else f"{len(recorded)}x {recorded[0]}"
    elif faults[0].kind == "robots":
        forbidden = json.loads(run[1] or "{}").get("robotstxt/forbidden", 0) if run else 0
        failure = f"(none: a decision) {forbidden} requests refused by robots.txt"
    else:
        failure = "(none)"
    return Row(
        label,
        finished,
        len(expected),
        len(archived & expected) + len(stray),
        len(expected - archived),
        duplicated + len(stray),
        requests,
        failure,
        seconds,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=25, help="articles on the site")
    parser.add_argument("--only", help="run only the fault of this kind (and the all-faults row)")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="faults-bench-") as tmp:
        site = FaultSite.build(Path(tmp) / "site", articles=args.articles)
        chosen = [f for f in site.faults if not args.only or f.kind == args.only]
        if not chosen:
            kinds = ", ".join(sorted({f.kind for f in site.faults}))
            print(f"faults.py: no fault of kind {args.only!r} (kinds: {kinds})", file=sys.stderr)
            raise SystemExit(2)
        for number, fault in enumerate(chosen):
            workdir = Path(tmp) / f"run-{number}"
            workdir.mkdir()
            rows.append(crawl(site.only(fault), workdir, [fault], fault.name))
            print(f"  {fault.name}: {rows[-1].seconds:.1f}s", file=sys.stderr)
        workdir = Path(tmp) / "run-all"
        workdir.mkdir()
        rows.append(crawl(site, workdir, site.faults, "ALL FAULTS, one crawl"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"site: {args.articles} articles; settings: "
        + ", ".join(f"{k}={v}" for k, v in CRAWL_SETTINGS.items() if k != "LOG_LEVEL")
    )
    print()
    print(
        "| fault | crawl finished | articles expected | archived | lost | duplicated "
        "| requests to the fault | failure recorded (stage: reason) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        reason = row.failure if len(row.failure) <= 110 else row.failure[:107] + "..."
        print(
            f"| {row.fault} | {'yes' if row.finished else 'NO'} | {row.expected} | "
            f"{row.archived} | {row.lost} | {row.duplicated} | {row.requests} | "
            f"{reason.replace('|', '/')} |"
        )
    print()
    print(f"peak RSS of any crawl process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
