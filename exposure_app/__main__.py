"""``python -m exposure_app``: the same entry point as the ``exposure-app`` script."""

from __future__ import annotations

import sys

from exposure_app.main import main

if __name__ == "__main__":
    sys.exit(main())
