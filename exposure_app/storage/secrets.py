"""API credentials in the OS keyring, and nowhere else.

One keyring entry per exchange account under the service name
:data:`SERVICE_NAME`; the entry's user name is the account's ``secret_ref``
(a random id kept in the account's options, so two profiles never collide)
and its password is a JSON object of ccxt credential names
(``{"apiKey": ..., "secret": ..., "password": ...}``), plus the user name and
password of the account's API URL or proxy URL when they had one
(``api_url_credentials``, ``proxy_credentials``), which never reach the database.

There is no plaintext fallback: when the platform has no usable keyring
(keyring's ``fail`` or ``null`` backend, or a chainer with nothing in it),
:class:`SecretStoreUnavailable` says what to install or enable. Manual and
self-custody accounts never touch this module, so they keep working.

Messages raised here never contain credential values.

Threading: every keyring call in this process goes through one lock
(:data:`_KEYRING_LOCK`). keyring's backend discovery is not thread-safe: when
several sync threads first read credentials at once, its one-time scan of the
backend classes can run in two threads together and fail with "Set changed
size during iteration" (keyring 25.7, ``backend.get_all_keyring``), which made
one account of a multi-account sync report "No usable keyring was found" while
the others read fine. Serialising discovery and every get/set/delete also keeps
the Secret Service from being asked to unlock the same collection by several
D-Bus connections at once; a read that still fails is retried once after a
short pause before it is reported.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from exposure_app.domain.urls import URL_CREDENTIAL_NAMES
from exposure_app.storage.errors import StorageError

SERVICE_NAME = "io.github.exposure_app.Exposure"

# ccxt credential names we store (anything else in the input is refused).
CREDENTIAL_NAMES = (
    "apiKey", "secret", "password", "uid", "login", "privateKey", "walletAddress", "token",
    "twofa", "accountId",
)


# One keyring call at a time in this process (see the module docstring).
_KEYRING_LOCK = threading.RLock()
# Pause before the one retry of a failed read (a D-Bus hiccup, a busy daemon).
READ_RETRY_PAUSE = 0.2


class SecretStoreError(StorageError):
    """A keyring problem; the message is safe to show (no secret in it)."""


class SecretStoreUnavailable(SecretStoreError):
    """No usable OS keyring on this system."""


class SecretNotFound(SecretStoreError):
    """The account has no credentials in the keyring."""


def install_hint() -> str:
    if sys.platform.startswith("linux"):
        return (
            "Install and start a Secret Service provider: GNOME Keyring "
            "(e.g. `sudo apt install gnome-keyring`) or KWallet (KDE), and make sure it is "
            "unlocked in your desktop session. On a server without a desktop, run "
            "`gnome-keyring-daemon --unlock --components=secrets` inside a D-Bus session."
        )
    if sys.platform == "darwin":
        return "The macOS Keychain is not reachable; make sure your login keychain is unlocked."
    if sys.platform.startswith("win"):
        return "The Windows Credential Manager is not reachable; check that the service runs."
    return "Install a keyring backend supported by the Python `keyring` package."


def _is_unusable(backend: Any) -> bool:
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    if isinstance(backend, chainer.ChainerBackend):
        return not [b for b in backend.backends if not _is_unusable(b)]
    return False


def new_secret_ref() -> str:
    return f"account-{uuid.uuid4().hex}"


class SecretStore:
    """Reads and writes account credentials in one keyring backend.

    ``backend`` is a ``keyring.backend.KeyringBackend``; ``None`` means the
    platform's default (``keyring.get_keyring()``), checked on first use.
    """

    def __init__(self, backend: Any | None = None, *, service: str = SERVICE_NAME) -> None:
        self._backend = backend
        self.service = service

    @property
    def backend(self) -> Any:
        if self._backend is None:
            with _KEYRING_LOCK:
                if self._backend is None:
                    import keyring

                    self._backend = keyring.get_keyring()
        return self._backend

    def check_available(self) -> None:
        """Raise :class:`SecretStoreUnavailable` (with a remedy) if there is no usable keyring."""
        try:
            backend = self.backend
        except Exception as exc:  # keyring's own discovery failed
            raise SecretStoreUnavailable(
                f"No usable keyring was found ({type(exc).__name__}). {install_hint()}"
            ) from None
        with _KEYRING_LOCK:
            unusable = _is_unusable(backend)
        if unusable:
            raise SecretStoreUnavailable(
                "No usable keyring was found, so API keys cannot be stored safely (Exposure "
                f"never writes them to disk in plain text). {install_hint()}"
            )

    @property
    def description(self) -> str:
        backend = self.backend
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def save(self, ref: str, credentials: Mapping[str, str]) -> None:
        self.check_available()
        clean = validate_credentials(credentials)
        try:
            with _KEYRING_LOCK:
                self.backend.set_password(self.service, ref, json.dumps(clean, sort_keys=True))
        except Exception as exc:
            raise SecretStoreError(
                f"The keyring refused to store the credentials ({type(exc).__name__}). "
                f"{install_hint()}"
            ) from None

    def load(self, ref: str) -> dict[str, str]:
        self.check_available()
        try:
            raw = self._read(ref)
        except Exception as exc:
            raise SecretStoreError(
                f"The keyring could not be read ({type(exc).__name__}); it may be locked. "
                f"{install_hint()}"
            ) from None
        if raw is None:
            raise SecretNotFound(
                "The API credentials for this account are not in the keyring (it may have "
                "been reset or the account was copied from another computer). Enter the key "
                "again with Accounts > Replace API key…, or `accounts set-key NAME`."
            )
        try:
            data = json.loads(raw)
        except ValueError:
            raise SecretStoreError("The keyring entry for this account is damaged.") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise SecretStoreError("The keyring entry for this account is damaged.")
        return data

    def _read(self, ref: str) -> str | None:
        """``get_password`` under the lock, retried once after a short pause."""
        try:
            with _KEYRING_LOCK:
                value: str | None = self.backend.get_password(self.service, ref)
                return value
        except Exception:
            time.sleep(READ_RETRY_PAUSE)
            with _KEYRING_LOCK:
                retried: str | None = self.backend.get_password(self.service, ref)
                return retried

    def delete(self, ref: str) -> bool:
        """Remove the entry; ``False`` if there was none."""
        self.check_available()
        from keyring.errors import PasswordDeleteError

        try:
            with _KEYRING_LOCK:
                self.backend.delete_password(self.service, ref)
        except PasswordDeleteError:
            return False
        except Exception as exc:
            raise SecretStoreError(
                f"The keyring entry could not be removed ({type(exc).__name__})."
            ) from None
        return True


def validate_credentials(credentials: Mapping[str, Any]) -> dict[str, str]:
    """Only known ccxt credential names (and the ``user:password`` taken out of
    an API URL or proxy URL, :data:`URL_CREDENTIAL_NAMES`) with non-empty text values."""
    clean: dict[str, str] = {}
    for name, value in credentials.items():
        if name in URL_CREDENTIAL_NAMES.values() and isinstance(value, str) and value:
            clean[name] = value
            continue
        if name not in CREDENTIAL_NAMES:
            raise SecretStoreError(
                f"{name!r} is not a ccxt credential name (expected one of "
                f"{', '.join(CREDENTIAL_NAMES)})"
            )
        if not isinstance(value, str) or not value.strip():
            raise SecretStoreError(f"the credential {name!r} is empty or not text")
        clean[name] = tidy_credential(value)
    return clean


def tidy_credential(value: str) -> str:
    """The credential as the signing code needs it: no surrounding white space, and a PEM
    private key with real line breaks.

    Coinbase hands out its CDP keys as a JSON file in which the PEM key's line
    breaks are written as the two characters ``\\n``; a user who copies the
    value out of that file (perhaps with its quotes) would otherwise store a
    key that can never sign. Nothing else is changed.
    """
    text = value.strip()
    if len(text) > 1 and text[0] == text[-1] == '"' and text[1:].lstrip().startswith("-----BEGIN"):
        text = text[1:-1].strip()
    if text.startswith("-----BEGIN") and "\n" not in text and "\\n" in text:
        text = text.replace("\\n", "\n").strip()
    return text


def _memory_backend_class() -> type[Any]:  # a keyring.backend.KeyringBackend subclass
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        """A keyring that lives in this process's memory only (tests, the demo).

        Nothing is written anywhere; entries vanish when the process ends.
        """

        priority = 1

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it unannotated
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            from keyring.errors import PasswordDeleteError

            if self.entries.pop((service, username), None) is None:
                raise PasswordDeleteError("no such entry")

    return MemoryKeyring


def memory_keyring() -> Any:
    """A fresh in-memory keyring backend (for tests and the emulator demo)."""
    return _memory_backend_class()()


SECRET_REF_OPTION = "secret_ref"


def secret_ref_of(account: Any) -> str | None:
    """The keyring user name of an account (``options['secret_ref']``), if any."""
    ref = (getattr(account, "options", None) or {}).get(SECRET_REF_OPTION)
    return ref if isinstance(ref, str) and ref else None


def delete_credentials(account: Any, secret_store: SecretStore | None = None) -> bool:
    """Remove an account's keyring entry (``False`` if it had none).

    Raises :class:`SecretStoreUnavailable` when the keyring cannot be reached,
    so the caller can keep the account rather than orphan its secret.
    """
    ref = secret_ref_of(account)
    if ref is None:
        return False
    return (secret_store or SecretStore()).delete(ref)
