"""Every injectable fault on the OKX, Bybit, Bitget and KuCoin emulators.

One real ccxt client per exchange meets each fault in turn (the fault hits
every signed endpoint) and the adapter must fail the account with the right
plain-language kind, then read the account normally once the fault is gone.
Clock skew must be recovered by ccxt's time-difference adjustment.
"""

from __future__ import annotations

import pytest
from signed_venues import expected_by_wallet, read_by_wallet, run_client

from exposure_app.emulator.base import FaultKind
from exposure_app.emulator.registry import emulator_class
from exposure_app.exchanges.adapters.registry import adapter_for
from exposure_app.exchanges.errors import SyncError

EXPECTED_KIND = {
    FaultKind.AUTH: "auth",
    FaultKind.PERMISSION_DENIED: "permission",
    FaultKind.IP_NOT_WHITELISTED: "ip",
    FaultKind.RATE_LIMIT: "rate_limit",
    FaultKind.BAN: "rate_limit",
    FaultKind.SERVER_ERROR: "unavailable",
    FaultKind.MAINTENANCE: "maintenance",
    FaultKind.TIMEOUT: "timeout",
    FaultKind.CONNECTION_RESET: "network",
    FaultKind.HTML_200: "bad_response",
    FaultKind.MALFORMED_JSON: "bad_response",
    FaultKind.EMPTY_BODY: "bad_response",
}


@pytest.mark.parametrize("exchange_id", ["okx", "bybit", "bitget", "kucoin"])
def test_each_fault_fails_the_account_with_its_kind_then_recovers(exchange_id):
    emu = emulator_class(exchange_id).sample()
    adapter = adapter_for(exchange_id)

    async def matrix(client):
        outcomes = {}
        for fault, _kind in EXPECTED_KIND.items():
            emu.inject(fault, retry_after=30)
            try:
                await adapter.read_account(client)
                outcomes[fault] = "no error"
            except SyncError as error:
                outcomes[fault] = error.kind.value
                assert emu.account.secret not in error.message
            finally:
                emu.clear_faults()
        healthy = await adapter.read_account(client)
        emu.inject(FaultKind.CLOCK_SKEW, skew_ms=-45_000)
        skewed = await adapter.read_account(client)
        return outcomes, healthy, skewed, client.options.get("adjustForTimeDifference")

    outcomes, healthy, skewed, adjusted = run_client(
        exchange_id, emu, adapter, emu.account.credentials(),
        lambda client: matrix(_with_short_timeout(client)),
    )
    assert outcomes == {fault: kind.value if hasattr(kind, "value") else kind
                        for fault, kind in EXPECTED_KIND.items()}
    expected = expected_by_wallet(emu.account.balances)
    assert read_by_wallet(healthy.balances) == expected
    assert read_by_wallet(skewed.balances) == expected
    assert adjusted is True


def _with_short_timeout(client):
    client.timeout = 1000   # ms; the TIMEOUT fault never answers
    return client
