# PYTHON_ARGCOMPLETE_OK
"""The ``exposure-app`` entry point: the GUI with no command, else the CLI.

This is the only module outside ``exposure_app.ui`` that may import the ui
package, and it does so lazily, so the CLI never loads Qt.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

# GUI-only options; --data-dir takes a value.
GUI_OPTIONS_WITH_VALUE = {"--data-dir"}


def _wants_gui(argv: Sequence[str]) -> bool:
    """No positional word (only options such as --data-dir DIR or --demo) means the GUI.

    Anything else goes to the CLI parser, which reports unknown commands as
    usage errors (exit status 2) rather than opening a window.
    """
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        if arg in GUI_OPTIONS_WITH_VALUE:
            skip_next = True
            continue
        if arg in ("-h", "--help", "--version") or not arg.startswith("-"):
            return False
    return True


def _self_test() -> int:
    """``--self-test``: check an installed or frozen app (no window, no profile touched)."""
    from exposure_app.self_test import run_self_test
    from exposure_app.ui.self_test_qt import check_qt

    status = run_self_test()
    return max(status, check_qt())


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if os.environ.get("_ARGCOMPLETE"):
        # the shell asks for completions (argcomplete): the CLI parser answers, never the GUI
        from exposure_app.cli.main import run_cli

        return run_cli(argv)
    if "--self-test" in argv:
        return _self_test()
    if _wants_gui(argv):
        import gc

        # No garbage collection while the window is being put together: start-up
        # makes hundreds of thousands of long-lived objects (Qt enums, numpy,
        # pyqtgraph, the app's models), and collecting while they pile up only
        # rescans them, about a tenth of the time to the first window.
        # ui.app.settle_heap freezes them and turns collection back on as soon
        # as the window is shown.
        gc.disable()
        try:
            from exposure_app.ui.app import run_gui

            return run_gui(argv)
        finally:
            gc.enable()
    from exposure_app.cli.main import run_cli

    return run_cli(argv)


if __name__ == "__main__":
    sys.exit(main())
