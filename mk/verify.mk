# The verification tools that cannot share the project venv: checkov and
# network-config-analyzer each pin dependencies the other (or the project) conflicts with, and
# gixy-ng (the nginx.conf check) is kept apart so it never constrains the project's pins.
# Each venv is rebuilt from scratch when its lock changes; otherwise the stamp makes this
# a no-op. The main Makefile's `test` target depends on $(VERIFY_TOOLS).

PY_BOOTSTRAP ?= python3
CHECKOV_VENV  := .venv-checkov
NCA_VENV      := .venv-nca
GIXY_VENV     := .venv-gixy
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
NCA_STAMP     := $(NCA_VENV)/.installed
GIXY_STAMP    := $(GIXY_VENV)/.installed
VERIFY_TOOLS  := $(CHECKOV_STAMP) $(NCA_STAMP) $(GIXY_STAMP)

# $(1): venv dir, $(2): lock file. --no-deps: the lock is the complete, hashed tree.
define verify_tool_venv
	rm -rf $(1)
	$(PY_BOOTSTRAP) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(2)
	touch $(1)/.installed
endef

$(CHECKOV_STAMP): requirements/checkov.lock
	$(call verify_tool_venv,$(CHECKOV_VENV),$<)

$(NCA_STAMP): requirements/nca.lock
	$(call verify_tool_venv,$(NCA_VENV),$<)

$(GIXY_STAMP): requirements/gixy.lock
	$(call verify_tool_venv,$(GIXY_VENV),$<)

.PHONY: verify-tools verify
verify-tools: $(VERIFY_TOOLS)

# Every check over every environment, with a summary: python -m verify [dist/<env> ...]
verify: $(VENV_STAMP) $(VERIFY_TOOLS)
	$(PYTHON) -m verify

# The connectivity documents are drawn from NCA's map (ops/connectivity_picture.py).
docs docs-check: $(NCA_STAMP)
