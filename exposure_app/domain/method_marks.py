"""Methods marked by a decorator, found on an object's class in definition order.

Exchange adapters mark the method reading each wallet
(``exchanges.adapters.base.reads_wallet``) and emulators the handler serving each
route (``emulator.base.route``), so the thing and its declaration stand together
and a class has one place that lists them. :class:`MethodMarks` is the registry
such a decorator writes to; pure Python, no I/O.

Threading: marks are written while classes are defined (at import) and only
read afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import FunctionType, MethodType
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class MethodMarks(Generic[T]):
    """Marks (``T``) put on plain functions defined in class bodies."""

    def __init__(self) -> None:
        self._marks: dict[Callable[..., Any], T] = {}

    def mark(self, function: Callable[..., Any], value: T) -> None:
        self._marks[function] = value

    def get(self, function: Callable[..., Any]) -> T | None:
        return self._marks.get(function)

    def on(self, instance: object) -> Iterator[tuple[T, MethodType]]:
        """Each marked method of ``instance``'s class and its bases with its mark,
        bound to ``instance``, in definition order (bases first); a method a
        subclass defines again replaces its base's, marked or not."""
        methods: dict[str, FunctionType] = {}
        for klass in reversed(type(instance).__mro__):
            for name, member in vars(klass).items():
                if isinstance(member, FunctionType) and (member in self._marks
                                                         or name in methods):
                    methods[name] = member
        for function in methods.values():
            if function in self._marks:
                yield self._marks[function], MethodType(function, instance)
