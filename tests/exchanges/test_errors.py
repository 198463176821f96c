"""Mapping exchange failures to plain language, by ccxt's class hierarchy, without secrets."""

from __future__ import annotations

import ccxt
import pytest

from exposure_app.exchanges.errors import (
    ACCOUNT_LEVEL,
    BadResponseError,
    ErrorKind,
    describe_exception,
    scrub,
)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (ccxt.AuthenticationError('binance {"code":-1022,"msg":"Signature"}'), ErrorKind.AUTH),
        (ccxt.PermissionDenied("bybit 10005 Permission denied for current apikey"),
         ErrorKind.PERMISSION),
        (ccxt.PermissionDenied("okx 50110 Your IP is not in the IP whitelist"),
         ErrorKind.IP_NOT_WHITELISTED),
        (ccxt.AuthenticationError("kucoin 400006 The IP address is not in the API whitelist"),
         ErrorKind.IP_NOT_WHITELISTED),
        (ccxt.DDoSProtection("binance 418"), ErrorKind.RATE_LIMIT),
        (ccxt.RateLimitExceeded("okx 50011"), ErrorKind.RATE_LIMIT),
        (ccxt.OnMaintenance("okx 50001 Service temporarily unavailable"),
         ErrorKind.MAINTENANCE),
        (ccxt.ExchangeNotAvailable("kraken EService:Unavailable 503"), ErrorKind.UNAVAILABLE),
        (ccxt.RequestTimeout("binance GET https://x"), ErrorKind.TIMEOUT),
        (TimeoutError(), ErrorKind.TIMEOUT),
        (ccxt.InvalidNonce('binance {"code":-1021}'), ErrorKind.CLOCK_SKEW),
        (ccxt.NetworkError("socket closed"), ErrorKind.NETWORK),
        (ccxt.BadResponse("bitget malformed"), ErrorKind.BAD_RESPONSE),
        (BadResponseError("spot account: a web page (HTML) instead of data"),
         ErrorKind.BAD_RESPONSE),
        (ccxt.NotSupported("fetchBalance() type"), ErrorKind.NOT_SUPPORTED),
        (ccxt.ExchangeError("something odd"), ErrorKind.EXCHANGE),
        (KeyError("total"), ErrorKind.BAD_RESPONSE),
    ],
)
def test_each_failure_gets_its_kind_and_a_remedy(exc, kind):
    error = describe_exception(exc, "binance")
    assert error.kind is kind
    assert error.message and error.message[0].isupper()
    assert (kind in ACCOUNT_LEVEL) == error.account_level


def test_a_refused_connection_is_network_trouble():
    try:
        try:
            raise ConnectionRefusedError("connect call failed")
        except ConnectionRefusedError as inner:
            raise ccxt.ExchangeNotAvailable("binance GET https://127.0.0.1:1/x") from inner
    except ccxt.ExchangeNotAvailable as exc:
        assert describe_exception(exc, "binance").kind is ErrorKind.NETWORK


def test_no_credential_or_signature_reaches_a_message():
    key, secret = "AKIA-visible-key-123", "very-secret-value-456"
    exc = ccxt.ExchangeError(
        f"htx GET https://api.huobi.pro/v1/account?AccessKeyId={key}&Signature=abc "
        f"failed for key {key} secret {secret} apiKey={key}&sign=zzz"
    )
    error = describe_exception(exc, "htx", secrets=[key, secret])
    assert key not in error.message and secret not in error.message
    assert "Signature=abc" not in error.message and "zzz" not in error.message
    assert scrub(f"a {secret} b", [secret]) == "a *** b"


def test_retry_after_is_carried_and_stated():
    error = describe_exception(ccxt.DDoSProtection("binance 429"), "binance", retry_after=30)
    assert error.retry_after == 30 and "30 s" in error.message
