"""The PySide6 desktop GUI. The only package that imports Qt or pyqtgraph."""
