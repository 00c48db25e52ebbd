# Quick start: `make run` serves returnkit on the embedded defaults; `make test` runs the quick tier of the tests
# (SQLite, no process kills); `make proving` runs the proving tier (crash, chaos, fleet, load, browser, and every
# test on PostgreSQL + Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set); `.ci/run` runs both.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BROWSER_STAMP := $(VENV)/.installed-browser

.PHONY: run test proving bench mutation clean

# `make run` installs only what serving needs; `make test` adds the test tools; `make proving` also needs chromium
# for the browser tests (tests/browser/), installed with apt-get when it is missing.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

$(BROWSER_STAMP): $(TEST_STAMP)
	@command -v chromium >/dev/null || (command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
		echo "make: chromium is not installed and apt-get could not install it; the browser tests in tests/browser/ need it: apt-get install chromium"
	touch $(BROWSER_STAMP)

run: $(STAMP)
	$(BIN)/returnkit serve

test: $(TEST_STAMP)
	$(BIN)/python -m pytest --tier quick -n auto

proving: $(BROWSER_STAMP)
	$(BIN)/python -m pytest --tier proving

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

# Mutation testing ([tool.mutmut] in pyproject.toml; about 2,750 mutants, ~35 min on 2 cores); not part of `make test`.
# It writes mutants/ here; `$(BIN)/mutmut show <name>` shows a survivor.
mutation: $(TEST_STAMP)
	$(BIN)/mutmut run
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) build *.egg-info mutants
