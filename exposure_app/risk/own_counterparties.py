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

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.risk.catalog import CatalogError, parse_counterparty
from exposure_app.risk.entry_fields import ID_PATTERN
from exposure_app.risk.events import EntryProblem, EventSetError

MAX_COUNTERPARTIES = 500
MAX_TEXT = 200


def parse_own_counterparties(items: Iterable[tuple[int, object]], *,
                             base: CounterpartyDirectory, what: str
                             ) -> tuple[list[dict[str, Any]], CounterpartyDirectory]:
    """The validated entries and ``base`` extended with them; raises
    :class:`~exposure_app.risk.events.EventSetError` listing every refused entry."""
    items = list(items)
    if len(items) > MAX_COUNTERPARTIES:
        raise EventSetError(what, [EntryProblem(0, None, (
            f"counterparties: at most {MAX_COUNTERPARTIES}",))])
    entries: list[dict[str, Any]] = []
    failures: list[EntryProblem] = []
    parsed = []
    for index, raw in items:
        cp_id = raw.get("id") if isinstance(raw, Mapping) else None
        cp_id = cp_id if isinstance(cp_id, str) else None
        problems: list[str] = []
        if not isinstance(raw, Mapping):
            problems.append(f"expected an object, got {type(raw).__name__}")
        else:
            if cp_id is None or not ID_PATTERN.match(cp_id):
                problems.append(f"id: {cp_id!r} must be 3-100 characters of a-z, 0-9, '.', '_' "
                                "or '-'")
            elif base.get(cp_id) is not None:
                problems.append(f"id: {cp_id!r} is already in the catalogue")
            too_long = [k for k, v in raw.items() if isinstance(v, str) and len(v) > MAX_TEXT]
            if too_long:
                problems.append(f"{', '.join(sorted(too_long))}: at most {MAX_TEXT} characters")
            try:
                parsed.append(parse_counterparty(dict(raw)))
            except CatalogError as exc:
                problems.append(str(exc))
        if problems or not isinstance(raw, Mapping):   # no problems: it is a Mapping
            failures.append(EntryProblem(index, cp_id, tuple(problems)))
        else:
            entries.append(dict(raw))
    if failures:
        raise EventSetError(what, failures)
    try:
        combined = CounterpartyDirectory([*base, *parsed])
    except ValueError as exc:
        raise EventSetError(what, [EntryProblem(0, None, (f"counterparties: {exc}",))]) from None
    return entries, combined
