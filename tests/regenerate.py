"""Rewrite tests/fixtures/*/*/expected.json from the current extractor's output.

    python -m tests.regenerate                 # every article case
    python -m tests.regenerate site            # every case of one site
    python -m tests.regenerate site/case ...   # the named cases

Used only on request (`make fixtures-update`), which then shows the git diff: read it, and
commit only changes that are corrections. Expected records are hand-authored; this tool
exists to take over a deliberate, reviewed change of output, never to make a failing test pass.
"""

from __future__ import annotations

import json
import sys

from tests.test_fixtures import iter_cases, run_article


def main(argv: list[str]) -> int:
    cases = [c for c in iter_cases(argv or None) if c.kind == "article"]
    if argv and not cases:
        print(f"no article case matches {' '.join(argv)}", file=sys.stderr)
        return 2
    failed = 0
    for case in cases:
        try:
            record = run_article(case)
        except Exception as exc:  # report and carry on with the other cases
            print(f"{case.id}: extractor failed: {exc!r}", file=sys.stderr)
            failed += 1
            continue
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        old = case.expected_path.read_text(encoding="utf-8") if case.expected_path.exists() else ""
        if text != old:
            case.expected_path.write_text(text, encoding="utf-8")
            print(f"{case.id}: rewritten")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
