# Quick start: `make run` serves returnkit on the embedded defaults; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@# The browser tests (tests/browser/) drive Debian's chromium; without it they fail and say how to get it.
	@command -v chromium >/dev/null || (command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
		echo "make: chromium is not installed and apt-get could not install it; the browser tests in tests/browser/ need it: apt-get install chromium"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/returnkit serve

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
