"""Risk events: what has happened to a counterparty, with its sources.

One record type serves the shipped history (``resources/events.json``), the
user's own events, events from a configured feed and the ``outflow_surge``
events derived from reserve data. :func:`parse_event` is the single
validator every path goes through, so an event that loads from the shipped
file, an import, a feed or the CLI obeys the same rules.

Pure Python: no storage, no network. Threading: all records are frozen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypedDict, TypeVar

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.frozen import freeze_fields
from exposure_app.domain.money import AmountError, parse_decimal, to_text
from exposure_app.domain.text import clean_line, clean_text
from exposure_app.risk.entry_fields import (
    MAX_SUMMARY,
    MAX_TITLE,
    catalogue_party,
    entry_id,
    published_field,
    required_text,
    source_urls,
    unknown_fields,
)

# Re-exported: the app reads and writes ``published`` and checks source URLs through here.
from exposure_app.risk.entry_fields import format_published as format_published
from exposure_app.risk.entry_fields import parse_published as parse_published
from exposure_app.risk.entry_fields import valid_url as valid_url


class Category(StrEnum):
    INSOLVENCY = "insolvency"
    WITHDRAWAL_HALT = "withdrawal_halt"
    HACK = "hack"
    OUTFLOW_SURGE = "outflow_surge"
    RESERVE_CONCERN = "reserve_concern"
    REGULATORY = "regulatory"
    DEPEG = "depeg"
    WITHDRAWAL_FRICTION = "withdrawal_friction"
    OWN_TOKEN_RELIANCE = "own_token_reliance"
    UNUSUAL_YIELD = "unusual_yield"
    KEY_PERSON = "key_person"
    COUNTERPARTY_DEFAULT = "counterparty_default"
    ASSET_FREEZE = "asset_freeze"
    TOKEN_DRAWDOWN = "token_drawdown"
    """Derived from prices only: the custodian's own token fell sharply."""


class Origin(StrEnum):
    SHIPPED = "shipped"
    """Part of the history that ships with the app (read-only)."""
    USER = "user"
    """Added, edited or imported by the user."""
    FEED = "feed"
    """Fetched from the events feed the user configured."""
    DERIVED = "derived"
    """Computed by the app from cached data (reserve flows, prices, withdrawal status)."""


CATEGORIES = tuple(c.value for c in Category)
FIELDS = (
    "id", "date", "published", "published_note", "scheduled", "counterparty", "category", "magnitude_usd",
    "title", "summary", "sources", "resolved",
)


_Entry = TypeVar("_Entry")


class EventError(ValueError):
    """One event is invalid; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Resolution:
    """When (by which date at the latest) an event stopped being a live problem."""

    date: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """One dated, sourced event about one counterparty.

    ``date`` is when it happened; ``published`` (aware UTC) when it became
    public, the earliest source's publication. As-of evaluation reads
    ``published``: the event counts on day D only if ``published_day <= D``.
    ``published`` before ``date`` only when ``scheduled`` (announced ahead).
    Left out (``None``) it becomes midnight UTC of ``date``.
    ``magnitude_usd`` is the headline figure the sources give (amount stolen,
    frozen, withdrawn or fined), approximate, in contemporaneous USD.
    ``data`` carries the figures behind a derived event (window, flow, share).
    """

    id: str
    date: date
    counterparty: str
    category: Category
    title: str
    summary: str
    sources: tuple[str, ...]
    magnitude_usd: Decimal | None = None
    resolved: Resolution | None = None
    origin: Origin = Origin.SHIPPED
    data: Mapping[str, Any] = field(default_factory=dict)
    published: datetime = None  # type: ignore[assignment]  # filled in __post_init__
    scheduled: bool = False
    published_note: str = ""
    """How ``published`` was established, where the sources alone do not show it."""

    def __post_init__(self) -> None:
        freeze_fields(self, mappings=("data",))
        if self.published is None:
            object.__setattr__(self, "published", datetime.combine(self.date, time.min, UTC))
        elif self.published.tzinfo is None:
            raise ValueError("published must be an aware UTC datetime")
        else:
            object.__setattr__(self, "published", self.published.astimezone(UTC))

    @property
    def published_day(self) -> dt.date:  # `date` in this class body is the field
        """The UTC day the event became public (the as-of test uses this)."""
        return self.published.date()

    def known_on(self, day: dt.date) -> bool:
        """True when the event was public on ``day`` (no look-ahead)."""
        return self.published_day <= day

    @property
    def is_derived(self) -> bool:
        return self.origin is Origin.DERIVED

    def resolved_by(self, day: dt.date) -> bool:
        """True when the event is known to be resolved on ``day`` (no look-ahead)."""
        return self.resolved is not None and self.resolved.date <= day

    def to_dict(self, *, with_origin: bool = False) -> dict[str, Any]:
        """The JSON form (same schema as the shipped file)."""
        out: dict[str, Any] = {
            "id": self.id,
            "date": self.date.isoformat(),
            "published": format_published(self.published),
            "counterparty": self.counterparty,
            "category": self.category.value,
            "title": self.title,
            "summary": self.summary,
            "sources": list(self.sources),
        }
        if self.published_note:
            out["published_note"] = self.published_note
        if self.scheduled:
            out["scheduled"] = True
        if self.magnitude_usd is not None:
            out["magnitude_usd"] = to_text(self.magnitude_usd)
        if self.resolved is not None:
            out["resolved"] = {"date": self.resolved.date.isoformat(), "note": self.resolved.note}
        if with_origin:
            out["origin"] = self.origin.value
            if self.data:
                out["data"] = dict(self.data)
        return out


def _parse_date(raw: object, what: str, problems: list[str]) -> date | None:
    if not isinstance(raw, str) or len(raw.strip()) != 10:
        problems.append(f"{what}: expected a date as YYYY-MM-DD, got {raw!r}")
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        problems.append(f"{what}: {raw!r} is not a valid date")
        return None


def parse_event(
    raw: object,
    *,
    directory: CounterpartyDirectory,
    origin: Origin,
    today: date | None = None,
    added_at: datetime | None = None,
) -> RiskEvent:
    """Validate one event in the shared schema; raises :class:`EventError`.

    The counterparty may be given by any id the catalogue knows (``okex``,
    ``binanceusdm``) and is stored under its canonical id. Dates after
    ``today`` are refused (an event cannot have happened in the future).

    ``published`` is required for shipped events. For any other origin a
    missing ``published`` becomes ``added_at`` (when the event was added or
    fetched), or midnight of ``date`` when no ``added_at`` is given (derived
    events, which are published the day their data was known).
    ``published`` may precede ``date`` only with ``"scheduled": true``.
    """
    if not isinstance(raw, Mapping):
        raise EventError([f"expected an object, got {type(raw).__name__}"])
    problems: list[str] = []
    unknown_fields(raw, (*FIELDS, "origin", "data"), problems)
    event_id = entry_id(raw, problems)
    day = _parse_date(raw.get("date"), "date", problems)
    if day is not None and today is not None and day > today:
        problems.append(f"date: {day} is in the future")
    scheduled = raw.get("scheduled", False)
    if not isinstance(scheduled, bool):
        problems.append(f"scheduled: expected true or false, got {scheduled!r}")
        scheduled = False
    published = published_field(
        raw, problems, added_at=added_at, today=today,
        missing="published: required (when the event became public)"
        if origin is Origin.SHIPPED else None)
    published_note = raw.get("published_note") or ""
    if not isinstance(published_note, str) or len(published_note) > MAX_SUMMARY:
        problems.append(f"published_note: text of at most {MAX_SUMMARY} characters")
        published_note = ""
    if published is not None and day is not None and published.date() < day and not scheduled:
        problems.append(f"published: {format_published(published)} is before the date "
                        f"{day}; only an event announced in advance (\"scheduled\": "
                        "true) may be published before it happened")

    canonical = catalogue_party(raw, "counterparty", directory, problems)

    category = raw.get("category")
    if category not in CATEGORIES:
        problems.append(f"category: {category!r} is not one of {', '.join(CATEGORIES)}")

    title = required_text(raw, "title", MAX_TITLE, problems, clean_line)
    summary = required_text(raw, "summary", MAX_SUMMARY, problems, clean_text)
    raw_sources = raw.get("sources")
    sources = source_urls(raw_sources.split() if isinstance(raw_sources, str) else raw_sources,
                          problems)

    magnitude = None
    raw_magnitude = raw.get("magnitude_usd")
    if raw_magnitude not in (None, ""):
        try:
            magnitude = parse_decimal(raw_magnitude, field="magnitude_usd")
            if magnitude < 0:
                problems.append("magnitude_usd: must not be negative")
        except AmountError as exc:
            problems.append(str(exc))

    resolution = None
    raw_resolved = raw.get("resolved")
    if raw_resolved not in (None, {}):
        if not isinstance(raw_resolved, Mapping):
            problems.append("resolved: expected an object with date and note")
        else:
            resolved_day = _parse_date(raw_resolved.get("date"), "resolved.date", problems)
            note = raw_resolved.get("note", "") or ""
            if not isinstance(note, str):
                problems.append("resolved.note: expected text")
                note = ""
            if resolved_day is not None and day is not None and resolved_day < day:
                problems.append("resolved.date: before the event's date")
            if resolved_day is not None and today is not None and resolved_day > today:
                problems.append("resolved.date: in the future")
            if resolved_day is not None:
                resolution = Resolution(resolved_day, clean_text(note))

    if problems:
        raise EventError(problems)
    return RiskEvent(
        id=event_id,
        date=day,  # type: ignore[arg-type]
        counterparty=canonical,
        category=Category(str(category)),
        title=title,
        summary=summary,
        sources=sources,
        magnitude_usd=magnitude,
        resolved=resolution,
        origin=origin,
        data=(raw.get("data") or {}) if origin is Origin.DERIVED else {},
        published=published,  # type: ignore[arg-type]  # None: midnight of date
        scheduled=scheduled,
        published_note=published_note.strip(),
    )


@dataclass(frozen=True, slots=True)
class EntryProblem:
    """Why entry number ``index`` (1-based; a line number for CSV) was refused."""

    index: int
    event_id: str | None
    problems: tuple[str, ...]

    def __str__(self) -> str:
        who = f" ({self.event_id})" if self.event_id else ""
        return f"entry {self.index}{who}: " + "; ".join(self.problems)


class EventSetError(ValueError):
    """A whole set of events was refused; nothing was changed."""

    def __init__(self, what: str, entries: list[EntryProblem]) -> None:
        lines = [f"{what}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} refused"]
        lines += [f"  {entry}" for entry in entries]
        super().__init__("\n".join(lines))
        self.entries = entries


class EntrySetOptions(TypedDict, total=False):
    """What a reader of a whole file passes on to :func:`parse_event_set` (or the links')."""

    today: date | None
    reserved_ids: Mapping[str, str] | None
    added_at: datetime | None


def parse_event_set(
    items: Iterable[tuple[int, object]],
    *,
    directory: CounterpartyDirectory,
    origin: Origin,
    what: str,
    today: date | None = None,
    reserved_ids: Mapping[str, str] | None = None,
    added_at: datetime | None = None,
) -> list[RiskEvent]:
    """Validate numbered entries as a whole; raises :class:`EventSetError` listing all failures.

    ``reserved_ids`` maps ids that may not be used to the reason (for example
    the shipped history's ids: a user or feed event never replaces them).
    Duplicate ids inside the set are refused too.
    """
    return parse_entry_set(
        items,
        lambda raw: parse_event(raw, directory=directory, origin=origin, today=today,
                                added_at=added_at),
        what=what, reserved_ids=reserved_ids)


def parse_entry_set(
    items: Iterable[tuple[int, object]],
    parse_one: Callable[[object], _Entry],
    *,
    what: str,
    reserved_ids: Mapping[str, str] | None = None,
) -> list[_Entry]:
    """Validate numbered entries as a whole with ``parse_one`` (events, links); raises
    :class:`EventSetError` listing every failed entry, with ids that are reserved or repeat
    inside the set. ``parse_one`` raises :class:`EventError` (or a subclass such as
    ``LinkError``) listing one bad entry's problems."""
    reserved_ids = reserved_ids or {}
    parsed: list[_Entry] = []
    failures: list[EntryProblem] = []
    seen: dict[str, int] = {}
    for index, raw in items:
        raw_id = raw.get("id") if isinstance(raw, Mapping) else None
        raw_id = raw_id if isinstance(raw_id, str) else None
        problems: list[str] = []
        entry: _Entry | None = None
        try:
            entry = parse_one(raw)
        except EventError as exc:
            problems.extend(exc.problems)
        if raw_id is not None:
            if raw_id in reserved_ids:
                problems.append(f"id {raw_id!r} {reserved_ids[raw_id]}")
            if raw_id in seen:
                problems.append(f"id {raw_id!r} repeats entry {seen[raw_id]}")
            else:
                seen[raw_id] = index
        if problems:
            failures.append(EntryProblem(index, raw_id, tuple(problems)))
        elif entry is not None:
            parsed.append(entry)
    if failures:
        raise EventSetError(what, failures)
    return parsed
