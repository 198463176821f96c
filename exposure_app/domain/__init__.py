"""Pure-Python domain: models, money, exposure and risk math.

Nothing here imports Qt, pyqtgraph, ccxt, sqlite3 or sqlite-utils; an
import-linter contract in ``pyproject.toml`` keeps it that way.
"""
