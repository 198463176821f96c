"""Time handling: every instant in the domain is an aware UTC ``datetime``.

Dates given by people ("2022-11-10") mean the *end* of that UTC day when used
as an "as of" bound, so that everything recorded on that day counts; and the
*start* of that day when used as a capture time for an import.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


class DateError(ValueError):
    """A text that should be an ISO 8601 date or date-time is not one."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted to UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_instant(text: str, *, end_of_day: bool = False) -> datetime:
    """Parse an ISO 8601 date or date-time into an aware UTC datetime.

    A bare date becomes midnight UTC, or the last microsecond of that day when
    ``end_of_day`` is true (the inclusive "as of" reading).
    """
    raw = text.strip()
    if not raw:
        raise DateError("empty date")
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            if end_of_day:
                return datetime.combine(day, time.max, tzinfo=UTC)
            return datetime.combine(day, time.min, tzinfo=UTC)
        return ensure_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        raise DateError(f"{text!r} is not an ISO 8601 date or date-time") from None


def to_storage(moment: datetime) -> str:
    """Fixed-width UTC text, so that text order equals time order in SQLite."""
    return ensure_utc(moment).isoformat(timespec="microseconds")


def from_storage(text: str) -> datetime:
    return datetime.fromisoformat(text)


def start_of_day(moment: datetime) -> datetime:
    moment = ensure_utc(moment)
    return datetime.combine(moment.date(), time.min, tzinfo=UTC)


def days_between(earlier: datetime, later: datetime) -> float:
    return (ensure_utc(later) - ensure_utc(earlier)) / timedelta(days=1)


def describe_age(taken_at: datetime, now: datetime) -> str:
    """How old a figure is, for labels: "12 min old", "5 h old", "3 days old"."""
    seconds = max(0.0, (now - taken_at).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)} min old"
    if seconds < 172800:
        return f"{int(seconds // 3600)} h old"
    return f"{int(seconds // 86400)} days old"


def format_age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago ``moment`` was, for people: ``5 min ago``, ``3 h ago``, ``2 days ago``;
    ``never`` for none. With ``now`` (an as-of date) counted from it and worded
    ``before``: ``2 days before``. The one wording of an age, in the GUI and the CLI."""
    if moment is None:
        return "never"
    ago = "ago" if now is None else "before"
    seconds = (ensure_utc(now or utc_now()) - ensure_utc(moment)).total_seconds()
    if seconds < 60:
        return "just now" if now is None else "at that time"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {ago}"
    if seconds < 86400 * 2:
        return f"{int(seconds // 3600)} h {ago}"
    return f"{int(seconds // 86400)} days {ago}"
