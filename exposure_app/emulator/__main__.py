"""``python -m exposure_app.emulator``: serve every emulated exchange on loopback.

Each registered emulator starts with a sample portfolio spread over its
wallets and demo credentials; Binance and Kraken also serve a made-up demo
price path (``emulator.market_tape``; not market data) as tickers and daily
candles, for use as price sources (not secrets: they only open these loopback
servers). The base URLs, credentials and an ``accounts add-exchange`` command
line for each are printed; Ctrl-C stops them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta

from exposure_app.emulator.base import EmulatorServer
from exposure_app.emulator.market_tape import demo_tape
from exposure_app.emulator.registry import available

# Emulators that also serve the made-up demo price path as public market data.
MARKET_EMULATORS = ("binance", "kraken")
MARKET_DAYS = 730


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m exposure_app.emulator",
        description="Serve loopback exchange emulators with a sample portfolio.",
    )
    parser.add_argument("--exchange", action="append", metavar="ID",
                        help="only this exchange (repeatable; default: all)")
    parser.add_argument("--port", type=int, default=0,
                        help="first port (consecutive ports per exchange; default: random)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--json", action="store_true", help="print the endpoints as JSON")
    args = parser.parse_args(argv)

    classes = available()
    wanted = args.exchange or sorted(classes)
    unknown = [e for e in wanted if e not in classes]
    if unknown:
        parser.error(f"no emulator for: {', '.join(unknown)} (have: {', '.join(sorted(classes))})")
    # Stop cleanly on Ctrl-C or SIGTERM from the start: whoever reads the endpoints
    # printed below may stop the server at once, before a later line could run.
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server = EmulatorServer()
    endpoints = []
    try:
        today = datetime.now(UTC).date()
        tape = demo_tape(today - timedelta(days=MARKET_DAYS), today)
        for offset, exchange_id in enumerate(wanted):
            emulator = classes[exchange_id].sample(latency=args.latency)
            if exchange_id in MARKET_EMULATORS:   # public tickers and daily OHLCV (demo data)
                emulator.use_market(tape, tuple(emulator.tickers))
            port = args.port + offset if args.port else 0
            url = server.add(emulator, port=port)
            endpoints.append({"exchange": exchange_id, "base_url": url,
                              "credentials": emulator.account.credentials()})
        if args.json:
            print(json.dumps(endpoints, indent=2))
        else:
            for e in endpoints:
                print(f"{e['exchange']:<10} {e['base_url']}")
                print(f"  credentials: {json.dumps(e['credentials'])}")
                print(f"  echo '{json.dumps(e['credentials'])}' | exposure-app accounts "
                      f"add-exchange 'Demo {e['exchange']}' --exchange {e['exchange']} "
                      f"--api-url {e['base_url']} --secrets-stdin")
                if e["exchange"] in MARKET_EMULATORS:
                    print(f"  as a price source (made-up demo prices): exposure-app settings "
                          f"set price_sources '{e['exchange']}={e['base_url']}'")
            print("Serving; press Ctrl-C to stop.")
        sys.stdout.flush()
        stop.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
