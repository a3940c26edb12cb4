"""Instructions per page of ours and of lxml's parse alone, counted by valgrind's callgrind.

Why: elapsed times on a shared 2-core machine move by 5-10% between runs, which hides the
effect of most single changes to the extractor. An instruction count does not depend on what
else the machine is doing, so it compares two versions of the code exactly. It is not a time:
Python executes fewer instructions per cycle than libxml2, so the elapsed-time ratio of
bench/speed.py runs above this one.

Usage: .venv/bin/python bench/instructions.py [/path/to/realpages] [--rounds N]

Each count runs in its own process under callgrind, once with 1 round over the page set and
once with 1 + N rounds; the difference divided by N rounds and by the number of pages is the
cost of one page, free of start-up, imports and reading the pages.
"""

from __future__ import annotations

import argparse
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import check_folder, die, fixture_pages, real_pages

from crawler.extract.compiled import KIND
from crawler.extract.decode import decode_html

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
COLLECTED = re.compile(r"Collected : (\d+)")

# What the child process runs: the pages from a pickle, then `rounds` passes of one runner.
CHILD = """
import pickle, sys
from lxml import etree
from crawler.extract import analyse
pages = pickle.load(open(sys.argv[1], "rb"))
runner, rounds = sys.argv[2], int(sys.argv[3])
parser = etree.HTMLParser(encoding="utf-8")
for _ in range(rounds):
    for body, url, headers, utf8 in pages:
        if runner == "ours":
            analyse(body, url, headers).report  # (the record is read when asked: ask)
        else:
            etree.fromstring(utf8, parser)
"""


def count(pages_file: Path, runner: str, rounds: int) -> int:
    """Instructions callgrind counts for the child process."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            CHILD,
            str(pages_file),
            runner,
            str(rounds),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = COLLECTED.search(result.stderr)
    if result.returncode != 0 or found is None:
        die(f"callgrind failed for {runner}: {result.stderr.strip()[-300:]}")
    return int(found.group(1))


def per_page(pages_file: Path, runner: str, rounds: int, pages: int) -> float:
    with ThreadPoolExecutor(max_workers=2) as pool:
        one, more = pool.map(lambda n: count(pages_file, runner, n), (1, 1 + rounds))
    return (more - one) / rounds / pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("realpages", nargs="?", help="folder of real pages (manifest.tsv)")
    parser.add_argument("--rounds", type=int, default=2, help="passes counted (default 2)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        die("valgrind is not installed (Debian: apt-get install valgrind)")
    sets = {"fixtures": fixture_pages(FIXTURES)}
    if args.realpages:
        sets["real pages"] = real_pages(check_folder(args.realpages))
    print(f"ours: {KIND} (REPORT_ARCHIVER_PURE_PYTHON=1 picks pure Python)")
    print(f"{'page set':12} {'pages':>5} {'lxml parse':>14} {'ours':>14} {'ours / parse':>13}")
    with tempfile.TemporaryDirectory() as scratch:
        for name, pages in sets.items():
            pages_file = Path(scratch) / "pages.pickle"
            rows = [
                (p.body, p.url, p.headers, decode_html(p.body, p.headers)[0].encode("utf-8"))
                for p in pages
            ]
            pages_file.write_bytes(pickle.dumps(rows))
            floor = per_page(pages_file, "floor", args.rounds, len(pages))
            ours = per_page(pages_file, "ours", args.rounds, len(pages))
            print(
                f"{name:12} {len(pages):5} {floor / 1e6:12.2f} M {ours / 1e6:12.2f} M "
                f"{ours / floor:12.2f}x"
            )


if __name__ == "__main__":
    main()
