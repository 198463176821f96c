"""The demo's price sources are its own emulators: a price update reads the demo's price
path through ccxt (tickers and daily closes), and the demo market moves the figures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlparse

from exposure_app.domain.timeutil import utc_now
from exposure_app.exchanges.market_data import parse_price_sources
from exposure_app.services.demo.session import start_demo_session
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.services.sync_service import SyncService


def test_demo_prices_come_from_the_demo_emulators(tmp_path):
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    session = start_demo_session(temp_root=temp_root)
    try:
        settings = session.profile.load_settings()
        sources = parse_price_sources(settings.price_sources)
        assert sources and all(urlparse(s.api_url).hostname == "127.0.0.1" for s in sources)
        with SyncService(session.profile, secret_store=session.secret_store,
                         account_timeout=30) as service:
            report = service.refresh_prices().result(120)
            assert report.ok and report.closes > 0, report
            path = session.history.prices
            yesterday = session.history.end - timedelta(days=1)
            store = session.profile.open_store()
            try:
                prices = MarketPrices.load(store, utc_now())
                close = prices.usd("BTC", yesterday)
                assert abs(close.price - path.price("BTC", yesterday)) < Decimal("0.01")
                assert close.day == yesterday
            finally:
                store.close()
            # the demo market moves: the next update reads the new price
            session.emulators["kraken"].market.depeg("BTC", [session.history.end],
                                                     Decimal("12345"))
            service.refresh_prices().result(120)
            store = session.profile.open_store()
            try:
                assert MarketPrices.load(store, utc_now()).usd("BTC").price == Decimal("12345")
            finally:
                store.close()
    finally:
        session.close()
