# The whole set-up: `make run` launches the app, `make test` runs the checks.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: run test lint clean-venv demo-library

# System packages first: python3-venv may be among them.
run:
	@PYTHON=$(PYTHON) bash packaging/install-system-deps.sh run
	@$(MAKE) --no-print-directory $(VENV)/.installed-run
	$(BIN)/moodplayer $(ARGS)

test:
	@PYTHON=$(PYTHON) bash packaging/install-system-deps.sh test
	@$(MAKE) --no-print-directory $(VENV)/.installed-test
	$(BIN)/ruff check moodplayer tests packaging
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check moodplayer tests packaging

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
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
