"""Counterparties of the user's own (custodians the catalogue lacks), in import files.

An events import/export JSON may carry ``"counterparties": [...]`` in the schema
of ``resources/counterparties.json`` (:func:`exposure_app.risk.catalog.parse_counterparty`).
The set is validated as a whole against the shipped catalogue: an id, ccxt id or
alias the catalogue (or another entry) already uses is refused, as is any
unknown field; at most :data:`MAX_COUNTERPARTIES` entries. Events and links in
the same file may then name them. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from exposure_app.domain.counterparties import Counterparty, CounterpartyDirectory
from exposure_app.risk.catalog import CatalogError, parse_counterparty
from exposure_app.risk.entry_fields import entry_id
from exposure_app.risk.events import EntryProblem, EventError, EventSetError, parse_entry_set

MAX_COUNTERPARTIES = 500
MAX_TEXT = 200


def parse_own_counterparties(items: Iterable[tuple[int, object]], *,
                             base: CounterpartyDirectory, what: str
                             ) -> tuple[list[dict[str, Any]], CounterpartyDirectory]:
    """The validated entries and ``base`` extended with them; raises
    :class:`~exposure_app.risk.events.EventSetError` listing every refused entry (through
    the same :func:`~exposure_app.risk.events.parse_entry_set` as events and links)."""
    items = list(items)
    if len(items) > MAX_COUNTERPARTIES:
        raise EventSetError(what, [EntryProblem(0, None, (
            f"counterparties: at most {MAX_COUNTERPARTIES}",))])
    parsed = parse_entry_set(items, lambda raw: _parse_own(raw, base), what=what)
    try:
        combined = CounterpartyDirectory([*base, *(cp for _, cp in parsed)])
    except ValueError as exc:
        raise EventSetError(what, [EntryProblem(0, None, (f"counterparties: {exc}",))]) from None
    return [entry for entry, _ in parsed], combined


def _parse_own(raw: object, base: CounterpartyDirectory) -> tuple[dict[str, Any], Counterparty]:
    """One entry, checked against ``base``; raises :class:`EventError` with every problem."""
    if not isinstance(raw, Mapping):
        raise EventError([f"expected an object, got {type(raw).__name__}"])
    problems: list[str] = []
    cp_id = entry_id(raw, problems)
    if cp_id and base.get(cp_id) is not None:
        problems.append(f"id: {cp_id!r} is already in the catalogue")
    too_long = [k for k, v in raw.items() if isinstance(v, str) and len(v) > MAX_TEXT]
    if too_long:
        problems.append(f"{', '.join(sorted(too_long))}: at most {MAX_TEXT} characters")
    counterparty = None
    try:
        counterparty = parse_counterparty(dict(raw))
    except CatalogError as exc:
        problems.append(str(exc))
    if problems or counterparty is None:
        raise EventError(problems)
    return dict(raw), counterparty
