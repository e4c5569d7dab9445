"""Synth benchmark: `python -m bench` (see bench/README.md).

Kept empty on purpose: every measured child process starts with `python -m bench.child`, which
imports this package first, so anything imported here would be counted in every figure.
"""
