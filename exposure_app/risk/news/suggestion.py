"""A suggested event: what the reader found, waiting for the user's review.

A suggestion never counts in a warning while it is pending or rejected; only
accepting it (``services.suggestions``) makes it one of the user's events.
:func:`same_episode` is the one rule for "these two readings describe the same
thing" (merging articles, spotting duplicates of known events, remembering
rejections).

Pure Python. Threading: records are frozen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from exposure_app.domain.money import to_text
from exposure_app.risk.entry_fields import MAX_SOURCES
from exposure_app.risk.events import Category, RiskEvent
from exposure_app.risk.news.reader import Candidate, Reading

EPISODE_DAYS = 3
"""Readings of one custodian and category this many days apart may be one episode."""
AMOUNT_RATIO = Decimal("1.35")
"""Two figures within this ratio of each other are "similar" (sources round differently)."""


class Status(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion(Reading):
    """One proposed event: a reading with its sources and review state; ``id`` is 0 until
    stored."""

    id: int
    status: Status
    sources: tuple[str, ...]
    duplicate_of: str | None = None
    event_id: str | None = None

    @classmethod
    def from_candidate(cls, candidate: Candidate, source: str) -> Suggestion:
        return cls(id=0, status=Status.PENDING, sources=(source,), **candidate.reading())

    def with_source(self, other: Suggestion) -> Suggestion:
        """This suggestion with ``other``'s sources and any figure it lacked (one episode)."""
        sources = tuple(dict.fromkeys((*self.sources, *other.sources)))[:MAX_SOURCES]
        changes: dict[str, Any] = {
            "sources": sources, "confidence": max(self.confidence, other.confidence),
            "published": min(self.published, other.published),
        }
        if self.amount_usd is None and other.amount_usd is not None:
            changes.update(amount_usd=other.amount_usd, period_days=other.period_days,
                           title=other.title)
        return replace(self, **changes)

    def body(self) -> dict[str, Any]:
        """The JSON stored beside the indexed columns."""
        return {
            "title": self.title, "evidence": self.evidence, "sources": list(self.sources),
            "confidence": self.confidence,
            "amount_usd": None if self.amount_usd is None else to_text(self.amount_usd),
            "period_days": self.period_days, "highlights": [list(h) for h in self.highlights],
            "duplicate_of": self.duplicate_of,
        }

    def to_dict(self) -> dict[str, Any]:
        """The public form (CLI ``--json``): the issue's fields plus ``id`` and ``status``."""
        out = {"id": self.id, "status": self.status.value, "counterparty": self.counterparty,
               "category": self.category.value, "date": self.date.isoformat(),
               "published": self.published.isoformat(), **self.body()}
        out.pop("highlights")
        if self.event_id:
            out["event_id"] = self.event_id
        return out

    @classmethod
    def from_row(cls, row: Mapping[str, Any], body: Mapping[str, Any]) -> Suggestion:
        amount = body.get("amount_usd")
        return cls(
            id=int(row["id"]), status=Status(row["status"]), counterparty=row["counterparty"],
            category=Category(row["category"]), date=date.fromisoformat(row["date"]),
            published=date.fromisoformat(row["published"]), title=str(body["title"]),
            evidence=str(body["evidence"]), sources=tuple(body.get("sources", ())),
            confidence=float(body.get("confidence", 0)),
            amount_usd=None if amount in (None, "") else Decimal(amount),
            period_days=body.get("period_days"),
            highlights=tuple((int(a), int(b)) for a, b in body.get("highlights", ())),
            duplicate_of=body.get("duplicate_of"), event_id=row.get("event_id"),
        )


def similar_amounts(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return True
    if a <= 0 or b <= 0:
        return a == b
    high, low = max(a, b), min(a, b)
    return high <= low * AMOUNT_RATIO


def same_episode(counterparty: str, category: Category, day: date, amount: Decimal | None,
                 other_counterparty: str, other_category: Category, other_day: date,
                 other_amount: Decimal | None) -> bool:
    """Same custodian and category, within :data:`EPISODE_DAYS`, and similar figures."""
    return (counterparty == other_counterparty and category == other_category
            and abs((day - other_day).days) <= EPISODE_DAYS
            and similar_amounts(amount, other_amount))


def matches(suggestion: Suggestion, other: Suggestion) -> bool:
    return same_episode(suggestion.counterparty, suggestion.category, suggestion.date,
                        suggestion.amount_usd, other.counterparty, other.category, other.date,
                        other.amount_usd)


def duplicate_event(suggestion: Suggestion, events: Iterable[RiskEvent]) -> RiskEvent | None:
    """A known event the suggestion repeats, if any (the closest in time)."""
    found = [e for e in events
             if same_episode(suggestion.counterparty, suggestion.category, suggestion.date,
                             suggestion.amount_usd, e.counterparty, e.category, e.date,
                             e.magnitude_usd)]
    return min(found, key=lambda e: abs((e.date - suggestion.date).days)) if found else None
