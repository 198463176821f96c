"""Body builders for the Binance emulator (paging, margin assets, withdrawal
networks), kept apart so the emulator module stays readable."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import parse_instant

D = Decimal


def margin_asset(asset: str, free: Decimal | int, locked: Decimal | int) -> dict[str, str | bool]:
    return {"asset": asset, "borrowEnabled": True, "borrowed": "0", "free": to_text(D(free)),
            "interest": "0", "locked": to_text(D(locked)), "netAsset": to_text(D(free) + D(locked)),
            "netAssetOfBtc": "0", "repayEnabled": True, "totalAsset": to_text(D(free) + D(locked))}


def page(rows: list, params: dict[str, str]) -> dict[str, object]:
    """Simple Earn paging: ``current`` (from 1) and ``size`` (default 10, max 100)."""
    size = min(int(params.get("size", 10)), 100)
    start = (int(params.get("current", 1)) - 1) * size
    return {"rows": rows[start:start + size], "total": len(rows)}


def ms(iso_date: str | None) -> int | None:
    if not iso_date:
        return None
    return int(parse_instant(iso_date).timestamp() * 1000)


def network_entry(coin: str, index: int, n: dict) -> dict[str, object]:
    memo = bool(n.get("memo", False))
    return {
        "network": n["network"], "coin": coin, "withdrawIntegerMultiple": "0.00000001",
        "isDefault": index == 0, "depositEnable": n.get("deposit", True),
        "withdrawEnable": n.get("withdraw", True), "depositDesc": "", "withdrawDesc": "",
        "specialTips": "", "specialWithdrawTips": "", "name": n.get("name", n["network"]),
        "resetAddressStatus": False, "addressRegex": "^.+$",
        "memoRegex": "^[0-9A-Za-z\\-_]{1,120}$" if memo else "", "withdrawFee": n["fee"],
        "withdrawMin": n["min"], "withdrawMax": n.get("max", "9999999999"), "depositDust": "0",
        "minConfirm": 1, "unLockConfirm": 0, "sameAddress": memo,
        "estimatedArrivalTime": 5, "busy": False, "contractAddressUrl": "",
        "contractAddress": "",
    }


# Network ids, fees and minimums in the shape Binance documents (figures illustrative).
DEFAULT_COIN_NETWORKS: dict[str, list[dict]] = {
    "BTC": [{"network": "BTC", "fee": "0.0002", "min": "0.001"},
            {"network": "BSC", "fee": "0.0000051", "min": "0.00001", "withdraw": False}],
    "ETH": [{"network": "ETH", "fee": "0.0012", "min": "0.005"},
            {"network": "ARBITRUM", "fee": "0.0001", "min": "0.0008"}],
    "USDT": [{"network": "ETH", "fee": "4.5", "min": "10"},
             {"network": "TRX", "fee": "1", "min": "10"},
             {"network": "BSC", "fee": "0.01", "min": "0.02"}],
    "USDC": [{"network": "ETH", "fee": "5", "min": "10"}, {"network": "BSC", "fee": "0", "min": "10"}],
    "SOL": [{"network": "SOL", "fee": "0.008", "min": "0.1"}],
    "XRP": [{"network": "XRP", "fee": "0.2", "min": "25", "memo": True}],
    "BNB": [{"network": "BSC", "fee": "0.0005", "min": "0.01"},
            {"network": "BNB", "fee": "0.002", "min": "0.01", "memo": True, "withdraw": False}],
}


# The app's wallet names -> Binance's names in sapi/v1/asset/wallet/balance.
WALLET_NAMES = {
    "spot": "Spot", "funding": "Funding", "margin": "Cross Margin",
    "margin_isolated": "Isolated Margin", "futures": "USDⓈ-M Futures",
    "futures_coinm": "COIN-M Futures", "earn_flexible": "Earn", "earn_locked": "Earn",
    "staking": "Earn",
}


def wallet_overview(balances, tickers: dict[str, Decimal]) -> list[dict[str, object]]:
    """Per-wallet BTC valuation. A balance whose wallet is not one of the app's
    names is listed under that name (``EmulatedBalance("Trading Bots", ...)``)."""
    btc_usdt = tickers.get("BTC/USDT") or D(1)
    values: dict[str, Decimal] = {name: D(0) for name in WALLET_NAMES.values()}
    for b in balances:
        asset = b.asset.rpartition(":")[2]
        usdt = D(1) if asset == "USDT" else tickers.get(f"{asset}/USDT", D(0))
        name = WALLET_NAMES.get(b.wallet, b.wallet)
        values[name] = values.get(name, D(0)) + (b.free + b.locked) * usdt / btc_usdt
    return [{"activate": True, "balance": to_text(v.quantize(D("1e-8"))), "walletName": n}
            for n, v in values.items()]
