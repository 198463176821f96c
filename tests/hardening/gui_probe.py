"""What the GUI probes share: the real ``exposure-app`` entry point with a timer
that looks at the app every 100 ms.

:func:`run_app_looking` patches ``ui.app.create_application`` so that, once the
QApplication exists, ``look(app)`` runs on its GUI thread every 100 ms, then
runs ``exposure_app.main.main`` on this process's arguments and returns its
status. The probes (``gui_dialog_probe``, ``gui_read_only_probe``) say what a
look reports and answers. Not a test module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def run_app_looking(look: Callable[[Any], None]) -> int:
    import exposure_app.ui.app as app_module

    original = app_module.create_application

    def create_application():
        app = original()
        from PySide6.QtCore import QTimer

        timer = QTimer(app)
        timer.timeout.connect(lambda: look(app))
        timer.start(100)
        return app

    app_module.create_application = create_application
    from exposure_app.main import main as app_main

    return app_main(sys.argv[1:])
