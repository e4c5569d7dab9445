# promtool checks and unit-tests the alert rules and dashboard queries (tests/charts/alert_rules,
# tests/charts/dashboards); the Pushgateway receives the backup's size in its live test
# (tests/database/test_backup_metrics_live.py). Like kube-apiserver they are compiled from the Go
# module proxy on first use and cached under ~/.cache/flask-platform-cluster/.

.PHONY: promtool pushgateway

promtool: $(VENV_STAMP)
	$(PYTHON) -m cluster.build promtool

pushgateway: $(VENV_STAMP)
	$(PYTHON) -m cluster.build pushgateway

# `make test` runs both, so it builds them first (a no-op once cached).
test: promtool pushgateway
