# `make bench`: synth speed and memory figures, printed and written to bench/results/
# (see bench/README.md). `make bench BENCH_QUICK=1` runs every figure once, at small N.

# Phony: a folder named bench/ exists, so without this make would call the target up to date.
.PHONY: bench
bench: $(VENV_STAMP)
	$(PYTHON) -m bench $(if $(filter-out 0,$(BENCH_QUICK)),--quick)
