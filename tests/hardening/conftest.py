"""Fixtures for the hardening tests.

* ``emulator_server``: a started :class:`EmulatorServer` (stopped afterwards);
  ``server.add(emu)`` serves an emulator on loopback and sets ``emu.base_url``.
"""

from __future__ import annotations

import pytest

from exposure_app.emulator.base import EmulatorServer


@pytest.fixture
def emulator_server():
    server = EmulatorServer()
    try:
        yield server
    finally:
        server.stop()
