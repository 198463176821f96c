"""Field checks shared by every sourced catalogue entry: events and links.

An event (:mod:`exposure_app.risk.events`) and a link (:mod:`exposure_app.risk.links`)
are validated the same way wherever they come from (the shipped files, an import,
a feed, the CLI): each check appends its plain-language problems to the entry's
``problems`` list and returns the clean value (or a neutral one), so one pass over
an entry reports every reason it is refused.

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

from exposure_app.domain.counterparties import CounterpartyDirectory

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
MAX_TITLE = 200
MAX_SUMMARY = 2000
MAX_SOURCES = 10


def valid_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text


def format_published(moment: datetime) -> str:
    """``YYYY-MM-DD`` for midnight UTC, else ``YYYY-MM-DDTHH:MM:SSZ``."""
    moment = moment.astimezone(UTC)
    if moment.time() == time.min:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_published(raw: object) -> datetime:
    """``YYYY-MM-DD`` (midnight UTC) or ``YYYY-MM-DDTHH:MM:SSZ``; raises ``ValueError``."""
    if not isinstance(raw, str):
        raise ValueError(f"expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got {raw!r}")
    text = raw.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time.min, UTC)
    if len(text) == 20 and text.endswith("Z") and text[10] == "T":
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    raise ValueError(f"expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, got {raw!r}")


def check_format_version(document: Mapping[str, object], what: str, newest: int,
                         error: type[ValueError]) -> None:
    """Refuse (``error``) a file whose ``version`` is not a whole number up to ``newest``
    (a missing one is read as ``newest``)."""
    version = document.get("version", newest)
    if not isinstance(version, int) or version > newest:
        raise error(f"{what}: format version {version!r} is newer than this app reads ({newest})")


def unknown_fields(raw: Mapping[str, object], known: Collection[str], problems: list[str]) -> None:
    unknown = sorted(str(key) for key in raw if key not in known)
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")


def entry_id(raw: Mapping[str, object], problems: list[str]) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        problems.append(f"id: {value!r} must be 3-100 characters of a-z, 0-9, '.', '_' or '-'")
        return ""
    return value


def catalogue_party(raw: Mapping[str, object], key: str, directory: CounterpartyDirectory,
                    problems: list[str]) -> str:
    """The canonical id of the counterparty under ``key`` (any id the catalogue knows)."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key}: missing")
        return ""
    if directory.get(value) is None:
        problems.append(f"{key}: {value!r} is not in the catalogue")
        return ""
    return directory.resolve(value)


def required_text(raw: Mapping[str, object], key: str, limit: int, problems: list[str],
                  clean: Callable[[str], str]) -> str:
    """``clean`` of the text under ``key``: required (not blank once cleaned), at most ``limit``."""
    value = raw.get(key)
    if not isinstance(value, str) or not clean(value) or len(value) > limit:
        problems.append(f"{key}: required, at most {limit} characters")
        return ""
    return clean(value)


def source_urls(value: object, problems: list[str]) -> tuple[str, ...]:
    """One to :data:`MAX_SOURCES` http(s) URLs, stripped."""
    if not isinstance(value, list | tuple) or not value:
        problems.append("sources: at least one source URL is required")
        return ()
    if len(value) > MAX_SOURCES:
        problems.append(f"sources: at most {MAX_SOURCES}")
    for url in value:
        if not isinstance(url, str) or not valid_url(url):
            problems.append(f"sources: {url!r} is not an http(s) URL")
    return tuple(url.strip() for url in value if isinstance(url, str))


def published_field(raw: Mapping[str, object], problems: list[str], *, missing: str | None,
                    added_at: datetime | None, today: date | None) -> datetime | None:
    """When the entry became public: ``published`` (:func:`parse_published`, not after
    ``today``), else ``added_at`` (to the second), else ``None``; ``missing`` is the problem
    of an entry that must give it."""
    moment = _published_or_added(raw, problems, missing=missing, added_at=added_at)
    if moment is not None and today is not None and moment.date() > today:
        problems.append(f"published: {format_published(moment)} is in the future")
    return moment


def _published_or_added(raw: Mapping[str, object], problems: list[str], *, missing: str | None,
                        added_at: datetime | None) -> datetime | None:
    value = raw.get("published")
    if value not in (None, ""):
        try:
            return parse_published(value)
        except ValueError as exc:
            problems.append(f"published: {exc}")
            return None
    if missing is not None:
        problems.append(missing)
        return None
    return None if added_at is None else added_at.astimezone(UTC).replace(microsecond=0)
