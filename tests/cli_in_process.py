"""The real command line run inside the test process, as a child process would run it.

``python -m exposure_app ...`` in a subprocess pays for a Python start-up and the
CLI's imports on every call (about half a second of CPU, several seconds on a
loaded machine); most CLI tests are about what a command prints, stores and
returns, not about the process. :func:`run_cli_in_process` calls the same entry
point (``exposure_app.main.main``) with what a child would have had:

* the environment of :func:`tests.conftest.cli_env` (the test's ``env`` on top),
  set in ``os.environ`` for the call and restored afterwards;
* the keyring ``PYTHON_KEYRING_BACKEND`` names (by default keyring's ``fail``
  backend, so no call reaches a real keyring), restored afterwards;
* ``input`` on a UTF-8 stdin with a byte buffer; stdout and stderr captured the
  same way (pipes: not terminals);
* an exception escaping the entry point printed as a traceback on stderr with
  status 1, ``SystemExit`` turned into its status, as the interpreter does;
* log records of WARNING and above written to that stderr, as ``logging``'s
  last-resort handler does in a child (the CLI configures no logging), so a
  test searching the output for secrets sees what a child's stderr would hold.

Returns a :class:`subprocess.CompletedProcess`, so a test reads it as it reads a
child's. Keep :func:`tests.conftest.run_cli` (a real subprocess) for what is
about the process: signals, locks held by another process, locale, packaging.
Not thread-safe: one call at a time (it swaps ``sys.std*``).
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager


def _pipe(data: str = "") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8",
                            newline=None, write_through=True)


def _read(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", errors="replace").replace("\r\n", "\n")


SERVER_LOGGERS = ("aiohttp.server", "aiohttp.access", "aiohttp.web")


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _warnings_logged_to(stream: io.TextIOWrapper) -> Iterator[None]:
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    # the loopback servers the test serves log in this process, a child never sees them
    handler.addFilter(lambda record: not record.name.startswith(SERVER_LOGGERS))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


@contextmanager
def _keyring_backend(name: str | None) -> Iterator[None]:
    import keyring
    from keyring.core import load_keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(load_keyring(name or "keyring.backends.fail.Keyring"))
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def run_cli_in_process(argv: Sequence[str], *, env: Mapping[str, str],
                       input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs ``exposure_app.main.main(argv)`` with ``env`` as the whole environment."""
    from exposure_app.main import main

    stdin, stdout, stderr = _pipe(input or ""), _pipe(), _pipe()
    saved = sys.stdin, sys.stdout, sys.stderr
    with _environment(env), _keyring_backend(env.get("PYTHON_KEYRING_BACKEND")), \
            _warnings_logged_to(stderr):
        sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                print(exc.code, file=stderr)
        except Exception:   # what the interpreter does with an uncaught exception
            traceback.print_exc(file=stderr)
            status = 1
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved
    return subprocess.CompletedProcess(
        [sys.executable, "-m", "exposure_app", *argv], int(status or 0),
        _read(stdout), _read(stderr))
