# Operations: python -m ops <command>, one target each. ENV picks the environment; OPS_ARGS
# passes extra options, e.g. make bootstrap ENV=prod OPS_ARGS=--dry-run, make diff REF=HEAD~1.
# Exit statuses (see `python -m ops --help`): 1 = a check failed / dist would change.

ENV      ?= staging
REF      ?=
OPS_ARGS ?=
BACKUP   ?= latest

.PHONY: bootstrap validate diff restore docs docs-check

bootstrap: $(VENV_STAMP)
	$(PYTHON) -m ops bootstrap $(ENV) $(OPS_ARGS)

validate: $(VENV_STAMP)
	$(PYTHON) -m ops validate $(ENV) $(OPS_ARGS)

diff: $(VENV_STAMP)
	$(PYTHON) -m ops diff $(ENV) $(REF) $(OPS_ARGS)

# Prints the restore Job; start it with: make -s restore ENV=staging BACKUP=latest | kubectl create -f -
# or, to a point in time: make -s restore ENV=staging TO_TIME=2026-12-01T14:03:27Z | kubectl create -f -
restore: $(VENV_STAMP)
	@$(PYTHON) -m ops restore $(ENV) $(if $(TO_TIME),--to-time $(TO_TIME),--backup $(BACKUP)) $(OPS_ARGS)

# CONFIGURATION_REFERENCE.md, docs/connectivity.md and docs/connectivity-<env>.svg (Graphviz dot lays
# the pictures out: Debian package graphviz); docs/dashboards/*.svg, the dashboards' queries
# evaluated by promtool over their test series (so promtool first).
docs: $(VENV_STAMP) promtool
	$(PYTHON) -m ops docs
	$(PYTHON) -m ops.dashboard_pictures

docs-check: $(VENV_STAMP) promtool
	$(PYTHON) -m ops docs --check
	$(PYTHON) -m ops.dashboard_pictures --check
