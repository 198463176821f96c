"""The exposure figures the risk engine relies on (issue 4: direct, affiliated, issuers)."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.risk.catalog import load_directory

from .test_scoring import report


def row(rep, cp):
    found = rep.counterparty(cp)
    assert found is not None, cp
    return found


def test_siblings_and_renamed_ids_roll_up_to_one_custodian():
    rep = report({"binanceusdm": {"USDT": Decimal(100)}, "binance": {"BTC": Decimal(50)},
                  "okex": {"BTC": Decimal(30)}, "self": {"BTC": Decimal(20)}})
    assert row(rep, "binance").direct == Decimal(150)
    assert row(rep, "okx").direct == Decimal(30)
    assert {r.counterparty for r in rep.counterparties} == {"binance", "okx"}


def test_affiliated_tokens_count_wherever_held_but_not_twice():
    rep = report({"binance": {"BNB": Decimal(100), "USDT": Decimal(50)},
                  "kraken": {"BNB": Decimal(10), "FTT": Decimal(5)},
                  "self": {"BNB": Decimal(40), "OKB": Decimal(7)}})
    binance = row(rep, "binance")
    assert binance.direct == Decimal(150)          # BNB held at Binance stays direct
    assert binance.affiliated == Decimal(50)       # BNB at Kraken and in the wallet
    assert binance.value == Decimal(200)
    assert row(rep, "ftx").affiliated == Decimal(5) and row(rep, "ftx").direct == 0
    assert row(rep, "okx").affiliated == Decimal(7)
    assert rep.net_worth == Decimal(212)
    assert abs(binance.share - Decimal(200) / Decimal(212)) < Decimal("1e-11")


def test_stablecoin_issuers_are_their_own_group():
    rep = report({"binance": {"USDT": Decimal(100), "BUSD": Decimal(10)},
                  "self": {"USDC": Decimal(40), "FDUSD": Decimal(5)}})
    issuers = {i.issuer: i for i in rep.issuers}
    assert issuers["tether"].value == Decimal(100)
    assert issuers["circle"].value == Decimal(40)
    assert issuers["paxos"].value == Decimal(10) and issuers["paxos"].assets == ("BUSD",)
    assert issuers["first_digital"].value == Decimal(5)
    assert "tether" not in {r.counterparty for r in rep.counterparties}
    assert load_directory().get("tether").kind.value == "stablecoin_issuer"


def test_hhi_is_over_direct_custody_only():
    rep = report({"binance": {"BTC": Decimal(50)}, "kraken": {"BTC": Decimal(50)},
                  "self": {"BNB": Decimal(1000)}})
    assert rep.hhi == Decimal("0.5")
