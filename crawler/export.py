"""Write the archive's records out as datasets, streaming, never leaving a half-written file."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

FORMATS = ("jsonl",)


@contextmanager
def atomic_output(path: Path | None) -> Iterator[IO[str]]:
    """A text stream to path that appears there whole or not at all; stdout when path is None."""
    if path is None:
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_jsonl(records: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """One record a line, Chinese as characters; returns how many were written."""
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False))
        stream.write("\n")
        count += 1
    return count
