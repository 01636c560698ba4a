# The commands people use. On a fresh machine the first target you run creates the Python
# virtualenv (.venv) and installs what it needs: `make mock` only the runtime lock
# (requirements-runtime.lock), every other target the development lock (requirements.lock,
# which includes the runtime one) and the Node tools (node_modules, from package-lock.json);
# nothing else needs to be installed by hand.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(BIN)/pip --quiet --disable-pip-version-check
NODE_BIN := node_modules/.bin
TS_CLIENT := generated_client/typescript
DOCUMENTS := openapi/call-monitor.yaml openapi/mock-admin.yaml
PRISM_PORT ?= 4011
PYTEST_ARGS ?=
# pytest-xdist workers of `make test` and `make test-thorough` (0: one process, no xdist). The
# tests mostly wait on processes, sockets, Redis and the browser, so 2 workers pay off even on
# 2 cores; each worker runs whole test files with its own session servers, the slow folders
# first (tests/conftest.py orders them; --no-loadscope-reorder keeps that order).
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)

# Options of `make mock`, e.g. `make mock PORT=4020 AUTH_MODE=off`. Each one left unset falls
# back to m7-mock's environment variable (M7_MOCK_PORT, M7_MOCK_AUTH_MODE, ...) and then to
# its default; `m7-mock --help` lists them. They reach m7-mock as those environment
# variables, so that make never echoes a secret (CREDENTIALS, ADMIN_TOKEN) in a command line.
MOCK_VARIABLES := HOST PORT AUTH_MODE SCENARIO CREDENTIALS ADMIN_TOKEN CORS_ORIGINS LOG_LEVEL
HOST ?=
PORT ?=
AUTH_MODE ?=
SCENARIO ?=
CREDENTIALS ?=
ADMIN_TOKEN ?=
CORS_ORIGINS ?=
LOG_LEVEL ?=

# Nothing given on the command line is silently ignored: a variable this Makefile does not
# read (a typo such as AUTHMODE=off) stops make with the list of those it knows. Those are
# every `NAME ?=` line of this file (declare a new one that way) and any M7_* variable, which
# reaches the programs as an environment variable.
KNOWN_VARIABLES := $(sort $(shell sed -nE 's/^([A-Za-z_][A-Za-z0-9_]*) *\?=.*/\1/p' $(firstword $(MAKEFILE_LIST)))) M7_%
COMMAND_LINE_VARIABLES := $(strip $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v))))
UNKNOWN_VARIABLES := $(filter-out $(KNOWN_VARIABLES),$(COMMAND_LINE_VARIABLES))
ifneq ($(UNKNOWN_VARIABLES),)
$(error unknown variable(s) $(UNKNOWN_VARIABLES); this Makefile reads $(KNOWN_VARIABLES) (M7_% = any M7_* environment variable))
endif

$(BIN)/python:
	@echo "==> creating $(VENV)"
	$(PYTHON) -m venv $(VENV)

# The runtime: the mock server, the client and the `m7` command, editable. `pip check` names
# any dependency a lock forgot.
$(VENV)/.runtime-installed: requirements-runtime.lock pyproject.toml generated_client/pyproject.toml | $(BIN)/python
	@echo "==> installing the runtime (requirements-runtime.lock) into $(VENV)"
	$(PIP) install -r requirements-runtime.lock
	$(PIP) install --no-deps --no-build-isolation -e ./generated_client -e .
	$(BIN)/pip check --disable-pip-version-check >/dev/null
	@touch $@

$(VENV)/.installed: requirements.lock $(VENV)/.runtime-installed
	@echo "==> installing the development tools (requirements.lock) into $(VENV)"
	$(PIP) install -r requirements.lock
	$(BIN)/pip check --disable-pip-version-check >/dev/null
	@touch $@

# Debian packages the tests start (a real Redis, headless Chromium for the browser tests, a
# Chinese font so that the screenshots show the vendor's terms):
# installed by scripts/ensure-debian-packages when missing (as root), else it says how.
DEBIAN_PACKAGES := redis-server chromium chromium-driver fonts-wqy-microhei wrk

.PHONY: system-packages
system-packages: ## Install the Debian packages the tests need (redis-server, chromium, a Chinese font, wrk), when missing
	scripts/ensure-debian-packages $(DEBIAN_PACKAGES)

node_modules/.installed: package.json package-lock.json
	@echo "==> installing Prism and Spectral from package-lock.json"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

.PHONY: setup
setup: $(VENV)/.installed node_modules/.installed ## Install the Python and Node toolchains (done on first use anyway)

$(foreach v,$(MOCK_VARIABLES),$(if $(value $(v)),$(eval mock: export M7_MOCK_$(v) = $$(value $(v)))))

.PHONY: mock
mock: $(VENV)/.runtime-installed ## Run the mock on its demo defaults (http://127.0.0.1:4010); options: make mock PORT=4020 AUTH_MODE=off SCENARIO=file.yaml ...
	@$(BIN)/m7-mock

.PHONY: prism
prism: node_modules/.installed ## Serve the document with Prism on 127.0.0.1:4011
	$(NODE_BIN)/prism mock --host 127.0.0.1 --port $(PRISM_PORT) openapi/call-monitor.yaml

.PHONY: test
test: lint check-generated version-gate system-packages test-node ## Lint, drift check, version gate and every test (what CI runs; PYTEST_WORKERS=2 processes)
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

.PHONY: test-node
test-node: $(VENV)/.installed node_modules/.installed ## The TypeScript client's tests (Node's test runner, against the real mock)
	rm -rf $(TS_CLIENT)/build
	$(NODE_BIN)/tsc -p $(TS_CLIENT)
	node --test $(TS_CLIENT)/build/test/*.test.js

#: The browser tests' screenshots shown in docs/console.md.
DOC_SCREENSHOTS := console-listen swagger-ui-signed

.PHONY: docs-screenshots
docs-screenshots: $(VENV)/.installed system-packages ## Run the browser tests and copy their screenshots used by docs/console.md into docs/images
	$(BIN)/pytest tests/browser $(PYTEST_ARGS)
	mkdir -p docs/images
	for name in $(DOC_SCREENSHOTS); do cp build/screenshots/$$name.png docs/images/; done

.PHONY: test-thorough
test-thorough: $(VENV)/.installed node_modules/.installed system-packages ## The tests with far more Hypothesis examples
	HYPOTHESIS_PROFILE=thorough $(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

.PHONY: lint
lint: $(VENV)/.installed node_modules/.installed ## ruff, mypy --strict, tsc --noEmit, Spectral, openapi-spec-validator
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(NODE_BIN)/tsc --noEmit -p $(TS_CLIENT)
	$(NODE_BIN)/spectral lint --fail-severity=warn $(DOCUMENTS)
	$(BIN)/openapi-spec-validator $(DOCUMENTS)

.PHONY: generate
generate: $(VENV)/.installed node_modules/.installed ## Regenerate the Python and TypeScript clients (and their versions) from the document
	$(PY) scripts/generate_client.py

.PHONY: check-generated
check-generated: $(VENV)/.installed node_modules/.installed ## Fail (with a diff) when a committed client is stale
	$(PY) scripts/generate_client.py --check

BASE ?=

.PHONY: spec-diff
spec-diff: $(VENV)/.installed node_modules/.installed ## Changes to the document since a git ref, breaking ones flagged (exit 1): make spec-diff BASE=main
	@test -n "$(BASE)" || { echo "usage: make spec-diff BASE=<git ref>, e.g. BASE=main"; exit 2; }
	$(PY) scripts/spec_diff.py --base "$(BASE)"

.PHONY: version-gate
version-gate: $(VENV)/.installed node_modules/.installed ## Fail when the document changed since main without the right info.version bump and CHANGELOG.md entry
	$(PY) scripts/spec_diff.py --gate

BASE_URL ?=
CONTRACT_TIMEOUT ?=
CONTRACT_BUDGET ?=
CONTRACT_MAX_TIMEOUTS ?=

# The contract suite's limits (tests/support/contract.py), each also an M7_CONTRACT_*
# environment variable: seconds per request (default 5), seconds for the whole suite (240),
# unanswered requests before it stops (3).
$(foreach v,TIMEOUT BUDGET MAX_TIMEOUTS,$(if $(value CONTRACT_$(v)),$(eval contract: export M7_CONTRACT_$(v) = $$(value CONTRACT_$(v)))))

.PHONY: contract
contract: $(VENV)/.installed ## Contract suite against any deployment: M7_APP_KEY=... M7_SECRET_KEY=... make contract BASE_URL=https://... (the local mock when BASE_URL is unset; limits CONTRACT_TIMEOUT, CONTRACT_BUDGET, CONTRACT_MAX_TIMEOUTS)
	M7_CONTRACT_BASE_URL="$(BASE_URL)" $(BIN)/pytest tests/contract $(PYTEST_ARGS)

BENCH_ARGS ?=
SOAK_ARGS ?=

BENCH_BEFORE ?=

.PHONY: bench
bench: $(VENV)/.installed node_modules/.installed ## Mock vs Prism and the ceiling under wrk, the mock on Redis (1 and 2 workers) and its round trips, per-request cost, client and signing cost, cold start (results in build/bench/)
	$(PY) scripts/bench.py $(if $(BENCH_BEFORE),--before $(BENCH_BEFORE)) $(BENCH_ARGS)

.PHONY: bench-docs
bench-docs: $(VENV)/.installed node_modules/.installed ## make bench, then rewrite the results in docs/benchmarks.md (BENCH_BEFORE=REF adds the cost at REF)
	$(PY) scripts/bench.py --write-docs $(if $(BENCH_BEFORE),--before $(BENCH_BEFORE)) $(BENCH_ARGS)

.PHONY: soak
soak: $(VENV)/.installed ## About 2 minutes: normal load, then normal + hostile clients side by side (5xx, memory, replays, probes)
	$(PY) scripts/soak.py $(SOAK_ARGS)

DIST ?= dist

.PHONY: dist
dist: $(VENV)/.runtime-installed ## Build the wheels of both distributions into dist/ (DIST=folder for another)
	rm -f $(DIST)/m7_call_monitor-*.whl $(DIST)/m7_mock_server-*.whl
	$(PIP) wheel --no-deps --no-build-isolation --wheel-dir $(DIST) ./generated_client .
	@ls $(DIST)/*.whl

.PHONY: clean
clean: ## Remove the virtualenv, node_modules, dist/ and caches
	rm -rf $(VENV) node_modules dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
