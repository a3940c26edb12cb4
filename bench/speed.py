"""How long each extractor takes per page, next to the cost of lxml parsing the page alone.

Why: the crawler runs the extractor on every page it fetches, so its cost bounds a crawl's
throughput. Parsing with lxml is a cost no extractor can avoid, which makes it the floor;
trafilatura and readability-lxml, run on the same pages in the same process, are the peers.

Usage: .venv/bin/python bench/speed.py [/path/to/realpages] [--repeat N] [--json]

Two page sets: the project's fixture pages (tests/fixtures, always) and the real pages of the
folder given (optional). Each extractor runs over the whole set once to warm up, then --repeat
times, the extractors taking turns round by round; a page's time is the best of its runs (the
least disturbed by the rest of the machine), and the figure is the mean over pages of those
best times, in milliseconds.

"ours" is what the spider runs on a fetched page: `analyse`, which decodes, parses once, finds
the page kind, the continuation links and the record; with the compiled walk where the install
built it (the first line of the output says which), the pure-Python one under
REPORT_ARCHIVER_PURE_PYTHON=1. "lxml parse" is the floor: libxml2
parsing the whole page, as UTF-8 bytes with the encoding given, the decoding done beforehand
and not timed. (Plain `lxml.html.fromstring(body)` is no floor: on a page whose meta charset
lies it stops after a few elements, and so it times less than the whole page.) The peers are
called as bench/_common.py describes.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Page,
    check_folder,
    fixture_pages,
    ours_analyse,
    readability_text,
    real_pages,
    trafilatura_text,
)
from lxml import etree

from crawler.extract.compiled import KIND
from crawler.extract.decode import decode_html

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
_UTF8_PARSER = etree.HTMLParser(encoding="utf-8")
# The page as UTF-8 bytes, decoded once outside the timed region; keyed by the raw bytes.
_AS_UTF8: dict[bytes, bytes] = {}


def lxml_parse(body: bytes, url: str, headers: dict[str, str] | None = None) -> object:
    """The floor: libxml2 building the tree of the whole page, nothing else."""
    utf8 = _AS_UTF8.get(body)
    if utf8 is None:
        utf8 = _AS_UTF8[body] = decode_html(body, headers)[0].encode("utf-8")
    return etree.fromstring(utf8, _UTF8_PARSER)


RUNNERS: dict[str, Callable[[bytes, str, dict[str, str] | None], object]] = {
    "lxml parse": lxml_parse,
    "ours": ours_analyse,
    "trafilatura": trafilatura_text,
    "readability": readability_text,
}


def time_set(pages: list[Page], repeat: int) -> dict[str, float]:
    """Mean over pages of each runner's best time, in ms.

    The runners take turns, a pass over the set each, round after round: a stretch of time
    in which the machine is busy elsewhere then slows every runner alike rather than the one
    whose rounds it falls on, and the ratios between them hold from run to run.
    """
    best = {name: [float("inf")] * len(pages) for name in RUNNERS}
    for round_ in range(repeat + 1):
        for name, run in RUNNERS.items():
            times = best[name]
            gc.collect()
            for index, page in enumerate(pages):
                start = time.perf_counter()
                run(page.body, page.url, page.headers)
                elapsed = time.perf_counter() - start
                if round_:  # round 0 warms up caches and imports
                    times[index] = min(times[index], elapsed)
    return {name: 1000 * sum(times) / len(times) for name, times in best.items()}


def report(label: str, pages: list[Page], means: dict[str, float]) -> None:
    size = sum(len(p.body) for p in pages) / len(pages) / 1024
    floor = means["lxml parse"]
    ours = means["ours"]
    print(f"\n{label}: {len(pages)} pages, {size:.1f} KB mean")
    print(f"{'extractor':<14}{'ms/page':>10}{'x floor':>10}{'x ours':>9}")
    for name, ms in means.items():
        print(f"{name:<14}{ms:>10.2f}{ms / floor:>10.2f}{ms / ours:>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("realpages", nargs="?", help="folder of real pages with manifest.tsv")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    sets: dict[str, list[Page]] = {"fixtures": fixture_pages(FIXTURES)}
    if args.realpages:
        sets["real pages"] = real_pages(check_folder(args.realpages))
    results = {label: time_set(pages, args.repeat) for label, pages in sets.items() if pages}
    if args.json:
        print(json.dumps({"walk": KIND, **results}, indent=2))
        return
    print(f"ours: {KIND} (REPORT_ARCHIVER_PURE_PYTHON=1 picks pure Python)")
    for label, means in results.items():
        report(label, sets[label], means)


if __name__ == "__main__":
    main()
