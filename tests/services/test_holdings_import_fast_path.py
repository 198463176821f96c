"""The import's short path for plain lines stores exactly what the full path stores.

The same files are imported twice into fresh profiles: once as the app does,
once with the short path switched off (the plain-figure readers patched to
refuse every cell, so each line goes through ``parse_decimal``,
``make_holding`` and its bounds). Stored holdings, snapshot totals and, for a
bad file, the errors with their lines must be identical. The figures mix
canonical and non-canonical texts, figures at and just past every bound, rows
without a price and rows with a value.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from exposure_app.domain.bounds import MAX_VALUE
from exposure_app.domain.models import AccountKind
from exposure_app.services import holdings_import
from exposure_app.services.holdings_import import ImportRejected, import_holdings_csv
from exposure_app.storage.store import ProfileStore

AMOUNTS = ["1", "0", "0.0", "000", "12.3400", "007.5", "1e2", "1.5E-3", "999999999999999999",
           "1000000000000000000", "0.123456789012345678", "100", "100.0", "5.", "3.14159"]
PRICES = ["2", "0.5", "60000.10", "999999999999", "1000000000000", "0.000000000000000001",
          "1E3", "42.4200", "0"]


def _profile(path):
    store = ProfileStore.open(path)
    store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius")
    return store


def _stored(store):
    holdings = store.db.execute(
        "SELECT s.account_id, s.taken_at, h.wallet, h.asset, h.free, h.locked, h.total, "
        "h.price, h.value, h.price_source, h.priced FROM holdings h "
        "JOIN snapshots s ON s.id = h.snapshot_id ORDER BY 1, 2, 4").fetchall()
    snapshots = store.db.execute(
        "SELECT account_id, taken_at, status, total_value, unpriced_count FROM snapshots "
        "ORDER BY 1, 2").fetchall()
    return holdings, snapshots


def _full_path_only(monkeypatch):
    never = lambda text: None  # noqa: E731

    class Refuses:
        fullmatch = staticmethod(never)

    monkeypatch.setattr(holdings_import, "plain_figure_reader", lambda limit: never)
    monkeypatch.setattr(holdings_import, "canonical_figure", lambda limit: Refuses)


def _both(tmp_path, monkeypatch, text, **options):
    """(stored or errors) for the app's import and for the full path alone."""
    outcomes = []
    for mode in ("app", "full"):
        if mode == "full":
            _full_path_only(monkeypatch)
        source = tmp_path / f"{mode}.csv"
        source.write_text(text, encoding="utf-8")
        with _profile(tmp_path / mode) as store:
            try:
                result = import_holdings_csv(store, source, **options)
            except ImportRejected as exc:
                outcomes.append([(e.line, e.reason) for e in exc.errors])
            else:
                outcomes.append((result, _stored(store)))
    return outcomes


def _random_file(rng: random.Random, *, with_bad: bool) -> str:
    lines = ["account,asset,amount,date,price,value"]
    for day in range(1, 29):
        for account in ("Ledger", "Celsius"):
            for asset in ("BTC", "eth", " USDT ", "A1", "B.2"):
                amount = rng.choice(AMOUNTS)
                price = value = ""
                kind = rng.random()
                if kind < 0.6:
                    price = rng.choice(PRICES)
                    if Decimal(amount) * Decimal(price) > MAX_VALUE:
                        amount = "1.5"   # bad lines are the other test's
                elif kind < 0.8:
                    value = rng.choice(["10", "0.5", "1000000000000000", "2.50"])
                lines.append(f"{account},{asset},{amount},2024-02-{day:02d},{price},{value}")
    if with_bad:
        lines.insert(40, "Ledger,ZZZ,1e400,2024-03-01,,")
        lines.insert(90, "Ledger,BTC,1,2024-02-03,,")          # a duplicate
        lines.append("Ledger,QQ,5,2024-03-02,1000000000000000,")  # price beyond its bound
        lines.append("Ledger,QR,2000000,2024-03-02,999999999999,")  # amount × price too
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_plain_lines_store_what_the_full_path_stores(tmp_path, monkeypatch, seed):
    text = _random_file(random.Random(seed), with_bad=False)
    app, full = _both(tmp_path, monkeypatch, text)
    assert not isinstance(app, list), app     # the file is valid
    assert app == full
    assert app[0].rows == 28 * 2 * 5 and len(app[1][0]) == 28 * 2 * 5


def test_bad_lines_get_the_same_errors(tmp_path, monkeypatch):
    text = _random_file(random.Random(7), with_bad=True)
    app, full = _both(tmp_path, monkeypatch, text)
    assert isinstance(app, list) and app == full
    reasons = " ".join(reason for _line, reason in app)
    assert "out of range" in reasons and "duplicate row" in reasons
    assert "price 1.000E+15 is larger" in reasons and "amount × price" in reasons


def test_rows_without_a_price_are_valued_from_stored_prices_on_both_paths(tmp_path,
                                                                         monkeypatch):
    text = "account,asset,amount,date\nLedger,BTC,2,2024-02-01\nLedger,ETH,1.50,2024-02-01\n"
    app, full = _both(tmp_path, monkeypatch, text, base="USD")
    assert app == full
