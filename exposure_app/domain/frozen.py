"""Frozen records that hold collections: the one way their fields are made immutable.

A frozen dataclass stops attribute assignment but not a caller mutating a list or
dict it passed in (or got back). Records that cross threads (the sync thread hands
them to the GUI) copy such fields in ``__post_init__`` with :func:`freeze_fields`:
sequences become tuples, mappings read-only copies (``None`` an empty one).

Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType


def freeze_fields(record: object, *, tuples: Iterable[str] = (), mappings: Iterable[str] = ()) -> None:
    """Replace ``record``'s ``tuples`` fields by tuples and its ``mappings`` fields by
    read-only copies; call it from a frozen dataclass's ``__post_init__``."""
    for name in tuples:
        object.__setattr__(record, name, tuple(getattr(record, name)))
    for name in mappings:
        object.__setattr__(record, name, MappingProxyType(dict(getattr(record, name) or {})))
