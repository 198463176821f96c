"""Schema and consistency of the shipped counterparty catalogue."""

from __future__ import annotations

import json
import re

import ccxt
import pytest

from exposure_app.domain.counterparties import CounterpartyKind
from exposure_app.resource_locator import read_resource_text
from exposure_app.risk.catalog import (
    KNOWN_FIELDS,
    CatalogError,
    load_details,
    load_directory,
    parse_counterparty,
)
from exposure_app.risk.event_io import load_shipped_events

RAW = json.loads(read_resource_text("counterparties.json"))["counterparties"]
ID_RE = re.compile(r"^[a-z0-9_]+$")


def test_every_entry_has_the_schema_fields():
    required = {"id", "name", "kind", "ccxt_ids", "aliases", "affiliated_tokens",
                "issued_stablecoins", "reserve_slug", "status", "defunct_since", "custody"}
    for item in RAW:
        assert required <= set(item), item["id"]
        assert set(item) <= KNOWN_FIELDS, item["id"]
        assert ID_RE.match(item["id"]), item["id"]
        assert item["name"].strip()
        assert item["kind"] in {k.value for k in CounterpartyKind}
        assert (item["status"] == "defunct") == (item["defunct_since"] is not None), item["id"]
        if item["reserve_slug"] is not None:
            assert re.match(r"^[a-z0-9.-]+$", item["reserve_slug"]), item["id"]


def test_ids_and_claimed_ids_are_unique():
    ids = [item["id"] for item in RAW]
    assert len(ids) == len(set(ids))
    claimed: dict[str, str] = {}
    for item in RAW:
        for other in {item["id"], *item["ccxt_ids"], *item["aliases"]}:
            assert claimed.setdefault(other, item["id"]) == item["id"], other
    tokens: dict[str, str] = {}
    for item in RAW:
        for token in item["affiliated_tokens"]:
            assert tokens.setdefault(token, item["id"]) == item["id"], token
    coins: dict[str, str] = {}
    for item in RAW:
        for coin in item["issued_stablecoins"]:
            assert coins.setdefault(coin, item["id"]) == item["id"], coin


def test_every_current_ccxt_exchange_is_covered_by_exactly_one_counterparty():
    directory = load_directory()
    covered = {cid for cp in directory for cid in cp.ccxt_ids}
    assert covered == set(ccxt.exchanges), sorted(covered ^ set(ccxt.exchanges))


@pytest.mark.parametrize(("any_id", "canonical"), [
    ("okex", "okx"), ("okex5", "okx"), ("huobipro", "htx"), ("huobi", "htx"),
    ("gateio", "gate"), ("bitfinex2", "bitfinex"), ("coinbasepro", "coinbase"),
    ("binanceusdm", "binance"), ("binancecoinm", "binance"), ("kucoinfutures", "kucoin"),
    ("krakenfutures", "kraken"), ("myokx", "okx"), ("okxus", "okx"), ("bybiteu", "bybit"),
    ("bybitid", "bybit"), ("coinbaseexchange", "coinbase"),
    ("coinbaseinternational", "coinbase"), ("gateeu", "gate"), ("BINANCE", "binance"),
    ("ftxus", "ftx"), ("huobijp", "bittrade"), ("mxc", "mexc"),
])
def test_renamed_and_sibling_ids_roll_up(any_id, canonical):
    assert load_directory().resolve(any_id) == canonical


def test_renamed_ids_are_not_current_ccxt_ids():
    for old in ("okex", "huobipro", "huobi", "gateio", "bitfinex2", "ftx"):
        assert old not in ccxt.exchanges


@pytest.mark.parametrize(("token", "owner"), [
    ("BNB", "binance"), ("BUSD", "binance"), ("FTT", "ftx"), ("OKB", "okx"), ("KCS", "kucoin"),
    ("HT", "htx"), ("CRO", "cryptocom"), ("LEO", "bitfinex"), ("GT", "gate"), ("BGB", "bitget"),
    ("MX", "mexc"), ("WRX", "wazirx"), ("CEL", "celsius"),
])
def test_affiliated_tokens(token, owner):
    assert load_directory().affiliated_owner(token) == owner
    assert load_directory().affiliated_owner(token.lower()) == owner


@pytest.mark.parametrize(("coin", "issuer"), [
    ("USDT", "tether"), ("USDC", "circle"), ("BUSD", "paxos"), ("PYUSD", "paxos"),
    ("FDUSD", "first_digital"), ("TUSD", "techteryx"), ("DAI", "sky"), ("USDS", "sky"),
    ("GUSD", "gemini"), ("EURC", "circle"),
])
def test_stablecoin_issuers(coin, issuer):
    directory = load_directory()
    assert directory.stablecoin_issuer(coin) == issuer
    assert directory.get(issuer) is not None


@pytest.mark.parametrize(("cp_id", "since"), [
    ("ftx", "2022-11-11"), ("celsius", "2022-07-13"), ("voyager", "2022-07-05"),
    ("blockfi", "2022-11-28"), ("mtgox", "2014-02-28"), ("quadrigacx", "2019-01-31"),
])
def test_defunct_counterparties(cp_id, since):
    cp = load_directory().get(cp_id)
    assert cp is not None and not cp.is_active and cp.defunct_since.isoformat() == since


def test_reserve_slugs_for_custodians_that_publish_wallets():
    directory = load_directory()
    for cp_id, slug in [("binance", "binance-cex"), ("okx", "okx"), ("bybit", "bybit"),
                        ("kucoin", "kucoin"), ("htx", "htx"), ("bitfinex", "bitfinex")]:
        assert directory.get(cp_id).reserve_slug == slug
    assert directory.get("coinbase").reserve_slug is None


def test_on_chain_venues_are_marked_non_custodial():
    details = load_details()
    assert details["hyperliquid"].custody == "non_custodial"
    assert details["binance"].custody == "custodial"


def test_every_event_counterparty_is_in_the_catalogue():
    directory = load_directory()
    for event in load_shipped_events():
        assert directory.get(event.counterparty) is not None, event.id
        assert directory.resolve(event.counterparty) == event.counterparty


@pytest.mark.parametrize("bad", [
    {"id": "x1", "name": "X", "kind": "bank"},
    {"id": "x1", "name": "X", "kind": "exchange", "status": "defunct"},
    {"id": "x1", "name": "X", "kind": "exchange", "ccxt_ids": "x1"},
    {"id": "x1", "name": "X", "kind": "exchange", "surprise": 1},
    {"id": "x1", "name": "X", "kind": "exchange", "custody": "maybe"},
])
def test_malformed_entries_are_refused(bad):
    with pytest.raises(CatalogError):
        parse_counterparty(bad)
