"""Exposure: how much of what you own sits with each custodian, and how risky that is."""

from __future__ import annotations

__version__ = "0.1.0"
APP_ID = "io.github.exposure_app.Exposure"
APP_NAME = "Exposure"
