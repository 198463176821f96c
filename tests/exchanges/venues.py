"""The table of venues the exchange conformance suite runs against.

One :class:`Venue` per dedicated adapter: the portfolio its emulator serves,
the prices, the credentials, and the few facts the shared scenarios need
(which endpoint serves which wallets, how the account mode is learnt, which
list is paged). ``tests/exchanges/test_conformance.py`` runs every shared
scenario over this table; each exchange's own test file uses the same venue
(``VENUES["okx"].emulator()``) for its quirks only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ccxt

from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, ExchangeEmulator, FaultKind
from exposure_app.emulator.coinbase import new_ec_secret
from exposure_app.emulator.kraken import kraken_secret
from exposure_app.emulator.registry import emulator_class
from exposure_app.exchanges.adapters.base import ExchangeAdapter
from exposure_app.exchanges.adapters.registry import adapter_for

D = Decimal
B = EmulatedBalance


@dataclass(frozen=True)
class ModeSpec:
    """How an adapter learns a unified/classic account mode and caches it as a fact.

    The venue's emulator serves its ``emulator_kwargs["unified"]`` mode with the
    venue's portfolio; ``other_portfolio`` is served in the other mode.
    """

    fact: str                    # the cached fact (bybit_uta, ...)
    probe_path: str              # the endpoint that tells the mode
    other_portfolio: tuple[EmulatedBalance, ...]
    probe_reads_permissions: bool = False   # the same endpoint also serves the key check
    classic_paths: tuple[str, ...] = ()     # path prefixes a unified account is never asked
    relearns_stale: bool = False            # a cached "classic" on a unified account is redone
    priced_by: str | None = None            # the tickers path pricing a unified account's sync


@dataclass(frozen=True)
class PagingSpec:
    """A paged list: ``balances`` served over several pages of ``page_size``."""

    wallet: str
    path: str                    # the paged endpoint (request path suffix)
    balances: tuple[EmulatedBalance, ...]
    requests: int                # how many pages the adapter must ask for
    page_size: int | None = None            # the adapter's page size, shrunk through its envelope
    emulator_page_size: int | None = None   # or the emulator's own page cap (Coinbase)


@dataclass(frozen=True)
class ShortBody:
    """A well-formed answer missing a field the adapter needs: ``reader`` must refuse it."""

    client_method: str           # the ccxt implicit method replaced to answer ``body``
    body: Mapping[str, Any]
    reader: str                  # the adapter's reader that calls it
    words: str                   # the refusal names the missing field


# the ccxt errors an exchange's own refusal is raised as, where the venue says
CCXT_ERRORS: Mapping[FaultKind, type[Exception]] = {
    FaultKind.AUTH: ccxt.AuthenticationError,
    FaultKind.PERMISSION_DENIED: ccxt.PermissionDenied,
    FaultKind.IP_NOT_WHITELISTED: ccxt.AuthenticationError,
    FaultKind.RATE_LIMIT: ccxt.RateLimitExceeded,
}


@dataclass(frozen=True)
class Venue:
    exchange_id: str
    portfolio: tuple[EmulatedBalance, ...]
    tickers: Mapping[str, Decimal]
    api_key: str
    secret: str
    wrong_secret: str
    auth_words: str                          # the exchange's words for a bad signature
    values: Mapping[tuple[str, str], Decimal]   # a few holdings' values once priced
    password: str | None = None
    unpriced: tuple[str, ...] = ()
    unlock: tuple[str, str, str] | None = None   # (wallet, asset, date) stored with its lock
    # (path prefix, wallets it serves): a fault there leaves the other wallets read;
    # None where one answer serves every wallet (the whole account then fails)
    one_wallet: tuple[str, frozenset[str]] | None = None
    reads_permissions: bool = True           # False: the exchange has no key-permission call
    # (wallet, asset) -> (free, locked) when the emulator's names are not the stored ones
    expected: Mapping[tuple[str, str], tuple[Decimal, Decimal]] | None = None
    # (emulated wallet, asset) -> the wallet the adapter stores it in, where they differ
    stored_in: Mapping[tuple[str, str], str] = field(default_factory=dict)
    emulator_kwargs: Mapping[str, Any] = field(default_factory=dict)
    emulator_attributes: Mapping[str, Any] = field(default_factory=dict)
    fault_kinds: Mapping[FaultKind, str] = field(default_factory=dict)   # matrix overrides
    # False where ccxt signs with the local clock only (Coinbase CDP keys): the
    # skew is then reported as such, since a retry cannot help
    recovers_clock_skew: bool = True
    # fault -> the ccxt error the exchange's own answer is raised as
    ccxt_errors: Mapping[FaultKind, type[Exception]] = field(default_factory=dict)
    mode: ModeSpec | None = None
    paging: PagingSpec | None = None
    # what the shared client checks (test_conformance.py) need, where the venue has them:
    wrong_password_words: str | None = None  # a wrong passphrase is refused in these words
    ticker_params: Mapping[str, Any] | None = None   # fetch_tickers(None, params) prices
    rate_limit_headers: Mapping[str, str] | None = None   # sent with a 429 beside Retry-After
    short_body: ShortBody | None = None
    # a clock off by 15 minutes: (the ccxt error, the exchange's words) before the
    # adjustment, and the time endpoint the adjustment asks
    skew_refusal: tuple[type[Exception], str] | None = None
    time_path: str | None = None
    # wallets whose accounts a user may never have opened: read as empty, not missing
    never_opened: frozenset[str] = frozenset()

    def credentials(self, **changes: str) -> dict[str, str]:
        creds = {"apiKey": self.api_key, "secret": self.secret}
        if self.password is not None:
            creds["password"] = self.password
        return {**creds, **changes}

    def emulator(self, *, balances=None, permissions=frozenset({"read"}), **account_kwargs
                 ) -> ExchangeEmulator:
        """A fresh emulator serving this venue's portfolio (or ``balances``)."""
        options = dict(self.emulator_kwargs)
        for key in ("unified",):
            if key in account_kwargs:
                options[key] = account_kwargs.pop(key)
        account = EmulatedAccount(
            api_key=self.api_key, secret=self.secret, password=self.password,
            balances=list(self.portfolio if balances is None else balances),
            permissions=frozenset(permissions), **account_kwargs,
        )
        emulator = emulator_class(self.exchange_id)(account, tickers=dict(self.tickers), **options)
        for name, value in self.emulator_attributes.items():
            setattr(emulator, name, value)
        return emulator

    def adapter(self) -> ExchangeAdapter:
        return adapter_for(self.exchange_id)

    def run(self, emulator: ExchangeEmulator, action, creds: dict[str, str] | None = None,
            options: dict[str, Any] | None = None) -> Any:
        """Serves ``emulator`` and runs ``action(client)`` with a real, unthrottled client."""
        from signed_venues import run_client

        return run_client(self.exchange_id, emulator, self.adapter(),
                          self.credentials() if creds is None else creds, action, options=options)

    def full_read(self) -> tuple[ExchangeEmulator, Any]:
        """A fresh emulator of the venue's portfolio and its whole reading by the adapter."""
        emulator = self.emulator()
        return emulator, self.run(emulator, self.adapter().read_account)

    @property
    def wallets(self) -> frozenset[str]:
        return frozenset(spec.name for spec in self.adapter().wallets())


BINANCE = Venue(
    "binance",
    portfolio=(
        B("spot", "BTC", D("0.5"), D("0.1")),          # 0.1 in open orders
        B("spot", "ETH", D("3.25")),
        B("spot", "USDT", D("1000.5"), D("200")),
        B("spot", "LDO", D("12")),                      # a real token, not a receipt
        B("spot", "PEPE", D("1000000")),               # no market: stays unpriced
        B("funding", "USDC", D("800"), D("50")),
        B("margin", "BTC", D("0.05")),
        B("margin_isolated", "ETH/USDT:ETH", D("0.4"), D("0.1")),
        B("margin_isolated", "ETH/USDT:USDT", D("150")),
        B("margin_isolated", "BTC/USDT:USDT", D("50")),
        B("futures", "USDT", D("3000"), D("500")),
        B("futures_coinm", "BTC", D("0.2")),
        B("earn_flexible", "USDT", D("5000")),         # also shows as LDUSDT in spot
        B("earn_flexible", "BTC", D("0.01")),          # also LDBTC
        B("earn_locked", "ETH", D("0"), D("2"), unlock_at="2027-01-15"),
        B("earn_locked", "ETH", D("0"), D("1"), unlock_at="2027-03-01"),
        B("staking", "SOL", D("0"), D("40"), unlock_at="2026-12-31"),
    ),
    tickers={"BTC/USDT": D("64000"), "ETH/USDT": D("3200"), "SOL/USDT": D("150"),
             "LDO/USDT": D("2"), "USDC/USDT": D("1.0001")},
    api_key="bn-key-1", secret="bn-secret-1", wrong_secret="not-the-secret",
    auth_words="-1022",
    fault_kinds={FaultKind.IP_NOT_WHITELISTED: "auth"},   # Binance: -2015, as for a bad key
    values={("spot", "BTC"): D("38400"), ("staking", "SOL"): D("6000")},
    unpriced=("PEPE",),
    one_wallet=("/sapi/v1/simple-earn/locked", frozenset({"earn_locked"})),
    expected={
        ("spot", "BTC"): (D("0.5"), D("0.1")),
        ("spot", "ETH"): (D("3.25"), D("0")),
        ("spot", "USDT"): (D("1000.5"), D("200")),
        ("spot", "LDO"): (D("12"), D("0")),
        ("spot", "PEPE"): (D("1000000"), D("0")),
        ("funding", "USDC"): (D("800"), D("50")),
        ("margin", "BTC"): (D("0.05"), D("0")),
        ("margin_isolated", "ETH"): (D("0.4"), D("0.1")),
        ("margin_isolated", "USDT"): (D("200"), D("0")),
        ("futures", "USDT"): (D("3000"), D("500")),
        ("futures_coinm", "BTC"): (D("0.2"), D("0")),
        ("earn_flexible", "USDT"): (D("5000"), D("0")),
        ("earn_flexible", "BTC"): (D("0.01"), D("0")),
        ("earn_locked", "ETH"): (D("0"), D("3")),
        ("staking", "SOL"): (D("0"), D("40")),
    },
    paging=PagingSpec(
        "earn_locked", "locked/position",
        tuple(B("earn_locked", "DOT", D(0), D(1), unlock_at=f"2027-01-{d:02d}")
              for d in range(1, 29)) * 5,   # 140 positions: two pages of 100
        requests=2),
)

BYBIT = Venue(
    "bybit",
    portfolio=(
        B("spot", "BTC", D("0.3"), locked=D("0.05")),
        B("spot", "USDT", D("2500.123456")),
        B("funding", "USDT", D("40"), locked=D("10")),
        B("funding", "MNT", D("333")),                 # no market: kept, unpriced
        B("earn_flexible", "USDT", D("1000")),
        B("earn_flexible", "BTC", D("0.01")),
        B("staking", "SOL", D("12")),
        B("staking", "ETH", D("0"), locked=D("0.8"), unlock_at="2027-02-15"),
    ),
    tickers={"BTC/USDT": D("60000"), "SOL/USDT": D("150"), "ETH/USDT": D("3000")},
    api_key="bybit-key", secret="bybit-secret", wrong_secret="not-the-secret",
    auth_words="10004",
    values={("spot", "BTC"): D("21000"), ("staking", "ETH"): D("2400")},
    unlock=("staking", "ETH", "2027-02-15"),
    unpriced=("MNT",),
    one_wallet=("/v5/earn/", frozenset({"earn_flexible", "staking"})),
    emulator_kwargs={"unified": True},
    mode=ModeSpec(
        "bybit_uta", "/v5/user/query-api", probe_reads_permissions=True, relearns_stale=True,
        other_portfolio=(   # a classic account, read per account type
            B("spot", "BTC", D("0.1"), locked=D("0.02")),
            B("futures", "USDT", D("300"), locked=D("200")),
            B("funding", "USDT", D("5")),
            B("earn_flexible", "ETH", D("1")),
        )),
    # ccxt's default type for bybit is swap; spot prices need type=spot
    ticker_params={"type": "spot"},
    rate_limit_headers={"X-Bapi-Limit-Status": "0"},
    short_body=ShortBody("private_get_v5_account_wallet_balance",
                         {"retCode": 0, "retMsg": "OK",
                          "result": {"list": [{"accountType": "UNIFIED"}]}},
                         "read_spot", "coin"),
)

OKX = Venue(
    "okx",
    portfolio=(
        B("spot", "BTC", D("0.5"), locked=D("0.125")),
        B("spot", "USDT", D("1234.56")),
        B("funding", "USDT", D("100"), locked=D("5")),
        B("funding", "ETH", D("2.000000000000000001")),
        B("earn_flexible", "USDT", D("500.25")),
        B("staking", "DOT", D("20")),
        B("staking", "ETH", D("0"), locked=D("1.5"), unlock_at="2027-03-01"),
    ),
    tickers={"BTC/USDT": D("60000"), "ETH/USDT": D("3000"), "DOT/USDT": D("5")},
    api_key="okx-key", secret="okx-secret", password="okx-pass", wrong_secret="not-the-secret",
    auth_words="50113",
    values={("spot", "BTC"): D("37500"), ("staking", "DOT"): D("100")},
    unlock=("staking", "ETH", "2027-03-01"),
    one_wallet=("/api/v5/finance/", frozenset({"earn_flexible", "staking"})),
    wrong_password_words="50105",
    ticker_params={},
    rate_limit_headers={},
    short_body=ShortBody("private_get_account_balance",
                         {"code": "0", "msg": "", "data": [{"totalEq": "1"}]},
                         "read_trading", "details"),
)

KUCOIN = Venue(
    "kucoin",
    portfolio=(
        B("spot", "BTC", D("0.4"), locked=D("0.1")),
        B("spot", "KCS", D("55")),
        B("funding", "USDT", D("800"), locked=D("20")),
        B("margin", "ETH", D("2"), locked=D("0.25")),
        B("futures", "USDT", D("400"), locked=D("100")),
        B("futures", "BTC", D("0.01")),
        B("earn_flexible", "USDT", D("1200")),
        B("earn_locked", "USDT", D("0"), locked=D("300"), unlock_at="2027-01-20"),
        B("staking", "KCS", D("5"), locked=D("40"), unlock_at="2026-12-31"),
    ),
    tickers={"BTC/USDT": D("60000"), "KCS/USDT": D("10"), "ETH/USDT": D("3000")},
    api_key="kucoin-key", secret="kucoin-secret", password="kucoin-pass",
    # with key version 2 the passphrase header is signed with the secret, so a
    # wrong secret is first caught as a passphrase mismatch
    wrong_secret="not-the-secret", auth_words="400004",
    values={("spot", "BTC"): D("30000"), ("staking", "KCS"): D("450")},
    unlock=("earn_locked", "USDT", "2027-01-20"),
    one_wallet=("/api/v1/account-overview-all", frozenset({"futures"})),
    emulator_kwargs={"unified": False},
    mode=ModeSpec(
        "kucoin_uta", "/api/ua/v1/account/mode",
        classic_paths=("/api/v1/accounts", "/api/v1/account-overview-all"),
        priced_by="/api/v1/market/allTickers",
        other_portfolio=(   # a unified trading account
            B("spot", "BTC", D("0.25"), locked=D("0.05")),
            B("spot", "USDT", D("700")),
            B("funding", "KCS", D("9"), locked=D("1")),
            B("earn_flexible", "USDT", D("50")),
            B("staking", "KCS", D("0"), locked=D("3"), unlock_at="2027-02-01"),
        )),
    wrong_password_words="400004",
    ticker_params={},
    short_body=ShortBody("futuresprivate_get_account_overview_all",
                         {"code": "200000", "data": {"summary": {}}}, "read_futures", "accounts"),
    paging=PagingSpec("earn_flexible", "/api/v1/earn/hold-assets",
                      tuple(B("earn_flexible", f"C{n}", D(n + 1)) for n in range(7)),
                      requests=3, page_size=3),
)

BITGET = Venue(
    "bitget",
    portfolio=(
        B("spot", "BTC", D("0.2"), locked=D("0.02")),
        B("spot", "BGB", D("1500")),
        B("futures", "USDT", D("700"), locked=D("300")),
        B("futures", "BTC", D("0.05")),
        B("futures", "USDC", D("50")),
        B("margin", "ETH", D("1"), locked=D("0.5")),
        B("earn_flexible", "USDT", D("250.5")),
        B("earn_locked", "ETH", D("0"), locked=D("3"), unlock_at="2027-04-30"),
    ),
    tickers={"BTC/USDT": D("60000"), "BGB/USDT": D("1.2"), "ETH/USDT": D("3000")},
    api_key="bitget-key", secret="bitget-secret", password="bitget-pass",
    wrong_secret="not-the-secret", auth_words="40009",
    values={("spot", "BTC"): D("13200"), ("earn_locked", "ETH"): D("9000")},
    unlock=("earn_locked", "ETH", "2027-04-30"),
    one_wallet=("/api/v2/margin/", frozenset({"margin"})),
    reads_permissions=False,
    emulator_kwargs={"unified": False},
    mode=ModeSpec(
        "bitget_uta", "/api/v3/account/settings", relearns_stale=True,
        classic_paths=("/api/v2/spot/", "/api/v2/mix/", "/api/v2/margin/"),
        priced_by="/api/v2/spot/market/tickers",
        other_portfolio=(   # a unified trading account, read through v3
            B("spot", "BTC", D("0.7"), locked=D("0.1")),
            B("spot", "USDT", D("9000.5")),
            B("funding", "BGB", D("12"), locked=D("2")),
            B("earn_flexible", "USDT", D("10")),
            B("earn_locked", "ETH", D("0"), locked=D("1"), unlock_at="2027-05-05"),
        )),
    wrong_password_words="40012",
    ticker_params={},
    short_body=ShortBody("private_spot_get_v2_spot_account_assets",
                         {"code": "00000", "msg": "success", "data": [{"coin": "BTC"}]},
                         "read_spot", "available"),
)

GATE = Venue(
    "gate",
    portfolio=(
        B("spot", "BTC", D("0.3"), locked=D("0.2")),
        B("spot", "USDT", D("1000")),
        B("margin", "ETH", D("2"), locked=D("0.5")),
        B("margin", "USDT", D("300")),
        B("cross_margin", "USDT", D("50"), locked=D("10")),
        B("futures", "USDT", D("700"), locked=D("300")),
        B("futures", "BTC", D("0.01")),
        B("delivery", "USDT", D("40")),
        B("options", "USDT", D("20"), locked=D("5")),
        B("earn_flexible", "USDT", D("5000"), locked=D("100")),
        B("staking", "GT", D("0"), locked=D("111.6")),
        B("earn_locked", "BTC", D("0"), locked=D("0.02"), unlock_at="2027-01-15"),
    ),
    tickers={"BTC/USDT": D("60000"), "GT/USDT": D("20")},
    api_key="gate-key", secret="gate-secret", wrong_secret="not-the-secret",
    auth_words="INVALID_SIGNATURE",
    values={("spot", "BTC"): D("30000"), ("staking", "GT"): D("2232")},
    unpriced=("ETH",),
    one_wallet=("/api/v4/spot/accounts", frozenset({"spot"})),
    # the emulator serves BTC-settled perpetuals from its futures wallet
    stored_in={("futures", "BTC"): "futures_coinm"},
    ccxt_errors={**CCXT_ERRORS, FaultKind.MAINTENANCE: ccxt.ExchangeNotAvailable},
    reads_permissions=False,
    skew_refusal=(ccxt.AuthenticationError, "REQUEST_EXPIRED"), time_path="/api/v4/spot/time",
    never_opened=frozenset({"futures", "delivery", "options"}),
)

HTX = Venue(
    "htx",
    portfolio=(
        B("spot", "BTC", D("0.2"), locked=D("0.05")),
        B("spot", "USDT", D("900")),
        B("funding", "USDT", D("150")),
        B("earn_flexible", "USDT", D("2000")),
        B("earn_flexible", "TRX", D("10000")),
        B("margin", "ETH", D("1"), locked=D("0.25")),
        B("cross_margin", "USDT", D("75"), locked=D("25")),
        B("futures", "USDT", D("400"), locked=D("100")),
        B("futures_coinm", "BTC", D("0.03"), locked=D("0.01")),
    ),
    tickers={"BTC/USDT": D("60000"), "TRX/USDT": D("0.12")},
    api_key="htx-access-key", secret="htx-secret-key", wrong_secret="not-the-secret",
    auth_words="api-signature-not-valid",
    values={("spot", "BTC"): D("15000"), ("earn_flexible", "TRX"): D("1200")},
    unpriced=("ETH",),
    one_wallet=("/v5/account/balance", frozenset({"futures"})),
    ccxt_errors={**CCXT_ERRORS, FaultKind.MAINTENANCE: ccxt.OnMaintenance},
    skew_refusal=(ccxt.AuthenticationError, "Timestamp expired"), time_path="/v1/common/timestamp",
    never_opened=frozenset({"cross_margin", "futures", "futures_coinm"}),
)

COINBASE_KEY = "organizations/3b910e93-aaaa/apiKeys/41f2-bbbb"
COINBASE = Venue(
    "coinbase",
    portfolio=(
        B("spot", "BTC", D("0.3"), locked=D("0.1")),   # 0.1 in open orders
        B("spot", "USD", D("2500.25")),
        B("spot", "USDC", D("100")),
        B("spot", "SOL", D("3")),
        B("staking", "SOL", D("0"), locked=D("25")),
        B("staking", "ETH", D("0"), locked=D("1.5")),
        B("spot", "ETH", D("0.5")),
    ),
    tickers={"BTC/USD": D("60000"), "SOL/USD": D("150"), "ETH/USD": D("3000")},
    api_key=COINBASE_KEY, secret=new_ec_secret(), wrong_secret=new_ec_secret(),
    auth_words="authentication_error", recovers_clock_skew=False,
    values={("staking", "SOL"): D("3750"), ("spot", "BTC"): D("24000"),
            ("spot", "USD"): D("2500.25")},
    emulator_attributes={"page_size": 3},
    # CDP keys: every refusal is an authentication error
    ccxt_errors={**CCXT_ERRORS, FaultKind.PERMISSION_DENIED: ccxt.AuthenticationError,
                 FaultKind.MAINTENANCE: ccxt.ExchangeError},
    paging=PagingSpec("spot", "/api/v3/brokerage/accounts",
                      tuple(B("spot", f"C{n}", D(n + 1)) for n in range(5)),
                      requests=3, emulator_page_size=2),
)

KRAKEN = Venue(
    "kraken",
    portfolio=(
        B("spot", "BTC", D("0.75"), locked=D("0.25")),
        B("spot", "USD", D("1500.5")),
        B("spot", "DOT", D("10")),
        B("earn_flexible", "BTC", D("0.1")),
        B("earn_flexible", "USDC", D("300")),
        B("staking", "DOT", D("0"), locked=D("120")),
        B("earn_locked", "SOL", D("0"), locked=D("42.5"), unlock_at="2027-01-01"),
    ),
    tickers={"BTC/USD": D("60000"), "DOT/USD": D("5"), "SOL/USD": D("150")},
    api_key="kraken-key", secret=kraken_secret("kraken-test"),
    wrong_secret=kraken_secret("another secret"), auth_words="EAPI:Invalid key",
    values={("spot", "BTC"): D("60000"), ("staking", "DOT"): D("600"),
            ("earn_locked", "SOL"): D("6375")},
    # Kraken words a key used from another IP as a permission denial
    fault_kinds={FaultKind.IP_NOT_WHITELISTED: "permission"},
    ticker_params={},
    skew_refusal=(ccxt.InvalidNonce, ""), time_path="/0/public/Time",   # no words: a bare nonce
    ccxt_errors={**CCXT_ERRORS, FaultKind.IP_NOT_WHITELISTED: ccxt.PermissionDenied,
                 FaultKind.RATE_LIMIT: ccxt.DDoSProtection, FaultKind.BAN: ccxt.DDoSProtection,
                 FaultKind.MAINTENANCE: ccxt.ExchangeNotAvailable},
)

VENUES: dict[str, Venue] = {v.exchange_id: v for v in (
    BINANCE, BYBIT, OKX, COINBASE, KRAKEN, KUCOIN, GATE, HTX, BITGET)}


def venue_params(predicate=lambda venue: True) -> list:
    """``pytest.param`` per venue matching ``predicate``, with the exchange id as test id."""
    import pytest

    return [pytest.param(v, id=v.exchange_id) for v in VENUES.values() if predicate(v)]
