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

# Options of `make mock`, e.g. `make mock PORT=4020 AUTH_MODE=off ADMIN_ORIGINS=http://localhost:3000`:
# one Make variable per option of m7-mock, named as the option's environment variable without
# M7_MOCK_ (--admin-origins: ADMIN_ORIGINS; `m7-mock --help` lists them). Each one left unset
# falls back to that environment variable and then to its default. They reach m7-mock as
# those environment variables, so that make never echoes a secret (CREDENTIALS, ADMIN_TOKEN)
# in a command line. The list is not written here: m7-mock's own parser gives it
# (mock_server.cli.make_variables), written into $(MOCK_VARIABLES_FILE) by `make mock`
# whenever mock_server/cli.py changes, so an option added there is a Make variable at once.
MOCK_VARIABLES_FILE := $(VENV)/make-mock-variables.mk
-include $(MOCK_VARIABLES_FILE)
ifneq ($(filter mock,$(MAKECMDGOALS)),)
$(MOCK_VARIABLES_FILE): mock_server/cli.py $(VENV)/.runtime-installed
	@$(PY) -c 'from mock_server.cli import make_variables; print("MOCK_VARIABLES :=", *make_variables())' > $@.tmp
	@mv $@.tmp $@
endif

# Nothing given on the command line is silently ignored: a variable this Makefile does not
# read (a typo such as AUTHMODE=off) stops make with the list of those it knows. Those are
# every `NAME ?=` line of this file (declare a new one that way), the options of `make mock`
# and any M7_* variable, which reaches the programs as an environment variable. While
# `make mock` is about to write the list of its options (none yet, or cli.py changed), make
# reads this file again once it has, and checks then.
KNOWN_VARIABLES := $(sort $(shell sed -nE 's/^([A-Za-z_][A-Za-z0-9_]*) *\?=.*/\1/p' $(firstword $(MAKEFILE_LIST))) $(MOCK_VARIABLES)) M7_%
COMMAND_LINE_VARIABLES := $(strip $(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v))))
UNKNOWN_VARIABLES := $(filter-out $(KNOWN_VARIABLES),$(COMMAND_LINE_VARIABLES))
MOCK_VARIABLES_PENDING = $(if $(filter mock,$(MAKECMDGOALS)),$(shell test $(MOCK_VARIABLES_FILE) -nt mock_server/cli.py || echo pending))
ifneq ($(UNKNOWN_VARIABLES),)
ifeq ($(MOCK_VARIABLES_PENDING),)
$(error unknown variable(s) $(UNKNOWN_VARIABLES); this Makefile reads $(KNOWN_VARIABLES) (M7_% = any M7_* environment variable))
endif
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

# `make help` lists the targets in the order a user needs them, not in this file's order: the
# two commands, then changing the API document, then the other ways to run and ship, the
# measurements, and set-up. `|` starts a new group (a blank line). A target with a `## text`
# missing here is still listed, last (tests/packaging/test_make_help.py keeps both in step).
HELP_ORDER := mock test | generate spec-diff version-gate check-generated lint \
  | contract test-node test-thorough prism dist docs-screenshots | bench bench-docs soak \
  | setup system-packages clean help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -v order='$(HELP_ORDER)' ' \
	  BEGIN { FS = ":.*## "; n = split(order, wanted, " ") } \
	  { text[$$1] = $$2; found[++m] = $$1 } \
	  END { for (i = 1; i <= n; i++) if (wanted[i] == "|") print ""; \
	          else if (wanted[i] in text) { printf "  make %-16s %s\n", wanted[i], text[wanted[i]]; shown[wanted[i]] = 1 } \
	        for (i = 1; i <= m; i++) if (!(found[i] in shown)) printf "  make %-16s %s\n", found[i], text[found[i]] }'

.PHONY: setup
setup: $(VENV)/.installed node_modules/.installed ## Install the Python and Node toolchains (done on first use anyway)

# Only variables given on make's command line: make also turns the environment into variables,
# and a shell's own PORT or HOST must not become the mock's.
$(foreach v,$(MOCK_VARIABLES),$(if $(filter command line,$(origin $(v))),$(eval mock: export M7_MOCK_$(v) = $$(value $(v)))))

.PHONY: mock
mock: $(VENV)/.runtime-installed ## Run the mock on its demo defaults (http://127.0.0.1:4010); every m7-mock option as a variable: make mock PORT=4020 AUTH_MODE=off ADMIN_ORIGINS=http://localhost:3000 ...
	@$(BIN)/m7-mock

.PHONY: prism
prism: node_modules/.installed ## Serve the document with Prism on 127.0.0.1:4011
	$(NODE_BIN)/prism mock --host 127.0.0.1 --port $(PRISM_PORT) openapi/call-monitor.yaml

.PHONY: test
test: lint check-generated version-gate system-packages test-node ## Lint, drift check, version gate and every test (what CI runs; PYTEST_WORKERS=2 processes)
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

.PHONY: test-node
test-node: $(VENV)/.installed node_modules/.installed ## The TypeScript client's tests (Node's test runner, against the real mock), its npm package installed outside the clone, and examples/node run on that package
	@# Each run compiles into a folder of its own (removed at the end), so that two runs never
	@# delete or overwrite what the other is running; inside the clone, where Node finds
	@# openapi-fetch. test/package.test.ts packs and installs the package (README "Install").
	mkdir -p $(TS_CLIENT)/build
	out=$$(mktemp -d $(TS_CLIENT)/build/test-run-XXXXXX); trap 'rm -rf "$$out"' EXIT; \
	$(NODE_BIN)/tsc -p $(TS_CLIENT) --outDir "$$out"; \
	node --test "$$out"/test/*.test.js
	@# examples/node as a user's project runs it: the package packed from a copy of its folder
	@# (under build/, where its build finds the clone's tools; as test/package.test.ts does),
	@# installed from the tarball into a copy of the example outside the clone, its JavaScript
	@# type-checked against the installed types, then `npm test` against .venv's m7-mock.
	mkdir -p build
	stage=$$(mktemp -d build/node-example-XXXXXX); work=$$(mktemp -d); \
	trap 'rm -rf "$$stage" "$$work"' EXIT; \
	tar -C $(TS_CLIENT) --exclude=./build --exclude=./dist --exclude=./node_modules --exclude=./test -cf - . \
	  | tar -C "$$stage" -xf -; \
	(cd "$$stage" && npm pack --silent --pack-destination "$$work" >/dev/null); \
	cp -R examples/node "$$work/example"; \
	(cd "$$work/example" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$$work"/m7-call-monitor-*.tgz); \
	$(abspath $(NODE_BIN))/tsc -p "$$work/example" --typeRoots $(abspath node_modules/@types); \
	(cd "$$work/example" && M7_MOCK_COMMAND=$(abspath $(BIN)/m7-mock) npm test --silent)

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
generate: $(VENV)/.installed node_modules/.installed ## Regenerate the Python and TypeScript clients (and their versions) from the document, and the admin API's (m7_mock_admin, mock-admin.ts) from its own
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

# The contract suite's limits (m7_contract/client.py), each also an M7_CONTRACT_*
# environment variable: seconds per request (default 5), seconds for the whole suite (240),
# unanswered requests before it stops (3).
$(foreach v,TIMEOUT BUDGET MAX_TIMEOUTS,$(if $(value CONTRACT_$(v)),$(eval contract: export M7_CONTRACT_$(v) = $$(value CONTRACT_$(v)))))

.PHONY: contract
contract: $(VENV)/.runtime-installed ## Contract suite (m7-contract) against any deployment: M7_APP_KEY=... M7_SECRET_KEY=... make contract BASE_URL=https://... (the local mock when BASE_URL is unset; limits CONTRACT_TIMEOUT, CONTRACT_BUDGET, CONTRACT_MAX_TIMEOUTS)
	@# The command the wheels install, as a user runs it; PYTEST_ARGS go on to pytest. The
	@# target is BASE_URL alone: an M7_CONTRACT_BASE_URL left in the shell is cleared.
	M7_CONTRACT_BASE_URL="$(BASE_URL)" $(BIN)/m7-contract $(if $(strip $(PYTEST_ARGS)),-- $(PYTEST_ARGS))

BENCH_ARGS ?=
SOAK_ARGS ?=

BENCH_BEFORE ?=

.PHONY: bench
bench: $(VENV)/.installed node_modules/.installed ## Mock vs Prism and the ceiling under wrk, the mock on Redis (1 and 2 workers) and its round trips, per-request cost, client and signing cost, cold start (results in build/bench/)
	$(PY) scripts/bench.py $(if $(BENCH_BEFORE),--before $(BENCH_BEFORE)) $(BENCH_ARGS)

.PHONY: bench-docs
bench-docs: $(VENV)/.installed node_modules/.installed ## make bench, then rewrite the results in docs/benchmarks.md (BENCH_BEFORE=REF adds the mock at REF, side by side)
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
