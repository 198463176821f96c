"""Methods marked by a decorator are found in definition order, bases first."""

from __future__ import annotations

from exposure_app.domain.method_marks import MethodMarks

MARKS: MethodMarks[str] = MethodMarks()


def marked(label: str):
    def mark(function):
        MARKS.mark(function, label)
        return function
    return mark


class Base:
    @marked("first")
    def a(self) -> str:
        return "base a"

    def plain(self) -> str:
        return "plain"

    @marked("second")
    def b(self) -> str:
        return "base b"


class Child(Base):
    @marked("replaced")
    def a(self) -> str:
        return "child a"

    def b(self) -> str:   # defined again without the mark: no longer listed
        return "child b"

    @marked("third")
    def c(self) -> str:
        return "child c"


def test_marks_come_in_definition_order_and_bind_to_the_instance() -> None:
    assert [(label, method()) for label, method in MARKS.on(Base())] == [
        ("first", "base a"), ("second", "base b")]


def test_a_subclass_replaces_its_bases_methods_in_their_place() -> None:
    assert [(label, method()) for label, method in MARKS.on(Child())] == [
        ("replaced", "child a"), ("third", "child c")]
    assert MARKS.get(Base.plain) is None
