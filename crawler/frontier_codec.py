"""JSON for the requests in the Redis queue, instead of scrapy-redis's default pickle.

Whoever can write to the Redis server could otherwise make every worker run code of their
choosing when it unpickles a queued request. A request's dict (``Request.to_dict``) holds
only plain data: bytes (body, headers) are tagged base64, dicts with non-string keys (the
headers) become tagged pairs. Anything else in a queued request's meta is an error at
``dumps``, where it is cheap to see.
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES = "$bytes"
_PAIRS = "$pairs"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_PAIRS: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot queue a request holding a {type(value).__name__} in Redis")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_BYTES}:
            return base64.b64decode(value[_BYTES])
        if set(value) == {_PAIRS}:
            return {_decode(k): _decode(v) for k, v in value[_PAIRS]}
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(obj: Any) -> bytes:
    return json.dumps(_encode(obj), separators=(",", ":"), ensure_ascii=False).encode()


def loads(data: bytes | str) -> Any:
    return _decode(json.loads(data))
