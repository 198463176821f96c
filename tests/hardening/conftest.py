"""Fixtures for the hardening tests (``emulator_server`` is the whole suite's, in
``tests/conftest.py``)."""
