# Everyday tasks. `make feeds` sets up .venv and builds the shipped feeds; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup feeds test test-tools lint format bench clean

$(BIN)/calendar-gen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/calendar-gen

feeds: setup
	$(BIN)/calendar-gen build

# The interop and browser tests need ical.js (npm), and Chromium, gcc and libical's headers
# (Debian) to run a browser and build the libical reader; install them where this machine
# can, and the tests fail saying what is missing where it cannot.
test-tools:
	@if command -v npm >/dev/null && [ ! -d tests/js/node_modules ]; then \
		npm ci --silent --prefix tests/js; fi
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v gcc >/dev/null || missing="$$missing gcc"; \
	[ -e /usr/include/libical/ical.h ] || missing="$$missing libical-dev"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

test: setup test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

lint format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
