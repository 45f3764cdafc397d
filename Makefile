# Synth Studio. `make run` and `make test` set everything up from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export SYNTH_STUDIO_WORKSPACE ?= $(HOME)/.synth_studio/workspace.duckdb
PORT ?= 8501

.PHONY: run test bench screenshots lint format install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Start the studio on the embedded workspace, with the demo datasets ready.
run: install
	$(BIN)/python -m core.data.seed_demos
	$(BIN)/streamlit run app.py --server.port $(PORT)

## Lint, then the whole suite (core, pages, CLI, browser).
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

## Studio vs pandas / SDV / SDMetrics, side by side: one table of ratios, JSON in benchmarks/results.
bench: install-dev
	$(BIN)/python -m benchmarks

## Retake the documentation's screenshots (docs/screenshots) from the browser walks.
screenshots: install-dev
	SYNTH_STUDIO_DOC_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e

lint: install-dev
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
