"""The risk model: documented rules and monotonicity properties (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure_app.domain.exposure import compute_exposure
from exposure_app.domain.models import (
    Account,
    AccountKind,
    AccountState,
    Holding,
    Snapshot,
    SnapshotStatus,
)
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.events import Category
from exposure_app.risk.scoring import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_SEVERITY,
    Level,
    RiskParameters,
    event_weight,
    score_events,
)
from exposure_app.risk.warnings import PORTFOLIO_ID, build_warnings

from .helpers import event

DIRECTORY = load_directory()
AS_OF = datetime(2024, 6, 30, 23, 59, tzinfo=UTC)
DAY = AS_OF.date()
PROPS = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def report(holdings: dict[str, dict[str, Decimal]], as_of: datetime = AS_OF):
    """``holdings``: counterparty id (or ``"self"``) -> asset -> value (price 1)."""
    states = []
    for index, (where, assets) in enumerate(sorted(holdings.items()), start=1):
        custodial = where != "self"
        account = Account(index, f"acct-{where}",
                          AccountKind.MANUAL_CUSTODIAL if custodial else AccountKind.SELF_CUSTODY,
                          where if custodial else None)
        snap = Snapshot(index, index, as_of - timedelta(days=1), SnapshotStatus.OK,
                        tuple(Holding.simple(a, v, price=Decimal(1)) for a, v in assets.items()))
        states.append(AccountState(account, snap))
    return compute_exposure(states, as_of=as_of, base_currency="USD", directory=DIRECTORY)


def level_of(events, holdings, cp="binance", as_of=AS_OF, params=None) -> int:
    result = build_warnings(report(holdings, as_of), events, directory=DIRECTORY,
                            params=params or RiskParameters())
    warning = result.for_counterparty(cp)
    return -1 if warning is None else warning.level.rank


CATS = [c.value for c in Category]
event_specs = st.tuples(
    st.sampled_from(CATS),
    st.integers(min_value=0, max_value=3000),            # age in days
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),   # resolved after
    st.one_of(st.none(), st.integers(min_value=1, max_value=20_000_000_000)),
)


def build(specs, cp="binance"):
    out = []
    for index, (cat, age, resolved_after, magnitude) in enumerate(specs):
        day = DAY - timedelta(days=age)
        resolved = None
        if resolved_after is not None:
            resolved = (day + timedelta(days=resolved_after)).isoformat()
        out.append(event(cp, day, cat, eid=f"e{index}-{cat}", resolved=resolved,
                         magnitude=str(magnitude) if magnitude else None))
    return out


holdings_st = st.fixed_dictionaries({
    "direct": st.integers(min_value=0, max_value=100_000),
    "bnb": st.integers(min_value=0, max_value=50_000),
    "other": st.integers(min_value=1, max_value=200_000),
})


def holdings_of(h) -> dict:
    out = {"self": {"BTC": Decimal(h["other"])}}
    if h["bnb"]:
        out["self"]["BNB"] = Decimal(h["bnb"])
    if h["direct"]:
        out["binance"] = {"USDC": Decimal(h["direct"])}
    return out


@PROPS
@given(st.lists(event_specs, max_size=5), event_specs, holdings_st)
def test_adding_an_event_never_lowers_the_level(specs, extra, h):
    events = build(specs)
    more = [*events, replace(build([extra])[0], id="extra-event")]
    assert level_of(more, holdings_of(h)) >= level_of(events, holdings_of(h))


@PROPS
@given(st.lists(event_specs, min_size=1, max_size=5), st.integers(0, 4), st.integers(1, 3000),
       holdings_st)
def test_a_more_recent_event_never_lowers_the_level(specs, which, shift, h):
    events = build(specs)
    which %= len(events)
    e = events[which]
    newer_day = min(DAY, e.date + timedelta(days=shift))
    moved = replace(e, date=newer_day, published=e.published + (newer_day - e.date),
                    resolved=None if e.resolved is None else replace(
        e.resolved, date=e.resolved.date + (newer_day - e.date)))
    newer = [*events[:which], moved, *events[which + 1:]]
    assert level_of(newer, holdings_of(h)) >= level_of(events, holdings_of(h))


@PROPS
@given(st.lists(event_specs, max_size=5), holdings_st, st.integers(1, 100_000),
       st.integers(0, 50_000))
def test_more_exposure_never_lowers_the_level(specs, h, more_direct, more_bnb):
    events = build(specs)
    bigger = {**h, "direct": h["direct"] + more_direct, "bnb": h["bnb"] + more_bnb}
    assert level_of(events, holdings_of(bigger)) >= level_of(events, holdings_of(h))


@PROPS
@given(st.lists(event_specs, min_size=1, max_size=5), st.integers(0, 4), holdings_st,
       st.sampled_from(CATS), st.integers(1, 20_000_000_000))
def test_a_more_severe_event_never_lowers_the_level(specs, which, h, new_cat, magnitude):
    events = build(specs)
    e = events[which % len(events)]
    old_cat, cat = e.category, Category(new_cat)
    # "More severe": heavier or equal weight and decaying no faster (see docs/risk-model.md).
    if not (DEFAULT_SEVERITY[cat] >= DEFAULT_SEVERITY[old_cat]
            and DEFAULT_HALF_LIFE_DAYS[cat] >= DEFAULT_HALF_LIFE_DAYS[old_cat]):
        cat = old_cat
    bigger = max(magnitude, int(e.magnitude_usd or 0))
    worse = replace(e, category=cat, magnitude_usd=Decimal(bigger))
    after = [worse if x is e else x for x in events]
    assert level_of(after, holdings_of(h)) >= level_of(events, holdings_of(h))


@PROPS
@given(st.lists(event_specs, max_size=5), st.lists(st.tuples(st.sampled_from(CATS),
       st.integers(1, 2000)), min_size=1, max_size=4), holdings_st)
def test_no_look_ahead_events_after_the_as_of_day_change_nothing(specs, future, h):
    events = build(specs)
    later = [event("binance", DAY + timedelta(days=d), c, eid=f"future-{i}")
             for i, (c, d) in enumerate(future)]
    a = build_warnings(report(holdings_of(h)), events, directory=DIRECTORY)
    b = build_warnings(report(holdings_of(h)), events + later, directory=DIRECTORY)
    assert a == b


def test_event_weights_follow_the_documented_model():
    params = RiskParameters()
    hack = event("binance", DAY - timedelta(days=365), "hack")
    assert abs(event_weight(hack, DAY, params) - 25.0) < 1e-9        # one half-life
    old_halt = event("binance", DAY - timedelta(days=3000), "withdrawal_halt")
    assert event_weight(old_halt, DAY, params) == 80.0                 # unresolved: no decay
    done = replace(old_halt, resolved=replace(event(resolved="2020-01-01").resolved))
    assert event_weight(done, DAY, params) < 1.0
    future = event("binance", DAY + timedelta(days=1), "insolvency")
    assert event_weight(future, DAY, params) == 0.0
    big = event("binance", DAY, "hack", magnitude="10000000000")
    assert event_weight(big, DAY, params) == 50.0 * 1.25


def test_outflows_with_a_halt_escalate():
    params = RiskParameters()
    outflow = event("okx", DAY - timedelta(days=3), "outflow_surge")
    halt = event("okx", DAY - timedelta(days=1), "withdrawal_halt", resolved=DAY.isoformat())
    alone = score_events([outflow], DAY, params).score + score_events([halt], DAY, params).score
    together = score_events([outflow, halt], DAY, params)
    assert together.escalated is not None
    assert together.score > alone * params.others_weight + max(
        score_events([outflow], DAY, params).score, score_events([halt], DAY, params).score)
    far = event("okx", DAY - timedelta(days=200), "outflow_surge")
    assert score_events([far, halt], DAY, params).escalated is None


def test_a_halted_custodian_holding_assets_is_critical_and_affiliated_only_is_not():
    halt = event("binance", DAY - timedelta(days=10), "withdrawal_halt")
    assert level_of([halt], {"binance": {"BTC": Decimal(10)},
                             "self": {"BTC": Decimal(1000)}}) == Level.CRITICAL.rank
    only_token = level_of([halt], {"self": {"BTC": Decimal(1000), "BNB": Decimal(10)}})
    assert 0 <= only_token < Level.CRITICAL.rank
    resolved = replace(halt, resolved=replace(event(resolved=DAY.isoformat()).resolved))
    assert level_of([resolved], {"binance": {"BTC": Decimal(10)},
                                 "self": {"BTC": Decimal(1000)}}) < Level.CRITICAL.rank


def test_defunct_custodian_is_critical_even_without_events():
    assert level_of([], {"celsius": {"BTC": Decimal(5)}, "self": {"BTC": Decimal(100)}},
                    cp="celsius") == Level.CRITICAL.rank


def test_concentration_alone_warns():
    # Kraken, as of 2020: no event in the history before 2023.
    as_of = datetime(2020, 6, 1, tzinfo=UTC)
    holdings = {"kraken": {"BTC": Decimal(40)}, "self": {"BTC": Decimal(60)}}
    result = build_warnings(report(holdings, as_of), [], directory=DIRECTORY)
    kraken = result.for_counterparty("kraken")
    assert kraken is not None and kraken.level is Level.LOW and kraken.events == ()
    assert any("above your 25.0% limit" in r for r in kraken.reasons)
    assert result.for_counterparty(PORTFOLIO_ID) is None
    heavy = {"kraken": {"BTC": Decimal(60)}, "self": {"BTC": Decimal(40)}}
    result = build_warnings(report(heavy, as_of), [], directory=DIRECTORY)
    assert result.for_counterparty("kraken").level is Level.MEDIUM
    portfolio = result.for_counterparty(PORTFOLIO_ID)
    assert portfolio is not None and portfolio.exposure.share == Decimal("0.6")
    assert portfolio.level is Level.MEDIUM            # one custodian: HHI 1.0
    assert any("Herfindahl" in r for r in portfolio.reasons)
    four = {cp: {"BTC": Decimal(15)} for cp in ("kraken", "bitstamp", "coinbase", "gemini")}
    four["self"] = {"BTC": Decimal(40)}
    spread_custody = build_warnings(report(four, as_of), [], directory=DIRECTORY)
    assert spread_custody.for_counterparty(PORTFOLIO_ID).level is Level.LOW   # HHI 0.25
    spread = {"kraken": {"BTC": Decimal(10)}, "self": {"BTC": Decimal(90)}}
    assert build_warnings(report(spread, as_of), [], directory=DIRECTORY).warnings == ()


def test_thresholds_are_configurable():
    as_of = datetime(2020, 6, 1, tzinfo=UTC)
    holdings = {"kraken": {"BTC": Decimal(20)}, "self": {"BTC": Decimal(80)}}
    strict = RiskParameters(custodian_share_warning=0.15)
    assert level_of([], holdings, "kraken", as_of) == -1
    assert level_of([], holdings, "kraken", as_of, strict) == Level.LOW.rank


def test_warnings_are_sorted_most_severe_first_and_cite_their_sources():
    events = [event("binance", DAY - timedelta(days=5), "withdrawal_halt"),
              event("kraken", DAY - timedelta(days=5), "hack")]
    holdings = {"binance": {"BTC": Decimal(10)}, "kraken": {"BTC": Decimal(10)},
                "self": {"BTC": Decimal(100)}}
    result = build_warnings(report(holdings), events, directory=DIRECTORY)
    levels = [w.level.rank for w in result.warnings]
    assert levels == sorted(levels, reverse=True)
    assert result.warnings[0].counterparty == "binance"
    assert result.warnings[0].events[0].sources
    assert "checklist binance" in result.warnings[0].action


def test_shipped_history_binance_december_2022_warns_without_critical():
    from exposure_app.risk.event_io import load_shipped_events

    as_of = datetime(2022, 12, 20, 23, 59, tzinfo=UTC)
    holdings = {"binance": {"BTC": Decimal(300)}, "self": {"BTC": Decimal(700)}}
    result = build_warnings(report(holdings, as_of), load_shipped_events(), directory=DIRECTORY)
    binance = result.for_counterparty("binance")
    assert binance.level in (Level.MEDIUM, Level.HIGH)
    ids = {e.id for e in binance.events}
    assert {"2022-12-16-binance-auditor-pause", "2022-12-13-binance-weekly-net-outflow",
            "2022-12-13-binance-one-day-net-withdrawals",
            "2022-12-07-binance-por-omits-liabilities"} <= ids
    assert all(e.date <= as_of.date() for e in binance.events)
    assert "2023-01-04-binance-two-month-net-outflow" not in ids


def test_the_action_at_a_blocked_custodian_is_a_claim_not_a_withdrawal():
    halt = event("binance", DAY - timedelta(days=10), "withdrawal_halt")
    holdings = {"binance": {"BTC": Decimal(10)}, "self": {"BTC": Decimal(1000)}}
    blocked = build_warnings(report(holdings), [halt], directory=DIRECTORY)
    action = blocked.for_counterparty("binance").action
    assert action.startswith("Withdrawals at Binance are blocked") and "claims process" in action
    lifted = replace(halt, resolved=replace(event(resolved=DAY.isoformat()).resolved))
    hack = event("binance", DAY - timedelta(days=3), "hack", magnitude="500000000")
    open_again = build_warnings(report(holdings), [lifted, hack], directory=DIRECTORY)
    assert open_again.for_counterparty("binance").action.startswith("Withdraw what you can")
