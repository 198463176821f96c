from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_app.domain.counterparties import Counterparty, CounterpartyDirectory, CounterpartyKind
from exposure_app.domain.exposure import compute_exposure
from exposure_app.domain.models import (
    Account,
    AccountKind,
    AccountState,
    Holding,
    Snapshot,
    SnapshotStatus,
)

NOW = datetime(2023, 1, 1, tzinfo=UTC)
DIRECTORY = CounterpartyDirectory(
    [
        Counterparty("binance", "Binance", CounterpartyKind.EXCHANGE,
                     ccxt_ids=("binance", "binanceusdm"), affiliated_tokens=("BNB",)),
        Counterparty("ftx", "FTX", CounterpartyKind.EXCHANGE, affiliated_tokens=("FTT",)),
        Counterparty("tether", "Tether", CounterpartyKind.STABLECOIN_ISSUER,
                     issued_stablecoins=("USDT",)),
    ]
)


def state(account_id: int, kind: AccountKind, counterparty: str | None, *holdings: Holding):
    account = Account(account_id, f"acct{account_id}", kind, counterparty)
    snapshot = Snapshot(account_id * 10, account_id, NOW, SnapshotStatus.OK, holdings)
    return AccountState(account, snapshot)


def h(asset: str, amount: str, price: str | None) -> Holding:
    return Holding.simple(asset, Decimal(amount), price=Decimal(price) if price else None)


def test_direct_affiliated_issuers_and_shares():
    states = [
        state(1, AccountKind.EXCHANGE_API, "binanceusdm", h("BTC", "1", "20000"), h("BNB", "10", "300")),
        state(2, AccountKind.MANUAL_CUSTODIAL, "ftx", h("USDT", "5000", "1")),
        state(3, AccountKind.SELF_CUSTODY, None, h("BNB", "20", "300"), h("FTT", "100", "2")),
    ]
    report = compute_exposure(states, as_of=NOW, base_currency="USD", directory=DIRECTORY)
    assert report.net_worth == Decimal("34200")
    assert report.custodial.value == Decimal("28000")
    assert report.self_custody.value == Decimal("6200")
    binance = report.counterparty("binance")
    assert binance is not None, "sibling id binanceusdm must roll up into binance"
    assert binance.direct == Decimal("23000")
    # BNB held at Binance is already direct; only the self-custodied BNB is affiliated.
    assert binance.affiliated == Decimal("6000")
    assert binance.value == Decimal("29000")
    ftx = report.counterparty("ftx")
    assert ftx.direct == Decimal("5000") and ftx.affiliated == Decimal("200")
    assert [c.counterparty for c in report.counterparties] == ["binance", "ftx"]
    assert [(i.issuer, i.value) for i in report.issuers] == [("tether", Decimal("5000"))]
    # HHI over custodians: (23000/28000)^2 + (5000/28000)^2
    expected = (Decimal(23000) / 28000) ** 2 + (Decimal(5000) / 28000) ** 2
    assert abs(report.hhi - expected) < Decimal("1e-11")


def test_unpriced_holdings_are_listed_not_dropped_nor_counted():
    states = [state(1, AccountKind.MANUAL_CUSTODIAL, "ftx", h("XYZ", "7", None), h("BTC", "1", "100"))]
    report = compute_exposure(states, as_of=NOW, base_currency="USD", directory=DIRECTORY)
    assert report.net_worth == Decimal("100")
    assert [(u.asset, u.amount, u.counterparty) for u in report.unpriced] == [("XYZ", Decimal("7"), "ftx")]


def test_unknown_custodian_is_shown_under_its_own_id():
    states = [state(1, AccountKind.MANUAL_CUSTODIAL, "Some-Lender", h("BTC", "1", "10"))]
    report = compute_exposure(states, as_of=NOW, base_currency="USD", directory=DIRECTORY)
    assert report.counterparties[0].counterparty == "some-lender"
    assert report.counterparties[0].name == "Some Lender"


def test_empty_portfolio_has_zero_shares_not_division_errors():
    report = compute_exposure([], as_of=NOW, base_currency="EUR", directory=DIRECTORY)
    assert report.net_worth == 0 and report.custodial.share == 0 and report.hhi == 0
    assert report.base_currency == "EUR"


amounts = st.decimals(min_value=0, max_value=10**9, places=8, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["binance", "ftx", "kraken", None]), amounts), max_size=12))
def test_shares_add_up_and_hhi_is_bounded(rows):
    states = []
    for i, (custodian, value) in enumerate(rows, start=1):
        kind = AccountKind.SELF_CUSTODY if custodian is None else AccountKind.MANUAL_CUSTODIAL
        states.append(state(i, kind, custodian, Holding.simple("BTC", Decimal(1), value=value)))
    report = compute_exposure(states, as_of=NOW, base_currency="USD", directory=DIRECTORY)
    assert report.custodial.value + report.self_custody.value == report.net_worth
    if report.net_worth:
        assert abs(report.custodial.share + report.self_custody.share - 1) < Decimal("1e-9")
        direct_total = sum(c.direct for c in report.counterparties)
        assert direct_total == report.custodial.value
    assert 0 <= report.hhi <= 1 + Decimal("1e-9")
    n = len(report.counterparties)
    if report.custodial.value and n:
        assert report.hhi >= Decimal(1) / n - Decimal("1e-9")
