"""PyInstaller's entry script for the frozen app: the same ``main`` as ``exposure-app``.

PyInstaller needs a script file rather than a console-script entry point; this
one only forwards to :func:`exposure_app.main.main`.
"""

from __future__ import annotations

import sys

from exposure_app.main import main

if __name__ == "__main__":
    sys.exit(main())
