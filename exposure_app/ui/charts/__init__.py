"""pyqtgraph charts. PySide6 is imported first so pyqtgraph binds to it."""

from __future__ import annotations

import pyqtgraph as pg
import PySide6.QtCore  # noqa: F401  (binding choice for pyqtgraph)

pg.setConfigOptions(antialias=True, foreground="k", background="w")
