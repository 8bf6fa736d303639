# The whole set-up: `make run` launches the app, `make test` runs the checks.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: run test lint system-deps clean-venv demo-library

run: system-deps $(VENV)/.installed-run
	$(BIN)/moodplayer $(ARGS)

test: system-deps $(VENV)/.installed-test
	$(BIN)/ruff check moodplayer tests packaging
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check moodplayer tests packaging

system-deps:
	@bash packaging/install-system-deps.sh

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: install python3-venv (sudo apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed-run

# Regenerates music_library/ (deterministic: the same bytes every time).
demo-library: $(VENV)/.installed-run
	$(BIN)/python packaging/make_demo_library.py music_library

clean-venv:
	rm -rf $(VENV)
