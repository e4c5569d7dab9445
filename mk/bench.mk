# `make bench`: synth speed and memory figures, printed and written to bench/results/
# (see bench/README.md). `make bench BENCH_QUICK=1` runs every figure once, at small N.

# Phony: a folder named bench/ exists, so without this make would call the target up to date.
.PHONY: bench
# `bytecode`: the cold-bytecode row measures a checkout after `make synth`, which leaves .pyc
# files beside the sources; without them it would time compiling every generated module.
bench: $(RUNTIME_STAMP) bytecode
	$(PYTHON) -m bench $(if $(filter-out 0,$(BENCH_QUICK)),--quick)
