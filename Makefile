# Everyday tasks. `make feeds` sets up .venv and builds the shipped feeds; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Each install runs once, and again when pyproject.toml changes: building feeds needs only
# calendar-gen's own dependencies, the test tool chain is ten times their size.
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
# Tests keep their compiled modules: with PYTHONDONTWRITEBYTECODE set (as some machines set it),
# each run rewrote every test module's asserts again (6 s of collection a worker), and each
# real calendar-gen process the tests start compiled the package again.
unexport PYTHONDONTWRITEBYTECODE
# Which interpreter a Python is, and its version: a .venv made by another one is made again.
IDENTITY := import os, sys; print(os.path.realpath(sys.executable), sys.version_info[:2])

.PHONY: check-python setup test-setup feeds golden test test-quick model test-tools screenshots lint \
	format bench clean

# calendar-gen needs Python 3.11 or later. A .venv made by another Python (an older one, or
# one since removed) keeps failing the same way after the right one is installed, so it is
# removed and made again.
check-python:
	@version=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	case "$$version" in \
	3.1[1-9]|3.[2-9][0-9]|[4-9].*) ;; \
	*) echo "calendar-gen needs Python 3.11 or later, and $(PYTHON) is" \
		"$${version:+Python }$${version:-not found}." >&2; \
	   echo "Install Python 3.11 or later (from python.org, or apt install python3.11 on" \
		"Debian and Ubuntu, with python3.11-venv, or brew install python@3.12 on a Mac), then run" \
		"make $(or $(MAKECMDGOALS),feeds) PYTHON=python3.11 (or the name it was installed as)." >&2; \
	   exit 1;; \
	esac
	@want=$$($(PYTHON) -c '$(IDENTITY)'); have=$$($(BIN)/python -c '$(IDENTITY)' 2>/dev/null); \
	if [ -e $(VENV) ] && [ "$$want" != "$$have" ]; then \
		echo "$(VENV) was made by $${have:-a Python that no longer runs}, not $(PYTHON)" \
			"($$want): making it again"; \
		rm -rf $(VENV); fi

$(INSTALLED): pyproject.toml
	@echo "installing calendar-gen into $(VENV) (a minute or so, once)"
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_INSTALLED): $(INSTALLED)
	@echo "installing the test tools into $(VENV) (a few minutes, once)"
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# A second make looks at the stamps afresh: check-python may just have removed them.
setup: check-python
	@$(MAKE) --no-print-directory --silent $(INSTALLED)

test-setup: check-python
	@$(MAKE) --no-print-directory --silent $(TEST_INSTALLED)

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
# what is missing where it cannot. npm ci runs again whenever a lock file is newer.
# tests/test_portability.py builds on Pyodide's CPython 3.12, 3.13 and 3.14 (npm), with the
# wheels of the versions of calendar-gen's dependencies installed in .venv (PyPI): those not
# yet in tests/pyodide/wheels are downloaded, so an upgrade in .venv brings its own.
test-tools: test-setup
	@for dir in tests/js tests/pyodide; do \
		if command -v npm >/dev/null && \
			[ ! $$dir/node_modules/.package-lock.json -nt $$dir/package-lock.json ]; then \
			npm ci --silent --prefix $$dir; fi; done
	@need=$$($(BIN)/python tests/portability.py) && if [ -n "$$need" ]; then \
		$(BIN)/pip download --quiet --only-binary=:all: --no-deps \
			--dest tests/pyodide/wheels $$need; fi
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v gcc >/dev/null || missing="$$missing gcc"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	[ -e /usr/include/libical/ical.h ] || missing="$$missing libical-dev"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@# LibreOffice Calc without its desktop, to read releases.csv as a spreadsheet user does.
	@if ! command -v soffice >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; \
		then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends libreoffice-calc-nogui >/dev/null; fi

# Branch coverage of the whole suite, measured on both workers; the floor is the figure
# measured when it was set, rounded down: raise it as tests are added, never lower it.
COVERAGE_FLOOR := 94
test: test-setup test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2 --cov=calendar_gen --cov-branch --cov-report=term:skip-covered \
		--cov-fail-under=$(COVERAGE_FLOOR)

# The working lane: no slow or interop tests (no browser, node, libical or Java needed), and
# a tenth of the hypothesis examples. CI runs `make test`, which runs everything. Its test
# folders are in memory where the machine has /dev/shm: each build fsyncs what it writes, and
# on a disk those waits were a seventh of the lane (35.7 s, 30.6 s in memory).
# A run leaves up to 400 MB there, and pytest keeps the last three: used only with 2 GB free.
QUICK_TMP := $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && \
	[ "$$(df -Pk /dev/shm | awk 'NR == 2 {print $$4}')" -gt 2097152 ] 2>/dev/null && echo /dev/shm)
test-quick: test-setup
	$(if $(QUICK_TMP),TMPDIR=$(QUICK_TMP)) HYPOTHESIS_PROFILE=quick $(BIN)/pytest -q -n 2 \
		-m "not slow and not interop"

# The model-based test of the record at length: random sequences of a team's commands over
# simulated years, new ones each run (CI runs six, always the same).
model: test-setup
	MODEL_EXAMPLES=$${MODEL_EXAMPLES:-300} $(BIN)/pytest -q -p no:cacheprovider tests/test_model.py

# docs/index.png and docs/index-phone.png, from the shipped feeds.
screenshots: feeds test-setup test-tools
	$(BIN)/python docs/screenshots.py

lint format: test-setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .coverage
