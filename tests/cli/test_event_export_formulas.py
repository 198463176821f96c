"""`events export FILE.csv` goes through the one neutralising CSV writer."""

from __future__ import annotations

import csv

import pytest

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

FORMULA = "=cmd|' /C calc'!A0"


def test_event_export_csv_neutralises_formulas_and_reads_back(run_cli, tmp_path):
    added = run_cli("events", "add", "mine-1", "--date", "2024-01-02", "--counterparty", "kraken",
                    "--category", "hack", "--title", FORMULA, "--summary", "@SUM(A1:A9)",
                    "--source", "https://example.org/a")
    assert added.returncode == 0, added.stderr
    out = tmp_path / "events.csv"
    exported = run_cli("events", "export", str(out))
    assert exported.returncode == 0, exported.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["title"] == "'" + FORMULA
    assert rows[0]["summary"] == "'@SUM(A1:A9)"
    # what was written reads back as it was entered
    assert run_cli("events", "remove", "mine-1").returncode == 0
    imported = run_cli("events", "import", str(out))
    assert imported.returncode == 0, imported.stderr
    listed = run_cli("events", "list", "--json")
    import json

    mine = [e for e in json.loads(listed.stdout)["events"] if e["id"] == "mine-1"]
    assert mine[0]["title"] == FORMULA and mine[0]["summary"] == "@SUM(A1:A9)"
