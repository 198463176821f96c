"""Amounts with huge or tiny exponents, or too many digits, are refused before conversion."""

from __future__ import annotations

import json
import time

import pytest

from exposure_app.domain.money import AmountError, parse_decimal, to_text

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

HOSTILE = ["1E+999999999", "1E-999999999", "1E-99999999999", "1e400", "1e-400",
           "9" * 5000, "0." + "0" * 200 + "1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_parse_refuses_quickly_and_in_one_line(text):
    started = time.perf_counter()
    with pytest.raises(AmountError) as caught:
        parse_decimal(text)
    assert time.perf_counter() - started < 0.1
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


def test_zero_with_a_huge_exponent_is_plain_zero():
    assert to_text(parse_decimal("0E-9999")) == "0"


@pytest.mark.parametrize("text", ["1e60", "1e-60", "0.000000000000000001", "123456789.123456789"])
def test_values_inside_the_bounds_still_parse(text):
    assert parse_decimal(text) == __import__("decimal").Decimal(text)


def test_csv_import_of_hostile_amounts_is_refused_with_line_numbers(run_cli, tmp_path):
    assert run_cli("accounts", "add-manual", "M", "--custodian", "kraken").returncode == 0
    rows = "".join(f"2024-01-0{i % 9 + 1},M,A{i},{amount}\n" for i, amount in enumerate(HOSTILE))
    path = tmp_path / "hostile.csv"
    path.write_text("date,account,asset,amount\n" + rows, encoding="utf-8")
    started = time.perf_counter()
    result = run_cli("import", "holdings", str(path))
    assert time.perf_counter() - started < 30
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for line in range(2, 2 + len(HOSTILE)):
        assert f"line {line}:" in result.stderr
    assert json.loads(run_cli("holdings", "list", "--json").stdout)["holdings"] == []
