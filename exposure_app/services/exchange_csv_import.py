"""Import an exchange's own CSV export as the balances of a hand-recorded custodian account.

For users who will not give an API key: they download the exchange's own
export and import it into a manual account for that exchange. Three formats
(their real column names; the file's header says which one it is):

* **Binance** "Export Transaction Records" (Wallet → Transaction History):
  ``User_ID, UTC_Time, Account, Operation, Coin, Change, Remark``. Every row
  is a signed change; the balance of each ``Account`` (Spot, Funding, Earn…)
  and ``Coin`` is the sum of its changes, so the export must cover the
  account's whole history (a balance that comes out negative says it does not).
* **Kraken** ledger export (History → Export → Ledgers):
  ``txid, refid, time, type, subtype, aclass, [subclass], asset, [wallet],
  amount, fee, balance``. ``balance`` is the asset's balance after the row;
  the latest row per asset (and wallet, when the column is there) is kept.
  Kraken's asset codes are mapped (``XXBT`` → BTC, ``ZUSD`` → USD, ``XXDG`` →
  DOGE; ``.S``/``.M``/``.F``/``.B`` staking and earn variants into an ``earn``
  wallet).
* **Coinbase** transaction history (Statements → Transaction history CSV):
  a few lines of preamble, then ``[ID,] Timestamp, Transaction Type, Asset,
  Quantity Transacted, …, Notes``. Balances are the signed sum of the
  quantities by type; ``Convert`` moves the quantity from ``Asset`` to the
  asset named in its note ("Converted 0.1 ETH to 212.5 USDC"). A type not
  listed here rejects the file (nothing is guessed).

Validation is the generic CSV import's: the whole file is checked first,
every problem is reported with its line number, and nothing is written
unless the file is clean (:class:`~exposure_app.services.holdings_import.ImportRejected`).
The snapshot is dated at the file's latest row (what the balances are as of).

Threading: runs on the thread that owns ``store``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from exposure_app.domain.models import Account, AccountKind, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.domain.money import ZERO, AmountError, parse_decimal
from exposure_app.services.csv_text import ImportRejected, LineError
from exposure_app.services.csv_text import read_whole_text as _read_text
from exposure_app.services.holdings_import import ImportResult
from exposure_app.services.manual_holdings import make_holding, normalise_asset
from exposure_app.services.manual_revaluation import price_from_records
from exposure_app.storage.store import ProfileStore

MAX_ROWS = 1_000_000
MAX_LINE_ERRORS = 200


@dataclass(frozen=True, slots=True)
class ExchangeBalances:
    """What a file says: balances per (wallet, asset) as of ``taken_at``."""

    exchange: str                       # binance, kraken or coinbase
    taken_at: datetime
    balances: dict[tuple[str, str], Decimal]
    rows: int


def _time(text: str, line: int, errors: list[LineError]) -> datetime | None:
    value = text.strip().removesuffix(" UTC").replace("T", " ").removesuffix("Z")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f",
                "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    errors.append(LineError(line, f"{text!r} is not a date and time"))
    return None


def _amount(text: str, field: str, line: int, errors: list[LineError]) -> Decimal | None:
    try:
        return parse_decimal(text.replace(",", ""), field=field)
    except AmountError as exc:
        errors.append(LineError(line, str(exc)))
        return None


def _asset(text: str, line: int, errors: list[LineError]) -> str | None:
    try:
        return normalise_asset(text)
    except ValueError as exc:
        errors.append(LineError(line, str(exc)))
        return None


# -- Binance -------------------------------------------------------------------------------

# (line number, the row by column name); and what a format's parser makes of them:
# the latest row's time and each (wallet, asset)'s balance.
Rows = list[tuple[int, dict[str, str]]]
Parsed = tuple[datetime | None, dict[tuple[str, str], Decimal]]

BINANCE_COLUMNS = ("User_ID", "UTC_Time", "Account", "Operation", "Coin", "Change")


def _binance(rows: Rows, errors: list[LineError]) -> Parsed:
    balances: dict[tuple[str, str], Decimal] = {}
    latest = None
    for line, r in rows:
        when = _time(r["UTC_Time"], line, errors)
        asset = _asset(r["Coin"], line, errors)
        change = _amount(r["Change"], "Change", line, errors)
        wallet = r["Account"].strip().lower() or "spot"
        if when is None or asset is None or change is None:
            continue
        latest = when if latest is None else max(latest, when)
        key = (wallet, asset)
        balances[key] = balances.get(key, ZERO) + change
    _check_whole_history(balances, errors, name_wallet=True)
    return latest, balances


def _check_whole_history(balances: dict[tuple[str, str], Decimal], errors: list[LineError], *,
                         name_wallet: bool) -> None:
    """A balance summed from a ledger's changes that comes below zero means the export
    starts after the account did; each such balance is an error (the import refuses)."""
    for (wallet, asset), amount in balances.items():
        if amount < 0:
            where = f"{asset} in {wallet}" if name_wallet else asset
            errors.append(LineError(0, f"{where} comes to {amount}: the export does not cover "
                                       "the account's whole history"))


# -- Kraken --------------------------------------------------------------------------------

KRAKEN_COLUMNS = ("txid", "refid", "time", "type", "aclass", "asset", "amount", "balance")
# Kraken's legacy codes (X for crypto, Z for fiat); newer assets use their plain ticker
_KRAKEN_NAMES = {
    "XXBT": "BTC", "XBT": "BTC", "XETH": "ETH", "XLTC": "LTC", "XXRP": "XRP", "XXLM": "XLM",
    "XXMR": "XMR", "XXDG": "DOGE", "XDG": "DOGE", "XETC": "ETC", "XREP": "REP", "XZEC": "ZEC",
    "XMLN": "MLN", "ZUSD": "USD", "ZEUR": "EUR", "ZGBP": "GBP", "ZCAD": "CAD", "ZJPY": "JPY",
    "ZAUD": "AUD",
}
_KRAKEN_EARN = re.compile(r"^(?P<base>[A-Z0-9]+?)(?:\d{0,2})\.(?:S|M|F|B|P)$")


def kraken_asset(code: str) -> tuple[str, str | None]:
    """Kraken's asset code -> (asset, wallet override): ``XXBT`` -> BTC, ``DOT.S`` -> DOT/earn.

    Codes: support.kraken.com "How to interpret Ledger history fields" (X/Z prefixes).
    """
    code = code.strip().upper()
    wallet = None
    earn = _KRAKEN_EARN.match(code)
    if earn:
        code, wallet = earn.group("base"), "earn"
    return _KRAKEN_NAMES.get(code, code), wallet


def _kraken(rows: Rows, errors: list[LineError]) -> Parsed:
    latest_row: dict[tuple[str, str], tuple[datetime, Decimal]] = {}
    latest = None
    for line, r in rows:
        when = _time(r["time"], line, errors)
        balance = _amount(r["balance"], "balance", line, errors)
        if not r["asset"].strip():
            errors.append(LineError(line, "the asset is empty"))
            continue
        asset, earn_wallet = kraken_asset(r["asset"])
        wallet = earn_wallet or (r.get("wallet") or "").strip().lower() or "spot"
        wallet = wallet.replace(" / ", "_").replace(" ", "_")
        if when is None or balance is None:
            continue
        if balance < 0:
            errors.append(LineError(line, f"the balance {balance} is negative"))
            continue
        latest = when if latest is None else max(latest, when)
        key = (wallet, asset)
        if key not in latest_row or when >= latest_row[key][0]:
            latest_row[key] = (when, balance)
    return latest, {key: balance for key, (_when, balance) in latest_row.items()}


# -- Coinbase ------------------------------------------------------------------------------

COINBASE_COLUMNS = ("Timestamp", "Transaction Type", "Asset", "Quantity Transacted")
COINBASE_IN = frozenset({
    "buy", "receive", "rewards income", "staking income", "learning reward", "coinbase earn",
    "advanced trade buy", "deposit", "inflation reward", "incentives rewards payout",
    "subscription rebate", "reward income",
})
COINBASE_OUT = frozenset({"sell", "send", "advanced trade sell", "withdrawal"})
_CONVERTED = re.compile(r"Converted\s+[\d.,]+\s+\S+\s+to\s+(?P<amount>[\d.,]+)\s+(?P<asset>\S+)",
                        re.IGNORECASE)


def _coinbase(rows: Rows, errors: list[LineError]) -> Parsed:
    balances: dict[tuple[str, str], Decimal] = {}
    latest = None

    def add(asset: str, amount: Decimal) -> None:
        balances[("main", asset)] = balances.get(("main", asset), ZERO) + amount

    for line, r in rows:
        when = _time(r["Timestamp"], line, errors)
        asset = _asset(r["Asset"], line, errors)
        quantity = _amount(r["Quantity Transacted"], "Quantity Transacted", line, errors)
        kind = r["Transaction Type"].strip().lower()
        if when is None or asset is None or quantity is None:
            continue
        latest = when if latest is None else max(latest, when)
        quantity = abs(quantity)   # newer exports sign outgoing quantities; the type says which
        if kind in COINBASE_IN:
            add(asset, quantity)
        elif kind in COINBASE_OUT:
            add(asset, -quantity)
        elif kind == "convert":
            match = _CONVERTED.search(r.get("Notes") or "")
            target = _asset(match.group("asset"), line, errors) if match else None
            got = _amount(match.group("amount"), "Notes", line, errors) if match else None
            if target is None or got is None:
                errors.append(LineError(line, "a Convert row whose note does not say what it "
                                              "was converted to"))
                continue
            add(asset, -quantity)
            add(target, got)
        else:
            errors.append(LineError(line, f"transaction type {r['Transaction Type']!r} is not "
                                          "one this import knows"))
    _check_whole_history(balances, errors, name_wallet=False)
    return latest, balances


@dataclass(frozen=True, slots=True)
class ExchangeFormat:
    exchange: str
    label: str
    columns: tuple[str, ...]
    parse: Callable[[Rows, list[LineError]], Parsed]


FORMATS = (
    ExchangeFormat("binance", "Binance transaction records", BINANCE_COLUMNS, _binance),
    ExchangeFormat("kraken", "Kraken ledger export", KRAKEN_COLUMNS, _kraken),
    ExchangeFormat("coinbase", "Coinbase transaction history", COINBASE_COLUMNS, _coinbase),
)


def _find_header(lines: list[str]) -> tuple[int, ExchangeFormat] | None:
    """The header line (0-based) and its format; Coinbase puts a preamble before it."""
    for index, text in enumerate(lines[:20]):
        cells = {c.strip() for c in next(csv.reader([text]), [])}
        for fmt in FORMATS:
            if set(fmt.columns) <= cells:
                return index, fmt
    return None


def parse_exchange_csv(source: Path | str) -> ExchangeBalances:
    """Read and check a whole export; raises :class:`ImportRejected` listing every problem."""
    text = _read_text(source)
    lines = text.splitlines()
    found = _find_header(lines)
    if found is None:
        names = "; ".join(f"{f.label} ({', '.join(f.columns)})" for f in FORMATS)
        raise ImportRejected([LineError(0, f"not an export this import knows: {names}")])
    start, fmt = found
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[LineError] = []
    for offset, row in enumerate(reader, start=start + 2):
        if len(rows) >= MAX_ROWS:
            raise ImportRejected([LineError(offset, f"more than {MAX_ROWS} rows")])
        if None in row or any(v is None for v in row.values()):
            errors.append(LineError(offset, "the number of cells differs from the header"))
            continue
        if not any((v or "").strip() for v in row.values()):
            continue
        rows.append((offset, {k.strip(): (v or "") for k, v in row.items()}))
    latest, balances = fmt.parse(rows, errors)
    if not errors and latest is None:
        errors.append(LineError(0, "the file has no rows"))
    if errors or latest is None:
        raise ImportRejected(errors[:MAX_LINE_ERRORS])
    return ExchangeBalances(fmt.exchange, latest, balances, len(rows))


def import_exchange_csv(store: ProfileStore, account: Account, source: Path | str, *,
                        base: str | None = None) -> ImportResult:
    """Check ``source`` and write its balances as one snapshot of ``account`` (a manual
    custodian account); nothing is written if the file or the account is wrong."""
    if account.kind is not AccountKind.MANUAL_CUSTODIAL:
        raise ImportRejected([LineError(0, f"{account.name} is not a custodian account "
                                           "recorded by hand")])
    parsed = parse_exchange_csv(source)
    holdings = []
    for (wallet, asset), amount in sorted(parsed.balances.items()):
        if amount == 0:
            continue
        holding = make_holding(asset, amount, wallet=wallet)
        if base is not None:
            holding = price_from_records(store, holding, base, parsed.taken_at)
        holdings.append(holding)
    snapshot = Snapshot(None, account.id, parsed.taken_at, SnapshotStatus.OK, tuple(holdings),
                        tuple(sorted({h.wallet for h in holdings})) or ("main",),
                        source=SnapshotSource.IMPORT)
    with store.transaction():
        if store.snapshots.find_identical(snapshot) is not None:
            return ImportResult(0, 1, parsed.rows, (account.name,))
        store.snapshots.save(snapshot)
    return ImportResult(1, 0, parsed.rows, (account.name,))
