"""``exposure-app --self-test``: prove an installed or frozen app is complete.

The checks answer the questions a packager (and a user filing a bug) needs
answered without opening the GUI: which versions are inside, which keyring
backend the app would use and whether the platform's native backend was found
(frozen apps lose keyring's entry points unless the build keeps them), whether
the shipped resources load, and whether a database round trip works.

Nothing here writes outside a temporary folder: not next to the code (the app
must run from a read-only install location) and not in the user's profile or
keyring. The Qt half of the check lives in ``exposure_app.ui.self_test_qt``
(only ``ui`` may import Qt); ``exposure_app.main`` runs both.

Threading: runs on the calling thread only; opens and closes its own store.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import sqlite3
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import TextIO

import exposure_app
from exposure_app.self_test_tls import check_tls

#: Icons the GUI relies on; each must ship as a parseable SVG in resources/icons.
REQUIRED_ICONS: tuple[str, ...] = (
    "app/exposure.svg",
    *(
        f"actions/{name}.svg"
        for name in (
            "sync",
            "prices",
            "add-exchange",
            "add-wallet",
            "import",
            "export",
            "checklist",
            "settings",
            "cancel",
            "edit",
            "key",
            "remove",
            # navigation pages
            "overview",
            "holdings",
            "history",
            "accounts",
            "events",
        )
    ),
    *(f"levels/{level}.svg" for level in ("info", "low", "medium", "high", "critical")),
)

#: Set to "1" to also store, read and delete a throw-away secret in the keyring.
ENV_KEYRING_WRITE = "EXPOSURE_SELF_TEST_KEYRING_WRITE"

#: The keyring backend module each platform's users rely on.
NATIVE_KEYRING_BACKENDS: dict[str, tuple[str, str]] = {
    "linux": ("SecretService", "keyring.backends.SecretService"),
    "darwin": ("macOS", "keyring.backends.macOS"),
    "win32": ("Windows", "keyring.backends.Windows"),
}


def headless_fallback(environ: dict[str, str] | os._Environ, platform_name: str) -> str | None:
    """Why the Qt checks must use the ``offscreen`` platform, or ``None``.

    On Linux and the BSDs without ``DISPLAY`` or ``WAYLAND_DISPLAY`` (a build
    machine, an SSH session) Qt's default platform plugin cannot connect and
    aborts the process (SIGABRT, exit 134) before any check could report. A
    platform chosen explicitly in ``QT_QPA_PLATFORM`` is left alone.
    """
    if environ.get("QT_QPA_PLATFORM"):
        return None
    if platform_name.startswith(("win", "darwin", "cygwin")):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return "no display was found (DISPLAY and WAYLAND_DISPLAY are not set)"


@dataclass
class CheckReport:
    """Collects ``OK``/``WARN``/``FAIL`` lines; only failures make the exit code 1.

    ``WARN`` is for facts about the environment rather than the build (for
    example no Secret Service running on a headless CI machine).
    """

    out: TextIO
    failures: int = 0
    warnings: int = 0
    lines: list[str] = field(default_factory=list)

    def _emit(self, status: str, what: str, detail: str) -> None:
        line = f"[{status:<4}] {what}: {detail}" if detail else f"[{status:<4}] {what}"
        self.lines.append(line)
        print(line, file=self.out, flush=True)

    def info(self, what: str, detail: str) -> None:
        self._emit("INFO", what, detail)

    def ok(self, what: str, detail: str = "") -> None:
        self._emit("OK", what, detail)

    def warn(self, what: str, detail: str) -> None:
        self.warnings += 1
        self._emit("WARN", what, detail)

    def fail(self, what: str, detail: str) -> None:
        self.failures += 1
        self._emit("FAIL", what, detail)

    def run(self, what: str, check: Callable[[CheckReport], None]) -> None:
        """Run one check; an unexpected exception is a failure, never a crash."""
        try:
            check(self)
        except Exception as exc:
            self.fail(what, f"{type(exc).__name__}: {exc}")

    def run_all(self, checks: Iterable[tuple[str, Callable[[CheckReport], None]]]) -> int:
        """Run each ``(name, check)`` in turn; the exit code once all have run."""
        for what, check in checks:
            self.run(what, check)
        return self.exit_code

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def _dist_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown (no package metadata)"


def check_versions(report: CheckReport) -> None:
    report.info("Exposure", exposure_app.__version__)
    report.info("Python", f"{platform.python_version()} ({sys.executable})")
    report.info("Platform", f"{platform.platform()} frozen={bool(getattr(sys, 'frozen', False))}")
    report.info("SQLite", sqlite3.sqlite_version)
    import keyring

    report.info("keyring", getattr(keyring, "__version__", None) or _dist_version("keyring"))
    import ccxt

    report.info("ccxt", ccxt.__version__)
    import aiohttp

    report.info("aiohttp", aiohttp.__version__)
    import numpy

    report.info("numpy", numpy.__version__)


def check_numpy(report: CheckReport) -> None:
    """numpy's arithmetic and linear algebra give exact answers, whichever BLAS it has.

    The Linux bundle ships a numpy built without BLAS (its own loops and
    ``lapack_lite``); this proves that numpy's linear-algebra module loads
    and computes, and names the BLAS in use.
    """
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except (KeyError, TypeError, ValueError):
        blas = "unknown"
    try:
        a = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
        x = np.array([1.0, -2.0, 3.0])
        product = a @ x
        solved = np.linalg.solve(a, product)
        inverse_ok = np.allclose(np.linalg.inv(a) @ a, np.eye(3))
    except Exception as exc:  # any failure here is the finding
        report.fail("numpy", f"linear algebra failed: {type(exc).__name__}: {exc}")
        return
    if product.tolist() != [0.0, -2.0, 10.0] or not np.allclose(solved, x) or not inverse_ok:
        report.fail("numpy", f"wrong answers: A@x={product.tolist()}, solve={solved.tolist()}")
        return
    report.ok("numpy", f"matrix product, solve and inverse correct (BLAS: {blas})")


def check_keyring(report: CheckReport) -> None:
    """Native backend discoverable (a build property) and usable here (an environment fact)."""
    import keyring
    from keyring.backends import fail

    entry_points = {ep.name for ep in metadata.entry_points(group="keyring.backends")}
    platform_key = "linux" if sys.platform.startswith("linux") else sys.platform
    native = NATIVE_KEYRING_BACKENDS.get(platform_key)
    if native is not None:
        ep_name, module_name = native
        if ep_name not in entry_points:
            report.fail(
                "keyring backends",
                f"the {ep_name} backend's entry point is missing (found: "
                f"{', '.join(sorted(entry_points)) or 'none'}); the build lost keyring's metadata",
            )
        else:
            report.ok("keyring backends", f"entry points: {', '.join(sorted(entry_points))}")
        _check_native_backend_importable(report, module_name)

    ring = keyring.get_keyring()
    name = f"{type(ring).__module__}.{type(ring).__name__}"
    backends = getattr(ring, "backends", None)
    if isinstance(ring, fail.Keyring) or backends == []:
        report.warn(
            "keyring in use",
            f"{name}: no usable keyring here, so API keys cannot be stored "
            "(start the desktop's keyring service, e.g. GNOME Keyring or KWallet)",
        )
    else:
        inner = f" -> {', '.join(type(b).__name__ for b in backends)}" if backends else ""
        report.ok("keyring in use", f"{name}{inner} (priority {ring.priority})")
        if os.environ.get(ENV_KEYRING_WRITE) == "1":
            _keyring_round_trip(report, ring)


def _keyring_round_trip(report: CheckReport, ring: object) -> None:
    """Store, read back and delete a throw-away secret (opt-in: it writes to the keyring).

    Proves more than discovery: on Linux the Secret Service session is
    encrypted with ``cryptography``, which a frozen app must also carry.
    """
    service = f"{exposure_app.APP_ID}.self-test"
    token = secrets.token_hex(16)
    ring.set_password(service, "self-test", token)  # type: ignore[attr-defined]
    try:
        back = ring.get_password(service, "self-test")  # type: ignore[attr-defined]
    finally:
        ring.delete_password(service, "self-test")  # type: ignore[attr-defined]
    if back != token:
        report.fail("keyring round trip", "the secret read back differs from the one stored")
    else:
        report.ok("keyring round trip", "a throw-away secret was stored, read back and deleted")


def _check_native_backend_importable(report: CheckReport, module_name: str) -> None:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        report.fail("keyring native backend", f"{module_name} cannot be imported: {exc}")
        return
    if module_name.endswith("SecretService"):
        try:
            import jeepney  # noqa: F401  (secretstorage's D-Bus transport)
            import secretstorage  # noqa: F401
        except ImportError as exc:
            report.fail("keyring native backend", f"secretstorage/jeepney missing: {exc}")
            return
        try:
            priority = module.Keyring.priority
        except Exception as exc:
            report.warn("keyring native backend", f"Secret Service not reachable here: {exc}")
            return
        report.ok("keyring native backend", f"Secret Service reachable (priority {priority})")
        return
    report.ok("keyring native backend", f"{module_name} imported")


def check_resources(report: CheckReport) -> None:
    from exposure_app.resource_locator import read_resource_text, resource_path, resources_dir

    report.info("resources", str(resources_dir()))
    catalogue = json.loads(read_resource_text("counterparties.json"))
    count = len(catalogue.get("counterparties", []))
    if count == 0:
        report.fail("counterparties.json", "loaded but lists no counterparties")
    else:
        report.ok("counterparties.json", f"{count} counterparties")
    missing = []
    for icon in REQUIRED_ICONS:
        try:
            path = resource_path("icons", *icon.split("/"))
            root = ET.fromstring(path.read_bytes())
        except (FileNotFoundError, ET.ParseError) as exc:
            missing.append(f"{icon} ({exc})")
            continue
        if not root.tag.endswith("svg"):
            missing.append(f"{icon} (not an SVG document)")
    if missing:
        report.fail("icons", "; ".join(missing))
    else:
        report.ok("icons", f"{len(REQUIRED_ICONS)} SVG icons parse")


def check_database(report: CheckReport) -> None:
    """Create, write, read back and close a profile database in a temporary folder."""
    from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
    from exposure_app.storage.store import ProfileStore

    taken_at = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    holding = Holding.simple("BTC", Decimal("0.12345678"), price=Decimal("42000.5"))
    with tempfile.TemporaryDirectory(prefix="exposure-self-test-") as tmp:
        store = ProfileStore.open(Path(tmp))
        try:
            account = store.accounts.add("Self-test", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
            snapshot_id = store.snapshots.save(
                Snapshot(
                    id=None,
                    account_id=account.id,
                    taken_at=taken_at,
                    status=SnapshotStatus.OK,
                    holdings=(holding,),
                    coverage=("main",),
                )
            )
            version = store.user_version
        finally:
            store.close()
        # Read back through a fresh connection, as a restarted app would.
        store = ProfileStore.open(Path(tmp))
        try:
            back = store.snapshots.latest_usable(store.accounts.by_name("Self-test").id, taken_at)
        finally:
            store.close()
    if back is None or back.id != snapshot_id or back.holdings != (holding,):
        report.fail("database", f"round trip mismatch: wrote {holding!r}, read {back!r}")
        return
    report.ok("database", f"schema {version}, account + snapshot written and read back")


def check_watch_only(report: CheckReport) -> None:
    """bip-utils derives BIP84's published first address and knows the BIP39 word lists
    (data files a bundle must carry, or a pasted seed phrase would not be recognised)."""
    from exposure_app.domain.watch_only import derive_addresses, parse_watch_input, secret_kind

    zpub = ("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868"
            "RvUUkgDKf31mGDtKsAYz2oz2AGutZYs")
    first = derive_addresses(parse_watch_input("bitcoin", zpub), 0, 0, 1)[0]
    if first != "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu":
        report.fail("watch-only keys", f"BIP84 test vector derived {first}")
        return
    if secret_kind("abandon " * 11 + "about") != "a seed phrase (recovery words)":
        report.fail("watch-only keys", "the BIP39 word lists are missing: seed phrases would "
                                       "only be refused by their shape")
        return
    report.ok("watch-only keys", "BIP84 vector derived; BIP39 word lists present")


def check_lookalike_names(report: CheckReport) -> None:
    """confusable-homoglyphs reads its two Unicode tables (JSON data files) to compare names."""
    from exposure_app.domain.account_names import AccountNameError, clean_account_name, name_key

    if name_key("\u0412\u041e\u0425") != name_key("BOX"):  # Cyrillic "ВОХ"
        report.fail("look-alike names", "Cyrillic 'ВОХ' is not matched with 'BOX' (confusables table)")
        return
    try:
        clean_account_name("Bi\u043dance")  # a Cyrillic "н" among Latin letters
    except AccountNameError:
        report.ok("look-alike names", "confusables and script tables loaded")
        return
    report.fail("look-alike names", "a name mixing Latin and Cyrillic letters was accepted")


#: A page the news check reads: the article's date in its metadata, a weekday in its text.
_SAMPLE_ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Self-test article</title>
<meta property="article:published_time" content="2022-11-11T09:30:00+00:00"></head>
<body><nav><a href="/">Home</a></nav><main><article><h1>Self-test article</h1>
<p>This page is a sample the self-test reads to check that article extraction works. The
sample exchange said on Thursday that it was pausing client withdrawals while it reviewed
its balance sheet.</p>
<p>A second paragraph gives the extractor enough text to treat the page as an article rather
than as navigation, which is what a real news page looks like to it.</p>
</article></main><footer>Footer text.</footer></body></html>"""


def check_news_articles(report: CheckReport) -> None:
    """trafilatura (its settings file), htmldate, jusText's stop lists and dateparser's data.

    trafilatura falls back to jusText on short pages (feed summaries), which
    reads a stop list file per language; dateparser loads its language data as
    modules found at run time, which a freezer's import analysis cannot see.
    """
    import justext

    from exposure_app.risk.news.dates import find_dates
    from exposure_app.services.news_fetch import from_html

    article = from_html(_SAMPLE_ARTICLE, "self-test")
    if article.published != date(2022, 11, 11) or "pausing client withdrawals" not in article.text:
        report.fail("news articles", f"sample page read as {article!r}")
        return
    days = [hit.day for hit in find_dates("it was pausing withdrawals on Thursday", article.published)]
    if days != [date(2022, 11, 10)]:
        report.fail("news articles", f"'on Thursday' before 2022-11-11 read as {days}")
        return
    short = from_html("<html><body><p>Withdrawals resumed.</p></body></html>", "self-test")
    stoplists = justext.get_stoplists()
    if short.text != "Withdrawals resumed." or "English" not in stoplists:
        report.fail("news articles", f"short page read as {short.text!r}; "
                                     f"{len(stoplists)} jusText stop lists")
        return
    report.ok("news articles", f"text, publication date and a weekday read; "
                               f"{len(stoplists)} jusText stop lists")


_SAMPLE_FEED = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                b"<title>Self-test</title><link>https://example.org/</link><description>d"
                b"</description><item><title>Sample entry</title><link>https://example.org/1"
                b"</link><pubDate>Fri, 11 Nov 2022 09:30:00 GMT</pubDate><description>&lt;p&gt;"
                b"Withdrawals paused.&lt;/p&gt;</description></item></channel></rss>")


def check_news_feeds(report: CheckReport) -> None:
    """feedparser reads an RSS document with its entry's date (and its sgmllib helper loads)."""
    import feedparser

    parsed = feedparser.parse(_SAMPLE_FEED)
    entries = parsed.get("entries") or []
    when = entries[0].get("published_parsed") if entries else None
    if parsed.get("version") != "rss20" or when is None or tuple(when[:3]) != (2022, 11, 11):
        report.fail("news feeds", f"sample RSS read as version {parsed.get('version')!r}, "
                                  f"{len(entries)} entries, date {when}")
        return
    report.ok("news feeds", f"RSS entry and date read (feedparser {feedparser.__version__})")


CHECKS: tuple[tuple[str, Callable[[CheckReport], None]], ...] = (
    ("versions", check_versions),
    ("keyring", check_keyring),
    ("resources", check_resources),
    ("database", check_database),
    ("TLS", check_tls),
    ("numpy", check_numpy),
    ("watch-only keys", check_watch_only),
    ("look-alike names", check_lookalike_names),
    ("news articles", check_news_articles),
    ("news feeds", check_news_feeds),
)
"""The non-Qt checks, in the order they print: the one place a check is registered."""


def run_self_test(out: TextIO | None = None) -> int:
    """Run the non-Qt checks, print one line per fact, return 0 if none failed."""
    return CheckReport(out if out is not None else sys.stdout).run_all(CHECKS)
