"""The declared balance-line reader every field-based adapter uses (balance_rows.BalanceFields)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import ccxt
import pytest

from exposure_app.domain.balances import WalletBalance
from exposure_app.exchanges.balance_rows import BalanceFields, nested_entries
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
CLIENT = ccxt.okx()


def test_a_locked_field_is_taken_as_given_and_the_rest_is_free() -> None:
    fields = BalanceFields("ccy", total="eq", locked=("frozenBal",), lock_reason="open_orders")
    rows = fields.rows(CLIENT, [{"ccy": "BTC", "eq": "-2", "frozenBal": "0.5"},
                                {"ccy": "ETH", "eq": "3"}], "spot", "OKX trading")
    assert rows == [
        WalletBalance("spot", "BTC", D("-2.5"), D("0.5"), D("-2"), "open_orders"),
        WalletBalance("spot", "ETH", D("3"), D("0"), D("3"), None),
    ]


def test_free_plus_several_locked_fields_make_the_total() -> None:
    fields = BalanceFields("coin", free="available", locked=("frozen", "locked"),
                           lock_reason="open_orders")
    row = fields.row(CLIENT, {"coin": "USDT", "available": "10", "frozen": "2", "locked": "1"},
                     "spot", "Bitget spot")
    assert (row.free, row.locked, row.total) == (D("10"), D("3"), D("13"))


def test_what_exceeds_the_movable_part_is_locked_within_the_total() -> None:
    fields = BalanceFields("coin", total="equity", movable="availableToWithdraw",
                           lock_reason="margin")
    over = fields.row(CLIENT, {"coin": "USDT", "equity": "5", "availableToWithdraw": "-1"},
                      "futures", "Bybit contract")
    unknown = fields.row(CLIENT, {"coin": "USDT", "equity": "5"}, "futures", "Bybit contract")
    assert (over.free, over.locked, over.lock_reason) == (D("0"), D("5"), "margin")
    assert (unknown.free, unknown.locked, unknown.lock_reason) == (D("5"), D("0"), None)


def test_debt_is_subtracted_and_a_clamped_hold_never_exceeds_a_negative_total() -> None:
    fields = BalanceFields("currency", total="total", debt="liability", locked=("hold",),
                           clamp=True, aliases={"XBT": "BTC"})
    row = fields.row(CLIENT, {"currency": "XBT", "total": "1", "liability": "3", "hold": "1"},
                     "margin", "KuCoin margin")
    assert (row.asset, row.total, row.locked, row.free) == ("BTC", D("-2"), D("0"), D("-2"))


def test_the_fallback_total_is_read_only_when_the_first_field_is_absent() -> None:
    fields = BalanceFields("currency", total="equity", total_else="balance")
    assert fields.row(CLIENT, {"currency": "ETH", "balance": "4"}, "spot", "x").total == D("4")
    assert fields.row(CLIENT, {"currency": "ETH", "equity": "2", "balance": "4"},
                      "spot", "x").total == D("2")


def test_a_bad_figure_is_named_by_its_field_and_a_bad_line_by_what() -> None:
    fields = BalanceFields("ccy", total="bal", locked=("frozenBal",))
    with pytest.raises(BadResponseError, match="OKX funding BTC frozenBal"):
        fields.rows(CLIENT, [{"ccy": "BTC", "bal": "1", "frozenBal": "x"}], "funding",
                    "OKX funding")
    with pytest.raises(BadResponseError, match=r"^OKX funding: "):
        fields.rows(CLIENT, ["<html>"], "funding", "OKX funding")


def test_a_fixed_term_line_is_all_locked_and_a_holding_is_never_negative() -> None:
    staked = BalanceFields("mortgage_coin", free="mortgage_amount", locked=("freeze_amount",),
                           lock_reason="staking", never_negative=True)
    line = {"mortgage_coin": "SOL", "mortgage_amount": "10", "freeze_amount": "2"}
    flexible = staked.row(CLIENT, line, "staking", "Gate staking")
    fixed = replace(staked, all_locked=True).row(CLIENT, line, "staking", "Gate staking",
                                                  unlock_at="2027-01-15T00:00:00+00:00")
    assert (flexible.free, flexible.locked, flexible.total, flexible.unlock_at) == (
        D("10"), D("2"), D("12"), None)
    assert (fixed.free, fixed.locked, fixed.total, fixed.lock_reason, fixed.unlock_at) == (
        D("0"), D("12"), D("12"), "staking", "2027-01-15T00:00:00+00:00")
    with pytest.raises(BadResponseError, match="Gate staking SOL freeze_amount: is negative"):
        staked.row(CLIENT, {**line, "freeze_amount": "-1"}, "staking", "Gate staking")
    signed = replace(staked, never_negative=False)
    assert signed.row(CLIENT, {**line, "freeze_amount": "-1"}, "staking", "x").total == D("9")


def test_nested_entries_flatten_and_an_answer_without_accounts_is_bad() -> None:
    outer = [{"coin": [{"coin": "BTC"}]}, {"coin": [{"coin": "ETH"}]}]
    assert nested_entries(outer, "coin", "Bybit", list_what="coins") == [
        {"coin": "BTC"}, {"coin": "ETH"}]
    assert nested_entries([], "coin", "KuCoin", list_what="list", allow_empty=True) == []
    with pytest.raises(BadResponseError, match="no account in the answer"):
        nested_entries([], "coin", "Bybit", list_what="coins")
    with pytest.raises(BadResponseError, match="Bybit coins"):
        nested_entries([{"coin": "BTC"}], "coin", "Bybit", list_what="coins")
