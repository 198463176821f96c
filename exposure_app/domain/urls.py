"""Checks and splits for the URLs a user types: proxies and API origins.

Pure functions, no I/O. A proxy is an ``http://``, ``https://`` or
``socks5://`` (``socks5h://``) URL with a host; anything else (``not a url``,
``file:///etc/passwd``, ``ftp://...``) is refused with one line saying why.
Credentials inside a URL (``http://user:pass@host``) are split off so the
caller can keep them in the keyring and store only the bare URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
API_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048

# Keyring names of credentials taken out of a URL option, by the option they came from.
# They are stored beside an account's API key (or a settings entry) as "user:password".
URL_CREDENTIAL_NAMES = {"api_url": "api_url_credentials", "proxy": "proxy_credentials"}


class ProxyUrlError(ValueError):
    """The proxy URL is not usable; ``str(exc)`` says why in one line."""


class UrlError(ValueError):
    """A URL is not usable; ``str(exc)`` says why in one line."""


@dataclass(frozen=True, slots=True)
class UrlCredentials:
    """``user:password`` taken out of a URL. :meth:`to_text` is the keyring form."""

    username: str
    password: str

    def to_text(self) -> str:
        return f"{quote(self.username, safe='')}:{quote(self.password, safe='')}"

    @classmethod
    def from_text(cls, text: str) -> UrlCredentials:
        user, _, password = text.partition(":")
        return cls(unquote(user), unquote(password))

    def __repr__(self) -> str:   # never print the password
        return f"UrlCredentials(username={self.username!r}, password=***)"


def _checked(url: str, schemes: tuple[str, ...], what: str, error: type[ValueError]) -> str:
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise error(f"{what}: longer than {MAX_URL_LENGTH} characters")
    names = ", ".join(f"{s}://" for s in schemes if s != "socks5h")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise error(f"{what}: {strip_credentials(text)!r} is not a valid URL") from None
    del port
    if parts.scheme.lower() not in schemes or not parts.hostname:
        raise error(f"{what}: {strip_credentials(text)!r} is not a URL of the form {names}")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch.isspace() for ch in text):
        raise error(f"{what}: {strip_credentials(text)!r} contains spaces or control characters")
    return text


def validate_proxy_url(url: str | None) -> str | None:
    """``None`` or ``""`` means no proxy; otherwise the stripped URL or :class:`ProxyUrlError`."""
    if url is None or not url.strip():
        return None
    return _checked(url, PROXY_SCHEMES, "proxy", ProxyUrlError)


def validate_api_url(url: str | None, *, what: str = "API URL") -> str | None:
    """An API origin override (an exchange's, a chain server's): ``http(s)://host[:port]``
    or :class:`UrlError`, whose message starts with ``what``."""
    if url is None or not url.strip():
        return None
    return _checked(url, API_SCHEMES, what, UrlError)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (lower case, without a login): what a redirect
    may stay within, and what a per-server limit counts."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc.rsplit('@', 1)[-1]).lower()}"


def split_credentials(url: str) -> tuple[str, UrlCredentials | None]:
    """``(url without user:password, the credentials or None)``."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    bare = urlunsplit(parts._replace(netloc=host))
    return bare, UrlCredentials(unquote(user), unquote(password))


def join_credentials(url: str, credentials: UrlCredentials | None) -> str:
    """Put credentials back into a bare URL (for the client that needs them, never for storage)."""
    if credentials is None:
        return url
    parts = urlsplit(url)
    userinfo = quote(credentials.username, safe="")
    if credentials.password:
        userinfo += ":" + quote(credentials.password, safe="")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))


def strip_credentials(url: str) -> str:
    """The URL with any user:password removed, safe to show or log."""
    try:
        return split_credentials(url)[0]
    except ValueError:
        return url.rsplit("@", 1)[-1]
