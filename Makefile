# Quick start:  make run   (set up and open the app on its built-in demo)
#               make test  (set up and run the test suite)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshots package package-test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	scripts/install-system-deps.sh run
	$(BIN)/exposure-app --demo

test: $(STAMP)
	scripts/install-system-deps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 4

lint: $(STAMP)
	$(BIN)/ruff check exposure_app tests
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks

screenshots: $(STAMP)
	scripts/install-system-deps.sh test
	$(BIN)/python scripts/screenshots.py

package: $(STAMP)
	scripts/install-system-deps.sh package
	$(BIN)/python -m pip install --quiet -e ".[test,packaging]"
	$(BIN)/python packaging/build.py

package-test: $(STAMP)
	scripts/install-system-deps.sh package
	$(BIN)/python -m pip install --quiet -e ".[test,packaging]"
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m packaging -o faulthandler_timeout=0 tests/test_packaging.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
