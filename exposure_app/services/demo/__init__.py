"""The built-in demo: a seeded portfolio history and a live, throw-away session.

* :mod:`~exposure_app.services.demo.prices`: the seeded daily price path.
* :mod:`~exposure_app.services.demo.portfolio`: the demo investor's accounts and holdings over time.
* :mod:`~exposure_app.services.demo.history`: generates the captures and writes them to a profile.
* :mod:`~exposure_app.services.demo.session`: ``start_demo_session()`` for ``exposure-app --demo``.
"""

from __future__ import annotations

from exposure_app.services.demo.history import DEFAULT_SEED
from exposure_app.services.demo.session import DemoError, DemoSession, start_demo_session

__all__ = ["DEFAULT_SEED", "DemoError", "DemoSession", "start_demo_session"]
