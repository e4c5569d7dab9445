"""Independent verification of the synthesized manifests under dist/<env>/.

Each module checks one claim the product makes about its output. Where a well-kept tool
exists, the module only runs it and reports its findings (kubernetes-validate, checkov,
network-config-analyzer, detect-secrets, yamllint, gixy-ng); `crossrefs` is our own code because no
tool checks references between objects. `python -m verify` runs everything.
"""
