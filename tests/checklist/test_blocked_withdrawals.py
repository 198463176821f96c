"""A custodian whose withdrawals are blocked gets claim items, not withdrawal items, as of
the plan's date; the CSV, the Markdown and the CLI's JSON say so too."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exposure_app.cli.main import run_cli
from exposure_app.domain.checklist_rows import flatten
from exposure_app.domain.models import AccountKind
from exposure_app.services.checklist_service import build_checklist, view_checklist
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.reports import ReportOptions, write_report
from exposure_app.services.settings import Settings

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

RECORDED = datetime(2022, 11, 1, 12, tzinfo=UTC)
BEFORE_HALT = datetime(2022, 11, 7, 23, tzinfo=UTC)       # FTX halted withdrawals on 2022-11-08
AFTER_FILING = datetime(2022, 11, 14, 12, tzinfo=UTC)     # and filed for Chapter 11 on 2022-11-11


def _ftx_account(store):
    ftx = store.accounts.add("FTX", AccountKind.MANUAL_CUSTODIAL, counterparty="ftx")
    set_holding(store, ftx, "USDC", Decimal(4000), price=Decimal(1), when=RECORDED)
    kraken = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
    set_holding(store, kraken, "BTC", Decimal("0.1"), price=Decimal(16000), when=RECORDED)


def _asset_rows(plan):
    return {r.item_key: r for r in flatten(plan) if r.kind == "asset"}


def test_items_turn_into_claims_once_the_halt_is_known_and_not_before(store):
    _ftx_account(store)
    before = _asset_rows(build_checklist(store, Settings(), "all", as_of=BEFORE_HALT, levels={}))
    assert before["asset:ftx:USDC"].title == "Withdraw USDC from FTX"
    assert not before["asset:ftx:USDC"].blocked
    after = _asset_rows(build_checklist(store, Settings(), "all", as_of=AFTER_FILING, levels={}))
    claim = after["asset:ftx:USDC"]
    assert claim.title == "Claim USDC from FTX (withdrawals blocked)" and claim.blocked
    assert claim.unlock.startswith("Withdrawals are blocked: insolvency since 2022-11-11")
    assert "claims process" in claim.unlock
    # another custodian in the same plan is unaffected
    assert after["asset:kraken:BTC"].title == "Withdraw BTC from Kraken"
    assert not after["asset:kraken:BTC"].blocked


def test_csv_markdown_and_json_carry_the_block(store, data_dir, tmp_path):
    _ftx_account(store)
    csv_path = tmp_path / "plan.csv"
    write_report(store, Settings(), "checklist", csv_path,
                 ReportOptions(as_of=AFTER_FILING, scope="ftx"))
    header, *lines = csv_path.read_text(encoding="utf-8").splitlines()
    blocked_at = header.split(",").index("withdrawals_blocked")
    usdc = next(line for line in lines if "asset:ftx:USDC" in line)
    import csv

    assert next(csv.reader([usdc]))[blocked_at] == "true"
    from exposure_app.reports.markdown import plan_markdown

    view = view_checklist(store, Settings(), "ftx", as_of=AFTER_FILING, levels={})
    markdown = plan_markdown(view.rows, as_of=view.as_of, scope_name=view.scope_name,
                             base_currency=view.base_currency)
    assert "  - Blocked: Withdrawals are blocked: insolvency since 2022-11-11" in markdown
    store.close()
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(["--data-dir", str(data_dir), "checklist", "ftx", "--json"], stdout=out,
                   stderr=err)
    assert code == 0, err.getvalue()
    plan = json.loads(out.getvalue())
    (usdc_row,) = [r for r in plan["items"] if r["item"] == "asset:ftx:USDC"]
    assert usdc_row["withdrawals_blocked"] is True      # FTX is still in bankruptcy today
    (section,) = plan["custodians"]
    assert section["withdrawals_blocked"] is True
    assert section["withdrawals_blocked_reason"].startswith("insolvency since 2022-11-11")
