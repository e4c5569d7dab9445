"""The end-to-end tier: real Argo CD and External Secrets deploy dist/ on a loopback cluster.

See e2e/README.md for what runs, what stands in for what cannot exist here, and why.
"""
