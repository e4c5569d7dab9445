# The Debian packages the tests drive (requirements/system-packages.txt): `make test` installs
# the missing ones first (as root or with passwordless sudo) or stops, before anything else,
# with the command that installs them. SKIP_SYSTEM_TOOLS=1 instead lets the tests that need a
# missing one skip, and the run counts them (tests/support/tools.py; never under CI=true).

SKIP_SYSTEM_TOOLS ?=
export SKIP_SYSTEM_TOOLS

.PHONY: system-packages

system-packages:
	@scripts/system-packages.sh

# The real-API-server and end-to-end tiers need etcd, redis and iproute2 from the same list.
test-cluster test-e2e: system-packages
