# Two commands matter: `make demo` and `make test`. Both build their own virtualenv
# from nothing but Python and the package index.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SOURCES := pyproject.toml $(shell find awsprocesscreds -name '*.py' -o -name py.typed)
CHECKED := awsprocesscreds tests scripts benchmarks

.PHONY: test lint demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A real (not editable) install: tests run the console script as users get it.
$(VENV)/.installed: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[test]'
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

demo: $(VENV)/.installed
	$(BIN)/python scripts/demo.py

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
