# Two commands matter: `make demo` and `make test`. Both build their own virtualenv
# from nothing but Python and the package index.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The demo's own, much smaller virtualenv: the package and trustme, no test or lint tools.
DEMO_VENV ?= .venv-demo
SOURCES := pyproject.toml $(shell find awsprocesscreds -name '*.py' -o -name py.typed)
CHECKED := awsprocesscreds tests scripts benchmarks

.PHONY: test lint demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A real (not editable) install: tests run the console script as users get it.
# A .venv made before the rename still holds the distribution "awsprocesscreds" (the same
# files under another name): remove it first so that one distribution owns them.
$(VENV)/.installed: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip uninstall --quiet --yes awsprocesscreds 2>/dev/null || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[test]'
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# --no-compile: byte-compiling all of botocore costs more than the demo imports of it.
$(DEMO_VENV)/.installed: $(SOURCES)
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-compile '.[demo]'
	touch $@

# `make demo IDP=entra` signs in at the Entra ID emulator instead (adfs or entra).
IDP ?= adfs

demo: $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python scripts/demo.py --idp $(IDP)

# Prints the report and rewrites docs/performance.md from the run (naming the commit).
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py --document docs/performance.md

clean:
	rm -rf $(VENV) $(DEMO_VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
