"""Application services: the engine shared by the GUI and the CLI.

Services combine storage, exchanges and risk into use cases (sync, import,
exposure as of a date, warnings). They import no Qt; the GUI runs them on
worker threads and receives frozen dataclasses back.
"""
