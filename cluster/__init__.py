"""A throwaway Kubernetes control plane (etcd + kube-apiserver on loopback) for tests.

The static checks in tests/ cannot see admission, defaulting, CRD validation, RBAC evaluation
or immutable fields; this package builds the real binaries from the Go module proxy, starts
them on loopback and talks to the API server over HTTPS with client certificates.
"""
