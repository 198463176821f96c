"""Numbers, dates and names a person types or imports are bounded: a clear
one-line error, exit 1, nothing changed (issue 15, points 17 and 19)."""

from __future__ import annotations

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.holdings_import import ImportRejected, import_holdings_csv
from exposure_app.storage.errors import ConflictError

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def counts(store):
    return tuple(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                 for table in ("accounts", "snapshots", "holdings"))


@pytest.mark.parametrize("row, reason", [
    ("2022-06-01,Ledger,BTC,1e400,,", "out of range"),
    ("2022-06-01,Ledger,BTC," + "9" * 5000 + ",,", "too long"),
    ("2022-06-01,Ledger,BTC,1e19,,", "amount 1.000E+19 is larger than 10^18"),
    ("2022-06-01,Ledger,BTC,1,1e30,", "price 1.000E+30 is larger than 10^12"),
    ("2022-06-01,Ledger,BTC,1,,1e20", "value 1.000E+20 is larger than 10^15"),
    ("0001-01-01,Ledger,BTC,1,,", "before 2009-01-03"),
    ("9999-12-31,Ledger,BTC,1,,", "in the future"),
    ("2022-06-01,Ledger,BTC,1_000,,", "not a number"),
    ("2022-06-01,Ledger,BTC,\u0661\u0662,,", "not a number"),
])
def test_csv_import_refuses_implausible_rows_with_the_line(store, tmp_path, row, reason):
    store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    before = counts(store)
    f = tmp_path / "h.csv"
    f.write_text("date,account,asset,amount,price,value\n2022-06-01,Ledger,ETH,1,,\n"
                 f"{row}\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_holdings_csv(store, f)
    assert [(e.line, reason in e.reason) for e in info.value.errors] == [(3, True)], \
        info.value.errors
    assert counts(store) == before


@pytest.mark.parametrize("args, reason", [
    (("1e400",), "out of range"),
    (("1" * 5000,), "too long"),
    (("1e30",), "larger than 10^18"),
    (("1", "--price", "1e30"), "larger than 10^12"),
    (("1", "--date", "0001-01-01"), "before 2009-01-03"),
    (("1", "--date", "9999-12-31"), "in the future"),
    (("1_000",), "not a number"),
    (("\u0661",), "not a number"),
])
def test_holdings_set_refuses_implausible_input(run_cli, args, reason):
    assert run_cli("accounts", "add-wallet", "Ledger").returncode == 0
    result = run_cli("holdings", "set", "Ledger", "BTC", *args)
    assert result.returncode == 1
    assert reason in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    listed = run_cli("holdings", "list", "--json")
    assert "BTC" not in listed.stdout


@pytest.mark.parametrize("name", [
    "binance", "BINANCE", "Binance\u200b", "Bin\u200dance", "\uff22\uff49\uff4e\uff41\uff4e\uff43\uff45",
    "B\u0456nance",        # Cyrillic i
    "\u0412inance",        # Cyrillic Ve
])
def test_look_alike_account_names_are_duplicates(store, name):
    store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    with pytest.raises((ConflictError, ValueError)):
        store.accounts.add(name, AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    assert [a.name for a in store.accounts.list()] == ["Binance"]
    assert store.accounts.find(name).name == "Binance"


def test_mixed_script_name_is_refused_and_names_are_cleaned(store):
    with pytest.raises(ValueError, match="mixes Latin and Cyrillic"):
        store.accounts.add("Bi\u043dance", AccountKind.SELF_CUSTODY)
    with pytest.raises(ValueError, match="at most 64 characters"):
        store.accounts.add("x" * 100_000, AccountKind.SELF_CUSTODY)
    account = store.accounts.add("  Cold\u200b  storage\u2060 ", AccountKind.SELF_CUSTODY)
    assert account.name == "Cold storage"
    assert store.accounts.find("COLD STORAGE").id == account.id
    greek = store.accounts.add("\u039b\u03b5\u03c5\u03ba\u03cc", AccountKind.SELF_CUSTODY)
    assert greek.name == "\u039b\u03b5\u03c5\u03ba\u03cc"   # one script is fine
    other = store.accounts.add("Cold storage 2", AccountKind.SELF_CUSTODY)
    with pytest.raises(ConflictError):
        store.accounts.rename(other.id, "cold\u200bstorage".replace("\u200b", " "))


def test_cli_refuses_a_long_or_look_alike_name(run_cli):
    assert run_cli("accounts", "add-wallet", "Ledger").returncode == 0
    for name, reason in (("L" * 1000, "at most 64"), ("Ledger\u200b", "already exists"),
                         ("LEDGER", "already exists")):
        result = run_cli("accounts", "add-wallet", name)
        assert result.returncode == 1 and reason in result.stderr, result.stderr


def test_an_unknown_custodian_is_refused_with_the_closest_matches(run_cli):
    result = run_cli("accounts", "add-manual", "Foo", "--custodian", "celsus")
    assert result.returncode == 1
    assert "did you mean celsius?" in result.stderr and "--new-custodian" in result.stderr
    assert "Foo" not in run_cli("accounts", "list").stdout
    made = run_cli("accounts", "add-manual", "Foo", "--new-custodian", "Celsus Lend")
    assert made.returncode == 0 and "new custodian" in made.stderr
    again = run_cli("accounts", "add-manual", "Bar", "--new-custodian", "Celsius")
    assert again.returncode == 1 and "--custodian celsius" in again.stderr
    # a custodian created before is known from then on
    assert run_cli("accounts", "add-manual", "Baz", "--custodian", "celsus_lend").returncode == 0
    listed = run_cli("accounts", "list", "--json").stdout
    assert listed.count('"celsus_lend"') == 2
