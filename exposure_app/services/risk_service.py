"""Risk use cases: events from every origin, derived outflow signals, warnings as of a date.

* Events = the shipped history + the user's events + feed events + ``outflow_surge``
  events derived from cached reserve data (recomputed for each "as of", using
  only data points dated on or before it).
* :func:`warnings_as_of` is what the CLI, the GUI and the checklist call.
* User event changes go through :func:`add_user_event`, :func:`edit_user_event`,
  :func:`remove_user_event` and :func:`import_user_events`; an id used by the
  shipped history is refused (the shipped history is never overwritten).

Threading: call with the calling thread's own :class:`ProfileStore`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.exposure import ExposureReport
from exposure_app.domain.timeutil import utc_now
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.event_io import (
    EventFileError,
    format_for,
    load_shipped_events,
    read_events_file,
)
from exposure_app.risk.events import (
    EntryProblem,
    EventError,
    EventSetError,
    Origin,
    RiskEvent,
    parse_event,
)
from exposure_app.risk.links import (
    Link,
    LinkFileError,
    link_entries,
    load_shipped_links,
    parse_link_set,
)
from exposure_app.risk.outflows import OutflowThresholds, derive_outflow_events
from exposure_app.risk.own_counterparties import parse_own_counterparties
from exposure_app.risk.price_signals import ClosesSource, price_events
from exposure_app.risk.scoring import Level, RiskParameters
from exposure_app.risk.warnings import WarningsReport, build_warnings
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.settings import Settings
from exposure_app.storage.events import ImportOutcome
from exposure_app.storage.store import ProfileStore

if TYPE_CHECKING:
    from exposure_app.risk.backtest import BacktestResult
    from exposure_app.services.reserve_feed import FetchResult

SHIPPED_ID_REASON = "is a shipped event; the shipped history cannot be replaced (use another id)"


def risk_parameters(settings: Settings) -> RiskParameters:
    return RiskParameters(
        escalation_window_days=settings.risk_escalation_window_days,
        score_low=float(settings.risk_score_low),
        score_medium=float(settings.risk_score_medium),
        score_high=float(settings.risk_score_high),
        concentration_cap=Level(settings.risk_concentration_cap),
        custodian_share_warning=float(settings.custodian_share_warning),
        custodial_share_warning=float(settings.custodial_share_warning),
        minor_exposure_share=float(settings.risk_minor_exposure_share),
    )


def outflow_thresholds(settings: Settings) -> OutflowThresholds:
    return OutflowThresholds(
        day1=settings.outflow_threshold_1d,
        day7=settings.outflow_threshold_7d,
        day30=settings.outflow_threshold_30d,
    )


def held_reserve_slugs(report: ExposureReport, directory: CounterpartyDirectory
                       ) -> dict[str, str]:
    """Counterparty id -> reserve slug for custodians holding assets for the user."""
    out = {}
    for row in report.counterparties:
        cp = directory.get(row.counterparty)
        if row.direct > 0 and cp is not None and cp.reserve_slug:
            out[cp.id] = cp.reserve_slug
    return out


def derived_events(store: ProfileStore, settings: Settings, slugs: Mapping[str, str],
                   as_of: datetime, directory: CounterpartyDirectory) -> list[RiskEvent]:
    events: list[RiskEvent] = []
    thresholds = outflow_thresholds(settings)
    for cp_id, slug in sorted(slugs.items()):
        cached = store.risk.cached_series(slug)
        if cached is None:
            continue
        cp = directory.get(cp_id)
        events.extend(derive_outflow_events(
            cached.series, counterparty=cp_id, counterparty_name=directory.name(cp_id),
            as_of=as_of, exclude=cp.affiliated_tokens if cp else (), thresholds=thresholds,
        ))
    return events


def refresh_held_reserves(store: ProfileStore, settings: Settings,
                          as_of: datetime | None = None) -> list[FetchResult]:
    """Fetch reserve data for the custodians holding the user's assets (network).

    Returns one :class:`~exposure_app.services.reserve_feed.FetchResult` per slug;
    failures are recorded and leave the cache as it was. Goes through the
    profile's proxy; raises ``ValueError`` (nothing fetched) when the proxy
    setting is unusable.
    """
    from exposure_app.services.network_proxy import proxy_for_requests
    from exposure_app.services.reserve_feed import refresh_slugs

    if not settings.outflow_signals_enabled:
        return []
    proxy = proxy_for_requests(settings)   # ValueError when the proxy setting is unusable
    directory = store.risk.directory()
    report = exposure_as_of(store, settings, as_of or utc_now(), directory)
    slugs = held_reserve_slugs(report, directory).values()
    return refresh_slugs(store, slugs, base_url=settings.reserve_data_url,
                         proxy=proxy, timeout=settings.sync_timeout_seconds)


def friction_derived_events(store: ProfileStore, report: ExposureReport | None,
                            as_of: datetime, directory: CounterpartyDirectory
                            ) -> list[RiskEvent]:
    """``withdrawal_friction`` events from the withdrawal status recorded at each sync, for
    exchanges holding the user's assets as of ``as_of`` (every exchange account when
    ``report`` is None); only records up to ``as_of`` are read."""
    from exposure_app.risk.withdrawal_friction import friction_events
    from exposure_app.storage.withdrawal_status_history import WithdrawalHistoryRepository

    held_at = None if report is None else {
        row.counterparty for row in report.counterparties if row.direct > 0}
    history = WithdrawalHistoryRepository(store)
    exchanges = {account.exchange_id for account in store.accounts.list()
                 if account.exchange_id and (
                     held_at is None or directory.resolve(account.exchange_id) in held_at)}
    events: list[RiskEvent] = []
    for exchange_id in sorted(exchanges):
        cp = directory.get(exchange_id)
        if cp is None:
            continue
        assets = store.snapshots.held_assets(as_of, exchange_id=exchange_id)
        snaps = history.snapshots(exchange_id, since=as_of - timedelta(days=60), until=as_of)
        events += friction_events(snaps, counterparty=cp, held=assets, as_of=as_of)
    return events


def friction_notes(store: ProfileStore, as_of: datetime,
                   directory: CounterpartyDirectory) -> dict[str, str]:
    """Counterparty -> a line on current withdrawal friction (for the checklist items)."""
    notes: dict[str, str] = {}
    day = as_of.astimezone(UTC).date()
    for event in friction_derived_events(store, None, as_of, directory):
        last = date.fromisoformat(event.data.get("last_day", event.date.isoformat()))
        if (day - last).days <= 7:
            findings = "; ".join(event.data.get("findings", [])[:3])
            notes[event.counterparty] = (f"withdrawal friction since {event.date.isoformat()}: "
                                         f"{findings}")
    return notes


def all_links(store: ProfileStore) -> list[Link]:
    """The shipped links and the user's own (``risk.links``)."""
    return [*load_shipped_links(), *store.risk.user_links()]


def stored_and_shipped_events(store: ProfileStore) -> list[RiskEvent]:
    return [*load_shipped_events(), *store.risk.list()]


def withdrawals_blocked(store: ProfileStore, as_of: datetime,
                        directory: CounterpartyDirectory | None = None, *,
                        ignore_ids_starting: str | None = None) -> dict[str, str]:
    """Custodians whose withdrawals cannot be expected to work as of ``as_of``
    (``risk.withdrawal_blocks``), from the shipped, feed and user events; events
    whose id starts with ``ignore_ids_starting`` are left out."""
    from exposure_app.risk.withdrawal_blocks import blocked_withdrawals

    events = stored_and_shipped_events(store)
    if ignore_ids_starting:
        events = [e for e in events if not e.id.startswith(ignore_ids_starting)]
    return blocked_withdrawals(events, directory or store.risk.directory(),
                               as_of.astimezone(UTC).date())


def warnings_as_of(store: ProfileStore, settings: Settings, as_of: datetime | None = None,
                   *, report: ExposureReport | None = None,
                   closes: ClosesSource | None = None) -> WarningsReport:
    """Warnings from snapshots and events dated on or before ``as_of`` (default now).

    ``report`` is the exposure as of the same instant if the caller already
    has it (the window computes it for the overview), so it is not read twice.
    ``closes`` (cached daily closes) adds own-token drawdown and depeg signals
    for the counterparties the user is exposed to; without it there are none.
    """
    as_of = as_of or utc_now()
    if report is not None and report.as_of != as_of:
        raise ValueError(f"the exposure report is as of {report.as_of}, not {as_of}")
    directory = store.risk.directory()
    if report is None:
        report = exposure_as_of(store, settings, as_of, directory)
    events = stored_and_shipped_events(store)
    if settings.outflow_signals_enabled:
        events += derived_events(store, settings, held_reserve_slugs(report, directory),
                                 as_of, directory)
    events += friction_derived_events(store, report, as_of, directory)
    if closes is not None:
        exposed = {row.counterparty for row in report.counterparties}
        exposed |= {issuer.issuer for issuer in report.issuers}
        events += price_events(closes, [cp for cp in directory if cp.id in exposed],
                               as_of.astimezone(UTC).date())
    return build_warnings(report, events, directory=directory, params=risk_parameters(settings),
                          links=all_links(store))


def list_events(store: ProfileStore, settings: Settings, *, counterparty: str | None = None,
                since: date | None = None, as_of: datetime | None = None) -> list[RiskEvent]:
    """All events published on or before ``as_of`` (default now), oldest first.

    Derived outflow events are included for held custodians with cached data.
    """
    as_of = as_of or utc_now()
    directory = store.risk.directory()
    events = [e for e in stored_and_shipped_events(store) if e.known_on(as_of.date())]
    if settings.outflow_signals_enabled:
        report = exposure_as_of(store, settings, as_of, directory)
        events += derived_events(store, settings, held_reserve_slugs(report, directory),
                                 as_of, directory)
    if counterparty is not None:
        wanted = directory.resolve(counterparty)
        events = [e for e in events if e.counterparty == wanted]
    if since is not None:
        events = [e for e in events if e.date >= since]
    return sorted(events, key=lambda e: (e.date, e.id))


def _reserved_ids() -> dict[str, str]:
    return {e.id: SHIPPED_ID_REASON for e in load_shipped_events()}


def validate_user_event(raw: Mapping[str, Any], directory: CounterpartyDirectory | None = None
                        ) -> RiskEvent:
    """Validate one user event; raises :class:`EventError` (shipped ids refused).

    ``directory``: the profile's (``store.risk.directory()``: the catalogue and the
    user's own counterparties); the shipped catalogue when not given."""
    problems: list[str] = []
    event = None
    try:
        now = utc_now()
        event = parse_event(raw, directory=directory or load_directory(), origin=Origin.USER,
                            today=now.date(), added_at=now)
    except EventError as exc:
        problems.extend(exc.problems)
    if raw.get("id") in _reserved_ids():
        problems.append(f"id {raw.get('id')!r} {SHIPPED_ID_REASON}")
    if problems or event is None:
        raise EventError(problems)
    return event


def add_user_event(store: ProfileStore, raw: Mapping[str, Any]) -> RiskEvent:
    event = validate_user_event(raw, store.risk.directory())
    store.risk.add_user(event)
    return event


def edit_user_event(
    store: ProfileStore, event_id: str, changes: Mapping[str, Any], *, clear: Iterable[str] = ()
) -> RiskEvent:
    """Apply ``changes`` (schema fields) to the user's event ``event_id``.

    A ``None`` in ``changes`` leaves that field as it is (the CLI's "not
    given"); the optional fields named in ``clear`` are removed (the GUI's
    emptied magnitude). The result is validated as a whole before it replaces
    the stored event; a rejected edit changes nothing.
    """
    from exposure_app.storage.errors import NotFoundError

    current = store.risk.get(event_id)
    if current is None or current.origin is not Origin.USER:
        raise NotFoundError(f"no event of yours with id {event_id!r} (shipped and feed events "
                            "cannot be edited)")
    merged = {**current.to_dict(), **{k: v for k, v in changes.items() if v is not None}}
    for name in clear:
        merged.pop(name, None)
    if merged.get("id") != event_id:
        raise EventError(["id: cannot be changed; remove the event and add a new one"])
    event = validate_user_event(merged, store.risk.directory())
    store.risk.replace_user(event)
    return event


def remove_user_event(store: ProfileStore, event_id: str) -> None:
    store.risk.remove_user(event_id)


def import_user_events(store: ProfileStore, path: Path) -> ImportOutcome:
    """Validate the whole file (counterparties, events, links), then add/update in one
    transaction; a bad file changes nothing."""
    from exposure_app.storage.errors import ConflictError

    reserved = _reserved_ids()
    reserved.update({e.id: "belongs to a feed event (use another id)"
                     for e in store.risk.list(origin=Origin.FEED)})
    now = utc_now()
    data = _json_object(path)
    own, directory = _own_counterparties_in(store, data, path.name)
    events = read_events_file(path, directory=directory, origin=Origin.USER,
                              today=now.date(), reserved_ids=reserved, added_at=now)
    links = _links_in(data, path.name, now, directory)
    try:
        with store.transaction():
            counterparties = None if own is None else store.risk.import_user_counterparties(own)
            outcome = store.risk.import_user(events, defaulted_at=now)
            return replace(
                outcome, counterparties=counterparties,
                links=None if links is None else store.risk.import_user_links(
                    links, defaulted_at=now))
    except ConflictError as exc:  # pragma: no cover - a race with a feed update
        raise EventSetError(path.name, [EntryProblem(0, None, (str(exc),))]) from None


def _json_object(path: Path) -> Mapping[str, Any] | None:
    """The top-level object of a JSON events file (None for CSV, a bare list or bad JSON,
    which :func:`read_events_file` reports)."""
    if format_for(path) != "json":
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, Mapping) else None


def _own_counterparties_in(store: ProfileStore, data: Mapping[str, Any] | None, what: str
                           ) -> tuple[list[dict[str, Any]] | None, CounterpartyDirectory]:
    """The file's ``counterparties`` validated against the catalogue and the user's other
    counterparties, and the directory events and links of the file are read with."""
    if data is None or "counterparties" not in data:
        return None, store.risk.directory()
    items = data["counterparties"]
    if not isinstance(items, list):
        raise EventFileError(f"{what}: \"counterparties\" must be a list")
    new_ids = {i.get("id") for i in items if isinstance(i, Mapping)}
    kept = [e for e in store.risk.user_counterparty_entries() if e.get("id") not in new_ids]
    _, base = parse_own_counterparties(enumerate(kept, start=1), base=load_directory(),
                                       what="stored counterparties")
    return parse_own_counterparties(enumerate(items, start=1), base=base,
                                    what=f"{what} (counterparties)")


def _links_in(data: Mapping[str, Any] | None, what: str, now: datetime,
              directory: CounterpartyDirectory) -> list[Link] | None:
    """The ``links`` of a JSON events file, validated as a whole (None: the file has none)."""
    if data is None or "links" not in data:
        return None
    reserved = {link.id: "is a shipped link; use another id" for link in load_shipped_links()}
    try:
        entries = link_entries(data, what)
    except LinkFileError as exc:
        raise EventFileError(str(exc)) from None
    return parse_link_set(entries, directory=directory, origin=Origin.USER, what=what,
                          today=now.date(), added_at=now, reserved_ids=reserved)


def catalogue_backtest(settings: Settings, *, start: date | None = None, end: date | None = None,
                       share: float = 0.2, calibrated: bool = True) -> BacktestResult:
    """``risk.backtest`` over the shipped catalogue and links, every custodial counterparty,
    with the user's risk settings as the starting parameters (no profile data is read)."""
    from exposure_app.risk.backtest import DEFAULT_END, DEFAULT_START, run_backtest
    from exposure_app.risk.catalog import load_details

    custodial = [cp for cp, details in load_details().items() if details.custody == "custodial"]
    return run_backtest(load_shipped_events(), load_shipped_links(), load_directory(),
                        start=start or DEFAULT_START, end=end or DEFAULT_END, share=share,
                        params=risk_parameters(settings), calibrated=calibrated,
                        custodians=custodial)
