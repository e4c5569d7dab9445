# The end-to-end tier: real Argo CD and External Secrets deploy dist/ on a loopback cluster
# (kube-apiserver, kube-controller-manager, kube-scheduler, KWOK nodes; redis; moto for AWS).
# Every Go binary is compiled from the Go module proxy on first use and cached under
# ~/.cache/flask-platform-cluster/; etcd and redis are Debian packages. The tests run in a
# private network namespace with only loopback (e2e/isolated.sh). See e2e/README.md.

# The scenarios; tests/e2e/test_harness.py (the harness's own unit tests) runs in `make test`.
E2E_TESTS := tests/e2e/test_gitops_loop.py tests/e2e/test_prod_deploy.py

.PHONY: test-e2e e2e-binaries

e2e-binaries: $(VENV_STAMP)
	$(PYTHON) -m cluster.build

# -s: the tier prints its timeline (cluster start, kubectl apply to all Healthy).
test-e2e: $(VENV_STAMP) e2e-binaries
	e2e/isolated.sh $(PYTHON) -m pytest $(E2E_TESTS) -v -s $(PYTEST_ARGS)
