"""The demo's watch-only wallet and a withdrawal waiting to be confirmed.

The demo watches a hardware wallet's account key (BIP84's published test
zpub, whose coins exist only on the loopback Esplora emulator) through the
same service a user's ``accounts add-address`` uses. It then plays one
withdrawal: the checklist plan for a demo exchange holding BTC is saved, its
BTC item is sent to the wallet's first receive address, and the exchange's
emulator hands the BTC (less a network fee) to that address on the emulated
chain. Nothing is ticked yet: the first Sync reads the wallet, sees the
transaction and ticks the item with its txid, and sees the exchange's balance
gone, which confirms the custodian's side.

Threading: runs on the caller's thread while the demo session is set up; the
emulators run on their own loop thread.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal

from exposure_app.domain.watch_only import derive_addresses, parse_watch_input
from exposure_app.emulator.base import EmulatorServer, ExchangeEmulator
from exposure_app.emulator.esplora import EsploraEmulator
from exposure_app.services.checklist_service import open_checklist
from exposure_app.services.profile import Profile
from exposure_app.services.watch_accounts import add_watch_account
from exposure_app.services.withdrawal_confirmations import set_destination

DEMO_ZPUB = ("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868"
             "RvUUkgDKf31mGDtKsAYz2oz2AGutZYs")
"""BIP84's test vector account key (mnemonic "abandon … about"): public, worthless on mainnet."""
WALLET_NAME = "Hardware wallet (watch-only)"
EARLIER_SATS = (15_000_000, 4_000_000, 1_250_000)
"""Coins the wallet already held before the demo's withdrawal (three receive addresses)."""
NETWORK_FEE = Decimal("0.0002")
SATS = Decimal(100_000_000)


def add_demo_wallet(profile: Profile, chain_server: EmulatorServer,
                    exchanges: dict[str, ExchangeEmulator]) -> int:
    """Serve the wallet's chain, add the watch-only account and play one withdrawal.

    Returns the account id.
    """
    esplora = EsploraEmulator()
    url = chain_server.add(esplora, key="esplora")
    target = parse_watch_input("bitcoin", DEMO_ZPUB)
    receive = derive_addresses(target, 0, 0, len(EARLIER_SATS) + 1)
    week_ago = int(time.time()) - 7 * 86400
    for address, sats in zip(receive, EARLIER_SATS, strict=False):
        esplora.receive(address, sats, block_time=week_ago)
    store = profile.open_store()
    try:
        account = add_watch_account(store, WALLET_NAME, "bitcoin", DEMO_ZPUB, url)
        settings = profile.load_settings()
        for exchange_id, emulator in exchanges.items():
            view = open_checklist(store, settings, exchange_id)
            item = next((r for r in view.rows if r.kind == "asset" and r.asset == "BTC"
                         and not r.blocked and r.total), None)
            if item is None or view.plan_id is None:
                continue
            destination = receive[len(EARLIER_SATS)]
            set_destination(store, view.plan_id, item.item_key, WALLET_NAME, destination)
            assert item.total is not None
            emulator.account.balances = [b for b in emulator.account.balances if b.asset != "BTC"]
            sats = int((item.total - NETWORK_FEE) * SATS)
            esplora.receive(destination, sats, block_time=math.ceil(time.time()) + 1)
            break
    finally:
        store.close()
    return account.id
