"""HMAC helpers the emulators use to check request signatures.

Each exchange signs a different pre-hash string; the emulator rebuilds it
from the raw request exactly as the exchange documents, recomputes the
signature with the account's secret and compares in constant time, so a wrong
secret fails as it would on the real exchange.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def hmac_hex(secret: str | bytes, message: str | bytes, digest=hashlib.sha256) -> str:
    return hmac.new(_bytes(secret), _bytes(message), digest).hexdigest()


def hmac_b64(secret: str | bytes, message: str | bytes, digest=hashlib.sha256) -> str:
    return base64.b64encode(hmac.new(_bytes(secret), _bytes(message), digest).digest()).decode()


def sha256_hex(message: str | bytes) -> str:
    return hashlib.sha256(_bytes(message)).hexdigest()


def sha512_hex(message: str | bytes) -> str:
    return hashlib.sha512(_bytes(message)).hexdigest()


def same(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; ``None`` never matches."""
    if expected is None or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def strip_param(query: str, name: str) -> tuple[str, str | None]:
    """``query`` without the ``name=value`` pair (order kept), and that value."""
    kept, value = [], None
    for part in query.split("&") if query else []:
        key, _, raw = part.partition("=")
        if key == name and value is None:
            value = raw
        else:
            kept.append(part)
    return "&".join(kept), value


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode()
