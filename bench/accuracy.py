"""How well our extractor finds an article's main text on real Chinese pages, next to its peers.

Why: the unit tests check the site templates we wrote fixtures for; this checks the generic
extractor on markup we did not write, against other people's ground truth, and puts
trafilatura and readability-lxml on the same pages in the same run so that a number has
something to be compared with.

Usage: .venv/bin/python bench/accuracy.py /path/to/realpages [--json] [--diff FILE]

Main score (pages with full-text truth: magichtml__*.truth.json "content"): F1 over a bag of
characters, after removing all whitespace. Chinese has no word boundaries, so characters are
the natural unit; a bag (multiset) ignores order and paragraph breaks, which the truth files
do not agree on. Precision = share of our characters that are in the truth, recall = share of
the truth's characters we returned.

Secondary scores:
- trafilatura__* pages: share of the "with" snippets found in the text and of the "without"
  snippets absent from it (whitespace removed on both sides before matching), plus title, date
  and author against the truth's.
- readability__* and newspaper4k__* pages: F1 against those tools' own outputs. That is
  agreement with another extractor, not human truth, and is labelled so.

Fair decoding: trafilatura gets the raw bytes (it detects the encoding itself); readability
gets the text our decoder (crawler.extract.decode.decode_html) produces, the same text ours
parses. The URL given to every extractor is the truth file's, else http://example.com/<file>.
The pages are read from the folder and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura
from _common import (
    TEXT_EXTRACTORS,
    Page,
    check_folder,
    html_text,
    real_pages,
)

from crawler.extract import extract

EXTRACTORS = list(TEXT_EXTRACTORS)
_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Text without any whitespace: the form every comparison here is made on."""
    return _SPACE.sub("", text)


def char_prf(predicted: str, truth: str) -> dict[str, float]:
    """Precision, recall and F1 of a bag of characters (whitespace removed) against the truth."""
    pred, gold = Counter(squeeze(predicted)), Counter(squeeze(truth))
    overlap = sum((pred & gold).values())
    n_pred, n_gold = sum(pred.values()), sum(gold.values())
    precision = overlap / n_pred if n_pred else 0.0
    recall = overlap / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": precision, "r": recall, "f1": f1, "chars": n_pred, "truth_chars": n_gold}


def run_all(pages: list[Page]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Every extractor's text for every page; a crash counts as empty text and is recorded."""
    texts: dict[str, dict[str, str]] = {name: {} for name in EXTRACTORS}
    errors: dict[str, dict[str, str]] = {name: {} for name in EXTRACTORS}
    for page in pages:
        for name, fn in TEXT_EXTRACTORS.items():
            try:
                texts[name][page.name] = fn(page.body, page.url, page.headers)
            except Exception as exc:  # a benchmark reports failures, it does not stop on them
                texts[name][page.name] = ""
                errors[name][page.name] = f"{type(exc).__name__}: {exc}"
    return texts, errors


def load_json(path: Path) -> dict[str, Any]:
    """A truth file's JSON object."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def truth_of(folder: Path, page: Page, suffix: str) -> Path | None:
    """The page's truth file ending in `suffix`, if the manifest lists one."""
    for name in page.truth_files:
        if name.endswith(suffix) and (folder / name).is_file():
            return folder / name
    return None


def full_text_scores(
    folder: Path, pages: list[Page], texts: dict[str, dict[str, str]]
) -> dict[str, dict[str, dict[str, float]]]:
    """Character F1 per page and extractor, on the pages whose truth is the full main text."""
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for page in pages:
        truth = truth_of(folder, page, ".truth.json")
        if page.group != "magichtml" or truth is None:
            continue
        content = load_json(truth).get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        scores[page.name] = {name: char_prf(texts[name][page.name], content) for name in EXTRACTORS}
    return scores


def snippet_scores(
    folder: Path, pages: list[Page], texts: dict[str, dict[str, str]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Share of must-have snippets found and must-not snippets absent, per page and extractor."""
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for page in pages:
        truth = truth_of(folder, page, ".truth.json")
        if page.group != "trafilatura" or truth is None:
            continue
        data = load_json(truth)
        with_ = [squeeze(s) for s in data.get("with", []) if squeeze(s)]
        without = [squeeze(s) for s in data.get("without", []) if squeeze(s)]
        result[page.name] = {}
        for name in EXTRACTORS:
            text = squeeze(texts[name][page.name])
            found = [s for s in with_ if s in text]
            leaked = [s for s in without if s in text]
            result[page.name][name] = {
                "with_found": len(found),
                "with_total": len(with_),
                "without_absent": len(without) - len(leaked),
                "without_total": len(without),
                "missing": [s for s in with_ if s not in found],
                "leaked": leaked,
            }
    return result


def _norm_field(value: object) -> str:
    return squeeze(str(value)) if value else ""


def metadata_scores(folder: Path, pages: list[Page]) -> dict[str, dict[str, dict[str, Any]]]:
    """Title, date and author against the trafilatura collection's truth, for ours and it."""
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for page in pages:
        truth_path = truth_of(folder, page, ".truth.json")
        if page.group != "trafilatura" or truth_path is None:
            continue
        truth = load_json(truth_path)
        got: dict[str, dict[str, str]] = {}
        try:
            report = extract(page.body, page.url)
            got["ours"] = {
                "title": report.title or "",
                "date": (report.published_at or "")[:10],
                "author": report.credits.author or "",
            }
        except Exception as exc:
            got["ours"] = {"error": f"{type(exc).__name__}: {exc}"}
        try:
            doc = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True)
            got["trafilatura"] = {
                "title": (doc.title if doc else None) or "",
                "date": ((doc.date if doc else None) or "")[:10],
                "author": (doc.author if doc else None) or "",
            }
        except Exception as exc:
            got["trafilatura"] = {"error": f"{type(exc).__name__}: {exc}"}
        result[page.name] = {}
        for name, fields in got.items():
            result[page.name][name] = {
                key: {
                    "got": fields.get(key, ""),
                    "want": truth.get(key) or "",
                    "ok": _norm_field(fields.get(key)) == _norm_field(truth.get(key)),
                }
                for key in ("title", "date", "author")
            }
    return result


def agreement_scores(
    folder: Path, pages: list[Page], texts: dict[str, dict[str, str]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """F1 against another tool's stored output (readability's expected.html, newspaper4k's txt)."""
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for page in pages:
        if page.group == "readability":
            ref = truth_of(folder, page, ".expected.html")
            reference = html_text(ref.read_text(encoding="utf-8")) if ref else None
            tool = "readability.js"
        elif page.group == "newspaper4k":
            ref = truth_of(folder, page, ".truth.txt")
            reference = ref.read_text(encoding="utf-8") if ref else None
            tool = "newspaper4k"
        else:
            continue
        if not reference:
            continue
        result[page.name] = {
            "tool": {"name": tool},
            **{name: char_prf(texts[name][page.name], reference) for name in EXTRACTORS},
        }
    return result


def no_truth_summary(
    pages: list[Page], texts: dict[str, dict[str, str]], covered: set[str]
) -> dict[str, dict[str, Any]]:
    """For pages without any truth: our page kind and how much text each extractor returned."""
    from crawler.extract import page_kind

    summary: dict[str, dict[str, Any]] = {}
    for page in pages:
        if page.name in covered:
            continue
        try:
            kind = page_kind(page.body, page.url)
        except Exception as exc:
            kind = f"error {type(exc).__name__}"
        summary[page.name] = {
            "kind": kind,
            **{name: len(squeeze(texts[name][page.name])) for name in EXTRACTORS},
        }
    return summary


def mean(values: list[float]) -> float:
    """Arithmetic mean, 0 for nothing."""
    return sum(values) / len(values) if values else 0.0


def show_diff(page: Page, folder: Path, texts: dict[str, dict[str, str]]) -> None:
    """Truth lines ours misses and our paragraphs the truth lacks, for investigating one page."""
    truth_path = truth_of(folder, page, ".truth.json")
    truth = load_json(truth_path).get("content", "") if truth_path else ""
    if not truth:
        print(f"{page.name}: no full-text truth")
        return
    ours = texts["ours"][page.name]
    ours_flat, truth_flat = squeeze(ours), squeeze(truth)
    print(f"== {page.name} (url {page.url})")
    print("-- in truth, missing from ours:")
    for line in truth.splitlines():
        if squeeze(line) and squeeze(line) not in ours_flat:
            print("  -", line.strip()[:160])
    print("-- in ours, not in truth:")
    for para in ours.split("\n\n"):
        if squeeze(para) and squeeze(para) not in truth_flat:
            print("  +", para.strip()[:160])


def print_report(results: dict[str, Any]) -> None:
    """The human-readable tables."""
    head = "".join(f" | {name:^20}" for name in EXTRACTORS)
    sub = "".join(" |  P     R     F1   " for _ in EXTRACTORS)
    print("Body text, character F1 against magic-html's ground truth (whitespace removed)")
    print(f"{'page':<26}{head}")
    print(f"{'':<26}{sub}")
    for page, per in results["full_text"].items():
        cells = "".join(
            f" | {per[n]['p']:.3f} {per[n]['r']:.3f} {per[n]['f1']:.3f}" for n in EXTRACTORS
        )
        print(f"{page[:26]:<26}{cells}")
    means = results["full_text_mean"]
    cells = "".join(
        f" | {means[n]['p']:.3f} {means[n]['r']:.3f} {means[n]['f1']:.3f}" for n in EXTRACTORS
    )
    print(f"{'MEAN (' + str(len(results['full_text'])) + ' pages)':<26}{cells}")

    print("\nSnippets, trafilatura's truth: 'with' found / 'without' absent")
    print(f"{'page':<40}" + "".join(f" | {n:^13}" for n in EXTRACTORS))
    for page, per in results["snippets"].items():
        cells = "".join(
            f" | {per[n]['with_found']}/{per[n]['with_total']} + "
            f"{per[n]['without_absent']}/{per[n]['without_total']}  "
            for n in EXTRACTORS
        )
        print(f"{page[:40]:<40}{cells}")
    shares = results["snippets_share"]
    print(
        f"{'SHARE with / without':<40}"
        + "".join(f" | {shares[n]['with']:.2f} / {shares[n]['without']:.2f}" for n in EXTRACTORS)
    )
    for page, per in results["snippets"].items():
        for n in EXTRACTORS:
            for s in per[n]["missing"]:
                print(f"  {n}: {page}: missing {s!r}")
            for s in per[n]["leaked"]:
                print(f"  {n}: {page}: contains unwanted {s!r}")

    print("\nMetadata, trafilatura's truth (ok / got, want)")
    for page, per in results["metadata"].items():
        for n, fields in per.items():
            line = "; ".join(
                f"{k} {'ok' if v['ok'] else 'NO'} ({v['got']!r} vs {v['want']!r})"
                if not v["ok"]
                else f"{k} ok"
                for k, v in fields.items()
            )
            print(f"  {page[:40]:<40} {n:<12} {line}")

    print("\nAgreement with another tool's output, NOT human truth (character F1 vs that output)")
    for page, per in results["agreement"].items():
        tool = per["tool"]["name"]
        cells = "".join(f" | {n} {per[n]['f1']:.3f}" for n in EXTRACTORS)
        print(f"  {page[:36]:<36} vs {tool}'s output{cells}")

    print("\nPages without truth: our page kind and characters each extractor returned")
    for page, row in results["no_truth"].items():
        cells = "".join(f" | {n} {row[n]:>6}" for n in EXTRACTORS)
        print(f"  {page[:40]:<40} kind={row['kind']:<8}{cells}")

    for n, errs in results["errors"].items():
        for page, err in errs.items():
            print(f"ERROR {n} on {page}: {err}")


def main(argv: list[str] | None = None) -> int:
    """Run every extractor on every page once and print (or emit as JSON) the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", help="the real-pages folder (with manifest.tsv)")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("--diff", metavar="FILE", help="show ours vs truth text for one page")
    args = parser.parse_args(argv)
    folder = check_folder(args.folder)
    pages = real_pages(folder)
    if args.diff:
        pages = [p for p in pages if p.name == args.diff]
        if not pages:
            print(f"accuracy.py: no such page in the manifest: {args.diff}", file=sys.stderr)
            return 2
    texts, errors = run_all(pages)
    if args.diff:
        show_diff(pages[0], folder, texts)
        return 0

    full = full_text_scores(folder, pages, texts)
    snippets = snippet_scores(folder, pages, texts)
    agreement = agreement_scores(folder, pages, texts)
    covered = set(full) | set(snippets) | set(agreement)
    results: dict[str, Any] = {
        "full_text": full,
        "full_text_mean": {
            n: {k: mean([per[n][k] for per in full.values()]) for k in ("p", "r", "f1")}
            for n in EXTRACTORS
        },
        "snippets": snippets,
        "snippets_share": {
            n: {
                "with": sum(p[n]["with_found"] for p in snippets.values())
                / max(1, sum(p[n]["with_total"] for p in snippets.values())),
                "without": sum(p[n]["without_absent"] for p in snippets.values())
                / max(1, sum(p[n]["without_total"] for p in snippets.values())),
            }
            for n in EXTRACTORS
        },
        "metadata": metadata_scores(folder, pages),
        "agreement": agreement,
        "no_truth": no_truth_summary(pages, texts, covered),
        "errors": errors,
    }
    if args.json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:
        raise SystemExit(0) from None
    except Exception:
        traceback.print_exc()
        raise SystemExit(1) from None
