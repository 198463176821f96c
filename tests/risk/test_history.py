"""Schema and consistency of the shipped event history (resources/events.json)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal

from exposure_app.resource_locator import read_resource_text
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.event_io import load_shipped_events
from exposure_app.risk.events import CATEGORIES, Category, Origin, valid_url

RAW = json.loads(read_resource_text("events.json"))


def test_file_shape_and_size():
    assert RAW["version"] == 1
    events = RAW["events"]
    assert len(events) >= 60
    assert len(load_shipped_events()) == len(events)


def test_ids_are_unique_and_stable_looking():
    ids = [e["id"] for e in RAW["events"]]
    assert len(ids) == len(set(ids))
    for e in RAW["events"]:
        assert e["id"].startswith(e["date"] + "-" + e["counterparty"] + "-"), e["id"]


def test_fields_dates_categories_sources():
    directory = load_directory()
    for e in RAW["events"]:
        day = date.fromisoformat(e["date"])
        # 2013: Mt. Gox's precursors (the Dwolla seizure, the USD withdrawal pause).
        assert date(2013, 1, 1) <= day <= date(2025, 12, 31), e["id"]
        assert e["category"] in CATEGORIES, e["id"]
        assert directory.get(e["counterparty"]) is not None, e["id"]
        assert e["title"].strip() and len(e["title"]) <= 200
        assert e["summary"].strip() and len(e["summary"]) <= 2000
        assert e["sources"] and all(valid_url(u) for u in e["sources"]), e["id"]
        assert len(set(e["sources"])) == len(e["sources"]), e["id"]
        if "magnitude_usd" in e:
            assert Decimal(e["magnitude_usd"]) > 0
        if "resolved" in e:
            assert date.fromisoformat(e["resolved"]["date"]) >= day, e["id"]


def test_covers_2014_to_2025_and_every_category():
    years = {e.date.year for e in load_shipped_events()}
    assert min(years) == 2013 and max(years) == 2025
    shipped = set(Counter(e.category for e in load_shipped_events()))
    original = {Category.INSOLVENCY, Category.WITHDRAWAL_HALT, Category.HACK,
                Category.OUTFLOW_SURGE, Category.RESERVE_CONCERN, Category.REGULATORY,
                Category.DEPEG}
    assert original <= shipped
    assert Category.TOKEN_DRAWDOWN not in shipped     # derived from prices only
    assert all(e.origin is Origin.SHIPPED for e in load_shipped_events())


def _find(cp, day, category):
    return [e for e in load_shipped_events()
            if e.counterparty == cp and e.date == date.fromisoformat(day)
            and e.category is Category(category)]


def test_ftx_november_2022_sequence():
    # Alameda's balance sheet resting on FTT: the custodian's own token.
    assert _find("ftx", "2022-11-02", "own_token_reliance")
    assert _find("ftx", "2022-11-06", "outflow_surge")
    halt = _find("ftx", "2022-11-08", "withdrawal_halt")
    bankrupt = _find("ftx", "2022-11-11", "insolvency")
    assert halt and bankrupt
    # Creditors are not fully repaid: both stay unresolved.
    assert halt[0].resolved is None and bankrupt[0].resolved is None


def test_binance_december_2022_from_each_side():
    weekly = _find("binance", "2022-12-13", "outflow_surge")
    magnitudes = sorted(e.magnitude_usd for e in weekly)
    assert magnitudes == [Decimal("1140000000"), Decimal("3660000000")]
    assert any("Nansen" in e.summary for e in weekly)
    two_months = _find("binance", "2023-01-04", "outflow_surge")
    assert two_months and two_months[0].magnitude_usd == Decimal("12000000000")
    assert "2022" in two_months[0].summary and "Forbes" in two_months[0].summary
    por = [e for e in load_shipped_events() if e.counterparty == "binance"
           and e.category is Category.RESERVE_CONCERN and "liabilities" in e.summary]
    assert por and por[0].date <= date(2022, 12, 16)
    mazars = _find("binance", "2022-12-16", "reserve_concern")
    assert mazars and "Mazars" in mazars[0].title


def test_documented_outflow_episodes_are_in_the_history():
    for cp, day in [("kucoin", "2024-03-27"), ("bybit", "2025-02-22"), ("ftx", "2022-11-06")]:
        assert _find(cp, day, "outflow_surge"), (cp, day)


def test_defunct_counterparties_have_their_failure_in_the_history():
    directory = load_directory()
    by_cp = Counter(e.counterparty for e in load_shipped_events()
                    if e.category in (Category.INSOLVENCY, Category.WITHDRAWAL_HALT))
    for cp_id in ("ftx", "celsius", "voyager", "blockfi", "mtgox", "quadrigacx"):
        assert not directory.get(cp_id).is_active
        assert by_cp[cp_id] >= 1, cp_id
