"""Requests signed in headers with a passphrase (OKX, Bitget, KuCoin), checked from a spec.

The three exchanges sign alike: base64(HMAC-SHA256(secret, timestamp + METHOD +
requestPath[?query] + body)), with the key, the signature, the timestamp and the
key's passphrase in headers. What differs (the header names, the order in which
missing headers are refused, the timestamp's form and window, each refusal's
code) is declared once per venue as a :class:`PassphraseAuth`; the emulator's
:class:`~exposure_app.emulator.base.ErrorSpec` words the refusals.

Threading: the check runs on the emulator server's loop, like every handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from aiohttp import web

from exposure_app.emulator.base import ExchangeEmulator
from exposure_app.emulator.signing import hmac_b64, same


@dataclass(frozen=True, slots=True)
class PassphraseAuth:
    """One venue's header prefix, limits and refusal codes.

    The headers are ``prefix`` + ``KEY``, ``SIGN``, ``TIMESTAMP`` and
    ``PASSPHRASE`` (``OK-ACCESS-KEY``, ``ACCESS-KEY``, ``KC-API-KEY``).
    ``missing``: (header suffix, code) checked in this order, the first absent
    header refused with its code (all four with ``missing_code`` otherwise);
    ``iso_timestamp``: the timestamp is ISO 8601 (OKX), else epoch
    milliseconds; ``key_version``: a ``KEY-VERSION`` header of 2 or 3 says the
    passphrase is sent as base64(HMAC-SHA256(secret, passphrase)) (KuCoin).
    """

    prefix: str
    bad_timestamp: str
    expired: str
    window_ms: int
    unknown_key: str
    wrong_passphrase: str
    missing: tuple[tuple[str, str], ...] = ()
    missing_code: str = ""
    iso_timestamp: bool = False
    key_version: bool = False

    def header(self, request: web.Request, suffix: str) -> str:
        return request.headers.get(self.prefix + suffix, "")

    def sent_ms(self, stamp: str) -> int | None:
        """The request's timestamp in epoch milliseconds, ``None`` when malformed."""
        try:
            if self.iso_timestamp:
                return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
            return int(stamp)
        except ValueError:
            return None

    async def refusal(self, emulator: ExchangeEmulator, request: web.Request,
                      needs: str) -> web.Response | None:
        """The venue's answer to a request that is not properly signed, or ``None``."""
        missing = self.missing or tuple(
            (suffix, self.missing_code) for suffix in ("KEY", "SIGN", "TIMESTAMP", "PASSPHRASE"))
        for suffix, code in missing:
            if not self.header(request, suffix):
                return emulator.error(code)
        stamp = self.header(request, "TIMESTAMP")
        sent = self.sent_ms(stamp)
        if sent is None:
            return emulator.error(self.bad_timestamp)
        if abs(emulator.server_time_ms() - sent) > self.window_ms:
            return emulator.error(self.expired)
        account = emulator.account
        if not same(self.header(request, "KEY"), account.api_key):
            return emulator.error(self.unknown_key)
        passphrase = account.password or ""
        if self.key_version and self.header(request, "KEY-VERSION") in ("2", "3"):
            passphrase = hmac_b64(account.secret, passphrase)
        if not same(self.header(request, "PASSPHRASE"), passphrase):
            return emulator.error(self.wrong_passphrase)
        body = await request.text()
        expected = hmac_b64(account.secret, stamp + request.method + request.raw_path + body)
        signed = same(self.header(request, "SIGN"), expected)
        return emulator.refusal(request, signed=signed, needs=needs)


class PassphraseSignedEmulator(ExchangeEmulator):
    """An emulator whose signed routes are checked by its :attr:`passphrase_auth`."""

    passphrase_auth: ClassVar[PassphraseAuth]
    needs_password: ClassVar[bool] = True

    async def authenticate(self, request: web.Request, *,
                           needs: str = "read") -> web.Response | None:
        return await self.passphrase_auth.refusal(self, request, needs)
