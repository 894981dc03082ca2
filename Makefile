# Assure: `make demo` runs the portal, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CSS := assure/static/assure/css/main.css

.PHONY: install install-test system-test-deps demo test test-sqlite test-postgres lint bench cluster fuzz clean

install: $(VENV)/.installed $(CSS)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(shell find assure/portal/scss -name '*.scss' 2>/dev/null)
	npm run --silent build

# Debian packages the tests drive for real: Chromium, PostgreSQL, HAProxy, Redis.
system-test-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing="$$missing haproxy"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing (Debian packages)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: install
	ASSURE_DEMO=1 ASSURE_HTTPS=0 $(BIN)/assure demo

install-test: install $(VENV)/.installed-test system-test-deps

lint: install-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test-sqlite: install-test
	$(BIN)/pytest -m "not browser and not postgres"

test-postgres: install-test
	scripts/with-postgres $(BIN)/pytest

test: lint test-sqlite test-postgres

# The property tests of tests/fuzz/ with many random examples (the suite runs a few, derandomized).
fuzz: install-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/fuzz

# The portal on two servers behind HAProxy, with Redis and two workers (scripts/cluster).
cluster: install-test
	scripts/with-postgres $(BIN)/python scripts/cluster

bench: install-test
	$(BIN)/python bench/sign_in.py
	$(BIN)/python bench/enumeration.py
	$(BIN)/python bench/import_members.py
	$(BIN)/python bench/import_payments.py
	$(BIN)/python bench/attestation_pdf.py
	$(BIN)/python bench/member_pages.py
	scripts/with-postgres $(BIN)/python bench/member_pages.py
	$(BIN)/python bench/public_pages.py
	scripts/with-postgres $(BIN)/python bench/payments_scale.py
	$(BIN)/python bench/directory_search.py
	scripts/with-postgres $(BIN)/python bench/directory_search.py

clean:
	rm -rf $(VENV) node_modules assure/static/assure/css var/static
