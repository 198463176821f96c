"""PyInstaller runtime hook: stand in for ``PySide6.QtOpenGL``, which the Linux spec leaves out.

pyqtgraph imports ``PySide6.QtOpenGL`` when it is imported (``OpenGLHelpers``,
``PlotCurveItem``, ``PColorMeshItem``) but touches its classes only when
drawing through OpenGL, which needs pyqtgraph's ``useOpenGL`` or
``enableExperimental`` option; the app sets neither. The binding is 8.9 MB,
so the bundle ships this placeholder instead. ``PySide6.QtOpenGLWidgets``
(kept, pyqtgraph subclasses its ``QOpenGLWidget``) only needs the QtCore,
QtGui and QtWidgets bindings. Any use of a QtOpenGL class raises an
AttributeError that names the cause, and ``exposure-app --self-test`` fails
if the app's chart configuration turns pyqtgraph's OpenGL drawing on while
this placeholder is in place.

Runs before any application code, so the placeholder is what every import
of ``PySide6.QtOpenGL`` finds in ``sys.modules``.
"""

import sys
import types


def _install() -> None:
    name = "PySide6.QtOpenGL"
    module = types.ModuleType(name, "Placeholder: PySide6.QtOpenGL is not part of this build.")
    module.EXPOSURE_PLACEHOLDER = True

    def missing(attribute: str):
        raise AttributeError(
            f"{name}.{attribute} is not available: this build of Exposure does not include "
            f"{name} (pyqtgraph's OpenGL drawing must stay off; see packaging/README.md)"
        )

    module.__getattr__ = missing  # PEP 562: called for every missing attribute
    sys.modules.setdefault(name, module)


_install()
