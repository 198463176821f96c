"""Typed links between counterparties (``resources/links.json`` and the user's own).

A link says that ``counterparty`` is exposed to ``exposed_to``: when the latter
halts, becomes insolvent or defaults, the former is raised
(:mod:`exposure_app.risk.contagion`). ``owner_affiliate`` and
``shared_treasury`` are symmetric (applied both ways); the other types are
directional. Each link has real public sources and ``published``: when the
link became public knowledge; an as-of evaluation on day D reads only links
published on or before D (and not ended, ``until``, before D).

File shape: ``{"version": 1, "links": [...]}``, validated as a whole: a file
with one bad entry is refused entirely, listing every problem. Sizes are
bounded (file bytes, entry count, text lengths, source count) and the schema
is flat, so depth is bounded too.

Pure Python: parsing only; the caller reads the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Unpack

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.resource_locator import read_resource_text
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.entry_fields import (
    MAX_SUMMARY,
    MAX_TITLE,
    catalogue_party,
    check_format_version,
    entry_id,
    format_published,
    published_field,
    required_text,
    source_urls,
    unknown_fields,
)
from exposure_app.risk.events import EntrySetOptions, EventError, Origin, parse_entry_set

FORMAT_VERSION = 1
MAX_FILE_BYTES = 2_000_000
MAX_LINKS = 5_000
FIELDS = frozenset({
    "id", "counterparty", "exposed_to", "type", "strength", "since", "until", "published",
    "title", "summary", "sources",
})


class LinkType(StrEnum):
    OWNER_AFFILIATE = "owner_affiliate"
    LENDS_TO = "lends_to"
    BORROWS_FROM = "borrows_from"
    CUSTODY_PARTNER = "custody_partner"
    SHARED_TREASURY = "shared_treasury"


SYMMETRIC = frozenset({LinkType.OWNER_AFFILIATE, LinkType.SHARED_TREASURY})


class Strength(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class LinkError(EventError):
    """One link is invalid; ``problems`` lists every reason (an :class:`EventError`, so a
    set of links is validated by the same :func:`parse_entry_set` as events)."""


class LinkFileError(ValueError):
    """The text cannot be read as links at all (size, JSON, shape, version)."""


@dataclass(frozen=True, slots=True)
class Link:
    """``counterparty`` is exposed to ``exposed_to`` (see the module docstring)."""

    id: str
    counterparty: str
    exposed_to: str
    type: LinkType
    strength: Strength
    published: datetime
    title: str
    summary: str
    sources: tuple[str, ...]
    since: date | None = None
    until: date | None = None
    origin: Origin = Origin.SHIPPED

    @property
    def published_day(self) -> date:
        return self.published.date()

    def counts_on(self, day: date) -> bool:
        """Public on ``day`` and not known to have ended before it."""
        return self.published_day <= day and (self.until is None or self.until >= day)

    def directions(self) -> tuple[tuple[str, str], ...]:
        """``(exposed, source)`` pairs: who is raised when whom fails."""
        pairs: tuple[tuple[str, str], ...] = ((self.counterparty, self.exposed_to),)
        if self.type in SYMMETRIC:
            pairs += ((self.exposed_to, self.counterparty),)
        return pairs

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "counterparty": self.counterparty, "exposed_to": self.exposed_to,
            "type": self.type.value, "strength": self.strength.value,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "published": format_published(self.published),
            "title": self.title, "summary": self.summary, "sources": list(self.sources),
        }


def _date_or_none(raw: object, what: str, problems: list[str]) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    problems.append(f"{what}: expected YYYY-MM-DD or null, got {raw!r}")
    return None


def parse_link(raw: object, *, directory: CounterpartyDirectory, origin: Origin,
               today: date | None = None, added_at: datetime | None = None) -> Link:
    """Validate one link; raises :class:`LinkError`.

    ``published`` is required for shipped links; for the user's own a missing
    one becomes ``added_at``.
    """
    if not isinstance(raw, Mapping):
        raise LinkError([f"expected an object, got {type(raw).__name__}"])
    problems: list[str] = []
    unknown_fields(raw, FIELDS, problems)
    link_id = entry_id(raw, problems)
    counterparty = catalogue_party(raw, "counterparty", directory, problems)
    exposed_to = catalogue_party(raw, "exposed_to", directory, problems)
    if counterparty and counterparty == exposed_to:
        problems.append("exposed_to: a counterparty cannot be linked to itself")
    link_type = raw.get("type")
    if link_type not in {t.value for t in LinkType}:
        problems.append(f"type: {link_type!r} is not one of {', '.join(t.value for t in LinkType)}")
    strength = raw.get("strength")
    if strength not in {s.value for s in Strength}:
        problems.append(f"strength: {strength!r} is not one of high, medium, low")
    since = _date_or_none(raw.get("since"), "since", problems)
    until = _date_or_none(raw.get("until"), "until", problems)
    if since and until and until < since:
        problems.append("until: before since")
    published = published_field(
        raw, problems, added_at=added_at, today=today,
        missing="published: required (when the link became public)"
        if origin is Origin.SHIPPED or added_at is None else None)
    title = required_text(raw, "title", MAX_TITLE, problems, str.strip)
    summary = required_text(raw, "summary", MAX_SUMMARY, problems, str.strip)
    sources = source_urls(raw.get("sources"), problems)
    if problems:
        raise LinkError(problems)
    return Link(
        id=link_id, counterparty=counterparty, exposed_to=exposed_to,
        type=LinkType(str(link_type)), strength=Strength(str(strength)),
        published=published,  # type: ignore[arg-type]
        title=title, summary=summary, sources=sources,
        since=since, until=until, origin=origin,
    )


def parse_link_set(items: Iterable[tuple[int, object]], *, directory: CounterpartyDirectory,
                   origin: Origin, what: str, today: date | None = None,
                   added_at: datetime | None = None,
                   reserved_ids: Mapping[str, str] | None = None) -> list[Link]:
    """Validate numbered entries as a whole; raises
    :class:`~exposure_app.risk.events.EventSetError` listing every failed entry."""
    return parse_entry_set(
        items,
        lambda raw: parse_link(raw, directory=directory, origin=origin, today=today,
                               added_at=added_at),
        what=what, reserved_ids=reserved_ids)


def link_entries(data: object, what: str) -> list[tuple[int, object]]:
    """The numbered entries of a parsed ``{"version": 1, "links": [...]}`` object."""
    if not isinstance(data, Mapping):
        raise LinkFileError(f"{what}: expected {{\"version\": 1, \"links\": [...]}}")
    check_format_version(data, what, FORMAT_VERSION, LinkFileError)
    items = data.get("links", [])
    if not isinstance(items, list):
        raise LinkFileError(f"{what}: \"links\" must be a list")
    if len(items) > MAX_LINKS:
        raise LinkFileError(f"{what}: more than {MAX_LINKS} links")
    return list(enumerate(items, start=1))


def read_links_text(text: str, *, directory: CounterpartyDirectory, origin: Origin, what: str,
                    **options: Unpack[EntrySetOptions]) -> list[Link]:
    """Parse and validate a whole links file; raises :class:`LinkFileError` or
    :class:`~exposure_app.risk.events.EventSetError` (nothing partial is returned)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LinkFileError(f"{what}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise LinkFileError(f"{what}: not valid JSON ({str(exc)[:120]})") from None
    return parse_link_set(link_entries(data, what), directory=directory, origin=origin,
                          what=what, **options)


@cache
def load_shipped_links() -> tuple[Link, ...]:
    """``resources/links.json`` validated (every link needs ``published``); sorted by id.

    A checkout without the file has no links (the file is optional)."""
    try:
        text = read_resource_text("links.json")
    except FileNotFoundError:
        return ()
    links = read_links_text(text, directory=load_directory(), origin=Origin.SHIPPED,
                            what="resources/links.json")
    return tuple(sorted(links, key=lambda link: link.id))
