"""Envelope.all_pages: the one bounded page loop every adapter's paged list goes through."""

from __future__ import annotations

import asyncio

import pytest

from exposure_app.exchanges.errors import BadResponseError
from exposure_app.exchanges.validation import Envelope

ENVELOPE = Envelope("Test", max_pages=4)


def test_pages_are_read_until_the_exchange_gives_no_next_cursor() -> None:
    asked: list[object] = []

    async def page(number: int):
        asked.append(number)
        return [f"item {number}"], None if number == 3 else number + 1

    items = asyncio.run(ENVELOPE.all_pages(page, "Test list", first=1))
    assert items == ["item 1", "item 2", "item 3"]
    assert asked == [1, 2, 3]


def test_a_cursor_given_twice_is_a_loop_not_an_endless_read() -> None:
    async def page(cursor):
        return ["x"], "abc" if cursor is None else "def" if cursor == "abc" else "abc"

    with pytest.raises(BadResponseError, match=r"^Test list: the pages repeat \(cursor loop\)"):
        asyncio.run(ENVELOPE.all_pages(page, "Test list"))


def test_more_pages_than_declared_is_a_bad_answer() -> None:
    async def page(number: int):
        return [number], number + 1

    with pytest.raises(BadResponseError, match="more than 4 pages"):
        asyncio.run(ENVELOPE.all_pages(page, "Test list", first=1))
