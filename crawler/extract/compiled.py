"""The compiled part of the extractor where the install built it, else None.

_compiled_walk.pyx (Cython over lxml's C API) cuts the page into blocks, folds whitespace and
counts punctuation several times faster than the Python it mirrors, and makes blocks.py's
other passes over a page (hiding attributes, link targets, a button's words) without an XPath
or an lxml proxy per element. blocks.python_walk, text.python_fold,
text.python_punctuation_count and blocks.py's XPath and itertext readings stay the reference
and the fallback, and tests/test_compiled_walk.py checks that both give the same results.
REPORT_ARCHIVER_PURE_PYTHON=1 leaves it unused (to compare the two, or to rule it out).
"""

from __future__ import annotations

import os

try:
    if os.environ.get("REPORT_ARCHIVER_PURE_PYTHON"):
        raise ImportError("REPORT_ARCHIVER_PURE_PYTHON is set")
    from . import _compiled_walk as native
except ImportError:  # not built (no C compiler at install), or set aside
    native = None  # type: ignore[assignment]

# What the benchmarks print, so that a figure says which code produced it.
KIND = "pure Python" if native is None else "compiled"
