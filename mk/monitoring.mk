# promtool checks and unit-tests the alert rules (tests/charts/alert_rules). Like kube-apiserver it is
# compiled from the Go module proxy on first use and cached under ~/.cache/flask-platform-cluster/.

.PHONY: promtool

promtool: $(VENV_STAMP)
	$(PYTHON) -m cluster.build promtool

# `make test` runs the promtool checks, so it builds promtool first (a no-op once cached).
test: promtool
