"""JSON from outside (event files, feeds, reserve data, settings.json), bounded in depth.

``json.loads`` recurses once per nesting level: a document nested 100,000
levels deep ends in ``RecursionError`` (a crash, not a message). The C
decoder stops cleanly at the interpreter's recursion limit, so that error is
turned into a one-line :class:`JsonError`; what parses is then walked without
recursion and refused beyond :data:`MAX_DEPTH` levels, far more than any
document the app reads needs.

Pure functions, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

MAX_DEPTH = 64


class JsonError(ValueError):
    """Not JSON, or nested too deeply; ``str(exc)`` is one line."""


def loads_bounded(text: str | bytes, *, what: str, max_depth: int = MAX_DEPTH) -> object:
    try:
        data = json.loads(text)
    except RecursionError:
        raise JsonError(f"{what}: nested too deeply (more than {max_depth} levels)") from None
    except ValueError as exc:
        raise JsonError(f"{what}: not valid JSON ({str(exc)[:120]})") from None
    if depth_exceeds(data, max_depth):
        raise JsonError(f"{what}: nested too deeply (more than {max_depth} levels)")
    return data


def depth_exceeds(data: object, max_depth: int) -> bool:
    """Whether lists/objects in ``data`` nest more than ``max_depth`` levels (no recursion)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[object]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return False
