"""Suggested events from news: store, merge, review (accept, edit, reject).

* :func:`suggest_from_article` reads an article (``risk.news``) and stores each
  reading as a *pending* suggestion. A reading of an episode already suggested
  (same custodian and category within a few days, similar figure) is merged
  into that suggestion, which gains the new source; one matching a suggestion
  the user already reviewed is dropped (a rejection is remembered, so feeds do
  not bring it back; an accepted one is already an event); one matching a
  known event gets ``duplicate_of`` = that event's id.
* Pending and rejected suggestions are not events: nothing in the risk engine
  reads this table, so they never move a warning.
* :func:`accept` turns a suggestion (optionally edited) into one of the user's
  events, validated like any other, with its source URLs and ``published`` (the
  earliest article's date, so warnings move from then on); :func:`reject`
  marks it rejected.

Threading: call with the calling thread's own :class:`ProfileStore`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from exposure_app.domain.timeutil import utc_now
from exposure_app.risk.events import CATEGORIES, Category, EventError, RiskEvent, valid_url
from exposure_app.risk.news.reader import NewsError, read_article
from exposure_app.risk.news.suggestion import (
    Status,
    Suggestion,
    duplicate_event,
    matches,
)
from exposure_app.services import risk_service
from exposure_app.services.news_fetch import ArticleText
from exposure_app.storage.store import ProfileStore
from exposure_app.storage.suggestions import SuggestionRepository

MAX_SUMMARY = 2000


class SuggestionError(Exception):
    """A suggestion cannot be made, accepted or rejected; one line says why."""


@dataclass(frozen=True, slots=True)
class SuggestOutcome:
    """What reading one article did: new suggestions, ones it added a source to, and
    readings dropped because the user had already accepted or rejected that episode."""

    added: tuple[Suggestion, ...]
    merged: tuple[Suggestion, ...]
    already_reviewed: int

    @property
    def suggestions(self) -> tuple[Suggestion, ...]:
        return (*self.added, *self.merged)


def repository(store: ProfileStore) -> SuggestionRepository:
    return SuggestionRepository(store)


def suggest_from_article(store: ProfileStore, article: ArticleText, *,
                         published: date | None = None) -> SuggestOutcome:
    """Read ``article`` and store its suggestions (one transaction).

    ``published`` overrides the article's own date; one of the two is required,
    because relative dates ("on Tuesday") are read against it.
    """
    day = published or article.published
    if day is None:
        raise SuggestionError(f"{article.source}: its publication date is unknown; "
                              "give it (--published YYYY-MM-DD)")
    if day > utc_now().date():
        raise SuggestionError(f"publication date {day} is in the future")
    directory = store.risk.directory()
    try:
        candidates = read_article(article.text, published=day, title=article.title,
                                  names={cp.id: cp.name for cp in directory})
    except NewsError as exc:
        raise SuggestionError(f"{article.source}: {exc}") from None
    repo = repository(store)
    known = risk_service.stored_and_shipped_events(store)
    added: list[Suggestion] = []
    merged: dict[int, Suggestion] = {}
    reviewed_count = 0
    with store.transaction():
        pending = repo.list(Status.PENDING)
        reviewed = repo.list(Status.REJECTED) + repo.list(Status.ACCEPTED)
        for candidate in candidates:
            suggestion = Suggestion.from_candidate(candidate, article.source)
            if any(matches(suggestion, r) for r in reviewed):
                reviewed_count += 1
                continue
            target = next((p for p in pending if matches(suggestion, p)), None)
            if target is not None:
                combined = target.with_source(suggestion)
                repo.update(combined)
                pending = [combined if p.id == combined.id else p for p in pending]
                merged[combined.id] = combined
                continue
            duplicate = duplicate_event(suggestion, known)
            if duplicate is not None:
                suggestion = replace(suggestion, duplicate_of=duplicate.id)
            stored = repo.add(suggestion)
            pending.append(stored)
            added.append(stored)
    return SuggestOutcome(tuple(added), tuple(m for m in merged.values()
                                              if m.id not in {a.id for a in added}),
                          reviewed_count)


def pending(store: ProfileStore) -> list[Suggestion]:
    return repository(store).list(Status.PENDING)


def _pending(store: ProfileStore, suggestion_id: int) -> Suggestion:
    suggestion = repository(store).get(suggestion_id)
    if suggestion.status is not Status.PENDING:
        raise SuggestionError(f"suggestion {suggestion_id} was already {suggestion.status.value}")
    return suggestion


def _event_id(store: ProfileStore, suggestion: Suggestion) -> str:
    base = (f"news-{suggestion.date.isoformat()}-{suggestion.counterparty}-"
            f"{suggestion.category.value}").replace("_", "-")
    candidate, n = base, 1
    taken = {e.id for e in risk_service.stored_and_shipped_events(store)}
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def accept(store: ProfileStore, suggestion_id: int, *, day: date | None = None,
           category: str | None = None, amount_usd: Decimal | None = None,
           counterparty: str | None = None, title: str | None = None,
           sources: tuple[str, ...] = ()) -> RiskEvent:
    """Make the suggestion (with any edits) one of the user's events; returns the event.

    The event keeps the suggestion's source URLs (plus any given); a suggestion
    read from pasted text or a file has none, so a URL must be given.
    """
    suggestion = _pending(store, suggestion_id)
    if category is not None and category not in CATEGORIES:
        raise SuggestionError(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
    edited = replace(
        suggestion,
        date=day or suggestion.date,
        category=Category(category) if category else suggestion.category,
        amount_usd=amount_usd if amount_usd is not None else suggestion.amount_usd,
        counterparty=(store.risk.directory().resolve(counterparty) if counterparty
                      else suggestion.counterparty),
        title=title.strip() if title and title.strip() else suggestion.title,
        sources=tuple(dict.fromkeys((*sources, *suggestion.sources))),
    )
    urls = [s for s in edited.sources if valid_url(s)]
    if not urls:
        raise SuggestionError(
            f"suggestion {suggestion_id} came from {', '.join(edited.sources)}, which is not a "
            "web address; give the article's URL (--source URL) so the event stays sourced")
    summary = (f"Read from news ({edited.published.isoformat()}): {edited.evidence}")
    raw = {
        "id": _event_id(store, edited), "date": edited.date.isoformat(),
        "counterparty": edited.counterparty, "category": edited.category.value,
        "title": edited.title, "summary": summary[:MAX_SUMMARY], "sources": urls[:10],
        # Warnings move from when the news became public, not from the event's date.
        "published": edited.published.isoformat(),
        "published_note": "publication date of the earliest article it was read from",
    }
    if edited.amount_usd is not None:
        raw["magnitude_usd"] = str(edited.amount_usd)
    try:
        event = risk_service.validate_user_event(raw)
    except EventError as exc:
        raise SuggestionError(f"suggestion {suggestion_id} not accepted: {exc}") from None
    with store.transaction():
        store.risk.add_user(event)
        repository(store).update(replace(edited, status=Status.ACCEPTED, event_id=event.id))
    return event


def reject(store: ProfileStore, suggestion_id: int) -> Suggestion:
    """Mark the suggestion rejected; the same episode will not be suggested again."""
    suggestion = replace(_pending(store, suggestion_id), status=Status.REJECTED)
    repository(store).update(suggestion)
    return suggestion
