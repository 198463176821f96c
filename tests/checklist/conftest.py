"""The checklist tests use the whole suite's fixtures (``tests/conftest.py``)."""
