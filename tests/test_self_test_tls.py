"""The self-test's TLS check: OpenSSL loaded, a known digest, certifi's CA file read."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import certifi
import pytest

from exposure_app import self_test_tls
from exposure_app.self_test import CHECKS, CheckReport


def _run() -> CheckReport:
    report = CheckReport(io.StringIO())
    report.run("TLS", self_test_tls.check_tls)
    return report


def test_tls_check_is_registered_and_passes_here() -> None:
    assert ("TLS", self_test_tls.check_tls) in CHECKS
    report = _run()
    assert report.exit_code == 0, report.lines
    (line,) = report.lines
    assert re.match(r"\[OK  \] TLS: OpenSSL \d", line), line
    assert "SHA-256 right" in line
    if sys.platform.startswith("linux"):
        assert "libssl.so" in line  # where the library came from


def test_a_missing_ca_file_fails(monkeypatch, tmp_path) -> None:
    empty = tmp_path / "cacert.pem"
    empty.write_text("")
    monkeypatch.setattr(certifi, "where", lambda: str(empty))
    report = _run()
    assert report.exit_code == 1
    assert report.lines[0].startswith("[FAIL] TLS: certifi's CA file"), report.lines


def test_a_ca_file_with_one_authority_fails(monkeypatch, tmp_path) -> None:
    text = Path(certifi.where()).read_text(encoding="ascii")
    end = "-----END CERTIFICATE-----"
    one = tmp_path / "one.pem"
    one.write_text(text[text.index("-----BEGIN CERTIFICATE-----") : text.index(end) + len(end)] + "\n")
    monkeypatch.setattr(certifi, "where", lambda: str(one))
    report = _run()
    assert report.exit_code == 1
    assert report.lines[0].startswith("[FAIL] TLS: only 1 certificate authorities"), report.lines


def test_a_wrong_digest_fails(monkeypatch) -> None:
    monkeypatch.setattr(self_test_tls, "SHA256_ABC", "0" * 64)
    report = _run()
    assert report.exit_code == 1
    assert report.lines[0].startswith("[FAIL] TLS: OpenSSL's SHA-256 of 'abc' is ba7816bf"), report.lines


def test_loaded_library_reads_the_path_from_a_maps_file(tmp_path) -> None:
    maps = tmp_path / "maps"
    maps.write_text(
        "7f00-7f01 r--p 00000000 08:01 1 /opt/exposure-app/_internal/libpython3.11.so.1.0\n"
        "7f02-7f03 r-xp 00000000 00:00 0 [vdso]\n"
        "7f04-7f05 r--p 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libssl.so.3\n"
    )
    assert self_test_tls.loaded_library("libssl.so", str(maps)) == "/usr/lib/x86_64-linux-gnu/libssl.so.3"
    assert self_test_tls.loaded_library("libcrypto.so", str(maps)) is None
    assert self_test_tls.loaded_library("libssl.so", str(tmp_path / "absent")) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/maps")
def test_loaded_library_finds_this_process_openssl() -> None:
    import ssl  # noqa: F401 - maps libssl into this process

    found = self_test_tls.loaded_library("libssl.so")
    assert found is not None and found.startswith("/")
