"""Changing the base currency converts the stored figures, or refuses saying why.

Every snapshot records the currency of its prices and values
(``snapshots.currency``, migration 11). Changing the base currency used to
relabel figures stored in USD as EUR; now :func:`change_base_currency`
converts each snapshot at the rate of its own day from the cached daily
closes (``services.price_lookup``: e.g. EUR/USD, EUR/USDT or USDT/EUR), in one
transaction together with the profile's value currency, and only then saves
the setting. When a rate is missing for any day, nothing changes and the
error names the days (a price update while online fetches them).

Threading: runs on the thread that owns ``store`` (the CLI thread, or the
GUI thread's store from the settings page).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from exposure_app.domain.money import mul
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.price_lookup import MarketPrices, PricePoint
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


class BaseCurrencyError(ValueError):
    """The change cannot be made; the message says why. Nothing was changed."""


@dataclass(frozen=True, slots=True)
class CurrencyChange:
    old: str
    new: str
    converted_snapshots: int


def _rate_day(taken_at: datetime, today: date) -> date | None:
    day = taken_at.astimezone(UTC).date()
    return None if day >= today else day


def change_base_currency(store: ProfileStore, settings: Settings, new: str,
                         *, now: datetime | None = None) -> CurrencyChange:
    """Convert every stored figure to ``new`` and save it as the base currency."""
    Settings.declared()["base_currency"].coerce(new)   # an unknown currency is refused first
    now = now or utc_now()
    old = settings.base_currency
    rows = store.db.execute(
        "SELECT id, taken_at, currency FROM snapshots WHERE usable = 1 AND currency != ?", [new]
    ).fetchall()
    prices = MarketPrices.load(store, now, {c for _i, _t, c in rows} | {new})
    rates: dict[tuple[str, date | None], PricePoint | None] = {}
    missing: dict[str, set[date]] = defaultdict(set)
    for _id, taken_at, currency in rows:
        day = _rate_day(datetime.fromisoformat(taken_at), now.date())
        key = (currency, day)
        if key not in rates:
            rates[key] = prices.rate(currency, new, day) if day else prices.price(currency, new)
        if rates[key] is None:
            missing[currency].add(day or now.date())
    if missing:
        parts = []
        for currency, days in sorted(missing.items()):
            ordered = sorted(days)
            span = ordered[0].isoformat() + (f" … {ordered[-1].isoformat()}"
                                              if len(ordered) > 1 else "")
            parts.append(f"{currency}→{new} on {len(ordered)} day(s) ({span})")
        raise BaseCurrencyError(
            f"base currency not changed to {new}: stored figures need a rate that is not "
            f"cached: {'; '.join(parts)}. Run 'prices update' while online (price sources "
            f"must list a {new} market), then try again."
        )
    with store.transaction():
        for snapshot_id, taken_at, currency in rows:
            rate = rates[(currency, _rate_day(datetime.fromisoformat(taken_at), now.date()))]
            assert rate is not None
            factor = rate.price
            snapshot = store.snapshots.get(snapshot_id)
            assert snapshot is not None
            holdings = [
                replace(h, price=None if h.price is None else mul(h.price, factor),
                        value=None if h.value is None else mul(h.value, factor))
                for h in snapshot.holdings
            ]
            store.snapshots.reprice(snapshot_id, holdings, currency=new)
        store.db.execute(
            "UPDATE snapshots SET currency = ? WHERE usable = 0 AND currency != ?", [new, new])
        store.set_meta(store.VALUE_CURRENCY_KEY, new)
    settings.base_currency = new
    settings.save()
    return CurrencyChange(old, new, len(rows))


def currency_mismatch(store: ProfileStore, base: str) -> str | None:
    """Why figures would be shown under the wrong label, or ``None``.

    A profile whose base currency was changed before snapshots recorded their
    currency holds USD figures under another setting; this says so, and how
    to convert them, instead of relabelling them silently.
    """
    stored = [r[0] for r in store.db.execute(
        "SELECT DISTINCT currency FROM snapshots WHERE usable = 1 AND currency != ?", [base])]
    if not stored:
        return None
    return (f"Some stored figures are in {', '.join(sorted(stored))}, not {base}: they are "
            f"not comparable until converted. Set the base currency to {base} again to convert "
            "them at each day's cached rate (a price update fetches the rates).")
