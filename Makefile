# Two commands do everything on a fresh machine with Python 3.11:
#   make demo   the check against a simulated AWS account (moto on 127.0.0.1), outputs in ./output
#   make test   the whole test suite, lint included
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv demo demo-fixer test test-fast lint bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,demo]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m demo

demo-fixer: $(STAMP)
	$(BIN)/python -m demo fixer

lint: $(STAMP)
	$(BIN)/ruff check .

# two workers (the machine's cores); a module that shares a moto server stays on one worker
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist loadgroup

test: $(STAMP) lint
	$(PYTEST)

test-fast: $(STAMP)
	$(PYTEST) -m "not slow and not integration"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.filterpattern_bench
	$(BIN)/python -m benchmarks.regex_bench
	$(BIN)/python -m benchmarks.account_bench

clean:
	rm -rf $(VENV) build dist output *.egg-info .pytest_cache .ruff_cache
