"""Export memory and speed: peak RSS and rows/s of ``report-archiver export`` per format.

Why: an export must stream (a server-side cursor, one record at a time through the writer),
so its memory must not grow with the archive. The same export therefore runs on a small
archive (1,000 articles) and a large one (100,000 by default): flat means the two peaks are
close. Target: peak RSS < 150 MB and within 20 MB of the small archive's.

Usage:
    .venv/bin/python bench/export.py [--articles 100000] [--small 1000] [--dir DIR] [--json]

How it measures:
- The archives: SQLite files filled with synthetic articles (random common Chinese
  characters, paragraphs separated by blank lines, credits, keywords, tags). Rows go in by
  bulk INSERT through SQLAlchemy Core into ``articles``, and into the search table through
  ``crawler.archive.search.index`` (the code ``Archive.save_article`` runs), in batches of
  1,000 per transaction; per-record upserts would only make filling slower, not the export
  different. The archive is opened with ``open_archive`` first, so the schema is the real one.
  With --dir the archives are kept there and reused when they exist with the right size.
- Each export is ``python -m crawler.cli export --db DB --format F -o OUT`` in its own process:
  peak memory is that process's ru_maxrss from os.wait4 (start-up to exit); rows/s is rows
  divided by the process's wall time (start-up included, about a second).
- One search per archive size is timed in passing (two-character and phrase queries).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("jsonl", "json", "csv")
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
    "象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶"
)
SITES = ("工作报告网", "心得体会网", "演讲稿网", "论文库", "文秘帮")
CATEGORIES = ("工作总结", "心得体会", "述职报告", "演讲稿", "工作计划", "调研报告")


def synthetic(n: int, rng: random.Random) -> dict[str, Any]:
    from crawler.archive import content_hash

    paragraphs = [
        "".join(rng.choices(COMMON, k=rng.randint(60, 300))) + "。"
        for _ in range(rng.randint(3, 10))
    ]
    url = f"http://site{n % len(SITES)}.example.cn/a/{n}.html"
    record: dict[str, Any] = {
        "url": url,
        "pages": [url],
        "site": SITES[n % len(SITES)],
        "title": "".join(rng.choices(COMMON, k=rng.randint(8, 24))),
        "category": CATEGORIES[n % len(CATEGORIES)],
        "published_at": f"20{15 + n % 10:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}T09:00:00+08:00",
        "abstract": None,
        "keywords": ["".join(rng.choices(COMMON, k=2)) for _ in range(n % 4)],
        "body": "\n\n".join(paragraphs),
        "credits": {
            "author": "".join(rng.choices(COMMON, k=3)),
            "author_unit": None,
            "editor": None,
            "source": None,
        },
        "tags": [],
        "fetched_at": "2024-01-01T00:00:00+00:00",
        "content_hash": None,
        "extractor_version": "bench",
    }
    record["content_hash"] = content_hash(record)
    return record


def fill(path: Path, count: int, seed: int = 1) -> float:
    """Create an archive of ``count`` synthetic articles (reused if already that size)."""
    from sqlalchemy import insert

    from crawler.archive import open_archive, utc_now
    from crawler.archive import search as fulltext
    from crawler.archive.models import Article
    from crawler.archive.records import record_json

    if path.exists():
        with open_archive(str(path)) as archive:
            if archive.counts()["articles"] == count:
                return 0.0
        path.unlink()
    rng = random.Random(seed)
    started = time.perf_counter()
    with open_archive(str(path)) as archive, archive.engine.connect() as conn:
        now = utc_now()
        for first in range(0, count, 1000):
            with conn.begin():
                batch = [synthetic(n, rng) for n in range(first, min(count, first + 1000))]
                ids = conn.scalars(
                    insert(Article).returning(Article.id, sort_by_parameter_order=True),
                    [
                        {
                            "url": r["url"],
                            "site": r["site"],
                            "title": r["title"],
                            "category": r["category"],
                            "published_at": r["published_at"],
                            "record": record_json(r),
                            "content_hash": r["content_hash"],
                            "extractor_version": r["extractor_version"],
                            "incomplete": False,
                            "first_seen": now,
                            "last_seen": now,
                            "last_changed": now,
                            "times_seen": 1,
                            "status": "ok",
                        }
                        for r in batch
                    ],
                )
                for article_id, record in zip(ids, batch, strict=True):
                    fulltext.index(conn, article_id, record)
    return time.perf_counter() - started


def export(db: Path, fmt: str, out: Path) -> dict[str, Any]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "export",
            "--db",
            str(db),
            "--format",
            fmt,
            "-o",
            str(out),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert process.stderr is not None
    message = process.stderr.read().decode("utf-8", "replace").strip()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export of {db} as {fmt} failed: {message}")
    rows = int(message.split()[0])
    return {
        "format": fmt,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output_mb": round(out.stat().st_size / 2**20, 1),
    }


def time_search(db: Path) -> dict[str, float]:
    from crawler.archive import open_archive

    timings = {}
    with open_archive(str(db)) as archive:
        for query in ("工作", '"发展经济"', "领导 发展"):
            started = time.perf_counter()
            archive.search(query, limit=20)
            timings[query] = round((time.perf_counter() - started) * 1000, 1)
    return timings


def child(args: list[str]) -> Any:
    """Run one step of the benchmark in a fresh process and return its JSON result.

    The parent stays small and imports nothing of ours: a child's ru_maxrss includes the
    memory it inherited at fork, so a large parent would inflate every figure.
    """
    result = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"bench step {args} failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)


def main() -> None:
    if sys.argv[1:2] == ["--fill"]:
        print(json.dumps(fill(Path(sys.argv[2]), int(sys.argv[3]))))
        return
    if sys.argv[1:2] == ["--search"]:
        print(json.dumps(time_search(Path(sys.argv[2])), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--dir", type=Path, help="keep (and reuse) the archives here")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results: dict[str, Any] = {"archives": []}
        for count in (args.small, args.articles):
            db = folder / f"archive-{count}.sqlite"
            fill_seconds = child(["--fill", str(db), str(count)])
            entry: dict[str, Any] = {
                "articles": count,
                "archive_mb": round(db.stat().st_size / 2**20, 1),
                "fill_seconds": round(fill_seconds, 1),
                "exports": [
                    export(db, fmt, Path(scratch) / f"out-{count}.{fmt}") for fmt in FORMATS
                ],
                "search_ms": child(["--search", str(db)]),
            }
            results["archives"].append(entry)
            if not args.json:
                print(
                    f"{count} articles ({entry['archive_mb']} MB archive, "
                    f"filled in {entry['fill_seconds']} s); search ms: {entry['search_ms']}"
                )
                for row in entry["exports"]:
                    print(
                        f"  {row['format']:5}  {row['rows']} rows  {row['seconds']} s  "
                        f"{row['rows_per_s']} rows/s  peak RSS {row['peak_rss_mb']} MB  "
                        f"output {row['output_mb']} MB"
                    )
        if args.json:
            print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
