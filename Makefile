# Everyday tasks. `make feeds` sets up .venv and builds the shipped feeds; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup feeds golden test test-quick test-tools screenshots lint format bench clean

$(BIN)/calendar-gen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/calendar-gen

feeds: setup
	$(BIN)/calendar-gen build

# feeds/ is the golden set the tests hold every build of the shipped schedules to
# (tests/test_golden.py). After a change meant to alter the outputs: rebuild it from a copy of
# schedules/ at a fixed date, away from feeds/'s own build state, and review the diff.
GOLDEN_AS_OF := 2015-03-31
golden: setup
	@work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	cp -R schedules "$$work/schedules" && \
	$(BIN)/calendar-gen build --schedules "$$work/schedules" --out "$$work/feeds" \
		--as-of $(GOLDEN_AS_OF) >/dev/null && \
	rm -f feeds/*.ics feeds/index.html feeds/releases.* feeds/changes.atom && \
	cp "$$work"/feeds/* feeds/
	git diff --stat -- feeds/

# The interop and browser tests need ical.js, playwright-core and axe-core (npm); Chromium,
# gcc and libical's headers (Debian) to run a browser and build the libical reader; and Java
# for the Atom schema check. Install them where this machine can; the tests fail saying
# what is missing where it cannot. npm ci runs again whenever the lock file is newer.
test-tools:
	@if command -v npm >/dev/null && \
		[ ! tests/js/node_modules/.package-lock.json -nt tests/js/package-lock.json ]; then \
		npm ci --silent --prefix tests/js; fi
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v gcc >/dev/null || missing="$$missing gcc"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	[ -e /usr/include/libical/ical.h ] || missing="$$missing libical-dev"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

# Branch coverage of the whole suite, measured on both workers; the floor is the figure
# measured when it was set, rounded down: raise it as tests are added, never lower it.
COVERAGE_FLOOR := 94
test: setup test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2 --cov=calendar_gen --cov-branch --cov-report=term:skip-covered \
		--cov-fail-under=$(COVERAGE_FLOOR)

# The working lane: no slow or interop tests (no browser, node, libical or Java needed), and
# a tenth of the hypothesis examples. CI runs `make test`, which runs everything.
test-quick: setup
	HYPOTHESIS_PROFILE=quick $(BIN)/pytest -q -n 2 -m "not slow and not interop"

# docs/index.png and docs/index-phone.png, from the shipped feeds.
screenshots: feeds test-tools
	$(BIN)/python docs/screenshots.py

lint format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .coverage
