"""What a checklist row says of withdrawal networks it has none for: "the exchange did not
say" only when the exchange was read and named other assets' networks, not when nothing
was read at all (a read-only Kraken key cannot read them; the plan's note says why)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

from exposure_app.domain.checklist_rows import flatten
from exposure_app.domain.models import AccountKind
from exposure_app.domain.withdrawal_networks import Memo, NetworkOption
from exposure_app.services.checklist_service import build_checklist
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.settings import Settings

WHEN = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _kraken_plan(store, data_dir):
    kraken = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
    set_holding(store, kraken, "BTC", Decimal("0.1"), price=Decimal(60000), when=WHEN)
    set_holding(store, kraken, "USDC", Decimal(500), price=Decimal(1), when=WHEN)
    plan = build_checklist(store, Settings.load(data_dir), scope="kraken")
    [section] = plan.sections
    # as if the holdings had come from the exchange account, whose networks were not read
    read = dataclasses.replace(section, read_from_exchange=True, assets=tuple(
        dataclasses.replace(a, networks=()) for a in section.assets))
    return dataclasses.replace(plan, sections=(read,))


def _networks(plan) -> dict[str, str]:
    return {r.asset: r.networks for r in flatten(plan) if r.kind == "asset"}


def test_nothing_read_from_the_exchange_is_not_called_its_silence(store, data_dir):
    plan = _kraken_plan(store, data_dir)
    assert _networks(plan) == {
        "BTC": "unknown (not read from Kraken yet: see the plan's note)",
        "USDC": "unknown (not read from Kraken yet: see the plan's note)",
    }


def test_an_asset_the_exchange_left_out_did_not_say(store, data_dir):
    plan = _kraken_plan(store, data_dir)
    [section] = plan.sections
    bitcoin = NetworkOption("Bitcoin", "BTC", True, Decimal("0.0001"), Decimal("0.0005"),
                            Memo.NONE, None)
    assets = tuple(dataclasses.replace(a, networks=(bitcoin,)) if a.asset == "BTC" else a
                   for a in section.assets)
    plan = dataclasses.replace(plan, sections=(dataclasses.replace(section, assets=assets),))
    networks = _networks(plan)
    assert networks["USDC"] == "unknown (the exchange did not say)"
    assert networks["BTC"].startswith("Bitcoin")
