"""The main window's pages. Each page is a QWidget with ``show_data(ViewData)``."""
