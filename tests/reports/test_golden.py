"""Every report against its golden file (regenerate with UPDATE_GOLDEN=1 and review the diff)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from exposure_app.reports.csv_safe import write_csv
from exposure_app.reports.risk_reports import (
    EVENTS_COLUMNS,
    WARNINGS_COLUMNS,
    events_rows,
    warnings_rows,
)
from exposure_app.services.reports import (
    ReportOptions,
    write_checklist_markdown,
    write_report,
)
from exposure_app.services.settings import Settings
from tests.reports import profile

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def check(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


@pytest.fixture
def golden_store(store):
    profile.build(store)
    return store


@pytest.mark.parametrize(
    ("report", "options"),
    [
        ("exposure", {}),
        ("holdings", {}),
        ("holdings", {"all_snapshots": True}),
        ("history", {}),
        ("checklist", {}),
        ("checklist", {"scope": "bitget"}),
    ],
    ids=["exposure", "holdings", "holdings-all", "history", "checklist", "checklist-bitget"],
)
def test_store_reports_match_golden(golden_store, tmp_path, report, options):
    out = tmp_path / "out.csv"
    result = write_report(golden_store, Settings(), report, out,
                          ReportOptions(as_of=profile.AS_OF, **options))
    suffix = "-all" if options.get("all_snapshots") else (f"-{options['scope']}" if "scope" in options else "")
    data = out.read_bytes()
    check(f"{report}{suffix}.csv", data)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert result.rows == len(rows) - 1 > 0
    assert len({len(r) for r in rows}) == 1                     # rectangular


def test_warnings_and_events_match_golden():
    for name, columns, rows in (
        ("warnings.csv", WARNINGS_COLUMNS, warnings_rows(profile.WARNINGS, profile.AS_OF, "USD")),
        ("events.csv", EVENTS_COLUMNS, events_rows(profile.EVENTS)),
    ):
        buffer = io.StringIO(newline="")
        write_csv(buffer, columns, rows)
        check(name, buffer.getvalue().encode("utf-8"))


def test_checklist_markdown_matches_golden(golden_store, tmp_path):
    out = tmp_path / "plan.md"
    write_checklist_markdown(golden_store, Settings(), out, scope="all", as_of=profile.AS_OF)
    check("checklist.md", out.read_bytes())


def test_format_rules(golden_store, tmp_path):
    """UTF-8, header, ISO times with offset, '.' decimals: amounts and prices at full
    precision, values rounded to the base currency's cents; currency column."""
    out = tmp_path / "h.csv"
    write_report(golden_store, Settings(), "holdings", out, ReportOptions(as_of=profile.AS_OF))
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    bgb = next(r for r in rows if r["asset"] == "BGB")
    assert bgb["price"] == "1.2345678901234567" and bgb["value"] == "123.46"
    assert bgb["base_currency"] == "USD" and bgb["snapshot_time"] == "2026-03-01T10:30:00+00:00"
    assert rows[0]["as_of"] == "2026-03-03T23:59:59.999999+00:00"
    assert rows[0]["account"] == "'=Bitget main"                  # neutralised
    xyz = next(r for r in rows if r["asset"] == "XYZ")
    assert xyz["priced"] == "false" and xyz["value"] == "" and xyz["price"] == ""
    assert {r["account"] for r in rows} == {"'=Bitget main", "MEXC manual", "'@Cold wallet"}
    sol = next(r for r in rows if r["asset"] == "SOL")
    assert sol["total"] == "12"                                   # the latest snapshot only


def test_history_carries_each_account_forward_day_by_day(golden_store, tmp_path):
    out = tmp_path / "history.csv"
    write_report(golden_store, Settings(), "history", out, ReportOptions(as_of=profile.AS_OF))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    mexc = [(r["date"], r["direct"]) for r in rows if r["counterparty"] == "mexc"]
    assert mexc == [("2026-03-01", "1500"), ("2026-03-02", "1500"), ("2026-03-03", "1800")]
    assert {r["counterparty"] for r in rows} == {"bitget", "mexc"}


def test_as_of_before_any_data_gives_a_header_only(golden_store, tmp_path):
    from datetime import UTC, datetime

    out = tmp_path / "e.csv"
    result = write_report(golden_store, Settings(), "holdings", out,
                          ReportOptions(as_of=datetime(2020, 1, 1, tzinfo=UTC)))
    assert result.rows == 0 and out.read_bytes().count(b"\r\n") == 1


def test_values_are_rounded_to_the_base_currencys_cents_and_amounts_stay_exact(golden_store,
                                                                               tmp_path):
    import re

    out = tmp_path / "e.csv"
    for report in ("exposure", "holdings", "history", "checklist"):
        write_report(golden_store, Settings(), report, out, ReportOptions(as_of=profile.AS_OF))
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
        for row in rows:
            for column in ("direct", "affiliated", "value", "custodial", "self_custody",
                           "net_worth"):
                cell = row.get(column) or ""
                assert not re.search(r"\.\d{3,}$", cell), (report, column, cell)
    rows = list(csv.DictReader(io.StringIO(
        (GOLDEN / "holdings.csv").read_text(encoding="utf-8"), newline="")))
    assert next(r for r in rows if r["asset"] == "BGB")["price"] == "1.2345678901234567"
    md = tmp_path / "plan.md"
    write_checklist_markdown(golden_store, Settings(), md, scope="all", as_of=profile.AS_OF)
    assert "value 123.46 USD" in md.read_text(encoding="utf-8")


def test_round_money_uses_each_currencys_cents():
    from decimal import Decimal

    from exposure_app.domain.money import round_money

    value = Decimal("71004.5979999180236307444307623787064940540414671297569594952")
    assert round_money(value, "USD") == Decimal("71004.60")
    assert round_money(value, "JPY") == Decimal("71005")
    assert round_money(Decimal("-0.001"), "EUR") == Decimal("0.00")
    assert str(round_money(Decimal("-0.001"), "EUR")) == "0.00"
    assert round_money(Decimal("1.123456789"), "BTC") == Decimal("1.12345679")
