"""Exchange id -> emulator class, imported on demand.

Each emulator module adds one line to :data:`EMULATORS`.
"""

from __future__ import annotations

import importlib

from exposure_app.emulator.base import ExchangeEmulator

EMULATORS: dict[str, str] = {
    "binance": "exposure_app.emulator.binance:BinanceEmulator",
    "okx": "exposure_app.emulator.okx:OkxEmulator",
    "bybit": "exposure_app.emulator.bybit:BybitEmulator",
    "bitget": "exposure_app.emulator.bitget:BitgetEmulator",
    "kucoin": "exposure_app.emulator.kucoin:KucoinEmulator",
    "kraken": "exposure_app.emulator.kraken:KrakenEmulator",
    "coinbase": "exposure_app.emulator.coinbase:CoinbaseEmulator",
    "gate": "exposure_app.emulator.gate:GateEmulator",
    "htx": "exposure_app.emulator.htx:HtxEmulator",
}


def emulator_class(exchange_id: str) -> type[ExchangeEmulator]:
    """The emulator class for ``exchange_id`` (``KeyError`` if none is registered)."""
    module_name, _, class_name = EMULATORS[exchange_id].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def available() -> dict[str, type[ExchangeEmulator]]:
    """Every registered emulator whose module exists (others are skipped)."""
    found: dict[str, type[ExchangeEmulator]] = {}
    for exchange_id, target in EMULATORS.items():
        module_name = target.partition(":")[0]
        try:
            found[exchange_id] = emulator_class(exchange_id)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
    return found
