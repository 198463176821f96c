"""The TLS part of ``exposure-app --self-test``: Python's OpenSSL is there and works.

Every exchange, price source and news feed is reached over HTTPS through
Python's ``ssl`` module (aiohttp, ccxt), which links OpenSSL's ``libssl`` and
``libcrypto``; ``hashlib`` takes its digests from the same ``libcrypto``. The
Linux bundle does not carry these two libraries: they come from the host
like libGL (packaging/README.md says why). So this check proves that the
OpenSSL the app found loads, computes a known digest and reads the CA file
the HTTPS clients verify servers with (certifi's, which the bundle carries),
and names the library file in use so a report shows where it came from.

Threading: runs on the calling thread only; opens no connection.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exposure_app.self_test import CheckReport

#: SHA-256 of b"abc" (FIPS 180-2, appendix B.1).
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def loaded_library(fragment: str, maps: str = "/proc/self/maps") -> str | None:
    """The path of the first mapped file whose name contains ``fragment`` (Linux), else ``None``."""
    try:
        with open(maps, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if path.startswith("/") and fragment in path.rsplit("/", 1)[-1]:
                    return path
    except OSError:
        return None
    return None


def check_tls(report: CheckReport) -> None:
    """ssl and hashlib load OpenSSL, SHA-256 is right and certifi's CA file is read."""
    import hashlib
    import ssl

    import certifi

    digest = hashlib.new("sha256", b"abc").hexdigest()
    if digest != SHA256_ABC:
        report.fail("TLS", f"OpenSSL's SHA-256 of 'abc' is {digest}")
        return
    try:
        context = ssl.create_default_context(cafile=certifi.where())
    except (OSError, ssl.SSLError) as exc:
        report.fail("TLS", f"certifi's CA file {certifi.where()} not read: {exc}")
        return
    authorities = context.cert_store_stats().get("x509_ca", 0)
    if authorities < 50:
        report.fail("TLS", f"only {authorities} certificate authorities in {certifi.where()}")
        return
    where = loaded_library("libssl.so") if sys.platform.startswith("linux") else None
    report.ok("TLS", f"{ssl.OPENSSL_VERSION}" + (f" ({where})" if where else "")
              + f", SHA-256 right, {authorities} CAs from certifi")
