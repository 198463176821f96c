"""The CLI's export and the service the GUI calls write byte-identical files."""

from __future__ import annotations

import pytest

from exposure_app.services.reports import ReportOptions, write_report
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore
from tests.reports import profile

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


@pytest.fixture
def built(data_dir):
    store = ProfileStore.open(data_dir)
    profile.build(store)
    store.close()
    return data_dir


@pytest.mark.parametrize("report", ["exposure", "holdings", "history", "warnings", "checklist",
                                    "events"])
def test_cli_export_equals_the_service_output(built, run_cli, tmp_path, report):
    cli_out = tmp_path / f"cli-{report}.csv"
    done = run_cli("export", report, "--out", str(cli_out), "--as-of", profile.AS_OF_TEXT)
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stderr
    store = ProfileStore.open(built)
    try:
        service_out = tmp_path / f"svc-{report}.csv"
        write_report(store, Settings.load(built), report, service_out,
                     ReportOptions(as_of=profile.AS_OF))
    finally:
        store.close()
    assert cli_out.read_bytes() == service_out.read_bytes()
    assert cli_out.read_bytes().count(b"\r\n") >= 1


def test_checklist_command_csv_and_markdown(built, run_cli, tmp_path):
    csv_path, md_path = tmp_path / "plan.csv", tmp_path / "plan.md"
    assert run_cli("checklist", "bitget", "--csv", str(csv_path)).returncode == 0
    assert run_cli("checklist", "bitget", "--markdown", str(md_path)).returncode == 0
    text = csv_path.read_text(encoding="utf-8")
    assert "asset:bitget:BTC" in text and "asset:mexc:SOL" not in text
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# Move to self-custody: Bitget") and "never withdraws" in md


def test_cli_errors_are_plain(built, run_cli, tmp_path):
    bad = run_cli("export", "nonsense", "--out", str(tmp_path / "x.csv"))
    assert bad.returncode == 2
    missing = run_cli("export", "holdings", "--out", str(tmp_path / "no" / "x.csv"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    date = run_cli("export", "holdings", "--out", str(tmp_path / "x.csv"), "--as-of", "yesterday")
    assert date.returncode == 2 and "--as-of" in date.stderr
    assert run_cli("checklist").returncode == 0          # no custodian named: every custodian
    unknown = run_cli("checklist", "nosuchexchange")
    assert unknown.returncode == 1 and "no custodian named 'nosuchexchange'" in unknown.stderr
