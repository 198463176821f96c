"""Fixtures for the watch-only tests: a loopback server for the chain emulators."""

from __future__ import annotations

import pytest

from exposure_app.emulator.base import EmulatorServer


@pytest.fixture
def chain_server():
    server = EmulatorServer()
    try:
        yield server
    finally:
        server.stop()
