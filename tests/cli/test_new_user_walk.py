"""What a new user meets on a first walk through the CLI: events they can look up by the id
the listing shows, feed states that say only what happened, and withdrawal networks of a
hand-recorded custodian that do not blame an exchange nobody asked."""

from __future__ import annotations

import io
import sys

import pytest

from exposure_app.cli.main import run_cli

pytestmark = pytest.mark.cli_in_process


@pytest.fixture
def cli(data_dir, monkeypatch):
    def call(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        code = run_cli(["--data-dir", str(data_dir), *args], stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()
    return call


def test_every_listed_event_can_be_shown_by_the_id_the_listing_gives(cli):
    code, out, _ = cli("events", "list", "--counterparty", "ftx")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split() == ["DATE", "COUNTERPARTY", "CATEGORY", "TITLE", "ID"]
    # the columns line up, even for the longest category ("withdrawal_friction")
    assert any("withdrawal_friction" in line for line in lines)
    for column in ("CATEGORY", "TITLE", "ID"):
        at = header.index(column)
        assert all(line[at - 1] == " " and line[at] != " " for line in lines), column
    ids = [line[header.index("ID"):] for line in lines]
    assert "2022-11-08-ftx-withdrawal-halt" in ids

    code, out, err = cli("events", "show", "2022-11-08-ftx-withdrawal-halt")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "FTX stops processing withdrawals"
    assert "counterparty  FTX (ftx)" in out and "happened      2022-11-08" in out
    assert "sources       https://" in out and "summary       " in out

    code, out, err = cli("events", "show", "2022-11-08-ftx-nothing")
    assert code == 1 and out == ""
    assert err.strip() == ("error: no event with the id '2022-11-08-ftx-nothing'; the ids are "
                           "in the ID column of 'events list'")


def test_the_feed_list_says_a_feed_was_never_read_once_and_names_it_once(cli, data_dir):
    from exposure_app.services.suggestions import repository
    from exposure_app.storage.store import ProfileStore

    url = "https://news.example.org/feed.xml"
    assert cli("feeds", "add", url)[0] == 0
    code, out, _ = cli("feeds", "list")
    assert code == 0 and f"{url}  (not read yet)" in out.splitlines()
    assert "never read" not in out

    store = ProfileStore.open(data_dir)
    try:
        repository(store).record_poll(url, entries=(), error=f"{url}: not an RSS or Atom feed")
    finally:
        store.close()
    code, out, _ = cli("feeds", "list")
    line = next(line for line in out.splitlines() if line.startswith(url))
    assert line == f"{url}  (not read yet: not an RSS or Atom feed)"    # no STALE: nothing kept


def test_a_hand_recorded_custodian_does_not_blame_an_exchange_for_unknown_networks(cli):
    assert cli("accounts", "add-manual", "Broker", "--new-custodian", "My Broker")[0] == 0
    assert cli("holdings", "set", "Broker", "USDT", "100", "--price", "1")[0] == 0
    code, out, _ = cli("checklist")
    assert code == 0
    assert "the exchange did not say" not in out
    assert "networks: unknown (recorded by hand: check on the custodian's site)" in out


def test_a_custodian_can_be_given_by_the_name_the_commands_print_and_is_named_back(cli):
    assert cli("accounts", "add-manual", "Broker", "--new-custodian", "My Broker")[0] == 0
    assert cli("accounts", "add-manual", "Celsius", "--custodian", "celsius")[0] == 0
    assert cli("holdings", "set", "Broker", "USDT", "100", "--price", "1")[0] == 0
    code, _, err = cli("reminders", "set", "my broker", "30")     # the name, any case
    assert (code, err.strip()) == (0, "My Broker: withdrawal-test reminder every 30 days.")
    code, _, err = cli("reminders", "record", "my_broker", "worked")
    assert (code, err.strip()) == (0, "Recorded a worked test withdrawal at My Broker.")
    code, out, _ = cli("checklist", "Celsius Network")
    assert code == 0 and out.startswith("Move to self-custody: Celsius Network ")
    code, out, err = cli("checklist", "Celsius Networks")          # a typo is still refused
    assert code == 1 and out == "" and "did you mean 'celsius'?" in err


def test_with_no_prices_cached_the_cli_names_its_own_command_once(cli):
    assert cli("accounts", "add-wallet", "Ledger")[0] == 0
    assert cli("holdings", "set", "Ledger", "BTC", "0.5")[0] == 0
    code, out, _ = cli("exposure")
    assert code == 0
    assert "Market         no market prices cached yet (run 'prices update')" in out.splitlines()
    code, out, err = cli("prices", "show", "BTC")
    assert code == 1 and out == ""
    assert err.strip() == ("error: no cached market price for BTC in USD (no market prices "
                           "cached yet); run 'prices update' while online")


def test_a_backtest_start_after_its_end_is_a_usage_error_naming_the_default_day(cli):
    code, out, err = cli("risk", "backtest", "--from", "2030-01-01")
    assert code == 2 and out == ""
    assert err.strip() == ("usage error: --from 2030-01-01 is after --to 2025-12-31 (the "
                           "default last day): give a --from on or before the --to")
    code, out, _ = cli("risk", "backtest", "--from", "2024-01-01", "--to", "2023-01-01", "--json")
    assert code == 2
    assert '"code": "usage"' in out and "(the default" not in out


def test_an_event_for_a_custodian_named_with_new_custodian_is_recorded(cli):
    assert cli("accounts", "add-manual", "Broker", "--new-custodian", "My Broker")[0] == 0
    code, out, err = cli("events", "add", "2024-05-01-mybroker-halt", "--date", "2024-05-01",
                         "--counterparty", "my_broker", "--category", "withdrawal_halt",
                         "--title", "Withdrawals paused", "--summary", "Paused for a day.",
                         "--source", "https://example.com/notice")
    assert code == 0 and out == "", err
    assert "added 2024-05-01-mybroker-halt" in err
    listed = cli("events", "list", "--counterparty", "my_broker")[1]
    assert "Withdrawals paused" in listed and "my_broker" in listed


def test_an_event_for_an_older_self_named_custodian_is_refused_with_the_way_that_works(
        cli, data_dir):
    """An older version kept a --new-custodian's id only, with no entry to hang events on."""
    from exposure_app.domain.models import AccountKind
    from exposure_app.storage.store import ProfileStore

    store = ProfileStore.open(data_dir)
    try:
        store.accounts.add("Broker", AccountKind.MANUAL_CUSTODIAL, counterparty="my_broker")
    finally:
        store.close()
    code, out, err = cli("events", "add", "2024-05-01-mybroker-halt", "--date", "2024-05-01",
                         "--counterparty", "my_broker", "--category", "withdrawal_halt",
                         "--title", "Withdrawals paused", "--summary", "Paused for a day.",
                         "--source", "https://example.com/notice")
    assert code == 1 and out == ""
    assert err.startswith("error: event not added: My Broker (my_broker) is a custodian you "
                          "named yourself, not in the catalogue; ")
    assert "'events import'" in err
    assert cli("events", "list", "--counterparty", "my_broker")[1] == "No events.\n"
