"""Typed user preferences, declared once.

Preferences (base currency, thresholds, sync interval, ...) are plain JSON in
the profile folder (``settings.json``) so the CLI and the GUI share them
without Qt. Window state (geometry, splitters, header state) is *not* here:
the GUI keeps it apart in its own QSettings file. Secrets never go here.

Each setting is a :class:`Setting` descriptor on :class:`Settings`: its type,
default, bounds and a help text in one place. Unknown keys in the file are
kept as they are (a newer version may have written them); invalid values fall
back to the default and are reported in :attr:`Settings.problems`.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from exposure_app.domain.json_limits import loads_bounded
from exposure_app.domain.money import BASE_CURRENCIES, AmountError, parse_decimal, to_text
from exposure_app.domain.urls import split_credentials, validate_proxy_url

T = TypeVar("T")


def _check_price_sources(value: str) -> None:
    from exposure_app.exchanges.market_data import parse_price_sources  # ccxt-free, not small

    if not parse_price_sources(value):
        raise ValueError("price_sources: name at least one exchange (e.g. kraken)")
SETTINGS_NAME = "settings.json"


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    kind: type
    help: str
    minimum: Any = None
    maximum: Any = None
    choices: tuple[Any, ...] | None = None
    check: Any = None   # optional callable(value) raising ValueError with the reason
    internal: bool = False     # kept by the app itself, not shown as an editable preference

    def __set_name__(self, owner: type, name: str) -> None:
        owner._declared = {**getattr(owner, "_declared", {}), name: self}  # type: ignore[attr-defined]

    def __get__(self, instance: Settings | None, owner: type) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        return cast(T, instance._values.get(self.key, self.default))

    def __set__(self, instance: Settings, value: T) -> None:
        instance._values[self.key] = self.coerce(value)

    def coerce(self, raw: object) -> T:
        """Validate ``raw`` (from JSON or a form) into this setting's type."""
        value: Any
        if self.kind is Decimal:
            try:
                value = parse_decimal(raw, field=self.key)
            except AmountError as exc:
                raise ValueError(str(exc)) from None
        elif self.kind is bool:
            if not isinstance(raw, bool):
                raise ValueError(f"{self.key}: expected true or false")
            value = raw
        elif self.kind is int:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(f"{self.key}: expected a whole number")
            value = raw
        elif self.kind is str:
            if not isinstance(raw, str):
                raise ValueError(f"{self.key}: expected text")
            value = raw.strip()
        else:  # pragma: no cover - declaration error
            raise TypeError(self.kind)
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"{self.key}: {value!r} is not one of {', '.join(map(str, self.choices))}")
        if self.check is not None:
            self.check(value)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{self.key}: {value} is below {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{self.key}: {value} is above {self.maximum}")
        return cast(T, value)   # checked against self.kind above

    def to_json(self, value: T) -> object:
        return to_text(value) if isinstance(value, Decimal) else value


def check_bare_proxy_url(value: str) -> None:
    """A valid proxy URL (or none) without a user name or password (those belong in the
    keyring: :func:`exposure_app.services.network_proxy.set_proxy` puts them there)."""
    url = validate_proxy_url(value) or ""
    if split_credentials(url)[1] is not None:
        raise ValueError("proxy: a user name or password does not belong in settings.json; "
                         "set the proxy with `settings set proxy URL` to keep them in the keyring")


class Settings:
    """The profile's preferences. Threading: one instance per thread; call
    :meth:`load` again to see another thread's or process's saved changes."""

    _declared: dict[str, Setting[Any]]

    base_currency = Setting(
        "base_currency", "USD", str, "Currency all values are shown in.", choices=BASE_CURRENCIES
    )
    theme = Setting(
        "theme", "system", str, "Light or dark windows; system follows the desktop.",
        choices=("system", "light", "dark"),
    )
    custodian_share_warning = Setting(
        "custodian_share_warning",
        Decimal("0.25"),
        Decimal,
        "Warn when exposure to one counterparty (what it holds plus its tokens) exceeds this "
        "share of net worth.",
        minimum=Decimal(0),
        maximum=Decimal(1),
    )
    custodial_share_warning = Setting(
        "custodial_share_warning",
        Decimal("0.50"),
        Decimal,
        "Warn when custodians together hold more than this share of net worth.",
        minimum=Decimal(0),
        maximum=Decimal(1),
    )
    dust_threshold = Setting(
        "dust_threshold",
        Decimal("1"),
        Decimal,
        "Holdings worth less than this (in the base currency) count as dust.",
        minimum=Decimal(0),
    )
    sync_interval_minutes = Setting(
        "sync_interval_minutes",
        60,
        int,
        "Sync all accounts automatically every this many minutes (0 = off).",
        minimum=0,
        maximum=7 * 24 * 60,
    )
    sync_timeout_seconds = Setting(
        "sync_timeout_seconds", 30, int, "Give up on one account after this long.", 1, 600
    )
    proxy = Setting(
        "proxy", "", str,
        "Proxy for every request (exchanges, feeds, reserve data, prices): http://, https:// or "
        "socks5:// URL; a user name and password in it are kept in the keyring.",
        check=check_bare_proxy_url,
    )
    proxy_keyring_entry = Setting(
        "proxy_keyring_entry", "", str,
        "Name of the keyring entry holding the proxy's user name and password (not the secret).",
        internal=True,
    )
    price_sources = Setting(
        "price_sources", "kraken, binance", str,
        "Exchanges asked for public market prices, in order (fallbacks after the first); "
        "EXCHANGE=URL points one at another origin, e.g. binance=http://127.0.0.1:9000.",
        check=_check_price_sources,
    )
    events_feed_url = Setting("events_feed_url", "", str, "URL of an events feed (JSON).")
    news_feeds = Setting(
        "news_feeds", "", str,
        "News feeds (RSS or Atom) read for suggested events, separated by spaces.")
    news_feeds_enabled = Setting(
        "news_feeds_enabled", False, bool,
        "Read the news feeds on a timer and after each sync (nothing is fetched when off).")
    news_poll_minutes = Setting(
        "news_poll_minutes", 60, int,
        "While the app runs, read the news feeds this often (0 = only after a sync).",
        minimum=0, maximum=7 * 24 * 60)
    withdrawal_test_interval_days = Setting(
        "withdrawal_test_interval_days",
        90,
        int,
        "Remind to make a small test withdrawal this often (0 = off).",
        minimum=0,
        maximum=3650,
    )
    chain_api_urls = Setting(
        "chain_api_urls", "", str,
        "Servers for watched addresses per chain, when an address has none of its own, e.g. "
        "'bitcoin=http://umbrel.local:3006/api, ethereum=http://node.local:8545'.",
    )
    proof_of_keys_reminder = Setting(
        "proof_of_keys_reminder", False, bool,
        "Each year on 3 January (Proof of Keys day) prompt to withdraw what you can and "
        "verify it arrived.",
    )
    outflow_signals_enabled = Setting(
        "outflow_signals_enabled", True, bool, "Fetch public reserve data to detect outflow runs."
    )
    reserve_data_url = Setting(
        "reserve_data_url", "https://api.llama.fi", str,
        "Base URL of the public reserve data (DefiLlama API: /protocol/<slug>).",
    )
    # Risk model thresholds (defaults explained in docs/risk-model.md).
    outflow_threshold_1d = Setting(
        "outflow_threshold_1d", Decimal("0.05"), Decimal,
        "Net outflow in 1 day, as a share of clean assets, that counts as a surge.",
        minimum=Decimal("0.001"), maximum=Decimal(1),
    )
    outflow_threshold_7d = Setting(
        "outflow_threshold_7d", Decimal("0.08"), Decimal,
        "Net outflow in 7 days, as a share of clean assets, that counts as a surge.",
        minimum=Decimal("0.001"), maximum=Decimal(1),
    )
    outflow_threshold_30d = Setting(
        "outflow_threshold_30d", Decimal("0.12"), Decimal,
        "Net outflow in 30 days, as a share of clean assets, that counts as a surge.",
        minimum=Decimal("0.001"), maximum=Decimal(1),
    )
    risk_escalation_window_days = Setting(
        "risk_escalation_window_days", 30, int,
        "Outflows together with a halt or hack within this many days escalate a warning.",
        minimum=1, maximum=365,
    )
    risk_concentration_cap = Setting(
        "risk_concentration_cap", "medium", str,
        "Highest warning level concentration alone reaches.", choices=("info", "low", "medium"),
    )
    risk_minor_exposure_share = Setting(
        "risk_minor_exposure_share", Decimal("0.01"), Decimal,
        "Exposure below this share of net worth lowers an event warning by one level.",
        minimum=Decimal(0), maximum=Decimal(1),
    )
    risk_score_low = Setting(
        "risk_score_low", 10, int, "Event score from which a warning is 'low'.", 1, 1000
    )
    risk_score_medium = Setting(
        "risk_score_medium", 30, int, "Event score from which a warning is 'medium'.", 1, 1000
    )
    risk_score_high = Setting(
        "risk_score_high", 45, int,
        "Health score from which a custodian is 'distressed' (calibrated: docs/risk-model.md).",
        1, 1000
    )

    # Settings that depend on each other: each group must rise in this order
    # (strictly for the score levels; a longer outflow window needs at least the
    # shorter one's share). Checked by :meth:`inconsistencies` before saving.
    ORDERED_GROUPS: tuple[tuple[tuple[str, ...], bool], ...] = (
        (("risk_score_low", "risk_score_medium", "risk_score_high"), True),
        (("outflow_threshold_1d", "outflow_threshold_7d", "outflow_threshold_30d"), False),
    )

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self.problems: list[str] = []
        # Settings whose stored value was refused, with why: a refused proxy must not
        # silently become "no proxy" (see exposure_app.services.network_proxy).
        self.refused: dict[str, str] = {}
        # ... and the refused value itself, for an upgrade step that can still use it (an
        # older version's proxy login: exposure_app.services.url_login_upgrade)
        self.refused_values: dict[str, object] = {}
        self._unreadable = False    # the file exists but could not be read: never write over it
        self.moved_aside: Path | None = None

    @classmethod
    def declared(cls) -> dict[str, Setting[Any]]:
        return dict(cls._declared)

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        settings = cls(Path(data_dir) / SETTINGS_NAME)
        if settings.path is not None and settings.path.exists():
            try:
                raw = loads_bounded(settings.path.read_text(encoding="utf-8"),
                                    what=settings.path.name, max_depth=8)
            except (OSError, ValueError) as exc:
                settings.problems.append(f"{settings.path.name} could not be read ({exc}); "
                                         "defaults are used and the file is left as it is "
                                         "until a setting is saved (it is then kept as a "
                                         "dated copy beside it)")
                settings._unreadable = True
                raw = {}
            if not isinstance(raw, dict):
                settings.problems.append(f"{settings.path.name} is not a JSON object; ignored")
                settings._unreadable = True
                raw = {}
            by_key = {s.key: s for s in cls._declared.values()}
            for key, value in raw.items():
                setting = by_key.get(key)
                if setting is None:
                    settings._extra[key] = value
                    continue
                try:
                    settings._values[key] = setting.coerce(value)
                except ValueError as exc:
                    settings.problems.append(f"{exc}; using the default")
                    settings.refused[key] = str(exc)
                    settings.refused_values[key] = value
            for keys, problem in settings._group_problems():
                settings.problems.append(f"{problem}; the defaults of {', '.join(keys)} are used")
                for key in keys:
                    settings._values.pop(key, None)
        return settings

    def set(self, key: str, raw: object) -> None:
        """Validate and set one setting by its key; raises ``ValueError``."""
        for setting in self._declared.values():
            if setting.key == key:
                self._values[key] = setting.coerce(raw)
                self.refused.pop(key, None)
                return
        raise ValueError(f"unknown setting {key!r}")

    def inconsistencies(self) -> list[str]:
        """Why the current values contradict each other (empty when they do not)."""
        return [problem for _keys, problem in self._group_problems()]

    def _group_problems(self) -> list[tuple[tuple[str, ...], str]]:
        values = self.as_dict()
        found = []
        for keys, strict in self.ORDERED_GROUPS:
            for lower, upper in pairwise(keys):
                a, b = values[lower], values[upper]
                if (a >= b) if strict else (a > b):   # type: ignore[operator]
                    relation = "below" if strict else "at most"
                    found.append((keys, f"{lower} ({a}) must be {relation} {upper} ({b})"))
                    break
        return found

    def as_dict(self) -> dict[str, object]:
        return {s.key: s.to_json(s.__get__(self, type(self))) for s in self._declared.values()}

    def save(self) -> Path | None:
        """Write atomically (temp file + rename) so a crash never truncates it.

        Raises ``ValueError`` (nothing written) when settings contradict each
        other (:meth:`inconsistencies`), e.g. a low risk score above the high one.
        A file that could not be read when loaded (a syntax error, not an
        object) is first moved aside as ``settings.json.unreadable-<UTC time>``
        so the settings it held are not lost; that path is returned (and kept
        in :attr:`moved_aside`) for the caller to tell the user.
        """
        problems = self.inconsistencies()
        if problems:
            raise ValueError("; ".join(problems))
        if self.path is None:
            return None
        data = {**self._extra, **{
            s.key: s.to_json(self._values[s.key]) for s in self._declared.values()
            if s.key in self._values
        }}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._unreadable and self.path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
            os.replace(self.path, aside)
            self.moved_aside = aside
        self._unreadable = False
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.moved_aside
