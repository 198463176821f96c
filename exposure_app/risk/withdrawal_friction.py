"""Withdrawal friction from what the exchange itself says, compared with its own history.

At every sync the app records, per asset and network, whether the exchange
allows withdrawals and its fee, minimum and maximum (ccxt ``currencies``;
``services.withdrawal_network_refresh``). A snapshot signals friction when, against the
same custodian's snapshots of the previous ``history_days`` (a baseline is
required: without history nothing is compared):

* **custodian-wide pause**: at least ``wide_share`` of the known networks
  (and at least ``min_networks``) are disabled, while the baseline median share
  is under ``baseline_share`` (maintenance on one network is normal; most
  networks at once is not);
* **held coin blocked**: a coin the user holds there is disabled on every
  network in this snapshot and in the one before it (a one-off maintenance
  blip does not count);
* **limit cut**: a network's maximum withdrawal fell to at most
  ``1 - limit_cut`` of its baseline median;
* **fee or minimum jump**: at least ``jump`` times its baseline median.

Findings of one UTC day are one derived ``withdrawal_friction`` event,
published that day (when the app saw them); consecutive days are one episode.
Only snapshots at or before the as-of instant are read. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from statistics import median

from exposure_app.domain.counterparties import Counterparty
from exposure_app.domain.withdrawal_networks import NetworkInfo
from exposure_app.risk.events import Category, Origin, RiskEvent


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """What one exchange said at one refresh, per asset and network.

    The fields compared are ``withdraw_enabled``, ``fee``, ``minimum`` and ``maximum``
    of each :class:`~exposure_app.domain.withdrawal_networks.NetworkInfo`; the history
    keeps no others (they are ``None`` when read back).
    """

    at: datetime
    networks: tuple[NetworkInfo, ...]

    def disabled_share(self) -> tuple[int, int]:
        known = [n for n in self.networks if n.withdraw_enabled is not None]
        return sum(1 for n in known if n.withdraw_enabled is False), len(known)


@dataclass(frozen=True, slots=True)
class FrictionThresholds:
    history_days: int = 30
    wide_share: float = 0.5
    min_networks: int = 4
    baseline_share: float = 0.2
    limit_cut: Decimal = Decimal("0.5")
    jump: Decimal = Decimal(3)


def _median(values: Iterable[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return Decimal(median(known)) if known else None


def _findings(snap: StatusSnapshot, previous: StatusSnapshot | None,
              baseline: Sequence[StatusSnapshot], held: set[str],
              t: FrictionThresholds) -> list[str]:
    out: list[str] = []
    disabled, known = snap.disabled_share()
    shares = [d / k for d, k in (b.disabled_share() for b in baseline) if k]
    if (known >= t.min_networks and disabled / known >= t.wide_share and shares
            and median(shares) < t.baseline_share):
        out.append(f"withdrawals disabled on {disabled} of {known} networks (usually "
                   f"{median(shares) * 100:.0f}%)")
    if previous is not None:
        for asset in sorted(held):
            now = [n for n in snap.networks if n.asset == asset]
            before = [n for n in previous.networks if n.asset == asset]
            if now and before and all(n.withdraw_enabled is False for n in now + before):
                out.append(f"{asset} withdrawals disabled on every network since "
                           f"{previous.at:%Y-%m-%d %H:%M} UTC")
    for n in snap.networks:
        past = [p for b in baseline for p in b.networks
                if p.asset == n.asset and p.network == n.network]
        cap = _median(p.maximum for p in past)
        if n.maximum is not None and cap and n.maximum <= (1 - t.limit_cut) * cap:
            out.append(f"{n.asset} on {n.network}: maximum withdrawal cut to {n.maximum} "
                       f"(usually {cap.normalize()})")
        for what, value, usual in (("fee", n.fee, _median(p.fee for p in past)),
                                   ("minimum", n.minimum, _median(p.minimum for p in past))):
            if value is not None and usual and value >= t.jump * usual:
                out.append(f"{n.asset} on {n.network}: withdrawal {what} {value} "
                           f"(usually {usual.normalize()})")
    return out


def friction_events(snapshots: Iterable[StatusSnapshot], *, counterparty: Counterparty,
                    held: Iterable[str], as_of: datetime,
                    thresholds: FrictionThresholds = FrictionThresholds()) -> list[RiskEvent]:
    """Derived ``withdrawal_friction`` events from the snapshots taken up to ``as_of``."""
    snaps = sorted((s for s in snapshots if s.at <= as_of), key=lambda s: s.at)
    held_set = {a.upper() for a in held}
    by_day: dict[date, list[str]] = {}
    for i, snap in enumerate(snaps):
        since = snap.at - timedelta(days=thresholds.history_days)
        baseline = [b for b in snaps[:i] if b.at >= since]
        if not baseline:
            continue
        found = _findings(snap, snaps[i - 1], baseline, held_set, thresholds)
        if found:
            day = snap.at.astimezone(UTC).date()
            by_day.setdefault(day, [])
            by_day[day] += [f for f in found if f not in by_day[day]]
    episodes: list[list[tuple[date, list[str]]]] = []
    for day in sorted(by_day):
        if episodes and (day - episodes[-1][-1][0]).days <= 1:
            episodes[-1].append((day, by_day[day]))
        else:
            episodes.append([(day, by_day[day])])
    return [_event(counterparty, episode) for episode in episodes]


def _event(cp: Counterparty, episode: list[tuple[date, list[str]]]) -> RiskEvent:
    first = episode[0][0]
    findings = list(dict.fromkeys(f for _, fs in episode for f in fs))
    shown = "; ".join(findings[:6]) + ("; ..." if len(findings) > 6 else "")
    return RiskEvent(
        id=f"derived-{cp.id}-withdrawal-friction-{first.isoformat()}",
        date=first, counterparty=cp.id, category=Category.WITHDRAWAL_FRICTION,
        title=f"{cp.name}: withdrawal friction ({findings[0]})"[:200],
        summary=(f"What {cp.name} reported about withdrawals at your syncs, against its own "
                 f"previous 30 days: {shown}. Derived by Exposure, not reported by a "
                 "source.")[:2000],
        sources=(), origin=Origin.DERIVED,
        published=datetime.combine(first, time.min, UTC),
        data={"findings": findings[:20], "last_day": episode[-1][0].isoformat()},
    )
