# Tools that check the repository's conventions, each kept out of the project venv and of
# `make synth`: actionlint (Go, built from the module proxy into the cluster tier's cache) and
# renovate-config-validator (npm `renovate`, pinned by tools/renovate/package-lock.json and
# installed into tools/renovate/node_modules/). `make test` installs both.

RENOVATE_DIR   := tools/renovate
RENOVATE_STAMP := $(RENOVATE_DIR)/node_modules/.installed

.PHONY: go-tools convention-tools

# A no-op once the binary is cached (~/.cache/flask-platform-cluster/actionlint-<version>/).
go-tools: $(VENV_STAMP)
	$(PYTHON) -m cluster.build actionlint

# --ignore-scripts: no install script is needed to validate a config (re2, a native speed-up,
# would fetch a prebuilt binary); the validator falls back to JavaScript regular expressions.
$(RENOVATE_STAMP): $(RENOVATE_DIR)/package-lock.json
	cd $(RENOVATE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

convention-tools: go-tools $(RENOVATE_STAMP)

test: convention-tools
