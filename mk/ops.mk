# Operations: python -m ops <command>, one target each. ENV picks the environment; OPS_ARGS
# passes extra options, e.g. make bootstrap ENV=prod OPS_ARGS=--dry-run, make diff REF=HEAD~1.
# Exit statuses (see `python -m ops --help`): 1 = a check failed / dist would change.

ENV      ?= staging
REF      ?=
OPS_ARGS ?=
BACKUP   ?= latest

FROM     ?= staging
TO       ?= prod
IMAGES   ?=
REV      ?=

.PHONY: bootstrap validate diff restore release promote rollback pr-effect rotate docs docs-check

bootstrap: $(VENV_STAMP)
	$(PYTHON) -m ops bootstrap $(ENV) $(OPS_ARGS)

validate: $(VENV_STAMP)
	$(PYTHON) -m ops validate $(ENV) $(OPS_ARGS)

diff: $(VENV_STAMP)
	$(PYTHON) -m ops diff $(ENV) $(REF) $(OPS_ARGS)

# make release ENV=staging IMAGES="backend=2.4.1 frontend=2.4.1"
release: $(VENV_STAMP)
	$(PYTHON) -m ops release $(ENV) $(foreach image,$(IMAGES),--image $(image)) $(OPS_ARGS)

promote: $(VENV_STAMP)
	$(PYTHON) -m ops promote --from $(FROM) --to $(TO) $(OPS_ARGS)

# make rollback ENV=staging [REV=<earlier revision of the branch>]
rollback: $(VENV_STAMP)
	$(PYTHON) -m ops rollback $(ENV) $(if $(REV),--to $(REV)) $(OPS_ARGS)

# What the working tree changes in every environment against its branch, as Markdown (CI's job
# summary of a pull request); OUTPUT=file writes it there, GITHUB_STEP_SUMMARY gets it too.
pr-effect: $(RUNTIME_STAMP)
	$(PYTHON) -m ops.pr_effect $(if $(OUTPUT),--output $(OUTPUT))

# When each secret was last rotated; OPS_ARGS="--now [--only KEY]" rotates in the cluster now.
rotate: $(VENV_STAMP)
	$(PYTHON) -m ops rotate $(ENV) $(OPS_ARGS)

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
