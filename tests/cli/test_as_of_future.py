"""``--as-of`` looks back: a moment in the future is a usage error (exit status 2)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from exposure_app.cli.main import run_cli
from exposure_app.domain.timeutil import utc_now

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def _cli(data_dir, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(["--data-dir", str(data_dir), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", [("exposure",), ("holdings", "list"), ("warnings",)])
def test_an_as_of_in_the_future_is_a_usage_error_that_changes_nothing(data_dir, command):
    now = utc_now()
    for future in ((now + timedelta(days=3)).date().isoformat(),
                   f"{now.year + 4}-01-01T00:00Z"):
        code, out, err = _cli(data_dir, *command, "--as-of", future)
        assert code == 2 and out == "", (future, err)
        (line,) = [x for x in err.splitlines() if "error:" in x]
        assert "--as-of" in line and "is in the future" in line and "Traceback" not in err
    # today (a bare date is the end of this UTC day) and the past are still fine
    for fine in (now.date().isoformat(), (now - timedelta(days=400)).date().isoformat(),
                 (now - timedelta(minutes=5)).isoformat()):
        code, _, err = _cli(data_dir, *command, "--as-of", fine)
        assert code == 0, (fine, err)
