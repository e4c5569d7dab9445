# The real-API-server tier: every dist/<env> applied to kube-apiserver + etcd on loopback.
# kube-apiserver is compiled from the Go module proxy on first use (several minutes, cached
# under ~/.cache/flask-platform-cluster/); etcd is Debian's etcd-server package.

.PHONY: test-cluster cluster-binaries

cluster-binaries: $(VENV_STAMP)
	$(PYTHON) -m cluster.build kube-apiserver

# -s: the tier prints the observed RBAC matrix and what a pruning sync would delete.
test-cluster: $(VENV_STAMP) cluster-binaries
	$(PYTHON) -m pytest $(CLUSTER_TESTS) -v -s $(PYTEST_ARGS)
