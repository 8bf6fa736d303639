# The whole set-up: `make run` launches the app, `make test` runs the checks.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

.PHONY: run test lint clean-venv demo-library install uninstall bundle

# System packages first: python3-venv may be among them.
run:
	@PYTHON=$(PYTHON) bash packaging/install-system-deps.sh run
	@$(MAKE) --no-print-directory $(VENV)/.installed-run
	$(BIN)/moodplayer $(ARGS)

test:
	@PYTHON=$(PYTHON) bash packaging/install-system-deps.sh test
	@$(MAKE) --no-print-directory $(VENV)/.installed-test
	$(BIN)/ruff check moodplayer tests packaging
	timeout --signal=ABRT --kill-after=30 $${PYTEST_LIMIT:-1500} $(BIN)/python -m pytest -q || { rc=$$?; [ $$rc -ne 124 ] || echo "pytest ran past $${PYTEST_LIMIT:-1500} s and was stopped: a hang (see the stacks above)" >&2; exit $$rc; }

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

# Puts MoodPlayer in the desktop's app menu (entry, icons, AppStream data under
# ~/.local/share), started from this checkout's venv; `make uninstall` takes it out again.
install:
	@PYTHON=$(PYTHON) bash packaging/install-system-deps.sh run
	@$(MAKE) --no-print-directory $(VENV)/.installed-run
	$(BIN)/moodplayer --install-desktop

uninstall:
	@if [ -x $(BIN)/moodplayer ]; then $(BIN)/moodplayer --uninstall-desktop; \
	else echo "No $(BIN)/moodplayer: nothing was installed from this checkout."; fi

# A standalone one-folder app in dist/moodplayer/ (PyInstaller; libVLC comes from the system),
# then a check that it starts: --version and a screenshot of its window.
bundle: $(VENV)/.installed-run
	$(BIN)/python -m pip install -q -e ".[bundle]"
	$(BIN)/python -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
		packaging/moodplayer.spec
	bash packaging/check_bundle.sh dist/moodplayer

# Regenerates music_library/ (deterministic: the same bytes every time).
demo-library: $(VENV)/.installed-run
	$(BIN)/python packaging/make_demo_library.py music_library

clean-venv:
	rm -rf $(VENV)
