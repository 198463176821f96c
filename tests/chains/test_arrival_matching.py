"""Which receipt completes a withdrawal: confirmed, right address and asset, after the plan
(block times allowed their looseness), amount within the fee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from exposure_app.domain.watch_only import Receipt
from exposure_app.domain.withdrawal_confirmation import custodian_side_done, matching_arrival

D = Decimal
PLAN = datetime(2027, 1, 3, 12, tzinfo=UTC)
A = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"


def r(txid, amount, at, *, confirmed=True, address=A, asset="BTC"):
    return Receipt(txid * 64, address, asset, D(amount), at, confirmed)


def match(receipts, amount="0.5", fee=None):
    return matching_arrival(receipts, address=A, asset="BTC", amount=D(amount),
                            fee=None if fee is None else D(fee), after=PLAN)


def test_amount_within_the_fee():
    later = PLAN + timedelta(hours=1)
    assert match([r("a", "0.4995", later)], fee="0.0005").txid == "a" * 64
    assert match([r("a", "0.4994", later)], fee="0.0005") is None
    assert match([r("a", "0.496", later)]).txid == "a" * 64          # 1 % when the fee is unknown
    assert match([r("a", "0.49", later)]) is None


def test_only_confirmed_after_the_plan_at_the_address():
    assert match([r("a", "0.5", PLAN + timedelta(minutes=5), confirmed=False)]) is None
    assert match([r("a", "0.5", PLAN - timedelta(days=1))]) is None
    assert match([r("a", "0.5", PLAN - timedelta(minutes=30))]).txid == "a" * 64  # loose block time
    assert match([r("a", "0.5", PLAN, address="1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA")]) is None
    assert match([r("a", "0.5", PLAN, asset="ETH")]) is None
    earliest = match([r("b", "0.5", PLAN + timedelta(hours=2)), r("c", "0.5", PLAN + timedelta(hours=1))])
    assert earliest.txid == "c" * 64


def test_custodian_side():
    assert custodian_side_done(D("0.5"), D(0), D("0.4995"))
    assert not custodian_side_done(D("0.5"), D("0.2"), D("0.4995"))
    assert not custodian_side_done(D("0.5"), None, D("0.4995"))
