# Everyday tasks. `make feeds` sets up .venv and builds the shipped feeds; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup feeds test test-tools screenshots lint format bench clean

$(BIN)/calendar-gen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/calendar-gen

feeds: setup
	$(BIN)/calendar-gen build

# The interop and browser tests need ical.js, playwright-core and axe-core (npm) and Chromium
# (Debian); install them where this machine can, and the tests say what is missing where it
# cannot. npm ci runs again whenever the lock file is newer than the last install.
test-tools:
	@if command -v npm >/dev/null && \
		[ ! tests/js/node_modules/.package-lock.json -nt tests/js/package-lock.json ]; then \
		npm ci --silent --prefix tests/js; fi
	@if ! command -v chromium >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

test: setup test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

# docs/index.png and docs/index-phone.png, from the shipped feeds.
screenshots: feeds test-tools
	$(BIN)/python docs/screenshots.py

lint format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
