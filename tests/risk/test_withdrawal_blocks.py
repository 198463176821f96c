"""Which custodians' withdrawals are blocked on a day (``risk.withdrawal_blocks``)."""

from __future__ import annotations

from datetime import date

from exposure_app.domain.counterparties import Counterparty, CounterpartyDirectory, CounterpartyKind
from exposure_app.risk.withdrawal_blocks import blocked_withdrawals
from tests.risk.helpers import event

EXCHANGE = CounterpartyKind.EXCHANGE
DIRECTORY = CounterpartyDirectory([
    Counterparty("okx", "OKX", EXCHANGE, aliases=("okex",)),
    Counterparty("ftx", "FTX", EXCHANGE),
    Counterparty("kraken", "Kraken", EXCHANGE),
    Counterparty("oldex", "Old Exchange", EXCHANGE, defunct_since=date(2020, 5, 1)),
])


def test_an_unresolved_halt_blocks_from_its_date_and_a_lifted_one_stops_blocking():
    events = [event("okex", "2020-12-01", "withdrawal_halt", resolved="2021-01-10")]
    def blocked_on(day: date) -> dict[str, str]:
        found = blocked_withdrawals(events, DIRECTORY, day)
        assert found.pop("oldex") == "defunct since 2020-05-01"
        return found

    assert blocked_on(date(2020, 11, 30)) == {}                                 # not yet
    during = blocked_on(date(2021, 1, 1))
    assert list(during) == ["okx"]                                              # alias resolved
    assert during["okx"].startswith("withdrawal halt since 2020-12-01, not resolved")
    assert blocked_on(date(2021, 1, 10)) == {}                                  # lifted


def test_the_latest_failure_is_named_and_other_categories_never_block():
    events = [event("ftx", "2022-11-08", "withdrawal_halt"),
              event("ftx", "2022-11-11", "insolvency"),
              event("kraken", "2022-11-10", "hack"),
              event("kraken", "2022-11-12", "regulatory")]
    blocked = blocked_withdrawals(events, DIRECTORY, date(2023, 1, 1))
    assert set(blocked) == {"ftx", "oldex"}
    assert blocked["ftx"] == "insolvency since 2022-11-11, not resolved (insolvency at ftx)"
    assert blocked["oldex"] == "defunct since 2020-05-01"
    assert "oldex" not in blocked_withdrawals([], DIRECTORY, date(2020, 4, 30))
