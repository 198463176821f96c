"""docs/reports.md documents every column of every report, and the memo list."""

from __future__ import annotations

from pathlib import Path

from exposure_app.domain.withdrawal_networks import MEMO_NETWORKS
from exposure_app.reports.checklist_report import CHECKLIST_COLUMNS
from exposure_app.reports.news_reports import SUGGESTIONS_COLUMNS
from exposure_app.reports.portfolio_reports import EXPOSURE_COLUMNS, HISTORY_COLUMNS, HOLDINGS_COLUMNS
from exposure_app.reports.risk_reports import EVENTS_COLUMNS, WARNINGS_COLUMNS
from exposure_app.services.reports import REPORTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "reports.md").read_text(encoding="utf-8")
TABLES = {"exposure": EXPOSURE_COLUMNS, "holdings": HOLDINGS_COLUMNS, "history": HISTORY_COLUMNS,
          "warnings": WARNINGS_COLUMNS, "checklist": CHECKLIST_COLUMNS, "events": EVENTS_COLUMNS,
          "suggestions": SUGGESTIONS_COLUMNS}


def test_every_report_and_column_is_documented():
    assert set(TABLES) == set(REPORTS)
    for name, columns in TABLES.items():
        section = DOC.split(f"### `{name}`", 1)[1].split("###", 1)[0]
        for column in columns:
            assert f"| `{column.name}` | {column.kind.value} |" in section, (name, column.name)
            assert column.doc, (name, column.name)


def test_memo_networks_are_documented():
    for network in MEMO_NETWORKS:
        assert network in DOC, network
